//! Each key's rule and the checks of single values; `read` adds file, position and key.

use std::path::Path;

use url::Url;

use crate::domain::{Approval, ConnectorAuth, KeySource, SecretStore};
use crate::util::file::{self, FileError};

/// What is wrong (completes "KEY: ...") and the fix.
#[derive(Debug)]
pub(super) struct Problem {
    pub problem: String,
    pub hint: String,
}

impl Problem {
    pub(super) fn new(problem: impl Into<String>, hint: impl Into<String>) -> Problem {
        Problem {
            problem: problem.into(),
            hint: hint.into(),
        }
    }
}

pub(super) type Checked<T> = std::result::Result<T, Problem>;

#[derive(Clone, Copy)]
pub(super) enum Rule {
    /// A string, kept in the form the check gives.
    Text(fn(&str) -> Checked<String>),
    Number(fn(i64) -> Checked<u32>),
    /// An integer from 1 to the maximum; the text says what is allowed.
    Range(u32, &'static str),
    Flag,
    /// A literal or `{ env = "NAME" }`.
    Secret,
    /// `keys.public_key_file`: read into `keys.public_key`.
    KeyFile,
}

fn url_text(text: &str) -> Checked<String> {
    base_url(text).map(String::from)
}

/// Every key, in the order of `examples/answers.toml`, with its rule.
pub(super) static RULES: [(&str, Rule); 25] = [
    ("jira.url", Rule::Text(url_text)),
    ("jira.admin_token", Rule::Secret),
    ("jira.admin_username", Rule::Text(name)),
    ("jira.admin_password", Rule::Secret),
    ("jira.test_project", Rule::Text(project_key)),
    ("jira.replace_existing", Rule::Flag),
    ("service_account.username", Rule::Text(name)),
    ("service_account.password", Rule::Secret),
    ("service_account.token", Rule::Secret),
    ("align.url", Rule::Text(url_text)),
    ("align.api_token", Rule::Secret),
    ("align.api_email", Rule::Text(email)),
    ("align.application_name", Rule::Text(name)),
    ("align.connector_name", Rule::Text(name)),
    (
        "align.sync_timeout_secs",
        Rule::Range(3600, "seconds from 1 to 3600 (300 when absent)"),
    ),
    (
        "connector.auth",
        Rule::Text(|t| choice(t, &ConnectorAuth::ALL, ConnectorAuth::as_str)),
    ),
    (
        "connector.id",
        Rule::Range(
            u32::MAX,
            "the Connector ID Jira Align shows, a positive number",
        ),
    ),
    (
        "keys.source",
        Rule::Text(|t| choice(t, &KeySource::ALL, KeySource::as_str)),
    ),
    ("keys.consumer_key", Rule::Text(consumer_key)),
    ("keys.bits", Rule::Number(key_bits)),
    ("keys.public_key", Rule::Text(public_key)),
    ("keys.public_key_file", Rule::KeyFile),
    ("keys.preflight", Rule::Flag),
    (
        "oauth.approval",
        Rule::Text(|t| choice(t, &Approval::ALL, Approval::as_str)),
    ),
    (
        "secrets.store",
        Rule::Text(|t| choice(t, &SecretStore::ALL, SecretStore::as_str)),
    ),
];

impl Rule {
    /// What the key takes, for "expected X, found Y".
    pub(super) fn expected(self) -> &'static str {
        match self {
            Rule::Text(_) | Rule::KeyFile | Rule::Secret => "a string",
            Rule::Number(_) | Rule::Range(..) => "an integer",
            Rule::Flag => "true or false",
        }
    }
}

/// Absolute http(s) with a host, no query, fragment or credentials. Trailing slashes
/// are trimmed so that `base + "/rest/..."` never doubles one.
pub(super) fn base_url(raw: &str) -> Checked<Url> {
    let example = "e.g. https://jira.example.com or https://example.com/jira";
    let shown = crate::util::text::mask_userinfo(raw);
    let mut url = match Url::parse(raw) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            // `http//host`: the scheme is there, its colon is not. Prefixing
            // https:// would make `https://http//host`.
            if let Some(fixed) = colon_restored(raw) {
                return Err(Problem::new(
                    format!("`{shown}` is not a URL (the scheme has no colon)"),
                    format!("did you mean {}?", crate::util::text::mask_userinfo(&fixed)),
                ));
            }
            let shown = crate::util::text::mask_userinfo(&format!("https://{raw}"));
            let hint = match Url::parse(&format!("https://{raw}")) {
                Ok(_) => format!("write the full address with its scheme: {shown}"),
                Err(_) => format!("write the full address with its scheme, {example}"),
            };
            let bare = shown.trim_start_matches("https://");
            return Err(Problem::new(
                format!("`{bare}` is not a URL (it has no scheme such as https://)"),
                hint,
            ));
        }
        Err(err) => {
            return Err(Problem::new(
                format!("`{shown}` is not a URL ({err})"),
                format!("write the full address, {example}"),
            ))
        }
    };
    // Checked before anything that echoes the value: it may hold a password.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Problem::new(
            "the URL holds a user name or password",
            "remove the `user:password@` part; credentials go in jira.admin_token or \
             jira.admin_username/admin_password",
        ));
    }
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(Problem::new(
            format!("`{raw}` has the scheme `{scheme}`; the scheme must be http or https"),
            format!("write the web address, {example}"),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Problem::new(
            format!("`{raw}` has no host"),
            format!("write the full address, {example}"),
        ));
    }
    if let Some(query) = url.query() {
        return Err(Problem::new(
            format!("`{raw}` has a query (`?{query}`); a base URL has none"),
            format!("remove everything from `?`, {example}"),
        ));
    }
    if let Some(fragment) = url.fragment() {
        return Err(Problem::new(
            format!("`{raw}` has a fragment (`#{fragment}`); a base URL has none"),
            format!("remove everything from `#`, {example}"),
        ));
    }
    let trimmed = url.path().trim_end_matches('/').to_string();
    if !trimmed.is_empty() {
        url.set_path(&trimmed);
    }
    Ok(url)
}

/// `http//host` (or `https//host`) with the colon put back; `None` for anything else.
fn colon_restored(raw: &str) -> Option<String> {
    ["https", "http"].iter().find_map(|scheme| {
        let head = raw.get(..scheme.len())?;
        let rest = raw[scheme.len()..].strip_prefix("//")?;
        (head.eq_ignore_ascii_case(scheme) && !rest.is_empty())
            .then(|| format!("{}://{rest}", scheme))
    })
}

/// Jira keeps a link's name to this many characters: a longer one would not read back.
const NAME_MAX: usize = 200;

pub(super) const NOT_HEADER_SAFE: &str =
    "holds a line break or another control character, which cannot go in an HTTP header";

fn name(value: &str) -> Checked<String> {
    if value.trim().is_empty() {
        return Err(Problem::new(
            "is empty",
            "give a value, or leave the key out",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Problem::new(
            "holds a line break or another control character",
            "write it on one line",
        ));
    }
    let length = value.chars().count();
    if length > NAME_MAX {
        return Err(Problem::new(
            format!("is {length} characters long; Jira keeps names to {NAME_MAX}"),
            format!("shorten it to {NAME_MAX} characters or fewer"),
        ));
    }
    Ok(value.to_string())
}

fn email(value: &str) -> Checked<String> {
    let email = name(value)?;
    if !email.contains('@') {
        return Err(Problem::new(
            format!("`{email}` is not an email address"),
            "give the email of the Atlassian account that owns the API token",
        ));
    }
    Ok(email)
}

fn key_bits(bits: i64) -> Checked<u32> {
    match u32::try_from(bits) {
        Ok(bits) if crate::keys::ACCEPTED_KEY_BITS.contains(&(bits as usize)) => Ok(bits),
        _ => Err(Problem::new(
            format!("{bits} is not an allowed key size"),
            format!(
                "use {} ({} when absent)",
                crate::keys::accepted_key_bits_text(),
                crate::keys::DEFAULT_KEY_BITS
            ),
        )),
    }
}

pub(super) fn header_safe(value: &str) -> bool {
    !value.chars().any(char::is_control)
}

fn consumer_key(key: &str) -> Checked<String> {
    let hint = "change it (Jira Align and Jira must hold the same key, letters and digits \
                only), or leave keys.consumer_key out and align-link generates one";
    crate::keys::check_consumer_key(key)
        .map(|()| key.to_string())
        .map_err(|reason| Problem::new(format!("`{}` {reason}", key.escape_debug()), hint))
}

/// `[A-Z][A-Z0-9_]+`.
fn project_key(key: &str) -> Checked<String> {
    let mut chars = key.chars();
    if chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && !chars.as_str().is_empty()
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return Ok(key.to_string());
    }
    let upper = key.to_ascii_uppercase();
    let hint = if upper != key && project_key(&upper).is_ok() {
        format!("project keys are upper-case: {upper}")
    } else {
        "use the key Jira shows for the project (e.g. ALIGN in ALIGN-123)".to_string()
    };
    Err(Problem::new(
        format!(
            "`{}` is not a Jira project key: an upper-case letter, then one or more \
             upper-case letters, digits or _",
            key.escape_debug()
        ),
        hint,
    ))
}

/// Parsed here, while the file position is known; never echoes the value.
fn public_key(text: &str) -> Checked<String> {
    let hint = "give the public key Jira Align shows on the connector form (Generate New \
                Key), as PEM or its base64 body";
    crate::keys::parse_public_key(text)
        .map(|_| text.to_string())
        .map_err(|err| Problem::new(err.to_string(), hint))
}

pub(super) fn env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The closest candidate within a small edit distance, for "did you mean".
pub(super) fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn choice<T: Copy>(value: &str, all: &[T], spell: fn(T) -> &'static str) -> Checked<String> {
    let names: Vec<&str> = all.iter().map(|v| spell(*v)).collect();
    if names.contains(&value) {
        return Ok(value.to_string());
    }
    let listed = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let near = value.replace('_', "-").to_ascii_lowercase();
    let hint = match suggest(&near, &names) {
        Some(name) => format!("did you mean \"{name}\"?"),
        None => format!("use one of {listed}"),
    };
    Err(Problem::new(
        format!("\"{}\" is not one of {listed}", value.escape_debug()),
        hint,
    ))
}

/// The key's text and the path read, relative to the answers file's directory.
pub(super) fn public_key_file(answers: &Path, value: &str) -> Checked<(String, String)> {
    if value.trim().is_empty() {
        return Err(Problem::new(
            "is empty",
            "give the path of the file that holds Jira Align's public key",
        ));
    }
    let dir = answers.parent().unwrap_or(Path::new(""));
    let resolved = dir.join(value);
    let shown = resolved.display().to_string();
    let check_path = if Path::new(value).is_relative() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        format!(
            "check the path; a relative path is taken from the answers file's directory ({})",
            dir.display()
        )
    } else {
        "check the path".to_string()
    };
    let (bytes, _) = file::read_regular(&resolved, file::KEY_FILE_MAX).map_err(|err| {
        let hint = match &err {
            FileError::Missing | FileError::Io(_) => check_path.clone(),
            other => other.fix(&shown),
        };
        Problem::new(err.problem(&shown), hint)
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Problem::new(format!("{shown} is not text (a PEM file is)"), &check_path))?;
    public_key(&text).map_err(|p| Problem::new(format!("{shown}: {}", p.problem), p.hint))?;
    Ok((text, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_without_its_colon_is_restored_not_prefixed() {
        let problem = base_url("http//127.0.0.1:43741").unwrap_err();
        assert_eq!(problem.hint, "did you mean http://127.0.0.1:43741?");
        assert!(!problem.hint.contains("https://http"), "{}", problem.hint);
        let problem = base_url("HTTPS//jira.example.com/jira").unwrap_err();
        assert_eq!(problem.hint, "did you mean https://jira.example.com/jira?");
        // A host alone still gets a scheme in front.
        let problem = base_url("jira.example.com").unwrap_err();
        assert!(
            problem.hint.contains("https://jira.example.com"),
            "{}",
            problem.hint
        );
        assert_eq!(colon_restored("http//"), None);
        assert_eq!(colon_restored("httpd//x"), None);
    }
}

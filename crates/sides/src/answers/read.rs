//! Reads the file through serde derive: the tables below, unknown keys collected by
//! serde_ignored. Each value is taken as [`Typed`], so a value of the wrong type is
//! kept rather than refused with serde's message (which names no dotted key and
//! echoes the value, a secret's too); every message here is built from the key, the
//! span toml_edit's document keeps for it, and the value's kind.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::Value;
use toml_edit::{ImDocument, TableLike};

use super::checks::{self, Checked, Problem};
use super::*;

/// Each table's keys, in the order `examples/answers.toml` lists them, for messages.
/// A test holds them to the tables below.
const TABLES: [(&str, &str); 7] = [
    (
        "jira",
        "url admin_token admin_username admin_password test_project replace_existing",
    ),
    ("service_account", "username password token"),
    (
        "align",
        "url api_token api_email application_name connector_name sync_timeout_secs",
    ),
    ("connector", "auth id"),
    (
        "keys",
        "source consumer_key bits public_key public_key_file preflight",
    ),
    ("oauth", "approval"),
    ("secrets", "store"),
];

type Field<T> = Option<Typed<T>>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tables {
    jira: JiraTable,
    service_account: ServiceAccountTable,
    align: AlignTable,
    connector: ConnectorTable,
    keys: KeysTable,
    oauth: OAuthTable,
    secrets: SecretsTable,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JiraTable {
    url: Field<String>,
    admin_token: Field<SecretValue>,
    admin_username: Field<String>,
    admin_password: Field<SecretValue>,
    test_project: Field<String>,
    replace_existing: Field<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ServiceAccountTable {
    username: Field<String>,
    password: Field<SecretValue>,
    token: Field<SecretValue>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AlignTable {
    url: Field<String>,
    api_token: Field<SecretValue>,
    api_email: Field<String>,
    application_name: Field<String>,
    connector_name: Field<String>,
    sync_timeout_secs: Field<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConnectorTable {
    auth: Field<String>,
    id: Field<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KeysTable {
    source: Field<String>,
    consumer_key: Field<String>,
    bits: Field<i64>,
    public_key: Field<String>,
    public_key_file: Field<String>,
    preflight: Field<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OAuthTable {
    approval: Field<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SecretsTable {
    store: Field<String>,
}

/// A secret as the file may give it.
#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum SecretValue {
    Literal(String),
    Env { env: String },
}

/// A value as written: `Ok` when it has the type its key takes, else the value found.
struct Typed<T>(std::result::Result<T, Value>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Typed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(input: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(input)?;
        Ok(Typed(T::deserialize(value.clone()).map_err(|_| value)))
    }
}

/// What a key of type `T` takes, for "expected X, found Y".
trait Expected {
    const EXPECTED: &'static str;
}
impl Expected for String {
    const EXPECTED: &'static str = "a string";
}
impl Expected for i64 {
    const EXPECTED: &'static str = "an integer";
}
impl Expected for bool {
    const EXPECTED: &'static str = "true or false";
}

/// What a `{ env = "NAME" }` secret whose variable is unset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnsetEnv {
    /// An error naming the key and variable (a run that would use it).
    Error,
    /// Absent, and listed in `Answers::unset_env` (a command that only reads).
    Absent,
}

pub(super) fn read(
    text: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    mode: Option<u32>,
    unset_env: UnsetEnv,
) -> Result<Answers> {
    let mut cx = Cx {
        text,
        path,
        env,
        doc: ImDocument::parse(text).map_err(|err| {
            let at = at(text, path, err.span().unwrap_or(0..0));
            // toml's message may span lines: keep the error on one line.
            let message = err.message().trim().replace('\n', ": ");
            AppError::usage(format!("{at}: not valid TOML: {message}")).hint(
                "fix the syntax at that position; `align-link answers-example` prints a valid file",
            )
        })?,
        literal_secrets: Vec::new(),
        unset: Vec::new(),
        warnings: Vec::new(),
    };
    for (name, item) in cx.doc.as_table().iter() {
        if TABLES.iter().any(|(table, _)| *table == name) && !item.is_table_like() {
            let found = with_article(item.type_name());
            return Err(cx
                .error(name, false, format!("expected a table, found {found}"))
                .hint(format!("write the keys of {name} under a [{name}] header")));
        }
    }
    let mut unknown: Vec<Vec<String>> = Vec::new();
    let input = toml_edit::de::Deserializer::from(cx.doc.clone());
    let tables: Tables = serde_ignored::deserialize(input, |path| unknown.push(segments(&path)))
        .map_err(|err| {
            AppError::usage(format!(
                "{}: this does not fit the answers file's tables",
                at(text, path, err.span().unwrap_or(0..0))
            ))
            .hint("`align-link answers-example` prints a valid file")
        })?;
    if let Some(keys) = unknown.first() {
        return Err(cx.unknown(keys));
    }
    let answers = cx.answers(&tables)?;
    cx.finish(answers, mode, unset_env)
}

/// The context every check reports through.
struct Cx<'a> {
    text: &'a str,
    path: &'a Path,
    env: &'a dyn Fn(&str) -> Option<String>,
    doc: ImDocument<&'a str>,
    /// "KEY (FILE:LINE:COLUMN)" of each secret written in the file, for the mode warning.
    literal_secrets: Vec<String>,
    /// (key, variable, its error) of each `{ env = "NAME" }` whose variable is unset.
    unset: Vec<(String, String, AppError)>,
    warnings: Vec<String>,
}

impl Cx<'_> {
    fn answers(&mut self, t: &Tables) -> Result<Answers> {
        let (j, s, a) = (&t.jira, &t.service_account, &t.align);
        let name = |text: &String| checks::name(text);
        Ok(Answers {
            path: Some(self.path.to_path_buf()),
            jira: JiraAnswers {
                url: self.take(&j.url, "jira.url", |url| checks::base_url(url))?,
                admin_token: self.secret(&j.admin_token, "jira.admin_token")?,
                admin_username: self.take(&j.admin_username, "jira.admin_username", name)?,
                admin_password: self.secret(&j.admin_password, "jira.admin_password")?,
                test_project: self.take(&j.test_project, "jira.test_project", |key| {
                    checks::project_key(key).map(|()| key.clone())
                })?,
                replace_existing: self.take(&j.replace_existing, "jira.replace_existing", flag)?,
            },
            service_account: ServiceAccountAnswers {
                username: self.take(&s.username, "service_account.username", name)?,
                password: self.secret(&s.password, "service_account.password")?,
                token: self.secret(&s.token, "service_account.token")?,
            },
            align: AlignAnswers {
                url: self.take(&a.url, "align.url", |url| checks::base_url(url))?,
                api_token: self.secret(&a.api_token, "align.api_token")?,
                api_email: self.take(&a.api_email, "align.api_email", |email| {
                    let email = checks::name(email)?;
                    if !email.contains('@') {
                        return Err(Problem::new(
                            format!("`{email}` is not an email address"),
                            "give the email of the Atlassian account that owns the API token",
                        ));
                    }
                    Ok(email)
                })?,
                application_name: self.take(&a.application_name, "align.application_name", name)?,
                connector_name: self.take(&a.connector_name, "align.connector_name", name)?,
                sync_timeout_secs: self.take(
                    &a.sync_timeout_secs,
                    "align.sync_timeout_secs",
                    |n| checks::in_range(*n, 3600, "seconds from 1 to 3600 (300 when absent)"),
                )?,
            },
            connector: ConnectorAnswers {
                auth: self.take(&t.connector.auth, "connector.auth", |text| {
                    checks::choice(text, &ConnectorAuth::ALL, |auth| auth.as_str())
                })?,
                id: self.take(&t.connector.id, "connector.id", |n| {
                    let why = "the Connector ID Jira Align shows, a positive number";
                    checks::in_range(*n, u32::MAX, why)
                })?,
            },
            keys: self.keys(&t.keys)?,
            oauth: OAuthAnswers {
                approval: self.take(&t.oauth.approval, "oauth.approval", |text| {
                    checks::choice(text, &Approval::ALL, |approval| approval.as_str())
                })?,
            },
            secrets: SecretsAnswers {
                store: self.take(&t.secrets.store, "secrets.store", |text| {
                    checks::choice(text, &SecretStore::ALL, |store| store.as_str())
                })?,
            },
            ..Answers::default()
        })
    }

    fn keys(&mut self, t: &KeysTable) -> Result<KeyAnswers> {
        let mut source = self.take(&t.source, "keys.source", |text| {
            checks::choice(text, &KeySource::ALL, |source| source.as_str())
        })?;
        let consumer_key = self.take(&t.consumer_key, "keys.consumer_key", |key| {
            checks::consumer_key(key).map(|()| key.clone())
        })?;
        let bits = self.take(&t.bits, "keys.bits", |&bits| match u32::try_from(bits) {
            Ok(bits) if crate::keys::ACCEPTED_KEY_BITS.contains(&(bits as usize)) => Ok(bits),
            _ => Err(Problem::new(
                format!("{bits} is not an allowed key size"),
                format!(
                    "use {} ({} when absent)",
                    crate::keys::accepted_key_bits_text(),
                    crate::keys::DEFAULT_KEY_BITS
                ),
            )),
        })?;
        // The key of the public key as given, the later one when both are.
        let given = match (&t.public_key, &t.public_key_file) {
            (Some(_), None) => Some("keys.public_key"),
            (None, Some(_)) => Some("keys.public_key_file"),
            (None, None) => None,
            (Some(_), Some(_)) => {
                let later = ["keys.public_key", "keys.public_key_file"]
                    .into_iter()
                    .max_by_key(|key| self.span(key, false).start)
                    .unwrap_or_default();
                return Err(self
                    .error(
                        later,
                        false,
                        "keys.public_key and keys.public_key_file are both set",
                    )
                    .hint("keep one of them: the key itself, or the file that holds it"));
            }
        };
        let inline = self.take(&t.public_key, "keys.public_key", |text| {
            checks::public_key(text).map(|()| (text.clone(), "keys.public_key".to_string()))
        })?;
        let from_file = self.take(&t.public_key_file, "keys.public_key_file", |file| {
            let (text, resolved) = checks::public_key_file(self.path, file)?;
            Ok((text, resolved.display().to_string()))
        })?;
        match (source, given) {
            (Some(KeySource::Generate), Some(given)) => {
                let source_at = self.at(self.span("keys.source", true));
                return Err(self
                    .error(
                        given,
                        false,
                        format!(
                            "a public key is given, but keys.source = \"generate\" (at \
                             {source_at}) says align-link makes the key pair itself"
                        ),
                    )
                    .hint(
                        "set source = \"align\" if Jira Align generated the key at step 5, \
                         or remove the public key",
                    ));
            }
            // A public key only makes sense when Jira Align made the pair.
            (None, Some(_)) => source = Some(KeySource::Align),
            _ => {}
        }
        if source == Some(KeySource::Align) && t.bits.is_some() {
            self.warnings.push(format!(
                "{}: keys.bits is ignored: with keys.source = \"align\", Jira Align made the \
                 key pair",
                self.at(self.span("keys.bits", false))
            ));
        }
        let (public_key, public_key_origin) = inline.or(from_file).unzip();
        Ok(KeyAnswers {
            source,
            consumer_key,
            bits,
            public_key,
            public_key_origin,
            preflight: self.take(&t.preflight, "keys.preflight", flag)?,
        })
    }

    /// The value of `key` through `check`, or the error at it.
    fn take<T: Expected, U>(
        &self,
        field: &Field<T>,
        key: &str,
        check: impl FnOnce(&T) -> Checked<U>,
    ) -> Result<Option<U>> {
        let Some(Typed(value)) = field else {
            return Ok(None);
        };
        let problem = match value {
            Ok(value) => match check(value) {
                Ok(value) => return Ok(Some(value)),
                Err(problem) => problem,
            },
            Err(found) => type_problem(key, T::EXPECTED, found),
        };
        Err(self.reject(key, problem))
    }

    /// A literal secret or `{ env = "NAME" }`. Messages never show the value; an
    /// unset variable is collected, so that one error names them all.
    fn secret(&mut self, field: &Field<SecretValue>, key: &str) -> Result<Option<Secret>> {
        let Some(Typed(value)) = field else {
            return Ok(None);
        };
        let env_hint = format!("write {key} = {{ env = \"NAME\" }} and export NAME");
        let problem = match value {
            Ok(SecretValue::Literal(text)) if text.is_empty() => Problem::new(
                "is empty",
                format!("put the value in the file, or {env_hint}"),
            ),
            Ok(SecretValue::Literal(text)) if !checks::header_safe(text) => Problem::new(
                checks::NOT_HEADER_SAFE,
                "copy the value again, without the line break",
            ),
            Ok(SecretValue::Literal(text)) => {
                let at = self.at(self.span(key, true));
                self.literal_secrets.push(format!("{key} ({at})"));
                return Ok(Some(Secret::new(text.clone())));
            }
            Ok(SecretValue::Env { env: name }) if !checks::env_name(name) => Problem::new(
                format!(
                    "`{}` is not an environment variable name (letters, digits and _, \
                     not starting with a digit)",
                    name.escape_debug()
                ),
                env_hint,
            ),
            Ok(SecretValue::Env { env: name }) => {
                let fix = format!("export {name}=... or put the value in the file");
                match (self.env)(name) {
                    Some(value) if value.is_empty() => {
                        Problem::new(format!("environment variable {name} is set but empty"), fix)
                    }
                    Some(value) if !checks::header_safe(&value) => Problem::new(
                        format!("environment variable {name} {}", checks::NOT_HEADER_SAFE),
                        format!("export {name} again, without the line break"),
                    ),
                    Some(value) => return Ok(Some(Secret::new(value))),
                    None => {
                        let unset = format!("environment variable {name} is not set");
                        let error = self.reject(key, Problem::new(unset, fix));
                        self.unset.push((key.to_string(), name.clone(), error));
                        return Ok(None);
                    }
                }
            }
            Err(Value::Table(table)) => {
                let problem = match (table.keys().find(|k| *k != "env"), table.get("env")) {
                    (Some(extra), _) => {
                        format!("unknown key `{}` in {{ env = \"NAME\" }}", shown_key(extra))
                    }
                    (None, Some(other)) => {
                        format!("env: expected a string, found {}", describe(other))
                    }
                    (None, None) => "the table has no `env` key".to_string(),
                };
                Problem::new(problem, env_hint)
            }
            Err(other) => Problem::new(
                format!(
                    "expected a string or {{ env = \"NAME\" }}, found {}",
                    describe(other)
                ),
                format!("quote the value, or {env_hint}"),
            ),
        };
        Err(self.reject(key, problem))
    }

    /// The mode warning and the unset variables, once every key is read.
    fn finish(
        self,
        mut answers: Answers,
        mode: Option<u32>,
        unset_env: UnsetEnv,
    ) -> Result<Answers> {
        answers.warnings = self.warnings;
        if let Some(mode) = mode.filter(|m| m & 0o077 != 0 && !self.literal_secrets.is_empty()) {
            let file = self.path.display();
            answers.warnings.push(format!(
                "{file} can be read by group or others (mode {:03o}) and holds secrets \
                 written in it: {}. Run `chmod 600 {file}`, or write each as \
                 {{ env = \"NAME\" }} and export NAME",
                mode & 0o777,
                self.literal_secrets.join(", ")
            ));
        }
        let (keys, mut errors): (Vec<_>, Vec<_>) = self
            .unset
            .into_iter()
            .map(|(key, variable, error)| ((key, variable), error))
            .unzip();
        match errors.len() {
            0 => {}
            _ if unset_env == UnsetEnv::Absent => answers.unset_env = keys,
            1 => return Err(errors.remove(0)),
            n => {
                let each: Vec<&str> = errors.iter().map(|err| err.message.as_str()).collect();
                return Err(AppError::usage(format!(
                    "{n} environment variables the answers name are not set:\n  {}",
                    each.join("\n  ")
                ))
                .hint("export each of them (or put the values in the file), then run again"));
            }
        }
        Ok(answers)
    }

    /// An unknown table or key, with the tables or keys it might have meant.
    fn unknown(&self, path: &[String]) -> AppError {
        let names: Vec<&str> = TABLES.iter().map(|(name, _)| *name).collect();
        let listed = names
            .iter()
            .map(|n| format!("[{n}]"))
            .collect::<Vec<_>>()
            .join(", ");
        let span = self.span_of(path, false);
        let (what, hint) = match path {
            [table, key, ..] => {
                let keys: Vec<&str> = TABLES
                    .iter()
                    .find(|(name, _)| name == table)
                    .map_or(Vec::new(), |(_, keys)| keys.split(' ').collect());
                let listed = keys.join(", ");
                let hint = match checks::suggest(key, &keys) {
                    Some(near) => {
                        format!("did you mean `{near}`? The keys of [{table}] are {listed}")
                    }
                    None => format!("the keys of [{table}] are {listed}"),
                };
                (format!("unknown key `{table}.{}`", shown_key(key)), hint)
            }
            [name]
                if self
                    .doc
                    .as_table()
                    .get(name)
                    .is_some_and(|item| item.is_table_like()) =>
            {
                (
                    format!("unknown table `[{}]`", shown_key(name)),
                    match checks::suggest(name, &names) {
                        Some(near) => format!("did you mean [{near}]? The tables are {listed}"),
                        None => format!("the tables are {listed}"),
                    },
                )
            }
            _ => {
                // A key written above the first header: say which tables have it.
                let key = path.first().map_or("", String::as_str);
                let homes: Vec<String> = TABLES
                    .iter()
                    .filter(|(_, keys)| keys.split(' ').any(|k| k == key))
                    .map(|(name, _)| format!("[{name}]"))
                    .collect();
                let hint = if homes.is_empty() {
                    format!("keys go under a table header; the tables are {listed}")
                } else {
                    format!("put it under {}", homes.join(" or "))
                };
                (format!("unknown key `{}`", shown_key(key)), hint)
            }
        };
        AppError::usage(format!("{}: {what}", self.at(span))).hint(hint)
    }

    /// `FILE:LINE:COLUMN: KEY: problem` at the key's value, with the fix.
    fn reject(&self, key: &str, problem: Problem) -> AppError {
        self.error(key, true, problem.problem).hint(problem.hint)
    }

    /// `FILE:LINE:COLUMN: KEY: problem` at the key's value or at its name.
    fn error(&self, key: &str, at_value: bool, problem: impl std::fmt::Display) -> AppError {
        AppError::usage(format!(
            "{}: {key}: {problem}",
            self.at(self.span(key, at_value))
        ))
    }

    fn at(&self, span: Range<usize>) -> String {
        at(self.text, self.path, span)
    }

    fn span(&self, dotted: &str, at_value: bool) -> Range<usize> {
        let path: Vec<String> = dotted.split('.').map(String::from).collect();
        self.span_of(&path, at_value)
    }

    /// Where the document holds a key's name, or its value. A sub-table made only
    /// of dotted keys (`bits.x = 1`) has no span of its own: the key's stands for it.
    fn span_of(&self, path: &[String], at_value: bool) -> Range<usize> {
        let mut table: &dyn TableLike = self.doc.as_table();
        let mut span = 0..0;
        for name in path {
            let Some((key, item)) = table.get_key_value(name) else {
                break;
            };
            let value = item.span().filter(|_| at_value);
            span = value.or_else(|| key.span()).unwrap_or(0..0);
            match item.as_table_like() {
                Some(inner) => table = inner,
                None => break,
            }
        }
        span
    }
}

fn flag(value: &bool) -> Checked<bool> {
    Ok(*value)
}

/// "expected X, found Y" with the likely fix.
fn type_problem(key: &str, expected: &str, found: &Value) -> Problem {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    let hint = match (found, expected) {
        (Value::String(s), "an integer") if s.trim().parse::<i64>().is_ok() => {
            format!("drop the quotes: {leaf} = {}", s.trim())
        }
        (Value::Table(_), _) => format!("{key} takes a single value, not a table"),
        (_, "a string") => format!("quote the value: {leaf} = \"...\""),
        _ => format!("give {key} {expected}"),
    };
    Problem::new(
        format!("expected {expected}, found {}", describe(found)),
        hint,
    )
}

/// The keys of an ignored entry's path, top table first.
fn segments(path: &serde_ignored::Path) -> Vec<String> {
    use serde_ignored::Path as P;
    match path {
        P::Root => Vec::new(),
        P::Map { parent, key } => {
            let mut keys = segments(parent);
            keys.push(key.clone());
            keys
        }
        P::Seq { parent, .. }
        | P::Some { parent }
        | P::NewtypeStruct { parent }
        | P::NewtypeVariant { parent } => segments(parent),
    }
}

/// "a string", "an integer", ...: for "expected X, found Y".
fn describe(value: &Value) -> String {
    with_article(value.type_str())
}

fn with_article(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}

/// A key name from the file as an error shows it: control characters (a quoted
/// TOML key may hold any) escaped, a long one cut.
fn shown_key(key: &str) -> String {
    crate::util::text::clean(key, 80)
}

/// `FILE:LINE:COLUMN` of a span's start.
fn at(text: &str, path: &Path, span: Range<usize>) -> String {
    let (line, column) = line_col(text, span.start);
    format!("{}:{line}:{column}", path.display())
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    // Spans fall on char boundaries; step back if one ever does not.
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listed_keys_are_the_tables_keys() {
        let text: String = TABLES
            .iter()
            .map(|(table, keys)| {
                let keys: String = keys.split(' ').map(|key| format!("{key} = 0\n")).collect();
                format!("[{table}]\n{keys}")
            })
            .collect();
        let input = toml_edit::de::Deserializer::parse(text.as_str()).unwrap();
        let mut unknown = Vec::new();
        let tables: Tables =
            serde_ignored::deserialize(input, |path| unknown.push(path.to_string())).unwrap();
        assert!(unknown.is_empty(), "{unknown:?}");
        // Every field of the tables was given.
        let k = &tables.keys;
        assert!(k.source.is_some() && k.bits.is_some() && k.preflight.is_some());
        assert!(tables.jira.replace_existing.is_some() && tables.secrets.store.is_some());
        assert!(tables.align.sync_timeout_secs.is_some() && tables.connector.id.is_some());
        assert!(tables.service_account.token.is_some() && tables.oauth.approval.is_some());
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("é = 1", 3), (1, 3));
        assert_eq!(line_col("a\nbc", 3), (2, 2));
        assert_eq!(line_col("a", 99), (1, 2));
    }

    #[test]
    fn kinds_have_their_article() {
        let kinds: Vec<String> = ["1", "\"s\"", "1979-05-27", "[1]", "true", "1.5", "{}"]
            .iter()
            .map(|v| describe(&format!("v = {v}").parse::<toml::Table>().unwrap()["v"]))
            .collect();
        assert_eq!(
            kinds,
            [
                "an integer",
                "a string",
                "a datetime",
                "an array",
                "a boolean",
                "a float",
                "a table"
            ]
        );
    }
}

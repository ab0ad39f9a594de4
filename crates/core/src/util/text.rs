//! Text from outside made safe to show or store: escaped, cut and secrets hidden.

use std::fmt::Write;

/// How much of a server-given name, version or title is kept.
pub const NAME_CHARS: usize = 200;
/// How much of an unexpected answer is quoted in an error.
pub const EXCERPT_CHARS: usize = 300;

/// Parameters whose values are credentials (the request token, the verifier, Jira's XSRF token).
pub const SECRET_PARAMS: [&str; 3] = ["oauth_token", "oauth_verifier", "atl_token"];

/// Control characters and bidirectional overrides become visible `\u{..}` escapes, so
/// server text can neither drive the terminal nor break a line of `state.toml`.
pub fn clean(text: &str, max: usize) -> String {
    let mut shown = String::with_capacity(text.len().min(max.saturating_mul(2)));
    let mut chars = text.chars();
    for c in chars.by_ref().take(max) {
        escape_into(&mut shown, c);
    }
    let left = chars.count();
    if left > 0 {
        let _ = write!(shown, "… ({left} more characters)");
    }
    shown
}

pub fn server_name(text: &str) -> String {
    clean(text.trim(), NAME_CHARS)
}

pub fn deserialize_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw: String = serde::Deserialize::deserialize(d)?;
    Ok(server_name(&raw))
}

pub fn deserialize_optional_name<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let raw: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(raw.as_deref().map(server_name))
}

/// Whitespace folded, secrets masked, escaped and cut.
pub fn excerpt(body: &str) -> String {
    let mut folded = String::new();
    // Fold only what will be shown, so a huge body costs no more than its excerpt.
    for word in body.split_whitespace() {
        if folded.len() > EXCERPT_CHARS * 4 + 16 {
            folded.push_str(" …");
            break;
        }
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    clean(&redact_text(&folded), EXCERPT_CHARS)
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() || is_bidi_control(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// As `-v` does in URLs: [`SECRET_PARAMS`], `*secret` parameters, `JSESSIONID` cookies
/// and `Authorization:` header values.
pub fn redact_text(text: &str) -> String {
    const HEADER: &[u8] = b"authorization: ";
    // ASCII lowercasing keeps every byte where it was, so indexes carry over.
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let header = bytes[at..].starts_with(HEADER);
        let start = if header {
            at + HEADER.len()
        } else if bytes[at] == b'=' && is_secret_name(&lower[..at]) {
            at + 1
        } else {
            at += 1;
            continue;
        };
        // A header's value runs to the end of the line, a parameter's to a separator.
        let value = &text[start..];
        let end_of_value = |c: char| match header {
            true => c == '\n',
            false => c.is_whitespace() || "&,;\"'<>()".contains(c),
        };
        let len = value.find(end_of_value).unwrap_or(value.len());
        out.push_str(&text[copied..start]);
        // `...` is a placeholder in our own texts, `denied` the protocol's refusal.
        out.push_str(match &value[..len] {
            shown @ ("" | "..." | "<redacted>" | "denied") => shown,
            _ => "<redacted>",
        });
        copied = start + len;
        at = copied;
    }
    out.push_str(&text[copied..]);
    out
}

/// The whole name that ends `lower`, not the tail of a longer one, counts.
fn is_secret_name(lower: &str) -> bool {
    let name = lower
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    SECRET_PARAMS.contains(&name) || name == "jsessionid" || name.ends_with("secret")
}

/// For messages about a URL that may not even parse.
pub fn mask_userinfo(raw: &str) -> String {
    let Some(scheme_end) = raw.find("://") else {
        return raw.to_string();
    };
    let authority_start = scheme_end + 3;
    let authority_end = raw[authority_start..]
        .find(['/', '?', '#'])
        .map_or(raw.len(), |i| authority_start + i);
    let authority = &raw[authority_start..authority_end];
    let Some(at) = authority.rfind('@') else {
        return raw.to_string();
    };
    let user = authority[..at].split(':').next().unwrap_or_default();
    let masked = if authority[..at].contains(':') {
        format!("{user}:***")
    } else {
        user.to_string()
    };
    format!(
        "{}{masked}{}{}",
        &raw[..authority_start],
        &authority[at..],
        &raw[authority_end..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_keeps_ordinary_text() {
        assert_eq!(clean("Jöhn Smith", 50), "Jöhn Smith");
        assert_eq!(
            clean("\u{1b}[2J\u{1b}]0;pwned\u{7}x", 50),
            "\\u{1b}[2J\\u{1b}]0;pwned\\u{7}x"
        );
        assert_eq!(clean("a\u{9b}31mb", 50), "a\\u{9b}31mb");
        assert_eq!(clean("line\nnext\t\r", 50), "line\\nnext\\t\\r");
        assert_eq!(clean("safe\u{202e}txt.exe", 50), "safe\\u{202e}txt.exe");
        assert!(!clean("\u{1b}\u{7f}\u{0}", 50).chars().any(char::is_control));
    }

    #[test]
    fn cuts_long_text_and_says_how_much() {
        let long = "x".repeat(1000);
        assert_eq!(clean(&long, 10), "xxxxxxxxxx… (990 more characters)");
        assert_eq!(clean("short", 10), "short");
        assert_eq!(clean("exactly10!", 10), "exactly10!");
        assert!(server_name(&"é".repeat(5000)).chars().count() < NAME_CHARS + 30);
    }

    #[test]
    fn an_excerpt_is_one_bounded_line_without_secrets() {
        let body = format!(
            "<html>\n  <p>oauth_token=abc&oauth_token_secret=xyz</p>{}",
            "y ".repeat(10_000)
        );
        let shown = excerpt(&body);
        assert!(
            shown.starts_with("<html> <p>oauth_token=<redacted>&oauth_token_secret=<redacted></p>"),
            "{shown}"
        );
        assert!(shown.chars().count() < EXCERPT_CHARS + 40, "{shown}");
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn redacts_what_verbose_logging_redacts() {
        assert_eq!(
            redact_text("GET https://j/x?oauth_token=t1&oauth_verifier=v1&atl_token=a&keep=1 failed"),
            "GET https://j/x?oauth_token=<redacted>&oauth_verifier=<redacted>&atl_token=<redacted>&keep=1 failed"
        );
        assert_eq!(
            redact_text("Cookie: JSESSIONID=ABC123; Authorization: OAuth x"),
            "Cookie: JSESSIONID=<redacted>; Authorization: <redacted>"
        );
        assert_eq!(
            redact_text("Basic authentication is off"),
            "Basic authentication is off"
        );
        assert_eq!(
            redact_text("(oauth_token=...&oauth_token_secret=...)"),
            "(oauth_token=...&oauth_token_secret=...)"
        );
        assert_eq!(redact_text("my_oauth_token=x"), "my_oauth_token=x");
        assert_eq!(
            redact_text("access was denied (oauth_verifier=denied)"),
            "access was denied (oauth_verifier=denied)"
        );
        assert_eq!(redact_text("nothing here"), "nothing here");
        assert_eq!(
            redact_text("Zürich→ OAUTH_TOKEN=äbc é\nAUTHORIZATION: Bearer ü\nnext"),
            "Zürich→ OAUTH_TOKEN=<redacted> é\nAUTHORIZATION: <redacted>\nnext"
        );
        assert_eq!(redact_text("x-secret=s1 a=b"), "x-secret=<redacted> a=b");
    }

    #[test]
    fn masks_the_password_of_a_url_that_may_not_parse() {
        assert_eq!(
            mask_userinfo("https://bob:hunter2@jira.example.com/jira"),
            "https://bob:***@jira.example.com/jira"
        );
        assert_eq!(
            mask_userinfo("https://bob:hun ter2@jira example.com"),
            "https://bob:***@jira example.com"
        );
        assert_eq!(mask_userinfo("https://bob@jira"), "https://bob@jira");
        assert_eq!(mask_userinfo("https://jira/a@b"), "https://jira/a@b");
        assert_eq!(mask_userinfo("jira.example.com"), "jira.example.com");
    }
}

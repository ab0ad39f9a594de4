//! Jira's answers to OAuth calls: form-encoded tokens, or `oauth_problem` reports.

use std::collections::BTreeMap;
use std::fmt;

use percent_encoding::percent_decode_str;

use crate::oauth::problems;
use crate::util::text;

/// Enough for a signature base string.
const PARAM_CHARS: usize = 4000;

#[derive(Clone, PartialEq, Eq)]
pub struct TokenResponse {
    pub token: String,
    /// RSA-SHA1 never uses it, so an answer without one is still usable.
    pub secret: String,
    /// A 1.0a token, which needs a verifier.
    pub callback_confirmed: bool,
    /// Jira: about 5 years.
    pub expires_in: Option<u64>,
    pub session_handle: Option<String>,
    pub authorization_expires_in: Option<u64>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token", &"<redacted>")
            .field("secret", &"<redacted>")
            .field("callback_confirmed", &self.callback_confirmed)
            .field("expires_in", &self.expires_in)
            .field(
                "session_handle",
                &self.session_handle.as_ref().map(|_| "<redacted>"),
            )
            .field("authorization_expires_in", &self.authorization_expires_in)
            .finish()
    }
}

/// The HTTP client's error converts from this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenAnswerError {
    #[error("Jira refused the token request (oauth_problem={})", .0.problem)]
    Problem(OAuthProblem),
    #[error("{message}")]
    Unexpected { message: String, hint: &'static str },
}

/// Anything but `oauth_token=...&...` is an error that says what came back instead.
pub fn parse_token_response(body: &str) -> Result<TokenResponse, TokenAnswerError> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return Err(TokenAnswerError::Unexpected {
            message: "Jira answered the token request with an empty body".to_string(),
            hint: "Jira's token endpoints answer an empty 200 to GET: the call must be a POST to \
             {Jira base URL}/plugins/servlet/oauth/request-token (or access-token). Check the \
             Jira URL and that no proxy turns the POST into a GET (e.g. on a redirect).",
        });
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(trimmed.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    // Any `oauth_problem`, even an empty one, is a refusal; all sent with it is kept.
    if let Some(problem) = get("oauth_problem") {
        let params = pairs.into_iter().filter(|(key, _)| key != "oauth_problem");
        let status = problems::http_status(&problem);
        return Err(TokenAnswerError::Problem(OAuthProblem::read(
            status, &problem, params,
        )));
    }
    let Some(token) = get("oauth_token").filter(|token| !token.is_empty()) else {
        return Err(TokenAnswerError::Unexpected {
            message: format!(
                "Jira's answer has no oauth_token; it was: \"{}\"",
                text::excerpt(body)
            ),
            hint:
                "A token answer is form-encoded (oauth_token=...&oauth_token_secret=...). An HTML \
             page means a login page, an error page or a proxy answered instead of Jira's OAuth \
             servlet: check the Jira URL and that {Jira base URL}/plugins/servlet/oauth/* is \
             reachable from here.",
        });
    };
    let number = |name: &str| get(name).and_then(|value| value.trim().parse::<u64>().ok());
    Ok(TokenResponse {
        token,
        secret: get("oauth_token_secret").unwrap_or_default(),
        callback_confirmed: get("oauth_callback_confirmed").as_deref() == Some("true"),
        expires_in: number("oauth_expires_in"),
        session_handle: get("oauth_session_handle").filter(|handle| !handle.is_empty()),
        authorization_expires_in: number("oauth_authorization_expires_in"),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthProblem {
    pub status: u16,
    pub problem: String,
    /// Everything else Jira sent with it, decoded (`oauth_signature_base_string`, ...).
    pub params: BTreeMap<String, String>,
}

/// What the caller knows that helps explain a problem.
#[derive(Debug, Default, Clone)]
pub struct ProblemContext {
    pub jira_url: Option<String>,
    pub consumer_key_sent: Option<String>,
    pub consumer_key_on_link: Option<String>,
    /// Positive when Jira is ahead, as `http::Response::clock_skew_secs`.
    pub clock_skew_secs: Option<i64>,
    pub our_base_string: Option<String>,
}

impl OAuthProblem {
    /// From the `WWW-Authenticate` header and/or a form-encoded body; body fields win
    /// (the body is not length-limited).
    pub fn from_response(
        status: u16,
        www_authenticate: Option<&str>,
        body: &str,
    ) -> Option<OAuthProblem> {
        let mut params: BTreeMap<String, String> = www_authenticate
            .map(oauth_challenge_params)
            .unwrap_or_default()
            .into_iter()
            .collect();
        // Only `oauth_*` names: an HTML or JSON body must not be misread as fields.
        params.extend(
            url::form_urlencoded::parse(body.trim().as_bytes())
                .into_owned()
                .filter(|(name, _)| name.starts_with("oauth_")),
        );
        let problem = params.remove("oauth_problem")?;
        (!problem.is_empty()).then(|| OAuthProblem::read(status, &problem, params.into_iter()))
    }

    /// Everything here may be shown: escaped and cut as it is read.
    fn read(
        status: u16,
        problem: &str,
        params: impl Iterator<Item = (String, String)>,
    ) -> OAuthProblem {
        OAuthProblem {
            status,
            problem: text::server_name(problem),
            params: params
                .map(|(name, value)| (text::server_name(&name), text::clean(&value, PARAM_CHARS)))
                .collect(),
        }
    }
}

/// The auth-params of the `OAuth` challenges in a `WWW-Authenticate` list, which
/// may hold other challenges too (Jira sends a bare `OAuth realm` one first).
fn oauth_challenge_params(header: &str) -> Vec<(String, String)> {
    let mut in_oauth = false;
    let mut params = Vec::new();
    for item in split_outside_quotes(header) {
        let item = item.trim();
        // `Scheme param=..` starts a challenge; `param=..` continues the last one.
        let first = item.split_whitespace().next().unwrap_or("");
        let rest = item[first.len()..].trim_start();
        let param = if !first.is_empty() && !first.contains('=') && !rest.starts_with('=') {
            in_oauth = first.eq_ignore_ascii_case("oauth");
            rest
        } else {
            item
        };
        if in_oauth {
            params.extend(auth_param(param));
        }
    }
    params
}

/// One `name=value` or `name="quoted \"value\""` auth-param (RFC 7235), the
/// value percent-decoded as OAuth encodes it (RFC 5849 3.5.1).
pub(crate) fn auth_param(item: &str) -> Option<(String, String)> {
    let (name, value) = item.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    let value = match value.strip_prefix('"') {
        Some(quoted) => {
            let mut chars = quoted.strip_suffix('"').unwrap_or(quoted).chars();
            let mut unquoted = String::new();
            while let Some(c) = chars.next() {
                unquoted.push(if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                });
            }
            unquoted
        }
        None => value.to_string(),
    };
    let value = percent_decode_str(&value).decode_utf8_lossy().into_owned();
    (!name.is_empty()).then(|| (name.to_string(), value))
}

/// The comma-separated items of a header value; commas in quoted strings stay.
pub(crate) fn split_outside_quotes(text: &str) -> Vec<&str> {
    let (mut items, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

//! What can go wrong talking to Jira or Jira Align, as types: callers decide on the
//! fields, never on the text; the hint is chosen from them in `error::hints`. URLs here
//! are redacted, server strings escaped and cut: showing one can neither leak nor drive
//! the terminal.

use std::error::Error as StdError;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::oauth::{problems, OAuthProblem, ProblemContext, TokenAnswerError};
use crate::util::file::FileError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Service {
    #[default]
    Jira,
    JiraAlign,
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Service::Jira => "Jira",
            Service::JiraAlign => "Jira Align",
        })
    }
}

/// How a request authenticated: the hint for a refusal depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    None,
    Bearer,
    Basic,
    Cookie,
    OAuth,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Config(Box<ConfigError>),
    #[error(transparent)]
    Url(Box<UrlError>),
    /// A non-2xx answer that is not an OAuth problem.
    #[error(transparent)]
    Status(Box<StatusError>),
    #[error(transparent)]
    OAuth(Box<OAuthFailure>),
    #[error(transparent)]
    Transport(Box<TransportError>),
    #[error(transparent)]
    Parse(Box<ParseError>),
    #[error(transparent)]
    TooLarge(Box<TooLarge>),
    #[error(transparent)]
    RetryTooLong(Box<RetryTooLong>),
    /// An answer that parsed but lacks what the protocol needs.
    #[error(transparent)]
    Answer(Box<UnexpectedAnswer>),
}

impl From<TokenAnswerError> for ClientError {
    fn from(err: TokenAnswerError) -> Self {
        match err {
            TokenAnswerError::Problem(problem) => {
                ClientError::oauth(problem, ProblemContext::default())
            }
            TokenAnswerError::Unexpected { message, hint } => ClientError::answer(message, hint),
        }
    }
}

impl ClientError {
    pub fn config(err: ConfigError) -> Self {
        ClientError::Config(Box::new(err))
    }

    /// An answer that lacks what was needed; `message` must not quote server text
    /// unless it went through `util::text`.
    pub fn answer(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ClientError::Answer(Box::new(UnexpectedAnswer {
            what: String::new(),
            message: message.into(),
            hint: hint.into(),
        }))
    }

    pub fn oauth(problem: OAuthProblem, context: ProblemContext) -> Self {
        ClientError::OAuth(Box::new(OAuthFailure {
            what: String::new(),
            problem,
            context,
        }))
    }

    /// Says what was being done, in front of the message ("getting a request token: ...").
    pub fn context(mut self, what: &str) -> Self {
        let slot = match &mut self {
            ClientError::Status(e) => &mut e.what,
            ClientError::OAuth(e) => &mut e.what,
            ClientError::Parse(e) => &mut e.what,
            ClientError::Answer(e) => &mut e.what,
            _ => return self,
        };
        *slot = if slot.is_empty() {
            what.to_string()
        } else {
            format!("{what}: {slot}")
        };
        self
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            ClientError::Status(e) => Some(e.status),
            ClientError::OAuth(e) => Some(e.problem.status),
            _ => None,
        }
    }

    pub fn transport_kind(&self) -> Option<&TransportKind> {
        match self {
            ClientError::Transport(e) => Some(&e.kind),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--ca-cert {} {}", path.display(), problem.reason())]
    CaCertFile { path: PathBuf, problem: FileError },
    #[error("--ca-cert {}: not a PEM certificate", path.display())]
    CaCertNotPem { path: PathBuf },
    #[error("--ca-cert {}: {reason}", path.display())]
    CaCertRefused { path: PathBuf, reason: String },
    #[error("cannot set up the HTTP client: {reason}")]
    Client { reason: String },
}

#[derive(Debug, thiserror::Error)]
#[error("{field} {shown}{}", match reason {
    UrlReason::PlainHttp => " uses plain http to a host that is not loopback".to_string(),
    UrlReason::Scheme(scheme) => format!(": scheme `{scheme}` is not http or https"),
    UrlReason::UserInfo => " holds a user name or password".to_string(),
})]
pub struct UrlError {
    /// The answer or option the URL came from (`jira.url`).
    pub field: String,
    pub shown: String,
    pub reason: UrlReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlReason {
    PlainHttp,
    Scheme(String),
    UserInfo,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", match service {
    Service::Jira => format!("{what}: Jira answered HTTP {status}{}", framed(": ", detail, "")),
    Service::JiraAlign => format!("Jira Align answered HTTP {status} to {what}{}", framed(": ", detail, "")),
})]
pub struct StatusError {
    /// What was being done ("listing application links", "GET /rest/api/2/myself").
    pub what: String,
    pub status: u16,
    pub service: Service,
    pub auth: AuthKind,
    /// The service's own error texts, or an excerpt of the body; empty when it said nothing.
    pub detail: String,
}

/// `text` between `before` and `after`, or nothing when `text` is empty.
fn framed(before: &str, text: &str, after: &str) -> String {
    match text {
        "" => String::new(),
        _ => format!("{before}{text}{after}"),
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{}Jira refused the OAuth request (HTTP {}, oauth_problem={}): {}",
    framed("", what, ": "), problem.status, problem.problem, problems::meaning(&problem.problem)
)]
pub struct OAuthFailure {
    pub what: String,
    pub problem: OAuthProblem,
    pub context: ProblemContext,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportKind {
    Dns {
        host: String,
    },
    Refused,
    /// No answer (or no whole answer) in time.
    Timeout,
    Tls {
        reason: String,
    },
    Other,
}

#[derive(Debug, thiserror::Error)]
#[error("{method} {url}: {}", match kind {
    TransportKind::Dns { host } => format!("cannot resolve the host name {host}"),
    TransportKind::Refused => "connection refused".to_string(),
    TransportKind::Timeout => "timed out".to_string(),
    TransportKind::Tls { reason } => format!("TLS failed: {reason}"),
    TransportKind::Other => error_chain(source.as_ref()),
})]
pub struct TransportError {
    pub method: String,
    pub url: String,
    pub kind: TransportKind,
    /// While connecting, so a retry may help.
    pub connecting: bool,
    /// Without reqwest's URL, which may hold secrets.
    pub source: Box<dyn StdError + Send + Sync>,
}

#[derive(Debug, thiserror::Error)]
#[error("{what}: the answer is not the JSON expected ({reason}); it began: {excerpt}")]
pub struct ParseError {
    pub what: String,
    pub reason: String,
    pub excerpt: String,
    pub source: serde_json::Error,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{method} {url}: the answer is larger than {} KiB, the most align-link reads",
    super::MAX_BODY_BYTES / 1024
)]
pub struct TooLarge {
    pub method: String,
    pub url: String,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{service} asked to wait {asked_secs} s (HTTP {status}) before retrying {method} {url}, more than the {} s left of the --timeout budget of {} s",
    left.as_millis().div_ceil(1000),
    budget.as_secs()
)]
pub struct RetryTooLong {
    pub method: String,
    pub url: String,
    pub service: Service,
    pub status: u16,
    pub asked_secs: u64,
    pub left: Duration,
    pub budget: Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("{}{message}", framed("", what, ": "))]
pub struct UnexpectedAnswer {
    pub what: String,
    pub message: String,
    pub hint: String,
}

/// `error: cause: cause ...`, for a failure no kind describes better.
pub fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let said = inner.to_string();
        if !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = inner.source();
    }
    crate::util::text::clean(&text, crate::util::text::EXCERPT_CHARS)
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;

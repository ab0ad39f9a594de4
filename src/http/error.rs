//! What can go wrong talking to Jira or Jira Align, as types. Callers decide on
//! the variant and its fields (a status, an `oauth_problem`, a transport kind),
//! never on the text; the text and the hint are made here, once, and turned into
//! the user's `Error:`/`Hint:` by `From<ClientError> for AppError`.
//!
//! Every string in here that came from a server is escaped and cut already
//! (`util::text`), so showing an error can never drive the terminal.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::oauth::{remedy, OAuthProblem, ProblemContext, TokenAnswerError};

/// Who answered.
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
    /// A setting of the client itself is unusable (`--ca-cert`).
    #[error(transparent)]
    Config(Box<ConfigError>),
    /// The URL may not be called (scheme, plain http, user info).
    #[error(transparent)]
    Url(Box<UrlError>),
    /// A non-2xx answer that is not an OAuth problem.
    #[error(transparent)]
    Status(Box<StatusError>),
    /// Jira refused an OAuth request and said why (`oauth_problem`).
    #[error(transparent)]
    OAuth(Box<OAuthFailure>),
    /// No answer: DNS, refused, timeout, TLS, other.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// An answer that is not the JSON expected.
    #[error(transparent)]
    Parse(Box<ParseError>),
    /// An answer larger than the client reads.
    #[error(transparent)]
    TooLarge(Box<TooLarge>),
    /// The server asked to wait longer than the time budget has left.
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
    pub fn config(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ClientError::Config(Box::new(ConfigError {
            message: message.into(),
            hint: hint.into(),
        }))
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

    /// The HTTP status of a refusal (a plain status or an OAuth problem's).
    pub fn http_status(&self) -> Option<u16> {
        match self {
            ClientError::Status(e) => Some(e.status),
            ClientError::OAuth(e) => Some(e.problem.status),
            _ => None,
        }
    }

    pub fn oauth_problem(&self) -> Option<&OAuthProblem> {
        match self {
            ClientError::OAuth(e) => Some(&e.problem),
            _ => None,
        }
    }

    pub fn transport_kind(&self) -> Option<&TransportKind> {
        match self {
            ClientError::Transport(e) => Some(&e.kind),
            _ => None,
        }
    }

    /// Bad input from the user (exit 2) rather than a failure (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(self, ClientError::Config(_) | ClientError::Url(_))
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            ClientError::Config(e) => e.hint.clone(),
            ClientError::Url(e) => e.reason.hint().to_string(),
            ClientError::Status(e) => e.hint().to_string(),
            ClientError::OAuth(e) => remedy::remedy(&e.problem, &e.context),
            ClientError::Transport(e) => e.kind.hint().to_string(),
            ClientError::Parse(_) => {
                "Check that the URL points at Jira itself, not at a login page or proxy.".into()
            }
            ClientError::TooLarge(_) => "No answer align-link reads is this large: check that the URL points at Jira (or Jira Align) itself, not at a download, a proxy or another service.".into(),
            ClientError::RetryTooLong(e) => format!(
                "Wait {} s and rerun, or raise --timeout above that to let align-link wait.",
                e.asked_secs
            ),
            ClientError::Answer(e) => e.hint.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub hint: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", reason.describe(field, shown))]
pub struct UrlError {
    /// The answer or option the URL came from (`jira.url`).
    pub field: String,
    /// The URL with any password masked.
    pub shown: String,
    pub reason: UrlReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlReason {
    PlainHttp,
    Scheme(String),
    UserInfo,
}

impl UrlReason {
    fn describe(&self, field: &str, shown: &str) -> String {
        match self {
            UrlReason::PlainHttp => {
                format!("{field} {shown} uses plain http to a host that is not loopback")
            }
            UrlReason::Scheme(scheme) => {
                format!("{field} {shown}: scheme `{scheme}` is not http or https")
            }
            UrlReason::UserInfo => {
                format!("{field} {shown} holds a user name or password")
            }
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            UrlReason::PlainHttp => "Use https://, or pass --allow-http if you accept credentials crossing the network unencrypted.",
            UrlReason::Scheme(_) => "Give an https:// URL.",
            UrlReason::UserInfo => "Remove the `user:password@` part: credentials go in the answers file (jira.admin_token, service_account.password), never in a URL.",
        }
    }
}

/// A refusal by status code.
#[derive(Debug)]
pub struct StatusError {
    /// What was being done ("listing application links", "GET /rest/api/2/myself").
    pub what: String,
    pub method: String,
    /// The URL, secrets redacted.
    pub url: String,
    pub status: u16,
    pub service: Service,
    pub auth: AuthKind,
    /// The service's own error texts, or an excerpt of the body; escaped and cut.
    /// Empty when the body said nothing.
    pub detail: String,
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let said = if self.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", self.detail)
        };
        match self.service {
            Service::Jira => write!(f, "{}: Jira answered HTTP {}{said}", self.what, self.status),
            Service::JiraAlign => write!(
                f,
                "Jira Align answered HTTP {} to {}{said}",
                self.status, self.what
            ),
        }
    }
}

impl StdError for StatusError {}

impl StatusError {
    fn hint(&self) -> &'static str {
        match self.service {
            Service::Jira => match self.status {
                401 => "The credentials were refused: check the token or password (a personal access token needs Jira 8.14 or later), and that the account is not locked by a CAPTCHA after failed logins.",
                // Decided by status and how we called, never by Jira's words.
                403 if self.auth == AuthKind::Basic => "Jira refused a call made with a password (Basic): where Basic authentication is switched off on this Jira, use a personal access token (jira.admin_token) instead; otherwise the account lacks the rights (application links need a Jira administrator).",
                403 => "The account lacks the rights for this call: application links need a Jira administrator.",
                404 => "Jira does not know this path or item: check the Jira URL, including any context path such as /jira.",
                429 | 503 => "Jira is busy or rate-limiting: wait a minute and rerun this step.",
                _ => "Rerun with -v to see the requests; the answer's text above may say more.",
            },
            Service::JiraAlign => match (self.status, self.auth) {
                (401, AuthKind::Basic) => "The Atlassian API token or email was refused: check align.api_email and align.api_token.",
                (401, _) => "The token was refused: copy a fresh API 2.0 token from your Jira Align profile (API 1.0 tokens stopped working in 10.130.0) into align.api_token.",
                (403, _) => "The token works but its user lacks the rights: the API has the user's own permissions, so use a Super Admin's token.",
                (429, _) => "Jira Align is rate-limiting: wait a minute and rerun the step.",
                _ => "Check align.url (https://NAME.jiraalign.com) and rerun with -v.",
            },
        }
    }
}

/// An OAuth problem Jira reported, with every parameter it sent, and what the
/// caller knew that helps explain it.
#[derive(Debug)]
pub struct OAuthFailure {
    pub what: String,
    pub problem: OAuthProblem,
    pub context: ProblemContext,
}

impl fmt::Display for OAuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.what.is_empty() {
            write!(f, "{}: ", self.what)?;
        }
        write!(
            f,
            "Jira refused the OAuth request (HTTP {}, oauth_problem={}): {}",
            self.problem.status,
            self.problem.problem,
            remedy::meaning(&self.problem.problem)
        )
    }
}

impl StdError for OAuthFailure {}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportKind {
    /// The host name did not resolve.
    Dns {
        host: String,
    },
    /// Nothing listens at that address and port.
    Refused,
    /// No answer (or no whole answer) in time.
    Timeout,
    /// The TLS handshake failed; the reason is rustls's.
    Tls {
        reason: String,
    },
    Other,
}

impl TransportKind {
    fn hint(&self) -> &'static str {
        match self {
            TransportKind::Tls { .. } => "The server's TLS certificate is not trusted. If Jira sits behind a private CA, pass --ca-cert FILE with that CA's certificate (PEM); otherwise check the URL's host name.",
            TransportKind::Timeout => "The server did not answer in time: check the URL, a proxy or firewall, or raise --timeout.",
            TransportKind::Dns { .. } => "The host name does not resolve: check the URL's host name, and this machine's DNS or proxy settings.",
            TransportKind::Refused => "Nothing answered at that address: check the URL and port, and that this machine may reach it (firewall, proxy).",
            TransportKind::Other => "Check the URL and the network path to it.",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{method} {url}: {}", self.what_failed())]
pub struct TransportError {
    pub method: String,
    /// The URL, secrets redacted.
    pub url: String,
    pub kind: TransportKind,
    /// The failure happened while connecting (so a retry may help).
    pub connecting: bool,
    /// reqwest's error (without its URL, which may hold secrets) or the read error.
    pub source: Box<dyn StdError + Send + Sync>,
}

impl TransportError {
    fn what_failed(&self) -> String {
        match &self.kind {
            TransportKind::Dns { host } => format!("cannot resolve the host name {host}"),
            TransportKind::Refused => "connection refused".to_string(),
            TransportKind::Timeout => "timed out".to_string(),
            TransportKind::Tls { reason } => format!("TLS failed: {reason}"),
            TransportKind::Other => error_chain(self.source.as_ref()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{what}: the answer is not the JSON expected ({reason}); it began: {excerpt}")]
pub struct ParseError {
    pub what: String,
    /// serde's explanation, escaped and cut (it may quote the answer).
    pub reason: String,
    pub excerpt: String,
    pub source: serde_json::Error,
}

#[derive(Debug, thiserror::Error)]
#[error("{method} {url}: the answer is larger than {} KiB, the most align-link reads", cap / 1024)]
pub struct TooLarge {
    pub method: String,
    pub url: String,
    pub cap: u64,
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

#[derive(Debug)]
pub struct UnexpectedAnswer {
    pub what: String,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for UnexpectedAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.what.is_empty() {
            write!(f, "{}: ", self.what)?;
        }
        f.write_str(&self.message)
    }
}

impl StdError for UnexpectedAnswer {}

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

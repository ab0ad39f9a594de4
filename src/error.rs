//! Typed errors rendered as `Error: ...` plus a `Hint: ...` (jj style).
//!
//! Every failure the user can see carries what went wrong and, where we know it,
//! what to do about it. The exit code follows from the kind: bad usage or a bad
//! answers file is 2, a step that failed is 1. Clients fail with their own typed
//! errors (`http::ClientError`); an `AppError` is made from one at the step or
//! command boundary and keeps it as its `source()`, so code that must decide on a
//! failure looks at the typed error ([`AppError::find`]), never at the text.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use crate::http::ClientError;
use crate::util::text::{clean, redact_text, EXCERPT_CHARS};

/// Exit code for a step that failed.
pub const EXIT_FAILED: i32 = 1;
/// Exit code for bad usage, a bad answers file or a missing answer under `--yes`.
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line, the answers file or a missing answer: exit 2.
    Usage,
    /// Something failed while running a step: exit 1.
    Failed,
}

#[derive(Debug, Clone)]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    /// The answers key whose value this failure is about: a credential the
    /// server refused, or a site that did not answer. A terminal run asks for
    /// a value typed in this run again instead of stopping.
    pub about: Option<&'static str>,
    /// The typed error this one was made from, if any.
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn usage(message: impl Into<String>) -> Self {
        AppError {
            kind: ErrorKind::Usage,
            message: message.into(),
            hint: None,
            about: None,
            source: None,
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        AppError {
            kind: ErrorKind::Failed,
            message: message.into(),
            hint: None,
            about: None,
            source: None,
        }
    }

    /// Adds (or replaces) the hint: what the user should do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Says which answers key's value the failure is about (see [`AppError::about`]).
    pub fn about(mut self, key: &'static str) -> Self {
        self.about = Some(key);
        self
    }

    /// Prefixes the message with where the failure happened.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Usage => EXIT_USAGE,
            ErrorKind::Failed => EXIT_FAILED,
        }
    }

    /// Keeps `source` as the cause of this error.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The first error of type `E` in the source chain.
    pub fn find<E: StdError + 'static>(&self) -> Option<&E> {
        let mut next = StdError::source(self);
        while let Some(err) = next {
            if let Some(found) = err.downcast_ref::<E>() {
                return Some(found);
            }
            next = err.source();
        }
        None
    }

    /// The causes under this error, outermost first, that its message does not
    /// already say; escaped, cut and redacted like the message.
    pub fn causes(&self) -> Vec<String> {
        let mut causes: Vec<String> = Vec::new();
        let mut next = StdError::source(self);
        while let Some(err) = next {
            let text = redact_text(&clean(&err.to_string(), EXCERPT_CHARS));
            if !self.message.contains(&text) && !causes.contains(&text) {
                causes.push(text);
            }
            next = err.source();
        }
        causes
    }

    /// The text shown to the user: `Error: ...` and, when known, `Hint: ...`;
    /// credentials masked as `-v` masks them, whatever the error quotes.
    pub fn render(&self) -> String {
        match self.rendered_parts() {
            (message, Some(hint)) => format!("Error: {message}\nHint: {hint}"),
            (message, None) => format!("Error: {message}"),
        }
    }

    /// The message and hint as [`AppError::render`] shows them, apart (so the
    /// words before them can be coloured).
    pub fn rendered_parts(&self) -> (String, Option<String>) {
        (
            redact_text(&self.message),
            self.hint.as_deref().map(redact_text),
        )
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for AppError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|err| err as &(dyn StdError + 'static))
    }
}

impl From<ClientError> for AppError {
    fn from(err: ClientError) -> Self {
        let kind = if err.is_usage() {
            ErrorKind::Usage
        } else {
            ErrorKind::Failed
        };
        AppError {
            kind,
            message: redact_text(&err.to_string()),
            hint: Some(redact_text(&err.hint())),
            about: None,
            source: Some(Arc::new(err)),
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        AppError::failed(err.to_string()).with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_message_and_hint() {
        let err = AppError::usage("bad value").hint("fix it");
        assert_eq!(err.render(), "Error: bad value\nHint: fix it");
        assert_eq!(err.exit_code(), EXIT_USAGE);
        assert_eq!(AppError::failed("x").render(), "Error: x");
        assert_eq!(AppError::failed("x").exit_code(), EXIT_FAILED);
    }

    #[test]
    fn a_client_error_becomes_error_and_hint_and_stays_findable() {
        let client = ClientError::answer("Jira's answer has no session", "Approve in a browser.");
        let err = AppError::from(client).context("logging in");
        assert_eq!(
            err.render(),
            "Error: logging in: Jira's answer has no session\nHint: Approve in a browser."
        );
        assert_eq!(err.exit_code(), EXIT_FAILED);
        assert!(err.find::<ClientError>().is_some());
        assert!(AppError::failed("x").find::<ClientError>().is_none());
        let io = std::io::Error::other("disk \u{1b}[2Jfull");
        let err = AppError::failed("cannot save").with_source(io);
        assert_eq!(err.causes(), vec!["disk \\u{1b}[2Jfull".to_string()]);
    }

    #[test]
    fn rendering_masks_credentials() {
        let err = AppError::failed("GET https://j/a?oauth_token=abc&x=1 failed")
            .hint("Cookie JSESSIONID=s3ss");
        let shown = err.render();
        assert!(!shown.contains("abc") && !shown.contains("s3ss"), "{shown}");
    }

    #[test]
    fn context_prefixes_message() {
        let err = AppError::failed("timed out").context("GET /rest/api/2/myself");
        assert_eq!(err.message, "GET /rest/api/2/myself: timed out");
    }
}

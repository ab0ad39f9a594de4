//! Typed errors rendered as `Error: ...` plus a `Hint: ...` (jj style).
//!
//! Every failure the user can see carries what went wrong and, where we know it,
//! what to do about it. The exit code follows from the kind: bad usage or a bad
//! answers file is 2, a step that failed is 1.

use std::fmt;

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
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn usage(message: impl Into<String>) -> Self {
        AppError {
            kind: ErrorKind::Usage,
            message: message.into(),
            hint: None,
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        AppError {
            kind: ErrorKind::Failed,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds (or replaces) the hint: what the user should do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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

    /// The text shown to the user: `Error: ...` and, when known, `Hint: ...`.
    pub fn render(&self) -> String {
        match &self.hint {
            Some(hint) => format!("Error: {}\nHint: {}", self.message, hint),
            None => format!("Error: {}", self.message),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        AppError::failed(err.to_string())
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
    fn context_prefixes_message() {
        let err = AppError::failed("timed out").context("GET /rest/api/2/myself");
        assert_eq!(err.message, "GET /rest/api/2/myself: timed out");
    }
}

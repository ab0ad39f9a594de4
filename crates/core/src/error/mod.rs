//! `AppError`, what the user sees: `Error: ...` plus `Hint: ...` lines (as jj's
//! `command_error.rs`). It keeps the typed error it was made from as its `source()`,
//! so code deciding on a failure looks at the type ([`AppError::find`]), never the text.

pub mod hints;
pub mod remedy;

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use crate::http::ClientError;
use crate::util::text::{clean, redact_text, EXCERPT_CHARS};

pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
/// A bug in align-link, as sysexits' `EX_SOFTWARE`.
pub const EXIT_INTERNAL: i32 = 70;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line, the answers file or a missing answer.
    Usage,
    /// A setting align-link cannot use (`--ca-cert`).
    Config,
    Failed,
    /// The reader of stdout went away (`| head`): nothing to say.
    BrokenPipe,
    /// align-link broke a rule of its own.
    Internal,
}

#[derive(Debug, Clone)]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    hints: Vec<String>,
    /// Chosen by [`hints`] from the typed source: general, so after the callers'.
    source_hint: Option<String>,
    /// The answers key whose value this failure is about (a refused credential): a
    /// terminal run asks again for a value typed in this run instead of stopping.
    pub about: Option<&'static str>,
    source: Option<Arc<dyn StdError + Send + Sync>>,
    /// The message is the source's own text (made by a `From`).
    message_is_source: bool,
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A step's input that an earlier step provides and has not yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} is not there yet: step {step} provides it")]
pub struct NeedsStep {
    pub step: u8,
    pub what: String,
}

impl AppError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        AppError {
            kind,
            message: message.into(),
            hints: Vec::new(),
            source_hint: None,
            about: None,
            source: None,
            message_is_source: false,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        AppError::new(ErrorKind::Usage, message)
    }

    pub fn failed(message: impl Into<String>) -> Self {
        AppError::new(ErrorKind::Failed, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        AppError::new(ErrorKind::Internal, message)
    }

    /// What the user should do next: before the general hint chosen from the source.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// For a caller who would otherwise repeat or contradict a general hint.
    pub fn hint_instead(mut self, hint: impl Into<String>) -> Self {
        self.hints.clear();
        self.source_hint = None;
        self.hint(hint)
    }

    /// Most specific first.
    pub fn hints(&self) -> Vec<String> {
        let all = self.hints.iter().chain(&self.source_hint);
        all.map(|hint| redact_text(hint)).collect()
    }

    /// One per line, for `--json` and summaries.
    pub fn hint_text(&self) -> Option<String> {
        let hints = self.hints();
        (!hints.is_empty()).then(|| hints.join("\n"))
    }

    pub fn about(mut self, key: &'static str) -> Self {
        self.about = Some(key);
        self
    }

    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Usage | ErrorKind::Config => EXIT_USAGE,
            ErrorKind::Failed => EXIT_FAILED,
            ErrorKind::BrokenPipe => 0,
            ErrorKind::Internal => EXIT_INTERNAL,
        }
    }

    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self.message_is_source = false;
        self
    }

    pub fn find<E: StdError + 'static>(&self) -> Option<&E> {
        self.chain().find_map(|err| err.downcast_ref::<E>())
    }

    fn chain<'a>(&'a self) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
        std::iter::successors(StdError::source(self), |&err| err.source())
    }

    /// The causes, outermost first, for `-v`; one whose text the error above it
    /// already says (made by a `From`) is left out.
    pub fn causes(&self) -> Vec<String> {
        let mut said_above = self.message_is_source;
        let mut causes = Vec::new();
        for err in self.chain() {
            if !said_above {
                causes.push(redact_text(&clean(&err.to_string(), EXCERPT_CHARS)));
            }
            said_above = err
                .downcast_ref::<AppError>()
                .is_some_and(|app| app.message_is_source);
        }
        causes
    }

    /// Credentials masked as `-v` masks them, whatever the error quotes.
    pub fn render(&self) -> String {
        let (message, hints) = self.rendered_parts();
        let hints: String = hints.iter().map(|hint| format!("\nHint: {hint}")).collect();
        format!("Error: {message}{hints}")
    }

    /// As [`AppError::render`] shows them, apart, so the labels can be coloured.
    pub fn rendered_parts(&self) -> (String, Vec<String>) {
        (redact_text(&self.message), self.hints())
    }

    fn made_from(
        mut self,
        source: impl StdError + Send + Sync + 'static,
        hint: Option<String>,
    ) -> Self {
        self.source_hint = hint;
        self = self.with_source(source);
        self.message_is_source = true;
        self
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
        let kind = match &err {
            ClientError::Config(_) => ErrorKind::Config,
            ClientError::Url(_) => ErrorKind::Usage,
            _ => ErrorKind::Failed,
        };
        let hint = hints::client(&err);
        AppError::new(kind, redact_text(&err.to_string())).made_from(err, Some(hint))
    }
}

impl From<NeedsStep> for AppError {
    fn from(err: NeedsStep) -> Self {
        let hint = hints::needs_step(&err);
        AppError::failed(err.to_string()).made_from(err, Some(hint))
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::BrokenPipe => ErrorKind::BrokenPipe,
            _ => ErrorKind::Failed,
        };
        AppError::new(kind, err.to_string()).made_from(err, None)
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

#[cfg(test)]
#[path = "remedy_tests.rs"]
mod remedy_tests;

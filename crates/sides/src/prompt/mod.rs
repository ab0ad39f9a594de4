//! The same steps run from a terminal, an answers file with `--yes`, or a test:
//! questions go through `Prompter`, never dialoguer (which needs a real TTY).

mod logged;
mod terminal;

pub use logged::Logged;
pub use terminal::{osc52, Terminal};

use crate::error::{AppError, Result};

pub struct Question<'a> {
    /// The answers-file key that answers it, e.g. `jira.url`.
    pub key: &'a str,
    pub prompt: &'a str,
    pub default: Option<String>,
    pub secret: bool,
    /// Returns the reason a value is unacceptable.
    pub validate: &'a dyn Fn(&str) -> std::result::Result<(), String>,
}

impl<'a> Question<'a> {
    pub fn new(key: &'a str, prompt: &'a str) -> Self {
        Question {
            key,
            prompt,
            default: None,
            secret: false,
            validate: &|_| Ok(()),
        }
    }
    pub fn default(mut self, value: impl Into<String>) -> Self {
        self.default = Some(value.into());
        self
    }
    pub fn secret(mut self) -> Self {
        self.secret = true;
        self
    }
    pub fn validate(mut self, check: &'a dyn Fn(&str) -> std::result::Result<(), String>) -> Self {
        self.validate = check;
        self
    }
}

/// The provided methods are what a prompter nobody answers does.
pub trait Prompter {
    /// False: questions without a default are errors.
    fn interactive(&self) -> bool {
        false
    }
    fn ask(&mut self, question: &Question) -> Result<String>;
    fn confirm(&mut self, _prompt: &str, default: bool) -> Result<bool> {
        Ok(default)
    }
    fn select(&mut self, _prompt: &str, _options: &[&str], default: usize) -> Result<usize> {
        Ok(default)
    }
    fn copy_to_clipboard(&mut self, _text: &str) -> bool {
        false
    }
}

impl dyn Prompter + '_ {
    /// [`Prompter::select`], with the index checked: callers index `options` by it.
    pub fn pick(&mut self, prompt: &str, options: &[&str], default: usize) -> Result<usize> {
        let index = self.select(prompt, options, default)?;
        if index >= options.len() {
            let count = options.len();
            let why = format!("the prompter chose option {index} of {count} for {prompt:?}");
            return Err(AppError::internal(why));
        }
        Ok(index)
    }
}

/// `--yes`, or no terminal.
pub struct NonInteractive;

/// Read-only commands never ask; doctor reports a [`MissingAnswer`] as a check not made.
pub struct NeverAsk;

impl Prompter for NonInteractive {
    fn ask(&mut self, question: &Question) -> Result<String> {
        take_default(question, false)
    }
}

impl Prompter for NeverAsk {
    fn ask(&mut self, question: &Question) -> Result<String> {
        take_default(question, true)
    }
}

fn take_default(question: &Question, read_only: bool) -> Result<String> {
    let Some(value) = &question.default else {
        return Err(missing(question.key, read_only));
    };
    (question.validate)(value)
        .map_err(|reason| AppError::usage(format!("default for {}: {reason}", question.key)))?;
    Ok(value.clone())
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("no answer for `{key}`")]
pub struct MissingAnswer {
    pub key: String,
}

pub fn missing_answer(key: &str) -> AppError {
    missing(key, false)
}

fn missing(key: &str, read_only: bool) -> AppError {
    let (table, field) = key.split_once('.').unwrap_or(("", key));
    let (why, or) = if read_only {
        (
            " in the answers or the profile's config (this command only reads and never asks)",
            " or the profile's config.",
        )
    } else {
        (
            ", and this run does not ask (--yes, no terminal, or a command that only reads)",
            ", or run in a terminal without --yes.",
        )
    };
    AppError::usage(format!("no answer for `{key}`{why}"))
        .hint(format!(
            "Add `{field} = ...` under `[{table}]` in the answers file (`align-link answers-example` prints every key){or}"
        ))
        .with_source(MissingAnswer { key: key.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_interactive_uses_defaults_and_names_missing_keys() {
        let mut prompter = NonInteractive;
        let q = Question::new("align.application_name", "Name").default("Jira Align");
        assert_eq!(prompter.ask(&q).unwrap(), "Jira Align");
        let err = prompter
            .ask(&Question::new("jira.url", "Jira URL"))
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.contains("`jira.url`"), "{}", err.message);
        assert!(err.hint_text().unwrap().contains("under `[jira]`"));
    }

    #[test]
    fn never_ask_takes_defaults_and_types_what_is_missing() {
        let mut prompter = NeverAsk;
        assert!(!prompter.interactive());
        let q = Question::new("align.application_name", "Name").default("Jira Align");
        assert_eq!(prompter.ask(&q).unwrap(), "Jira Align");
        let err = prompter
            .ask(&Question::new("jira.admin_token", "PAT"))
            .unwrap_err();
        assert_eq!(err.find::<MissingAnswer>().unwrap().key, "jira.admin_token");
        assert!(!err.hint_text().unwrap().contains("terminal"));
    }

    /// A prompter whose choice is out of range: an internal error, not a panic.
    struct ChoosesTooFar;

    impl Prompter for ChoosesTooFar {
        fn ask(&mut self, question: &Question) -> Result<String> {
            Err(missing_answer(question.key))
        }
        fn select(&mut self, _prompt: &str, options: &[&str], _default: usize) -> Result<usize> {
            Ok(options.len())
        }
    }

    #[test]
    fn a_choice_out_of_range_is_an_internal_error() {
        let prompter: &mut dyn Prompter = &mut ChoosesTooFar;
        let err = prompter.pick("Which?", &["a", "b"], 0).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::EXIT_INTERNAL);
        let prompter: &mut dyn Prompter = &mut NonInteractive;
        assert_eq!(prompter.pick("Which?", &["a", "b"], 1).unwrap(), 1);
    }

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("key"), "\x1b]52;c;a2V5\x07");
        assert!(!NonInteractive.copy_to_clipboard("x"));
    }

    #[test]
    fn non_interactive_validates_defaults() {
        let reject = |_: &str| Err("never".to_string());
        let q = Question::new("keys.bits", "Bits")
            .default("12")
            .validate(&reject);
        assert!(NonInteractive.ask(&q).is_err());
    }
}

//! A scripted person for tests: each reply is checked against the question it meets,
//! so a test fails at the first surprise.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use align_link_core::error::{AppError, Result};
use align_link_sides::prompt::{Prompter, Question};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// To a question with this answers key: the text typed ("" is Enter).
    Text { key: String, text: String },
    /// To a confirmation whose prompt contains `prompt`.
    Confirm { prompt: String, yes: bool },
    /// To a menu whose prompt contains `prompt`: the option containing `option` ("" is Enter).
    Choose { prompt: String, option: String },
}

impl Reply {
    pub fn text(key: &str, text: &str) -> Reply {
        Reply::Text {
            key: key.into(),
            text: text.into(),
        }
    }
    pub fn confirm(prompt: &str, yes: bool) -> Reply {
        Reply::Confirm {
            prompt: prompt.into(),
            yes,
        }
    }
    pub fn choose(prompt: &str, option: &str) -> Reply {
        Reply::Choose {
            prompt: prompt.into(),
            option: option.into(),
        }
    }
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    asked: Vec<String>,
}

/// Clones share the script, so a test keeps one to inspect it after the step ran.
#[derive(Clone, Default)]
pub struct Scripted(Arc<Mutex<Script>>);

impl Scripted {
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Scripted {
        Scripted(Arc::new(Mutex::new(Script {
            replies: replies.into_iter().collect(),
            asked: Vec::new(),
        })))
    }

    pub fn asked(&self) -> Vec<String> {
        self.0.lock().map(|s| s.asked.clone()).unwrap_or_default()
    }

    pub fn remaining(&self) -> Vec<Reply> {
        self.0
            .lock()
            .map(|s| s.replies.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn next(&self, asked: String) -> Result<Option<Reply>> {
        let mut script = self
            .0
            .lock()
            .map_err(|_| AppError::failed("the script's lock is poisoned"))?;
        script.asked.push(asked);
        Ok(script.replies.pop_front())
    }
}

fn unexpected(asked: &str, reply: Option<Reply>) -> AppError {
    AppError::failed(format!(
        "scripted prompter: asked `{asked}`, but the script's next reply is {reply:?}"
    ))
}

impl Prompter for Scripted {
    fn interactive(&self) -> bool {
        true
    }

    fn ask(&mut self, question: &Question) -> Result<String> {
        let asked = format!("ask {}", question.key);
        match self.next(asked.clone())? {
            Some(Reply::Text { key, text }) if key == question.key => {
                let default = question.default.clone().filter(|_| text.is_empty());
                let value = default.unwrap_or(text);
                (question.validate)(value.trim()).map_err(|reason| {
                    AppError::failed(format!(
                        "scripted prompter: {value:?} for {key} is refused: {reason}"
                    ))
                })?;
                Ok(value.trim().to_string())
            }
            other => Err(unexpected(&asked, other)),
        }
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        let shown = if default { "yes" } else { "no" };
        let asked = format!("confirm {prompt} [default {shown}]");
        match self.next(asked.clone())? {
            Some(Reply::Confirm { prompt: words, yes }) if prompt.contains(&words) => Ok(yes),
            other => Err(unexpected(&asked, other)),
        }
    }

    fn select(&mut self, prompt: &str, options: &[&str], default: usize) -> Result<usize> {
        let asked = format!(
            "select {prompt} [default {}]",
            options.get(default).copied().unwrap_or("?")
        );
        match self.next(asked.clone())? {
            Some(Reply::Choose {
                prompt: words,
                option,
            }) if prompt.contains(&words) => {
                if option.is_empty() {
                    return Ok(default);
                }
                options
                    .iter()
                    .position(|o| o.contains(&option))
                    .ok_or_else(|| {
                        AppError::failed(format!(
                            "scripted prompter: no option of `{prompt}` contains {option:?}: {options:?}"
                        ))
                    })
            }
            other => Err(unexpected(&asked, other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_in_order_and_checks_each_question() {
        let mut script = Scripted::new([
            Reply::text("jira.url", "https://jira.example.com"),
            Reply::choose("Who makes", "align-link"),
            Reply::confirm("Done in Jira Align?", true),
        ]);
        let handle = script.clone();
        let url = script.ask(&Question::new("jira.url", "Jira URL")).unwrap();
        assert_eq!(url, "https://jira.example.com");
        let options = ["Jira Align", "align-link"];
        assert_eq!(script.select("Who makes it?", &options, 0).unwrap(), 1);
        assert!(script.confirm("Done in Jira Align?", false).unwrap());
        assert!(handle.remaining().is_empty());
        assert_eq!(
            handle.asked(),
            vec![
                "ask jira.url",
                "select Who makes it? [default Jira Align]",
                "confirm Done in Jira Align? [default no]"
            ]
        );
    }

    #[test]
    fn an_unexpected_question_is_an_error_naming_it() {
        let mut script = Scripted::new([Reply::text("jira.url", "https://x.example.com")]);
        let err = script
            .ask(&Question::new("align.url", "Jira Align URL"))
            .unwrap_err();
        assert!(err.message.contains("ask align.url"), "{}", err.message);
        assert!(script.confirm("Done?", true).is_err(), "the script ran out");
    }

    #[test]
    fn enter_takes_the_default_and_validation_applies() {
        let mut script = Scripted::new([Reply::text("a.b", ""), Reply::text("a.b", "bad")]);
        let q = Question::new("a.b", "B").default("kept");
        assert_eq!(script.ask(&q).unwrap(), "kept");
        let reject = |v: &str| if v == "bad" { Err("no".into()) } else { Ok(()) };
        assert!(script
            .ask(&Question::new("a.b", "B").validate(&reject))
            .is_err());
    }
}

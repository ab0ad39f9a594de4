//! `--log FILE`: every answer the operator gives; a secret's value never.

use std::sync::Arc;

use super::{Prompter, Question};
use crate::error::Result;
use crate::ui::log::OperatorLog;
use crate::util::text;

pub struct Logged {
    inner: Box<dyn Prompter>,
    log: Arc<OperatorLog>,
}

impl Logged {
    pub fn new(inner: Box<dyn Prompter>, log: Arc<OperatorLog>) -> Logged {
        Logged { inner, log }
    }
}

impl Prompter for Logged {
    fn interactive(&self) -> bool {
        self.inner.interactive()
    }

    fn ask(&mut self, question: &Question) -> Result<String> {
        let answer = self.inner.ask(question)?;
        let shown = if question.secret {
            "(a secret: not recorded)".to_string()
        } else {
            // A token in an answer not marked secret still stays out.
            format!("{:?}", text::redact_text(&answer))
        };
        self.log.write(&format!(
            "answer {} = {shown} ({})",
            question.key, question.prompt
        ));
        Ok(answer)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        let yes = self.inner.confirm(prompt, default)?;
        let how = if self.inner.interactive() {
            "confirmed"
        } else {
            "default (no terminal)"
        };
        let answer = if yes { "yes" } else { "no" };
        self.log
            .write(&format!("confirm {prompt:?} = {answer} ({how})"));
        Ok(yes)
    }

    fn select(&mut self, prompt: &str, options: &[&str], default: usize) -> Result<usize> {
        let index = self.inner.select(prompt, options, default)?;
        let chosen = options.get(index).copied().unwrap_or("?");
        self.log.write(&format!("select {prompt:?} = {chosen:?}"));
        Ok(index)
    }

    fn copy_to_clipboard(&mut self, text: &str) -> bool {
        self.inner.copy_to_clipboard(text)
    }
}

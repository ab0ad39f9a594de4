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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{Reply, Scripted};

    #[test]
    fn records_answers_but_never_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let log = Arc::new(OperatorLog::open(&dir.path().join("run.log")).unwrap());
        let script = Scripted::new([
            Reply::text("jira.admin_token", "s3cret-token"),
            Reply::confirm("Done in Jira Align?", true),
            Reply::text("jira.url", "https://jira.example.com"),
        ]);
        let mut logged = Logged::new(Box::new(script), log);
        logged
            .ask(&Question::new("jira.admin_token", "Token").secret())
            .unwrap();
        logged.confirm("Done in Jira Align?", false).unwrap();
        logged.ask(&Question::new("jira.url", "Jira URL")).unwrap();
        let text = std::fs::read_to_string(dir.path().join("run.log")).unwrap();
        assert!(!text.contains("s3cret-token"), "{text}");
        assert!(
            text.contains("answer jira.admin_token = (a secret"),
            "{text}"
        );
        assert!(
            text.contains("confirm \"Done in Jira Align?\" = yes"),
            "{text}"
        );
        assert!(text.contains("\"https://jira.example.com\""), "{text}");
    }

    #[test]
    fn tokens_in_an_answer_not_marked_secret_are_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let log = Arc::new(OperatorLog::open(&dir.path().join("run.log")).unwrap());
        let pasted = "http://127.0.0.1:9/cb?oauth_token=rt-1&oauth_verifier=v-1";
        let script = Scripted::new([Reply::text("callback", pasted)]);
        let mut logged = Logged::new(Box::new(script), log);
        let answer = logged.ask(&Question::new("callback", "Address")).unwrap();
        assert_eq!(answer, pasted, "the caller still gets the answer itself");
        let text = std::fs::read_to_string(dir.path().join("run.log")).unwrap();
        assert!(!text.contains("rt-1") && !text.contains("v-1"), "{text}");
        assert!(text.contains("oauth_verifier=<redacted>"), "{text}");
    }
}

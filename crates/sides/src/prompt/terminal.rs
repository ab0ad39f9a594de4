//! A person at a terminal, through dialoguer. It redraws by clearing as many lines
//! as it printed, so a wrapped line garbles it: every line is made to fit first.

use std::io::Write;

use super::{Prompter, Question};
use crate::error::{AppError, Result};
use crate::ui;

pub struct Terminal;

/// Columns dialoguer's theme adds to a prompt, plus one spare.
const TEXT_DECORATION: usize = 6;
const PASSWORD_DECORATION: usize = 3;
const CONFIRM_DECORATION: usize = 8;
const MENU_DECORATION: usize = 2;
/// `> ` before each menu option, and a margin.
const OPTION_DECORATION: usize = 4;

impl Prompter for Terminal {
    fn interactive(&self) -> bool {
        true
    }

    fn ask(&mut self, question: &Question) -> Result<String> {
        let reserve = match (question.secret, question.default.as_deref()) {
            (true, _) => PASSWORD_DECORATION,
            (false, Some(default)) => TEXT_DECORATION + default.chars().count(),
            (false, None) => TEXT_DECORATION,
        };
        let prompt = fit_prompt(question.prompt, reserve);
        if question.secret {
            let value = dialoguer::Password::new()
                .with_prompt(prompt)
                .allow_empty_password(question.default.is_some())
                .validate_with(|value: &String| (question.validate)(value))
                .interact()
                .map_err(terminal_error)?;
            let default = question.default.clone().filter(|_| value.is_empty());
            return Ok(default.unwrap_or(value));
        }
        let mut input = dialoguer::Input::<String>::new().with_prompt(prompt);
        match question.default.as_deref() {
            Some("") => input = input.allow_empty(true),
            Some(default) => input = input.default(default.to_string()),
            None => {}
        }
        input
            .validate_with(|value: &String| (question.validate)(value.trim()))
            .interact_text()
            .map(|value| value.trim().to_string())
            .map_err(terminal_error)
    }

    /// Needs Enter: a stray `y` never confirms on its own.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        dialoguer::Confirm::new()
            .with_prompt(fit_prompt(prompt, CONFIRM_DECORATION))
            .default(default)
            .wait_for_newline(true)
            .interact()
            .map_err(terminal_error)
    }

    fn select(&mut self, prompt: &str, options: &[&str], default: usize) -> Result<usize> {
        let max = ui::width().saturating_sub(OPTION_DECORATION);
        let items: Vec<String> = options.iter().map(|option| shorten(option, max)).collect();
        dialoguer::Select::new()
            .with_prompt(fit_prompt(prompt, MENU_DECORATION))
            .items(&items)
            .default(default)
            .interact()
            .map_err(terminal_error)
    }

    fn copy_to_clipboard(&mut self, text: &str) -> bool {
        use std::io::IsTerminal;
        let mut terminal = std::io::stderr();
        terminal.is_terminal()
            && terminal
                .write_all(osc52(text).as_bytes())
                .and_then(|_| terminal.flush())
                .is_ok()
    }
}

/// A longer prompt is printed above, wrapped, and its last line stays the prompt.
fn fit_prompt(prompt: &str, reserve: usize) -> String {
    let width = ui::width().saturating_sub(reserve).max(20);
    if prompt.chars().count() <= width {
        return prompt.to_string();
    }
    let mut lines = ui::wrap(prompt, "", width);
    let last = lines.pop().unwrap_or_default();
    let mut stderr = std::io::stderr();
    for line in lines {
        let _ = writeln!(stderr, "{line}");
    }
    last
}

fn shorten(text: &str, max: usize) -> String {
    let max = max.max(10);
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The terminal itself sets the clipboard, so this works over SSH too.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

fn terminal_error(err: dialoguer::Error) -> AppError {
    AppError::failed(format!("the terminal prompt failed: {err}"))
        .hint("Run with --yes and an answers file (--answers FILE) where no terminal is available.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_long_options_only() {
        assert_eq!(shorten("short", 40), "short");
        let long =
            "Jira Align (Generate New Key on the connector form); align-link installs its key";
        let cut = shorten(long, 56);
        assert_eq!(cut.chars().count(), 56);
        assert!(cut.ends_with('…'));
    }
}

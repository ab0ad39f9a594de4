//! What the wizard prints. Progress goes to stdout; warnings to stderr. Nothing
//! here is given a secret to print.

use crate::steps::{Mode, Side, Step};

pub fn step_header(step: &Step) {
    println!();
    println!(
        "Step {:>2} [{}, {}] {}",
        step.number,
        step.side.label(),
        step.mode.label(),
        step.title
    );
}

pub fn info(text: &str) {
    for line in text.lines() {
        println!("  {line}");
    }
}

pub fn ok(text: &str) {
    println!("  ✓ {text}");
}

pub fn warn(text: &str) {
    eprintln!("Warning: {text}");
}

/// Labelled values, aligned, for the operator to copy into a form.
pub fn fields(rows: &[(&str, String)]) {
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    for (label, value) in rows {
        let mut lines = value.lines();
        println!("    {label:<width$} : {}", lines.next().unwrap_or(""));
        for more in lines {
            println!("    {:<width$}   {more}", "");
        }
    }
}

/// A spinner on stderr for a wait of known length; hidden when stderr is not a
/// terminal (indicatif decides), so logs and tests see only the outcome.
pub struct Spinner(indicatif::ProgressBar);

impl Spinner {
    pub fn start() -> Spinner {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Spinner(bar)
    }

    pub fn say(&self, message: String) {
        self.0.set_message(message);
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Jira => "Jira",
            Side::Align => "Jira Align",
            Side::Both => "both",
        }
    }
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Automated => "automated",
            Mode::Guided => "guided",
        }
    }
}

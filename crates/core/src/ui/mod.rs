//! What the wizard prints: progress to stdout, warnings to stderr, wrapped to the
//! terminal's width. Nothing here is given a secret to print.

pub mod log;
pub mod style;
pub mod terminal;
pub mod wait;

use style::{paint, Stream, Tone};

use std::fmt::Display;
use std::io::{self, Write};

/// `println!`, but a closed pipe (`align-link steps | head -1`) ends the process with
/// exit 0, as ripgrep does: every state write is atomic, so stopping loses nothing.
#[macro_export]
macro_rules! outln {
    () => { $crate::ui::out("") };
    ($($arg:tt)*) => { $crate::ui::out(format_args!($($arg)*)) };
}

/// See [`outln!`].
pub fn out(text: impl Display) {
    let mut stdout = io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|_| stdout.flush());
    // Any other write error has nowhere left to be reported.
    if written.is_err_and(|err| err.kind() == io::ErrorKind::BrokenPipe) {
        terminal::restore();
        std::process::exit(0);
    }
}

pub use terminal::width;

/// Words longer than a line (URLs, base64) are kept whole, so they can still be copied.
pub fn wrap(text: &str, indent: &str, width: usize) -> Vec<String> {
    text.lines()
        .flat_map(|line| match line.trim() {
            "" => vec![String::new()],
            _ => hang(line, indent, indent, width),
        })
        .collect()
}

/// One paragraph as [`wrap`] does it, the first line indented by `first`.
fn hang(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(rest.len() + 20))
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines = textwrap::wrap(text, &options);
    lines.into_iter().map(|line| line.into_owned()).collect()
}

/// Once: a handshake started at step 18 announces the step it is in too. `side`
/// is where it happens ("Jira", "Jira Align" or "both"), `mode` "automated" or "guided".
pub fn step_header(number: u8, side: &str, mode: &str, title: &str) {
    static LAST: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
    if LAST.swap(number, std::sync::atomic::Ordering::Relaxed) == number {
        return;
    }
    out("");
    let text = format!("Step {number:>2} [{side}, {mode}] {title}");
    log::note(&text);
    hang(&text, "", "        ", width())
        .into_iter()
        .for_each(out);
}

/// One line of a table, continued `indent` columns in (under the last column).
pub fn hanging(text: &str, indent: usize) {
    // textwrap drops leading spaces: they go back in as the first line's indent.
    let body = text.trim_start();
    let lead = &text[..text.len() - body.len()];
    hang(body, lead, &" ".repeat(indent), width())
        .into_iter()
        .for_each(out);
}

pub fn info(text: &str) {
    wrap(text, "  ", width()).into_iter().for_each(out);
}

pub fn ok(text: &str) {
    let mark = format!(
        "  {} ",
        paint(style::symbol("✓", "+"), Tone::Good, Stream::Stdout)
    );
    hang(text, &mark, "    ", width()).into_iter().for_each(out);
}

pub fn warn(text: &str) {
    labelled_on_stderr("Warning:", Tone::Warn, text);
}

/// `LABEL text` on stderr, wrapped on a terminal; into a pipe it stays whole, for tools.
fn labelled_on_stderr(label: &str, tone: Tone, text: &str) {
    use std::io::IsTerminal;
    let painted = paint(label, tone, Stream::Stderr);
    if !std::io::stderr().is_terminal() {
        eprintln!("{painted} {text}");
        return;
    }
    let indent = " ".repeat(label.chars().count() + 1);
    let lines = wrap(text, &indent, width());
    for (index, line) in lines.iter().enumerate() {
        match index {
            0 => eprintln!("{painted} {}", line.trim_start()),
            _ => eprintln!("{line}"),
        }
    }
}

/// On stderr, so that stdout stays the command's own output (`--json`).
pub fn note(text: &str) {
    eprintln!("{text}");
}

/// `Error: ...` and a `Hint: ...` per hint, the labels in colour where stderr takes it.
pub fn error_report(message: &str, hints: &[String]) {
    labelled_on_stderr("Error:", Tone::Bad, message);
    for hint in hints {
        labelled_on_stderr("Hint:", Tone::Good, hint);
    }
}

/// Aligned, for the operator to copy into a form; a long value wraps under itself.
pub fn fields(rows: &[(&str, String)]) {
    let label_width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    let hanging = " ".repeat(4 + label_width + 3);
    for (label, value) in rows {
        let first = format!("    {label:<label_width$} : ");
        let mut lines = value.lines();
        let head = lines.next().unwrap_or("");
        if head.is_empty() {
            out(first.trim_end());
        }
        hang(head, &first, &hanging, width())
            .into_iter()
            .for_each(out);
        for more in lines {
            out(format!("{hanging}{more}"));
        }
    }
}

/// On stderr; hidden when it is not a terminal (indicatif decides).
pub struct Spinner {
    bar: indicatif::ProgressBar,
    /// Its entry in the list Ctrl-C clears.
    id: u64,
}

impl Spinner {
    pub fn start() -> Spinner {
        Spinner::with_template("{spinner} {msg}", String::new())
    }

    /// `message` is set before the first frame is drawn.
    fn with_template(template: &str, message: String) -> Spinner {
        let look = indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(look.tick_strings(style::spinner_frames()));
        bar.set_message(message);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let id = terminal::spinner_shown(&bar);
        Spinner { bar, id }
    }

    pub fn say(&self, message: String) {
        self.bar.set_message(message);
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        terminal::spinner_gone(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries_and_keeps_long_words_whole() {
        let text = "In Administration, open Connectors, then Jira Settings, and find the connector";
        let lines = wrap(text, "  ", 40);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(line.chars().count() <= 40, "{line:?}");
            assert!(line.starts_with("  "));
        }
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(words.join(" "), text, "no word is split");
        let url = format!("https://jira.example.com/{}", "x".repeat(60));
        assert_eq!(wrap(&url, "  ", 40), vec![format!("  {url}")]);
        let id = "3e3e3576-7645-322b-a0e7-a5d3e802d3a0";
        let lines = wrap(&format!("created link {id}"), "", 30);
        assert_eq!(lines.last().unwrap(), id, "not split at its hyphens");
    }

    #[test]
    fn keeps_explicit_lines_and_blank_lines() {
        let lines = wrap("one\n\ntwo", "  ", 80);
        assert_eq!(lines, vec!["  one", "", "  two"]);
    }
}

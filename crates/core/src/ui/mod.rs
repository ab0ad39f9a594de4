//! What the wizard prints. Progress goes to stdout; warnings to stderr. Nothing
//! here is given a secret to print.
//!
//! The bottom layer of the presentation: it imports nothing of align-link's own
//! above `util`. Text is wrapped to the terminal's width at word boundaries (80
//! columns when stdout is not a terminal), and a closed stdout ends the process
//! quietly instead of panicking (see [`out`]).

pub mod log;
pub mod style;
pub mod terminal;
pub mod wait;

use style::{paint, Stream, Tone};

use std::fmt::Display;
use std::io::{self, Write};

/// Prints one line to stdout, like `println!`, but a closed pipe
/// (`align-link steps | head -1`) ends the process quietly with exit 0, as
/// ripgrep does: the reader has what it wanted, and every state write is atomic,
/// so stopping here loses nothing.
#[macro_export]
macro_rules! outln {
    () => { $crate::ui::out("") };
    ($($arg:tt)*) => { $crate::ui::out(format_args!($($arg)*)) };
}

/// Writes `text` and a newline to stdout; see [`outln!`].
pub fn out(text: impl Display) {
    let mut stdout = io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|_| stdout.flush());
    // A closed pipe ends the run quietly; any other write error is ignored (there
    // is nowhere left to report it).
    if written.is_err_and(|err| err.kind() == io::ErrorKind::BrokenPipe) {
        terminal::restore();
        std::process::exit(0);
    }
}

/// The width text is wrapped to.
pub use terminal::width;

/// `text` wrapped at word boundaries to `width` columns, each line starting with
/// `indent`; words longer than a line (URLs, base64) are kept whole, never split,
/// so they can still be copied.
pub fn wrap(text: &str, indent: &str, width: usize) -> Vec<String> {
    text.lines()
        .flat_map(|line| match line.trim() {
            "" => vec![String::new()],
            _ => hang(line, indent, indent, width),
        })
        .collect()
}

/// One paragraph wrapped to `width` (at least 20 columns of text) as [`wrap`]
/// does, its first line starting with `first` and the rest with `rest`.
fn hang(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(rest.len() + 20))
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines = textwrap::wrap(text, &options);
    lines.into_iter().map(|line| line.into_owned()).collect()
}

/// What a step's heading shows; the table of steps implements it, so this layer
/// needs nothing from the layers above.
pub trait StepHeading {
    fn number(&self) -> u8;
    /// Where it happens: "Jira", "Jira Align" or "both".
    fn side(&self) -> &'static str;
    /// "automated" or "guided".
    fn mode(&self) -> &'static str;
    fn title(&self) -> &'static str;
}

/// Prints a step's heading, once: a handshake started at step 18 announces the
/// step it is in too, and the heading is not printed twice in a row.
pub fn step_header(step: &dyn StepHeading) {
    static LAST: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
    if LAST.swap(step.number(), std::sync::atomic::Ordering::Relaxed) == step.number() {
        return;
    }
    out("");
    let text = format!(
        "Step {:>2} [{}, {}] {}",
        step.number(),
        step.side(),
        step.mode(),
        step.title()
    );
    log::note(&text);
    hang(&text, "", "        ", width())
        .into_iter()
        .for_each(out);
}

/// One line of a table, wrapped to the width with its continuation indented by
/// `indent` columns (under the last column).
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

/// `LABEL text` on stderr. On a terminal the text is wrapped to its width at word
/// boundaries, as stdout is, each line after the first indented under the text;
/// into a pipe or a file it stays whole, for logs and tools.
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

/// A line on stderr, so that stdout stays the command's own output (`--json`):
/// where the stand-ins listen, where the state is, an error's causes.
pub fn note(text: &str) {
    eprintln!("{text}");
}

/// A rendered error (`Error: ...` and a `Hint: ...` line per hint), with those
/// words in colour where stderr takes it.
pub fn error_report(message: &str, hints: &[String]) {
    labelled_on_stderr("Error:", Tone::Bad, message);
    for hint in hints {
        labelled_on_stderr("Hint:", Tone::Good, hint);
    }
}

/// Labelled values, aligned, for the operator to copy into a form; a long value
/// wraps under itself, never under the labels.
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

/// A spinner on stderr for a wait of known length; hidden when stderr is not a
/// terminal (indicatif decides), so logs and tests see only the outcome.
pub struct Spinner {
    bar: indicatif::ProgressBar,
    /// Its entry in the list Ctrl-C clears.
    id: u64,
}

impl Spinner {
    pub fn start() -> Spinner {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::default_spinner().tick_strings(style::spinner_frames()),
        );
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

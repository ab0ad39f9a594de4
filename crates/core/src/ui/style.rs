//! Colour and symbols for align-link's own words (never for server text).

use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Quiet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

pub fn paint(text: &str, tone: Tone, stream: Stream) -> String {
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    if !colour_wanted(&env, terminal) {
        return text.to_string();
    }
    let code = match tone {
        Tone::Good => "32",
        Tone::Warn => "33",
        Tone::Bad => "31",
        Tone::Quiet => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

pub fn symbol(unicode: &'static str, ascii: &'static str) -> &'static str {
    if unicode_wanted(&env) {
        unicode
    } else {
        ascii
    }
}

/// The last is shown when done.
pub fn spinner_frames() -> &'static [&'static str] {
    if unicode_wanted(&env) {
        &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", " "]
    } else {
        &["|", "/", "-", "\\", " "]
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn set(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn dumb_terminal(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("TERM").as_deref() == Some("dumb")
}

/// The no-color.org and bixense.com/clicolors rules.
fn colour_wanted(env: &dyn Fn(&str) -> Option<String>, terminal: bool) -> bool {
    if set(env("NO_COLOR")).is_some() {
        return false;
    }
    if set(env("CLICOLOR_FORCE")).is_some_and(|v| v != "0") {
        return true;
    }
    if env("CLICOLOR").as_deref() == Some("0") || dumb_terminal(env) {
        return false;
    }
    terminal
}

/// None of LC_ALL, LC_CTYPE and LANG set is the C locale, ASCII.
fn unicode_wanted(env: &dyn Fn(&str) -> Option<String>) -> bool {
    if dumb_terminal(env) {
        return false;
    }
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| set(env(name)))
        .unwrap_or_default()
        .to_ascii_lowercase();
    locale.contains("utf-8") || locale.contains("utf8")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn colour_only_on_a_terminal_that_wants_it() {
        assert!(colour_wanted(&with(&[("TERM", "xterm")]), true));
        assert!(!colour_wanted(&with(&[("TERM", "xterm")]), false));
        assert!(!colour_wanted(&with(&[("NO_COLOR", "1")]), true));
        assert!(
            colour_wanted(&with(&[("NO_COLOR", "")]), true),
            "empty NO_COLOR is unset"
        );
        assert!(!colour_wanted(&with(&[("CLICOLOR", "0")]), true));
        assert!(!colour_wanted(&with(&[("TERM", "dumb")]), true));
        assert!(colour_wanted(&with(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!colour_wanted(
            &with(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
            true
        ));
    }

    #[test]
    fn symbols_beyond_ascii_only_in_a_utf8_locale_on_a_capable_terminal() {
        assert!(unicode_wanted(&with(&[("LANG", "en_US.UTF-8")])));
        assert!(unicode_wanted(&with(&[
            ("LANG", "C"),
            ("LC_ALL", "C.utf8")
        ])));
        assert!(!unicode_wanted(&with(&[("LANG", "C")])));
        assert!(!unicode_wanted(&with(&[])));
        assert!(!unicode_wanted(&with(&[
            ("LC_ALL", "C"),
            ("LANG", "en_US.UTF-8")
        ])));
        assert!(!unicode_wanted(&with(&[
            ("LANG", "en_US.UTF-8"),
            ("TERM", "dumb")
        ])));
    }
}

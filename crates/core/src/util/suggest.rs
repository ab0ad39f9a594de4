//! The one place that renders a command the tool suggests (`align-link step 13`),
//! so that pasted as printed it runs against the same profile, answers file and
//! state directory as the run that printed it.
//!
//! The run's options are kept process-wide (set once, from the command line)
//! because suggestions are written deep in hints and doctor fixes that never see
//! the command line.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The options of this run that a suggested command must repeat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocation {
    /// `--profile`, when not `default`.
    pub profile: Option<String>,
    /// `--answers`, only when given on the command line (a profile's own config
    /// file is found again without it).
    pub answers: Option<PathBuf>,
    /// `--state-dir`, when given.
    pub state_dir: Option<PathBuf>,
}

static INVOCATION: OnceLock<Invocation> = OnceLock::new();

/// Records this run's options; the first call wins (one command per process).
pub fn set_invocation(invocation: Invocation) {
    let _ = INVOCATION.set(invocation);
}

/// Subcommands that take `--profile` and `--state-dir`.
pub const TAKE_PROFILE: &[&str] = &[
    "setup", "step", "status", "plan", "show", "doctor", "unlink", "renew",
];
/// Subcommands that take `--answers`.
pub const TAKE_ANSWERS: &[&str] = &["setup", "step", "plan", "show", "doctor", "unlink", "renew"];

/// `align-link ARGS` with this run's options that the subcommand takes, e.g.
/// `command("step 13")` is `align-link step 13 --profile prod` in a run of `prod`.
pub fn command(args: &str) -> String {
    render(args, INVOCATION.get().unwrap_or(&Invocation::default()))
}

/// [`command`] with the invocation passed in.
pub fn render(args: &str, invocation: &Invocation) -> String {
    let mut line = format!("align-link {args}");
    let subcommand = args.split_whitespace().next().unwrap_or("");
    let path = |path: &Option<PathBuf>| path.as_ref().map(|p| p.to_string_lossy().into_owned());
    let options = [
        (TAKE_PROFILE, "--profile", invocation.profile.clone()),
        (TAKE_PROFILE, "--state-dir", path(&invocation.state_dir)),
        (TAKE_ANSWERS, "--answers", path(&invocation.answers)),
    ];
    for (takers, option, value) in options {
        if let Some(value) = value.filter(|_| takers.contains(&subcommand)) {
            line.push_str(&format!(" {option} {}", shell_word(&value)));
        }
    }
    line
}

/// The word as a POSIX shell reads it back: bare when it holds only safe
/// characters, else single-quoted.
fn shell_word(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-~".contains(c);
    if !word.is_empty() && word.chars().all(safe) && !word.starts_with('~') {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_only_the_options_the_subcommand_takes() {
        let run = Invocation {
            profile: Some("prod".into()),
            answers: Some("my answers.toml".into()),
            state_dir: Some("/tmp/st".into()),
        };
        assert_eq!(
            render("step 13", &run),
            "align-link step 13 --profile prod --state-dir /tmp/st --answers 'my answers.toml'"
        );
        assert_eq!(
            render("status", &run),
            "align-link status --profile prod --state-dir /tmp/st"
        );
        assert_eq!(render("profiles", &run), "align-link profiles");
        assert_eq!(render("setup", &Invocation::default()), "align-link setup");
    }

    #[test]
    fn quotes_what_a_shell_would_split() {
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("~/x"), "'~/x'");
        assert_eq!(shell_word("a/b.toml"), "a/b.toml");
    }
}

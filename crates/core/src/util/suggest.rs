//! Commands the tool suggests, with the options that make them, pasted as printed, run
//! against the same profile; kept process-wide, as hints never see the command line.

use std::path::PathBuf;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocation {
    /// When not `default`.
    pub profile: Option<String>,
    /// Only when given on the command line (a profile's own is found again without it).
    pub answers: Option<PathBuf>,
    pub state_dir: Option<PathBuf>,
}

static INVOCATION: OnceLock<Invocation> = OnceLock::new();

pub fn set_invocation(invocation: Invocation) {
    let _ = INVOCATION.set(invocation);
}

/// Subcommands that take `--profile` and `--state-dir`.
pub const TAKE_PROFILE: &[&str] = &[
    "setup", "step", "status", "plan", "show", "doctor", "unlink", "renew",
];
/// Subcommands that take `--answers`.
pub const TAKE_ANSWERS: &[&str] = &["setup", "step", "plan", "show", "doctor", "unlink", "renew"];

/// `command("step 13")` is `align-link step 13 --profile prod` in a run of `prod`.
pub fn command(args: &str) -> String {
    render(args, INVOCATION.get().unwrap_or(&Invocation::default()))
}

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

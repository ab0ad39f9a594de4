//! The command line's options, checked once and turned into one validated
//! configuration (as ripgrep does), before any step runs.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{AppError, Result};
use crate::http::HttpOptions;
use crate::util::file::{self, FileError};

/// The options every subcommand shares, as the user typed them.
#[derive(Debug, Clone, Default)]
pub struct RawOptions {
    pub answers: Option<PathBuf>,
    pub yes: bool,
    pub profile: String,
    pub state_dir: Option<PathBuf>,
    pub sandbox: bool,
    pub no_browser: bool,
    pub verbose: bool,
    pub ca_cert: Option<PathBuf>,
    pub allow_http: bool,
    pub connect_timeout_secs: u64,
    pub timeout_secs: u64,
    pub replace_existing: bool,
}

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub answers: Option<PathBuf>,
    /// Never prompt: `--yes`, or stdin is not a terminal.
    pub non_interactive: bool,
    pub profile: String,
    /// Explicit `--state-dir`; else the profile's directory (or a fresh one under `--sandbox`).
    pub state_dir: Option<PathBuf>,
    pub sandbox: bool,
    pub no_browser: bool,
    pub verbose: bool,
    /// `--replace-existing`: consent to replace what this profile did not put in Jira.
    pub replace_existing: bool,
    pub http: HttpOptions,
}

impl RunConfig {
    pub fn from_raw(raw: RawOptions) -> Result<RunConfig> {
        Self::build(raw, std::io::stdin().is_terminal())
    }

    fn build(raw: RawOptions, stdin_is_terminal: bool) -> Result<RunConfig> {
        if raw.profile.is_empty()
            || !raw
                .profile
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(AppError::usage(format!(
                "--profile {:?}: a profile name is letters, digits, '-' and '_' only",
                raw.profile
            ))
            .hint("For example: --profile production"));
        }
        for (flag, secs) in [
            ("--connect-timeout", raw.connect_timeout_secs),
            ("--timeout", raw.timeout_secs),
        ] {
            if secs == 0 || secs > 3600 {
                return Err(AppError::usage(format!(
                    "{flag} {secs}: must be between 1 and 3600 seconds"
                ))
                .hint(format!("For example: {flag} 30")));
            }
        }
        // A stat never blocks: these catch a missing file, a FIFO or a device before
        // anything runs; the files are read (and checked again) when they are used.
        if let Some(path) = &raw.answers {
            file::check_regular(path, file::ANSWERS_MAX).map_err(|err| {
                let shown = path.display().to_string();
                let hint = match &err {
                    FileError::Missing => "Give the path of a TOML answers file; \
                                           examples/answers.toml shows every key."
                        .to_string(),
                    other => other.fix(&shown),
                };
                AppError::usage(format!("--answers {shown} {}", err.reason())).hint(hint)
            })?;
        }
        if let Some(path) = &raw.ca_cert {
            file::check_regular(path, file::CA_BUNDLE_MAX)
                .map_err(|err| ca_cert_error(path, &err))?;
        }
        Ok(RunConfig {
            answers: raw.answers,
            non_interactive: raw.yes || !stdin_is_terminal,
            profile: raw.profile,
            state_dir: raw.state_dir,
            sandbox: raw.sandbox,
            no_browser: raw.no_browser,
            verbose: raw.verbose,
            replace_existing: raw.replace_existing,
            http: HttpOptions {
                connect_timeout: Duration::from_secs(raw.connect_timeout_secs),
                timeout: Duration::from_secs(raw.timeout_secs),
                ca_cert: raw.ca_cert,
                allow_http: raw.allow_http,
                verbose: raw.verbose,
                ..HttpOptions::default()
            },
        })
    }
}

/// The error for a `--ca-cert` file that cannot be used (exit 2).
pub fn ca_cert_error(path: &Path, err: &FileError) -> AppError {
    let shown = path.display().to_string();
    let hint = match err {
        FileError::Missing | FileError::Io(_) => {
            "Give the path of your private CA's certificate (PEM).".to_string()
        }
        other => other.fix(&shown),
    };
    AppError::usage(format!("--ca-cert {shown} {}", err.reason())).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawOptions {
        RawOptions {
            profile: "default".into(),
            connect_timeout_secs: 10,
            timeout_secs: 30,
            ..RawOptions::default()
        }
    }

    #[test]
    fn no_terminal_means_no_prompts() {
        assert!(RunConfig::build(raw(), false).unwrap().non_interactive);
        assert!(!RunConfig::build(raw(), true).unwrap().non_interactive);
        let yes = RawOptions { yes: true, ..raw() };
        assert!(RunConfig::build(yes, true).unwrap().non_interactive);
    }

    #[test]
    fn rejects_bad_profile_and_timeouts() {
        let bad = RawOptions {
            profile: "a/b".into(),
            ..raw()
        };
        assert!(RunConfig::build(bad, true)
            .unwrap_err()
            .message
            .contains("--profile"));
        let zero = RawOptions {
            timeout_secs: 0,
            ..raw()
        };
        assert!(RunConfig::build(zero, true)
            .unwrap_err()
            .message
            .contains("--timeout"));
        let missing = RawOptions {
            answers: Some("/nonexistent/answers.toml".into()),
            ..raw()
        };
        let err = RunConfig::build(missing, true).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.contains("/nonexistent/answers.toml"));
    }
}

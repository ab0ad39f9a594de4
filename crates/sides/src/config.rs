//! The command line's options, checked once into one configuration before any step.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::domain::SecretStore;
use crate::error::{AppError, Result};
use crate::http::{ClientError, ConfigError, HttpOptions};
use crate::util::file::{self, FileError};

/// As typed; those a subcommand does not take keep their defaults.
#[derive(Debug, Clone)]
pub struct RawOptions {
    pub answers: Option<PathBuf>,
    pub yes: bool,
    pub profile: String,
    pub state_dir: Option<PathBuf>,
    pub sandbox: bool,
    pub no_browser: bool,
    pub log: Option<PathBuf>,
    /// `-v`, `--ca-cert`, `--allow-http` and the timeouts; [`RunConfig::build`] checks them.
    pub http: HttpOptions,
    pub replace_existing: bool,
    pub secret_store: Option<SecretStore>,
}

impl Default for RawOptions {
    fn default() -> Self {
        RawOptions {
            answers: None,
            yes: false,
            profile: "default".into(),
            state_dir: None,
            sandbox: false,
            no_browser: false,
            log: None,
            http: HttpOptions::default(),
            replace_existing: false,
            secret_store: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswersOrigin {
    Given,
    /// Read because `--answers` was absent.
    ProfileConfig,
    None,
}

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub answers: Option<PathBuf>,
    pub answers_origin: AnswersOrigin,
    /// Read when `--answers` is absent, written when a terminal run keeps its answers.
    pub profile_config: Option<PathBuf>,
    /// Never prompt: `--yes`, or stdin is not a terminal.
    pub non_interactive: bool,
    pub profile: String,
    /// Else the profile's directory (or a fresh one under `--sandbox`).
    pub state_dir: Option<PathBuf>,
    pub sandbox: bool,
    pub no_browser: bool,
    pub replace_existing: bool,
    pub log: Option<PathBuf>,
    /// `--secret-store`, when given; else the answers file's, else auto.
    pub secret_store: Option<SecretStore>,
    pub http: HttpOptions,
}

impl RunConfig {
    pub fn from_raw(raw: RawOptions) -> Result<RunConfig> {
        let profile_config = profile_config_path(&raw.profile);
        // Before validation: an error's hint may suggest a command.
        crate::util::suggest::set_invocation(crate::util::suggest::Invocation {
            profile: (raw.profile != "default").then(|| raw.profile.clone()),
            answers: raw.answers.clone(),
            state_dir: raw.state_dir.clone(),
        });
        Self::build(raw, std::io::stdin().is_terminal(), profile_config)
    }

    /// [`RunConfig::from_raw`] with the environment passed in (tests); the profile's
    /// config is never read under `--sandbox`, whose stand-ins give the answers.
    pub fn build(
        raw: RawOptions,
        stdin_is_terminal: bool,
        profile_config: Option<PathBuf>,
    ) -> Result<RunConfig> {
        if crate::store::check_profile(&raw.profile).is_err() {
            return Err(AppError::usage(format!(
                "--profile {:?}: a profile name is letters, digits, '-' and '_' only",
                raw.profile
            ))
            .hint("For example: --profile production"));
        }
        for (flag, secs) in [
            ("--connect-timeout", raw.http.connect_timeout.as_secs()),
            ("--timeout", raw.http.timeout.as_secs()),
        ] {
            if secs == 0 || secs > 3600 {
                return Err(AppError::usage(format!(
                    "{flag} {secs}: must be between 1 and 3600 seconds"
                ))
                .hint(format!("For example: {flag} 30")));
            }
        }
        // A stat never blocks: a missing file, FIFO or device is caught before anything runs.
        if let Some(path) = &raw.answers {
            file::check_regular(path, file::ANSWERS_MAX).map_err(|err| {
                let shown = path.display().to_string();
                let hint = match &err {
                    FileError::Missing => "Give the path of a TOML answers file; \
                                           `align-link answers-example` prints every key."
                        .to_string(),
                    other => other.fix(&shown),
                };
                AppError::usage(format!("--answers {shown} {}", err.reason())).hint(hint)
            })?;
        }
        if let Some(path) = &raw.http.ca_cert {
            // Exit 2, as for the answers file above.
            file::check_regular(path, file::CA_BUNDLE_MAX).map_err(|problem| {
                AppError::from(ClientError::config(ConfigError::CaCertFile {
                    path: path.to_path_buf(),
                    problem,
                }))
            })?;
        }
        let (answers, answers_origin) = match (raw.answers, profile_config.clone()) {
            (Some(given), _) => (Some(given), AnswersOrigin::Given),
            (None, Some(config)) if !raw.sandbox && config.is_file() => {
                (Some(config), AnswersOrigin::ProfileConfig)
            }
            (None, _) => (None, AnswersOrigin::None),
        };
        Ok(RunConfig {
            answers,
            answers_origin,
            profile_config,
            non_interactive: raw.yes || !stdin_is_terminal,
            profile: raw.profile,
            state_dir: raw.state_dir,
            sandbox: raw.sandbox,
            no_browser: raw.no_browser,
            replace_existing: raw.replace_existing,
            secret_store: raw.secret_store,
            log: raw.log,
            http: raw.http,
        })
    }
}

/// The profiles' config files (`$XDG_CONFIG_HOME/align-link`, else `~/.config/...`).
pub fn config_dir() -> Option<PathBuf> {
    let base = crate::platform::config_base_dir(&|name| std::env::var_os(name)).ok()?;
    Some(base.join("align-link"))
}

#[cfg(test)]
fn config_dir_from(
    xdg_config_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let var = |name: &str| match name {
        "XDG_CONFIG_HOME" => xdg_config_home.clone(),
        "HOME" => home.clone(),
        _ => None,
    };
    Some(
        crate::platform::config_base_dir(&var)
            .ok()?
            .join("align-link"),
    )
}

/// `PROFILE.toml` in [`config_dir`]: an answers file read when `--answers` is absent.
pub fn profile_config_path(profile: &str) -> Option<PathBuf> {
    Some(config_dir()?.join(format!("{profile}.toml")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn raw() -> RawOptions {
        RawOptions::default()
    }

    #[test]
    fn the_profile_config_answers_when_no_file_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("default.toml");
        std::fs::write(&config, "").unwrap();
        let built = RunConfig::build(raw(), false, Some(config.clone())).unwrap();
        assert_eq!(built.answers.as_deref(), Some(config.as_path()));
        assert_eq!(built.answers_origin, AnswersOrigin::ProfileConfig);
        let sandbox = RawOptions {
            sandbox: true,
            ..raw()
        };
        let built = RunConfig::build(sandbox, false, Some(config.clone())).unwrap();
        assert_eq!(built.answers_origin, AnswersOrigin::None);
        let missing = RunConfig::build(raw(), false, Some(dir.path().join("x.toml"))).unwrap();
        assert!(missing.answers.is_none());
    }

    #[test]
    fn config_dir_follows_xdg_then_home() {
        assert_eq!(
            config_dir_from(Some("/x".into()), Some("/home/a".into())),
            Some(PathBuf::from("/x/align-link"))
        );
        assert_eq!(
            config_dir_from(Some("rel".into()), Some("/home/a".into())),
            Some(PathBuf::from("/home/a/.config/align-link"))
        );
        assert_eq!(config_dir_from(None, None), None);
    }

    #[test]
    fn no_terminal_means_no_prompts() {
        assert!(
            RunConfig::build(raw(), false, None)
                .unwrap()
                .non_interactive
        );
        assert!(!RunConfig::build(raw(), true, None).unwrap().non_interactive);
        let yes = RawOptions { yes: true, ..raw() };
        assert!(RunConfig::build(yes, true, None).unwrap().non_interactive);
    }

    #[test]
    fn rejects_bad_profile_and_timeouts() {
        let bad = RawOptions {
            profile: "a/b".into(),
            ..raw()
        };
        assert!(RunConfig::build(bad, true, None)
            .unwrap_err()
            .message
            .contains("--profile"));
        let mut zero = raw();
        zero.http.timeout = Duration::ZERO;
        assert!(RunConfig::build(zero, true, None)
            .unwrap_err()
            .message
            .contains("--timeout"));
        let missing = RawOptions {
            answers: Some("/nonexistent/answers.toml".into()),
            ..raw()
        };
        let err = RunConfig::build(missing, true, None).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.contains("/nonexistent/answers.toml"));
    }
}

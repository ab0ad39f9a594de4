//! The answers file: TOML that scripts a run of the wizard.
//!
//! Every table and key is optional; what a file leaves out the wizard asks for (or,
//! under `--yes`, reports as missing). What a file does say is checked here, once,
//! so that a bad answer stops the run before step 1 with the file, line:column, key
//! and fix, instead of failing halfway through the 24 steps.
//! `examples/answers.toml` documents every key.

mod checks;
mod place;
mod read;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use url::Url;

use crate::error::{AppError, Result};
use crate::util::file::{self, FileError};

use crate::domain::{Approval, ConnectorAuth, KeySource, Secret, SecretStore};

/// 1-based line and column of a byte offset; the state store reports with it too.
pub(crate) use place::line_col;

/// Checks a base URL typed at a prompt with the answers file's rule; the reason
/// names the fix.
pub fn check_base_url(text: &str) -> std::result::Result<Url, String> {
    checks::base_url(text).map_err(|p| format!("{}; {}", p.problem, p.hint))
}

/// Checks a value typed at a prompt with the rule of the answers-file key it
/// answers (a key of text); the reason names the fix.
pub fn check(key: &str, text: &str) -> std::result::Result<String, String> {
    match checks::RULES.iter().find(|(name, _)| *name == key) {
        Some((_, checks::Rule::Text(check))) => check(text),
        _ => return Err(format!("{key} takes no typed text")),
    }
    .map_err(|p| format!("{}; {}", p.problem, p.hint))
}

// Derived from the table of checked values `read` builds (the tests hold each key
// of `checks::RULES` to a field here: an unknown one is an error, not a value lost).

/// `[jira]`: the Jira Data Center side.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JiraAnswers {
    /// A trailing slash on a path is trimmed (a bare host keeps `Url`'s `/`).
    #[serde(deserialize_with = "url")]
    pub url: Option<Url>,
    #[serde(deserialize_with = "secret")]
    pub admin_token: Option<Secret>,
    pub admin_username: Option<String>,
    #[serde(deserialize_with = "secret")]
    pub admin_password: Option<Secret>,
    /// Project key used to verify (steps 22, 24).
    pub test_project: Option<String>,
    /// Consent, given in advance, to replace or remove what this profile did not
    /// put in Jira (another consumer on the link, a link of another name).
    pub replace_existing: Option<bool>,
}

/// `[service_account]`: the Jira account Jira Align acts as.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceAccountAnswers {
    pub username: Option<String>,
    #[serde(deserialize_with = "secret")]
    pub password: Option<Secret>,
    /// The personal access token, for `connector.auth = "pat"`.
    #[serde(deserialize_with = "secret")]
    pub token: Option<Secret>,
}

/// `[align]`: the Jira Align side.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlignAnswers {
    #[serde(deserialize_with = "url")]
    pub url: Option<Url>,
    /// REST API 2.0 token (Bearer), or with `api_email` an Atlassian API token (Basic).
    #[serde(deserialize_with = "secret")]
    pub api_token: Option<Secret>,
    pub api_email: Option<String>,
    pub application_name: Option<String>,
    pub connector_name: Option<String>,
    /// How long step 24 waits for synced features.
    pub sync_timeout_secs: Option<u32>,
}

/// `[connector]`: Jira Align's Jira connector.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectorAnswers {
    pub auth: Option<ConnectorAuth>,
    /// The Connector ID Jira Align shows (Support asks for it).
    pub id: Option<u32>,
}

/// `[keys]`: the consumer key and RSA key pair.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeyAnswers {
    /// Also `Some(Align)` when the file gives a public key without a source.
    pub source: Option<KeySource>,
    pub consumer_key: Option<String>,
    pub bits: Option<u32>,
    /// Jira Align's public key, from `public_key` or the text of `public_key_file`.
    pub public_key: Option<String>,
    /// Where `public_key` came from: `"keys.public_key"` or the file's path.
    pub public_key_origin: Option<String>,
    /// With `source = "align"`: prove the Jira side with a temporary key pair
    /// before installing Jira Align's key.
    pub preflight: Option<bool>,
}

/// `[oauth]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OAuthAnswers {
    pub approval: Option<Approval>,
}

/// `[secrets]`: where the private key and the access token go.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecretsAnswers {
    pub store: Option<SecretStore>,
}

/// A parsed, validated answers file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Answers {
    /// The file the answers came from; `None` for [`Answers::empty`].
    #[serde(skip)]
    pub path: Option<PathBuf>,
    pub jira: JiraAnswers,
    pub service_account: ServiceAccountAnswers,
    pub align: AlignAnswers,
    pub connector: ConnectorAnswers,
    pub keys: KeyAnswers,
    pub oauth: OAuthAnswers,
    pub secrets: SecretsAnswers,
    /// What does not stop the run (e.g. a literal secret in a file others can read).
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// (key, variable) of the `{ env = "NAME" }` secrets left out because the
    /// variable is unset ([`Answers::load_for_reading`] only).
    #[serde(skip)]
    pub unset_env: Vec<(String, String)>,
}

fn url<'de, D: Deserializer<'de>>(input: D) -> std::result::Result<Option<Url>, D::Error> {
    let text = Option::<String>::deserialize(input)?;
    (text.map(|text| Url::parse(&text)).transpose()).map_err(serde::de::Error::custom)
}

fn secret<'de, D: Deserializer<'de>>(input: D) -> std::result::Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(input)?.map(Secret::new))
}

impl Answers {
    /// Reads, parses and validates `path`, taking `{ env = "NAME" }` secrets from
    /// the process environment.
    pub fn load(path: &Path) -> Result<Answers> {
        Self::load_with(path, read::UnsetEnv::Error)
    }

    /// As [`Answers::load`] for a command that only reads: a secret whose
    /// variable is unset is left out and listed in `unset_env`, so what needs it
    /// is reported as not checked instead of stopping the command.
    pub fn load_for_reading(path: &Path) -> Result<Answers> {
        Self::load_with(path, read::UnsetEnv::Absent)
    }

    fn load_with(path: &Path, unset_env: read::UnsetEnv) -> Result<Answers> {
        let shown = path.display().to_string();
        let (bytes, meta) = file::read_regular(path, file::ANSWERS_MAX).map_err(|err| {
            let hint = match &err {
                FileError::Missing => {
                    "check the path; `align-link answers-example` prints the format".to_string()
                }
                FileError::Io(_) => format!("make {shown} readable by you (chmod 600 {shown})"),
                other => other.fix(&shown),
            };
            AppError::usage(format!("answers file {}", err.problem(&shown))).hint(hint)
        })?;
        let text = String::from_utf8(bytes).map_err(|err| {
            let (line, column) = line_col(
                &String::from_utf8_lossy(err.as_bytes()),
                err.utf8_error().valid_up_to(),
            );
            AppError::usage(format!(
                "{}:{line}:{column}: the answers file is not valid UTF-8",
                path.display()
            ))
            .hint("save the file as UTF-8 text")
        })?;
        // The mode (of the file read) decides whether literal secrets deserve a warning.
        let mode = crate::platform::mode_bits(&meta).found();
        read::read(
            &text,
            path,
            &|name| std::env::var(name).ok(),
            mode,
            unset_env,
        )
    }

    /// The testable core of [`Answers::load`]: `path` is only used in messages and
    /// to resolve `keys.public_key_file`; `env` looks up environment variables.
    pub fn parse(text: &str, path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Answers> {
        read::read(text, path, env, None, read::UnsetEnv::Error)
    }

    /// No answers file: everything is asked.
    pub fn empty() -> Answers {
        Answers::default()
    }
}

#[cfg(test)]
mod connector_tests;
#[cfg(test)]
mod tests;

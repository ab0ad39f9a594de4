//! The answers file: TOML that scripts a run of the wizard (`examples/answers.toml`).
//! Every key is optional; what is given is checked here, once, so that a bad answer
//! stops the run before step 1 with file, line:column, key and fix.

mod checks;
mod place;
mod read;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use url::Url;

use crate::error::{AppError, Result};
use crate::util::file::{self, FileError};

use crate::domain::{Approval, ConnectorAuth, KeySource, Secret, SecretStore};

pub(crate) use place::line_col;

/// A base URL typed at a prompt, checked with the answers file's rule.
pub fn check_base_url(text: &str) -> std::result::Result<Url, String> {
    checks::base_url(text).map_err(|p| format!("{}; {}", p.problem, p.hint))
}

/// A value typed at a prompt, checked with the rule of the (text) key it answers.
pub fn check(key: &str, text: &str) -> std::result::Result<String, String> {
    match checks::RULES.iter().find(|(name, _)| *name == key) {
        Some((_, checks::Rule::Text(check))) => check(text),
        _ => return Err(format!("{key} takes no typed text")),
    }
    .map_err(|p| format!("{}; {}", p.problem, p.hint))
}

// Derived from the checked values `read` builds; a test holds each rule to a field.

/// `[jira]`: the Jira Data Center side.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JiraAnswers {
    pub url: Option<Url>,
    #[serde(deserialize_with = "secret")]
    pub admin_token: Option<Secret>,
    pub admin_username: Option<String>,
    #[serde(deserialize_with = "secret")]
    pub admin_password: Option<Secret>,
    /// Verified with at steps 22 and 24.
    pub test_project: Option<String>,
    /// Consent in advance to replace what this profile did not put in Jira.
    pub replace_existing: Option<bool>,
}

/// `[service_account]`: the Jira account Jira Align acts as.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceAccountAnswers {
    pub username: Option<String>,
    #[serde(deserialize_with = "secret")]
    pub password: Option<Secret>,
    /// For `connector.auth = "pat"`.
    #[serde(deserialize_with = "secret")]
    pub token: Option<Secret>,
}

/// `[align]`: the Jira Align side.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlignAnswers {
    pub url: Option<Url>,
    /// REST API 2.0 token (Bearer), or with `api_email` an Atlassian API token (Basic).
    #[serde(deserialize_with = "secret")]
    pub api_token: Option<Secret>,
    pub api_email: Option<String>,
    pub application_name: Option<String>,
    pub connector_name: Option<String>,
    pub sync_timeout_secs: Option<u32>,
}

/// `[connector]`: Jira Align's Jira connector.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectorAnswers {
    pub auth: Option<ConnectorAuth>,
    pub id: Option<u32>,
}

/// `[keys]`: the consumer key and RSA key pair.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeyAnswers {
    /// Also `Align` when the file gives a public key without a source.
    pub source: Option<KeySource>,
    pub consumer_key: Option<String>,
    pub bits: Option<u32>,
    /// From `public_key` or the text of `public_key_file`.
    pub public_key: Option<String>,
    /// `"keys.public_key"` or the file's path; set whenever `public_key` is.
    pub public_key_origin: Option<String>,
    /// With `source = "align"`: prove Jira with a temporary key pair first.
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Answers {
    #[serde(skip)]
    pub path: Option<PathBuf>,
    pub jira: JiraAnswers,
    pub service_account: ServiceAccountAnswers,
    pub align: AlignAnswers,
    pub connector: ConnectorAnswers,
    pub keys: KeyAnswers,
    pub oauth: OAuthAnswers,
    pub secrets: SecretsAnswers,
    /// What does not stop the run (a literal secret in a file others can read).
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// (key, variable) of the unset `{ env = "NAME" }` secrets ([`Answers::load_for_reading`]).
    #[serde(skip)]
    pub unset_env: Vec<(String, String)>,
}

fn secret<'de, D: Deserializer<'de>>(input: D) -> std::result::Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(input)?.map(Secret::new))
}

impl Answers {
    pub fn load(path: &Path) -> Result<Answers> {
        Self::load_with(path, read::UnsetEnv::Error)
    }

    /// For a command that only reads: an unset variable's secret is left out, in `unset_env`.
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
            let valid = err.utf8_error().valid_up_to();
            let (line, column) = line_col(&String::from_utf8_lossy(err.as_bytes()), valid);
            AppError::usage(format!(
                "{shown}:{line}:{column}: the answers file is not valid UTF-8"
            ))
            .hint("save the file as UTF-8 text")
        })?;
        // Of the file read: it decides whether literal secrets deserve a warning.
        let mode = crate::platform::mode_bits(&meta).found();
        let env = |name: &str| std::env::var(name).ok();
        read::read(&text, path, &env, mode, unset_env)
    }

    /// [`Answers::load`] without I/O but `keys.public_key_file`; `path` is for messages.
    pub fn parse(text: &str, path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Answers> {
        read::read(text, path, env, None, read::UnsetEnv::Error)
    }
}

#[cfg(test)]
mod connector_tests;
#[cfg(test)]
mod tests;

//! The domain's words, in one place: secrets, and the choices an operator makes
//! (who makes the key pair, how the connector signs in, how the OAuth grant is
//! approved). The answers file, the saved state and the steps all use these types;
//! each choice is spelled in files exactly as `as_str` says (serde uses the same).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A password or token. Never printed: `Debug` and `Display` show `<redacted>`, so
/// a secret cannot leak through a log line or an error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Who makes the RSA key pair (`keys.source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySource {
    /// align-link generates it and completes the OAuth handshake itself.
    Generate,
    /// Jira Align generated it at step 5; the answers carry its public half.
    Align,
}

impl KeySource {
    pub const ALL: [KeySource; 2] = [KeySource::Generate, KeySource::Align];

    /// The spelling in the answers file.
    pub fn as_str(self) -> &'static str {
        match self {
            KeySource::Generate => "generate",
            KeySource::Align => "align",
        }
    }
}

/// How Jira Align's connector authenticates to Jira (`connector.auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorAuth {
    /// OAuth 1.0a (steps 13-20).
    OAuth,
    /// The service account's personal access token.
    Pat,
    /// The service account's username and password.
    Basic,
}

impl ConnectorAuth {
    pub const ALL: [ConnectorAuth; 3] = [
        ConnectorAuth::OAuth,
        ConnectorAuth::Pat,
        ConnectorAuth::Basic,
    ];

    /// The spelling in the answers file.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorAuth::OAuth => "oauth",
            ConnectorAuth::Pat => "pat",
            ConnectorAuth::Basic => "basic",
        }
    }

    /// As Jira Align's connector form names the method.
    pub fn label(self) -> &'static str {
        match self {
            ConnectorAuth::OAuth => "OAuth",
            ConnectorAuth::Pat => "Personal Access Token",
            ConnectorAuth::Basic => "Basic (username and password)",
        }
    }
}

/// How the OAuth authorization (steps 18-19) is approved (`oauth.approval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Approval {
    /// align-link logs in as the service account and approves.
    ServiceAccount,
    /// align-link opens the authorize page in a browser for a person.
    Browser,
    /// align-link prints the authorize link and waits.
    Manual,
}

impl Approval {
    pub const ALL: [Approval; 3] = [
        Approval::ServiceAccount,
        Approval::Browser,
        Approval::Manual,
    ];

    /// The spelling in the answers file.
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::ServiceAccount => "service-account",
            Approval::Browser => "browser",
            Approval::Manual => "manual",
        }
    }
}

/// Where the profile's secrets (the private key, the access token) are kept:
/// `--secret-store`, else the answers file's `secrets.store`, else `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretStore {
    /// The OS credential store when one answers, else owner-only files.
    #[default]
    Auto,
    /// The OS credential store only: a run where none answers stops.
    Keyring,
    /// Owner-only files in the state directory.
    File,
}

impl SecretStore {
    pub const ALL: [SecretStore; 3] = [SecretStore::Auto, SecretStore::Keyring, SecretStore::File];

    /// The spelling on the command line and in the answers file.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretStore::Auto => "auto",
            SecretStore::Keyring => "keyring",
            SecretStore::File => "file",
        }
    }

    pub fn parse(text: &str) -> Option<SecretStore> {
        SecretStore::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state file and the answers file must spell each choice the same way.
    #[test]
    fn serde_spelling_is_as_str() {
        let spelled = |value: serde_json::Value| value.as_str().unwrap().to_string();
        for source in KeySource::ALL {
            assert_eq!(spelled(serde_json::json!(source)), source.as_str());
        }
        for auth in ConnectorAuth::ALL {
            assert_eq!(spelled(serde_json::json!(auth)), auth.as_str());
        }
        for approval in Approval::ALL {
            assert_eq!(spelled(serde_json::json!(approval)), approval.as_str());
        }
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret} {secret:?}"), "<redacted> <redacted>");
    }
}

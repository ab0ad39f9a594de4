//! The domain's words: secrets, and the choices an operator makes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `Debug` and `Display` show `<redacted>`, so it cannot leak by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

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

/// An operator's choice, spelled in files exactly as `as_str` says (and serde
/// uses the same spelling); `ALL` in the order menus show them.
macro_rules! choice {
    ($(#[$meta:meta])* pub enum $name:ident {
        $($(#[$variant_meta:meta])* $variant:ident = $spelling:literal,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$variant_meta])* #[serde(rename = $spelling)] $variant,)+
        }

        impl $name {
            pub const ALL: [$name; [$($spelling),+].len()] = [$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling,)+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|choice| choice.as_str() == text)
            }
        }
    };
}

choice! {
    /// Who makes the RSA key pair (`keys.source`).
    pub enum KeySource {
        /// align-link generates it and completes the OAuth handshake itself.
        Generate = "generate",
        /// Jira Align generated it at step 5; the answers carry its public half.
        Align = "align",
    }
}

choice! {
    /// How Jira Align's connector authenticates to Jira (`connector.auth`): OAuth 1.0a
    /// (steps 13-20), or the service account's personal access token or password.
    pub enum ConnectorAuth {
        OAuth = "oauth",
        Pat = "pat",
        Basic = "basic",
    }
}

impl ConnectorAuth {
    /// As Jira Align's connector form names it.
    pub fn label(self) -> &'static str {
        match self {
            ConnectorAuth::OAuth => "OAuth",
            ConnectorAuth::Pat => "Personal Access Token",
            ConnectorAuth::Basic => "Basic (username and password)",
        }
    }
}

choice! {
    /// How the OAuth authorization (steps 18-19) is approved (`oauth.approval`).
    pub enum Approval {
        /// align-link logs in as the service account and approves.
        ServiceAccount = "service-account",
        /// align-link opens the authorize page in a browser for a person.
        Browser = "browser",
        /// align-link prints the authorize link and waits.
        Manual = "manual",
    }
}

choice! {
    /// Where the profile's secrets (the private key, the access token) are kept:
    /// `--secret-store`, else the answers file's `secrets.store`, else `auto`.
    #[derive(Default)]
    pub enum SecretStore {
        /// The OS credential store when one answers, else owner-only files.
        #[default]
        Auto = "auto",
        /// The OS credential store only: a run where none answers stops.
        Keyring = "keyring",
        /// Owner-only files in the state directory.
        File = "file",
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
        for store in SecretStore::ALL {
            assert_eq!(SecretStore::parse(store.as_str()), Some(store));
        }
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret} {secret:?}"), "<redacted> <redacted>");
    }
}

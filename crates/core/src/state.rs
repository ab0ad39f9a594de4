//! What align-link remembers between runs, per profile, that is not secret (`state.toml`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::{Approval, ConnectorAuth, KeySource};

pub const STATE_FILE: &str = "state.toml";
pub const PRIVATE_KEY_FILE: &str = "private-key.pem";
pub const ACCESS_TOKEN_FILE: &str = "access-token.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub jira: Option<JiraFacts>,
    pub align: Option<AlignFacts>,
    pub link: Option<LinkFacts>,
    pub consumer: Option<ConsumerFacts>,
    pub token: Option<TokenFacts>,
    pub installed: Option<InstalledFacts>,
    /// Saved before the write is sent: a run killed between the write and its record
    /// knows the result as its own next time.
    pub intended: Option<IntendedWrite>,
    /// Answers keys whose typed values the OS credential store keeps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub typed_secrets: Vec<String>,
    /// Keyed by step number as text (TOML keys are strings).
    #[serde(default)]
    pub steps: BTreeMap<String, StepRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JiraFacts {
    pub url: String,
    pub base_url: Option<String>,
    pub version: Option<String>,
    pub title: Option<String>,
    pub admin_user: Option<String>,
    pub clock_skew_secs: Option<i64>,
    pub checked_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlignFacts {
    pub url: String,
    pub connector_name: String,
    pub connector_auth: Option<ConnectorAuth>,
    /// The number Jira Align shows on the connector form; Support asks for it.
    pub connector_id: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LinkFacts {
    pub id: String,
    pub name: String,
    pub rpc_url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsumerFacts {
    pub key: String,
    /// Absent until step 5 decides (files written before this was an enum say "").
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "empty_is_none"
    )]
    pub key_source: Option<KeySource>,
    pub public_key_pem: Option<String>,
    pub fingerprint: Option<String>,
    pub bits: Option<usize>,
    pub installed_at: Option<String>,
}

impl ConsumerFacts {
    pub fn new(key: impl Into<String>) -> ConsumerFacts {
        ConsumerFacts {
            key: key.into(),
            ..ConsumerFacts::default()
        }
    }
}

/// What this profile itself put in Jira, so that it may change or remove those
/// without asking (and must ask before touching anything else).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstalledFacts {
    pub link_id: Option<String>,
    /// What a rerun names the link back to when the answers name none.
    pub link_name: Option<String>,
    pub consumer_key: Option<String>,
    pub fingerprint: Option<String>,
}

impl InstalledFacts {
    pub fn owns_link(&self, id: &str) -> bool {
        self.link_id.as_deref() == Some(id)
    }

    /// Only with the very public key installed: another profile may use the same
    /// consumer key.
    pub fn owns_consumer(&self, key: &str, fingerprint: Option<&str>) -> bool {
        self.consumer_key.as_deref() == Some(key)
            && fingerprint.is_some()
            && self.fingerprint.as_deref() == fingerprint
    }
}

/// What a write is meant to leave in Jira.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IntendedWrite {
    /// A stable name (`create-link`, `set-consumer`, ...).
    pub change: String,
    /// None: the link a create makes.
    pub link_id: Option<String>,
    pub link_url: Option<String>,
    pub link_name: Option<String>,
    pub consumer_key: Option<String>,
    pub fingerprint: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TokenFacts {
    /// Who clicked Allow.
    pub account: Option<String>,
    pub obtained_at: String,
    pub expires_at: Option<String>,
    pub approval: Approval,
}

fn empty_is_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<KeySource>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref() {
        None | Some("") => Ok(None),
        Some(text) => {
            KeySource::deserialize(serde::de::value::StrDeserializer::new(text)).map(Some)
        }
    }
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessToken {
    pub token: String,
    pub secret: String,
    pub session_handle: Option<String>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Done,
    Pending,
    NeedsOperator,
    Skipped,
    Failed,
}

impl StepStatus {
    pub fn label(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Pending => "pending",
            StepStatus::NeedsOperator => "needs the operator",
            StepStatus::Skipped => "skipped",
            StepStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StepRecord {
    pub status: StepStatus,
    pub at: String,
    pub detail: Option<String>,
    /// A guided step's values as confirmed: one that differs now makes it pending again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shown: BTreeMap<String, String>,
}

impl State {
    pub fn step_status(&self, number: u8) -> StepStatus {
        self.steps
            .get(&number.to_string())
            .map(|record| record.status)
            .unwrap_or(StepStatus::Pending)
    }

    /// At most one: the runner stops at the first failure.
    pub fn last_failure(&self) -> Option<(u8, String)> {
        self.steps.iter().find_map(|(number, record)| {
            if record.status != StepStatus::Failed {
                return None;
            }
            Some((
                number.parse().ok()?,
                record.detail.clone().unwrap_or_default(),
            ))
        })
    }

    pub fn record(&mut self, number: u8, status: StepStatus, detail: Option<String>) {
        self.steps.insert(
            number.to_string(),
            StepRecord {
                status,
                at: crate::util::time::now_rfc3339(),
                detail,
                shown: BTreeMap::new(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_toml() {
        let mut state = State::default();
        state.record(13, StepStatus::Done, Some("consumer key set".into()));
        state.record(4, StepStatus::NeedsOperator, None);
        state.link = Some(LinkFacts {
            id: "abc".into(),
            name: "Jira Align".into(),
            rpc_url: "https://x.jiraalign.com".into(),
        });
        let text = toml::to_string(&state).unwrap();
        let back: State = toml::from_str(&text).unwrap();
        assert_eq!(back, state);
        assert_eq!(back.step_status(13), StepStatus::Done);
        assert_eq!(back.step_status(4), StepStatus::NeedsOperator);
        assert_eq!(back.step_status(5), StepStatus::Pending);
        assert!(text.contains("needs-operator"));
    }

    #[test]
    fn access_token_debug_is_redacted() {
        let token = AccessToken {
            token: "tok123".into(),
            secret: "sec456".into(),
            session_handle: None,
        };
        let shown = format!("{token:?}");
        assert!(!shown.contains("tok123") && !shown.contains("sec456"));
    }
}

//! What this profile wants in Jira, and what it put there itself.

use url::Url;

use crate::state::State;

#[derive(Debug, Clone)]
pub enum Desired {
    /// A link to Jira Align (setup, plan, doctor).
    Present(WantedLink),
    /// No link to Jira Align, and so no consumer (unlink).
    Absent,
}

#[derive(Debug, Clone)]
pub struct WantedLink {
    pub name: String,
    pub align_url: Url,
    /// None: leave whatever consumer the link has (a PAT or Basic connector).
    pub consumer: Option<WantedConsumer>,
}

/// None: made by a later step (the consumer key at step 4, the key pair at step 5).
#[derive(Debug, Clone, Default)]
pub struct WantedConsumer {
    pub key: Option<String>,
    pub public_key_pem: Option<String>,
    pub fingerprint: Option<String>,
}

/// Changed without asking; anything else needs consent. A consumer is ours only with
/// the very public key we installed: another profile may use the same consumer key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ownership {
    pub link_id: Option<String>,
    pub consumer_key: Option<String>,
    pub consumer_fingerprint: Option<String>,
}

impl Ownership {
    /// Only what the profile wrote: a consumer merely found matching is not claimed.
    pub fn from_state(state: &State) -> Ownership {
        let installed = state.installed.clone().unwrap_or_default();
        Ownership {
            link_id: installed.link_id,
            consumer_key: installed.consumer_key,
            consumer_fingerprint: installed.fingerprint,
        }
    }

    pub fn owns_link(&self, id: &str) -> bool {
        self.link_id.as_deref() == Some(id)
    }

    pub fn owns_consumer(&self, key: &str, fingerprint: Option<&str>) -> bool {
        self.consumer_key.as_deref() == Some(key)
            && fingerprint.is_some()
            && self.consumer_fingerprint.as_deref() == fingerprint
    }
}

//! What this profile wants in Jira; what it put there itself is `state.installed`.

use url::Url;

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

//! What the Jira Align stand-in holds: its data, its Jira connectors and the
//! knobs, shared by the server's handlers and the [`AlignStandIn`] handle whose
//! methods (in `mod.rs`, `connectors.rs`, `sync.rs`) play the operator's clicks.

use super::data::Data;
use crate::server::Server;
use rsa::RsaPrivateKey;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// How a connector authenticates to Jira.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorAuth {
    OAuth,
    /// Personal access token (Bearer).
    Pat,
    Basic,
}

/// The fields of the Jira connector form. `Debug` hides the secret.
#[derive(Clone)]
pub struct ConnectorForm {
    pub name: String,
    /// `https://JIRA/browse/`
    pub jira_link: String,
    /// `https://JIRA`: where the connector calls Jira.
    pub jira_api_url: String,
    pub auth: ConnectorAuth,
    pub consumer_key: Option<String>,
    pub username: Option<String>,
    /// The password (Basic) or personal access token (PAT).
    pub secret: Option<String>,
}

impl std::fmt::Debug for ConnectorForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorForm")
            .field("name", &self.name)
            .field("jira_link", &self.jira_link)
            .field("jira_api_url", &self.jira_api_url)
            .field("auth", &self.auth)
            .field("consumer_key", &self.consumer_key)
            .field("username", &self.username)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// What a successful authorization shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeOutcome {
    /// The Jira account the connector now acts as (`/rest/api/2/myself` name).
    pub account: String,
    /// Seconds until the access token expires, as Jira said.
    pub expires_in: Option<u64>,
}

/// A Jira project mapped to a program (Manage Projects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectMapping {
    pub project_key: String,
    pub program_id: u32,
}

/// A connector as the admin UI shows it; no secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorView {
    /// The Connector ID.
    pub id: u32,
    pub name: String,
    pub jira_link: String,
    /// The Jira API URL.
    pub jira_url: String,
    pub auth: ConnectorAuth,
    pub consumer_key: Option<String>,
    pub username: Option<String>,
    /// As Generate New Key showed it.
    pub public_key: Option<String>,
    /// Whom the OAuth token acts as, once authorized.
    pub authorized_account: Option<String>,
    pub token_expires_in: Option<u64>,
    /// Always "green" here: the connector service is on.
    pub service_light: String,
    /// Saved since the last change (key, authorization, secret).
    pub saved: bool,
    pub active: bool,
    pub projects: Vec<ProjectMapping>,
}

/// A Feature as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureView {
    pub id: u32,
    pub title: String,
    pub program_id: u32,
    pub jira_project_key: Option<String>,
    pub external_key: Option<String>,
    pub connector_id: Option<u32>,
}

/// An OAuth handshake in flight: the request token, and what the callback brought.
pub(crate) struct Pending {
    pub request_token: String,
    /// `Some("denied")` when the user clicked Deny.
    pub verifier: Option<String>,
}

/// A connector: what the UI shows, and the secrets it does not.
pub(crate) struct Connector {
    pub shown: ConnectorView,
    /// The password (Basic) or personal access token (PAT).
    pub secret: Option<String>,
    pub private_key: Option<Arc<RsaPrivateKey>>,
    pub pending: Option<Pending>,
    pub access_token: Option<String>,
}

pub(crate) struct State {
    /// Seeded on first use (see [`State::data`]).
    pub seeded: Option<Data>,
    pub connectors: Vec<Connector>,
    /// API requests since the rate-limit knob was last set.
    pub api_requests: u64,
    /// Every n-th API request answers 429; 0: no rate limit.
    pub rate_limit_every: u32,
    /// Until when the last 429's `Retry-After` holds: requests before it are
    /// refused again and counted, as a rate limiter would.
    pub limited_until: Option<Instant>,
    pub early_retries: u64,
}

impl State {
    /// The work items and people (some 400 objects), seeded when first read.
    pub fn data(&mut self) -> &mut Data {
        self.seeded.get_or_insert_with(Data::seeded)
    }

    /// The connector with this Connector ID, or the error that says there is none.
    pub fn connector(&self, id: u32) -> Result<&Connector, String> {
        let found = self.connectors.iter().find(|c| c.shown.id == id);
        found.ok_or_else(|| no_connector(id))
    }

    pub fn connector_mut(&mut self, id: u32) -> Result<&mut Connector, String> {
        let found = self.connectors.iter_mut().find(|c| c.shown.id == id);
        found.ok_or_else(|| no_connector(id))
    }
}

fn no_connector(id: u32) -> String {
    format!("there is no Jira connector with Connector ID {id}")
}

pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub retry_after_secs: u64,
    pub api_token: String,
    pub real_url: String,
}

/// The running stand-in. Dropping it stops the server and joins its threads.
pub struct AlignStandIn {
    pub(crate) shared: Arc<Shared>,
    pub(crate) server: Server,
}

impl AlignStandIn {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared)
    }
}

/// A handler that panicked must not take the whole stand-in down with it.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

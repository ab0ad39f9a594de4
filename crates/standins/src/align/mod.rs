//! A local Jira Align stand-in: a real HTTP server on loopback serving REST API 2.0
//! as `jira-align.md` describes it (bearer or Basic `email:token` auth, bare JSON
//! arrays of at most 100 items, `$top`/`$skip`/`$filter`, 404 with an empty body for
//! unknown routes, an optional 429 knob), and methods for the operator's clicks in
//! the admin UI, which has no API: create a Jira connector, Generate New Key,
//! Authorize Jira OAuth Access, Save, Test Now, Manage Projects, Activate.
//!
//! `authorize` does what the real Jira Align and a browser do together:
//! 1. `POST {jira}/plugins/servlet/oauth/request-token`, RSA-SHA1-signed with the
//!    connector's private key and consumer key, `oauth_callback` =
//!    `{this stand-in}/oauth/callback?connector=ID`;
//! 2. as the service account's browser: `POST {jira}/rest/auth/1/session`, `GET` the
//!    authorize page, take its `atl_token`, `POST` `approve`, follow the 302 to the
//!    callback served here, which records the verifier;
//! 3. `POST {jira}/plugins/servlet/oauth/access-token` with the verifier, then a
//!    signed `GET {jira}/rest/api/2/myself` with the new token.

mod api;
mod connectors;
mod data;
mod http;
mod jira_client;
mod signing;
mod sync;

pub use api::MAX_PAGE;
pub use data::LEGACY_PROJECT_KEY;

use crate::server::{Listener, Server};
use connectors::Connector;
use data::Data;
use http::{html_escape, Req, Resp};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The demo API 2.0 token, shaped like real ones (`user:<id>|<secret>`); its owner
/// is user 1, Ada Admin.
pub const DEMO_API_TOKEN: &str = "user:1|demo-align-api-token";
/// Ada Admin's email: with the API token, the Basic (`email:token`) credentials.
pub const DEMO_USER_EMAIL: &str = "ada@example.com";

/// Live connections each stand-in serves at once; more are refused.
const MAX_CONNECTIONS: usize = 64;

/// How the stand-in is started.
#[derive(Clone)]
pub struct AlignConfig {
    /// Where to listen; the default is an ephemeral loopback port.
    pub bind: SocketAddr,
    /// The API 2.0 token the API accepts (as bearer, or as Basic with Ada's email).
    pub api_token: String,
    /// `Some(n)`: every n-th API request answers 429 with `Retry-After`.
    pub rate_limit_every: Option<u32>,
    /// The `Retry-After` of a 429, in seconds; a request before it is over is
    /// refused again and counted as an early retry.
    pub retry_after_secs: u64,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_token: DEMO_API_TOKEN.to_string(),
            rate_limit_every: None,
            retry_after_secs: 1,
        }
    }
}

impl std::fmt::Debug for AlignConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlignConfig")
            .field("bind", &self.bind)
            .field("api_token", &"<redacted>")
            .field("rate_limit_every", &self.rate_limit_every)
            .field("retry_after_secs", &self.retry_after_secs)
            .finish()
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureView {
    pub id: u32,
    pub title: String,
    pub program_id: u32,
    pub jira_project_key: Option<String>,
    pub external_key: Option<String>,
    pub connector_id: Option<u32>,
}

pub(crate) struct State {
    pub data: Data,
    pub connectors: Vec<Connector>,
    pub next_connector_id: u32,
}

pub(crate) struct Shared {
    pub state: Mutex<State>,
    /// API requests since the rate-limit knob was last set.
    pub api_requests: AtomicU64,
    /// 0: no rate limit.
    pub rate_limit_every: AtomicU32,
    /// Until when the last 429's `Retry-After` holds: requests before it are
    /// refused again and counted, as a rate limiter would.
    pub limited_until: Mutex<Option<std::time::Instant>>,
    pub early_retries: AtomicU64,
    pub retry_after_secs: u64,
    pub api_token: String,
    pub real_url: String,
}

/// The running stand-in. Dropping it stops the server and joins its threads.
pub struct AlignStandIn {
    shared: Arc<Shared>,
    server: Server,
}

impl AlignStandIn {
    pub fn start(config: AlignConfig) -> std::io::Result<AlignStandIn> {
        let listener = Listener::bind(config.bind)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                data: Data::seeded(),
                connectors: Vec::new(),
                next_connector_id: 1,
            }),
            api_requests: AtomicU64::new(0),
            rate_limit_every: AtomicU32::new(config.rate_limit_every.unwrap_or(0)),
            limited_until: Mutex::new(None),
            early_retries: AtomicU64::new(0),
            retry_after_secs: config.retry_after_secs,
            api_token: config.api_token,
            real_url: listener.url().to_string(),
        });
        let routed = shared.clone();
        let server = listener.serve("align-standin", MAX_CONNECTIONS, move |req: &Req| {
            route(&routed, req)
        })?;
        Ok(AlignStandIn { shared, server })
    }

    /// The site URL, `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        self.shared.real_url.clone()
    }

    /// `{url}/rest/align/api/2`, no trailing slash.
    pub fn api_base(&self) -> String {
        format!(
            "{}{}",
            self.shared.real_url,
            api::API_PREFIX.trim_end_matches('/')
        )
    }

    /// `Some(n)`: from now on every n-th API request answers 429 (`Some(0)` is
    /// `None`). The count starts again from here.
    pub fn set_rate_limit_every(&self, n: Option<u32>) {
        self.shared.api_requests.store(0, Ordering::SeqCst);
        *self
            .shared
            .limited_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        self.shared
            .rate_limit_every
            .store(n.unwrap_or(0), Ordering::SeqCst);
    }

    /// API requests that came before a 429's `Retry-After` had passed (each
    /// refused again): what says a client honoured the wait, without a clock.
    pub fn early_retries(&self) -> u64 {
        self.shared.early_retries.load(Ordering::SeqCst)
    }

    /// HTTP requests served so far (API, pages and callbacks).
    pub fn request_count(&self) -> u64 {
        self.server.request_count()
    }

    pub fn features(&self) -> Vec<FeatureView> {
        self.state()
            .data
            .features
            .iter()
            .map(|f| FeatureView {
                id: f.id,
                title: f.title.clone(),
                program_id: f.program_id,
                jira_project_key: f.jira_project_key.clone(),
                external_key: f.external_key.clone(),
                connector_id: f.connector_id,
            })
            .collect()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared)
    }

    /// For the sandbox's demo sync: stores a project's issues as Features of the
    /// first program (one per issue; one seen before is updated); false once
    /// the stand-in stopped.
    pub(crate) fn sync_sink(&self) -> impl Fn(&str, &[(String, String)]) -> bool + Send {
        let shared = Arc::downgrade(&self.shared);
        move |project, issues| match shared.upgrade() {
            Some(shared) => {
                lock(&shared).data.store_synced(project, issues);
                true
            }
            None => false,
        }
    }
}

/// A handler that panicked must not take the whole stand-in down with it.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

fn route(shared: &Shared, req: &Req) -> Resp {
    let path = req.path.as_str();
    if path.starts_with("/rest/align/api/") {
        return api::route(shared, req);
    }
    match (req.method.as_str(), path) {
        ("GET", "/oauth/callback") => connectors::callback(&mut lock(shared), req),
        ("GET", "/") => home(&lock(shared)),
        _ => Resp::empty(404),
    }
}

fn home(st: &State) -> Resp {
    let rows: String = st
        .connectors
        .iter()
        .map(|c| {
            format!(
                "<li>Connector {}: {} ({})</li>",
                c.id,
                html_escape(&c.form.name),
                if c.active { "active" } else { "inactive" }
            )
        })
        .collect();
    Resp::html(
        200,
        "Jira Align",
        &format!(
            "<h1>Jira Align stand-in</h1><p>REST API 2.0 at <code>/rest/align/api/2/</code>.</p>\
             <h2>Jira connectors</h2><ul id=\"connectors\">{rows}</ul>"
        ),
    )
}

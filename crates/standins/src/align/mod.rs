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
mod state;
mod sync;

pub use api::MAX_PAGE;
pub use data::{DEMO_API_TOKEN, DEMO_USER_EMAIL};
pub use state::{
    AlignStandIn, AuthorizeOutcome, ConnectorAuth, ConnectorForm, ConnectorView, FeatureView,
    ProjectMapping,
};

use crate::server::Listener;
use http::{html_escape, Req, Resp};
use state::{lock, Shared, State};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

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

impl AlignStandIn {
    pub fn start(config: AlignConfig) -> std::io::Result<AlignStandIn> {
        let listener = Listener::bind(config.bind)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                seeded: None,
                connectors: Vec::new(),
                api_requests: 0,
                rate_limit_every: config.rate_limit_every.unwrap_or(0),
                limited_until: None,
                early_retries: 0,
            }),
            retry_after_secs: config.retry_after_secs,
            api_token: config.api_token,
            real_url: listener.url.clone(),
        });
        let routed = shared.clone();
        let server = listener.serve("align-standin", move |req: &Req| route(&routed, req))?;
        Ok(AlignStandIn { shared, server })
    }

    /// The site URL, `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        self.shared.real_url.clone()
    }

    /// `{url}/rest/align/api/2`, no trailing slash.
    pub fn api_base(&self) -> String {
        let prefix = api::API_PREFIX.trim_end_matches('/');
        format!("{}{prefix}", self.shared.real_url)
    }

    /// `Some(n)`: from now on every n-th API request answers 429 (`Some(0)` is
    /// `None`). The count starts again from here.
    pub fn set_rate_limit_every(&self, n: Option<u32>) {
        let mut st = self.state();
        (st.api_requests, st.limited_until) = (0, None);
        st.rate_limit_every = n.unwrap_or(0);
    }

    /// API requests that came before a 429's `Retry-After` had passed (each
    /// refused again): what says a client honoured the wait, without a clock.
    pub fn early_retries(&self) -> u64 {
        self.state().early_retries
    }

    /// HTTP requests served so far (API, pages and callbacks).
    pub fn request_count(&self) -> u64 {
        self.server.request_count()
    }

    pub fn features(&self) -> Vec<FeatureView> {
        let features = self.state().data().features.clone();
        serde_json::from_value(features.into()).expect("Features are stored in their own shape")
    }

    /// For the sandbox's demo sync: stores a project's issues as Features of the
    /// first program (one per issue; one seen before is updated); false once
    /// the stand-in stopped.
    pub(crate) fn sync_sink(&self) -> impl Fn(&str, &[(String, String)]) -> bool + Send {
        let shared = Arc::downgrade(&self.shared);
        move |project, issues| match shared.upgrade() {
            Some(shared) => {
                let mut st = lock(&shared);
                let data = st.data();
                let first_program = data.programs[0]["id"].as_u64().unwrap_or(1);
                data.store_synced(project, issues, first_program, None);
                true
            }
            None => false,
        }
    }
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
    let row = |c: &ConnectorView| {
        let state = if c.active { "active" } else { "inactive" };
        format!(
            "<li>Connector {}: {} ({state})</li>",
            c.id,
            html_escape(&c.name)
        )
    };
    let rows: String = st.connectors.iter().map(|c| row(&c.shown)).collect();
    Resp::html(
        200,
        "Jira Align",
        &format!(
            "<h1>Jira Align stand-in</h1><p>REST API 2.0 at <code>/rest/align/api/2/</code>.</p>\
             <h2>Jira connectors</h2><ul id=\"connectors\">{rows}</ul>"
        ),
    )
}

//! A local Jira Data Center stand-in: a real HTTP server on loopback that behaves as
//! `jira-dc.md` documents (REST checks, application links, incoming OAuth consumers
//! and the OAuth 1.0a RSA-SHA1 service provider), so the CLI can be tested end to
//! end without a Jira. Knobs on [`JiraStandIn`] simulate the operator's pitfalls
//! (reverse proxy base URL, clock skew, revoked tokens, refused consumers, ...).

mod accounts;
mod api;
mod applinks;
mod consumer;
mod http;
mod oauth_check;
mod oauth_provider;
pub mod signature;
mod state;

use crate::http::{http_date, Listener, Server};
use crate::time::unix_now;
pub use applinks::application_id;
use http::{Req, Resp};
use state::State;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Worker threads serving requests; the CLI makes one request at a time, tests a few.
const WORKERS: usize = 4;

/// How the stand-in is started.
#[derive(Debug, Clone)]
pub struct JiraConfig {
    /// Where to listen; the default is an ephemeral loopback port.
    pub bind: SocketAddr,
    /// The base URL Jira believes in (`None`: its real `http://127.0.0.1:PORT`). A
    /// different one simulates a reverse proxy: signatures then fail.
    pub base_url: Option<String>,
    /// The stand-in's clock is the real clock plus this many seconds.
    pub clock_offset_secs: i64,
    pub request_token_ttl: Duration,
    /// `false`: Basic credentials get 403, as when an admin switched them off.
    pub basic_auth_enabled: bool,
}

impl Default for JiraConfig {
    fn default() -> Self {
        JiraConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: None,
            clock_offset_secs: 0,
            request_token_ttl: Duration::from_secs(600),
            basic_auth_enabled: true,
        }
    }
}

/// The seeded accounts and project.
#[derive(Debug, Clone)]
pub struct DemoAccounts {
    pub admin_username: String,
    pub admin_password: String,
    /// The administrator's personal access token.
    pub admin_token: String,
    /// Not an administrator; may browse the test project.
    pub service_username: String,
    pub service_password: String,
    /// The service account's personal access token (the connector's PAT method).
    pub service_token: String,
    /// Not an administrator; cannot see the test project.
    pub viewer_username: String,
    pub viewer_password: String,
    pub test_project_key: String,
    pub test_project_name: String,
}

impl DemoAccounts {
    fn fixed() -> DemoAccounts {
        DemoAccounts {
            admin_username: "admin".into(),
            admin_password: "admin-pass".into(),
            admin_token: "demo-admin-pat-0123456789".into(),
            service_username: "svc-jira-align".into(),
            service_password: "svc-pass".into(),
            service_token: "demo-svc-pat-0123456789".into(),
            viewer_username: "viewer".into(),
            viewer_password: "viewer-pass".into(),
            test_project_key: "ALIGN".into(),
            test_project_name: "Jira Align Sync Test".into(),
        }
    }
}

/// An incoming OAuth consumer as stored on a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerView {
    pub key: String,
    /// X.509 SubjectPublicKeyInfo, DER.
    pub public_key_der: Vec<u8>,
}

/// An application link as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    pub id: String,
    pub name: String,
    pub rpc_url: String,
    pub display_url: String,
    pub consumer: Option<ConsumerView>,
}

/// An issued access token. `Debug` hides the token itself.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessTokenView {
    pub token: String,
    pub consumer_key: String,
    /// The user who approved it, whom signed calls act as.
    pub username: String,
    pub revoked: bool,
}

impl std::fmt::Debug for AccessTokenView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokenView")
            .field("token", &"<redacted>")
            .field("consumer_key", &self.consumer_key)
            .field("username", &self.username)
            .field("revoked", &self.revoked)
            .finish()
    }
}

struct Shared {
    state: Mutex<State>,
    real_url: String,
    /// Requests that may change the links or consumers: non-GET under /rest/applinks.
    writes: std::sync::atomic::AtomicU64,
}

/// Per-request facts every handler needs.
pub(crate) struct Ctx {
    /// The base URL Jira believes in, without a trailing slash.
    pub base: String,
    /// The stand-in's clock, Unix seconds.
    pub now: i64,
}

/// The running stand-in. Dropping it stops the server and joins its threads.
pub struct JiraStandIn {
    shared: Arc<Shared>,
    demo: DemoAccounts,
    server: Server,
}

impl JiraStandIn {
    pub fn start(config: JiraConfig) -> std::io::Result<JiraStandIn> {
        let listener = Listener::bind(config.bind)?;
        let demo = DemoAccounts::fixed();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(&config, &demo)),
            real_url: listener.url().to_string(),
            writes: Default::default(),
        });
        let handled = shared.clone();
        let server = listener.serve("jira-standin", WORKERS, move |req: &Req| {
            handle(&handled, req)
        })?;
        Ok(JiraStandIn {
            shared,
            demo,
            server,
        })
    }

    /// The real URL, `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        self.shared.real_url.clone()
    }

    pub fn demo(&self) -> &DemoAccounts {
        &self.demo
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared)
    }

    pub fn links(&self) -> Vec<LinkView> {
        self.state()
            .links
            .iter()
            .map(|l| LinkView {
                id: l.id.clone(),
                name: l.name.clone(),
                rpc_url: l.rpc_url.clone(),
                display_url: l.display_url.clone(),
                consumer: l.consumer.as_ref().map(|c| ConsumerView {
                    key: c.key.clone(),
                    public_key_der: c.public_key_der.clone(),
                }),
            })
            .collect()
    }

    pub fn set_clock_offset(&self, secs: i64) {
        self.state().clock_offset = secs;
    }

    pub fn set_base_url(&self, base_url: Option<String>) {
        self.state().base_url = base_url;
    }

    pub fn set_request_token_ttl(&self, ttl: Duration) {
        self.state().request_token_ttl = ttl;
    }

    /// Later calls signed with any token issued so far get `token_revoked`.
    pub fn revoke_access_tokens(&self) {
        self.state()
            .access_tokens
            .iter_mut()
            .for_each(|t| t.revoked = true);
    }

    /// An inactive user who approves or whose token signs a call: `user_refused`.
    pub fn set_user_active(&self, username: &str, active: bool) {
        if let Some(u) = self
            .state()
            .users
            .iter_mut()
            .find(|u| u.username == username)
        {
            u.active = active;
        }
    }

    /// Signed requests from this consumer get `consumer_key_refused` (503).
    pub fn set_consumer_refused(&self, consumer_key: &str, refused: bool) {
        let mut st = self.state();
        if refused {
            st.refused_consumers.insert(consumer_key.to_string());
        } else {
            st.refused_consumers.remove(consumer_key);
        }
    }

    /// Signed requests from this consumer get `consumer_key_rejected` (401).
    pub fn set_consumer_rejected(&self, consumer_key: &str, rejected: bool) {
        let mut st = self.state();
        if rejected {
            st.rejected_consumers.insert(consumer_key.to_string());
        } else {
            st.rejected_consumers.remove(consumer_key);
        }
    }

    /// HTTP requests served so far.
    pub fn request_count(&self) -> u64 {
        self.server.request_count()
    }

    /// Write requests to the application links API served so far.
    pub fn write_count(&self) -> u64 {
        self.shared.writes.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn access_tokens(&self) -> Vec<AccessTokenView> {
        self.state()
            .access_tokens
            .iter()
            .map(|t| AccessTokenView {
                token: t.token.clone(),
                consumer_key: t.consumer_key.clone(),
                username: t.username.clone(),
                revoked: t.revoked,
            })
            .collect()
    }
}

/// A handler that panicked must not take the whole stand-in down with it.
fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Routes one request on the stand-in's clock, which also dates the response.
fn handle(shared: &Shared, req: &Req) -> Resp {
    if req.method != "GET" && req.path.starts_with("/rest/applinks") {
        shared
            .writes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    let (resp, now) = {
        let mut st = lock(shared);
        let ctx = Ctx {
            base: st
                .base_url
                .clone()
                .unwrap_or_else(|| shared.real_url.clone())
                .trim_end_matches('/')
                .to_string(),
            now: unix_now() as i64 + st.clock_offset,
        };
        (route(&mut st, &ctx, req), ctx.now)
    };
    resp.with_header("Date", http_date(now))
}

/// Jira's REST layer refuses non-GET requests whose body a browser form could have
/// sent, unless the client opts out of the XSRF check.
fn xsrf_blocked(req: &Req) -> bool {
    let simple_body = matches!(
        req.content_type().as_str(),
        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
    );
    let no_check = req
        .header("X-Atlassian-Token")
        .is_some_and(|v| v.eq_ignore_ascii_case("no-check") || v.eq_ignore_ascii_case("nocheck"));
    req.method != "GET" && simple_body && !no_check
}

fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let path = req.path.as_str();
    if path.starts_with("/rest/") && xsrf_blocked(req) {
        return Resp::text(403, "XSRF check failed");
    }
    if path.starts_with("/plugins/servlet/oauth/") {
        oauth_provider::route(st, ctx, req)
    } else if path.starts_with("/rest/applinks") {
        applinks::route(st, ctx, req)
    } else if ["/rest/api/2/", "/rest/api/latest/", "/rest/agile/1.0/"]
        .iter()
        .any(|p| path.starts_with(p))
    {
        api::route(st, ctx, req)
    } else if let Some(resp) = accounts::route(st, ctx, req) {
        resp
    } else if path.starts_with("/rest/") {
        http::rest_error(404, "null for uri: the stand-in has no such resource")
    } else {
        Resp::html(404, "<html><body><h1>Page not found</h1></body></html>")
    }
}

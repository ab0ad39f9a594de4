//! A local Jira Data Center stand-in: a real HTTP server on loopback that behaves as
//! Jira's own classes do (atlassian-oauth's service provider and net.oauth, the
//! Applinks plugin, Seraph's logins; where the documentation differs, the classes
//! win), so the CLI can be tested end to end without a Jira. Knobs on
//! [`JiraConfig`] and [`JiraStandIn`] make it one of the Jiras that differ (context
//! path, proxy, locked-down logins, older versions, latency) or simulate an
//! operator's pitfalls (clock skew, revoked tokens, refused consumers, ...).

mod accounts;
mod api;
mod applinks;
mod authorize;
mod config;
mod consumer;
mod consumer_page;
mod http;
mod oauth_check;
mod oauth_provider;
pub mod signature;
mod state;

pub use config::{AuthorizeMarkup, JiraConfig};

use crate::server::{Listener, Server};
use crate::time::{http_date, unix_now};
use http::{Ctx, Req, Resp};
pub use state::{AccessToken, Consumer, DemoAccounts, Link};
use state::{State, SyncedIssues, User};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

type Shared = Mutex<State>;

/// What a path outside Jira gets.
const PAGE_NOT_FOUND: &str = "<html><body><h1>Page not found</h1></body></html>";

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
        let shared = Arc::new(Mutex::new(State::new(&config, &demo, &listener.url)));
        let handled = shared.clone();
        let server = listener.serve("jira-standin", move |req: &Req| handle(&handled, req))?;
        Ok(JiraStandIn {
            shared,
            demo,
            server,
        })
    }

    /// Where Jira is served: `http://127.0.0.1:PORT` and the context path, if any;
    /// no trailing slash.
    pub fn url(&self) -> String {
        let st = self.state();
        format!("{}{}", st.real_url, st.config.context())
    }

    pub fn demo(&self) -> &DemoAccounts {
        &self.demo
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared)
    }

    pub fn links(&self) -> Vec<Link> {
        self.state().links.clone()
    }

    /// The base URL Jira believes in, without a trailing slash.
    pub fn base_url(&self) -> String {
        base_of(&self.state())
    }

    pub fn set_clock_offset(&self, secs: i64) {
        self.state().config.clock_offset_secs = secs;
    }

    pub fn set_base_url(&self, base_url: Option<String>) {
        self.state().config.base_url = base_url;
    }

    pub fn set_request_token_ttl(&self, ttl: Duration) {
        self.state().config.request_token_ttl = ttl;
    }

    /// See [`JiraConfig::proxied_origin`].
    pub fn set_proxied_origin(&self, origin: Option<String>) {
        self.state().config.proxied_origin = origin;
    }

    pub fn set_latency(&self, latency: Duration) {
        self.state().config.latency = latency;
    }

    /// Revokes every access token issued so far. Jira deletes a revoked token, so
    /// calls signed with one get `token_rejected`.
    pub fn revoke_access_tokens(&self) {
        self.state().access_tokens.clear();
    }

    /// What an administrator's "Reset failed login count" in User management
    /// (or a person answering the CAPTCHA) does: Seraph's count for `username`
    /// back to zero, so its password logs in again.
    pub fn reset_failed_logins(&self, username: &str) {
        self.state().failed_logins.remove(username);
    }

    /// The next request checked for OAuth (token servlets, signed REST calls) is
    /// answered with this problem, formatted as Jira formats problems. For testing
    /// a client's handling of problems this Jira does not produce on its own.
    pub fn fail_next_signed_request(&self, problem: &str) {
        self.state().forced_problem = Some(problem.to_string());
    }

    /// An inactive user cannot log in, and calls signed with a token they approved
    /// get a plain 401 without an `oauth_problem`.
    pub fn set_user_active(&self, username: &str, active: bool) {
        self.change_user(username, |u| u.active = active);
    }

    /// Whether the user has Browse Projects on the test project: without it Jira
    /// hides the project (404) and refuses a search in it (400), whatever the
    /// credential (password, PAT, OAuth token they approved).
    pub fn set_user_browse(&self, username: &str, browse: bool) {
        self.change_user(username, |u| u.browse = browse);
    }

    fn change_user(&self, username: &str, change: impl FnOnce(&mut User)) {
        if let Some(u) = self
            .state()
            .users
            .iter_mut()
            .find(|u| u.username == username)
        {
            change(u);
        }
    }

    /// Signed requests from this consumer get `consumer_key_refused` (503).
    pub fn set_consumer_refused(&self, consumer_key: &str, refused: bool) {
        put(&mut self.state().refused_consumers, consumer_key, refused);
    }

    /// Signed requests from this consumer get `consumer_key_rejected` (401).
    pub fn set_consumer_rejected(&self, consumer_key: &str, rejected: bool) {
        put(&mut self.state().rejected_consumers, consumer_key, rejected);
    }

    /// HTTP requests served so far.
    pub fn request_count(&self) -> u64 {
        self.server.request_count()
    }

    /// Requests served so far with this method to this path (inside the context
    /// path, without the query: `requests_to("GET", "/rest/api/2/myself")`).
    pub fn requests_to(&self, method: &str, path: &str) -> u64 {
        let key = format!("{} {path}", method.to_ascii_uppercase());
        self.state().per_path.get(&key).copied().unwrap_or(0)
    }

    /// Every `METHOD /path` served so far with its count, sorted (for messages).
    pub fn requests_by_path(&self) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> = self.state().per_path.clone().into_iter().collect();
        all.sort();
        all
    }

    /// Answers the latency knob held back so far.
    pub fn delayed_answers(&self) -> u64 {
        self.state().delayed
    }

    /// Write requests to the application links API served so far.
    pub fn write_count(&self) -> u64 {
        self.state().writes
    }

    /// For the sandbox's demo sync: what a sync reading Jira for `align_url`
    /// would find now (`State::authorized_issues`); `None` once the stand-in stopped.
    pub(crate) fn sync_source(&self) -> impl Fn(&str) -> Option<Option<SyncedIssues>> + Send {
        let shared = Arc::downgrade(&self.shared);
        move |url| shared.upgrade().map(|s| lock(&s).authorized_issues(url))
    }

    pub fn access_tokens(&self) -> Vec<AccessToken> {
        self.state().access_tokens.clone()
    }
}

/// Puts `key` in `set`, or takes it out.
fn put(set: &mut HashSet<String>, key: &str, present: bool) {
    if present {
        set.insert(key.to_string());
    } else {
        set.remove(key);
    }
}

/// A handler that panicked must not take the whole stand-in down with it.
fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// The base URL: the configured one, else the real URL and the context path.
fn base_of(st: &State) -> String {
    let real = || format!("{}{}", st.real_url, st.config.context());
    let base = st.config.base_url.clone().unwrap_or_else(real);
    base.trim_end_matches('/').to_string()
}

/// Routes one request on the stand-in's clock, which also dates the response,
/// after the configured latency (waited without holding the state).
fn handle(shared: &Shared, req: &Req) -> Resp {
    let latency = {
        let mut st = lock(shared);
        st.writes += u64::from(req.method != "GET" && req.path.starts_with("/rest/applinks"));
        st.config.latency
    };
    if !latency.is_zero() {
        std::thread::sleep(latency);
    }
    let (resp, now) = {
        let mut st = lock(shared);
        st.delayed += u64::from(!latency.is_zero());
        let context = st.config.context();
        let request_origin = match (&st.config.proxied_origin, req.header("Host")) {
            (Some(origin), _) => origin.trim_end_matches('/').to_string(),
            (None, Some(host)) => format!("http://{}", host.trim()),
            (None, None) => st.real_url.clone(),
        };
        let ctx = Ctx {
            base: base_of(&st),
            now: unix_now() as i64 + st.config.clock_offset_secs,
            context: context.clone(),
            request_origin,
            request_path: req.path.clone(),
        };
        let resp = match strip_context(&req.path, &context) {
            Some(inner) => {
                *st.per_path
                    .entry(format!("{} {inner}", req.method))
                    .or_default() += 1;
                let inner_req = Req {
                    path: inner,
                    ..req.clone()
                };
                st.basic_login = None;
                let resp = route(&mut st, &ctx, &inner_req);
                accounts::with_basic_login(&mut st, &ctx, resp)
            }
            None => Resp::html(404, PAGE_NOT_FOUND),
        };
        (with_oauth_challenge(resp, &ctx), ctx.now)
    };
    let resp = resp.with_header("Date", http_date(now));
    if latency.is_zero() {
        resp
    } else {
        // Not a Jira header: says, to a client in another process (the sandbox's),
        // that this answer waited for the latency knob.
        resp.with_header("X-Standin-Latency-Ms", latency.as_millis().to_string())
    }
}

/// atlassian-oauth's `OAuthFilter` wraps every response: a 401 gets a bare
/// `WWW-Authenticate: OAuth realm="<base URL>"` when its status is set, so it
/// comes before any challenge naming an `oauth_problem` that net.oauth adds later.
fn with_oauth_challenge(mut resp: Resp, ctx: &Ctx) -> Resp {
    if resp.status == 401 {
        let bare = format!("OAuth realm=\"{}\"", signature::percent_encode(&ctx.base));
        resp.headers.insert(0, ("WWW-Authenticate".into(), bare));
    }
    resp
}

/// The path inside the context path, `None` when the request is outside it.
fn strip_context(path: &str, context: &str) -> Option<String> {
    if context.is_empty() {
        return Some(path.to_string());
    }
    match path.strip_prefix(context) {
        Some("") => Some("/".to_string()),
        Some(rest) if rest.starts_with('/') => Some(rest.to_string()),
        _ => None,
    }
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

/// Where `api.rs` serves (`latest` is Jira's alias of version 2).
const API: [&str; 3] = ["/rest/api/2/", "/rest/api/latest/", "/rest/agile/1.0/"];

fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let path = req.path.as_str();
    if path.starts_with("/rest/") && xsrf_blocked(req) {
        return Resp::text(403, "XSRF check failed");
    }
    if path.starts_with(consumer_page::PREFIX) {
        consumer_page::route(st, ctx, req)
    } else if path.starts_with("/plugins/servlet/oauth/") {
        oauth_provider::route(st, ctx, req)
    } else if st.config.jira_6_4 && path.starts_with("/rest/applinks/3.0/") {
        http::rest_error(404, "null for uri: no such resource on this Jira")
    } else if let Some(rest) = path.strip_prefix(consumer::PREFIX) {
        consumer::route(st, ctx, req, rest)
    } else if path.starts_with("/rest/applinks") {
        applinks::route(st, ctx, req)
    } else if API.iter().any(|p| path.starts_with(p)) {
        api::route(st, ctx, req)
    } else if let Some(resp) = accounts::route(st, ctx, req) {
        resp
    } else if path.starts_with("/rest/") {
        http::rest_error(404, "null for uri: the stand-in has no such resource")
    } else {
        Resp::html(404, PAGE_NOT_FOUND)
    }
}

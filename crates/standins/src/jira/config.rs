//! How a Jira stand-in is started: where it listens, and the knobs that make it one
//! of the Jiras that differ from the default (older versions, locked-down logins,
//! a context path, a proxy, a slow network). Every knob is a plain field, so a test
//! says `JiraConfig { knob, ..Default::default() }`.

use std::net::SocketAddr;
use std::time::Duration;

/// How the authorize page writes its form. Real pages are HTML, not our template:
/// a client must read any of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthorizeMarkup {
    /// `<input type="hidden" name="atl_token" value="...">`, as the stand-in always wrote.
    #[default]
    DoubleQuoted,
    /// `<input type=hidden name=atl_token value=...>`: valid HTML without quotes.
    Unquoted,
    /// `<input type='hidden' name='atl_token' value='...'>`.
    SingleQuoted,
    /// `<INPUT TYPE="hidden" NAME="atl_token" VALUE="...">`: upper-case tags and names.
    UpperCase,
    /// Attributes in another order, one per line, spaces and tabs around `=`, and
    /// character references in the values (`&#95;` for `_`).
    Scattered,
    /// No `atl_token` form field: the XSRF token only travels as the
    /// `atlassian.xsrf.token` cookie, which the form post must echo as `atl_token`.
    CookieOnly,
}

/// How the stand-in is started.
#[derive(Debug, Clone)]
pub struct JiraConfig {
    /// Where to listen; the default is an ephemeral loopback port.
    pub bind: SocketAddr,
    /// The base URL Jira believes in (`None`: its real URL, context path included).
    /// It shows in serverInfo, links and the realm of OAuth errors; signatures are
    /// checked against the URL of each request, not this (see `proxied_origin`).
    pub base_url: Option<String>,
    /// The stand-in's clock is the real clock plus this many seconds.
    pub clock_offset_secs: i64,
    pub request_token_ttl: Duration,
    /// `false`: Basic credentials get 403, as when an admin switched them off.
    pub basic_auth_enabled: bool,
    /// Jira served under a path, e.g. `/jira`: every URL starts with it (REST, the
    /// OAuth servlets, login pages, redirects, the base URL). Empty: the root.
    pub context_path: String,
    /// Jira sits behind a proxy that rewrites the Host header or the scheme: it
    /// sees every request as coming to this origin (e.g. `https://jira.internal`)
    /// and checks signatures against it, so a client that signs the URL it called
    /// gets `signature_invalid` with Jira's base string showing this origin.
    pub proxied_origin: Option<String>,
    /// How the authorize page writes its form.
    pub authorize_markup: AuthorizeMarkup,
    /// `false`: `GET /rest/applinks/3.0/status/{id}` does not exist (older Jiras): 404.
    pub status_resource: bool,
    /// `false`: `POST /rest/auth/1/session` is refused (403); only the `login.jsp`
    /// form logs in.
    pub rest_login: bool,
    /// `Some(n)`: after n failed logins of a user, Seraph demands a CAPTCHA: every
    /// further login of that user (REST, form or Basic) is denied with
    /// `X-Seraph-LoginReason: AUTHENTICATION_DENIED` and
    /// `X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE; login-url=...`.
    pub captcha_after_failed_logins: Option<u32>,
    /// `Some(url)`: logins go through an SSO identity provider: `login.jsp`
    /// redirects (302) there and the REST session login is refused (403).
    pub sso_login_url: Option<String>,
    /// Waited before answering each request, as across a WAN.
    pub latency: Duration,
    /// `true`: Jira 6.4.14, as its serverInfo says, whose bundled Application
    /// Links (before the 5.x of Jira 7.0) has no `/rest/applinks/3.0` resources:
    /// each answers 404 ("null for uri"), as Jersey does for an unknown path.
    pub jira_6_4: bool,
}

impl Default for JiraConfig {
    fn default() -> Self {
        JiraConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: None,
            clock_offset_secs: 0,
            request_token_ttl: Duration::from_secs(600),
            basic_auth_enabled: true,
            context_path: String::new(),
            proxied_origin: None,
            authorize_markup: AuthorizeMarkup::default(),
            status_resource: true,
            rest_login: true,
            captcha_after_failed_logins: None,
            sso_login_url: None,
            latency: Duration::ZERO,
            jira_6_4: false,
        }
    }
}

impl JiraConfig {
    /// The context path as `/name` without a trailing slash, or empty.
    pub(crate) fn context(&self) -> String {
        match self.context_path.trim().trim_matches('/') {
            "" => String::new(),
            path => format!("/{path}"),
        }
    }
}

//! Everything the stand-in remembers: users and sessions, application links with
//! their incoming OAuth consumers, request and access tokens, seen nonces, and the
//! knobs tests turn. One `State` lives behind a mutex; each request holds it.

use super::config::JiraConfig;
use rand::distributions::{Alphanumeric, DistString};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

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
    pub(crate) fn fixed() -> DemoAccounts {
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

pub(crate) struct User {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub email: String,
    pub admin: bool,
    /// May browse the test project.
    pub browse: bool,
    /// An inactive user cannot log in, and calls signed with a token they approved
    /// earlier get a plain 401.
    pub active: bool,
}

pub(crate) struct Session {
    pub username: String,
    /// The per-session XSRF form token (`atl_token`).
    pub atl_token: String,
}

/// An incoming OAuth consumer as stored on a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    pub key: String,
    pub name: String,
    pub description: String,
    /// X.509 SubjectPublicKeyInfo, DER, re-encoded from what was uploaded.
    pub public_key_der: Vec<u8>,
    pub callback: Option<String>,
    pub two_lo_allowed: bool,
    pub executing_two_lo_user: Option<String>,
}

/// An application link as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: String,
    pub name: String,
    pub rpc_url: String,
    pub display_url: String,
    pub type_id: String,
    pub consumer: Option<Consumer>,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Approval {
    Pending,
    Approved { username: String, verifier: String },
    Denied,
}

/// A request token; it is deleted once exchanged for an access token.
pub(crate) struct RequestToken {
    pub consumer_key: String,
    /// The `oauth_callback` given, `None` for `oob` or absent.
    pub callback: Option<String>,
    /// OAuth 1.0a (a callback or `oob` was given): a verifier is required later.
    pub one_a: bool,
    /// Real time, so clock-offset experiments do not expire tokens by accident.
    pub issued: Instant,
    pub approval: Approval,
}

/// An issued access token; revoking it deletes it. `Debug` hides the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub token: String,
    pub consumer_key: String,
    /// The user who approved it, whom signed calls act as.
    pub username: String,
    /// Renews the token at the access-token servlet (`oauth_session_handle`).
    pub session_handle: String,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"<redacted>")
            .field("consumer_key", &self.consumer_key)
            .field("username", &self.username)
            .field("session_handle", &"<redacted>")
            .finish()
    }
}

/// A project key and its issues (key, summary), as a sync reads them.
pub(crate) type SyncedIssues = (String, Vec<(String, String)>);

#[derive(Default)]
pub(crate) struct State {
    /// The knobs, as started and as changed since by the setters.
    pub config: JiraConfig,
    /// `http://127.0.0.1:PORT`, where the stand-in listens.
    pub real_url: String,
    pub users: Vec<User>,
    pub pats: HashMap<String, String>,
    pub sessions: HashMap<String, Session>,
    /// Session reused by Seraph Basic logins on pages, so the `atl_token` of a page
    /// rendered for Basic credentials still validates on the next Basic request.
    pub basic_sessions: HashMap<String, String>,
    /// The session a Basic-authenticated REST call logged in during the request
    /// being answered, for its answer to set as cookies (`accounts::rest_caller`).
    pub basic_login: Option<String>,
    pub login_counts: HashMap<String, u64>,
    /// Failed logins per user since their last success (Seraph's CAPTCHA count).
    pub failed_logins: HashMap<String, u32>,
    pub links: Vec<Link>,
    pub request_tokens: HashMap<String, RequestToken>,
    pub access_tokens: Vec<AccessToken>,
    /// (consumer key, timestamp, nonce) already seen.
    pub nonces: HashSet<(String, i64, String)>,
    pub refused_consumers: HashSet<String>,
    pub rejected_consumers: HashSet<String>,
    /// A problem the next signed request is answered with (fault injection).
    pub forced_problem: Option<String>,
    pub project_key: String,
    pub project_name: String,
    /// The test project's issues (key, summary): the first an Epic, the rest Stories.
    pub issues: Vec<(String, String)>,
    /// Requests that may change the links or consumers: non-GET under /rest/applinks.
    pub writes: u64,
    /// Answers held back by the latency knob (what tests check instead of a clock).
    pub delayed: u64,
    /// Requests served per `METHOD /path` (inside the context path, no query), so
    /// a test can tell which resource a client read how often.
    pub per_path: HashMap<String, u64>,
}

impl State {
    pub fn new(config: &JiraConfig, demo: &DemoAccounts, real_url: &str) -> State {
        let d = demo;
        let logins = [
            (&d.admin_username, &d.admin_password),
            (&d.service_username, &d.service_password),
            (&d.viewer_username, &d.viewer_password),
        ];
        // Display name, administrator, may browse the test project.
        let roles = [
            ("Jira Administrator", true, true),
            ("Jira Align Service", false, true),
            ("Read-only Viewer", false, false),
        ];
        let users = logins
            .iter()
            .zip(roles)
            .map(|((username, password), role)| User {
                username: username.to_string(),
                password: password.to_string(),
                display_name: role.0.into(),
                email: format!("{username}@example.com"),
                admin: role.1,
                browse: role.2,
                active: true,
            });
        let summaries = [
            "Set up the connector",
            "Sync the first epic",
            "Check the sprint board",
        ];
        let issues = summaries.iter().zip(1..);
        State {
            config: config.clone(),
            real_url: real_url.to_string(),
            users: users.collect(),
            pats: HashMap::from([
                (d.admin_token.clone(), d.admin_username.clone()),
                (d.service_token.clone(), d.service_username.clone()),
            ]),
            project_key: d.test_project_key.clone(),
            project_name: d.test_project_name.clone(),
            issues: issues
                .map(|(summary, n)| (format!("{}-{n}", d.test_project_key), summary.to_string()))
                .collect(),
            ..State::default()
        }
    }

    pub fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }

    pub fn user_active(&self, username: &str) -> bool {
        self.user(username).is_some_and(|u| u.active)
    }

    /// A new logged-in session for `username`; returns its JSESSIONID.
    pub fn new_session(&mut self, username: &str) -> String {
        let id = random_token(32).to_ascii_uppercase();
        let (start, end) = (random_token(19), random_token(40).to_lowercase());
        let atl_token = format!("{start}_{end}_lin");
        *self.login_counts.entry(username.to_string()).or_default() += 1;
        self.sessions.insert(
            id.clone(),
            Session {
                username: username.to_string(),
                atl_token,
            },
        );
        id
    }

    /// The link whose incoming consumer has this key, and the consumer.
    pub fn consumer(&self, key: &str) -> Option<(&Link, &Consumer)> {
        self.links
            .iter()
            .find_map(|l| l.consumer.as_ref().filter(|c| c.key == key).map(|c| (l, c)))
    }

    pub fn link(&self, id: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.id == id)
    }

    pub fn link_mut(&mut self, id: &str) -> Option<&mut Link> {
        self.links.iter_mut().find(|l| l.id == id)
    }
}

/// Random alphanumeric text, for tokens, secrets, session ids and verifiers.
pub(crate) fn random_token(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

impl State {
    /// The test project's issues, when Jira has issued an access token to the
    /// consumer on a link to `align_url` (a Jira Align whose token works);
    /// `None` before that.
    pub(crate) fn authorized_issues(&self, align_url: &str) -> Option<SyncedIssues> {
        let same = |url: &str| {
            url.trim()
                .trim_end_matches('/')
                .eq_ignore_ascii_case(align_url.trim_end_matches('/'))
        };
        let consumer = self
            .links
            .iter()
            .filter(|link| same(&link.rpc_url))
            .find_map(|link| link.consumer.as_ref())?;
        let account = self
            .access_tokens
            .iter()
            .find(|t| t.consumer_key == consumer.key)
            .map(|t| t.username.as_str())?;
        // The sync reads as the token's account: it must be active and see the project.
        self.users
            .iter()
            .find(|u| u.username == account && u.active && u.browse)?;
        Some((self.project_key.clone(), self.issues.clone()))
    }
}

//! What Jira holds for this connector: the server's facts, the application link to
//! Jira Align (found by URL) with its consumer, and the link's status. Each part is
//! read at most once per run and read again only after a write changed it.

use url::Url;

use crate::error::Result;
use crate::http::{Response, Result as ClientResult};
use crate::jira::admin::{AppLink, Consumer, JiraAdmin, LinkStatus};
use crate::jira::{ServerInfo, User};
use crate::keys;

/// The server, as the administrator sees it.
#[derive(Debug, Clone)]
pub struct ServerFacts {
    pub version: Option<String>,
    pub base_url: Option<String>,
    pub title: Option<String>,
    /// Jira's clock minus ours, from the `Date` header.
    pub clock_skew_secs: Option<i64>,
    pub admin_user: String,
    pub is_administrator: bool,
}

/// The incoming OAuth consumer on the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedConsumer {
    pub key: String,
    pub public_key_pem: Option<String>,
    /// SHA-256 fingerprint of the public key; None when Jira holds none or an
    /// unreadable one (`key_problem` then says which).
    pub fingerprint: Option<String>,
    pub key_problem: Option<String>,
    /// Every field as Jira gave it, to put this consumer back unchanged.
    pub as_read: serde_json::Map<String, serde_json::Value>,
}

impl ObservedConsumer {
    pub fn from_jira(consumer: Consumer) -> ObservedConsumer {
        let parsed = consumer.public_key.as_deref().map(keys::parse_public_key);
        let (fingerprint, key_problem) = match parsed {
            Some(Ok(public)) => (Some(keys::fingerprint(&public)), None),
            Some(Err(err)) => (
                None,
                Some(format!("the link's public key is unreadable: {err}")),
            ),
            None => (None, Some("the link has no public key".to_string())),
        };
        ObservedConsumer {
            key: consumer.key,
            public_key_pem: consumer.public_key,
            fingerprint,
            key_problem,
            as_read: consumer.as_read,
        }
    }
}

/// The application link to Jira Align, with what hangs on it.
#[derive(Debug, Clone)]
pub struct ObservedLink {
    pub link: AppLink,
    pub consumer: Option<ObservedConsumer>,
    /// Read on demand (only step 15 and `plan` want it); None until then.
    pub status: Option<LinkStatus>,
}

impl ObservedLink {
    pub fn id(&self) -> &str {
        &self.link.id
    }
}

/// The cache of what was read from Jira in this run.
#[derive(Debug, Default, Clone)]
pub struct Observation {
    pub server: Option<ServerFacts>,
    /// None: the links were not read yet in this run. Some(None): Jira has no link
    /// to Jira Align's URL.
    pub link: Option<Option<ObservedLink>>,
    /// The read-only checks before the first write passed in this run.
    pub validated: bool,
    /// Jira Align's site and API token were checked in this run (step 1 does).
    pub align_checked: bool,
    /// Whom align-link's OAuth token acts as, from a signed `myself` with it in
    /// this run (step 20); step 21 takes it from here instead of asking again.
    pub token_account: Option<String>,
    /// The test project as that token saw it, read beside its `myself` (step 20)
    /// for step 24 to report without reading it again.
    pub token_project: Option<ProjectSeen>,
    /// Changes the operator agreed to in this run (by description).
    pub consented: Vec<String>,
}

/// The test project as the service account's token saw it (both reads answered,
/// or the project hidden from it).
#[derive(Debug, Clone)]
pub struct ProjectSeen {
    /// The key asked for (as the answers give it).
    pub asked: String,
    /// None: the token cannot see the project.
    pub visible: Option<VisibleProject>,
}

#[derive(Debug, Clone)]
pub struct VisibleProject {
    /// As Jira spells them.
    pub key: String,
    pub name: String,
    /// What a JQL search over the project counted.
    pub issues: u64,
}

impl Observation {
    /// The link, once read: `Some(None)` when Jira has none.
    pub fn known_link(&self) -> Option<Option<&ObservedLink>> {
        self.link.as_ref().map(Option::as_ref)
    }
}

/// Server info, the administrator's login (with the clock from its `Date`) and
/// rights, on two connections: the login beside the other two. Errors are
/// reported in that order.
pub fn read_server(admin: &JiraAdmin) -> Result<ServerFacts> {
    let (info_and_rights, me) = std::thread::scope(|s| {
        let me = s.spawn(|| admin.myself());
        (read_info_and_rights(admin), joined(me))
    });
    server_facts(info_and_rights, me)
}

/// Server info, then the administrator's rights, on one connection.
pub fn read_info_and_rights(admin: &JiraAdmin) -> (ClientResult<ServerInfo>, ClientResult<bool>) {
    (admin.server_info(), admin.is_administrator())
}

/// The facts from their three reads; the first failure in that order wins.
pub fn server_facts(
    (info, rights): (ClientResult<ServerInfo>, ClientResult<bool>),
    me: ClientResult<(User, Response)>,
) -> Result<ServerFacts> {
    let info = info?;
    let (user, response) = me?;
    let is_administrator = rights?;
    Ok(ServerFacts {
        version: info.version,
        base_url: info.base_url,
        title: info.server_title,
        clock_skew_secs: response.clock_skew_secs,
        admin_user: user.name,
        is_administrator,
    })
}

/// The link whose URL is `align_url` (from the list), with its consumer.
pub fn find_link(admin: &JiraAdmin, align_url: &Url) -> Result<Option<ObservedLink>> {
    admin
        .find_link(align_url)?
        .map(|link| with_consumer(admin, link))
        .transpose()
}

/// The link with this id, read again after a write, with its consumer: both
/// reads together (the consumer's answer is dropped when the link is gone).
pub fn read_link(admin: &JiraAdmin, id: &str) -> Result<Option<ObservedLink>> {
    let (link, consumer) = std::thread::scope(|s| {
        let consumer = s.spawn(|| read_consumer(admin, id));
        (admin.get_link(id), joined(consumer))
    });
    let Some(link) = link? else {
        return Ok(None);
    };
    Ok(Some(ObservedLink {
        link,
        consumer: consumer?,
        status: None,
    }))
}

/// The consumer of a known link, read again after a consumer write.
pub fn read_consumer(admin: &JiraAdmin, link_id: &str) -> Result<Option<ObservedConsumer>> {
    Ok(admin.consumer(link_id)?.map(ObservedConsumer::from_jira))
}

fn with_consumer(admin: &JiraAdmin, link: AppLink) -> Result<ObservedLink> {
    let consumer = read_consumer(admin, &link.id)?;
    Ok(ObservedLink {
        link,
        consumer,
        status: None,
    })
}

/// A scoped thread's result; its panic goes on in the caller.
pub fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

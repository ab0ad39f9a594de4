//! What Jira holds for this connector: the server, the link to Jira Align (by URL)
//! with its consumer, and its status; read once per run, again only after a write.

use url::Url;

use crate::error::{AppError, Result};
use crate::http::Result as ClientResult;
use crate::jira::admin::{AppLink, Consumer, JiraAdmin, LinkStatus};
use crate::jira::service::SearchResult;
use crate::jira::{Project, ServerInfo};
use crate::keys;

#[derive(Debug, Clone)]
pub struct ServerFacts {
    pub version: Option<String>,
    pub base_url: Option<String>,
    pub title: Option<String>,
    /// Jira's clock minus ours.
    pub clock_skew_secs: Option<i64>,
    /// A token does not say whose it is.
    pub admin_user: Option<String>,
    pub is_administrator: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedConsumer {
    pub key: String,
    pub public_key_pem: Option<String>,
    /// None when Jira holds no readable key (`key_problem` says why).
    pub fingerprint: Option<String>,
    pub key_problem: Option<String>,
    /// To put this consumer back unchanged.
    pub as_read: serde_json::Map<String, serde_json::Value>,
}

impl ObservedConsumer {
    pub fn from_jira(consumer: Consumer) -> ObservedConsumer {
        let (fingerprint, key_problem) =
            match consumer.public_key.as_deref().map(keys::parse_public_key) {
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

#[derive(Debug, Clone)]
pub struct ObservedLink {
    pub link: AppLink,
    pub consumer: Option<ObservedConsumer>,
    /// Read on demand (step 15 and `plan`).
    pub status: Option<LinkStatus>,
}

impl ObservedLink {
    pub fn id(&self) -> &str {
        &self.link.id
    }
}

#[derive(Debug, Default, Clone)]
pub struct Observation {
    pub server: Option<ServerFacts>,
    /// None: not read yet. Some(None): Jira has no link to Jira Align's URL.
    pub link: Option<Option<ObservedLink>>,
    pub other_link_names: Vec<String>,
    /// Whom the OAuth token acts as (step 20, for step 21).
    pub token_account: Option<String>,
    /// As the connector's credential saw it (steps 20, 21), for step 24.
    pub token_project: Option<ProjectSeen>,
    /// As the service account saw it with its password (step 7).
    pub service_project: Option<NamedProject>,
    /// Step 7's sign-in, with its username, for the scripted approval to carry on.
    pub service_session: Option<(String, crate::jira::handshake::Session)>,
}

#[derive(Debug, Clone)]
pub struct ProjectSeen {
    /// As the answers give it.
    pub asked: String,
    /// None: the credential cannot see the project.
    pub visible: Option<VisibleProject>,
}

#[derive(Debug, Clone)]
pub struct VisibleProject {
    pub key: String,
    pub name: String,
    /// What a JQL search over the project counted.
    pub issues: u64,
}

#[derive(Debug, Clone)]
pub struct NamedProject {
    pub asked: String,
    pub key: String,
    pub name: String,
}

impl NamedProject {
    pub fn new(asked: &str, project: Project) -> NamedProject {
        NamedProject {
            asked: asked.to_string(),
            key: project.key,
            name: project.name,
        }
    }
}

impl ProjectSeen {
    /// A credential's search, with the project it read or (`known`) the service
    /// account saw. None when a read failed (step 24 reads again) or they disagree.
    pub fn from_reads(
        asked: &str,
        known: Option<NamedProject>,
        project: Option<ClientResult<Option<Project>>>,
        search: ClientResult<Option<SearchResult>>,
    ) -> Option<ProjectSeen> {
        let found = search.ok()?;
        let named = match (known, project) {
            // Seen with the password: the search alone says whether the credential sees it.
            (Some(known), _) => found.is_some().then_some(known),
            (None, Some(Ok(project))) => project.map(|p| NamedProject::new(asked, p)),
            (None, _) => return None,
        };
        let visible = match (named, found) {
            (Some(named), Some(found)) => Some(VisibleProject {
                key: named.key,
                name: named.name,
                issues: found.total,
            }),
            (None, None) => None,
            // Visible but not searchable, or the other way round.
            _ => return None,
        };
        let asked = asked.to_string();
        Some(ProjectSeen { asked, visible })
    }
}

impl Observation {
    pub fn known_link(&self) -> Option<Option<&ObservedLink>> {
        self.link.as_ref().map(Option::as_ref)
    }
}

/// Server info (with the clock) and the administrator's rights, on two connections.
pub fn read_server(admin: &JiraAdmin) -> Result<ServerFacts> {
    let (info, rights) = std::thread::scope(|s| {
        let rights = s.spawn(|| admin.is_administrator());
        (admin.server_info(), joined(rights))
    });
    server_facts(admin, info, rights)
}

/// The server info's failure comes first, except a refused credential: the rights say it best.
pub fn server_facts(
    admin: &JiraAdmin,
    info: ClientResult<(ServerInfo, Option<i64>)>,
    rights: ClientResult<bool>,
) -> Result<ServerFacts> {
    let rights = match rights {
        Err(refused) if refused.http_status() == Some(401) => {
            let (whose, key) = match admin.username() {
                Some(user) => (
                    format!("the password of {user} (jira.admin_password)"),
                    "jira.admin_password",
                ),
                None => (
                    "the administrator's personal access token (jira.admin_token)".into(),
                    "jira.admin_token",
                ),
            };
            let err = AppError::from(refused).context(format!("Jira refused {whose}"));
            return Err(err.about(key));
        }
        rights => rights,
    };
    let (info, clock_skew_secs) = info.map_err(|err| site_error(err, "jira.url"))?;
    Ok(ServerFacts {
        is_administrator: rights?,
        version: info.version,
        base_url: info.base_url,
        title: info.server_title,
        clock_skew_secs,
        admin_user: admin.username().map(str::to_string),
    })
}

/// About `key` when nothing answered, so a terminal run may ask again; TLS is about
/// trust (--ca-cert), not the address.
pub fn site_error(err: crate::http::ClientError, key: &'static str) -> AppError {
    use crate::http::TransportKind;
    let no_answer = matches!(
        err.transport_kind(),
        Some(TransportKind::Refused | TransportKind::Timeout | TransportKind::Dns { .. })
    );
    let err = AppError::from(err);
    if no_answer {
        err.about(key)
    } else {
        err
    }
}

pub fn find_link(admin: &JiraAdmin, align_url: &Url) -> Result<Option<ObservedLink>> {
    Ok(find_link_among(admin, align_url)?.0)
}

/// With the names of the other links (a new link's name must not take one).
pub fn find_link_among(
    admin: &JiraAdmin,
    align_url: &Url,
) -> Result<(Option<ObservedLink>, Vec<String>)> {
    let (ours, others): (Vec<AppLink>, Vec<AppLink>) = admin
        .list_links()?
        .into_iter()
        .partition(|link| crate::jira::admin::same_url(&link.rpc_url, align_url.as_str()));
    let found = match ours.into_iter().next() {
        Some(link) => Some(ObservedLink {
            consumer: read_consumer(admin, &link.id)?,
            link,
            status: None,
        }),
        None => None,
    };
    Ok((found, others.into_iter().map(|link| link.name).collect()))
}

/// Read again after a write, with its consumer (read together).
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

pub fn read_consumer(admin: &JiraAdmin, link_id: &str) -> Result<Option<ObservedConsumer>> {
    Ok(admin.consumer(link_id)?.map(ObservedConsumer::from_jira))
}

/// A scoped thread's result; its panic goes on in the caller.
pub fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ClientError;

    fn project() -> Project {
        Project {
            key: "ALIGN".into(),
            name: "Sync Test".into(),
        }
    }

    fn found(total: u64) -> ClientResult<Option<SearchResult>> {
        Ok(Some(SearchResult { total }))
    }

    fn failed<T>() -> ClientResult<T> {
        Err(ClientError::answer("no answer", "rerun"))
    }

    #[test]
    fn a_project_known_from_step_7_needs_only_the_search() {
        let known = NamedProject::new("ALIGN", project());
        let seen = ProjectSeen::from_reads("ALIGN", Some(known.clone()), None, found(3)).unwrap();
        let visible = seen.visible.unwrap();
        assert_eq!((visible.name.as_str(), visible.issues), ("Sync Test", 3));
        // A search refused as for a hidden project: the token cannot see it.
        let hidden = ProjectSeen::from_reads("ALIGN", Some(known.clone()), None, Ok(None));
        assert!(hidden.unwrap().visible.is_none());
        // A failed search says nothing: step 24 reads again and reports it.
        assert!(ProjectSeen::from_reads("ALIGN", Some(known), None, failed()).is_none());
    }

    #[test]
    fn without_step_7_the_token_reads_the_project_too() {
        let read = |project, search| ProjectSeen::from_reads("ALIGN", None, Some(project), search);
        let seen = read(Ok(Some(project())), found(2)).unwrap();
        assert_eq!(seen.visible.unwrap().key, "ALIGN");
        assert!(read(Ok(None), Ok(None)).unwrap().visible.is_none());
        // Answers that disagree, or a failed read: nothing kept.
        assert!(read(Ok(Some(project())), Ok(None)).is_none());
        assert!(read(Ok(None), found(1)).is_none());
        assert!(read(failed(), found(1)).is_none());
        assert!(ProjectSeen::from_reads("ALIGN", None, None, found(1)).is_none());
    }
}

//! The model of the Jira side (`crate::model`) as the steps use it: what Jira holds,
//! read once per run into `ctx.observed` and read again only after a write; what
//! this profile wants, from the answers and the state; and a change applied, read
//! back and recorded. `consent` puts the checks and the operator's consent before it.

use url::Url;

use super::keys::key_source;
use crate::align::{AlignApi, AlignAuth, AlignUser};
use crate::context::Ctx;
use crate::domain::{ConnectorAuth, KeySource, Secret};
use crate::error::{AppError, Result};
use crate::http::Result as ClientResult;
use crate::jira::admin::AppLink;
use crate::jira::admin::LinkStatus;
use crate::jira::service::{check_service_account, ServiceSignIn};
use crate::keys;
use crate::model::apply::Applied;
use crate::model::{
    self, observe, Action, Change, Desired, ObservedConsumer, ObservedLink, Ownership, ServerFacts,
    WantedConsumer, WantedLink,
};
use crate::state::{InstalledFacts, LinkFacts};

/// The server's facts, read once per run.
pub fn server(ctx: &mut Ctx) -> Result<ServerFacts> {
    if let Some(facts) = &ctx.observed.server {
        return Ok(facts.clone());
    }
    let facts = observe::read_server(&ctx.jira_admin()?)?;
    ctx.observed.server = Some(facts.clone());
    Ok(facts)
}

/// What the observation pass checks beside the model (step 7's read-only checks).
#[derive(Default)]
pub struct SideChecks {
    /// The service account's username and password, and the test project.
    pub service: Option<(String, Secret, String)>,
    /// Jira Align's site and API credentials, when not checked yet in this run.
    pub align: Option<(Url, AlignAuth)>,
}

/// The answers to [`SideChecks`], for the caller to judge in its own order.
pub struct SideReads {
    pub service: Option<Result<ServiceSignIn>>,
    pub align: Option<ClientResult<Option<AlignUser>>>,
    /// The server's facts could not be read (the administrator's credentials,
    /// say): the side answers are kept all the same, so that nothing is asked twice.
    pub server_failure: Option<AppError>,
}

/// The observation pass: whatever of the server's facts and the link this run
/// has not read yet, and the side checks, all sent at once (each read is
/// independent of the others; only a found link's consumer waits for the list).
/// A failed link list is not kept: the step that needs the link reads it again
/// and reports the failure there.
pub fn observe_pass(ctx: &mut Ctx, side: &SideChecks) -> Result<SideReads> {
    let admin = ctx.jira_admin()?;
    let base = ctx.jira_url()?;
    let align_url = ctx.align_url()?;
    let want_server = ctx.observed.server.is_none();
    let want_link = ctx.observed.link.is_none();
    // A clone shares the connection pool and the counters.
    let http = &ctx.http().clone();
    let admin = &admin;
    // At most four connections to Jira at once, one per read: server info, the
    // administrator's rights, the link list (then its consumer), the service
    // account's project; Jira Align's check goes to its own host.
    let (server, link, service, align) = std::thread::scope(|s| {
        let rights = want_server.then(|| s.spawn(|| admin.is_administrator()));
        let link = want_link.then(|| s.spawn(|| observe::find_link(admin, &align_url)));
        let service = side.service.as_ref().map(|(user, password, project)| {
            s.spawn(|| check_service_account(http, &base, user, password, project))
        });
        let align = side.align.as_ref().map(|(site, auth)| {
            s.spawn(|| AlignApi::new(http, site.clone(), auth.clone()).current_user())
        });
        let info = want_server.then(|| admin.server_info());
        let server = info
            .zip(rights.map(observe::joined))
            .map(|(info, rights)| observe::server_facts(admin, info, rights));
        (
            server,
            link.map(observe::joined),
            service.map(observe::joined),
            align.map(observe::joined),
        )
    });
    let server_failure = match server {
        Some(Ok(server)) => {
            ctx.observed.server = Some(server);
            None
        }
        Some(Err(err)) => Some(err),
        None => None,
    };
    if let Some(Ok(found)) = link {
        ctx.observed.link = Some(found);
    }
    Ok(SideReads {
        service,
        align,
        server_failure,
    })
}

/// The link to `align.url` with its consumer, read once per run.
pub fn link(ctx: &mut Ctx) -> Result<Option<ObservedLink>> {
    if let Some(known) = ctx.observed.known_link() {
        return Ok(known.cloned());
    }
    let align = ctx.align_url()?;
    let found = observe::find_link(&ctx.jira_admin()?, &align)?;
    ctx.observed.link = Some(found.clone());
    Ok(found)
}

/// The link's status, read once (after the last consumer change).
pub fn link_status(ctx: &mut Ctx, link_id: &str) -> Result<LinkStatus> {
    if let Some(Some(link)) = &ctx.observed.link {
        if let Some(status) = &link.status {
            return Ok(status.clone());
        }
    }
    let status = ctx.jira_admin()?.link_status(link_id)?;
    if let Some(Some(link)) = &mut ctx.observed.link {
        link.status = Some(status.clone());
    }
    Ok(status)
}

/// Everything the model reads, for a view of the whole (`plan`, later `doctor`):
/// the server, the link with its consumer, and the link's status.
pub fn observe_all(ctx: &mut Ctx) -> Result<(ServerFacts, Option<ObservedLink>)> {
    let server = server(ctx)?;
    let mut found = link(ctx)?;
    if let Some(link) = &mut found {
        link.status = Some(link_status(ctx, &link.link.id)?);
    }
    Ok((server, found))
}

/// The consumer this profile wants on the link; None for a PAT or Basic connector.
pub fn wanted_consumer(ctx: &Ctx) -> Option<WantedConsumer> {
    if ctx.connector_auth() != ConnectorAuth::OAuth {
        return None;
    }
    let saved = ctx.state.consumer.as_ref();
    let key = ctx
        .answers()
        .keys
        .consumer_key
        .clone()
        .or_else(|| saved.map(|c| c.key.clone()));
    let mut pem = saved.and_then(|c| c.public_key_pem.clone());
    if key_source(ctx) == KeySource::Align {
        if let Some(given) = &ctx.answers().keys.public_key {
            pem = keys::parse_public_key(given)
                .ok()
                .map(|public| keys::public_key_to_pem(&public))
                .or(pem);
        }
    }
    let fingerprint = pem
        .as_deref()
        .and_then(|pem| keys::parse_public_key(pem).ok())
        .map(|public| keys::fingerprint(&public));
    Some(WantedConsumer {
        key,
        public_key_pem: pem,
        fingerprint,
    })
}

pub fn desired(ctx: &mut Ctx) -> Result<Desired> {
    Ok(Desired::Present(WantedLink {
        name: ctx.application_name()?,
        align_url: ctx.align_url()?,
        consumer: wanted_consumer(ctx),
    }))
}

/// The changes setup would make now, in order.
pub fn changes(ctx: &mut Ctx) -> Result<Vec<Change>> {
    let observed = link(ctx)?;
    let desired = desired(ctx)?;
    Ok(model::diff(
        observed.as_ref(),
        &desired,
        &Ownership::from_state(&ctx.state),
    ))
}

/// The change, its read-back into `ctx.observed`, and what the profile now owns.
/// For a change already authorized (the preflight's temporary key and its undoing).
pub fn apply_unchecked(ctx: &mut Ctx, change: &Change) -> Result<Applied> {
    let applied = apply_write(ctx, change)?;
    let admin = ctx.jira_admin()?;
    match &applied {
        Applied::LinkCreated { link_id } => {
            let read = admin.get_link(link_id);
            take_created_link(ctx, read)?;
        }
        Applied::ConsumerSet { link_id, .. } | Applied::ConsumerDeleted { link_id } => {
            let read = observe::read_consumer(&admin, link_id);
            take_consumer(ctx, read)?;
        }
        Applied::LinkRenamed { link_id } => {
            let renamed = admin.get_link(link_id)?;
            let previous = ctx.observed.link.take().flatten();
            ctx.observed.link = Some(renamed.map(|link| ObservedLink {
                link,
                consumer: previous.and_then(|p| p.consumer),
                status: None,
            }));
        }
        Applied::LinkDeleted { .. } => ctx.observed.link = Some(None),
    }
    Ok(applied)
}

/// The write alone, recorded at once as this profile's (a read-back that fails
/// later must not leave a write of ours unrecorded). The caller reads back what
/// it touched: [`take_created_link`], [`take_consumer`].
pub fn apply_write(ctx: &mut Ctx, change: &Change) -> Result<Applied> {
    let admin = ctx.jira_admin()?;
    // A consumer change for a link created earlier in the run goes on that link.
    let observed_link_id = ctx
        .observed
        .link
        .as_ref()
        .and_then(|l| l.as_ref().map(|l| l.id().to_string()));
    let applied = model::apply(&admin, change, observed_link_id.as_deref())?;
    if let Applied::LinkCreated { link_id } = &applied {
        // Until its read-back: the link as asked for. A link created a moment
        // ago has no consumer, so only the link itself is read back.
        let asked = match &change.action {
            Action::CreateLink { name, url } => AppLink {
                id: link_id.clone(),
                name: name.clone(),
                rpc_url: url.to_string(),
                display_url: Some(url.to_string()),
                type_id: None,
            },
            _ => unreachable!("only a CreateLink change creates a link"),
        };
        ctx.observed.link = Some(Some(ObservedLink {
            link: asked,
            consumer: None,
            status: None,
        }));
    }
    record_ownership(ctx, &applied)?;
    Ok(applied)
}

/// The read-back of a link just created, into the observation; a failed read
/// leaves the link unknown (read again by the next step that needs it).
pub fn take_created_link(ctx: &mut Ctx, read: ClientResult<Option<AppLink>>) -> Result<()> {
    let link = match read {
        Ok(link) => link,
        Err(err) => {
            ctx.observed.link = None;
            return Err(err.into());
        }
    };
    ctx.observed.link = Some(link.map(|link| ObservedLink {
        link,
        consumer: None,
        status: None,
    }));
    Ok(())
}

/// The read-back of the link's consumer after a consumer write.
pub fn take_consumer(ctx: &mut Ctx, read: Result<Option<ObservedConsumer>>) -> Result<()> {
    let consumer = read?;
    if let Some(Some(link)) = &mut ctx.observed.link {
        link.consumer = consumer;
        link.status = None;
    }
    Ok(())
}

fn record_ownership(ctx: &mut Ctx, applied: &Applied) -> Result<()> {
    let ours = ctx.state.consumer.as_ref().map(|c| c.key.clone());
    let installed = ctx
        .state
        .installed
        .get_or_insert_with(InstalledFacts::default);
    match applied {
        Applied::LinkCreated { link_id } => installed.link_id = Some(link_id.clone()),
        Applied::LinkRenamed { .. } => {}
        Applied::ConsumerSet {
            key, fingerprint, ..
        } => {
            if ours.as_deref() == Some(key.as_str()) {
                installed.consumer_key = Some(key.clone());
                installed.fingerprint = fingerprint.clone();
            }
        }
        Applied::ConsumerDeleted { .. } => {
            installed.consumer_key = None;
            installed.fingerprint = None;
        }
        Applied::LinkDeleted { link_id } => {
            if installed.link_id.as_deref() == Some(link_id.as_str()) {
                *installed = InstalledFacts::default();
            }
        }
    }
    ctx.save()
}

/// Saves the link's facts in the state, for `status` and the later steps.
pub fn remember(ctx: &mut Ctx, link: &ObservedLink) -> Result<()> {
    ctx.state.link = Some(LinkFacts {
        id: link.link.id.clone(),
        name: link.link.name.clone(),
        rpc_url: link.link.rpc_url.clone(),
    });
    ctx.save()
}

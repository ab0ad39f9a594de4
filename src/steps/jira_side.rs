//! The model of the Jira side (`crate::model`) as the steps use it: what Jira holds,
//! read once per run into `ctx.observed()` and read again only after a write; what
//! this profile wants, from the answers and the state; and a change applied, read
//! back and recorded. `consent` puts the checks and the operator's consent before it.

use url::Url;

use crate::align::{AlignApi, AlignAuth};
use crate::context::run::SideReads;
use crate::context::{inputs, Ctx, DEFAULT_APPLICATION_NAME};
use crate::domain::{ConnectorAuth, KeySource, Secret};
use crate::error::{AppError, Result};
use crate::http::Result as ClientResult;
use crate::jira::admin::AppLink;
use crate::jira::admin::LinkStatus;
use crate::jira::service::check_service_account;
use crate::keys;
use crate::model::apply::Applied;
use crate::model::{
    self, observe, Action, Change, ChangeKind, Desired, Observation, ObservedConsumer,
    ObservedLink, Ownership, ServerFacts, WantedConsumer, WantedLink,
};
use crate::state::{InstalledFacts, IntendedWrite, LinkFacts, State};
use crate::util::time::now_rfc3339;

/// The server's facts, read once per run.
pub fn server(ctx: &mut Ctx) -> Result<ServerFacts> {
    if let Some(facts) = &ctx.observed().server {
        return Ok(facts.clone());
    }
    let facts = observe::read_server(&ctx.jira_admin()?)?;
    ctx.observed_mut().server = Some(facts.clone());
    Ok(facts)
}

/// The observation pass: whatever of the server's facts and the link this run
/// has not read yet, and the side checks, all sent at once (each read is
/// independent of the others; only a found link's consumer waits for the list).
/// A failed link list is not kept: the step that needs the link reads it again
/// and reports the failure there. The side checks: the service account's
/// username, password and test project; Jira Align's site and credentials.
pub fn observe_pass(
    ctx: &mut Ctx,
    service: Option<(String, Secret, String)>,
    align: Option<(Url, AlignAuth)>,
) -> Result<SideReads> {
    let admin = ctx.jira_admin()?;
    let base = ctx.url(&inputs::JIRA_URL)?;
    let align_url = ctx.url(&inputs::ALIGN_URL)?;
    let want_server = ctx.observed().server.is_none();
    let want_link = ctx.observed().link.is_none();
    // A clone shares the connection pool and the counters.
    let http = &ctx.http().clone();
    let admin = &admin;
    // At most four connections to Jira at once, one per read: server info, the
    // administrator's rights, the link list (then its consumer), the service
    // account's project; Jira Align's check goes to its own host.
    let (server, link, service, align) = std::thread::scope(|s| {
        let rights = want_server.then(|| s.spawn(|| admin.is_administrator()));
        let link = want_link.then(|| s.spawn(|| observe::find_link_among(admin, &align_url)));
        let service = service.as_ref().map(|(user, password, project)| {
            s.spawn(|| check_service_account(http, &base, user, password, project))
        });
        let align = align.as_ref().map(|(site, auth)| {
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
            ctx.observed_mut().server = Some(server);
            None
        }
        Some(Err(err)) => Some(err),
        None => None,
    };
    if let Some(Ok((found, others))) = link {
        adopt_intended(ctx, found.as_ref())?;
        ctx.observed_mut().link = Some(found);
        ctx.observed_mut().other_link_names = others;
    }
    Ok(SideReads {
        service,
        align,
        server_failure,
    })
}

/// The link to `align.url` with its consumer, read once per run.
pub fn link(ctx: &mut Ctx) -> Result<Option<ObservedLink>> {
    if let Some(known) = ctx.observed().known_link() {
        return Ok(known.cloned());
    }
    let align = ctx.url(&inputs::ALIGN_URL)?;
    let (found, others) = observe::find_link_among(&ctx.jira_admin()?, &align)
        .map_err(|err| explain_old_jira(ctx.observed().server.as_ref(), err))?;
    adopt_intended(ctx, found.as_ref())?;
    ctx.observed_mut().link = Some(found.clone());
    ctx.observed_mut().other_link_names = others;
    Ok(found)
}

/// The oldest Jira whose Application Links REST API (`/rest/applinks/3.0`,
/// Application Links 5 and later) align-link uses.
pub const OLDEST_JIRA: (u32, &str) = (7, "7.0");

/// A 404 from the link list of a Jira that said it is older than
/// [`OLDEST_JIRA`]: the version is the cause, not the URL.
fn explain_old_jira(server: Option<&ServerFacts>, err: AppError) -> AppError {
    let not_found = err
        .find::<crate::http::ClientError>()
        .is_some_and(|client| client.http_status() == Some(404));
    let version = server.and_then(|s| s.version.clone());
    let major = version
        .as_deref()
        .and_then(|v| v.split('.').next()?.trim().parse::<u32>().ok());
    match (not_found, version, major) {
        (true, Some(version), Some(major)) if major < OLDEST_JIRA.0 => AppError::failed(format!(
            "Jira {version} is older than {}, which align-link needs: it has no Application Links REST API (/rest/applinks/3.0)",
            OLDEST_JIRA.1
        ))
        .hint(format!(
            "Upgrade Jira to {} or later, or make the link by hand: steps 7-15 of Atlassian's guide (`{}` gives the values). Jira was not changed.",
            OLDEST_JIRA.1,
            crate::util::suggest::command("show")
        ))
        .with_source(err),
        _ => err,
    }
}

/// The link's status, read once (after the last consumer change).
pub fn link_status(ctx: &mut Ctx, link_id: &str) -> Result<LinkStatus> {
    if let Some(Some(link)) = &ctx.observed().link {
        if let Some(status) = &link.status {
            return Ok(status.clone());
        }
    }
    let status = ctx.jira_admin()?.link_status(link_id)?;
    if let Some(Some(link)) = &mut ctx.observed_mut().link {
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
    let saved = ctx.state().consumer.as_ref();
    let key = ctx.wanted_consumer_key();
    // A pair still being made replaces the saved public half (Jira Align's key,
    // say, before keys.source changed): the link must take the new one.
    let new_pair_coming = ctx.run().pending_key.is_some();
    let mut pem = (saved.and_then(|c| c.public_key_pem.clone())).filter(|_| !new_pair_coming);
    if ctx.key_source() == KeySource::Align {
        if let Some((given, _)) = ctx.given_public_key() {
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

/// The name the link should have: the answers', else the one this profile gave
/// its link (a rename in Jira is put back), else the name of the link found to
/// Jira Align's URL (kept: it is not this profile's to rename); for a link still
/// to make, "Jira Align" unless another link has that name, then "Jira Align
/// (HOST)" (offered as the default in a terminal).
pub fn link_name(ctx: &mut Ctx) -> Result<String> {
    if let Some(name) = ctx.known(&inputs::APPLICATION_NAME) {
        return Ok(name);
    }
    if let Some(found) = link(ctx)? {
        return Ok(found.link.name);
    }
    let mut default = DEFAULT_APPLICATION_NAME.to_string();
    if name_taken(ctx.observed(), &default) {
        let host = ctx
            .url(&inputs::ALIGN_URL)?
            .host_str()
            .unwrap_or_default()
            .to_string();
        default = format!("{DEFAULT_APPLICATION_NAME} ({host})");
    }
    let input = &inputs::APPLICATION_NAME;
    ctx.value_asked(input, input.prompt, Some(default))
}

/// Another application link (not the one to Jira Align's URL) is called `name`.
fn name_taken(observed: &Observation, name: &str) -> bool {
    observed
        .other_link_names
        .iter()
        .any(|other| other.eq_ignore_ascii_case(name))
}

/// Before the first write: the link's name is not another link's (Jira would
/// name a new link "NAME - 2", and refuse a rename).
pub fn check_link_name_free(ctx: &mut Ctx) -> Result<()> {
    let name = link_name(ctx)?;
    if !name_taken(ctx.observed(), &name) {
        return Ok(());
    }
    let host = ctx
        .url(&inputs::ALIGN_URL)?
        .host_str()
        .unwrap_or_default()
        .to_string();
    Err(AppError::usage(format!(
        "align.application_name: another application link in Jira is already called \"{name}\""
    ))
    .hint(format!(
        "Jira link names are unique: give this link another name, for example application_name = \"{name} ({host})\" under [align] in the answers file."
    )))
}

pub fn desired(ctx: &mut Ctx) -> Result<Desired> {
    Ok(Desired::Present(WantedLink {
        name: link_name(ctx)?,
        align_url: ctx.url(&inputs::ALIGN_URL)?,
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
        &Ownership::from_state(ctx.state()),
    ))
}

/// The change, judged by its read-back into `ctx.observed()`, and what the profile
/// now owns. For a change already authorized (unlink's removals, renew's, the
/// preflight's temporary key and its undoing).
pub fn apply_unchecked(ctx: &mut Ctx, change: &Change) -> Result<Applied> {
    let answer = apply_write(ctx, change);
    let admin = ctx.jira_admin()?;
    let applied = match (&change.action, answer) {
        // A removal is done when a read says the thing is gone, whatever the
        // answer to the write said (a proxy's 404, a login page's 200).
        (Action::DeleteConsumer { link_id }, answer) => {
            let held = observe::read_consumer(&admin, link_id)?;
            if let Some(held) = &held {
                return Err(still_there(
                    format!("the link's incoming consumer {}", held.key),
                    answer.err(),
                ));
            }
            take_consumer(ctx, Ok(None))?;
            Applied::ConsumerDeleted {
                link_id: link_id.clone(),
            }
        }
        (Action::DeleteLink { link_id }, answer) => {
            // Judged by Jira's list of links (a 200 that lacks it), not by a 404
            // that anything in front of Jira could answer.
            let still = admin.list_links()?.into_iter().find(|l| l.id == *link_id);
            if let Some(link) = still {
                return Err(still_there(
                    format!("the application link \"{}\" (id {})", link.name, link.id),
                    answer.err(),
                ));
            }
            ctx.observed_mut().link = Some(None);
            Applied::LinkDeleted {
                link_id: link_id.clone(),
            }
        }
        (_, answer) => answer?,
    };
    match &applied {
        Applied::LinkCreated { link_id } => {
            let read = admin.get_link(link_id);
            take_created_link(ctx, read)?;
        }
        Applied::ConsumerSet { link_id, .. } => {
            let read = observe::read_consumer(&admin, link_id);
            take_consumer(ctx, read)?;
        }
        Applied::LinkRenamed { link_id } => {
            let renamed = admin.get_link(link_id)?;
            let previous = ctx.observed_mut().link.take().flatten();
            observe_link(ctx, renamed, previous.and_then(|p| p.consumer));
        }
        Applied::ConsumerDeleted { .. } | Applied::LinkDeleted { .. } => {
            ctx.update_state(|state| record_ownership(state, &applied))?
        }
    }
    Ok(applied)
}

/// Jira still holds `what` after a removal it was sent.
fn still_there(what: String, answer: Option<AppError>) -> AppError {
    let answered = match &answer {
        Some(err) => format!(
            " (its answer: {})",
            err.message.lines().next().unwrap_or("")
        ),
        None => " although it answered the removal as done".to_string(),
    };
    AppError::failed(format!(
        "Jira still holds {what}{answered}: it was not removed"
    ))
    .hint("Nothing was recorded as removed. Something between align-link and Jira (a proxy, a login page) may have answered instead of Jira: rerun with -v to see the answers, then rerun the command.")
}

/// The write alone. What it is meant to leave in Jira is saved first (a run
/// killed before its record knows the result as its own next time, see
/// [`adopt_intended`]); a write Jira accepted is recorded at once as this
/// profile's. A removal's record waits for its read-back ([`apply_unchecked`]).
/// The caller reads back what it touched: [`take_created_link`], [`take_consumer`].
pub fn apply_write(ctx: &mut Ctx, change: &Change) -> Result<Applied> {
    let admin = ctx.jira_admin()?;
    // A consumer change for a link created earlier in the run goes on that link.
    let observed_link_id = ctx
        .observed()
        .link
        .as_ref()
        .and_then(|l| l.as_ref().map(|l| l.id().to_string()));
    record_intent(ctx, change, observed_link_id.as_deref())?;
    let applied = match model::apply(&admin, change, observed_link_id.as_deref()) {
        Ok(applied) => applied,
        Err(err) => {
            // Jira's own refusal says the write was not made: the intent goes.
            // Only an unknown outcome (no answer: a timeout, a dropped
            // connection, a kill) keeps it for the next run to settle by reading.
            if answered(&err) {
                ctx.update_state(|state| state.intended = None)?;
            }
            return Err(err);
        }
    };
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
        observe_link(ctx, Some(asked), None);
    }
    if !matches!(
        applied,
        Applied::ConsumerDeleted { .. } | Applied::LinkDeleted { .. }
    ) {
        let named = match &change.action {
            Action::CreateLink { name, .. } | Action::RenameLink { name, .. } => Some(name),
            _ => None,
        };
        ctx.update_state(|state| {
            if let Some(name) = named {
                state
                    .installed
                    .get_or_insert_with(Default::default)
                    .link_name = Some(name.clone());
            }
            record_ownership(state, &applied)
        })?;
    }
    Ok(applied)
}

/// Jira (or the client, before sending) refused the write, so it was not made:
/// an error status, an OAuth problem, a refusal Jira explained, a URL the
/// client would not call. No answer, or a 2xx answer that could not be read,
/// leaves the outcome unknown.
fn answered(err: &AppError) -> bool {
    use crate::http::ClientError;
    matches!(
        err.find::<ClientError>(),
        Some(
            ClientError::Status(_)
                | ClientError::OAuth(_)
                | ClientError::Answer(_)
                | ClientError::Url(_)
                | ClientError::Config(_)
        )
    )
}

/// Saves what `change` is about to leave in Jira, before it is sent.
fn record_intent(ctx: &mut Ctx, change: &Change, link_id: Option<&str>) -> Result<()> {
    let mut intended = IntendedWrite {
        change: change.kind.as_str().to_string(),
        link_id: link_id.map(str::to_string),
        at: now_rfc3339(),
        ..IntendedWrite::default()
    };
    match &change.action {
        Action::CreateLink { name, url } => {
            intended.link_id = None;
            intended.link_url = Some(url.as_str().trim_end_matches('/').to_string());
            intended.link_name = Some(name.clone());
        }
        Action::SetConsumer { consumer, .. } => {
            intended.consumer_key = consumer.key.clone();
            intended.fingerprint = consumer.fingerprint.clone();
        }
        Action::RestoreConsumer { link_id, previous } => {
            intended.link_id = Some(link_id.clone());
            intended.consumer_key = Some(previous.key.clone());
            intended.fingerprint = previous.fingerprint.clone();
        }
        Action::RenameLink { link, name } => {
            intended.link_id = Some(link.id.clone());
            intended.link_name = Some(name.clone());
        }
        Action::DeleteConsumer { link_id } | Action::DeleteLink { link_id } => {
            intended.link_id = Some(link_id.clone());
        }
    }
    ctx.update_state(|state| state.intended = Some(intended))
}

/// A write recorded as intended by a run that did not live to record its result:
/// what Jira holds now says whether it happened. A link or consumer found as it
/// was meant to be is this profile's own; a removal found done is forgotten.
/// Called once the link (with its consumer) is observed.
pub fn adopt_intended(ctx: &mut Ctx, found: Option<&ObservedLink>) -> Result<()> {
    if ctx.state().intended.is_none() {
        return Ok(());
    }
    ctx.update_state(|state| adopt(state, found))
}

fn adopt(state: &mut State, found: Option<&ObservedLink>) {
    let Some(intended) = state.intended.take() else {
        return;
    };
    let ours_key = state.consumer.as_ref().map(|c| c.key.clone());
    let installed = state.installed.get_or_insert_with(InstalledFacts::default);
    // The link as it was meant: its URL and the very name asked for (a link
    // made by hand to the same site is not taken for ours).
    let as_created = |link: &ObservedLink| {
        let url = intended
            .link_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok());
        url.is_some_and(|url| crate::jira::admin::same_link_url(&link.link.rpc_url, &url))
            && intended.link_name.as_deref() == Some(link.link.name.as_str())
    };
    let on_intended_link =
        |link: &ObservedLink| intended.link_id.as_deref().is_none_or(|id| id == link.id());
    let consumer_write = [ChangeKind::SetConsumer, ChangeKind::ReplaceConsumer]
        .iter()
        .any(|kind| kind.as_str() == intended.change);
    match (intended.change.as_str(), found) {
        ("create-link", Some(link)) if as_created(link) => {
            installed.link_id = Some(link.id().to_string());
            installed.link_name = intended.link_name.clone();
        }
        (_, Some(link)) if consumer_write && on_intended_link(link) => {
            let held = link.consumer.as_ref();
            let as_meant = held.is_some_and(|held| {
                Some(&held.key) == intended.consumer_key.as_ref()
                    && held.fingerprint.is_some()
                    && held.fingerprint == intended.fingerprint
            });
            if as_meant && intended.consumer_key == ours_key {
                installed.consumer_key = intended.consumer_key.clone();
                installed.fingerprint = intended.fingerprint.clone();
            }
        }
        ("delete-consumer", Some(link)) if on_intended_link(link) && link.consumer.is_none() => {
            installed.consumer_key = None;
            installed.fingerprint = None;
        }
        // A removal not found done, a rename: nothing changes hands. (Unlink
        // reads the links it recorded by id, so a half-done removal is found again.)
        _ => {}
    }
}

/// The read-back of a link just created, into the observation; a failed read
/// leaves the link unknown (read again by the next step that needs it).
pub fn take_created_link(ctx: &mut Ctx, read: ClientResult<Option<AppLink>>) -> Result<()> {
    let link = match read {
        Ok(link) => link,
        Err(err) => {
            ctx.observed_mut().link = None;
            return Err(err.into());
        }
    };
    observe_link(ctx, link, None);
    Ok(())
}

/// The link as just written or read back (its status unread).
fn observe_link(ctx: &mut Ctx, link: Option<AppLink>, consumer: Option<ObservedConsumer>) {
    let status = None;
    ctx.observed_mut().link = Some(link.map(|link| ObservedLink {
        link,
        consumer,
        status,
    }));
}

/// The read-back of the link's consumer after a consumer write.
pub fn take_consumer(ctx: &mut Ctx, read: Result<Option<ObservedConsumer>>) -> Result<()> {
    let consumer = read?;
    if let Some(Some(link)) = &mut ctx.observed_mut().link {
        link.consumer = consumer;
        link.status = None;
    }
    Ok(())
}

/// What Jira accepted (or, for a removal, what the read-back confirmed), as this
/// profile's; the intent is settled with it.
fn record_ownership(state: &mut State, applied: &Applied) {
    let ours = state.consumer.as_ref().map(|c| c.key.clone());
    state.intended = None;
    let installed = state.installed.get_or_insert_with(InstalledFacts::default);
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
}

/// Saves the link's facts in the state, for `status` and the later steps.
pub fn remember(ctx: &mut Ctx, link: &ObservedLink) -> Result<()> {
    let facts = LinkFacts {
        id: link.link.id.clone(),
        name: link.link.name.clone(),
        rpc_url: link.link.rpc_url.clone(),
    };
    ctx.update_state(|state| state.link = Some(facts))
}

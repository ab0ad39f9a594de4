//! The model of the Jira side as the steps use it: what Jira holds, read once per
//! run and again only after a write (here); what the profile wants (`wanted`); a
//! change applied (`write`), read back (`readback`) and owned (`ownership`).

mod ownership;
mod readback;
mod wanted;
mod write;

use url::Url;

use crate::align::AlignApi;
use crate::context::run::SideReads;
use crate::context::{inputs, Ctx};
use crate::domain::Secret;
use crate::error::{AppError, Result};
use crate::http::Credential;
use crate::jira::admin::LinkStatus;
use crate::jira::service::check_service_account;
use crate::model::{observe, ObservedLink, ServerFacts};
use readback::keep_found_link;
pub use readback::{remember, take_consumer, take_created_link};
pub use wanted::{changes, check_link_name_free, link_name, wanted_consumer};
pub use write::{apply_unchecked, apply_write};

/// The server's facts, read once per run.
pub fn server(ctx: &mut Ctx) -> Result<ServerFacts> {
    if let Some(facts) = &ctx.observed().server {
        return Ok(facts.clone());
    }
    let facts = observe::read_server(&ctx.jira_admin()?)?;
    ctx.observed_mut().server = Some(facts.clone());
    Ok(facts)
}

/// The observation pass: what this run has not read yet of the server and the
/// link, and the side checks (the service account's sign-in and project, Jira
/// Align's token), sent at once. A failed link list is left for its step to report.
pub fn observe_pass(
    ctx: &mut Ctx,
    service: Option<(String, Secret, String)>,
    align: Option<(Url, Credential)>,
) -> Result<SideReads> {
    let admin = ctx.jira_admin()?;
    let base = ctx.url(&inputs::JIRA_URL)?;
    let align_url = ctx.url(&inputs::ALIGN_URL)?;
    let want_server = ctx.observed().server.is_none();
    let want_link = ctx.observed().link.is_none();
    let http = ctx.http();
    let admin = &admin;
    // At most four connections to Jira at once, one per read.
    let (server, link, service, align) = std::thread::scope(|s| {
        let rights = want_server.then(|| s.spawn(|| admin.is_administrator()));
        let link = want_link.then(|| s.spawn(|| observe::find_link_among(admin, &align_url)));
        let service = service.as_ref().map(|(user, password, project)| {
            s.spawn(|| check_service_account(http, &base, user, password, project))
        });
        let align = align
            .map(|(site, auth)| s.spawn(move || AlignApi::new(http, site, auth).current_user()));
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
        failed => failed.and_then(Result::err),
    };
    if let Some(Ok((found, others))) = link {
        keep_found_link(ctx, found, others)?;
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
    keep_found_link(ctx, found.clone(), others)?;
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
    let version = server.and_then(|s| s.version.as_deref());
    let major = version.and_then(|v| v.split('.').next()?.trim().parse::<u32>().ok());
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
    let known = ctx.observed().known_link().flatten();
    if let Some(status) = known.and_then(|link| link.status.clone()) {
        return Ok(status);
    }
    let status = ctx.jira_admin()?.link_status(link_id)?;
    if let Some(Some(link)) = &mut ctx.observed_mut().link {
        link.status = Some(status.clone());
    }
    Ok(status)
}

/// Everything the model reads, for `plan`: the server, the link and its status.
pub fn observe_all(ctx: &mut Ctx) -> Result<(ServerFacts, Option<ObservedLink>)> {
    let server = server(ctx)?;
    let mut found = link(ctx)?;
    if let Some(link) = &mut found {
        link.status = Some(link_status(ctx, &link.link.id)?);
    }
    Ok((server, found))
}

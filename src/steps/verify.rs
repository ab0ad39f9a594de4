//! Steps 21, 22 and 24: the link works as Jira Align will use it, and the last
//! clicks in Jira Align, watched through its API where a token allows.

use std::time::{Duration, Instant};

use super::guided::guide;
use super::Outcome;
use crate::align::{AlignApi, Feature};
use crate::context::inputs;
use crate::context::service::ServiceAccess;
use crate::context::Ctx;
use crate::domain::ConnectorAuth;
use crate::error::{AppError, Result};
use crate::http::{ClientError, Credential, Result as ClientResult};
use crate::jira::service::{SearchResult, ServiceJira};
use crate::jira::{Project, User};
use crate::model::observe::{joined, NamedProject, ProjectSeen};
use crate::model::Observation;
use crate::state::StepStatus;
use crate::ui;

const POLL_EVERY: Duration = Duration::from_secs(2);

pub fn acting_account(ctx: &mut Ctx) -> Result<Outcome> {
    let base = ctx.url(&inputs::JIRA_URL)?;
    let access = ctx.service_access()?;
    let oauth = matches!(access, ServiceAccess::Ours(Credential::OAuth { .. }));
    // Step 20 of this run may have read whom the token acts as.
    let known = ctx.observed().token_account.clone().filter(|_| oauth);
    let verified = match ctx.service_client(&base, &access) {
        Some(jira) => {
            let name = match known {
                Some(name) => name,
                None => {
                    // In a whole run step 24 follows: its reads go beside this one.
                    let asked = ctx.given(&inputs::TEST_PROJECT).filter(|_| {
                        !ctx.run().single_step && ctx.observed().token_project.is_none()
                    });
                    let (me, seen) = myself_with_project(&jira, ctx.observed(), asked.as_deref());
                    if seen.is_some() {
                        ctx.observed_mut().token_project = seen;
                    }
                    me.map_err(|err| renew_hint(err, &access))?.name
                }
            };
            let how = describe(&access);
            ui::ok(&format!("Jira answers {how} as {name}"));
            check_account(ctx, &name, &how);
            ctx.update_state(|state| {
                if let Some(token) = state.token.as_mut().filter(|_| oauth) {
                    token.account = Some(name.clone());
                }
            })?;
            format!("acts as {name}")
        }
        None => {
            ui::info("Jira Align holds the OAuth token: it acts as the account that clicked Allow at step 19.");
            "Jira Align holds the token".to_string()
        }
    };
    Ok(with_guide(
        guide(ctx, "Save the connector in Jira Align.", &[])?,
        verified,
    ))
}

pub fn test_connection(ctx: &mut Ctx) -> Result<Outcome> {
    let auth = ctx.connector_auth();
    if auth != ConnectorAuth::Basic {
        return Ok(Outcome::Skipped(format!(
            "Test Now applies to Basic authentication; this connector uses {}",
            auth.label()
        )));
    }
    let base = ctx.url(&inputs::JIRA_URL)?;
    let access = ctx.service_access()?;
    let jira = ctx
        .service_client(&base, &access)
        .expect("Basic credentials are ours");
    let info = jira.server_info()?;
    ui::ok(&format!(
        "the service account's password reaches Jira {} (what Test Now checks)",
        info.version.as_deref().unwrap_or("")
    ));
    let guided = guide(
        ctx,
        "Click Test Now on the connector. The result takes a few minutes and the page does not refresh by itself: reload it to see the outcome.",
        &[],
    )?;
    Ok(with_guide(guided, "Basic credentials work".into()))
}

pub fn test_project(ctx: &mut Ctx) -> Result<Outcome> {
    let key = ctx.value(&inputs::TEST_PROJECT)?;
    let jira_side = check_jira_side(ctx, &key)?;
    let guided = guide(
        ctx,
        "In Jira Align, map the project to a program (Administration > Connectors > Jira Settings > Manage Projects), make sure the connector is active, and wait for the sync.",
        &[("Jira project", key.clone())],
    )?;
    let Some(auth) = ctx.align_api_auth()? else {
        ui::info("No Jira Align API token (align.api_token): align-link cannot watch the sync; check Features in Jira Align.");
        return Ok(with_guide(guided, jira_side));
    };
    // Watch the sync only once the connector is said to be active.
    let confirmed_now = matches!(guided, Outcome::Confirmed(..));
    let activated = ctx.state().step_status(23) == StepStatus::Done;
    if !(confirmed_now || activated || ctx.run().single_step) {
        ui::info(&format!(
            "The connector is not confirmed active yet (step 23): run `{}` once it is.",
            crate::util::suggest::command("step 24")
        ));
        return Ok(with_guide(guided, jira_side));
    }
    let site = ctx.url(&inputs::ALIGN_URL)?;
    let timeout = ctx.sync_timeout();
    let api = AlignApi::new(ctx.http(), site, auth);
    match wait_for_features(&api, &key, timeout)? {
        Some(features) => {
            let keys: Vec<&str> = features
                .iter()
                .filter_map(|f| f.external_key.as_deref())
                .take(5)
                .collect();
            ui::ok(&format!(
                "Jira Align shows {} feature(s) from {key}{}",
                features.len(),
                if keys.is_empty() {
                    String::new()
                } else {
                    format!(": {}", keys.join(", "))
                }
            ));
            let synced = format!("{jira_side}; {} feature(s) synced", features.len());
            Ok(match guided {
                Outcome::Confirmed(_, shown) => Outcome::Confirmed(synced, shown),
                _ => Outcome::Done(synced),
            })
        }
        None => {
            ui::warn(&format!(
                "no features from {key} appeared in Jira Align within {} s",
                timeout.as_secs()
            ));
            ui::info(&format!(
                "Check, in this order:\n\
                 - the connector is active and its Service Light is green (step 23);\n\
                 - {key} is mapped to a program under Jira Settings > Manage Projects;\n\
                 - the project has issues of a type Jira Align maps to features;\n\
                 - Jira lets Jira Align's egress IPs reach /rest/api/2, /rest/agile/1.0 and\n\
                   /rest/greenhopper/1.0;\n\
                 - the sync may simply not have run yet: rerun `{}` later.",
                crate::util::suggest::command("step 24")
            ));
            Ok(Outcome::NeedsOperator(format!(
                "{jira_side}; no features from {key} yet"
            )))
        }
    }
}

/// The credential's signed `myself`, with step 24's project reads beside it
/// when `asked` names the project.
pub fn myself_with_project(
    jira: &ServiceJira,
    observed: &Observation,
    asked: Option<&str>,
) -> (ClientResult<User>, Option<ProjectSeen>) {
    let Some(key) = asked else {
        return (jira.myself(), None);
    };
    let known = known_project(observed, key);
    let (me, (project, found)) = project_reads(jira, key, known.is_none(), || jira.myself());
    (me, ProjectSeen::from_reads(key, known, project, found))
}

/// The project read (when made) and the search in it.
type ProjectReads = (
    Option<ClientResult<Option<Project>>>,
    ClientResult<Option<SearchResult>>,
);

/// A search in project `key` (and, with `read_project`, the project), sent
/// beside `beside`.
fn project_reads<T>(
    jira: &ServiceJira,
    key: &str,
    read_project: bool,
    beside: impl FnOnce() -> T,
) -> (T, ProjectReads) {
    std::thread::scope(|s| {
        let project = read_project.then(|| s.spawn(|| jira.project(key)));
        let found = s.spawn(|| jira.search_project(key));
        (beside(), (project.map(joined), joined(found)))
    })
}

/// The test project as step 7 of this run saw it, if it did.
fn known_project(observed: &Observation, asked: &str) -> Option<NamedProject> {
    let known = observed.service_project.as_ref()?;
    (known.asked == asked).then(|| known.clone())
}

/// In Jira: the service account sees the project and can search its issues.
fn check_jira_side(ctx: &mut Ctx, key: &str) -> Result<String> {
    let base = ctx.url(&inputs::JIRA_URL)?;
    let access = ctx.service_access()?;
    let visible = match ctx
        .observed()
        .token_project
        .as_ref()
        .filter(|s| s.asked == key)
    {
        Some(seen) => seen.visible.clone(),
        None => {
            let Some(jira) = ctx.service_client(&base, &access) else {
                // Jira Align holds the token: the administrator can at least confirm the project exists.
                let Some(project) = ctx.jira_admin()?.project(key)? else {
                    return Err(cannot_see(ctx, &access, key));
                };
                ui::ok(&format!(
                    "project {} \"{}\" exists; the service account needs Browse Projects on it",
                    project.key, project.name
                ));
                return Ok(format!("project {key} exists"));
            };
            // The project as step 7 of this run saw it, else read beside the search.
            let known = known_project(ctx.observed(), key);
            let ((), (project, found)) = project_reads(&jira, key, known.is_none(), || ());
            let project = project.transpose()?.map(Ok);
            ProjectSeen::from_reads(key, known, project, Ok(found?)).and_then(|seen| seen.visible)
        }
    };
    // Jira hides the project (404) and refuses a search in it (400) alike.
    let Some(project) = visible else {
        return Err(cannot_see(ctx, &access, key));
    };
    let issues = project.issues;
    ui::ok(&format!(
        "{} \"{}\" is visible {}, and a JQL search finds {issues} issue(s)",
        project.key,
        project.name,
        describe(&access)
    ));
    Ok(format!("project {key} visible, {issues} issue(s)"))
}

/// Jira hides project `key` from the credential (or has none: it answers alike).
fn cannot_see(ctx: &Ctx, access: &ServiceAccess, key: &str) -> AppError {
    let oauth = matches!(access, ServiceAccess::Ours(Credential::OAuth { .. }));
    let token_account = (ctx.observed().token_account.clone())
        .or_else(|| ctx.state().token.as_ref()?.account.clone())
        .filter(|_| oauth);
    let account = (token_account.or(ctx.given(&inputs::SERVICE_USERNAME)))
        .unwrap_or_else(|| "the service account".into());
    let problem = match access {
        ServiceAccess::Ours(Credential::OAuth { .. }) => format!(
            "the OAuth token cannot see project {key} in Jira: Jira hides it from {account}, whom the token acts as"
        ),
        ServiceAccess::Ours(Credential::Token(_)) => format!(
            "the personal access token cannot see project {key} in Jira: Jira hides it from {account}"
        ),
        _ => format!("{account} cannot see project {key} in Jira"),
    };
    AppError::failed(problem).hint(format!(
        "Check the key (jira.test_project), and give {account} the Browse Projects permission in {key}'s permission scheme; then rerun `{}`.",
        crate::util::suggest::command("step 24")
    ))
}

/// Polls Jira Align (bounded by `timeout`, with a spinner in a terminal).
fn wait_for_features(api: &AlignApi, key: &str, timeout: Duration) -> Result<Option<Vec<Feature>>> {
    let spinner = ui::Spinner::start();
    let started = Instant::now();
    loop {
        let left = timeout.saturating_sub(started.elapsed());
        spinner.say(format!(
            "waiting for features from {key} in Jira Align ({} s left)",
            left.as_secs()
        ));
        let features = api.features_of_project(key)?;
        if !features.is_empty() {
            return Ok(Some(features));
        }
        if left.is_zero() {
            return Ok(None);
        }
        std::thread::sleep(POLL_EVERY.min(left));
    }
}

/// Warns when Jira answers as someone other than the expected service account.
pub fn check_account(ctx: &Ctx, acting: &str, how: &str) {
    if let Some(expected) = &ctx.given(&inputs::SERVICE_USERNAME) {
        if !expected.eq_ignore_ascii_case(acting) {
            ui::warn(&format!(
                "{how} acts as {acting}, not as the service account {expected}: Jira Align would act with {acting}'s rights"
            ));
        }
    }
}

/// A refused PAT or password: how Jira Align takes the new one (the guide's note).
fn renew_hint(err: ClientError, access: &ServiceAccess) -> AppError {
    let what = match access {
        ServiceAccess::Ours(Credential::Token(_)) => "token",
        ServiceAccess::Ours(Credential::Basic(..)) => "password",
        _ => return err.into(),
    };
    if err.http_status() != Some(401) {
        return err.into();
    }
    AppError::from(err).hint(format!(
        "Jira refused the service account's {what}: it may have expired or changed. Put the new one in the answers file, rerun this step, then in Jira Align: Deactivate the connector, enter the new {what}, Save, Activate."
    ))
}

fn describe(access: &ServiceAccess) -> String {
    match access {
        ServiceAccess::Ours(Credential::OAuth { .. }) => "to the OAuth token".into(),
        ServiceAccess::Ours(Credential::Token(_)) => {
            "to the service account's personal access token".into()
        }
        ServiceAccess::Ours(Credential::Basic(user, _)) => format!("to {user}'s password"),
        ServiceAccess::HeldByAlign => "to Jira Align's token".into(),
    }
}

/// A verified step that then guided a click waits until the click is confirmed.
fn with_guide(guided: Outcome, verified: String) -> Outcome {
    match guided {
        Outcome::NeedsOperator(why) => {
            Outcome::NeedsOperator(format!("{verified}; Jira Align part {why}"))
        }
        // The values the confirmation showed stay with the record.
        Outcome::Confirmed(_, shown) => Outcome::Confirmed(verified, shown),
        _ => Outcome::Done(verified),
    }
}

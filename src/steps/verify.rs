//! Steps 21, 22 and 24: prove the link works with the access token, the way Jira
//! Align will use it, and guide the last clicks in Jira Align.

use super::{guided::guide, handshake, keys::key_source, Outcome};
use crate::answers::KeySource;
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::jira::admin::JiraAdmin;
use crate::jira::signed::SignedJira;
use crate::ui;

pub fn acting_account(ctx: &mut Ctx) -> Result<Outcome> {
    if key_source(ctx) == KeySource::Align {
        return guide(ctx, "Save the connector in Jira Align.", &[]);
    }
    let account = handshake::signed_myself(ctx)?;
    ui::ok(&format!(
        "signed GET /rest/api/2/myself: the link acts as {account}"
    ));
    if let Some(token) = ctx.state.token.as_mut() {
        token.account = Some(account.clone());
    }
    ctx.save()?;
    let verified = format!("acts as {account}");
    Ok(with_guide(
        guide(ctx, "Save the connector in Jira Align.", &[])?,
        verified,
    ))
}

pub fn test_connection(ctx: &mut Ctx) -> Result<Outcome> {
    ui::info("Jira Align's Test Now button tests Basic authentication only; with OAuth, skip it.");
    if key_source(ctx) == KeySource::Align {
        return Ok(Outcome::Skipped(
            "Test Now applies to Basic authentication; this connector uses OAuth".into(),
        ));
    }
    let (base, signer, token, problem_context) = handshake::signing_parts(ctx)?;
    let info = SignedJira {
        http: &ctx.http,
        base: &base,
        signer: &signer,
        token: &token.token,
        problem_context,
    }
    .server_info()?;
    ui::ok(&format!(
        "signed GET /rest/api/2/serverInfo answers: Jira {}, base URL {}",
        info.version.as_deref().unwrap_or("?"),
        info.base_url.as_deref().unwrap_or("?")
    ));
    Ok(Outcome::Done("the token reaches Jira".into()))
}

pub fn test_project(ctx: &mut Ctx) -> Result<Outcome> {
    let key = ctx.test_project()?;
    let project = if key_source(ctx) == KeySource::Align {
        // Jira Align holds the token; the administrator can at least confirm the project exists.
        let (base, auth) = ctx.admin_parts()?;
        JiraAdmin::new(&ctx.http, base, auth).project(&key)?
    } else {
        let (base, signer, token, problem_context) = handshake::signing_parts(ctx)?;
        SignedJira {
            http: &ctx.http,
            base: &base,
            signer: &signer,
            token: &token.token,
            problem_context,
        }
        .project(&key)?
    };
    let Some(project) = project else {
        let account = ctx
            .state
            .token
            .as_ref()
            .and_then(|t| t.account.clone())
            .unwrap_or_else(|| "the account".into());
        return Err(AppError::failed(format!("{account} cannot see project {key} in Jira"))
            .hint(format!("Check the key (jira.test_project), and give {account} the Browse Projects permission in {key}'s permission scheme.")));
    };
    ui::ok(&format!(
        "project {} \"{}\" is visible through the link",
        project.key, project.name
    ));
    let verified = format!("project {} visible", project.key);
    let guided = guide(
        ctx,
        "In Jira Align, map the project to a program (Administration > Connectors >\n\
         Jira Settings > Manage Projects), then watch its issues arrive as features.",
        &[(
            "Jira project",
            format!("{} ({})", project.key, project.name),
        )],
    )?;
    Ok(with_guide(guided, verified))
}

/// A step that verified something and then guided a click: it waits for the
/// operator until the click is confirmed, keeping what was verified.
fn with_guide(guided: Outcome, verified: String) -> Outcome {
    match guided {
        Outcome::NeedsOperator(why) => {
            Outcome::NeedsOperator(format!("{verified}; Jira Align part {why}"))
        }
        _ => Outcome::Done(verified),
    }
}

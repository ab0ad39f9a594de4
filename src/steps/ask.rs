//! What the steps ask the operator, asked before the run's first request: each
//! row of `STEPS` lists its questions, and a terminal run puts those of its steps
//! in order, skipping what is known. Steps still ask in place what only they can
//! know (a guided confirmation, a default read from Jira, a refused value).

use super::connector::ask_connector_auth;
use super::keys::decide_key_source;
use super::Step;
use crate::context::inputs::{self, Input};
use crate::context::Ctx;
use crate::domain::{Approval, ConnectorAuth, KeySource};
use crate::error::Result;
use crate::state::ACCESS_TOKEN_FILE;

/// One question (or group of questions) a step needs answered.
#[derive(Clone, Copy)]
pub enum Ask {
    /// A plain input from the inputs table.
    Value(&'static Input),
    /// Jira Align's API token (optional: an empty answer skips its checks).
    AlignApiToken,
    /// How Jira Align's connector signs in to Jira (step 4).
    ConnectorAuth,
    /// Who makes the RSA key pair, for OAuth (step 5).
    KeySource,
    /// The administrator's sign-in: a personal access token, or Basic.
    AdminSignIn,
    /// The project the preflight reads (step 13, Jira Align's key pair), and the
    /// approver's password when the service account approves.
    PreflightProject,
    /// Who must approve the handshake (steps 17-20), and its password when it
    /// approves as itself; not asked while a stored token may serve.
    Approver,
    /// The approver of a token that replaces the stored one (`renew`).
    NewTokenApprover,
    /// The service account's PAT or password (steps 21 and 24).
    ServiceCredential,
    /// The password for a Basic connector's Test Now (step 22).
    BasicPassword,
}

/// In a terminal run, asks what `steps` need, in step order; the steps for OAuth
/// only ask nothing without it (known once the steps before them asked).
pub fn up_front(ctx: &mut Ctx, steps: &[&Step]) -> Result<()> {
    for step in steps {
        let oauth = ctx.connector_auth() == ConnectorAuth::OAuth;
        if oauth || !super::OAUTH_ONLY.contains(&step.number) {
            these(ctx, step.asks)?;
        }
    }
    Ok(())
}

/// In a terminal run, asks these in order (`renew`, `unlink`); without one a
/// missing answer is named where it is needed.
pub fn these(ctx: &mut Ctx, asks: &[Ask]) -> Result<()> {
    if !ctx.interactive() {
        return Ok(());
    }
    asks.iter().try_for_each(|ask| resolve(ctx, *ask))
}

fn resolve(ctx: &mut Ctx, ask: Ask) -> Result<()> {
    let oauth = ctx.connector_auth() == ConnectorAuth::OAuth;
    match ask {
        Ask::Value(input) => ctx.value(input).map(drop),
        Ask::AlignApiToken => ctx.align_api_auth().map(drop),
        Ask::ConnectorAuth => ask_connector_auth(ctx).map(drop),
        Ask::KeySource if oauth => decide_key_source(ctx).map(drop),
        Ask::AdminSignIn => ctx.admin_auth().map(drop),
        Ask::PreflightProject if oauth && super::preflight::wanted(ctx) => {
            ctx.value(&inputs::TEST_PROJECT)?;
            service_approval(ctx)
        }
        Ask::Approver if oauth && ctx.key_source() == KeySource::Generate => {
            // `setup` and `step 20` try a stored token first; 17-19 never do.
            let token_stored = ctx.state().token.is_some() && ctx.store().exists(ACCESS_TOKEN_FILE);
            let handshake_anyway = ctx.run().single_step && !ctx.run().converges(20);
            if token_stored && !handshake_anyway {
                return Ok(());
            }
            resolve(ctx, Ask::NewTokenApprover)
        }
        Ask::NewTokenApprover if oauth && ctx.key_source() == KeySource::Generate => {
            ctx.value(&inputs::SERVICE_USERNAME)?;
            service_approval(ctx)
        }
        Ask::BasicPassword if ctx.connector_auth() == ConnectorAuth::Basic => {
            resolve(ctx, Ask::ServiceCredential)
        }
        Ask::ServiceCredential => match ctx.connector_auth() {
            ConnectorAuth::Pat => ctx.value(&inputs::SERVICE_TOKEN).map(drop),
            // The username is never asked: it must be the connector's.
            ConnectorAuth::Basic => match ctx.known(&inputs::SERVICE_USERNAME) {
                Some(username) => ctx.password(&inputs::SERVICE_PASSWORD, &username).map(drop),
                None => Ok(()),
            },
            ConnectorAuth::OAuth => Ok(()),
        },
        Ask::KeySource
        | Ask::PreflightProject
        | Ask::Approver
        | Ask::NewTokenApprover
        | Ask::BasicPassword => Ok(()),
    }
}

/// With `oauth.approval = "service-account"`: the account's name and password,
/// now rather than once Jira has changed (leg one goes out at step 13).
fn service_approval(ctx: &mut Ctx) -> Result<()> {
    if ctx.given_approval() == Some(Approval::ServiceAccount) {
        let username = ctx.value(&inputs::SERVICE_USERNAME)?;
        ctx.password(&inputs::SERVICE_PASSWORD, &username)?;
    }
    Ok(())
}

//! What the steps ask the operator for, asked before the run's first request:
//! each step's row in `STEPS` lists its questions, and a terminal run puts those
//! of the steps it converges, in step order, before anything goes to Jira or
//! Jira Align. A value already known (the answers file, the saved state, a kept
//! answer) is not asked. Steps still ask in place what only they can know (a
//! guided confirmation, a name whose default comes from what Jira holds, a
//! value refused and asked again).

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
    /// The test project the preflight reads with its temporary token (step 13,
    /// for Jira Align's key pair), and the approver's password when the
    /// service account approves.
    PreflightProject,
    /// The account that must approve the handshake (steps 17-20, for
    /// align-link's own key pair), and its password when it approves as
    /// itself, unless a stored token may still serve.
    Approver,
    /// The approver of a token that replaces the stored one whatever Jira
    /// thinks of it (`renew`).
    NewTokenApprover,
    /// The service account's PAT or password, for a connector that signs in
    /// with one (steps 21 and 24).
    ServiceCredential,
    /// The service account's password for a Basic connector (step 22's Test
    /// Now; with a PAT or OAuth the step is skipped).
    BasicPassword,
}

/// In a terminal run, asks up front what `steps` need, in step order; none of
/// what a step skipped for the connector's sign-in needs (steps 13 to 20
/// without OAuth), judged once the steps before it have asked for that sign-in.
pub fn up_front(ctx: &mut Ctx, steps: &[&Step]) -> Result<()> {
    for step in steps {
        let oauth = ctx.connector_auth() == ConnectorAuth::OAuth;
        if oauth || !(13..=20).contains(&step.number) {
            these(ctx, step.asks)?;
        }
    }
    Ok(())
}

/// In a terminal run, asks these in order (for a command whose work is not
/// the steps alone: `renew`, `unlink`). Without a terminal nothing is asked:
/// a missing answer is named where it is needed.
pub fn these(ctx: &mut Ctx, asks: &[Ask]) -> Result<()> {
    if !ctx.interactive() {
        return Ok(());
    }
    asks.iter().try_for_each(|ask| resolve(ctx, *ask))
}

fn resolve(ctx: &mut Ctx, ask: Ask) -> Result<()> {
    let oauth = ctx.connector_auth() == ConnectorAuth::OAuth;
    match ask {
        Ask::Value(input) => {
            let _ = ctx.value(input)?;
        }
        Ask::AlignApiToken => {
            let _ = ctx.align_api_auth()?;
        }
        Ask::ConnectorAuth => {
            let _ = ask_connector_auth(ctx)?;
        }
        Ask::KeySource if oauth => {
            let _ = decide_key_source(ctx)?;
        }
        Ask::AdminSignIn => {
            let _ = ctx.admin_auth()?;
        }
        Ask::PreflightProject if oauth && super::preflight::wanted(ctx) => {
            let _ = ctx.value(&inputs::TEST_PROJECT)?;
            service_approval(ctx)?;
        }
        Ask::Approver if oauth && ctx.key_source() == KeySource::Generate => {
            // A stored token needs no approver: `setup` (step 17) and `step 20`
            // check it first. `step 17`, `18` and `19` always run the handshake.
            let token_stored = ctx.state().token.is_some() && ctx.store().exists(ACCESS_TOKEN_FILE);
            let handshake_anyway = ctx.run().single_step && !ctx.run().converges(20);
            if !token_stored || handshake_anyway {
                resolve(ctx, Ask::NewTokenApprover)?;
            }
        }
        Ask::NewTokenApprover if oauth && ctx.key_source() == KeySource::Generate => {
            let _ = ctx.value(&inputs::SERVICE_USERNAME)?;
            service_approval(ctx)?;
        }
        Ask::BasicPassword if ctx.connector_auth() == ConnectorAuth::Basic => {
            resolve(ctx, Ask::ServiceCredential)?;
        }
        Ask::ServiceCredential => match ctx.connector_auth() {
            ConnectorAuth::Pat => {
                let _ = ctx.value(&inputs::SERVICE_TOKEN)?;
            }
            // The username is never asked: it must be the connector's.
            ConnectorAuth::Basic => {
                if let Some(username) = ctx.known(&inputs::SERVICE_USERNAME) {
                    let _ = ctx.password(&inputs::SERVICE_PASSWORD, &username)?;
                }
            }
            ConnectorAuth::OAuth => {}
        },
        Ask::KeySource
        | Ask::PreflightProject
        | Ask::Approver
        | Ask::NewTokenApprover
        | Ask::BasicPassword => {}
    }
    Ok(())
}

/// With `oauth.approval = "service-account"`, align-link approves as the
/// service account (`handshake::service_approver`): its name and password,
/// which would otherwise be asked with Jira changed already (the handshake's
/// first leg goes out beside the consumer's read-back at step 13).
fn service_approval(ctx: &mut Ctx) -> Result<()> {
    if ctx.given_approval() == Some(Approval::ServiceAccount) {
        let username = ctx.value(&inputs::SERVICE_USERNAME)?;
        let _ = ctx.password(&inputs::SERVICE_PASSWORD, &username)?;
    }
    Ok(())
}

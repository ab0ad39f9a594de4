//! How the service account reaches Jira in this setup, for the checks of steps
//! 20 to 24: align-link's own OAuth token, or the connector's PAT or password.
//! When Jira Align holds the OAuth token, align-link has nothing to call with.

use url::Url;

use super::keys::key_source;
use crate::context::{inputs, Ctx};
use crate::domain::{ConnectorAuth, KeySource, Secret};
use crate::error::{AppError, Result};
use crate::jira::service::{Credential, ServiceJira};
use crate::oauth::{ProblemContext, Signer};
use crate::prompt::missing_answer;
use crate::state::{AccessToken, ACCESS_TOKEN_FILE};
use crate::ui;

pub enum ServiceAccess {
    OAuth {
        signer: Signer,
        token: AccessToken,
    },
    Pat(Secret),
    Basic(String, Secret),
    /// Jira Align made the key pair and holds the token.
    HeldByAlign,
}

pub fn service_access(ctx: &mut Ctx) -> Result<ServiceAccess> {
    match ctx.connector_auth() {
        ConnectorAuth::OAuth if key_source(ctx) == KeySource::Align => {
            Ok(ServiceAccess::HeldByAlign)
        }
        ConnectorAuth::OAuth => Ok(ServiceAccess::OAuth {
            signer: ctx.signer()?,
            token: stored_token(ctx)?,
        }),
        ConnectorAuth::Pat => Ok(ServiceAccess::Pat(ctx.secret(&inputs::SERVICE_TOKEN)?)),
        ConnectorAuth::Basic => {
            // Not asked: the name must be the one Jira Align's connector was given.
            let username = ctx
                .known(&inputs::SERVICE_USERNAME)
                .ok_or_else(|| missing_answer(inputs::SERVICE_USERNAME.key))?;
            let password = ctx.password(&inputs::SERVICE_PASSWORD, &username)?;
            Ok(ServiceAccess::Basic(username, password))
        }
    }
}

/// The access token step 17 stored.
pub fn stored_token(ctx: &Ctx) -> Result<AccessToken> {
    let text = ctx
        .store
        .read_secret(ACCESS_TOKEN_FILE)?
        .ok_or_else(|| crate::context::needs_step(17, "the OAuth access token"))?;
    toml::from_str(&text).map_err(|err| {
        AppError::failed(format!(
            "{}: unreadable ({})",
            ctx.store.dir().join(ACCESS_TOKEN_FILE).display(),
            err.message()
        ))
        .hint("Delete the file and rerun step 17 for a fresh token.")
    })
}

/// A client for `access`; None when Jira Align holds the credential.
pub fn client<'a>(
    ctx: &'a Ctx,
    base: &'a Url,
    access: &'a ServiceAccess,
) -> Option<ServiceJira<'a>> {
    let credential = match access {
        ServiceAccess::OAuth { signer, token } => Credential::OAuth {
            signer,
            token: &token.token,
        },
        ServiceAccess::Pat(token) => Credential::Bearer(token),
        ServiceAccess::Basic(user, password) => Credential::Basic(user, password),
        ServiceAccess::HeldByAlign => return None,
    };
    Some(ServiceJira {
        http: ctx.http(),
        base,
        credential,
        problem_context: problem_context(ctx),
    })
}

/// What Jira's OAuth problems are explained with.
pub fn problem_context(ctx: &Ctx) -> ProblemContext {
    ProblemContext {
        jira_url: ctx.state.jira.as_ref().map(|j| j.url.clone()),
        consumer_key_sent: ctx.state.consumer.as_ref().map(|c| c.key.clone()),
        // Only Jira can say what the link holds; `explain_consumer` asks it when needed.
        consumer_key_on_link: None,
        clock_skew_secs: ctx.state.jira.as_ref().and_then(|j| j.clock_skew_secs),
        our_base_string: None,
    }
}

/// Warns when Jira answers as someone other than the expected service account.
pub fn check_account(ctx: &Ctx, acting: &str, how: &str) {
    if let Some(expected) = &ctx.answers().service_account.username {
        if !expected.eq_ignore_ascii_case(acting) {
            ui::warn(&format!(
                "{how} acts as {acting}, not as the service account {expected}: Jira Align would act with {acting}'s rights"
            ));
        }
    }
}

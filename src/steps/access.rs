//! The service account's side of the checks of steps 20 to 24. `Ctx` makes the
//! client (`Ctx::service_access`, `Ctx::jira_as`); these names stay for the
//! steps that call them.

use url::Url;

use crate::context::Ctx;
use crate::error::Result;
use crate::jira::service::ServiceJira;
use crate::oauth::ProblemContext;
use crate::ui;

pub use crate::context::service::ServiceAccess;

pub fn service_access(ctx: &mut Ctx) -> Result<ServiceAccess> {
    ctx.service_access()
}

/// A client for `access` at `base`; None when Jira Align holds the credential.
pub fn client(ctx: &Ctx, base: &Url, access: &ServiceAccess) -> Option<ServiceJira> {
    Some(ServiceJira::new(
        ctx.http(),
        base.clone(),
        access.credential()?,
        ctx.service_problem_context(),
    ))
}

/// What Jira's OAuth problems are explained with.
pub fn problem_context(ctx: &Ctx) -> ProblemContext {
    ctx.service_problem_context()
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

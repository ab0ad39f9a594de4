//! The service account's side of the checks of steps 20 to 24. `Ctx` decides how
//! the service account signs in (`Ctx::service_access`); `client` is its client.

use url::Url;

use crate::context::inputs;
use crate::context::Ctx;
use crate::jira::service::ServiceJira;
use crate::ui;

pub use crate::context::service::ServiceAccess;

/// A client for `access` at `base`; None when Jira Align holds the credential.
pub fn client(ctx: &Ctx, base: &Url, access: &ServiceAccess) -> Option<ServiceJira> {
    Some(ServiceJira::new(
        ctx.http(),
        base.clone(),
        access.credential()?,
        ctx.service_problem_context(),
    ))
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

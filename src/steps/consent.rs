//! Consent to replace or remove what this profile did not put in Jira: asked in
//! a terminal (default No), given by `--replace-existing`, else refused.

use super::jira_access::ensure_validated;
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::model::{render, Change};
use crate::ui;

/// The read-only checks (once per run), then consent where the change needs it.
pub fn authorize(ctx: &mut Ctx, change: &Change) -> Result<()> {
    ensure_validated(ctx)?;
    consent(ctx, change)
}

/// Consent alone, where the change needs it (`unlink` needs no checks first).
pub fn consent(ctx: &mut Ctx, change: &Change) -> Result<()> {
    if !change.needs_consent()
        || ctx.replace_existing()
        || ctx.run().consented.contains(&change.description)
    {
        return Ok(());
    }
    ui::warn("this change replaces what this profile did not put in Jira (another setup may rely on it):");
    ui::info(&render::text(change));
    if ctx.interactive() {
        if ctx.prompter().confirm("Make this change in Jira?", false)? {
            ctx.run_mut().consented.push(change.description.clone());
            return Ok(());
        }
        return Err(AppError::failed(format!(
            "not changed: you declined to {}",
            change.description
        ))
        .hint(format!(
            "Jira is as it was. `{}` shows every change setup would make.",
            crate::util::suggest::command("plan")
        )));
    }
    Err(AppError::failed(format!(
        "refusing to {} without consent: this profile did not put it there",
        change.description
    ))
    .hint(format!("Jira was not changed. If nothing else relies on it, rerun with --replace-existing (or set `replace_existing = true` under [jira] in the answers file); `{}` shows every change first.", crate::util::suggest::command("plan"))))
}

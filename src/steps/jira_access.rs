//! Step 7: is this Jira, do the administrator's credentials work, do they carry
//! administrator rights, and are the clocks close enough for OAuth?

use super::Outcome;
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::jira::admin::JiraAdmin;
use crate::state::JiraFacts;
use crate::ui;
use crate::util::time::now_rfc3339;

/// Past this the operator is warned; Jira refuses OAuth timestamps about 300 s off.
pub const SKEW_WARNING_SECS: i64 = 60;

pub fn check_admin_access(ctx: &mut Ctx) -> Result<Outcome> {
    let url = ctx.jira_url()?;
    ctx.http.check_url(&url, "jira.url")?;
    let auth = ctx.admin_auth()?;
    let auth_label = auth.describe();
    let admin = JiraAdmin::new(&ctx.http, url.clone(), auth);
    let info = admin.server_info()?;
    let (user, response) = admin.myself()?;
    if !admin.is_administrator()? {
        return Err(AppError::failed(format!(
            "{} can sign in to Jira but is not a Jira administrator",
            user.name
        ))
        .hint("Application links need Jira administrator rights: use an administrator's token or password (jira.admin_token or jira.admin_username)."));
    }
    ui::ok(&format!(
        "Jira {} at {} answers; signed in as {} ({auth_label}), an administrator",
        info.version.as_deref().unwrap_or("(version unknown)"),
        url,
        user.name
    ));
    let skew = response.clock_skew_secs;
    match skew {
        Some(secs) if secs.abs() > SKEW_WARNING_SECS => ui::warn(&format!(
            "Jira's clock is {} s {} this machine's; OAuth fails past about 300 s. Fix the time (NTP) on whichever is wrong.",
            secs.abs(),
            if secs > 0 { "ahead of" } else { "behind" }
        )),
        Some(secs) => ui::ok(&format!("clock skew {secs} s (fine for OAuth)")),
        None => ui::warn("Jira sent no Date header: the clock skew could not be measured"),
    }
    if let Some(base) = &info.base_url {
        if !same_site(base, url.as_str()) {
            ui::warn(&format!(
                "Jira's configured base URL is {base}, but align-link talks to {url}. OAuth signatures cover the URL, so a mismatch (proxy, http vs https, port) ends in signature_invalid. Make Jira's base URL the public one, or use it as jira.url."
            ));
        }
    }
    ctx.state.jira = Some(JiraFacts {
        url: url.to_string(),
        base_url: info.base_url.clone(),
        version: info.version.clone(),
        title: info.server_title.clone(),
        admin_user: Some(user.name.clone()),
        clock_skew_secs: skew,
        checked_at: now_rfc3339(),
    });
    ctx.save()?;
    Ok(Outcome::Done(format!(
        "signed in as {}, an administrator",
        user.name
    )))
}

fn same_site(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    norm(a) == norm(b)
}

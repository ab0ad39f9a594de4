//! `status`: each step's state and the facts worth knowing.

use serde_json::json;

use super::{load_state, print_json, state_dir};
use crate::config::RunConfig;
use crate::error::{Result, EXIT_FAILED};
use crate::outln;
use crate::state::StepStatus;
use crate::steps::STEPS;

/// Exits 1 when a step failed, so that scripts and monitoring can tell.
pub fn status(config: RunConfig, as_json: bool) -> Result<i32> {
    super::profiles::check_known(&config)?;
    super::profiles::check_state_dir_exists(&config)?;
    let dir = state_dir(&config)?;
    let state = load_state(&dir)?;
    let (secrets, secret_rows) = super::secret_places(&dir, config.secret_store)?;
    let any_failed = STEPS
        .iter()
        .any(|step| state.step_status(step.number) == StepStatus::Failed);
    let code = if any_failed { EXIT_FAILED } else { 0 };
    let steps: Vec<_> = STEPS
        .iter()
        .map(|step| {
            let record = state.steps.get(&step.number.to_string());
            let mut json = super::steps::about(step);
            json["status"] = state.step_status(step.number).label().into();
            json["at"] = record.map(|r| r.at.clone()).into();
            json["detail"] = record.and_then(|r| r.detail.clone()).into();
            json
        })
        .collect();
    let facts = json!({
        "jira_url": state.jira.as_ref().map(|j| j.url.clone()),
        "jira_version": state.jira.as_ref().and_then(|j| j.version.clone()),
        "clock_skew_secs": state.jira.as_ref().and_then(|j| j.clock_skew_secs),
        "align_url": state.align.as_ref().map(|a| a.url.clone()),
        "link_id": state.link.as_ref().map(|l| l.id.clone()),
        "link_name": state.link.as_ref().map(|l| l.name.clone()),
        "consumer_key": state.consumer.as_ref().map(|c| c.key.clone()),
        "key_source": state.consumer.as_ref().map(|c| c.key_source),
        "public_key_fingerprint": state.consumer.as_ref().and_then(|c| c.fingerprint.clone()),
        "token_account": state.token.as_ref().and_then(|t| t.account.clone()),
        "token_obtained_at": state.token.as_ref().map(|t| t.obtained_at.clone()),
        "token_expires_at": state.token.as_ref().and_then(|t| t.expires_at.clone()),
        "token_days_left": crate::doctor::token_days_left(&state),
    });
    // On stderr, so `--json` stays parseable and scripts still see it.
    let expiry = crate::doctor::token::expiry(&state);
    if let Some(fix) = &expiry.fix {
        crate::ui::warn(&format!("{}: {fix}", expiry.detail));
    }
    if as_json {
        print_json(json!({
            "profile": config.profile,
            "state_dir": dir,
            "any_failed": any_failed,
            "steps": steps,
            "facts": facts,
            "secrets": secrets,
        }));
        return Ok(code);
    }
    outln!("Profile {} (state in {})", config.profile, dir.display());
    outln!();
    for (step, json) in STEPS.iter().zip(&steps) {
        let status = json["status"].as_str().unwrap_or("");
        let detail = json["detail"].as_str().map(|d| format!(" ({d})"));
        let detail = detail.unwrap_or_default();
        let row = format!("{:>2}  {status:<18}  {}{detail}", step.number, step.title);
        crate::ui::hanging(&row, 24);
    }
    outln!();
    let labels = [
        ("Jira", "jira_url"),
        ("Jira version", "jira_version"),
        ("Clock skew (s)", "clock_skew_secs"),
        ("Jira Align", "align_url"),
        ("Link id", "link_id"),
        ("Link name", "link_name"),
        ("Consumer key", "consumer_key"),
        ("Key pair from", "key_source"),
        ("Public key", "public_key_fingerprint"),
        ("Token acts as", "token_account"),
        ("Token obtained", "token_obtained_at"),
        ("Token expires", "token_expires_at"),
    ];
    let mut rows = super::json_rows(&facts, &labels);
    rows.extend(secret_rows);
    crate::ui::fields(&rows);
    if any_failed {
        outln!();
        let step = crate::util::suggest::command("step N");
        outln!("A step failed: `{step}` runs it again.");
    }
    Ok(code)
}

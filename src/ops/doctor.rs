//! `doctor`: the live checks of `crate::doctor`. It never asks: what it cannot
//! check without a missing answer is a skip that names the key.

use serde_json::json;

use super::{open_context_as, print_json, Access};
use crate::config::RunConfig;
use crate::doctor::{self, Verdict};
use crate::error::Result;
use crate::ui;

pub fn doctor(config: RunConfig, as_json: bool) -> Result<i32> {
    if config.answers.is_none() {
        super::profiles::check_known(&config)?;
    }
    let mut ctx = open_context_as(config, Access::Inspect)?;
    let checks = doctor::run_all(&mut ctx);
    let code = doctor::exit_code(&checks);
    let [pass, warn, fail, skip] = [Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Skip]
        .map(|verdict| checks.iter().filter(|c| c.verdict == verdict).count());
    if as_json {
        print_json(json!({
            "profile": ctx.config().profile,
            "ok": code == 0,
            "counts": {"pass": pass, "warn": warn, "fail": fail, "skip": skip},
            "checks": checks,
        }));
        return Ok(code);
    }
    for check in &checks {
        use crate::ui::style::{paint, Stream, Tone};
        let mark = match check.verdict {
            Verdict::Pass => paint("pass", Tone::Good, Stream::Stdout),
            Verdict::Warn => paint("WARN", Tone::Warn, Stream::Stdout),
            Verdict::Fail => paint("FAIL", Tone::Bad, Stream::Stdout),
            Verdict::Skip => paint("skip", Tone::Quiet, Stream::Stdout),
        };
        ui::hanging(&format!("{mark}  {}: {}", check.title, check.detail), 6);
        if let Some(fix) = &check.fix {
            ui::hanging(&format!("      Fix: {fix}"), 11);
        }
    }
    crate::outln!();
    crate::outln!("{pass} passed, {warn} warning(s), {fail} failed, {skip} skipped");
    Ok(code)
}

//! `align-link doctor`: the live checks of `crate::doctor`, printed as text or
//! JSON. Read-only: it takes no run lock, writes no state, and needs no state at
//! all when the answers file gives the URLs and credentials (the link is found
//! by its URL).

use std::sync::Arc;

use serde_json::json;

use super::{print_json, state_dir, JSON_SCHEMA};
use crate::answers::Answers;
use crate::config::RunConfig;
use crate::context::Ctx;
use crate::doctor::{self, Check, Verdict};
use crate::error::Result;
use crate::prompt::{NeverAsk, Prompter};
use crate::store::Store;
use crate::ui;
use crate::ui::log::OperatorLog;

pub fn run(config: RunConfig, as_json: bool) -> Result<i32> {
    let mut ctx = open_read_only(config)?;
    let checks = doctor::run_all(&mut ctx);
    let code = doctor::exit_code(&checks);
    let count = |verdict: Verdict| checks.iter().filter(|c| c.verdict == verdict).count();
    if as_json {
        print_json(&json!({
            "schema": JSON_SCHEMA,
            "profile": ctx.config.profile,
            "ok": code == 0,
            "counts": {
                "pass": count(Verdict::Pass),
                "warn": count(Verdict::Warn),
                "fail": count(Verdict::Fail),
                "skip": count(Verdict::Skip),
            },
            "checks": checks.iter().map(Check::json).collect::<Vec<_>>(),
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
    crate::outln!(
        "{} passed, {} warning(s), {} failed, {} skipped",
        count(Verdict::Pass),
        count(Verdict::Warn),
        count(Verdict::Fail),
        count(Verdict::Skip)
    );
    Ok(code)
}

/// A context over the profile's state as it is (or an empty state when the
/// profile has none), without the run lock or reconciliation, which may write.
fn open_read_only(config: RunConfig) -> Result<Ctx> {
    let answers = match &config.answers {
        Some(path) => Answers::load_for_reading(path)?,
        None => {
            super::profiles::check_known(&config)?;
            Answers::empty()
        }
    };
    super::warn_about(&answers);
    let log = match &config.log {
        Some(path) => Some(Arc::new(OperatorLog::open(path)?)),
        None => None,
    };
    if let Some(log) = &log {
        ui::log::activate(log.clone());
    }
    let dir = state_dir(&config)?;
    let store = if dir.is_dir() {
        let (store, warnings) = Store::open_with_warnings(&dir)?;
        for warning in &warnings {
            ui::warn(warning);
        }
        store
    } else {
        // No local state: an empty, throwaway one (nothing is kept).
        let throwaway = crate::store::fresh_sandbox_dir(&std::env::temp_dir());
        let mut store = Store::open(&throwaway)?;
        store.remove_when_dropped();
        ui::terminal::remove_on_interrupt(&throwaway);
        store
    };
    let mut store = store;
    store.make_read_only();
    store.set_secret_store(
        config
            .secret_store
            .or(answers.secrets.store)
            .unwrap_or_default(),
    );
    // Doctor only reads: it never asks, in a terminal either; what it cannot
    // check without a missing answer is a skip that names the key.
    let prompter: Box<dyn Prompter> = Box::new(NeverAsk);
    let mut ctx = Ctx::new(config, answers, store, prompter, None)?;
    crate::ui::log::attach(ctx.http_mut(), log);
    Ok(ctx)
}

//! align-link: links Jira Align to Jira Data Center.
//!
//! The binary (`src/main.rs`) only calls `cli::main`; everything else lives here so
//! that the tests and the binary share it. Map of the crate:
//! - `cli`, `config`, `commands`: the command line, validated once, one module per subcommand.
//! - `ops`: the operations the commands wire to (setup, plan, renew, unlink, doctor, ...).
//! - `steps`: the 24 steps as data (`steps::STEPS`), and what each one does.
//! - `context`: the per-run inputs, declared once in `context::inputs` (answers key,
//!   question, check, saved-state fallback, default), and the ready clients.
//! - `jira`, `oauth`, `keys`, `http`, `callback`, `browser`: the Jira side.
//! - `model`: the Jira side as observed, desired and diffed state (steps 8-15, `plan`).
//! - `domain`: secrets and the operator's choices (key source, connector auth, approval).
//! - `answers`, `state`, `store`: the answers file and what is saved between runs.
//! - `sandbox`: the stand-ins (crate `align-link-standins`) started for a run.
//! - `platform`: every difference between unix (Linux, macOS) and Windows.
//!
//! Layers, lowest first, as crates (cargo keeps each from naming those above it):
//! `align-link-core` (platform, util, domain, oauth, http, error, keys, callback,
//! browser, ui, state) < `align-link-sides` (config, prompt, answers, jira, store,
//! align, model, sandbox) < this crate (context < steps < doctor < ops < commands <
//! cli). No file loops back to itself: `tests/it/import_loops.rs` tests every crate.

pub mod cli;
pub mod commands;
pub mod context;
pub mod doctor;
pub mod ops;
pub mod steps;

// The lower layers live in `align-link-core` and `align-link-sides` (cargo keeps
// them from naming the modules here); re-exported so that `crate::http` and
// `align_link::http` still work.
pub use align_link_core::{
    browser, callback, domain, error, http, keys, oauth, outln, platform, state, ui, util,
    AppError, Result,
};
pub use align_link_sides::{align, answers, config, jira, model, prompt, sandbox, store};

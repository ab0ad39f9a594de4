//! align-link: links Jira Align to Jira Data Center.
//!
//! Everything but `main` lives here so that the tests and the binary share it.
//! Layers, lowest first, as crates (cargo keeps each from naming those above it):
//! `align-link-core` (platform, util, domain, oauth, http, error, keys, callback,
//! browser, ui, state) < `align-link-sides` (config, prompt, answers, jira, store,
//! align, model, sandbox) < this crate (context < steps < doctor < ops < commands <
//! cli).
//! No file loops back to itself: `tests/it/import_loops.rs` tests every crate.

pub mod cli;
pub mod commands;
pub mod context;
pub mod doctor;
pub mod ops;
pub mod steps;

// Re-exported so that `crate::http` and `align_link::http` still work.
pub use align_link_core::{
    browser, callback, domain, error, http, keys, oauth, outln, platform, state, ui, util,
    AppError, Result,
};
pub use align_link_sides::{align, answers, config, jira, model, prompt, sandbox, store};

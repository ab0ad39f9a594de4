//! The middle layers of align-link, in a crate of their own so that cargo keeps
//! them from naming the steps, operations and commands above them (the CLI crate
//! re-exports every module).
//! - `config`, `prompt`, `answers`: the validated options, the prompter and the answers file.
//! - `jira`, `align`: the clients of the two sides; `model`: the Jira side as
//!   observed, desired and diffed state (steps 8-15, `plan`).
//! - `store`: the profiles, their secrets and the run lock.
//! - `sandbox`: the stand-ins (crate `align-link-standins`) started for a run.
//!
//! Layers, lowest first (a module uses only its own layer and below):
//! config, prompt, answers, jira < store, align, model, sandbox.

// The layers below, at the root so that `crate::http` resolves here as in the CLI.
use align_link_core::{callback, domain, error, http, keys, oauth, platform, state, ui, util};

pub mod align;
pub mod answers;
pub mod config;
pub mod jira;
pub mod model;
pub mod prompt;
pub mod sandbox;
pub mod store;

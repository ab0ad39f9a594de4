//! The middle layers of align-link, a crate of their own so that cargo keeps them
//! from naming the steps and commands above (the CLI crate re-exports each module).
//! Layers, lowest first: config, prompt, answers, jira < store, align, model, sandbox.

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

//! The real binary with both stand-ins side by side: the Jira one and the Jira Align
//! one, whose connector the tests drive as the operator would (create, Generate New
//! Key, Authorize, Manage Projects, Activate). Covers Jira Align's key pair with the
//! preflight, the PAT and Basic connectors, the Jira Align API token (step 1), the
//! sync check (step 24) and the sandbox.

// Submodules sit in a folder of their own so cargo does not build them as test crates.
mod align_key;
mod api;
mod connectors;
mod public_key;
use crate::support;

/// The consumer key the tests choose in the answers file (step 4).
pub const CONSUMER_KEY: &str = "AlignE2eConsumer01";

/// The status of every step in `steps`, for one assertion with a readable failure.
pub fn statuses(env: &support::Env, steps: &[u8]) -> Vec<(u8, String)> {
    steps.iter().map(|&n| (n, env.step_status(n))).collect()
}

/// `steps` all with `status`.
pub fn all(steps: &[u8], status: &str) -> Vec<(u8, String)> {
    steps.iter().map(|&n| (n, status.to_string())).collect()
}

//! `align-link show`: the values to type into Jira Align's connector form and the
//! key facts, from the saved state (and the answers file, when there is one),
//! without running or resetting any step (rerunning step 4 would).

use crate::config::RunConfig;
use crate::error::Result;
use crate::ops::{profiles, show};

pub fn run(config: RunConfig, as_json: bool) -> Result<i32> {
    profiles::check_known(&config)?;
    show::show(&config, as_json)
}

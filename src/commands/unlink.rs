//! `align-link unlink`: the link and its consumer removed from Jira (consent
//! asked for what this profile did not make), then the profile's key, token and
//! state; `--local` forgets the profile without contacting Jira.

use crate::config::RunConfig;
use crate::error::Result;

pub fn run(config: RunConfig, local: bool) -> Result<i32> {
    crate::ops::unlink::unlink(config, local)
}

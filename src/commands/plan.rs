//! `align-link plan`: what `setup` would change in Jira, and the handshake it
//! would run, from one read of Jira (and of Jira Align, when a token is given).
//! It sends no write request. `--json` prints the schema README documents.

use crate::config::RunConfig;
use crate::error::Result;

pub fn run(config: RunConfig, as_json: bool) -> Result<i32> {
    crate::ops::plan::plan(config, as_json)
}

//! `align-link plan`: what `setup` would change in Jira; it sends no write request.

use crate::cli::{JsonArg, RunArgs};
use crate::config::RunConfig;
use crate::error::Result;

pub fn run(args: RunArgs, json: JsonArg) -> Result<i32> {
    crate::ops::plan::plan(RunConfig::from_raw(args.into_raw())?, json.json)
}

//! `align-link doctor`: live, read-only checks of a connector, each with its fix.

use crate::cli::{JiraArgs, JsonArg};
use crate::config::RunConfig;
use crate::error::Result;

pub fn run(args: JiraArgs, json: JsonArg) -> Result<i32> {
    crate::ops::doctor::doctor(RunConfig::from_raw(args.into_raw())?, json.json)
}

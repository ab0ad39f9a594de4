//! `align-link status`: each step's state and the facts worth knowing.

use crate::cli::{JsonArg, ProfileArgs};
use crate::config::RunConfig;
use crate::error::Result;

pub fn run(profile: ProfileArgs, json: JsonArg) -> Result<i32> {
    crate::ops::status::status(RunConfig::from_raw(profile.into_raw())?, json.json)
}

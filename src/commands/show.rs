//! `align-link show`: the connector form's values and the key facts, changing nothing.

use std::path::PathBuf;

use crate::cli::{JsonArg, ProfileArgs};
use crate::config::{RawOptions, RunConfig};
use crate::error::Result;

pub fn run(profile: ProfileArgs, answers: Option<PathBuf>, json: JsonArg) -> Result<i32> {
    let raw = RawOptions {
        answers,
        ..profile.into_raw()
    };
    crate::ops::show::show(RunConfig::from_raw(raw)?, json.json)
}

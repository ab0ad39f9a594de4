//! `profiles`: the saved setups; and the check that a read command's `--profile`
//! names one of them (a typo would otherwise show 24 pending steps).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::json;

use super::{json_rows, load_state, print_json};
use crate::config::{config_dir, profile_config_path, AnswersOrigin, RunConfig};
use crate::error::{AppError, Result};
use crate::outln;
use crate::state::StepStatus::{Done, Skipped};
use crate::store::default_state_dir;
use crate::util::suggest::command;
use crate::util::text::clean;

#[derive(Debug, Default)]
struct Profile {
    state_dir: Option<PathBuf>,
    config: Option<PathBuf>,
}

/// Every profile with a state directory or a config file, by name.
fn known() -> BTreeMap<String, Profile> {
    let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
    let state_base = default_state_dir("default")
        .ok()
        .and_then(|dir| dir.parent().map(PathBuf::from));
    for (base, is_config) in [(state_base, false), (config_dir(), true)] {
        let Some(entries) = base.and_then(|dir| std::fs::read_dir(dir).ok()) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = match (is_config, path.extension()) {
                (true, Some(ext)) if ext == "toml" && path.is_file() => path.file_stem(),
                (false, _) if path.is_dir() => path.file_name(),
                _ => None,
            };
            let Some(name) = name.and_then(|n| n.to_str()).map(str::to_string) else {
                continue;
            };
            let profile = profiles.entry(name).or_default();
            if is_config {
                profile.config = Some(path);
            } else {
                profile.state_dir = Some(path);
            }
        }
    }
    profiles
}

pub fn list(as_json: bool) -> Result<i32> {
    let profiles = known();
    let rows: Vec<_> = profiles
        .iter()
        .map(|(name, profile)| {
            let state = profile.state_dir.as_ref().and_then(|d| load_state(d).ok());
            let done = state.map(|state| {
                (1..=24u8)
                    .filter(|n| matches!(state.step_status(*n), Done | Skipped))
                    .count()
            });
            json!({
                "name": name,
                "state_dir": profile.state_dir,
                "config": profile.config,
                "steps_done": done,
            })
        })
        .collect();
    if as_json {
        print_json(json!({"profiles": rows}));
        return Ok(0);
    }
    if rows.is_empty() {
        let setup = command("setup");
        outln!("No profiles yet: `{setup}` makes the `default` one.");
        return Ok(0);
    }
    for row in &rows {
        let done = match row["steps_done"].as_u64() {
            Some(n) => format!("{n}/24 steps done"),
            None => "no state yet".into(),
        };
        outln!("{}  ({done})", row["name"].as_str().unwrap_or(""));
        let paths = [("state", "state_dir"), ("config", "config")];
        crate::ui::fields(&json_rows(row, &paths));
    }
    Ok(0)
}

/// The profile must exist, unless `--state-dir`, `--answers` or `--sandbox` says where things are.
pub fn check_known(config: &RunConfig) -> Result<()> {
    if config.state_dir.is_some() || config.sandbox || config.answers_origin == AnswersOrigin::Given
    {
        return Ok(());
    }
    let has_state = default_state_dir(&config.profile).is_ok_and(|dir| dir.is_dir());
    let has_config = profile_config_path(&config.profile).is_some_and(|path| path.is_file());
    if has_state || has_config {
        return Ok(());
    }
    let (profile, profiles, setup) = (&config.profile, command("profiles"), command("setup"));
    Err(naming_the_profiles(
        format!("profile `{profile}` has no saved state and no config file"),
        format!("Check the spelling (`{profiles}` lists them), or run `{setup}` to make it."),
    ))
}

/// For `status`: a `--state-dir` that is not a directory is a typo too.
pub fn check_state_dir_exists(config: &RunConfig) -> Result<()> {
    let Some(dir) = config.state_dir.as_ref().filter(|dir| !dir.is_dir()) else {
        return Ok(());
    };
    let dir = clean(&dir.display().to_string(), 200);
    let (profiles, setup) = (command("profiles"), command("setup"));
    Err(naming_the_profiles(
        format!("--state-dir {dir}: no such directory, so no saved state"),
        format!("Check the path (`{profiles}` lists each profile's state directory), or run `{setup}` to make the state there."),
    ))
}

/// Exit 2, naming the profiles that do exist.
fn naming_the_profiles(problem: String, hint: String) -> AppError {
    let names: Vec<String> = known().into_keys().collect();
    let existing = match names.is_empty() {
        true => "there are no profiles yet".to_string(),
        false => format!("the profiles are: {}", names.join(", ")),
    };
    AppError::usage(format!("{problem}; {existing}")).hint(hint)
}

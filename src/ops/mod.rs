//! One module per command, each taking the run's options and printing what it
//! found through `ui`; here, opening a profile for a run and what several print alike.

pub mod doctor;
pub mod plan;
pub mod profiles;
pub mod renew;
pub mod sandbox;
pub mod setup;
pub mod show;
pub mod status;
pub mod steps;
pub mod unlink;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::answers::Answers;
use crate::config::{AnswersOrigin, RunConfig};
use crate::context::Ctx;
use crate::domain::SecretStore;
use crate::error::Result;
use crate::prompt::{Logged, NeverAsk, NonInteractive, Prompter, Terminal};
use crate::sandbox::Sandbox;
use crate::state::{State, ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE, STATE_FILE};
use crate::store::{default_state_dir, SecretLocation, Store};
use crate::ui;
use crate::ui::log::OperatorLog;

/// `--json`'s format version: bumped only when a field changes meaning or goes away.
pub const JSON_SCHEMA: u32 = 1;

/// How a command uses the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Under the run lock, the answers reconciled with the state before any step.
    Change,
    /// `unlink` works from what the profile recorded, whatever the answers say now.
    ChangeAsRecorded,
    /// `plan`: no lock, nothing saved; reconciled in memory, to see what setup would.
    ReadOnly,
    /// `doctor` checks the profile as it is.
    Inspect,
}

/// The run's context: answers, stand-ins for `--sandbox`, and the profile's
/// state, under its run lock (held until dropped) unless `access` only reads.
pub fn open_context_as(config: RunConfig, access: Access) -> Result<Ctx> {
    let read_only = matches!(access, Access::ReadOnly | Access::Inspect);
    let mut answers = load_answers(&config, read_only)?;
    for warning in &answers.warnings {
        ui::warn(warning);
    }
    for (key, variable) in &answers.unset_env {
        ui::warn(&format!(
            "{key}: environment variable {variable} is not set; what needs {key} is not checked (export {variable} to check it)"
        ));
    }
    if let (AnswersOrigin::ProfileConfig, Some(path)) = (config.answers_origin, &config.answers) {
        let path = path.display();
        ui::info(&format!("Answers from the profile's config {path}"));
    }
    let log = config.log.as_deref().map(OperatorLog::open).transpose()?;
    let log = log.map(Arc::new);
    if let Some(log) = &log {
        ui::log::activate(log.clone());
    }
    let sandbox = config.sandbox.then(Sandbox::start).transpose()?;
    if let Some(sandbox) = &sandbox {
        sandbox.fill_answers(&mut answers);
        let (jira, align) = (sandbox.jira.url(), sandbox.align.url());
        ui::note(&format!("Sandbox: Jira stand-in at {jira}"));
        ui::note(&format!("Sandbox: Jira Align stand-in at {align}"));
    }
    let store = open_store(&config, &answers, read_only)?;
    let mut prompter: Box<dyn Prompter> = if read_only {
        Box::new(NeverAsk)
    } else if config.non_interactive {
        Box::new(NonInteractive)
    } else {
        Box::new(Terminal)
    };
    if let Some(log) = &log {
        prompter = Box::new(Logged::new(prompter, log.clone()));
    }
    let mut ctx = Ctx::new(config, answers, store, prompter, sandbox)?;
    ui::log::attach(ctx.http_mut(), log);
    if matches!(access, Access::Change | Access::ReadOnly) {
        crate::steps::reconcile::reconcile_with_answers(&mut ctx)?;
    }
    Ok(ctx)
}

/// The answers file the run names, else none. A command that only reads uses no
/// secret: an unset `{ env = ... }` must not stop it.
fn load_answers(config: &RunConfig, read_only: bool) -> Result<Answers> {
    match &config.answers {
        Some(path) if read_only => Answers::load_for_reading(path),
        Some(path) => Answers::load(path),
        None => Ok(Answers::default()),
    }
}

/// The profile's store, locked for the run or read-only; and what an interrupt
/// says was kept.
fn open_store(config: &RunConfig, answers: &Answers, read_only: bool) -> Result<Store> {
    let mut dir = state_dir(config)?;
    let mut temporary = config.sandbox && config.state_dir.is_none();
    if read_only && !dir.is_dir() {
        // Nothing to read, and nothing to create for a command that only reads.
        dir = crate::store::fresh_sandbox_dir(&std::env::temp_dir());
        temporary = true;
    }
    let (mut store, warnings) = Store::open_with_warnings(&dir)?;
    if temporary {
        store.remove_when_dropped();
        ui::terminal::remove_on_interrupt(&dir);
    }
    for warning in &warnings {
        ui::warn(warning);
    }
    // A throwaway sandbox keeps `auto`'s secrets in files: entries in the
    // credential store would outlive it.
    store.set_secret_store(match config.secret_store.or(answers.secrets.store) {
        Some(chosen) => chosen,
        None if temporary => SecretStore::File,
        None => SecretStore::Auto,
    });
    if read_only {
        store.make_read_only();
    } else {
        // Before the state is read: it is only read and written under the lock.
        store.lock_for_run()?;
        if store.secret_store() == SecretStore::Keyring {
            for what in store.move_secrets_to_credential_store()? {
                ui::ok(&format!("moved {what} into the OS credential store"));
            }
        }
    }
    if config.sandbox {
        let removed = if temporary { " (removed on exit)" } else { "" };
        ui::note(&format!("Sandbox: state in {}{removed}", dir.display()));
    }
    ui::terminal::set_saved_note(if read_only {
        "Nothing was saved: this command only reads.".to_string()
    } else if temporary {
        "The sandbox's state was temporary: nothing is kept.".to_string()
    } else {
        let (dir, setup) = (dir.display(), crate::util::suggest::command("setup"));
        format!("Every step's outcome so far is saved in {dir}; `{setup}` carries on from there.")
    });
    Ok(store)
}

/// Where each secret of the profile in `dir` is, as `--json`'s `secrets` object
/// and as text rows; reads nothing but what tells where.
pub fn secret_places(
    dir: &Path,
    chosen: Option<SecretStore>,
) -> Result<(serde_json::Value, Vec<(&'static str, String)>)> {
    const SECRETS: [(&str, &str, &str); 2] = [
        (PRIVATE_KEY_FILE, "private_key", "Private key"),
        (ACCESS_TOKEN_FILE, "access_token", "Access token"),
    ];
    let mut store = dir.is_dir().then(|| Store::open(dir)).transpose()?;
    if let Some(store) = &mut store {
        store.make_read_only();
        store.set_secret_store(chosen.unwrap_or_default());
    }
    let (mut json, mut rows) = (serde_json::Map::new(), Vec::new());
    for (file, key, label) in SECRETS {
        let place = store
            .as_ref()
            .map_or(SecretLocation::Nowhere, |store| store.secret_location(file));
        let location = match &place {
            SecretLocation::Nowhere => serde_json::Value::Null,
            place => place.to_string().into(),
        };
        let entry = serde_json::json!({ "store": place.kind(), "location": location });
        json.insert(key.into(), entry);
        rows.push((label, format!("in {place}")));
    }
    Ok((json.into(), rows))
}

/// Labelled rows of the fields `section` has, for `ui::fields`.
pub fn json_rows<'a>(
    section: &serde_json::Value,
    rows: &[(&'a str, &str)],
) -> Vec<(&'a str, String)> {
    use serde_json::Value;
    rows.iter()
        .filter_map(|(label, key)| {
            let value = match section.get(*key)? {
                Value::Null => "-".to_string(),
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Some((*label, value))
        })
        .collect()
}

/// A demo (`--sandbox`) never touches a real profile.
pub fn state_dir(config: &RunConfig) -> Result<PathBuf> {
    if let Some(dir) = &config.state_dir {
        return Ok(dir.clone());
    }
    if config.sandbox {
        return Ok(crate::store::fresh_sandbox_dir(&std::env::temp_dir()));
    }
    default_state_dir(&config.profile)
}

pub fn print_json(mut object: serde_json::Value) {
    object["schema"] = JSON_SCHEMA.into();
    let text = serde_json::to_string_pretty(&object).unwrap_or_default();
    crate::outln!("{text}");
}

/// The saved state, read without creating anything.
pub fn load_state(dir: &Path) -> Result<State> {
    if dir.join(STATE_FILE).exists() {
        Store::open(dir)?.load(STATE_FILE)
    } else {
        Ok(State::default())
    }
}

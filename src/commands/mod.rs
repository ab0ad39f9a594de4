//! One module per subcommand. Each wires its arguments to the library; the work
//! lives in `steps`, `context` and the clients.

pub mod plan;
pub mod sandbox;
pub mod setup;
pub mod status;
pub mod step;
pub mod steps;

use std::path::PathBuf;

use crate::answers::Answers;
use crate::config::RunConfig;
use crate::context::Ctx;
use crate::error::Result;
use crate::prompt::{NonInteractive, Prompter, Terminal};
use crate::sandbox::Sandbox;
use crate::store::{default_state_dir, Store};
use crate::ui;

/// Loads the answers file, starts the stand-ins for `--sandbox`, and opens the
/// profile's state under its run lock, held until the context is dropped: every
/// command that opens a context may change the profile.
pub fn open_context(config: RunConfig) -> Result<Ctx> {
    let mut answers = match &config.answers {
        Some(path) => Answers::load(path)?,
        None => Answers::empty(),
    };
    for warning in &answers.warnings {
        ui::warn(warning);
    }
    let sandbox = if config.sandbox {
        let sandbox = Sandbox::start()?;
        sandbox.fill_answers(&mut answers);
        println!("Sandbox: Jira stand-in at {}", sandbox.jira.url());
        println!("Sandbox: Jira Align stand-in at {}", sandbox.align.url());
        Some(sandbox)
    } else {
        None
    };
    let dir = state_dir(&config)?;
    let (mut store, warnings) = Store::open_with_warnings(&dir)?;
    let temporary = config.sandbox && config.state_dir.is_none();
    if temporary {
        store.remove_when_dropped();
    }
    for warning in &warnings {
        ui::warn(warning);
    }
    // Before the state is read: it is only read and written under the lock.
    store.lock_for_run()?;
    if temporary {
        println!("Sandbox: state in {} (removed on exit)", dir.display());
    } else if config.sandbox {
        println!("Sandbox: state in {}", dir.display());
    }
    let prompter: Box<dyn Prompter> = if config.non_interactive {
        Box::new(NonInteractive)
    } else {
        Box::new(Terminal)
    };
    let mut ctx = Ctx::new(config, answers, store, prompter, sandbox)?;
    crate::steps::reconcile::reconcile_with_answers(&mut ctx)?;
    Ok(ctx)
}

/// `--state-dir`, else a fresh directory for `--sandbox` (a demo never touches a
/// real profile), else the profile's directory.
pub fn state_dir(config: &RunConfig) -> Result<PathBuf> {
    if let Some(dir) = &config.state_dir {
        return Ok(dir.clone());
    }
    if config.sandbox {
        return Ok(crate::store::fresh_sandbox_dir(&std::env::temp_dir()));
    }
    default_state_dir(&config.profile)
}

/// The exit code for a run: 0 when every step requested is done or waits on the operator.
pub fn finish(result: Result<crate::steps::runner::Report>) -> Result<i32> {
    let report = result?;
    crate::steps::runner::summarize(&report);
    Ok(0)
}

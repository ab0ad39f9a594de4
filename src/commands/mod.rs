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
/// profile's state.
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
    let store = Store::open(&dir)?;
    if config.sandbox {
        println!("Sandbox: state in {}", dir.display());
    }
    let prompter: Box<dyn Prompter> = if config.non_interactive {
        Box::new(NonInteractive)
    } else {
        Box::new(Terminal)
    };
    let mut ctx = Ctx::new(config, answers, store, prompter, sandbox)?;
    crate::steps::keys::reconcile_with_answers(&mut ctx)?;
    Ok(ctx)
}

/// `--state-dir`, else a fresh directory for `--sandbox` (a demo never touches a
/// real profile), else the profile's directory.
pub fn state_dir(config: &RunConfig) -> Result<PathBuf> {
    if let Some(dir) = &config.state_dir {
        return Ok(dir.clone());
    }
    if config.sandbox {
        let unique = format!(
            "align-link-sandbox-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        return Ok(std::env::temp_dir().join(unique));
    }
    default_state_dir(&config.profile)
}

/// The exit code for a run: 0 when every step requested is done or waits on the operator.
pub fn finish(result: Result<crate::steps::runner::Report>) -> Result<i32> {
    let report = result?;
    crate::steps::runner::summarize(&report);
    Ok(0)
}

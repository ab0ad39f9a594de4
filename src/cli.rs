//! The command line: clap definitions, turned into a `RunConfig` and handed to the
//! subcommand's module. Nothing here does the work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::config::{RawOptions, RunConfig};
use crate::error::{AppError, Result};

#[derive(Debug, Parser)]
#[command(
    name = "align-link",
    version,
    about = "Links Jira Align to Jira Data Center: the 24 steps of Atlassian's guide, automated where Jira has an API and guided where Jira Align has none.",
    after_help = "Step numbers are those of Atlassian's guide \"Jira Align to Jira Server/Data Center Connectivity Quick Guide\"."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Answers file (TOML) with values that would otherwise be asked; see examples/answers.toml
    #[arg(long, global = true, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Never prompt: a missing answer is an error naming its TOML key
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Which saved setup to use (one state directory per profile)
    #[arg(long, global = true, default_value = "default", value_name = "NAME")]
    pub profile: String,
    /// State directory [default: $XDG_STATE_HOME/align-link/PROFILE]
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Start the local Jira and Jira Align stand-ins on free loopback ports and run against them, in a fresh state directory
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Do not open a browser: print the authorize URL and ask for the verification code
    #[arg(long, global = true)]
    pub no_browser: bool,
    /// Log each HTTP request (method, URL, status, time) to stderr, secrets redacted
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    /// Extra CA certificate (PEM) to trust, for a Jira behind a private CA
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Allow plain http:// to hosts other than loopback
    #[arg(long, global = true)]
    pub allow_http: bool,
    /// Seconds to wait for a connection
    #[arg(long, global = true, default_value_t = 10, value_name = "SECS")]
    pub connect_timeout: u64,
    /// Seconds to wait for a whole request
    #[arg(long, global = true, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
    /// Consent to replace or remove what this profile did not put in Jira (another consumer on the link, a link of another name)
    #[arg(long, global = true)]
    pub replace_existing: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run steps 1 to 24 in order, passing over those already done
    Setup,
    /// Run one step again (1 to 24, numbered as in the guide), even if done
    Step {
        #[arg(value_parser = clap::value_parser!(u8).range(1..=24))]
        number: u8,
    },
    /// List the 24 steps: number, side, automated or guided, title
    Steps,
    /// Show each step's state and the key facts (link id, consumer key, key fingerprint, token)
    Status {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Show what setup would change in Jira (old and new values, destructive ones marked) and the handshake it would run; changes nothing
    Plan {
        /// Print JSON instead of text (schema in README)
        #[arg(long)]
        json: bool,
    },
    /// Serve the local stand-ins in the foreground and print their URLs and demo credentials
    Sandbox {
        /// Port for the Jira stand-in (0: any free port)
        #[arg(long, default_value_t = 0)]
        jira_port: u16,
        /// Port for the Jira Align stand-in (0: any free port)
        #[arg(long, default_value_t = 0)]
        align_port: u16,
        /// Milliseconds the Jira stand-in waits before each answer, as across a WAN
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60_000))]
        latency_ms: u64,
    },
}

impl GlobalArgs {
    fn into_raw(self) -> RawOptions {
        RawOptions {
            answers: self.answers,
            yes: self.yes,
            profile: self.profile,
            state_dir: self.state_dir,
            sandbox: self.sandbox,
            no_browser: self.no_browser,
            verbose: self.verbose,
            ca_cert: self.ca_cert,
            allow_http: self.allow_http,
            connect_timeout_secs: self.connect_timeout,
            timeout_secs: self.timeout,
            replace_existing: self.replace_existing,
        }
    }
}

/// Parses the command line and runs it; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                crate::error::EXIT_USAGE
            } else {
                0
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{}", err.render());
            err.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    if let Command::Steps = cli.command {
        return Ok(commands::steps::run());
    }
    if let Command::Sandbox {
        jira_port,
        align_port,
        latency_ms,
    } = cli.command
    {
        return commands::sandbox::run(jira_port, align_port, latency_ms);
    }
    let config = RunConfig::from_raw(cli.global.into_raw())?;
    match cli.command {
        Command::Setup => commands::setup::run(config),
        Command::Step { number } => commands::step::run(config, number),
        Command::Status { json } => commands::status::run(config, json),
        Command::Plan { json } => commands::plan::run(config, json),
        Command::Steps | Command::Sandbox { .. } => Err(AppError::failed("handled above")),
    }
}

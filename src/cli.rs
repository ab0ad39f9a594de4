//! The command line: clap definitions, each subcommand handed to its module in
//! `commands`. Options are not global, so `--help` never offers one that does
//! nothing there.

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

mod args;
mod manual;

pub use args::{ConsentArg, JiraArgs, JsonArg, NetworkArgs, ProfileArgs, RunArgs};

use crate::commands;
use crate::error::Result;

#[derive(Debug, Parser)]
#[command(
    name = "align-link",
    version,
    about = "Links Jira Align to Jira Data Center: the 24 steps of Atlassian's guide, automated where Jira has an API and guided where Jira Align has none.",
    after_help = "Step numbers are those of Atlassian's guide \"Jira Align to Jira Server/Data Center Connectivity Quick Guide\".",
    after_long_help = EXAMPLES_MAIN
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES_MAIN: &str = "\
Examples:
  align-link setup --sandbox --yes             Try every step against local stand-ins
  align-link setup --answers answers.toml      Set up, asking only what the file leaves out
  align-link status                            Each step's state and the key facts
  align-link show                              The values to type into Jira Align's form
  align-link step 13                           Run step 13 again

Step numbers are those of Atlassian's guide \"Jira Align to Jira Server/Data Center Connectivity Quick Guide\".";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run steps 1 to 24 in order, passing over those already done
    #[command(after_long_help = EXAMPLES_SETUP)]
    Setup(RunArgs),
    /// Run one step again (1 to 24, numbered as in the guide), even if done
    #[command(after_long_help = step_help())]
    Step {
        /// The step's number in Atlassian's guide, 1 to 24 (`align-link steps` lists them)
        #[arg(value_parser = clap::value_parser!(u8).range(1..=24), value_name = "NUMBER")]
        number: u8,
        #[command(flatten)]
        run: RunArgs,
    },
    /// List the 24 steps: number, side, automated or guided, title
    #[command(after_long_help = EXAMPLES_STEPS)]
    Steps(JsonArg),
    /// Show each step's state and the key facts (link id, consumer key, key fingerprint, token)
    #[command(after_long_help = EXAMPLES_STATUS)]
    Status {
        #[command(flatten)]
        profile: ProfileArgs,
        #[command(flatten)]
        json: JsonArg,
    },
    /// Show what setup would change in Jira (old and new values, destructive ones marked), the checks before its first write and the handshake it would run; changes nothing
    #[command(after_long_help = EXAMPLES_PLAN)]
    Plan {
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        json: JsonArg,
    },
    /// Show the values for Jira Align's connector form and the key facts, changing nothing
    #[command(after_long_help = EXAMPLES_SHOW)]
    Show {
        #[command(flatten)]
        profile: ProfileArgs,
        /// Answers file (TOML) whose values take precedence over the saved ones [default: $XDG_CONFIG_HOME/align-link/PROFILE.toml when it exists]
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        #[command(flatten)]
        json: JsonArg,
    },
    /// Check a connector live: Jira, TLS, the link and its key, the token, the service account, Jira Align's sync; exit 1 when a check fails
    #[command(after_long_help = EXAMPLES_DOCTOR)]
    #[command(mut_arg("answers", |answers| answers.help(DOCTOR_ANSWERS)))]
    Doctor {
        #[command(flatten)]
        jira: JiraArgs,
        #[command(flatten)]
        json: JsonArg,
    },
    /// Remove what setup made in Jira (the consumer, then the link) and the profile's key, token and state
    #[command(after_long_help = EXAMPLES_UNLINK)]
    Unlink {
        #[command(flatten)]
        jira: JiraArgs,
        #[command(flatten)]
        consent: ConsentArg,
        /// Forget the profile here without contacting Jira (a Jira that is gone); says what may remain there
        #[arg(long)]
        local: bool,
    },
    /// A new key pair under the same consumer key, installed on the link, and a new token; the old token is dropped
    #[command(after_long_help = EXAMPLES_RENEW)]
    Renew {
        #[command(flatten)]
        jira: JiraArgs,
        #[command(flatten)]
        consent: ConsentArg,
        /// Do not open a browser: print the authorize URL and ask for the verification code
        #[arg(long)]
        no_browser: bool,
    },
    /// List the profiles: their state directories and config files
    #[command(after_long_help = EXAMPLES_PROFILES)]
    Profiles(JsonArg),
    /// Serve the local stand-ins in the foreground and print their URLs and demo credentials
    #[command(after_long_help = EXAMPLES_SANDBOX)]
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
    /// Print a shell completion script to stdout
    #[command(after_long_help = EXAMPLES_COMPLETIONS)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout
    #[command(after_long_help = EXAMPLES_MAN)]
    Man,
    /// Print an example answers file: every key, commented with what it means
    #[command(after_long_help = EXAMPLES_ANSWERS_EXAMPLE)]
    AnswersExample,
}

const EXAMPLES_SETUP: &str = "\
Examples:
  align-link setup                                  All 24 steps, asking in the terminal
  align-link setup --answers answers.toml --yes     Scripted: no prompts; a missing answer names its key
  align-link setup --sandbox --yes                  Against local stand-ins, in a fresh state directory
  align-link setup --profile staging --log run.log  Another saved setup, with a log of requests and answers";

/// `step --help`, with a few titles from `steps::STEPS`.
fn step_help() -> String {
    let mut text = String::from(
        "NUMBER is the step's number in Atlassian's guide \"Jira Align to Jira Server/Data \
         Center Connectivity Quick Guide\", 1 to 24, for example:\n",
    );
    for number in [4, 5, 9, 13, 17, 24] {
        if let Some(step) = crate::steps::by_number(number) {
            text.push_str(&format!("  {number:>2}  {}\n", step.title));
        }
    }
    text.push_str(
        "`align-link steps` lists all 24. `step 17` runs the whole handshake (17 to 20) and \
         replaces the stored token.\n\n",
    );
    text.push_str(EXAMPLES_STEP);
    text
}

const EXAMPLES_STEP: &str = "\
Examples:
  align-link step 13                     Set the consumer key on the link again
  align-link step 17 --no-browser        Reauthorize: print the link, type the code
  align-link step 24 --profile prod      Check the sync of the `prod` setup";

const EXAMPLES_STEPS: &str = "\
Examples:
  align-link steps
  align-link steps --json | jq '.steps[] | select(.how == \"guided\") | .number'";

const EXAMPLES_STATUS: &str = "\
Exits 1 when a step failed, 0 otherwise.

Examples:
  align-link status
  align-link status --profile prod --json";

const EXAMPLES_SHOW: &str = "\
Examples:
  align-link show                        The connector form's values, from the saved state
  align-link show --answers answers.toml The same, with the answers file's values first
  align-link show --json | jq -r .connector.consumer_key";

const EXAMPLES_PLAN: &str = "\
Sends no write request; exits 0 whenever it could read Jira.

Examples:
  align-link plan --answers answers.toml      What setup would change in Jira, and why
  align-link plan --json | jq '.changes[] | select(.needs_consent)'";

const EXAMPLES_DOCTOR: &str = "\
Exits 0 when no check fails (warnings included), 1 otherwise.

Examples:
  align-link doctor                                 Check the default profile's connector
  align-link doctor --answers answers.toml          Without saved state: the link is found by align.url
  align-link doctor --json | jq '.checks[] | select(.verdict == \"fail\")'";

const EXAMPLES_UNLINK: &str = "\
Removes only a link to align.url; one this profile did not make needs consent.
Running it again when nothing is left exits 0.

Examples:
  align-link unlink
  align-link unlink --answers answers.toml --yes
  align-link unlink --yes --replace-existing     Also what another setup put there
  align-link unlink --local                      Jira is gone: forget the profile here only";

const EXAMPLES_RENEW: &str = "\
Examples:
  align-link renew                                  New key pair, new token, checked
  align-link renew --answers answers.toml --yes     Scripted, approved as the service account
  align-link renew --no-browser                     Approve by typing the verification code";

const EXAMPLES_PROFILES: &str = "\
Examples:
  align-link profiles
  align-link profiles --json";

const EXAMPLES_SANDBOX: &str = "\
Examples:
  align-link sandbox                          Any free ports
  align-link sandbox --jira-port 8080 --align-port 8081
  align-link sandbox --latency-ms 200         As across a WAN: each Jira answer 200 ms late";

const EXAMPLES_COMPLETIONS: &str = "\
Examples:
  align-link completions bash > ~/.local/share/bash-completion/completions/align-link
  align-link completions zsh > \"${fpath[1]}/_align-link\"
  align-link completions fish > ~/.config/fish/completions/align-link.fish";

const EXAMPLES_ANSWERS_EXAMPLE: &str = "\
Examples:
  align-link answers-example > answers.toml    Start an answers file, then fill it in
  align-link setup --answers answers.toml";

const EXAMPLES_MAN: &str = "\
Examples:
  align-link man | man -l -
  align-link man > ~/.local/share/man/man1/align-link.1";

const DOCTOR_ANSWERS: &str = "Answers file (TOML); with it, doctor needs no saved state \
    [default: $XDG_CONFIG_HOME/align-link/PROFILE.toml when it exists]";

pub fn main() -> i32 {
    crate::ui::terminal::install_interrupt_handler();
    let cli = Cli::parse();
    let verbose = match &cli.command {
        Command::Setup(run) | Command::Step { run, .. } => run.jira.network.verbose,
        Command::Doctor { jira, .. }
        | Command::Unlink { jira, .. }
        | Command::Renew { jira, .. } => jira.network.verbose,
        _ => false,
    };
    match run(cli) {
        Ok(code) => code,
        // The reader went away: it has what it wanted.
        Err(err) if err.kind == crate::error::ErrorKind::BrokenPipe => err.exit_code(),
        Err(err) => {
            let (message, hints) = err.rendered_parts();
            crate::ui::error_report(&message, &hints);
            // With -v, the typed causes underneath, for a bug report.
            if verbose {
                for cause in err.causes() {
                    crate::ui::note(&format!("Caused by: {cause}"));
                }
            }
            err.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Setup(run) => commands::setup::run(run),
        Command::Step { number, run } => commands::step::run(number, run),
        Command::Steps(json) => Ok(commands::steps::run(json)),
        Command::Status { profile, json } => commands::status::run(profile, json),
        Command::Show {
            profile,
            answers,
            json,
        } => commands::show::run(profile, answers, json),
        Command::Plan { run, json } => commands::plan::run(run, json),
        Command::Doctor { jira, json } => commands::doctor::run(jira, json),
        Command::Unlink {
            jira,
            consent,
            local,
        } => commands::unlink::run(jira, consent, local),
        Command::Renew {
            jira,
            consent,
            no_browser,
        } => commands::renew::run(jira, consent, no_browser),
        Command::Profiles(json) => commands::profiles::run(json),
        Command::Sandbox {
            jira_port,
            align_port,
            latency_ms,
        } => commands::sandbox::run(jira_port, align_port, latency_ms),
        Command::Completions { shell } => Ok(manual::completions(shell, Cli::command())),
        Command::Man => manual::man(Cli::command()),
        Command::AnswersExample => Ok(manual::answers_example()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
        let help = step_help();
        assert!(
            help.contains("13  Set the consumer key on the link"),
            "{help}"
        );
    }

    #[test]
    fn each_command_offers_only_its_options() {
        let command = Cli::command();
        let options = |name: &str| -> Vec<String> {
            command
                .find_subcommand(name)
                .unwrap()
                .get_arguments()
                .filter_map(|arg| arg.get_long().map(str::to_string))
                .collect()
        };
        assert!(options("steps").iter().all(|o| o == "json"));
        let status = options("status");
        assert!(status.contains(&"profile".to_string()));
        assert!(!status.contains(&"answers".to_string()));
        assert!(!status.contains(&"timeout".to_string()));
        assert!(options("setup").contains(&"no-browser".to_string()));
        assert!(!options("show").contains(&"sandbox".to_string()));
        assert!(options("completions").is_empty());
        let doctor = options("doctor");
        assert!(doctor.contains(&"answers".to_string()) && doctor.contains(&"json".to_string()));
        assert!(!doctor.contains(&"sandbox".to_string()));
        assert!(!doctor.contains(&"replace-existing".to_string()));
        assert!(options("unlink").contains(&"replace-existing".to_string()));
        assert!(!options("unlink").contains(&"no-browser".to_string()));
        assert!(options("renew").contains(&"no-browser".to_string()));
    }

    /// Suggested commands repeat `--profile`, `--state-dir` and `--answers` only
    /// where clap takes them: the table in `util::suggest` must follow clap.
    #[test]
    fn suggestions_know_which_commands_take_which_options() {
        use crate::util::suggest::{TAKE_ANSWERS, TAKE_PROFILE};
        let command = Cli::command();
        for sub in command.get_subcommands() {
            let name = sub.get_name();
            let takes = |long: &str| sub.get_arguments().any(|a| a.get_long() == Some(long));
            assert_eq!(takes("profile"), TAKE_PROFILE.contains(&name), "{name}");
            assert_eq!(takes("state-dir"), TAKE_PROFILE.contains(&name), "{name}");
            assert_eq!(takes("answers"), TAKE_ANSWERS.contains(&name), "{name}");
        }
    }
}

//! The option groups a subcommand flattens (profile, answers and network, consent,
//! JSON), and how each becomes the raw options `RunConfig` validates.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::config::RawOptions;
use crate::domain::SecretStore;
use crate::http::HttpOptions;

/// Which profile, and where its state lives.
#[derive(Debug, Clone, Args)]
pub struct ProfileArgs {
    /// Which saved setup to use (one state directory per profile)
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub profile: String,
    /// State directory [default: $XDG_STATE_HOME/align-link/PROFILE; Windows: %LOCALAPPDATA%\align-link\PROFILE]
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Where the private key and access token are kept: auto (the OS credential store when one answers, else owner-only files), keyring, or file [default: the answers file's secrets.store, else auto]
    #[arg(long, value_name = "WHERE", env = "ALIGN_LINK_SECRET_STORE", value_parser = ["auto", "keyring", "file"])]
    pub secret_store: Option<String>,
}

/// Options of every command that reads the answers and reaches Jira.
#[derive(Debug, Clone, Args)]
pub struct JiraArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Answers file (TOML) with values that would otherwise be asked (`align-link answers-example` prints every key) [default: $XDG_CONFIG_HOME/align-link/PROFILE.toml when it exists]
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Never prompt: a missing answer is an error naming its TOML key
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
}

/// Options of the commands that run steps (`setup`, `step`).
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub jira: JiraArgs,
    /// Start the local Jira and Jira Align stand-ins on free loopback ports and run against them, in a fresh state directory
    #[arg(long)]
    pub sandbox: bool,
    /// Do not open a browser: print the authorize URL and ask for the verification code
    #[arg(long)]
    pub no_browser: bool,
    #[command(flatten)]
    pub consent: ConsentArg,
}

/// Consent, for the commands that change Jira.
#[derive(Debug, Clone, Copy, Args)]
pub struct ConsentArg {
    /// Consent to replace or remove what this profile did not put in Jira (another consumer on the link, a link of another name)
    #[arg(long)]
    pub replace_existing: bool,
}

/// How align-link talks to Jira and Jira Align.
#[derive(Debug, Clone, Args)]
pub struct NetworkArgs {
    /// Log each HTTP request (method, URL, status, time) to stderr, secrets redacted
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Append the HTTP requests (redacted as with -v) and the operator's answers to FILE (created 0600); secrets are never written
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Extra CA certificate (PEM) to trust, for a Jira behind a private CA
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Allow plain http:// to hosts other than loopback
    #[arg(long)]
    pub allow_http: bool,
    /// Seconds to wait for a connection
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub connect_timeout: u64,
    /// Seconds to wait for a whole request
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, Args)]
pub struct JsonArg {
    /// Print JSON instead of text (its "schema" field is the format's version)
    #[arg(long)]
    pub json: bool,
}

impl ProfileArgs {
    pub(crate) fn into_raw(self) -> RawOptions {
        RawOptions {
            profile: self.profile,
            state_dir: self.state_dir,
            // clap admits only the spellings SecretStore::parse knows.
            secret_store: self.secret_store.as_deref().and_then(SecretStore::parse),
            ..RawOptions::default()
        }
    }
}

impl JiraArgs {
    pub(crate) fn into_raw(self) -> RawOptions {
        let network = self.network;
        RawOptions {
            answers: self.answers,
            yes: self.yes,
            log: network.log,
            http: HttpOptions {
                connect_timeout: Duration::from_secs(network.connect_timeout),
                timeout: Duration::from_secs(network.timeout),
                ca_cert: network.ca_cert,
                allow_http: network.allow_http,
                verbose: network.verbose,
                ..HttpOptions::default()
            },
            ..self.profile.into_raw()
        }
    }
}

impl RunArgs {
    pub(crate) fn into_raw(self) -> RawOptions {
        RawOptions {
            sandbox: self.sandbox,
            no_browser: self.no_browser,
            replace_existing: self.consent.replace_existing,
            ..self.jira.into_raw()
        }
    }
}

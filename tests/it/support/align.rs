//! The Jira Align stand-in beside the Jira one: an [`AlignEnv`] is an [`Env`] whose
//! answers file points `[align]` at a running `AlignStandIn` (its URL, and its demo
//! API 2.0 token through an environment variable), so that step 1 checks a real site
//! and step 24 can watch real features appear.

use std::ops::Deref;
use std::process::Output;

use align_link_standins::align::{
    AlignConfig, AlignStandIn, ConnectorAuth, ConnectorForm, DEMO_API_TOKEN,
};
use align_link_standins::jira::JiraConfig;
use assert_cmd::Command;
use base64::Engine;

use super::{assert_success, Env};

/// The environment variable the answers file takes `align.api_token` from.
pub const ALIGN_TOKEN_ENV: &str = "TEST_ALIGN_TOKEN";

/// The `[align]` table `Env::write_answers` writes, replaced here.
const PLAIN_ALIGN_TABLE: &str = "[align]\nurl = \"https://acme.jiraalign.com\"\n";

pub struct AlignEnv {
    pub env: Env,
    pub align: AlignStandIn,
}

/// `state()`, `step_status()`, `jira`, `rewrite_answers()` ... come from the `Env`.
impl Deref for AlignEnv {
    type Target = Env;

    fn deref(&self) -> &Env {
        &self.env
    }
}

impl AlignEnv {
    pub fn new() -> AlignEnv {
        Self::with_configs(JiraConfig::default(), AlignConfig::default())
    }

    pub fn with_jira(jira: JiraConfig) -> AlignEnv {
        Self::with_configs(jira, AlignConfig::default())
    }

    pub fn with_configs(jira: JiraConfig, align: AlignConfig) -> AlignEnv {
        let env = Env::with_config(jira);
        let align = AlignStandIn::start(align).expect("the Jira Align stand-in starts");
        let both = AlignEnv { env, align };
        both.write_answers("");
        both
    }

    /// The standard answers with `[align]` pointing at the stand-in, and `extra`
    /// appended after the `[keys]` table.
    pub fn write_answers(&self, extra: &str) {
        self.write_answers_with("", extra);
    }

    /// As `write_answers`, with `align_extra` (TOML lines) added to `[align]`.
    pub fn write_answers_with(&self, align_extra: &str, extra: &str) {
        self.env.write_answers(extra);
        self.env.rewrite_answers(
            PLAIN_ALIGN_TABLE,
            &format!(
                "[align]\nurl = \"{}\"\napi_token = {{ env = \"{ALIGN_TOKEN_ENV}\" }}\n{align_extra}{}",
                self.align.url(),
                if align_extra.is_empty() || align_extra.ends_with('\n') {
                    ""
                } else {
                    "\n"
                }
            ),
        );
    }

    /// The binary, as `Env::cmd`, with the demo API token in the environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.env.cmd(args);
        cmd.env(ALIGN_TOKEN_ENV, DEMO_API_TOKEN);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn setup(&self) -> Output {
        let output = self.run(&["setup", "--yes"]);
        assert_success(&output);
        output
    }

    /// The connector form an operator fills in at step 4, for this Jira.
    pub fn connector_form(&self, auth: ConnectorAuth) -> ConnectorForm {
        ConnectorForm {
            name: "Jira Data Center".into(),
            jira_link: format!("{}/browse/", self.jira.url()),
            jira_api_url: self.jira.url(),
            auth,
            consumer_key: None,
            username: None,
            secret: None,
        }
    }

    /// An OAuth connector with `consumer_key`, and its key generated: returns the
    /// Connector ID and the public key as Jira Align shows it (bare base64 in lines).
    pub fn oauth_connector(&self, consumer_key: &str) -> (u32, String) {
        let id = self.align.create_connector(ConnectorForm {
            consumer_key: Some(consumer_key.into()),
            ..self.connector_form(ConnectorAuth::OAuth)
        });
        let shown = self.align.generate_key(id);
        self.align.save_connector(id);
        (id, shown)
    }

    /// The files in the state directory (names only).
    pub fn state_files(&self) -> Vec<String> {
        std::fs::read_dir(self.state_dir())
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The DER bytes of a key as Jira Align shows it (bare base64 with line breaks).
pub fn shown_key_der(shown: &str) -> Vec<u8> {
    let compact: String = shown.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .expect("Jira Align shows base64")
}

/// `[keys]` lines for a key pair Jira Align made: the consumer key and the public
/// key as a multi-line string, exactly as copied from the connector form.
pub fn align_keys(consumer_key: &str, public_key: &str) -> String {
    format!("source = \"align\"\nconsumer_key = \"{consumer_key}\"\npublic_key = \"\"\"\n{public_key}\n\"\"\"\n")
}

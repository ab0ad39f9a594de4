//! The stand-ins (crate `align-link-standins`) as the CLI uses them: `align-link
//! sandbox` serves them in the foreground, `--sandbox` in-process for one run, and
//! the answers are filled with their URLs and demo accounts.

use crate::answers::Answers;
use crate::domain::Secret;
use crate::error::{AppError, Result};
use align_link_standins::align::{self, AlignConfig, AlignStandIn};
use align_link_standins::jira::{JiraConfig, JiraStandIn};
use std::time::Duration;

/// How long after Jira issues the connector's token the Jira Align stand-in's
/// demo sync turns the test project's issues into Features: a few seconds, as a
/// first sync pass takes.
pub const DEMO_SYNC_DELAY: Duration = Duration::from_secs(3);

pub struct Sandbox {
    pub jira: JiraStandIn,
    pub align: AlignStandIn,
}

impl Sandbox {
    pub fn start() -> Result<Sandbox> {
        Self::start_on(0, 0)
    }

    /// Port 0 picks a free one.
    pub fn start_on(jira_port: u16, align_port: u16) -> Result<Sandbox> {
        Self::start_with(jira_port, align_port, Duration::ZERO)
    }

    /// As [`Sandbox::start_on`], the Jira stand-in waiting `jira_latency` before
    /// each answer.
    pub fn start_with(jira_port: u16, align_port: u16, jira_latency: Duration) -> Result<Sandbox> {
        let config = JiraConfig {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], jira_port)),
            latency: jira_latency,
            ..JiraConfig::default()
        };
        let jira = JiraStandIn::start(config).map_err(|err| {
            AppError::failed(format!(
                "cannot start the Jira stand-in on 127.0.0.1:{jira_port}: {err}"
            ))
            .hint("Pick another port, or 0 for any free one.")
        })?;
        let align = AlignStandIn::start(AlignConfig {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], align_port)),
            ..AlignConfig::default()
        })
        .map_err(|err| {
            AppError::failed(format!(
                "cannot start the Jira Align stand-in on 127.0.0.1:{align_port}: {err}"
            ))
            .hint("Pick another port, or 0 for any free one.")
        })?;
        align_link_standins::demo_sync::follow(&jira, &align, DEMO_SYNC_DELAY)
            .map_err(|err| AppError::failed(format!("cannot start the sandbox's sync: {err}")))?;
        Ok(Sandbox { jira, align })
    }

    /// Fills what the answers file leaves open with the stand-in's URL and demo
    /// accounts; what the file does say is kept.
    pub fn fill_answers(&self, answers: &mut Answers) {
        let demo = self.jira.demo();
        let jira_url = url::Url::parse(&self.jira.url()).expect("the stand-in's URL parses");
        let has_admin = answers.jira.admin_token.is_some() || answers.jira.admin_username.is_some();
        answers.jira.url.get_or_insert(jira_url);
        if !has_admin {
            answers.jira.admin_token = Some(Secret::new(demo.admin_token.clone()));
        }
        answers
            .jira
            .test_project
            .get_or_insert_with(|| demo.test_project_key.clone());
        answers
            .service_account
            .username
            .get_or_insert_with(|| demo.service_username.clone());
        answers
            .service_account
            .password
            .get_or_insert_with(|| Secret::new(demo.service_password.clone()));
        if answers.align.url.is_none() {
            let url = url::Url::parse(&self.align.url()).expect("the stand-in's URL parses");
            answers.align.url = Some(url);
            answers
                .align
                .api_token
                .get_or_insert_with(|| Secret::new(align::DEMO_API_TOKEN));
        }
    }
}

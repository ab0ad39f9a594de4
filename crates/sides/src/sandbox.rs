//! The stand-ins for `align-link sandbox` and `--sandbox`. A build without the
//! feature `sandbox` keeps both, which then say what is missing.

#[cfg(not(feature = "sandbox"))]
pub use absent::Sandbox;

#[cfg(feature = "sandbox")]
use crate::answers::Answers;
#[cfg(feature = "sandbox")]
use crate::domain::Secret;
use crate::error::{AppError, Result};
#[cfg(feature = "sandbox")]
use align_link_standins::align::{self, AlignConfig, AlignStandIn};
#[cfg(feature = "sandbox")]
use align_link_standins::jira::{JiraConfig, JiraStandIn};
use std::time::Duration;

/// The demo sync's wait after the token is issued: as long as a first sync pass takes.
pub const DEMO_SYNC_DELAY: Duration = Duration::from_secs(3);

#[cfg(feature = "sandbox")]
pub struct Sandbox {
    pub jira: JiraStandIn,
    pub align: AlignStandIn,
}

impl Sandbox {
    /// On free ports, answering at once.
    pub fn start() -> Result<Sandbox> {
        Self::start_with(0, 0, Duration::ZERO)
    }
}

#[cfg(feature = "sandbox")]
impl Sandbox {
    pub fn demo_service_login(&self) -> (String, String) {
        let demo = self.jira.demo();
        (demo.service_username.clone(), demo.service_password.clone())
    }

    /// Port 0 picks a free one; the Jira stand-in waits `jira_latency` before answers.
    pub fn start_with(jira_port: u16, align_port: u16, jira_latency: Duration) -> Result<Sandbox> {
        let config = JiraConfig {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], jira_port)),
            latency: jira_latency,
            ..JiraConfig::default()
        };
        let cannot_start = |what: &'static str, port: u16| {
            move |err: std::io::Error| {
                AppError::failed(format!(
                    "cannot start the {what} on 127.0.0.1:{port}: {err}"
                ))
                .hint("Pick another port, or 0 for any free one.")
            }
        };
        let jira = JiraStandIn::start(config).map_err(cannot_start("Jira stand-in", jira_port))?;
        let align = AlignStandIn::start(AlignConfig {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], align_port)),
            ..AlignConfig::default()
        })
        .map_err(cannot_start("Jira Align stand-in", align_port))?;
        align_link_standins::demo_sync::follow(&jira, &align, DEMO_SYNC_DELAY)
            .map_err(|err| AppError::failed(format!("cannot start the sandbox's sync: {err}")))?;
        Ok(Sandbox { jira, align })
    }

    /// What the answers leave open: the stand-ins' URLs and demo accounts.
    pub fn fill_answers(&self, answers: &mut Answers) {
        let demo = self.jira.demo();
        let jira_url = url::Url::parse(&self.jira.url()).expect("the stand-in's URL parses");
        let (jira, service) = (&mut answers.jira, &mut answers.service_account);
        jira.url.get_or_insert(jira_url);
        if jira.admin_token.is_none() && jira.admin_username.is_none() {
            jira.admin_token = Some(Secret::new(demo.admin_token.clone()));
        }
        let project = || demo.test_project_key.clone();
        jira.test_project.get_or_insert_with(project);
        service
            .username
            .get_or_insert_with(|| demo.service_username.clone());
        let password = || Secret::new(demo.service_password.clone());
        service.password.get_or_insert_with(password);
        if answers.align.url.is_none() {
            let url = url::Url::parse(&self.align.url()).expect("the stand-in's URL parses");
            answers.align.url = Some(url);
            let token = || Secret::new(align::DEMO_API_TOKEN);
            answers.align.api_token.get_or_insert_with(token);
        }
    }
}

#[cfg(not(feature = "sandbox"))]
mod absent {
    use super::{AppError, Duration, Result};
    use crate::answers::Answers;

    pub enum Absent {}

    impl Absent {
        pub fn request_count(&self) -> u64 {
            match *self {}
        }

        pub fn url(&self) -> String {
            match *self {}
        }
    }

    pub struct Sandbox {
        pub jira: Absent,
        pub align: Absent,
    }

    impl Sandbox {
        pub fn start_with(_jira: u16, _align: u16, _latency: Duration) -> Result<Sandbox> {
            Err(AppError::usage(
                "this align-link was built without the stand-ins (the cargo feature `sandbox`)",
            )
            .hint(
                "Install a release archive, or `cargo install align-link` with its default \
                 features, to try align-link against local stand-ins.",
            ))
        }

        pub fn fill_answers(&self, _answers: &mut Answers) {
            match self.jira {}
        }

        pub fn demo_service_login(&self) -> (String, String) {
            match self.jira {}
        }
    }
}

//! The approvals of steps 18-19 by a person: a browser returning to the loopback
//! callback, or a typed code. The service account's lives with the handshake.

use std::time::Duration;

use url::Url;

use crate::callback::CallbackListener;
use crate::context::inputs;
use crate::error::Result;
use crate::jira::handshake::Approver;
use crate::prompt::{Prompter, Question};
use crate::{browser, ui};

/// As long as Jira keeps a request token.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(600);

/// Under `--sandbox`, the stand-in's demo login (it guards nothing else, and
/// `align-link sandbox` prints it too).
pub fn sandbox_sign_in(ctx: &crate::context::Ctx) -> Option<String> {
    let (demo_user, demo_password) = ctx.sandbox()?.demo_service_login();
    let username = ctx.given(&inputs::SERVICE_USERNAME)?;
    (username == demo_user).then(|| {
        format!("In this sandbox, log in to Jira as {demo_user} with the demo password {demo_password}.")
    })
}

/// Opens the authorize page in a browser and waits for Jira's redirect.
pub struct BrowserApproval {
    pub listener: CallbackListener,
    /// [`sandbox_sign_in`], shown with the page.
    pub sign_in: Option<String>,
}

impl Approver for BrowserApproval {
    fn callback(&self) -> Option<String> {
        Some(self.listener.url().to_string())
    }

    fn approve(&mut self, request_token: &str, authorize_url: &Url) -> Result<String> {
        ui::info("Opening Jira's authorize page: log in as the service account, then click Allow.");
        if let Some(sign_in) = &self.sign_in {
            ui::info(sign_in);
        }
        // The browser gets a one-time loopback address, not the request token.
        let start = self.listener.start_url(authorize_url);
        // Printed either way: a browser may start and still show nothing.
        if browser::open(start.as_str()) {
            ui::info("If no page shows up, open this address yourself:");
        } else {
            ui::info("No browser started: open this address yourself:");
        }
        crate::outln!("\n    {authorize_url}\n");
        ui::info(&format!(
            "Waiting up to {} minutes for Jira's answer{}",
            CALLBACK_TIMEOUT.as_secs() / 60,
            ui::style::symbol("…", "...")
        ));
        self.listener
            .wait_for_verifier(request_token, CALLBACK_TIMEOUT)
    }
}

/// Out of band: the person opens the URL, clicks Allow and types the code Jira shows.
pub struct ManualApproval<'a> {
    pub prompter: &'a mut dyn Prompter,
    /// [`sandbox_sign_in`], shown with the address.
    pub sign_in: Option<String>,
}

impl Approver for ManualApproval<'_> {
    fn callback(&self) -> Option<String> {
        None
    }

    fn approve(&mut self, _request_token: &str, authorize_url: &Url) -> Result<String> {
        ui::info(
            "Open this address in a browser logged in to Jira as the service account, click Allow,",
        );
        ui::info("and copy the verification code Jira shows:");
        if let Some(sign_in) = &self.sign_in {
            ui::info(sign_in);
        }
        crate::outln!("\n    {authorize_url}\n");
        let check = |v: &str| {
            if v.trim().is_empty() {
                Err("paste the verification code Jira showed".to_string())
            } else {
                Ok(())
            }
        };
        let answer = self
            .prompter
            .ask(
                // The code (or a pasted callback address) approves the token: a secret.
                &Question::new("oauth.verifier", "Verification code")
                    .secret()
                    .validate(&check),
            )
            .map_err(|err| err.hint_instead("A scripted run cannot type a code: set oauth.approval = \"service-account\" with service_account.password, or run in a terminal."))?;
        Ok(verifier_in(&answer))
    }
}

/// The code as typed, or the `oauth_verifier` of a pasted address (a browser
/// that tried to follow a callback shows one in its address bar).
fn verifier_in(answer: &str) -> String {
    let answer = answer.trim();
    let query = answer.split_once('?').map_or(answer, |(_, query)| query);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "oauth_verifier")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| answer.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::Logged;
    use crate::ui::log::OperatorLog;
    use align_link_test_support::{Reply, Scripted};
    use std::sync::Arc;

    #[test]
    fn the_typed_code_and_a_pasted_callback_stay_out_of_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.log");
        let log = Arc::new(OperatorLog::open(&path).unwrap());
        let authorize = Url::parse("https://jira.example.com/authorize?oauth_token=rt").unwrap();
        for pasted in [
            "Zx9Q2a",
            "http://127.0.0.1:9/cb?oauth_token=rt-secret&oauth_verifier=Zx9Q2a",
        ] {
            let script = Scripted::new([Reply::text("oauth.verifier", pasted)]);
            let mut prompter = Logged::new(Box::new(script), log.clone());
            let mut approval = ManualApproval {
                prompter: &mut prompter,
                sign_in: None,
            };
            assert_eq!(approval.approve("rt", &authorize).unwrap(), "Zx9Q2a");
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("answer oauth.verifier"), "{text}");
        assert!(!text.contains("Zx9Q2a"), "{text}");
        assert!(!text.contains("rt-secret"), "{text}");
    }

    #[test]
    fn takes_the_code_or_the_verifier_of_a_pasted_address() {
        assert_eq!(verifier_in(" Ab3dE9 \n"), "Ab3dE9");
        assert_eq!(
            verifier_in("http://127.0.0.1:9/cb?oauth_token=rt&oauth_verifier=Zx9Q2a"),
            "Zx9Q2a"
        );
        assert_eq!(verifier_in("oauth_verifier=Zx9Q2a"), "Zx9Q2a");
    }
}

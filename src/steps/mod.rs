//! The 24 steps of Atlassian's guide, as data. Each number here is the number in
//! the guide, so `align-link step 13` is the row that says `number: 13`.

mod applink;
mod approval;
pub mod ask;
mod connector;
pub mod consent;
pub mod converge;
mod guided;
pub mod handshake;
mod incoming;
pub mod jira_access;
pub mod jira_side;
pub mod keep;
pub mod keys;
mod preflight;
pub mod reconcile;
pub mod runner;
mod verify;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Jira,
    Align,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// align-link does it over an API and checks the result.
    Automated,
    /// No API: align-link shows what to do, with the values, and asks for a confirmation.
    Guided,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Jira => "Jira",
            Side::Align => "Jira Align",
            Side::Both => "both",
        }
    }
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Automated => "automated",
            Mode::Guided => "guided",
        }
    }
}

/// What running a step came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(String),
    /// Done, and so are the following steps up to this number: they were legs of
    /// the same piece of work (the handshake, 17 to 20), each recorded as it completed.
    DoneThrough(String, u8),
    /// Guided work the operator confirmed, with the values it showed.
    Confirmed(String, std::collections::BTreeMap<String, String>),
    /// Guided work the operator has not confirmed yet.
    NeedsOperator(String),
    Skipped(String),
}

pub struct Step {
    pub number: u8,
    pub side: Side,
    pub mode: Mode,
    pub title: &'static str,
    /// What it needs from the operator: asked before the run's first request.
    pub asks: &'static [Ask],
    pub run: fn(&mut Ctx) -> Result<Outcome>,
}

use crate::context::inputs::{ALIGN_URL, CONNECTOR_NAME, JIRA_URL, TEST_PROJECT};
use ask::Ask::{self, *};
use Mode::{Automated, Guided};
use Side::{Align, Both, Jira};

#[rustfmt::skip]
pub static STEPS: [Step; 24] = [
    Step { number: 1, side: Align, mode: Guided, title: "Open Jira Align's Administration", asks: &[Value(&ALIGN_URL), AlignApiToken], run: guided::open_administration },
    Step { number: 2, side: Align, mode: Guided, title: "Go to Connectors > Jira Settings", asks: &[], run: guided::open_jira_settings },
    Step { number: 3, side: Align, mode: Guided, title: "Open the Jira Connectors list", asks: &[], run: guided::open_connectors },
    Step { number: 4, side: Both, mode: Guided, title: "Fill in the Jira connector form", asks: &[Value(&JIRA_URL), Value(&ALIGN_URL), Value(&CONNECTOR_NAME), ConnectorAuth], run: connector::fill_connector },
    Step { number: 5, side: Both, mode: Automated, title: "Make the RSA key pair", asks: &[KeySource], run: keys::key_pair },
    Step { number: 6, side: Align, mode: Guided, title: "Save the connector", asks: &[], run: guided::save_connector },
    Step { number: 7, side: Jira, mode: Automated, title: "Check Jira and the administrator's access", asks: &[Value(&JIRA_URL), AdminSignIn], run: jira_access::check_admin_access },
    Step { number: 8, side: Jira, mode: Automated, title: "Look for an existing application link", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn], run: applink::find_existing },
    Step { number: 9, side: Jira, mode: Automated, title: "Create the application link to Jira Align", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn], run: applink::create },
    Step { number: 10, side: Jira, mode: Automated, title: "Confirm past Jira's \"no response\" warning", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn], run: applink::no_response_warning },
    Step { number: 11, side: Jira, mode: Automated, title: "Name the application link", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn], run: applink::name },
    Step { number: 12, side: Jira, mode: Automated, title: "Open the link for editing (read it back)", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn], run: applink::read_back },
    Step { number: 13, side: Jira, mode: Automated, title: "Set the consumer key on the link", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn, PreflightProject], run: incoming::set_consumer },
    Step { number: 14, side: Jira, mode: Automated, title: "Install the public key on the link", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn], run: incoming::check_public_key },
    Step { number: 15, side: Jira, mode: Automated, title: "Save the incoming authentication", asks: &[Value(&ALIGN_URL), Value(&JIRA_URL), AdminSignIn], run: incoming::confirm_saved },
    Step { number: 16, side: Align, mode: Guided, title: "Return to the Jira Align connector", asks: &[], run: guided::back_to_connector },
    Step { number: 17, side: Both, mode: Automated, title: "Authorize OAuth access (request token)", asks: &[Value(&JIRA_URL), Approver], run: handshake::authorize },
    Step { number: 18, side: Both, mode: Automated, title: "Request access from Jira", asks: &[Value(&JIRA_URL), Approver], run: handshake::approval_leg },
    Step { number: 19, side: Jira, mode: Automated, title: "Allow the application access", asks: &[Value(&JIRA_URL), Approver], run: handshake::approval_leg },
    Step { number: 20, side: Both, mode: Automated, title: "OAuth completed (access token)", asks: &[Value(&JIRA_URL), Approver], run: handshake::completed },
    Step { number: 21, side: Both, mode: Automated, title: "Check who the link acts as; save the connector", asks: &[Value(&JIRA_URL), ServiceCredential], run: verify::acting_account },
    Step { number: 22, side: Both, mode: Automated, title: "Test the connection (Test Now is for Basic only)", asks: &[Value(&JIRA_URL), BasicPassword], run: verify::test_connection },
    Step { number: 23, side: Align, mode: Guided, title: "Activate the connector", asks: &[], run: guided::activate },
    Step { number: 24, side: Both, mode: Automated, title: "Sync a test project", asks: &[Value(&TEST_PROJECT), Value(&JIRA_URL), ServiceCredential, AlignApiToken], run: verify::test_project },
];

/// The consumer's and the handshake's steps, which exist for OAuth only.
const OAUTH_ONLY: [u8; 7] = [13, 14, 15, 17, 18, 19, 20];

/// With a PAT or Basic, the steps for OAuth only are skipped.
fn skipped_without_oauth(ctx: &Ctx, step: u8) -> Option<Outcome> {
    let auth = ctx.connector_auth();
    (auth != crate::domain::ConnectorAuth::OAuth && OAUTH_ONLY.contains(&step)).then(|| {
        Outcome::Skipped(format!(
            "the connector signs in with {}: no OAuth consumer or handshake",
            auth.label()
        ))
    })
}

/// The step with this number (1 to 24).
pub fn by_number(number: u8) -> Option<&'static Step> {
    STEPS.iter().find(|step| step.number == number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_one_to_twenty_four_in_order() {
        for (index, step) in STEPS.iter().enumerate() {
            assert_eq!(step.number as usize, index + 1);
        }
        assert_eq!(
            by_number(13).unwrap().title,
            "Set the consumer key on the link"
        );
        assert!(by_number(0).is_none() && by_number(25).is_none());
    }

    #[test]
    fn sides_follow_the_guide() {
        let align_only: Vec<u8> = STEPS
            .iter()
            .filter(|s| s.side == Align)
            .map(|s| s.number)
            .collect();
        assert_eq!(align_only, vec![1, 2, 3, 6, 16, 23]);
        let jira_only: Vec<u8> = STEPS
            .iter()
            .filter(|s| s.side == Jira)
            .map(|s| s.number)
            .collect();
        assert_eq!(jira_only, vec![7, 8, 9, 10, 11, 12, 13, 14, 15, 19]);
    }
}

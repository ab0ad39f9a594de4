//! What the executor knows of this run beyond the observation: the steps it
//! converges and what it applied for them, which the steps report.

use crate::align::AlignUser;
use crate::error::{AppError, Result};
use crate::http::Result as ClientResult;
use crate::jira::handshake::{ServiceAccountApproval, Started};
use crate::jira::service::ServiceSignIn;
use crate::model::apply::Applied;
use crate::model::{Change, ChangeKind};

/// The observation pass's side checks, for their steps to judge in order.
pub struct SideReads {
    pub service: Option<Result<ServiceSignIn>>,
    pub align: Option<ClientResult<Option<AlignUser>>>,
    /// The server's facts could not be read; the side answers are kept anyway.
    pub server_failure: Option<AppError>,
}

#[derive(Default)]
pub struct RunRecord {
    /// `align-link step N`: the operator asked for this one step.
    pub single_step: bool,
    /// The step the runner runs now (a guided confirmation compares with its record).
    pub current_step: u8,
    /// The key pair being made on its own thread (`steps::keys::start_early`).
    pub pending_key: Option<crate::keys::PendingKey>,
    /// The first observation pass of an unattended run, as read (`observe_first`).
    pub first_pass: Option<SideReads>,
    /// The steps this command converges: all 24 for `setup`, one for `step N`.
    pub scope: Vec<u8>,
    /// The Jira side's changes applied in this run (None: not applied yet).
    pub jira_side: Option<JiraSideApplied>,
    /// The handshake's first leg, sent beside the consumer's read-back.
    pub leg_one: Option<StartedApproval>,
    /// The read-only checks before the first write passed in this run.
    pub validated: bool,
    /// Jira Align's site and API token were checked in this run (step 1 does).
    pub align_checked: bool,
    /// Changes the operator agreed to in this run (by description).
    pub consented: Vec<String>,
    /// What the preflight proved before Jira Align's key went on the link.
    pub preflight: Option<Proof>,
    /// Whether the operator agreed to keep this run's answers, and what was kept.
    pub keeping: Keeping,
}

/// Whether to keep the typed answers (`steps::keep`), and what was kept.
#[derive(Debug, Default)]
pub struct Keeping {
    /// `None` until the operator was asked.
    pub agreed: Option<bool>,
    /// The (key, value) pairs written so far.
    pub kept: Vec<(&'static str, String)>,
}

/// What the preflight proved, in plain words.
pub struct Proof {
    pub account: String,
    pub project: String,
}

/// Each planned change of the Jira side, with what applying it came to.
pub type JiraSideApplied = Vec<(Change, Result<Applied>)>;

/// The handshake's first leg, done or failed, with the approver that started it.
pub struct StartedApproval {
    pub approver: ServiceAccountApproval,
    pub leg_one: Result<Started>,
    /// The consumer key the request token was signed with.
    pub consumer_key: String,
    pub sent: std::time::Instant,
}

impl RunRecord {
    /// What applying the change of one of `kinds` came to, taken from the
    /// record (reported once); None when nothing of that kind changed.
    pub fn applied(&mut self, kinds: &[ChangeKind]) -> Option<(Change, Result<Applied>)> {
        let applied = self.jira_side.as_mut()?;
        let index = applied
            .iter()
            .position(|(change, _)| kinds.contains(&change.kind))?;
        Some(applied.remove(index))
    }

    /// Whether this command converges `step`.
    pub fn converges(&self, step: u8) -> bool {
        self.scope.contains(&step)
    }
}

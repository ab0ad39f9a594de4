//! Work a step starts for a later step of the same run, when nothing between the
//! two waits for a person: the later step takes the result from here instead of
//! starting the work itself. Each such start saves a round trip in a row (a write
//! goes out beside the previous write's read-back), and every check still runs,
//! in its own step. Anything left here at the end of a run was never needed.

use crate::error::Result;
use crate::jira::handshake::{ServiceAccountApproval, Started};
use crate::jira::service::ServiceSignIn;
use crate::model::apply::Applied;

#[derive(Default)]
pub struct Ahead {
    /// The steps this run will still run after the current one (the runner says).
    upcoming: Vec<u8>,
    /// Step 7's observation pass, made at step 1 beside its Jira Align check
    /// (the server facts and the link are in `ctx.observed`).
    pub early_pass: Option<EarlyPass>,
    /// Step 13's consumer, set at step 9 beside the new link's read-back.
    pub consumer_set: Option<Result<Applied>>,
    /// Step 17's first leg (the request token beside the service account's login),
    /// started at step 13 beside the consumer's read-back.
    pub approval: Option<StartedApproval>,
}

/// What step 7's pass found besides the model: the service account's check
/// (None when the answers give no password or test project).
pub struct EarlyPass {
    pub service: Option<Result<ServiceSignIn>>,
    /// Why the server's facts could not be read, for step 7 to report.
    pub server_failure: Option<crate::error::AppError>,
}

/// The handshake's first leg, done or failed, with the approver that started it.
pub struct StartedApproval {
    pub approver: ServiceAccountApproval,
    pub leg_one: Result<Started>,
    /// The consumer key the request token was signed with.
    pub consumer_key: String,
}

impl Ahead {
    pub fn set_upcoming(&mut self, steps: Vec<u8>) {
        self.upcoming = steps;
    }

    /// Whether `step` still runs in this run, after the current step.
    pub fn will_run(&self, step: u8) -> bool {
        self.upcoming.contains(&step)
    }

    /// Whether every step from `from` to `to` (both included) runs in this run.
    pub fn will_run_all(&self, from: u8, to: u8) -> bool {
        (from..=to).all(|step| self.will_run(step))
    }
}

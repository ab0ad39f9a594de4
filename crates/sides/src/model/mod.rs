//! The Jira side as a model, terraform-style: what Jira holds for this connector
//! (`observe`), what this profile wants there (`desired`), the ordered changes
//! between the two (`diff`, pure), and running them (`apply`). Steps 8-15, the
//! preflight, `plan`, the consent before a destructive change (and later
//! `doctor` and `unlink`, with a `Desired::Absent`) are all views onto it.
//!
//! Nothing here prompts or prints: the callers decide what to show and ask.

pub mod apply;
pub mod desired;
pub mod diff;
pub mod observe;
pub mod render;

pub use apply::apply;
pub use desired::{Desired, Ownership, WantedConsumer, WantedLink};
pub use diff::{diff, Action, Change, ChangeKind, Values};
pub use observe::{Observation, ObservedConsumer, ObservedLink, ServerFacts};

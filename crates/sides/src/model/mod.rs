//! The Jira side, terraform-style: what Jira holds (`observe`), what the profile
//! wants (`desired`), the changes between them (`diff`, pure) and running them
//! (`apply`). Nothing here prompts or prints.

pub mod apply;
pub mod desired;
pub mod diff;
pub mod observe;
pub mod render;

pub use apply::apply;
pub use desired::{Desired, WantedConsumer, WantedLink};
pub use diff::{diff, Action, Change, ChangeKind, Values};
pub use observe::{Observation, ObservedConsumer, ObservedLink, ServerFacts};

//! One module per subcommand, each wiring its arguments to one operation of
//! `crate::ops` (where the work is), as cargo's `commands/<cmd>.rs` do.

pub mod doctor;
pub mod plan;
pub mod profiles;
pub mod renew;
pub mod sandbox;
pub mod setup;
pub mod show;
pub mod status;
pub mod step;
pub mod steps;
pub mod unlink;

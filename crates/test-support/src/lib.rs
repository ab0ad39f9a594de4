//! Test support for align-link's tests, never a dependency of the shipped crates
//! (as cargo's `cargo-test-support`): a scripted person for tests, behind the
//! `Prompter` interface (`Scripted`), and the parameters of a signed request's
//! `Authorization` header (`oauth`).

pub mod oauth;
mod scripted;

pub use scripted::{Reply, Scripted};

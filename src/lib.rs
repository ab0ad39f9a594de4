//! align-link: links Jira Align to Jira Data Center.
//!
//! The binary (`src/main.rs`) only parses arguments; everything else lives here so
//! that the tests and the binary share it.

pub mod answers;
pub mod error;
pub mod keys;
pub mod oauth;
pub mod sandbox;
pub mod store;

pub use error::{AppError, Result};

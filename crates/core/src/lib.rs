//! The lower layers of align-link, in a crate of their own so that cargo keeps
//! them from naming the CLI above them (the CLI crate re-exports every module).
//! - `platform`: every difference between unix (Linux, macOS) and Windows.
//! - `util`: files, text, time and did-you-mean suggestions.
//! - `domain`: secrets and the operator's choices (key source, connector auth, approval).
//! - `oauth`, `http`: OAuth 1.0a signing and answers; the HTTP client and its typed errors.
//! - `error`: `AppError`, what the user sees, built from the client errors.
//! - `keys`, `callback`, `browser`: key pairs, the loopback callback, the browser.
//! - `ui`: terminal output, the log and progress; `state`: what is saved between runs.
//!
//! Layers, lowest first (a module uses only its own layer and below):
//! platform < util < domain < oauth < http < error < keys, callback, browser, ui, state.

pub mod browser;
pub mod callback;
pub mod domain;
pub mod error;
pub mod http;
pub mod keys;
pub mod oauth;
pub mod platform;
pub mod state;
pub mod ui;
pub mod util;

pub use error::{AppError, Result};

//! The lower layers of align-link, in a crate of their own so that cargo keeps
//! them from naming the CLI above them (the CLI crate re-exports every module).
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

//! Small helpers with no better home.

pub mod file;
pub mod text;
pub mod time;

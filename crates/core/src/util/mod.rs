//! Small helpers with no better home.

pub mod file;
pub mod suggest;
pub mod text;
pub mod time;

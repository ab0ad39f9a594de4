//! Small helpers with no better home.

pub mod text;
pub mod time;

//! `align-link doctor`: live checks of a connector that was set up, each with a
//! verdict and the fix.

pub mod tls;

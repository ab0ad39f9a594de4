//! The middle layers' integration tests, in one test binary: the ones that need the
//! test-support crate's scripted person, which the unit tests inside src/ cannot use
//! (it depends on this crate). One module per subject.

mod logged;

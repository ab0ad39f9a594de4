//! The stand-ins' tests, in one test binary, driven over real HTTP: the Jira
//! stand-in (`jira`), the Jira Align stand-in (`align`), shared helpers in `support`.

mod support;

mod align;
mod jira;

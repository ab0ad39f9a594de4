//! The OAuth problem codes Jira sends, as data (`problems.toml`); `error::remedy`
//! words the fixes the code alone does not say.

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub code: String,
    pub status: u16,
    pub meaning: String,
    pub fix: Option<String>,
}

/// In the order of `jira-dc.md`.
pub fn all() -> &'static [Problem] {
    #[derive(Deserialize)]
    struct Table {
        problem: Vec<Problem>,
    }
    static TABLE: OnceLock<Vec<Problem>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let table: Table =
            toml::from_str(include_str!("problems.toml")).expect("problems.toml is valid");
        table.problem
    })
}

pub fn find(code: &str) -> Option<&'static Problem> {
    all().iter().find(|problem| problem.code == code)
}

/// The HTTP status Jira answers a problem with; anything unknown is 403.
pub fn http_status(code: &str) -> u16 {
    find(code).map_or(403, |problem| problem.status)
}

pub fn meaning(code: &str) -> &'static str {
    find(code).map_or("a problem align-link does not know", |problem| {
        &problem.meaning
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_table() {
        assert_eq!(http_status("timestamp_refused"), 400);
        assert_eq!(http_status("signature_invalid"), 401);
        assert_eq!(http_status("user_refused"), 503);
        assert_eq!(http_status("something_new"), 403);
        assert_eq!(all().len(), 19);
        assert_eq!(all()[0].code, "version_rejected");
    }
}

//! `--log FILE` through `Logged`: every answer recorded, a secret's value never.
//! Here rather than beside `Logged`, because the scripted person comes from the
//! test-support crate, which depends on this one.

use std::sync::Arc;

use align_link_core::ui::log::OperatorLog;
use align_link_sides::prompt::{Logged, Prompter, Question};
use align_link_test_support::{Reply, Scripted};

#[test]
fn records_answers_but_never_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(OperatorLog::open(&dir.path().join("run.log")).unwrap());
    let script = Scripted::new([
        Reply::text("jira.admin_token", "s3cret-token"),
        Reply::confirm("Done in Jira Align?", true),
        Reply::text("jira.url", "https://jira.example.com"),
    ]);
    let mut logged = Logged::new(Box::new(script), log);
    logged
        .ask(&Question::new("jira.admin_token", "Token").secret())
        .unwrap();
    logged.confirm("Done in Jira Align?", false).unwrap();
    logged.ask(&Question::new("jira.url", "Jira URL")).unwrap();
    let text = std::fs::read_to_string(dir.path().join("run.log")).unwrap();
    assert!(!text.contains("s3cret-token"), "{text}");
    assert!(
        text.contains("answer jira.admin_token = (a secret"),
        "{text}"
    );
    assert!(
        text.contains("confirm \"Done in Jira Align?\" = yes"),
        "{text}"
    );
    assert!(text.contains("\"https://jira.example.com\""), "{text}");
}

#[test]
fn tokens_in_an_answer_not_marked_secret_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(OperatorLog::open(&dir.path().join("run.log")).unwrap());
    let pasted = "http://127.0.0.1:9/cb?oauth_token=rt-1&oauth_verifier=v-1";
    let script = Scripted::new([Reply::text("callback", pasted)]);
    let mut logged = Logged::new(Box::new(script), log);
    let answer = logged.ask(&Question::new("callback", "Address")).unwrap();
    assert_eq!(answer, pasted, "the caller still gets the answer itself");
    let text = std::fs::read_to_string(dir.path().join("run.log")).unwrap();
    assert!(!text.contains("rt-1") && !text.contains("v-1"), "{text}");
    assert!(text.contains("oauth_verifier=<redacted>"), "{text}");
}

use super::*;

#[test]
fn renders_message_and_hints() {
    let err = AppError::usage("bad value").hint("fix it");
    assert_eq!(err.render(), "Error: bad value\nHint: fix it");
    assert_eq!(err.exit_code(), EXIT_USAGE);
    assert_eq!(AppError::failed("x").render(), "Error: x");
    assert_eq!(AppError::failed("x").exit_code(), EXIT_FAILED);
    let two = AppError::failed("x").hint("first").hint("second");
    assert_eq!(two.render(), "Error: x\nHint: first\nHint: second");
    assert_eq!(two.hint_text().unwrap(), "first\nsecond");
}

#[test]
fn a_client_error_becomes_error_and_hint_and_stays_findable() {
    let client = ClientError::answer("Jira's answer has no session", "Approve in a browser.");
    let err = AppError::from(client).context("logging in");
    assert_eq!(
        err.render(),
        "Error: logging in: Jira's answer has no session\nHint: Approve in a browser."
    );
    assert_eq!(err.exit_code(), EXIT_FAILED);
    assert!(err.find::<ClientError>().is_some());
    assert!(err.causes().is_empty(), "the message says it already");
    assert!(AppError::failed("x").find::<ClientError>().is_none());
    let io = std::io::Error::other("disk \u{1b}[2Jfull");
    let err = AppError::failed("cannot save").with_source(io);
    assert_eq!(err.causes(), vec!["disk \\u{1b}[2Jfull".to_string()]);
}

#[test]
fn a_hint_added_goes_before_the_general_one_of_the_source() {
    let client = ClientError::answer("no session", "General.");
    let err = AppError::from(client).hint("Specific.").hint("More.");
    assert_eq!(err.hints(), ["Specific.", "More.", "General."]);
    assert_eq!(err.hint_instead("Only.").hints(), ["Only."]);
}

#[test]
fn causes_follow_the_types_not_the_words() {
    // The same words twice in the chain are two errors: both shown.
    let inner = AppError::failed("timed out").with_source(std::io::Error::other("timed out"));
    let outer = AppError::failed("saving: timed out").with_source(inner);
    assert_eq!(outer.causes(), ["timed out", "timed out"]);
    // A `From` made the message from its source: not repeated.
    let io = AppError::from(std::io::Error::other("disk full"));
    assert!(io.causes().is_empty());
    let outer = AppError::failed("saving").with_source(io);
    assert_eq!(outer.causes(), ["disk full"]);
}

#[test]
fn kinds_decide_the_exit_code() {
    let pipe = AppError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
    assert_eq!((pipe.kind, pipe.exit_code()), (ErrorKind::BrokenPipe, 0));
    assert_eq!(AppError::internal("bug").exit_code(), EXIT_INTERNAL);
    let config = AppError::from(ClientError::config(
        crate::http::ConfigError::CaCertNotPem {
            path: "ca.pem".into(),
        },
    ));
    assert_eq!(
        (config.kind, config.exit_code()),
        (ErrorKind::Config, EXIT_USAGE)
    );
}

#[test]
fn a_missing_step_is_typed_and_its_hint_names_the_commands() {
    let err = AppError::from(NeedsStep {
        step: 9,
        what: "the application link".into(),
    });
    assert_eq!(
        err.message,
        "the application link is not there yet: step 9 provides it"
    );
    assert_eq!(err.find::<NeedsStep>().map(|n| n.step), Some(9));
    let hint = err.hint_text().unwrap();
    assert!(
        hint.contains("step 9`") && hint.contains("setup`"),
        "{hint}"
    );
}

#[test]
fn rendering_masks_credentials() {
    let err = AppError::failed("GET https://j/a?oauth_token=abc&x=1 failed")
        .hint("Cookie JSESSIONID=s3ss");
    let shown = err.render();
    assert!(!shown.contains("abc") && !shown.contains("s3ss"), "{shown}");
}

#[test]
fn context_prefixes_message() {
    let err = AppError::failed("timed out").context("GET /rest/api/2/myself");
    assert_eq!(err.message, "GET /rest/api/2/myself: timed out");
}

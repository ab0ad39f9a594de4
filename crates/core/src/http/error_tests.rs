//! Unit tests for the mapping of client errors to what users see.

use super::*;
use crate::error::{AppError, EXIT_FAILED, EXIT_USAGE};
use std::collections::BTreeMap;

fn status(service: Service, status: u16, auth: AuthKind, detail: &str) -> ClientError {
    ClientError::Status(Box::new(StatusError {
        what: "GET /rest/api/2/myself".into(),
        status,
        service,
        auth,
        detail: detail.into(),
    }))
}

#[test]
fn a_status_becomes_the_text_users_know_with_its_hint() {
    let err = AppError::from(status(Service::Jira, 401, AuthKind::Bearer, "Unauthorized"));
    assert_eq!(
        err.message,
        "GET /rest/api/2/myself: Jira answered HTTP 401: Unauthorized"
    );
    assert!(err
        .hint_text()
        .as_deref()
        .unwrap()
        .contains("credentials were refused"));
    assert_eq!(err.exit_code(), EXIT_FAILED);
    assert_eq!(
        err.find::<ClientError>().and_then(ClientError::http_status),
        Some(401)
    );
}

#[test]
fn jira_align_refusals_are_explained_by_how_we_signed_in() {
    let basic = status(Service::JiraAlign, 401, AuthKind::Basic, "");
    let bearer = status(Service::JiraAlign, 401, AuthKind::Bearer, "");
    assert!(basic
        .to_string()
        .starts_with("Jira Align answered HTTP 401 to GET"));
    assert!(crate::error::hints::client(&basic).contains("align.api_email"));
    assert!(crate::error::hints::client(&bearer).contains("API 2.0 token"));
}

#[test]
fn an_oauth_problem_keeps_every_parameter_and_stays_typed() {
    let params = BTreeMap::from([
        (
            "oauth_acceptable_timestamps".to_string(),
            "100-200".to_string(),
        ),
        ("realm".to_string(), "https://jira.example.com".to_string()),
    ]);
    let problem = OAuthProblem {
        status: 400,
        problem: "timestamp_refused".into(),
        params: params.clone(),
    };
    let err =
        ClientError::oauth(problem, ProblemContext::default()).context("getting a request token");
    assert!(matches!(&err, ClientError::OAuth(failure) if failure.problem.params == params));
    assert_eq!(err.http_status(), Some(400));
    let shown = AppError::from(err);
    assert!(shown.message.starts_with(
        "getting a request token: Jira refused the OAuth request (HTTP 400, oauth_problem=timestamp_refused)"
    ), "{}", shown.message);
    assert!(shown
        .hint_text()
        .as_deref()
        .unwrap()
        .contains("from 100 to 200"));
    assert_eq!(
        shown.find::<ClientError>().and_then(|e| match e {
            ClientError::OAuth(failure) => Some(failure.problem.problem.as_str()),
            _ => None,
        }),
        Some("timestamp_refused")
    );
}

#[test]
fn url_problems_are_usage_errors_and_transport_keeps_its_cause() {
    let url = ClientError::Url(Box::new(UrlError {
        field: "jira.url".into(),
        shown: "https://bob:***@jira".into(),
        reason: UrlReason::UserInfo,
    }));
    assert_eq!(AppError::from(url).exit_code(), EXIT_USAGE);
    let transport = ClientError::Transport(Box::new(TransportError {
        method: "GET".into(),
        url: "https://jira/".into(),
        kind: TransportKind::Refused,
        connecting: true,
        source: Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
    }));
    assert_eq!(
        transport.to_string(),
        "GET https://jira/: connection refused"
    );
    let app = AppError::from(transport);
    assert!(app
        .hint_text()
        .as_deref()
        .unwrap()
        .contains("Nothing answered"));
    assert!(
        app.find::<std::io::Error>().is_some(),
        "the chain reaches the io error"
    );
}

#[test]
fn a_wait_beyond_the_budget_says_both_numbers() {
    let err = ClientError::RetryTooLong(Box::new(RetryTooLong {
        method: "GET".into(),
        url: "https://jira/x".into(),
        service: Service::Jira,
        status: 429,
        asked_secs: 60,
        left: Duration::from_secs(4),
        budget: Duration::from_secs(5),
    }));
    assert_eq!(
        err.to_string(),
        "Jira asked to wait 60 s (HTTP 429) before retrying GET https://jira/x, more than the 4 s left of the --timeout budget of 5 s"
    );
    assert!(crate::error::hints::client(&err).contains("Wait 60 s"));
}

#[test]
fn a_403_points_at_tokens_by_how_the_call_was_made_not_by_jiras_words() {
    let basic = AppError::from(status(Service::Jira, 403, AuthKind::Basic, "Forbidden"));
    assert!(
        basic
            .hint_text()
            .as_deref()
            .unwrap()
            .contains("jira.admin_token"),
        "{basic:?}"
    );
    let worded = AppError::from(status(
        Service::Jira,
        403,
        AuthKind::Bearer,
        "Basic Authentication has been disabled on this instance",
    ));
    assert!(
        !worded.hint_text().as_deref().unwrap().contains("Basic"),
        "{worded:?}"
    );
}

//! Unit tests for reading Jira's answers: token responses and problem reports.

use super::*;
use crate::error::AppError;
use crate::http::ClientError;

#[test]
fn token_responses_parse() {
    let request = parse_token_response(
        "oauth_token=rt1&oauth_token_secret=s%2F1&oauth_callback_confirmed=true\n",
    )
    .unwrap();
    assert_eq!(
        (request.token.as_str(), request.secret.as_str()),
        ("rt1", "s/1")
    );
    assert!(request.callback_confirmed);
    assert_eq!(request.expires_in, None);
    let access = parse_token_response(
        "oauth_token=at&oauth_token_secret=x&oauth_expires_in=157680000&oauth_session_handle=h&oauth_authorization_expires_in=160272000",
    )
    .unwrap();
    assert!(!access.callback_confirmed);
    assert_eq!(access.expires_in, Some(157_680_000));
    assert_eq!(access.session_handle.as_deref(), Some("h"));
    assert_eq!(access.authorization_expires_in, Some(160_272_000));
    assert_eq!(parse_token_response("oauth_token=t").unwrap().secret, "");
    let debug = format!("{access:?}");
    assert!(
        !debug.contains("\"at\"") && !debug.contains("\"x\"") && debug.contains("<redacted>"),
        "{debug}"
    );
}

#[test]
fn token_response_errors_show_what_came_back() {
    let err = AppError::from(ClientError::from(parse_token_response("").unwrap_err()));
    assert!(err.message.contains("empty body"));
    assert!(err.hint_text().unwrap().contains("GET"));

    let page = format!(
        "<html><head><title>Log in</title></head><body>{}</body></html>",
        "x".repeat(500)
    );
    let err = AppError::from(ClientError::from(parse_token_response(&page).unwrap_err()));
    assert!(err.message.contains("no oauth_token"), "{}", err.message);
    assert!(
        err.message.contains("<html><head><title>Log in</title>"),
        "{}",
        err.message
    );
    assert!(err.message.contains("more characters"), "{}", err.message);
    assert!(err.message.len() < 450, "{}", err.message);
    assert!(err.hint_text().unwrap().contains("/plugins/servlet/oauth/"));

    let err = AppError::from(ClientError::from(
        parse_token_response("oauth_token_secret=hush&foo=bar").unwrap_err(),
    ));
    assert!(!err.message.contains("hush"), "{}", err.message);
    assert!(err.message.contains("foo=bar"), "{}", err.message);

    let err = AppError::from(ClientError::from(
        parse_token_response("oauth_problem=permission_unknown").unwrap_err(),
    ));
    assert!(
        err.message
            .contains("HTTP 401, oauth_problem=permission_unknown"),
        "{}",
        err.message
    );
    assert_eq!(err.exit_code(), crate::error::EXIT_FAILED);
}

#[test]
fn problems_are_read_from_header_body_or_both() {
    let header = r#"OAuth realm="https://jira.example.com", oauth_problem="timestamp_refused", oauth_acceptable_timestamps="100-700""#;
    let p = OAuthProblem::from_response(400, Some(header), "").unwrap();
    assert_eq!((p.status, p.problem.as_str()), (400, "timestamp_refused"));
    assert_eq!(p.params["realm"], "https://jira.example.com");
    assert_eq!(p.params["oauth_acceptable_timestamps"], "100-700");

    let body = "oauth_problem=signature_invalid&oauth_signature_base_string=POST%26https%253A%252F%252Fjira%26x&oauth_signature_method=RSA-SHA1";
    let p = OAuthProblem::from_response(401, None, body).unwrap();
    assert_eq!(p.problem, "signature_invalid");
    assert_eq!(
        p.params["oauth_signature_base_string"],
        "POST&https%3A%2F%2Fjira&x"
    );
    assert!(!p.params.contains_key("oauth_problem"));

    let both = OAuthProblem::from_response(
        401,
        Some(
            r#"Basic realm="x", OAuth realm="https%3A%2F%2Fjira", oauth_problem="token_rejected""#,
        ),
        "oauth_problem=token_rejected&oauth_problem_advice=try%20again",
    )
    .unwrap();
    assert_eq!(both.params["realm"], "https://jira");
    assert_eq!(both.params["oauth_problem_advice"], "try again");
    assert!(crate::oauth::problems::find(&both.problem).is_some());

    // Jira's two challenges (OAuthFilter's bare one first), as one list; a quoted
    // comma and a word in a value do not start a challenge.
    let two = OAuthProblem::from_response(
        401,
        Some(
            r#"OAuth realm="https%3A%2F%2Fjira", OAuth realm="https%3A%2F%2Fjira", oauth_problem="token_rejected", oauth_problem_advice="see, OAuth x""#,
        ),
        "",
    )
    .unwrap();
    assert_eq!(two.problem, "token_rejected");
    assert_eq!(two.params["oauth_problem_advice"], "see, OAuth x");
    assert_eq!(two.params["realm"], "https://jira");
    assert_eq!(
        OAuthProblem::from_response(401, Some(r#"OAuth realm="j", Basic oauth_problem="x""#), ""),
        None,
        "a parameter of another scheme is not OAuth's"
    );

    assert_eq!(
        OAuthProblem::from_response(401, Some("Basic realm=\"x\""), "<html>oops</html>"),
        None
    );
    assert_eq!(
        OAuthProblem::from_response(200, None, "oauth_token=a&oauth_token_secret=b"),
        None
    );
    assert_eq!(
        OAuthProblem::from_response(403, Some("OAuth realm=\"j\""), "{\"errors\":[]}"),
        None
    );
}

/// Review of issue 15's merge: the token answer's problem branch reads the body
/// itself, so an empty code still refuses and Jira's realm and advice are kept.
#[test]
fn a_token_answer_with_a_problem_keeps_every_field_and_its_first_code() {
    let Err(TokenAnswerError::Problem(empty)) =
        parse_token_response("oauth_problem=&oauth_token=abc&oauth_token_secret=s")
    else {
        panic!("an empty oauth_problem is still a refusal");
    };
    assert_eq!(empty.problem, "");
    let Err(TokenAnswerError::Problem(rejected)) =
        parse_token_response("oauth_problem=token_rejected&realm=x&oauth_problem_advice=y")
    else {
        panic!("a refusal");
    };
    assert_eq!(rejected.status, 401);
    assert_eq!(rejected.params.get("realm").map(String::as_str), Some("x"));
    assert!(rejected.params.contains_key("oauth_problem_advice"));
    let Err(TokenAnswerError::Problem(first)) =
        parse_token_response("oauth_problem=token_expired&oauth_problem=signature_invalid")
    else {
        panic!("a refusal");
    };
    assert_eq!(first.problem, "token_expired");
}

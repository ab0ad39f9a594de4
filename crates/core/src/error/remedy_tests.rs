//! The remedies shown for each OAuth problem Jira reports.

use super::remedy;
use crate::error::AppError;
use crate::http::ClientError;
use crate::oauth::{problems, OAuthProblem, ProblemContext};

fn problem(code: &str, params: &[(&str, &str)]) -> OAuthProblem {
    OAuthProblem {
        status: problems::http_status(code),
        problem: code.to_string(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[test]
fn every_known_code_has_its_own_remedy_saying_what_to_do() {
    let unknown = remedy::remedy(&problem("made_up", &[]), &ProblemContext::default());
    let actions = [
        "Rerun",
        "rerun",
        "run step",
        "Retry",
        "Check",
        "Synchronise",
        "Open",
        "Finish",
        "Reactivate",
    ];
    for code in problems::all().iter().map(|known| known.code.as_str()) {
        let err = AppError::from(ClientError::oauth(
            problem(code, &[]),
            ProblemContext::default(),
        ));
        assert!(
            err.message
                .starts_with("Jira refused the OAuth request (HTTP "),
            "{}",
            err.message
        );
        assert!(err.message.contains(&format!("oauth_problem={code}")));
        assert_ne!(
            problems::meaning(code),
            problems::meaning("made_up"),
            "{code}"
        );
        let hint = err.hint_text().unwrap();
        assert_ne!(hint, unknown, "{code}");
        assert!(actions.iter().any(|a| hint.contains(a)), "{code}: {hint}");
    }
    assert!(unknown.contains("\"made_up\"") && unknown.contains("atlassian-jira.log"));
}

#[test]
fn signature_invalid_shows_both_base_strings_and_the_difference() {
    let theirs = "POST&http%3A%2F%2Fjira.internal%3A8080%2Fplugins%2Fservlet%2Foauth%2Frequest-token&oauth_consumer_key%3DJiraAlign%26oauth_nonce%3Dn";
    let ours = "POST&https%3A%2F%2Fjira.example.com%2Fplugins%2Fservlet%2Foauth%2Frequest-token&oauth_consumer_key%3DJiraAlign%26oauth_nonce%3Dn";
    let p = problem(
        "signature_invalid",
        &[
            ("oauth_signature_base_string", theirs),
            ("realm", "http://jira.internal:8080"),
        ],
    );
    let ctx = ProblemContext {
        jira_url: Some("https://jira.example.com".into()),
        our_base_string: Some(ours.into()),
        ..ProblemContext::default()
    };
    let hint = AppError::from(ClientError::oauth(p.clone(), ctx.clone()))
        .hint_text()
        .unwrap();
    assert!(
        hint.contains(&format!("Jira's base string: {theirs}")),
        "{hint}"
    );
    assert!(
        hint.contains(&format!("Our base string:    {ours}")),
        "{hint}"
    );
    // Jira checks the URL it received, not its base URL: the hint follows it.
    assert!(hint.contains("not Jira's configured base URL"), "{hint}");
    assert!(!hint.contains("Jira calls itself"), "{hint}");
    assert!(hint.contains("Jira received the request at http://jira.internal:8080/plugins/servlet/oauth/request-token, but align-link called https://jira.example.com/"), "{hint}");
    assert!(
        hint.contains("reverse proxy") && hint.contains("step 13"),
        "{hint}"
    );

    let same = remedy::compare_base_strings(ours, ours);
    assert!(
        same.contains("public key on the application link") && same.contains("step 13"),
        "{same}"
    );
    let params = remedy::compare_base_strings(&format!("{ours}%26a%3D1"), ours);
    assert!(params.contains("only we have [a=1]"), "{params}");
}

#[test]
fn timestamp_refused_reports_skew_and_window() {
    let p = problem(
        "timestamp_refused",
        &[("oauth_acceptable_timestamps", "1700000000-1700000600")],
    );
    let ctx = ProblemContext {
        clock_skew_secs: Some(-420),
        ..ProblemContext::default()
    };
    let hint = AppError::from(ClientError::oauth(p.clone(), ctx.clone()))
        .hint_text()
        .unwrap();
    assert!(
        hint.contains(
            "from 1700000000 to 1700000600 (2023-11-14 22:13:20 UTC to 2023-11-14 22:23:20 UTC)"
        ),
        "{hint}"
    );
    assert!(
        hint.contains("Jira's clock is 420 seconds behind this machine's (measured)"),
        "{hint}"
    );
    assert!(hint.contains("NTP"));
    // Without a measurement the window's middle stands in for Jira's clock.
    let hint = AppError::from(ClientError::oauth(p, ProblemContext::default()))
        .hint_text()
        .unwrap();
    assert!(
        hint.contains("seconds behind this machine's (estimated)"),
        "{hint}"
    );
    assert_eq!(crate::util::time::utc_text(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(
        crate::util::time::utc_text(951_782_400),
        "2000-02-29 00:00:00 UTC"
    );
}

#[test]
fn consumer_key_unknown_names_both_keys() {
    let ctx = ProblemContext {
        consumer_key_sent: Some("JiraAlign".into()),
        consumer_key_on_link: Some("JiraAlign ".into()),
        ..ProblemContext::default()
    };
    let hint = crate::error::hints::client(&ClientError::oauth(
        problem("consumer_key_unknown", &[]),
        ctx.clone(),
    ));
    assert!(
        hint.contains("\"JiraAlign\" that align-link sent"),
        "{hint}"
    );
    assert!(
        hint.contains("The link holds \"JiraAlign \" (they differ only in spaces"),
        "{hint}"
    );
    assert!(hint.contains("Rerun step 13"));
}

#[test]
fn remedies_name_parameters_and_specifics() {
    let ctx = ProblemContext::default();
    let hint = |code: &str, params: &[(&str, &str)]| {
        AppError::from(ClientError::oauth(
            problem(code, params).clone(),
            ctx.clone(),
        ))
        .hint_text()
        .unwrap()
    };
    let absent = hint(
        "parameter_absent",
        &[("oauth_parameters_absent", "oauth_token&oauth_verifier")],
    );
    assert!(
        absent.contains("oauth_token, oauth_verifier") && absent.contains("step 17"),
        "{absent}"
    );
    let rejected = hint(
        "parameter_rejected",
        &[("oauth_parameters_rejected", "oauth_callback")],
    );
    assert!(
        rejected.contains("oauth_callback") && rejected.contains("absolute http(s) URL"),
        "{rejected}"
    );
    assert!(hint("token_expired", &[]).contains("10 minutes"));
    assert!(hint("token_expired", &[]).contains("step 17"));
    assert!(hint("token_revoked", &[]).contains("Profile > Tools > View OAuth Access Tokens"));
    assert!(hint("permission_denied", &[]).contains("Deny"));
    assert!(hint("signature_method_rejected", &[]).contains("RSA-SHA1"));
    assert!(hint("additional_authorization_required", &[]).contains("step 17"));
    assert!(hint("token_not_authorized", &[]).contains("request token"));
    assert!(hint("user_refused", &[]).contains("inactive"));
    assert!(hint("consumer_key_refused", &[]).contains("application link"));
    assert!(hint("nonce_used", &[("oauth_problem_advice", "slow down")])
        .ends_with("Jira adds: slow down"));
    let unknown = hint(
        "brand_new",
        &[("oauth_x", "1"), ("oauth_token_secret", "hush")],
    );
    assert!(
        unknown.contains("oauth_x=1") && !unknown.contains("hush"),
        "{unknown}"
    );
}

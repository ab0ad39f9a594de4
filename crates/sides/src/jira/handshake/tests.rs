//! The driver against a loopback fixture that answers the token endpoints.

use std::sync::Arc;

use super::fake_jira_tests::{FakeJira, Reply, Seen};
use super::*;

fn signer() -> Signer {
    let pem = include_str!("../../../../../tests/data/test-key-2048.pem");
    Signer::new(
        "align-link-test".into(),
        Arc::new(crate::keys::private_key_from_pem(pem).unwrap()),
    )
}

/// Answers the two token endpoints as Jira does.
fn token_endpoints(context: &'static str) -> FakeJira {
    FakeJira::start(context, move |seen: &Seen, _origin: &str| {
        let path = seen.path().strip_prefix(context).unwrap_or_default();
        let auth = seen.header("authorization").unwrap_or_default();
        match (seen.method.as_str(), path) {
            ("POST", "/plugins/servlet/oauth/request-token") if auth.contains("oauth_callback") => {
                let confirmed = !auth.contains("oauth_callback=\"oob\"");
                Reply::new(
                    200,
                    format!(
                        "oauth_token=rt&oauth_token_secret=s{}",
                        if confirmed {
                            "&oauth_callback_confirmed=true"
                        } else {
                            ""
                        }
                    ),
                )
            }
            ("POST", "/plugins/servlet/oauth/access-token")
                if auth.contains("oauth_verifier=\"V1\"")
                    && auth.contains("oauth_token=\"rt\"") =>
            {
                Reply::new(
                    200,
                    "oauth_token=at&oauth_token_secret=s&oauth_expires_in=157680000",
                )
            }
            _ => Reply::new(401, "oauth_problem=token_rejected")
                .header("WWW-Authenticate", "OAuth oauth_problem=\"token_rejected\""),
        }
    })
}

struct FixedApproval {
    callback: Option<String>,
    verifier: &'static str,
    asked: Vec<(String, String)>,
}

impl Approver for FixedApproval {
    fn callback(&self) -> Option<String> {
        self.callback.clone()
    }
    fn approve(&mut self, request_token: &str, authorize_url: &Url) -> Result<String> {
        self.asked
            .push((request_token.to_string(), authorize_url.to_string()));
        if self.verifier.is_empty() {
            return Err(AppError::failed("access was denied"));
        }
        Ok(self.verifier.to_string())
    }
}

fn run_against(
    jira: &FakeJira,
    approver: &mut FixedApproval,
) -> (Result<TokenResponse>, Vec<String>) {
    let http = FakeJira::http();
    let signer = signer();
    let provider = Provider {
        http: &http,
        base: &jira.base,
        signer: &signer,
        problem_context: ProblemContext::default(),
    };
    let mut legs = Vec::new();
    let outcome = run(&provider, approver, &mut |leg| {
        legs.push(match leg {
            Leg::RequestToken {
                authorize_url,
                callback_confirmed,
                out_of_band,
            } => format!(
                "request-token {authorize_url} confirmed={callback_confirmed} oob={out_of_band}"
            ),
            Leg::Approved => "approved".into(),
            Leg::AccessToken(access) => format!("access-token {:?}", access.expires_in),
        });
        Ok(())
    });
    (outcome, legs)
}

#[test]
fn reports_each_leg_in_order_under_a_context_path() {
    let jira = token_endpoints("/jira");
    let mut approver = FixedApproval {
        callback: Some("http://127.0.0.1:9/align-link/callback/abc".into()),
        verifier: " V1\n",
        asked: Vec::new(),
    };
    let (outcome, legs) = run_against(&jira, &mut approver);
    assert_eq!(outcome.unwrap().token, "at");
    let authorize = format!(
        "{}/plugins/servlet/oauth/authorize?oauth_token=rt",
        jira.base
    );
    assert_eq!(
        legs,
        [
            format!("request-token {authorize} confirmed=true oob=false"),
            "approved".to_string(),
            "access-token Some(157680000)".to_string(),
        ]
    );
    assert_eq!(approver.asked, [("rt".to_string(), authorize)]);
    assert!(jira.seen().iter().all(|s| s.path().starts_with("/jira/")));
}

#[test]
fn out_of_band_sends_oob_and_says_so() {
    let jira = token_endpoints("");
    let mut approver = FixedApproval {
        callback: None,
        verifier: "V1",
        asked: Vec::new(),
    };
    let (outcome, legs) = run_against(&jira, &mut approver);
    outcome.unwrap();
    assert!(legs[0].ends_with("confirmed=true oob=true"), "{legs:?}");
    let first = &jira.seen()[0];
    assert!(first
        .header("authorization")
        .unwrap()
        .contains("oauth_callback=\"oob\""));
}

#[test]
fn a_failed_approval_stops_before_the_access_token() {
    let jira = token_endpoints("");
    let mut approver = FixedApproval {
        callback: None,
        verifier: "",
        asked: Vec::new(),
    };
    let (outcome, legs) = run_against(&jira, &mut approver);
    assert!(outcome.unwrap_err().message.contains("denied"));
    assert_eq!(legs.len(), 1, "{legs:?}");
    assert_eq!(jira.seen().len(), 1, "no access-token call");
}

#[test]
fn an_error_from_the_screens_stops_the_handshake() {
    let jira = token_endpoints("");
    let http = FakeJira::http();
    let signer = signer();
    let provider = Provider {
        http: &http,
        base: &jira.base,
        signer: &signer,
        problem_context: ProblemContext::default(),
    };
    let mut approver = FixedApproval {
        callback: None,
        verifier: "V1",
        asked: Vec::new(),
    };
    let err = run(&provider, &mut approver, &mut |_| {
        Err(AppError::failed("cannot save the state"))
    })
    .unwrap_err();
    assert_eq!(err.message, "cannot save the state");
    assert!(approver.asked.is_empty());
}

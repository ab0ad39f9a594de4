//! Every `oauth_problem` Jira documents, produced for real by the Jira stand-in and
//! read back by align-link's own parser, each shown with its specific remedy; then
//! the same problems through the real binary, as the operator sees them. Problems
//! real Jira never sends on its own (it deletes revoked tokens, answers an inactive
//! user with a plain 401, ...) are injected with `fail_next_signed_request`.

// The harness sits in a folder of its own so cargo does not build it as a test crate.
mod lab;
use crate::support;

use std::time::Duration;

use align_link::oauth::problems;
use align_link::oauth::{OAuthProblem, ProblemContext, Signer};
use lab::*;
use support::{assert_exit, assert_success, stderr, Env};

/// Parses the answer as the client does and checks code, status and remedy.
fn check(code: &str, reply: Reply, ctx: ProblemContext, remedy: &[&str]) {
    let problem = OAuthProblem::from_response(reply.status, reply.www.as_deref(), &reply.body)
        .unwrap_or_else(|| panic!("{code}: no problem in HTTP {} {}", reply.status, reply.body));
    assert_eq!(problem.problem, code, "{}", reply.body);
    assert!(problems::find(&problem.problem).is_some());
    assert_eq!(
        reply.status,
        problems::http_status(code),
        "status of {code}"
    );
    let err = align_link::error::AppError::from(align_link::http::ClientError::oauth(
        problem,
        ctx.clone(),
    ));
    assert!(err.message.contains(&format!("oauth_problem={code}")));
    let hint = err.hint_text().unwrap();
    assert!(
        !hint.contains("align-link does not know"),
        "{code}: generic remedy: {hint}"
    );
    for keyword in remedy {
        assert!(hint.contains(keyword), "{code}: {keyword:?} not in {hint}");
    }
}

/// One test per problem code; `COVERED` lists them, to compare with `problems::all()`.
macro_rules! problems {
    ($($code:ident $remedy:expr => |$lab:ident| $produce:block)*) => {
        const COVERED: &[&str] = &[$(stringify!($code)),*];
        mod produced {
            use super::*;
            $(#[test]
            fn $code() {
                let $lab = Lab::new();
                let (reply, ctx): (Reply, ProblemContext) = $produce;
                check(stringify!($code), reply, ctx, &$remedy);
            })*
        }
    };
}

problems! {
    version_rejected ["oauth_version=\"1.0\"", "(Jira accepts: 1.0-1.0)"] => |lab| {
        (lab.tampered(|p| set(p, "oauth_version", "2.0")), lab.context())
    }
    parameter_absent ["missed these parameters: oauth_nonce"] => |lab| {
        (lab.tampered(|p| p.retain(|(k, _)| k != "oauth_nonce")), lab.context())
    }
    parameter_rejected ["rejected these parameters: oauth_callback", "absolute http(s) URL"] => |lab| {
        (lab.signed("POST", REQUEST_TOKEN, callback("ftp://acme.jiraalign.com/cb")), lab.context())
    }
    timestamp_refused ["seconds ahead of this machine's", "NTP"] => |lab| {
        lab.jira.set_clock_offset(3600);
        (lab.signed("POST", REQUEST_TOKEN, callback("oob")), lab.context())
    }
    signature_method_rejected ["only RSA-SHA1", "(Jira accepts: RSA-SHA1)"] => |lab| {
        (lab.tampered(|p| set(p, "oauth_signature_method", "HMAC-SHA1")), lab.context())
    }
    nonce_used ["replayed request"] => |lab| {
        let header = lab.signer.sign("POST", &lab.url(REQUEST_TOKEN), &[], &callback("oob")).authorization;
        assert_eq!(lab.send("POST", REQUEST_TOKEN, &header).status, 200);
        (lab.send("POST", REQUEST_TOKEN, &header), lab.context())
    }
    token_used ["exchanged only once"] => |lab| {
        let (token, verifier) = lab.approved(CALLBACK);
        lab.jira.fail_next_signed_request("token_used");
        (lab.exchange(&token, &verifier), lab.context())
    }
    token_expired ["Request tokens last 10 minutes", "approve promptly"] => |lab| {
        let (token, verifier) = lab.approved(CALLBACK);
        lab.jira.set_request_token_ttl(Duration::ZERO);
        (lab.exchange(&token, &verifier), lab.context())
    }
    token_revoked ["View OAuth Access Tokens", "step 17"] => |lab| {
        let access = lab.access_token();
        lab.jira.fail_next_signed_request("token_revoked");
        (lab.myself(Some(access)), lab.context())
    }
    token_rejected ["verifier", "6 characters"] => |lab| {
        // Out of band this time: the verifier comes from the page.
        let (token, verifier) = lab.approved("oob");
        assert_eq!(verifier.len(), 6);
        (lab.exchange(&token, "wrong1"), lab.context())
    }
    token_not_authorized ["exchange it for an access token"] => |lab| {
        let request = lab.request_token(CALLBACK);
        lab.jira.fail_next_signed_request("token_not_authorized");
        (lab.myself(Some(request)), lab.context())
    }
    signature_invalid [
        "Jira received the request at https://jira.example.com/plugins",
        "Jira's base string: POST&https%3A%2F%2Fjira.example.com%2Fplugins",
        "Our base string:    POST&http%3A%2F%2F127.0.0.1",
        "Make the proxy pass the original scheme, Host header and path",
    ] => |lab| {
        lab.jira.set_proxied_origin(Some("https://jira.example.com".into()));
        let (ours, reply) = lab.signed_by(&lab.signer, "POST", REQUEST_TOKEN, callback("oob"));
        (reply, ProblemContext { our_base_string: Some(ours), ..lab.context() })
    }
    consumer_key_unknown ["\"NoSuchConsumer\"", "The link holds \"AlignProblemsTest\"", "Rerun step 13"] => |lab| {
        let stranger = Signer::new("NoSuchConsumer".into(), key());
        let (_, reply) = lab.signed_by(&stranger, "POST", REQUEST_TOKEN, callback("oob"));
        (reply, ProblemContext { consumer_key_sent: Some("NoSuchConsumer".into()), ..lab.context() })
    }
    consumer_key_rejected ["Incoming authentication", "step 13"] => |lab| {
        lab.jira.set_consumer_rejected(KEY, true);
        (lab.signed("POST", REQUEST_TOKEN, callback("oob")), lab.context())
    }
    additional_authorization_required ["2-legged", "step 17"] => |lab| {
        let access = lab.access_token();
        lab.jira.fail_next_signed_request("additional_authorization_required");
        (lab.myself(Some(access)), lab.context())
    }
    permission_unknown ["not approved yet", "click Allow"] => |lab| {
        let token = lab.request_token(CALLBACK);
        (lab.exchange(&token, "abc123"), lab.context())
    }
    permission_denied ["clicked Deny", "click Allow"] => |lab| {
        let token = lab.request_token(CALLBACK);
        assert_eq!(lab.decide(&token, "deny"), "denied");
        (lab.exchange(&token, "denied"), lab.context())
    }
    user_refused ["inactive", "Reactivate"] => |lab| {
        let access = lab.access_token();
        lab.jira.fail_next_signed_request("user_refused");
        (lab.myself(Some(access)), lab.context())
    }
    consumer_key_refused ["Incoming authentication", "step 13"] => |lab| {
        lab.jira.set_consumer_refused(KEY, true);
        (lab.signed("POST", REQUEST_TOKEN, callback("oob")), lab.context())
    }
}

#[test]
fn every_documented_problem_has_a_test() {
    let all: Vec<&str> = problems::all()
        .iter()
        .map(|known| known.code.as_str())
        .collect();
    assert_eq!(COVERED, all);
}

// ---- The real binary: each problem as the operator sees it, with its remedy. ----

/// Exit 1, and stderr names the problem and holds every remedy keyword.
fn fails_with(output: &std::process::Output, code: &str, remedy: &[&str]) -> String {
    assert_exit(output, 1);
    let err = stderr(output);
    assert!(err.contains(&format!("oauth_problem={code}")), "{err}");
    for keyword in remedy {
        assert!(err.contains(keyword), "{keyword:?} not in:\n{err}");
    }
    err
}

/// The seconds in "Jira's clock is N <unit> ahead of" on the line holding `marker`.
fn skew_in(err: &str, marker: &str, unit: &str) -> i64 {
    let line = err
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("{err}"));
    let seconds = between(line, "Jira's clock is ", &format!(" {unit} ahead of"));
    seconds.parse().unwrap_or_else(|_| panic!("{line}"))
}

#[test]
fn binary_timestamp_refused_shows_the_measured_skew() {
    // Past the OAuth window, setup stops before its first write (step 7); a clock
    // that drifts after setup shows up in the signed calls.
    let env = Env::new();
    env.setup();
    env.jira.set_clock_offset(900);
    let output = env.run(&["step", "20", "--yes"]);
    let err = fails_with(&output, "timestamp_refused", &["(measured)", "NTP"]);
    // The Date header has one-second resolution.
    let measured = skew_in(&err, "Hint:", "seconds");
    assert!((899..=901).contains(&measured), "{err}");
}

#[test]
fn binary_signature_invalid_shows_both_base_strings() {
    let env = Env::new();
    env.setup();
    env.jira
        .set_proxied_origin(Some("https://jira.example.com".into()));
    let output = env.run(&["step", "17", "--yes"]);
    fails_with(
        &output,
        "signature_invalid",
        &[
            "Jira's base string: POST&https%3A%2F%2Fjira.example.com%2Fplugins",
            "Our base string:    POST&http%3A%2F%2F127.0.0.1",
            "base URL",
            "proxy",
        ],
    );
}

#[test]
fn binary_consumer_key_unknown_names_both_keys() {
    let env = Env::new();
    env.setup();
    let state = env.state();
    let ours = state["consumer"]["key"].as_str().unwrap();
    let pem = state["consumer"]["public_key_pem"].as_str().unwrap();
    let link = env.jira.links()[0].id.clone();
    support::put_consumer(&env, &link, "SomeoneElsesKey", pem);
    let output = env.run(&["step", "17", "--yes"]);
    fails_with(
        &output,
        "consumer_key_unknown",
        &[
            &format!("consumer key \"{ours}\" that align-link sent"),
            "\"SomeoneElsesKey\"",
            "Rerun step 13",
        ],
    );
}

#[test]
fn binary_consumer_key_unknown_never_claims_the_link_holds_our_key() {
    let env = Env::new();
    env.setup();
    let state = env.state();
    let ours = state["consumer"]["key"].as_str().unwrap();
    let pem = state["consumer"]["public_key_pem"].as_str().unwrap();
    support::put_consumer(&env, &env.jira.links()[0].id, "SomeoneElsesKey", pem);
    let err = stderr(&env.run(&["step", "17", "--yes"]));
    assert!(
        !err.contains(&format!("The link holds \"{ours}\"")),
        "{err}"
    );
}

#[test]
fn binary_token_revoked_says_to_reauthorize() {
    let env = Env::new();
    env.setup();
    // Jira deletes a revoked token: what comes back is token_rejected.
    env.jira.revoke_access_tokens();
    let output = env.run(&["step", "20", "--yes"]);
    fails_with(&output, "token_rejected", &["revoked", "Rerun step 17"]);
}

#[test]
fn binary_inactive_service_account_is_refused() {
    let env = Env::new();
    env.setup();
    // Jira answers a call signed for an inactive user with a plain 401.
    env.jira.set_user_active("svc-jira-align", false);
    let output = env.run(&["step", "21", "--yes"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("HTTP 401"), "{}", stderr(&output));
}

#[test]
fn binary_token_expired_says_to_approve_promptly() {
    let env = Env::new();
    env.setup();
    env.jira.set_request_token_ttl(Duration::ZERO);
    let output = env.run(&["step", "17", "--yes"]);
    fails_with(&output, "token_expired", &["10 minutes", "Rerun step 17"]);
}

#[test]
fn binary_denial_in_the_browser_is_reported() {
    let env = Env::new();
    env.setup();
    env.write_answers("[oauth]\napproval = \"browser\"\n");
    let browser = format!("python3 {}", support::fake_browser().display());
    let output = env
        .cmd(&["step", "17", "--yes"])
        .env("BROWSER", &browser)
        .env("FAKE_BROWSER_ACTION", "deny")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("denied"), "{err}");
    assert!(err.contains("click Allow"), "{err}");
    assert_eq!(env.jira.access_tokens().len(), 1, "no token for a denial");
    // Allowed this time, the same answers work.
    let output = env
        .cmd(&["step", "17", "--yes"])
        .env("BROWSER", &browser)
        .output()
        .unwrap();
    assert_success(&output);
    assert_eq!(env.jira.access_tokens().len(), 2);
}

//! The scripted approval against small loopback fixtures: markup styles, the
//! cookie-only XSRF token, the login fallbacks and refusals, a context path.

use std::sync::{Arc, Mutex};

use super::super::fake_jira_tests::{FakeJira, Reply, Seen};
use super::*;

/// How the fixture's Jira behaves.
#[derive(Clone, Copy)]
struct Knobs {
    page: &'static str,
    xsrf_cookie: bool,
    rest_login: RestLogin,
    approval: ApprovalAnswer,
}

#[derive(Clone, Copy, PartialEq)]
enum RestLogin {
    Works,
    Refused,
    WrongPassword,
    Captcha,
    SingleSignOn,
}

#[derive(Clone, Copy, PartialEq)]
/// Where Jira redirects the approval.
enum ApprovalAnswer {
    Callback,
    Dashboard,
    CallbackWithOtherToken,
}

const DEFAULT_PAGE: &str = r#"<form method="post"><input type="hidden" name="oauth_token" value="rt"><input type="hidden" name="atl_token" value="tok-1"><input type="submit" name="approve" value="Allow"></form>"#;

impl Default for Knobs {
    fn default() -> Knobs {
        Knobs {
            page: DEFAULT_PAGE,
            xsrf_cookie: false,
            rest_login: RestLogin::Works,
            approval: ApprovalAnswer::Callback,
        }
    }
}

fn jira(context: &'static str, knobs: Knobs, callback: Arc<Mutex<String>>) -> FakeJira {
    FakeJira::start(context, move |seen: &Seen, origin: &str| {
        let path = seen
            .path()
            .strip_prefix(context)
            .unwrap_or("/not-under-context");
        let session_ok = seen
            .header("cookie")
            .is_some_and(|c| c.contains("JSESSIONID=s-1"));
        match (seen.method.as_str(), path) {
            ("POST", "/rest/auth/1/session") => match knobs.rest_login {
                RestLogin::Works => {
                    Reply::new(200, r#"{"session":{"name":"JSESSIONID","value":"s-1"}}"#)
                }
                RestLogin::Refused => Reply::new(403, ""),
                RestLogin::WrongPassword => {
                    Reply::new(401, "").header("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
                }
                RestLogin::Captcha => Reply::new(403, "")
                    .header("X-Seraph-LoginReason", "AUTHENTICATION_DENIED")
                    .header(
                        "X-Authentication-Denied-Reason",
                        "CAPTCHA_CHALLENGE; login-url=x",
                    ),
                RestLogin::SingleSignOn => {
                    Reply::new(302, "").header("Location", "https://idp.example.org/sso?r=1")
                }
            },
            ("POST", "/login.jsp") => Reply::new(302, "")
                .header("Location", format!("{origin}{context}/"))
                .header("Set-Cookie", "JSESSIONID=s-1; Path=/; HttpOnly"),
            ("GET", "/plugins/servlet/oauth/authorize")
                if !seen.target.contains("oauth_token=rt") =>
            {
                Reply::new(401, "<html><body>Error</body></html>").header(
                    "WWW-Authenticate",
                    "OAuth realm=\"http://jira\", oauth_problem=\"token_rejected\"",
                )
            }
            ("GET", "/plugins/servlet/oauth/authorize") if session_ok => {
                let reply = Reply::new(200, knobs.page);
                if knobs.xsrf_cookie {
                    reply.header(
                        "Set-Cookie",
                        "atlassian.xsrf.token=tok-1|c00kie|lin; Path=/",
                    )
                } else {
                    reply
                }
            }
            ("POST", "/plugins/servlet/oauth/authorize") if session_ok => {
                let token = seen.form("atl_token").unwrap_or_default();
                if !token.starts_with("tok-1") || seen.form("approve").is_none() {
                    return Reply::new(403, "Xsrf token validation failed");
                }
                let callback = callback.lock().unwrap().clone();
                match knobs.approval {
                    ApprovalAnswer::Callback => Reply::new(302, "").header(
                        "Location",
                        format!("{callback}?oauth_token=rt&oauth_verifier=V1"),
                    ),
                    ApprovalAnswer::CallbackWithOtherToken => Reply::new(302, "").header(
                        "Location",
                        format!("{callback}?oauth_token=other&oauth_verifier=V1"),
                    ),
                    ApprovalAnswer::Dashboard => Reply::new(302, "")
                        .header("Location", format!("{context}/secure/Dashboard.jspa")),
                }
            }
            _ => Reply::new(302, "").header("Location", format!("{context}/login.jsp")),
        }
    })
}

/// Runs the scripted approval of request token `rt` against a fixture Jira.
fn approve_with(context: &'static str, knobs: Knobs, token: &str) -> (Result<String>, Vec<Seen>) {
    approve_in(context, knobs, token, None)
}

/// The same, in a session opened earlier (step 7's sign-in) when given.
fn approve_in(
    context: &'static str,
    knobs: Knobs,
    token: &str,
    session: Option<Session>,
) -> (Result<String>, Vec<Seen>) {
    let callback = Arc::new(Mutex::new(String::new()));
    let jira = jira(context, knobs, callback.clone());
    let http = FakeJira::http();
    let listener = CallbackListener::bind().unwrap();
    *callback.lock().unwrap() = listener.url().to_string();
    let mut approval = ServiceAccountApproval {
        session,
        http,
        base: jira.base.clone(),
        username: "svc".into(),
        password: Secret::new("pw"),
        listener,
    };
    let mut authorize_url = endpoint(&jira.base, AUTHORIZE_PATH);
    authorize_url
        .query_pairs_mut()
        .append_pair("oauth_token", token);
    let outcome = approval.approve(token, &authorize_url);
    (outcome, jira.seen())
}

fn posted_token(seen: &[Seen]) -> Option<String> {
    seen.iter()
        .find(|s| s.method == "POST" && s.path().ends_with("/oauth/authorize"))
        .and_then(|s| s.form("atl_token"))
}

#[test]
fn approves_whatever_the_markup_style() {
    for page in [
        DEFAULT_PAGE,
        "<FORM METHOD=POST><INPUT TYPE=HIDDEN NAME=atl_token VALUE=tok-1></FORM>",
        "<form>\n<input\n  value='tok-1'\n  type='hidden'\n  name='atl_token'\n></form>",
        "<form><input name=\"atl_token\" value=\"tok&#45;1\"></form>",
    ] {
        let knobs = Knobs {
            page,
            ..Knobs::default()
        };
        let (outcome, seen) = approve_with("", knobs, "rt");
        assert_eq!(outcome.unwrap(), "V1", "{page}");
        assert_eq!(posted_token(&seen).as_deref(), Some("tok-1"), "{page}");
    }
}

#[test]
fn without_the_form_field_the_xsrf_cookie_is_used() {
    let knobs = Knobs {
        page: "<form method=post><input type=submit name=approve value=Allow></form>",
        xsrf_cookie: true,
        ..Knobs::default()
    };
    let (outcome, seen) = approve_with("", knobs, "rt");
    assert_eq!(outcome.unwrap(), "V1");
    assert_eq!(posted_token(&seen).as_deref(), Some("tok-1|c00kie|lin"));
    let post = seen.iter().rfind(|s| s.method == "POST").unwrap();
    let cookie = post.header("cookie").unwrap();
    assert!(
        cookie.contains("atlassian.xsrf.token=tok-1|c00kie|lin"),
        "{cookie}"
    );
}

#[test]
fn a_page_without_any_xsrf_token_is_quoted_with_the_way_out() {
    let knobs = Knobs {
        page: "<html><body><p>Maintenance\u{1b}[2J until noon</p></body></html>",
        ..Knobs::default()
    };
    let err = approve_with("", knobs, "rt").0.unwrap_err();
    assert!(err.message.contains("Maintenance"), "{}", err.message);
    assert!(!err.message.contains('\u{1b}'), "{}", err.message);
    assert!(err
        .hint_text()
        .unwrap()
        .contains("oauth.approval = \"browser\""));
}

#[test]
fn a_refused_rest_login_falls_back_to_the_login_form() {
    let knobs = Knobs {
        rest_login: RestLogin::Refused,
        ..Knobs::default()
    };
    let (outcome, seen) = approve_with("", knobs, "rt");
    assert_eq!(outcome.unwrap(), "V1");
    let form = seen.iter().find(|s| s.path() == "/login.jsp").unwrap();
    assert_eq!(form.method, "POST");
    assert_eq!(form.header("x-atlassian-token"), Some("no-check"));
    assert_eq!(form.form("os_username").as_deref(), Some("svc"));
    assert_eq!(form.form("os_password").as_deref(), Some("pw"));
    assert_eq!(form.form("login").as_deref(), Some("Log In"));
    assert!(form.form("os_destination").is_some());
}

#[test]
fn a_wrong_password_is_not_tried_twice() {
    let knobs = Knobs {
        rest_login: RestLogin::WrongPassword,
        ..Knobs::default()
    };
    let (outcome, seen) = approve_with("", knobs, "rt");
    let err = outcome.unwrap_err();
    assert!(err.message.contains("refused the login"), "{}", err.message);
    assert!(seen.iter().all(|s| s.path() != "/login.jsp"));
}

#[test]
fn captcha_and_single_sign_on_each_say_what_to_do() {
    let captcha = Knobs {
        rest_login: RestLogin::Captcha,
        ..Knobs::default()
    };
    let err = approve_with("", captcha, "rt").0.unwrap_err();
    assert!(err.message.contains("CAPTCHA"), "{}", err.message);
    let sso = Knobs {
        rest_login: RestLogin::SingleSignOn,
        ..Knobs::default()
    };
    let err = approve_with("", sso, "rt").0.unwrap_err();
    assert!(err.message.contains("single sign-on"), "{}", err.message);
    assert!(
        err.message.contains("https://idp.example.org"),
        "{}",
        err.message
    );
    assert!(err
        .hint_text()
        .unwrap()
        .contains("oauth.approval = \"browser\""));
}

#[test]
fn works_under_a_context_path() {
    let (outcome, seen) = approve_with("/jira", Knobs::default(), "rt");
    assert_eq!(outcome.unwrap(), "V1");
    assert!(
        seen.iter().all(|s| s.path().starts_with("/jira/")),
        "{seen:?}"
    );
}

#[test]
fn a_rejected_token_is_read_from_www_authenticate() {
    let err = approve_with("", Knobs::default(), "expired").0.unwrap_err();
    assert!(
        err.message.contains("oauth_problem=token_rejected"),
        "{}",
        err.message
    );
}

#[test]
fn the_approval_is_a_login_the_page_and_the_post() {
    let (outcome, seen) = approve_with("", Knobs::default(), "rt");
    assert_eq!(outcome.unwrap(), "V1");
    assert_eq!(
        seen.iter().map(|s| s.method.as_str()).collect::<Vec<_>>(),
        ["POST", "GET", "POST"],
        "{seen:?}"
    );
}

/// What the fixture was asked, as "METHOD /path".
fn asked(seen: &[Seen]) -> Vec<String> {
    seen.iter()
        .map(|s| format!("{} {}", s.method, s.path()))
        .collect()
}

#[test]
fn a_session_holding_its_xsrf_token_posts_allow_without_the_page() {
    let session = Session::with_cookies("s-1", &[("atlassian.xsrf.token", "tok-1|c00kie|lin")]);
    let (outcome, seen) = approve_in("", Knobs::default(), "rt", Some(session));
    assert_eq!(outcome.unwrap(), "V1");
    assert_eq!(asked(&seen), ["POST /plugins/servlet/oauth/authorize"]);
    assert_eq!(posted_token(&seen).as_deref(), Some("tok-1|c00kie|lin"));
}

#[test]
fn a_refused_xsrf_token_falls_back_to_a_fresh_login_and_the_page() {
    let session = Session::with_cookies("s-1", &[("atlassian.xsrf.token", "stale")]);
    let (outcome, seen) = approve_in("", Knobs::default(), "rt", Some(session));
    assert_eq!(outcome.unwrap(), "V1");
    assert_eq!(
        asked(&seen),
        [
            "POST /plugins/servlet/oauth/authorize",
            "POST /rest/auth/1/session",
            "GET /plugins/servlet/oauth/authorize",
            "POST /plugins/servlet/oauth/authorize",
        ]
    );
    assert_eq!(
        posted_token(&seen).as_deref(),
        Some("stale"),
        "the first post"
    );
    let last = seen.iter().rfind(|s| s.method == "POST").unwrap();
    assert_eq!(
        last.form("atl_token").as_deref(),
        Some("tok-1"),
        "the page's"
    );
}

#[test]
fn a_session_jira_no_longer_accepts_signs_in_again() {
    // Not `s-1`: the fixture sends such a post to its login page.
    let session = Session::with_cookies("s-gone", &[("atlassian.xsrf.token", "tok-1")]);
    let (outcome, seen) = approve_in("", Knobs::default(), "rt", Some(session));
    assert_eq!(outcome.unwrap(), "V1");
    assert_eq!(asked(&seen)[1], "POST /rest/auth/1/session", "{seen:?}");
}

#[test]
fn in_a_carried_session_a_redirect_elsewhere_is_reported_not_retried() {
    // Only Jira's login page means "not accepted"; a redirect elsewhere after
    // Allow is the approval's own answer (a retry would only meet token_used).
    let session = Session::with_cookies("s-1", &[("atlassian.xsrf.token", "tok-1")]);
    let knobs = Knobs {
        approval: ApprovalAnswer::Dashboard,
        ..Knobs::default()
    };
    let (outcome, seen) = approve_in("", knobs, "rt", Some(session));
    let err = outcome.unwrap_err();
    assert!(
        err.message.contains("not to align-link's callback"),
        "{}",
        err.message
    );
    assert_eq!(asked(&seen), ["POST /plugins/servlet/oauth/authorize"]);
}

#[test]
fn a_failed_approval_redirect_is_reported_at_once() {
    for (approval, said) in [
        (ApprovalAnswer::Dashboard, "not to align-link's callback"),
        (
            ApprovalAnswer::CallbackWithOtherToken,
            "for another request token",
        ),
    ] {
        let knobs = Knobs {
            approval,
            ..Knobs::default()
        };
        // The redirect's own error rather than the listener's timeout.
        let err = approve_with("", knobs, "rt").0.unwrap_err();
        assert!(
            !err.message.contains("no answer from the browser"),
            "{}",
            err.message
        );
        assert!(err.message.contains(said), "{}", err.message);
        assert!(!err.message.contains("V1"), "{}", err.message);
    }
}

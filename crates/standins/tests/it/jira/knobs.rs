//! The knobs that make the stand-in one of the Jiras that differ from the default,
//! one test each, at the stand-in's level (the CLI's end-to-end tests use them too).

use super::support::*;
use align_link_standins::jira::{AuthorizeMarkup, JiraConfig, JiraStandIn};
use reqwest::Method;
use std::time::Duration;

/// A stand-in started with `config`, holding the test consumer's link.
fn linked_with(config: JiraConfig) -> JiraStandIn {
    let s = start_with(config);
    let link = create_link(&s, RPC_URL);
    let body = serde_json::json!({"key": CONSUMER, "publicKey": public_pem(), "outgoing": false});
    assert_eq!(put_consumer(&s, &link, body).status(), 201);
    s
}

#[test]
fn authorize_markup_styles_each_write_a_working_form() {
    let styles = [
        (
            AuthorizeMarkup::DoubleQuoted,
            "<input type=\"hidden\" name=\"atl_token\" value=\"",
        ),
        (
            AuthorizeMarkup::Unquoted,
            "<input type=hidden name=atl_token value=",
        ),
        (
            AuthorizeMarkup::SingleQuoted,
            "<input type='hidden' name='atl_token' value='",
        ),
        (
            AuthorizeMarkup::UpperCase,
            "<INPUT TYPE=\"hidden\" NAME=\"atl_token\" VALUE=\"",
        ),
        (AuthorizeMarkup::Scattered, "<input\n    value = \""),
        (
            AuthorizeMarkup::CookieOnly,
            "<input type=\"hidden\" name=\"oauth_token\"",
        ),
    ];
    for (style, snippet) in styles {
        let s = linked_with(JiraConfig {
            authorize_markup: style,
            ..JiraConfig::default()
        });
        let token = request_token(&s, Some(CALLBACK));
        let session = service_session(&s);
        let page = client()
            .get(format!(
                "{}/plugins/servlet/oauth/authorize?oauth_token={token}",
                s.url()
            ))
            .header("Cookie", format!("JSESSIONID={session}"))
            .send()
            .unwrap();
        let xsrf = set_cookie(&page, "atlassian.xsrf.token").unwrap();
        let html = page.text().unwrap();
        assert!(html.contains(snippet), "{style:?}: {html}");
        match style {
            AuthorizeMarkup::CookieOnly => assert!(!html.contains("atl_token"), "{html}"),
            AuthorizeMarkup::Scattered => {
                assert!(html.contains("&#95;"), "entities in values: {html}");
                assert!(html.contains("\n\tname= \"") || html.contains("\n    name = \""));
            }
            _ => assert!(html.contains(&xsrf)),
        }
        let resp = decide(&s, &session, &token, &xsrf, "approve");
        assert_eq!(resp.status(), 302, "{style:?}");
    }
}

#[test]
fn status_resource_absent_answers_404() {
    let s = linked_with(JiraConfig {
        status_resource: false,
        ..JiraConfig::default()
    });
    let id = s.links()[0].id.clone();
    let resp = admin(&s, Method::GET, &format!("/rest/applinks/3.0/status/{id}"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 404);
    let link = admin(
        &s,
        Method::GET,
        &format!("/rest/applinks/3.0/applicationlink/{id}"),
    );
    assert_eq!(link.send().unwrap().status(), 200, "the rest is there");
}

/// `POST /login.jsp` as a browser does; returns the answer.
fn form_login(s: &JiraStandIn, user: &str, pass: &str, dest: &str) -> reqwest::blocking::Response {
    client()
        .post(format!("{}/login.jsp", s.url()))
        .form(&[
            ("os_username", user),
            ("os_password", pass),
            ("os_destination", dest),
        ])
        .send()
        .unwrap()
}

fn rest_login(s: &JiraStandIn, user: &str, pass: &str) -> reqwest::blocking::Response {
    client()
        .post(format!("{}/rest/auth/1/session", s.url()))
        .json(&serde_json::json!({"username": user, "password": pass}))
        .send()
        .unwrap()
}

#[test]
fn rest_login_refused_leaves_the_login_form() {
    let s = linked_with(JiraConfig {
        rest_login: false,
        ..JiraConfig::default()
    });
    assert_eq!(rest_login(&s, "svc-jira-align", "svc-pass").status(), 403);
    let token = request_token(&s, Some(CALLBACK));
    let dest = format!("/plugins/servlet/oauth/authorize?oauth_token={token}");
    let login = form_login(&s, "svc-jira-align", "svc-pass", &dest);
    assert_eq!(
        (login.status().as_u16(), location(&login)),
        (302, dest.clone())
    );
    let session = set_cookie(&login, "JSESSIONID").unwrap();
    let atl = atl_token(&s, &session, &token);
    assert_eq!(decide(&s, &session, &token, &atl, "approve").status(), 302);
}

#[test]
fn basic_auth_off_refuses_basic_but_not_tokens() {
    let s = start_with(JiraConfig {
        basic_auth_enabled: false,
        ..JiraConfig::default()
    });
    let basic = client()
        .get(format!("{}/rest/api/2/myself", s.url()))
        .basic_auth("admin", Some("admin-pass"))
        .send()
        .unwrap();
    assert_eq!(basic.status(), 403);
    let pat = admin(&s, Method::GET, "/rest/api/2/myself").send().unwrap();
    assert_eq!(pat.status(), 200);
}

#[test]
fn context_path_is_everywhere() {
    let s = linked_with(JiraConfig {
        context_path: "/jira/".into(),
        ..JiraConfig::default()
    });
    assert!(s.url().ends_with("/jira"), "{}", s.url());
    let info = json(
        client()
            .get(format!("{}/rest/api/2/serverInfo", s.url()))
            .send()
            .unwrap(),
    );
    assert_eq!(info["baseUrl"], s.url().as_str());
    let root = s.url().trim_end_matches("/jira").to_string();
    let outside = client()
        .get(format!("{root}/rest/api/2/serverInfo"))
        .send()
        .unwrap();
    assert_eq!(outside.status(), 404);

    // The dance, signed for URLs under /jira, with the login and authorize pages
    // and their redirects under it too.
    let token = request_token(&s, Some(CALLBACK));
    let page = format!("/plugins/servlet/oauth/authorize?oauth_token={token}");
    let to_login = client().get(format!("{}{page}", s.url())).send().unwrap();
    let login_url = location(&to_login);
    assert!(login_url.starts_with("/jira/login.jsp?"), "{login_url}");
    let dest = form(login_url.split_once('?').unwrap().1)["os_destination"].clone();
    let login = form_login(&s, "svc-jira-align", "svc-pass", &dest);
    assert_eq!(location(&login), format!("/jira{page}"));
    let session = set_cookie(&login, "JSESSIONID").unwrap();
    let html = client()
        .get(format!("{}{page}", s.url()))
        .header("Cookie", format!("JSESSIONID={session}"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(html.contains("action=\"/jira/plugins/servlet/oauth/authorize\""));
    let atl = hidden_field(&html, "atl_token");
    let resp = decide(&s, &session, &token, &atl, "approve");
    let verifier = form(location(&resp).split_once('?').unwrap().1)["oauth_verifier"].clone();
    let resp = exchange(&s, &token, Some(&verifier));
    let access = form(&resp.text().unwrap())["oauth_token"].clone();
    let me = signed(
        &s,
        Method::GET,
        "/rest/api/2/myself",
        &OAuth::new().set("oauth_token", &access),
    );
    assert_eq!(json(me)["name"], "svc-jira-align");
}

#[test]
fn a_host_rewriting_proxy_breaks_signatures_and_shows_its_url() {
    let s = linked_with(JiraConfig {
        proxied_origin: Some("https://jira.internal:8443".into()),
        ..JiraConfig::default()
    });
    let resp = signed(
        &s,
        Method::POST,
        "/plugins/servlet/oauth/request-token",
        &OAuth::new(),
    );
    let body = assert_problem(&s, resp, "signature_invalid");
    assert!(
        body["oauth_signature_base_string"].starts_with(
            "POST&https%3A%2F%2Fjira.internal%3A8443%2Fplugins%2Fservlet%2Foauth%2Frequest-token&"
        ),
        "{}",
        body["oauth_signature_base_string"]
    );
}

#[test]
fn captcha_after_failed_logins_denies_every_login_with_seraphs_headers() {
    let s = linked_with(JiraConfig {
        captcha_after_failed_logins: Some(2),
        ..JiraConfig::default()
    });
    for _ in 0..2 {
        assert_eq!(rest_login(&s, "svc-jira-align", "wrong").status(), 401);
    }
    let check = |resp: reqwest::blocking::Response, status: u16| {
        assert_eq!(resp.status(), status);
        assert_eq!(
            resp.headers()["X-Seraph-LoginReason"],
            "AUTHENTICATION_DENIED"
        );
        let reason = resp.headers()["X-Authentication-Denied-Reason"]
            .to_str()
            .unwrap();
        assert_eq!(
            reason,
            format!("CAPTCHA_CHALLENGE; login-url={}/login.jsp", s.url())
        );
    };
    check(rest_login(&s, "svc-jira-align", "svc-pass"), 403);
    check(form_login(&s, "svc-jira-align", "svc-pass", "/"), 200);
    let basic = client()
        .get(format!("{}/rest/api/2/myself", s.url()))
        .basic_auth("svc-jira-align", Some("svc-pass"))
        .send()
        .unwrap();
    check(basic, 403);
    // Other users are not affected.
    assert_eq!(rest_login(&s, "admin", "admin-pass").status(), 200);
}

#[test]
fn sso_sends_the_login_page_to_the_identity_provider() {
    let idp = "https://idp.example.com/saml/login";
    let s = linked_with(JiraConfig {
        sso_login_url: Some(idp.into()),
        ..JiraConfig::default()
    });
    assert_eq!(rest_login(&s, "svc-jira-align", "svc-pass").status(), 403);
    let login = client()
        .get(format!("{}/login.jsp", s.url()))
        .send()
        .unwrap();
    assert_eq!(login.status(), 302);
    assert!(location(&login).starts_with(idp));
    let token = request_token(&s, Some(CALLBACK));
    let page = client()
        .get(format!(
            "{}/plugins/servlet/oauth/authorize?oauth_token={token}",
            s.url()
        ))
        .send()
        .unwrap();
    assert_eq!(page.status(), 302);
    assert!(
        location(&page).starts_with(&format!("{idp}?RelayState=")),
        "{}",
        location(&page)
    );
    assert_eq!(
        form_login(&s, "svc-jira-align", "svc-pass", "/").status(),
        302
    );
    assert!(set_cookie(
        &form_login(&s, "svc-jira-align", "svc-pass", "/"),
        "JSESSIONID"
    )
    .is_none());
}

#[test]
fn latency_is_waited_before_each_answer() {
    let latency = Duration::from_millis(120);
    let s = start_with(JiraConfig {
        latency,
        ..JiraConfig::default()
    });
    let get = || {
        client()
            .get(format!("{}/rest/api/2/serverInfo", s.url()))
            .send()
            .unwrap()
    };
    // The stand-in's own record that it waited, not a clock.
    let resp = get();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["x-standin-latency-ms"].to_str().unwrap(),
        "120"
    );
    assert_eq!(s.delayed_answers(), 1);
    s.set_latency(Duration::ZERO);
    let resp = get();
    assert!(resp.headers().get("x-standin-latency-ms").is_none());
    assert_eq!(s.delayed_answers(), 1, "no wait once the knob is zero");
    assert_eq!(s.request_count(), 2);
}

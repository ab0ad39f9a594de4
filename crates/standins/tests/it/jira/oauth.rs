//! The stand-in's OAuth 1.0a service provider: the 3-legged dance and one test per
//! problem code Jira sends (status, `WWW-Authenticate` and body). The behaviours read
//! from Jira's classes have their own module, `real.rs`.

use super::support::*;
use reqwest::Method;

const REQUEST_TOKEN: &str = "/plugins/servlet/oauth/request-token";
const MYSELF: &str = "/rest/api/2/myself";

fn post_request_token(
    s: &align_link_standins::jira::JiraStandIn,
    o: &OAuth,
) -> reqwest::blocking::Response {
    signed(s, Method::POST, REQUEST_TOKEN, o)
}

#[test]
fn token_endpoints_answer_get_with_an_empty_200() {
    let s = linked();
    for leg in ["request-token", "access-token"] {
        let resp = client()
            .get(format!("{}/plugins/servlet/oauth/{leg}", s.url()))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text().unwrap(), "");
    }
}

#[test]
fn three_legged_dance_acts_as_the_approving_service_account() {
    let s = linked();
    let resp = post_request_token(&s, &OAuth::new().set("oauth_callback", CALLBACK));
    assert!(resp.headers()["Content-Type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let fields = form(&resp.text().unwrap());
    assert_eq!(fields["oauth_callback_confirmed"], "true");
    assert!(!fields["oauth_token_secret"].is_empty());
    let token = fields["oauth_token"].clone();

    // Not logged in: off to the login page, which comes back here.
    let authorize = format!("/plugins/servlet/oauth/authorize?oauth_token={token}");
    let resp = client()
        .get(format!("{}{authorize}", s.url()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = location(&resp);
    let dest = form(location.strip_prefix("/login.jsp?").unwrap())["os_destination"].clone();
    assert_eq!(dest, authorize);
    let login = client()
        .post(format!("{}/login.jsp", s.url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("os_username", "svc-jira-align")
                .append_pair("os_password", "svc-pass")
                .append_pair("os_destination", &dest)
                .finish(),
        )
        .send()
        .unwrap();
    assert_eq!(
        (
            login.status().as_u16(),
            login.headers()["Location"].to_str().unwrap()
        ),
        (302, authorize.as_str())
    );
    let cookie = login.headers()["Set-Cookie"].to_str().unwrap();
    let session = cookie
        .strip_prefix("JSESSIONID=")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let page = client()
        .get(format!("{}{authorize}", s.url()))
        .header("Cookie", format!("JSESSIONID={session}"));
    let page = page.send().unwrap().text().unwrap();
    assert!(page.contains("Jira Align") && page.contains("name=\"approve\" value=\"Allow\""));
    assert!(page.contains("action=\"/plugins/servlet/oauth/authorize\""));
    assert_eq!(hidden_field(&page, "oauth_token"), token);
    let atl = hidden_field(&page, "atl_token");

    let forged = decide(&s, &session, &token, "forged", "approve");
    assert_eq!(forged.status(), 403);
    assert!(forged
        .text()
        .unwrap()
        .contains("Xsrf token validation failed"));
    let resp = decide(&s, &session, &token, &atl, "approve");
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["Location"].to_str().unwrap().to_string();
    let (base, query) = location.split_once('?').unwrap();
    assert_eq!(base, CALLBACK);
    let back = form(query);
    assert_eq!(back["oauth_token"], token);
    let verifier = back["oauth_verifier"].clone();
    assert!(verifier.len() == 6 && verifier.chars().all(|c| c.is_ascii_alphanumeric()));

    let resp = exchange(&s, &token, Some(&verifier));
    assert_eq!(resp.status(), 200);
    let access = form(&resp.text().unwrap());
    assert_eq!(
        (
            access["oauth_expires_in"].as_str(),
            access["oauth_authorization_expires_in"].as_str()
        ),
        ("157680000", "160272000")
    );
    assert!(!access["oauth_session_handle"].is_empty() && !access["oauth_token_secret"].is_empty());
    let me = signed(
        &s,
        Method::GET,
        MYSELF,
        &OAuth::new().set("oauth_token", &access["oauth_token"]),
    );
    assert_eq!(json(me)["name"], "svc-jira-align");
    // Query parameters are part of what is signed.
    let o = OAuth::new().set("oauth_token", &access["oauth_token"]);
    let search = signed(
        &s,
        Method::GET,
        "/rest/api/2/search?jql=project%20%3D%20ALIGN",
        &o,
    );
    assert_eq!(json(search)["total"], 3);
    let tokens = s.access_tokens();
    assert_eq!(
        (
            tokens.len(),
            tokens[0].username.as_str(),
            tokens[0].consumer_key.as_str()
        ),
        (1, "svc-jira-align", CONSUMER)
    );
}

#[test]
fn oob_shows_the_verifier_and_seraph_basic_logs_the_page_in() {
    let s = linked();
    let token = request_token(&s, Some("oob"));
    let page_url = format!(
        "{}/plugins/servlet/oauth/authorize?oauth_token={token}&os_authType=basic",
        s.url()
    );
    let page = client()
        .get(&page_url)
        .basic_auth("svc-jira-align", Some("svc-pass"))
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let atl = hidden_field(&page.text().unwrap(), "atl_token");
    let resp = client()
        .post(format!(
            "{}/plugins/servlet/oauth/authorize?os_authType=basic",
            s.url()
        ))
        .basic_auth("svc-jira-align", Some("svc-pass"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("oauth_token={token}&atl_token={atl}&approve=Allow"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().unwrap();
    let verifier = html
        .split("<span id=\"oauth-verifier\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert_eq!(exchange(&s, &token, Some(verifier)).status(), 200);
}

#[test]
fn version_rejected() {
    let s = linked();
    assert_problem(
        &s,
        post_request_token(&s, &OAuth::new().set("oauth_version", "2.0")),
        "version_rejected",
    );
}

#[test]
fn parameter_absent() {
    let s = linked();
    let body = assert_problem(
        &s,
        post_request_token(&s, &OAuth::new().without("oauth_nonce")),
        "parameter_absent",
    );
    assert_eq!(body["oauth_parameters_absent"], "oauth_nonce");
    let (token, _) = approved(&s);
    let body = assert_problem(&s, exchange(&s, &token, None), "parameter_absent");
    assert_eq!(body["oauth_parameters_absent"], "oauth_verifier");
}

#[test]
fn parameter_rejected() {
    let s = linked();
    let resp = post_request_token(
        &s,
        &OAuth::new().set("oauth_callback", "align.example.com/cb"),
    );
    assert_eq!(
        assert_problem(&s, resp, "parameter_rejected")["oauth_parameters_rejected"],
        "oauth_callback"
    );
}

#[test]
fn timestamp_refused() {
    let s = linked();
    s.set_clock_offset(3600);
    let body = assert_problem(
        &s,
        post_request_token(&s, &OAuth::new()),
        "timestamp_refused",
    );
    let (low, high) = body["oauth_acceptable_timestamps"].split_once('-').unwrap();
    assert_eq!(
        high.parse::<i64>().unwrap() - low.parse::<i64>().unwrap(),
        600
    );
    s.set_clock_offset(0);
    assert_eq!(post_request_token(&s, &OAuth::new()).status(), 200);
}

#[test]
fn signature_method_rejected() {
    let s = linked();
    let o = OAuth::new()
        .set("oauth_signature_method", "HMAC-SHA1")
        .set("oauth_signature", "abc=");
    assert_problem(&s, post_request_token(&s, &o), "signature_method_rejected");
}

#[test]
fn nonce_used() {
    let s = linked();
    let url = format!("{}{REQUEST_TOKEN}", s.url());
    let header = OAuth::new().header("POST", &url, &[]);
    let send = || {
        client()
            .post(&url)
            .header("Authorization", &header)
            .send()
            .unwrap()
    };
    assert_eq!(send().status(), 200);
    assert_problem(&s, send(), "nonce_used");
}

// TokenLoaderImpl (41863434450): a request token already approved or denied is
// `token_used` at the authorize page; there is no other source of it.
#[test]
fn token_used() {
    let s = linked();
    let (token, _) = approved(&s);
    let session = service_session(&s);
    let page = client()
        .get(format!(
            "{}/plugins/servlet/oauth/authorize?oauth_token={token}",
            s.url()
        ))
        .header("Cookie", format!("JSESSIONID={session}"))
        .send()
        .unwrap();
    assert_eq!(page.status(), 401);
    let www = problem_challenge(&page).unwrap();
    assert_eq!(parse_www_authenticate(&www)["oauth_problem"], "token_used");
}

#[test]
fn token_expired() {
    let s = linked();
    let (token, verifier) = approved(&s);
    s.set_request_token_ttl(std::time::Duration::ZERO);
    assert_problem(&s, exchange(&s, &token, Some(&verifier)), "token_expired");
}

#[test]
fn token_rejected() {
    let s = linked();
    let (token, verifier) = approved(&s);
    let wrong = if verifier == "AAAAAA" {
        "BBBBBB"
    } else {
        "AAAAAA"
    };
    assert_problem(&s, exchange(&s, &token, Some(wrong)), "token_rejected");
    assert_problem(
        &s,
        exchange(&s, "no-such-token", Some(&verifier)),
        "token_rejected",
    );
}

// net.oauth OAuthServlet.getMessage (5685700981): the base string is built from the
// URL as Jira receives it; behind a proxy that rewrites the origin, that is the
// proxy's, and the answer shows it.
#[test]
fn signature_invalid_shows_the_base_string_of_the_url_jira_saw() {
    let s = linked();
    s.set_proxied_origin(Some("https://JIRA.example.com:443".into()));
    let resp = post_request_token(&s, &OAuth::new());
    let body = assert_problem(&s, resp, "signature_invalid");
    assert!(body["oauth_signature_base_string"].starts_with(
        "POST&https%3A%2F%2Fjira.example.com%2Fplugins%2Fservlet%2Foauth%2Frequest-token&"
    ));
    assert_eq!(body["oauth_signature_method"], "RSA-SHA1");
    assert!(!body["oauth_signature"].is_empty());
    s.set_proxied_origin(None);
    assert_eq!(post_request_token(&s, &OAuth::new()).status(), 200);
    let forged = OAuth::new().set("oauth_signature", "AAAA");
    assert_problem(&s, post_request_token(&s, &forged), "signature_invalid");
}

#[test]
fn consumer_key_unknown() {
    let s = linked();
    let o = OAuth::new().set("oauth_consumer_key", " jira-align-test");
    assert_problem(&s, post_request_token(&s, &o), "consumer_key_unknown");
}

#[test]
fn consumer_key_rejected() {
    let s = linked();
    s.set_consumer_rejected(CONSUMER, true);
    assert_problem(
        &s,
        post_request_token(&s, &OAuth::new()),
        "consumer_key_rejected",
    );
    s.set_consumer_rejected(CONSUMER, false);
    assert_eq!(post_request_token(&s, &OAuth::new()).status(), 200);
}

#[test]
fn permission_unknown() {
    let s = linked();
    let token = request_token(&s, Some(CALLBACK));
    assert_problem(
        &s,
        exchange(&s, &token, Some("abcdef")),
        "permission_unknown",
    );
}

#[test]
fn permission_denied() {
    let s = linked();
    let token = request_token(&s, Some(&format!("{CALLBACK}?connector=7")));
    let session = service_session(&s);
    let atl = atl_token(&s, &session, &token);
    let resp = decide(&s, &session, &token, &atl, "deny");
    let expected = format!("{CALLBACK}?connector=7&oauth_token={token}&oauth_verifier=denied");
    assert_eq!(resp.headers()["Location"].to_str().unwrap(), expected);
    assert_problem(
        &s,
        exchange(&s, &token, Some("denied")),
        "permission_denied",
    );
}

#[test]
fn consumer_key_refused() {
    let s = linked();
    s.set_consumer_refused(CONSUMER, true);
    assert_problem(
        &s,
        post_request_token(&s, &OAuth::new()),
        "consumer_key_refused",
    );
}

/// Fault injection for problems Jira does not produce on its own: the next checked
/// request gets it, formatted like every other problem; the one after is normal.
#[test]
fn a_forced_problem_answers_the_next_signed_request_once() {
    let s = linked();
    let access = access_token(&s);
    let with = OAuth::new().set("oauth_token", &access);
    s.fail_next_signed_request("token_revoked");
    assert_problem(&s, signed(&s, Method::GET, MYSELF, &with), "token_revoked");
    let again = OAuth::new().set("oauth_token", &access);
    assert_eq!(signed(&s, Method::GET, MYSELF, &again).status(), 200);
}

/// Seraph logs a Basic-authenticated REST call in, and the answer sets the HTTP
/// session and, for the logged-in user, the XSRF token (`..._lin`): a Jira answer
/// to a Basic REST call, as captured from Jira (public-code index id 42869411153),
/// carries `JSESSIONID` and `atlassian.xsrf.token=...|lin`. AuthorizeServlet
/// (id 41970561446) checks the XSRF token, the request token and the login on the
/// POST itself, so that session and token post Allow without the page.
#[test]
fn a_basic_rest_call_opens_a_session_whose_xsrf_token_posts_allow() {
    let s = linked();
    let token = request_token(&s, Some("oob"));
    let read = client()
        .get(format!("{}/rest/api/2/project/ALIGN", s.url()))
        .basic_auth("svc-jira-align", Some("svc-pass"))
        .send()
        .unwrap();
    assert_eq!(read.status(), 200);
    let cookies: Vec<String> = read
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("JSESSIONID="))
        .expect("the session is set")
        .clone();
    let xsrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("atlassian.xsrf.token="))
        .expect("the XSRF token is set")
        .to_string();
    assert!(xsrf.ends_with("_lin"), "a logged-in user's token: {xsrf}");
    // A wrong password opens nothing.
    let refused = client()
        .get(format!("{}/rest/api/2/project/ALIGN", s.url()))
        .basic_auth("svc-jira-align", Some("wrong"))
        .send()
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().get("set-cookie").is_none());
    // Allow, posted in that session with that token, and no page read first.
    let resp = client()
        .post(format!("{}/plugins/servlet/oauth/authorize", s.url()))
        .header("Cookie", format!("{session}; atlassian.xsrf.token={xsrf}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "oauth_token={token}&atl_token={}&approve=Allow",
            xsrf.replace('|', "%7C")
        ))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().unwrap();
    assert!(html.contains("oauth-verifier"), "{html}");
}

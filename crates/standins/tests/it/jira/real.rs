//! Each behaviour of Jira's own classes (shared/reference/jira-real.md) that the
//! stand-in follows, one test each; the comment names the class and its index id.

use super::support::*;
use align_link_standins::jira::{JiraConfig, JiraStandIn};
use reqwest::blocking::Response;
use reqwest::Method;

const REQUEST_TOKEN: &str = "/plugins/servlet/oauth/request-token";
const ACCESS_TOKEN: &str = "/plugins/servlet/oauth/access-token";
const AUTHORIZE: &str = "/plugins/servlet/oauth/authorize";
const MYSELF: &str = "/rest/api/2/myself";

fn oauth_problem_of(resp: &Response) -> Option<String> {
    let www = problem_challenge(resp)?;
    parse_www_authenticate(&www).get("oauth_problem").cloned()
}

fn authorize_page(s: &JiraStandIn, query: &str, session: Option<&str>) -> Response {
    let mut rb = client().get(format!("{}{AUTHORIZE}?{query}", s.url()));
    if let Some(id) = session {
        rb = rb.header("Cookie", format!("JSESSIONID={id}"));
    }
    rb.send().unwrap()
}

// OAuthRequestUtils (42183770046): OAuth parameters are read from the header, the
// query string and a form body alike; OAuthFilter (41693117751) then authenticates
// the REST call with them.
#[test]
fn oauth_parameters_in_the_query_or_a_form_body_authenticate_a_rest_call() {
    let s = linked();
    let access = access_token(&s);
    let url = format!("{}{MYSELF}", s.url());
    let params = OAuth::new()
        .set("oauth_token", &access)
        .params_signed("GET", &url, &[]);
    let me = client().get(&url).query(&params).send().unwrap();
    assert_eq!(json(me)["name"], "svc-jira-align");

    // A POST with the parameters in its form body: `X-AUSERNAME` names who Jira
    // took the caller for, before the resource says it has no POST.
    let params = OAuth::new()
        .set("oauth_token", &access)
        .params_signed("POST", &url, &[]);
    let resp = client()
        .post(&url)
        .header("X-Atlassian-Token", "no-check")
        .form(&params)
        .send()
        .unwrap();
    assert_eq!(resp.headers()["X-AUSERNAME"], "svc-jira-align");
    assert_eq!(resp.status(), 405);
}

// AccessTokenServlet (41676448256): the exchanged request token is deleted, so a
// second exchange finds no token: `token_rejected`.
#[test]
fn a_request_token_exchanged_twice_is_rejected() {
    let s = linked();
    let (token, verifier) = approved(&s);
    assert_eq!(exchange(&s, &token, Some(&verifier)).status(), 200);
    assert_problem(&s, exchange(&s, &token, Some(&verifier)), "token_rejected");
}

// AuthenticatorImpl (42100685562): a REST call is 3-legged with any non-empty
// oauth_token; a token that is not an access token, that belongs to another
// consumer, or that was revoked (deleted) is `token_rejected`.
#[test]
fn rest_calls_with_request_foreign_or_revoked_tokens_are_rejected() {
    let s = linked();
    let request = request_token(&s, Some(CALLBACK));
    let with = |token: &str| OAuth::new().set("oauth_token", token);
    assert_problem(
        &s,
        signed(&s, Method::GET, MYSELF, &with(&request)),
        "token_rejected",
    );

    // Another consumer (on another link, same key pair) and its own token.
    let other = create_link(&s, "https://other.example.com");
    let body = serde_json::json!({"key": "other-consumer", "name": "Other",
        "publicKey": public_pem(), "outgoing": false});
    assert_eq!(put_consumer(&s, &other, body).status(), 201);
    let access = access_token(&s);
    let foreign = with(&access).set("oauth_consumer_key", "other-consumer");
    assert_problem(
        &s,
        signed(&s, Method::GET, MYSELF, &foreign),
        "token_rejected",
    );

    assert_eq!(
        signed(&s, Method::GET, MYSELF, &with(&access)).status(),
        200
    );
    s.revoke_access_tokens();
    assert!(s.access_tokens().is_empty(), "a revoked token is deleted");
    assert_problem(
        &s,
        signed(&s, Method::GET, MYSELF, &with(&access)),
        "token_rejected",
    );
}

// OAuthRequestUtils (42183770046): without oauth_token a request is not an OAuth
// attempt at all, so the REST call is anonymous; an empty oauth_token makes it
// 2-legged, which a generic link's consumer never allows: AuthenticatorImpl
// (42100685562) answers a plain 401.
#[test]
fn no_oauth_token_is_anonymous_and_an_empty_one_is_two_legged() {
    let s = linked();
    let info = signed(&s, Method::GET, "/rest/api/2/serverInfo", &OAuth::new());
    assert_eq!(info.status(), 200);
    assert_eq!(info.headers()["X-AUSERNAME"], "anonymous");
    let me = signed(&s, Method::GET, MYSELF, &OAuth::new());
    assert_eq!(me.status(), 401);
    assert_eq!(oauth_problem_of(&me), None);
    assert!(json_of_error(me).contains("not authenticated"));

    let two_legged = OAuth::new().set("oauth_token", "");
    assert_plain_401(signed(&s, Method::GET, MYSELF, &two_legged));
}

fn json_of_error(resp: Response) -> String {
    let v: serde_json::Value = resp.json().unwrap();
    v["errorMessages"][0].as_str().unwrap().to_string()
}

// TransactionalServlet (42254440179): the token servlets implement POST; GET is the
// base's empty 200 and methods no servlet implements answer 405.
#[test]
fn token_endpoints_answer_get_200_empty_and_put_delete_405() {
    let s = linked();
    for path in [REQUEST_TOKEN, ACCESS_TOKEN] {
        let url = format!("{}{path}", s.url());
        let get = client().get(&url).send().unwrap();
        assert_eq!(get.status(), 200);
        assert_eq!(get.text().unwrap(), "");
        for method in [Method::PUT, Method::DELETE] {
            let resp = client().request(method.clone(), &url).send().unwrap();
            assert_eq!(resp.status(), 405, "{method} {path}");
        }
    }
    let put = client()
        .put(format!("{}{AUTHORIZE}", s.url()))
        .send()
        .unwrap();
    assert_eq!(put.status(), 405);
}

// DefaultApplinkStatusService (42376519556): the local compatibility check runs
// first; DefaultApplinkCompatibilityVerifier (41599809963) fails every generic link
// with GENERIC_LINK, whose category is NON_ATLASSIAN; RestApplinkStatus
// (41830552339) then says `working: false` with that error.
#[test]
fn status_of_a_generic_link_is_not_working_with_generic_link() {
    let s = linked();
    let id = s.links()[0].id.clone();
    let resp = admin(&s, Method::GET, &format!("/rest/applinks/3.0/status/{id}"))
        .send()
        .unwrap();
    let status = json(resp);
    assert_eq!(status["working"], false);
    assert_eq!(status["error"]["category"], "NON_ATLASSIAN");
    assert_eq!(status["error"]["type"], "GENERIC_LINK");
    assert_eq!(status["link"]["id"], id.as_str());
    assert_eq!(status["localAuthentication"]["incoming"]["enabled"], true);
}

// net.oauth OAuthServlet.getMessage (5685700981): the signature base string uses
// the URL as received, so a client signing for `localhost` verifies as well as one
// signing for `127.0.0.1`; the configured base URL plays no part.
#[test]
fn signatures_verify_against_the_url_the_request_was_sent_to() {
    let s = JiraStandIn::start(JiraConfig {
        base_url: Some("https://jira.example.com".into()),
        ..JiraConfig::default()
    })
    .unwrap();
    let link = create_link(&s, RPC_URL);
    let body = serde_json::json!({"key": CONSUMER, "publicKey": public_pem(), "outgoing": false});
    assert_eq!(put_consumer(&s, &link, body).status(), 201);
    let port = url::Url::parse(&s.url()).unwrap().port().unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("http://{host}:{port}{REQUEST_TOKEN}");
        let header = OAuth::new().header("POST", &url, &[]);
        let resp = client()
            .post(&url)
            .header("Authorization", header)
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200, "signed for {host}");
    }
}

// OAuthApplicationLinkResource (42119081975): for a generic link only key and
// publicKey are read; the 2-legged fields are ignored, so 2-legged calls stay
// refused. Its refusals are translated text, and it has no DELETE.
#[test]
fn a_generic_links_consumer_ignores_two_legged_fields() {
    let s = start();
    let link = create_link(&s, RPC_URL);
    let body = serde_json::json!({"key": CONSUMER, "publicKey": public_pem(),
        "twoLOAllowed": true, "executingTwoLOUser": "admin", "outgoing": false});
    assert_eq!(put_consumer(&s, &link, body).status(), 201);
    let path = format!("/rest/applinks-oauth/1.0/applicationlink/{link}/authentication/consumer");
    let consumer = json(admin(&s, Method::GET, &path).send().unwrap());
    assert_eq!(consumer["consumers"][0]["twoLOAllowed"], false);
    assert_eq!(
        consumer["consumers"][0]["executingTwoLOUser"],
        serde_json::Value::Null
    );
    let two_legged = OAuth::new().set("oauth_token", "");
    assert_plain_401(signed(&s, Method::GET, MYSELF, &two_legged));

    let bad = serde_json::json!({"key": CONSUMER, "publicKey": "not a key", "outgoing": false});
    let resp = put_consumer(&s, &link, bad);
    assert_eq!(resp.status(), 400);
    let text = resp.text().unwrap();
    assert!(
        !text.contains("applinks."),
        "translated, not an i18n key: {text}"
    );
    assert!(text.contains("public key"), "{text}");
    assert_eq!(
        admin(&s, Method::DELETE, &path).send().unwrap().status(),
        405
    );
}

// net.oauth OAuthServlet.handleException (13285783776): the status comes from the
// problem, the body is form-encoded, and WWW-Authenticate carries the realm and
// every oauth_ parameter of the problem, not only oauth_problem.
#[test]
fn error_answers_are_form_encoded_with_every_parameter_in_www_authenticate() {
    let s = linked();
    let forged = OAuth::new().set("oauth_signature", "AAAA");
    let resp = signed(&s, Method::POST, REQUEST_TOKEN, &forged);
    let www = problem_challenge(&resp).unwrap();
    let body = assert_problem(&s, resp, "signature_invalid");
    let header = parse_www_authenticate(&www);
    assert_eq!(
        header["oauth_signature_base_string"],
        body["oauth_signature_base_string"]
    );
    assert_eq!(header["oauth_signature"], "AAAA");
    assert!(
        www.starts_with("OAuth realm=\"http%3A%2F%2F127.0.0.1%3A"),
        "{www}"
    );
}

// OAuthFilter (41693117751): its response wrapper adds a bare `OAuth realm="<base
// URL>"` challenge whenever a 401 status is set, before net.oauth's handleException
// adds the one naming the problem: a refused OAuth call carries two
// WWW-Authenticate headers, the problem in the second; any other 401 gets the bare
// one too.
#[test]
fn a_401_carries_oauth_filters_bare_challenge_before_the_problem() {
    let s = linked();
    // http://127.0.0.1:PORT, percent-encoded as OAuth encodes it.
    let encoded = s.url().replace(':', "%3A").replace('/', "%2F");
    let realm = format!("OAuth realm=\"{encoded}\"");
    let resp = signed(
        &s,
        Method::GET,
        MYSELF,
        &OAuth::new().set("oauth_token", "no-such-token"),
    );
    assert_eq!(resp.status(), 401);
    let values = www_authenticate_values(&resp);
    assert_eq!(values.len(), 2, "{values:?}");
    assert_eq!(values[0], realm);
    assert!(values[1].starts_with(&format!("{realm}, ")), "{values:?}");
    assert_eq!(
        parse_www_authenticate(&values[1])["oauth_problem"],
        "token_rejected"
    );

    let bad_pat = client()
        .get(format!("{}{MYSELF}", s.url()))
        .bearer_auth("not-a-token")
        .send()
        .unwrap();
    assert_eq!(bad_pat.status(), 401);
    assert_eq!(www_authenticate_values(&bad_pat), [realm]);
}

// AuthorizeServlet (41970561446) with TokenLoaderImpl (41863434450): the request
// token is loaded before the login is looked at; an unknown one answers 401 with
// WWW-Authenticate token_rejected (and a page), logged in or not; a missing one
// is parameter_absent.
#[test]
fn the_authorize_page_with_an_unknown_or_expired_token_is_a_401_naming_the_problem() {
    let s = linked();
    let session = service_session(&s);
    for who in [None, Some(session.as_str())] {
        let page = authorize_page(&s, "oauth_token=nope", who);
        assert_eq!(page.status(), 401);
        assert_eq!(oauth_problem_of(&page).as_deref(), Some("token_rejected"));
        assert!(page.text().unwrap().contains("not valid"));
    }
    let token = request_token(&s, Some(CALLBACK));
    s.set_request_token_ttl(std::time::Duration::ZERO);
    let page = authorize_page(&s, &format!("oauth_token={token}"), Some(&session));
    assert_eq!(oauth_problem_of(&page).as_deref(), Some("token_expired"));
    let page = authorize_page(&s, "x=1", Some(&session));
    assert_eq!(page.status(), 400);
    assert_eq!(oauth_problem_of(&page).as_deref(), Some("parameter_absent"));
}

// AuthorizeServlet (41970561446): on the approve POST the XSRF token is checked
// before anything else: a bad one is a 403 page even for an unknown token.
#[test]
fn the_xsrf_check_comes_first_on_the_approve_post() {
    let s = linked();
    let session = service_session(&s);
    let resp = decide(&s, &session, "no-such-token", "forged", "approve");
    assert_eq!(resp.status(), 403);
    assert!(resp
        .text()
        .unwrap()
        .contains("Xsrf token validation failed"));
    let token = request_token(&s, Some(CALLBACK));
    let atl = atl_token(&s, &session, &token);
    let resp = decide(&s, &session, "no-such-token", &atl, "approve");
    assert_eq!(oauth_problem_of(&resp).as_deref(), Some("token_rejected"));
}

/// A link whose consumer has a configured callback.
fn linked_with_callback(callback: &str) -> JiraStandIn {
    let s = start();
    let link = create_link(&s, RPC_URL);
    let body = serde_json::json!({"key": CONSUMER, "publicKey": public_pem(),
        "callback": callback, "outgoing": false});
    assert_eq!(put_consumer(&s, &link, body).status(), 201);
    s
}

// PostAuthorization (41930961861): for a 1.0a token with `oob` the consumer's
// configured callback is used if there is one; a 1.0 token (no oauth_callback)
// goes back without a verifier; neither approve nor deny shows the page again.
#[test]
fn post_authorization_follows_jiras_callback_rules() {
    let consumer_cb = "https://align.example.com/configured";
    let s = linked_with_callback(consumer_cb);
    let session = service_session(&s);

    let oob = request_token(&s, Some("oob"));
    let atl = atl_token(&s, &session, &oob);
    let resp = decide(&s, &session, &oob, &atl, "approve");
    assert_eq!(resp.status(), 302);
    let back = location(&resp);
    let (to, query) = back.split_once('?').unwrap();
    assert_eq!(to, consumer_cb);
    assert_eq!(form(query)["oauth_verifier"].len(), 6);

    let v1 = request_token(&s, None);
    let atl = atl_token(&s, &session, &v1);
    let again = decide(&s, &session, &v1, &atl, "neither");
    assert_eq!(again.status(), 200);
    assert!(again.text().unwrap().contains("name=\"approve\""));
    let resp = decide(&s, &session, &v1, &atl, "approve");
    assert_eq!(location(&resp), format!("{consumer_cb}?oauth_token={v1}"));
    assert_eq!(exchange(&s, &v1, None).status(), 200, "1.0: no verifier");
}

// RequestTokenServlet (41637216759): a callback that is not an absolute http(s)
// URI is parameter_rejected with oauth_problem_advice; a version other than 1.0
// is version_rejected with the acceptable versions.
#[test]
fn bad_callback_and_bad_version_say_what_is_acceptable() {
    let s = linked();
    let bad = OAuth::new().set("oauth_callback", "align.example.com/cb");
    let body = assert_problem(
        &s,
        signed(&s, Method::POST, REQUEST_TOKEN, &bad),
        "parameter_rejected",
    );
    assert_eq!(body["oauth_parameters_rejected"], "oauth_callback");
    assert!(body["oauth_problem_advice"].contains("align.example.com/cb"));
    let v2 = OAuth::new().set("oauth_version", "2.0");
    let body = assert_problem(
        &s,
        signed(&s, Method::POST, REQUEST_TOKEN, &v2),
        "version_rejected",
    );
    assert_eq!(body["oauth_acceptable_versions"], "1.0-1.0");
}

// AuthenticatorImpl.getUserLoginResult (42100685562, the user checks of
// 41863434450 in jira-real.md): a user who may not log in gets a plain 401 with no
// oauth_problem; such a user cannot log in to approve either.
#[test]
fn an_inactive_user_gets_a_plain_401() {
    let s = linked();
    let access = access_token(&s);
    s.set_user_active("svc-jira-align", false);
    let with = OAuth::new().set("oauth_token", &access);
    assert_plain_401(signed(&s, Method::GET, MYSELF, &with));
    let login = client()
        .post(format!("{}/rest/auth/1/session", s.url()))
        .json(&serde_json::json!({"username": "svc-jira-align", "password": "svc-pass"}))
        .send()
        .unwrap();
    assert_eq!(login.status(), 401);
}

// AuthorizationRendererImpl (42112263888): the page carries the token, the XSRF
// token under its parameter name atl_token (also set as the atlassian.xsrf.token
// cookie), the consumer, and the callback when one was given.
#[test]
fn the_authorize_page_carries_token_xsrf_consumer_and_callback() {
    let s = linked();
    let session = service_session(&s);
    let token = request_token(&s, Some(CALLBACK));
    let page = authorize_page(
        &s,
        &format!("oauth_token={token}&oauth_callback=https%3A%2F%2Fcb.example.com"),
        Some(&session),
    );
    assert_eq!(page.headers()["X-Frame-Options"], "SAMEORIGIN");
    let cookie = set_cookie(&page, "atlassian.xsrf.token").unwrap();
    let html = page.text().unwrap();
    assert_eq!(hidden_field(&html, "atl_token"), cookie);
    assert_eq!(hidden_field(&html, "oauth_token"), token);
    assert_eq!(
        hidden_field(&html, "oauth_callback"),
        "https://cb.example.com"
    );
    assert!(html.contains("Jira Align"));
}

// AddConsumerManuallyServlet (42151873317) under AbstractApplinksServlet
// (42395595105): with no DELETE on the REST resource, the admin page removes an
// incoming consumer (`oauth-incoming-enabled=false`), and its tokens stop working;
// a POST without the XSRF token or `X-Atlassian-Token: no-check` changes nothing.
#[test]
fn the_incoming_authentication_page_removes_the_consumer() {
    let s = linked();
    let access = access_token(&s);
    let link = s.links()[0].id.clone();
    let url = format!(
        "{}/plugins/servlet/applinks/auth/conf/oauth/add-consumer-manually/{link}",
        s.url()
    );
    let post = |no_check: bool| {
        let mut rb = client()
            .post(&url)
            .bearer_auth(&s.demo().admin_token)
            .form(&[("oauth-incoming-enabled", "false")]);
        if no_check {
            rb = rb.header("X-Atlassian-Token", "no-check");
        }
        rb.send().unwrap()
    };
    let unconfirmed = post(false);
    assert_eq!(unconfirmed.status(), 200);
    assert!(
        s.links()[0].consumer.is_some(),
        "nothing changed without XSRF"
    );
    let page = client()
        .get(&url)
        .bearer_auth(&s.demo().admin_token)
        .send()
        .unwrap();
    let html = page.text().unwrap();
    assert!(html.contains("name=\"oauth-incoming-enabled\""));
    assert_eq!(post(true).status(), 302);
    assert!(s.links()[0].consumer.is_none());
    let with = OAuth::new().set("oauth_token", &access);
    assert_problem(&s, signed(&s, Method::GET, MYSELF, &with), "token_rejected");
}

// UserResource.getUser: an administrator reads any user by name, with its
// `active` flag; an unknown name is a 404; an anonymous caller gets a 401.
#[test]
fn an_administrator_reads_a_user_by_name_and_an_unknown_one_is_404() {
    let s = start();
    let demo = s.demo();
    let get = |name: &str| {
        client()
            .get(format!("{}/rest/api/2/user", s.url()))
            .query(&[("username", name)])
            .basic_auth(&demo.admin_username, Some(&demo.admin_password))
            .send()
            .unwrap()
    };
    let found = get(&demo.service_username);
    assert_eq!(found.status(), 200);
    let body = json(found);
    assert_eq!(body["name"], demo.service_username.as_str());
    assert_eq!(body["active"], true);
    s.set_user_active(&demo.service_username, false);
    assert_eq!(json(get(&demo.service_username))["active"], false);
    assert_eq!(get("nobody-here").status(), 404);
    let anonymous = client()
        .get(format!(
            "{}/rest/api/2/user?username={}",
            s.url(),
            demo.service_username
        ))
        .send()
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

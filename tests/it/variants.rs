//! The Jiras that differ from the default stand-in (issue 7's variant matrix),
//! each through the real binary: a scripted setup and a rerun that both succeed
//! with one link and a working token, or, where no client could succeed, the clear
//! diagnosis with Jira left as the run left it. Last, two ways real Jira's answers
//! differ from ours that no setup run reaches: a refused public key worded in
//! another language, and the problem in the second of two `WWW-Authenticate`s.

use crate::support;

use std::fs;
use std::time::Duration;

use align_link_standins::jira::{AuthorizeMarkup, JiraConfig};
use support::{assert_exit, assert_success, stderr, stdout, Env};

/// An environment whose Jira is the default one changed by `variant`.
fn variant_env(variant: JiraConfig) -> Env {
    Env::with_config(variant)
}

/// The token align-link stored, as the stand-in knows it (token, approving user).
fn stored_token(env: &Env) -> String {
    let path = env.state_dir().join("access-token.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let token: toml::Value = toml::from_str(&text).unwrap();
    token["token"].as_str().unwrap().to_string()
}

/// Scripted setup, then a rerun: both exit 0, Jira holds exactly one link with
/// align-link's consumer, one access token (the stored one, approved by the
/// service account), and step 20's signed calls with it succeed.
fn assert_links_and_reruns(env: &Env) {
    for run in ["setup", "rerun"] {
        let output = env.run(&["setup", "--yes"]);
        assert_success(&output);
        let links = env.jira.links();
        assert_eq!(links.len(), 1, "{run}: exactly one link");
        let consumer_key = env.state()["consumer"]["key"].as_str().unwrap().to_string();
        assert_eq!(
            links[0].consumer.as_ref().map(|c| c.key.as_str()),
            Some(consumer_key.as_str()),
            "{run}: the link holds align-link's consumer"
        );
        let tokens = env.jira.access_tokens();
        assert_eq!(tokens.len(), 1, "{run}: one handshake in all");
        assert_eq!(tokens[0].token, stored_token(env), "{run}");
        assert_eq!(tokens[0].consumer_key, consumer_key);
        assert_eq!(tokens[0].username, env.jira.demo().service_username);
    }
    let signed = env.run(&["step", "20", "--yes"]);
    assert_success(&signed);
    assert_eq!(env.step_status(20), "done");
}

#[test]
fn every_authorize_markup_style_links_and_reruns() {
    for markup in [
        AuthorizeMarkup::DoubleQuoted,
        AuthorizeMarkup::Unquoted,
        AuthorizeMarkup::SingleQuoted,
        AuthorizeMarkup::UpperCase,
        AuthorizeMarkup::Scattered,
        AuthorizeMarkup::CookieOnly,
    ] {
        eprintln!("authorize markup {markup:?}");
        assert_links_and_reruns(&variant_env(JiraConfig {
            authorize_markup: markup,
            ..JiraConfig::default()
        }));
    }
}

#[test]
fn status_resource_absent_is_unknown_not_a_failure() {
    let env = variant_env(JiraConfig {
        status_resource: false,
        ..JiraConfig::default()
    });
    let first = env.run(&["setup", "--yes"]);
    assert_success(&first);
    assert_eq!(env.step_status(15), "done");
    let plan = env.run(&["plan", "--yes", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(json["link"]["status"], "unknown");
    assert_links_and_reruns(&env);
}

#[test]
fn rest_login_refused_approves_through_the_login_form() {
    assert_links_and_reruns(&variant_env(JiraConfig {
        rest_login: false,
        ..JiraConfig::default()
    }));
}

#[test]
fn basic_auth_off_works_with_a_pat_admin_and_a_form_approval() {
    // The answers give the admin as a personal access token (Env's default).
    let env = variant_env(JiraConfig {
        basic_auth_enabled: false,
        ..JiraConfig::default()
    });
    assert!(fs::read_to_string(env.answers_path())
        .unwrap()
        .contains("admin_token"));
    assert_links_and_reruns(&env);
}

/// Step 7's check of the service account's password takes the same way in as
/// the approval: with Basic off and the REST login refused, the login form.
#[test]
fn basic_auth_off_and_rest_login_refused_signs_the_service_account_in_by_the_form() {
    let env = variant_env(JiraConfig {
        basic_auth_enabled: false,
        rest_login: false,
        ..JiraConfig::default()
    });
    assert!(fs::read_to_string(env.answers_path())
        .unwrap()
        .contains("[service_account]"));
    assert_links_and_reruns(&env);
}

#[test]
fn context_path_is_followed_everywhere() {
    let env = variant_env(JiraConfig {
        context_path: "/jira".into(),
        ..JiraConfig::default()
    });
    let answers = fs::read_to_string(env.answers_path()).unwrap();
    assert!(
        answers.contains(&format!("url = \"{}\"", env.jira.url()))
            && env.jira.url().ends_with("/jira"),
        "{answers}"
    );
    assert_links_and_reruns(&env);
}

/// Behaviour under a slow network, never its timing: one setup and one rerun.
#[test]
fn a_hundred_milliseconds_per_request_still_links() {
    assert_links_and_reruns(&variant_env(JiraConfig {
        latency: Duration::from_millis(100),
        ..JiraConfig::default()
    }));
}

/// A setup that must stop with exit 1: returns everything it wrote to the terminal.
/// Jira is left as the run left it: whatever it wrote before stopping (a link and
/// its consumer, if it got that far) stays, never undone behind the operator's
/// back, and the state says so; no token was issued or stored.
fn assert_stops_with_jira_as_left(env: &Env) -> String {
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let links = env.jira.links();
    let recorded = env
        .state()
        .get("link")
        .and_then(|link| link.get("id"))
        .and_then(|id| id.as_str())
        .map(str::to_string);
    match (links.as_slice(), recorded) {
        ([], None) => {}
        ([link], Some(id)) => {
            assert_eq!(link.id, id, "the state names the link the run made");
            assert!(link.consumer.is_some(), "its consumer stays");
        }
        (links, recorded) => panic!("Jira holds {links:?}, the state records {recorded:?}"),
    }
    assert!(env.jira.access_tokens().is_empty());
    assert!(!env.state_dir().join("access-token.toml").exists());
    format!("{}{}", stdout(&output), stderr(&output))
}

#[test]
fn a_host_rewriting_proxy_is_named_with_both_urls() {
    let proxied = "https://jira.internal:8443";
    let env = variant_env(JiraConfig {
        proxied_origin: Some(proxied.into()),
        ..JiraConfig::default()
    });
    let printed = assert_stops_with_jira_as_left(&env);
    assert!(printed.contains("Make the proxy pass"), "{printed}");
    assert!(printed.contains(proxied), "Jira's view: {printed}");
    assert!(
        printed.contains(&env.jira.url()),
        "the URL called: {printed}"
    );
    // A rerun says the same, and still makes no second link.
    let again = assert_stops_with_jira_as_left(&env);
    assert!(again.contains(proxied), "{again}");
    // doctor and plan point at the proxy too, never at a new key (issue 18).
    let doctor = env.run(&["doctor"]);
    assert_exit(&doctor, 1);
    let said = format!("{}{}", stdout(&doctor), stderr(&doctor));
    assert!(said.contains("the last setup stopped at step 17"), "{said}");
    assert!(said.contains(proxied), "{said}");
    assert!(!said.contains("align-link renew"), "{said}");
    let plan = env.run(&["plan"]);
    assert_success(&plan);
    assert!(
        stdout(&plan).contains("The last run stopped at step 17")
            && stdout(&plan).contains(proxied),
        "{}",
        stdout(&plan)
    );
}

#[test]
fn a_captcha_demand_says_to_approve_in_the_browser() {
    let env = variant_env(JiraConfig {
        captcha_after_failed_logins: Some(3),
        ..JiraConfig::default()
    });
    // Someone mistyped the service account's password three times.
    let login = format!("{}/rest/auth/1/session", env.jira.url());
    for _ in 0..3 {
        let failed = reqwest::blocking::Client::new()
            .post(&login)
            .json(&serde_json::json!({"username": env.jira.demo().service_username, "password": "typo"}))
            .send()
            .unwrap();
        assert_eq!(failed.status(), 401);
    }
    let printed = assert_stops_with_jira_as_left(&env);
    assert!(printed.to_lowercase().contains("captcha"), "{printed}");
    assert!(
        printed.contains("oauth.approval = \"browser\""),
        "{printed}"
    );
    assert!(!printed.contains(&env.jira.demo().service_password));
}

#[test]
fn an_sso_login_page_says_to_approve_in_the_browser() {
    // Single sign-on with Basic authentication off: no password gets the service
    // account a session, so a person has to approve in a browser.
    let idp = "https://idp.example.com/saml/login";
    let env = variant_env(JiraConfig {
        sso_login_url: Some(idp.into()),
        basic_auth_enabled: false,
        ..JiraConfig::default()
    });
    let printed = assert_stops_with_jira_as_left(&env);
    assert!(printed.contains("idp.example.com"), "{printed}");
    assert!(
        printed.contains("single sign-on") || printed.contains("SSO"),
        "{printed}"
    );
    assert!(
        printed.contains("oauth.approval = \"browser\""),
        "{printed}"
    );
}

#[test]
fn with_sso_but_basic_on_the_approval_carries_on_in_the_basic_session() {
    // Seraph logs a Basic REST call in, in a session whose XSRF token the answer
    // sets: the approval posts Allow in it, and the SSO login page never comes up.
    let env = variant_env(JiraConfig {
        sso_login_url: Some("https://idp.example.com/saml/login".into()),
        ..JiraConfig::default()
    });
    assert_links_and_reruns(&env);
    assert_eq!(
        env.jira.requests_to("POST", "/rest/auth/1/session"),
        0,
        "no login of its own"
    );
}

/// Jira words a refused public key in the administrator's language (the stand-in
/// answers with translated text, no i18n key): the client knows the refusal by
/// the 400 on the consumer resource, says so, quotes Jira, and hints at the format.
/// A PKCS#1 key cannot reach Jira through the binary (align-link converts or
/// refuses it first), so the client's Jira layer is driven directly.
#[test]
fn a_refused_public_key_is_known_by_its_400_not_its_words() {
    use align_link::domain::Secret;
    use align_link::http::{Credential, Http, HttpOptions};
    use align_link::jira::admin::JiraAdmin;
    use rsa::pkcs1::{EncodeRsaPublicKey, LineEnding};
    use rsa::pkcs8::DecodePrivateKey;

    let env = variant_env(JiraConfig::default());
    env.setup();
    let link = env.jira.links().remove(0);
    let held = link.consumer.clone().unwrap();

    let pem = fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/test-key-2048.pem"),
    )
    .unwrap();
    let pkcs1 = rsa::RsaPrivateKey::from_pkcs8_pem(&pem)
        .unwrap()
        .to_public_key()
        .to_pkcs1_pem(LineEnding::LF)
        .unwrap();
    let http = Http::new(HttpOptions {
        allow_http: true,
        ..HttpOptions::default()
    })
    .unwrap();
    let admin = JiraAdmin::new(
        &http,
        env.jira.url().parse().unwrap(),
        Credential::Token(Secret::new(env.jira.demo().admin_token.clone())),
    );
    // As rendered at the boundary: message and hint.
    let err: align_link::AppError = admin
        .set_consumer(&link.id, &held.key, "Jira Align", &pkcs1)
        .unwrap_err()
        .into();
    assert!(
        err.message.contains("Jira refused the public key"),
        "{}",
        err.message
    );
    assert!(err.message.contains("HTTP 400"), "{}", err.message);
    assert!(
        err.message.contains("is not valid"),
        "Jira's words quoted: {}",
        err.message
    );
    let hint = err.hint_text().unwrap_or_default();
    assert!(
        hint.contains("BEGIN PUBLIC KEY") && hint.contains("PKCS#1"),
        "{hint}"
    );
    assert_eq!(
        env.jira.links()[0].consumer.as_ref(),
        Some(&held),
        "Jira unchanged"
    );
}

/// Real Jira answers an OAuth refusal with two `WWW-Authenticate` headers, the
/// bare `OAuth realm` first (atlassian-oauth's OAuthFilter): the client's HTTP
/// layer hands the problem parser every value. The authorize page has no
/// form body, so the header is the only place the problem is.
#[test]
fn the_problem_is_read_from_the_second_www_authenticate() {
    use align_link::http::{Http, HttpOptions, Request};
    use align_link::oauth::OAuthProblem;

    let env = variant_env(JiraConfig::default());
    let http = Http::new(HttpOptions {
        allow_http: true,
        ..HttpOptions::default()
    })
    .unwrap();
    let url = format!(
        "{}/plugins/servlet/oauth/authorize?oauth_token=unknown",
        env.jira.url()
    );
    let page = http.send(&Request::get(url.parse().unwrap())).unwrap();
    assert_eq!(page.status, 401);
    let first_only = page.header("www-authenticate");
    assert!(
        OAuthProblem::from_response(401, first_only, "").is_none(),
        "the first challenge is the bare one: {first_only:?}"
    );
    let all = page.www_authenticate();
    let problem = OAuthProblem::from_response(401, all.as_deref(), "").unwrap();
    assert_eq!(problem.problem, "token_rejected", "{all:?}");
}

/// Issue 18: with `oauth.approval = "browser"`, a CAPTCHA on the service
/// account's password login is a warning at step 7 (only that check is left
/// undone), and the run goes on to the approval, where a person signs in.
#[test]
fn a_captcha_with_browser_approval_and_the_password_given_gets_to_the_approval() {
    let env = variant_env(JiraConfig {
        captcha_after_failed_logins: Some(3),
        ..JiraConfig::default()
    });
    env.write_answers("[oauth]\napproval = \"browser\"\n");
    let demo = env.jira.demo();
    let login = format!("{}/rest/auth/1/session", env.jira.url());
    for _ in 0..3 {
        reqwest::blocking::Client::new()
            .post(&login)
            .json(&serde_json::json!({"username": demo.service_username, "password": "typo"}))
            .send()
            .unwrap();
    }
    // The browser waits for its person: it signs in once the CAPTCHA is answered
    // (the marker file), then clicks Allow.
    let marker = env.dir.path().join("captcha-answered");
    let browser = env.dir.path().join("browser.sh");
    support::write_private(
        &browser,
        &format!(
            "#!/bin/sh\nfor i in $(seq 300); do [ -e '{}' ] && exec '{}' \"$@\"; sleep 0.1; done\nexit 1\n",
            marker.display(),
            support::fake_browser().display()
        ),
    );
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let binary = assert_cmd::cargo::cargo_bin("align-link");
    let child = env
        .command_of(&binary, &env.state_dir(), &["setup", "--yes"])
        .env("BROWSER", &browser)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let request_token = "/plugins/servlet/oauth/request-token";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while env.jira.requests_to("POST", request_token) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "never reached the approval"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    env.jira.reset_failed_logins(&demo.service_username);
    fs::write(&marker, "").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_success(&output);
    let err = stderr(&output);
    assert!(
        err.contains("not checked with the service account's password"),
        "{err}"
    );
    assert_eq!(env.state()["token"]["approval"].as_str(), Some("browser"));
}

/// Issue 18: proxy variables never carry a loopback Jira's traffic (the
/// sandbox, a port-forward): the administrator's token and the service
/// account's password would reach the proxy in clear.
#[test]
fn with_proxy_variables_set_no_connection_reaches_the_proxy_for_a_loopback_jira() {
    let env = Env::new();
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    proxy.set_nonblocking(true).unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let mut cmd = env.cmd(&["setup", "--yes"]);
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
    ] {
        cmd.env(name, &proxy_url);
    }
    let output = cmd.output().unwrap();
    assert_success(&output);
    let mut reached = 0;
    while proxy.accept().is_ok() {
        reached += 1;
    }
    assert_eq!(reached, 0, "connections reached the proxy");
    assert_eq!(env.jira.links().len(), 1);
}

/// Issue 18: a Jira older than the Application Links REST API align-link uses
/// is named as such (not the URL or a context path), by setup and by plan,
/// which still exits 0 since it could read Jira.
#[test]
fn jira_6_4_is_named_too_old_by_setup_and_plan() {
    let env = variant_env(JiraConfig {
        jira_6_4: true,
        ..JiraConfig::default()
    });
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("Jira 6.4.14 is older than 7.0, which align-link needs"),
        "{err}"
    );
    assert!(!err.contains("context path"), "{err}");
    assert_eq!(env.jira.write_count(), 0);
    let plan = env.run(&["plan"]);
    assert_success(&plan);
    assert!(
        stdout(&plan).contains("Jira 6.4.14 is older than 7.0"),
        "{}",
        stdout(&plan)
    );
}

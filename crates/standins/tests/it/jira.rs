//! The Jira stand-in, driven over real HTTP: authentication, REST checks, application
//! links and incoming consumers. OAuth service-provider tests live in `oauth.rs`.

// Submodules sit in a folder of their own so cargo does not build them as test crates.
mod knobs;
mod oauth;
mod real;
mod support;
mod third_party;

use align_link_standins::jira::{JiraConfig, JiraStandIn};
use reqwest::Method;
use support::*;

fn get(s: &JiraStandIn, path: &str) -> reqwest::blocking::RequestBuilder {
    client().get(format!("{}{path}", s.url()))
}

/// Unix time of an RFC 7231 date such as `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(date: &str) -> i64 {
    let f: Vec<&str> = date.split([' ', ':']).collect();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (d, m, y): (i64, i64, i64) = (
        f[1].parse().unwrap(),
        months.iter().position(|x| *x == f[2]).unwrap() as i64 + 1,
        f[3].parse().unwrap(),
    );
    // Days from civil (Howard Hinnant), independent of the server's formatter.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let n = |i: usize| f[i].parse::<i64>().unwrap();
    days * 86_400 + n(4) * 3600 + n(5) * 60 + n(6)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn admin_authenticates_with_token_or_basic_and_bad_credentials_get_401() {
    let s = start();
    let d = s.demo().clone();
    let me = json(admin(&s, Method::GET, "/rest/api/2/myself").send().unwrap());
    assert_eq!(me["name"], "admin");
    assert_eq!(me["active"], true);
    let basic =
        get(&s, "/rest/api/2/myself").basic_auth(&d.admin_username, Some(&d.admin_password));
    assert_eq!(json(basic.send().unwrap())["name"], "admin");
    for bad in [
        get(&s, "/rest/api/2/myself").basic_auth("admin", Some("wrong")),
        get(&s, "/rest/api/2/myself").bearer_auth("not-a-token"),
        get(&s, "/rest/api/2/myself"),
    ] {
        let resp = bad.send().unwrap();
        assert_eq!(resp.status(), 401);
        assert!(json(resp)["errorMessages"][0].is_string());
    }
    let resp = get(&s, "/rest/api/2/serverInfo").send().unwrap();
    let date = parse_http_date(resp.headers()["Date"].to_str().unwrap());
    assert!((date - now()).abs() <= 5);
    assert!(s.request_count() >= 6);
}

#[test]
fn disabled_basic_auth_is_refused_but_tokens_still_work() {
    let s = start_with(JiraConfig {
        basic_auth_enabled: false,
        ..JiraConfig::default()
    });
    let resp = get(&s, "/rest/api/2/myself")
        .basic_auth("admin", Some("admin-pass"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp
        .text()
        .unwrap()
        .contains("Basic Authentication has been disabled on this instance"));
    assert_eq!(
        admin(&s, Method::GET, "/rest/api/2/myself")
            .send()
            .unwrap()
            .status(),
        200
    );
}

#[test]
fn server_info_shows_believed_base_url_and_skewed_clock() {
    let s = start_with(JiraConfig {
        base_url: Some("https://jira.example.com/".into()),
        clock_offset_secs: 3600,
        ..JiraConfig::default()
    });
    let resp = get(&s, "/rest/api/2/serverInfo").send().unwrap();
    let date = parse_http_date(resp.headers()["Date"].to_str().unwrap());
    assert!(
        (date - now() - 3600).abs() <= 5,
        "Date header carries the offset"
    );
    let info = json(resp);
    assert_eq!(info["baseUrl"], "https://jira.example.com");
    assert_eq!(info["version"], "9.12.2");
    assert_eq!(info["deploymentType"], "Server");
    assert!(info["serverTime"].as_str().unwrap().ends_with("+0000"));
    s.set_base_url(None);
    assert_eq!(
        json(get(&s, "/rest/api/2/serverInfo").send().unwrap())["baseUrl"],
        s.url()
    );
}

#[test]
fn permissions_project_and_search_depend_on_the_user() {
    let s = start();
    let d = s.demo().clone();
    let perms = |user: &str, pass: &str| {
        let r = get(&s, "/rest/api/2/mypermissions?permissions=ADMINISTER")
            .basic_auth(user, Some(pass));
        json(r.send().unwrap())["permissions"]["ADMINISTER"]["havePermission"].clone()
    };
    assert_eq!(perms(&d.admin_username, &d.admin_password), true);
    assert_eq!(perms(&d.service_username, &d.service_password), false);
    assert_eq!(
        admin(&s, Method::GET, "/rest/api/2/mypermissions")
            .send()
            .unwrap()
            .status(),
        400
    );

    let svc = |path: &str| get(&s, path).basic_auth(&d.service_username, Some(&d.service_password));
    let project = json(svc("/rest/api/2/project/ALIGN").send().unwrap());
    assert_eq!(project["name"], "Jira Align Sync Test");
    let hidden = get(&s, "/rest/api/2/project/ALIGN")
        .basic_auth("viewer", Some("viewer-pass"))
        .send()
        .unwrap();
    assert_eq!(hidden.status(), 404);
    assert_eq!(
        json(hidden)["errorMessages"][0],
        "No project could be found with key 'ALIGN'."
    );

    let found = json(
        svc("/rest/api/2/search?jql=project%20%3D%20ALIGN")
            .send()
            .unwrap(),
    );
    assert_eq!(found["total"], 3);
    let keys: Vec<&str> = found["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["ALIGN-1", "ALIGN-2", "ALIGN-3"]);
    assert!(found["issues"][0]["fields"]["summary"].is_string());
    let posted = client()
        .post(format!("{}/rest/api/2/search", s.url()))
        .basic_auth(&d.service_username, Some(&d.service_password))
        .json(&serde_json::json!({"jql": "project=ALIGN", "maxResults": 2}))
        .send()
        .unwrap();
    let posted = json(posted);
    assert_eq!(
        (
            posted["total"].as_u64(),
            posted["issues"].as_array().unwrap().len()
        ),
        (Some(3), 2)
    );
    let boards = json(
        svc("/rest/agile/1.0/board?projectKeyOrId=ALIGN")
            .send()
            .unwrap(),
    );
    assert_eq!(boards["values"][0]["location"]["projectKey"], "ALIGN");
    let none = get(&s, "/rest/agile/1.0/board").basic_auth("viewer", Some("viewer-pass"));
    assert_eq!(json(none.send().unwrap())["total"], 0);
    let latest = json(svc("/rest/api/latest/myself").send().unwrap());
    assert_eq!(latest["name"], "svc-jira-align");
    let bad = svc("/rest/api/2/search?jql=assignee%20%3D%20admin")
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(json(bad)["errorMessages"][0].is_string());
}

#[test]
fn the_service_accounts_checks_split_401_404_and_400_as_jira_does() {
    let s = start();
    let d = s.demo().clone();
    // A wrong password is refused before the resource is looked at.
    let wrong = get(&s, "/rest/api/2/project/ALIGN")
        .basic_auth(&d.service_username, Some("wrong"))
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 401);
    // Signed in, but the project is hidden from the caller: 404, as for no project.
    let viewer = |path: &str| {
        get(&s, path)
            .basic_auth(&d.viewer_username, Some(&d.viewer_password))
            .send()
            .unwrap()
    };
    assert_eq!(viewer("/rest/api/2/project/ALIGN").status(), 404);
    // A search over it: 400, the project named as not existing for the field.
    let search = viewer("/rest/api/2/search?jql=project%20%3D%20ALIGN&maxResults=5");
    assert_eq!(search.status(), 400);
    let text = json(search)["errorMessages"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text.contains("'ALIGN'") && text.contains("'project'"),
        "{text}"
    );
}

#[test]
fn requests_are_counted_per_method_and_path() {
    let s = start_with(JiraConfig {
        context_path: "/jira".into(),
        ..JiraConfig::default()
    });
    for _ in 0..2 {
        get(&s, "/rest/api/2/myself").send().unwrap();
    }
    get(&s, "/rest/api/2/search?jql=project%20%3D%20ALIGN")
        .send()
        .unwrap();
    assert_eq!(s.requests_to("GET", "/rest/api/2/myself"), 2);
    assert_eq!(s.requests_to("get", "/rest/api/2/search"), 1);
    assert_eq!(s.requests_to("POST", "/rest/api/2/myself"), 0);
    assert_eq!(
        s.requests_by_path(),
        [
            ("GET /rest/api/2/myself".to_string(), 2),
            ("GET /rest/api/2/search".to_string(), 1)
        ]
    );
}

#[test]
fn rest_session_and_login_form_set_a_cookie() {
    let s = start();
    let session = service_session(&s);
    let me = get(&s, "/rest/api/2/myself").header("Cookie", format!("JSESSIONID={session}"));
    assert_eq!(json(me.send().unwrap())["name"], "svc-jira-align");
    let bad = client()
        .post(format!("{}/rest/auth/1/session", s.url()))
        .json(&serde_json::json!({"username": "svc-jira-align", "password": "nope"}))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 401);

    let page = get(&s, "/login.jsp?os_destination=%2Fsecure%2FDashboard.jspa")
        .send()
        .unwrap()
        .text()
        .unwrap();
    for field in ["os_username", "os_password", "os_destination"] {
        assert!(page.contains(&format!("name=\"{field}\"")), "{field}");
    }
    let post = |pass: &str| {
        client()
            .post(format!("{}/login.jsp", s.url()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!(
                "os_username=viewer&os_password={pass}&os_destination=%2Fsecure%2FDashboard.jspa"
            ))
            .send()
            .unwrap()
    };
    let ok = post("viewer-pass");
    assert_eq!(ok.status(), 302);
    assert_eq!(ok.headers()["Location"], "/secure/Dashboard.jspa");
    assert!(ok.headers()["Set-Cookie"]
        .to_str()
        .unwrap()
        .starts_with("JSESSIONID="));
    let failed = post("wrong");
    assert_eq!(failed.status(), 200);
    assert!(failed.headers().get("Set-Cookie").is_none());
    assert!(failed.text().unwrap().contains("incorrect"));
}

#[test]
fn form_bodies_on_rest_need_the_xsrf_opt_out() {
    let s = start();
    let url = format!("{}/rest/auth/1/session", s.url());
    let form = |c: reqwest::blocking::RequestBuilder| {
        c.header("Content-Type", "application/x-www-form-urlencoded")
            .body("a=b")
            .send()
            .unwrap()
    };
    let blocked = form(client().post(&url));
    assert_eq!(
        (blocked.status().as_u16(), blocked.text().unwrap()),
        (403, "XSRF check failed".into())
    );
    assert_ne!(
        form(client().post(&url).header("X-Atlassian-Token", "no-check")).status(),
        403
    );
}

#[test]
fn applinks_answer_xml_unless_json_is_accepted() {
    let s = start();
    create_link(&s, RPC_URL);
    let xml = client()
        .get(format!("{}/rest/applinks/3.0/applinks", s.url()))
        .bearer_auth(&s.demo().admin_token)
        .send()
        .unwrap();
    assert!(xml.headers()["Content-Type"]
        .to_str()
        .unwrap()
        .contains("xml"));
    let body = xml.text().unwrap();
    assert!(
        body.starts_with("<?xml")
            && body.contains("<rpcUrl>https://example.jiraalign.com</rpcUrl>")
    );
    let list = json(
        admin(&s, Method::GET, "/rest/applinks/3.0/applinks")
            .send()
            .unwrap(),
    );
    assert_eq!(list[0]["rpcUrl"], RPC_URL);
}

#[test]
fn applink_lifecycle_with_predictable_id() {
    let s = start();
    // Computed independently: Python uuid.UUID(bytes=md5(b"https://example.jiraalign.com").digest(), version=3).
    let id = create_link(&s, "https://example.jiraalign.com/");
    assert_eq!(id, "e81a394f-4f0c-3683-a3a7-00dbafea917a");
    let body = serde_json::json!({"name": "Other", "rpcUrl": RPC_URL, "typeId": "generic"});
    let dup = admin(&s, Method::PUT, "/rest/applinks/1.0/applicationlink")
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(dup.status(), 400);
    assert!(dup.text().unwrap().contains("applinks.error.duplicate.url"));
    let second = create_link(&s, "http://align.test");
    assert_eq!(second, "965d4ed1-f941-3dda-a485-4743dccbc744");
    let names: Vec<String> = s.links().iter().map(|l| l.name.clone()).collect();
    assert_eq!(names, ["Jira Align", "Jira Align - 2"]);

    let path = format!("/rest/applinks/3.0/applicationlink/{second}");
    let update =
        serde_json::json!({"name": "Align staging", "displayUrl": "https://staging.align.test"});
    let updated = json(admin(&s, Method::POST, &path).json(&update).send().unwrap());
    assert_eq!(
        (updated["name"].as_str(), updated["displayUrl"].as_str()),
        (Some("Align staging"), Some("https://staging.align.test"))
    );
    let moved = admin(&s, Method::POST, &path)
        .json(&serde_json::json!({"rpcUrl": "https://x.test"}))
        .send()
        .unwrap();
    assert_eq!(moved.status(), 400);
    assert_eq!(
        json(admin(&s, Method::GET, &path).send().unwrap())["rpcUrl"],
        "http://align.test"
    );

    let list = json(
        admin(&s, Method::GET, "/rest/applinks/3.0/applinks")
            .send()
            .unwrap(),
    );
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        (
            list[0]["id"].as_str(),
            list[0]["type"].as_str(),
            list[0]["system"].as_bool()
        ),
        (Some(id.as_str()), Some("generic"), Some(false))
    );
    let old = json(
        admin(&s, Method::GET, "/rest/applinks/1.0/listApplicationlinks")
            .send()
            .unwrap(),
    );
    assert_eq!(old["list"][1]["application"]["name"], "Align staging");
    let status = json(
        admin(&s, Method::GET, &format!("/rest/applinks/3.0/status/{id}"))
            .send()
            .unwrap(),
    );
    // A generic link never "works" in Jira's eyes; see real.rs.
    assert_eq!(
        (status["working"].as_bool(), status["link"]["id"].as_str()),
        (Some(false), Some(id.as_str()))
    );

    let gone = admin(
        &s,
        Method::DELETE,
        &format!("/rest/applinks/1.0/applicationlink/{second}"),
    )
    .send()
    .unwrap();
    assert_eq!(gone.status(), 200);
    assert_eq!(admin(&s, Method::GET, &path).send().unwrap().status(), 404);
    assert_eq!(
        admin(&s, Method::GET, "/rest/applinks/3.0/status/nope")
            .send()
            .unwrap()
            .status(),
        404
    );
    assert_eq!(s.links().len(), 1);
}

#[test]
fn applinks_need_an_administrator_without_websudo_gaps() {
    let s = start();
    let path = "/rest/applinks/3.0/applinks";
    let svc = get(&s, path)
        .basic_auth("svc-jira-align", Some("svc-pass"))
        .header("Accept", "application/json");
    let svc = svc.send().unwrap();
    assert_eq!(svc.status(), 403);
    assert!(json(svc)["message"].is_string());
    assert_eq!(get(&s, path).send().unwrap().status(), 401);
    let session = login(&s, "admin", "admin-pass");
    let cookie = get(&s, path)
        .header("Cookie", format!("JSESSIONID={session}"))
        .header("Accept", "application/json");
    assert_eq!(
        json(cookie.send().unwrap())["message"],
        "This resource requires WebSudo."
    );
    let manifest = get(&s, "/rest/applinks/1.0/manifest")
        .header("Accept", "application/json")
        .send()
        .unwrap();
    assert_eq!(json(manifest)["typeId"], "jira");
}

#[test]
fn consumer_round_trip_accepts_spki_only() {
    let s = start();
    let link = create_link(&s, RPC_URL);
    let path = format!("/rest/applinks-oauth/1.0/applicationlink/{link}/authentication/consumer");
    assert_eq!(
        admin(&s, Method::GET, &path).send().unwrap().status(),
        404,
        "none yet"
    );
    let body = |key: &str, pem: String| serde_json::json!({"key": key, "name": "Jira Align", "publicKey": pem, "outgoing": false});
    assert_eq!(
        put_consumer(&s, &link, body(CONSUMER, public_pem())).status(),
        201
    );
    let got = json(admin(&s, Method::GET, &path).send().unwrap());
    use base64::Engine;
    let bare = base64::engine::general_purpose::STANDARD.encode(public_der());
    assert_eq!(
        (
            got["consumers"][0]["key"].as_str(),
            got["consumers"][0]["publicKey"].as_str()
        ),
        (Some(CONSUMER), Some(bare.as_str()))
    );
    assert_eq!(
        s.links()[0].consumer.as_ref().unwrap().public_key_der,
        public_der()
    );

    assert_eq!(
        put_consumer(&s, &link, body("headerless", bare.clone())).status(),
        201,
        "bare base64 SPKI"
    );
    assert_eq!(s.links()[0].consumer.as_ref().unwrap().key, "headerless");
    use rsa::pkcs1::EncodeRsaPublicKey;
    let pkcs1 = key()
        .to_public_key()
        .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .unwrap();
    for bad in [pkcs1, "garbage".to_string()] {
        let resp = put_consumer(&s, &link, body("k", bad));
        assert_eq!(resp.status(), 400);
        let b = json(resp);
        assert_eq!(b["status"], 400);
        assert!(b["message"][0]
            .as_str()
            .unwrap()
            .contains("public key of the consumer"));
    }
    let missing = put_consumer(&s, &link, serde_json::json!({"publicKey": public_pem()}));
    assert_eq!(missing.status(), 400);
    assert!(json(missing)["message"][0]
        .as_str()
        .unwrap()
        .contains("consumer key is required"));
    let unknown = put_consumer(&s, "0000", body(CONSUMER, public_pem()));
    assert_eq!(unknown.status(), 404);
    // OAuthApplicationLinkResource has no DELETE for the consumer.
    assert_eq!(
        admin(&s, Method::DELETE, &path).send().unwrap().status(),
        405
    );
    assert_eq!(admin(&s, Method::GET, &path).send().unwrap().status(), 200);
}

#[test]
fn dropping_the_stand_in_stops_the_server() {
    let s = start();
    let url = format!("{}/rest/api/2/serverInfo", s.url());
    assert_eq!(client().get(&url).send().unwrap().status(), 200);
    assert_eq!(s.request_count(), 1);
    drop(s);
    // The listener closes once tiny_http's accept thread notices; allow it a moment.
    let refused = (0..20).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        client().get(&url).send().is_err()
    });
    assert!(refused, "nothing should answer after drop");
}

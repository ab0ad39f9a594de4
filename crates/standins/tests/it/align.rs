//! The Jira Align stand-in, driven over real HTTP: REST API 2.0 authentication,
//! paging, filters, errors and the rate-limit knob. The operator's connector stories
//! against a real Jira stand-in live in `connectors.rs`.

// Submodules sit in a folder of their own so cargo does not build them as test crates.
mod connectors;
mod support;

use align_link_standins::align::{AlignConfig, AlignStandIn, DEMO_API_TOKEN, DEMO_USER_EMAIL};
use std::collections::BTreeSet;
use support::*;

#[test]
fn bearer_and_basic_api_tokens_pass_and_anything_else_gets_401() {
    let a = start_align();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let resp = api(&a, "users/current")
            .header("Authorization", format!("{scheme} {DEMO_API_TOKEN}"))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200, "scheme {scheme}");
        assert!(resp.headers().contains_key("Date"));
    }
    let basic = api(&a, "users/current")
        .basic_auth(DEMO_USER_EMAIL, Some(DEMO_API_TOKEN))
        .send()
        .unwrap();
    assert_eq!(basic.status(), 200);
    assert_eq!(json(basic)["email"], DEMO_USER_EMAIL);

    let bad = [
        ("no credentials", api(&a, "Users")),
        (
            "wrong token",
            api(&a, "Users").bearer_auth("user:1|not-the-token"),
        ),
        (
            "API 1.0 shaped token",
            api(&a, "Users").bearer_auth("demo-align-api-token"),
        ),
        (
            "Basic with a user name, not an email",
            api(&a, "Users").basic_auth("ada", Some(DEMO_API_TOKEN)),
        ),
        (
            "Basic with another email",
            api(&a, "Users").basic_auth("eve@example.com", Some(DEMO_API_TOKEN)),
        ),
        (
            "Basic with a wrong token",
            api(&a, "Users").basic_auth(DEMO_USER_EMAIL, Some("user:1|nope")),
        ),
        (
            "another scheme",
            api(&a, "Users").header("Authorization", format!("Token {DEMO_API_TOKEN}")),
        ),
    ];
    for (what, request) in bad {
        let resp = request.send().unwrap();
        assert_eq!(resp.status(), 401, "{what}");
        assert!(resp.headers().contains_key("Date"), "{what}");
        let body = resp.text().unwrap();
        assert!(!body.trim().is_empty(), "{what}: 401 has a body");
        assert!(
            !body.contains("demo-align-api-token"),
            "{what}: no secret echoed"
        );
    }
    let api10 = api(&a, "Users")
        .bearer_auth("demo-align-api-token")
        .send()
        .unwrap();
    assert!(api10.text().unwrap().contains("API 2.0"));
}

#[test]
fn a_configured_token_is_the_one_accepted() {
    let a = AlignStandIn::start(AlignConfig {
        api_token: "user:1|another-secret".into(),
        ..AlignConfig::default()
    })
    .unwrap();
    assert_eq!(authed(&a, "Users").send().unwrap().status(), 401);
    let ok = api(&a, "Users?$top=1")
        .bearer_auth("user:1|another-secret")
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[test]
fn users_current_is_the_tokens_owner() {
    let a = start_align();
    let me = json(authed(&a, "users/current").send().unwrap());
    assert_eq!(me["id"], 1);
    assert_eq!(me["firstName"], "Ada");
    assert_eq!(me["lastName"], "Admin");
    assert_eq!(me["fullName"], "Ada Admin");
    assert_eq!(me["email"], "ada@example.com");
    // Route names are case-insensitive, as on the real site.
    assert_eq!(json(authed(&a, "Users/Current").send().unwrap())["id"], 1);
}

#[test]
fn users_page_by_100_and_every_id_comes_exactly_once() {
    let a = start_align();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = json(
            authed(&a, &format!("Users?$top=100&$skip={}", seen.len()))
                .send()
                .unwrap(),
        );
        let items = page.as_array().expect("a bare JSON array");
        assert!(items.len() <= 100);
        pages += 1;
        seen.extend(items.iter().map(|u| u["id"].as_u64().unwrap()));
        if items.len() < 100 {
            break;
        }
    }
    assert_eq!(pages, 2);
    let unique: BTreeSet<u64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no id twice");
    assert_eq!(unique, (1..=151).collect::<BTreeSet<u64>>());

    for query in ["Users?$top=500", "Users", "Features?$top=101"] {
        let page = json(authed(&a, query).send().unwrap());
        assert_eq!(page.as_array().unwrap().len(), 100, "{query}");
    }
    let window = json(authed(&a, "Users?$top=7&$skip=3").send().unwrap());
    let ids: Vec<u64> = window
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (4..=10).collect::<Vec<u64>>());
    assert_eq!(
        json(authed(&a, "Users?$skip=1000").send().unwrap()),
        serde_json::json!([])
    );
    let bad = authed(&a, "Users?$top=many").send().unwrap();
    assert_eq!(bad.status(), 400);
    // Seeded: 250 Features before any sync, three pages of them.
    let mut features = 0;
    for skip in [0, 100, 200, 300] {
        let page = json(
            authed(&a, &format!("Features?$skip={skip}"))
                .send()
                .unwrap(),
        );
        features += page.as_array().unwrap().len();
    }
    assert_eq!(features, 250);
    assert_eq!(a.features().len(), 250);
}

#[test]
fn programs_portfolios_teams_and_single_items() {
    let a = start_align();
    let programs = json(authed(&a, "Programs").send().unwrap());
    assert_eq!(programs[0]["id"], 1);
    assert_eq!(programs[0]["title"], "Mobile Program");
    assert_eq!(programs[1]["title"], "Platform Program");
    assert!(!json(authed(&a, "Portfolios").send().unwrap())
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!json(authed(&a, "Teams").send().unwrap())
        .as_array()
        .unwrap()
        .is_empty());
    let program = json(authed(&a, "Programs/2").send().unwrap());
    assert_eq!(program["title"], "Platform Program");
    let feature = json(authed(&a, "Features/5").send().unwrap());
    assert_eq!(feature["id"], 5);
    assert_eq!(feature["jiraProjectKey"], "LEGACY");
    let plain = json(authed(&a, "Features/1").send().unwrap());
    assert!(plain["jiraProjectKey"].is_null());
}

#[test]
fn features_filter_on_the_jira_project_key_only() {
    let a = start_align();
    let legacy = json(
        authed(&a, "Features?$filter=jiraProjectKey eq 'LEGACY'")
            .send()
            .unwrap(),
    );
    let legacy = legacy.as_array().unwrap();
    assert_eq!(legacy.len(), 50);
    assert!(legacy.iter().all(|f| f["jiraProjectKey"] == "LEGACY"));
    let encoded = json(
        authed(
            &a,
            "Features?%24filter=jiraProjectKey%20eq%20%27LEGACY%27&%24top=10",
        )
        .send()
        .unwrap(),
    );
    assert_eq!(encoded.as_array().unwrap().len(), 10);
    let none = json(
        authed(&a, "Features?$filter=jiraProjectKey eq 'ALIGN'")
            .send()
            .unwrap(),
    );
    assert_eq!(none, serde_json::json!([]));
    for refused in [
        "Features?$filter=title eq 'x'",
        "Features?$filter=jiraProjectKey ne 'ALIGN'",
        "Users?$filter=jiraProjectKey eq 'ALIGN'",
    ] {
        let resp = authed(&a, refused).send().unwrap();
        assert_eq!(resp.status(), 400, "{refused}");
        assert!(resp.text().unwrap().contains("$filter"), "{refused}");
    }
}

#[test]
fn unknown_routes_get_404_with_an_empty_body() {
    let a = start_align();
    for path in [
        "Nothing",
        "Features/99999",
        "Users/abc",
        "users/current/extra",
    ] {
        let resp = authed(&a, path).send().unwrap();
        assert_eq!(resp.status(), 404, "{path}");
        assert!(resp.headers().contains_key("Date"), "{path}");
        assert_eq!(resp.text().unwrap(), "", "{path}");
    }
    let v1 = client()
        .get(format!("{}/rest/align/api/1/Features", a.url()))
        .bearer_auth(DEMO_API_TOKEN)
        .send()
        .unwrap();
    assert_eq!(v1.status(), 404);
    assert_eq!(v1.text().unwrap(), "");
    let post = client()
        .post(format!("{}/Features", a.api_base()))
        .bearer_auth(DEMO_API_TOKEN)
        .send()
        .unwrap();
    assert_eq!(post.status(), 405);
    let home = client().get(a.url()).send().unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().unwrap().contains("<html>"));
}

/// A retry before the announced wait is over is refused again and counted. The
/// window is a minute long so that no pause of a busy machine can end it early.
#[test]
fn a_retry_inside_the_announced_wait_is_refused_and_counted() {
    let a = AlignStandIn::start(AlignConfig {
        rate_limit_every: Some(2),
        retry_after_secs: 60,
        ..AlignConfig::default()
    })
    .unwrap();
    let status = || authed(&a, "Users?$top=1").send().unwrap().status().as_u16();
    assert_eq!([status(), status()], [200, 429]);
    let refused = authed(&a, "Users?$top=1").send().unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["Retry-After"], "60");
    assert_eq!(a.early_retries(), 1);
}

#[test]
fn the_rate_limit_knob_answers_429_with_retry_after() {
    let a = AlignStandIn::start(AlignConfig {
        rate_limit_every: Some(3),
        ..AlignConfig::default()
    })
    .unwrap();
    let status = || authed(&a, "Users?$top=1").send().unwrap().status().as_u16();
    let statuses: Vec<u16> = (0..3).map(|_| status()).collect();
    assert_eq!(statuses, [200, 200, 429]);
    // After the announced second (a slow machine only waits longer), the count goes
    // on: the 4th, 5th and 6th counted requests.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let statuses: Vec<u16> = (0..3).map(|_| status()).collect();
    assert_eq!(statuses, [200, 200, 429]);
    assert_eq!(a.early_retries(), 0);
    a.set_rate_limit_every(Some(1));
    let limited = authed(&a, "Programs").send().unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["Retry-After"], "1");
    assert!(limited.headers().contains_key("Date"));
    a.set_rate_limit_every(None);
    for _ in 0..5 {
        assert_eq!(authed(&a, "Programs").send().unwrap().status(), 200);
    }
    assert!(a.request_count() >= 12);
}

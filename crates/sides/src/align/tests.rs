//! The client against the Jira Align stand-in: paging, filters, the empty 404,
//! rate limits and refused tokens.

use super::*;
use crate::domain::Secret;
use crate::http::HttpOptions;
use align_link_standins::align::{AlignConfig, AlignStandIn, DEMO_API_TOKEN, DEMO_USER_EMAIL};

fn setup() -> (AlignStandIn, Http, Url) {
    let align = AlignStandIn::start(AlignConfig::default()).unwrap();
    let http = Http::new(HttpOptions::default()).unwrap();
    let site = Url::parse(&align.url()).unwrap();
    (align, http, site)
}

fn bearer(token: &str) -> Credential {
    Credential::Token(Secret::new(token.to_string()))
}

#[derive(Debug, Deserialize)]
struct Id {
    id: u64,
}

#[test]
fn lists_every_page_once() {
    let (align, http, site) = setup();
    let api = AlignApi::new(&http, site, bearer(DEMO_API_TOKEN));
    let before = align.request_count();
    let users: Vec<Id> = api.list("Users", None).unwrap();
    let mut ids: Vec<u64> = users.iter().map(|u| u.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), users.len(), "no user twice");
    assert!(
        users.len() > PAGE_SIZE,
        "the seeded users span pages: {}",
        users.len()
    );
    let pages = align.request_count() - before;
    assert_eq!(
        pages as usize,
        users.len().div_ceil(PAGE_SIZE) + usize::from(users.len().is_multiple_of(PAGE_SIZE))
    );
}

#[test]
fn names_the_tokens_owner_with_bearer_or_basic() {
    let (_align, http, site) = setup();
    let user = AlignApi::new(&http, site.clone(), bearer(DEMO_API_TOKEN))
        .current_user()
        .unwrap()
        .unwrap();
    assert_eq!(user.describe(), "Ada Admin <ada@example.com>");
    let basic = Credential::Basic(
        DEMO_USER_EMAIL.into(),
        Secret::new(DEMO_API_TOKEN.to_string()),
    );
    assert!(AlignApi::new(&http, site, basic)
        .current_user()
        .unwrap()
        .is_some());
}

#[test]
fn a_refused_token_is_explained_without_echoing_it() {
    let (_align, http, site) = setup();
    let err = crate::error::AppError::from(
        AlignApi::new(&http, site, bearer("user:1|wrong-secret"))
            .current_user()
            .unwrap_err(),
    );
    assert!(err.message.contains("HTTP 401"), "{}", err.message);
    assert!(err
        .hint_text()
        .as_deref()
        .unwrap()
        .contains("API 2.0 token"));
    assert!(!err.message.contains("wrong-secret"));
}

#[test]
fn an_unknown_collection_is_not_a_crash() {
    let (_align, http, site) = setup();
    let api = AlignApi::new(&http, site, bearer(DEMO_API_TOKEN));
    let err = crate::error::AppError::from(api.list::<Id>("Nonexistent", None).unwrap_err());
    assert!(
        err.message.contains("no Nonexistent collection"),
        "{}",
        err.message
    );
}

#[test]
fn rate_limits_are_waited_out() {
    let (align, http, site) = setup();
    align.set_rate_limit_every(Some(2));
    let api = AlignApi::new(&http, site, bearer(DEMO_API_TOKEN));
    let before = align.request_count();
    let users: Vec<Id> = api.list("Users", None).unwrap();
    assert!(users.len() > PAGE_SIZE);
    assert!(
        align.request_count() - before > users.len().div_ceil(PAGE_SIZE) as u64,
        "a 429 was answered and retried"
    );
    assert_eq!(
        align.early_retries(),
        0,
        "Retry-After: 1 was honoured: Jira Align saw no retry before it"
    );
}

#[test]
fn features_are_filtered_by_project() {
    let (_align, http, site) = setup();
    let api = AlignApi::new(&http, site, bearer(DEMO_API_TOKEN));
    let features = api.features_of_project("LEGACY").unwrap();
    assert!(!features.is_empty());
    assert!(features
        .iter()
        .all(|f| f.jira_project_key.as_deref() == Some("LEGACY")));
    assert!(
        api.features_of_project("ALIGN").unwrap().is_empty(),
        "nothing synced yet"
    );
}

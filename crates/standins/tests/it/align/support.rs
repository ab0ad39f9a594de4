//! Helpers for the Jira Align stand-in tests: HTTP requests to its API, and a Jira
//! stand-in holding the application link an operator would make.

use crate::support as standin;

pub use standin::client;
use standin::{create_link, put_consumer};

use align_link_standins::align::{
    AlignConfig, AlignStandIn, ConnectorAuth, ConnectorForm, DEMO_API_TOKEN,
};
use align_link_standins::jira::{JiraConfig, JiraStandIn};
use reqwest::blocking::{RequestBuilder, Response};

pub const CONSUMER: &str = "AlignLinkTestConsumer01";

pub fn start_align() -> AlignStandIn {
    AlignStandIn::start(AlignConfig::default()).expect("the Jira Align stand-in starts")
}

pub fn start_jira() -> JiraStandIn {
    JiraStandIn::start(JiraConfig::default()).expect("the Jira stand-in starts")
}

/// A GET under `/rest/align/api/2/`, without credentials.
pub fn api(a: &AlignStandIn, path: &str) -> RequestBuilder {
    client().get(format!("{}/{path}", a.api_base()))
}

/// A GET under `/rest/align/api/2/` with the demo API token.
pub fn authed(a: &AlignStandIn, path: &str) -> RequestBuilder {
    api(a, path).bearer_auth(DEMO_API_TOKEN)
}

pub fn json(resp: Response) -> serde_json::Value {
    assert!(resp.status().is_success(), "status {}", resp.status());
    resp.json().expect("JSON body")
}

/// Steps 9-15 over Jira's admin REST API: a generic link to the Jira Align site,
/// with an incoming consumer holding `public_key` (as Jira Align showed it).
pub fn link_jira(j: &JiraStandIn, align_url: &str, consumer_key: &str, public_key: &str) {
    let link = create_link(j, align_url);
    let consumer = serde_json::json!({"key": consumer_key, "name": "Jira Align",
        "publicKey": public_key, "callback": null, "outgoing": false});
    let resp = put_consumer(j, &link, consumer);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
}

pub fn form(j: &JiraStandIn, auth: ConnectorAuth) -> ConnectorForm {
    ConnectorForm {
        name: format!("Jira DC ({auth:?})"),
        jira_link: format!("{}/browse/", j.url()),
        jira_api_url: j.url(),
        auth,
        consumer_key: None,
        username: None,
        secret: None,
    }
}

/// The Features `GET Features?$filter=jiraProjectKey eq 'KEY'` returns, all pages.
pub fn features_of(a: &AlignStandIn, key: &str) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    loop {
        let path = format!(
            "Features?$filter=jiraProjectKey eq '{key}'&$skip={}",
            all.len()
        );
        let page = json(authed(a, &path).send().unwrap());
        let items = page.as_array().unwrap().clone();
        let done = items.len() < 100;
        all.extend(items);
        if done {
            return all;
        }
    }
}

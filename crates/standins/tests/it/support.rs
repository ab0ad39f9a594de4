//! Shared by the Jira and Jira Align stand-in tests: an
//! HTTP client that does not follow redirects, and the administrator's calls that
//! make an application link with an incoming consumer on the Jira stand-in.

use align_link_standins::jira::JiraStandIn;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::Method;

pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A request as the administrator (personal access token), asking for JSON.
pub fn admin(s: &JiraStandIn, method: Method, path: &str) -> RequestBuilder {
    client()
        .request(method, format!("{}{path}", s.url()))
        .bearer_auth(&s.demo().admin_token)
        .header("Accept", "application/json")
}

/// Creates a generic link to `rpc_url` named "Jira Align"; returns its id.
pub fn create_link(s: &JiraStandIn, rpc_url: &str) -> String {
    let body = serde_json::json!({"id": null, "name": "Jira Align", "rpcUrl": rpc_url,
        "displayUrl": rpc_url, "typeId": "generic"});
    let resp = admin(s, Method::PUT, "/rest/applinks/3.0/applicationlink")
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 201);
    let created: serde_json::Value = resp.json().expect("JSON body");
    let href = created["resources-created"][0]["href"].as_str().unwrap();
    href.rsplit('/').next().unwrap().to_string()
}

pub fn put_consumer(s: &JiraStandIn, link: &str, body: serde_json::Value) -> Response {
    let path = format!("/rest/applinks-oauth/1.0/applicationlink/{link}/authentication/consumer");
    admin(s, Method::PUT, &path).json(&body).send().unwrap()
}

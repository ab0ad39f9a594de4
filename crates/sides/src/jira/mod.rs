//! Jira Data Center over REST: as administrator, the OAuth handshake, as the service account.

pub mod admin;
pub mod handshake;
pub mod service;

use serde::Deserialize;
use url::Url;

use crate::http::error::StatusError;
use crate::http::{ClientError, Response, Result, Service};
use crate::oauth::{OAuthProblem, ProblemContext};
use crate::util::text;

/// Keeps any context path (`/jira`).
pub fn endpoint(base: &Url, path_and_query: &str) -> Url {
    let (path, query) = path_and_query.split_once('?').unzip();
    let path = path.unwrap_or(path_and_query).trim_start_matches('/');
    let mut url = base.clone();
    url.set_path(&format!("{}/{path}", base.path().trim_end_matches('/')));
    url.set_query(query);
    url
}

// Strings shown or stored are escaped and cut as read, so nothing downstream has to.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(deserialize_with = "text::deserialize_name")]
    pub name: String,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct Project {
    #[serde(deserialize_with = "text::deserialize_name")]
    pub key: String,
    #[serde(deserialize_with = "text::deserialize_name")]
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub base_url: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub server_title: Option<String>,
}

/// A non-2xx answer as an error saying what Jira said and what to do.
pub fn expect_success(
    response: Response,
    what: &str,
    oauth: Option<&ProblemContext>,
) -> Result<Response> {
    if response.is_success() {
        return Ok(response);
    }
    if let Some(problem) = OAuthProblem::from_response(
        response.status,
        response.www_authenticate().as_deref(),
        &response.body,
    ) {
        let mut ctx = oauth.cloned().unwrap_or_default();
        ctx.clock_skew_secs = response.clock_skew_secs.or(ctx.clock_skew_secs);
        ctx.our_base_string = response.oauth_base_string.clone();
        return Err(ClientError::oauth(problem, ctx).context(what));
    }
    Err(status_error(&response, what, Service::Jira))
}

pub fn status_error(response: &Response, what: &str, service: Service) -> ClientError {
    ClientError::Status(Box::new(StatusError {
        what: what.to_string(),
        status: response.status,
        service,
        auth: response.auth,
        detail: jira_messages(&response.body),
    }))
}

/// From `errorMessages`, `message` (string or list) or `errors`, else the body's start.
fn jira_messages(body: &str) -> String {
    use serde_json::Value;
    let parsed = serde_json::from_str::<Value>(body);
    let Some(parsed) = parsed.as_ref().ok().and_then(Value::as_object) else {
        return text::excerpt(body);
    };
    let as_text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let listed = |field: &str| match parsed.get(field) {
        Some(Value::Array(items)) => items.iter().map(as_text).collect(),
        Some(Value::String(text)) => vec![text.clone()],
        _ => Vec::new(),
    };
    let mut texts: Vec<String> = listed("errorMessages");
    texts.extend(listed("message"));
    let errors = parsed.get("errors").and_then(Value::as_object);
    texts.extend(
        errors
            .into_iter()
            .flatten()
            .map(|(field, value)| format!("{field}: {}", as_text(value))),
    );
    text::clean(&texts.join("; "), text::EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_keeps_context_path() {
        let base = Url::parse("https://example.com/jira/").unwrap();
        assert_eq!(
            endpoint(&base, "/rest/api/2/myself").as_str(),
            "https://example.com/jira/rest/api/2/myself"
        );
        let root = Url::parse("https://example.com").unwrap();
        assert_eq!(
            endpoint(&root, "rest/api/2/myself").as_str(),
            "https://example.com/rest/api/2/myself"
        );
        assert_eq!(
            endpoint(&base, "rest/api/2/mypermissions?permissions=ADMINISTER").as_str(),
            "https://example.com/jira/rest/api/2/mypermissions?permissions=ADMINISTER"
        );
    }

    #[test]
    fn reads_the_shapes_of_jira_errors() {
        assert_eq!(
            jira_messages(r#"{"errorMessages":["No project"],"errors":{}}"#),
            "No project"
        );
        assert_eq!(
            jira_messages(r#"{"status":400,"message":["applinks.invalid.consumer.publickey"]}"#),
            "applinks.invalid.consumer.publickey"
        );
        assert_eq!(
            jira_messages(r#"{"message":"This resource requires WebSudo.","status-code":401}"#),
            "This resource requires WebSudo."
        );
        assert_eq!(jira_messages(""), "");
        assert_eq!(jira_messages("<html>oops</html>"), "<html>oops</html>");
        assert_eq!(
            jira_messages("{\"errorMessages\":[\"\\u001b[31mred\"]}"),
            "\\u{1b}[31mred"
        );
    }
}

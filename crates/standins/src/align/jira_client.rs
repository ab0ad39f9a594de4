//! Jira Align's side of the conversation with Jira: HTTP calls with the connector's
//! credentials (OAuth 1.0a RSA-SHA1 with the stand-in's own key, a personal access
//! token, or Basic), and Jira's refusals turned into short texts.

use super::signing::{oauth_problem, Consumer, Extra};
use reqwest::blocking::{Client, RequestBuilder};
use std::time::Duration;
use url::Url;

const TIMEOUT: Duration = Duration::from_secs(30);
/// How much of an unexpected body is quoted in an error.
const BODY_SHOWN: usize = 200;

/// How a connector authenticates one call to Jira.
pub(crate) enum Cred {
    OAuth {
        consumer: Consumer,
        extra: Extra,
    },
    Bearer(String),
    /// Username and password.
    Basic(String, String),
    /// A browser session cookie (`JSESSIONID`).
    Session(String),
    None,
}

/// A Jira answer, fully read.
pub(crate) struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub www_authenticate: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Why Jira said no: its `oauth_problem`, its REST error messages, or the start
    /// of the body; always with the HTTP status. Never quotes tokens.
    pub fn refusal(&self) -> String {
        if let Some(problem) = oauth_problem(self.www_authenticate.as_deref(), &self.body) {
            return format!("{problem} (HTTP {})", self.status);
        }
        if let Some(problem) = html_attr(&self.body, "data-oauth-problem=\"") {
            return format!("{problem} (HTTP {})", self.status);
        }
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&self.body) {
            let messages: Vec<&str> = v["errorMessages"]
                .as_array()
                .map(|a| a.iter().filter_map(|m| m.as_str()).collect())
                .unwrap_or_default();
            if !messages.is_empty() {
                return format!("{} (HTTP {})", messages.join("; "), self.status);
            }
        }
        let text: String = self
            .body
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(BODY_SHOWN)
            .collect();
        if text.is_empty() {
            format!("HTTP {}", self.status)
        } else {
            format!("{text} (HTTP {})", self.status)
        }
    }
}

/// The value of the first `attr` (given with its `="`) in an HTML page.
pub(crate) fn html_attr(html: &str, attr: &str) -> Option<String> {
    let start = html.find(attr)? + attr.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_string())
}

/// Calls to one Jira, as its connector's "Jira API URL" names it.
pub(crate) struct Jira {
    client: Client,
    base: String,
}

impl Jira {
    pub fn new(api_url: &str) -> Result<Jira, String> {
        let base = api_url.trim().trim_end_matches('/').to_string();
        let parsed =
            Url::parse(&base).map_err(|e| format!("the Jira API URL {base} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("the Jira API URL {base} is not an http(s) URL"));
        }
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(Jira { client, base })
    }

    /// `path` relative to the base, with or without its leading `/`; absolute URLs
    /// (a redirect's `Location`) are kept.
    pub fn url(&self, path: &str) -> Result<Url, String> {
        let text = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}/{}", self.base, path.trim_start_matches('/'))
        };
        Url::parse(&text).map_err(|e| format!("bad URL {text}: {e}"))
    }

    pub fn get(&self, url: Url, cred: &Cred) -> Result<Answer, String> {
        self.send("GET", url, &[], None, cred)
    }

    pub fn post_form(
        &self,
        url: Url,
        form: &[(String, String)],
        cred: &Cred,
    ) -> Result<Answer, String> {
        self.send("POST", url, form, None, cred)
    }

    /// Without credentials: the one JSON call is the login.
    pub fn post_json(&self, url: Url, body: &serde_json::Value) -> Result<Answer, String> {
        self.send("POST", url, &[], Some(body), &Cred::None)
    }

    fn send(
        &self,
        method: &str,
        url: Url,
        form: &[(String, String)],
        json: Option<&serde_json::Value>,
        cred: &Cred,
    ) -> Result<Answer, String> {
        let shown = format!(
            "{method} {}{}",
            url.origin().ascii_serialization(),
            url.path()
        );
        let mut rb: RequestBuilder = match method {
            "POST" => self.client.post(url.clone()),
            _ => self.client.get(url.clone()),
        };
        rb = match cred {
            Cred::OAuth { consumer, extra } => rb.header(
                "Authorization",
                consumer.authorization(method, &url, form, extra),
            ),
            Cred::Bearer(token) => rb.bearer_auth(token),
            Cred::Basic(user, pass) => rb.basic_auth(user, Some(pass)),
            Cred::Session(id) => rb.header("Cookie", format!("JSESSIONID={id}")),
            Cred::None => rb,
        };
        if let Some(body) = json {
            rb = rb.json(body);
        } else if method == "POST" {
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            rb = rb
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encoded);
        }
        let resp = rb
            .header("Accept", "application/json, text/html;q=0.9, */*;q=0.8")
            .send()
            .map_err(|e| format!("{shown} failed: {}", describe(e)))?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        // Jira sends two challenges on a refusal; the problem is in the last.
        let www_authenticate = Some(
            resp.headers()
                .get_all("WWW-Authenticate")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(", "),
        )
        .filter(|joined| !joined.is_empty());
        let location = header("Location");
        let status = resp.status().as_u16();
        let body = resp
            .text()
            .map_err(|e| format!("{shown}: cannot read the answer: {}", describe(e)))?;
        Ok(Answer {
            status,
            location,
            www_authenticate,
            body,
        })
    }
}

/// reqwest's message and its causes, without the URL, whose query may hold a token.
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

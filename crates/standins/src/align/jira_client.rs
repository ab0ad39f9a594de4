//! Jira Align's side of the conversation with Jira: HTTP calls with the connector's
//! credentials (OAuth 1.0a RSA-SHA1 with the stand-in's own key, a personal access
//! token, or Basic), and Jira's refusals turned into short texts.

use super::signing::{oauth_problem, Consumer, Extra};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::Value;
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
    /// All its challenges, joined: Jira sends two on a refusal, the problem in the last.
    pub www_authenticate: String,
    pub body: String,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Why Jira said no: its `oauth_problem`, its REST error messages, or the start
    /// of the body; always with the HTTP status. Never quotes tokens.
    pub fn refusal(&self) -> String {
        let json: Option<Value> = serde_json::from_str(&self.body).ok();
        let messages = json.as_ref().and_then(|v| v["errorMessages"].as_array());
        let messages: Vec<&str> = messages
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let said = oauth_problem(&self.www_authenticate, &self.body)
            .or_else(|| (!messages.is_empty()).then(|| messages.join("; ")))
            .unwrap_or_else(|| {
                let words: Vec<&str> = self.body.split_whitespace().collect();
                words.join(" ").chars().take(BODY_SHOWN).collect()
            });
        match said.is_empty() {
            true => format!("HTTP {}", self.status),
            false => format!("{said} (HTTP {})", self.status),
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
        self.send(self.client.get(url.clone()), "GET", url, &[], cred)
    }

    pub fn post_form(
        &self,
        url: Url,
        form: &[(String, String)],
        cred: &Cred,
    ) -> Result<Answer, String> {
        let rb = self.client.post(url.clone()).form(form);
        self.send(rb, "POST", url, form, cred)
    }

    /// Without credentials: the one JSON call is the login.
    pub fn post_json(&self, url: Url, body: &Value) -> Result<Answer, String> {
        self.send(
            self.client.post(url.clone()).json(body),
            "POST",
            url,
            &[],
            &Cred::None,
        )
    }

    /// `rb` is `method url` with its body, `form` the fields an OAuth signature covers.
    fn send(
        &self,
        rb: RequestBuilder,
        method: &str,
        url: Url,
        form: &[(String, String)],
        cred: &Cred,
    ) -> Result<Answer, String> {
        let shown = format!(
            "{method} {}{}",
            url.origin().ascii_serialization(),
            url.path()
        );
        let rb = match cred {
            Cred::OAuth { consumer, extra } => rb.header(
                "Authorization",
                consumer.authorization(method, &url, form, extra),
            ),
            Cred::Bearer(token) => rb.bearer_auth(token),
            Cred::Basic(user, pass) => rb.basic_auth(user, Some(pass)),
            Cred::Session(id) => rb.header("Cookie", format!("JSESSIONID={id}")),
            Cred::None => rb,
        };
        let resp = rb
            .header("Accept", "application/json, text/html;q=0.9, */*;q=0.8")
            .send()
            .map_err(|e| format!("{shown} failed: {}", describe(e)))?;
        let headers = |name: &str| {
            let values = resp.headers().get_all(name).iter();
            values
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (www_authenticate, location) = (headers("WWW-Authenticate"), headers("Location"));
        let status = resp.status().as_u16();
        let body = resp
            .text()
            .map_err(|e| format!("{shown}: cannot read the answer: {}", describe(e)))?;
        Ok(Answer {
            status,
            location: Some(location).filter(|l| !l.is_empty()),
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

//! A request, and the answer as the client hands it on, read and capped.

use reqwest::header::HeaderMap;
use reqwest::Method;
use url::Url;

use super::error::{AuthKind, ClientError, ParseError, Service};
use super::Result;
use crate::domain::Secret;
use crate::oauth::{OAuthExtras, Signer};
use crate::util::text;

/// What a client signs in with, lent to each of its requests as an [`Auth`].
#[derive(Clone)]
pub enum Credential {
    /// A personal access token (Jira) or an API 2.0 token (Jira Align), sent as Bearer.
    Token(Secret),
    /// A user name (an email beside an Atlassian API token) and its password or token.
    Basic(String, Secret),
    /// align-link's OAuth access token.
    OAuth { signer: Signer, token: String },
}

impl Credential {
    pub fn auth(&self) -> Auth<'_> {
        match self {
            Credential::Token(token) => Auth::Bearer(token),
            Credential::Basic(user, secret) => Auth::Basic(user, secret),
            Credential::OAuth { signer, token } => Auth::OAuth(
                signer,
                OAuthExtras {
                    token: Some(token.clone()),
                    ..OAuthExtras::default()
                },
            ),
        }
    }
}

pub enum Auth<'a> {
    None,
    Bearer(&'a Secret),
    Basic(&'a str, &'a Secret),
    /// `JSESSIONID=...`
    Cookie(&'a Secret),
    /// Signed afresh on every attempt, so a retry never reuses a nonce.
    OAuth(&'a Signer, OAuthExtras),
}

pub enum Body {
    Empty,
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
}

pub struct Request<'a> {
    pub method: Method,
    pub url: Url,
    pub auth: Auth<'a>,
    pub body: Body,
    pub accept_json: bool,
    pub service: Service,
    /// e.g. `X-Atlassian-Token: no-check` on a form post.
    pub headers: Vec<(&'static str, String)>,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, url: Url) -> Self {
        Request {
            method,
            url,
            auth: Auth::None,
            body: Body::Empty,
            accept_json: true,
            service: Service::Jira,
            headers: Vec::new(),
        }
    }
    pub fn get(url: Url) -> Self {
        Self::new(Method::GET, url)
    }
    pub fn auth(mut self, auth: Auth<'a>) -> Self {
        self.auth = auth;
        self
    }
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Body::Json(body);
        self
    }
    pub fn form(mut self, pairs: Vec<(String, String)>) -> Self {
        self.body = Body::Form(pairs);
        self
    }
    pub fn service(mut self, service: Service) -> Self {
        self.service = service;
        self
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub(super) fn idempotent(&self) -> bool {
        matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        )
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    /// Server clock minus ours, from the `Date` header.
    pub clock_skew_secs: Option<i64>,
    /// Shown beside Jira's when Jira says `signature_invalid`.
    pub oauth_base_string: Option<String>,
    /// A 403 means something else on a Basic call.
    pub auth: AuthKind,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// All values as one list (RFC 9110 11.6.1): Jira sends a bare `OAuth realm`
    /// challenge before the one naming the problem.
    pub fn www_authenticate(&self) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T> {
        serde_json::from_str(&self.body).map_err(|source| {
            ClientError::Parse(Box::new(ParseError {
                what: what.to_string(),
                reason: text::clean(&source.to_string(), text::EXCERPT_CHARS),
                excerpt: text::clean(&self.body, 200),
                source,
            }))
        })
    }
}

pub fn encode_form(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

pub(super) fn auth_label(auth: &Auth) -> &'static str {
    match auth {
        Auth::None => "",
        Auth::Bearer(_) => " [Bearer <redacted>]",
        Auth::Basic(..) => " [Basic <redacted>]",
        Auth::Cookie(_) => " [session cookie <redacted>]",
        Auth::OAuth(..) => " [OAuth RSA-SHA1, signature <redacted>]",
    }
}

impl Auth<'_> {
    pub fn kind(&self) -> AuthKind {
        match self {
            Auth::None => AuthKind::None,
            Auth::Bearer(_) => AuthKind::Bearer,
            Auth::Basic(..) => AuthKind::Basic,
            Auth::Cookie(_) => AuthKind::Cookie,
            Auth::OAuth(..) => AuthKind::OAuth,
        }
    }
}

//! The HTTP values both stand-ins share: requests and responses, which the server
//! (`server.rs`) carries. What the imitated servers spell differently is a
//! [`Dialect`] each stand-in supplies.

use serde_json::Value;
use std::marker::PhantomData;

/// What one imitated server does its own way; clients may depend on the details.
pub(crate) trait Dialect: Send + Sync + 'static {
    /// `Content-Type` of JSON bodies, spelled as the real server spells it.
    const JSON: &'static str;
    /// `Content-Type` of plain-text bodies.
    const TEXT: &'static str;
    /// Largest request body read; a longer one is answered 413.
    const MAX_BODY: u64;
    /// The `Server` header.
    const SERVER: &'static str;
}

/// One HTTP request, fully read.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub method: String,
    /// Raw path as sent, still percent-encoded (the signature base string needs it so).
    pub path: String,
    /// Raw query string without the `?`, empty when absent.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Query pairs, form-decoded (`+` is a space, `%24top` is `$top`).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_pairs(self.query.as_bytes())
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        first(self.query_pairs(), name)
    }

    /// Media type of the body, lower case, without parameters.
    pub fn content_type(&self) -> String {
        let header = self.header("Content-Type").unwrap_or_default();
        let media = header.split(';').next().unwrap_or_default();
        media.trim().to_ascii_lowercase()
    }

    pub fn is_form(&self) -> bool {
        self.content_type() == "application/x-www-form-urlencoded"
    }

    /// Form fields of an `application/x-www-form-urlencoded` body (empty otherwise).
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        if self.is_form() {
            form_pairs(&self.body)
        } else {
            Vec::new()
        }
    }

    pub fn form_param(&self, name: &str) -> Option<String> {
        first(self.form_pairs(), name)
    }

    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("Cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

pub(crate) fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

/// The value of the first pair named `name`.
fn first(pairs: Vec<(String, String)>, name: &str) -> Option<String> {
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// One HTTP response, in dialect `D`.
#[derive(Debug, Clone)]
pub(crate) struct Resp<D> {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    dialect: PhantomData<D>,
}

impl<D: Dialect> Resp<D> {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        let typed = Resp::empty(status).with_header("Content-Type", content_type);
        Resp {
            body: body.into(),
            ..typed
        }
    }

    /// No body and no `Content-Type`.
    pub fn empty(status: u16) -> Self {
        Resp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            dialect: PhantomData,
        }
    }

    pub fn json(status: u16, value: &Value) -> Self {
        Resp::new(status, D::JSON, value.to_string())
    }

    pub fn text(status: u16, text: &str) -> Self {
        Resp::new(status, D::TEXT, text)
    }

    /// Relative redirects keep working whatever base URL the stand-in believes in.
    pub fn redirect(location: &str) -> Self {
        Resp::empty(302).with_header("Location", location)
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

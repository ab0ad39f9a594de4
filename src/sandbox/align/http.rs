//! Request and response values the Jira Align stand-in's handlers work with,
//! independent of tiny_http.

use std::io::Read;

/// Largest request body read; the API is read-only, so bodies are tiny or absent.
const MAX_BODY: u64 = 1 << 16;

/// One HTTP request, fully read.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub method: String,
    /// The path as sent, still percent-encoded.
    pub path: String,
    /// The raw query string without the `?`, empty when absent.
    pub query: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn from_tiny(rq: &mut tiny_http::Request) -> Req {
        let url = rq.url().to_string();
        let (path, query) = match url.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (url, String::new()),
        };
        let headers = rq
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_string(),
                    h.value.as_str().to_string(),
                )
            })
            .collect();
        // Drain the body so keep-alive connections stay in step; nothing reads it.
        let _ = std::io::copy(&mut rq.as_reader().take(MAX_BODY), &mut std::io::sink());
        Req {
            method: rq.method().as_str().to_ascii_uppercase(),
            path,
            query,
            headers,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Query pairs, form-decoded (`+` is a space, `%24top` is `$top`).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// One HTTP response.
#[derive(Debug, Clone)]
pub(crate) struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Resp {
        Resp {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// No body and no `Content-Type`: what Jira Align answers for an unknown route.
    pub fn empty(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Resp {
        Resp::new(status, "application/json; charset=utf-8", value.to_string())
    }

    pub fn text(status: u16, text: &str) -> Resp {
        Resp::new(status, "text/plain; charset=utf-8", text)
    }

    pub fn html(status: u16, title: &str, body_html: &str) -> Resp {
        Resp::new(
            status,
            "text/html; charset=utf-8",
            format!(
                "<!DOCTYPE html><html><head><title>{} - Jira Align stand-in</title></head>\
                 <body>{body_html}</body></html>",
                html_escape(title)
            ),
        )
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Resp {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn into_tiny(self) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
        let mut out = tiny_http::Response::from_data(self.body).with_status_code(self.status);
        for (k, v) in self.headers {
            if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                out.add_header(h);
            }
        }
        out
    }
}

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

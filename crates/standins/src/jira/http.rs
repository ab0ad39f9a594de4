//! Jira's side of the shared HTTP plumbing: how Jira spells its responses, XML
//! unless the client asks for JSON (Jira's REST resources produce XML first), and its
//! REST error entity.

use crate::http::{self, Dialect};
use serde_json::Value;

pub(crate) use crate::http::{form_pairs, html_escape, Req};

/// Jira Data Center's spelling.
#[derive(Debug, Clone)]
pub(crate) struct Jira;

impl Dialect for Jira {
    const JSON: &'static str = "application/json;charset=UTF-8";
    const TEXT: &'static str = "text/plain;charset=UTF-8";
    /// Anything real is far smaller.
    const MAX_BODY: u64 = 1 << 20;
    const SERVER: &'static str = "Jira stand-in";
}

pub(crate) type Resp = http::Resp<Jira>;

impl Resp {
    pub fn html(status: u16, html: &str) -> Resp {
        Resp::new(status, "text/html;charset=UTF-8", html)
    }

    /// A page in the stand-in's frame; `title` is escaped, `body` is HTML.
    pub fn page(status: u16, title: &str, body: &str) -> Resp {
        let head = format!(
            "<head><title>{} - Jira stand-in</title></head>",
            html_escape(title)
        );
        Resp::html(status, &format!("<html>{head}<body>{body}</body></html>"))
    }

    /// JSON when the client accepts it, else the same content as XML.
    pub fn negotiated(req: &Req, status: u16, xml_root: &str, value: &Value) -> Resp {
        if accepts_json(req) {
            Resp::json(status, value)
        } else {
            Resp::new(status, "application/xml", xml_document(xml_root, value))
        }
    }
}

fn accepts_json(req: &Req) -> bool {
    let accept = req.header("Accept").unwrap_or_default();
    accept.to_ascii_lowercase().contains("application/json")
}

/// Per-request facts every handler needs.
pub(crate) struct Ctx {
    /// The base URL Jira believes in, without a trailing slash.
    pub base: String,
    /// The stand-in's clock, Unix seconds.
    pub now: i64,
    /// The context path (`/jira`), or empty.
    pub context: String,
    /// Scheme and authority of the request as Jira sees it: from the Host header,
    /// or the proxy's rewrite. Signatures are checked against it.
    pub request_origin: String,
    /// The path as received, context path included, still percent-encoded.
    pub request_path: String,
}

impl Ctx {
    /// The `Path` of Jira's cookies: the context path, or `/`.
    pub fn cookie_path(&self) -> &str {
        if self.context.is_empty() {
            "/"
        } else {
            &self.context
        }
    }
}

/// What a servlet answers for a method it does not implement.
pub(crate) fn method_not_allowed(method: &str) -> Resp {
    let said = format!("<p>HTTP method {method} is not supported by this URL</p>");
    let title = "<h1>HTTP Status 405 - Method Not Allowed</h1>";
    Resp::html(405, &format!("<html><body>{title}{said}</body></html>"))
}

/// `{"errorMessages":[msg],"errors":{}}`, Jira's usual REST error entity.
pub(crate) fn rest_error(status: u16, message: &str) -> Resp {
    Resp::json(
        status,
        &serde_json::json!({"errorMessages": [message], "errors": {}}),
    )
}

/// A small but well-formed XML rendering of a JSON value: object keys become
/// elements, arrays repeat their element.
pub(crate) fn xml_document(root: &str, value: &Value) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    // A list is a root element holding an `item` per entry.
    let value = match value {
        Value::Array(items) => serde_json::json!({ "item": items }),
        other => other.clone(),
    };
    xml_element(&mut out, root, &value);
    out
}

fn xml_element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::Array(items) => items.iter().for_each(|i| xml_element(out, name, i)),
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in map {
                xml_element(out, k, v);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", html_escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_renders_nested_values() {
        let v = serde_json::json!({"a": "x<y", "b": [1, 2], "c": null});
        assert_eq!(
            xml_document("r", &v),
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><r><a>x&lt;y</a><b>1</b><b>2</b><c/></r>"#
        );
    }
}

//! Request and response values the handlers work with, independent of tiny_http, plus
//! the date formats Jira writes and a minimal JSON-to-XML rendering (Jira's REST
//! resources answer XML unless the client asks for JSON).

use serde_json::Value;
use std::io::Read;

/// Largest request body the stand-in reads; anything real is far smaller.
const MAX_BODY: u64 = 1 << 20;

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
        let mut body = Vec::new();
        // A body that cannot be read is treated as empty; the handler then reports
        // whatever is missing from it.
        let _ = rq.as_reader().take(MAX_BODY).read_to_end(&mut body);
        Req {
            method: rq.method().as_str().to_ascii_uppercase(),
            path,
            query,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_pairs(self.query.as_bytes())
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Media type of the body, lower case, without parameters.
    pub fn content_type(&self) -> String {
        self.header("Content-Type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
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
        self.form_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
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

    /// Jira's REST resources produce XML first; JSON only when asked for.
    pub fn accepts_json(&self) -> bool {
        self.header("Accept")
            .map(|a| a.to_ascii_lowercase().contains("application/json"))
            .unwrap_or(false)
    }
}

pub(crate) fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
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

    pub fn empty(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, value: &Value) -> Resp {
        Resp::new(status, "application/json;charset=UTF-8", value.to_string())
    }

    pub fn text(status: u16, text: &str) -> Resp {
        Resp::new(status, "text/plain;charset=UTF-8", text)
    }

    pub fn html(status: u16, html: &str) -> Resp {
        Resp::new(status, "text/html;charset=UTF-8", html)
    }

    /// JSON when the client accepts it, else the same content as XML.
    pub fn negotiated(req: &Req, status: u16, xml_root: &str, value: &Value) -> Resp {
        if req.accepts_json() {
            Resp::json(status, value)
        } else {
            Resp::new(status, "application/xml", xml_document(xml_root, value))
        }
    }

    /// Relative redirects keep working whatever base URL the stand-in believes in.
    pub fn redirect(location: &str) -> Resp {
        Resp::empty(302).with_header("Location", location)
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

/// `{"errorMessages":[msg],"errors":{}}`, Jira's usual REST error entity.
pub(crate) fn rest_error(status: u16, message: &str) -> Resp {
    Resp::json(
        status,
        &serde_json::json!({"errorMessages": [message], "errors": {}}),
    )
}

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A small but well-formed XML rendering of a JSON value: object keys become
/// elements, arrays repeat their element.
pub(crate) fn xml_document(root: &str, value: &Value) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    match value {
        Value::Array(items) => {
            out.push_str(&format!("<{root}>"));
            for item in items {
                xml_element(&mut out, "item", item);
            }
            out.push_str(&format!("</{root}>"));
        }
        other => xml_element(&mut out, root, other),
    }
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

/// Calendar fields of a Unix time: (year, month, day, hour, minute, second, weekday 0=Sunday).
fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32, usize) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = (days + 4).rem_euclid(7) as usize;
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
        weekday,
    )
}

/// RFC 7231 IMF-fixdate, as in the `Date` header.
pub(crate) fn http_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, wd) = civil(secs);
    format!(
        "{}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT",
        DAYS[wd],
        MONTHS[mo as usize - 1]
    )
}

/// Jira's `serverTime` format, e.g. `2026-03-01T12:00:00.000+0000`.
pub(crate) fn jira_time(secs: i64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000+0000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_known_values() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(jira_time(1_772_366_400), "2026-03-01T12:00:00.000+0000");
    }

    #[test]
    fn xml_renders_nested_values() {
        let v = serde_json::json!({"a": "x<y", "b": [1, 2], "c": null});
        assert_eq!(
            xml_document("r", &v),
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><r><a>x&lt;y</a><b>1</b><b>2</b><c/></r>"#
        );
    }
}

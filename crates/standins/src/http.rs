//! HTTP plumbing both stand-ins share: request and response values independent of
//! tiny_http, and a small worker-pool server that stops cleanly when dropped. What
//! the imitated servers spell differently is a [`Dialect`] each stand-in supplies.

use serde_json::Value;
use std::io::Read;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What one imitated server does its own way; clients may depend on the details.
pub(crate) trait Dialect: 'static {
    /// `Content-Type` of JSON bodies, spelled as the real server spells it.
    const JSON: &'static str;
    /// `Content-Type` of plain-text bodies.
    const TEXT: &'static str;
    /// Largest request body read; the rest is left unread.
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
    pub fn from_tiny(rq: &mut tiny_http::Request, max_body: u64) -> Req {
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
        // Reading also keeps keep-alive connections in step. A body that cannot be
        // read is treated as empty; the handler then reports what is missing from it.
        let _ = rq.as_reader().take(max_body).read_to_end(&mut body);
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

    /// Query pairs, form-decoded (`+` is a space, `%24top` is `$top`).
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
}

pub(crate) fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
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
        Resp {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            dialect: PhantomData,
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

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    }

    fn into_tiny(self) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
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

/// RFC 7231 IMF-fixdate of a Unix time, as in the `Date` header. Times before 1970
/// (a wild clock offset) show as the epoch: httpdate cannot write them.
pub(crate) fn http_date(unix_secs: i64) -> String {
    let secs = u64::try_from(unix_secs).unwrap_or(0);
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

/// A bound socket: its URL is known before the handler that needs it is built.
pub(crate) struct Listener {
    server: tiny_http::Server,
    url: String,
}

impl Listener {
    pub fn bind(addr: SocketAddr) -> std::io::Result<Listener> {
        let server = tiny_http::Server::http(addr).map_err(std::io::Error::other)?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("the stand-in is not listening on IP"))?;
        Ok(Listener {
            server,
            url: format!("http://{addr}"),
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves every request with `handler` on `workers` threads named `{name}-{i}`.
    /// Each response gets a `Date` (the real clock, unless the handler set one from
    /// its own) and the dialect's `Server` header.
    pub fn serve<D, H>(self, name: &str, workers: usize, handler: H) -> std::io::Result<Server>
    where
        D: Dialect,
        H: Fn(&Req) -> Resp<D> + Send + Sync + 'static,
    {
        let server = Arc::new(self.server);
        let handler = Arc::new(handler);
        // Built up front so that a failed spawn drops it and stops the workers started.
        let mut running = Server {
            stop: Arc::new(AtomicBool::new(false)),
            requests: Arc::new(AtomicU64::new(0)),
            workers: Vec::new(),
        };
        for i in 0..workers {
            let (server, handler) = (server.clone(), handler.clone());
            let (stop, requests) = (running.stop.clone(), running.requests.clone());
            running.workers.push(
                std::thread::Builder::new()
                    .name(format!("{name}-{i}"))
                    .spawn(move || work(&server, &*handler, &requests, &stop))?,
            );
        }
        Ok(running)
    }
}

/// The running server. Dropping it stops the workers and joins them.
pub(crate) struct Server {
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicU64>,
    workers: Vec<JoinHandle<()>>,
}

impl Server {
    /// HTTP requests received so far.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

fn work<D: Dialect>(
    server: &tiny_http::Server,
    handler: &dyn Fn(&Req) -> Resp<D>,
    requests: &AtomicU64,
    stop: &AtomicBool,
) {
    // Polling with a short timeout lets Drop stop every worker without help.
    while !stop.load(Ordering::SeqCst) {
        match server.recv_timeout(Duration::from_millis(50)) {
            Ok(Some(mut rq)) => {
                requests.fetch_add(1, Ordering::SeqCst);
                let req = Req::from_tiny(&mut rq, D::MAX_BODY);
                let mut resp = handler(&req);
                if !resp.has_header("Date") {
                    resp = resp.with_header("Date", httpdate::fmt_http_date(SystemTime::now()));
                }
                let resp = resp.with_header("Server", D::SERVER);
                let _ = rq.respond(resp.into_tiny());
            }
            Ok(None) => {}
            Err(_) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_known_values() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(-5), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}

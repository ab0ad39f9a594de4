//! HTTP plumbing both stand-ins share: request and response values, and a small
//! thread-per-connection HTTP/1.1 server that stops cleanly when dropped. What the
//! imitated servers spell differently is a [`Dialect`] each stand-in supplies.

mod serve;
#[cfg(test)]
mod tests;
mod wire;

use serde_json::Value;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, UNIX_EPOCH};

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
    listener: TcpListener,
    url: String,
}

impl Listener {
    pub fn bind(addr: SocketAddr) -> std::io::Result<Listener> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        Ok(Listener {
            listener,
            url: format!("http://{addr}"),
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves every request with `handler`, one thread per connection (named
    /// `{name}-conn`), at most `max_connections` at once: more are answered 503.
    /// Each response gets a `Date` (the real clock, unless the handler set one from
    /// its own) and the dialect's `Server` header.
    pub fn serve<D, H>(
        self,
        name: &str,
        max_connections: usize,
        handler: H,
    ) -> std::io::Result<Server>
    where
        D: Dialect,
        H: Fn(&Req) -> Resp<D> + Send + Sync + 'static,
    {
        // Non-blocking, so the accept loop can look at the stop flag.
        self.listener.set_nonblocking(true)?;
        let shared = Arc::new(serve::Shared {
            handler: Box::new(handler),
            requests: Arc::new(AtomicU64::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
        });
        let (stop, requests) = (shared.stop.clone(), shared.requests.clone());
        let name = name.to_string();
        let listener = self.listener;
        let acceptor = std::thread::Builder::new()
            .name(format!("{name}-accept"))
            .spawn(move || serve::accept_loop(listener, &name, max_connections, shared))?;
        Ok(Server {
            stop,
            requests,
            acceptor: Some(acceptor),
        })
    }
}

/// The running server. Dropping it stops every thread and joins them.
pub(crate) struct Server {
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicU64>,
    acceptor: Option<JoinHandle<()>>,
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
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_match_known_values() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(-5), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}

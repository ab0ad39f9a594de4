//! The one HTTP client: every call to Jira (and to our own callback listener) goes
//! through here, so timeouts, retries, TLS roots, the `http://` rule, the
//! User-Agent and redacted request logging are decided once.

mod busy;
pub mod error;
mod message;
mod pinned;
mod proxy;
mod transport;
mod url_rules;

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::Client;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE};
use url::Url;

use crate::util::time::{skew_from_date_header, until_http_date};
pub use error::{AuthKind, ClientError, ConfigError, Service, TransportKind};
use error::{RetryTooLong, TooLarge, TransportError};
use message::auth_label;
pub use message::{encode_form, Auth, Body, Credential, Request, Response};
pub use url_rules::{check_scheme, is_loopback, redact_url};

/// Every answer align-link reads is a few KiB: a larger one is an error, never buffered whole.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

pub const USER_AGENT_VALUE: &str = concat!("align-link/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub ca_cert: Option<PathBuf>,
    pub allow_http: bool,
    /// `-v`: `ui::log` attaches the printer.
    pub verbose: bool,
    /// For idempotent calls only.
    pub retries: u32,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            ca_cert: None,
            allow_http: false,
            verbose: false,
            retries: 3,
        }
    }
}

/// `target` is `GET https://jira/...`; `request` adds ` [Bearer <redacted>]` and the like.
pub struct Exchange {
    pub target: String,
    pub request: String,
}

pub enum Event<'a> {
    Sent,
    /// e.g. `200 (12 ms, 340 bytes)` or `failed after 10000 ms (timed out)`.
    Answered(&'a str),
    Retrying(Duration),
}

impl Exchange {
    /// An answer names its request: answers to requests sent together arrive in any order.
    pub fn line(&self, event: &Event) -> String {
        match event {
            Event::Sent => format!("> {}", self.request),
            Event::Answered(outcome) => format!("< {outcome} for {}", self.target),
            Event::Retrying(wait) => {
                format!("  retrying {} in {} ms", self.target, wait.as_millis())
            }
        }
    }
}

/// The one path for `-v`, `--log` and the notice of a long wait (`ui::log`).
pub trait RequestObserver: Send + Sync {
    fn report(&self, exchange: &Exchange, event: &Event);
}

/// Cheap to clone (the pool and the counts are shared): each client owns one.
#[derive(Clone)]
pub struct Http {
    client: Client,
    options: HttpOptions,
    sent: Arc<AtomicU64>,
    busy: Arc<busy::Busy>,
    /// A server presented the very certificate `--ca-cert` gives (pinned).
    pinned_used: Arc<AtomicBool>,
    observers: Vec<Arc<dyn RequestObserver>>,
}

impl Http {
    pub fn new(options: HttpOptions) -> Result<Http> {
        let mut builder = Client::builder()
            .user_agent(USER_AGENT_VALUE)
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .dns_resolver(Arc::new(transport::SystemResolver))
            // Dropped before Apache httpd's default KeepAliveTimeout (5 s, common in
            // front of Jira) closes it under a request we cannot retry (a POST).
            .pool_idle_timeout(Duration::from_secs(4))
            .tcp_nodelay(true)
            // Redirects are answers we read (the authorize flow's 302 carries the verifier).
            .redirect(reqwest::redirect::Policy::none())
            // The environment's proxy, by our rule alone (`proxy::from_env`).
            .no_proxy();
        if let Some(proxy) = proxy::from_env() {
            builder = builder.proxy(proxy);
        }
        let pinned_used = Arc::new(AtomicBool::new(false));
        if let Some(path) = &options.ca_cert {
            let tls = pinned::from_file(path, pinned_used.clone()).map_err(ClientError::config)?;
            builder = builder.use_preconfigured_tls(tls);
        }
        let client = builder.build().map_err(|err| {
            ClientError::config(ConfigError::Client {
                reason: error::error_chain(&err),
            })
        })?;
        Ok(Http {
            client,
            options,
            pinned_used,
            sent: Arc::new(AtomicU64::new(0)),
            busy: Arc::new(busy::Busy::default()),
            observers: Vec::new(),
        })
    }

    pub fn observe(&mut self, observer: Arc<dyn RequestObserver>) {
        self.observers.push(observer);
    }

    pub fn verbose(&self) -> bool {
        self.options.verbose
    }

    fn report(&self, exchange: &Exchange, event: &Event) {
        for observer in &self.observers {
            observer.report(exchange, event);
        }
    }

    fn exchange(request: &Request) -> Exchange {
        let target = format!("{} {}", request.method, redact_url(&request.url));
        Exchange {
            request: format!("{target}{}", auth_label(&request.auth)),
            target,
        }
    }

    pub fn network_busy(&self) -> Duration {
        self.busy.total()
    }

    pub fn pinned_certificate_used(&self) -> bool {
        self.pinned_used.load(Ordering::Relaxed)
    }

    /// Attempts, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Refuses `http://` to anything but loopback unless `--allow-http` (tokens and
    /// passwords would cross the network in clear text), and URLs with user info.
    pub fn check_url(&self, url: &Url, field: &str) -> Result<()> {
        check_scheme(url, field, self.options.allow_http)
    }

    /// Sends `request`, retrying idempotent calls on 429/502/503/504 and failed
    /// connections. All attempts and waits together stay within `--timeout`: a
    /// `Retry-After` longer than what is left fails at once.
    pub fn send(&self, request: &Request) -> Result<Response> {
        self.check_url(&request.url, "URL")?;
        let started = Instant::now();
        let budget = self.options.timeout;
        let attempts = if request.idempotent() {
            self.options.retries + 1
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.send_once(request, started + budget);
            let wait = match &outcome {
                Ok(response) if matches!(response.status, 429 | 502 | 503 | 504) => {
                    Some(retry_delay(response, attempt))
                }
                // A refused certificate will be refused again: no retry.
                Err(ClientError::Transport(err))
                    if err.connecting && !matches!(err.kind, TransportKind::Tls { .. }) =>
                {
                    Some(Wait::Backoff(backoff(attempt)))
                }
                _ => None,
            };
            let Some(wait) = wait.filter(|_| attempt < attempts) else {
                return outcome;
            };
            let left = budget.saturating_sub(started.elapsed());
            let status = outcome.as_ref().map(|r| r.status).unwrap_or_default();
            match wait {
                Wait::Asked(asked) if asked > left => {
                    return Err(ClientError::RetryTooLong(Box::new(RetryTooLong {
                        method: request.method.to_string(),
                        url: redact_url(&request.url),
                        service: request.service,
                        status,
                        asked_secs: asked.as_secs(),
                        left,
                        budget,
                    })));
                }
                Wait::Asked(asked) => {
                    // Said on screen: the wait is the server's, not a hang of ours.
                    if !asked.is_zero() {
                        eprintln!(
                            "{} asked to wait {} s (HTTP {status}); waiting",
                            request.service,
                            asked.as_secs()
                        );
                    }
                    std::thread::sleep(asked);
                }
                // Our own backoff never outlasts the budget: give the last answer instead.
                Wait::Backoff(delay) if delay > left => return outcome,
                Wait::Backoff(delay) => {
                    let exchange = Http::exchange(request);
                    self.report(&exchange, &Event::Retrying(delay));
                    std::thread::sleep(delay);
                }
            }
        }
    }

    /// One attempt, over by `deadline`: reqwest bounds each read but not their sum,
    /// which a server sending a byte at a time could stretch without end.
    fn send_once(&self, request: &Request, deadline: Instant) -> Result<Response> {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(100));
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.clone())
            .timeout(left);
        if request.accept_json {
            builder = builder.header(ACCEPT, "application/json");
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let mut oauth_base_string = None;
        builder = match &request.auth {
            Auth::None => builder,
            Auth::Bearer(token) => builder.bearer_auth(token.expose()),
            Auth::Basic(user, password) => builder.basic_auth(user, Some(password.expose())),
            Auth::Cookie(session) => {
                builder.header(COOKIE, format!("JSESSIONID={}", session.expose()))
            }
            Auth::OAuth(signer, extras) => {
                let form = match &request.body {
                    Body::Form(pairs) => pairs.as_slice(),
                    _ => &[],
                };
                let signed = signer.sign(request.method.as_str(), &request.url, form, extras);
                oauth_base_string = Some(signed.base_string);
                builder.header(AUTHORIZATION, signed.authorization)
            }
        };
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(value) => builder.json(value),
            Body::Form(pairs) => builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(encode_form(pairs)),
        };
        let started = Instant::now();
        self.sent.fetch_add(1, Ordering::Relaxed);
        let _in_flight = self.busy.enter();
        let exchange = Http::exchange(request);
        self.report(&exchange, &Event::Sent);
        let received = Http::receive(builder, request, started, deadline);
        let outcome = match &received {
            Ok(answer) => format!(
                "{} ({} ms, {} bytes)",
                answer.status,
                started.elapsed().as_millis(),
                answer.body.len()
            ),
            Err((said, _)) => said.clone(),
        };
        self.report(&exchange, &Event::Answered(&outcome));
        let mut answer = received.map_err(|(_, err)| err)?;
        answer.oauth_base_string = oauth_base_string;
        Ok(answer)
    }

    /// The answer, read within the cap and by `deadline`; or the words `-v` shows and the error.
    fn receive(
        builder: reqwest::blocking::RequestBuilder,
        request: &Request,
        started: Instant,
        deadline: Instant,
    ) -> std::result::Result<Response, (String, ClientError)> {
        let ms = || started.elapsed().as_millis();
        let mut response = builder.send().map_err(|err| {
            // reqwest's text repeats the URL, secrets and all: keep it out.
            let err = err.without_url();
            let said = format!("failed after {} ms ({})", ms(), error::error_chain(&err));
            (said, transport_error(request, Box::new(err)))
        })?;
        let local_now = SystemTime::now();
        let status = response.status().as_u16();
        let too_large = || {
            let err = ClientError::TooLarge(Box::new(TooLarge {
                method: request.method.to_string(),
                url: redact_url(&request.url),
            }));
            (format!("{status}, body over the cap"), err)
        };
        if response
            .content_length()
            .is_some_and(|len| len > MAX_BODY_BYTES)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let read = response.read(&mut chunk).map_err(|err| {
                let said = format!("{status}, body failed after {} ms", ms());
                (said, transport_error(request, Box::new(err)))
            })?;
            if read == 0 {
                let headers = response.headers().clone();
                let date = headers.get(reqwest::header::DATE);
                return Ok(Response {
                    status,
                    clock_skew_secs: date
                        .and_then(|v| v.to_str().ok())
                        .and_then(|date| skew_from_date_header(date, local_now)),
                    headers,
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                    oauth_base_string: None,
                    auth: request.auth.kind(),
                });
            }
            bytes.extend_from_slice(&chunk[..read]);
            if bytes.len() as u64 > MAX_BODY_BYTES {
                return Err(too_large());
            }
            if Instant::now() > deadline {
                let late = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the answer did not arrive whole within --timeout",
                );
                let said = format!("{status}, body unfinished after {} ms", ms());
                return Err((said, transport_error(request, Box::new(late))));
            }
        }
    }
}

/// The server's `Retry-After`, or our exponential backoff.
enum Wait {
    Asked(Duration),
    Backoff(Duration),
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500 * 2u64.pow(attempt.saturating_sub(1).min(5)))
}

/// `Retry-After` (seconds or an HTTP date) when the server gives one, else backoff.
fn retry_delay(response: &Response, attempt: u32) -> Wait {
    let value = response.header("retry-after").map(str::trim);
    let asked = value.and_then(|value| match value.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => until_http_date(value),
    });
    asked.map_or_else(|| Wait::Backoff(backoff(attempt)), Wait::Asked)
}

fn transport_error(
    request: &Request,
    err: Box<dyn std::error::Error + Send + Sync + 'static>,
) -> ClientError {
    ClientError::Transport(Box::new(TransportError {
        method: request.method.to_string(),
        url: redact_url(&request.url),
        kind: transport::classify(err.as_ref()),
        connecting: transport::while_connecting(err.as_ref()),
        source: err,
    }))
}

#[cfg(test)]
mod tests;

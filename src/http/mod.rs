//! The one HTTP client: every call to Jira (and to our own callback listener) goes
//! through here, so timeouts, retries, TLS roots, the `http://` rule, the
//! User-Agent and redacted request logging are decided once.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE};
use reqwest::Method;
use url::Url;

use crate::answers::Secret;
use crate::error::{AppError, Result};
use crate::oauth::{OAuthExtras, Signer};
use crate::util::time::skew_from_date_header;

pub const USER_AGENT_VALUE: &str = concat!("align-link/", env!("CARGO_PKG_VERSION"));

/// Validated HTTP settings (from the command line).
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub ca_cert: Option<PathBuf>,
    pub allow_http: bool,
    pub verbose: bool,
    /// Retries after the first attempt, for idempotent calls only.
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

/// How a request authenticates.
pub enum Auth<'a> {
    None,
    Bearer(&'a Secret),
    Basic(&'a str, &'a Secret),
    /// A browser-like session (`JSESSIONID=...`).
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
    /// Extra headers (e.g. `X-Atlassian-Token: no-check` on a form post).
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
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// GET, HEAD, PUT, DELETE and OPTIONS may be repeated safely; POST may not.
    fn idempotent(&self) -> bool {
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
    /// Server clock minus ours, from the `Date` header, when it was sent.
    pub clock_skew_secs: Option<i64>,
    /// For an OAuth-signed request, the signature base string we signed: shown
    /// beside Jira's when Jira says `signature_invalid`.
    pub oauth_base_string: Option<String>,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// Every `WWW-Authenticate` value as one comma-separated list (RFC 9110 11.6.1):
    /// Jira sends a bare `OAuth realm` challenge before the one naming the problem.
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
        serde_json::from_str(&self.body).map_err(|err| {
            AppError::failed(format!(
                "{what}: the answer is not the JSON expected ({err}); it began: {}",
                crate::util::truncate(&self.body, 200)
            ))
            .hint("Check that the URL points at Jira itself, not at a login page or proxy.")
        })
    }
}

/// Told of each request as it leaves and when its answer (or failure) is in, with
/// the request redacted as `-v` shows it: the terminal shows long waits through
/// this and `--log` records requests, without this module knowing either.
pub trait RequestObserver: Send + Sync {
    fn sent(&self, request: &str);
    /// `outcome`: e.g. `200 (12 ms, 340 bytes)` or `failed after 10000 ms (timeout)`.
    fn answered(&self, request: &str, outcome: &str);
}

pub struct Http {
    client: Client,
    options: HttpOptions,
    sent: AtomicU64,
    observers: Vec<std::sync::Arc<dyn RequestObserver>>,
}

impl Http {
    pub fn new(options: HttpOptions) -> Result<Http> {
        let mut builder = Client::builder()
            .user_agent(USER_AGENT_VALUE)
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            // Redirects are answers we read (the authorize flow's 302 carries the verifier).
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = &options.ca_cert {
            let (pem, _) = crate::util::file::read_regular(path, crate::util::file::CA_BUNDLE_MAX)
                .map_err(|err| crate::config::ca_cert_error(path, &err))?;
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|err| {
                AppError::usage(format!(
                    "--ca-cert {}: not a PEM certificate: {err}",
                    path.display()
                ))
                .hint("The file must hold a `-----BEGIN CERTIFICATE-----` block.")
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            .build()
            .map_err(|err| AppError::failed(format!("cannot set up the HTTP client: {err}")))?;
        Ok(Http {
            client,
            options,
            sent: AtomicU64::new(0),
            observers: Vec::new(),
        })
    }

    /// Adds an observer of every request from now on.
    pub fn observe(&mut self, observer: std::sync::Arc<dyn RequestObserver>) {
        self.observers.push(observer);
    }

    /// How many HTTP requests (attempts) this client has sent.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Refuses `http://` to anything but loopback unless `--allow-http`: tokens and
    /// passwords would cross the network in clear text.
    pub fn check_url(&self, url: &Url, field: &str) -> Result<()> {
        check_scheme(url, field, self.options.allow_http)
    }

    pub fn send(&self, request: &Request) -> Result<Response> {
        self.check_url(&request.url, "URL")?;
        let attempts = if request.idempotent() {
            self.options.retries + 1
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.send_once(request);
            let retry_after = match &outcome {
                Ok(response) if matches!(response.status, 429 | 502 | 503 | 504) => {
                    Some(retry_delay(response, attempt))
                }
                // A refused certificate will be refused again: no retry.
                Err(err) if err.is_connect() && !is_certificate_error(err) => {
                    Some(backoff(attempt))
                }
                _ => None,
            };
            match retry_after {
                Some(delay) if attempt < attempts => {
                    if self.options.verbose {
                        eprintln!("  retrying in {} ms", delay.as_millis());
                    }
                    std::thread::sleep(delay);
                }
                _ => return outcome.map_err(|err| transport_error(request, err)),
            }
        }
    }

    fn send_once(&self, request: &Request) -> std::result::Result<Response, reqwest::Error> {
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.clone());
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
        let shown = format!(
            "{} {}{}",
            request.method,
            redact_url(&request.url),
            auth_label(&request.auth)
        );
        if self.options.verbose {
            eprintln!("> {shown}");
        }
        for observer in &self.observers {
            observer.sent(&shown);
        }
        let response = builder.send();
        let outcome = |text: String| {
            for observer in &self.observers {
                observer.answered(&shown, &text);
            }
        };
        let local_now = SystemTime::now();
        let response = match response {
            Ok(response) => response,
            Err(err) => {
                if self.options.verbose {
                    eprintln!("< failed after {} ms: {err}", started.elapsed().as_millis());
                }
                let kind = if err.is_timeout() {
                    "timeout"
                } else if err.is_connect() {
                    "connection failed"
                } else {
                    "transport error"
                };
                outcome(format!(
                    "failed after {} ms ({kind})",
                    started.elapsed().as_millis()
                ));
                return Err(err);
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = match response.text() {
            Ok(body) => body,
            Err(err) => {
                outcome(format!(
                    "{status}, body failed after {} ms",
                    started.elapsed().as_millis()
                ));
                return Err(err);
            }
        };
        let answered = format!(
            "{status} ({} ms, {} bytes)",
            started.elapsed().as_millis(),
            body.len()
        );
        if self.options.verbose {
            eprintln!("< {answered}");
        }
        outcome(answered);
        let clock_skew_secs = headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|date| skew_from_date_header(date, local_now));
        Ok(Response {
            status,
            headers,
            body,
            clock_skew_secs,
            oauth_base_string,
        })
    }
}

pub fn check_scheme(url: &Url, field: &str, allow_http: bool) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || is_loopback(url) => Ok(()),
        "http" => Err(AppError::usage(format!(
            "{field} {url} uses plain http to a host that is not loopback"
        ))
        .hint("Use https://, or pass --allow-http if you accept credentials crossing the network unencrypted.")),
        other => Err(AppError::usage(format!("{field} {url}: scheme `{other}` is not http or https"))
            .hint("Give an https:// URL.")),
    }
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

pub fn encode_form(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500 * 2u64.pow(attempt.saturating_sub(1).min(5)))
}

/// `Retry-After` in seconds when the server gives one (capped: a CLI should not wait
/// minutes silently), else exponential backoff.
fn retry_delay(response: &Response, attempt: u32) -> Duration {
    response
        .header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|secs| Duration::from_secs(secs.min(60)))
        .unwrap_or_else(|| backoff(attempt))
}

fn transport_error(request: &Request, err: reqwest::Error) -> AppError {
    let target = format!("{} {}", request.method, redact_url(&request.url));
    let hint = if is_certificate_error(&err) {
        "The server's TLS certificate is not trusted. If Jira sits behind a private CA, pass --ca-cert FILE with that CA's certificate (PEM); otherwise check the URL's host name."
    } else if err.is_timeout() {
        "The server did not answer in time: check the URL, a proxy or firewall, or raise --timeout."
    } else if err.is_connect() {
        "Nothing answered at that address: check the URL and port, DNS, and that this machine may reach it. For a private CA pass --ca-cert FILE."
    } else {
        "Check the URL and the network path to it."
    };
    AppError::failed(format!("{target}: {}", error_chain(&err))).hint(hint)
}

fn is_certificate_error(err: &reqwest::Error) -> bool {
    error_chain(err)
        .to_ascii_lowercase()
        .contains("certificate")
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Query values that are secrets (request tokens, verifiers) never reach the log.
pub fn redact_url(url: &Url) -> String {
    const SECRET_PARAMS: [&str; 3] = ["oauth_token", "oauth_verifier", "atl_token"];
    if url.query().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if SECRET_PARAMS.contains(&k.as_ref()) {
                "<redacted>".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown.to_string()
}

fn auth_label(auth: &Auth) -> &'static str {
    match auth {
        Auth::None => "",
        Auth::Bearer(_) => " [Bearer <redacted>]",
        Auth::Basic(..) => " [Basic <redacted>]",
        Auth::Cookie(_) => " [session cookie <redacted>]",
        Auth::OAuth(..) => " [OAuth RSA-SHA1, signature <redacted>]",
    }
}

#[cfg(test)]
mod tests;

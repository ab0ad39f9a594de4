//! The loopback listener for Jira's redirect after "Allow". Its path carries 128
//! random bits, so another local process cannot forge a callback; the browser starts
//! on a one-time address of it that redirects to Jira, so the request token stays off
//! the browser's command line, where any local user could read it.

use std::time::{Duration, Instant};

use rand::RngCore;
use url::Url;

use crate::error::{AppError, Result};

pub const CALLBACK_PATH_PREFIX: &str = "/align-link/callback/";
pub const START_PATH_PREFIX: &str = "/align-link/start/";

const DONE_PAGE: (&str, &str) = (
    "Authorization received",
    "align-link has what it needs. You can close this tab and return to the terminal.",
);
const DENIED_PAGE: (&str, &str) = (
    "Access was denied",
    "Jira reports that access was denied. Return to the terminal for what to do next.",
);

pub struct CallbackListener {
    server: tiny_http::Server,
    url: Url,
    start: Option<(Url, Url)>,
}

fn random_path_part() -> String {
    let mut secret = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret.iter().map(|byte| format!("{byte:02x}")).collect()
}

impl CallbackListener {
    /// On 127.0.0.1: only this machine's browser can reach it.
    pub fn bind() -> Result<CallbackListener> {
        let server = tiny_http::Server::http("127.0.0.1:0").map_err(|err| {
            AppError::failed(format!(
                "cannot listen on 127.0.0.1 for the OAuth callback: {err}"
            ))
            .hint("Use --no-browser to type the verifier instead.")
        })?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|addr| addr.port())
            .ok_or_else(|| AppError::failed("the callback listener has no TCP port"))?;
        let url = Url::parse(&format!(
            "http://127.0.0.1:{port}{CALLBACK_PATH_PREFIX}{}",
            random_path_part()
        ))
        .map_err(|err| AppError::failed(format!("the callback URL is not valid: {err}")))?;
        Ok(CallbackListener {
            server,
            url,
            start: None,
        })
    }

    /// Redirects to `target` while [`Self::wait_for_verifier`] runs.
    pub fn start_url(&mut self, target: &Url) -> Url {
        let mut start = self.url.clone();
        start.set_path(&format!("{START_PATH_PREFIX}{}", random_path_part()));
        self.start = Some((start.clone(), target.clone()));
        start
    }

    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    pub fn is_callback(&self, url: &Url) -> bool {
        url.scheme() == self.url.scheme()
            && url.host_str() == self.url.host_str()
            && url.port_or_known_default() == self.url.port_or_known_default()
            && url.path() == self.url.path()
    }

    /// Anything else is answered 404 (a browser also asks for /favicon.ico).
    pub fn wait_for_verifier(&self, request_token: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        let mut start = self.start.as_ref();
        let start_path = start.map(|(at, _)| at.path().to_string());
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(AppError::failed(format!(
                    "no answer from the browser within {} seconds",
                    timeout.as_secs()
                ))
                .hint("Approve the request in the browser tab that opened (logged in to Jira as the service account), or rerun with --no-browser to paste the verifier."));
            }
            let request = match self.server.recv_timeout(left) {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                Err(err) => {
                    return Err(AppError::failed(format!(
                        "the callback listener failed: {err}"
                    )))
                }
            };
            let Ok(url) = self.url.join(request.url()) else {
                respond(request, 400, "bad request");
                continue;
            };
            if let Some((_, target)) = start.filter(|(at, _)| at.path() == url.path()) {
                start = None; // used once
                redirect(request, target);
                continue;
            }
            if start_path.as_deref() == Some(url.path()) {
                respond(request, 409, "this one-time address was already used");
                return Err(AppError::failed(
                    "the browser's one-time start address was opened twice: another program on this machine may have opened it before the browser did",
                )
                .hint("Nothing was authorized by this run's browser. Rerun step 17 and approve in the tab that opens; if it happens again, check what else runs on this machine."));
            }
            match self.read_callback(&url, request_token) {
                CallbackRead::NotOurs if self.is_callback(&url) => {
                    respond(request, 400, "not the request token align-link waits for");
                    return Err(AppError::failed(
                        "a callback for another request token reached align-link's listener: something other than Jira's redirect answered",
                    )
                    .hint("Nothing was stored. Rerun step 17: each run asks for a fresh request token and listener address."));
                }
                CallbackRead::NotOurs => respond(request, 404, "not found"),
                CallbackRead::Denied => {
                    respond_html(request, DENIED_PAGE);
                    return Err(denied());
                }
                CallbackRead::Verifier(verifier) => {
                    respond_html(request, DONE_PAGE);
                    return Ok(verifier);
                }
                CallbackRead::NoVerifier => {
                    respond(request, 400, "the callback carries no oauth_verifier")
                }
            }
        }
    }

    /// The same checks for a redirect read rather than followed (the service account's approval).
    pub fn verifier_in_redirect(&self, location: &Url, request_token: &str) -> Result<String> {
        match self.read_callback(location, request_token) {
            CallbackRead::Verifier(verifier) => Ok(verifier),
            CallbackRead::Denied => Err(denied()),
            CallbackRead::NotOurs if self.is_callback(location) => Err(AppError::failed(
                "Jira sent the approval to align-link's callback for another request token",
            )
            .hint("Rerun step 17: each run asks for a fresh request token.")),
            CallbackRead::NotOurs => {
                let mut shown = location.clone();
                shown.set_query(None);
                Err(AppError::failed(format!(
                    "Jira sent the approval to {shown}, not to align-link's callback"
                )))
            }
            CallbackRead::NoVerifier => Err(AppError::failed(
                "Jira's redirect to align-link's callback carries no oauth_verifier",
            )),
        }
    }

    fn read_callback(&self, url: &Url, request_token: &str) -> CallbackRead {
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if !self.is_callback(url) || param("oauth_token").as_deref() != Some(request_token) {
            return CallbackRead::NotOurs;
        }
        match param("oauth_verifier") {
            Some(verifier) if verifier == "denied" => CallbackRead::Denied,
            Some(verifier) if !verifier.is_empty() => CallbackRead::Verifier(verifier),
            _ => CallbackRead::NoVerifier,
        }
    }
}

enum CallbackRead {
    /// Another path, or another request token.
    NotOurs,
    Denied,
    Verifier(String),
    NoVerifier,
}

fn denied() -> AppError {
    AppError::failed("access was denied in Jira (oauth_verifier=denied)")
        .hint("Rerun step 17 and click Allow, logged in as the service account.")
}

fn respond(request: tiny_http::Request, status: u16, text: &str) {
    let _ = request.respond(tiny_http::Response::from_string(text).with_status_code(status));
}

fn redirect(request: tiny_http::Request, target: &Url) {
    let location = tiny_http::Header::from_bytes(&b"Location"[..], target.as_str().as_bytes());
    let no_store = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..]);
    let mut response = tiny_http::Response::empty(302);
    for header in [location, no_store].into_iter().flatten() {
        response.add_header(header);
    }
    let _ = request.respond(response);
}

fn respond_html(request: tiny_http::Request, (heading, text): (&str, &str)) {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>align-link</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{heading}</h1><p>{text}</p></body></html>"
    );
    let header =
        tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"text/html; charset=utf-8"[..])
            .expect("static header is valid");
    let _ = request.respond(tiny_http::Response::from_string(html).with_header(header));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(url: &str) -> (u16, String) {
        let response = reqwest::blocking::get(url).unwrap();
        (response.status().as_u16(), response.text().unwrap())
    }

    #[test]
    fn a_redirect_read_without_following_is_checked_as_the_listener_checks_it() {
        let listener = CallbackListener::bind().unwrap();
        let at = |query: &str| Url::parse(&format!("{}?{query}", listener.url())).unwrap();
        assert_eq!(
            listener
                .verifier_in_redirect(&at("oauth_token=rt&oauth_verifier=V1"), "rt")
                .unwrap(),
            "V1"
        );
        let denied = listener
            .verifier_in_redirect(&at("oauth_token=rt&oauth_verifier=denied"), "rt")
            .unwrap_err();
        assert!(denied.message.contains("denied"), "{}", denied.message);
        let empty = listener
            .verifier_in_redirect(&at("oauth_token=rt&oauth_verifier="), "rt")
            .unwrap_err();
        assert!(
            empty.message.contains("no oauth_verifier"),
            "{}",
            empty.message
        );
        let other = listener
            .verifier_in_redirect(&at("oauth_token=other&oauth_verifier=V1"), "rt")
            .unwrap_err();
        assert!(
            other.message.contains("another request token"),
            "{}",
            other.message
        );
        assert!(!other.message.contains("V1"), "{}", other.message);
        // Another port, path or host is not ours, whatever it carries; the
        // verifier in its query is not shown.
        let mut elsewhere = at("oauth_token=rt&oauth_verifier=V1");
        elsewhere.set_port(Some(9)).unwrap();
        let err = listener.verifier_in_redirect(&elsewhere, "rt").unwrap_err();
        assert!(
            err.message.contains("not to align-link's callback"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("V1"), "{}", err.message);
        let evil =
            Url::parse("https://evil.example.org/?oauth_token=rt&oauth_verifier=V1").unwrap();
        assert!(listener.verifier_in_redirect(&evil, "rt").is_err());
    }

    #[test]
    fn captures_the_verifier_and_answers_strays_404() {
        let listener = CallbackListener::bind().unwrap();
        let base = listener.url().to_string();
        let waiter = std::thread::spawn({
            let base = base.clone();
            move || {
                let origin = base.split(CALLBACK_PATH_PREFIX).next().unwrap().to_string();
                let stray = get(&format!("{origin}/favicon.ico"));
                let guessed = get(&format!(
                    "{origin}{CALLBACK_PATH_PREFIX}00000000000000000000000000000000?oauth_token=rt1&oauth_verifier=forged"
                ));
                let prefix_only = get(&format!(
                    "{origin}/align-link/callback?oauth_token=rt1&oauth_verifier=forged"
                ));
                let good = get(&format!("{base}?oauth_token=rt1&oauth_verifier=Zx9Q2a"));
                ([stray.0, guessed.0, prefix_only.0], good)
            }
        });
        let verifier = listener
            .wait_for_verifier("rt1", Duration::from_secs(10))
            .unwrap();
        let (strays, good) = waiter.join().unwrap();
        assert_eq!(verifier, "Zx9Q2a");
        assert_eq!(strays, [404; 3]);
        assert_eq!(good.0, 200);
        assert!(good.1.contains("close this tab"));
    }

    #[test]
    fn a_callback_for_another_request_token_ends_the_wait_at_once() {
        let listener = CallbackListener::bind().unwrap();
        let url = format!("{}?oauth_token=other&oauth_verifier=x", listener.url());
        let waiter = std::thread::spawn(move || get(&url));
        let err = listener
            .wait_for_verifier("rt5", Duration::from_secs(60))
            .unwrap_err();
        assert!(
            err.message.contains("another request token"),
            "{}",
            err.message
        );
        assert_eq!(waiter.join().unwrap().0, 400);
    }

    #[test]
    fn the_path_carries_128_random_bits() {
        let one = CallbackListener::bind().unwrap();
        let two = CallbackListener::bind().unwrap();
        let secret = |l: &CallbackListener| {
            l.url()
                .split(CALLBACK_PATH_PREFIX)
                .nth(1)
                .unwrap()
                .to_string()
        };
        assert_eq!(secret(&one).len(), 32);
        assert!(secret(&one).chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(secret(&one), secret(&two));
        let url = Url::parse(&format!("{}?oauth_token=a", one.url())).unwrap();
        assert!(one.is_callback(&url));
        assert!(!two.is_callback(&url));
    }

    #[test]
    fn the_start_address_redirects_to_the_authorize_page_once() {
        let mut listener = CallbackListener::bind().unwrap();
        let authorize = Url::parse(
            "https://jira.example.com/jira/plugins/servlet/oauth/authorize?oauth_token=rt4",
        )
        .unwrap();
        let start = listener.start_url(&authorize);
        assert!(start.path().starts_with(START_PATH_PREFIX));
        assert!(!start.as_str().contains("rt4"));
        let waiter = std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let first = client.get(start.as_str()).send().unwrap();
            let location = first.headers()["location"].to_str().unwrap().to_string();
            // A second opening (another program was first, or a reload) is
            // refused, and the wait ends at once saying what it means.
            let again = client.get(start.as_str()).send().unwrap().status().as_u16();
            (first.status().as_u16(), location, again)
        });
        let err = listener
            .wait_for_verifier("rt4", Duration::from_secs(60))
            .unwrap_err();
        let (status, location, again) = waiter.join().unwrap();
        assert!(err.message.contains("opened twice"), "{}", err.message);
        assert_eq!(
            (status, location.as_str(), again),
            (302, authorize.as_str(), 409)
        );
    }

    #[test]
    fn denied_and_timeout_are_errors() {
        let listener = CallbackListener::bind().unwrap();
        let url = format!("{}?oauth_token=rt2&oauth_verifier=denied", listener.url());
        let waiter = std::thread::spawn(move || get(&url));
        let err = listener
            .wait_for_verifier("rt2", Duration::from_secs(10))
            .unwrap_err();
        assert!(err.message.contains("denied"));
        waiter.join().unwrap();
        let err = listener
            .wait_for_verifier("rt3", Duration::from_millis(50))
            .unwrap_err();
        assert!(err.message.contains("no answer"));
    }
}

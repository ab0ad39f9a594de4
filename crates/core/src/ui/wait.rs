//! A network wait longer than [`NOTICE_AFTER`] says what it waits for: a spinner in
//! a terminal, else a line on stderr (so a log shows why a run paused).

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

pub const NOTICE_AFTER: Duration = Duration::from_secs(2);

struct InFlight {
    request: String,
    done: Sender<()>,
    watcher: JoinHandle<()>,
}

/// `sent` and `answered` are called with the same (redacted) description of the request.
#[derive(Default)]
pub struct WaitNotice {
    in_flight: Mutex<Vec<InFlight>>,
}

impl WaitNotice {
    pub fn sent(&self, request: &str) {
        let (done, finished) = mpsc::channel::<()>();
        let shown = in_words(request);
        let watcher = std::thread::spawn(move || {
            if finished.recv_timeout(NOTICE_AFTER) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            if std::io::stderr().is_terminal() {
                let template = "{spinner} waiting {elapsed} for {msg}";
                let _spinner = super::Spinner::with_template(template, shown);
                let _ = finished.recv();
            } else {
                eprintln!(
                    "  {} waiting over {} s for {shown}",
                    super::style::symbol("…", "..."),
                    NOTICE_AFTER.as_secs()
                );
            }
        });
        if let Ok(mut list) = self.in_flight.lock() {
            list.push(InFlight {
                request: request.to_string(),
                done,
                watcher,
            });
        }
    }

    pub fn answered(&self, request: &str) {
        if let Ok(mut list) = self.in_flight.lock() {
            if let Some(index) = list.iter().rposition(|f| f.request == request) {
                let flight = list.remove(index);
                let _ = flight.done.send(());
                // The spinner is cleared before the caller prints anything more.
                let _ = flight.watcher.join();
            }
        }
    }
}

/// What a request (`METHOD URL [auth]`) waits for, in words, without its query.
fn in_words(request: &str) -> String {
    let mut parts = request.split_whitespace();
    let (Some(method), Some(address)) = (parts.next(), parts.next()) else {
        return request.to_string();
    };
    let Ok(url) = url::Url::parse(address) else {
        return format!("an answer to {request}");
    };
    let path = url.path();
    let what = WHAT_A_PATH_ASKS
        .iter()
        .find(|(fragment, _)| path.contains(fragment))
        .map_or("an answer", |(_, what)| what);
    let host = url.host_str().unwrap_or_default();
    format!("{what} from {host} ({method} {path})")
}

/// Path fragments of the requests align-link sends, most specific first.
const WHAT_A_PATH_ASKS: [(&str, &str); 14] = [
    ("/authentication/consumer", "the link's incoming consumer"),
    ("/add-consumer-manually/", "the consumer's removal"),
    (
        "/rest/applinks/3.0/applinks",
        "the list of application links",
    ),
    ("/rest/applinks", "the application link"),
    ("/rest/api/2/serverInfo", "Jira's server info"),
    ("/rest/api/2/mypermissions", "the administrator's rights"),
    ("/rest/api/2/myself", "whom the credential acts as"),
    ("/rest/api/2/search", "a search in the test project"),
    ("/rest/api/2/project", "the test project"),
    ("/oauth/request-token", "a request token"),
    ("/oauth/access-token", "the access token"),
    ("/oauth/authorize", "the approval"),
    ("/rest/auth/1/session", "the service account's sign-in"),
    ("/rest/align/api/2/", "Jira Align"),
];

#[cfg(test)]
mod words_tests {
    use super::in_words;

    #[test]
    fn a_wait_says_what_it_waits_for_without_query_or_credentials() {
        assert_eq!(
            in_words("GET https://jira.example.com/rest/api/2/serverInfo [Bearer <redacted>]"),
            "Jira's server info from jira.example.com (GET /rest/api/2/serverInfo)"
        );
        assert_eq!(
            in_words(
                "GET https://jira.example.com/jira/rest/api/2/search?jql=project+%3D+ALIGN [OAuth RSA-SHA1, signature <redacted>]"
            ),
            "a search in the test project from jira.example.com (GET /jira/rest/api/2/search)"
        );
        assert_eq!(
            in_words("PUT http://127.0.0.1:8080/rest/applinks-oauth/1.0/applicationlink/x/authentication/consumer [Bearer <redacted>]"),
            "the link's incoming consumer from 127.0.0.1 (PUT /rest/applinks-oauth/1.0/applicationlink/x/authentication/consumer)"
        );
        assert_eq!(
            in_words("GET http://127.0.0.1:9/elsewhere"),
            "an answer from 127.0.0.1 (GET /elsewhere)"
        );
    }
}

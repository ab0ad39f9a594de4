//! For the unit tests of the handshake: a loopback HTTP server answering from a
//! closure, keeping every request it saw. The behaviour of whole Jiras is the
//! stand-in's job (tests/it); this only serves the fixtures of one test.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use url::Url;

use crate::http::{Http, HttpOptions};

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
    pub fn form(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

pub struct FakeJira {
    pub base: Url,
    seen: Arc<Mutex<Vec<Seen>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl FakeJira {
    /// Serves `answer` under `context_path` ("" or "/jira"); the closure sees the
    /// request and the origin (`http://127.0.0.1:PORT`).
    pub fn start(
        context_path: &str,
        answer: impl Fn(&Seen, &str) -> Reply + Send + 'static,
    ) -> FakeJira {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let origin = format!("http://127.0.0.1:{port}");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let thread = std::thread::spawn({
            let (server, seen, origin) = (server.clone(), seen.clone(), origin.clone());
            move || {
                for mut request in server.incoming_requests() {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let got = Seen {
                        method: request.method().to_string(),
                        target: request.url().to_string(),
                        headers: request
                            .headers()
                            .iter()
                            .map(|h| (h.field.to_string(), h.value.to_string()))
                            .collect(),
                        body,
                    };
                    seen.lock().unwrap().push(got.clone());
                    let reply = answer(&got, &origin);
                    let mut response =
                        tiny_http::Response::from_string(reply.body).with_status_code(reply.status);
                    for (name, value) in reply.headers {
                        response.add_header(
                            tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
                                .unwrap(),
                        );
                    }
                    let _ = request.respond(response);
                }
            }
        });
        FakeJira {
            base: Url::parse(&format!("{origin}{context_path}")).unwrap(),
            seen,
            server,
            thread: Some(thread),
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn http() -> Http {
        Http::new(HttpOptions {
            retries: 0,
            ..HttpOptions::default()
        })
        .unwrap()
    }
}

impl Drop for FakeJira {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

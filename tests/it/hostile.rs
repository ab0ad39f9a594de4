//! A broken or hostile Jira, through the real binary: endless and huge bodies,
//! terminal escapes in the fields align-link shows and stores, an OAuth problem
//! made of escapes, a `Retry-After` longer than the time budget, a password in a
//! URL. The server is written here, on raw sockets, so it can misbehave in ways
//! the stand-ins never would.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tempfile::TempDir;

use crate::support::{assert_exit, assert_success, stderr, stdout, write_private};

/// What the hostile server answers to one path.
#[derive(Clone)]
enum Answer {
    /// A whole answer: status, extra headers, body.
    Fixed(u16, Vec<(String, String)>, String),
    /// `prefix`, then `filler` for ever (or for `len` bytes), then `suffix`, chunked.
    Stream {
        prefix: String,
        len: Option<u64>,
        suffix: String,
    },
    /// `prefix`, then one byte every 100 ms for ever: each read is quick, the
    /// whole never ends.
    Drip { prefix: String },
}

fn json(body: &str) -> Answer {
    Answer::Fixed(200, vec![], body.to_string())
}

/// A one-thread HTTP/1.1 server on loopback that answers by path (query ignored)
/// and closes each connection after one answer.
struct Hostile {
    url: String,
}

impl Hostile {
    fn start(routes: Vec<(&'static str, Answer)>) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let routes = Arc::new(routes);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = routes.clone();
                std::thread::spawn(move || serve(stream, &routes));
            }
        });
        Hostile { url }
    }
}

/// Answers one request; returns its path.
fn serve(mut stream: TcpStream, routes: &[(&'static str, Answer)]) -> String {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return String::new();
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return String::new(),
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = first
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .to_string();
    let answer = routes
        .iter()
        .find(|(route, _)| *route == path)
        .map(|(_, answer)| answer.clone())
        .unwrap_or_else(|| Answer::Fixed(404, vec![], String::new()));
    match answer {
        Answer::Fixed(status, headers, body) => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
        Answer::Stream {
            prefix,
            len,
            suffix,
        } => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            let chunk = |stream: &mut TcpStream, data: &[u8]| {
                stream.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
                stream.write_all(data)?;
                stream.write_all(b"\r\n")
            };
            let filler = vec![b'A'; 64 * 1024];
            let mut sent = 0u64;
            let result = (|| -> std::io::Result<()> {
                stream.write_all(head.as_bytes())?;
                chunk(&mut stream, prefix.as_bytes())?;
                // Until the client hangs up, or `len` bytes.
                while len.is_none_or(|len| sent < len) {
                    chunk(&mut stream, &filler)?;
                    sent += filler.len() as u64;
                }
                chunk(&mut stream, suffix.as_bytes())?;
                stream.write_all(b"0\r\n\r\n")
            })();
            let _ = result;
        }
        Answer::Drip { prefix } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n{prefix}"
            );
            let mut result = stream.write_all(head.as_bytes());
            while result.is_ok() {
                std::thread::sleep(Duration::from_millis(100));
                result = stream.write_all(b"A");
            }
        }
    }
    path
}

/// Answers for step 7 (server info, administrator rights), the server info's
/// as the case gives it.
fn step_7_routes(server_info: Answer) -> Vec<(&'static str, Answer)> {
    vec![
        ("/rest/api/2/serverInfo", server_info),
        (
            "/rest/api/2/mypermissions",
            json(r#"{"permissions":{"ADMINISTER":{"havePermission":true}}}"#),
        ),
    ]
}

struct Run {
    dir: TempDir,
}

impl Run {
    fn new(jira_url: &str) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let run = Run { dir };
        write_private(
            &run.answers(),
            &format!(
                "[jira]\nurl = \"{jira_url}\"\nadmin_token = \"not-a-real-token\"\n\n[align]\nurl = \"https://acme.jiraalign.com\"\n"
            ),
        );
        run
    }

    fn answers(&self) -> PathBuf {
        self.dir.path().join("answers.toml")
    }

    fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    fn step_7(&self, extra: &[&str]) -> (Output, Duration) {
        let started = Instant::now();
        let output = Command::cargo_bin("align-link")
            .unwrap()
            .args(["step", "7", "--yes", "--answers"])
            .arg(self.answers())
            .arg("--state-dir")
            .arg(self.state_dir())
            .args(extra)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        (output, started.elapsed())
    }

    /// `state.toml`'s bytes (empty when the run wrote none).
    fn state_bytes(&self) -> Vec<u8> {
        std::fs::read(self.state_dir().join("state.toml")).unwrap_or_default()
    }
}

const ESC: u8 = 0x1b;

fn assert_no_escapes(what: &str, bytes: &[u8]) {
    let bad: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| *b == ESC || *b == 0x07 || *b == 0x9b || (*b < 0x20 && *b != b'\n'))
        .collect();
    assert!(
        bad.is_empty(),
        "{what} holds control bytes {bad:?}:\n{}",
        String::from_utf8_lossy(bytes)
    );
}

fn assert_small(what: &str, bytes: &[u8]) {
    assert!(
        bytes.len() < 64 * 1024,
        "{what} is {} bytes: a server field got through uncut",
        bytes.len()
    );
}

#[test]
fn an_endless_body_stops_at_the_cap_and_names_the_url() {
    let endless = Answer::Stream {
        prefix: r#"{"version":""#.into(),
        len: None,
        suffix: String::new(),
    };
    let jira = Hostile::start(step_7_routes(endless));
    let run = Run::new(&jira.url);
    let (output, _) = run.step_7(&[]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("/rest/api/2/serverInfo") && err.contains("larger than 1024 KiB"),
        "{err}"
    );
    assert_small("stderr", &output.stderr);
}

#[test]
fn a_body_sent_a_byte_at_a_time_ends_with_the_timeout() {
    let drip = Answer::Drip {
        prefix: r#"{"version":""#.into(),
    };
    let jira = Hostile::start(step_7_routes(drip));
    let run = Run::new(&jira.url);
    let (output, _) = run.step_7(&["--timeout", "2"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("/rest/api/2/serverInfo: timed out") && err.contains("raise --timeout"),
        "{err}"
    );
}

#[test]
fn a_100_mb_field_is_neither_shown_nor_stored() {
    let huge = Answer::Stream {
        prefix: r#"{"version":""#.into(),
        len: Some(100 * 1024 * 1024),
        suffix: r#"","baseUrl":"x"}"#.into(),
    };
    let jira = Hostile::start(step_7_routes(huge));
    let run = Run::new(&jira.url);
    let (output, _) = run.step_7(&[]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("larger than 1024 KiB"));
    assert_small("stdout", &output.stdout);
    assert_small("stderr", &output.stderr);
    assert_small("state.toml", &run.state_bytes());
    assert!(!String::from_utf8_lossy(&run.state_bytes()).contains("AAAAAAAAAA"));
}

#[test]
fn a_long_field_under_the_cap_is_cut_before_it_is_shown_or_stored() {
    let long = "B".repeat(500_000);
    let info = json(&format!(r#"{{"version":"{long}","baseUrl":"x"}}"#));
    let jira = Hostile::start(step_7_routes(info));
    let run = Run::new(&jira.url);
    let (output, _) = run.step_7(&[]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("more characters"),
        "{}",
        stdout(&output)
    );
    assert_small("stdout", &output.stdout);
    assert_small("state.toml", &run.state_bytes());
}

#[test]
fn terminal_escapes_from_the_server_reach_neither_screen_nor_state() {
    let info = json(
        r#"{"version":"9.\u001b[2J\u001b]0;pwned\u0007\u009b31m12","baseUrl":"http://x\u001b[5m","serverTitle":"\u001b[8mhidden"}"#,
    );
    let jira = Hostile::start(step_7_routes(info));
    let run = Run::new(&jira.url);
    let (output, _) = run.step_7(&[]);
    assert_success(&output);
    assert_no_escapes("stdout", &output.stdout);
    assert_no_escapes("stderr", &output.stderr);
    let state = run.state_bytes();
    assert_no_escapes("state.toml", &state);
    let state: toml::Value = toml::from_str(&String::from_utf8(state).unwrap()).unwrap();
    let version = state["jira"]["version"].as_str().unwrap();
    assert!(!version.chars().any(char::is_control), "{version:?}");
    assert!(version.contains("\\u{1b}[2J"), "shown escaped: {version:?}");
}

#[test]
fn an_oauth_problem_made_of_escapes_is_shown_escaped() {
    let refused = Answer::Fixed(
        401,
        vec![(
            "WWW-Authenticate".into(),
            "OAuth realm=\"x\", oauth_problem=\"%1B%5B2Jnasty\"".into(),
        )],
        "oauth_problem=%1B%5B2Jnasty&oauth_problem_advice=%1B%5D0%3Bpwned%07reset%20your%20terminal"
            .into(),
    );
    let jira = Hostile::start(step_7_routes(refused));
    let run = Run::new(&jira.url);
    let (output, _) = run.step_7(&[]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("oauth_problem=\\u{1b}[2Jnasty"), "{err}");
    assert!(
        err.contains("Jira adds: \\u{1b}]0;pwned\\u{7}reset"),
        "{err}"
    );
    assert_no_escapes("stderr", &output.stderr);
    assert_no_escapes("state.toml", &run.state_bytes());
}

#[test]
fn a_retry_after_beyond_the_timeout_fails_at_once_saying_so() {
    let busy = Answer::Fixed(429, vec![("Retry-After".into(), "60".into())], "{}".into());
    let jira = Hostile::start(step_7_routes(busy));
    let run = Run::new(&jira.url);
    let (output, _) = run.step_7(&["--timeout", "5"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("Jira asked to wait 60 s (HTTP 429) before retrying")
            && err.contains("--timeout"),
        "{err}"
    );
    // It refused the wait rather than sitting it out (no speed is asserted).
    assert!(!err.contains("; waiting"), "{err}");
}

#[test]
fn a_short_retry_after_is_announced_and_waited() {
    let busy = Answer::Fixed(429, vec![("Retry-After".into(), "1".into())], "{}".into());
    // The first call busy, whichever of step 7's reads (sent together) comes
    // first, then fine: a server that remembers.
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = count.clone();
    std::thread::spawn(move || {
        // One request at a time, one per connection: until a server-info or
        // rights read has been told to wait, those two are told so; the link
        // list, sent beside them, may come first on any connection.
        let mut told_to_wait = false;
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut routes = step_7_routes(json(r#"{"version":"9.12.0","baseUrl":"x"}"#));
            if !told_to_wait {
                for (_, answer) in routes.iter_mut() {
                    *answer = busy.clone();
                }
            }
            let path = serve(stream, &routes);
            told_to_wait |= routes.iter().any(|(route, _)| *route == path);
        }
    });
    let run = Run::new(&url);
    let (output, _) = run.step_7(&["--timeout", "5"]);
    assert_success(&output);
    assert!(
        stderr(&output).contains("Jira asked to wait 1 s (HTTP 429); waiting"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_url_with_a_password_is_refused_without_showing_it() {
    for (url, said) in [
        (
            "https://bob:hunter2@jira.example.com",
            "jira.url: the URL holds a user name or password",
        ),
        // One that does not even parse is quoted with the password masked.
        (
            "https://bob:hunter2@jira example.com",
            "`https://bob:***@jira example.com` is not a URL",
        ),
    ] {
        let run = Run::new(url);
        let (output, _) = run.step_7(&[]);
        assert_exit(&output, 2);
        let err = stderr(&output);
        assert!(err.contains(said), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}

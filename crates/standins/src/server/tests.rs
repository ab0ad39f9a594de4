//! The server on real sockets, driven by a raw client so that every byte is ours:
//! what the stand-ins need of hyper, as configured here.

use super::{Listener, Server, MAX_CONNECTIONS};
use crate::http::{Dialect, Resp};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

struct Plain;

impl Dialect for Plain {
    const JSON: &'static str = "application/json";
    const TEXT: &'static str = "text/plain";
    const MAX_BODY: u64 = 16;
    const SERVER: &'static str = "test server";
}

/// Echoes `METHOD path ?query body` back.
fn start() -> (Server, String) {
    let listener = Listener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.url.trim_start_matches("http://").to_string();
    let server = listener
        .serve("test", |req| {
            let body = String::from_utf8_lossy(&req.body);
            Resp::<Plain>::text(
                200,
                &format!("{} {} ?{} {body}", req.method, req.path, req.query),
            )
        })
        .unwrap();
    (server, addr)
}

/// Hang guard only: no test waits for it when the server behaves.
const GUARD: Duration = Duration::from_secs(20);

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    fn connect(addr: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(GUARD)).unwrap();
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn send(&mut self, raw: &[u8]) {
        self.writer.write_all(raw).unwrap();
    }

    fn get(&mut self, path: &str) -> Answer {
        self.send(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        self.answer(false)
    }

    fn answer(&mut self, head_only: bool) -> Answer {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("an answer in time");
        let status = line
            .split(' ')
            .nth(1)
            .expect("a status line")
            .parse()
            .unwrap();
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(':').unwrap();
            headers.push((k.to_string(), v.trim().to_string()));
        }
        let mut answer = Answer {
            status,
            headers,
            body: String::new(),
        };
        let length = answer.header("Content-Length").map(|l| l.parse().unwrap());
        if let (Some(length), false) = (length, head_only) {
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body).unwrap();
            answer.body = String::from_utf8(body).unwrap();
        }
        answer
    }

    /// True when the server closed its side (reads end).
    fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => rest.is_empty(),
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

#[test]
fn one_connection_serves_requests_in_turn() {
    let (server, addr) = start();
    let mut client = Client::connect(&addr);
    let first = client.get("/a%20b?x=1");
    let second = client.get("/second");
    assert_eq!(
        (first.status, first.body.as_str()),
        (200, "GET /a%20b ?x=1 ")
    );
    assert_eq!(second.body, "GET /second ? ");
    assert_eq!(first.header("Server"), Some("test server"));
    assert!(first.header("Date").is_some_and(|d| d.ends_with("GMT")));
    assert_eq!(first.header("Connection"), None);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn held_connections_do_not_keep_new_ones_waiting() {
    let (server, addr) = start();
    let mut held: Vec<Client> = (0..8).map(|_| Client::connect(&addr)).collect();
    for (i, client) in held.iter_mut().enumerate() {
        assert_eq!(client.get(&format!("/held/{i}")).status, 200);
    }
    let (sent, answers) = mpsc::channel();
    let newcomers: Vec<_> = (0..8)
        .map(|i| {
            let (addr, sent) = (addr.clone(), sent.clone());
            std::thread::spawn(move || {
                let answer = Client::connect(&addr).get(&format!("/new/{i}"));
                sent.send(answer.body).unwrap();
            })
        })
        .collect();
    let mut bodies: Vec<String> = (0..8)
        .map(|_| {
            answers
                .recv_timeout(GUARD)
                .expect("every newcomer answered")
        })
        .collect();
    bodies.sort();
    let expected: Vec<String> = (0..8).map(|i| format!("GET /new/{i} ? ")).collect();
    assert_eq!(bodies, expected);
    for t in newcomers {
        t.join().unwrap();
    }
    // The held connections still work too.
    for client in &mut held {
        assert_eq!(client.get("/again").status, 200);
    }
    assert_eq!(server.request_count(), 24);
}

#[test]
fn connection_close_is_honoured() {
    let (_server, addr) = start();
    let mut client = Client::connect(&addr);
    client.send(b"GET /bye HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n");
    let answer = client.answer(false);
    assert_eq!(answer.header("Connection"), Some("close"));
    assert!(client.closed());
}

#[test]
fn http_1_0_closes_unless_asked_to_stay() {
    let (_server, addr) = start();
    let mut client = Client::connect(&addr);
    client.send(b"GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(
        client.answer(false).header("Connection"),
        Some("keep-alive")
    );
    client.send(b"GET /old HTTP/1.0\r\n\r\n");
    assert_eq!(client.answer(false).body, "GET /old ? ");
    assert!(client.closed());
}

#[test]
fn garbage_gets_400_and_a_close() {
    let (server, addr) = start();
    for raw in [
        &b"NONSENSE\r\n\r\n"[..],
        b"GET /x HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"GET /x HTTP/1.1\r\nBad name : v\r\n\r\n",
        b"GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        b"POST /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
        b"POST /x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab",
        b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let mut client = Client::connect(&addr);
        client.send(raw);
        let answer = client.answer(false);
        assert_eq!(answer.status, 400, "{}", String::from_utf8_lossy(raw));
        assert!(client.closed());
    }
    assert_eq!(server.request_count(), 0);
}

#[test]
fn oversized_heads_are_refused() {
    let (_server, addr) = start();
    let mut many = String::from("GET /x HTTP/1.1\r\n");
    for i in 0..10 {
        many.push_str(&format!("X-{i}: {}\r\n", "b".repeat(7000)));
    }
    many.push_str("\r\n");
    let mut client = Client::connect(&addr);
    client.send(many.as_bytes());
    assert_eq!(client.answer(false).status, 431);
    assert!(client.closed());
}

#[test]
fn bodies_arrive_by_length_or_in_chunks() {
    let (_server, addr) = start();
    let mut client = Client::connect(&addr);
    client.send(b"POST /len HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    assert_eq!(client.answer(false).body, "POST /len ? hello");
    client.send(
        b"POST /chunks HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
          5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n",
    );
    assert_eq!(client.answer(false).body, "POST /chunks ? hello world");
    client.send(b"PUT /continue HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    assert_eq!(client.answer(true).status, 100);
    client.send(b"ok");
    assert_eq!(client.answer(false).body, "PUT /continue ? ok");
}

#[test]
fn a_body_past_the_limit_is_refused_and_the_connection_closed() {
    let (server, addr) = start();
    let mut client = Client::connect(&addr);
    let body = "x".repeat(40);
    client.send(format!("POST /big HTTP/1.1\r\nContent-Length: 40\r\n\r\n{body}").as_bytes());
    let answer = client.answer(false);
    assert_eq!(answer.status, 413);
    assert_eq!(answer.header("Connection"), Some("close"));
    assert!(client.closed());
    assert_eq!(server.request_count(), 0, "the handler never saw it");
}

#[test]
fn head_answers_carry_no_body() {
    let (_server, addr) = start();
    let mut client = Client::connect(&addr);
    client.send(b"HEAD /h HTTP/1.1\r\n\r\n");
    let answer = client.answer(true);
    assert_eq!(answer.header("Content-Length"), Some("10"));
    // Had a body been sent, it would read as the next status line.
    assert_eq!(client.get("/next").body, "GET /next ? ");
}

#[test]
fn connections_past_the_limit_are_refused() {
    let (server, addr) = start();
    let mut held: Vec<Client> = (0..MAX_CONNECTIONS)
        .map(|_| Client::connect(&addr))
        .collect();
    for client in &mut held {
        assert_eq!(client.get("/in").status, 200);
    }
    let mut over = Client::connect(&addr);
    assert_eq!(over.get("/over").status, 503);
    assert!(over.closed());
    let served = MAX_CONNECTIONS as u64;
    assert_eq!(server.request_count(), served, "the handler never saw it");
    drop(held.pop());
    // The freed place is taken again once the server has seen the close.
    let status = (0..200)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(20));
            Client::connect(&addr).get("/retry").status
        })
        .find(|s| *s == 200);
    assert_eq!(status, Some(200));
}

#[test]
fn dropping_the_server_closes_idle_connections() {
    let (server, addr) = start();
    let mut client = Client::connect(&addr);
    assert_eq!(client.get("/x").status, 200);
    let (done, dropped) = mpsc::channel();
    std::thread::spawn(move || {
        drop(server);
        done.send(()).unwrap();
    });
    dropped.recv_timeout(GUARD).expect("drop returns");
    assert!(client.closed());
    assert!(TcpStream::connect(&addr).is_err());
}

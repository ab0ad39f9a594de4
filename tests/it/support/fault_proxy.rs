//! A fault-injecting HTTP/1.1 proxy in front of the Jira stand-in: align-link's
//! `jira.url` points at it, every request is forwarded unchanged (the Host header
//! too, so the stand-in checks OAuth signatures against the URL the client
//! signed), and a [`Fault`] whose method and path match replaces Jira's answer
//! with its own (a 404, a redirect to the login page, a 200 login page, a 500
//! once). One request per connection (`Connection: close`): simple, and reqwest's
//! pool copes. Sizes and waits are bounded; dropping the proxy stops it.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Env;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 4 * 1024 * 1024;
const MAX_CONNECTIONS: usize = 32;
/// How often a blocked read or the accept loop looks at the stop flag.
const POLL: Duration = Duration::from_millis(20);
/// A client that sends no whole request within this is dropped.
const CLIENT_DEADLINE: Duration = Duration::from_secs(15);
/// Jira's whole answer must arrive within this (the stand-in's latency is far less).
const UPSTREAM_DEADLINE: Duration = Duration::from_secs(30);

/// The login page Jira shows a request whose session it does not accept.
pub const LOGIN_PAGE_HTML: &str = "<html><head><title>Log in - Jira</title></head><body>\
    <form id=\"login-form\" action=\"/login.jsp\" method=\"post\">\
    <input name=\"os_username\"><input name=\"os_password\" type=\"password\"></form></body></html>";

/// An [`Env`] whose answers reach the Jira stand-in through a [`FaultProxy`]. Jira's
/// base URL is the proxy's, as for a Jira behind a reverse proxy, so doctor's
/// base-URL check passes.
pub struct ProxiedEnv {
    pub proxy: FaultProxy,
    pub env: Env,
}

impl ProxiedEnv {
    pub fn new() -> ProxiedEnv {
        let env = Env::new();
        let proxy = FaultProxy::start(&env.jira.url());
        env.jira.set_base_url(Some(proxy.url()));
        env.write_answers_at(&proxy.url(), "");
        ProxiedEnv { proxy, env }
    }
}

impl std::ops::Deref for ProxiedEnv {
    type Target = Env;

    fn deref(&self) -> &Env {
        &self.env
    }
}

/// The answer a fault gives instead of Jira's.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn new(status: u16, content_type: &str, body: &str) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Jira's login page, with this status (200: a proxy or SSO front that serves
    /// it in place of the resource).
    pub fn login_page(status: u16) -> Answer {
        Answer::new(status, "text/html;charset=UTF-8", LOGIN_PAGE_HTML)
    }

    /// A redirect to Jira's login page, as Seraph answers a request it does not let in.
    pub fn redirect_to_login(status: u16) -> Answer {
        let mut answer = Answer::new(status, "text/html;charset=UTF-8", "");
        answer.headers.push((
            "Location".into(),
            "/login.jsp?permissionViolation=true&os_destination=%2Fsecure%2FDashboard.jspa".into(),
        ));
        answer
    }

    pub fn json(status: u16, body: &str) -> Answer {
        Answer::new(status, "application/json;charset=UTF-8", body)
    }
}

/// Which requests a fault replaces: method, path pattern (`*` stands for one
/// path segment or part of one; the query is not matched), and optionally only
/// the nth matching request.
#[derive(Debug, Clone)]
pub struct Fault {
    method: String,
    path: String,
    nth: Option<u64>,
    answer: Answer,
}

impl Fault {
    pub fn on(method: &str, path: &str, answer: Answer) -> Fault {
        Fault {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            nth: None,
            answer,
        }
    }

    /// Only the first matching request: later ones pass through.
    pub fn once(self) -> Fault {
        self.nth(1)
    }

    /// Only the nth matching request (from 1).
    pub fn nth(mut self, n: u64) -> Fault {
        assert!(n >= 1, "requests are counted from 1");
        self.nth = Some(n);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method == method && path_matches(&self.path, path)
    }
}

/// `*` matches any run of characters other than `/`; the rest literally.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((head, rest)) => {
            let Some(tail) = path.strip_prefix(head) else {
                return false;
            };
            let segment_end = tail.find('/').unwrap_or(tail.len());
            (0..=segment_end).any(|taken| path_matches(rest, &tail[taken..]))
        }
    }
}

/// A fault with what it has seen: matching requests, and how many it answered.
struct Installed {
    fault: Fault,
    matched: u64,
    injected: u64,
}

/// Which fault, as [`FaultProxy::add`] returned it.
#[derive(Debug, Clone, Copy)]
pub struct FaultId(usize);

#[derive(Default)]
struct Book {
    faults: Vec<Option<Installed>>,
    /// `METHOD /path -> status` of every request, for failure messages.
    log: Vec<String>,
}

pub struct FaultProxy {
    addr: SocketAddr,
    book: Arc<Mutex<Book>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Listens on an ephemeral loopback port and forwards to `upstream`
    /// (`http://127.0.0.1:PORT`, no path).
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("the upstream is http://IP:PORT");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let book = Arc::new(Mutex::new(Book::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, s) = (book.clone(), stop.clone());
        let accept = std::thread::Builder::new()
            .name("fault-proxy".into())
            .spawn(move || accept_loop(listener, upstream, b, s))
            .unwrap();
        FaultProxy {
            addr,
            book,
            stop,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn add(&self, fault: Fault) -> FaultId {
        let mut book = self.book();
        book.faults.push(Some(Installed {
            fault,
            matched: 0,
            injected: 0,
        }));
        FaultId(book.faults.len() - 1)
    }

    /// Removes every fault: from now on every request passes through.
    pub fn clear(&self) {
        self.book().faults.iter_mut().for_each(|f| *f = None);
    }

    /// How many requests this fault answered in Jira's place (also after `clear`).
    pub fn injected(&self, id: FaultId) -> u64 {
        self.book().faults[id.0]
            .as_ref()
            .map_or(0, |installed| installed.injected)
    }

    /// Every request so far as `METHOD /path -> status` (`!` marks an injected answer).
    pub fn log(&self) -> Vec<String> {
        self.book().log.clone()
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        lock(&self.book)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn lock(book: &Mutex<Book>) -> MutexGuard<'_, Book> {
    book.lock().unwrap_or_else(|e| e.into_inner())
}

fn accept_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    book: Arc<Mutex<Book>>,
    stop: Arc<AtomicBool>,
) {
    let mut live: Vec<JoinHandle<()>> = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        live.retain(|h| !h.is_finished());
        let Ok((stream, _)) = listener.accept() else {
            std::thread::sleep(POLL);
            continue;
        };
        if live.len() >= MAX_CONNECTIONS {
            continue; // dropped: the client sees the close
        }
        let (b, s) = (book.clone(), stop.clone());
        live.push(std::thread::spawn(move || {
            let _ = serve(stream, upstream, &b, &s);
        }));
    }
    for h in live {
        let _ = h.join();
    }
}

/// One request of a fully read head and body.
struct Request {
    method: String,
    path: String,
    head: Vec<u8>,
    body: Vec<u8>,
}

fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    book: &Mutex<Book>,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    client.set_nonblocking(false)?;
    client.set_read_timeout(Some(POLL))?;
    client.set_write_timeout(Some(CLIENT_DEADLINE))?;
    let request = match read_request(&mut client, stop)? {
        Ok(request) => request,
        Err(status) => return write_answer(&mut client, &Answer::new(status, "text/plain", "")),
    };
    let fault = pick_fault(book, &request.method, &request.path);
    let (status, result) = match fault {
        Some(answer) => (
            format!("{}!", answer.status),
            write_answer(&mut client, &answer),
        ),
        None => match forward(&request, upstream) {
            Ok(response) => (status_of(&response), client.write_all(&response)),
            Err(err) => {
                let answer = Answer::new(502, "text/plain", &format!("fault proxy: {err}"));
                ("502 (proxy)".into(), write_answer(&mut client, &answer))
            }
        },
    };
    lock(book)
        .log
        .push(format!("{} {} -> {status}", request.method, request.path));
    let _ = client.shutdown(Shutdown::Write);
    result
}

/// The answer of the fault that takes this request, counting the matches.
fn pick_fault(book: &Mutex<Book>, method: &str, path: &str) -> Option<Answer> {
    let mut book = lock(book);
    let mut chosen = None;
    for installed in book.faults.iter_mut().flatten() {
        if !installed.fault.matches(method, path) {
            continue;
        }
        installed.matched += 1;
        let applies = installed.fault.nth.is_none_or(|n| n == installed.matched);
        if applies && chosen.is_none() {
            installed.injected += 1;
            chosen = Some(installed.fault.answer.clone());
        }
    }
    chosen
}

/// The request, or the status to refuse it with.
fn read_request(
    client: &mut TcpStream,
    stop: &AtomicBool,
) -> std::io::Result<Result<Request, u16>> {
    let deadline = Instant::now() + CLIENT_DEADLINE;
    let mut data = Vec::new();
    let head_end = loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            break end + 4;
        }
        if data.len() > MAX_HEAD {
            return Ok(Err(431));
        }
        if !read_some(client, &mut data, deadline, stop)? {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    };
    let head_text = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut words = head_text.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let target = words.next().unwrap_or("");
    let path = target.split('?').next().unwrap_or("").to_string();
    if header(&head_text, "Transfer-Encoding").is_some() {
        return Ok(Err(501)); // reqwest sends a known-size body with Content-Length
    }
    let length: usize = match header(&head_text, "Content-Length").map(|v| v.parse()) {
        None => 0,
        Some(Ok(n)) if n <= MAX_BODY => n,
        Some(_) => return Ok(Err(413)),
    };
    while data.len() < head_end + length {
        if !read_some(client, &mut data, deadline, stop)? {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    let body = data[head_end..head_end + length].to_vec();
    let head = with_connection_close(&head_text);
    Ok(Ok(Request {
        method,
        path,
        head,
        body,
    }))
}

/// Reads what is there; `false` at the end of input. Errors past the deadline
/// or when the proxy stops.
fn read_some(
    stream: &mut TcpStream,
    data: &mut Vec<u8>,
    deadline: Instant,
    stop: &AtomicBool,
) -> std::io::Result<bool> {
    let mut buf = [0u8; 16 * 1024];
    loop {
        if Instant::now() > deadline || stop.load(Ordering::SeqCst) {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        match stream.read(&mut buf) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                data.extend_from_slice(&buf[..n]);
                return Ok(true);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Sends the request to Jira with `Connection: close`, and reads its whole answer
/// (to the close), its head rewritten to close the client's connection too.
fn forward(request: &Request, upstream: SocketAddr) -> std::io::Result<Vec<u8>> {
    let mut jira = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))?;
    jira.set_write_timeout(Some(UPSTREAM_DEADLINE))?;
    jira.set_read_timeout(Some(POLL))?;
    jira.write_all(&request.head)?;
    jira.write_all(&request.body)?;
    let deadline = Instant::now() + UPSTREAM_DEADLINE;
    let never = AtomicBool::new(false);
    let mut data = Vec::new();
    while read_some(&mut jira, &mut data, deadline, &never)? {
        if data.len() > MAX_HEAD + MAX_BODY {
            return Err(std::io::Error::other("Jira's answer is too large"));
        }
    }
    let head_end = find(&data, b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("Jira's answer has no whole head"))?
        + 4;
    let mut response = with_connection_close(&String::from_utf8_lossy(&data[..head_end]));
    response.extend_from_slice(&data[head_end..]);
    Ok(response)
}

fn write_answer(client: &mut TcpStream, answer: &Answer) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} Injected\r\n", answer.status);
    for (name, value) in &answer.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        answer.body.len()
    ));
    client.write_all(out.as_bytes())?;
    client.write_all(&answer.body)
}

/// A message head (ending in the blank line) without its connection headers,
/// plus `Connection: close`.
fn with_connection_close(head: &str) -> Vec<u8> {
    let mut lines: Vec<&str> = head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|line| {
            let name = line.split(':').next().unwrap_or("").trim();
            !["connection", "keep-alive", "proxy-connection"]
                .contains(&name.to_ascii_lowercase().as_str())
        })
        .collect();
    lines.push("Connection: close");
    format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes()
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then_some(value.trim())
    })
}

fn status_of(response: &[u8]) -> String {
    let line_end = find(response, b"\r\n").unwrap_or(0);
    String::from_utf8_lossy(&response[..line_end])
        .split_whitespace()
        .nth(1)
        .unwrap_or("?")
        .to_string()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

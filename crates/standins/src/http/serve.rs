//! The stand-ins' server loop: one accept thread and one thread per connection, a
//! bounded number of them. Every thread polls the stop flag, so dropping the
//! [`Server`](super::Server) ends them all. (tiny_http's shared task pool, used
//! before, could leave a new connection queued behind idle keep-alive ones.)

use super::wire::{self, After, Input, ReadError};
use super::{Dialect, Req, Resp};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// How often a waiting thread looks at the stop flag.
const POLL: Duration = Duration::from_millis(50);
/// How often the accept loop looks for a new connection.
const ACCEPT_POLL: Duration = Duration::from_millis(5);
/// An idle keep-alive connection (or a stalled request) is closed after this.
const IDLE: Duration = Duration::from_secs(30);
/// A client that reads nothing of its response for this long is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a refused client may go on sending before the close.
const LINGER: Duration = Duration::from_millis(500);

pub(super) type Handler<D> = dyn Fn(&Req) -> Resp<D> + Send + Sync;

/// What every thread of one server shares.
pub(super) struct Shared<D: Dialect> {
    pub handler: Box<Handler<D>>,
    pub requests: Arc<AtomicU64>,
    pub stop: Arc<AtomicBool>,
}

/// Accepts until stopped, then joins every connection thread.
pub(super) fn accept_loop<D: Dialect>(
    listener: TcpListener,
    name: &str,
    max_connections: usize,
    shared: Arc<Shared<D>>,
) {
    let mut live: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(_) => {
                // WouldBlock mostly; other errors (out of descriptors) pass too.
                std::thread::sleep(ACCEPT_POLL);
                continue;
            }
        };
        let (done, running): (Vec<_>, Vec<_>) = live.into_iter().partition(|h| h.is_finished());
        live = running;
        for h in done {
            let _ = h.join();
        }
        if live.len() >= max_connections || prepare(&stream).is_err() {
            refuse::<D>(&stream, 503, Duration::from_millis(20));
            continue;
        }
        let shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("{name}-conn"))
            .spawn(move || converse(&stream, &shared));
        match spawned {
            Ok(h) => live.push(h),
            // The stream went with the closure: the client sees the close.
            Err(_) => std::thread::sleep(ACCEPT_POLL),
        }
    }
    for h in live {
        let _ = h.join();
    }
}

fn prepare(stream: &TcpStream) -> std::io::Result<()> {
    // Some systems hand out accepted sockets non-blocking like their listener.
    stream.set_nonblocking(false)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(POLL))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))
}

/// Answers `status` and closes, best effort: the client may already be gone.
fn refuse<D: Dialect>(stream: &TcpStream, status: u16, linger: Duration) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let mut out = stream;
    let resp = finish(Resp::<D>::text(
        status,
        "The stand-in refused this request.",
    ));
    let _ = wire::write_response(
        &mut out,
        status,
        &resp.headers,
        &resp.body,
        false,
        After::Close,
    );
    // Closing with unread input would reset the connection, and the client could
    // lose the answer: read (and drop) what it still sends, for a short while.
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(linger));
    let deadline = Instant::now() + linger;
    let (mut sink, mut budget) = ([0u8; 4096], 256 * 1024_usize);
    while budget > 0 && Instant::now() < deadline {
        match (&mut &*stream).read(&mut sink) {
            Ok(n) if n > 0 => budget = budget.saturating_sub(n),
            _ => break,
        }
    }
}

/// Adds the `Date` (the real clock, unless the handler set one) and `Server` headers.
fn finish<D: Dialect>(resp: Resp<D>) -> Resp<D> {
    let resp = if resp.has_header("Date") {
        resp
    } else {
        resp.with_header("Date", httpdate::fmt_http_date(SystemTime::now()))
    };
    resp.with_header("Server", D::SERVER)
}

/// Serves one connection's requests in turn until it closes.
fn converse<D: Dialect>(stream: &TcpStream, shared: &Shared<D>) {
    let mut input = Input::new(stream, IDLE, &shared.stop);
    let mut output = stream;
    loop {
        let head = match wire::read_head(&mut input) {
            Ok(head) => head,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status)) => return refuse::<D>(stream, status, LINGER),
        };
        if head.expects_continue() && output.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
            return;
        }
        let (body, whole) = match wire::read_body(&mut input, &head, D::MAX_BODY) {
            Ok(read) => read,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status)) => return refuse::<D>(stream, status, LINGER),
        };
        let stopping = shared.stop.load(Ordering::SeqCst);
        let after = if whole && !stopping && head.keep_alive() {
            After::KeepAlive {
                announce: head.minor == 0,
            }
        } else {
            After::Close
        };
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let req = head.into_req(body);
        // A handler that panics fails its request, not the connection's thread.
        let (resp, after) = match catch_unwind(AssertUnwindSafe(|| (shared.handler)(&req))) {
            Ok(resp) => (resp, after),
            Err(_) => (Resp::text(500, "The stand-in failed."), After::Close),
        };
        let resp = finish(resp);
        let head_only = req.method == "HEAD";
        let written = wire::write_response(
            &mut output,
            resp.status,
            &resp.headers,
            &resp.body,
            head_only,
            after,
        );
        if written.is_err() || after == After::Close {
            return;
        }
    }
}

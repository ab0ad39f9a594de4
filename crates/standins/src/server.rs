//! The stand-ins' server: hyper's HTTP/1.1 (keep-alive, chunked bodies,
//! 100-continue, heads bounded in size) on a tokio runtime of its own, one thread
//! for the sockets and the handlers on its blocking pool. Dropping the [`Server`]
//! closes every connection and joins the threads.

use crate::http::{Dialect, Req, Resp};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore, SemaphorePermit};

/// Live connections a server serves at once; the requests of any more get a 503.
const MAX_CONNECTIONS: usize = 64;
/// Largest request head (request line and headers together): 431 beyond it.
const MAX_HEAD: usize = 64 * 1024;
/// How long the accept loop pauses after a failed accept (out of descriptors).
const ACCEPT_PAUSE: Duration = Duration::from_millis(20);

/// A bound socket: its URL is known before the handler that needs it is built.
pub(crate) struct Listener {
    listener: TcpListener,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
}

impl Listener {
    pub fn bind(addr: SocketAddr) -> std::io::Result<Listener> {
        let listener = TcpListener::bind(addr)?;
        let url = format!("http://{}", listener.local_addr()?);
        Ok(Listener { listener, url })
    }

    /// Serves every request with `handler` on threads named after `name`, at most
    /// [`MAX_CONNECTIONS`] connections at once. Idle keep-alive connections close
    /// after hyper's 30 s header timeout.
    /// Each response gets the dialect's `Server` header and a `Date` (the real
    /// clock, unless the handler set one from its own).
    pub fn serve<D, H>(self, name: &str, handler: H) -> std::io::Result<Server>
    where
        D: Dialect,
        H: Fn(&Req) -> Resp<D> + Send + Sync + 'static,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name(format!("{name}-handler"))
            .build()?;
        self.listener.set_nonblocking(true)?;
        let listener = {
            let _in_runtime = runtime.enter();
            tokio::net::TcpListener::from_std(self.listener)?
        };
        let requests = Arc::new(AtomicU64::new(0));
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            requests: requests.clone(),
            slots: Semaphore::new(MAX_CONNECTIONS),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::spawn(accept_loop(listener, shared));
                    let _ = stopped.await;
                });
                // Dropping the runtime ends every connection; a handler still
                // running finishes first.
            })?;
        Ok(Server {
            requests,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// The running server. Dropping it stops every thread and joins them.
pub(crate) struct Server {
    requests: Arc<AtomicU64>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// HTTP requests received so far.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stop.take());
        let _ = self.thread.take().map(JoinHandle::join);
    }
}

type Handler<D> = dyn Fn(&Req) -> Resp<D> + Send + Sync;

/// What every connection of one server shares.
struct Shared<D: Dialect> {
    handler: Box<Handler<D>>,
    requests: Arc<AtomicU64>,
    /// One permit per connection served.
    slots: Semaphore,
}

async fn accept_loop<D: Dialect>(listener: tokio::net::TcpListener, shared: Arc<Shared<D>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(ACCEPT_PAUSE).await;
            continue;
        };
        // Without it an answer written in two parts waits for the client's
        // delayed ACK (40 ms on Linux) on a kept-alive connection.
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let slot = shared.slots.try_acquire().ok();
            let service = service_fn(|req| answer(&shared, slot.as_ref(), req));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .max_header_size(MAX_HEAD)
                .title_case_headers(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One request: its body read (at most the dialect's `MAX_BODY`), the handler
/// called on the blocking pool, and its answer in hyper's terms.
async fn answer<D: Dialect>(
    shared: &Arc<Shared<D>>,
    slot: Option<&SemaphorePermit<'_>>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if slot.is_none() {
        let refused = Resp::<D>::text(503, "The stand-in serves no more connections now.");
        return Ok(to_hyper(refused.with_header("Connection", "close")));
    }
    let (head, body) = req.into_parts();
    let limit = usize::try_from(D::MAX_BODY).unwrap_or(usize::MAX);
    let body = match Limited::new(body, limit).collect().await {
        Ok(body) => body.to_bytes().to_vec(),
        Err(e) => {
            let status = if e.is::<LengthLimitError>() { 413 } else { 400 };
            let refused = Resp::<D>::text(status, "The stand-in refused this request's body.");
            return Ok(to_hyper(refused.with_header("Connection", "close")));
        }
    };
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let req = Req {
        method: head.method.as_str().to_ascii_uppercase(),
        path: head.uri.path().to_string(),
        query: head.uri.query().unwrap_or_default().to_string(),
        headers: head
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
            .collect(),
        body,
    };
    let shared = shared.clone();
    // A handler that panics fails its request, not the server.
    let resp = tokio::task::spawn_blocking(move || (shared.handler)(&req))
        .await
        .unwrap_or_else(|_| {
            Resp::text(500, "The stand-in failed.").with_header("Connection", "close")
        });
    Ok(to_hyper(resp))
}

/// Headers hyper cannot send (a control character in a value) are dropped; the
/// framing (`Content-Length`, chunking) is hyper's.
fn to_hyper<D: Dialect>(resp: Resp<D>) -> Response<Full<Bytes>> {
    let mut out = Response::new(Full::from(resp.body));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let server = ("Server".to_string(), D::SERVER.to_string());
    for (k, v) in resp.headers.into_iter().chain([server]) {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            out.headers_mut().append(k, v);
        }
    }
    out
}

#[cfg(test)]
mod tests;

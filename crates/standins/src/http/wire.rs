//! HTTP/1.1 on the wire, as much as the stand-ins need: request heads and bodies
//! read with every size bounded, responses written in one piece.

use super::Req;
use std::io::{self, ErrorKind, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Longest request line, and longest single header line.
pub(super) const MAX_LINE: usize = 8 * 1024;
/// Largest request head (header lines together).
pub(super) const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 256;
const MAX_CHUNK_LINE: usize = 4 * 1024;
/// Room for one whole line plus what follows it.
const BUFFER: usize = 2 * MAX_LINE;

/// Why no request came.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ReadError {
    /// The peer left, stayed idle too long, or the server stops: close quietly.
    Closed,
    /// The request is broken: answer this status, then close.
    Bad(u16),
}

/// A connection's reads, buffered by hand so that a poll timeout loses no bytes.
pub(super) struct Input<'a, R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    idle_limit: Duration,
    stop: &'a AtomicBool,
}

impl<'a, R: Read> Input<'a, R> {
    /// `inner` should time out its reads now and then: that is when `stop` is seen.
    pub fn new(inner: R, idle_limit: Duration, stop: &'a AtomicBool) -> Self {
        Input {
            inner,
            buf: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            idle_limit,
            stop,
        }
    }

    fn fill(&mut self) -> Result<(), ReadError> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        let since = Instant::now();
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return Err(ReadError::Closed);
            }
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => return Err(ReadError::Closed),
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if since.elapsed() >= self.idle_limit {
                        return Err(ReadError::Closed);
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Err(ReadError::Closed),
            }
        }
    }

    /// One line without its CRLF (or bare LF); longer than `limit` is `Bad(too_long)`.
    fn line(&mut self, limit: usize, too_long: u16) -> Result<Vec<u8>, ReadError> {
        let mut scanned = 0;
        loop {
            let pending = &self.buf[self.start..self.end];
            if let Some(i) = pending[scanned..].iter().position(|&b| b == b'\n') {
                let mut line = &pending[..scanned + i];
                if let [rest @ .., b'\r'] = line {
                    line = rest;
                }
                if line.len() > limit {
                    return Err(ReadError::Bad(too_long));
                }
                let line = line.to_vec();
                self.start += scanned + i + 1;
                return Ok(line);
            }
            scanned = pending.len();
            if scanned > limit + 1 {
                return Err(ReadError::Bad(too_long));
            }
            self.fill()?;
        }
    }

    /// Appends exactly `n` more bytes to `out`.
    fn bytes(&mut self, mut n: usize, out: &mut Vec<u8>) -> Result<(), ReadError> {
        while n > 0 {
            if self.start == self.end {
                self.fill()?;
            }
            let take = n.min(self.end - self.start);
            out.extend_from_slice(&self.buf[self.start..self.start + take]);
            self.start += take;
            n -= take;
        }
        Ok(())
    }
}

/// A request line and its headers.
#[derive(Debug)]
pub(super) struct Head {
    pub method: String,
    /// Origin-form target as sent (`/path?query`), still percent-encoded.
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    pub headers: Vec<(String, String)>,
}

impl Head {
    fn values<'h>(&'h self, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.values(name).any(|v| v.eq_ignore_ascii_case(token))
    }

    /// HTTP/1.1 stays open unless told to close; HTTP/1.0 closes unless asked not to.
    pub fn keep_alive(&self) -> bool {
        if self.minor >= 1 {
            !self.has_token("Connection", "close")
        } else {
            self.has_token("Connection", "keep-alive")
        }
    }

    pub fn expects_continue(&self) -> bool {
        self.minor >= 1 && self.has_token("Expect", "100-continue")
    }

    pub fn into_req(self, body: Vec<u8>) -> Req {
        let (path, query) = match self.target.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (self.target, String::new()),
        };
        Req {
            method: self.method.to_ascii_uppercase(),
            path,
            query,
            headers: self.headers,
            body,
        }
    }
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Reads the next request head. Blank lines before it are skipped, as RFC 9112
/// asks of a robust server.
pub(super) fn read_head<R: Read>(input: &mut Input<'_, R>) -> Result<Head, ReadError> {
    let mut line = input.line(MAX_LINE, 414)?;
    for _ in 0..4 {
        if !line.is_empty() {
            break;
        }
        line = input.line(MAX_LINE, 414)?;
    }
    let line = String::from_utf8(line).map_err(|_| ReadError::Bad(400))?;
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(ReadError::Bad(400));
    };
    if !is_token(method.as_bytes())
        || target.is_empty()
        || target.bytes().any(|b| b <= b' ' || b == 0x7f)
    {
        return Err(ReadError::Bad(400));
    }
    let minor = match version {
        "HTTP/1.1" => 1,
        "HTTP/1.0" => 0,
        v if v.len() == 8 && v.starts_with("HTTP/") && v.as_bytes()[6] == b'.' => {
            return Err(ReadError::Bad(505))
        }
        _ => return Err(ReadError::Bad(400)),
    };
    let headers = read_fields(input)?;
    Ok(Head {
        method: method.to_string(),
        target: origin_form(target),
        minor,
        headers,
    })
}

/// `http://host/p?q` (absolute form, as a proxy sends) becomes `/p?q`.
fn origin_form(target: &str) -> String {
    let lower = target.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find(|s| lower.starts_with(*s))
        .map(|s| &target[s.len()..])
    else {
        return target.to_string();
    };
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => format!("/{}", &rest[i..]),
        Some(i) => rest[i..].to_string(),
        None => "/".to_string(),
    }
}

/// Header (or trailer) lines up to the blank line, bounded in size and number.
fn read_fields<R: Read>(input: &mut Input<'_, R>) -> Result<Vec<(String, String)>, ReadError> {
    let mut fields = Vec::new();
    let mut total = 0;
    loop {
        let line = input.line(MAX_LINE, 431)?;
        if line.is_empty() {
            return Ok(fields);
        }
        total += line.len() + 2;
        if total > MAX_HEAD || fields.len() >= MAX_HEADERS {
            return Err(ReadError::Bad(431));
        }
        // Folded lines (obsolete) and whitespace before the colon are refused.
        let colon = line.iter().position(|&b| b == b':');
        let Some(colon) = colon.filter(|&c| is_token(&line[..c])) else {
            return Err(ReadError::Bad(400));
        };
        let value = std::str::from_utf8(&line[colon + 1..]).map_err(|_| ReadError::Bad(400))?;
        let value = value.trim_matches([' ', '\t']);
        if value.chars().any(|c| c.is_ascii_control() && c != '\t') {
            return Err(ReadError::Bad(400));
        }
        let name = String::from_utf8_lossy(&line[..colon]).into_owned();
        fields.push((name, value.to_string()));
    }
}

/// A request body, at most `max` bytes of it. `Ok((body, true))` when the whole
/// body was read; `false` when the rest was left unread, so the connection must close.
pub(super) fn read_body<R: Read>(
    input: &mut Input<'_, R>,
    head: &Head,
    max: u64,
) -> Result<(Vec<u8>, bool), ReadError> {
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let codings: Vec<&str> = head.values("Transfer-Encoding").collect();
    let lengths: Vec<&str> = head.values("Content-Length").collect();
    if !codings.is_empty() {
        if !codings
            .last()
            .is_some_and(|c| c.eq_ignore_ascii_case("chunked"))
        {
            return Err(ReadError::Bad(400));
        }
        if codings.len() > 1 {
            return Err(ReadError::Bad(501));
        }
        let (body, whole) = read_chunked(input, max)?;
        // Both framings at once is how requests get smuggled: never reuse that line.
        return Ok((body, whole && lengths.is_empty()));
    }
    let Some(first) = lengths.first() else {
        return Ok((Vec::new(), true));
    };
    if lengths.iter().any(|l| l != first) || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ReadError::Bad(400));
    }
    let length: u64 = first.parse().map_err(|_| ReadError::Bad(400))?;
    let take = usize::try_from(length).unwrap_or(usize::MAX).min(max);
    let mut body = Vec::with_capacity(take.min(BUFFER));
    input.bytes(take, &mut body)?;
    Ok((body, take as u64 == length))
}

fn read_chunked<R: Read>(
    input: &mut Input<'_, R>,
    max: usize,
) -> Result<(Vec<u8>, bool), ReadError> {
    let mut body = Vec::new();
    loop {
        let line = input.line(MAX_CHUNK_LINE, 400)?;
        let size = line.split(|&b| b == b';').next().unwrap_or(&[]);
        let size = std::str::from_utf8(size)
            .map(|s| s.trim_matches([' ', '\t']))
            .map_err(|_| ReadError::Bad(400))?;
        if size.is_empty() || size.len() > 15 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ReadError::Bad(400));
        }
        let size = usize::from_str_radix(size, 16).map_err(|_| ReadError::Bad(400))?;
        if size == 0 {
            read_fields(input)?;
            return Ok((body, true));
        }
        let take = size.min(max - body.len());
        input.bytes(take, &mut body)?;
        if take < size {
            return Ok((body, false));
        }
        if !input.line(0, 400)?.is_empty() {
            return Err(ReadError::Bad(400));
        }
    }
}

/// What the connection does after this response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum After {
    Close,
    /// Stay open; `announce` on HTTP/1.0, where staying open must be said.
    KeepAlive {
        announce: bool,
    },
}

/// Writes a whole response at once. Framing headers are ours alone: those the
/// handler set are dropped, as are headers that would break the framing.
pub(super) fn write_response(
    out: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    head_only: bool,
    after: After,
) -> io::Result<()> {
    let mut msg = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (k, v) in headers {
        let framing = ["Content-Length", "Transfer-Encoding", "Connection"]
            .iter()
            .any(|f| k.eq_ignore_ascii_case(f));
        let unsafe_value = v.chars().any(|c| c.is_ascii_control() && c != '\t');
        if framing || unsafe_value || !is_token(k.as_bytes()) {
            continue;
        }
        msg.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    let bodiless = status < 200 || status == 204 || status == 304;
    if !bodiless {
        msg.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    match after {
        After::Close => msg.extend_from_slice(b"Connection: close\r\n"),
        After::KeepAlive { announce: true } => msg.extend_from_slice(b"Connection: keep-alive\r\n"),
        After::KeepAlive { announce: false } => {}
    }
    msg.extend_from_slice(b"\r\n");
    if !bodiless && !head_only {
        msg.extend_from_slice(body);
    }
    out.write_all(&msg)?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

//! The preview's HTTP/1.1 connections.
//!
//! Each connection has a thread of its own that reads its requests and writes its answers;
//! a fixed pool of workers makes the answers (renders pages, builds the search index), so the
//! processor is shared out as before. A client that is slow to send, sends nothing or never
//! reads what it asked for therefore holds only its own connection thread, never a worker or
//! a lock, and only for a bounded time:
//!
//! - [`IDLE_TIMEOUT`]: the longest wait for the first byte of a request;
//! - [`HEAD_TIMEOUT`]: from that byte to the end of the request head (a client trickling
//!   its headers byte by byte is cut off, 408);
//! - [`WRITE_TIMEOUT`]: the longest an answer's write may make no progress (a client that
//!   does not read is cut off);
//! - [`MAX_HEAD_BYTES`], [`MAX_LINE_BYTES`]: bounds on what is kept of a request head.
//!
//! Requests of one connection are answered in order, one at a time, so a client that
//! pipelines many requests and reads none of the answers costs one worker for one request at
//! a time. Every connection is shut down when the server stops.

use super::http::{self, Answer};
use super::Shared;
use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The longest wait for the first byte of a request (on a new or kept-alive connection).
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest time from a request's first byte to the end of its head.
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(15);
/// The longest an answer's write may make no progress before the connection is closed.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of a request head (request line and headers) read.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The longest request line kept; a longer one is read to its end (up to [`MAX_DRAIN_BYTES`])
/// and answered 414.
pub(crate) const MAX_LINE_BYTES: usize = http::MAX_URL_BYTES + 64;
/// The most bytes of an over-long request head read (and dropped) before it is answered.
const MAX_DRAIN_BYTES: usize = 1024 * 1024;
/// The most connections open at once; more are answered 503 and closed.
pub(crate) const MAX_CONNECTIONS: usize = 4096;
/// Stack of a connection thread: it only reads, writes and waits (workers render).
const CONNECTION_STACK: usize = 256 * 1024;

/// One request, as a worker needs it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// `GET`, `HEAD`, …
    pub(crate) method: String,
    /// The request target as sent.
    pub(crate) url: String,
    /// The Host header, if any.
    pub(crate) host: Option<String>,
}

/// An answer ready to be written.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Arc<Vec<u8>>,
}

/// Work for the pool: a request and where its answer goes.
pub(crate) struct Job {
    request: Request,
    answer: SyncSender<Answer>,
}

/// The open connections, so that stopping can shut every one down at once.
#[derive(Default)]
pub(crate) struct Connections {
    open: Mutex<HashMap<u64, Arc<TcpStream>>>,
    next: std::sync::atomic::AtomicU64,
}

impl Connections {
    fn add(&self, s: &Arc<TcpStream>) -> Option<u64> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= MAX_CONNECTIONS {
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        open.insert(id, s.clone());
        Some(id)
    }

    fn remove(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// Shuts down every open connection (blocked reads and writes return at once).
    pub(crate) fn shut_all(&self) {
        for s in self.open.lock().unwrap_or_else(|e| e.into_inner()).values() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

/// The jobs waiting for a worker, in the order they came.
#[derive(Default)]
pub(crate) struct Queue {
    jobs: Mutex<VecDeque<Job>>,
    ready: Condvar,
}

impl Queue {
    fn push(&self, job: Job) {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(job);
        self.ready.notify_one();
    }

    /// Wakes every worker and drops the jobs still waiting (the server stops): their
    /// connections answer 503.
    pub(crate) fn wake_all(&self) {
        let waiting = std::mem::take(&mut *self.jobs.lock().unwrap_or_else(|e| e.into_inner()));
        self.ready.notify_all();
        drop(waiting);
    }
}

/// A worker: answers jobs until the server stops.
pub(crate) fn work(shared: &Shared, report: &(dyn Fn(super::Event) + Sync)) {
    loop {
        let job = {
            let mut jobs = shared.queue.jobs.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if shared.stopping.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(job) = jobs.pop_front() {
                    break job;
                }
                jobs = shared
                    .queue
                    .ready
                    .wait_timeout(jobs, Duration::from_secs(1))
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        };
        // A panic while rendering must not take a worker away: the connection then answers
        // 500 (its answer channel is dropped).
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            http::handle(shared, &job.request, report)
        }));
        if let Ok(a) = answer {
            let _ = job.answer.send(a);
        }
    }
}

/// Accepts connections until the server stops, each on a thread of its own in `scope`.
pub(crate) fn accept<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    listener: TcpListener,
    shared: Arc<Shared>,
) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::Relaxed) {
            return;
        }
        let stream = match stream {
            Ok(s) => Arc::new(s),
            Err(_) => {
                // Out of file descriptors, or a connection reset before it was accepted:
                // the waiting ones stay in the queue.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let Some(id) = shared.connections.add(&stream) else {
            refuse(&stream);
            continue;
        };
        let shared2 = shared.clone();
        let s2 = stream.clone();
        let spawned = std::thread::Builder::new()
            .name("dvk-conn".into())
            .stack_size(CONNECTION_STACK)
            .spawn_scoped(scope, move || {
                serve_connection(&shared2, &s2);
                let _ = s2.shutdown(Shutdown::Both);
                shared2.connections.remove(id);
            });
        if spawned.is_err() {
            shared.connections.remove(id);
            refuse(&stream);
        }
    }
}

/// Wakes [`accept`] so that it sees the server stopping.
pub(crate) fn wake(addr: std::net::SocketAddr) {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
}

/// Too many connections: a short 503 (written at once into an empty socket buffer).
fn refuse(stream: &TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = (&*stream).write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n",
    );
    let _ = stream.shutdown(Shutdown::Both);
}

/// Why no request could be read.
#[derive(Debug, PartialEq)]
enum NoRequest {
    /// The client closed the connection, or sent nothing in time: close quietly.
    Closed,
    /// Answer with this status, then close.
    Refuse(u16),
}

/// Bytes read from a connection and not yet used (the start of a pipelined request).
struct Incoming<'a> {
    stream: &'a TcpStream,
    buf: Vec<u8>,
}

impl Incoming<'_> {
    /// Reads more bytes, waiting at most until `deadline`. `Ok(0)` at the end of the stream.
    fn fill(&mut self, deadline: Instant, scratch: &mut [u8]) -> io::Result<usize> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        loop {
            match (&*self.stream).read(scratch) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return Err(io::ErrorKind::TimedOut.into())
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next request head: the request line and headers, without the blank line.
    fn head(&mut self) -> Result<Vec<u8>, NoRequest> {
        let mut scratch = vec![0u8; 16 * 1024];
        let mut deadline = Instant::now() + IDLE_TIMEOUT;
        let mut started = !self.buf.is_empty();
        if started {
            deadline = Instant::now() + HEAD_TIMEOUT;
        }
        let mut scanned = 0;
        loop {
            if let Some(end) = head_end(&self.buf, scanned) {
                let rest = self.buf.split_off(end);
                let head = std::mem::replace(&mut self.buf, rest);
                return Ok(head);
            }
            scanned = self.buf.len();
            let line_open = !self.buf.contains(&b'\n');
            if line_open && self.buf.len() > MAX_LINE_BYTES {
                return Err(self.drain_too_long(deadline, &mut scratch));
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return Err(NoRequest::Refuse(431));
            }
            match self.fill(deadline, &mut scratch) {
                Ok(0) => return Err(NoRequest::Closed),
                Ok(n) => {
                    self.buf.extend_from_slice(&scratch[..n]);
                    if !started {
                        started = true;
                        deadline = Instant::now() + HEAD_TIMEOUT;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::TimedOut && started => {
                    return Err(NoRequest::Refuse(408))
                }
                Err(_) => return Err(NoRequest::Closed),
            }
        }
    }

    /// A request line longer than any site URL: its head is read to its end and dropped, so
    /// that the 414 answer reaches a client still sending (closing on unread bytes resets).
    fn drain_too_long(&mut self, deadline: Instant, scratch: &mut [u8]) -> NoRequest {
        let mut read = self.buf.len();
        let mut tail: Vec<u8> = self.buf[self.buf.len().saturating_sub(3)..].to_vec();
        self.buf.clear();
        while read < MAX_DRAIN_BYTES {
            match self.fill(deadline, scratch) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    read += n;
                    let mut window = std::mem::take(&mut tail);
                    window.extend_from_slice(&scratch[..n]);
                    if head_end(&window, 0).is_some() {
                        break;
                    }
                    tail = window[window.len().saturating_sub(3)..].to_vec();
                }
            }
        }
        NoRequest::Refuse(414)
    }
}

/// The index just past the blank line that ends a head in `buf`, looking from about `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from.saturating_sub(3);
    while let Some(p) = buf.get(i..)?.iter().position(|&b| b == b'\n') {
        let nl = i + p;
        let after = &buf[nl + 1..];
        if after.starts_with(b"\n") {
            return Some(nl + 2);
        }
        if after.starts_with(b"\r\n") {
            return Some(nl + 3);
        }
        i = nl + 1;
    }
    None
}

/// What a head says: the request, and whether the connection stays open after it.
fn parse(head: &[u8]) -> Result<(Request, bool), u16> {
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().unwrap_or("").trim();
    let mut parts = line.split(' ').filter(|p| !p.is_empty());
    let (Some(method), Some(url), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(400);
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        v if v.starts_with("HTTP/") => return Err(505),
        _ => return Err(400),
    };
    let mut host = None;
    let mut connection = String::new();
    let mut body = false;
    for l in lines {
        if l.is_empty() {
            continue;
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(400);
        };
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(400);
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                // Two Host headers: which one names the server is ambiguous.
                return Err(400);
            }
            host = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("connection") {
            connection = value.to_ascii_lowercase();
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            || (name.eq_ignore_ascii_case("content-length") && value != "0")
        {
            body = true;
        }
    }
    let keep_alive = !body
        && if http10 {
            connection.contains("keep-alive")
        } else {
            !connection.contains("close")
        };
    Ok((
        Request {
            method: method.to_string(),
            url: url.to_string(),
            host,
        },
        keep_alive,
    ))
}

/// The reason phrase of a status.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Writes an answer (only its head for `HEAD`).
fn write_reply(
    stream: &TcpStream,
    reply: &Reply,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut w = stream;
    if head_only || reply.body.is_empty() {
        return w.write_all(head.as_bytes());
    }
    if reply.body.len() <= 16 * 1024 {
        let mut all = head.into_bytes();
        all.extend_from_slice(&reply.body);
        return w.write_all(&all);
    }
    w.write_all(head.as_bytes())?;
    w.write_all(&reply.body)
}

/// An answer with no body but a status.
fn bare(status: u16) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
        body: Arc::new(Vec::new()),
    }
}

/// Closes after an error answer without resetting: what the client still sends is read
/// (briefly) first, so that it gets the answer.
fn linger(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut scratch = [0u8; 4096];
    let mut left: usize = 64 * 1024;
    while left > 0 {
        match (&*stream).read(&mut scratch) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// Reads and answers the requests of one connection, in order, until it closes.
fn serve_connection(shared: &Shared, stream: &TcpStream) {
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let mut incoming = Incoming {
        stream,
        buf: Vec::new(),
    };
    while !shared.stopping.load(Ordering::Relaxed) {
        let head = match incoming.head() {
            Ok(h) => h,
            Err(NoRequest::Closed) => return,
            Err(NoRequest::Refuse(status)) => {
                let _ = write_reply(stream, &bare(status), false, false);
                linger(stream);
                return;
            }
        };
        let (request, keep_alive) = match parse(&head) {
            Ok(r) => r,
            Err(status) => {
                let _ = write_reply(stream, &bare(status), false, false);
                linger(stream);
                return;
            }
        };
        let head_only = request.method == "HEAD";
        let (tx, rx) = mpsc::sync_channel(1);
        shared.queue.push(Job {
            request,
            answer: tx,
        });
        let reply = loop {
            match rx.recv_timeout(Duration::from_millis(500)) {
                Ok(Answer::Reply(r)) => break r,
                Ok(Answer::Poll { since, page }) => break http::wait_poll(shared, since, &page),
                Err(RecvTimeoutError::Timeout) if !shared.stopping.load(Ordering::SeqCst) => {}
                // Stopping: the job may never be taken.
                Err(RecvTimeoutError::Timeout) => break bare(503),
                // The job was dropped at stop, or its worker panicked.
                Err(RecvTimeoutError::Disconnected) => {
                    break bare(if shared.stopping.load(Ordering::SeqCst) {
                        503
                    } else {
                        500
                    })
                }
            }
        };
        let keep_alive = keep_alive && !shared.stopping.load(Ordering::Relaxed);
        if write_reply(stream, &reply, head_only, keep_alive).is_err() || !keep_alive {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_end_at_the_first_blank_line() {
        assert_eq!(
            head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET", 0),
            Some(27)
        );
        assert_eq!(head_end(b"GET / HTTP/1.1\nHost: a\n\nX", 0), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n", 0), None);
        // Found when the blank line arrives in a later read.
        let buf = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(head_end(buf, 26), Some(27));
    }

    #[test]
    fn request_heads_are_parsed_strictly() {
        let (r, keep) = parse(b"GET /a?b HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n").unwrap();
        assert_eq!((r.method.as_str(), r.url.as_str()), ("GET", "/a?b"));
        assert_eq!(r.host.as_deref(), Some("127.0.0.1:8080"));
        assert!(keep);
        let (_, keep) = parse(b"GET / HTTP/1.1\r\nConnection: close\r\n").unwrap();
        assert!(!keep);
        let (r, keep) = parse(b"GET / HTTP/1.0\r\n").unwrap();
        assert!(!keep && r.host.is_none());
        let (_, keep) = parse(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n").unwrap();
        assert!(!keep, "a body that is not read closes the connection");
        assert_eq!(parse(b"GET / HTTP/2.0\r\n").unwrap_err(), 505);
        for bad in [
            &b"GET /\r\n"[..],
            b"GET / HTTP/1.1 x\r\n",
            b"G=T / HTTP/1.1\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n",
            b"GET /\xff HTTP/1.1\r\n",
        ] {
            assert_eq!(
                parse(bad).unwrap_err(),
                400,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}

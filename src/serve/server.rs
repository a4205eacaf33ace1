//! The HTTP/1.1 server under `piao serve`: std's [`TcpListener`], requests parsed by
//! [`httparse`], and every limit a server left running needs.
//!
//! - one thread per open connection, at most [`Limits::connections`] of them: a
//!   connection past the cap gets `503` at once and is closed;
//! - a connection waits at most [`Limits::idle`] for a request, and a request must
//!   arrive whole within that time too (a client that sends a byte a second is cut
//!   off); a reply that cannot be sent within [`Limits::write`] is dropped;
//! - the request line is at most [`Limits::line`] bytes and the whole head at most
//!   [`Limits::head`] (else `431`); a body at most [`Limits::body`] (else `413`), always
//!   with a `Content-Length` (a chunked body gets `411`);
//! - every reply, the refusals included, carries the security headers of
//!   [`SECURITY_HEADERS`], so no path of the server can forget them.
//!
//! Connections are kept alive between requests (HTTP/1.1); a refused request closes
//! its connection, since what follows it on the wire cannot be trusted.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The bounds of the server. [`Limits::default`] is what `piao serve` uses; tests set
/// short times.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The request line, in bytes.
    pub line: usize,
    /// The request line and all the headers together, in bytes.
    pub head: usize,
    /// A request body, in bytes.
    pub body: usize,
    /// How long a connection may wait for (and take to send) a request.
    pub idle: Duration,
    /// How long sending one reply may take.
    pub write: Duration,
    /// Connections open at once (each has its thread).
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            line: 8 * 1024,
            head: 32 * 1024,
            // The largest content file the loader accepts is far below this.
            body: 4 * 1024 * 1024,
            idle: Duration::from_secs(30),
            write: Duration::from_secs(60),
            connections: 64,
        }
    }
}

/// Headers at most in one request.
const MAX_HEADERS: usize = 64;

/// Sent with every reply.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
    ("X-Frame-Options", "DENY"),
];

/// One request, read whole.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, … as sent.
    pub method: String,
    /// The path, before any `?`.
    pub path: String,
    /// What follows the `?`, or empty.
    pub query: String,
    /// Names in lowercase, values as sent (those that are not UTF-8 are dropped).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The address of this machine the connection arrived on.
    pub local: SocketAddr,
    /// Whether the client asked to close the connection after this request.
    close: bool,
}

impl Request {
    /// The first header called `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the method only reads (`GET` or `HEAD`).
    pub fn reads(&self) -> bool {
        matches!(self.method.as_str(), "GET" | "HEAD")
    }

    /// A request for tests of what decides on requests.
    #[cfg(test)]
    pub fn for_test(method: &str, target: &str, headers: &[(&str, &str)], local: &str) -> Request {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Request {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: Vec::new(),
            local: local.parse().unwrap(),
            close: false,
        }
    }
}

/// What a reply sends after its head.
pub enum Body {
    Bytes(Arc<Vec<u8>>),
    /// Written by the handler on the open connection, which is closed afterwards (the
    /// event stream).
    Stream(Box<dyn FnOnce(&mut TcpStream) + Send>),
}

/// A reply: status, headers (the security headers are added when it is sent), body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    /// Close the connection after it.
    pub close: bool,
}

impl Reply {
    pub fn new(status: u16, mime: &str, body: impl Into<Arc<Vec<u8>>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", mime.to_string())],
            body: Body::Bytes(body.into()),
            close: false,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// Closes the connection after this reply.
    pub fn closing(mut self) -> Reply {
        self.close = true;
        self
    }
}

/// How a running server is asked to stop.
pub struct Stopper {
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
}

impl Stopper {
    /// Stops accepting connections (those open end with their current request).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread with a connection of its own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
    }
}

/// Accepts connections on `listener` until stopped, answering each request with
/// `handler`. Returns the accepting thread and what stops it.
pub fn run<H>(
    listener: TcpListener,
    limits: Limits,
    handler: H,
) -> std::io::Result<(std::thread::JoinHandle<()>, Stopper)>
where
    H: Fn(Request) -> Reply + Send + Sync + 'static,
{
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = Stopper {
        stop: stop.clone(),
        addr,
    };
    let handler = Arc::new(handler);
    let open = Arc::new(AtomicUsize::new(0));
    let limits = Arc::new(limits);
    let thread = std::thread::Builder::new()
        .name("piao-serve".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut stream) = stream else {
                    // Out of descriptors, a connection reset before accept: go on.
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                if open.fetch_add(1, Ordering::SeqCst) >= limits.connections {
                    open.fetch_sub(1, Ordering::SeqCst);
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = send(&mut stream, busy(), false);
                    let _ = stream.shutdown(Shutdown::Both);
                    continue;
                }
                let (handler, done, limits) = (handler.clone(), open.clone(), limits.clone());
                let spawned = std::thread::Builder::new()
                    .name("piao-serve-conn".into())
                    .spawn(move || {
                        connection(stream, &limits, &*handler);
                        done.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    // No thread could be made: the connection was dropped unserved.
                    open.fetch_sub(1, Ordering::SeqCst);
                }
            }
        })?;
    Ok((thread, stopper))
}

fn busy() -> Reply {
    error_page(
        503,
        "Server occupato",
        "Troppe connessioni aperte insieme: riprova tra qualche secondo.",
    )
    .header("Retry-After", "2")
    .closing()
}

/// Serves the requests of one connection until it closes, idles too long or sends
/// something refused.
fn connection(mut stream: TcpStream, limits: &Limits, handler: &dyn Fn(Request) -> Reply) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write));
    let Ok(local) = stream.local_addr() else {
        return;
    };
    let mut pending = Vec::new();
    loop {
        match read_request(&mut stream, &mut pending, limits, local) {
            Ok(Some(request)) => {
                let head_only = request.method == "HEAD";
                let close = request.close;
                let reply = handler(request);
                let close = close || reply.close;
                if !send(&mut stream, reply, head_only).unwrap_or(false) || close {
                    break;
                }
            }
            Ok(None) => break,
            Err(reply) => {
                let _ = send(&mut stream, reply.closing(), false);
                break;
            }
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Reads one request. `Ok(None)`: the connection closed or idled out before one began.
/// `Err`: the reply that refuses what was sent.
fn read_request(
    stream: &mut TcpStream,
    pending: &mut Vec<u8>,
    limits: &Limits,
    local: SocketAddr,
) -> Result<Option<Request>, Reply> {
    let deadline = Instant::now() + limits.idle;
    let mut chunk = [0u8; 4096];
    let head_len = loop {
        if let Some(end) = find(pending, b"\r\n\r\n") {
            break end + 4;
        }
        // No line end yet within the limit: the request line is too long.
        let line_end = find(pending, b"\r\n");
        if line_end.unwrap_or(pending.len()) > limits.line {
            return Err(too_large_head());
        }
        if pending.len() > limits.head {
            return Err(too_large_head());
        }
        match read_until(stream, &mut chunk, deadline) {
            // Closed, before or within a request: nothing to answer.
            Ok(0) => return Ok(None),
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
            Err(_) if pending.is_empty() => return Ok(None),
            Err(_) => return Err(timeout()),
        }
    };
    if head_len > limits.head || find(pending, b"\r\n").is_some_and(|e| e > limits.line) {
        return Err(too_large_head());
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&pending[..head_len]) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(bad_request()),
        Err(httparse::Error::TooManyHeaders) => return Err(too_large_head()),
        Err(_) => return Err(bad_request()),
    }
    let method = parsed.method.unwrap_or("").to_string();
    let target = parsed.path.unwrap_or("").to_string();
    let version = parsed.version.unwrap_or(1);
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .filter_map(|h| {
            let value = std::str::from_utf8(h.value).ok()?;
            Some((h.name.to_ascii_lowercase(), value.trim().to_string()))
        })
        .collect();
    let value = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if value("transfer-encoding").is_some() {
        return Err(error_page(
            411,
            "Lunghezza mancante",
            "Questo server accetta solo richieste di lunghezza dichiarata.",
        ));
    }
    let length = match value("content-length") {
        None => 0,
        Some(v) => match v.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return Err(bad_request()),
        },
    };
    if length > limits.body {
        return Err(error_page(
            413,
            "Richiesta troppo grande",
            "I dati inviati superano il limite di questo server.",
        ));
    }
    let connection = value("connection").unwrap_or("").to_ascii_lowercase();
    let close =
        connection.contains("close") || (version == 0 && !connection.contains("keep-alive"));
    pending.drain(..head_len);
    while pending.len() < length {
        match read_until(stream, &mut chunk, deadline) {
            Ok(0) => return Ok(None),
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
            Err(_) => return Err(timeout()),
        }
    }
    let body: Vec<u8> = pending.drain(..length).collect();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    Ok(Some(Request {
        method,
        path,
        query,
        headers,
        body,
        local,
        close,
    }))
}

/// One read that gives up at `deadline`.
fn read_until(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> std::io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(std::io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    loop {
        match stream.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn too_large_head() -> Reply {
    error_page(
        431,
        "Richiesta troppo lunga",
        "L'indirizzo o le intestazioni della richiesta superano il limite di questo server.",
    )
}

fn bad_request() -> Reply {
    error_page(
        400,
        "Richiesta non valida",
        "Il server non capisce questa richiesta.",
    )
}

fn timeout() -> Reply {
    error_page(
        408,
        "Richiesta troppo lenta",
        "La richiesta non è arrivata per intero in tempo.",
    )
}

/// A small page in Italian, for errors.
pub fn error_page(status: u16, title: &str, text: &str) -> Reply {
    let body = format!(
        "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <link rel=\"stylesheet\" href=\"/app.css\"></head><body class=\"errore\"><main>\
         <h1>{t}</h1><p>{x}</p><p><a href=\"/\">Torna all'allegato</a></p></main></body></html>",
        t = escape_html(title),
        x = escape_html(text)
    );
    Reply::new(status, "text/html; charset=utf-8", body.into_bytes())
        .header("Cache-Control", "no-store")
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `reply` (its head only for `HEAD`) with the security headers. `Ok(false)`:
/// the connection cannot carry another request (the reply was a stream).
fn send(stream: &mut TcpStream, reply: Reply, head_only: bool) -> std::io::Result<bool> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in SECURITY_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    for (name, value) in &reply.headers {
        // Values come from the server itself; a line break would split the head.
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match reply.body {
        Body::Bytes(bytes) => {
            head.push_str(&format!("Content-Length: {}\r\n", bytes.len()));
            if reply.close {
                head.push_str("Connection: close\r\n");
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes())?;
            if !head_only {
                stream.write_all(&bytes)?;
            }
            stream.flush()?;
            Ok(true)
        }
        Body::Stream(write) => {
            head.push_str("Connection: close\r\n\r\n");
            stream.write_all(head.as_bytes())?;
            stream.flush()?;
            if !head_only {
                write(stream);
            }
            // The stream has no length: the connection ends with it.
            Ok(false)
        }
    }
}

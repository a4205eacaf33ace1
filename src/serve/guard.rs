//! Who may ask `piao serve` for what: the checks every request passes before a route
//! sees it, and the guard a route that writes must pass first.
//!
//! - **Host.** Only this machine's own names: `localhost`, loopback addresses, the
//!   address the server is bound to and the one the connection arrived on (with
//!   `--indirizzo 0.0.0.0`, any address of this machine the client used), and, when
//!   bound to a network address, the computer's name. A page of another site whose
//!   name was pointed at this machine (DNS rebinding) is refused.
//! - **Other sites.** A request with an `Origin` other than the server's own, or marked
//!   by the browser as coming from another site (`Sec-Fetch-Site: cross-site` or
//!   `same-site`), is refused, except a plain link that opens the page itself.
//! - **Token.** Each run draws a secret at random ([`Gate::token`]) and puts it in the
//!   page, whose script sends it with every request (header [`TOKEN_HEADER`], or `t=`
//!   in the address of images, downloads and the event stream, which cannot carry a
//!   header). It is required for every request that is not `GET`/`HEAD`, and, when the
//!   server listens on a network address, for everything but the page itself.
//!
//! A refusal is a `403` with an Italian page; the server adds the security headers.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, MutexGuard};

use super::server::{error_page, Reply, Request};

/// The header the page sends the token in.
pub const TOKEN_HEADER: &str = "x-piao-token";

/// The query parameter that carries the token where no header can be set.
pub const TOKEN_PARAM: &str = "t";

/// A write's body, at most: the largest content file the loader reads is smaller.
pub const WRITE_BODY_MAX: usize = 2 * 1024 * 1024;

/// The paths of the page itself, served without the token even on a network address
/// (they hold no content: the token is in the page).
const PAGE_PATHS: [&str; 5] = ["/", "/index.html", "/app.js", "/app.css", "/favicon.svg"];

/// The admission rules of one server.
pub struct Gate {
    token: String,
    bound: SocketAddr,
    /// The computer's name, lowercase, when bound to a network address.
    hostname: Option<String>,
    writer: Mutex<()>,
}

/// Held by a route while it writes: one writer at a time.
pub struct WriteGuard<'a> {
    _lock: MutexGuard<'a, ()>,
}

impl Gate {
    /// The rules for a server bound to `bound`, with a fresh random token.
    pub fn new(bound: SocketAddr) -> Result<Gate, String> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes)
            .map_err(|_| {
                "il sistema non fornisce numeri casuali per il codice segreto della sessione: non avvio il server".to_string()
            })?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let hostname = (!bound.ip().is_loopback())
            .then(|| {
                gethostname::gethostname()
                    .to_string_lossy()
                    .to_ascii_lowercase()
            })
            .filter(|h| !h.is_empty());
        Ok(Gate {
            token,
            bound,
            hostname,
            writer: Mutex::new(()),
        })
    }

    /// The secret of this run, to put in the page.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Whether the server listens beyond this machine.
    pub fn on_network(&self) -> bool {
        !self.bound.ip().is_loopback()
    }

    /// The checks every request passes before its route: Host, other sites, and the
    /// token where it is required. `Err` is the refusal to send.
    pub fn admit(&self, req: &Request) -> Result<(), Reply> {
        let Some(host) = req.header("host").filter(|h| self.own_host(h, req.local)) else {
            return Err(refused(
                "Questo server risponde solo agli indirizzi e al nome di questo computer.",
            ));
        };
        if let Some(origin) = req.header("origin") {
            if !same_origin(origin, host) {
                return Err(refused(
                    "La richiesta viene da un altro sito: questo server risponde solo alla sua pagina.",
                ));
            }
        }
        let page = PAGE_PATHS.contains(&req.path.as_str());
        match req.header("sec-fetch-site") {
            None | Some("same-origin") | Some("none") => {}
            // A link from elsewhere may open the page, nothing more.
            Some(_) if req.reads() && page && req.header("sec-fetch-mode") == Some("navigate") => {}
            Some(_) => return Err(refused(
                "La richiesta viene da un altro sito: questo server risponde solo alla sua pagina.",
            )),
        }
        if !req.reads() || (self.on_network() && !page) {
            let sent = req
                .header(TOKEN_HEADER)
                .map(str::to_string)
                .or_else(|| req.reads().then(|| query_token(&req.query)).flatten());
            if !sent.is_some_and(|t| same_secret(&t, &self.token)) {
                return Err(refused(
                    "Manca il codice della sessione: apri l'allegato dalla pagina principale di piao serve.",
                ));
            }
        }
        Ok(())
    }

    /// What a route that writes calls first, and keeps while it writes: the checks of
    /// [`Gate::admit`], then, stricter, the token in its header (never in the
    /// address), an `Origin` that is this server's own (browsers send it with every
    /// write), a body within [`WRITE_BODY_MAX`], and one writer at a time (a second
    /// write waits for the first to end).
    pub fn admit_write(&self, req: &Request) -> Result<WriteGuard<'_>, Reply> {
        self.admit(req)?;
        if req.reads() {
            return Err(refused("Una lettura non può modificare i file."));
        }
        if !req
            .header(TOKEN_HEADER)
            .is_some_and(|t| same_secret(t, &self.token))
        {
            return Err(refused(
                "Manca il codice della sessione: salva dalla pagina di piao serve.",
            ));
        }
        let host = req.header("host").unwrap_or("");
        if !req.header("origin").is_some_and(|o| same_origin(o, host)) {
            return Err(refused(
                "Il salvataggio non viene dalla pagina di piao serve: nessun file è stato toccato.",
            ));
        }
        if req.body.len() > WRITE_BODY_MAX {
            return Err(error_page(
                413,
                "Dati troppo grandi",
                "I dati inviati superano il limite di un file dei contenuti.",
            )
            .closing());
        }
        let lock = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        Ok(WriteGuard { _lock: lock })
    }

    /// Whether `host` (a `Host` header) names this machine, on the server's port.
    fn own_host(&self, host: &str, local: SocketAddr) -> bool {
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        if port.unwrap_or(80) != self.bound.port() {
            return false;
        }
        let name = name.to_ascii_lowercase();
        if name == "localhost" {
            return true;
        }
        if let Ok(ip) = name.parse::<IpAddr>() {
            let ip = ip.to_canonical();
            return ip.is_loopback()
                || ip == self.bound.ip().to_canonical()
                || ip == local.ip().to_canonical();
        }
        self.hostname.as_deref().is_some_and(|h| {
            name == h
                || name.strip_suffix(".local") == Some(h)
                || h.split('.').next() == Some(&name)
        })
    }
}

/// `name` and port of a `Host` header: `a.b:3000`, `[::1]:3000`, `a.b`.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        match after {
            "" => (name, None),
            p => (name, Some(p.strip_prefix(':')?)),
        }
    } else {
        match host.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if name.is_empty() || name.contains(['/', '@', ' ']) {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) => Some(p.parse().ok()?),
    };
    Some((name, port))
}

/// Whether `origin` is `http://<host>` for the request's own (already checked) host.
fn same_origin(origin: &str, host: &str) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

fn query_token(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == TOKEN_PARAM).then(|| v.to_string())
    })
}

/// Compares two secrets in a time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn refused(text: &str) -> Reply {
    error_page(403, "Richiesta rifiutata", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(bound: &str) -> Gate {
        let mut g = Gate::new(bound.parse().unwrap()).unwrap();
        // The computer's name counts only on a network address, as in `Gate::new`.
        if g.hostname.is_some() {
            g.hostname = Some("ufficio-7".into());
        }
        g
    }

    fn req(method: &str, target: &str, headers: &[(&str, &str)]) -> Request {
        Request::for_test(method, target, headers, "127.0.0.1:3000")
    }

    #[test]
    fn tokens_are_random_and_long() {
        let a = Gate::new("127.0.0.1:3000".parse().unwrap()).unwrap();
        let b = Gate::new("127.0.0.1:3000".parse().unwrap()).unwrap();
        assert_eq!(a.token().len(), 48);
        assert_ne!(a.token(), b.token());
    }

    #[test]
    fn hosts_are_this_machine_only() {
        let g = gate("127.0.0.1:3000");
        let local: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
        ] {
            assert!(g.own_host(ok, local), "{ok}");
        }
        for bad in [
            "esempio.invalid:3000",
            "127.0.0.1:3001",
            "127.0.0.1",
            "192.168.1.5:3000",
            "ufficio-7:3000",
            "",
            "[::1",
            "a@127.0.0.1:3000",
        ] {
            assert!(!g.own_host(bad, local), "{bad}");
        }
        // Bound to every address: the one the connection came on and the computer's
        // name are this machine; another name is not.
        let g = gate("0.0.0.0:3000");
        let lan: SocketAddr = "192.168.1.5:3000".parse().unwrap();
        for ok in [
            "192.168.1.5:3000",
            "ufficio-7:3000",
            "ufficio-7.local:3000",
            "127.0.0.1:3000",
        ] {
            assert!(g.own_host(ok, lan), "{ok}");
        }
        for bad in ["192.168.1.6:3000", "esempio.invalid:3000", "ufficio-8:3000"] {
            assert!(!g.own_host(bad, lan), "{bad}");
        }
        // IPv6, and an IPv4 client on a dual-stack socket.
        let g = gate("[::]:3000");
        let mapped: SocketAddr = "[::ffff:192.168.1.5]:3000".parse().unwrap();
        assert!(g.own_host("192.168.1.5:3000", mapped));
        assert!(g.own_host("[::1]:3000", "[::1]:3000".parse().unwrap()));
    }

    #[test]
    fn reads_need_no_token_on_loopback_but_other_sites_are_refused() {
        let g = gate("127.0.0.1:3000");
        let host = ("Host", "127.0.0.1:3000");
        assert!(g.admit(&req("GET", "/api/stato", &[host])).is_ok());
        assert!(g
            .admit(&req(
                "GET",
                "/api/stato",
                &[host, ("Sec-Fetch-Site", "same-origin")]
            ))
            .is_ok());
        for other in [
            vec![host, ("Origin", "http://esempio.invalid")],
            vec![host, ("Origin", "null")],
            vec![host, ("Origin", "https://127.0.0.1:3000")],
            vec![host, ("Sec-Fetch-Site", "cross-site")],
            vec![host, ("Sec-Fetch-Site", "same-site")],
        ] {
            let r = g.admit(&req("GET", "/api/stato", &other)).unwrap_err();
            assert_eq!(r.status, 403, "{other:?}");
        }
        // A link from another site may open the page, and only the page.
        let nav = [
            host,
            ("Sec-Fetch-Site", "cross-site"),
            ("Sec-Fetch-Mode", "navigate"),
        ];
        assert!(g.admit(&req("GET", "/", &nav)).is_ok());
        assert_eq!(
            g.admit(&req("GET", "/scarica/pdf", &nav))
                .unwrap_err()
                .status,
            403
        );
    }

    #[test]
    fn on_a_network_address_everything_but_the_page_needs_the_token() {
        let g = gate("0.0.0.0:3000");
        let host = ("Host", "127.0.0.1:3000");
        assert!(g.admit(&req("GET", "/", &[host])).is_ok());
        assert!(g.admit(&req("GET", "/app.js", &[host])).is_ok());
        assert_eq!(
            g.admit(&req("GET", "/api/stato", &[host]))
                .unwrap_err()
                .status,
            403
        );
        let wrong = format!("/api/stato?t={}", "0".repeat(48));
        assert_eq!(
            g.admit(&req("GET", &wrong, &[host])).unwrap_err().status,
            403
        );
        let good = format!("/api/stato?sel=tutto&t={}", g.token());
        assert!(g.admit(&req("GET", &good, &[host])).is_ok());
        assert!(g
            .admit(&req(
                "GET",
                "/api/stato",
                &[host, ("X-Piao-Token", g.token())]
            ))
            .is_ok());
    }

    #[test]
    fn a_write_needs_token_header_own_origin_and_a_bounded_body() {
        let g = gate("127.0.0.1:3000");
        let token = g.token().to_string();
        let host = ("Host", "127.0.0.1:3000");
        let origin = ("Origin", "http://127.0.0.1:3000");
        let tok = ("X-Piao-Token", token.as_str());
        let status = |r: Result<WriteGuard<'_>, Reply>| r.err().map(|r| r.status);
        assert_eq!(
            status(g.admit_write(&req("POST", "/x", &[host, origin, tok]))),
            None
        );
        assert_eq!(
            status(g.admit_write(&req("POST", "/x", &[host, origin]))),
            Some(403)
        );
        assert_eq!(
            status(g.admit_write(&req("POST", "/x", &[host, tok]))),
            Some(403)
        );
        assert_eq!(
            status(g.admit_write(&req(
                "POST",
                "/x",
                &[host, tok, ("Origin", "http://esempio.invalid")]
            ))),
            Some(403)
        );
        assert_eq!(
            status(g.admit_write(&req(
                "POST",
                "/x",
                &[("Host", "esempio.invalid:3000"), tok, origin]
            ))),
            Some(403)
        );
        // The token in the address does not do for a write.
        let in_query = format!("/x?t={token}");
        assert_eq!(
            status(g.admit_write(&req("POST", &in_query, &[host, origin]))),
            Some(403)
        );
        assert_eq!(
            status(g.admit_write(&req("GET", "/x", &[host, origin, tok]))),
            Some(403)
        );
        let mut big = req("POST", "/x", &[host, origin, tok]);
        big.body = vec![b'a'; WRITE_BODY_MAX + 1];
        assert_eq!(status(g.admit_write(&big)), Some(413));
    }

    #[test]
    fn one_writer_at_a_time() {
        let g = std::sync::Arc::new(gate("127.0.0.1:3000"));
        let token = g.token().to_string();
        let request = req(
            "POST",
            "/x",
            &[
                ("Host", "127.0.0.1:3000"),
                ("Origin", "http://127.0.0.1:3000"),
                ("X-Piao-Token", &token),
            ],
        );
        let first = g.admit_write(&request).ok().unwrap();
        let (g2, r2) = (g.clone(), request.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let second = std::thread::spawn(move || {
            let _w = g2.admit_write(&r2).ok().unwrap();
            tx.send(()).unwrap();
        });
        // The second writer waits while the first holds the guard…
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err());
        drop(first);
        // …and goes on once it is released.
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        second.join().unwrap();
    }
}

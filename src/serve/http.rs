//! The routes of `piao serve`. Every route is fixed; nothing in a request becomes a
//! file path.
//!
//! | route | what |
//! | --- | --- |
//! | `/`, `/app.css`, `/app.js`, `/favicon.svg` | the page, built into the binary |
//! | `/api/stato?sel=tutto\|ID` | the state of a view, as JSON |
//! | `/eventi` | server-sent events: the generation, at each change |
//! | `/pagina/HASH.png?s=1..4` | a page image (pixels per point) |
//! | `/scarica/pdf?sel=…&profilo=completo\|albo&parte=pdf\|impronta\|registrazione` | a PDF and the files `piao build` writes with it |
//! | `/scarica/dati?formato=json\|csv` | the open-data export |

use std::io::{Cursor, Write};
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::pages;
use super::workspace::{Download, Part, WHOLE};
use super::Shared;

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");
const ICON: &str = include_str!("assets/favicon.svg");

/// How often an idle event stream sends a comment, so a closed tab is noticed.
const HEARTBEAT: Duration = Duration::from_secs(15);

type Reply = Response<Cursor<Vec<u8>>>;

pub(super) fn handle(request: Request, shared: &Arc<Shared>) {
    if let Some(hosts) = &shared.hosts {
        let host = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_ascii_lowercase());
        if !host.is_some_and(|h| hosts.contains(&h)) {
            let _ = request.respond(page(
                403,
                "Richiesta rifiutata",
                "Questo server risponde solo agli indirizzi di questo computer (127.0.0.1).",
            ));
            return;
        }
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(page(
            405,
            "Operazione non consentita",
            "Questo server si può solo leggere.",
        ));
        return;
    }
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let reply = match path {
        "/" | "/index.html" => index(shared),
        "/app.js" => asset(SCRIPT, "text/javascript; charset=utf-8"),
        "/app.css" => asset(STYLE, "text/css; charset=utf-8"),
        "/favicon.svg" => asset(ICON, "image/svg+xml"),
        "/eventi" => return events(request, shared),
        "/api/stato" => {
            let sel = param(query, "sel").unwrap_or_else(|| WHOLE.to_string());
            bytes(200, state_json(shared, &sel), "application/json")
        }
        "/scarica/pdf" => download_pdf(query, shared),
        "/scarica/dati" => {
            let csv = match param(query, "formato").as_deref() {
                Some("csv") => true,
                Some("json") => false,
                _ => return respond(request, not_found()),
            };
            let generation = shared.changes.current();
            let result = shared
                .workspace
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .export(generation, csv);
            attachment(result)
        }
        _ => match path.strip_prefix("/pagina/") {
            Some(rest) => page_image(rest, query, shared),
            None => not_found(),
        },
    };
    respond(request, reply);
}

/// The state of view `sel` now, as JSON.
fn state_json(shared: &Shared, sel: &str) -> Vec<u8> {
    let generation = shared.changes.current();
    let state = shared
        .workspace
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .state(generation, sel, &shared.pages);
    serde_json::to_vec(&state).expect("state serializes")
}

/// The page, with the state of the whole annex already in it when that is ready: the
/// list and the first pages then appear at once, with no second round trip (and a
/// browser that takes a snapshot at the `load` event sees them). When the annex is
/// still being laid out, the page comes at once without it and asks for it.
fn index(shared: &Shared) -> Reply {
    let generation = shared.changes.current();
    let ready = shared
        .workspace
        .try_lock()
        .ok()
        .and_then(|mut w| w.ready_state(generation, WHOLE, &shared.pages));
    let data = match ready {
        Some(state) => {
            let json = serde_json::to_string(&state).expect("state serializes");
            // Inside a <script> element, `<` could close it: JSON allows `\u003c`.
            format!(
                "<script type=\"application/json\" id=\"stato-iniziale\">{}</script>",
                json.replace('<', "\\u003c")
            )
        }
        None => String::new(),
    };
    let html = INDEX.replacen("<!--STATO-->", &data, 1);
    bytes(200, html.into_bytes(), "text/html; charset=utf-8")
}

fn respond(request: Request, reply: Reply) {
    // Every body is in memory: send its length (browsers then show a download's
    // progress) rather than chunks.
    let reply = reply
        .with_chunked_threshold(usize::MAX)
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; \
             connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ));
    // A browser that went away is not an error worth telling.
    let _ = request.respond(reply);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn bytes(status: u16, body: Vec<u8>, mime: &str) -> Reply {
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", mime))
        .with_header(header("Cache-Control", "no-store"))
}

fn asset(text: &'static str, mime: &str) -> Reply {
    bytes(200, text.as_bytes().to_vec(), mime)
}

/// A small page in Italian, for errors.
fn page(status: u16, title: &str, text: &str) -> Reply {
    let body = format!(
        "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <link rel=\"stylesheet\" href=\"/app.css\"></head><body class=\"errore\"><main>\
         <h1>{t}</h1><p>{x}</p><p><a href=\"/\">Torna all'allegato</a></p></main></body></html>",
        t = escape_html(title),
        x = escape_html(text)
    );
    bytes(status, body.into_bytes(), "text/html; charset=utf-8")
}

fn not_found() -> Reply {
    page(
        404,
        "Pagina non trovata",
        "Questo indirizzo non esiste. L'allegato è alla pagina principale.",
    )
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `/pagina/<32 hex digits>.png`.
fn page_image(rest: &str, query: &str, shared: &Shared) -> Reply {
    let Some(id) = rest.strip_suffix(".png") else {
        return not_found();
    };
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return not_found();
    }
    let scale = param(query, "s")
        .and_then(|s| s.parse::<u8>().ok())
        .filter(|s| pages::SCALES.contains(s))
        .unwrap_or(2);
    match shared.pages.png(id, scale) {
        // The address is the page's content: the image never changes.
        Some(png) => Response::from_data(png.as_ref().clone())
            .with_header(header("Content-Type", "image/png"))
            .with_header(header("Cache-Control", "private, max-age=86400, immutable")),
        None => page(
            404,
            "Pagina non più disponibile",
            "L'allegato è cambiato: la pagina si aggiorna da sola.",
        ),
    }
}

fn download_pdf(query: &str, shared: &Shared) -> Reply {
    let sel = param(query, "sel").unwrap_or_else(|| WHOLE.to_string());
    let albo = match param(query, "profilo").as_deref() {
        None | Some("completo") => false,
        Some("albo") => true,
        _ => return not_found(),
    };
    let part = match param(query, "parte").as_deref() {
        None | Some("pdf") => Part::Pdf,
        Some("impronta") => Part::Digest,
        Some("registrazione") => Part::Record,
        _ => return not_found(),
    };
    let generation = shared.changes.current();
    let result = shared
        .workspace
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .publish(generation, &sel, albo, part);
    attachment(result)
}

fn attachment(result: Result<Download, String>) -> Reply {
    match result {
        Ok(d) => {
            // File names are slugs; anything else is dropped rather than quoted.
            let name: String = d
                .name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                .collect();
            Response::from_data(d.bytes.as_ref().clone())
                .with_header(header("Content-Type", d.mime))
                .with_header(header(
                    "Content-Disposition",
                    &format!("attachment; filename=\"{name}\""),
                ))
                .with_header(header("Cache-Control", "no-store"))
        }
        Err(why) => page(409, "Il file non si può scaricare ora", &why),
    }
}

/// The event stream: `data: <generation>` now and at every change, a comment every
/// [`HEARTBEAT`] otherwise. Written by hand on the raw connection, so that each event
/// leaves at once.
fn events(request: Request, shared: &Shared) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\n\
                Connection: close\r\n\r\n\
                retry: 1000\n\n";
    let mut seen = shared.changes.current();
    if write!(out, "{head}data: {seen}\n\n")
        .and_then(|_| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let Some(now) = shared.changes.wait_past(seen, HEARTBEAT) else {
            return;
        };
        let sent = if now == seen {
            write!(out, ": attesa\n\n")
        } else {
            seen = now;
            write!(out, "data: {now}\n\n")
        };
        if sent.and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}

/// The value of `name` in a query string, percent-decoded; `None` when absent or not
/// UTF-8.
fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(v)).flatten()
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_decoded() {
        assert_eq!(
            param("a=1&sel=g06-patto%20educativo", "sel").as_deref(),
            Some("g06-patto educativo")
        );
        assert_eq!(
            param("sel=..%2F..%2Fetc", "sel").as_deref(),
            Some("../../etc")
        );
        assert_eq!(param("sel=%zz", "sel"), None);
        assert_eq!(param("sel=%c3", "sel"), None);
        assert_eq!(param("x=1", "sel"), None);
    }
}

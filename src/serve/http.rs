//! The routes of `piao serve`. Every route is fixed; nothing in a request becomes a
//! file path except a content file's name, accepted only when the content layout
//! defines it (see [`super::api`]).
//!
//! | route | what |
//! | --- | --- |
//! | `/`, `/app.css`, `/app.js`, `/favicon.svg` | the page, built into the binary |
//! | `/api/stato?sel=tutto\|ID` | the state of a view, as JSON (`inizio`: no annex yet) |
//! | `/eventi` | server-sent events: the generation, at each change |
//! | `/pagina/HASH.png?s=1..4` | a page image (pixels per point) |
//! | `/scarica/pdf?sel=…&profilo=completo\|albo&parte=pdf\|impronta\|registrazione` | a PDF and the files `piao build` writes with it |
//! | `/scarica/dati?formato=json\|csv` | the open-data export |
//! | `/api/moduli` | the forms of the content files and of the requested changes |
//! | `/api/file?f=FILE` | a content file for its form: text, values, digest, problems |
//! | `/api/storia?f=FILE` | the kept versions of a file |
//! | `/api/storia/versione?f=FILE&id=ID` | the text of one kept version |
//! | `POST /api/salva` | edits made on a file (refused if it changed on disk) |
//! | `POST /api/nuovo` | a new gestionale or istituzionale |
//! | `POST /api/ripristina` | a kept version put back |
//!
//! Every request passes [`super::guard::Gate::admit`] first; every request that is not
//! `GET`/`HEAD` passes [`super::guard::Gate::admit_write`] too, whose guard the write
//! routes hold while they write (a `POST` elsewhere then gets `405`). The page's script
//! sends the token (header `X-Piao-Token`, or `t=` in addresses that cannot carry a
//! header) on every request. The bodies and answers of the `/api/` routes besides
//! `/api/stato` are described in `docs/serve-api.md`.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use super::server::{error_page, Body, Reply, Request};
use super::workspace::{Download, Part, WHOLE};
use super::Shared;
use super::{api, pages};

const INDEX: &str = include_str!("assets/index.html");
/// The page's script: the live view, then the edit panel (form widgets, the editor, the
/// requested changes, new content), one file each, sent as one.
const SCRIPT: &str = concat!(
    include_str!("assets/app.js"),
    include_str!("assets/form.js"),
    include_str!("assets/edit.js"),
    include_str!("assets/changes.js"),
    include_str!("assets/start.js"),
);
const STYLE: &str = include_str!("assets/app.css");
const ICON: &str = include_str!("assets/favicon.svg");

/// How often an idle event stream sends a comment, so a closed tab is noticed.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// The methods of the routes that read.
const ALLOWED: &str = "GET, HEAD";

/// The methods of the routes that write.
const ALLOWED_WRITE: &str = "POST";

/// The routes that write.
const WRITES: [&str; 3] = ["/api/salva", "/api/nuovo", "/api/ripristina"];

/// Answers one request: the [`super::guard::Gate`] first, then the route.
pub(super) fn handle(request: Request, shared: &Arc<Shared>) -> Reply {
    if let Err(refusal) = shared.gate.admit(&request) {
        return refusal;
    }
    if !request.reads() {
        // Whatever writes passes the write guard first, and holds it while it writes.
        let _writing = match shared.gate.admit_write(&request) {
            Err(refusal) => return refusal,
            Ok(guard) => guard,
        };
        let dir = shared.workspace.content();
        let check = |_: &std::path::Path| shared.after_save();
        return match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/api/salva") => api::save(dir, &request.body, &check),
            ("POST", "/api/nuovo") => api::create(dir, &request.body, &check),
            ("POST", "/api/ripristina") => api::restore(dir, &request.body, &check),
            (_, path) if WRITES.contains(&path) => error_page(
                405,
                "Operazione non consentita",
                "A questo indirizzo si salva soltanto.",
            )
            .header("Allow", ALLOWED_WRITE),
            _ => error_page(
                405,
                "Operazione non consentita",
                "Questo indirizzo si può solo leggere.",
            )
            .header("Allow", ALLOWED),
        };
    }
    let query = request.query.as_str();
    let dir = shared.workspace.content();
    match request.path.as_str() {
        "/api/moduli" => api::forms(),
        "/api/file" => api::file(dir, param(query, "f").as_deref(), || {
            shared.workspace.field_problems(shared.changes.current())
        }),
        "/api/storia" => api::history(dir, param(query, "f").as_deref()),
        "/api/storia/versione" => api::version(
            dir,
            param(query, "f").as_deref(),
            param(query, "id").as_deref(),
        ),
        path if WRITES.contains(&path) => error_page(
            405,
            "Operazione non consentita",
            "A questo indirizzo si salva soltanto, dalla pagina di piao serve.",
        )
        .header("Allow", ALLOWED_WRITE),
        "/" | "/index.html" => index(shared),
        "/app.js" => asset(SCRIPT, "text/javascript; charset=utf-8"),
        "/app.css" => asset(STYLE, "text/css; charset=utf-8"),
        "/favicon.svg" => asset(ICON, "image/svg+xml"),
        "/eventi" => events(shared),
        "/api/stato" => {
            let sel = param(query, "sel").unwrap_or_else(|| WHOLE.to_string());
            bytes(200, state_json(shared, &sel), "application/json")
        }
        "/scarica/pdf" => download_pdf(query, shared),
        "/scarica/dati" => {
            let csv = match param(query, "formato").as_deref() {
                Some("csv") => true,
                Some("json") => false,
                _ => return not_found(),
            };
            let generation = shared.changes.current();
            attachment(shared.workspace.export(generation, csv))
        }
        path => match path.strip_prefix("/pagina/") {
            Some(rest) => page_image(rest, query, shared),
            None => not_found(),
        },
    }
}

/// The state of view `sel` now, as JSON.
fn state_json(shared: &Shared, sel: &str) -> Vec<u8> {
    let generation = shared.changes.current();
    let state = shared.workspace.state(generation, sel, &shared.pages);
    serde_json::to_vec(&state).expect("state serializes")
}

/// The page, with this run's token and, when it is ready, the state of the whole
/// annex already in it: the list and the first pages then appear at once, with no
/// second round trip (and a browser that takes a snapshot at the `load` event sees
/// them). When the annex is still being laid out, the page comes at once without it
/// and asks for it.
fn index(shared: &Shared) -> Reply {
    let generation = shared.changes.current();
    let data = match shared
        .workspace
        .ready_state(generation, WHOLE, &shared.pages)
    {
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
    // The token is hex digits: nothing to escape.
    let token = format!(
        "<meta name=\"piao-token\" content=\"{}\">",
        shared.gate.token()
    );
    let html = INDEX
        .replacen("<!--TOKEN-->", &token, 1)
        .replacen("<!--STATO-->", &data, 1);
    bytes(200, html.into_bytes(), "text/html; charset=utf-8")
}

fn bytes(status: u16, body: Vec<u8>, mime: &str) -> Reply {
    Reply::new(status, mime, body).header("Cache-Control", "no-store")
}

fn asset(text: &'static str, mime: &str) -> Reply {
    bytes(200, text.as_bytes().to_vec(), mime)
}

fn not_found() -> Reply {
    error_page(
        404,
        "Pagina non trovata",
        "Questo indirizzo non esiste. L'allegato è alla pagina principale.",
    )
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
        Some(png) => Reply::new(200, "image/png", png)
            .header("Cache-Control", "private, max-age=86400, immutable"),
        None => error_page(
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
    attachment(shared.workspace.publish(generation, &sel, albo, part))
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
            Reply::new(200, d.mime, d.bytes)
                .header(
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                )
                .header("Cache-Control", "no-store")
        }
        Err(why) => error_page(409, "Il file non si può scaricare ora", &why),
    }
}

/// The event stream: `data: <generation>` now and at every change, a comment every
/// [`HEARTBEAT`] otherwise, written on the open connection as each event happens.
fn events(shared: &Arc<Shared>) -> Reply {
    let shared = shared.clone();
    let write = move |out: &mut TcpStream| {
        let mut seen = shared.changes.current();
        if write!(out, "retry: 1000\n\ndata: {seen}\n\n")
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
    };
    Reply {
        status: 200,
        headers: vec![
            ("Content-Type", "text/event-stream; charset=utf-8".into()),
            ("Cache-Control", "no-store".into()),
        ],
        body: Body::Stream(Box::new(write)),
        close: true,
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

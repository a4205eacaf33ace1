//! `piao serve` over HTTP, as a browser uses it: the binary is started on a free local
//! port on a temporary copy of the content, and spoken to with a minimal HTTP/1.1
//! client (nothing but the standard library). Covers the list, the pages of the annex
//! and of one objective, an update arriving as an event after a save, a diagnostic
//! shown for a broken file and gone after the fix, downloads byte-identical to
//! `piao build` / `preview` / `export`, requests that try to leave the server's
//! routes, the printed address on 127.0.0.2 and ::1, and the security headers and the
//! token's write guard on every refusal, and the edit panel in the page (a widget for
//! every kind of field the forms use). (The server under hostile requests, in
//! process with short time limits, is in `faults.rs`.)

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The longest a state or download may take (a debug build on a busy machine).
const SLOW: Duration = Duration::from_secs(120);

/// A running `piao serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(content: &Path) -> Server {
    let (server, url) = serve_on(content, "127.0.0.1");
    assert!(url.starts_with("http://127.0.0.1:"), "printed: {url:?}");
    server
}

/// `piao serve --indirizzo ip`, and the address it printed.
fn serve_on(content: &Path, ip: &str) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_piao"))
        .args(["serve", "--porta", "0", "--indirizzo", ip, "--content"])
        .arg(content)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start piao serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|e| panic!("printed {url:?}: {e}"));
    (Server { child, addr }, url)
}

/// Sends `target` exactly as written (no normalisation of `..`, as a hostile client
/// would), with `host` as the Host header.
fn raw_get(addr: SocketAddr, target: &str, host: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(SLOW)).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let mut reply = Reply::parse(&raw);
    if reply
        .header("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        reply.body = dechunk(&reply.body);
    }
    reply
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
}

fn get(server: &Server, target: &str) -> Reply {
    raw_get(server.addr, target, &server.addr.to_string())
}

fn state(server: &Server, sel: &str) -> Value {
    let r = get(server, &format!("/api/stato?sel={sel}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The event stream, read line by line.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(server: &Server) -> Events {
        let mut s = TcpStream::connect(server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(s, "GET /eventi HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let mut events = Events { reader };
        let mut content_type = false;
        loop {
            let l = events.line();
            if l.is_empty() {
                break;
            }
            content_type |=
                l.eq_ignore_ascii_case("content-type: text/event-stream; charset=utf-8");
        }
        assert!(content_type);
        events
    }
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("event stream open");
        line.trim_end_matches(['\r', '\n']).to_string()
    }
    /// The next generation announced after `after`.
    fn next_after(&mut self, after: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(g) = self.line().strip_prefix("data: ") {
                let g: u64 = g.parse().unwrap();
                if g > after {
                    return g;
                }
            }
        }
        panic!("no event after generation {after}");
    }
}

fn objective<'a>(state: &'a Value, short: &str) -> &'a Value {
    state["obiettivi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["breve"] == short)
        .unwrap_or_else(|| panic!("{short} not listed"))
}

const G06: &str = "gestionali/g06-patto-educativo.toml";

#[test]
fn lists_the_objectives_and_lays_out_the_annex_and_one_objective() {
    let (_dir, content) = workspace();
    let server = serve(&content);

    let index = get(&server, "/");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("<html lang=\"it\">"));
    for asset in ["/app.js", "/app.css", "/favicon.svg"] {
        assert_eq!(get(&server, asset).status, 200, "{asset}");
    }

    let whole = state(&server, "tutto");
    let list = whole["obiettivi"].as_array().unwrap();
    assert_eq!(list.len(), 16, "the bundled content has 16 objectives");
    let managed = list.iter().filter(|o| o["tipo"] == "gestionale").count();
    assert_eq!(managed, 9);
    let g06 = objective(&whole, "g06");
    assert_eq!(g06["numero"], 6);
    assert_eq!(g06["titolo"], "Patto educativo di comunità");
    assert_eq!(g06["azione"], "modificare");
    assert_eq!(g06["file"], G06);
    assert!(g06["modifiche"].as_u64().unwrap() > 0);
    assert_eq!(objective(&whole, "g16")["azione"], "eliminare");
    assert_eq!(whole["errori"], 0, "{}", whole["problemi"]);
    assert_eq!(whole["scaricabile"], true);
    // Once laid out, the page itself carries the state (no second round trip), with
    // nothing in it that could close its <script> element early.
    let page = get(&server, "/").text();
    let start = page
        .find("id=\"stato-iniziale\">")
        .expect("state in the page");
    let inline = &page[start..];
    let inline = &inline[inline.find('>').unwrap() + 1..inline.find("</script>").unwrap()];
    assert!(!inline.contains('<'));
    let inline: Value = serde_json::from_str(inline).unwrap();
    assert_eq!(inline["obiettivi"], whole["obiettivi"]);

    let view = &whole["vista"];
    assert_eq!(view["attuale"], true);
    let pages = page_ids(&whole);
    assert!(pages.len() > 20, "{} pages", pages.len());
    assert!((view["pagine"][0]["larghezza"].as_f64().unwrap() - 595.3).abs() < 1.0);
    let sections = view["sezioni"].as_array().unwrap();
    assert!(
        sections
            .iter()
            .any(|s| s["titolo"].as_str().unwrap().contains("PERFORMANCE")),
        "{sections:?}"
    );

    // A page image, and a sharper one on request.
    let png = get(&server, &format!("/pagina/{}.png", pages[0]));
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert!(png.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    let width = u32::from_be_bytes(png.body[16..20].try_into().unwrap());
    assert_eq!(width, 1191, "A4 at 2 pixels per point");
    let sharp = get(&server, &format!("/pagina/{}.png?s=3", pages[0]));
    assert_eq!(
        u32::from_be_bytes(sharp.body[16..20].try_into().unwrap()),
        1786
    );

    // One objective: its request and its scheda only.
    let id = g06["id"].as_str().unwrap();
    let one = state(&server, id);
    assert_eq!(one["vista"]["sel"], id);
    assert!(one["vista"]["titolo"].as_str().unwrap().starts_with("g06"));
    let own = page_ids(&one);
    assert!(
        !own.is_empty() && own.len() < pages.len() / 3,
        "{}",
        own.len()
    );
    assert_eq!(get(&server, &format!("/pagina/{}.png", own[0])).status, 200);
}

#[test]
fn a_save_arrives_as_an_event_and_the_page_shows_it() {
    let (_dir, content) = workspace();
    let server = serve(&content);
    let id = "g06-patto-educativo";
    let before = state(&server, id);
    let old_pages = page_ids(&before);
    let other = page_ids(&state(&server, "g07-tavoli-permanenti"));
    let mut events = Events::open(&server);
    let generation = events.next_after(0);

    replace_in(
        &content,
        G06,
        "titolo = \"Patto educativo di comunità\"",
        "titolo = \"Patto educativo di comunità rinnovato\"",
    );
    let next = events.next_after(generation);
    let after = state(&server, id);
    assert!(after["generazione"].as_u64().unwrap() >= next);
    assert_eq!(
        objective(&after, "g06")["titolo"],
        "Patto educativo di comunità rinnovato"
    );
    let new_pages = page_ids(&after);
    assert_ne!(old_pages, new_pages, "the pages show the new title");
    assert_eq!(after["vista"]["attuale"], true);
    // Another objective's pages did not change: same addresses, nothing to fetch again.
    assert_eq!(page_ids(&state(&server, "g07-tavoli-permanenti")), other);

    // A file deleted and created again: the list follows.
    let path = content.join(G06);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let gone = events.next_after(next);
    let without = state(&server, "tutto");
    assert!(without["generazione"].as_u64().unwrap() >= gone);
    assert_eq!(without["obiettivi"].as_array().unwrap().len(), 15);
    let missing = state(&server, id);
    assert!(missing["nota"].as_str().unwrap().contains("non c'è più"));
    std::fs::write(&path, text).unwrap();
    events.next_after(gone);
    let back = state(&server, id);
    assert_eq!(back["obiettivi"].as_array().unwrap().len(), 16);
    assert_eq!(page_ids(&back), new_pages, "same text, same pages");
}

#[test]
fn a_broken_file_shows_its_diagnostic_beside_the_last_good_pages_until_fixed() {
    let (_dir, content) = workspace();
    let server = serve(&content);
    let good = state(&server, "tutto");
    let good_pages = page_ids(&good);
    let good_g06 = page_ids(&state(&server, "g06-patto-educativo"));
    let mut events = Events::open(&server);
    let g = events.next_after(0);

    replace_in(&content, G06, "numero = 6", "numero = \"sei\"");
    events.next_after(g);
    let broken = state(&server, "tutto");
    assert!(broken["errori"].as_u64().unwrap() >= 1, "{broken}");
    assert_eq!(broken["scaricabile"], false);
    // The file that cannot be read stays in the list, marked.
    let list = broken["obiettivi"].as_array().unwrap();
    assert_eq!(list.len(), 16);
    let unreadable = list.iter().find(|o| o["file"] == G06).unwrap();
    assert_eq!(unreadable["leggibile"], false);
    // Its own view stays chosen, with the problem beside its last good pages, rather
    // than sending the reader elsewhere; a view never laid out has no pages yet.
    let own = state(&server, "g06-patto-educativo");
    assert!(own["nota"].is_null(), "{}", own["nota"]);
    assert_eq!(own["vista"]["attuale"], false);
    assert_eq!(page_ids(&own), good_g06);
    assert!(own["errori"].as_u64().unwrap() >= 1);
    let never = state(&server, "g07-tavoli-permanenti");
    assert!(never["vista"].is_null() && never["nota"].is_null());
    let problem = broken["problemi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["gravita"] == "errore")
        .unwrap();
    let place = &problem["luogo"];
    assert!(
        place["file"]
            .as_str()
            .unwrap()
            .ends_with("g06-patto-educativo.toml"),
        "{problem}"
    );
    assert_eq!(place["riga"], 5);
    assert_eq!(place["testo"], "numero = \"sei\"");
    assert!(!problem["messaggio"].as_str().unwrap().is_empty());
    // The last good pages stay, marked as not current.
    assert_eq!(broken["vista"]["attuale"], false);
    assert_eq!(page_ids(&broken), good_pages);
    // A download is refused with a page that says why.
    let refused = get(&server, "/scarica/pdf?sel=tutto");
    assert_eq!(refused.status, 409);
    assert!(refused.text().contains("errori"));

    replace_in(&content, G06, "numero = \"sei\"", "numero = 6");
    let deadline = Instant::now() + Duration::from_secs(30);
    let fixed = loop {
        let s = state(&server, "tutto");
        if s["errori"] == 0 || Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(fixed["errori"], 0, "{}", fixed["problemi"]);
    assert!(fixed["problemi"].as_array().unwrap().is_empty());
    assert_eq!(fixed["vista"]["attuale"], true);
    assert_eq!(page_ids(&fixed), good_pages);
}

#[test]
fn two_tabs_and_saves_during_a_render_end_on_the_current_files() {
    let (_dir, content) = workspace();
    let server = serve(&content);
    state(&server, "tutto");
    let mut tabs = [Events::open(&server), Events::open(&server)];
    let mut seen = [tabs[0].next_after(0), tabs[1].next_after(0)];
    let path = content.join(G06);
    let original = std::fs::read_to_string(&path).unwrap();
    // One tab keeps asking for the annex while the file is saved five times.
    let asking = {
        let addr = server.addr;
        std::thread::spawn(move || {
            for _ in 0..6 {
                let r = raw_get(addr, "/api/stato?sel=tutto", &addr.to_string());
                assert_eq!(r.status, 200);
            }
        })
    };
    for n in 1..=5 {
        let text = original.replacen(
            "titolo = \"Patto educativo di comunità\"",
            &format!("titolo = \"Patto educativo di comunità, versione {n}\""),
            1,
        );
        std::fs::write(&path, text).unwrap();
        std::thread::sleep(Duration::from_millis(120));
    }
    asking.join().unwrap();
    // Both tabs hear of the change; once the events stop, both see the last save.
    for (tab, seen) in tabs.iter_mut().zip(seen.iter_mut()) {
        *seen = tab.next_after(*seen);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let a = state(&server, "tutto");
        let b = state(&server, "g06-patto-educativo");
        let title = |s: &Value| objective(s, "g06")["titolo"].clone();
        if title(&a) == "Patto educativo di comunità, versione 5"
            && title(&b) == title(&a)
            && b["vista"]["attuale"] == true
            && a["vista"]["attuale"] == true
            && a["generazione"] == b["generazione"]
        {
            break;
        }
        assert!(Instant::now() < deadline, "never showed the last save: {a}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn downloads_are_byte_identical_to_the_commands() {
    let (dir, content) = workspace();
    let server = serve(&content);
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_piao"))
            .args(args)
            .arg("--content")
            .arg(&content)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o
    };
    run(&["build"]);
    run(&["build", "--profilo", "albo"]);
    run(&["preview", "g06"]);
    let json = run(&["export", "--format", "json"]).stdout;
    let csv = run(&["export", "--format", "csv"]).stdout;

    let out = dir.path().join("output");
    let cases = [
        ("tutto", "completo", "variazione-piao-2023-2025"),
        ("tutto", "albo", "variazione-piao-2023-2025-albo"),
        (
            "g06-patto-educativo",
            "completo",
            "anteprima-g06-patto-educativo",
        ),
    ];
    for (sel, profile, stem) in cases {
        for (part, file) in [
            ("pdf", format!("{stem}.pdf")),
            ("impronta", format!("{stem}.pdf.sha256")),
            ("registrazione", format!("{stem}.metadata.json")),
        ] {
            let r = get(
                &server,
                &format!("/scarica/pdf?sel={sel}&profilo={profile}&parte={part}"),
            );
            assert_eq!(r.status, 200, "{sel} {profile} {part}: {}", r.text());
            let expected = std::fs::read(out.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(r.body == expected, "{file} differs from the command's");
            assert_eq!(
                r.header("content-disposition"),
                Some(format!("attachment; filename=\"{file}\"").as_str())
            );
        }
    }
    let r = get(&server, "/scarica/dati?formato=json");
    assert_eq!(r.status, 200);
    assert!(r.body == json, "JSON export differs");
    let r = get(&server, "/scarica/dati?formato=csv");
    assert!(r.body == csv, "CSV export differs");
    // The albo copy exists for the whole annex only.
    assert_eq!(
        get(&server, "/scarica/pdf?sel=g06-patto-educativo&profilo=albo").status,
        409
    );
}

#[test]
fn requests_never_leave_the_routes_and_nothing_is_written() {
    let (dir, content) = workspace();
    let secret = dir.path().join("segreto.txt");
    std::fs::write(&secret, "PAROLA-SEGRETA").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path(), content.join("fuori")).unwrap();
    let before = snapshot(&content);
    let server = serve(&content);
    state(&server, "tutto");

    let host = server.addr.to_string();
    for target in [
        "/../segreto.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/segreto.txt",
        "/%2e%2e%2fsegreto.txt",
        "/..%2f..%2fsegreto.txt",
        "/fuori/segreto.txt",
        "/content/fuori/segreto.txt",
        "/allegato.toml",
        "/gestionali/g06-patto-educativo.toml",
        "/pagina/../../segreto.txt",
        "/pagina/..%2f..%2fsegreto.txt.png",
        "/pagina/00000000000000000000000000000000.png",
        "/app.js/../segreto.txt",
        "//etc/passwd",
        "/scarica/../segreto.txt",
    ] {
        let r = raw_get(server.addr, target, &host);
        assert_eq!(r.status, 404, "{target}: {}", r.text());
        assert!(!r.text().contains("PAROLA-SEGRETA"), "{target}");
        assert!(!r.text().contains("root:"), "{target}");
    }
    for target in [
        "/api/stato?sel=../segreto.txt",
        "/api/stato?sel=..%2F..%2Fsegreto.txt",
        "/api/stato?sel=fuori%2Fsegreto",
    ] {
        let r = raw_get(server.addr, target, &host);
        assert_eq!(r.status, 200);
        let s = r.json();
        assert!(
            s["nota"].as_str().unwrap().contains("non c'è più"),
            "{target}"
        );
        assert!(
            s["vista"].is_null(),
            "{target}: no pages for an unknown objective"
        );
        assert!(!r.text().contains("PAROLA-SEGRETA"));
    }
    for target in [
        "/scarica/pdf?sel=..%2Fsegreto.txt",
        "/scarica/pdf?sel=fuori%2Fsegreto",
    ] {
        let r = raw_get(server.addr, target, &host);
        assert_eq!(r.status, 409, "{target}");
        assert!(!r.text().contains("PAROLA-SEGRETA"));
    }
    // Another site's name pointed at this machine does not get the annex.
    let r = raw_get(server.addr, "/api/stato", "esempio.invalid");
    assert_eq!(r.status, 403);
    // Nothing is written in the content folder.
    drop(server);
    assert_eq!(snapshot(&content), before);
}

#[test]
fn the_printed_address_works_on_other_loopback_addresses() {
    let (_dir, content) = workspace();
    for (ip, start) in [("127.0.0.2", "http://127.0.0.2:"), ("::1", "http://[::1]:")] {
        if ip == "::1" && std::net::TcpListener::bind("[::1]:0").is_err() {
            eprintln!("no IPv6 loopback here: {ip} skipped");
            continue;
        }
        let (server, url) = serve_on(&content, ip);
        assert!(url.starts_with(start), "{ip}: printed {url:?}");
        // What a browser sends when given that address: its host and port as Host.
        let host = url.trim_start_matches("http://").trim_end_matches('/');
        let page = raw_get(server.addr, "/", host);
        assert_eq!(page.status, 200, "{ip}: {}", page.text());
        assert!(page.text().contains("piao-token"));
        assert_eq!(raw_get(server.addr, "/api/stato", host).status, 200, "{ip}");
    }
}

#[test]
fn every_reply_carries_the_security_headers_and_writes_need_the_token() {
    let (_dir, content) = workspace();
    let before = snapshot(&content);
    let server = serve(&content);
    let host = server.addr.to_string();
    let check = |r: &Reply, what: &str| {
        assert!(
            r.header("content-security-policy")
                .is_some_and(|c| c.contains("default-src 'self'")),
            "{what}"
        );
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{what}");
    };
    check(&get(&server, "/"), "200");
    check(&get(&server, "/nessuna"), "404");
    check(&raw_get(server.addr, "/", "esempio.invalid"), "403");
    // The page carries this run's token; its script sends it.
    let page = get(&server, "/").text();
    let at = page
        .find("name=\"piao-token\" content=\"")
        .expect("token in the page")
        + 27;
    let token = &page[at..at + 48];
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    assert!(get(&server, "/app.js").text().contains("X-Piao-Token"));
    let send = |method: &str, headers: &str| {
        let mut s = TcpStream::connect(server.addr).unwrap();
        s.set_read_timeout(Some(SLOW)).unwrap();
        write!(
            s,
            "{method} /api/stato HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
        (status, text.to_ascii_lowercase())
    };
    for method in ["POST", "PUT", "DELETE"] {
        let (status, text) = send(method, "");
        assert_eq!(status, 403, "{method} without token");
        assert!(text.contains("content-security-policy:"), "{method}");
    }
    let ours = format!("X-Piao-Token: {token}\r\nOrigin: http://{host}\r\n");
    let (status, text) = send("POST", &ours);
    assert_eq!(status, 405, "{text}");
    assert!(text.contains("\r\nallow: get, head\r\n"), "{text}");
    assert!(text.contains("content-security-policy:"));
    assert!(text.contains("referrer-policy: no-referrer"));
    drop(server);
    assert_eq!(snapshot(&content), before, "nothing written");
}

/// The kinds of field the forms of `/api/moduli` use, each once.
fn field_kinds(forms: &Value, out: &mut Vec<String>) {
    match forms {
        Value::Object(map) => {
            if let (Some(Value::String(kind)), Some(_)) = (map.get("tipo"), map.get("percorso")) {
                if !out.contains(kind) {
                    out.push(kind.clone());
                }
            }
            map.values().for_each(|v| field_kinds(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| field_kinds(v, out)),
        _ => {}
    }
}

#[test]
fn the_page_has_the_edit_panel_and_a_widget_for_every_field_kind() {
    let (_dir, content) = workspace();
    let server = serve(&content);
    let index = get(&server, "/").text();
    for part in [
        "id=\"editor\"",
        "href=\"#/modifica/allegato.toml\"",
        "href=\"#/modifica/organizzazione.toml\"",
        "href=\"#/nuovo\"",
    ] {
        assert!(index.contains(part), "the page lacks {part}");
    }
    // One script, made of the live view and the edit panel's files.
    let script = get(&server, "/app.js").text();
    for part in [
        "function refresh()",
        "const WIDGETS = {",
        "function openEditor(",
        "function changesSection()",
        "function startFirstRun()",
    ] {
        assert!(script.contains(part), "app.js lacks {part}");
    }
    // Every kind of field a form uses has its widget: a new kind without one would
    // show a plain text input instead of the input its values need.
    let moduli = get(&server, "/api/moduli");
    assert_eq!(moduli.status, 200);
    let mut kinds = Vec::new();
    field_kinds(&moduli.json(), &mut kinds);
    assert!(kinds.len() >= 15, "{kinds:?}");
    let widgets = &script[script.find("const WIDGETS = {").unwrap()..];
    let widgets = &widgets[..widgets.find("\n};").unwrap()];
    for kind in &kinds {
        assert!(
            widgets.contains(&format!("\n  {kind}(")) || widgets.contains(&format!("\n  {kind}:")),
            "no widget for the field kind {kind}"
        );
    }
}

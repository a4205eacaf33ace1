//! The write routes of `piao serve` over HTTP (issue 17), as the page uses them: the
//! server runs in this process (`piao::serve::start`) on a free local port over a
//! scratch copy of a content folder, and is spoken to over real TCP connections with
//! the token and `Origin` the page sends. Covers a save that keeps every other byte and
//! moves the generation once, a save from a stale version refused with both texts, an
//! undo (itself undoable), writes without the token or from another site refused,
//! files outside the content layout refused, hostile text saved and read back verbatim,
//! a new gestionale listed by the state, and the first run on an empty or missing
//! folder. (The editing library itself is tested in `edit.rs`.)

use crate::common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use piao::serve::{self, Running, Settings};
use serde_json::{json, Value};

/// The longest a reply may take (a debug build on a busy machine).
const SLOW: Duration = Duration::from_secs(120);

const G06: &str = "gestionali/g06-patto-educativo.toml";

fn start(content: &Path) -> Running {
    let settings = Settings {
        content: content.to_path_buf(),
        templates: None,
        strict: false,
        naming,
    };
    serve::start(settings, "127.0.0.1:0".parse().unwrap()).unwrap()
}

/// Sends one request with `headers` (besides Host) and `body`, reads the reply.
fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(SLOW)).unwrap();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body);
    let _ = s.write_all(&raw);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    Reply::parse(&out)
}

fn get(server: &Running, target: &str) -> Reply {
    send(server.addr(), "GET", target, &[], b"")
}

/// A POST as the page sends it: token header, own Origin, JSON body.
fn post(server: &Running, route: &str, body: &Value) -> Reply {
    let origin = format!("http://{}", server.addr());
    send(
        server.addr(),
        "POST",
        route,
        &[
            ("X-Piao-Token", server.token()),
            ("Origin", &origin),
            ("Sec-Fetch-Site", "same-origin"),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

/// `/api/file?f=…`, which must answer 200.
fn open(server: &Running, file: &str) -> Value {
    let r = get(server, &format!("/api/file?f={file}"));
    assert_eq!(r.status, 200, "{file}: {}", r.text());
    r.json()
}

/// The state with no view laid out (an objective that is not there): the generation,
/// the list, `inizio`.
fn light_state(server: &Running) -> Value {
    let r = get(server, "/api/stato?sel=-");
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn generation(server: &Running) -> u64 {
    light_state(server)["generazione"].as_u64().unwrap()
}

/// Waits until the generation is past `after`; returns it.
fn generation_past(server: &Running, after: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let g = generation(server);
        if g > after {
            return g;
        }
        assert!(
            Instant::now() < deadline,
            "the generation stayed at {after}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Longer than the watcher's poll (1 s) and debounce: a second bump would be seen.
fn settle() {
    std::thread::sleep(Duration::from_millis(2500));
}

/// Request headers, name and value.
type Headers<'a> = Vec<(&'a str, &'a str)>;

/// `/api/salva` of `edits` on `file` as it is now (opened first, as the form does).
fn save_over(server: &Running, file: &str, edits: Value) -> Reply {
    let opened = open(server, file);
    post(
        server,
        "/api/salva",
        &json!({ "file": file, "base": opened["digest"], "modifiche": edits }),
    )
}

/// `/api/ripristina` of version `id` of `file`, made from the version `base`.
fn restore(server: &Running, file: &str, base: &str, id: &str) -> Reply {
    post(
        server,
        "/api/ripristina",
        &json!({ "file": file, "base": base, "versione": id }),
    )
}

fn set(field: &str, value: Value) -> Value {
    json!({ "op": "set", "field": field, "value": value })
}

fn add(list: &str, values: Value) -> Value {
    json!({ "op": "add", "list": list, "values": values })
}

fn sha(bytes: &[u8]) -> String {
    piao::publish::sha256_hex(bytes)
}

#[test]
fn a_save_keeps_every_other_byte_and_moves_the_generation_once() {
    let (_tmp, content) = workspace_of("content");
    let server = start(&content);
    let before_gen = generation(&server);
    let opened = open(&server, G06);
    let before = std::fs::read_to_string(content.join(G06)).unwrap();
    assert_eq!(opened["testo"], before.as_str());
    assert_eq!(opened["digest"], sha(before.as_bytes()).as_str());
    assert_eq!(opened["tipo"], "gestionale");
    assert_eq!(opened["valori"]["titolo"], "Patto educativo di comunità");
    assert!(opened["problemi"].is_array());

    let new_title = "Patto educativo \"di comunità\" # non un commento";
    let r = post(
        &server,
        "/api/salva",
        &json!({
            "file": G06,
            "base": opened["digest"],
            "modifiche": [set("titolo", json!(new_title))],
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let saved = r.json();
    assert_eq!(saved["esito"], "salvato");
    assert_eq!(saved["file"], G06);
    let after = std::fs::read_to_string(content.join(G06)).unwrap();
    // Only the value changed: every comment, blank line and key order kept.
    let expected = before.replacen(
        "titolo = \"Patto educativo di comunità\"",
        // (a text with double quotes is written between single ones, as a person would)
        "titolo = 'Patto educativo \"di comunità\" # non un commento'",
        1,
    );
    assert_ne!(expected, before, "the old line is in the file");
    assert_eq!(after, expected);
    assert_eq!(saved["testo"], after.as_str());
    assert_eq!(saved["digest"], sha(after.as_bytes()).as_str());
    assert_eq!(saved["valori"]["titolo"], new_title);
    assert_eq!(saved["compilabile"], true, "{}", saved["problemi"]);
    assert!(saved["errori"].is_u64() && saved["problemi"].is_array());

    // The save has moved the generation already, once (the watcher does not move it
    // again for the same change), and the state shows it.
    let moved = generation(&server);
    assert_eq!(moved, before_gen + 1);
    settle();
    assert_eq!(generation(&server), moved, "one save, one generation");
    let listed = light_state(&server);
    let g06 = listed["obiettivi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["breve"] == "g06")
        .unwrap();
    assert_eq!(g06["titolo"], new_title);

    // Reading the kept versions moves nothing.
    let h = get(&server, &format!("/api/storia?f={G06}"));
    assert_eq!(h.status, 200, "{}", h.text());
    assert_eq!(h.json()["versioni"].as_array().unwrap().len(), 1);
    let id = h.json()["versioni"][0]["id"].as_str().unwrap().to_string();
    let v = get(&server, &format!("/api/storia/versione?f={G06}&id={id}"));
    assert_eq!(v.status, 200);
    assert_eq!(v.json()["testo"], before.as_str());
    settle();
    assert_eq!(
        generation(&server),
        moved,
        "reading the history is no change"
    );
}

#[test]
fn a_save_from_a_stale_version_is_refused_with_both_versions() {
    let (_tmp, content) = workspace_of("content");
    let server = start(&content);
    let first = open(&server, "allegato.toml");
    let base = first["digest"].clone();
    // A colleague's editor saves the file meanwhile.
    let path = content.join("allegato.toml");
    let theirs = std::fs::read_to_string(&path).unwrap().replacen(
        "Comune di Segrate",
        "Comune di Altrove",
        1,
    );
    std::fs::write(&path, &theirs).unwrap();
    let tree_before = snapshot(&content);

    let r = post(
        &server,
        "/api/salva",
        &json!({
            "file": "allegato.toml",
            "base": base,
            "modifiche": [set("titolo", json!("Il mio titolo"))],
        }),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    let c = r.json();
    assert_eq!(c["esito"], "conflitto");
    assert_eq!(c["file"], "allegato.toml");
    assert_eq!(c["on_disk"], theirs.as_str());
    assert_eq!(c["on_disk_digest"], sha(theirs.as_bytes()).as_str());
    // Mine, made on theirs: both changes, for the user to choose.
    let yours = c["yours"].as_str().unwrap();
    assert!(yours.contains("Comune di Altrove") && yours.contains("Il mio titolo"));
    assert_eq!(snapshot(&content), tree_before, "nothing written");

    // Saving again on purpose over the version on disk goes through.
    let r = post(
        &server,
        "/api/salva",
        &json!({
            "file": "allegato.toml",
            "base": c["on_disk_digest"],
            "modifiche": [set("titolo", json!("Il mio titolo"))],
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), yours);
    // A file not there is "assente": a save claiming to create it over one is refused.
    let r = post(
        &server,
        "/api/salva",
        &json!({ "file": "allegato.toml", "base": "assente", "modifiche": [] }),
    );
    assert_eq!(r.status, 409, "{}", r.text());
}

#[test]
fn a_restore_undoes_a_save_and_can_be_undone_in_turn() {
    let (_tmp, content) = workspace_of("tests/fixtures/comune-di-valbruna");
    let file = "gestionali/g03-archivio-digitale.toml";
    let path = content.join(file);
    let server = start(&content);
    let a = std::fs::read(&path).unwrap();
    let saved = post(
        &server,
        "/api/salva",
        &json!({
            "file": file,
            "base": sha(&a),
            "modifiche": [set("fasi[0].descrizione", json!("una fase riscritta"))],
        }),
    );
    assert_eq!(saved.status, 200, "{}", saved.text());
    let b = std::fs::read(&path).unwrap();
    assert_ne!(a, b);

    let history = get(&server, &format!("/api/storia?f={file}")).json();
    let versions = history["versioni"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["digest"], sha(&a).as_str());
    let id_a = versions[0]["id"].as_str().unwrap().to_string();

    // A restore from a stale base is refused like a save.
    let r = restore(&server, file, &sha(&a), &id_a);
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(std::fs::read(&path).unwrap(), b);

    // Undo: A is back, byte for byte.
    let r = restore(&server, file, &sha(&b), &id_a);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["digest"], sha(&a).as_str());
    assert_eq!(std::fs::read(&path).unwrap(), a);

    // The restore kept B: undoing the undo puts B back.
    let history = get(&server, &format!("/api/storia?f={file}")).json();
    let versions = history["versioni"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["digest"], sha(&b).as_str(), "latest first");
    let id_b = versions[0]["id"].as_str().unwrap().to_string();
    let r = restore(&server, file, &sha(&a), &id_b);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(std::fs::read(&path).unwrap(), b);

    // A version that is not there.
    let r = restore(
        &server,
        file,
        &sha(&b),
        "20200101T000000Z-000000000000.toml",
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(std::fs::read(&path).unwrap(), b);
}

#[test]
fn writes_without_the_token_or_from_another_site_touch_nothing() {
    let (tmp, content) = workspace_of("content");
    let server = start(&content);
    let before = snapshot(tmp.path());
    let digest = sha(&std::fs::read(content.join("allegato.toml")).unwrap());
    let own = format!("http://{}", server.addr());
    let token = server.token().to_string();
    let wrong = "0".repeat(token.len());
    let bodies = [
        (
            "/api/salva",
            json!({ "file": "allegato.toml", "base": digest, "modifiche": [set("ente", json!("Comune Pirata"))] }),
        ),
        (
            "/api/nuovo",
            json!({ "gestionale": true, "numero": null, "titolo": "Pirata", "sezione": "" }),
        ),
        (
            "/api/ripristina",
            json!({ "file": "allegato.toml", "base": digest, "versione": "x.toml" }),
        ),
    ];
    let cases: Vec<(&str, Headers, String)> = vec![
        ("no token", vec![("Origin", &own)], String::new()),
        (
            "wrong token",
            vec![("Origin", &own), ("X-Piao-Token", &wrong)],
            String::new(),
        ),
        (
            "token only in the address",
            vec![("Origin", &own)],
            format!("?t={token}"),
        ),
        ("no Origin", vec![("X-Piao-Token", &token)], String::new()),
        (
            "foreign Origin",
            vec![
                ("Origin", "http://esempio.invalid"),
                ("X-Piao-Token", &token),
            ],
            String::new(),
        ),
        (
            "Origin null",
            vec![("Origin", "null"), ("X-Piao-Token", &token)],
            String::new(),
        ),
        (
            "another site",
            vec![
                ("Origin", &own),
                ("X-Piao-Token", &token),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            String::new(),
        ),
    ];
    for (route, body) in &bodies {
        for (what, headers, query) in &cases {
            let r = send(
                server.addr(),
                "POST",
                &format!("{route}{query}"),
                headers,
                body.to_string().as_bytes(),
            );
            assert_eq!(r.status, 403, "{route} {what}: {}", r.text());
        }
    }
    // The same request with the page's headers does write (so the refusals above are
    // the guard's, not a broken body).
    assert_eq!(snapshot(tmp.path()), before, "nothing touched");
    assert_eq!(post(&server, "/api/salva", &bodies[0].1).status, 200);
    assert_ne!(snapshot(tmp.path()), before);
}

#[test]
fn files_outside_the_content_layout_are_refused_and_nothing_is_written() {
    let (tmp, content) = workspace_of("content");
    // A link inside the content folder to a file outside it.
    let outside = tmp.path().join("fuori.toml");
    std::fs::write(&outside, "titolo = \"fuori\"\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, content.join("istituzionali/i99-collegato.toml")).unwrap();
    let server = start(&content);
    let before = snapshot(tmp.path());
    for file in [
        "../x.toml",
        "../content/allegato.toml",
        "gestionali/../../etc",
        "gestionali/../../x.toml",
        "gestionali/../allegato.toml",
        "/etc/passwd",
        "/tmp/x.toml",
        "allegato.toml.bak",
        "allegato.toml/",
        "./allegato.toml",
        ".piao-storia/allegato.toml",
        "gestionali/.nascosto.toml",
        "gestionali\\..\\..\\x.toml",
        "C:\\x.toml",
        "gestionali/sotto/g01.toml",
        "fuori.toml",
        "istituzionali/../fuori.toml",
        "allegato.toml\u{0}.txt",
        "",
    ] {
        let quoted: String = file.bytes().map(|b| format!("%{b:02X}")).collect();
        for target in [
            format!("/api/file?f={quoted}"),
            format!("/api/storia?f={quoted}"),
            format!("/api/storia/versione?f={quoted}&id=x.toml"),
        ] {
            let r = get(&server, &target);
            assert_eq!(r.status, 404, "{target}: {}", r.text());
        }
        let save = post(
            &server,
            "/api/salva",
            &json!({ "file": file, "base": "assente", "modifiche": [set("ente", json!("x"))] }),
        );
        let restore = restore(&server, file, "assente", "x.toml");
        for (what, r) in [("salva", save), ("ripristina", restore)] {
            assert_eq!(r.status, 404, "{what} {file:?}: {}", r.text());
            assert_eq!(r.json()["esito"], "errore");
        }
    }
    // A file of the layout that is a link is neither read nor written through.
    #[cfg(unix)]
    {
        let linked = "istituzionali/i99-collegato.toml";
        let r = get(&server, &format!("/api/file?f={linked}"));
        assert_eq!(r.status, 422, "{}", r.text());
        assert!(r.json()["message"]
            .as_str()
            .unwrap()
            .contains("collegamento"));
        let r = post(
            &server,
            "/api/salva",
            &json!({ "file": linked, "base": sha(b"titolo = \"fuori\"\n"), "modifiche": [set("servizio", json!("x"))] }),
        );
        assert_eq!(r.status, 422, "{}", r.text());
    }
    // A kept version is named by its id alone: no way out of the history.
    for id in [
        "../allegato.toml",
        "..%2F..%2Fallegato.toml",
        "%2Fetc%2Fpasswd",
    ] {
        let r = get(
            &server,
            &format!("/api/storia/versione?f=allegato.toml&id={id}"),
        );
        assert_eq!(r.status, 404, "{id}");
    }
    settle();
    assert_eq!(snapshot(tmp.path()), before, "nothing written anywhere");
}

#[test]
fn malformed_bodies_and_wrong_methods_are_refused() {
    let (tmp, content) = workspace_of("content");
    let server = start(&content);
    let before = snapshot(tmp.path());
    let own = format!("http://{}", server.addr());
    let headers = [("X-Piao-Token", server.token()), ("Origin", own.as_str())];
    for route in ["/api/salva", "/api/nuovo", "/api/ripristina"] {
        for body in [
            &b"{nope"[..],
            b"",
            b"[]",
            b"{\"file\": 3}",
            b"{\"file\":\"allegato.toml\",\"base\":\"assente\",\"modifiche\":[],\"extra\":1}",
            b"{\"file\":\"allegato.toml\",\"base\":\"assente\",\"modifiche\":[{\"op\":\"cancella\"}]}",
            b"\xff\xfe",
        ] {
            let r = send(server.addr(), "POST", route, &headers, body);
            assert_eq!(r.status, 400, "{route} {:?}", String::from_utf8_lossy(body));
            let e = r.json();
            assert_eq!(e["esito"], "errore");
            assert!(e["message"].as_str().unwrap().contains("ricarica la pagina"));
        }
        let r = send(server.addr(), "PUT", route, &headers, b"{}");
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("POST"));
        let r = get(&server, route);
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("POST"));
    }
    // A read route is not written through.
    let r = send(
        server.addr(),
        "POST",
        "/api/file?f=allegato.toml",
        &headers,
        b"{}",
    );
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD"));
    assert_eq!(snapshot(tmp.path()), before, "nothing written");
}

/// Texts that are special for Typst, TOML, HTML, MiniJinja or the terminal.
const HOSTILE: &[&str] = &[
    "</script><script>alert(1)</script>",
    "\"\"\" fine della stringa? \"\"\"",
    "''' e '",
    "#{ x } #set page(fill: red) $x^2$ *a* _b_ @c <d> [e] ~ -- `f`",
    "righe\nseparate\n\ncon un paragrafo\n",
    "\r\nritorno\ta capo\u{b}",
    "{{ variabile }} {% if x %}{% endif %} {# c #}",
    "NUL \u{0} dentro",
    "\u{202e}testo a rovescio\u{202c} \u{200f}RLM \u{2066}isolato\u{2069}",
    "chiave = \"valore\"\n[[fasi]]\nnumero = 99",
    "\\ \\\\ \\n \\u0041",
    "emoji 🏛️ e accenti àèéìòù",
    " spazi ai lati ",
];

#[test]
fn hostile_text_is_saved_and_read_back_verbatim() {
    let (_tmp, content) = workspace_of("tests/fixtures/comune-di-valbruna");
    let file = "gestionali/g03-archivio-digitale.toml";
    let server = start(&content);
    for text in HOSTILE {
        let r = save_over(
            &server,
            file,
            json!([
                set("titolo", json!(text)),
                set("fasi[1].descrizione", json!(text)),
            ]),
        );
        assert_eq!(r.status, 200, "{text:?}: {}", r.text());
        assert_eq!(r.json()["valori"]["titolo"], *text, "answer of the save");
        // Read back through the route…
        let back = open(&server, file);
        assert_eq!(back["valori"]["titolo"], *text, "{text:?}");
        assert_eq!(back["valori"]["fasi"][1]["descrizione"], *text, "{text:?}");
        // …and as any TOML reader reads the file.
        let table: toml::Table = std::fs::read_to_string(content.join(file))
            .unwrap()
            .parse()
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(table["titolo"].as_str(), Some(*text));
    }
}

#[test]
fn a_new_gestionale_is_created_and_listed() {
    let (_tmp, content) = workspace_of("content");
    let server = start(&content);
    let g = generation(&server);
    let r = post(
        &server,
        "/api/nuovo",
        &json!({
            "gestionale": true,
            "numero": null,
            "titolo": "Sportello unico: \"nuovo\" servizio",
            "sezione": "Servizi demografici e al cittadino",
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let created = r.json();
    assert_eq!(created["esito"], "salvato");
    assert!(created["avviso"].is_null(), "{}", created["avviso"]);
    let file = created["file"].as_str().unwrap().to_string();
    assert!(
        file.starts_with("gestionali/g") && file.ends_with("-sportello-unico-nuovo-servizio.toml"),
        "{file}"
    );
    let text = std::fs::read_to_string(content.join(&file)).unwrap();
    assert_eq!(created["testo"], text.as_str());
    assert_eq!(
        created["valori"]["sezione"], "Servizi demografici e al cittadino",
        "the sezione's facts are filled in"
    );
    // The state lists it once the watcher has seen it.
    generation_past(&server, g);
    let state = light_state(&server);
    let stem = file
        .trim_start_matches("gestionali/")
        .trim_end_matches(".toml");
    let listed = state["obiettivi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == stem)
        .unwrap_or_else(|| panic!("{stem} not listed: {}", state["obiettivi"]));
    assert_eq!(listed["tipo"], "gestionale");
    assert_eq!(listed["titolo"], "Sportello unico: \"nuovo\" servizio");
    // A number already used is refused, nothing written.
    let used = created["valori"]["numero"].as_u64().unwrap();
    let r = post(
        &server,
        "/api/nuovo",
        &json!({ "gestionale": true, "numero": used, "titolo": "Doppione", "sezione": "" }),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.json()["message"].as_str().unwrap().contains("già usato"));
    assert!(!std::fs::read_dir(content.join("gestionali"))
        .unwrap()
        .any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("doppione")));
    // An unknown sezione: created all the same, with a warning to show.
    let r = post(
        &server,
        "/api/nuovo",
        &json!({ "gestionale": false, "titolo": "Servizio senza sezione", "sezione": "Nessuna sezione così" }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["avviso"].is_string(), "{}", r.text());
    assert!(r.json()["file"]
        .as_str()
        .unwrap()
        .starts_with("istituzionali/i"));
}

/// The ente and the plan, and the organisation, as the first-run form saves them.
fn first_run_saves(server: &Running) {
    let r = post(
        server,
        "/api/salva",
        &json!({
            "file": "allegato.toml",
            "base": "assente",
            "modifiche": [
                set("ente", json!("Comune di Borgo Fiorito")),
                set("provincia", json!("Provincia di Cuneo")),
                set("titolo", json!("Variazione n. 1 al PIAO 2025-2027")),
                set("anno_inizio", json!("2025")),
                set("anno_fine", json!("2027")),
                set("numero_variazione", json!("1")),
                set("data_documento", json!("2025-06-30")),
                set("monitoraggi[0]", json!("2025-07-31")),
                set("monitoraggi[1]", json!("2025-12-31")),
                set("delibera.organo", json!("Giunta Comunale")),
            ],
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let saved = r.json();
    assert_eq!(
        saved["valori"]["data_documento"], "2025-06-30",
        "dates as text"
    );
    assert_eq!(saved["valori"]["anno_inizio"], 2025);
    let r = post(
        server,
        "/api/salva",
        &json!({
            "file": "organizzazione.toml",
            "base": "assente",
            "modifiche": [
                add("direzioni", json!({"nome": "Area Amministrativa", "dirigente": {"cognome": "Ferri", "nome": "Paola"}})),
                add("direzioni[0].sezioni", json!({
                    "nome": "Servizi demografici",
                    "responsabile": {"cognome": "Galli", "nome": "Enrico"},
                    "assessore": {"cognome": "Riva", "nome": "Chiara"}
                })),
                add("personale", json!({"nome": "GALLI ENRICO", "categoria": "Funzionari e EQ"})),
            ],
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn the_first_run_starts_on_an_empty_or_missing_folder_and_its_saves_make_the_annex() {
    for missing in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("contenuti");
        if !missing {
            std::fs::create_dir(&content).unwrap();
        }
        let server = start(&content);
        let state = light_state(&server);
        assert_eq!(state["inizio"], true, "missing: {missing}");
        assert_eq!(state["obiettivi"], json!([]));
        if missing {
            assert_eq!(
                state["errori"], 0,
                "a folder not there yet is no error: {state}"
            );
        }
        let blank = open(&server, "allegato.toml");
        assert_eq!(blank["digest"], "assente");
        assert!(blank["testo"].is_null() && blank["valori"].is_null());
        assert_eq!(content.exists(), !missing, "reading makes nothing");

        let g = generation(&server);
        first_run_saves(&server);
        assert!(content.join("allegato.toml").is_file());
        assert!(content.join("organizzazione.toml").is_file());
        generation_past(&server, g);
        let state = light_state(&server);
        assert_eq!(state["inizio"], false, "missing: {missing}: {state}");
        // A gestionale from the new organisation's sezione, into a new gestionali/.
        let r = post(
            &server,
            "/api/nuovo",
            &json!({ "gestionale": true, "numero": null, "titolo": "Anagrafe online", "sezione": "Servizi demografici" }),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.json()["avviso"].is_null(), "{}", r.text());
        assert_eq!(r.json()["file"], "gestionali/g01-anagrafe-online.toml");
        assert!(content
            .join("gestionali/g01-anagrafe-online.toml")
            .is_file());
    }
}

#[test]
fn the_forms_are_served_for_every_file_and_change() {
    let (_tmp, content) = workspace_of("tests/fixtures/comune-di-valbruna");
    let server = start(&content);
    let r = get(&server, "/api/moduli");
    assert_eq!(r.status, 200);
    let forms = r.json();
    for kind in ["allegato", "organizzazione", "gestionale", "istituzionale"] {
        assert_eq!(forms[kind]["file"], kind);
        assert!(
            !forms[kind]["campi"].as_array().unwrap().is_empty(),
            "{kind}"
        );
    }
    let managed = forms["variazioni"]["gestionale"].as_array().unwrap();
    let services = forms["variazioni"]["istituzionale"].as_array().unwrap();
    assert_eq!(managed.len(), piao::edit::change_forms(true).len());
    assert_eq!(services.len(), piao::edit::change_forms(false).len());
    assert!(managed.iter().any(|f| f["tipo"] == "eliminare_obiettivo"));
    assert!(!services.iter().any(|f| f["tipo"] == "eliminare_obiettivo"));
    // Dates read as text, as the form's inputs take them.
    let opened = open(&server, "allegato.toml");
    let text = opened["testo"].as_str().unwrap();
    let table: toml::Table = text.parse().unwrap();
    let date = table["data_documento"].as_datetime().unwrap().to_string();
    assert_eq!(opened["valori"]["data_documento"], date.as_str());
}

#[test]
fn a_draft_with_errors_is_saved_and_its_problems_are_at_their_fields() {
    let (_tmp, content) = workspace_of("tests/fixtures/comune-di-valbruna");
    let file = "gestionali/g03-archivio-digitale.toml";
    let server = start(&content);
    assert_eq!(open(&server, file)["compilabile"], true);
    let r = save_over(
        &server,
        file,
        json!([set("personale[0].partecipazione", json!("dodici"))]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let saved = r.json();
    assert_eq!(saved["compilabile"], false, "{}", saved["problemi"]);
    assert!(saved["errori"].as_u64().unwrap() >= 1);
    let at_field = |problems: &Value| {
        problems.as_array().unwrap().iter().any(|p| {
            p["file"] == file
                && p["field"] == "personale[0].partecipazione"
                && p["gravita"] == "errore"
        })
    };
    assert!(at_field(&saved["problemi"]), "{}", saved["problemi"]);
    // The form opened again shows the same problem at the same field, and only this
    // file's problems.
    let again = open(&server, file);
    assert_eq!(again["compilabile"], false);
    assert!(at_field(&again["problemi"]), "{}", again["problemi"]);
    assert!(again["problemi"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["file"] == file));
    assert_eq!(again["valori"]["personale"][0]["partecipazione"], "dodici");
}

#[test]
fn a_folder_whose_parent_is_missing_or_a_file_is_refused_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("un-file.toml");
    std::fs::write(&file, "").unwrap();
    for (content, says) in [
        (tmp.path().join("manca").join("contenuti"), "non esiste"),
        (file, "non una cartella"),
    ] {
        let settings = Settings {
            content: content.clone(),
            templates: None,
            strict: false,
            naming,
        };
        let Err(e) = serve::start(settings, "127.0.0.1:0".parse().unwrap()) else {
            panic!("{} accepted", content.display());
        };
        assert!(e.contains(says), "{e}");
    }
    assert!(!tmp.path().join("manca").exists(), "nothing made");
}

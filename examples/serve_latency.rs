//! `cargo run --example serve_latency -- --piao target/debug/piao --content DIR [--runs N] [--salva]`
//!
//! How long `piao serve` takes from a save to the updated page, as a browser sees it:
//! the time from writing a content file to having (1) the server-sent event, (2) the
//! new state of the view (`/api/stato`, which lays the view out again) and (3) the PNG
//! of the first page that changed. Measured for the view of one objective and for the
//! whole annex, alternating, on a scratch copy of DIR (one title is edited back and
//! forth). Prints the median and the range of each step, and the server's own account
//! of the state: loading and checking the files, laying out the view. See BENCHMARKS.md.
//!
//! With `--salva`, the title is changed as the page's form does it: a `POST
//! /api/salva` (with the run's token, from the page) instead of a write of the file;
//! the times then start when the request is sent, and the answer of the save (the file
//! written, the content folder checked) is timed too.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// `copy_dir` and `page_ids`, shared with the tests.
#[path = "../tests/common/plain.rs"]
mod plain;
use plain::{copy_dir, page_ids};

fn main() {
    let mut piao = PathBuf::from("target/debug/piao");
    let mut content: Option<PathBuf> = None;
    let mut runs = 7usize;
    let mut form = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--piao" => piao = args.next().map(PathBuf::from).expect("--piao PATH"),
            "--content" => content = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--salva" => form = true,
            other => panic!("unknown argument {other}"),
        }
    }
    let content = content.expect("--content DIR");
    let scratch = std::env::temp_dir().join(format!("piao-serve-latency-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(&content, &scratch);

    // The first management objective: its title line is edited.
    let mut files: Vec<PathBuf> = std::fs::read_dir(scratch.join("gestionali"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let file = files[0].clone();
    let id = file.file_stem().unwrap().to_string_lossy().into_owned();

    let mut server = Server(
        Command::new(&piao)
            .args(["serve", "--porta", "0", "--contenuti"])
            .arg(&scratch)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start piao serve"),
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();

    let token = form.then(|| page_token(addr));
    let relative = format!("gestionali/{id}.toml");
    let mut events = Events::open(addr);
    let mut generation = events.next_after(0);
    let views = [id.as_str(), "tutto"];
    let mut pages: Vec<Vec<String>> = Vec::new();
    for v in views {
        let t = Instant::now();
        let s = state(addr, v);
        eprintln!(
            "first layout of {v}: {:.0} ms, {} pages",
            ms(t.elapsed()),
            s["vista"]["pagine"].as_array().unwrap().len()
        );
        pages.push(page_ids(&s));
    }

    // Per view: event, state, PNG (client side); load + check, layout (server side);
    // the answer of the save (with --salva).
    let mut results: Vec<[Vec<f64>; 6]> = vec![Default::default(), Default::default()];
    for run in 0..runs {
        for (i, v) in views.iter().enumerate() {
            let text = std::fs::read_to_string(&file).unwrap();
            let edited = edit_title(&text, run * 2 + i);
            let start = Instant::now();
            match &token {
                None => std::fs::write(&file, edited).unwrap(),
                Some(token) => {
                    let title = edited
                        .lines()
                        .find_map(|l| l.strip_prefix("titolo = \""))
                        .and_then(|l| l.strip_suffix('"'))
                        .unwrap();
                    let body = serde_json::json!({
                        "file": relative,
                        "base": piao::publish::sha256_hex(text.as_bytes()),
                        "modifiche": [{"op": "set", "field": "titolo", "value": title}],
                    });
                    let (status, answer) = post(addr, token, "/api/salva", &body.to_string());
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
                    results[i][5].push(ms(start.elapsed()));
                }
            }
            generation = events.next_after(generation);
            let evented = start.elapsed();
            let s = state(addr, v);
            let stated = start.elapsed();
            // The state shows the new generation, laid out for it.
            assert_eq!(s["generazione"].as_u64(), Some(generation));
            assert_eq!(s["vista"]["generazione"].as_u64(), Some(generation));
            assert_eq!(s["vista"]["attuale"], true);
            let new = page_ids(&s);
            let changed = new
                .iter()
                .find(|p| !pages[i].contains(p))
                .expect("a page changed");
            let png = get(addr, &format!("/pagina/{changed}.png?s=2"));
            assert!(
                png.starts_with(b"\x89PNG"),
                "{}",
                String::from_utf8_lossy(&png)
            );
            let imaged = start.elapsed();
            pages[i] = new;
            results[i][0].push(ms(evented));
            results[i][1].push(ms(stated));
            results[i][2].push(ms(imaged));
            results[i][3].push(s["controllo_ms"].as_f64().unwrap());
            results[i][4].push(s["vista"]["millisecondi"].as_f64().unwrap());
        }
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&scratch);

    if form {
        println!("Saved with POST /api/salva; times from the request sent.");
        println!("| view | save answered | event | state (laid out) | first changed page (PNG) | of which load + check | layout |");
        println!("| --- | --- | --- | --- | --- | --- | --- |");
    } else {
        println!("| view | event | state (laid out) | first changed page (PNG) | of which load + check | layout |");
        println!("| --- | --- | --- | --- | --- | --- |");
    }
    for (i, v) in views.iter().enumerate() {
        let name = if *v == "tutto" {
            format!("whole annex ({} pages)", pages[i].len())
        } else {
            format!("one objective, {v} ({} pages)", pages[i].len())
        };
        let saved = if form {
            format!(" {} |", summary(&results[i][5]))
        } else {
            String::new()
        };
        println!(
            "| {name} |{saved} {} | {} | {} | {} | {} |",
            summary(&results[i][0]),
            summary(&results[i][1]),
            summary(&results[i][2]),
            summary(&results[i][3]),
            summary(&results[i][4])
        );
    }
}

/// The server, stopped when dropped (also when a measurement panics).
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median (min-max) in milliseconds.
fn summary(values: &[f64]) -> String {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    format!(
        "{:.0} ms ({:.0}-{:.0})",
        v[v.len() / 2],
        v[0],
        v[v.len() - 1]
    )
}

/// The text with the first `titolo = "` line changed: a different word each time.
fn edit_title(text: &str, n: usize) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && line.starts_with("titolo = \"") {
            let rest = line.trim_start_matches("titolo = \"");
            let rest = match rest.split_once(" [prova ") {
                Some((_, after)) => after.split_once("] ").map_or(rest, |(_, r)| r),
                None => rest,
            };
            out.push_str(&format!("titolo = \" [prova {n}] {rest}"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    assert!(done, "no title line");
    out
}

fn state(addr: SocketAddr, sel: &str) -> serde_json::Value {
    serde_json::from_slice(&get(addr, &format!("/api/stato?sel={sel}"))).unwrap()
}

/// A GET with `Connection: close`; the body (the server sends a length).
fn get(addr: SocketAddr, target: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    raw[split + 4..].to_vec()
}

/// This run's token, as the page carries it.
fn page_token(addr: SocketAddr) -> String {
    let page = String::from_utf8(get(addr, "/")).unwrap();
    let at = page
        .find("name=\"piao-token\" content=\"")
        .expect("token in the page")
        + 27;
    page[at..at + 48].to_string()
}

/// A POST as the page sends it (token, own Origin); the status and body.
fn post(addr: SocketAddr, token: &str, target: &str, body: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nX-Piao-Token: {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let status = String::from_utf8_lossy(&raw[9..12]).parse().unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (status, raw[split + 4..].to_vec())
}

struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(addr: SocketAddr) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET /eventi HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        Events {
            reader: BufReader::new(s),
        }
    }
    fn next_after(&mut self, after: u64) -> u64 {
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            if let Some(g) = line.trim_end().strip_prefix("data: ") {
                let g: u64 = g.parse().unwrap();
                if g > after {
                    return g;
                }
            }
        }
    }
}

//! `cargo run --release --example largest -- --piao target/release/piao [--only NAME] [--cap GIB]`
//!
//! Builds the largest content that `piao check` accepts in each dimension the limits
//! bound (`src/limits.rs`), and records what `piao build` costs: wall and CPU time, peak
//! resident memory, pages. Every case must stay within 2 GiB (the memory promise of the
//! README); the table it prints is the one in BENCHMARKS.md.
//!
//! The cases, written by the synthetic generator (`examples/synth/generator.rs`) into
//! `$TMPDIR/piao-largest/NAME`:
//! - `obiettivi`: [`MAX_OBJECTIVES`] objectives of the usual mix;
//! - `fasi`, `indicatori`, `personale`: gestionali with the most phases, indicators or
//!   staff rows a scheda may have, as many as the limit on rows in all allows;
//! - `testo`: gestionali whose phases are long texts, as many as the limit on bytes in
//!   all allows (each file under the limit of a file);
//! - `tutto`: gestionali of the most phases, with texts long enough that the limits on
//!   rows and on bytes are reached together.
//!
//! Each build runs alone (one at a time), in its own process, under an address-space
//! limit (`--cap`, 8 GiB by default, through `prlimit --as`), so that a case that
//! outgrows the machine fails instead of taking it down. Peak RSS and CPU time come from
//! GNU time (`/usr/bin/time`, Debian package `time`). Linux only.

#[path = "synth/generator.rs"]
mod generator;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use generator::Shape;
use piao::limits::{
    MAX_CONTENT_BYTES, MAX_FIELD_CHARS, MAX_FILE_BYTES, MAX_INDICATORS_PER_SCHEDA, MAX_OBJECTIVES,
    MAX_PHASES_PER_SCHEDA, MAX_ROWS, MAX_STAFF_PER_SCHEDA,
};

/// The memory every case must stay within.
const PROMISE_MIB: u64 = 2048;

/// The rows `limits::check_rows` counts in a generated file: one per `[[…]]` entry of a
/// table of rows.
fn rows(text: &str) -> usize {
    const ROWS: &[&str] = &[
        "[[fasi]]",
        "[[indicatori.",
        "[[indicatori]]",
        "[[personale]]",
        "[[risorse]]",
        "[[attivita]]",
        "[[variazioni.modifiche]]",
        "[[tabelle.corsi]]",
    ];
    text.lines()
        .filter(|l| ROWS.iter().any(|r| l.trim_start().starts_with(r)))
        .count()
}

/// The largest number of objectives (at most `MAX_OBJECTIVES`) whose content, shaped by
/// `shape`, stays within the limits on rows and bytes.
fn largest_n(shape: Shape) -> usize {
    generator::set_shape(shape);
    let fits = |n: usize| {
        let s = generator::synthesize(n);
        let rows: usize = s.files.iter().map(|(_, t)| rows(t)).sum();
        let bytes: usize = s.files.iter().map(|(_, t)| t.len()).sum();
        let file_ok = s
            .files
            .iter()
            .all(|(_, t)| t.len() as u64 <= MAX_FILE_BYTES);
        rows <= MAX_ROWS && bytes as u64 <= MAX_CONTENT_BYTES && file_ok
    };
    let (mut lo, mut hi) = (1, MAX_OBJECTIVES);
    if fits(hi) {
        return hi;
    }
    // fits(lo), !fits(hi)
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

struct Case {
    name: &'static str,
    what: String,
    shape: Shape,
}

fn cases() -> Vec<Case> {
    let managed = Shape {
        only_managed: true,
        ..Shape::default()
    };
    vec![
        Case {
            name: "obiettivi",
            what: format!("{MAX_OBJECTIVES} obiettivi (il limite), del solito tipo"),
            shape: Shape::default(),
        },
        Case {
            name: "fasi",
            what: format!("gestionali di {MAX_PHASES_PER_SCHEDA} fasi (il limite per scheda)"),
            shape: Shape {
                phases: Some(MAX_PHASES_PER_SCHEDA),
                ..managed
            },
        },
        Case {
            name: "indicatori",
            what: format!(
                "gestionali di {MAX_INDICATORS_PER_SCHEDA} indicatori (il limite per scheda)"
            ),
            shape: Shape {
                indicators: Some(MAX_INDICATORS_PER_SCHEDA),
                ..managed
            },
        },
        Case {
            name: "personale",
            what: format!(
                "gestionali di {MAX_STAFF_PER_SCHEDA} righe di personale (il limite per scheda)"
            ),
            shape: Shape {
                staff: Some(MAX_STAFF_PER_SCHEDA),
                ..managed
            },
        },
        Case {
            name: "testo",
            what: format!(
                "gestionali di {MAX_PHASES_PER_SCHEDA} fasi descritte in {} caratteri ciascuna",
                MAX_FIELD_CHARS / 4
            ),
            shape: Shape {
                phases: Some(MAX_PHASES_PER_SCHEDA),
                phase_chars: Some(MAX_FIELD_CHARS / 4),
                ..managed
            },
        },
        Case {
            name: "tutto",
            what: format!(
                "gestionali di {MAX_PHASES_PER_SCHEDA} fasi descritte in 300 caratteri: il limite delle righe e quello dei byte insieme"
            ),
            shape: Shape {
                phases: Some(MAX_PHASES_PER_SCHEDA),
                phase_chars: Some(300),
                ..managed
            },
        },
    ]
}

/// What GNU time and piao said about one build.
struct Measure {
    wall: f64,
    cpu: f64,
    peak_mib: u64,
    pages: String,
    ok: bool,
    message: String,
}

fn build(piao: &Path, content: &Path, cap_gib: u64) -> Measure {
    let out_dir = content.with_extension("uscita");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    let times = out_dir.join("tempi.txt");
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%U %S %M")
        .arg("-o")
        .arg(&times)
        .arg("prlimit")
        .arg(format!("--as={}", cap_gib * 1024 * 1024 * 1024))
        .arg(piao)
        .arg("build")
        .arg("--contenuti")
        .arg(content)
        .arg("--uscita")
        .arg(out_dir.join("allegato.pdf"))
        .output()
        .expect("/usr/bin/time e prlimit (pacchetti Debian time e util-linux)");
    let wall = start.elapsed().as_secs_f64();
    let t = std::fs::read_to_string(&times).unwrap_or_default();
    let last = t.lines().last().unwrap_or("");
    let v: Vec<f64> = last
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let pages = err
        .split(" pagine")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .unwrap_or("?")
        .to_string();
    Measure {
        wall,
        cpu: v.first().copied().unwrap_or(0.0) + v.get(1).copied().unwrap_or(0.0),
        peak_mib: v.get(2).map_or(0, |k| *k as u64 / 1024),
        pages,
        ok: out.status.success(),
        message: err.trim().to_string(),
    }
}

fn main() {
    let mut piao = PathBuf::from("target/release/piao");
    let mut only: Option<String> = None;
    let mut cap_gib = 8;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--piao" => piao = PathBuf::from(args.next().expect("--piao FILE")),
            "--only" => only = args.next(),
            "--cap" => cap_gib = args.next().and_then(|v| v.parse().ok()).expect("--cap GIB"),
            other => panic!("argomento sconosciuto {other}"),
        }
    }
    let base = std::env::temp_dir().join("piao-largest");
    println!(
        "| caso | contenuto | schede | righe | KiB | check | pagine | tempo | CPU | picco RSS | entro 2 GiB |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for case in cases() {
        if only.as_deref().is_some_and(|o| o != case.name) {
            continue;
        }
        let n = largest_n(case.shape);
        generator::set_shape(case.shape);
        let s = generator::synthesize(n);
        let rows: usize = s.files.iter().map(|(_, t)| rows(t)).sum();
        let dir = base.join(case.name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("gestionali")).unwrap();
        std::fs::create_dir_all(dir.join("istituzionali")).unwrap();
        for (path, text) in &s.files {
            std::fs::write(dir.join(path), text).unwrap();
        }
        let check = Command::new(&piao)
            .args(["-q", "check", "--contenuti"])
            .arg(&dir)
            .output()
            .expect("piao check");
        let accepted = check.status.success();
        let m = if accepted {
            build(&piao, &dir, cap_gib)
        } else {
            let err = String::from_utf8_lossy(&check.stderr);
            eprintln!("{}: check rifiuta il contenuto:\n{err}", case.name);
            Measure {
                wall: 0.0,
                cpu: 0.0,
                peak_mib: 0,
                pages: "-".into(),
                ok: false,
                message: "rifiutato da check".into(),
            }
        };
        if !m.ok && accepted {
            eprintln!("{}: build fallito: {}", case.name, m.message);
        }
        println!(
            "| {} | {} | {n} | {rows} | {} | {} | {} | {:.1} s | {:.1} s | {} MiB | {} |",
            case.name,
            case.what,
            s.summary.bytes / 1024,
            if accepted { "accetta" } else { "rifiuta" },
            m.pages,
            m.wall,
            m.cpu,
            m.peak_mib,
            if m.ok && m.peak_mib <= PROMISE_MIB {
                "sì"
            } else if m.ok {
                "NO"
            } else {
                "non costruito"
            }
        );
    }
}

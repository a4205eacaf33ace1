//! `cargo run --release --example stages -- [--content DIR] [--evict-before-pdf]`
//!
//! One cold build in this process, the way `piao build` runs it, with the wall time and
//! the peak resident memory (VmHWM, reset before each stage through
//! `/proc/self/clear_refs`) of every stage. `--evict-before-pdf` empties Typst's
//! memoization cache between layout and PDF export, to see what that does to the peak.
//! Linux only (it reads `/proc/self/status`). See BENCHMARKS.md.

use std::path::PathBuf;
use std::time::Instant;

use piao::render::{Selection, Templates};
use piao::typeset::{Engine, PdfMeta};
use piao::view::{self, Profile};

fn status_kib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Resets the peak RSS to the current RSS (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct Stage {
    start: Instant,
}

impl Stage {
    fn begin() -> Stage {
        reset_peak();
        Stage {
            start: Instant::now(),
        }
    }
    fn end(self, name: &str) -> u64 {
        let ms = self.start.elapsed().as_secs_f64() * 1000.0;
        let peak = status_kib("VmHWM:") / 1024;
        let now = status_kib("VmRSS:") / 1024;
        println!("{name:<10} {ms:>9.1} ms   picco {peak:>6} MiB   dopo {now:>6} MiB");
        peak
    }
}

fn main() {
    let mut content = PathBuf::from("content");
    let mut evict_before_pdf = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--content" => content = PathBuf::from(args.next().expect("--content DIR")),
            "--evict-before-pdf" => evict_before_pdf = true,
            other => panic!("argomento sconosciuto {other}"),
        }
    }
    let total = Instant::now();

    let s = Stage::begin();
    let checking = piao::pipeline::load_and_check(&content, false).expect("cartella");
    let mut peak = s.end("load+check");
    let checked = checking.checked.expect("contenuti senza errori");
    let date = checked.annex.data.data_documento.get_ref().0;

    let s = Stage::begin();
    let applied = piao::apply::apply(&checked);
    let document = view::build(&checked, &applied, Profile::Complete);
    peak = peak.max(s.end("view"));

    let s = Stage::begin();
    let rendered = piao::render::render(&document, &Templates::bundled(), &Selection::All)
        .unwrap_or_else(|p| panic!("modello: {}", p.message));
    peak = peak.max(s.end("render"));

    let s = Stage::begin();
    let engine = Engine::new();
    engine.update(&rendered.files);
    let (doc, _) = engine.compile(date).expect("compila");
    peak = peak.max(s.end("typeset"));
    let pages = doc.pages().len();

    if evict_before_pdf {
        let s = Stage::begin();
        Engine::evict(0);
        peak = peak.max(s.end("evict"));
    }

    let s = Stage::begin();
    let meta = PdfMeta {
        ident: format!("{} {}", document.ente, document.title),
        creator: "piao stages".to_string(),
        date,
    };
    let pdf = engine.pdf(&doc, &meta).expect("esporta");
    peak = peak.max(s.end("pdf"));

    println!(
        "totale     {:>9.1} ms   {} pagine, {} KiB di PDF, picco del processo {} MiB",
        total.elapsed().as_secs_f64() * 1000.0,
        pages,
        pdf.len() / 1024,
        peak
    );
}

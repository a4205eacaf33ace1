//! `cargo run --release --example synth -- --schede N --output DIR`
//!
//! Writes a synthetic but valid content folder with N objectives (for benchmarks: see
//! BENCHMARKS.md). The same N always gives the same files. `piao check --content DIR`
//! accepts it.

mod generator;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "uso: cargo run --release --example synth -- --schede N --output CARTELLA";

fn main() -> ExitCode {
    let mut schede: Option<usize> = None;
    let mut output: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--schede" | "-n" => schede = args.next().and_then(|v| v.parse().ok()),
            "--output" | "-o" => output = args.next().map(PathBuf::from),
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("synth: argomento sconosciuto `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(n), Some(dir)) = (schede, output) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if n == 0 {
        eprintln!("synth: serve almeno una scheda");
        return ExitCode::from(2);
    }
    match generator::generate(n, &dir) {
        Ok(s) => {
            eprintln!(
                "synth: {} schede in {} — {} gestionali ({} da eliminare), {} istituzionali; {} fasi, {} indicatori, {} modifiche; {} file, {} KiB",
                n,
                dir.display(),
                s.managed,
                s.eliminated,
                s.services,
                s.phases,
                s.indicators,
                s.changes,
                s.files,
                s.bytes / 1024
            );
            let kinds: Vec<String> = s.kinds.iter().map(|(k, c)| format!("{k} {c}")).collect();
            eprintln!("synth: modifiche per tipo: {}", kinds.join(", "));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::from(2)
        }
    }
}

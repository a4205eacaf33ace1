//! `piao export`: the variations as open data (JSON or CSV).

use std::io::Write;
use std::path::Path;

use super::*;
use crate::cli::ExportFormat;
use crate::export;

pub fn run(arg: &ContentArg, format: ExportFormat, output: Option<&Path>, quiet: bool) -> i32 {
    let checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    print_report(&checking.report, &checking.sources);
    let Some(checked) = &checking.checked else {
        eprintln!(
            "piao export: nessun file scritto: i contenuti hanno errori ({})",
            summary_counts(&checking.report)
        );
        return CONTENT_ERRORS;
    };
    let text = match format {
        ExportFormat::Json => export::to_json(checked),
        ExportFormat::Csv => export::to_csv(checked),
    };
    match output {
        Some(path) => {
            if let Err(e) = publish::write_atomic(path, text.as_bytes()) {
                return fail_io(&e);
            }
            if !quiet {
                eprintln!(
                    "piao: scritte {} variazioni in {}",
                    export::rows(checked, &crate::apply::apply(checked)).len(),
                    path.display()
                );
            }
        }
        None => {
            if std::io::stdout().write_all(text.as_bytes()).is_err() {
                return IO_ERRORS;
            }
        }
    }
    OK
}

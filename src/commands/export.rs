//! `piao export`: the variations as open data (JSON or CSV) or as an Excel workbook, to a
//! file or to the standard output (no `--uscita`, or `-`; never a workbook on a terminal).

use std::io::IsTerminal;
use std::path::Path;

use super::*;
use crate::cli::ExportFormat;
use crate::export;
use crate::output::Destination;

pub fn run(arg: &ContentArg, format: ExportFormat, output: Option<&Path>, quiet: bool) -> i32 {
    let destination = match output {
        None => Destination::Stdout,
        Some(path) => match crate::output::file(path, &protected(arg), true) {
            Ok(d) => d,
            Err(e) => return fail_io(&e),
        },
    };
    // A spreadsheet is not text: never printed on a terminal.
    if format == ExportFormat::Xlsx
        && matches!(destination, Destination::Stdout)
        && std::io::stdout().is_terminal()
    {
        return fail_io(
            "non scrivo un foglio Excel sul terminale: indica un file con --uscita (es. --uscita variazioni.xlsx)",
        );
    }
    let checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    print_report(&checking.report, &checking.sources);
    let Some(checked) = &checking.checked else {
        crate::errln!(
            "piao export: nessun file scritto: i contenuti hanno errori ({})",
            summary_counts(&checking.report)
        );
        return CONTENT_ERRORS;
    };
    let text = match format {
        ExportFormat::Json => export::to_json(checked).into_bytes(),
        ExportFormat::Csv => export::to_csv(checked).into_bytes(),
        ExportFormat::Xlsx => match export::to_xlsx(checked) {
            Ok(bytes) => bytes,
            Err(e) => return fail_io(&e),
        },
    };
    match destination {
        Destination::File(path) => {
            if let Err(e) = publish::write_atomic(&path, &text) {
                return fail_io(&e);
            }
            if !quiet {
                crate::errln!(
                    "piao: scritte {} variazioni in {}",
                    export::rows(checked, &crate::apply::apply(checked)).len(),
                    path.display()
                );
            }
        }
        Destination::Stdout => crate::streams::out(text),
    }
    OK
}

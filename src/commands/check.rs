//! `piao check`: load and validate only.

use super::*;

pub fn run(arg: &ContentArg, quiet: bool) -> i32 {
    let checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    print_review(&checking.report, &checking.sources, !quiet);
    if checking.report.errors() > 0 || checking.checked.is_none() {
        crate::errln!(
            "piao check: contenuti con errori ({})",
            summary_counts(&checking.report)
        );
        return CONTENT_ERRORS;
    }
    if !quiet {
        let c = checking.checked.as_ref().unwrap();
        crate::errln!(
            "piao check: contenuti corretti: {} obiettivi gestionali, {} istituzionali ({})",
            c.managed.len(),
            c.services.len(),
            summary_counts(&checking.report)
        );
    }
    OK
}

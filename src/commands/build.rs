//! `piao build` and `piao preview`: the whole annex, or one objective, to PDF.

use std::path::PathBuf;
use std::time::Instant;

use super::*;

pub fn run(
    arg: &ContentArg,
    output: Option<PathBuf>,
    profile: ProfileArg,
    objective: Option<String>,
    quiet: bool,
) -> i32 {
    let start = Instant::now();
    let templates = match templates(arg) {
        Ok(t) => t,
        Err(e) => return fail_io(&e),
    };
    let mut checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(checked) = checking.checked.take() else {
        print_report(&checking.report, &checking.sources);
        eprintln!(
            "piao: nessun PDF scritto: i contenuti hanno errori ({})",
            summary_counts(&checking.report)
        );
        return CONTENT_ERRORS;
    };
    let selection = match &objective {
        None => Selection::All,
        Some(o) => {
            checking.checked = Some(checked.clone());
            match resolve_objective(&checking, o) {
                Ok(id) => Selection::One(id),
                Err(e) => {
                    print_report(&checking.report, &checking.sources);
                    return fail_io(&e);
                }
            }
        }
    };
    let profile = match profile {
        ProfileArg::Completo => Profile::Complete,
        ProfileArg::Albo => Profile::Albo,
    };
    let plan = checked.plan;
    let output = output.unwrap_or_else(|| {
        let title = match &checked.annex.data.numero_variazione {
            Some(n) => format!("variazione-{n}-piao-{}-{}", plan.first, plan.last),
            None => format!("variazione-piao-{}-{}", plan.first, plan.last),
        };
        let name = match (&selection, profile) {
            (Selection::One(id), _) => format!("anteprima-{}", slug(id)),
            (Selection::All, Profile::Albo) => format!("{}-albo", slug(&title)),
            (Selection::All, Profile::Complete) => slug(&title),
        };
        PathBuf::from("output").join(format!("{name}.pdf"))
    });
    if let Err(e) = publish::check_writable(&output) {
        print_report(&checking.report, &checking.sources);
        return fail_io(&e);
    }
    let engine = Engine::new();
    let Checking {
        mut sources,
        mut report,
        ..
    } = checking;
    let built = pipeline::build_pdf(
        &checked,
        profile,
        &selection,
        &templates,
        &engine,
        &mut sources,
        &mut report,
    );
    print_report(&report, &sources);
    let Some(built) = built else {
        eprintln!(
            "piao: nessun PDF scritto ({}); il file precedente, se c'era, è invariato",
            summary_counts(&report)
        );
        return CONTENT_ERRORS;
    };
    if let Err(e) = publish::write_atomic(&output, &built.pdf) {
        return fail_io(&e);
    }
    if !quiet {
        let what = match &selection {
            Selection::All => format!(
                "{} obiettivi gestionali, {} istituzionali",
                built.document.managed.len(),
                built.document.services.len()
            ),
            Selection::One(id) => format!("anteprima di {id}"),
        };
        eprintln!(
            "piao: scritto {} — {} pagine, {}, {} avvisi, {:.2} s",
            output.display(),
            built.pages,
            what,
            report.warnings(),
            start.elapsed().as_secs_f64()
        );
    }
    OK
}

//! `piao build` and `piao preview`: the whole annex, or one objective, to PDF (and, for
//! a preview, optionally one PNG per page).

use std::time::Instant;

use crate::job::Output;
use crate::output::Destination;
use crate::pipeline;
use crate::render::Selection;
use crate::typeset::Engine;

use super::*;

pub fn run(job: &Job) -> i32 {
    let start = Instant::now();
    let mut ready = match job.ready() {
        Ok(r) => r,
        Err(Stop::Unread(e)) => return fail_io(&e),
        Err(Stop::Errors(checking)) => {
            print_report(&checking.report, &checking.sources);
            crate::errln!(
                "piao: nessun PDF scritto: i contenuti hanno errori ({})",
                summary_counts(&checking.report)
            );
            return CONTENT_ERRORS;
        }
        Err(Stop::Refused(e, checking)) => {
            print_report(&checking.report, &checking.sources);
            return fail_io(&e);
        }
    };
    let png = match &job.output {
        Output::Pdf { png, .. } => png.as_deref(),
        Output::Sources(_) => None,
    };
    let engine = Engine::new();
    // One layout gives the page images (when asked for) and the PDF; the images are
    // made before anything is written, so that a failure leaves no trace.
    let laid = ready.lay_out(&engine);
    let pngs = match (png, &laid) {
        (Some(_), Some(laid)) => match pipeline::page_pngs(&laid.doc, 2.0) {
            Ok(p) => Some(p),
            Err(e) => return fail_io(&e),
        },
        _ => None,
    };
    let built = laid.and_then(|laid| ready.export_pdf(laid, &engine));
    print_report(&ready.report, &ready.sources);
    let Some(built) = built else {
        crate::errln!(
            "piao: nessun PDF scritto ({}); il file precedente, se c'era, è invariato",
            summary_counts(&ready.report)
        );
        return CONTENT_ERRORS;
    };
    let shown = match ready.destination.as_ref().expect("a PDF job") {
        Destination::Stdout => {
            crate::streams::out(&built.pdf);
            "lo standard output".to_string()
        }
        Destination::File(path) => {
            if let Err(e) = publish::publish_built(path, &built, &ready.checked) {
                return fail_io(&e.0);
            }
            path.display().to_string()
        }
    };
    let mut png_note = String::new();
    if let (Some(dir), Some(pages)) = (png, &pngs) {
        if let Err(e) = publish::write_pages(pages, dir) {
            return fail_io(&e);
        }
        png_note = format!(", {} immagini PNG in {}", pages.len(), dir.display());
    }
    if !job.quiet {
        let what = match &ready.selection {
            Selection::All => format!(
                "{} obiettivi gestionali, {} istituzionali",
                built.document.managed.len(),
                built.document.services.len()
            ),
            Selection::One(id) => format!("anteprima di {id}"),
        };
        crate::errln!(
            "piao: scritto {shown} — {} pagine, {}, {} avvisi, {:.2} s{png_note}",
            built.pages,
            what,
            ready.report.warnings(),
            start.elapsed().as_secs_f64()
        );
    }
    OK
}

//! `piao build` and `piao preview`: the whole annex, or one objective, to PDF (and, for
//! a preview, optionally one PNG per page).

use std::path::PathBuf;
use std::time::Instant;

use crate::check::Checked;
use crate::output::{Destination, Protected};

use super::*;

pub fn run(
    arg: &ContentArg,
    output: Option<PathBuf>,
    profile: ProfileArg,
    objective: Option<String>,
    png: Option<PathBuf>,
    quiet: bool,
) -> i32 {
    let start = Instant::now();
    // Where the run writes is checked before any work: never inside what it reads.
    let protected = protected(arg);
    let given = match output.as_deref().map(|o| destination(o, &protected)) {
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => return fail_io(&e),
        None => None,
    };
    let png = match png.as_deref().map(|d| crate::output::folder(d, &protected)) {
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => return fail_io(&e),
        None => None,
    };
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
        crate::errln!(
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
    let destination = match given {
        Some(d) => d,
        None => {
            let path = default_output(&checked, &selection, profile);
            if let Err(e) = destination(&path, &protected) {
                print_report(&checking.report, &checking.sources);
                return fail_io(&e);
            }
            Destination::File(path)
        }
    };
    let engine = Engine::new();
    let Checking {
        mut sources,
        mut report,
        ..
    } = checking;
    // One layout gives the page images (when asked for) and the PDF; the images are
    // made before anything is written, so that a failure leaves no trace.
    let laid = pipeline::lay_out(
        &checked,
        profile,
        &selection,
        &templates,
        &engine,
        &mut sources,
        &mut report,
    );
    let pngs = match (&png, &laid) {
        (Some(_), Some(laid)) => match render_pngs(&laid.doc) {
            Ok(p) => Some(p),
            Err(e) => return fail_io(&e),
        },
        _ => None,
    };
    let built = laid.and_then(|laid| {
        pipeline::export_pdf(laid, &engine, &templates, &mut sources, &mut report)
    });
    print_report(&report, &sources);
    let Some(built) = built else {
        crate::errln!(
            "piao: nessun PDF scritto ({}); il file precedente, se c'era, è invariato",
            summary_counts(&report)
        );
        return CONTENT_ERRORS;
    };
    let shown = match &destination {
        Destination::Stdout => {
            crate::streams::out(&built.pdf);
            "lo standard output".to_string()
        }
        Destination::File(path) => {
            if let Err(e) = publish::publish_built(path, &built, &checked) {
                return fail_io(&e.0);
            }
            path.display().to_string()
        }
    };
    let mut png_note = String::new();
    if let (Some(dir), Some(pages)) = (&png, &pngs) {
        if let Err(e) = write_pngs(pages, dir) {
            return fail_io(&e);
        }
        png_note = format!(", {} immagini PNG in {}", pages.len(), dir.display());
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
        crate::errln!(
            "piao: scritto {shown} — {} pagine, {}, {} avvisi, {:.2} s{png_note}",
            built.pages,
            what,
            report.warnings(),
            start.elapsed().as_secs_f64()
        );
    }
    OK
}

/// Checks where the PDF goes: `-` is the standard output (never a terminal); a file
/// must be writable with its digest and record next to it, and outside the inputs.
pub(super) fn destination(path: &Path, protected: &Protected) -> Result<Destination, String> {
    let d = crate::output::file(path, protected, true)?;
    match &d {
        Destination::Stdout if std::io::stdout().is_terminal() => {
            return Err(
                "non scrivo un PDF sul terminale: reindirizza lo standard output (`> file.pdf`) o indica un file con --uscita".into(),
            )
        }
        Destination::Stdout => {}
        Destination::File(pdf) => {
            let sidecars = publish::Published::paths(pdf);
            for p in [&sidecars.digest, &sidecars.record] {
                crate::output::check_file(p, protected)?;
            }
        }
    }
    Ok(d)
}

/// Where a run writes when no `--output` is given: `output/<title>.pdf` for the annex
/// (the ente's own `titolo` when it gives one),
/// `output/<title>-albo.pdf` for the albo copy, `output/anteprima-<id>.pdf` for a preview.
pub(super) fn default_output(
    checked: &Checked,
    selection: &Selection,
    profile: Profile,
) -> PathBuf {
    let plan = checked.plan;
    let annex = &checked.annex.data;
    let title = match (&annex.titolo, &annex.numero_variazione) {
        // The ente's own title ("Variazione n. 2 al PIAO 2025-2027") names the file too.
        (Some(t), _) if !slug(t).is_empty() => t.clone(),
        (_, Some(n)) => format!("variazione-{n}-piao-{}-{}", plan.first, plan.last),
        _ => format!("variazione-piao-{}-{}", plan.first, plan.last),
    };
    let name = match (selection, profile) {
        (Selection::One(id), _) => format!("anteprima-{}", slug(id)),
        (Selection::All, Profile::Albo) => format!("{}-albo", slug(&title)),
        (Selection::All, Profile::Complete) => slug(&title),
    };
    PathBuf::from("output").join(format!("{name}.pdf"))
}

/// One PNG per page of the laid-out document, at 144 dpi.
fn render_pngs(doc: &typst_layout::PagedDocument) -> Result<Vec<Vec<u8>>, String> {
    doc.pages()
        .iter()
        .enumerate()
        .map(|(i, page)| {
            pipeline::page_png(page, 2.0).map_err(|_| {
                format!(
                    "non riesco a comporre l'immagine PNG della pagina {}",
                    i + 1
                )
            })
        })
        .collect()
}

/// Writes the pages (`pagina-1.png`, …) and removes those left over from a longer
/// preview, which would be mistaken for this one's.
fn write_pngs(pages: &[Vec<u8>], dir: &Path) -> Result<(), String> {
    for (i, png) in pages.iter().enumerate() {
        publish::write_atomic(&dir.join(format!("pagina-{}.png", i + 1)), png)?;
    }
    let mut stale = pages.len() + 1;
    while std::fs::remove_file(dir.join(format!("pagina-{stale}.png"))).is_ok() {
        stale += 1;
    }
    Ok(())
}

//! The pipeline, stage after stage: load → check → apply → view → render → typeset → PDF.
//!
//! Each stage's problems become diagnostics in one [`Report`]; a later stage runs only
//! when the earlier ones found no error. This module only sequences the stages and
//! maps Typst's and the templates' problems back to their files.

use std::path::Path;

use crate::apply;
use crate::check::{self, Checked};
use crate::diag::{Diagnostic, Report, Sources};
use crate::load::{self, IoError};
use crate::render::{self, Rendered, Selection, TemplateProblem, Templates};
use crate::typeset::{Engine, PdfMeta, TypstProblem};
use crate::view::{self, Document, Profile};
use typst_layout::{Page, PagedDocument};

/// The outcome of loading and checking a content folder.
pub struct Checking {
    pub sources: Sources,
    pub report: Report,
    pub checked: Option<Checked>,
}

/// Loads and checks `dir`. `strict` turns warnings into errors.
pub fn load_and_check(dir: &Path, strict: bool) -> Result<Checking, IoError> {
    let mut sources = Sources::default();
    let mut report = Report::default();
    let content = load::load(dir, &mut sources, &mut report)?;
    let mut checked = check::check(&content, &sources, &mut report);
    if strict && report.warnings() > 0 {
        report.make_strict();
        checked = None;
    }
    crate::limits::hint_decomposed(&mut report, &sources);
    report.sort();
    Ok(Checking {
        sources,
        report,
        checked,
    })
}

/// A finished PDF with what is worth telling about it.
pub struct Built {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub document: Document,
}

/// A selection laid out in pages, with what it was made from.
pub struct LaidOut {
    pub doc: PagedDocument,
    pub document: Document,
    pub rendered: Rendered,
    /// The document's date (the PDF's too).
    pub date: chrono::NaiveDate,
}

/// apply → view → render → typeset: the pages of `selection`, laid out by `engine`.
/// The one layout of the library: `build`, `preview` (and its page images) and
/// `serve` all lay out through it. Problems go into `report`; `None` on an error.
pub fn lay_out(
    checked: &Checked,
    profile: Profile,
    selection: &Selection,
    templates: &Templates,
    engine: &Engine,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<LaidOut> {
    let (document, rendered) =
        render_selection(checked, profile, selection, templates, sources, report)?;
    engine.update(&rendered.files);
    let date = checked.annex.data.data_documento.get_ref().0;
    let doc = match engine.compile(date) {
        Ok((doc, warnings)) => {
            for w in &warnings {
                report.push(typst_diagnostic(w, &rendered, templates, sources));
            }
            doc
        }
        Err(problems) => {
            for p in &problems {
                report.push(typst_diagnostic(p, &rendered, templates, sources));
            }
            return None;
        }
    };
    Some(LaidOut {
        doc,
        document,
        rendered,
        date,
    })
}

/// The PDF of a laid-out selection (PDF/A-2a + PDF/UA-1).
pub fn export_pdf(
    laid: LaidOut,
    engine: &Engine,
    templates: &Templates,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<Built> {
    let LaidOut {
        doc,
        document,
        rendered,
        date,
    } = laid;
    let meta = PdfMeta {
        ident: format!("{} {}", document.ente, document.title),
        creator: format!("piao {}", env!("CARGO_PKG_VERSION")),
        date,
    };
    let pdf = match engine.pdf(&doc, &meta) {
        Ok(p) => p,
        Err(problems) => {
            for p in &problems {
                report.push(
                    typst_diagnostic(p, &rendered, templates, sources)
                        .hint("il PDF deve rispettare PDF/A-2a e PDF/UA-1: il problema va corretto prima della pubblicazione"),
                );
            }
            return None;
        }
    };
    Some(Built {
        pdf,
        pages: doc.pages().len(),
        document,
    })
}

/// Builds the PDF of checked content: [`lay_out`], then [`export_pdf`]. Problems go
/// into `report` (and `sources`, so that they can be shown); `None` when there was an
/// error.
pub fn build_pdf(
    checked: &Checked,
    profile: Profile,
    selection: &Selection,
    templates: &Templates,
    engine: &Engine,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<Built> {
    let laid = lay_out(
        checked, profile, selection, templates, engine, sources, report,
    )?;
    export_pdf(laid, engine, templates, sources, report)
}

/// A page as a PNG image, `pixels_per_point` pixels per typographic point (2: 144
/// dpi), with Typst's own renderer (`preview --png` and `serve` alike).
pub fn page_png(page: &Page, pixels_per_point: f64) -> Result<Vec<u8>, String> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixels_per_point),
        ..Default::default()
    };
    typst_render::render(page, &options)
        .encode_png()
        .map_err(|e| e.to_string())
}

/// apply → view → render: the formatted document and the Typst sources of
/// `selection` (for [`lay_out`], and alone for `piao typst`). A template's problem goes
/// into `report`; `None` then.
pub fn render_selection(
    checked: &Checked,
    profile: Profile,
    selection: &Selection,
    templates: &Templates,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<(Document, Rendered)> {
    let document = view::build(checked, &apply::apply(checked), profile);
    match render::render(&document, templates, selection) {
        Ok(r) => Some((document, r)),
        Err(p) => {
            report.push(template_diagnostic(&p, templates, sources));
            None
        }
    }
}

/// One PNG per page of a laid-out document, at `pixels_per_point` (see [`page_png`]);
/// `Err` names the page that could not be made.
pub fn page_pngs(doc: &PagedDocument, pixels_per_point: f64) -> Result<Vec<Vec<u8>>, String> {
    doc.pages()
        .iter()
        .enumerate()
        .map(|(i, page)| {
            page_png(page, pixels_per_point).map_err(|_| {
                format!(
                    "non riesco a comporre l'immagine PNG della pagina {}",
                    i + 1
                )
            })
        })
        .collect()
}

fn template_diagnostic(
    p: &TemplateProblem,
    templates: &Templates,
    sources: &mut Sources,
) -> Diagnostic {
    let mut d = Diagnostic::error(format!(
        "errore nel modello `{}`: {}",
        p.template, p.message
    ));
    if let Some(text) = templates.files.get(&p.template) {
        let file = sources.add(&templates.display_path(&p.template), text.clone());
        let range = p
            .range
            .clone()
            .or_else(|| p.line.map(|l| line_range(text, l)));
        if let Some(r) = range {
            d = d.at(file, r);
        }
    }
    d
}

fn line_range(text: &str, line: usize) -> std::ops::Range<usize> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return start..start + l.trim_end().len();
        }
        start += l.len();
    }
    0..0
}

/// A Typst problem as a diagnostic, placed in the template line that generated it
/// when the generated source maps back to one (also used by `piao serve`, which lays
/// out pages without exporting a PDF).
pub fn typst_diagnostic(
    p: &TypstProblem,
    rendered: &Rendered,
    templates: &Templates,
    sources: &mut Sources,
) -> Diagnostic {
    let mut d = if p.error {
        Diagnostic::error(format!("errore di composizione (Typst): {}", p.message))
    } else {
        Diagnostic::warning(format!("avviso di composizione (Typst): {}", p.message))
    };
    for h in &p.hints {
        d = d.hint(h.clone());
    }
    if let Some((path, range)) = &p.place {
        match rendered.origin(path, range.clone()) {
            Some((template, trange)) if templates.files.contains_key(&template) => {
                let file = sources.add(
                    &templates.display_path(&template),
                    templates.files[&template].clone(),
                );
                d = d.at(file, trange).label(format!("generato in `{path}`"));
            }
            _ => {
                let text = rendered
                    .files
                    .iter()
                    .find(|f| &f.path == path)
                    .map(|f| f.text.clone())
                    .or_else(|| templates.files.get(path).cloned())
                    .unwrap_or_default();
                let shown = if templates.files.contains_key(path) {
                    templates.display_path(path)
                } else {
                    Path::new("(generato)").join(path)
                };
                let file = sources.add(&shown, text);
                d = d.at(file, range.clone());
            }
        }
    }
    d
}

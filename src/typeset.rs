//! Typeset: compile the generated Typst sources in-process and export the PDF.
//!
//! Owns the Typst `World`. It is written here rather than taken from `typst-as-lib`
//! because the annex needs three things that wrapper cannot give: the `a11y-extras`
//! feature (row header cells for the schede's key/value grids), a `today` that never
//! reads the clock (reproducible PDFs), and `Source`s that live across compiles and are
//! `replace()`d, so that `piao watch` lays out again only what changed.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::Datelike;
use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Feature, Features, Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// A file of generated Typst source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path inside the project, e.g. `main.typ`, `obiettivi/g06.typ`.
    pub path: String,
    pub text: String,
}

/// The metadata Typst cannot take from the document itself.
#[derive(Debug, Clone)]
pub struct PdfMeta {
    /// A stable identifier of the document (the same for every build of it).
    pub ident: String,
    /// `piao <version>`.
    pub creator: String,
    /// The document's date.
    pub date: chrono::NaiveDate,
}

/// A problem reported by Typst, with its place in the generated sources.
#[derive(Debug, Clone)]
pub struct TypstProblem {
    pub error: bool,
    pub message: String,
    pub hints: Vec<String>,
    /// File path and byte range in that file, when Typst gave a span.
    pub place: Option<(String, std::ops::Range<usize>)>,
}

/// The Typst world of the annex: bundled fonts, in-memory sources, a fixed date.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: Mutex<HashMap<FileId, Source>>,
    main: FileId,
    today: Mutex<Option<Datetime>>,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    pub fn new() -> Engine {
        let fonts = crate::fonts::bundled();
        let library = Library::builder()
            .with_features(Features::from_iter([Feature::A11yExtras]))
            .build();
        Engine {
            library: LazyHash::new(library),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources: Mutex::new(HashMap::new()),
            main: file_id("main.typ"),
            today: Mutex::new(None),
        }
    }

    /// Makes `files` the project's sources: a file whose text changed is `replace()`d
    /// in place (so Typst's caches see only the edit), new files are added, files no
    /// longer generated are dropped.
    pub fn update(&self, files: &[SourceFile]) {
        let mut sources = self.sources.lock().expect("sources lock");
        let wanted: Vec<FileId> = files.iter().map(|f| file_id(&f.path)).collect();
        let keep: std::collections::HashSet<FileId> = wanted.iter().copied().collect();
        sources.retain(|id, _| keep.contains(id));
        for (f, id) in files.iter().zip(wanted) {
            match sources.get_mut(&id) {
                Some(src) if src.text() == f.text => {}
                Some(src) => {
                    src.replace(&f.text);
                    // typst-syntax 0.15.1 widens the common suffix over a differing
                    // byte when the old and new texts end in characters that share
                    // their last UTF-8 bytes ("Œ" C5 92 → "Ò" C3 92): the source then
                    // keeps the old character. Start afresh when that happens.
                    if src.text() != f.text {
                        *src = Source::new(id, f.text.clone());
                    }
                }
                None => {
                    sources.insert(id, Source::new(id, f.text.clone()));
                }
            }
        }
    }

    /// Lays out the document. Warnings are returned with the document; errors instead.
    pub fn compile(
        &self,
        date: chrono::NaiveDate,
    ) -> Result<(PagedDocument, Vec<TypstProblem>), Vec<TypstProblem>> {
        *self.today.lock().expect("today lock") =
            Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8);
        let result = typst::compile::<PagedDocument>(self);
        let warnings = self.problems(&result.warnings);
        match result.output {
            Ok(doc) => Ok((doc, warnings)),
            Err(errors) => {
                let mut all = self.problems(&errors);
                all.extend(warnings);
                Err(all)
            }
        }
    }

    /// Exports a laid-out document as PDF/A-2a + PDF/UA-1.
    pub fn pdf(&self, doc: &PagedDocument, meta: &PdfMeta) -> Result<Vec<u8>, Vec<TypstProblem>> {
        let standards = PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
            .expect("PDF/A-2a and PDF/UA-1 can be combined");
        let timestamp = chrono::NaiveDateTime::from(meta.date);
        let datetime = Datetime::from_ymd_hms(
            timestamp.year(),
            timestamp.month() as u8,
            timestamp.day() as u8,
            0,
            0,
            0,
        );
        let options = PdfOptions {
            ident: Smart::Custom(meta.ident.clone()),
            creator: Smart::Custom(Some(meta.creator.clone())),
            timestamp: datetime.map(Timestamp::new_utc),
            page_ranges: None,
            standards,
            tagged: true,
            pretty: false,
        };
        typst_pdf::pdf(doc, &options).map_err(|e| self.problems(&e))
    }

    /// Frees Typst's caches of results not used for `max_age` compilations.
    pub fn evict(max_age: usize) {
        comemo::evict(max_age);
    }

    fn problems(&self, diags: &[SourceDiagnostic]) -> Vec<TypstProblem> {
        diags
            .iter()
            .map(|d| {
                let place = self.range(d.span).and_then(|range| {
                    let id = d.span.id()?;
                    Some((id.vpath().get_without_slash().to_string(), range))
                });
                TypstProblem {
                    error: d.severity == TypstSeverity::Error,
                    message: d.message.to_string(),
                    hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
                    place,
                }
            })
            .collect()
    }
}

impl World for Engine {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .lock()
            .expect("sources lock")
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        Err(FileError::NotFound(id.vpath().get_with_slash().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        *self.today.lock().expect("today lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2023, 9, 28).unwrap()
    }

    const DOC: &str = "#set document(title: [Prova], author: \"Ente\", date: datetime(year: 2023, month: 9, day: 28))\n#set text(font: \"Titillium Web\", lang: \"it\")\n= Titolo\nCiao";

    #[test]
    fn compiles_and_exports_reproducibly() {
        let engine = Engine::new();
        engine.update(&[SourceFile {
            path: "main.typ".into(),
            text: DOC.into(),
        }]);
        let (doc, _) = engine.compile(date()).unwrap();
        let meta = PdfMeta {
            ident: "prova".into(),
            creator: "piao test".into(),
            date: date(),
        };
        let a = engine.pdf(&doc, &meta).unwrap();
        let b = engine.pdf(&doc, &meta).unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b);
    }

    #[test]
    fn errors_point_into_the_generated_file() {
        let engine = Engine::new();
        engine.update(&[SourceFile {
            path: "main.typ".into(),
            text: "ok\n#nonesiste".into(),
        }]);
        let problems = engine.compile(date()).unwrap_err();
        let p = &problems[0];
        assert!(p.error);
        let (path, range) = p.place.clone().unwrap();
        assert_eq!(path, "main.typ");
        assert_eq!(range.start, 4);
    }
}

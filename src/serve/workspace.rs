//! The state `piao serve` shows, computed from the files through the library's own
//! pipeline: the only module of the server that calls it.
//!
//! A state belongs to a generation (see [`super::events`]). When a browser asks for a
//! generation that has not been computed yet, the content folder is loaded and checked
//! again, and the view asked for (the whole annex or one objective) is laid out again by
//! an [`Engine`] that lives for the whole session: its sources are `replace()`d, so
//! Typst lays out again only what the change touched, as `piao watch` does.
//!
//! A view that cannot be laid out (the content has errors, a template or Typst fails)
//! keeps the pages of its last good layout, shown beside the problems. Downloads are
//! built by the same calls as `piao build` and `piao export`, so their bytes are the
//! same.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use typst::foundations::{NativeElement, StyleChain};
use typst::introspection::Introspector;
use typst::model::HeadingElem;
use typst_layout::PagedDocument;

use super::pages::{PageInfo, PageStore};
use crate::check::Checked;
use crate::diag::{self, Diagnostic, Report, Sources};
use crate::load::Loaded;
use crate::model::{Action, Managed, Service};
use crate::pipeline::{self, Checking};
use crate::render::{Selection, Templates};
use crate::typeset::Engine;
use crate::view::Profile;

/// Where a command would write the PDF of a selection (`build::default_output`): the
/// download takes its file name, which the digest line and the record name too.
pub type Naming = fn(&Checked, &Selection, Profile) -> PathBuf;

/// Cached compilation results unused for this many compilations are freed.
const EVICT_AFTER: usize = 10;

/// Views (and their engines) kept at most: the whole annex and the objectives last
/// looked at.
const MAX_VIEWS: usize = 8;

/// The view of the whole annex, in URLs and in [`Workspace::state`].
pub const WHOLE: &str = "tutto";

/// What the server was started on.
#[derive(Debug, Clone)]
pub struct Settings {
    pub content: PathBuf,
    /// A folder of templates (`--templates`); `None`: the bundled ones.
    pub templates: Option<PathBuf>,
    pub strict: bool,
    pub naming: Naming,
}

/// One objective in the list, as `piao list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Objective {
    /// The file stem: how the objective is named in URLs.
    pub id: String,
    /// `g06`, `i16`.
    pub breve: String,
    pub tipo: &'static str,
    pub numero: u32,
    pub titolo: String,
    pub azione: &'static str,
    pub modifiche: usize,
    /// The file, relative to the content folder.
    pub file: String,
    /// False for a file that could not be read (its problems say why): it has no pages.
    pub leggibile: bool,
}

/// A problem, as `piao check` prints it: message, file, line, the line, hints.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// `errore` or `avviso`.
    pub gravita: &'static str,
    pub messaggio: String,
    pub luogo: Option<Place>,
    pub etichetta: Option<String>,
    pub aiuti: Vec<String>,
    /// Other places worth showing, each with its own label.
    pub altri: Vec<Place>,
}

/// A place in a file, with the line's text and the part of it to mark.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub file: String,
    pub riga: Option<usize>,
    pub colonna: Option<usize>,
    /// The whole line, control characters replaced by `?`.
    pub testo: Option<String>,
    /// Characters of `testo` to mark: from, to (0-based, end excluded).
    pub segno: Option<(usize, usize)>,
    pub etichetta: Option<String>,
}

/// A heading of the laid-out document and the page it is on.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub livello: usize,
    pub titolo: String,
    pub pagina: usize,
}

/// What a browser gets for one view: everything it shows.
#[derive(Debug, Serialize)]
pub struct State {
    pub generazione: u64,
    pub cartella: String,
    pub obiettivi: Vec<Objective>,
    /// How long loading and checking this generation took.
    pub controllo_ms: u64,
    pub problemi: Vec<Problem>,
    pub errori: usize,
    pub avvisi: usize,
    /// Whether the downloads can be built (the content has no errors).
    pub scaricabile: bool,
    pub vista: Option<ViewState>,
    /// Why the view asked for is not there (an objective renamed or removed).
    pub nota: Option<String>,
}

/// The pages of one view.
#[derive(Debug, Clone, Serialize)]
pub struct ViewState {
    pub sel: String,
    pub titolo: String,
    pub pagine: Vec<PageInfo>,
    pub sezioni: Vec<Section>,
    /// The generation the pages were laid out for.
    pub generazione: u64,
    /// Whether they show the current files (not the last good ones).
    pub attuale: bool,
    /// How long the layout took.
    pub millisecondi: u64,
}

/// A file to download.
pub struct Download {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Arc<Vec<u8>>,
}

/// Which PDF, and which of the files `piao build` writes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Pdf,
    Digest,
    Record,
}

/// The content as of one generation.
struct Current {
    generation: u64,
    objectives: Vec<Objective>,
    /// `None` when the folder could not be read at all.
    checking: Option<Checking>,
    templates: Result<Templates, String>,
    problems: Vec<Problem>,
    /// How long loading and checking took.
    millis: u64,
}

/// One view's layouts.
struct View {
    /// The generation last laid out (or found impossible to lay out).
    tried: u64,
    problems: Vec<Problem>,
    good: Option<ViewState>,
    used: u64,
}

/// A PDF built for download, with the digest line and record `piao build` writes.
struct Published {
    generation: u64,
    pdf: Arc<Vec<u8>>,
    digest: Arc<Vec<u8>>,
    record: Arc<Vec<u8>>,
    names: [String; 3],
}

/// The server's view of the content folder.
pub struct Workspace {
    settings: Settings,
    current: Option<Current>,
    views: HashMap<String, View>,
    /// One engine per (view, albo copy), kept across generations.
    engines: HashMap<(String, bool), (Engine, u64)>,
    published: HashMap<(String, bool), Published>,
    clock: u64,
}

impl Workspace {
    pub fn new(settings: Settings) -> Workspace {
        Workspace {
            settings,
            current: None,
            views: HashMap::new(),
            engines: HashMap::new(),
            published: HashMap::new(),
            clock: 0,
        }
    }

    /// The state of view `sel` at `generation` if it needs no work (it was computed
    /// already), so that a page can carry it without making the browser wait.
    pub fn ready_state(&mut self, generation: u64, sel: &str, store: &PageStore) -> Option<State> {
        let ready = self
            .current
            .as_ref()
            .is_some_and(|c| c.generation == generation)
            && self.views.get(sel).is_some_and(|v| v.tried == generation);
        ready.then(|| self.state(generation, sel, store))
    }

    /// The state of view `sel` (`tutto` or an objective's id) at `generation`.
    pub fn state(&mut self, generation: u64, sel: &str, store: &PageStore) -> State {
        self.refresh(generation);
        self.clock += 1;
        let clock = self.clock;
        let current = self.current.as_ref().expect("refreshed");
        let mut nota = None;
        let selection = if sel == WHOLE {
            Some(Selection::All)
        } else if current.objectives.iter().any(|o| o.id == sel)
            || (self.views.contains_key(sel) && current.checked().is_none())
        {
            Some(Selection::One(sel.to_string()))
        } else {
            nota = Some(format!(
                "l'obiettivo `{}` non c'è più nei contenuti: mostro l'allegato intero",
                diag::printable(sel)
            ));
            None
        };
        let mut vista = None;
        let mut problems = current.problems.clone();
        if let Some(selection) = selection {
            let key = sel.to_string();
            let stale = self
                .views
                .get(&key)
                .is_none_or(|v| v.tried != current.generation);
            if stale && current.checked().is_some() {
                let (laid_problems, good) = self.lay_out(&key, &selection, store);
                let generation = self.current.as_ref().expect("refreshed").generation;
                let view = self.views.entry(key.clone()).or_insert(View {
                    tried: generation,
                    problems: Vec::new(),
                    good: None,
                    used: clock,
                });
                view.tried = generation;
                view.problems = laid_problems;
                if good.is_some() {
                    view.good = good;
                }
            }
            let current = self.current.as_ref().expect("refreshed");
            if let Some(view) = self.views.get_mut(&key) {
                view.used = clock;
                if view.tried == current.generation {
                    problems.extend(view.problems.iter().cloned());
                }
                vista = view.good.clone().map(|mut v| {
                    v.attuale = v.generazione == current.generation && view.problems_ok();
                    v
                });
            }
            self.forget_old_views(store);
        }
        let current = self.current.as_ref().expect("refreshed");
        let errori = problems.iter().filter(|p| p.gravita == "errore").count();
        State {
            generazione: current.generation,
            cartella: self.settings.content.display().to_string(),
            obiettivi: current.objectives.clone(),
            controllo_ms: current.millis,
            avvisi: problems.len() - errori,
            errori,
            problemi: problems,
            scaricabile: current.checked().is_some(),
            vista,
            nota,
        }
    }

    /// A file to download: a PDF of `sel` (with `albo`, the albo copy), its digest or its
    /// record, as `piao build` / `piao preview` write them. `Err` says why there is
    /// none, in Italian.
    pub fn publish(
        &mut self,
        generation: u64,
        sel: &str,
        albo: bool,
        part: Part,
    ) -> Result<Download, String> {
        self.refresh(generation);
        let current = self.current.as_ref().expect("refreshed");
        let selection = if sel == WHOLE {
            Selection::All
        } else if current.objectives.iter().any(|o| o.id == sel) {
            Selection::One(sel.to_string())
        } else {
            return Err(format!(
                "nessun obiettivo si chiama `{}`",
                diag::printable(sel)
            ));
        };
        if albo && selection != Selection::All {
            return Err("la copia per l'albo si genera solo per l'allegato intero".into());
        }
        let key = (sel.to_string(), albo);
        let fresh = self
            .published
            .get(&key)
            .is_some_and(|p| p.generation == current.generation);
        if !fresh {
            let published = self.build_published(&selection, albo)?;
            self.published.insert(key.clone(), published);
        }
        let p = &self.published[&key];
        let (bytes, mime, name) = match part {
            Part::Pdf => (p.pdf.clone(), "application/pdf", &p.names[0]),
            Part::Digest => (p.digest.clone(), "text/plain; charset=utf-8", &p.names[1]),
            Part::Record => (p.record.clone(), "application/json", &p.names[2]),
        };
        Ok(Download {
            name: name.clone(),
            mime,
            bytes,
        })
    }

    /// The open-data export (`json` or `csv`), as `piao export` writes it.
    pub fn export(&mut self, generation: u64, csv: bool) -> Result<Download, String> {
        self.refresh(generation);
        let current = self.current.as_ref().expect("refreshed");
        let checked = current.checked().ok_or_else(content_has_errors)?;
        let (text, mime, name) = if csv {
            (
                crate::export::to_csv(checked),
                "text/csv; charset=utf-8",
                "variazioni.csv",
            )
        } else {
            (
                crate::export::to_json(checked),
                "application/json",
                "variazioni.json",
            )
        };
        Ok(Download {
            name: name.into(),
            mime,
            bytes: Arc::new(text.into_bytes()),
        })
    }

    /// Loads and checks the content again, unless `generation` is already loaded.
    fn refresh(&mut self, generation: u64) {
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.generation == generation)
        {
            return;
        }
        let dir = &self.settings.content;
        let templates = match &self.settings.templates {
            None => Ok(Templates::bundled()),
            Some(t) => Templates::from_dir(t)
                .map_err(|e| format!("non riesco a leggere i modelli in `{}`: {e}", t.display())),
        };
        let start = Instant::now();
        let mut problems = Vec::new();
        let strict = self.settings.strict;
        let loaded =
            std::panic::catch_unwind(AssertUnwindSafe(|| pipeline::load_and_check(dir, strict)));
        let mut checking = match loaded {
            Ok(Ok(c)) => {
                problems.extend(problems_of(&c.report, &c.sources));
                Some(c)
            }
            Ok(Err(e)) => {
                problems.push(Problem::plain(e.0));
                None
            }
            Err(_) => {
                problems.push(internal_error());
                None
            }
        };
        if let Err(e) = &templates {
            problems.push(Problem::plain(e.clone()));
        }
        // Checked content has every file parsed: the list comes from it. Otherwise the
        // files are read again without checking, so that the list still shows them.
        let objectives = match checking.as_ref().and_then(|c| c.checked.as_ref()) {
            Some(checked) => objectives_of(
                dir,
                checked.managed.iter().map(|m| &m.source),
                checked.services.iter().map(|s| &s.source),
            ),
            None => unchecked_objectives(dir),
        };
        if templates.is_err() {
            // Without templates nothing can be laid out or published.
            if let Some(c) = &mut checking {
                c.checked = None;
            }
        }
        self.current = Some(Current {
            generation,
            objectives,
            checking,
            templates,
            problems,
            millis: start.elapsed().as_millis() as u64,
        });
    }

    /// Lays out `selection` with its engine: the problems met, and the view when the
    /// layout succeeded. A panic inside the pipeline becomes a problem to show; the
    /// engine it happened in is dropped.
    fn lay_out(
        &mut self,
        key: &str,
        selection: &Selection,
        store: &PageStore,
    ) -> (Vec<Problem>, Option<ViewState>) {
        let engine_key = (key.to_string(), false);
        let clock = self.clock;
        let engine = &self
            .engines
            .entry(engine_key.clone())
            .or_insert_with(|| (Engine::new(), clock))
            .0;
        let current = self.current.as_mut().expect("refreshed");
        let generation = current.generation;
        let checking = current.checking.as_mut().expect("checked content");
        let checked = checking.checked.as_ref().expect("checked content");
        let templates = current.templates.as_ref().expect("templates read");
        let mut report = Report::default();
        let start = Instant::now();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let doc = lay_out(
                checked,
                selection,
                templates,
                engine,
                &mut checking.sources,
                &mut report,
            );
            doc.map(|doc| (store.insert(doc.pages()), sections(&doc)))
        }));
        let millis = start.elapsed().as_millis() as u64;
        let problems = problems_of(&report, &checking.sources);
        match outcome {
            Ok(Some((pagine, sezioni))) => {
                let titolo = match selection {
                    Selection::All => "Allegato intero".to_string(),
                    Selection::One(id) => current
                        .objectives
                        .iter()
                        .find(|o| &o.id == id)
                        .map(|o| format!("{} — {}", o.breve, o.titolo))
                        .unwrap_or_else(|| id.clone()),
                };
                self.engines.get_mut(&engine_key).expect("engine").1 = clock;
                let view = ViewState {
                    sel: key.to_string(),
                    titolo,
                    pagine,
                    sezioni,
                    generazione: generation,
                    attuale: true,
                    millisecondi: millis,
                };
                (problems, Some(view))
            }
            Ok(None) => (problems, None),
            Err(_) => {
                self.engines.remove(&engine_key);
                let mut problems = problems;
                problems.push(internal_error());
                (problems, None)
            }
        }
    }

    fn build_published(&mut self, selection: &Selection, albo: bool) -> Result<Published, String> {
        let key = (
            match selection {
                Selection::All => WHOLE.to_string(),
                Selection::One(id) => id.clone(),
            },
            albo,
        );
        let clock = self.clock;
        let engine = &self
            .engines
            .entry(key.clone())
            .or_insert_with(|| (Engine::new(), clock))
            .0;
        let current = self.current.as_mut().expect("refreshed");
        let generation = current.generation;
        let checking = current.checking.as_mut().ok_or_else(content_has_errors)?;
        let checked = checking.checked.as_ref().ok_or_else(content_has_errors)?;
        let templates = current.templates.as_ref().map_err(|e| e.clone())?;
        let profile = if albo {
            Profile::Albo
        } else {
            Profile::Complete
        };
        let output = (self.settings.naming)(checked, selection, profile);
        let mut report = Report::default();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            publish(
                checked,
                profile,
                selection,
                templates,
                engine,
                &output,
                &mut checking.sources,
                &mut report,
            )
        }));
        Engine::evict(EVICT_AFTER);
        match outcome {
            Ok(Some((pdf, digest, record))) => {
                let (digest_path, record_path) = crate::record::sidecar_paths(&output);
                let name = |p: &Path| {
                    p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                };
                Ok(Published {
                    generation,
                    pdf: Arc::new(pdf),
                    digest: Arc::new(digest),
                    record: Arc::new(record),
                    names: [name(&output), name(&digest_path), name(&record_path)],
                })
            }
            Ok(None) => Err(format!(
                "il PDF non si può generare: {}",
                problems_of(&report, &checking.sources)
                    .first()
                    .map(|p| p.messaggio.clone())
                    .unwrap_or_else(|| "errore di composizione".into())
            )),
            Err(_) => {
                self.engines.remove(&key);
                Err(internal_error().messaggio)
            }
        }
    }

    /// Keeps the views last looked at (the whole annex always) and, in the page store,
    /// only the pages they show.
    fn forget_old_views(&mut self, store: &PageStore) {
        while self.views.len() > MAX_VIEWS {
            let Some(oldest) = self
                .views
                .iter()
                .filter(|(k, _)| k.as_str() != WHOLE)
                .min_by_key(|(_, v)| v.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            self.views.remove(&oldest);
            self.engines.remove(&(oldest.clone(), false));
            self.engines.remove(&(oldest.clone(), true));
            self.published.remove(&(oldest, false));
        }
        let keep: HashSet<&str> = self
            .views
            .values()
            .filter_map(|v| v.good.as_ref())
            .flat_map(|v| v.pagine.iter().map(|p| p.id.as_str()))
            .collect();
        store.retain(&keep);
    }
}

impl View {
    /// Whether the last layout attempt met no error.
    fn problems_ok(&self) -> bool {
        self.problems.iter().all(|p| p.gravita != "errore")
    }
}

impl Current {
    fn checked(&self) -> Option<&Checked> {
        self.checking.as_ref()?.checked.as_ref()
    }
}

fn content_has_errors() -> String {
    "i contenuti hanno errori: correggili (sono elencati nella pagina) e riprova".into()
}

fn internal_error() -> Problem {
    Problem::plain(
        "errore interno di piao durante l'impaginazione; le pagine mostrate sono le ultime \
         riuscite. Salva di nuovo il file per riprovare e, se si ripete, segnala il problema"
            .into(),
    )
}

impl Problem {
    fn plain(message: String) -> Problem {
        Problem {
            gravita: "errore",
            messaggio: diag::printable(&message),
            luogo: None,
            etichetta: None,
            aiuti: Vec::new(),
            altri: Vec::new(),
        }
    }
}

/// view → render → typeset, without the PDF: what `pipeline::build_pdf` does up to
/// the layout, with the same diagnostics.
fn lay_out(
    checked: &Checked,
    selection: &Selection,
    templates: &Templates,
    engine: &Engine,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<PagedDocument> {
    let rendered = pipeline::typst_sources(
        checked,
        Profile::Complete,
        selection,
        templates,
        sources,
        report,
    )?;
    engine.update(&rendered.files);
    let date = checked.annex.data.data_documento.get_ref().0;
    let result = engine.compile(date);
    Engine::evict(EVICT_AFTER);
    match result {
        Ok((doc, warnings)) => {
            for w in &warnings {
                report.push(pipeline::typst_diagnostic(w, &rendered, templates, sources));
            }
            Some(doc)
        }
        Err(problems) => {
            for p in &problems {
                report.push(pipeline::typst_diagnostic(p, &rendered, templates, sources));
            }
            None
        }
    }
}

/// The PDF, digest line and record of a selection, as `piao build` writes them.
#[allow(clippy::too_many_arguments)]
fn publish(
    checked: &Checked,
    profile: Profile,
    selection: &Selection,
    templates: &Templates,
    engine: &Engine,
    output: &Path,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let built = pipeline::build_pdf(
        checked, profile, selection, templates, engine, sources, report,
    )?;
    let file_name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The same bytes `piao build` writes: one library function makes them.
    match crate::publish::prepare(&file_name, &built, &checked.annex.data) {
        Ok(t) => Some((t.pdf, t.digest, t.record)),
        Err(e) => {
            report.push(crate::diag::Diagnostic::error(e.0));
            None
        }
    }
}

/// The headings of a laid-out document, with their pages.
fn sections(doc: &PagedDocument) -> Vec<Section> {
    let introspector = doc.introspector();
    introspector
        .query(&HeadingElem::ELEM.select())
        .iter()
        .filter_map(|elem| {
            let heading = elem.to_packed::<HeadingElem>()?;
            let page = introspector.page(elem.location()?)?;
            Some(Section {
                livello: heading.resolve_level(StyleChain::default()).get(),
                titolo: heading
                    .body
                    .plain_text()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                pagina: page.get(),
            })
        })
        .collect()
}

/// The objectives of the folder, read without checking (like `piao list`), so that the
/// list is there even while a file has errors; a file that cannot be read at all is
/// listed by its name.
fn unchecked_objectives(dir: &Path) -> Vec<Objective> {
    let mut sources = Sources::default();
    let mut report = Report::default();
    let Ok(content) = crate::load::load(dir, &mut sources, &mut report) else {
        return Vec::new();
    };
    let mut out = objectives_of(dir, content.managed.iter(), content.services.iter());
    for (folder, tipo) in [
        (crate::load::MANAGED_DIR, "gestionale"),
        (crate::load::SERVICES_DIR, "istituzionale"),
    ] {
        for path in crate::load::toml_files(&dir.join(folder)).unwrap_or_default() {
            let file = relative(dir, &path);
            if out.iter().any(|o| o.file == file) {
                continue;
            }
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push(Objective {
                breve: id.clone(),
                id,
                tipo,
                numero: 0,
                titolo: "(il file ha errori e non si può leggere)".into(),
                azione: "—",
                modifiche: 0,
                file,
                leggibile: false,
            });
        }
    }
    out.sort_by(|a, b| (a.tipo, a.numero, &a.file).cmp(&(b.tipo, b.numero, &b.file)));
    out
}

fn relative(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

/// The list of objectives, as `piao list` shows it.
fn objectives_of<'a>(
    dir: &Path,
    managed: impl Iterator<Item = &'a Loaded<Managed>>,
    services: impl Iterator<Item = &'a Loaded<Service>>,
) -> Vec<Objective> {
    let changes = |groups: &[crate::model::RawGroup]| -> usize {
        groups.iter().map(|g| g.modifiche.len()).sum()
    };
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    for m in managed {
        let o = &m.data;
        let numero = *o.numero.get_ref();
        out.push(Objective {
            id: m.stem.clone(),
            breve: crate::view::short_name('g', numero),
            tipo: "gestionale",
            numero,
            titolo: words(&o.titolo),
            azione: if *o.azione.get_ref() == Action::Eliminare {
                "eliminare"
            } else {
                "modificare"
            },
            modifiche: changes(&o.variazioni),
            file: relative(dir, &m.path),
            leggibile: true,
        });
    }
    for s in services {
        let o = &s.data;
        let numero = *o.numero.get_ref();
        out.push(Objective {
            id: s.stem.clone(),
            breve: crate::view::short_name('i', numero),
            tipo: "istituzionale",
            numero,
            titolo: words(&o.servizio),
            azione: "modificare",
            modifiche: changes(&o.variazioni),
            file: relative(dir, &s.path),
            leggibile: true,
        });
    }
    out.sort_by(|a, b| (a.tipo, a.numero).cmp(&(b.tipo, b.numero)));
    out
}

/// The diagnostics of a report, with their places resolved to lines. Notes
/// (contradictions the content acknowledges) are left out, as by every command but
/// `piao check`.
fn problems_of(report: &Report, sources: &Sources) -> Vec<Problem> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity != diag::Severity::Note)
        .map(|d| problem(d, sources))
        .collect()
}

fn problem(d: &Diagnostic, sources: &Sources) -> Problem {
    let place = |file: usize, span: &std::ops::Range<usize>, label: Option<&String>| {
        let text = sources.text(file);
        let (riga, colonna) = sources.line_col(file, span.start);
        let start = text[..floor(text, span.start.min(text.len()))]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[start..end].trim_end_matches('\r');
        let width = line.chars().count();
        let from = (colonna - 1).min(width);
        let marked = text[floor(text, span.start.min(text.len()))
            ..floor(text, span.end.clamp(span.start, text.len()))]
            .chars()
            .take_while(|c| *c != '\n')
            .count();
        Place {
            file: sources.path(file).display().to_string(),
            riga: Some(riga),
            colonna: Some(colonna),
            testo: Some(diag::printable(line)),
            segno: Some((from, (from + marked.max(1)).min(width.max(from + 1)))),
            etichetta: label.map(|l| diag::printable(l)),
        }
    };
    let luogo = match (&d.primary, &d.path) {
        (Some((file, span)), _) => Some(place(*file, span, None)),
        (None, Some(path)) => Some(Place {
            file: path.display().to_string(),
            riga: None,
            colonna: None,
            testo: None,
            segno: None,
            etichetta: None,
        }),
        (None, None) => None,
    };
    Problem {
        gravita: if d.is_error() { "errore" } else { "avviso" },
        messaggio: diag::printable(&d.message),
        luogo,
        etichetta: d.label.as_deref().map(diag::printable),
        aiuti: d.hints.iter().map(|h| diag::printable(h)).collect(),
        altri: d
            .secondary
            .iter()
            .map(|(f, s, l)| place(*f, s, Some(l)))
            .collect(),
    }
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

//! The state `piao serve` shows, computed from the files through the library's own
//! pipeline: the only module of the server that calls it.
//!
//! Each generation of the files (see [`super::events`]) becomes one immutable
//! [`Snapshot`] (the content loaded and checked, the templates, the list, the
//! problems), built outside any lock and shared as an `Arc`: requests that want the
//! same generation at once wait for one build of it, and a request never holds a lock
//! while it loads.
//!
//! Each view (the whole annex, one objective) has its own [`Engine`] behind its own
//! lock, kept across generations: its sources are `replace()`d, so Typst lays out
//! again only what the change touched, as `piao watch` does. Each download has its own
//! engine too. So a long layout or a PDF being built holds up only the requests for
//! that same view or file, never the other tabs. At most [`LAYOUT_SLOTS`] layouts and
//! PDF builds run at once, whatever the number of requests.
//!
//! A view that cannot be laid out (the content has errors, a template or Typst fails)
//! keeps the pages of its last good layout, shown beside the problems. Layouts go
//! through [`pipeline::lay_out`] and downloads through the same calls as `piao build`
//! and `piao export`, so their bytes are the same; problems are shown as
//! [`diag::problems`] makes them.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use serde::Serialize;
use typst::foundations::{NativeElement, StyleChain};
use typst::introspection::Introspector;
use typst::model::HeadingElem;
use typst_layout::PagedDocument;

use super::pages::{PageInfo, PageStore, Permits};
use crate::check::Checked;
use crate::diag::{self, Problem, Report, Sources};
use crate::edit;
use crate::load::Loaded;
use crate::model::{Managed, Service};
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
/// looked at. Downloads (each with its engine and its bytes) likewise.
const MAX_VIEWS: usize = 8;
const MAX_DOWNLOADS: usize = 4;

/// Layouts and PDF builds running at once, at most: each holds a laid-out document in
/// memory, and two cores do not go faster with more. A download and a tab's layout
/// still run side by side.
const LAYOUT_SLOTS: usize = 3;

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
    /// No annex yet (no content folder, or no `allegato.toml` in it): the page offers
    /// the first-run form.
    pub inizio: bool,
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

/// The content as of one generation. Never changed once built.
struct Snapshot {
    generation: u64,
    /// No `allegato.toml` yet: the first run.
    first_run: bool,
    objectives: Vec<Objective>,
    /// `None` when the folder could not be read at all.
    checking: Option<Checking>,
    templates: Result<Templates, String>,
    problems: Vec<Problem>,
    /// How long loading and checking took.
    millis: u64,
}

/// A snapshot being built, shared by every request that waits for it.
type Building = Arc<OnceLock<Arc<Snapshot>>>;

/// One view: its engine and its layouts.
struct View {
    engine: Engine,
    /// The generation last laid out (or found impossible to lay out); 0: never.
    tried: u64,
    problems: Vec<Problem>,
    good: Option<ViewState>,
}

/// One download: its engine and the files last built.
struct Publication {
    engine: Engine,
    done: Option<Published>,
}

/// A PDF built for download, with the digest line and record `piao build` writes.
struct Published {
    generation: u64,
    pdf: Arc<Vec<u8>>,
    digest: Arc<Vec<u8>>,
    record: Arc<Vec<u8>>,
    names: [String; 3],
}

/// Slots (views or downloads) by name, each behind its own lock, the least recently
/// used forgotten past a bound.
struct Slots<K, T> {
    slots: HashMap<K, (Arc<Mutex<T>>, u64)>,
    clock: u64,
}

impl<K: std::hash::Hash + Eq + Clone, T> Slots<K, T> {
    fn new() -> Self {
        Slots {
            slots: HashMap::new(),
            clock: 0,
        }
    }

    /// The slot `key` (made with `make` if new), marked as just used; then the least
    /// recently used beyond `max`, except those `keep` says, are forgotten and
    /// returned.
    fn get(
        &mut self,
        key: &K,
        make: impl FnOnce() -> T,
        max: usize,
        keep: impl Fn(&K) -> bool,
    ) -> (Arc<Mutex<T>>, Vec<K>) {
        self.clock += 1;
        let clock = self.clock;
        let slot = self
            .slots
            .entry(key.clone())
            .or_insert_with(|| (Arc::new(Mutex::new(make())), clock));
        slot.1 = clock;
        let slot = slot.0.clone();
        let mut forgotten = Vec::new();
        while self.slots.len() > max {
            let Some(oldest) = self
                .slots
                .iter()
                .filter(|(k, _)| !keep(k))
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            // A slot in use by a request ends with it.
            self.slots.remove(&oldest);
            forgotten.push(oldest);
        }
        (slot, forgotten)
    }

    fn peek(&self, key: &K) -> Option<Arc<Mutex<T>>> {
        self.slots.get(key).map(|(s, _)| s.clone())
    }

    fn remove(&mut self, key: &K) {
        self.slots.remove(key);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The server's view of the content folder. Every method takes `&self`: the request
/// threads call it at once.
pub struct Workspace {
    settings: Settings,
    /// The newest snapshot built.
    latest: Mutex<Option<Arc<Snapshot>>>,
    /// The snapshot being built, shared by the requests that wait for it.
    building: Mutex<Option<(u64, Building)>>,
    views: Mutex<Slots<String, View>>,
    /// The pages each view shows (the page store keeps only these). Also the lock
    /// under which pages enter and leave the store.
    shown: Mutex<HashMap<String, Vec<String>>>,
    downloads: Mutex<Slots<(String, bool), Publication>>,
    /// Bounds the layouts and PDF builds running at once.
    working: Permits,
}

impl Workspace {
    pub fn new(settings: Settings) -> Workspace {
        Workspace {
            settings,
            latest: Mutex::new(None),
            building: Mutex::new(None),
            views: Mutex::new(Slots::new()),
            shown: Mutex::new(HashMap::new()),
            downloads: Mutex::new(Slots::new()),
            working: Permits::new(LAYOUT_SLOTS),
        }
    }

    /// The content folder.
    pub fn content(&self) -> &Path {
        &self.settings.content
    }

    /// The state of view `sel` at `generation` if it needs no work (it was computed
    /// already and no layout is running on it), so that a page can carry it without
    /// making the browser wait.
    pub fn ready_state(&self, generation: u64, sel: &str, store: &PageStore) -> Option<State> {
        let snapshot = lock(&self.latest).clone()?;
        if snapshot.generation != generation {
            return None;
        }
        let slot = lock(&self.views).peek(&sel.to_string())?;
        let view = slot.try_lock().ok()?;
        if view.tried != generation {
            return None;
        }
        drop(view);
        Some(self.state(generation, sel, store))
    }

    /// The state of view `sel` (`tutto` or an objective's id) at `generation`.
    pub fn state(&self, generation: u64, sel: &str, store: &PageStore) -> State {
        let mut snapshot = self.snapshot(generation);
        let known = lock(&self.views).peek(&sel.to_string()).is_some();
        let mut nota = None;
        let selection = if sel == WHOLE {
            Some(Selection::All)
        } else if snapshot.objectives.iter().any(|o| o.id == sel)
            || (known && snapshot.checked().is_none())
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
        let mut problems = snapshot.problems.clone();
        if let Some(selection) = selection {
            let (slot, forgotten) = lock(&self.views).get(
                &sel.to_string(),
                || View {
                    engine: Engine::new(),
                    tried: 0,
                    problems: Vec::new(),
                    good: None,
                },
                MAX_VIEWS,
                |k| k == WHOLE,
            );
            self.forget(&forgotten, store);
            // Only the requests for this same view wait here.
            let mut view = lock(&slot);
            if view.tried > snapshot.generation {
                // Laid out meanwhile for newer files: answer with those.
                snapshot = self.snapshot(view.tried);
            }
            if view.tried != snapshot.generation && snapshot.checked().is_some() {
                self.lay_out(&mut view, sel, &selection, &snapshot, store);
            }
            if view.tried == snapshot.generation {
                problems.extend(view.problems.iter().cloned());
            }
            let current =
                view.tried == snapshot.generation && view.problems.iter().all(|p| !p.is_error());
            vista = view.good.clone().map(|mut v| {
                v.attuale = current && v.generazione == snapshot.generation;
                v
            });
        }
        let errori = problems.iter().filter(|p| p.is_error()).count();
        State {
            generazione: snapshot.generation,
            cartella: self.settings.content.display().to_string(),
            inizio: snapshot.first_run,
            obiettivi: snapshot.objectives.clone(),
            controllo_ms: snapshot.millis,
            avvisi: problems.len() - errori,
            errori,
            problemi: problems,
            scaricabile: snapshot.checked().is_some(),
            vista,
            nota,
        }
    }

    /// The problems of the content at `generation`, each at its file and field, as a
    /// form shows them ([`crate::edit::problems`]): a save from the page is answered
    /// with these, from the same load and check as the pages of that generation.
    pub fn field_problems(&self, generation: u64) -> edit::Problems {
        let snapshot = self.snapshot(generation);
        let dir = &self.settings.content;
        let plain = |messaggio: &str| edit::FieldProblem {
            file: None,
            field: None,
            gravita: "errore",
            messaggio: messaggio.to_string(),
            suggerimenti: Vec::new(),
            riga: None,
        };
        let Some(checking) = &snapshot.checking else {
            let problemi: Vec<_> = snapshot
                .problems
                .iter()
                .map(|p| plain(&p.messaggio))
                .collect();
            return edit::Problems {
                buildable: false,
                errori: problemi.len().max(1),
                avvisi: 0,
                problemi,
            };
        };
        let mut problemi: Vec<_> = checking
            .report
            .diagnostics
            .iter()
            .map(|d| edit::problems::at_field(d, &checking.sources, dir))
            .collect();
        let mut errori = checking.report.errors();
        if let Err(e) = &snapshot.templates {
            problemi.push(plain(e));
            errori += 1;
        }
        edit::Problems {
            buildable: errori == 0 && snapshot.checked().is_some(),
            errori,
            avvisi: checking.report.warnings(),
            problemi,
        }
    }

    /// A file to download: a PDF of `sel` (with `albo`, the albo copy), its digest or its
    /// record, as `piao build` / `piao preview` write them. `Err` says why there is
    /// none, in Italian.
    pub fn publish(
        &self,
        generation: u64,
        sel: &str,
        albo: bool,
        part: Part,
    ) -> Result<Download, String> {
        let snapshot = self.snapshot(generation);
        let selection = if sel == WHOLE {
            Selection::All
        } else if snapshot.objectives.iter().any(|o| o.id == sel) {
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
        let (slot, _) = lock(&self.downloads).get(
            &(sel.to_string(), albo),
            || Publication {
                engine: Engine::new(),
                done: None,
            },
            MAX_DOWNLOADS,
            |_| false,
        );
        // Only a second request for this same file waits here.
        let mut publication = lock(&slot);
        let fresh = publication
            .done
            .as_ref()
            .is_some_and(|p| p.generation == snapshot.generation);
        if !fresh {
            let built = self.build_published(&publication.engine, &snapshot, &selection, albo);
            match built {
                Ok(p) => publication.done = Some(p),
                Err(e) => {
                    if e.1 {
                        // The engine a panic happened in is not used again.
                        drop(publication);
                        lock(&self.downloads).remove(&(sel.to_string(), albo));
                    }
                    return Err(e.0);
                }
            }
        }
        let p = publication.done.as_ref().expect("built");
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
    pub fn export(&self, generation: u64, csv: bool) -> Result<Download, String> {
        let snapshot = self.snapshot(generation);
        let checked = snapshot.checked().ok_or_else(content_has_errors)?;
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

    /// The snapshot of `generation` (or a newer one already built). Requests that ask
    /// for the same generation at once share one build, made outside every lock.
    fn snapshot(&self, generation: u64) -> Arc<Snapshot> {
        if let Some(s) = lock(&self.latest).as_ref() {
            if s.generation >= generation {
                return s.clone();
            }
        }
        let cell = {
            let mut building = lock(&self.building);
            match building.as_ref() {
                Some((g, cell)) if *g == generation => cell.clone(),
                _ => {
                    let cell = Arc::new(OnceLock::new());
                    *building = Some((generation, cell.clone()));
                    cell
                }
            }
        };
        let snapshot = cell
            .get_or_init(|| Arc::new(Snapshot::build(&self.settings, generation)))
            .clone();
        {
            let mut latest = lock(&self.latest);
            if latest
                .as_ref()
                .is_none_or(|l| l.generation < snapshot.generation)
            {
                *latest = Some(snapshot.clone());
            }
        }
        let mut building = lock(&self.building);
        if building
            .as_ref()
            .is_some_and(|(_, c)| Arc::ptr_eq(c, &cell))
        {
            *building = None;
        }
        snapshot
    }

    /// Lays out `selection` of `snapshot` with the view's engine, and records the
    /// outcome in the view. A panic inside the pipeline becomes a problem to show; the
    /// engine it happened in is replaced.
    fn lay_out(
        &self,
        view: &mut View,
        key: &str,
        selection: &Selection,
        snapshot: &Snapshot,
        store: &PageStore,
    ) {
        let checking = snapshot.checking.as_ref().expect("checked content");
        let checked = checking.checked.as_ref().expect("checked content");
        let templates = snapshot.templates.as_ref().expect("templates read");
        // Layout problems name template files: they join a copy of the snapshot's.
        let mut sources = checking.sources.clone();
        let mut report = Report::default();
        let working = self.working.take();
        let start = Instant::now();
        let engine = &view.engine;
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let laid = pipeline::lay_out(
                checked,
                Profile::Complete,
                selection,
                templates,
                engine,
                &mut sources,
                &mut report,
            );
            Engine::evict(EVICT_AFTER);
            laid.map(|l| {
                let sections = sections(&l.doc);
                (l.doc, sections)
            })
        }));
        let millis = start.elapsed().as_millis() as u64;
        drop(working);
        let mut problems = diag::problems(&report, &sources);
        view.tried = snapshot.generation;
        match outcome {
            Ok(Some((doc, sezioni))) => {
                let pagine = self.show(key, &doc, store);
                let titolo = match selection {
                    Selection::All => "Allegato intero".to_string(),
                    Selection::One(id) => snapshot
                        .objectives
                        .iter()
                        .find(|o| &o.id == id)
                        .map(|o| format!("{} — {}", o.breve, o.titolo))
                        .unwrap_or_else(|| id.clone()),
                };
                view.good = Some(ViewState {
                    sel: key.to_string(),
                    titolo,
                    pagine,
                    sezioni,
                    generazione: snapshot.generation,
                    attuale: true,
                    millisecondi: millis,
                });
            }
            Ok(None) => {}
            Err(_) => {
                view.engine = Engine::new();
                problems.push(internal_error());
            }
        }
        view.problems = problems;
    }

    /// Puts the pages of view `key` in the store, in place of those it showed, and
    /// forgets the pages no view shows any more.
    fn show(&self, key: &str, doc: &PagedDocument, store: &PageStore) -> Vec<PageInfo> {
        let mut shown = lock(&self.shown);
        let pages = store.insert(doc.pages());
        shown.insert(
            key.to_string(),
            pages.iter().map(|p| p.id.clone()).collect(),
        );
        store.retain(&shown.values().flatten().map(String::as_str).collect());
        pages
    }

    /// Forgets the pages (and the downloads) of views no longer kept.
    fn forget(&self, views: &[String], store: &PageStore) {
        if views.is_empty() {
            return;
        }
        {
            let mut downloads = lock(&self.downloads);
            for v in views {
                downloads.remove(&(v.clone(), false));
            }
        }
        let mut shown = lock(&self.shown);
        for v in views {
            shown.remove(v);
        }
        store.retain(&shown.values().flatten().map(String::as_str).collect());
    }

    /// The PDF, digest and record of `selection`, built with `engine`. `Err`: why not,
    /// and whether a panic happened (the engine is then dropped).
    fn build_published(
        &self,
        engine: &Engine,
        snapshot: &Snapshot,
        selection: &Selection,
        albo: bool,
    ) -> Result<Published, (String, bool)> {
        let checking = snapshot
            .checking
            .as_ref()
            .ok_or_else(|| (content_has_errors(), false))?;
        let checked = checking
            .checked
            .as_ref()
            .ok_or_else(|| (content_has_errors(), false))?;
        let templates = snapshot
            .templates
            .as_ref()
            .map_err(|e| (e.clone(), false))?;
        let profile = if albo {
            Profile::Albo
        } else {
            Profile::Complete
        };
        let output = (self.settings.naming)(checked, selection, profile);
        let mut sources = checking.sources.clone();
        let mut report = Report::default();
        let _working = self.working.take();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            publish(
                checked,
                profile,
                selection,
                templates,
                engine,
                &output,
                &mut sources,
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
                    generation: snapshot.generation,
                    pdf: Arc::new(pdf),
                    digest: Arc::new(digest),
                    record: Arc::new(record),
                    names: [name(&output), name(&digest_path), name(&record_path)],
                })
            }
            Ok(None) => Err((
                format!(
                    "il PDF non si può generare: {}",
                    diag::problems(&report, &sources)
                        .first()
                        .map(|p| p.messaggio.clone())
                        .unwrap_or_else(|| "errore di composizione".into())
                ),
                false,
            )),
            Err(_) => Err((internal_error().messaggio, true)),
        }
    }
}

impl Snapshot {
    /// Loads and checks the content folder as it is now.
    fn build(settings: &Settings, generation: u64) -> Snapshot {
        let dir = &settings.content;
        let templates = match &settings.templates {
            None => Ok(Templates::bundled()),
            Some(t) => Templates::from_dir(t)
                .map_err(|e| format!("non riesco a leggere i modelli in `{}`: {e}", t.display())),
        };
        let start = Instant::now();
        let first_run = !dir.join(crate::load::ANNEX_FILE).is_file();
        let mut problems = Vec::new();
        let strict = settings.strict;
        let loaded =
            std::panic::catch_unwind(AssertUnwindSafe(|| pipeline::load_and_check(dir, strict)));
        let mut checking = match loaded {
            Ok(Ok(c)) => {
                problems.extend(diag::problems(&c.report, &c.sources));
                Some(c)
            }
            // No content folder yet (the first run): nothing is wrong, there is nothing.
            Ok(Err(_)) if first_run && !dir.exists() => None,
            Ok(Err(e)) => {
                problems.push(Problem::plain(&e.0));
                None
            }
            Err(_) => {
                problems.push(internal_error());
                None
            }
        };
        if let Err(e) = &templates {
            problems.push(Problem::plain(e));
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
        Snapshot {
            generation,
            first_run,
            objectives,
            checking,
            templates,
            problems,
            millis: start.elapsed().as_millis() as u64,
        }
    }

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
         riuscite. Salva di nuovo il file per riprovare e, se si ripete, segnala il problema",
    )
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
    match crate::publish::prepare(&file_name, &built, checked) {
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
    for kind in crate::model::Kind::ALL {
        let tipo = kind.name();
        for path in crate::load::toml_files(&dir.join(kind.folder())).unwrap_or_default() {
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
    fn listed<O: crate::model::Objective>(dir: &Path, o: &Loaded<O>) -> Objective {
        let d = &o.data;
        Objective {
            id: o.stem.clone(),
            breve: d.short_name(),
            tipo: O::KIND.name(),
            numero: *d.numero().get_ref(),
            titolo: crate::text::collapse(d.header().title),
            azione: d.action().key(),
            modifiche: d.change_count(),
            file: relative(dir, &o.path),
            leggibile: true,
        }
    }
    let mut out: Vec<Objective> = managed.map(|m| listed(dir, m)).collect();
    out.extend(services.map(|s| listed(dir, s)));
    out.sort_by(|a, b| (a.tipo, a.numero).cmp(&(b.tipo, b.numero)));
    out
}

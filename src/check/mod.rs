//! Check: every semantic rule of the content, as Italian diagnostics at the value.
//!
//! Takes what `load` parsed and returns it checked: changes typed ([`Change`]),
//! cronoprogrammi parsed ([`Grid`]), every reference resolved. Errors are what would make
//! the document wrong (a total that is not 100%, a change pointing at nothing, a value
//! the PDF would lose or could not draw); warnings what is only suspicious. Every
//! problem points at its value: through the model's spans, or, for plain fields, by
//! the value spans `load` kept (`Sources::spans`): no file is parsed again. Nothing here formats or
//! lays out anything.
//!
//! One file per concern: the annex and training files (`annex`), each kind of objective
//! (`managed`, `service`), the changes of an objective (`changes`; each kind's own rules
//! are in `crate::change`), and the glyphs every text needs (`glyphs`). This module holds
//! the checked types and runs them in order.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use toml::Spanned;

use crate::change::parse::{check_history, grid};
use crate::change::{self, Change, Refs};
use crate::diag::{Diagnostic, FileIdx, Report, Sources};
use crate::fonts::Coverage;
use crate::load::{self, Content, Loaded, Seg};
use crate::model::change::{Group, RawGroup};
use crate::model::schedule::{Grid, Plan};
use crate::model::{
    Action, Annex, Cost, Managed, Objective, Person, Phase, Service, Targets, Training,
};

/// A group of typed changes sharing a motivazione.
#[derive(Debug, Clone)]
pub struct CheckedGroup {
    pub motivation: String,
    pub changes: Vec<Change>,
}

/// A management objective with its parsed cronoprogrammi and typed changes.
#[derive(Debug, Clone)]
pub struct CheckedManaged {
    pub source: Loaded<Managed>,
    /// Approved cronoprogramma of each phase that has one, by phase number.
    pub grids: BTreeMap<u32, Grid>,
    pub groups: Vec<CheckedGroup>,
    /// The span of each change's `tipo`, by group (for diagnostics at the change).
    pub spans: Vec<Vec<Range<usize>>>,
}

/// A service with its typed changes.
#[derive(Debug, Clone)]
pub struct CheckedService {
    pub source: Loaded<Service>,
    pub groups: Vec<CheckedGroup>,
}

/// The content, checked: what the view is built from.
#[derive(Debug, Clone)]
pub struct Checked {
    pub annex: Loaded<Annex>,
    pub plan: Plan,
    pub monitoring: Vec<NaiveDate>,
    pub managed: Vec<CheckedManaged>,
    pub services: Vec<CheckedService>,
    pub training: Option<Loaded<crate::model::Training>>,
    /// The ente's emblem, read from the content folder (`stemma` in `allegato.toml`).
    pub emblem: Option<EmblemImage>,
}

/// An image file read for the cover.
#[derive(Debug, Clone)]
pub struct EmblemImage {
    /// `png`, `jpg` or `svg` (from the file's bytes, not its name).
    pub format: &'static str,
    pub bytes: Vec<u8>,
    /// Alternative text.
    pub alt: String,
}

/// The largest emblem accepted: it is embedded in the generated sources.
const MAX_EMBLEM_BYTES: u64 = 512 * 1024;

/// The years a plan may start or end in: anything else is a typing mistake.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The phases a scheda has room for.
const MAX_PHASES: usize = 10;

/// A path into a TOML file, for [`place`]: `path!["fasi", i, "descrizione"]`.
macro_rules! path {
    ($($s:expr),* $(,)?) => { &[$(Seg::from($s)),*][..] };
}

mod across;
mod annex;
mod changes;
mod glyphs;
mod managed;
mod organisation;
mod service;

pub use across::cost_amount;

use annex::{check_annex, check_emblem, check_training};
use changes::typed_groups;
use glyphs::check_glyphs;
use managed::check_managed;
use service::check_service;

/// Where the value at `path` is written in `file` (its start when it is not found).
fn place(sources: &Sources, file: FileIdx, path: &[Seg]) -> Range<usize> {
    sources
        .spans(file)
        .get(&load::path_key(path))
        .unwrap_or(0..0)
}

/// A file being checked: where it is, to point at its values.
#[derive(Clone, Copy)]
struct At<'a> {
    file: FileIdx,
    sources: &'a Sources,
}

impl At<'_> {
    fn span(&self, path: &[Seg]) -> Range<usize> {
        place(self.sources, self.file, path)
    }
    /// Where the value at `path` is written, if it is.
    fn find(&self, path: &[Seg]) -> Option<Range<usize>> {
        self.sources.spans(self.file).get(&load::path_key(path))
    }
}

/// A field a scheda may leave out when the organisation file gives it (`direzione`,
/// `dirigente`, `responsabile`, `assessore`), left out with nothing to fill it.
fn missing_field(key: &str, at: At) -> Diagnostic {
    let sezione = at.find(path!["sezione"]).unwrap_or(0..0);
    Diagnostic::error(format!("manca il campo `{key}`"))
        .at(at.file, sezione)
        .label("sezione della scheda")
        .hint(format!(
            "scrivi `{key} = …` nella scheda, oppure descrivi la sezione in `{}`: la scheda lo prende da lì",
            load::ORGANISATION_FILE
        ))
}

/// Checks the content. Returns `None` when it has errors (all of them in `report`).
pub fn check(content: &Content, sources: &Sources, report: &mut Report) -> Option<Checked> {
    // What the schede leave out, from the organisation file: resolved once, written
    // into the schede that are checked (the content keeps what they write).
    let index = content.organisation.as_ref().map(|org| {
        organisation::check_organisation(org, sources, report);
        let index = organisation::OrgIndex::new(&org.data);
        organisation::check_sections_known(content, &index, sources, report);
        index
    });
    let managed_filled: Vec<_> = content
        .managed
        .iter()
        .map(|m| organisation::filled(m, index.as_ref()))
        .collect();
    let coverage = Coverage::bundled();
    for file in all_files(content) {
        check_glyphs(file, sources, &coverage, report);
    }
    if let Some(t) = &content.training {
        check_training(t, sources, report);
    }
    let annex = content.annex.clone();
    let (plan, monitoring) = match &annex {
        Some(a) => check_annex(a, sources, report)?,
        // The annex has errors of its own (reported): check the objectives anyway
        // against its years, when they can be read, so that every problem is shown.
        None => lenient_plan(content)?,
    };

    let emblem = annex
        .as_ref()
        .and_then(|a| check_emblem(a, &content.dir, sources, report));

    let mut managed = Vec::new();
    let mut numbers: HashMap<u32, (FileIdx, Range<usize>)> = HashMap::new();
    let mut acknowledgeable = Vec::new();
    for m in &managed_filled {
        unique_number(m, &mut numbers, report);
        let checked = check_managed(m, plan, &monitoring, sources, report);
        if let Some(c) = &checked {
            acknowledgeable.extend(managed::check_horizon(c, plan));
        }
        managed.push(checked);
    }
    let mut services = Vec::new();
    let mut numbers: HashMap<u32, (FileIdx, Range<usize>)> = HashMap::new();
    for s in &content.services {
        let s = organisation::filled(s, index.as_ref());
        unique_number(&s, &mut numbers, report);
        services.push(check_service(&s, plan, sources, report));
    }
    organisation::check_categories(
        content,
        managed_filled.iter().map(|m| &**m),
        sources,
        report,
    );
    across::check_across(content, acknowledgeable, sources, report);
    if content.managed.is_empty() && content.services.is_empty() {
        report.push(
            Diagnostic::warning(
                "nessun obiettivo: le cartelle `gestionali/` e `istituzionali/` sono vuote",
            )
            .hint("crea il primo con `piao new gestionale` oppure nel browser, con `piao serve --apri`"),
        );
    }
    if report.errors() > 0 {
        return None;
    }
    Some(Checked {
        annex: annex?,
        plan,
        monitoring,
        managed: managed.into_iter().flatten().collect(),
        services: services.into_iter().flatten().collect(),
        training: content.training.clone(),
        emblem,
    })
}

/// The plan's years and monitoring dates of an annex file that did not load, when load
/// could read those three values ([`load::AnnexDates`]) and they are plausible.
fn lenient_plan(content: &Content) -> Option<(Plan, Vec<NaiveDate>)> {
    let dates = content.annex_dates.as_ref()?;
    let year = |y: i32| PLAUSIBLE_YEARS.contains(&y).then_some(y);
    let plan = Plan {
        first: year(dates.anno_inizio)?,
        last: year(dates.anno_fine)?,
    };
    (plan.first <= plan.last).then(|| (plan, dates.monitoraggi.clone()))
}

fn all_files(content: &Content) -> Vec<FileIdx> {
    let mut files: Vec<FileIdx> = content.annex.iter().map(|a| a.file).collect();
    files.extend(content.managed.iter().map(|m| m.file));
    files.extend(content.services.iter().map(|s| s.file));
    files.extend(content.training.iter().map(|t| t.file));
    files.extend(content.organisation.iter().map(|o| o.file));
    files
}

/// The N. scheda of `o`, not used by another objective of its kind (`seen`).
fn unique_number<O: Objective>(
    o: &Loaded<O>,
    seen: &mut HashMap<u32, (FileIdx, Range<usize>)>,
    report: &mut Report,
) {
    let (file, numero, kind) = (o.file, o.data.numero(), O::KIND.name());
    let n = *numero.get_ref();
    if let Some((first_file, first_span)) = seen.get(&n) {
        report.push(
            Diagnostic::error(format!(
                "il N. scheda {n} è già usato da un altro obiettivo {kind}"
            ))
            .at(file, numero.span())
            .also(*first_file, first_span.clone(), "usato qui")
            .hint("ogni scheda ha un numero suo"),
        );
    } else {
        seen.insert(n, (file, numero.span()));
    }
}

/// A text the document cannot do without: reported, at its value, when blank.
fn required_text(value: &str, message: &str, at: At, path: &[Seg], report: &mut Report) {
    if let [Seg::Key(key)] = path {
        if value.is_empty() && at.find(path).is_none() {
            report.push(missing_field(key, at));
            return;
        }
    }
    if value.trim().is_empty() {
        report.push(
            Diagnostic::error(message)
                .at(at.file, at.span(path))
                .label("va compilato"),
        );
    }
}

/// The header of a scheda: its texts, then `own` (the other texts its kind requires,
/// as (value, key)), then the people at its head.
fn check_header<O: Objective>(o: &O, own: &[(&str, &str)], at: At, report: &mut Report) {
    let h = o.header();
    let texts = [
        (h.title, h.title_key),
        (h.direzione, "direzione"),
        (h.sezione, "sezione"),
        (h.missione, "missione"),
        (h.programma, "programma"),
    ];
    for &(value, field) in texts.iter().chain(own) {
        required_text(
            value,
            &format!("il campo `{field}` è vuoto"),
            at,
            path![field],
            report,
        );
    }
    required_person(h.assessore, "assessore", false, at, report);
    required_person(h.dirigente, "dirigente", false, at, report);
    let named = o.names_responsabile();
    required_person(h.responsabile, "responsabile", named, at, report);
}

/// A person of a header: blank names are reported; `named` requires cognome and nome.
fn required_person(person: &Person, key: &str, named: bool, at: At, report: &mut Report) {
    if matches!(person, Person::Label(l) if l.is_empty()) && at.find(path![key]).is_none() {
        report.push(missing_field(key, at));
        return;
    }
    match person {
        Person::Named { cognome, nome } => {
            for (value, part) in [(cognome, "cognome"), (nome, "nome")] {
                if value.trim().is_empty() {
                    report.push(
                        Diagnostic::error(format!("il {part} del campo `{key}` è vuoto"))
                            .at(at.file, at.span(path![key, part]))
                            .label("va compilato"),
                    );
                }
            }
        }
        Person::Label(l) if l.trim().is_empty() => {
            report.push(
                Diagnostic::error(format!("il campo `{key}` è vuoto"))
                    .at(at.file, at.span(path![key]))
                    .label("va compilato"),
            );
        }
        Person::Label(_) if named => {
            report.push(
                Diagnostic::error(format!("il campo `{key}` va indicato con cognome e nome"))
                    .at(at.file, at.span(path![key]))
                    .hint(format!(
                        "scrivi `{key} = {{ cognome = \"Rossi\", nome = \"Maria\" }}`: il cognome compare nella richiesta"
                    )),
            );
        }
        Person::Label(_) => {}
    }
}

/// The ids of a scheda's rows of one kind (indicators, activities): each used once,
/// all listed for the changes that name them.
struct Ids {
    /// "indicatore", "attività".
    what: &'static str,
    first: HashMap<String, Range<usize>>,
    list: Vec<String>,
}

impl Ids {
    fn new(what: &'static str) -> Ids {
        Ids {
            what,
            first: HashMap::new(),
            list: Vec::new(),
        }
    }

    /// A row's id, if it has one: reported when another row of its kind has it too.
    fn register(&mut self, id: &Option<Spanned<String>>, file: FileIdx, report: &mut Report) {
        let Some(id) = id else { return };
        if let Some(first) = self.first.get(id.get_ref()) {
            report.push(
                Diagnostic::error(format!("l'identificativo `{}` è già usato", id.get_ref()))
                    .at(file, id.span())
                    .also(
                        file,
                        first.clone(),
                        format!("{} con lo stesso id", self.what),
                    ),
            );
        } else {
            self.first.insert(id.get_ref().clone(), id.span());
        }
        self.list.push(id.get_ref().clone());
    }
}

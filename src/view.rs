//! View: the document as it will be printed, formatted from the amended schede.
//!
//! Reads what `crate::apply` produced (every row with its state, approved and new
//! values) and formats it: struck and new text, the request pages (each change words
//! itself, in `crate::change`), the summary lists and every derived figure (targets at
//! the monitoring dates, totals). All numbers are formatted here, the Italian way; the
//! templates only iterate over strings.
//!
//! Words and case. The view owns the words said of what is asked for an objective
//! ([`words`]) and the case of every value: a value reaches the templates already in
//! the capitals it is printed in (`direzione_header`, `sezione_header`,
//! `servizio_header`, the responsabile's surname), and no template changes the case of
//! a value. `templates/stile.typ` keeps only the look of its own titles: headings,
//! block titles and change tags are set in capitals there as they are set in bold (a
//! heading keeps its words as written, which the PDF's bookmarks show).
//!
//! States and styles cross into the templates as enums serialised by name
//! ([`RowState`], [`LineStyle`], [`SchedaState`], [`Profile`], `text::Mark`), never as
//! free strings; the `contract` tests hold those names equal to the ones the templates
//! compare with.

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::apply::Applied;
use crate::change::parse::HISTORY_YEARS;
use crate::change::{self, Context, LineKind, Section};
use crate::check::{Checked, CheckedGroup, CheckedManaged, CheckedService};
use crate::format;
use crate::model::amended::{self, Amended, Revised, State, TextRow};
use crate::model::change::Group;
use crate::model::schedule::{Grid, Plan};
use crate::model::{Action, Cost, Managed, Person, Resource, Service, Staff};
use crate::text::{self, collapse, Mark, Paragraph, Segment};

/// Which copy of the annex is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Profile {
    /// The full annex for the Giunta.
    #[serde(rename = "completo")]
    Complete,
    /// The copy published on the albo pretorio: staff names omitted.
    #[serde(rename = "albo")]
    Albo,
}

/// The whole document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub ente: String,
    /// Provincia or città metropolitana, under the ente on the cover.
    pub provincia: Option<String>,
    pub emblem: Option<EmblemView>,
    pub title: String,
    /// The cover's subtitle: the PIAO sections the annex has.
    pub subtitle: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// ISO date (for the PDF metadata).
    pub date: String,
    pub date_year: i32,
    pub date_month: u32,
    pub date_day: u32,
    /// The document's date on the cover; `None` when the content marks it provisional
    /// or the deliberation's date already says it.
    pub cover_date: Option<String>,
    pub deliberation: Option<DeliberationView>,
    /// The deliberation the footer of every page names, when the content gives its
    /// number and date ("Allegato alla deliberazione della Giunta Comunale n. 118 del
    /// 21.10.2025"); never with blanks.
    pub footer: Option<String>,
    pub plan_label: String,
    pub first_year: i32,
    pub months: Vec<String>,
    pub later_years: Vec<i32>,
    pub monitoring: Vec<Monitoring>,
    /// Widths (em) of the narrow columns, from the measure `check` uses
    /// (`crate::measure`).
    pub columns: ColumnsView,
    pub profile: Profile,
    pub managed_list: Vec<ListRow>,
    pub managed: Vec<ManagedView>,
    pub services_list: Vec<ListRow>,
    pub services: Vec<ServiceView>,
    pub training: Option<TrainingView>,
}

/// The widths of the narrow columns of the schede, in tenths of an em of their text
/// (integers: the templates write `90em / 10`).
#[derive(Debug, Clone, Serialize)]
pub struct ColumnsView {
    pub atteso: u32,
    pub raggiunto: u32,
    pub target: u32,
    pub um: u32,
}

fn tenths(em: f64) -> u32 {
    (em * 10.0).round() as u32
}

/// The deliberation on the cover: what the content does not give is a blank to fill in.
#[derive(Debug, Clone, Serialize)]
pub struct DeliberationView {
    pub organo: String,
    /// The number, or a blank line ("______").
    pub numero: String,
    /// The date (`28.09.2023`), or a blank line ("__________").
    pub data: String,
}

/// The ente's emblem, as embedded in the generated source.
#[derive(Debug, Clone, Serialize)]
pub struct EmblemView {
    pub format: &'static str,
    #[serde(serialize_with = "as_bytes")]
    pub bytes: Vec<u8>,
    pub alt: String,
}

fn as_bytes<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bytes(b)
}

/// A blank to fill in by hand, for a number and for a date (as in the forms of atti).
pub const BLANK_NUMBER: &str = "______";
pub const BLANK_DATE: &str = "__________";

/// A monitoring date in its two spellings.
#[derive(Debug, Clone, Serialize)]
pub struct Monitoring {
    /// `31.07.2023`
    pub dotted: String,
    /// `31-lug`
    pub abbr: String,
}

/// A row of an "Elenco" summary table.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub direzione: String,
    pub sezione: String,
    pub titolo: String,
    /// [`words`]: what is asked for the objective.
    pub azione: &'static str,
}

/// The words the annex says of what is asked for an objective, in the capitals it prints
/// them in. This is their one home: the templates print them as the view gives them
/// (`azione`, `richiesta`), and the open-data export says the same AZIONE. The request
/// of an eliminated objective is said with its kind of change
/// ([`crate::change::remove_objective::REQUEST`]).
pub mod words {
    /// The AZIONE of an obiettivo gestionale to eliminate.
    pub const ELIMINARE: &str = "ELIMINARE";
    /// The AZIONE of an obiettivo gestionale to modify.
    pub const MODIFICARE: &str = "MODIFICARE";
    /// The AZIONE of an obiettivo istituzionale (only ever modified), as the reference
    /// says it.
    pub const MODIFICHE: &str = "MODIFICHE";
    /// What the request of a modified objective asks, gestionale or istituzionale.
    pub const MODIFICARE_OBIETTIVO: &str = "MODIFICARE OBIETTIVO";
}

/// The AZIONE of an obiettivo gestionale ([`words`]).
pub fn managed_action(action: Action) -> &'static str {
    match action {
        Action::Eliminare => words::ELIMINARE,
        Action::Modificare => words::MODIFICARE,
    }
}

/// How the header of a scheda names what happens to its objective ("OBIETTIVO
/// GESTIONALE ELIMINATO"): the templates print this name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SchedaState {
    #[serde(rename = "MODIFICATO")]
    Modified,
    #[serde(rename = "ELIMINATO")]
    Eliminated,
}

impl SchedaState {
    pub const ALL: [SchedaState; 2] = [SchedaState::Modified, SchedaState::Eliminated];
}

/// How a line of a request is set (`templates/macros.typ.j2` picks the style by this
/// name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineStyle {
    /// An action in capitals.
    Label,
    /// A time change.
    Highlight,
    /// The text of a phase, indicator or activity, after its label.
    Quote,
    /// A labelled value.
    Note,
}

impl LineStyle {
    pub const ALL: [LineStyle; 4] = [
        LineStyle::Label,
        LineStyle::Highlight,
        LineStyle::Quote,
        LineStyle::Note,
    ];
}

/// The state of a row of the scheda, as the templates mark it (`templates/stile.typ`'s
/// `etichetta-stato` and `riga-cronoprogramma` read these names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RowState {
    /// As approved.
    #[serde(rename = "")]
    Unchanged,
    /// Removed (struck).
    #[serde(rename = "del")]
    Removed,
    /// New.
    #[serde(rename = "ins")]
    New,
    /// Changed in place (or the new schedule of a changed phase).
    #[serde(rename = "mod")]
    Changed,
    /// The approved schedule of a changed phase, struck above its new one.
    #[serde(rename = "old")]
    Approved,
}

impl RowState {
    pub const ALL: [RowState; 5] = [
        RowState::Unchanged,
        RowState::Removed,
        RowState::New,
        RowState::Changed,
        RowState::Approved,
    ];
}

impl From<State> for RowState {
    fn from(state: State) -> RowState {
        match state {
            State::Unchanged => RowState::Unchanged,
            State::Removed => RowState::Removed,
            State::New => RowState::New,
            State::Changed => RowState::Changed,
        }
    }
}

/// One line of a request page.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub style: LineStyle,
    pub prefix: String,
    pub text: Vec<Segment>,
}

/// The lines of one change in a request, with the headings said before it (when the
/// change starts a new section or indicator group).
#[derive(Debug, Clone, Serialize)]
pub struct RequestItem {
    pub heading: Option<String>,
    pub subheading: Option<String>,
    /// The change's number in its request ("2." before its first line), when the
    /// request has more than one change: a motivazione shared by several changes names
    /// them by these numbers.
    pub number: Option<usize>,
    pub lines: Vec<Line>,
}

/// A group of changes of a request (one `[[variazioni]]`) with their motivazione,
/// printed right after its changes.
#[derive(Debug, Clone, Serialize)]
pub struct RequestGroup {
    pub items: Vec<RequestItem>,
    /// "Motivazione:" for one change (as in the reference); for several, the changes
    /// it is the reason of: "Motivazione (per le modifiche 2 e 3):".
    pub motivation_label: String,
    pub motivation: Vec<Paragraph>,
}

/// A row of a tracked list (phase, indicator, activity).
#[derive(Debug, Clone, Serialize)]
pub struct TrackedRow {
    pub numero: String,
    /// Unchanged, removed, new, or changed in place.
    pub state: RowState,
    pub text: Vec<Segment>,
}

/// An indicator of a management objective in the scheda.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub state: RowState,
    pub text: Vec<Segment>,
    pub expected: Vec<Segment>,
    /// One cell per monitoring date.
    pub reached: Vec<String>,
}

/// An indicator group in the scheda.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorGroupView {
    pub title: String,
    pub rows: Vec<IndicatorRow>,
}

/// A row of the cronoprogramma.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleRow {
    pub numero: String,
    /// Unchanged, removed, new; for a changed phase, its approved schedule
    /// ([`RowState::Approved`]) then its new one ([`RowState::Changed`]).
    pub state: RowState,
    pub previous: String,
    pub months: Vec<String>,
    pub targets: Vec<String>,
    pub later: Vec<String>,
    /// Said instead of the cells, across the row: the approved schedule of a changed
    /// or removed phase that the content does not give. (How many columns it spans is
    /// `templates/stile.typ`'s to count: it lays the columns out.)
    pub note: Option<String>,
}

/// A member of staff.
#[derive(Debug, Clone, Serialize)]
pub struct StaffRow {
    pub categoria: String,
    pub nome: String,
    pub note: String,
    pub partecipazione: String,
}

/// A resource.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceRow {
    pub tipologia: String,
    pub descrizione: String,
    pub costo: String,
}

/// A management objective: request and scheda.
#[derive(Debug, Clone, Serialize)]
pub struct ManagedView {
    pub id: String,
    pub short: String,
    pub numero: u32,
    pub titolo: String,
    pub direzione: String,
    /// The direzione as the scheda's header prints it: in capitals, and naming an
    /// intersettoriale objective.
    pub direzione_header: String,
    pub sezione: String,
    /// The sezione as the scheda's header prints it, in capitals.
    pub sezione_header: String,
    pub assessore: String,
    pub dirigente: String,
    pub po: String,
    pub responsabile: String,
    pub missione: String,
    pub programma: String,
    pub strategico: String,
    pub operativo: String,
    pub progetto: String,
    pub finalita: String,
    /// The orizzonte temporale: the approved one struck and the new one when a change
    /// asks for it.
    pub orizzonte: Vec<Segment>,
    pub descrizione: Vec<Paragraph>,
    /// [`words`]: ELIMINARE or MODIFICARE, in the list and the request's header.
    pub azione: &'static str,
    /// What the request asks ("ELIMINARE OBIETTIVO", "MODIFICARE OBIETTIVO").
    pub richiesta: &'static str,
    /// How the scheda's header names it.
    pub stato: SchedaState,
    pub eliminated: bool,
    pub motivation: Vec<Paragraph>,
    pub request: Vec<RequestGroup>,
    /// The phase table, row by row: each row has a left and a right phase (the first
    /// half of the phases on the left, as in the official form), an empty one when a
    /// side has no more phases.
    pub phase_rows: Vec<[TrackedRow; 2]>,
    pub indicators: Vec<IndicatorGroupView>,
    pub schedule: Vec<ScheduleRow>,
    /// Notes under the cronoprogramma: shares whose month the approved plan does not let
    /// read (`non_leggibile`), by phase.
    pub schedule_notes: Vec<String>,
    pub staff: Vec<StaffRow>,
    pub staff_total: String,
    pub staff_redacted: bool,
    pub resources: Vec<ResourceRow>,
    pub resources_total: String,
    pub has_changes: bool,
}

/// An indicator of a service in the scheda.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceIndicatorRow {
    pub state: RowState,
    pub text: Vec<Segment>,
    pub um: String,
    /// One cell per past year shown.
    pub history: Vec<String>,
    /// One cell per plan year.
    pub targets: Vec<Vec<Segment>>,
}

/// A service: request and scheda.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    pub id: String,
    pub short: String,
    pub numero: u32,
    pub servizio: String,
    /// The servizio as the scheda's header prints it, in capitals.
    pub servizio_header: String,
    pub direzione: String,
    /// The direzione as the scheda's header prints it, in capitals.
    pub direzione_header: String,
    pub sezione: String,
    pub sezione_scheda: String,
    pub assessore: String,
    pub dirigente: String,
    pub responsabile_nome: String,
    pub responsabile: String,
    pub funzionario: String,
    pub missione: String,
    pub programma: String,
    /// [`words::MODIFICHE`], in the list and the request's header.
    pub azione: &'static str,
    /// What the request asks ([`words::MODIFICARE_OBIETTIVO`]).
    pub richiesta: &'static str,
    /// How the scheda's header names it (always modified).
    pub stato: SchedaState,
    pub request: Vec<RequestGroup>,
    pub activities: Vec<TrackedRow>,
    pub history_labels: Vec<String>,
    pub target_labels: Vec<String>,
    pub indicators: Vec<ServiceIndicatorRow>,
    pub has_changes: bool,
}

/// Sezione 3.3.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingView {
    pub sezione: String,
    pub titolo: String,
    pub testo: Vec<Paragraph>,
    pub tabelle: Vec<crate::model::CourseTable>,
}

/// Builds the document from the checked content.
pub fn build(checked: &Checked, applied: &Applied, profile: Profile) -> Document {
    let a = &checked.annex.data;
    let plan = checked.plan;
    let date = a.data_documento.get_ref().0;
    let plan_label = format!("{}-{}", plan.first, plan.last);
    let Names {
        ente,
        title,
        subtitle,
        subject,
        date: iso_date,
    } = names(checked);
    let deliberation = a.delibera.as_ref().map(|d| DeliberationView {
        organo: collapse(&d.organo),
        numero: d
            .numero
            .as_deref()
            .map(collapse)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| BLANK_NUMBER.to_string()),
        data: d
            .data
            .map(|dt| format::date_dotted(dt.0))
            .unwrap_or_else(|| BLANK_DATE.to_string()),
    });
    let deliberation_date = a.delibera.as_ref().and_then(|d| d.data).map(|d| d.0);
    let footer = a.delibera.as_ref().and_then(|d| {
        let numero = d
            .numero
            .as_deref()
            .map(collapse)
            .filter(|n| !n.is_empty())?;
        let data = d.data.map(|dt| format::date_dotted(dt.0))?;
        Some(format!(
            "Allegato alla deliberazione della {} n. {numero} del {data}",
            collapse(&d.organo)
        ))
    });
    let cover_date = (!a.data_documento_provvisoria && deliberation_date != Some(date))
        .then(|| format::date_long(date));
    let mut managed: Vec<&CheckedManaged> = checked.managed.iter().collect();
    managed.sort_by_key(|m| {
        (
            *m.source.data.azione.get_ref() == Action::Modificare,
            *m.source.data.numero.get_ref(),
        )
    });
    let mut services: Vec<&CheckedService> = checked.services.iter().collect();
    services.sort_by_key(|s| *s.source.data.numero.get_ref());

    let redaction = Redaction {
        on: profile == Profile::Albo,
        categories: a
            .pubblicazione
            .categorie_pubbliche
            .iter()
            .map(|c| c.trim().to_uppercase())
            .collect(),
        names: a
            .pubblicazione
            .nomi_pubblici
            .iter()
            .map(|n| name_key(n))
            .collect(),
    };
    let managed_views: Vec<ManagedView> = managed
        .iter()
        .map(|m| managed_view(m, applied.managed(&m.source.stem), checked, &redaction))
        .collect();
    let service_views: Vec<ServiceView> = services
        .iter()
        .map(|s| service_view(s, applied.service(&s.source.stem), plan))
        .collect();

    Document {
        ente,
        provincia: a
            .provincia
            .as_deref()
            .map(collapse)
            .filter(|p| !p.is_empty()),
        emblem: checked.emblem.as_ref().map(|e| EmblemView {
            format: e.format,
            bytes: e.bytes.clone(),
            alt: e.alt.clone(),
        }),
        subtitle,
        subject,
        keywords: vec![
            "PIAO".into(),
            format!("PIAO {plan_label}"),
            "variazione".into(),
            "performance".into(),
            "obiettivi".into(),
        ],
        title,
        date: iso_date,
        date_year: date.year(),
        date_month: date.month(),
        date_day: date.day(),
        cover_date,
        deliberation,
        footer,
        plan_label,
        first_year: plan.first,
        months: (0..12).map(format::month_title).collect(),
        later_years: plan.later_years().collect(),
        monitoring: checked
            .monitoring
            .iter()
            .map(|d| Monitoring {
                dotted: format::date_dotted(*d),
                abbr: format::day_month_abbr(*d),
            })
            .collect(),
        columns: ColumnsView {
            atteso: tenths(crate::measure::ATTESO.width_em),
            raggiunto: tenths(crate::measure::RAGGIUNTO.width_em),
            target: tenths(crate::measure::TARGET.width_em),
            um: tenths(crate::measure::UM.width_em),
        },
        profile,
        managed_list: managed_views
            .iter()
            .map(|m| ListRow {
                direzione: m.direzione.clone(),
                sezione: m.sezione.clone(),
                titolo: m.titolo.clone(),
                azione: m.azione,
            })
            .collect(),
        managed: managed_views,
        services_list: service_views
            .iter()
            .map(|s| ListRow {
                direzione: s.direzione.clone(),
                sezione: s.sezione.clone(),
                titolo: s.servizio.clone(),
                azione: s.azione,
            })
            .collect(),
        services: service_views,
        training: checked.training.as_ref().map(|t| TrainingView {
            sezione: t.data.sezione.trim().to_string(),
            titolo: t.data.titolo.trim().to_string(),
            testo: text::prose(&t.data.testo),
            tabelle: t.data.tabelle.clone(),
        }),
    }
}

/// The short name used on the command line: `g06`, `i16`.
pub fn short_name(kind: char, numero: u32) -> String {
    format!("{kind}{numero:02}")
}

fn request_surname(p: &Person) -> String {
    match p {
        Person::Named { cognome, .. } => cognome.trim().to_uppercase(),
        Person::Label(l) => l.trim().to_uppercase(),
    }
}

/// What the albo copy omits: names of staff, except public roles.
struct Redaction {
    on: bool,
    categories: Vec<String>,
    names: Vec<Vec<String>>,
}

/// A name as a comparable key: its words in capitals, apostrophes dropped, sorted (so
/// "D'Amico Sara" and "SARA D'AMICO" match).
fn name_key(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .split_whitespace()
        .map(|w| w.replace(['\'', '’'], "").to_uppercase())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words
}

impl Redaction {
    /// The text to print for a member of staff of an objective whose public people are
    /// `public` (its P.O./responsabile, dirigente and assessore).
    fn staff_name(&self, p: &Staff, public: &[Vec<String>]) -> String {
        let key = name_key(&p.nome);
        let keep = !self.on
            || self.categories.contains(&p.categoria.trim().to_uppercase())
            || public.contains(&key)
            || self.names.contains(&key);
        if keep {
            collapse(&p.nome)
        } else {
            match &p.ruolo {
                Some(r) if !r.trim().is_empty() => collapse(r),
                _ => format!("Dipendente di categoria {}", collapse(&p.categoria)),
            }
        }
    }
}

/// Above this many words, a rewording is not compared word by word: the whole new text
/// is marked as new (a word diff of two long texts costs time and helps no reader).
const DIFF_MAX_WORDS: usize = 1500;

/// A text as the scheda shows it: plain, struck, new, or (reworded) the approved text
/// struck through as one run, a line break, then the new text as one run with its new
/// words marked.
fn revised_text(text: &Revised<String>) -> Vec<Segment> {
    match (&text.approved, &text.amended) {
        (Some(a), Some(n)) if a == n => text::plain(a),
        (Some(a), Some(n)) => {
            let mut segs = text::marked(a, Mark::Deleted);
            segs.push(Segment::marked("", Mark::Break));
            segs.extend(new_wording(a, n));
            segs
        }
        (Some(a), None) => text::marked(a, Mark::Deleted),
        (None, Some(n)) => text::marked(n, Mark::Inserted),
        (None, None) => Vec::new(),
    }
}

/// The new wording of `approved`, its new words marked.
fn new_wording(approved: &str, new: &str) -> Vec<Segment> {
    let words = |t: &str| t.split_whitespace().count();
    if words(approved).max(words(new)) > DIFF_MAX_WORDS {
        text::marked(new, Mark::Inserted)
    } else {
        text::word_diff(approved, new, false)
    }
}

/// One value (an expected value, a target) as the scheda shows it: when it changed, the
/// approved one struck through, a line break, then the new one (never on one line, where
/// "> 3% < 2%" would read as a range).
fn revised_value(approved: Option<&String>, amended: Option<&String>) -> Vec<Segment> {
    match (approved, amended) {
        (Some(a), Some(n)) if collapse(a) == collapse(n) => text::plain(a),
        (Some(a), Some(n)) => vec![
            Segment::marked(collapse(a), Mark::Deleted),
            Segment::marked("", Mark::Break),
            Segment::marked(collapse(n), Mark::Inserted),
        ],
        (Some(a), None) => text::marked(a, Mark::Deleted),
        (None, Some(n)) => text::marked(n, Mark::Inserted),
        (None, None) => Vec::new(),
    }
}

/// A text quoted in a request: between “ ”, or between « » when it has double quotes
/// of its own (so that a text ending in “movida” never prints as “… “movida””).
fn quoted(segs: Vec<Segment>) -> Vec<Segment> {
    let inner_quotes = segs.iter().any(|s| s.t.contains(['"', '“', '”']));
    let (open, close) = if inner_quotes {
        ("«", "»")
    } else {
        ("“", "”")
    };
    let mut out = vec![Segment::plain(open)];
    out.extend(segs);
    out.push(Segment::plain(close));
    out
}

/// A change's request line, formatted.
fn request_line(l: &change::Line) -> Line {
    match l.kind {
        LineKind::Action => Line {
            style: LineStyle::Label,
            prefix: String::new(),
            text: text::plain(&l.text),
        },
        LineKind::Time => Line {
            style: LineStyle::Highlight,
            prefix: l.label.clone(),
            text: text::plain(&l.text),
        },
        LineKind::Quote => Line {
            style: LineStyle::Quote,
            prefix: l.label.clone(),
            text: quoted(match &l.revision_of {
                Some(approved) => new_wording(approved, &l.text),
                None => text::plain(&l.text),
            }),
        },
        LineKind::Value => Line {
            style: LineStyle::Note,
            prefix: String::new(),
            text: text::plain(&format!("{} {}", l.label, l.text)),
        },
    }
}

/// The headings of a section of the request.
fn section_heading(section: Section, managed: bool) -> (&'static str, Option<String>) {
    match section {
        Section::Phases => ("Fasi", None),
        Section::Indicators(group) if managed => {
            ("Indici:", group.map(|g| format!("{}:", g.title())))
        }
        Section::Indicators(_) => ("Indicatore:", None),
        Section::Activities => ("Attività istituzionali:", None),
    }
}

/// The changes of an objective in the order its request lists them: each variation's
/// changes together (so that its motivazione, printed after them, follows the changes
/// it is the reason of), in the scheda's order (phases, indicators by group, activities;
/// as written within one section); the variations in the order of their first change
/// (as written when they start in the same section). The open-data export uses the same
/// order, so that its rows follow the numbers of the request.
pub fn request_order<'a>(
    groups: &'a [CheckedGroup],
    cx: &Context,
) -> Vec<(&'a CheckedGroup, Vec<&'a change::Change>)> {
    let mut out: Vec<(&CheckedGroup, Vec<&change::Change>)> = groups
        .iter()
        .map(|g| {
            let mut changes: Vec<&change::Change> = g.changes.iter().collect();
            changes.sort_by_key(|c| c.section(cx).rank());
            (g, changes)
        })
        .collect();
    out.sort_by_key(|(_, changes)| changes.first().map(|c| c.section(cx).rank()));
    out
}

/// "Motivazione:" for a variation of one change; for several, which ones (by their
/// numbers in the request: they are consecutive).
fn motivation_label(numbers: &[usize]) -> String {
    match numbers {
        [a, b] => format!("Motivazione (per le modifiche {a} e {b}):"),
        [a, b, c] => format!("Motivazione (per le modifiche {a}, {b} e {c}):"),
        [first, .., last] => format!("Motivazione (per le modifiche da {first} a {last}):"),
        _ => "Motivazione:".to_string(),
    }
}

/// The request of an objective: each change's lines, under the heading of its section
/// (said again only when the section or the indicator group changes), numbered when
/// there are several; each variation's motivazione after its changes, naming them when
/// they are more than one.
fn request(groups: &[CheckedGroup], cx: &Context) -> Vec<RequestGroup> {
    let ordered = request_order(groups, cx);
    let numbered = ordered.iter().map(|(_, c)| c.len()).sum::<usize>() > 1;
    let mut last: Option<(&'static str, Option<String>)> = None;
    let mut number = 0;
    ordered
        .into_iter()
        .map(|(g, changes)| {
            let mut numbers = Vec::new();
            let items = changes
                .into_iter()
                .map(|c| {
                    number += 1;
                    numbers.push(number);
                    let (heading, subheading) = section_heading(c.section(cx), cx.managed);
                    let (new_heading, new_sub) = match &last {
                        Some((h, sub)) if *h == heading => {
                            (None, subheading.clone().filter(|s| Some(s) != sub.as_ref()))
                        }
                        _ => (Some(heading.to_string()), subheading.clone()),
                    };
                    last = Some((heading, subheading));
                    RequestItem {
                        heading: new_heading,
                        subheading: new_sub,
                        number: numbered.then_some(number),
                        lines: c.request(cx).iter().map(request_line).collect(),
                    }
                })
                .collect();
            RequestGroup {
                items,
                motivation_label: motivation_label(&numbers),
                motivation: text::prose(&g.motivation),
            }
        })
        .collect()
}

fn managed_view(
    m: &CheckedManaged,
    scheda: &Amended,
    checked: &Checked,
    redaction: &Redaction,
) -> ManagedView {
    let o = &m.source.data;
    let eliminated = *o.azione.get_ref() == Action::Eliminare;
    let direzione = collapse(&o.direzione);
    let direzione_header = if o.intersettoriale {
        format!("{} / OBIETTIVO INTERSETTORIALE", direzione.to_uppercase())
    } else {
        direzione.to_uppercase()
    };
    let responsabile = if o.intersettoriale {
        "INTERSETTORIALE".to_string()
    } else {
        request_surname(&o.responsabile)
    };
    let cx = Context {
        scheda,
        plan: checked.plan,
        managed: true,
        school_years: false,
    };
    let sezione = collapse(&o.sezione);
    let (staff, staff_redacted) = staff(o, redaction);
    ManagedView {
        id: m.source.stem.clone(),
        short: short_name('g', *o.numero.get_ref()),
        numero: *o.numero.get_ref(),
        titolo: collapse(&o.titolo),
        direzione,
        direzione_header,
        sezione_header: sezione.to_uppercase(),
        sezione,
        assessore: collapse(&o.assessore.display()),
        dirigente: collapse(&o.dirigente.display()),
        po: collapse(&o.responsabile.display()),
        responsabile,
        missione: collapse(&o.missione),
        programma: collapse(&o.programma),
        strategico: collapse(&o.obiettivo_strategico),
        operativo: collapse(&o.obiettivo_operativo),
        progetto: collapse(&o.progetto),
        finalita: collapse(&o.finalita),
        orizzonte: revised_value(
            scheda.horizon.approved.as_ref(),
            scheda.horizon.amended.as_ref(),
        ),
        descrizione: text::prose(&o.descrizione),
        azione: managed_action(*o.azione.get_ref()),
        richiesta: if eliminated {
            change::remove_objective::REQUEST
        } else {
            words::MODIFICARE_OBIETTIVO
        },
        stato: if eliminated {
            SchedaState::Eliminated
        } else {
            SchedaState::Modified
        },
        eliminated,
        motivation: o
            .motivazione
            .as_ref()
            .map(|mv| text::prose(mv.get_ref()))
            .unwrap_or_default(),
        request: request(&m.groups, &cx),
        phase_rows: phase_rows(&scheda.phases, o.fasi.len()),
        indicators: indicator_groups(&scheda.indicators, checked.monitoring.len()),
        schedule_notes: illegible_notes(&scheda.schedule, checked),
        schedule: schedule_rows(&scheda.schedule, checked),
        staff,
        staff_total: staff_total(&o.personale),
        staff_redacted,
        resources: o.risorse.iter().map(resource_row).collect(),
        resources_total: resources_total(
            &o.risorse
                .iter()
                .map(|r| r.costo.as_ref().map(|c| *c.get_ref()))
                .collect::<Vec<_>>(),
        ),
        has_changes: scheda.has_changes(),
    }
}

/// The phase table, two phases a row: the first half of the `approved` phases on the
/// left (as in the official form), the others on the right, an empty cell where a side
/// has no more phases.
fn phase_rows(phases: &[TextRow], approved: usize) -> Vec<[TrackedRow; 2]> {
    let tracked = |r: &TextRow| TrackedRow {
        numero: r.numero.map(|n| n.to_string()).unwrap_or_default(),
        state: r.state.into(),
        text: revised_text(&r.text),
    };
    let split = (approved as u32).div_ceil(2);
    let (left, right): (Vec<&TextRow>, Vec<&TextRow>) =
        phases.iter().partition(|r| r.numero.unwrap_or(0) <= split);
    let empty = || TrackedRow {
        numero: String::new(),
        state: RowState::Unchanged,
        text: Vec::new(),
    };
    (0..left.len().max(right.len()))
        .map(|i| {
            [
                left.get(i).map_or_else(empty, |r| tracked(r)),
                right.get(i).map_or_else(empty, |r| tracked(r)),
            ]
        })
        .collect()
}

/// The indicators of a management objective, group by group (every group, also one
/// without indicators), each with one RAGGIUNTO cell per monitoring date.
fn indicator_groups(rows: &[amended::IndicatorRow], monitoring: usize) -> Vec<IndicatorGroupView> {
    Group::ALL
        .iter()
        .map(|g| IndicatorGroupView {
            title: g.title().to_string(),
            rows: rows
                .iter()
                .filter(|r| r.group == Some(*g))
                .map(|r| IndicatorRow {
                    state: r.state.into(),
                    text: revised_text(&r.text),
                    expected: revised_value(
                        r.targets.approved.as_ref().and_then(|t| t.first()),
                        r.targets.amended.as_ref().and_then(|t| t.first()),
                    ),
                    reached: (0..monitoring)
                        .map(|i| r.reached.get(i).cloned().unwrap_or_default())
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// The cronoprogramma's rows. A changed schedule shows the approved row struck, then the
/// new one. The new months never read as the only ones: a run of changed phases whose
/// approved schedule the content does not give has one row that says so in words (g13
/// has seven in a row), then the new row of each.
fn schedule_rows(rows: &[amended::ScheduleRow], checked: &Checked) -> Vec<ScheduleRow> {
    let unknown_approved = |r: &amended::ScheduleRow| {
        r.state == State::Changed && r.grid.approved.is_none() && r.grid.amended.is_some()
    };
    let mut schedule = Vec::new();
    for run in rows.chunk_by(|a, b| unknown_approved(a) && unknown_approved(b)) {
        if !unknown_approved(&run[0]) {
            schedule.extend(run.iter().flat_map(|r| phase_schedule(r, checked)));
            continue;
        }
        let numbers: Vec<u32> = run.iter().map(|r| r.numero).collect();
        schedule.push(unknown_approved_row(&numbers, checked));
        schedule.extend(run.iter().filter_map(|r| {
            let new = r.grid.amended.as_ref()?;
            Some(schedule_row(r.numero, RowState::Changed, new, checked))
        }));
    }
    schedule
}

/// The cronoprogramma's rows of one phase whose approved schedule, when it changed, the
/// content gives: its approved months, and below them the new ones when they changed.
fn phase_schedule(r: &amended::ScheduleRow, checked: &Checked) -> Vec<ScheduleRow> {
    let n = r.numero;
    match (r.state, &r.grid.approved, &r.grid.amended) {
        (State::Changed, Some(a), Some(b)) => vec![
            schedule_row(n, RowState::Approved, a, checked),
            schedule_row(n, RowState::Changed, b, checked),
        ],
        (State::New, _, Some(b)) => vec![schedule_row(n, RowState::New, b, checked)],
        (State::Removed, Some(a), _) => vec![schedule_row(n, RowState::Removed, a, checked)],
        (State::Removed, None, _) => {
            // A removed phase keeps its row, even without its months, so that the
            // removal reads in the cronoprogramma as it does in the phase table.
            let mut gone = schedule_row(n, RowState::Removed, &Grid::default(), checked);
            gone.note = Some(
                "fase eliminata; cronoprogramma approvato non riportato in questo allegato"
                    .to_string(),
            );
            vec![gone]
        }
        (_, Some(a), _) => vec![schedule_row(n, RowState::Unchanged, a, checked)],
        _ => Vec::new(),
    }
}

/// The staff table as this copy prints it (the albo copy omits the names of who holds
/// no public role), and whether any name was omitted.
fn staff(o: &Managed, redaction: &Redaction) -> (Vec<StaffRow>, bool) {
    let public_people: Vec<Vec<String>> = [&o.responsabile, &o.dirigente, &o.assessore]
        .iter()
        .map(|p| name_key(&p.display()))
        .collect();
    let rows: Vec<StaffRow> = o
        .personale
        .iter()
        .map(|p| StaffRow {
            categoria: collapse(&p.categoria),
            nome: redaction.staff_name(p, &public_people),
            note: collapse(&p.note),
            partecipazione: format::percent2(p.partecipazione.get_ref().0),
        })
        .collect();
    let omitted = redaction.on
        && rows
            .iter()
            .zip(&o.personale)
            .any(|(row, p)| row.nome != collapse(&p.nome));
    (rows, omitted)
}

/// The TOTALE of the staff's shares of participation.
fn staff_total(staff: &[Staff]) -> String {
    let sum = staff
        .iter()
        .map(|p| p.partecipazione.get_ref().0)
        .fold(Decimal::ZERO, |acc, v| acc.saturating_add(v));
    format::percent2(sum)
}

fn resource_row(r: &Resource) -> ResourceRow {
    ResourceRow {
        tipologia: collapse(&r.tipologia),
        descrizione: collapse(&r.descrizione),
        costo: match r.costo.as_ref().map(|c| *c.get_ref()) {
            Some(Cost::Amount(a)) => format::money(a),
            Some(Cost::ToBeDetermined) => crate::model::values::TO_BE_DETERMINED.to_string(),
            None => String::new(),
        },
    }
}

/// The COSTO RISORSE total: the sum of the amounts, and when some resource is still
/// "da determinare" the total says so ("8.750,00 € + da determinare"; only "da
/// determinare" when no resource has an amount), so that a known part never reads as
/// the whole cost.
pub fn resources_total(costs: &[Option<Cost>]) -> String {
    let unknown = costs
        .iter()
        .any(|c| matches!(c, Some(Cost::ToBeDetermined)));
    let sum = costs
        .iter()
        .filter_map(|c| match c {
            Some(Cost::Amount(a)) => Some(*a),
            _ => None,
        })
        .fold(Decimal::ZERO, |acc, v| acc.saturating_add(v));
    let tbd = crate::model::values::TO_BE_DETERMINED;
    if !unknown {
        format::money(sum)
    } else if sum.is_zero() {
        tbd.to_string()
    } else {
        format!("{} + {tbd}", format::money(sum))
    }
}

fn pct_cell(v: Decimal) -> String {
    if v.is_zero() {
        String::new()
    } else {
        format::percent(v)
    }
}

/// The mark after the number of a phase whose cronoprogramma has a share in a month the
/// approved plan does not let read; the note under the cronoprogramma says it.
const ILLEGIBLE_MARK: &str = "*";

/// The notes under a cronoprogramma for the shares whose month cannot be read: one per
/// share, naming the phases ("* Fasi 3 e 5: il 50% del cronoprogramma approvato è in un
/// mese non leggibile nel piano approvato; …").
fn illegible_notes(rows: &[crate::model::amended::ScheduleRow], checked: &Checked) -> Vec<String> {
    let mut shares: Vec<(Decimal, Vec<u32>)> = Vec::new();
    for r in rows {
        let Some(g) = r.grid.approved.as_ref().or(r.grid.amended.as_ref()) else {
            continue;
        };
        if g.illegible.is_zero() {
            continue;
        }
        match shares.iter_mut().find(|(v, _)| *v == g.illegible) {
            Some((_, phases)) => phases.push(r.numero),
            None => shares.push((g.illegible, vec![r.numero])),
        }
    }
    let year_end = checked
        .monitoring
        .iter()
        .find(|d| d.month() == 12 && d.day() == 31)
        .map(|d| format!(" ed è contato nel target al {}", format::date_dotted(*d)))
        .unwrap_or_default();
    shares
        .into_iter()
        .map(|(share, phases)| {
            let which = match phases.as_slice() {
                [one] => format!("Fase {one}"),
                [rest @ .., last] => format!(
                    "Fasi {} e {last}",
                    rest.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                ),
                [] => String::new(),
            };
            format!(
                "{ILLEGIBLE_MARK} {which}: il {} del cronoprogramma approvato è in un mese non leggibile nel piano approvato; non è riportato fra i mesi{year_end}.",
                format::percent(share)
            )
        })
        .collect()
}

/// The APPROVATA row of changed phases whose approved schedule the content does not give:
/// one row for a run of them ("4-10"), the note in words across the row.
fn unknown_approved_row(numbers: &[u32], checked: &Checked) -> ScheduleRow {
    let consecutive = numbers.windows(2).all(|w| w[1] == w[0] + 1);
    let (label, note) = match numbers {
        [n] => (
            n.to_string(),
            "cronoprogramma approvato non riportato in questo allegato; sotto, quello modificato"
                .to_string(),
        ),
        [first, .., last] => {
            let label = if consecutive {
                format!("{first}-{last}")
            } else {
                numbers
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let note = format!(
                "cronoprogramma approvato delle fasi {label} non riportato in questo allegato; \
                 sotto, quello modificato di ciascuna"
            );
            (label, note)
        }
        [] => (String::new(), String::new()),
    };
    let mut row = schedule_row(0, RowState::Approved, &Grid::default(), checked);
    row.numero = label;
    row.note = Some(note);
    row
}

fn schedule_row(n: u32, state: RowState, g: &Grid, checked: &Checked) -> ScheduleRow {
    ScheduleRow {
        // A share whose month cannot be read is marked, and said in a note below.
        numero: if g.illegible.is_zero() {
            n.to_string()
        } else {
            format!("{n}{ILLEGIBLE_MARK}")
        },
        state,
        previous: pct_cell(g.previous),
        months: g.months.iter().map(|m| pct_cell(*m)).collect(),
        targets: checked
            .monitoring
            .iter()
            .map(|d| pct_cell(g.target_at(*d)))
            .collect(),
        later: checked
            .plan
            .later_years()
            .map(|y| pct_cell(g.later.get(&y).copied().unwrap_or_default()))
            .collect(),
        note: None,
    }
}

fn service_view(s: &CheckedService, scheda: &Amended, plan: Plan) -> ServiceView {
    let o: &Service = &s.source.data;
    let cx = Context {
        scheda,
        plan,
        managed: false,
        school_years: o.anni_scolastici,
    };
    let activities = scheda
        .activities
        .iter()
        .map(|r| TrackedRow {
            numero: String::new(),
            state: r.state.into(),
            text: revised_text(&r.text),
        })
        .collect();
    let years = plan.year_count();
    let indicators = scheda
        .indicators
        .iter()
        .map(|r| ServiceIndicatorRow {
            state: r.state.into(),
            text: revised_text(&r.text),
            um: r.unit.clone(),
            history: (0..HISTORY_YEARS)
                .map(|i| r.history.get(i).cloned().unwrap_or_default())
                .collect(),
            targets: (0..years)
                .map(|y| {
                    revised_value(
                        r.targets.approved.as_ref().and_then(|t| t.get(y)),
                        r.targets.amended.as_ref().and_then(|t| t.get(y)),
                    )
                })
                .collect(),
        })
        .collect();

    // The years as the request's target lines name them (`change::year_label`); the
    // headings spelt as in the reference ("Target 2023", "target a.s. 2022/2023").
    let history_labels = (1..=HISTORY_YEARS as i32)
        .rev()
        .map(|k| change::year_label(plan.first - k, o.anni_scolastici))
        .collect();
    let target_word = if o.anni_scolastici {
        "target"
    } else {
        "Target"
    };
    let target_labels = plan
        .years()
        .map(|y| format!("{target_word} {}", cx.year_label(y)))
        .collect();

    let sezione = collapse(&o.sezione);
    let sezione_scheda = match &o.nota_sezione {
        Some(n) if !n.trim().is_empty() => format!("{sezione} {}", collapse(n)),
        _ => sezione.clone(),
    };
    let servizio = collapse(&o.servizio);
    let direzione = collapse(&o.direzione);
    ServiceView {
        id: s.source.stem.clone(),
        short: short_name('i', *o.numero.get_ref()),
        numero: *o.numero.get_ref(),
        servizio_header: servizio.to_uppercase(),
        servizio,
        direzione_header: direzione.to_uppercase(),
        direzione,
        sezione,
        sezione_scheda,
        assessore: collapse(&o.assessore.display()),
        dirigente: collapse(&o.dirigente.display()),
        responsabile_nome: collapse(&o.responsabile.display()),
        responsabile: request_surname(&o.responsabile),
        funzionario: o
            .funzionario
            .as_ref()
            .map(|f| collapse(&f.display()))
            .unwrap_or_default(),
        missione: collapse(&o.missione),
        programma: collapse(&o.programma),
        azione: words::MODIFICHE,
        richiesta: words::MODIFICARE_OBIETTIVO,
        stato: SchedaState::Modified,
        request: request(&s.groups, &cx),
        activities,
        history_labels,
        target_labels,
        indicators,
        has_changes: scheda.has_changes(),
    }
}

/// The strings that name the document, in its PDF's metadata, in the open data and in
/// the record of a published PDF: from the checked content alone, so that those need
/// not build the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub ente: String,
    pub title: String,
    /// The cover's subtitle: the PIAO sections the annex has.
    pub subtitle: String,
    pub subject: String,
    /// ISO date (for the PDF metadata).
    pub date: String,
}

/// The [`Names`] of the document the checked content makes.
pub fn names(checked: &Checked) -> Names {
    let a = &checked.annex.data;
    let plan = checked.plan;
    let plan_label = format!("{}-{}", plan.first, plan.last);
    let title = match (&a.titolo, a.numero_variazione) {
        (Some(t), _) if !t.trim().is_empty() => collapse(t),
        (_, Some(n)) => format!("Variazione n. {n} al PIAO {plan_label}"),
        (_, None) => format!("Variazione PIAO {plan_label}"),
    };
    let has_performance = !checked.managed.is_empty() || !checked.services.is_empty();
    let objectives = match (checked.managed.is_empty(), checked.services.is_empty()) {
        (false, false) => "obiettivi gestionali e istituzionali",
        (false, true) => "obiettivi gestionali",
        (true, false) => "obiettivi istituzionali",
        (true, true) => "",
    };
    let training_number = checked.training.as_ref().map(|t| {
        t.data
            .sezione
            .split_whitespace()
            .next()
            .filter(|n| n.starts_with(|c: char| c.is_ascii_digit()))
            .map(|n| format!("Sezione {} ", n.trim_end_matches('.')))
            .unwrap_or_default()
    });
    let mut sections = Vec::new();
    let mut topics = Vec::new();
    if has_performance {
        sections.push(format!("Sezione 2.2 Performance ({objectives})"));
        topics.push(objectives.to_string());
    }
    if let Some(n) = &training_number {
        sections.push(format!("{n}Piano della formazione"));
        topics.push("piano della formazione".to_string());
    }
    let subtitle = sections.join(" e ");
    let subject = if topics.is_empty() {
        format!("Variazione del Piano Integrato di Attività e Organizzazione {plan_label}")
    } else {
        format!(
            "Variazione del Piano Integrato di Attività e Organizzazione {plan_label}: {}",
            topics.join(", ")
        )
    };
    Names {
        ente: collapse(&a.ente),
        title,
        subtitle,
        subject,
        date: a.data_documento.get_ref().0.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod contract {
    //! The names that cross from the view into the templates: every state and style the
    //! view can send is one the templates handle, and the templates handle no other.

    use super::{LineStyle, Profile, RowState};
    use crate::text::Mark;

    const STYLE: &str = include_str!("../templates/stile.typ");
    const MACROS: &str = include_str!("../templates/macros.typ.j2");
    const MAIN: &str = include_str!("../templates/main.typ.j2");

    fn name(value: impl serde::Serialize) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The quoted names a template compares `variable` with (`stato == "del"`).
    fn compared(text: &str, variable: &str) -> Vec<String> {
        let needle = format!("{variable} == \"");
        let mut out: Vec<String> = text
            .match_indices(&needle)
            .map(|(i, _)| {
                let rest = &text[i + needle.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_row_state_is_one_the_style_marks() {
        let mut sent: Vec<String> = RowState::ALL
            .iter()
            .map(name)
            .filter(|n| !n.is_empty()) // unchanged: no mark
            .collect();
        sent.sort();
        assert_eq!(compared(STYLE, "stato"), sent);
    }

    #[test]
    fn every_line_style_is_one_the_request_macro_sets() {
        let mut sent: Vec<String> = LineStyle::ALL.iter().map(name).collect();
        sent.sort();
        assert_eq!(compared(MACROS, "l.style"), sent);
    }

    #[test]
    fn every_mark_is_one_the_rich_text_macro_sets() {
        let mut sent: Vec<String> = Mark::ALL
            .iter()
            .map(name)
            .filter(|n| !n.is_empty()) // plain: printed as is
            .collect();
        sent.sort();
        assert_eq!(compared(MACROS, "s.k"), sent);
    }

    #[test]
    fn every_profile_the_cover_names_is_a_profile() {
        let sent: Vec<String> = [Profile::Complete, Profile::Albo]
            .iter()
            .map(name)
            .collect();
        let compared = compared(MAIN, "doc.profile");
        assert!(!compared.is_empty());
        assert!(compared.iter().all(|c| sent.contains(c)), "{compared:?}");
    }

    #[test]
    fn the_lists_of_all_states_and_styles_are_whole() {
        // A variant left out of ALL would not be checked above: the match fails to
        // compile when a variant is added, and reminds to list it.
        for s in RowState::ALL {
            match s {
                RowState::Unchanged
                | RowState::Removed
                | RowState::New
                | RowState::Changed
                | RowState::Approved => {}
            }
        }
        for s in LineStyle::ALL {
            match s {
                LineStyle::Label | LineStyle::Highlight | LineStyle::Quote | LineStyle::Note => {}
            }
        }
        for m in Mark::ALL {
            match m {
                Mark::Plain
                | Mark::Emph
                | Mark::Strong
                | Mark::Inserted
                | Mark::Deleted
                | Mark::Break => {}
            }
        }
        for s in super::SchedaState::ALL {
            match s {
                super::SchedaState::Modified | super::SchedaState::Eliminated => {}
            }
        }
        assert_eq!(RowState::ALL.len(), 5);
        assert_eq!(LineStyle::ALL.len(), 4);
        assert_eq!(Mark::ALL.len(), 6);
        assert_eq!(super::SchedaState::ALL.len(), 2);
    }
}

/// Every state and style the view sends, through the templates and Typst: the annexes
/// that together hold them all are built, and each state's mark is counted in the pages.
#[cfg(test)]
mod every_state {
    use std::collections::BTreeMap;

    use super::{Document, LineStyle, Profile, RowState, SchedaState};
    use crate::render::{self, pages, Selection, Templates};

    /// The annexes built: the bundled one and the fixtures, which hold every state.
    const ANNEXES: [&str; 3] = [
        "content",
        "tests/fixtures/tutte-le-modifiche",
        "tests/fixtures/comune-di-valbruna",
    ];

    /// The tag `templates/stile.typ` sets after a row in this state (none: unchanged).
    fn tag(state: RowState) -> Option<&'static str> {
        match state {
            RowState::Unchanged => None,
            RowState::Removed => Some("ELIMINATA"),
            RowState::New => Some("NUOVA"),
            RowState::Changed => Some("MODIFICATA"),
            RowState::Approved => Some("APPROVATA"),
        }
    }

    /// The Typst function a request line of this style is set with.
    fn function(style: LineStyle) -> &'static str {
        match style {
            LineStyle::Label => "#riga-etichetta-richiesta",
            LineStyle::Highlight => "#riga-evidenza(",
            LineStyle::Quote => "#riga-citazione(",
            LineStyle::Note => "#riga-nota[",
        }
    }

    /// The state of every row the schede mark.
    fn row_states(doc: &Document) -> Vec<RowState> {
        let mut out = Vec::new();
        for m in &doc.managed {
            out.extend(m.phase_rows.iter().flatten().map(|r| r.state));
            out.extend(m.indicators.iter().flat_map(|g| &g.rows).map(|r| r.state));
            out.extend(m.schedule.iter().map(|r| r.state));
        }
        for s in &doc.services {
            out.extend(s.activities.iter().map(|r| r.state));
            out.extend(s.indicators.iter().map(|r| r.state));
        }
        out
    }

    /// The legend of a scheda names the tags too: every gestionale with changes has the
    /// four, every istituzionale the three without APPROVATA.
    fn in_legends(doc: &Document, state: RowState) -> usize {
        let managed = doc.managed.iter().filter(|m| m.has_changes).count();
        match state {
            RowState::Unchanged => 0,
            RowState::Approved => managed,
            _ => managed + doc.services.len(),
        }
    }

    /// The style of every line the requests set, and whether it is a subheading (set
    /// as a label, but not a line of a change).
    fn lines(doc: &Document) -> Vec<(LineStyle, bool)> {
        let requests = doc
            .managed
            .iter()
            .flat_map(|m| &m.request)
            .chain(doc.services.iter().flat_map(|s| &s.request));
        let mut out = Vec::new();
        for item in requests.flat_map(|g| &g.items) {
            out.extend(item.lines.iter().map(|l| (l.style, false)));
            if item.subheading.is_some() {
                // Set as a label too.
                out.push((LineStyle::Label, true));
            }
        }
        out
    }

    #[test]
    fn every_state_and_style_is_laid_out_with_its_mark() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut rows_seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut styles_seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut schede_seen: BTreeMap<String, usize> = BTreeMap::new();
        for annex in ANNEXES {
            let checking = crate::pipeline::load_and_check(&root.join(annex), false).unwrap();
            let checked = checking.checked.expect("the annex is valid");
            let doc = super::build(&checked, &crate::apply::apply(&checked), Profile::Complete);
            let rendered = render::render(&doc, &Templates::bundled(), &Selection::All).unwrap();
            let runs = pages::lay_out(
                &rendered.files,
                checked.annex.data.data_documento.get_ref().0,
            );

            // Each row's state: one tag of 7 pt after it, and one in each legend.
            let states = row_states(&doc);
            for state in RowState::ALL {
                let rows = states.iter().filter(|s| **s == state).count();
                *rows_seen.entry(format!("{state:?}")).or_default() += rows;
                let Some(word) = tag(state) else { continue };
                let tags = runs
                    .iter()
                    .filter(|r| r.text == word && (r.size - 7.0).abs() < 0.01)
                    .count();
                assert_eq!(tags, rows + in_legends(&doc, state), "{annex}: {word}");
            }

            // Each request line: one call of its style's function.
            let source: String = rendered
                .files
                .iter()
                .filter(|f| f.path != render::STYLE_FILE)
                .map(|f| f.text.as_str())
                .collect();
            let lines = lines(&doc);
            for style in LineStyle::ALL {
                let sent = lines.iter().filter(|(s, _)| *s == style).count();
                let of_changes = lines.iter().filter(|(s, sub)| *s == style && !sub).count();
                *styles_seen.entry(format!("{style:?}")).or_default() += of_changes;
                let called = source.matches(function(style)).count();
                assert_eq!(called, sent, "{annex}: {style:?}");
            }

            // Each scheda's header names its state, on its first page at least.
            for state in SchedaState::ALL {
                let name = serde_json::to_value(state).unwrap();
                let name = name.as_str().unwrap();
                let schede = doc.managed.iter().filter(|m| m.stato == state).count()
                    + doc.services.iter().filter(|s| s.stato == state).count();
                *schede_seen.entry(name.to_string()).or_default() += schede;
                let said = runs.iter().filter(|r| r.text.contains(name)).count();
                assert!(
                    said >= schede,
                    "{annex}: {name} said {said} times, {schede} schede"
                );
            }
        }
        // Together, the annexes hold every state and style.
        assert!(
            rows_seen
                .values()
                .chain(styles_seen.values())
                .chain(schede_seen.values())
                .all(|n| *n > 0),
            "{rows_seen:?} {styles_seen:?} {schede_seen:?}"
        );
        assert_eq!(rows_seen.len(), RowState::ALL.len());
        assert_eq!(styles_seen.len(), LineStyle::ALL.len());
        assert_eq!(schede_seen.len(), SchedaState::ALL.len());
    }
}

//! Apply: the document as it will be printed, derived from the checked content.
//!
//! Applies each objective's changes to its approved scheda (removed rows kept and
//! struck, new rows and words marked, the new cronoprogramma), builds the request pages
//! and the summary lists from the same data, and computes every derived figure (targets
//! at the monitoring dates, totals). All numbers are formatted here, the Italian way;
//! the templates only lay out strings.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::check::{managed_group, Checked, CheckedGroup, CheckedManaged, CheckedService};
use crate::format;
use crate::model::change::{Change, Group, TimeVerb, YearOrDate};
use crate::model::{Action, Cost, Date, Managed, Person, Service, Targets};
use crate::schedule::{Grid, Plan};
use crate::text::{self, Mark, Paragraph, Segment};

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
    pub title: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// ISO date (for the PDF metadata).
    pub date: String,
    pub date_year: i32,
    pub date_month: u32,
    pub date_day: u32,
    pub date_long: String,
    pub deliberation: Option<String>,
    pub plan_label: String,
    pub first_year: i32,
    pub months: Vec<String>,
    pub later_years: Vec<i32>,
    pub monitoring: Vec<Monitoring>,
    pub profile: Profile,
    pub managed_list: Vec<ListRow>,
    pub managed: Vec<ManagedView>,
    pub services_list: Vec<ListRow>,
    pub services: Vec<ServiceView>,
    pub training: Option<TrainingView>,
}

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
    pub azione: String,
}

/// One line of a request page.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// `label` (an action in capitals), `highlight` (a time change), `quote` (the text
    /// of a phase, indicator or activity) or `note`.
    pub style: &'static str,
    pub prefix: String,
    pub text: Vec<Segment>,
}

impl Line {
    fn label(t: &str) -> Line {
        Line {
            style: "label",
            prefix: String::new(),
            text: text::plain(t),
        }
    }
    fn highlight(prefix: &str, t: &str) -> Line {
        Line {
            style: "highlight",
            prefix: prefix.to_string(),
            text: text::plain(t),
        }
    }
    fn quote(prefix: impl Into<String>, t: Vec<Segment>) -> Line {
        Line {
            style: "quote",
            prefix: prefix.into(),
            text: t,
        }
    }
    fn note(t: impl AsRef<str>) -> Line {
        Line {
            style: "note",
            prefix: String::new(),
            text: text::plain(t.as_ref()),
        }
    }
}

/// A group of request lines with its motivazione; `section` is the heading it falls
/// under ("Fasi", "Indici", "Indicatore", "Attività istituzionali").
#[derive(Debug, Clone, Serialize)]
pub struct RequestGroup {
    pub section: String,
    pub lines: Vec<Line>,
    pub motivation: Vec<Paragraph>,
}

/// A row of a tracked list (phase, indicator, activity).
#[derive(Debug, Clone, Serialize)]
pub struct TrackedRow {
    pub numero: String,
    /// "" unchanged, "del" removed, "ins" new, "mod" changed in place.
    pub state: &'static str,
    pub text: Vec<Segment>,
}

/// An indicator of a management objective in the scheda.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub state: &'static str,
    pub text: Vec<Segment>,
    pub expected: Vec<Segment>,
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
    pub state: &'static str,
    pub previous: String,
    pub months: Vec<String>,
    pub targets: Vec<String>,
    pub later: Vec<String>,
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
    pub direzione_header: String,
    pub sezione: String,
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
    pub orizzonte: String,
    pub descrizione: Vec<Paragraph>,
    pub azione: String,
    pub eliminated: bool,
    pub motivation: Vec<Paragraph>,
    pub request: Vec<RequestGroup>,
    pub phases: Vec<TrackedRow>,
    pub phase_columns: Vec<Vec<TrackedRow>>,
    pub indicators: Vec<IndicatorGroupView>,
    pub schedule: Vec<ScheduleRow>,
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
    pub state: &'static str,
    pub text: Vec<Segment>,
    pub um: String,
    pub history: Vec<String>,
    pub targets: Vec<Vec<Segment>>,
}

/// A service: request and scheda.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    pub id: String,
    pub short: String,
    pub numero: u32,
    pub servizio: String,
    pub direzione: String,
    pub sezione: String,
    pub sezione_scheda: String,
    pub assessore: String,
    pub dirigente: String,
    pub responsabile_nome: String,
    pub responsabile: String,
    pub funzionario: String,
    pub missione: String,
    pub programma: String,
    pub request: Vec<RequestGroup>,
    pub activities: Vec<TrackedRow>,
    pub history_labels: Vec<String>,
    pub target_labels: Vec<String>,
    pub indicators: Vec<ServiceIndicatorRow>,
}

/// Sezione 3.3.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingView {
    pub sezione: String,
    pub titolo: String,
    pub testo: Vec<Paragraph>,
    pub tabelle: Vec<crate::model::CourseTable>,
}

/// "PROLUNGARE AL 31.1.2024", "POSTICIPARE A 1.11 - 31.12", "POSTICIPARE AL 2024".
pub fn time_label(verb: TimeVerb, from: Option<Date>, to: YearOrDate) -> String {
    let v = verb.label();
    match (from, to) {
        (_, YearOrDate::Year(y)) => format!("{v} AL {y}"),
        (None, YearOrDate::Date(d)) => format!("{v} AL {}", format::date_short(d.0)),
        (Some(f), YearOrDate::Date(d)) if f.0.year() == d.0.year() => format!(
            "{v} A {} - {}",
            format::day_month(f.0),
            format::day_month(d.0)
        ),
        (Some(f), YearOrDate::Date(d)) => format!(
            "{v} A {} - {}",
            format::date_short(f.0),
            format::date_short(d.0)
        ),
    }
}

/// Builds the document from the checked content.
pub fn build(checked: &Checked, profile: Profile) -> Document {
    let a = &checked.annex.data;
    let plan = checked.plan;
    let date = a.data_documento.get_ref().0;
    let plan_label = format!("{}-{}", plan.first, plan.last);
    let title = match a.numero_variazione {
        Some(n) => format!("Variazione n. {n} PIAO {plan_label}"),
        None => format!("Variazione PIAO {plan_label}"),
    };
    let deliberation = a.delibera.as_ref().map(|d| {
        let mut s = format!("Allegato alla deliberazione della {}", d.organo);
        if let Some(n) = &d.numero {
            s.push_str(&format!(" n. {n}"));
        }
        if let Some(dt) = &d.data {
            s.push_str(&format!(" del {}", format::date_dotted(dt.0)));
        }
        s
    });

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
        .map(|m| managed_view(m, checked, &redaction))
        .collect();
    let service_views: Vec<ServiceView> = services.iter().map(|s| service_view(s, plan)).collect();

    Document {
        ente: a.ente.trim().to_string(),
        subject: format!(
            "Variazione del Piano Integrato di Attività e Organizzazione {plan_label}: obiettivi gestionali e istituzionali, piano della formazione"
        ),
        keywords: vec![
            "PIAO".into(),
            format!("PIAO {plan_label}"),
            "variazione".into(),
            "performance".into(),
            "obiettivi".into(),
        ],
        title,
        date: date.format("%Y-%m-%d").to_string(),
        date_year: date.year(),
        date_month: date.month(),
        date_day: date.day(),
        date_long: format::date_long(date),
        deliberation,
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
        profile,
        managed_list: managed_views
            .iter()
            .map(|m| ListRow {
                direzione: m.direzione.clone(),
                sezione: m.sezione.clone(),
                titolo: m.titolo.clone(),
                azione: m.azione.clone(),
            })
            .collect(),
        managed: managed_views,
        services_list: service_views
            .iter()
            .map(|s| ListRow {
                direzione: s.direzione.clone(),
                sezione: s.sezione.clone(),
                titolo: s.servizio.clone(),
                azione: "MODIFICHE".into(),
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

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

fn phase_text(o: &Managed, n: u32) -> String {
    o.fasi
        .iter()
        .find(|f| *f.numero.get_ref() == n)
        .map(|f| clean(&f.descrizione))
        .unwrap_or_default()
}

fn quoted(t: &str) -> Vec<Segment> {
    text::plain(&format!("“{}”", clean(t)))
}

fn quoted_segments(mut segs: Vec<Segment>) -> Vec<Segment> {
    segs.insert(0, Segment::plain("“"));
    segs.push(Segment::plain("”"));
    segs
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
    fn staff_name(&self, p: &crate::model::Staff, public: &[Vec<String>]) -> String {
        let key = name_key(&p.nome);
        let keep = !self.on
            || self.categories.contains(&p.categoria.trim().to_uppercase())
            || public.contains(&key)
            || self.names.contains(&key);
        if keep {
            clean(&p.nome)
        } else {
            match &p.ruolo {
                Some(r) if !r.trim().is_empty() => clean(r),
                _ => format!("Dipendente di categoria {}", clean(&p.categoria)),
            }
        }
    }
}

fn managed_view(m: &CheckedManaged, checked: &Checked, redaction: &Redaction) -> ManagedView {
    let o = &m.source.data;
    let plan = checked.plan;
    let eliminated = *o.azione.get_ref() == Action::Eliminare;
    let direzione = clean(&o.direzione);
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
    let all_changes: Vec<&Change> = m.groups.iter().flat_map(|g| &g.changes).collect();

    // Indicator lookup by id, for the request texts.
    let indicator_text = |id: &str| -> String {
        Group::ALL
            .iter()
            .flat_map(|g| managed_group(o, *g))
            .find(|i| i.id.as_ref().is_some_and(|x| x.get_ref() == id))
            .map(|i| clean(&i.descrizione))
            .unwrap_or_default()
    };
    let indicator_group = |id: &str| -> Option<Group> {
        Group::ALL.into_iter().find(|g| {
            managed_group(o, *g)
                .iter()
                .any(|i| i.id.as_ref().is_some_and(|x| x.get_ref() == id))
        })
    };

    // --- Request ---------------------------------------------------------------------
    let mut request = Vec::new();
    // The indicator group heading ("Indici di Quantità:") is said once for a run of
    // changes in the same group, even across motivazioni.
    let mut last_group: Option<Group> = None;
    for g in &m.groups {
        let mut lines = Vec::new();
        let mut section = "Fasi";
        for c in &g.changes {
            match c {
                Change::Reschedule {
                    phases,
                    verb,
                    from,
                    to,
                    ..
                } => {
                    lines.push(Line::highlight(
                        "VARIAZIONE TEMPORALE:",
                        &time_label(*verb, *from, *to),
                    ));
                    // A phase reworded in the same group was quoted already.
                    for p in phases {
                        let already = g
                            .changes
                            .iter()
                            .any(|x| matches!(x, Change::RewordPhase { phase, .. } if phase == p));
                        if !already {
                            lines.push(Line::quote(
                                format!("Fase {p}:"),
                                quoted(&phase_text(o, *p)),
                            ));
                        }
                    }
                }
                Change::RemovePhase { phase } => {
                    lines.push(Line::label("ELIMINARE"));
                    lines.push(Line::quote(
                        format!("Fase {phase}:"),
                        quoted(&phase_text(o, *phase)),
                    ));
                }
                Change::ReplacePhase {
                    phase,
                    text: new,
                    schedule,
                } => {
                    lines.push(Line::label("ELIMINARE"));
                    lines.push(Line::quote(
                        format!("Fase {phase}:"),
                        quoted(&phase_text(o, *phase)),
                    ));
                    lines.push(Line::label("SOSTITUIRE CON:"));
                    lines.push(Line::quote(format!("Fase {phase}:"), quoted(new)));
                    let period = match schedule {
                        Some(grid) => grid
                            .period_label(plan)
                            .map(|p| format!("periodo temporale: {p}")),
                        None => m
                            .grids
                            .get(phase)
                            .and_then(|g| g.period_label(plan))
                            .map(|p| format!("stesso periodo temporale: {p}")),
                    };
                    if let Some(p) = period {
                        lines.push(Line::note(p));
                    }
                }
                Change::RewordPhase { phase, text: new } => {
                    let old = phase_text(o, *phase);
                    lines.push(Line::label("VARIAZIONE FASE"));
                    lines.push(Line::quote(format!("Fase {phase}:"), quoted(&old)));
                    lines.push(Line::label("Nuova:"));
                    lines.push(Line::quote(
                        format!("Fase {phase}:"),
                        quoted_segments(text::word_diff(&old, new, false)),
                    ));
                }
                Change::RemoveIndicator { indicator } => {
                    if section == "Fasi" && lines.is_empty() {
                        section = "Indici:";
                    }
                    let grp = indicator_group(indicator);
                    if grp != last_group {
                        if let Some(gr) = grp {
                            lines.push(Line::label(&format!("{}:", gr.title())));
                        }
                        last_group = grp;
                    }
                    lines.push(Line::label("ELIMINARE"));
                    lines.push(Line::quote("", quoted(&indicator_text(indicator))));
                }
                Change::AddManagedIndicator {
                    group,
                    text: new,
                    expected,
                    ..
                } => {
                    if section == "Fasi" && lines.is_empty() {
                        section = "Indici:";
                    }
                    if Some(*group) != last_group {
                        lines.push(Line::label(&format!("{}:", group.title())));
                        last_group = Some(*group);
                    }
                    lines.push(Line::label("AGGIUNGERE:"));
                    lines.push(Line::quote("", quoted(new)));
                    if !expected.is_empty() {
                        lines.push(Line::note(format!("Valore atteso: {expected}")));
                    }
                }
                Change::RewordIndicator {
                    indicator,
                    text: new,
                } => {
                    if section == "Fasi" && lines.is_empty() {
                        section = "Indici:";
                    }
                    lines.push(Line::quote("", quoted(&indicator_text(indicator))));
                    lines.push(Line::label("VARIAZIONE INDICATORE"));
                    lines.push(Line::label("Nuovo indicatore:"));
                    lines.push(Line::quote("", quoted(new)));
                }
                Change::Retarget { indicator, target } => {
                    if section == "Fasi" && lines.is_empty() {
                        section = "Indici:";
                    }
                    let old = Group::ALL
                        .iter()
                        .flat_map(|g| managed_group(o, *g))
                        .find(|i| i.id.as_ref().is_some_and(|x| x.get_ref() == indicator))
                        .map(|i| i.atteso.clone())
                        .unwrap_or_default();
                    lines.push(Line::quote("", quoted(&indicator_text(indicator))));
                    lines.push(Line::note(format!("Valore atteso: {old}")));
                    lines.push(Line::label("VARIAZIONE VALORE ATTESO"));
                    lines.push(Line::note(format!("Nuovo valore atteso: {target}")));
                }
                _ => {}
            }
        }
        request.push(RequestGroup {
            section: section.to_string(),
            lines,
            motivation: text::prose(&g.motivation),
        });
    }

    // --- Phases, tracked -------------------------------------------------------------
    let mut phases = Vec::new();
    for f in &o.fasi {
        let n = *f.numero.get_ref();
        let old = clean(&f.descrizione);
        let mut row = TrackedRow {
            numero: n.to_string(),
            state: "",
            text: text::plain(&old),
        };
        let mut extra = None;
        for c in &all_changes {
            match c {
                Change::RemovePhase { phase } if *phase == n => {
                    row.state = "del";
                    row.text = text::marked(&old, Mark::Deleted);
                }
                Change::ReplacePhase {
                    phase, text: new, ..
                } if *phase == n => {
                    row.state = "del";
                    row.text = text::marked(&old, Mark::Deleted);
                    extra = Some(TrackedRow {
                        numero: n.to_string(),
                        state: "ins",
                        text: text::marked(new, Mark::Inserted),
                    });
                }
                Change::RewordPhase { phase, text: new } if *phase == n => {
                    row.state = "mod";
                    row.text = text::word_diff(&old, new, true);
                }
                _ => {}
            }
        }
        phases.push(row);
        if let Some(e) = extra {
            phases.push(e);
        }
    }
    let numbered = |r: &TrackedRow| r.numero.parse::<u32>().unwrap_or(0);
    let mut left: Vec<TrackedRow> = phases
        .iter()
        .filter(|r| numbered(r) <= 5)
        .cloned()
        .collect();
    let mut right: Vec<TrackedRow> = phases.iter().filter(|r| numbered(r) > 5).cloned().collect();
    // Empty numbered slots, as in the official form (1-5 | 6-10).
    let max_phase = o
        .fasi
        .iter()
        .map(|f| *f.numero.get_ref())
        .max()
        .unwrap_or(0);
    if max_phase <= 10 {
        for n in (max_phase + 1)..=10 {
            let slot = TrackedRow {
                numero: n.to_string(),
                state: "",
                text: Vec::new(),
            };
            if n <= 5 {
                left.push(slot);
            } else {
                right.push(slot);
            }
        }
    } else {
        // More than ten phases: one column.
        left = phases.clone();
        right = Vec::new();
    }
    let phase_columns = vec![left, right];

    // --- Indicators, tracked ---------------------------------------------------------
    let mut indicators = Vec::new();
    for g in Group::ALL {
        let mut rows = Vec::new();
        for ind in managed_group(o, g) {
            let id = ind.id.as_ref().map(|x| x.get_ref().as_str());
            let old = clean(&ind.descrizione);
            let mut row = IndicatorRow {
                state: "",
                text: text::plain(&old),
                expected: text::plain(&ind.atteso),
                reached: ind.raggiunto.clone(),
            };
            for c in &all_changes {
                match c {
                    Change::RemoveIndicator { indicator } if Some(indicator.as_str()) == id => {
                        row.state = "del";
                        row.text = text::marked(&old, Mark::Deleted);
                        row.expected = text::marked(&ind.atteso, Mark::Deleted);
                    }
                    Change::RewordIndicator {
                        indicator,
                        text: new,
                    } if Some(indicator.as_str()) == id => {
                        row.state = "mod";
                        row.text = text::word_diff(&old, new, true);
                    }
                    Change::Retarget { indicator, target } if Some(indicator.as_str()) == id => {
                        row.state = "mod";
                        row.expected = vec![
                            Segment::marked(clean(&ind.atteso), Mark::Deleted),
                            Segment::plain(" "),
                            Segment::marked(clean(target), Mark::Inserted),
                        ];
                    }
                    _ => {}
                }
            }
            rows.push((id.map(str::to_string), row));
        }
        for c in &all_changes {
            if let Change::AddManagedIndicator {
                group,
                text: new,
                expected,
                id,
                after,
            } = c
            {
                if *group == g {
                    let row = IndicatorRow {
                        state: "ins",
                        text: text::marked(new, Mark::Inserted),
                        expected: text::marked(expected, Mark::Inserted),
                        reached: Vec::new(),
                    };
                    insert_after(&mut rows, after.as_deref(), (id.clone(), row));
                }
            }
        }
        indicators.push(IndicatorGroupView {
            title: g.title().to_string(),
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        });
    }

    // --- Cronoprogramma --------------------------------------------------------------
    let mut schedule = Vec::new();
    for f in &o.fasi {
        let n = *f.numero.get_ref();
        let approved = m.grids.get(&n);
        let mut new_grid: Option<&Grid> = None;
        let mut removed = false;
        let mut replaced = false;
        for c in &all_changes {
            match c {
                Change::Reschedule {
                    phases, schedule, ..
                } if phases.contains(&n) => new_grid = Some(schedule),
                Change::RemovePhase { phase } if *phase == n => removed = true,
                Change::ReplacePhase {
                    phase, schedule, ..
                } if *phase == n => {
                    replaced = true;
                    new_grid = schedule.as_ref().or(approved);
                }
                _ => {}
            }
        }
        let changed = new_grid.is_some() || removed;
        if let Some(g) = approved {
            let state = if changed || replaced { "del" } else { "" };
            schedule.push(schedule_row(n, state, g, checked));
        }
        if let Some(g) = new_grid {
            let state = if replaced { "ins" } else { "mod" };
            schedule.push(schedule_row(n, state, g, checked));
        }
    }

    // --- Staff and resources ---------------------------------------------------------
    let public_people: Vec<Vec<String>> = [&o.responsabile, &o.dirigente, &o.assessore]
        .iter()
        .map(|p| name_key(&p.display()))
        .collect();
    let staff: Vec<StaffRow> = o
        .personale
        .iter()
        .map(|p| StaffRow {
            categoria: clean(&p.categoria),
            nome: redaction.staff_name(p, &public_people),
            note: clean(&p.note),
            partecipazione: format::percent2(p.partecipazione.get_ref().0),
        })
        .collect();
    let staff_redacted = redaction.on
        && staff
            .iter()
            .zip(&o.personale)
            .any(|(row, p)| row.nome != clean(&p.nome));
    let staff_total: Decimal = o
        .personale
        .iter()
        .map(|p| p.partecipazione.get_ref().0)
        .sum();
    let resources: Vec<ResourceRow> = o
        .risorse
        .iter()
        .map(|r| ResourceRow {
            tipologia: clean(&r.tipologia),
            descrizione: clean(&r.descrizione),
            costo: match r.costo.as_ref().map(|c| *c.get_ref()) {
                Some(Cost::Amount(a)) => format::money(a),
                Some(Cost::ToBeDetermined) => crate::model::values::TO_BE_DETERMINED.to_string(),
                None => String::new(),
            },
        })
        .collect();
    let resources_total: Decimal = o
        .risorse
        .iter()
        .filter_map(|r| match r.costo.as_ref().map(|c| *c.get_ref()) {
            Some(Cost::Amount(a)) => Some(a),
            _ => None,
        })
        .sum();

    ManagedView {
        id: m.source.stem.clone(),
        short: short_name('g', *o.numero.get_ref()),
        numero: *o.numero.get_ref(),
        titolo: clean(&o.titolo),
        direzione,
        direzione_header,
        sezione: clean(&o.sezione),
        assessore: clean(&o.assessore.display()),
        dirigente: clean(&o.dirigente.display()),
        po: clean(&o.responsabile.display()),
        responsabile,
        missione: clean(&o.missione),
        programma: clean(&o.programma),
        strategico: clean(&o.obiettivo_strategico),
        operativo: clean(&o.obiettivo_operativo),
        progetto: clean(&o.progetto),
        finalita: clean(&o.finalita),
        orizzonte: clean(&o.orizzonte_temporale),
        descrizione: text::prose(&o.descrizione),
        azione: if eliminated {
            "ELIMINARE"
        } else {
            "MODIFICARE"
        }
        .to_string(),
        eliminated,
        motivation: o
            .motivazione
            .as_ref()
            .map(|mv| text::prose(mv.get_ref()))
            .unwrap_or_default(),
        request,
        phases,
        phase_columns,
        indicators,
        schedule,
        staff,
        staff_total: format::percent2(staff_total),
        staff_redacted,
        resources,
        resources_total: format::money(resources_total),
        has_changes: !all_changes.is_empty(),
    }
}

fn pct_cell(v: Decimal) -> String {
    if v.is_zero() {
        String::new()
    } else {
        format::percent(v)
    }
}

fn schedule_row(n: u32, state: &'static str, g: &Grid, checked: &Checked) -> ScheduleRow {
    ScheduleRow {
        numero: n.to_string(),
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
    }
}

fn service_view(s: &CheckedService, plan: Plan) -> ServiceView {
    let o: &Service = &s.source.data;
    let years = (plan.last - plan.first + 1) as usize;
    let all_changes: Vec<&Change> = s.groups.iter().flat_map(|g| &g.changes).collect();
    let find_ind = |id: &str| {
        o.indicatori
            .iter()
            .find(|i| i.id.as_ref().is_some_and(|x| x.get_ref() == id))
    };
    let find_act = |id: &str| {
        o.attivita
            .iter()
            .find(|a| a.id.as_ref().is_some_and(|x| x.get_ref() == id))
    };
    let plan_years = (plan.first..=plan.last)
        .map(|y| y.to_string())
        .collect::<Vec<_>>()
        .join("/");
    let target_line = |t: &Targets| -> String {
        match t {
            Targets::Same(v) => format!("Target {plan_years}: {}", clean(v)),
            Targets::PerYear(list) => format!(
                "Target {plan_years}: {}",
                list.iter()
                    .map(|v| clean(v))
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
        }
    };

    // --- Request ---------------------------------------------------------------------
    let request = s
        .groups
        .iter()
        .map(|g| service_request_group(g, o, &find_ind, &find_act, &target_line, &plan_years))
        .collect();

    // --- Activities, tracked ---------------------------------------------------------
    let mut activities = Vec::new();
    for a in &o.attivita {
        let id = a.id.as_ref().map(|x| x.get_ref().as_str());
        let old = clean(&a.testo);
        let mut row = TrackedRow {
            numero: String::new(),
            state: "",
            text: text::plain(&old),
        };
        for c in &all_changes {
            match c {
                Change::RewordActivity {
                    activity,
                    text: new,
                } if Some(activity.as_str()) == id => {
                    row.state = "mod";
                    row.text = text::word_diff(&old, new, true);
                }
                Change::RemoveActivity { activity } if Some(activity.as_str()) == id => {
                    row.state = "del";
                    row.text = text::marked(&old, Mark::Deleted);
                }
                _ => {}
            }
        }
        activities.push((id.map(str::to_string), row));
    }
    for c in &all_changes {
        if let Change::AddActivity {
            text: new,
            after,
            id,
            ..
        } = c
        {
            let row = TrackedRow {
                numero: String::new(),
                state: "ins",
                text: text::marked(new, Mark::Inserted),
            };
            insert_after(&mut activities, after.as_deref(), (id.clone(), row));
        }
    }

    // --- Indicators, tracked ---------------------------------------------------------
    let mut indicators = Vec::new();
    for ind in &o.indicatori {
        let id = ind.id.as_ref().map(|x| x.get_ref().as_str());
        let old = clean(&ind.descrizione);
        let targets: Vec<String> = match ind.target.get_ref() {
            Targets::Same(v) => vec![clean(v); years],
            Targets::PerYear(list) => list.iter().map(|v| clean(v)).collect(),
        };
        let mut row = ServiceIndicatorRow {
            state: "",
            text: text::plain(&old),
            um: clean(&ind.um),
            history: ind.storico.get_ref().iter().map(|h| clean(h)).collect(),
            targets: targets.iter().map(|t| text::plain(t)).collect(),
        };
        for c in &all_changes {
            match c {
                Change::RemoveIndicator { indicator } if Some(indicator.as_str()) == id => {
                    row.state = "del";
                    row.text = text::marked(&old, Mark::Deleted);
                    row.targets = targets
                        .iter()
                        .map(|t| text::marked(t, Mark::Deleted))
                        .collect();
                }
                Change::RewordIndicator {
                    indicator,
                    text: new,
                } if Some(indicator.as_str()) == id => {
                    if row.state.is_empty() {
                        row.state = "mod";
                    }
                    row.text = text::word_diff(&old, new, true);
                }
                Change::Retarget { indicator, target } if Some(indicator.as_str()) == id => {
                    if row.state.is_empty() {
                        row.state = "mod";
                    }
                    row.targets = targets
                        .iter()
                        .map(|t| {
                            vec![
                                Segment::marked(t.clone(), Mark::Deleted),
                                Segment::plain(" "),
                                Segment::marked(clean(target), Mark::Inserted),
                            ]
                        })
                        .collect();
                }
                _ => {}
            }
        }
        indicators.push((id.map(str::to_string), row));
    }
    for c in &all_changes {
        if let Change::AddServiceIndicator {
            id,
            text: new,
            unit,
            history,
            target,
            after,
        } = c
        {
            let row = ServiceIndicatorRow {
                state: "ins",
                text: text::marked(new, Mark::Inserted),
                um: clean(unit),
                history: history.iter().map(|h| clean(h)).collect(),
                targets: vec![text::marked(target, Mark::Inserted); years],
            };
            insert_after(&mut indicators, after.as_deref(), (id.clone(), row));
        }
    }

    let (history_labels, target_labels) = if o.anni_scolastici {
        (
            (1..=3)
                .rev()
                .map(|k| {
                    let y = plan.first - k;
                    format!("a.s. {}/{}", y - 1, y)
                })
                .collect(),
            (plan.first..=plan.last)
                .map(|y| format!("target a.s. {}/{}", y - 1, y))
                .collect(),
        )
    } else {
        (
            (1..=3)
                .rev()
                .map(|k| (plan.first - k).to_string())
                .collect(),
            (plan.first..=plan.last)
                .map(|y| format!("Target {y}"))
                .collect(),
        )
    };

    let sezione = clean(&o.sezione);
    let sezione_scheda = match &o.nota_sezione {
        Some(n) if !n.trim().is_empty() => format!("{sezione} {}", clean(n)),
        _ => sezione.clone(),
    };
    ServiceView {
        id: s.source.stem.clone(),
        short: short_name('i', *o.numero.get_ref()),
        numero: *o.numero.get_ref(),
        servizio: clean(&o.servizio),
        direzione: clean(&o.direzione),
        sezione,
        sezione_scheda,
        assessore: clean(&o.assessore.display()),
        dirigente: clean(&o.dirigente.display()),
        responsabile_nome: clean(&o.responsabile.display()),
        responsabile: request_surname(&o.responsabile),
        funzionario: o
            .funzionario
            .as_ref()
            .map(|f| clean(&f.display()))
            .unwrap_or_default(),
        missione: clean(&o.missione),
        programma: clean(&o.programma),
        request,
        activities: activities.into_iter().map(|(_, r)| r).collect(),
        history_labels,
        target_labels,
        indicators: indicators.into_iter().map(|(_, r)| r).collect(),
    }
}

fn insert_after<T>(
    list: &mut Vec<(Option<String>, T)>,
    after: Option<&str>,
    item: (Option<String>, T),
) {
    let pos = after
        .and_then(|a| list.iter().position(|(id, _)| id.as_deref() == Some(a)))
        .map(|p| p + 1)
        .unwrap_or(list.len());
    list.insert(pos, item);
}

fn service_request_group<'a>(
    g: &CheckedGroup,
    o: &'a Service,
    find_ind: &dyn Fn(&str) -> Option<&'a crate::model::ServiceIndicator>,
    find_act: &dyn Fn(&str) -> Option<&'a crate::model::Activity>,
    target_line: &dyn Fn(&Targets) -> String,
    plan_years: &str,
) -> RequestGroup {
    let _ = o;
    let mut lines = Vec::new();
    let mut section = "Indicatore:";
    let ind_text = |id: &str| {
        find_ind(id)
            .map(|i| clean(&i.descrizione))
            .unwrap_or_default()
    };
    let act_text = |id: &str| find_act(id).map(|a| clean(&a.testo)).unwrap_or_default();
    for (i, c) in g.changes.iter().enumerate() {
        match c {
            Change::Retarget { indicator, target } => {
                let reworded_before = g.changes[..i].iter().any(
                    |x| matches!(x, Change::RewordIndicator { indicator: other, .. } if other == indicator),
                );
                if !reworded_before {
                    lines.push(Line::quote("", quoted(&ind_text(indicator))));
                }
                if let Some(ind) = find_ind(indicator) {
                    lines.push(Line::note(target_line(ind.target.get_ref())));
                }
                lines.push(Line::label("VARIAZIONE TARGET"));
                lines.push(Line::note(format!(
                    "Nuovo Target {plan_years}: {}",
                    clean(target)
                )));
            }
            Change::RewordIndicator {
                indicator,
                text: new,
            } => {
                lines.push(Line::quote("", quoted(&ind_text(indicator))));
                lines.push(Line::label("VARIAZIONE INDICATORE"));
                lines.push(Line::label("Nuovo indicatore:"));
                lines.push(Line::quote("", quoted(new)));
            }
            Change::RemoveIndicator { indicator } => {
                lines.push(Line::label("ELIMINARE INDICATORE"));
                lines.push(Line::quote("", quoted(&ind_text(indicator))));
            }
            Change::AddServiceIndicator {
                text: new, target, ..
            } => {
                lines.push(Line::label("AGGIUNGERE INDICATORE"));
                lines.push(Line::quote("", quoted(new)));
                lines.push(Line::note(format!(
                    "Target {plan_years}: {}",
                    clean(target)
                )));
            }
            Change::RewordActivity {
                activity,
                text: new,
            } => {
                if lines.is_empty() {
                    section = "Attività istituzionali:";
                }
                lines.push(Line::quote("", quoted(&act_text(activity))));
                lines.push(Line::label("VARIAZIONE ATTIVITÀ ISTITUZIONALE:"));
                lines.push(Line::label("Nuova attività istituzionale"));
                lines.push(Line::quote("", quoted(new)));
            }
            Change::AddActivity { text: new, .. } => {
                if lines.is_empty() {
                    section = "Attività istituzionali:";
                }
                lines.push(Line::label("ATTIVITÀ ISTITUZIONALE AGGIUNTA"));
                lines.push(Line::label("Nuova attività istituzionale"));
                lines.push(Line::quote("", quoted(new)));
            }
            Change::RemoveActivity { activity } => {
                if lines.is_empty() {
                    section = "Attività istituzionali:";
                }
                lines.push(Line::label("ELIMINARE ATTIVITÀ ISTITUZIONALE"));
                lines.push(Line::quote("", quoted(&act_text(activity))));
            }
            _ => {}
        }
    }
    RequestGroup {
        section: section.to_string(),
        lines,
        motivation: text::prose(&g.motivation),
    }
}

/// The changes of an objective keyed for lookups (used by exports).
pub fn group_count(groups: &[CheckedGroup]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for c in groups.iter().flat_map(|g| &g.changes) {
        *m.entry(change_kind(c)).or_insert(0) += 1;
    }
    m
}

/// The `tipo` of a typed change.
pub fn change_kind(c: &Change) -> &'static str {
    match c {
        Change::Reschedule { .. } => "variazione_temporale",
        Change::RemovePhase { .. } => "eliminare_fase",
        Change::ReplacePhase { .. } => "sostituire_fase",
        Change::RewordPhase { .. } => "riformulare_fase",
        Change::RemoveIndicator { .. } => "eliminare_indicatore",
        Change::AddManagedIndicator { .. } | Change::AddServiceIndicator { .. } => {
            "aggiungere_indicatore"
        }
        Change::RewordIndicator { .. } => "riformulare_indicatore",
        Change::Retarget { .. } => "variazione_target",
        Change::RewordActivity { .. } => "riformulare_attivita",
        Change::AddActivity { .. } => "aggiungere_attivita",
        Change::RemoveActivity { .. } => "eliminare_attivita",
    }
}

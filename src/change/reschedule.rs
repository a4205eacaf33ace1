//! `variazione_temporale`: extend or postpone one or more phases, with their new
//! cronoprogramma ("PROLUNGARE AL 31.1.2024", "POSTICIPARE A 1.11 - 31.12").

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::diag::Diagnostic;
use crate::format;
use crate::model::amended::{Amended, State};
use crate::model::change::{RawChange, TimeVerb, YearOrDate};
use crate::model::Date;
use crate::model::schedule::{Grid, Period, Plan};

/// Move or extend the schedule of one or more phases.
#[derive(Debug, Clone)]
pub struct Reschedule {
    pub phases: Vec<u32>,
    pub verb: TimeVerb,
    pub from: Option<Date>,
    pub to: YearOrDate,
    /// The new cronoprogramma of each phase, in the order of `phases`.
    pub schedules: Vec<(u32, Grid)>,
    /// True when each phase was given its own cronoprogramma.
    pub per_phase: bool,
}

/// The last day of the period `to` ends with, in a plan starting in `first`.
pub fn end_date(to: YearOrDate, first: i32) -> NaiveDate {
    match to {
        YearOrDate::Year(y) => format::last_day(y, 12),
        YearOrDate::Date(d) => d.0,
        YearOrDate::DayMonth(d, m) => NaiveDate::from_ymd_opt(first, m, d)
            .unwrap_or_else(|| format::last_day(first, m)),
    }
}

/// "PROLUNGARE AL 31.1.2024", "POSTICIPARE A 1.11 - 31.12", "POSTICIPARE AL 2024",
/// "PROLUNGARE AL 31.10" (a day of the first year, written without the year).
pub fn time_label(verb: TimeVerb, from: Option<Date>, to: YearOrDate) -> String {
    let v = verb.label();
    match (from, to) {
        (_, YearOrDate::Year(y)) => format!("{v} AL {y}"),
        (None, YearOrDate::DayMonth(d, m)) => format!("{v} AL {d}.{m}"),
        (Some(f), YearOrDate::DayMonth(d, m)) => {
            format!("{v} A {} - {d}.{m}", format::day_month(f.0))
        }
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

impl Reschedule {
    fn label(&self) -> String {
        time_label(self.verb, self.from, self.to)
    }
    fn schedule_of(&self, n: u32) -> Option<&Grid> {
        self.schedules.iter().find(|(p, _)| *p == n).map(|(_, g)| g)
    }
}

impl Kind for Reschedule {
    const SPEC: Spec = Spec {
        name: "variazione_temporale",
        doc: "prolungare o posticipare una o più fasi, con il nuovo cronoprogramma",
        scope: Scope::Managed,
        fields: &[
            Field::required("fasi", "le fasi a cui si applica", "[5, 6]"),
            Field::required(
                "variazione",
                "\"prolungare\" o \"posticipare\"",
                "\"prolungare\"",
            ),
            Field::optional(
                "dal",
                "inizio del nuovo periodo",
                "2023-11-01",
            ),
            Field::required(
                "al",
                "fine del nuovo periodo: una data, un giorno del primo anno (\"31.10\") o un anno",
                "2024-01-31",
            ),
            Field::optional(
                "cronoprogramma",
                "il nuovo cronoprogramma, uguale per tutte le fasi (oppure `cronoprogrammi`)",
                "{ novembre = 50, dicembre = 25, 2024 = 25 }",
            ),
            Field::optional(
                "cronoprogrammi",
                "un nuovo cronoprogramma per ciascuna fase (al posto di `cronoprogramma`)",
                "{ 5 = { novembre = 50, 2024 = 50 }, 6 = { dicembre = 50, 2024 = 50 } }",
            ),
        ],
        example: "\"PROLUNGARE AL 31.1.2024\", \"POSTICIPARE A 1.11 - 31.12\"",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let c = cx.raw;
        let f = cx.file;
        let fasi = c.fasi.as_ref()?;
        if fasi.get_ref().is_empty() {
            cx.error(Diagnostic::error("l'elenco delle fasi è vuoto").at(f, fasi.span()));
            return None;
        }
        let mut phases: Vec<u32> = Vec::new();
        for (i, p) in fasi.get_ref().iter().enumerate() {
            let n = cx.phase_ref(p)?;
            if phases.contains(&n) {
                let first = fasi.get_ref()[..i]
                    .iter()
                    .find(|q| *q.get_ref() == n)
                    .map_or(0..0, |q| q.span());
                cx.error(
                    Diagnostic::error(format!("la fase {n} è elencata due volte"))
                        .at(f, p.span())
                        .also(f, first, "la prima volta qui"),
                );
                return None;
            }
            phases.push(n);
        }
        let verb_raw = c.variazione.as_ref()?;
        let verb = match verb_raw.get_ref().trim().to_lowercase().as_str() {
            "prolungare" => TimeVerb::Extend,
            "posticipare" => TimeVerb::Postpone,
            other => {
                cx.error(
                    Diagnostic::error(format!("variazione temporale sconosciuta \"{other}\""))
                        .at(f, verb_raw.span())
                        .hint("valori ammessi: \"prolungare\", \"posticipare\""),
                );
                return None;
            }
        };
        let to = c.al.as_ref()?;
        let from = c.dal.as_ref().map(|d| *d.get_ref());

        // The new cronoprogramma: one for all phases, or one per phase.
        let mut schedules = Vec::new();
        let mut spans = Vec::new();
        let per_phase = match (&c.cronoprogramma, &c.cronoprogrammi) {
            (Some(one), None) => {
                let grid = cx.grid(one, "nuovo")?;
                spans.push(one.span());
                for p in &phases {
                    schedules.push((*p, grid.clone()));
                }
                false
            }
            (None, Some(each)) => {
                for (key, schedule) in each.get_ref() {
                    let Some(n) = key.trim().parse::<u32>().ok().filter(|n| phases.contains(n))
                    else {
                        cx.error(
                            Diagnostic::error(format!(
                                "`{key}` non è una delle fasi di questa variazione temporale"
                            ))
                            .at(f, schedule.span())
                            .also(f, fasi.span(), "le fasi della variazione")
                            .hint("in `cronoprogrammi` ogni cronoprogramma si scrive dopo il numero di una fase elencata in `fasi`: { 5 = { … } }"),
                        );
                        return None;
                    };
                    let grid = cx.grid(schedule, &format!("nuovo della fase {n}"))?;
                    spans.push(schedule.span());
                    schedules.push((n, grid));
                }
                let missing: Vec<String> = phases
                    .iter()
                    .filter(|p| !schedules.iter().any(|(n, _)| n == *p))
                    .map(|p| p.to_string())
                    .collect();
                if !missing.is_empty() {
                    cx.error(
                        Diagnostic::error(format!(
                            "manca il nuovo cronoprogramma della fase {}",
                            missing.join(", ")
                        ))
                        .at(f, each.span())
                        .hint("dai in `cronoprogrammi` un cronoprogramma per ogni fase elencata in `fasi`"),
                    );
                    return None;
                }
                true
            }
            (Some(one), Some(each)) => {
                cx.error(
                    Diagnostic::error("`cronoprogramma` e `cronoprogrammi` insieme")
                        .at(f, each.span())
                        .also(f, one.span(), "`cronoprogramma` qui")
                        .hint("usa `cronoprogramma` per dare lo stesso a tutte le fasi, oppure `cronoprogrammi` per darne uno a ciascuna"),
                );
                return None;
            }
            (None, None) => {
                let span = cx.kind_span();
                cx.error(
                    Diagnostic::error(
                        "per una modifica di tipo \"variazione_temporale\" serve il campo `cronoprogramma`",
                    )
                    .at(f, span)
                    .hint("oppure `cronoprogrammi`, con un cronoprogramma per ciascuna fase"),
                );
                return None;
            }
        };
        check_period(cx, from, to)?;
        // One span per schedule, or the one shared by every phase: each phase's approved
        // cronoprogramma is compared with its new one.
        for (i, (n, grid)) in schedules.iter().enumerate() {
            let span = spans[if per_phase { i } else { 0 }].clone();
            if per_phase || i == 0 {
                check_grid_in_period(cx, grid, from, to, span.clone(), verb)?;
            }
            if verb == TimeVerb::Extend {
                if let Some(approved) = cx.refs.schedules.get(n) {
                    warn_lost_periods(cx, *n, approved, grid, span);
                }
            }
        }
        schedules.sort_by_key(|(n, _)| phases.iter().position(|p| p == n));
        Some(Reschedule {
            phases,
            verb,
            from,
            to: *to.get_ref(),
            schedules,
            per_phase,
        })
    }

    fn gives_schedule_to(raw: &RawChange) -> Vec<u32> {
        raw.fasi
            .as_ref()
            .map(|f| f.get_ref().iter().map(|p| *p.get_ref()).collect())
            .unwrap_or_default()
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        self.phases
            .iter()
            .map(|p| (Target::Phase(*p), Verb::Reschedule))
            .collect()
    }

    fn apply(&self, scheda: &mut Amended) {
        for (n, grid) in &self.schedules {
            if let Some(row) = scheda.schedule_mut(*n) {
                row.state = State::Changed;
                row.grid.amended = Some(grid.clone());
            }
        }
    }

    fn section(&self, _: &Context) -> Section {
        Section::Phases
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let mut lines = vec![Line::time("VARIAZIONE TEMPORALE:", self.label())];
        for p in &self.phases {
            lines.push(Line::quote(
                format!("Fase {p}:"),
                cx.scheda.approved_phase_text(*p),
            ));
            if self.per_phase {
                if let Some(period) = self.schedule_of(*p).and_then(|g| g.period_label(cx.plan)) {
                    lines.push(Line::value(format!("Nuovo periodo della fase {p}:"), period));
                }
            }
        }
        lines
    }

    fn export(&self, cx: &Context) -> Exported {
        let approved: Vec<String> = self
            .phases
            .iter()
            .filter_map(|p| cx.scheda.approved_grid(*p).and_then(|g| g.period_label(cx.plan)))
            .collect();
        let mut periods: Vec<String> = Vec::new();
        for (_, g) in &self.schedules {
            if let Some(p) = g.period_label(cx.plan) {
                if !periods.contains(&p) {
                    periods.push(p);
                }
            }
        }
        let mut amended = self.label();
        if !periods.is_empty() {
            amended.push_str(&format!(" ({})", periods.join("; ")));
        }
        Exported {
            object: format!(
                "fasi {}",
                self.phases
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            approved: approved.join("; "),
            amended,
        }
    }
}

/// The new period lies within the plan and does not end before it starts.
fn check_period(
    cx: &mut ParseCx,
    from: Option<Date>,
    to: &toml::Spanned<YearOrDate>,
) -> Option<()> {
    let plan = cx.plan;
    let f = cx.file;
    let to_year = match to.get_ref() {
        YearOrDate::Year(y) => *y,
        YearOrDate::Date(d) => d.0.year(),
        YearOrDate::DayMonth(d, m) => {
            if NaiveDate::from_ymd_opt(plan.first, *m, *d).is_none() {
                cx.error(
                    Diagnostic::error(format!("il {d}.{m} non esiste nel {}", plan.first))
                        .at(f, to.span()),
                );
                return None;
            }
            plan.first
        }
    };
    if to_year < plan.first || to_year > plan.last {
        cx.error(
            Diagnostic::error(format!(
                "il nuovo termine ({to_year}) è fuori dal piano {}-{}",
                plan.first, plan.last
            ))
            .at(f, to.span()),
        );
        return None;
    }
    if let (Some(from), Some(span)) = (from, cx.raw.dal.as_ref().map(|d| d.span())) {
        if from.0.year() < plan.first || from.0.year() > plan.last {
            cx.error(
                Diagnostic::error("la data di inizio è fuori dagli anni del piano").at(f, span),
            );
            return None;
        }
        if from.0 > end_date(*to.get_ref(), plan.first) {
            cx.error(Diagnostic::error("il periodo inizia dopo la sua fine").at(f, span));
            return None;
        }
    }
    Some(())
}

/// The new schedule must match the label: it ends in the period of `al` and does not
/// start before `dal`.
fn check_grid_in_period(
    cx: &mut ParseCx,
    grid: &Grid,
    from: Option<Date>,
    to_spanned: &toml::Spanned<YearOrDate>,
    span: std::ops::Range<usize>,
    verb: TimeVerb,
) -> Option<()> {
    let plan: Plan = cx.plan;
    let f = cx.file;
    let to = *to_spanned.get_ref();
    let label = time_label(verb, from, to);
    let end = match to {
        YearOrDate::Year(y) if y == plan.first => Period::Month(y, 12),
        YearOrDate::Year(y) => Period::Year(y),
        YearOrDate::DayMonth(_, m) => Period::Month(plan.first, m),
        YearOrDate::Date(d) if d.0.year() == plan.first => Period::Month(d.0.year(), d.0.month()),
        YearOrDate::Date(d) => Period::Year(d.0.year()),
    };
    let last = grid.last_period(plan);
    if last != Some(end) {
        let shown = match last {
            Some(Period::Month(_, m)) => format::month_names()[m as usize - 1].to_string(),
            Some(Period::Year(y)) => y.to_string(),
            None => "nessun periodo".to_string(),
        };
        cx.error(
            Diagnostic::error(format!(
                "il nuovo cronoprogramma finisce in {shown}, ma la variazione dice \"{label}\""
            ))
            .at(f, span.clone())
            .also(f, to_spanned.span(), "il termine della variazione")
            .hint("il cronoprogramma deve finire nel periodo indicato da `al`"),
        );
        return None;
    }
    if let Some(from) = from {
        if from.0.year() == plan.first {
            if let Some((first, _)) = grid.month_span() {
                if (first as u32) + 1 < from.0.month() || grid.previous > Decimal::ZERO {
                    cx.error(
                        Diagnostic::error(format!(
                            "il nuovo cronoprogramma comincia prima di quanto dice \"{label}\""
                        ))
                        .at(f, span),
                    );
                    return None;
                }
            }
        }
    }
    Some(())
}

/// One column of a cronoprogramma: the previous years, a month of the plan's first
/// year, or a later year, in the order of the scheda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Previous,
    Month(usize),
    Year(i32),
}

impl Slot {
    fn name(self) -> String {
        match self {
            Slot::Previous => "gli anni precedenti".to_string(),
            Slot::Month(m) => format::month_names()[m].to_string(),
            Slot::Year(y) => format!("il {y}"),
        }
    }
}

/// The columns of a cronoprogramma that have a share, in the order of the scheda.
fn slots(grid: &Grid) -> Vec<Slot> {
    let mut out = Vec::new();
    if !grid.previous.is_zero() {
        out.push(Slot::Previous);
    }
    out.extend(
        (0..12)
            .filter(|m| !grid.months[*m].is_zero())
            .map(Slot::Month),
    );
    out.extend(
        grid.later
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(y, _)| Slot::Year(*y)),
    );
    out
}

/// "marzo", "marzo e aprile", "febbraio, marzo e aprile".
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} e {last}", rest.join(", ")),
    }
}

/// What an extension (`prolungare`) may not do without saying so: leave out periods
/// the approved cronoprogramma has (the scheda would lose them), or start before it.
/// Either is what a postponement does: a warning at the new cronoprogramma.
fn warn_lost_periods(
    cx: &mut ParseCx,
    phase: u32,
    approved: &Grid,
    amended: &Grid,
    span: std::ops::Range<usize>,
) {
    let f = cx.file;
    let before = slots(approved);
    let after = slots(amended);
    let lost: Vec<String> = before
        .iter()
        .filter(|s| !after.contains(s))
        .map(|s| s.name())
        .collect();
    let hint = "se la fase si sposta davvero, scrivi `variazione = \"posticipare\"`; se si allunga soltanto, lascia nel nuovo cronoprogramma anche i periodi approvati";
    if !lost.is_empty() {
        let verb = if lost.len() == 1 { "sparisce" } else { "spariscono" };
        cx.error(
            Diagnostic::warning(format!(
                "prolungando la fase {phase}, il nuovo cronoprogramma lascia fuori periodi approvati: nella scheda {verb} {}",
                and_list(&lost)
            ))
            .at(f, span.clone())
            .label(format!("qui manca{} {}", if lost.len() == 1 { "" } else { "no" }, and_list(&lost)))
            .hint(hint),
        );
    }
    if let (Some(old), Some(new)) = (before.first(), after.first()) {
        if new < old {
            cx.error(
                Diagnostic::warning(format!(
                    "prolungando la fase {phase}, il nuovo cronoprogramma comincia prima di quello approvato: da {} invece che da {}",
                    new.name(),
                    old.name()
                ))
                .at(f, span)
                .hint(hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn labels_say_the_period_as_offices_write_it() {
        use TimeVerb::*;
        assert_eq!(
            time_label(Extend, None, YearOrDate::Date(date(2024, 1, 31))),
            "PROLUNGARE AL 31.1.2024"
        );
        assert_eq!(
            time_label(Postpone, Some(date(2023, 11, 1)), YearOrDate::Date(date(2023, 12, 31))),
            "POSTICIPARE A 1.11 - 31.12"
        );
        assert_eq!(
            time_label(Postpone, None, YearOrDate::Year(2024)),
            "POSTICIPARE AL 2024"
        );
        assert_eq!(
            time_label(Extend, None, YearOrDate::DayMonth(31, 10)),
            "PROLUNGARE AL 31.10"
        );
    }

    #[test]
    fn a_day_of_the_first_year_ends_in_that_year() {
        assert_eq!(
            end_date(YearOrDate::DayMonth(31, 10), 2025),
            NaiveDate::from_ymd_opt(2025, 10, 31).unwrap()
        );
    }
}

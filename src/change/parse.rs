//! Typing a change from its TOML table: the context a kind's `parse` works in, and the
//! checks several kinds share (references to phases, indicators and activities, new
//! cronoprogrammi, periods). Every problem is an Italian diagnostic at its value.

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;

use super::Context;
use crate::diag::{suggest, Diagnostic, FileIdx, Report};
use crate::model::change::RawChange;
use crate::model::schedule::{Grid, Plan};
use crate::model::Schedule;

/// The past years a service indicator shows (its `storico`).
pub const HISTORY_YEARS: usize = 3;

/// What a change of one objective may point at.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    pub phases: Vec<u32>,
    /// Phases without an approved cronoprogramma, with the span of their number.
    pub phases_without_schedule: Vec<(u32, Range<usize>)>,
    /// The approved cronoprogramma of each phase that has one.
    pub schedules: std::collections::BTreeMap<u32, Grid>,
    pub indicators: Vec<String>,
    pub activities: Vec<String>,
    /// A management objective (otherwise a service).
    pub managed: bool,
}

/// The context a kind types its change in.
pub struct ParseCx<'a> {
    pub raw: &'a RawChange,
    pub refs: &'a Refs,
    pub plan: Plan,
    pub file: FileIdx,
    pub report: &'a mut Report,
}

impl ParseCx<'_> {
    /// The span of the change's `tipo`.
    pub fn kind_span(&self) -> Range<usize> {
        self.raw.tipo.span()
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.report.push(d);
    }

    /// The new text (`testo`), which must not be empty.
    pub fn text(&mut self) -> Option<String> {
        let t = self.raw.testo.as_ref()?;
        let value = t.get_ref().trim();
        if value.is_empty() {
            self.report
                .push(Diagnostic::error("il nuovo testo è vuoto").at(self.file, t.span()));
            return None;
        }
        Some(value.to_string())
    }

    /// An optional text field, trimmed ("" when absent).
    pub fn optional_text(v: &Option<Spanned<String>>) -> String {
        v.as_ref()
            .map(|s| s.get_ref().trim().to_string())
            .unwrap_or_default()
    }

    /// The phase named by `fase`.
    pub fn phase(&mut self) -> Option<u32> {
        let p = self.raw.fase.as_ref()?;
        self.phase_ref(p)
    }

    /// A phase number that must exist in the scheda.
    pub fn phase_ref(&mut self, p: &Spanned<u32>) -> Option<u32> {
        let n = *p.get_ref();
        if self.refs.phases.contains(&n) {
            return Some(n);
        }
        self.report.push(
            Diagnostic::error(format!("la fase {n} non esiste in questa scheda"))
                .at(self.file, p.span())
                .hint(match self.refs.phases.last() {
                    Some(last) => format!("le fasi della scheda vanno da 1 a {last}"),
                    None => "la scheda non ha fasi: aggiungile con [[fasi]]".to_string(),
                }),
        );
        None
    }

    /// The indicator named by `indicatore`.
    pub fn indicator(&mut self) -> Option<String> {
        let i = self.raw.indicatore.as_ref()?;
        self.name_ref(i, Named::Indicator)
    }

    /// The activity named by `attivita`.
    pub fn activity(&mut self) -> Option<String> {
        let a = self.raw.attivita.as_ref()?;
        self.name_ref(a, Named::Activity)
    }

    /// `dopo`: `Some(None)` when absent, `Some(Some(id))` when it names an existing
    /// indicator or activity, `None` (reported) when it names none.
    pub fn after(&mut self, what: Named) -> Option<Option<String>> {
        match &self.raw.dopo {
            None => Some(None),
            Some(a) => self.name_ref(a, what).map(Some),
        }
    }

    /// An id that must name an existing indicator or activity.
    pub fn name_ref(&mut self, r: &Spanned<String>, what: Named) -> Option<String> {
        let known = match what {
            Named::Indicator => &self.refs.indicators,
            Named::Activity => &self.refs.activities,
        };
        let name = r.get_ref().trim();
        if known.iter().any(|k| k == name) {
            return Some(name.to_string());
        }
        let (none, noun) = match what {
            Named::Indicator => ("nessun", "indicatore"),
            Named::Activity => ("nessuna", "attività"),
        };
        let d =
            Diagnostic::error(format!("{none} {noun} ha l'id `{name}`")).at(self.file, r.span());
        let d = match suggest(name, known.iter().map(|s| s.as_str())) {
            Some(s) => d.hint(format!("forse `{s}`?")),
            None if known.is_empty() => d.hint(format!(
                "dai un `id` all'{noun} a cui si riferisce la modifica (es. id = \"{name}\")"
            )),
            None => {
                let mut ids: Vec<&str> = Vec::new();
                for k in known {
                    if !ids.contains(&k.as_str()) {
                        ids.push(k);
                    }
                }
                d.hint(format!("id esistenti: {}", ids.join(", ")))
            }
        };
        self.report.push(d);
        None
    }

    /// A new cronoprogramma, checked to sum to 100%.
    pub fn grid(&mut self, schedule: &Spanned<Schedule>, whose: &str) -> Option<Grid> {
        grid(schedule, self.plan, self.file, whose, self.report)
    }
}

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Indicator,
    Activity,
}

/// Parses a cronoprogramma against the plan's years; it must sum to 100%.
pub fn grid(
    schedule: &Spanned<Schedule>,
    plan: Plan,
    file: FileIdx,
    whose: &str,
    report: &mut Report,
) -> Option<Grid> {
    match Grid::parse(schedule.get_ref(), plan) {
        Ok(grid) => {
            let total = grid.total();
            if total != Decimal::from(100) {
                report.push(
                    Diagnostic::error(format!(
                        "il cronoprogramma {whose} somma a {} invece di 100%",
                        crate::format::percent(total)
                    ))
                    .at(file, schedule.span())
                    .label(format!("totale {}", crate::format::percent(total)))
                    .hint("anni precedenti + mesi + anni successivi devono fare 100"),
                );
                return None;
            }
            Some(grid)
        }
        Err(problems) => {
            for p in problems {
                let mut d = Diagnostic::error(p.message).at(file, p.span);
                if let Some(h) = p.hint {
                    d = d.hint(h);
                }
                report.push(d);
            }
            None
        }
    }
}

/// The scheda of a service has one column per past year: more values would be lost
/// (and shift the table); fewer leave cells blank.
pub fn check_history(len: usize, f: FileIdx, span: Range<usize>, report: &mut Report) {
    if len > HISTORY_YEARS {
        report.push(
            Diagnostic::error(format!(
                "lo storico ha {len} valori, ma la scheda ha {HISTORY_YEARS} colonne (i tre anni precedenti il piano)"
            ))
            .at(f, span)
            .hint("indica al massimo tre valori, dal più vecchio"),
        );
    } else if len != HISTORY_YEARS && len > 0 {
        report.push(
            Diagnostic::warning(format!(
                "lo storico ha {}: la scheda mostra i tre anni precedenti il piano",
                if len == 1 {
                    "un solo valore".to_string()
                } else {
                    format!("{len} valori")
                }
            ))
            .at(f, span)
            .label("le altre colonne resteranno vuote"),
        );
    }
}

impl ParseCx<'_> {
    /// A `target` as values: one for a management objective's expected value; one per
    /// plan year for a service (the same text repeated, or one text per year).
    pub fn targets(&mut self, t: &Spanned<crate::model::Targets>) -> Option<Vec<String>> {
        use crate::model::Targets;
        let years = self.plan.year_count();
        let values = match t.get_ref() {
            Targets::Same(v) if self.refs.managed => vec![v.trim().to_string()],
            Targets::Same(v) => vec![v.trim().to_string(); years],
            Targets::PerYear(_) if self.refs.managed => {
                self.report.push(
                    Diagnostic::error("un obiettivo gestionale ha un solo valore atteso")
                        .at(self.file, t.span())
                        .hint("scrivi il nuovo valore come testo: target = \"…\""),
                );
                return None;
            }
            Targets::PerYear(list) if list.len() != years => {
                self.report.push(
                    Diagnostic::error(format!(
                        "{} target, ma il piano {}-{} ha {years} anni",
                        list.len(),
                        self.plan.first,
                        self.plan.last
                    ))
                    .at(self.file, t.span())
                    .hint("un target per anno del piano, dal primo; oppure un solo testo per tutti gli anni"),
                );
                return None;
            }
            Targets::PerYear(list) => list.iter().map(|v| v.trim().to_string()).collect(),
        };
        if values.iter().any(|v| v.is_empty()) {
            self.report
                .push(Diagnostic::error("il nuovo target è vuoto").at(self.file, t.span()));
            return None;
        }
        Some(values)
    }
}

/// Request lines for targets, one per plan year when they differ: ("Nuovo target
/// 2023/2024/2025:", "≥ 30 h") or ("Nuovo target 2024:", "≥ 24 h"), …. The years are
/// named as the scheda's target columns name them (school years for a service in
/// `anni_scolastici`: "Nuovo target a.s. 2024/2025:").
pub fn target_lines(label: &str, values: &[String], cx: &Context) -> Vec<(String, String)> {
    let all_same = values.windows(2).all(|w| w[0] == w[1]);
    if all_same || values.len() == 1 {
        let value = values.first().cloned().unwrap_or_default();
        vec![(format!("{label} {}:", cx.plan_years()), value)]
    } else {
        (cx.plan.first..)
            .zip(values)
            .map(|(y, v)| (format!("{label} {}:", cx.year_label(y)), v.clone()))
            .collect()
    }
}

//! `variazione_target`: a new expected value (gestionali) or new targets (istituzionali:
//! one for every plan year, or one per year) of an indicator. The scheda shows the
//! approved value struck through next to the new one. When the same scheda also rewords
//! the indicator, the request quotes it as reworded (the new target is the new text's).

use super::parse::{target_lines, ParseCx};
use super::year_label;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, State};

/// Change an indicator's target.
#[derive(Debug, Clone)]
pub struct Retarget {
    pub indicator: String,
    /// The new expected value (one entry) or the new targets, one per plan year.
    pub targets: Vec<String>,
}

impl Kind for Retarget {
    const SPEC: Spec = Spec {
        name: "variazione_target",
        doc: "cambiare il valore atteso o il target di un indicatore",
        scope: Scope::Both,
        fields: &[
            Field::required("indicatore", "l'`id` dell'indicatore", "\"tempi\""),
            Field::required(
                "target",
                "il nuovo valore atteso; per un servizio un testo per tutti gli anni, oppure un elenco con un testo per anno",
                "\"< 2%\"",
            ),
        ],
        example: "\"30.000 / 9\" → \"30.000 / 8\"; \"> 3 %\" → \"< 2 %\"",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let indicator = cx.indicator()?;
        let target = cx.raw.target.as_ref()?;
        Some(Retarget {
            indicator,
            targets: cx.targets(target)?,
        })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Indicator(self.indicator.clone()), Verb::Retarget)]
    }

    fn apply(&self, scheda: &mut Amended) {
        if let Some(row) = scheda.indicator_mut(&self.indicator) {
            row.state = State::Changed;
            row.targets.amended = Some(self.targets.clone());
        }
    }

    fn section(&self, cx: &Context) -> Section {
        Section::Indicators(cx.scheda.indicator(&self.indicator).and_then(|r| r.group))
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let approved = cx
            .scheda
            .indicator(&self.indicator)
            .and_then(|r| r.targets.approved.clone())
            .unwrap_or_default();
        let (action, old, new) = if cx.managed {
            (
                "VARIAZIONE VALORE ATTESO",
                "Valore atteso approvato:",
                "Nuovo valore atteso:",
            )
        } else {
            ("VARIAZIONE TARGET", "Target approvato", "Nuovo target")
        };
        let (label, text) = indicator_as_it_will_read(&self.indicator, cx);
        let mut lines = vec![Line::action(action), Line::quote(label, text)];
        if cx.managed {
            lines.push(Line::value(old, approved.join(" / ")));
            lines.push(Line::value(new, self.targets.join(" / ")));
        } else {
            for (label, value) in changed_target_lines(old, new, &approved, &self.targets, cx) {
                lines.push(Line::value(label, value));
            }
        }
        lines
    }

    fn export(&self, cx: &Context) -> Exported {
        let (_, text) = indicator_as_it_will_read(&self.indicator, cx);
        let approved = cx
            .scheda
            .indicator(&self.indicator)
            .and_then(|r| r.targets.approved.clone())
            .unwrap_or_default();
        let joined = |v: &[String]| {
            if v.windows(2).all(|w| w[0] == w[1]) {
                v.first().cloned().unwrap_or_default()
            } else {
                v.join(" / ")
            }
        };
        Exported {
            object: if cx.managed {
                format!("valore atteso: {text}")
            } else {
                format!("target: {text}")
            },
            approved: joined(&approved),
            amended: joined(&self.targets),
        }
    }
}

/// The request lines of a per-year target change: only the years whose target changes,
/// the approved targets first, then the new ones. Years that change the same way share a
/// line ("Nuovo target 2026/2027: ≥ 30 h"); when every year changes to one value the
/// lines are those of [`target_lines`] ("Nuovo target 2025/2026/2027:"). With nothing
/// changed (a change `check` reports) the lines say the whole plan.
pub fn changed_target_lines(
    old_label: &str,
    new_label: &str,
    approved: &[String],
    amended: &[String],
    cx: &Context,
) -> Vec<(String, String)> {
    let years: Vec<i32> = cx.plan.years().collect();
    let at = |v: &[String], i: usize| -> String {
        let value = if v.len() == 1 { v.first() } else { v.get(i) };
        value
            .map(|s| crate::text::collapse(s))
            .unwrap_or_default()
    };
    let changed: Vec<usize> = (0..years.len())
        .filter(|&i| at(approved, i) != at(amended, i))
        .collect();
    if changed.is_empty() || changed.len() == years.len() {
        let mut lines = target_lines(old_label, approved, cx);
        lines.extend(target_lines(new_label, amended, cx));
        return lines;
    }
    // The changed years grouped by (approved, new), in the order of their first year.
    let mut groups: Vec<((String, String), Vec<i32>)> = Vec::new();
    for &i in &changed {
        let key = (at(approved, i), at(amended, i));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ys)) => ys.push(years[i]),
            None => groups.push((key, vec![years[i]])),
        }
    }
    let named = |ys: &[i32]| -> String {
        if cx.school_years {
            let spans: Vec<String> = ys.iter().map(|y| format!("{}/{y}", y - 1)).collect();
            format!("a.s. {}", spans.join(", "))
        } else {
            ys.iter()
                .map(|y| year_label(*y, false))
                .collect::<Vec<_>>()
                .join("/")
        }
    };
    let mut lines: Vec<(String, String)> = groups
        .iter()
        .map(|((old, _), ys)| (format!("{old_label} {}:", named(ys)), old.clone()))
        .collect();
    lines.extend(
        groups
            .iter()
            .map(|((_, new), ys)| (format!("{new_label} {}:", named(ys)), new.clone())),
    );
    lines
}

/// The indicator whose target changes, as it will read: the new target belongs to the
/// new wording when the same scheda also rewords the indicator (a `riformulare_indicatore`
/// of this objective, listed in the same request), and the label says so.
fn indicator_as_it_will_read(id: &str, cx: &Context) -> (&'static str, String) {
    match cx.scheda.indicator(id).map(|r| &r.text) {
        Some(text) if text.is_revised() && text.amended.is_some() => (
            REWORDED_LABEL,
            text.amended.clone().unwrap_or_default(),
        ),
        _ => ("Indicatore:", cx.scheda.approved_indicator_text(id)),
    }
}

/// The label of an indicator quoted in its new wording.
pub const REWORDED_LABEL: &str = "Indicatore (come riformulato):";

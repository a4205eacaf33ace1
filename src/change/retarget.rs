//! `variazione_target`: a new expected value (gestionali) or new targets (istituzionali:
//! one for every plan year, or one per year) of an indicator. The scheda shows the
//! approved value struck through next to the new one. When the same scheda also rewords
//! the indicator, the request quotes it as reworded (the new target is the new text's).

use super::parse::{target_lines, ParseCx};
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
            for (label, value) in target_lines(old, &approved, cx) {
                lines.push(Line::value(label, value));
            }
            for (label, value) in target_lines(new, &self.targets, cx) {
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

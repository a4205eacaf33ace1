//! `aggiungere_indicatore`: a new indicator, with its group and expected value
//! (gestionali) or its unit, history and targets (istituzionali).

use super::parse::{check_history, target_lines, Named, ParseCx};
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::diag::{suggest, Diagnostic};
use crate::model::amended::{Amended, IndicatorRow, Revised, State};
use crate::model::change::Group;

/// Add an indicator.
#[derive(Debug, Clone)]
pub struct AddIndicator {
    pub id: Option<String>,
    pub after: Option<String>,
    pub text: String,
    /// The group (management objectives only).
    pub group: Option<Group>,
    /// The expected value (one entry, management objectives; may be empty) or the
    /// targets, one per plan year (services).
    pub targets: Vec<String>,
    pub unit: String,
    pub history: Vec<String>,
}

impl Kind for AddIndicator {
    const SPEC: Spec = Spec {
        name: "aggiungere_indicatore",
        doc: "aggiungere un indicatore",
        scope: Scope::Both,
        fields: &[
            Field::required("testo", "il testo del nuovo indicatore", "\"Testo del nuovo indicatore\""),
            Field::required(
                "gruppo",
                "il gruppo: \"quantita\", \"tempo\", \"costo\" o \"qualita\"",
                "\"quantita\"",
            )
            .only(Scope::Managed),
            Field::optional("atteso", "il valore atteso", "\"almeno 1\"").only(Scope::Managed),
            Field::optional("um", "l'unità di misura", "\"n.\"").only(Scope::Service),
            Field::optional(
                "storico",
                "i valori dei tre anni precedenti, dal più vecchio",
                "[\"\", \"\", \"\"]",
            )
            .only(Scope::Service),
            Field::required(
                "target",
                "il target: un testo per tutti gli anni, oppure uno per anno",
                "\"≥ 30\"",
            )
            .only(Scope::Service),
            Field::optional("id", "l'identificativo da dare al nuovo indicatore", "\"nuovo-indicatore\""),
            Field::optional(
                "dopo",
                "l'`id` dell'indicatore dopo cui inserirlo (di norma in fondo al gruppo)",
                "\"indicatore-1\"",
            ),
        ],
        example: "\"n.direzioni scolastiche firmatarie patto educativo di comunità\" (almeno 1)",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let c = cx.raw;
        let f = cx.file;
        let after = cx.after(Named::Indicator)?;
        let id = c.id.as_ref().map(|s| s.get_ref().trim().to_string());
        if cx.refs.managed {
            let g = c.gruppo.as_ref()?;
            let Some(group) = Group::from_key(g.get_ref().trim()) else {
                let keys = Group::ALL.map(|g| g.key());
                let d = Diagnostic::error(format!(
                    "gruppo di indicatori sconosciuto \"{}\"",
                    g.get_ref()
                ))
                .at(f, g.span());
                cx.error(match suggest(g.get_ref(), keys) {
                    Some(s) => d.hint(format!("forse \"{s}\"?")),
                    None => d.hint("gruppi ammessi: quantita, tempo, costo, qualita"),
                });
                return None;
            };
            Some(AddIndicator {
                id,
                after,
                text: cx.text()?,
                group: Some(group),
                targets: vec![ParseCx::optional_text(&c.atteso)],
                unit: String::new(),
                history: Vec::new(),
            })
        } else {
            let target = c.target.as_ref()?;
            let targets = cx.targets(target)?;
            if let Some(h) = &c.storico {
                check_history(h.get_ref().len(), f, h.span(), cx.report);
                if h.get_ref().len() > super::parse::HISTORY_YEARS {
                    return None;
                }
            }
            Some(AddIndicator {
                id,
                after,
                text: cx.text()?,
                group: None,
                targets,
                unit: ParseCx::optional_text(&c.um),
                history: c
                    .storico
                    .as_ref()
                    .map(|s| s.get_ref().iter().map(|v| v.trim().to_string()).collect())
                    .unwrap_or_default(),
            })
        }
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        Vec::new()
    }

    fn apply(&self, scheda: &mut Amended) {
        scheda.insert_indicator(
            self.after.as_deref(),
            IndicatorRow {
                id: self.id.clone(),
                group: self.group,
                state: State::New,
                text: Revised::added(self.text.clone()),
                targets: Revised::added(self.targets.clone()),
                unit: self.unit.clone(),
                history: self.history.clone(),
                reached: Vec::new(),
            },
        );
    }

    fn section(&self, _: &Context) -> Section {
        Section::Indicators(self.group)
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let mut lines = vec![
            Line::action("AGGIUNGERE INDICATORE"),
            Line::quote("Nuovo indicatore:", self.text.clone()),
        ];
        if cx.managed {
            let expected = self.targets.join(" / ");
            if !expected.is_empty() {
                lines.push(Line::value("Valore atteso:", expected));
            }
        } else {
            if !no_unit(&self.unit) {
                lines.push(Line::value("U.M.:", self.unit.clone()));
            }
            for (label, value) in target_lines("Target", &self.targets, cx) {
                lines.push(Line::value(label, value));
            }
        }
        lines
    }

    fn export(&self, _: &Context) -> Exported {
        let targets = if self.targets.windows(2).all(|w| w[0] == w[1]) {
            self.targets.first().cloned().unwrap_or_default()
        } else {
            self.targets.join(" / ")
        };
        let (object, amended) = match self.group {
            Some(g) => (
                format!("indicatore ({})", g.title()),
                if targets.is_empty() {
                    self.text.clone()
                } else {
                    format!("{} (atteso: {targets})", self.text)
                },
            ),
            None => (
                "indicatore".to_string(),
                format!("{} (target: {targets})", self.text),
            ),
        };
        Exported {
            object,
            approved: String::new(),
            amended,
        }
    }
}

/// True when a unit of measure says there is none: empty, or a dash as a table cell
/// writes it (the scheda prints the dash in its U.M. column, as the reference does; the
/// request says nothing rather than "U.M.: -").
pub fn no_unit(unit: &str) -> bool {
    matches!(unit.trim(), "" | "-" | "–" | "—")
}

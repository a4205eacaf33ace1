//! `riformulare_indicatore`: a new wording of an indicator, shown after the approved one
//! (struck through), with its new words marked.

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, State};

/// Reword an indicator.
#[derive(Debug, Clone)]
pub struct RewordIndicator {
    pub indicator: String,
    pub text: String,
}

impl Kind for RewordIndicator {
    const SPEC: Spec = Spec {
        name: "riformulare_indicatore",
        doc: "riformulare un indicatore",
        scope: Scope::Both,
        fields: &[
            Field::required("indicatore", "l'`id` dell'indicatore", "\"atti\""),
            Field::required("testo", "il nuovo testo dell'indicatore, intero", "\"Nuovo testo dell'indicatore\""),
        ],
        example: "\"n. atti repertoriati su totale contratti gestiti\" → …",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let indicator = cx.indicator()?;
        Some(RewordIndicator {
            indicator,
            text: cx.text()?,
        })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Indicator(self.indicator.clone()), Verb::Reword)]
    }

    fn apply(&self, scheda: &mut Amended) {
        if let Some(row) = scheda.indicator_mut(&self.indicator) {
            row.state = State::Changed;
            row.text.amended = Some(self.text.clone());
        }
    }

    fn section(&self, cx: &Context) -> Section {
        Section::Indicators(cx.scheda.indicator(&self.indicator).and_then(|r| r.group))
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let approved = cx.scheda.approved_indicator_text(&self.indicator);
        vec![
            Line::action("VARIAZIONE INDICATORE"),
            Line::quote("Indicatore approvato:", approved.clone()),
            Line::revision("Nuovo indicatore:", self.text.clone(), approved),
        ]
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: "indicatore".into(),
            approved: cx.scheda.approved_indicator_text(&self.indicator),
            amended: self.text.clone(),
        }
    }
}

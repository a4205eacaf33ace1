//! `eliminare_indicatore`: remove an indicator (it stays in the scheda, struck through).

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, State};

/// Remove an indicator.
#[derive(Debug, Clone)]
pub struct RemoveIndicator {
    pub indicator: String,
}

impl Kind for RemoveIndicator {
    const SPEC: Spec = Spec {
        name: "eliminare_indicatore",
        doc: "eliminare un indicatore",
        scope: Scope::Both,
        fields: &[Field::required(
            "indicatore",
            "l'`id` dell'indicatore da eliminare",
            "\"accordo\"",
        )],
        example: "\"Accordo stipulato\"",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        Some(RemoveIndicator {
            indicator: cx.indicator()?,
        })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Indicator(self.indicator.clone()), Verb::Remove)]
    }

    fn apply(&self, scheda: &mut Amended) {
        if let Some(row) = scheda.indicator_mut(&self.indicator) {
            row.state = State::Removed;
            row.text.amended = None;
            row.targets.amended = None;
        }
    }

    fn section(&self, cx: &Context) -> Section {
        Section::Indicators(cx.scheda.indicator(&self.indicator).and_then(|r| r.group))
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        vec![
            Line::action("ELIMINARE INDICATORE"),
            Line::quote(
                "Indicatore:",
                cx.scheda.approved_indicator_text(&self.indicator),
            ),
        ]
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: "indicatore".into(),
            approved: cx.scheda.approved_indicator_text(&self.indicator),
            amended: String::new(),
        }
    }
}

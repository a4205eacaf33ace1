//! `riformulare_attivita`: a new wording of an activity of a service, shown after the
//! approved one (struck through), with its new words marked.

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, State};

/// Reword an activity.
#[derive(Debug, Clone)]
pub struct RewordActivity {
    pub activity: String,
    pub text: String,
}

impl Kind for RewordActivity {
    const SPEC: Spec = Spec {
        name: "riformulare_attivita",
        doc: "riformulare un'attività istituzionale",
        scope: Scope::Service,
        fields: &[
            Field::required("attivita", "l'`id` dell'attività", "\"attivita-1\""),
            Field::required("testo", "il nuovo testo dell'attività, intero", "\"Nuovo testo dell'attività\""),
        ],
        example: "Contratti; SGQ",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let activity = cx.activity()?;
        Some(RewordActivity {
            activity,
            text: cx.text()?,
        })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Activity(self.activity.clone()), Verb::Reword)]
    }

    fn apply(&self, scheda: &mut Amended) {
        if let Some(row) = scheda.activity_mut(&self.activity) {
            row.state = State::Changed;
            row.text.amended = Some(self.text.clone());
        }
    }

    fn section(&self, _: &Context) -> Section {
        Section::Activities
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let approved = cx.scheda.approved_activity_text(&self.activity);
        vec![
            Line::action("VARIAZIONE ATTIVITÀ ISTITUZIONALE"),
            Line::quote("Attività approvata:", approved.clone()),
            Line::revision("Nuova attività:", self.text.clone(), approved),
        ]
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: "attività istituzionale".into(),
            approved: cx.scheda.approved_activity_text(&self.activity),
            amended: self.text.clone(),
        }
    }
}

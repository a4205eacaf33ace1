//! `eliminare_attivita`: remove an activity of a service (it stays, struck through).

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, State};

/// Remove an activity.
#[derive(Debug, Clone)]
pub struct RemoveActivity {
    pub activity: String,
}

impl Kind for RemoveActivity {
    const SPEC: Spec = Spec {
        name: "eliminare_attivita",
        doc: "eliminare un'attività istituzionale",
        scope: Scope::Service,
        fields: &[Field::required(
            "attivita",
            "l'`id` dell'attività da eliminare",
            "\"attivita-1\"",
        )],
        example: "—",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        Some(RemoveActivity {
            activity: cx.activity()?,
        })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Activity(self.activity.clone()), Verb::Remove)]
    }

    fn apply(&self, scheda: &mut Amended) {
        if let Some(row) = scheda.activity_mut(&self.activity) {
            row.state = State::Removed;
            row.text.amended = None;
        }
    }

    fn section(&self, _: &Context) -> Section {
        Section::Activities
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        vec![
            Line::action("ELIMINARE ATTIVITÀ ISTITUZIONALE"),
            Line::quote(
                "Attività:",
                cx.scheda.approved_activity_text(&self.activity),
            ),
        ]
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: "attività istituzionale".into(),
            approved: cx.scheda.approved_activity_text(&self.activity),
            amended: String::new(),
        }
    }
}

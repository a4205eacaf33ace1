//! `aggiungere_attivita`: a new activity of a service, after a given one or at the end.

use super::parse::{Named, ParseCx};
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, Revised, State, TextRow};

/// Add an activity.
#[derive(Debug, Clone)]
pub struct AddActivity {
    pub id: Option<String>,
    pub text: String,
    pub after: Option<String>,
}

impl Kind for AddActivity {
    const SPEC: Spec = Spec {
        name: "aggiungere_attivita",
        doc: "aggiungere un'attività istituzionale",
        scope: Scope::Service,
        fields: &[
            Field::required("testo", "il testo della nuova attività", "\"Testo della nuova attività\""),
            Field::optional("id", "l'identificativo da dare alla nuova attività", "\"attivita-nuova\""),
            Field::optional("dopo", "l'`id` dell'attività dopo cui inserirla (di norma in fondo)", "\"attivita-1\""),
        ],
        example: "SGQ",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let after = cx.after(Named::Activity)?;
        Some(AddActivity {
            id: cx.raw.id.as_ref().map(|s| s.get_ref().trim().to_string()),
            text: cx.text()?,
            after,
        })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        Vec::new()
    }

    fn apply(&self, scheda: &mut Amended) {
        scheda.insert_activity(
            self.after.as_deref(),
            TextRow {
                numero: None,
                id: self.id.clone(),
                state: State::New,
                text: Revised::added(self.text.clone()),
            },
        );
    }

    fn section(&self, _: &Context) -> Section {
        Section::Activities
    }

    fn request(&self, _: &Context) -> Vec<Line> {
        vec![
            Line::action("AGGIUNGERE ATTIVITÀ ISTITUZIONALE"),
            Line::quote("Nuova attività:", self.text.clone()),
        ]
    }

    fn export(&self, _: &Context) -> Exported {
        Exported {
            object: "attività istituzionale".into(),
            approved: String::new(),
            amended: self.text.clone(),
        }
    }
}

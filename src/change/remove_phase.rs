//! `eliminare_fase`: remove a phase (it stays in the scheda, struck through, with its
//! cronoprogramma).

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, State};
use crate::model::change::RawChange;

/// Remove a phase.
#[derive(Debug, Clone)]
pub struct RemovePhase {
    pub phase: u32,
}

impl Kind for RemovePhase {
    const SPEC: Spec = Spec {
        name: "eliminare_fase",
        doc: "eliminare una fase",
        scope: Scope::Managed,
        fields: &[Field::required("fase", "la fase da eliminare", "3")],
        example: "Patto educativo, fase 3",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        Some(RemovePhase { phase: cx.phase()? })
    }

    fn gives_schedule_to(raw: &RawChange) -> Vec<u32> {
        // A removed phase needs no schedule of its own.
        raw.fase.iter().map(|p| *p.get_ref()).collect()
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Phase(self.phase), Verb::Remove)]
    }

    fn apply(&self, scheda: &mut Amended) {
        if let Some(row) = scheda.phase_mut(self.phase) {
            row.state = State::Removed;
            row.text.amended = None;
        }
        if let Some(row) = scheda.schedule_mut(self.phase) {
            row.state = State::Removed;
            row.grid.amended = None;
        }
    }

    fn section(&self, _: &Context) -> Section {
        Section::Phases
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        vec![
            Line::action("ELIMINARE"),
            Line::quote(
                format!("Fase {}:", self.phase),
                cx.scheda.approved_phase_text(self.phase),
            ),
        ]
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: format!("fase {}", self.phase),
            approved: cx.scheda.approved_phase_text(self.phase),
            amended: String::new(),
        }
    }
}

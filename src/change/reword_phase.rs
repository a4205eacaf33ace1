//! `riformulare_fase`: a new wording of a phase. The scheda shows the approved text
//! struck through, then the new one with its new words marked.

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::{Amended, State};

/// Reword a phase.
#[derive(Debug, Clone)]
pub struct RewordPhase {
    pub phase: u32,
    pub text: String,
}

impl Kind for RewordPhase {
    const SPEC: Spec = Spec {
        name: "riformulare_fase",
        doc: "riformulare una fase: il testo approvato resta barrato, le parole nuove sono evidenziate",
        scope: Scope::Managed,
        fields: &[
            Field::required("fase", "la fase da riformulare", "2"),
            Field::required("testo", "il nuovo testo della fase, intero", "\"Nuovo testo della fase\""),
        ],
        example: "\"Avvio della formazione in materia di transizione digitale\"",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let phase = cx.phase()?;
        Some(RewordPhase {
            phase,
            text: cx.text()?,
        })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Phase(self.phase), Verb::Reword)]
    }

    fn apply(&self, scheda: &mut Amended) {
        if let Some(row) = scheda.phase_mut(self.phase) {
            row.state = State::Changed;
            row.text.amended = Some(self.text.clone());
        }
    }

    fn section(&self, _: &Context) -> Section {
        Section::Phases
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let n = self.phase;
        let approved = cx.scheda.approved_phase_text(n);
        vec![
            Line::action("VARIAZIONE FASE"),
            Line::quote(format!("Fase {n}, testo approvato:"), approved.clone()),
            Line::revision(format!("Fase {n}, nuovo testo:"), self.text.clone(), approved),
        ]
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: format!("fase {}", self.phase),
            approved: cx.scheda.approved_phase_text(self.phase),
            amended: self.text.clone(),
        }
    }
}

//! `sostituire_fase`: replace a phase with a new text, in the same period or with a new
//! cronoprogramma. The approved phase stays, struck through, followed by the new one.

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::diag::Diagnostic;
use crate::model::amended::{Amended, Revised, ScheduleRow, State, TextRow};
use crate::model::change::RawChange;
use crate::model::schedule::Grid;

/// Replace a phase with new text (and, optionally, a new schedule).
#[derive(Debug, Clone)]
pub struct ReplacePhase {
    pub phase: u32,
    pub text: String,
    pub schedule: Option<Grid>,
}

impl Kind for ReplacePhase {
    const SPEC: Spec = Spec {
        name: "sostituire_fase",
        doc: "sostituire una fase con un testo nuovo, nello stesso periodo o con un nuovo cronoprogramma",
        scope: Scope::Managed,
        fields: &[
            Field::required("fase", "la fase da sostituire", "3"),
            Field::required("testo", "il testo della nuova fase", "\"Nuovo testo della fase\""),
            Field::optional(
                "cronoprogramma",
                "il cronoprogramma della nuova fase (senza: lo stesso periodo di quella approvata)",
                "{ aprile = 100 }",
            ),
        ],
        example: "\"SOSTITUIRE CON: Fase 3 … stesso periodo temporale: 1.4-30.4\"",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let phase = cx.phase()?;
        let schedule = match &cx.raw.cronoprogramma {
            Some(s) => Some(cx.grid(s, "nuovo")?),
            None => None,
        };
        let text = cx.text()?;
        let unscheduled = cx
            .refs
            .phases_without_schedule
            .iter()
            .find(|(n, _)| *n == phase)
            .map(|(_, span)| span.clone());
        if let (None, Some(approved)) = (&schedule, unscheduled) {
            let span = cx.kind_span();
            cx.error(
                Diagnostic::error(format!(
                    "la fase {phase} viene sostituita \"nello stesso periodo temporale\", ma non ha un cronoprogramma"
                ))
                .at(cx.file, span)
                .also(cx.file, approved, "fase senza cronoprogramma")
                .hint("dai il cronoprogramma alla fase approvata, oppure un `cronoprogramma` nuovo a questa modifica"),
            );
            return None;
        }
        Some(ReplacePhase {
            phase,
            text,
            schedule,
        })
    }

    fn gives_schedule_to(raw: &RawChange) -> Vec<u32> {
        // Without a new schedule, the replacement itself reports the missing one.
        raw.fase.iter().map(|p| *p.get_ref()).collect()
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Phase(self.phase), Verb::Replace)]
    }

    fn apply(&self, scheda: &mut Amended) {
        let n = self.phase;
        if let Some(row) = scheda.phase_mut(n) {
            row.state = State::Removed;
            row.text.amended = None;
        }
        scheda.insert_phase_after(
            n,
            TextRow {
                numero: Some(n),
                id: None,
                state: State::New,
                text: Revised::added(self.text.clone()),
            },
        );
        let approved = scheda.approved_grid(n).cloned();
        if let Some(row) = scheda.schedule_mut(n) {
            row.state = State::Removed;
            row.grid.amended = None;
        }
        if let Some(grid) = self.schedule.clone().or(approved) {
            scheda.insert_schedule_after(
                n,
                ScheduleRow {
                    numero: n,
                    state: State::New,
                    grid: Revised::added(grid),
                },
            );
        }
    }

    fn section(&self, _: &Context) -> Section {
        Section::Phases
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let n = self.phase;
        let mut lines = vec![
            Line::action("ELIMINARE"),
            Line::quote(format!("Fase {n}:"), cx.scheda.approved_phase_text(n)),
            Line::action("SOSTITUIRE CON:"),
            Line::quote(format!("Fase {n}:"), self.text.clone()),
        ];
        let period = match &self.schedule {
            Some(grid) => grid
                .period_label(cx.plan)
                .map(|p| ("periodo temporale:", p)),
            None => cx
                .scheda
                .approved_grid(n)
                .and_then(|g| g.period_label(cx.plan))
                .map(|p| ("stesso periodo temporale:", p)),
        };
        if let Some((label, p)) = period {
            lines.push(Line::value(label, p));
        }
        lines
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: format!("fase {}", self.phase),
            approved: cx.scheda.approved_phase_text(self.phase),
            amended: self.text.clone(),
        }
    }
}

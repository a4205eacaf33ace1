//! The amended scheda: an objective's rows after its changes are applied, as typed data.
//!
//! Every row keeps its approved value and its new one, with its [`State`]; nothing here is
//! formatted. `crate::apply` builds it from the approved scheda and each change's
//! `apply` (in `crate::change`) edits it; the view and the open-data export only read it.

use serde::Serialize;

use super::change::Group;
use crate::model::schedule::Grid;

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum State {
    /// As approved.
    Unchanged,
    /// Removed: shown struck through.
    Removed,
    /// Added by a change.
    New,
    /// Changed in place: both the approved and the new value are kept.
    Changed,
}

/// A value as approved and as amended: `approved` is `None` for a new row, `amended`
/// is `None` for a removed one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Revised<T> {
    pub approved: Option<T>,
    pub amended: Option<T>,
}

impl<T: Clone + PartialEq> Revised<T> {
    /// A value no change touched (yet).
    pub fn same(value: T) -> Self {
        Revised {
            approved: Some(value.clone()),
            amended: Some(value),
        }
    }
    /// A value added by a change.
    pub fn added(value: T) -> Self {
        Revised {
            approved: None,
            amended: Some(value),
        }
    }
    /// True when the amended value differs from the approved one.
    pub fn is_revised(&self) -> bool {
        self.approved != self.amended
    }
}

/// A phase or an activity: a numbered or identified line of text.
#[derive(Debug, Clone)]
pub struct TextRow {
    /// Phase number (activities have none).
    pub numero: Option<u32>,
    /// Identifier used by changes (activities).
    pub id: Option<String>,
    pub state: State,
    pub text: Revised<String>,
}

/// An indicator: of a management objective (one expected value, values reached at the
/// monitoring dates) or of a service (unit, history, a target per plan year).
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub id: Option<String>,
    /// The group of a management objective's indicator; `None` for a service's.
    pub group: Option<Group>,
    pub state: State,
    pub text: Revised<String>,
    /// The expected value (one entry) or the targets, one per plan year.
    pub targets: Revised<Vec<String>>,
    pub unit: String,
    pub history: Vec<String>,
    pub reached: Vec<String>,
}

/// A row of the cronoprogramma.
#[derive(Debug, Clone)]
pub struct ScheduleRow {
    pub numero: u32,
    pub state: State,
    pub grid: Revised<Grid>,
}

/// The amended scheda of one objective.
#[derive(Debug, Clone, Default)]
pub struct Amended {
    /// The orizzonte temporale of a management objective (a service has none).
    pub horizon: Revised<String>,
    pub phases: Vec<TextRow>,
    pub schedule: Vec<ScheduleRow>,
    pub indicators: Vec<IndicatorRow>,
    pub activities: Vec<TextRow>,
}

impl Amended {
    /// The approved phase `n` (not a replacement added after it).
    pub fn phase_mut(&mut self, n: u32) -> Option<&mut TextRow> {
        self.phases
            .iter_mut()
            .find(|r| r.numero == Some(n) && r.text.approved.is_some())
    }
    /// The approved phase `n`, read-only.
    pub fn phase(&self, n: u32) -> Option<&TextRow> {
        self.phases
            .iter()
            .find(|r| r.numero == Some(n) && r.text.approved.is_some())
    }
    /// The approved text of phase `n` ("" when there is none).
    pub fn approved_phase_text(&self, n: u32) -> String {
        self.phase(n)
            .and_then(|r| r.text.approved.clone())
            .unwrap_or_default()
    }
    /// The cronoprogramma row of the approved phase `n`.
    pub fn schedule_mut(&mut self, n: u32) -> Option<&mut ScheduleRow> {
        self.schedule
            .iter_mut()
            .find(|r| r.numero == n && r.state != State::New)
    }
    /// The approved cronoprogramma of phase `n`.
    pub fn approved_grid(&self, n: u32) -> Option<&Grid> {
        self.schedule
            .iter()
            .find(|r| r.numero == n && r.state != State::New)
            .and_then(|r| r.grid.approved.as_ref())
    }
    /// Inserts a row right after the approved phase `n` (its replacement).
    pub fn insert_phase_after(&mut self, n: u32, row: TextRow) {
        let pos = self
            .phases
            .iter()
            .position(|r| r.numero == Some(n))
            .map_or(self.phases.len(), |p| p + 1);
        self.phases.insert(pos, row);
    }
    /// Inserts a cronoprogramma row right after the approved one of phase `n`.
    pub fn insert_schedule_after(&mut self, n: u32, row: ScheduleRow) {
        let pos = self
            .schedule
            .iter()
            .position(|r| r.numero == n)
            .map_or(self.schedule.len(), |p| p + 1);
        self.schedule.insert(pos, row);
    }
    /// The indicator with `id`.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorRow> {
        self.indicators
            .iter()
            .find(|r| r.id.as_deref() == Some(id) && r.state != State::New)
    }
    pub fn indicator_mut(&mut self, id: &str) -> Option<&mut IndicatorRow> {
        self.indicators
            .iter_mut()
            .find(|r| r.id.as_deref() == Some(id) && r.state != State::New)
    }
    /// Adds an indicator after the one with id `after` or, without it, at the end of its
    /// group (or of the list).
    pub fn insert_indicator(&mut self, after: Option<&str>, row: IndicatorRow) {
        let pos = after
            .and_then(|a| {
                self.indicators
                    .iter()
                    .position(|r| r.id.as_deref() == Some(a))
            })
            .map(|p| p + 1)
            .or_else(|| {
                row.group.and_then(|g| {
                    self.indicators
                        .iter()
                        .rposition(|r| r.group == Some(g))
                        .map(|p| p + 1)
                })
            })
            .unwrap_or(self.indicators.len());
        self.indicators.insert(pos, row);
    }
    /// The approved text of the indicator `id` ("" when there is none).
    pub fn approved_indicator_text(&self, id: &str) -> String {
        self.indicator(id)
            .and_then(|r| r.text.approved.clone())
            .unwrap_or_default()
    }
    /// The activity with `id`.
    pub fn activity_mut(&mut self, id: &str) -> Option<&mut TextRow> {
        self.activities
            .iter_mut()
            .find(|r| r.id.as_deref() == Some(id) && r.state != State::New)
    }
    /// The approved text of the activity `id` ("" when there is none).
    pub fn approved_activity_text(&self, id: &str) -> String {
        self.activities
            .iter()
            .find(|r| r.id.as_deref() == Some(id) && r.state != State::New)
            .and_then(|r| r.text.approved.clone())
            .unwrap_or_default()
    }
    /// Adds an activity after the one with id `after`, or at the end.
    pub fn insert_activity(&mut self, after: Option<&str>, row: TextRow) {
        let pos = after
            .and_then(|a| {
                self.activities
                    .iter()
                    .position(|r| r.id.as_deref() == Some(a))
            })
            .map_or(self.activities.len(), |p| p + 1);
        self.activities.insert(pos, row);
    }
    /// True when any row was touched by a change.
    pub fn has_changes(&self) -> bool {
        let touched = |s: State| s != State::Unchanged;
        self.horizon.approved != self.horizon.amended
            || self.phases.iter().any(|r| touched(r.state))
            || self.schedule.iter().any(|r| touched(r.state))
            || self.indicators.iter().any(|r| touched(r.state))
            || self.activities.iter().any(|r| touched(r.state))
    }
}

//! Apply: the amended scheda of every objective, from its approved scheda and its changes.
//!
//! The approved rows are copied as they are (state `Unchanged`), then each change, in
//! the order written, edits them through its own `apply` (`crate::change`). The result
//! is typed data: the view formats it, `export` reads it; neither derives a change again.

use std::collections::BTreeMap;

use crate::check::{Checked, CheckedManaged, CheckedService};
use crate::model::amended::{Amended, IndicatorRow, Revised, ScheduleRow, State, TextRow};
use crate::model::change::Group;
use crate::model::schedule::Plan;
use crate::model::Targets;
use crate::text::collapse;

/// The amended scheda of every objective, by file stem.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub managed: BTreeMap<String, Amended>,
    pub services: BTreeMap<String, Amended>,
}

impl Applied {
    /// The amended scheda of the management objective from `stem`.
    pub fn managed(&self, stem: &str) -> &Amended {
        self.managed.get(stem).unwrap_or(&EMPTY)
    }
    /// The amended scheda of the service from `stem`.
    pub fn service(&self, stem: &str) -> &Amended {
        self.services.get(stem).unwrap_or(&EMPTY)
    }
}

static EMPTY: Amended = Amended {
    horizon: Revised {
        approved: None,
        amended: None,
    },
    phases: Vec::new(),
    schedule: Vec::new(),
    indicators: Vec::new(),
    activities: Vec::new(),
};

/// Applies the changes of every objective.
pub fn apply(checked: &Checked) -> Applied {
    Applied {
        managed: checked
            .managed
            .iter()
            .map(|m| (m.source.stem.clone(), managed(m)))
            .collect(),
        services: checked
            .services
            .iter()
            .map(|s| (s.source.stem.clone(), service(s, checked.plan)))
            .collect(),
    }
}

/// The amended scheda of a management objective.
pub fn managed(m: &CheckedManaged) -> Amended {
    let o = &m.source.data;
    let mut scheda = Amended {
        horizon: Revised::same(collapse(&o.orizzonte_temporale)),
        ..Amended::default()
    };
    for f in &o.fasi {
        let n = *f.numero.get_ref();
        scheda.phases.push(TextRow {
            numero: Some(n),
            id: None,
            state: State::Unchanged,
            text: Revised::same(collapse(&f.descrizione)),
        });
        let grid = m.grids.get(&n).cloned();
        scheda.schedule.push(ScheduleRow {
            numero: n,
            state: State::Unchanged,
            grid: Revised {
                approved: grid.clone(),
                amended: grid,
            },
        });
    }
    for g in Group::ALL {
        for ind in o.indicatori.group(g) {
            scheda.indicators.push(IndicatorRow {
                id: ind.id.as_ref().map(|x| x.get_ref().clone()),
                group: Some(g),
                state: State::Unchanged,
                text: Revised::same(collapse(&ind.descrizione)),
                targets: Revised::same(vec![collapse(&ind.atteso)]),
                unit: String::new(),
                history: Vec::new(),
                reached: ind.raggiunto.iter().map(|r| collapse(r)).collect(),
            });
        }
    }
    for c in m.groups.iter().flat_map(|g| &g.changes) {
        c.apply(&mut scheda);
    }
    scheda
}

/// The amended scheda of a service.
pub fn service(s: &CheckedService, plan: Plan) -> Amended {
    let o = &s.source.data;
    let years = plan.year_count();
    let mut scheda = Amended::default();
    for a in &o.attivita {
        scheda.activities.push(TextRow {
            numero: None,
            id: a.id.as_ref().map(|x| x.get_ref().clone()),
            state: State::Unchanged,
            text: Revised::same(collapse(&a.testo)),
        });
    }
    for ind in &o.indicatori {
        let targets = match ind.target.get_ref() {
            Targets::Same(v) => vec![collapse(v); years],
            Targets::PerYear(list) => list.iter().map(|v| collapse(v)).collect(),
        };
        scheda.indicators.push(IndicatorRow {
            id: ind.id.as_ref().map(|x| x.get_ref().clone()),
            group: None,
            state: State::Unchanged,
            text: Revised::same(collapse(&ind.descrizione)),
            targets: Revised::same(targets),
            unit: collapse(&ind.um),
            history: ind.storico.get_ref().iter().map(|h| collapse(h)).collect(),
            reached: Vec::new(),
        });
    }
    for c in s.groups.iter().flat_map(|g| &g.changes) {
        c.apply(&mut scheda);
    }
    scheda
}

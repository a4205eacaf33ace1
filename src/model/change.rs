//! Requested changes as written in TOML, and their typed form.
//!
//! A file lists `[[variazioni]]`: each has one `motivazione` and one or more
//! `[[variazioni.modifiche]]`, each with a `tipo`. The raw form is a flat table (so that
//! every value keeps its span and unknown keys are refused); `crate::check` turns it
//! into a [`Change`] and reports, in Italian, a missing or superfluous field.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::values::{Date, Schedule};
use crate::schedule::Grid;

/// One group of changes sharing a motivazione.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Una variazione richiesta: la sua motivazione e una o più [[variazioni.modifiche]]."
)]
#[schemars(extend("x-taplo" = { "initKeys": ["motivazione"] }))]
pub struct RawGroup {
    /// Motivazione della variazione (vale per tutte le sue modifiche).
    #[schemars(with = "String")]
    pub motivazione: Spanned<String>,
    /// Le modifiche richieste.
    #[serde(default)]
    #[schemars(with = "Vec<RawChange>")]
    pub modifiche: Vec<Spanned<RawChange>>,
}

/// A year (`2024`) or a date (`2024-01-31`), as the end of a new period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearOrDate {
    Year(i32),
    Date(Date),
}

impl<'de> Deserialize<'de> for YearOrDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(d)?;
        match value {
            toml::Value::Integer(y) => i32::try_from(y)
                .map(YearOrDate::Year)
                .map_err(|_| serde::de::Error::custom("anno non valido")),
            other => Date::deserialize(other)
                .map(YearOrDate::Date)
                .map_err(|e| serde::de::Error::custom(e.to_string())),
        }
    }
}

impl Serialize for YearOrDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            YearOrDate::Year(y) => s.serialize_i32(*y),
            YearOrDate::Date(d) => d.serialize(s),
        }
    }
}

/// One change as written: every key any `tipo` may use.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::change_rules)]
#[schemars(description = "Una modifica: il `tipo` dice quali altri campi servono.")]
#[schemars(extend("x-taplo" = { "initKeys": ["tipo"] }))]
pub struct RawChange {
    /// Tipo di modifica (es. "eliminare_fase", "variazione_target").
    #[schemars(schema_with = "super::schema::change_kind")]
    pub tipo: Spanned<String>,
    /// Numero della fase a cui si riferisce.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub fase: Option<Spanned<u32>>,
    /// Numeri delle fasi (per "variazione_temporale").
    #[serde(default)]
    #[schemars(with = "Option<Vec<u32>>")]
    pub fasi: Option<Spanned<Vec<Spanned<u32>>>>,
    /// Identificativo dell'indicatore a cui si riferisce.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub indicatore: Option<Spanned<String>>,
    /// Identificativo dell'attività a cui si riferisce.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub attivita: Option<Spanned<String>>,
    /// Nuovo testo (fase, indicatore o attività).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub testo: Option<Spanned<String>>,
    /// Nuovo cronoprogramma della fase (o delle fasi).
    #[serde(default)]
    #[schemars(with = "Option<Schedule>")]
    pub cronoprogramma: Option<Spanned<Schedule>>,
    /// "prolungare" o "posticipare" (per "variazione_temporale").
    #[serde(default)]
    #[schemars(schema_with = "super::schema::time_verb")]
    pub variazione: Option<Spanned<String>>,
    /// Inizio del nuovo periodo.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub dal: Option<Spanned<Date>>,
    /// Fine del nuovo periodo: una data o un anno.
    #[serde(default)]
    #[schemars(with = "Option<YearOrDate>")]
    pub al: Option<Spanned<YearOrDate>>,
    /// Gruppo di indicatori ("quantita", "tempo", "costo", "qualita").
    #[serde(default)]
    #[schemars(schema_with = "super::schema::indicator_group")]
    pub gruppo: Option<Spanned<String>>,
    /// Valore atteso del nuovo indicatore (obiettivi gestionali).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub atteso: Option<Spanned<String>>,
    /// Nuovo target (uguale per tutti gli anni del piano).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub target: Option<Spanned<String>>,
    /// Unità di misura del nuovo indicatore (obiettivi istituzionali).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub um: Option<Spanned<String>>,
    /// Storico del nuovo indicatore (obiettivi istituzionali).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub storico: Option<Spanned<Vec<String>>>,
    /// Identificativo da dare al nuovo indicatore o alla nuova attività.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Identificativo dell'elemento dopo cui inserire il nuovo (di norma in fondo).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub dopo: Option<Spanned<String>>,
}

/// Whether a time change extends or postpones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeVerb {
    Extend,
    Postpone,
}

impl TimeVerb {
    pub fn label(self) -> &'static str {
        match self {
            TimeVerb::Extend => "PROLUNGARE",
            TimeVerb::Postpone => "POSTICIPARE",
        }
    }
}

/// The indicator groups of a management objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Group {
    Quantity,
    Time,
    Cost,
    Quality,
}

impl Group {
    pub const ALL: [Group; 4] = [Group::Quantity, Group::Time, Group::Cost, Group::Quality];
    pub fn key(self) -> &'static str {
        match self {
            Group::Quantity => "quantita",
            Group::Time => "tempo",
            Group::Cost => "costo",
            Group::Quality => "qualita",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Group::Quantity => "Indici di Quantità",
            Group::Time => "Indici di Tempo",
            Group::Cost => "Indici di Costo",
            Group::Quality => "Indici di Qualità",
        }
    }
    pub fn from_key(key: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.key() == key)
    }
}

/// A change, checked and typed. Indices point into the objective's own lists.
#[derive(Debug, Clone)]
pub enum Change {
    /// Move or extend the schedule of one or more phases.
    Reschedule {
        phases: Vec<u32>,
        verb: TimeVerb,
        from: Option<Date>,
        to: YearOrDate,
        schedule: Grid,
    },
    /// Remove a phase.
    RemovePhase { phase: u32 },
    /// Replace a phase with new text (and, optionally, a new schedule).
    ReplacePhase {
        phase: u32,
        text: String,
        schedule: Option<Grid>,
    },
    /// Reword a phase (the changed words are shown).
    RewordPhase { phase: u32, text: String },
    /// Remove an indicator.
    RemoveIndicator { indicator: String },
    /// Add an indicator to a management objective.
    AddManagedIndicator {
        id: Option<String>,
        after: Option<String>,
        group: Group,
        text: String,
        expected: String,
    },
    /// Add an indicator to a service.
    AddServiceIndicator {
        id: Option<String>,
        text: String,
        unit: String,
        history: Vec<String>,
        target: String,
        after: Option<String>,
    },
    /// Reword an indicator.
    RewordIndicator { indicator: String, text: String },
    /// Change an indicator's target (the same for every plan year).
    Retarget { indicator: String, target: String },
    /// Reword an activity.
    RewordActivity { activity: String, text: String },
    /// Add an activity.
    AddActivity {
        id: Option<String>,
        text: String,
        after: Option<String>,
    },
    /// Remove an activity.
    RemoveActivity { activity: String },
}

/// All `tipo` values, with the keys each one requires and accepts.
pub struct KindSpec {
    pub name: &'static str,
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    pub managed: bool,
    pub service: bool,
}

pub const KINDS: &[KindSpec] = &[
    KindSpec {
        name: "variazione_temporale",
        required: &["fasi", "variazione", "al", "cronoprogramma"],
        optional: &["dal"],
        managed: true,
        service: false,
    },
    KindSpec {
        name: "eliminare_fase",
        required: &["fase"],
        optional: &[],
        managed: true,
        service: false,
    },
    KindSpec {
        name: "sostituire_fase",
        required: &["fase", "testo"],
        optional: &["cronoprogramma"],
        managed: true,
        service: false,
    },
    KindSpec {
        name: "riformulare_fase",
        required: &["fase", "testo"],
        optional: &[],
        managed: true,
        service: false,
    },
    KindSpec {
        name: "eliminare_indicatore",
        required: &["indicatore"],
        optional: &[],
        managed: true,
        service: true,
    },
    KindSpec {
        name: "aggiungere_indicatore",
        required: &["testo"],
        optional: &["id", "gruppo", "atteso", "um", "storico", "target", "dopo"],
        managed: true,
        service: true,
    },
    KindSpec {
        name: "riformulare_indicatore",
        required: &["indicatore", "testo"],
        optional: &[],
        managed: true,
        service: true,
    },
    KindSpec {
        name: "variazione_target",
        required: &["indicatore", "target"],
        optional: &[],
        managed: true,
        service: true,
    },
    KindSpec {
        name: "riformulare_attivita",
        required: &["attivita", "testo"],
        optional: &[],
        managed: false,
        service: true,
    },
    KindSpec {
        name: "aggiungere_attivita",
        required: &["testo"],
        optional: &["id", "dopo"],
        managed: false,
        service: true,
    },
    KindSpec {
        name: "eliminare_attivita",
        required: &["attivita"],
        optional: &[],
        managed: false,
        service: true,
    },
];

impl RawChange {
    /// The keys present in this change besides `tipo`, each with its span.
    pub fn present_keys(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut keys = Vec::new();
        macro_rules! key {
            ($field:ident) => {
                if let Some(v) = &self.$field {
                    keys.push((stringify!($field), v.span()));
                }
            };
        }
        key!(fase);
        key!(fasi);
        key!(indicatore);
        key!(attivita);
        key!(testo);
        key!(cronoprogramma);
        key!(variazione);
        key!(dal);
        key!(al);
        key!(gruppo);
        key!(atteso);
        key!(target);
        key!(um);
        key!(storico);
        key!(id);
        key!(dopo);
        keys
    }
}

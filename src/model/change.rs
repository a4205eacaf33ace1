//! Requested changes as written in TOML, and their typed form.
//!
//! A file lists `[[variazioni]]`: each has one `motivazione` and one or more
//! `[[variazioni.modifiche]]`, each with a `tipo`. The raw form is a flat table (so that
//! every value keeps its span and unknown keys are refused); which fields each `tipo`
//! takes, and how it is typed, is said once per kind in `crate::change`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use std::collections::BTreeMap;

use super::values::{Date, Schedule};
use super::Targets;

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

/// A year (`2024`), a date (`2024-01-31`) or a day of the plan's first year (`"31.10"`),
/// as the end of a new period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearOrDate {
    Year(i32),
    Date(Date),
    /// Day and month of the plan's first year, written without the year.
    DayMonth(u32, u32),
}

/// `"31.10"` → (31, 10), when it is a day of some year.
fn day_month(text: &str) -> Option<(u32, u32)> {
    let (d, m) = text.trim().split_once('.')?;
    let (d, m): (u32, u32) = (d.trim().parse().ok()?, m.trim().parse().ok()?);
    // 2024 is a leap year: 29.2 is accepted here and checked against the plan's year.
    chrono::NaiveDate::from_ymd_opt(2024, m, d).map(|_| (d, m))
}

impl<'de> Deserialize<'de> for YearOrDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(d)?;
        match value {
            toml::Value::Integer(y) => i32::try_from(y)
                .map(YearOrDate::Year)
                .map_err(|_| serde::de::Error::custom("anno non valido")),
            toml::Value::String(ref t) if day_month(t).is_some() => {
                let (d, m) = day_month(t).unwrap_or_default();
                Ok(YearOrDate::DayMonth(d, m))
            }
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
            YearOrDate::DayMonth(d, m) => s.serialize_str(&format!("{d}.{m}")),
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
    /// Un cronoprogramma per fase: `{ 5 = { … }, 6 = { … } }` (per "variazione_temporale").
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Schedule>>")]
    pub cronoprogrammi: Option<Spanned<BTreeMap<String, Spanned<Schedule>>>>,
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
    /// Nuovo target: un testo per tutti gli anni del piano, oppure uno per anno.
    #[serde(default)]
    #[schemars(with = "Option<Targets>")]
    pub target: Option<Spanned<Targets>>,
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
    /// Nuovo orizzonte temporale della scheda (per "variazione_orizzonte").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub orizzonte: Option<Spanned<String>>,
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

impl super::IndicatorGroups {
    /// The indicators of one group.
    pub fn group(&self, g: Group) -> &[super::Indicator] {
        match g {
            Group::Quantity => &self.quantita,
            Group::Time => &self.tempo,
            Group::Cost => &self.costo,
            Group::Quality => &self.qualita,
        }
    }
}

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
        key!(cronoprogrammi);
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
        key!(orizzonte);
        keys
    }
}

/// Every key a change may have besides `tipo` (the fields of [`RawChange`]).
pub const RAW_KEYS: &[&str] = &[
    "fase",
    "fasi",
    "indicatore",
    "attivita",
    "testo",
    "cronoprogramma",
    "cronoprogrammi",
    "variazione",
    "dal",
    "al",
    "gruppo",
    "atteso",
    "target",
    "um",
    "storico",
    "id",
    "dopo",
    "orizzonte",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A value of the right type for each key, to write a change with every key.
    fn sample(key: &str) -> &'static str {
        match key {
            "fase" => "1",
            "fasi" => "[1, 2]",
            "cronoprogramma" => "{ gennaio = 100 }",
            "cronoprogrammi" => "{ 1 = { gennaio = 100 } }",
            "dal" => "2023-01-01",
            "al" => "2023",
            "storico" => "[\"1\"]",
            "variazione" => "\"prolungare\"",
            "gruppo" => "\"tempo\"",
            "indicatore" | "attivita" | "testo" | "atteso" | "target" | "um" | "id" | "dopo"
            | "orizzonte" => "\"x\"",
            other => panic!("no sample value for `{other}`: add it here"),
        }
    }

    /// The struct, [`RAW_KEYS`] and [`RawChange::present_keys`] are three lists of one
    /// set of keys: the struct's (read from its JSON Schema) must be `RAW_KEYS`, and a
    /// change written with every key must report them all, in the same order.
    #[test]
    fn the_keys_of_a_change_are_listed_alike_everywhere() {
        let schema = serde_json::to_value(schemars::schema_for!(RawChange)).unwrap();
        let mut fields: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "tipo")
            .collect();
        let mut listed: Vec<&str> = RAW_KEYS.to_vec();
        fields.sort_unstable();
        listed.sort_unstable();
        assert_eq!(fields, listed, "RawChange's fields and RAW_KEYS differ");

        let mut text = String::from("tipo = \"x\"\n");
        for key in RAW_KEYS {
            text.push_str(&format!("{key} = {}\n", sample(key)));
        }
        let change: RawChange = toml::from_str(&text).unwrap();
        let present: Vec<&str> = change.present_keys().into_iter().map(|(k, _)| k).collect();
        assert_eq!(present, RAW_KEYS, "present_keys() misses or reorders a key");
    }

    /// Every field a kind of the catalogue declares is a key a change can hold.
    #[test]
    fn every_field_of_the_catalogue_is_a_key_of_a_change() {
        for spec in crate::change::SPECS {
            for f in spec.fields {
                let top_level = matches!(f.key, "azione" | "motivazione");
                assert!(
                    RAW_KEYS.contains(&f.key) || top_level,
                    "{}.{} is not a key of RawChange",
                    spec.name,
                    f.key
                );
            }
        }
    }
}

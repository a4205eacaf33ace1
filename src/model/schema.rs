//! JSON Schemas of the content files, generated from the model's types with schemars.
//!
//! Editors with TOML language support (Taplo / Even Better TOML, Tombi) read them through
//! the `#:schema` line at the top of each content file: they complete keys, show the
//! Italian field docs (the `///` comments of the model) on hover and flag unknown keys and
//! wrong types as the user types. Since the schemas are derived from the same types that
//! `load` deserializes, they cannot drift from what `piao` accepts; `piao schema` writes
//! them and a test checks that the committed `schema/` folder is up to date.
//!
//! The schemas follow JSON Schema draft 7, the most widely supported draft. TOML dates
//! reach a validator as strings (that is how Taplo converts them), so a date is a string
//! with a pattern. The semantic rules (totals, references, numbering) stay in
//! `crate::check`: a schema only describes the shape of a file.

use std::borrow::Cow;

use schemars::{generate::SchemaSettings, json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

use super::change::{YearOrDate, KINDS};
use super::values::{Cost, Date, Percent, Schedule, TO_BE_DETERMINED};
use super::{Annex, Managed, Service, Training};

/// The folder where the schemas live, next to `content/`.
pub const SCHEMA_DIR: &str = "schema";

/// One kind of content file and its schema.
pub struct SchemaFile {
    /// File name in `schema/` (e.g. `gestionale.json`).
    pub name: &'static str,
    /// Which content files it describes (for titles and the README).
    pub describes: &'static str,
    generate: fn() -> Schema,
}

/// Every kind of content file.
pub const FILES: &[SchemaFile] = &[
    SchemaFile {
        name: "allegato.json",
        describes: "content/allegato.toml",
        generate: root::<Annex>,
    },
    SchemaFile {
        name: "formazione.json",
        describes: "content/formazione.toml",
        generate: root::<Training>,
    },
    SchemaFile {
        name: "gestionale.json",
        describes: "content/gestionali/*.toml",
        generate: root::<Managed>,
    },
    SchemaFile {
        name: "istituzionale.json",
        describes: "content/istituzionali/*.toml",
        generate: root::<Service>,
    },
];

impl SchemaFile {
    /// The schema as pretty-printed JSON, ending with a newline (the file's bytes).
    pub fn json(&self) -> String {
        let mut schema = (self.generate)();
        schema.insert("title".into(), format!("piao: {}", self.describes).into());
        serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
    }
}

/// The schema file for a content file, by its place in the content folder
/// (`allegato.toml`, `formazione.toml`, `gestionali/…`, `istituzionali/…`).
pub fn for_content_file(relative: &std::path::Path) -> Option<&'static SchemaFile> {
    let mut parts = relative.iter().filter_map(|p| p.to_str());
    let first = parts.next()?;
    let name = match (first, parts.next()) {
        ("allegato.toml", None) => "allegato.json",
        ("formazione.toml", None) => "formazione.json",
        ("gestionali", Some(_)) => "gestionale.json",
        ("istituzionali", Some(_)) => "istituzionale.json",
        _ => return None,
    };
    FILES.iter().find(|f| f.name == name)
}

/// The `#:schema` line for a content file at `depth` folders below the content folder
/// (0 for `allegato.toml`, 1 for `gestionali/…`), with `schema/` beside `content/`.
pub fn directive(file: &SchemaFile, depth: usize) -> String {
    format!(
        "#:schema {}{SCHEMA_DIR}/{}",
        "../".repeat(depth + 1),
        file.name
    )
}

fn root<T: JsonSchema>() -> Schema {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
}

// --- Values with a hand-written deserializer: their schemas are written here too. ---

/// A decimal written as text: `12,5`, `1.000,00`, `12.5%`.
const DECIMAL_TEXT: &str = r"^\s*-?\s*[0-9][0-9.,\s]*%?\s*$";
/// An amount written as text: `1.000,00 €`, `€ 1000`.
const AMOUNT_TEXT: &str = r"^\s*€?\s*[0-9][0-9.,\s]*€?\s*$";
/// `2023-07-31`, `31.07.2023`, `31/07/2023` (a TOML date becomes the first form).
const DATE_TEXT: &str = r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})\s*$";

impl JsonSchema for Percent {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Percentuale".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Una percentuale da 0 a 100: un numero (50, 12.5) o un testo (\"12,5\").",
            "anyOf": [
                { "type": "number", "minimum": 0, "maximum": 100 },
                { "type": "string", "pattern": DECIMAL_TEXT }
            ]
        })
    }
}

impl JsonSchema for Cost {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Costo".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Un importo in euro (1000, 10.50, \"1.000,00\") oppure \"da determinare\".",
            "anyOf": [
                { "type": "number", "minimum": 0 },
                { "type": "string", "pattern": AMOUNT_TEXT },
                { "type": "string", "enum": [TO_BE_DETERMINED, "Da determinare"] }
            ]
        })
    }
}

impl JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Data".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Una data senza ora: 2023-07-31 (data TOML) oppure \"31.07.2023\".",
            "type": "string",
            "pattern": DATE_TEXT
        })
    }
}

impl JsonSchema for YearOrDate {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "AnnoOData".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let date = generator.subschema_for::<Date>();
        json_schema!({
            "description": "Un anno (2024) oppure una data (2024-01-31).",
            "anyOf": [
                { "type": "integer", "minimum": 1900, "maximum": 2200 },
                date
            ]
        })
    }
}

impl JsonSchema for Schedule {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Cronoprogramma".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let percent = Value::from(generator.subschema_for::<Percent>());
        let with_doc = |doc: String| {
            let mut s = percent.clone();
            if let Some(o) = s.as_object_mut() {
                o.insert("description".into(), doc.into());
            }
            s
        };
        let mut properties = serde_json::Map::new();
        properties.insert(
            crate::schedule::PREVIOUS_KEY.into(),
            with_doc("% raggiunta negli anni precedenti il piano.".into()),
        );
        for month in crate::format::month_names() {
            properties.insert(
                month.to_string(),
                with_doc(format!(
                    "% della fase svolta nel mese di {month} del primo anno del piano."
                )),
            );
        }
        json_schema!({
            "description": "Il cronoprogramma: percentuali per mese del primo anno (gennaio … dicembre), per `precedenti` e per gli anni successivi del piano (es. `{ marzo = 50, aprile = 50 }`, `{ precedenti = 40, novembre = 30, 2024 = 30 }`). Il totale deve fare 100.",
            "type": "object",
            "properties": properties,
            "patternProperties": {
                "^[0-9]{4}$": with_doc("% della fase svolta in quell'anno successivo del piano.".into())
            },
            "additionalProperties": false
        })
    }
}

// --- Keys of a change whose values come from a fixed list. ---

/// What each kind of change does, for the editor's hover.
const KIND_DOCS: &[(&str, &str)] = &[
    (
        "variazione_temporale",
        "prolungare o posticipare una o più fasi (gestionali)",
    ),
    ("eliminare_fase", "eliminare una fase (gestionali)"),
    (
        "sostituire_fase",
        "sostituire il testo di una fase, ed eventualmente il suo cronoprogramma (gestionali)",
    ),
    (
        "riformulare_fase",
        "riformulare una fase: le parole nuove sono evidenziate (gestionali)",
    ),
    ("eliminare_indicatore", "eliminare un indicatore"),
    ("aggiungere_indicatore", "aggiungere un indicatore"),
    ("riformulare_indicatore", "riformulare un indicatore"),
    ("variazione_target", "cambiare il target di un indicatore"),
    (
        "riformulare_attivita",
        "riformulare un'attività (istituzionali)",
    ),
    (
        "aggiungere_attivita",
        "aggiungere un'attività (istituzionali)",
    ),
    (
        "eliminare_attivita",
        "eliminare un'attività (istituzionali)",
    ),
];

/// The schema of `tipo`: one of the kinds of change, each explained (Taplo shows the
/// `x-taplo.docs.enumValues` texts next to the completions).
pub fn change_kind(_: &mut SchemaGenerator) -> Schema {
    let docs: Vec<String> = KINDS
        .iter()
        .map(|k| {
            let what = KIND_DOCS
                .iter()
                .find(|(n, _)| *n == k.name)
                .map_or("", |(_, d)| d);
            let mut fields: Vec<String> = k.required.iter().map(|f| format!("`{f}`")).collect();
            fields.extend(k.optional.iter().map(|f| format!("`{f}` (facoltativo)")));
            format!("{what}; campi: {}", fields.join(", "))
        })
        .collect();
    let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
    json_schema!({
        "type": "string",
        "enum": names,
        "x-taplo": { "docs": { "enumValues": docs } }
    })
}

/// The schema of `gruppo`: one of the four groups of indicators.
pub fn indicator_group(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": ["quantita", "tempo", "costo", "qualita"] })
}

/// The schema of `variazione` in a time change.
pub fn time_verb(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": ["prolungare", "posticipare"] })
}

/// For each kind of change, the keys it requires and the only keys it accepts (the rules
/// `crate::check` applies, from the same table), so that an editor flags a missing or
/// superfluous key as the user types.
pub fn change_rules(schema: &mut Schema) {
    let rules: Vec<Value> = KINDS
        .iter()
        .map(|k| {
            let mut allowed = vec!["tipo"];
            allowed.extend(k.required);
            allowed.extend(k.optional);
            json!({
                "if": { "properties": { "tipo": { "const": k.name } }, "required": ["tipo"] },
                "then": { "required": k.required, "propertyNames": { "enum": allowed } }
            })
        })
        .collect();
    schema.insert("allOf".into(), rules.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_change_is_explained() {
        for k in KINDS {
            assert!(
                KIND_DOCS.iter().any(|(n, _)| *n == k.name),
                "{} has no doc",
                k.name
            );
        }
    }

    #[test]
    fn content_files_map_to_schemas() {
        use std::path::Path;
        let name = |p: &str| for_content_file(Path::new(p)).map(|f| f.name);
        assert_eq!(name("allegato.toml"), Some("allegato.json"));
        assert_eq!(name("gestionali/g06-x.toml"), Some("gestionale.json"));
        assert_eq!(name("istituzionali/i16.toml"), Some("istituzionale.json"));
        assert_eq!(name("altro.toml"), None);
        let g = for_content_file(Path::new("gestionali/a.toml")).unwrap();
        assert_eq!(directive(g, 1), "#:schema ../../schema/gestionale.json");
    }
}

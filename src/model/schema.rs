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

use super::change::YearOrDate;
use super::values::{Cost, Date, Percent, Schedule, TO_BE_DETERMINED};
use super::{Annex, Managed, Organisation, Service, Training};
use crate::change::{Scope, SPECS};

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
        name: "organizzazione.json",
        describes: "content/organizzazione.toml",
        generate: root::<Organisation>,
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
        ("organizzazione.toml", None) => "organizzazione.json",
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
            "description": "Un anno (2024), una data (2024-01-31) oppure un giorno del primo anno del piano (\"31.10\").",
            "anyOf": [
                { "type": "integer", "minimum": 1900, "maximum": 2200 },
                date,
                { "type": "string", "pattern": r"^\s*[0-9]{1,2}\.[0-9]{1,2}\s*$" }
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
            crate::model::schedule::PREVIOUS_KEY.into(),
            with_doc("% raggiunta negli anni precedenti il piano.".into()),
        );
        properties.insert(
            crate::model::schedule::ILLEGIBLE_KEY.into(),
            with_doc("% del primo anno in un mese che il piano approvato non permette di leggere: la scheda la stampa come «non leggibile nel piano approvato», con una nota, e la conta nel totale e nel target al 31 dicembre.".into()),
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
            "description": "Il cronoprogramma: percentuali per mese del primo anno (gennaio … dicembre), per `precedenti`, per gli anni successivi del piano e `non_leggibile` per una quota il cui mese non si legge nel piano approvato (es. `{ marzo = 50, aprile = 50 }`, `{ precedenti = 40, novembre = 30, 2024 = 30 }`). Il totale deve fare 100.",
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

/// The schema of `tipo`: one of the kinds of change, each explained (Taplo shows the
/// `x-taplo.docs.enumValues` texts next to the completions). Names, docs and fields
/// come from the change catalogue (`crate::change`).
pub fn change_kind(_: &mut SchemaGenerator) -> Schema {
    let docs: Vec<String> = SPECS
        .iter()
        .map(|k| {
            let fields: Vec<String> = k.fields.iter().map(|f| f.describe()).collect();
            format!("{}{}; campi: {}", k.doc, k.scope.note(), fields.join(", "))
        })
        .collect();
    let names: Vec<&str> = SPECS.iter().map(|k| k.name).collect();
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
    let rules: Vec<Value> = SPECS
        .iter()
        .map(|k| {
            let mut allowed = vec!["tipo"];
            allowed.extend(k.fields.iter().map(|f| f.key));
            // Required whatever the objective (a field of one side only is checked by
            // `piao check`, since the schema of a change does not know its file).
            let required: Vec<&str> = k
                .fields
                .iter()
                .filter(|f| f.required && f.scope == Scope::Both)
                .map(|f| f.key)
                .collect();
            let mut properties = serde_json::Map::new();
            for f in k.fields {
                let doc = format!("{}{}", f.doc, f.scope.note());
                properties.insert(f.key.to_string(), json!({ "description": doc }));
            }
            json!({
                "if": { "properties": { "tipo": { "const": k.name } }, "required": ["tipo"] },
                "then": {
                    "required": required,
                    "properties": properties,
                    "propertyNames": { "enum": allowed }
                }
            })
        })
        .collect();
    schema.insert("allOf".into(), rules.into());
}

#[cfg(test)]
mod tests {
    use super::*;

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

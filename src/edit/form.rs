//! Form descriptions, derived and never written by hand: the fields of a content file
//! come from its JSON Schema (`crate::model::schema`, itself derived from the model's
//! types and their `///` docs), the fields of a requested change from the catalogue's
//! [`Spec`]s. A page turns a [`Form`] into labelled inputs; a new field of the model or
//! a new kind of change gets its inputs with no form code written.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::change::{remove_objective, Spec, SPECS};
use crate::load::Seg;
use crate::model::change::YearOrDate;
use crate::model::schema::FILES;
use crate::model::{Cost, Date, Percent, Schedule};

use super::path::FieldPath;
use super::place::FileKind;

/// What kind of input a field needs (the page picks the widget from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Testo,
    /// Paragraphs (`*corsivo*`, `**grassetto**`).
    TestoLungo,
    /// A whole number.
    Intero,
    /// Yes or no.
    SiNo,
    /// A date (`2023-07-31` or `31.07.2023`).
    Data,
    /// A percentage (`70`, `12,5`).
    Percentuale,
    /// An amount in euro, or "da determinare".
    Importo,
    /// One of `opzioni`.
    Scelta,
    /// Cognome and nome, or a free label.
    Persona,
    /// A cronoprogramma grid: one cell per month, `precedenti`, later years.
    Cronoprogramma,
    /// One cronoprogramma grid per phase (keyed by the phase's number).
    Cronoprogrammi,
    /// A year, a date or a day of the plan's first year.
    AnnoOData,
    /// One text for every year, or one per year.
    TestoOElenco,
    /// A list of texts.
    ElencoTesti,
    /// A list of dates.
    ElencoDate,
    /// A list of whole numbers.
    ElencoInteri,
    /// A group of fields (`campi`).
    Gruppo,
    /// A list of groups of fields (`campi` for each element).
    Elenco,
}

/// One choice of a [`FieldKind::Scelta`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub valore: String,
    /// What it means, when the model says it.
    pub descrizione: String,
}

/// One input of a form.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    /// The key written in the file.
    pub chiave: String,
    /// Where the value goes: a field path with `[]` for "each element"
    /// (`fasi[].cronoprogramma`); the page puts the element's position in.
    pub percorso: String,
    /// The visible label.
    pub etichetta: String,
    /// The field's documentation, from the model's docs or the catalogue.
    pub aiuto: String,
    pub tipo: FieldKind,
    pub obbligatorio: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub opzioni: Vec<Choice>,
    /// The fields of a group, or of each element of a list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub campi: Vec<FormField>,
    /// An example value, as the form would send it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esempio: Option<Json>,
}

/// The form of a content file.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub file: FileKind,
    pub titolo: String,
    pub campi: Vec<FormField>,
}

/// The form of one kind of requested change.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeForm {
    /// The `tipo` written in the file.
    pub tipo: String,
    /// What it asks (the catalogue's words).
    pub descrizione: String,
    /// An example from an annex.
    pub esempio: String,
    pub campi: Vec<FormField>,
}

/// The keys of a schede's file that are not part of its form: the requested changes
/// have forms of their own ([`change_forms`]).
const NOT_IN_FORM: &[&str] = &["variazioni"];

/// The JSON Schema of a kind of content file.
pub(crate) fn schema_of(kind: FileKind) -> Json {
    let name = match kind {
        FileKind::Allegato => "allegato.json",
        FileKind::Organizzazione => "organizzazione.json",
        FileKind::Formazione => "formazione.json",
        FileKind::Gestionale => "gestionale.json",
        FileKind::Istituzionale => "istituzionale.json",
    };
    let file = FILES
        .iter()
        .find(|f| f.name == name)
        .expect("a schema for every kind of content file");
    serde_json::from_str(&file.json()).expect("the schemas are JSON")
}

/// The form of a kind of content file, from its schema (the requested changes have
/// forms of their own: [`change_forms`]).
pub fn form(kind: FileKind) -> Form {
    let mut form = form_with_changes(kind);
    form.campi
        .retain(|f| !NOT_IN_FORM.contains(&f.chiave.as_str()));
    form
}

/// Every field of a kind of content file, the requested changes' included.
pub(crate) fn form_with_changes(kind: FileKind) -> Form {
    let schema = schema_of(kind);
    let defs = Defs::of(&schema);
    let titolo = schema["description"].as_str().unwrap_or("").to_string();
    Form {
        file: kind,
        titolo,
        campi: object_fields(&schema, &defs, &FieldPath::default()),
    }
}

/// The forms of every kind of change an objective may ask for (`managed`: a
/// gestionale), from the catalogue's specs; the elimination of the whole objective
/// first, for a gestionale.
pub fn change_forms(managed: bool) -> Vec<ChangeForm> {
    let kind = if managed {
        FileKind::Gestionale
    } else {
        FileKind::Istituzionale
    };
    let schema = schema_of(kind);
    let defs = Defs::of(&schema);
    let raw = defs.get("RawChange").cloned().unwrap_or(Json::Null);
    let mut out = Vec::new();
    if managed {
        out.push(spec_form(&remove_objective::SPEC, &schema, &defs, managed));
    }
    for spec in SPECS.iter().filter(|s| s.scope.admits(managed)) {
        out.push(spec_form(spec, &raw, &defs, managed));
    }
    out
}

/// The form of the kind named `tipo`, if an objective of this side may ask for it.
pub fn change_form(tipo: &str, managed: bool) -> Option<ChangeForm> {
    change_forms(managed).into_iter().find(|f| f.tipo == tipo)
}

/// A spec's form: its fields, each typed by the property of the same key in `owner`
/// (the schema of a change, or of the objective for its elimination).
fn spec_form(spec: &Spec, owner: &Json, defs: &Defs, managed: bool) -> ChangeForm {
    let campi = spec
        .fields_for(managed)
        .map(|f| {
            let node = owner["properties"]
                .get(f.key)
                .cloned()
                .unwrap_or(Json::Null);
            let mut field = field(
                f.key,
                &node,
                defs,
                &FieldPath(vec![Seg::Key(f.key.to_string())]),
                f.required,
            );
            field.etichetta = sentence(f.doc);
            field.aiuto = f.doc.to_string();
            field.esempio = example_value(f.example);
            field
        })
        .collect();
    ChangeForm {
        tipo: spec.name.to_string(),
        descrizione: spec.doc.to_string(),
        esempio: spec.example.to_string(),
        campi,
    }
}

/// The example of a catalogue field (TOML) as the form sends it (JSON).
fn example_value(toml_text: &str) -> Option<Json> {
    let doc: toml::Table = format!("x = {toml_text}").parse().ok()?;
    let value = doc.get("x")?.clone();
    Some(toml_to_json(value))
}

/// A TOML value as JSON: dates and times as their TOML text (`"2023-07-31"`).
pub(crate) fn toml_to_json(value: toml::Value) -> Json {
    match value {
        toml::Value::String(s) => Json::String(s),
        toml::Value::Integer(i) => Json::from(i),
        toml::Value::Float(f) => Json::from(f),
        toml::Value::Boolean(b) => Json::Bool(b),
        toml::Value::Datetime(d) => Json::String(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Json::Object(
            t.into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// The definitions a schema refers to.
pub(crate) struct Defs(Map<String, Json>);

impl Defs {
    pub(crate) fn of(schema: &Json) -> Defs {
        Defs(
            schema["definitions"]
                .as_object()
                .cloned()
                .unwrap_or_default(),
        )
    }
    fn get(&self, name: &str) -> Option<&Json> {
        self.0.get(name)
    }
    /// The node a `$ref` leads to.
    fn deref<'a>(&'a self, node: &'a Json) -> &'a Json {
        match node["$ref"].as_str() {
            Some(r) => r
                .strip_prefix("#/definitions/")
                .and_then(|n| self.get(n))
                .unwrap_or(node),
            None => node,
        }
    }
}

/// The fields of an object schema, in the order the model's type declares them (the
/// order `piao new` writes them in).
fn object_fields(node: &Json, defs: &Defs, at: &FieldPath) -> Vec<FormField> {
    let node = defs.deref(node);
    let required: Vec<&str> = node["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let Some(props) = node["properties"].as_object() else {
        return Vec::new();
    };
    let names: Vec<&str> = props.keys().map(String::as_str).collect();
    let order = declared_order(&names).unwrap_or_else(|| initial_keys(node));
    let mut keys: Vec<&String> = props.keys().collect();
    keys.sort_by_key(|k| order.iter().position(|o| o == *k).unwrap_or(usize::MAX));
    keys.into_iter()
        .map(|k| {
            field(
                k,
                &props[k],
                defs,
                &at.join(k.as_str()),
                required.contains(&k.as_str()),
            )
        })
        .collect()
}

/// The keys of the model type whose keys are `names`, in the order it declares them
/// (schemars lists properties alphabetically; serde knows the declaration order).
fn declared_order(names: &[&str]) -> Option<Vec<String>> {
    use crate::model::organisation::{Direction, Employee, Exception, Section};
    use crate::model::*;
    let types: [fn() -> &'static [&'static str]; 23] = [
        declared::<Annex>,
        declared::<Deliberation>,
        declared::<Emblem>,
        declared::<Publication>,
        declared::<Managed>,
        declared::<Phase>,
        declared::<Indicator>,
        declared::<IndicatorGroups>,
        declared::<Staff>,
        declared::<Resource>,
        declared::<Service>,
        declared::<Activity>,
        declared::<ServiceIndicator>,
        declared::<Training>,
        declared::<CourseTable>,
        declared::<Course>,
        declared::<Organisation>,
        declared::<Direction>,
        declared::<Section>,
        declared::<Employee>,
        declared::<Exception>,
        declared::<RawGroup>,
        declared::<RawChange>,
    ];
    types.iter().map(|t| t()).find_map(|keys| {
        (keys.len() == names.len() && names.iter().all(|n| keys.contains(n)))
            .then(|| keys.iter().map(|k| k.to_string()).collect())
    })
}

/// The fields of a struct in declaration order, as its `Deserialize` tells them.
fn declared<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// The keys an editor puts first (`x-taplo.initKeys`), when the model names them.
fn initial_keys(node: &Json) -> Vec<String> {
    node["x-taplo"]["initKeys"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A node without its "or nothing" alternative (`Option<T>` in the model).
fn without_null(node: &Json) -> Json {
    let mut node = node.clone();
    if let Some(types) = node["type"].as_array() {
        let kept: Vec<Json> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        node["type"] = if kept.len() == 1 {
            kept[0].clone()
        } else {
            Json::Array(kept)
        };
    }
    for key in ["anyOf", "allOf"] {
        let Some(alts) = node[key].as_array() else {
            continue;
        };
        let kept: Vec<Json> = alts
            .iter()
            .filter(|a| a["type"].as_str() != Some("null"))
            .cloned()
            .collect();
        if kept.len() == 1 {
            let description = node["description"].clone();
            let mut inner = kept[0].clone();
            if let Some(map) = node.as_object_mut() {
                map.remove(key);
            }
            if let (Some(outer), Some(inner_map)) = (node.as_object(), inner.as_object_mut()) {
                for (k, v) in outer {
                    inner_map.entry(k.clone()).or_insert(v.clone());
                }
            }
            if !description.is_null() {
                inner["description"] = description;
            }
            node = inner;
        }
    }
    node
}

/// The schema schemars gives a value type, without its own description.
fn shape_of<T: JsonSchema>() -> Json {
    let mut generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.subschema_for::<T>();
    strip(&serde_json::to_value(schema).unwrap_or(Json::Null))
}

/// A node without what does not change its shape (descriptions, defaults).
fn strip(node: &Json) -> Json {
    let mut node = node.clone();
    if let Some(map) = node.as_object_mut() {
        map.remove("description");
        map.remove("default");
    }
    node
}

/// Builds the form field of one key.
fn field(key: &str, node: &Json, defs: &Defs, at: &FieldPath, required: bool) -> FormField {
    let outer_doc = node["description"].as_str().map(String::from);
    let reference = node["$ref"]
        .as_str()
        .or_else(|| node["allOf"][0]["$ref"].as_str())
        .or_else(|| node["anyOf"][0]["$ref"].as_str())
        .map(|r| r.trim_start_matches("#/definitions/").to_string());
    let node = without_null(node);
    let node = match node["$ref"].as_str() {
        Some(_) => {
            let mut n = defs.deref(&node).clone();
            if let Some(d) = &outer_doc {
                n["description"] = Json::String(d.clone());
            }
            n
        }
        None => node,
    };
    let doc = outer_doc
        .or_else(|| node["description"].as_str().map(String::from))
        .unwrap_or_default();
    let path = template(at);
    let mut out = FormField {
        chiave: key.to_string(),
        percorso: path,
        etichetta: label(key, &doc),
        aiuto: doc.clone(),
        tipo: FieldKind::Testo,
        obbligatorio: required,
        opzioni: Vec::new(),
        campi: Vec::new(),
        esempio: None,
    };
    let shape = strip(&node);
    out.tipo = match reference.as_deref() {
        Some("Person") => FieldKind::Persona,
        Some("Targets") => FieldKind::TestoOElenco,
        _ if shape == shape_of::<Percent>() => FieldKind::Percentuale,
        _ if shape == shape_of::<Cost>() => FieldKind::Importo,
        _ if shape == shape_of::<Date>() => FieldKind::Data,
        _ if shape == shape_of::<YearOrDate>() => FieldKind::AnnoOData,
        _ if shape == shape_of::<Schedule>() || node["patternProperties"].is_object() => {
            FieldKind::Cronoprogramma
        }
        _ if node["additionalProperties"].is_object() => FieldKind::Cronoprogrammi,
        _ => FieldKind::Testo,
    };
    if out.tipo != FieldKind::Testo {
        return out;
    }
    if let Some(options) = choices(&node) {
        out.tipo = FieldKind::Scelta;
        out.opzioni = options;
        return out;
    }
    match node["type"].as_str() {
        Some("integer") => out.tipo = FieldKind::Intero,
        Some("boolean") => out.tipo = FieldKind::SiNo,
        Some("object") => {
            out.tipo = FieldKind::Gruppo;
            out.campi = object_fields(&node, defs, at);
        }
        Some("array") => {
            let items = defs.deref(&node["items"]).clone();
            let item_shape = strip(&items);
            out.tipo = if item_shape == shape_of::<Date>() {
                FieldKind::ElencoDate
            } else {
                match items["type"].as_str() {
                    Some("integer") => FieldKind::ElencoInteri,
                    Some("object") => {
                        out.campi = object_fields(&items, defs, &at.join(Seg::Index(0)));
                        FieldKind::Elenco
                    }
                    _ => FieldKind::ElencoTesti,
                }
            };
        }
        _ if is_long_text(key, &doc) => out.tipo = FieldKind::TestoLungo,
        _ => {}
    }
    out
}

/// A path as a form names it: positions in lists written `[]` (the form describes
/// every element alike; fields are built at position 0).
fn template(at: &FieldPath) -> String {
    at.to_string().replace("[0]", "[]")
}

/// The choices of an enumeration (`enum`, or `oneOf` constants with their docs).
fn choices(node: &Json) -> Option<Vec<Choice>> {
    if let Some(values) = node["enum"].as_array() {
        let docs = node["x-taplo"]["docs"]["enumValues"].as_array();
        return Some(
            values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    Some(Choice {
                        valore: v.as_str()?.to_string(),
                        descrizione: docs
                            .and_then(|d| d.get(i))
                            .and_then(Json::as_str)
                            .unwrap_or("")
                            .to_string(),
                    })
                })
                .collect(),
        );
    }
    let alts = node["oneOf"].as_array()?;
    let options: Vec<Choice> = alts
        .iter()
        .filter_map(|a| {
            Some(Choice {
                valore: a["const"].as_str()?.to_string(),
                descrizione: a["description"].as_str().unwrap_or("").to_string(),
            })
        })
        .collect();
    (options.len() == alts.len()).then_some(options)
}

/// Texts written in paragraphs (the model's docs say so) or long by nature.
fn is_long_text(key: &str, doc: &str) -> bool {
    doc.contains("aragrafi") || matches!(key, "descrizione" | "testo" | "motivazione")
}

/// The longest label taken from a doc comment; a longer first phrase gives way to the
/// key itself, written in words.
const MAX_LABEL: usize = 40;

/// The visible label of a field: the first phrase of its documentation when it is
/// short ("Titolo dell'obiettivo"), otherwise its key in words ("Anno inizio").
fn label(key: &str, doc: &str) -> String {
    let first = doc
        .split(['\n'])
        .next()
        .unwrap_or("")
        .split(" (")
        .next()
        .unwrap_or("")
        .split(": ")
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('.')
        .trim();
    if !first.is_empty()
        && first.chars().count() <= MAX_LABEL
        && !first.contains('`')
        && !first.contains(", ")
    {
        return sentence(first);
    }
    sentence(&words(key))
}

/// A key in words: `anno_inizio` → "anno inizio", `finalita` → "finalità".
fn words(key: &str) -> String {
    key.split('_')
        .map(|w| match w {
            "finalita" | "qualita" | "quantita" | "attivita" | "citta" => {
                format!("{}à", &w[..w.len() - 1])
            }
            w => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text with a capital first letter.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(form: &Form) -> Vec<(String, FieldKind)> {
        fn walk(fields: &[FormField], out: &mut Vec<(String, FieldKind)>) {
            for f in fields {
                out.push((f.percorso.clone(), f.tipo));
                walk(&f.campi, out);
            }
        }
        let mut out = Vec::new();
        walk(&form.campi, &mut out);
        out
    }

    #[test]
    fn the_objective_form_types_its_fields_from_the_model() {
        let form = form(FileKind::Gestionale);
        let kinds = kinds(&form);
        let kind = |p: &str| {
            kinds
                .iter()
                .find(|(path, _)| path == p)
                .unwrap_or_else(|| panic!("no field {p} in {kinds:?}"))
                .1
        };
        assert_eq!(kind("titolo"), FieldKind::Testo);
        assert_eq!(kind("descrizione"), FieldKind::TestoLungo);
        assert_eq!(kind("numero"), FieldKind::Intero);
        assert_eq!(kind("azione"), FieldKind::Scelta);
        assert_eq!(kind("responsabile"), FieldKind::Persona);
        assert_eq!(kind("fasi"), FieldKind::Elenco);
        assert_eq!(kind("fasi[].cronoprogramma"), FieldKind::Cronoprogramma);
        assert_eq!(kind("fasi[].numero"), FieldKind::Intero);
        assert_eq!(kind("indicatori"), FieldKind::Gruppo);
        assert_eq!(kind("indicatori.quantita"), FieldKind::Elenco);
        assert_eq!(
            kind("indicatori.quantita[].raggiunto"),
            FieldKind::ElencoTesti
        );
        assert_eq!(kind("personale[].partecipazione"), FieldKind::Percentuale);
        assert_eq!(kind("risorse[].costo"), FieldKind::Importo);
        assert!(!kinds.iter().any(|(p, _)| p.starts_with("variazioni")));
        let titolo = form.campi.iter().find(|f| f.chiave == "titolo").unwrap();
        assert_eq!(titolo.etichetta, "Titolo dell'obiettivo");
        assert!(titolo.obbligatorio);
        let numero = form.campi.iter().find(|f| f.chiave == "numero").unwrap();
        assert_eq!(numero.etichetta, "N. scheda");
    }

    #[test]
    fn the_ente_forms_cover_the_plan_and_the_organisation() {
        let annex = kinds(&form(FileKind::Allegato));
        for (p, k) in [
            ("ente", FieldKind::Testo),
            ("anno_inizio", FieldKind::Intero),
            ("data_documento", FieldKind::Data),
            ("data_documento_provvisoria", FieldKind::SiNo),
            ("monitoraggi", FieldKind::ElencoDate),
            ("delibera", FieldKind::Gruppo),
            ("delibera.data", FieldKind::Data),
            ("stemma.file", FieldKind::Testo),
        ] {
            assert!(
                annex.contains(&(p.to_string(), k)),
                "{p} {k:?} in {annex:?}"
            );
        }
        let org = kinds(&form(FileKind::Organizzazione));
        for (p, k) in [
            ("direzioni", FieldKind::Elenco),
            ("direzioni[].dirigente", FieldKind::Persona),
            ("direzioni[].sezioni", FieldKind::Elenco),
            ("direzioni[].sezioni[].responsabile", FieldKind::Persona),
            ("personale[].categoria", FieldKind::Testo),
        ] {
            assert!(org.contains(&(p.to_string(), k)), "{p} {k:?} in {org:?}");
        }
    }

    #[test]
    fn every_kind_of_change_has_a_form_with_typed_fields() {
        for managed in [true, false] {
            let forms = change_forms(managed);
            let admitted = SPECS.iter().filter(|s| s.scope.admits(managed)).count();
            assert_eq!(forms.len(), admitted + usize::from(managed));
            for form in &forms {
                let spec = SPECS
                    .iter()
                    .copied()
                    .chain([&remove_objective::SPEC])
                    .find(|s| s.name == form.tipo)
                    .unwrap();
                assert_eq!(form.campi.len(), spec.fields_for(managed).count());
                for f in &form.campi {
                    assert!(!f.etichetta.is_empty(), "{} {}", form.tipo, f.chiave);
                    assert!(f.esempio.is_some(), "{} {}", form.tipo, f.chiave);
                }
            }
        }
        let reschedule = change_form("variazione_temporale", true).unwrap();
        let kind = |k: &str| {
            reschedule
                .campi
                .iter()
                .find(|f| f.chiave == k)
                .unwrap()
                .tipo
        };
        assert_eq!(kind("fasi"), FieldKind::ElencoInteri);
        assert_eq!(kind("variazione"), FieldKind::Scelta);
        assert_eq!(kind("dal"), FieldKind::Data);
        assert_eq!(kind("al"), FieldKind::AnnoOData);
        assert_eq!(kind("cronoprogramma"), FieldKind::Cronoprogramma);
        assert_eq!(kind("cronoprogrammi"), FieldKind::Cronoprogrammi);
        assert!(change_form("variazione_temporale", false).is_none());
        let retarget = change_form("variazione_target", false).unwrap();
        let target = retarget
            .campi
            .iter()
            .find(|f| f.chiave == "target")
            .unwrap();
        assert_eq!(target.tipo, FieldKind::TestoOElenco);
    }

    #[test]
    fn fields_come_in_the_order_the_model_declares_them() {
        let keys = |k: FileKind, list: &str| -> Vec<String> {
            let form = form(k);
            let f = form.campi.iter().find(|f| f.chiave == list).unwrap();
            f.campi.iter().map(|f| f.chiave.clone()).collect()
        };
        assert_eq!(
            keys(FileKind::Gestionale, "risorse"),
            ["tipologia", "descrizione", "costo"]
        );
        assert_eq!(
            keys(FileKind::Gestionale, "fasi"),
            ["numero", "descrizione", "cronoprogramma"]
        );
        let top: Vec<String> = form(FileKind::Gestionale)
            .campi
            .iter()
            .take(4)
            .map(|f| f.chiave.clone())
            .collect();
        assert_eq!(top, ["numero", "titolo", "direzione", "sezione"]);
    }

    #[test]
    fn labels_are_short_words() {
        assert_eq!(label("finalita", "Finalità."), "Finalità");
        assert_eq!(
            label(
                "data_documento_provvisoria",
                "`true` se `data_documento` è una data segnaposto"
            ),
            "Data documento provvisoria"
        );
        assert_eq!(
            label(
                "ente",
                "Nome dell'ente, come deve comparire nel documento (es. x)."
            ),
            "Ente"
        );
    }
}

//! What a form sends (JSON) turned into what a person would have typed in the file
//! (`toml_edit` values), by the kind of the field. Nothing is refused here: a value
//! that is not right for its field (a percentage written "dodici") is written as text,
//! so that the draft is kept and `piao check` says what is wrong, at the field.

use serde_json::Value as Json;
use toml_edit::{Array, InlineTable, Value};

use super::form::FieldKind;
use crate::model::schedule::PREVIOUS_KEY;

/// Whether a form value says "nothing" (an empty input): the key is then left out
/// when the field is optional.
pub fn is_empty(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::String(s) => s.trim().is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The TOML value for a form value of a field of `kind`.
pub fn to_toml(value: &Json, kind: FieldKind) -> Value {
    match kind {
        FieldKind::Intero => integer_or_text(value),
        FieldKind::Percentuale | FieldKind::Importo => number_or_text(value),
        FieldKind::Data => date_or_text(value),
        FieldKind::AnnoOData => match value {
            Json::String(s) if s.trim().parse::<i64>().is_ok() => integer_or_text(value),
            Json::Number(_) => integer_or_text(value),
            _ => date_or_text(value),
        },
        FieldKind::SiNo => match value {
            Json::Bool(b) => Value::from(*b),
            Json::String(s) => match s.trim().to_lowercase().as_str() {
                "true" | "sì" | "si" | "vero" => Value::from(true),
                "false" | "no" | "falso" | "" => Value::from(false),
                _ => text(value),
            },
            _ => text(value),
        },
        FieldKind::Cronoprogramma => schedule(value),
        FieldKind::Cronoprogrammi => match value {
            Json::Object(map) => {
                let mut t = InlineTable::new();
                for (phase, grid) in map {
                    t.insert(phase.trim(), schedule(grid));
                }
                t.fmt();
                Value::InlineTable(t)
            }
            _ => text(value),
        },
        FieldKind::Persona => match value {
            Json::Object(map) => {
                let mut t = InlineTable::new();
                for key in ["cognome", "nome"] {
                    t.insert(key, text(map.get(key).unwrap_or(&Json::Null)));
                }
                t.fmt();
                Value::InlineTable(t)
            }
            _ => text(value),
        },
        FieldKind::ElencoTesti | FieldKind::TestoOElenco => match value {
            Json::Array(items) => array(items.iter().map(text)),
            _ => text(value),
        },
        FieldKind::ElencoDate => match value {
            Json::Array(items) => array(items.iter().map(date_or_text)),
            _ => date_or_text(value),
        },
        FieldKind::ElencoInteri => match value {
            Json::Array(items) => array(items.iter().map(integer_or_text)),
            // "5, 6" typed in one input.
            Json::String(s) => array(
                s.split([',', ';', ' '])
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| integer_or_text(&Json::String(p.to_string()))),
            ),
            _ => array([integer_or_text(value)]),
        },
        FieldKind::Gruppo | FieldKind::Elenco => generic(value),
        FieldKind::Testo | FieldKind::TestoLungo | FieldKind::Scelta => text(value),
    }
}

/// Any JSON value, as the closest TOML value (for groups given whole).
pub fn generic(value: &Json) -> Value {
    match value {
        Json::Bool(b) => Value::from(*b),
        Json::Number(_) => number_or_text(value),
        Json::Array(items) => array(items.iter().map(generic)),
        Json::Object(map) => {
            let mut t = InlineTable::new();
            for (k, v) in map {
                t.insert(k, generic(v));
            }
            t.fmt();
            Value::InlineTable(t)
        }
        _ => text(value),
    }
}

fn array(items: impl IntoIterator<Item = Value>) -> Value {
    let mut a = Array::new();
    for item in items {
        a.push(item);
    }
    a.fmt();
    Value::Array(a)
}

/// A text exactly as typed (a number typed in a text field becomes its digits).
fn text(value: &Json) -> Value {
    match value {
        Json::String(s) => Value::from(s.as_str()),
        Json::Null => Value::from(""),
        other => Value::from(other.to_string()),
    }
}

fn integer_or_text(value: &Json) -> Value {
    match value {
        Json::Number(n) if n.is_i64() => Value::from(n.as_i64().unwrap_or_default()),
        Json::String(s) => match s.trim().parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => text(value),
        },
        _ => text(value),
    }
}

/// Whole numbers as numbers, anything else (`12,5`, `1.000,00 €`, `da determinare`) as
/// the text typed, which the model reads the Italian way.
fn number_or_text(value: &Json) -> Value {
    match value {
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::from(i),
            // Written in its shortest form, which the model reads back exactly (as
            // text `12.125` would be read as twelve thousand).
            None => Value::from(n.as_f64().unwrap_or_default()),
        },
        Json::String(s) => match s.trim().parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => text(value),
        },
        _ => text(value),
    }
}

/// `2023-07-31` as a TOML date; other forms (`31.07.2023`) as the text typed.
fn date_or_text(value: &Json) -> Value {
    if let Json::String(s) = value {
        let t = s.trim();
        if chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok() {
            if let Ok(d) = t.parse::<toml_edit::Datetime>() {
                return Value::from(d);
            }
        }
    }
    text(value)
}

/// A cronoprogramma grid: empty cells left out, the others in the grid's order
/// (`precedenti`, the months, the later years).
fn schedule(value: &Json) -> Value {
    let Json::Object(cells) = value else {
        return text(value);
    };
    let months = crate::format::month_names();
    let rank = |k: &str| {
        if k == PREVIOUS_KEY {
            0
        } else if let Some(m) = months.iter().position(|n| *n == k) {
            1 + m
        } else {
            100 + k.parse::<usize>().unwrap_or(0)
        }
    };
    let mut keys: Vec<&String> = cells.keys().filter(|k| !is_empty(&cells[*k])).collect();
    keys.sort_by_key(|k| rank(k.trim()));
    let mut t = InlineTable::new();
    for k in keys {
        t.insert(k.trim(), number_or_text(&cells[k]));
    }
    t.fmt();
    Value::InlineTable(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shown(v: Value) -> String {
        v.to_string().trim().to_string()
    }

    #[test]
    fn values_are_written_as_a_person_would_type_them() {
        assert_eq!(shown(to_toml(&json!("3"), FieldKind::Intero)), "3");
        assert_eq!(shown(to_toml(&json!("tre"), FieldKind::Intero)), "\"tre\"");
        assert_eq!(
            shown(to_toml(&json!("12,5"), FieldKind::Percentuale)),
            "\"12,5\""
        );
        assert_eq!(shown(to_toml(&json!(70), FieldKind::Percentuale)), "70");
        assert_eq!(shown(to_toml(&json!(12.5), FieldKind::Percentuale)), "12.5");
        assert_eq!(
            shown(to_toml(&json!("da determinare"), FieldKind::Importo)),
            "\"da determinare\""
        );
        assert_eq!(
            shown(to_toml(&json!("2024-01-31"), FieldKind::Data)),
            "2024-01-31"
        );
        assert_eq!(
            shown(to_toml(&json!("31.01.2024"), FieldKind::Data)),
            "\"31.01.2024\""
        );
        assert_eq!(shown(to_toml(&json!("2024"), FieldKind::AnnoOData)), "2024");
        assert_eq!(
            shown(to_toml(&json!("31.10"), FieldKind::AnnoOData)),
            "\"31.10\""
        );
        assert_eq!(
            shown(to_toml(
                &json!({"dicembre": 50, "2024": "", "novembre": "50", "precedenti": 0}),
                FieldKind::Cronoprogramma
            )),
            "{ precedenti = 0, novembre = 50, dicembre = 50 }"
        );
        assert_eq!(
            shown(to_toml(
                &json!({"nome": "Maria", "cognome": "Rossi"}),
                FieldKind::Persona
            )),
            "{ cognome = \"Rossi\", nome = \"Maria\" }"
        );
        assert_eq!(
            shown(to_toml(&json!("5, 6"), FieldKind::ElencoInteri)),
            "[5, 6]"
        );
        assert_eq!(shown(to_toml(&json!("sì"), FieldKind::SiNo)), "true");
    }
}

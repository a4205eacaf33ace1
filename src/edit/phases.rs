//! Phases keep their numbers in order (1, 2, 3 … without gaps): when a phase is added,
//! removed or moved, the phases are renumbered and the requested changes that name a
//! phase (`fase`, `fasi`, `cronoprogrammi`) follow it to its new number. A phase that
//! a requested change names cannot be removed: the change would silently point at
//! another phase.

use std::collections::HashMap;

use toml_edit::{DocumentMut, Item, Table, Value};

use super::path::FieldPath;
use super::tree::replace;
use super::EditError;
use crate::load::Seg;

/// Whether `list` is the phases of an objective.
pub fn is_phase_list(list: &FieldPath) -> bool {
    matches!(list.0.as_slice(), [Seg::Key(k)] if k == "fasi")
}

fn phases(doc: &DocumentMut) -> Vec<&Table> {
    doc.get("fasi")
        .and_then(Item::as_array_of_tables)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// The number of each phase, in the file's order (its place when it has none).
pub fn numbers(doc: &DocumentMut) -> Vec<i64> {
    phases(doc)
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.get("numero")
                .and_then(Item::as_integer)
                .unwrap_or(i as i64 + 1)
        })
        .collect()
}

/// Every change of the file, as a table.
fn changes_mut(doc: &mut DocumentMut) -> Vec<&mut Table> {
    let Some(groups) = doc
        .get_mut("variazioni")
        .and_then(Item::as_array_of_tables_mut)
    else {
        return Vec::new();
    };
    groups
        .iter_mut()
        .filter_map(|g| {
            g.get_mut("modifiche")
                .and_then(Item::as_array_of_tables_mut)
        })
        .flat_map(|m| m.iter_mut())
        .collect()
}

/// The phase numbers a change names.
fn named(change: &Table) -> Vec<i64> {
    let mut out = Vec::new();
    if let Some(n) = change.get("fase").and_then(Item::as_integer) {
        out.push(n);
    }
    if let Some(a) = change.get("fasi").and_then(Item::as_array) {
        out.extend(a.iter().filter_map(Value::as_integer));
    }
    if let Some(t) = change.get("cronoprogrammi").and_then(Item::as_inline_table) {
        out.extend(t.iter().filter_map(|(k, _)| k.trim().parse::<i64>().ok()));
    }
    out
}

/// Refuses to remove phase `n` while a requested change names it.
pub fn ensure_unreferenced(doc: &mut DocumentMut, n: i64) -> Result<(), EditError> {
    if changes_mut(doc).iter().any(|c| named(c).contains(&n)) {
        return Err(EditError::new(format!(
            "la fase {n} è citata da una variazione richiesta: togli o cambia prima quella variazione"
        )));
    }
    Ok(())
}

/// Numbers the phases 1, 2, 3 … in their order; `old[i]` is the number the phase now
/// at place `i` had (`None` for a new one). Changes that name a phase follow it.
pub fn renumber(doc: &mut DocumentMut, old: &[Option<i64>]) -> Result<(), EditError> {
    let mut map: HashMap<i64, i64> = HashMap::new();
    if let Some(list) = doc.get_mut("fasi").and_then(Item::as_array_of_tables_mut) {
        for (i, t) in list.iter_mut().enumerate() {
            let new = i as i64 + 1;
            if let Some(Some(o)) = old.get(i) {
                map.insert(*o, new);
            }
            match t.get_mut("numero") {
                Some(Item::Value(v)) => replace(v, &Value::from(new)),
                _ => {
                    // A new phase: its number first, as the other phases have it.
                    let mut fresh = Table::new();
                    fresh.insert("numero", toml_edit::value(new));
                    for (k, v) in t.iter() {
                        fresh.insert(k, v.clone());
                    }
                    fresh.set_position(t.position());
                    *fresh.decor_mut() = t.decor().clone();
                    *t = fresh;
                }
            }
        }
    }
    let follow = |n: i64| map.get(&n).copied().unwrap_or(n);
    for change in changes_mut(doc) {
        if let Some(Item::Value(v)) = change.get_mut("fase") {
            if let Some(n) = v.as_integer() {
                replace(v, &Value::from(follow(n)));
            }
        }
        if let Some(Item::Value(Value::Array(a))) = change.get_mut("fasi") {
            for v in a.iter_mut() {
                if let Some(n) = v.as_integer() {
                    replace(v, &Value::from(follow(n)));
                }
            }
        }
        if let Some(Item::Value(Value::InlineTable(t))) = change.get_mut("cronoprogrammi") {
            let entries: Vec<(String, Value)> =
                t.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
            if entries
                .iter()
                .any(|(k, _)| k.trim().parse::<i64>().is_ok_and(|n| follow(n) != n))
            {
                t.clear();
                for (k, v) in entries {
                    let key = match k.trim().parse::<i64>() {
                        Ok(n) => follow(n).to_string(),
                        Err(_) => k,
                    };
                    t.insert(key, v);
                }
            }
        }
    }
    Ok(())
}

//! Edits: operations in the model's terms (set a field, add, remove or move an element
//! of a list, request a change of the catalogue), applied to a file's `toml_edit`
//! document, so that everything the edit does not touch (comments, blank lines, key
//! order) stays as it was, byte for byte.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use toml_edit::{DocumentMut, Item, Table, Value};

use super::form::{FieldKind, FormField};
use super::path::FieldPath;
use super::place::FileKind;
use super::{phases, request, shape, tree, value, EditError};
use crate::load::Seg;

/// One edit of a content file, as a page sends it (JSON, `"op"` says which).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// Writes one field: a text, a number, a whole cronoprogramma or one of its cells,
    /// a person. An empty value removes an optional field.
    Set { field: FieldPath, value: Json },
    /// Adds an element to a list (a phase, an indicator of a group, a staff row, a
    /// resource, a direzione, a sezione…), at `position` (at the end without). A new
    /// phase is numbered after its place, and the phases after it renumbered.
    Add {
        list: FieldPath,
        #[serde(default)]
        position: Option<usize>,
        #[serde(default)]
        values: Map<String, Json>,
    },
    /// Removes an element of a list.
    Remove { item: FieldPath },
    /// Moves an element of a list to `position` in the same list.
    Move { item: FieldPath, position: usize },
    /// Requests a change of the catalogue (`tipo`), with its fields and its motivazione.
    Request {
        tipo: String,
        #[serde(default)]
        fields: Map<String, Json>,
        motivazione: Motivation,
    },
}

/// The motivazione of a requested change: its own, or the one of a group of changes
/// already asked (the changes of a group share it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Motivation {
    /// A new group with this motivazione.
    New(String),
    /// Added to the group `variazioni[n]`.
    Shared(usize),
}

/// Applies `edit` to the document of a file of `kind`.
pub fn apply(doc: &mut DocumentMut, kind: FileKind, edit: &Edit) -> Result<(), EditError> {
    match edit {
        Edit::Set { field, value } => set(doc, kind, field, value),
        Edit::Add {
            list,
            position,
            values,
        } => add(doc, kind, list, *position, values),
        Edit::Remove { item } => remove(doc, kind, item),
        Edit::Move { item, position } => move_to(doc, kind, item, *position),
        Edit::Request {
            tipo,
            fields,
            motivazione,
        } => request::request(doc, kind, tipo, fields, motivazione),
    }
}

fn set(
    doc: &mut DocumentMut,
    kind: FileKind,
    field: &FieldPath,
    v: &Json,
) -> Result<(), EditError> {
    let shape = shape::of(kind, field).map_err(|e| e.at(field))?;
    let leaf = shape
        .kind()
        .ok_or_else(|| EditError::new("manca il campo da scrivere"))?;
    if matches!(leaf, FieldKind::Elenco) {
        return Err(EditError::new(
            "un elenco si cambia aggiungendo, togliendo o spostando i suoi elementi",
        )
        .at(field));
    }
    if is_phase_number(field) {
        return Err(EditError::new(
            "il numero della fase segue il suo posto nell'elenco: sposta la fase invece di rinumerarla",
        )
        .at(field));
    }
    let new = if value::is_empty(v) && !shape.required {
        None
    } else {
        Some(value::to_toml(v, leaf))
    };
    let order = |n: usize| shape::keys_at(kind, &field.0[..n]);
    tree::set(
        doc.as_table_mut(),
        &field.0,
        &shape.kinds,
        new.as_ref(),
        &order,
    )
    .map_err(|e| e.at(field))
}

/// `fasi[n].numero`: given by the phase's place.
fn is_phase_number(field: &FieldPath) -> bool {
    matches!(field.0.as_slice(), [Seg::Key(f), Seg::Index(_), Seg::Key(n)] if f == "fasi" && n == "numero")
}

/// A new table for an element of a list with `fields`, holding `values` in the
/// order of the form (the model's), empty optional ones left out.
pub(crate) fn element(
    fields: &[FormField],
    values: &Map<String, Json>,
) -> Result<Table, EditError> {
    if let Some(k) = values
        .keys()
        .find(|k| !fields.iter().any(|f| f.chiave == **k))
    {
        return Err(EditError::new(format!(
            "«{k}» non è un campo di questo elenco"
        )));
    }
    let mut t = Table::new();
    for f in fields {
        let Some(v) = values.get(&f.chiave) else {
            continue;
        };
        if value::is_empty(v) && !f.obbligatorio {
            continue;
        }
        if f.tipo == FieldKind::Elenco {
            return Err(EditError::new(format!(
                "«{}» è un elenco: i suoi elementi si aggiungono dopo, uno per uno",
                f.chiave
            )));
        }
        if f.tipo == FieldKind::Gruppo {
            return Err(EditError::new(format!(
                "«{}» è un gruppo: i suoi campi si scrivono dopo, uno per uno",
                f.chiave
            )));
        }
        t.insert(&f.chiave, Item::Value(value::to_toml(v, f.tipo)));
    }
    Ok(t)
}

fn add(
    doc: &mut DocumentMut,
    kind: FileKind,
    list: &FieldPath,
    position: Option<usize>,
    values: &Map<String, Json>,
) -> Result<(), EditError> {
    let shape = shape::of(kind, list).map_err(|e| e.at(list))?;
    if shape.kind() != Some(FieldKind::Elenco) {
        return Err(EditError::new("qui non c'è un elenco a cui aggiungere").at(list));
    }
    let table = element(&shape.fields, values).map_err(|e| e.at(list))?;
    let is_phases = phases::is_phase_list(list);
    if !is_phases {
        if let Some(array) = inline_array_mut(doc, list) {
            let at = position.unwrap_or(array.len()).min(array.len());
            let mut element = table.into_inline_table();
            element.fmt();
            inline_insert(array, at, Value::InlineTable(element));
            return Ok(());
        }
    }
    let before = is_phases.then(|| phases::numbers(doc));
    let tables = list_mut(doc, kind, list, &shape.kinds, true)?;
    let at = position.unwrap_or(tables.len()).min(tables.len());
    let mut table = table;
    if let Some(next) = tables.get(at) {
        // Shown where it is put: in the place of the element it goes before.
        table.set_position(next.position());
    }
    tables.insert(at, table);
    if let Some(before) = before {
        let mut old: Vec<Option<i64>> = before.into_iter().map(Some).collect();
        old.insert(at, None);
        phases::renumber(doc, &old)?;
    }
    Ok(())
}

fn remove(doc: &mut DocumentMut, kind: FileKind, item: &FieldPath) -> Result<(), EditError> {
    let (list, index) = element_of(kind, item)?;
    let shape = shape::of(kind, &list)?;
    let is_phases = phases::is_phase_list(&list);
    let before = is_phases.then(|| phases::numbers(doc));
    if let Some(numbers) = &before {
        if let Some(n) = numbers.get(index) {
            phases::ensure_unreferenced(doc, *n).map_err(|e| e.at(item))?;
        }
    }
    if !is_phases {
        if let Some(array) = inline_array_mut(doc, &list) {
            if index >= array.len() {
                return Err(gone(item));
            }
            inline_remove(array, index);
            return Ok(());
        }
    }
    let tables = list_mut(doc, kind, &list, &shape.kinds, false)?;
    if index >= tables.len() {
        return Err(gone(item));
    }
    let removed = tables.remove(index);
    // The comment above the first element introduces the list: it stays.
    if index == 0 {
        if let Some(first) = tables.get_mut(0) {
            let prefix = removed.decor().prefix().cloned();
            if let Some(p) = prefix {
                first.decor_mut().set_prefix(p);
            }
        }
    }
    let now_empty = tables.is_empty();
    if let Some(before) = before {
        let mut old: Vec<Option<i64>> = before.into_iter().map(Some).collect();
        old.remove(index);
        phases::renumber(doc, &old)?;
    }
    if now_empty {
        drop_empty(doc, &list)?;
    }
    Ok(())
}

fn move_to(
    doc: &mut DocumentMut,
    kind: FileKind,
    item: &FieldPath,
    position: usize,
) -> Result<(), EditError> {
    let (list, index) = element_of(kind, item)?;
    let shape = shape::of(kind, &list)?;
    let is_phases = phases::is_phase_list(&list);
    let before = is_phases.then(|| phases::numbers(doc));
    if !is_phases {
        if let Some(array) = inline_array_mut(doc, &list) {
            if index >= array.len() {
                return Err(gone(item));
            }
            let to = position.min(array.len() - 1);
            keeping_layout(array, |a| {
                let element = a.remove(index);
                a.insert_formatted(to, element);
            });
            return Ok(());
        }
    }
    let tables = list_mut(doc, kind, &list, &shape.kinds, false)?;
    if index >= tables.len() {
        return Err(gone(item));
    }
    let to = position.min(tables.len() - 1);
    if to == index {
        return Ok(());
    }
    // The places in the file stay where they are; the elements change places.
    let places: Vec<Option<isize>> = tables.iter().map(|t| t.position()).collect();
    let prefixes: Vec<_> = tables.iter().map(|t| t.decor().prefix().cloned()).collect();
    let moved = tables.remove(index);
    tables.insert(to, moved);
    for (i, t) in tables.iter_mut().enumerate() {
        t.set_position(places[i]);
        if let Some(p) = prefixes[i].clone() {
            t.decor_mut().set_prefix(p);
        }
    }
    if let Some(before) = before {
        let mut old: Vec<Option<i64>> = before.into_iter().map(Some).collect();
        let n = old.remove(index);
        old.insert(to, n);
        phases::renumber(doc, &old)?;
    }
    Ok(())
}

/// An element asked for that the file no longer has.
fn gone(item: &FieldPath) -> EditError {
    EditError::new("questo elemento non c'è più (forse il file è cambiato)").at(item)
}

/// The list an element path is in, and its position.
fn element_of(kind: FileKind, item: &FieldPath) -> Result<(FieldPath, usize), EditError> {
    match item.split_last() {
        Some((list, Seg::Index(i))) => {
            let shape = shape::of(kind, &list).map_err(|e| e.at(item))?;
            if shape.kind() != Some(FieldKind::Elenco) {
                return Err(EditError::new("questo non è un elemento di un elenco").at(item));
            }
            Ok((list, *i))
        }
        _ => Err(EditError::new("questo non è un elemento di un elenco").at(item)),
    }
}

/// The tables of the list at `path` (created when `create` and missing).
pub(crate) fn list_mut<'a>(
    doc: &'a mut DocumentMut,
    kind: FileKind,
    path: &FieldPath,
    kinds: &[FieldKind],
    create: bool,
) -> Result<&'a mut toml_edit::ArrayOfTables, EditError> {
    let mut table: &mut Table = doc.as_table_mut();
    let segs = &path.0;
    let mut i = 0;
    loop {
        let Some(Seg::Key(key)) = segs.get(i) else {
            return Err(EditError::new("qui non c'è un elenco").at(path));
        };
        let last = i + 1 == segs.len();
        if !table.contains_key(key) {
            if !create {
                return Err(EditError::new("questo elenco non c'è").at(path));
            }
            let item = if last || kinds.get(i) == Some(&FieldKind::Elenco) {
                Item::ArrayOfTables(toml_edit::ArrayOfTables::new())
            } else {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            };
            tree::insert_in_place(table, key, item, &shape::keys_at(kind, &segs[..i]));
        }
        let item = table
            .get_mut(key)
            .ok_or_else(|| EditError::new("qui non c'è un elenco"))?;
        if last {
            return item
                .as_array_of_tables_mut()
                .ok_or_else(|| inline_list(path));
        }
        table = match item {
            Item::Table(t) => t,
            Item::ArrayOfTables(list) => {
                let Some(Seg::Index(n)) = segs.get(i + 1) else {
                    return Err(inline_list(path));
                };
                i += 1;
                list.get_mut(*n)
                    .ok_or_else(|| EditError::new("questo elemento non c'è più").at(path))?
            }
            _ => return Err(inline_list(path)),
        };
        i += 1;
    }
}

/// The list at `path` when the file writes it on its own lines as `campo = [ {…}, … ]`
/// (an inline list of elements), reached through tables and `[[…]]` elements.
fn inline_array_mut<'a>(
    doc: &'a mut DocumentMut,
    path: &FieldPath,
) -> Option<&'a mut toml_edit::Array> {
    let mut table: &mut Table = doc.as_table_mut();
    let segs = &path.0;
    let mut i = 0;
    loop {
        let Seg::Key(key) = segs.get(i)? else {
            return None;
        };
        let item = table.get_mut(key)?;
        if i + 1 == segs.len() {
            return match item {
                Item::Value(Value::Array(a)) if a.iter().all(|v| v.is_inline_table()) => Some(a),
                _ => None,
            };
        }
        table = match item {
            Item::Table(t) => t,
            Item::ArrayOfTables(list) => {
                let Some(Seg::Index(n)) = segs.get(i + 1) else {
                    return None;
                };
                i += 1;
                list.get_mut(*n)?
            }
            _ => return None,
        };
        i += 1;
    }
}

/// Changes the elements of an inline list with `change`, keeping its layout by place:
/// the element in each place gets the comment and line break the place had (a new last
/// place those of the last one), so a list written one element per line stays so.
fn keeping_layout<T>(
    array: &mut toml_edit::Array,
    change: impl FnOnce(&mut toml_edit::Array) -> T,
) -> T {
    let decors: Vec<(Option<toml_edit::RawString>, Option<toml_edit::RawString>)> = array
        .iter()
        .map(|v| (v.decor().prefix().cloned(), v.decor().suffix().cloned()))
        .collect();
    let out = change(array);
    for (i, v) in array.iter_mut().enumerate() {
        if let Some((prefix, suffix)) = decors.get(i).or(decors.last()) {
            let d = v.decor_mut();
            match prefix {
                Some(p) => d.set_prefix(p.clone()),
                None => d.clear(),
            }
            if let Some(s) = suffix {
                d.set_suffix(s.clone());
            }
        }
    }
    out
}

fn inline_insert(array: &mut toml_edit::Array, at: usize, value: Value) {
    keeping_layout(array, |a| a.insert_formatted(at, value));
}

fn inline_remove(array: &mut toml_edit::Array, index: usize) -> Value {
    keeping_layout(array, |a| a.remove(index))
}

fn inline_list(path: &FieldPath) -> EditError {
    EditError::new(
        "questo elenco è scritto nel file in una forma che dal browser non so cambiare (le fasi su una riga sola): aggiungi, togli o sposta i suoi elementi aprendo il file",
    )
    .at(path)
}

/// Removes a list left empty: a group of changes with no change left goes too.
fn drop_empty(doc: &mut DocumentMut, list: &FieldPath) -> Result<(), EditError> {
    let Some((parent, Seg::Key(key))) = list.split_last() else {
        return Ok(());
    };
    let key = key.clone();
    if parent.0.is_empty() {
        doc.as_table_mut().remove(&key);
        return Ok(());
    }
    // `variazioni[n].modifiche` empty: the group `variazioni[n]` has nothing to ask.
    if let [Seg::Key(v), Seg::Index(n)] = parent.0.as_slice() {
        if v == "variazioni" && key == "modifiche" {
            if let Some(groups) = doc
                .as_table_mut()
                .get_mut("variazioni")
                .and_then(Item::as_array_of_tables_mut)
            {
                if *n < groups.len() {
                    groups.remove(*n);
                }
                if groups.is_empty() {
                    doc.as_table_mut().remove("variazioni");
                }
            }
        }
    }
    Ok(())
}

/// A value of the document (`None` when absent, or when the path ends at a group or a
/// list written as sections).
pub fn read(doc: &DocumentMut, path: &FieldPath) -> Option<Value> {
    read_in_table(doc.as_table(), &path.0)
}

fn read_in_table(t: &Table, segs: &[Seg]) -> Option<Value> {
    let (Seg::Key(k), rest) = segs.split_first()? else {
        return None;
    };
    match t.get(k)? {
        Item::Table(t) => read_in_table(t, rest),
        Item::ArrayOfTables(a) => match rest.split_first()? {
            (Seg::Index(i), rest) => read_in_table(a.get(*i)?, rest),
            _ => None,
        },
        Item::Value(v) => read_in_value(v, rest),
        Item::None => None,
    }
}

fn read_in_value(v: &Value, segs: &[Seg]) -> Option<Value> {
    let Some((seg, rest)) = segs.split_first() else {
        return Some(v.clone());
    };
    match (v, seg) {
        (Value::InlineTable(t), Seg::Key(k)) => read_in_value(t.get(k)?, rest),
        (Value::Array(a), Seg::Index(i)) => read_in_value(a.get(*i)?, rest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::edited;
    use serde_json::json;

    const SCHEDA: &str = r#"# Obiettivo di prova
numero = 1
titolo = "Prova"   # il titolo approvato
azione = "modificare"

# --- Fasi ---

[[fasi]]
numero = 1
descrizione = "uno"
cronoprogramma = { marzo = 100 }

[[fasi]]
numero = 2
descrizione = "due"
cronoprogramma = { aprile = 100 }

[[fasi]]
numero = 3
descrizione = "tre"
cronoprogramma = { maggio = 100 }

[[indicatori.quantita]]
id = "a"
descrizione = "A"

[[personale]]
nome = "ROSSI MARIA"
partecipazione = 100

[[variazioni]]
motivazione = "perché sì"

[[variazioni.modifiche]]
tipo = "riformulare_fase"
fase = 3
testo = "tre bis"
"#;

    fn run(edits: &[Edit]) -> Result<String, EditError> {
        edited(Some(SCHEDA), FileKind::Gestionale, edits)
    }

    fn p(s: &str) -> FieldPath {
        FieldPath::parse(s).unwrap()
    }

    fn values(v: serde_json::Value) -> Map<String, Json> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn a_text_is_set_in_place() {
        let out = run(&[Edit::Set {
            field: p("titolo"),
            value: json!("Nuovo"),
        }])
        .unwrap();
        assert_eq!(
            out,
            SCHEDA.replace("titolo = \"Prova\"", "titolo = \"Nuovo\"")
        );
        // An empty optional field goes away; an empty required one stays, empty.
        let out = run(&[
            Edit::Set {
                field: p("indicatori.quantita[0].id"),
                value: json!(""),
            },
            Edit::Set {
                field: p("indicatori.quantita[0].descrizione"),
                value: json!(""),
            },
        ])
        .unwrap();
        assert!(
            !out.contains("id = \"a\"") && out.contains("descrizione = \"\""),
            "{out}"
        );
    }

    #[test]
    fn phases_are_added_removed_and_moved_with_their_numbers_and_references() {
        // A new phase before the second: numbered 2, the others follow, and the change
        // on phase 3 follows its phase to 4.
        let out = run(&[Edit::Add {
            list: p("fasi"),
            position: Some(1),
            values: values(json!({"descrizione": "nuova", "cronoprogramma": {"giugno": 100}})),
        }])
        .unwrap();
        let doc: DocumentMut = out.parse().unwrap();
        let texts: Vec<String> = (0..4)
            .map(|i| {
                read(&doc, &p(&format!("fasi[{i}].descrizione")))
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(texts, ["uno", "nuova", "due", "tre"]);
        for i in 0..4 {
            let n = read(&doc, &p(&format!("fasi[{i}].numero"))).unwrap();
            assert_eq!(n.as_integer(), Some(i as i64 + 1), "{out}");
        }
        assert_eq!(
            read(&doc, &p("variazioni[0].modifiche[0].fase"))
                .unwrap()
                .as_integer(),
            Some(4)
        );
        // In the file, in its place: between phase 1 and the old phase 2.
        let at_new = out.find("\"nuova\"").unwrap();
        assert!(out.find("\"uno\"").unwrap() < at_new && at_new < out.find("\"due\"").unwrap());
        assert!(out.contains("cronoprogramma = { giugno = 100 }"), "{out}");
        assert!(
            out.starts_with("# Obiettivo di prova\n")
                && out.contains("# --- Fasi ---\n\n[[fasi]]\nnumero = 1\ndescrizione = \"uno\""),
            "{out}"
        );

        // Moving phase 3 first: its change follows it to 1.
        let out = run(&[Edit::Move {
            item: p("fasi[2]"),
            position: 0,
        }])
        .unwrap();
        let doc: DocumentMut = out.parse().unwrap();
        assert_eq!(
            read(&doc, &p("fasi[0].descrizione")).unwrap().as_str(),
            Some("tre")
        );
        assert_eq!(
            read(&doc, &p("fasi[0].numero")).unwrap().as_integer(),
            Some(1)
        );
        assert_eq!(
            read(&doc, &p("variazioni[0].modifiche[0].fase"))
                .unwrap()
                .as_integer(),
            Some(1)
        );
        assert!(
            out.find("\"tre\"").unwrap() < out.find("\"uno\"").unwrap(),
            "{out}"
        );
        // The comment that opens the list stays at its top.
        assert!(
            out.contains("# --- Fasi ---\n\n[[fasi]]\nnumero = 1\ndescrizione = \"tre\""),
            "{out}"
        );

        // Removing phase 1: phase 3 becomes 2, its change follows.
        let out = run(&[Edit::Remove { item: p("fasi[0]") }]).unwrap();
        let doc: DocumentMut = out.parse().unwrap();
        assert_eq!(
            read(&doc, &p("fasi[1].descrizione")).unwrap().as_str(),
            Some("tre")
        );
        assert_eq!(
            read(&doc, &p("fasi[1].numero")).unwrap().as_integer(),
            Some(2)
        );
        assert_eq!(
            read(&doc, &p("variazioni[0].modifiche[0].fase"))
                .unwrap()
                .as_integer(),
            Some(2)
        );
        assert!(out.contains("# --- Fasi ---"), "{out}");

        // A phase a change names cannot be removed.
        let e = run(&[Edit::Remove { item: p("fasi[2]") }]).unwrap_err();
        assert!(e.message.contains("citata da una variazione"), "{e:?}");
        // Its number is not typed: it follows its place.
        let e = run(&[Edit::Set {
            field: p("fasi[0].numero"),
            value: json!(7),
        }])
        .unwrap_err();
        assert!(e.message.contains("sposta la fase"), "{e:?}");
    }

    #[test]
    fn indicators_staff_and_resources_are_added_and_removed() {
        let out = run(&[
            Edit::Add {
                list: p("indicatori.costo"),
                position: None,
                values: values(json!({"descrizione": "spesa", "atteso": "≤ 1.000 €"})),
            },
            Edit::Add {
                list: p("personale"),
                position: None,
                values: values(
                    json!({"nome": "BIANCHI ANNA", "categoria": "C", "partecipazione": "12,5"}),
                ),
            },
            Edit::Add {
                list: p("risorse"),
                position: None,
                values: values(json!({"tipologia": "Formazione", "costo": 1000})),
            },
            Edit::Remove {
                item: p("indicatori.quantita[0]"),
            },
        ])
        .unwrap();
        assert!(
            out.contains("[[indicatori.costo]]\ndescrizione = \"spesa\"\natteso = \"≤ 1.000 €\""),
            "{out}"
        );
        assert!(out.contains("[[personale]]\ncategoria = \"C\"\nnome = \"BIANCHI ANNA\"\npartecipazione = \"12,5\""), "{out}");
        assert!(
            out.contains("[[risorse]]\ntipologia = \"Formazione\"\ncosto = 1000"),
            "{out}"
        );
        assert!(!out.contains("[[indicatori.quantita]]"), "{out}");
        // New lists go where the model has them: resources before the changes.
        assert!(
            out.find("[[risorse]]").unwrap() < out.find("[[variazioni]]").unwrap(),
            "{out}"
        );
        // The model reads them.
        #[derive(serde::Deserialize)]
        struct Lists {
            personale: Vec<crate::model::Staff>,
            risorse: Vec<crate::model::Resource>,
        }
        let lists: Lists = toml::from_str(&out).unwrap();
        assert_eq!(lists.personale.len(), 2);
        assert_eq!(
            lists.personale[1].partecipazione.get_ref().0.to_string(),
            "12.5"
        );
        assert_eq!(lists.risorse.len(), 1);
        // A key a list element does not have is refused.
        let e = run(&[Edit::Add {
            list: p("personale"),
            position: None,
            values: values(json!({"stipendio": 1})),
        }])
        .unwrap_err();
        assert!(e.message.contains("non è un campo"), "{e:?}");
    }

    #[test]
    fn changes_are_requested_with_their_own_or_a_shared_motivazione() {
        let out = run(&[
            Edit::Request {
                tipo: "eliminare_fase".into(),
                fields: values(json!({"fase": "2"})),
                motivazione: Motivation::Shared(0),
            },
            Edit::Request {
                tipo: "variazione_target".into(),
                fields: values(json!({"indicatore": "a", "target": "< 2%"})),
                motivazione: Motivation::New("un'altra ragione".into()),
            },
        ])
        .unwrap();
        assert!(
            out.ends_with("[[variazioni.modifiche]]\ntipo = \"riformulare_fase\"\nfase = 3\ntesto = \"tre bis\"\n\n[[variazioni.modifiche]]\ntipo = \"eliminare_fase\"\nfase = 2\n\n[[variazioni]]\nmotivazione = \"un'altra ragione\"\n\n[[variazioni.modifiche]]\ntipo = \"variazione_target\"\nindicatore = \"a\"\ntarget = \"< 2%\"\n"),
            "{out}"
        );
        // Withdrawing the only change of a group withdraws the group.
        let out2 = edited(
            Some(&out),
            FileKind::Gestionale,
            &[Edit::Remove {
                item: p("variazioni[1].modifiche[0]"),
            }],
        )
        .unwrap();
        assert!(!out2.contains("un'altra ragione"), "{out2}");
        // A kind the catalogue does not have, or a field it does not take: refused.
        for (tipo, fields) in [
            ("spostare_fase", json!({})),
            ("eliminare_fase", json!({"fase": 1, "testo": "x"})),
            ("riformulare_attivita", json!({})),
        ] {
            assert!(
                run(&[Edit::Request {
                    tipo: tipo.into(),
                    fields: values(fields),
                    motivazione: Motivation::New("m".into()),
                }])
                .is_err(),
                "{tipo}"
            );
        }
        // The elimination of the objective is written where the model has it.
        let out = run(&[Edit::Request {
            tipo: "eliminare_obiettivo".into(),
            fields: values(json!({"azione": "eliminare"})),
            motivazione: Motivation::New("non serve più".into()),
        }])
        .unwrap();
        assert!(
            out.contains("azione = \"eliminare\"\nmotivazione = \"non serve più\""),
            "{out}"
        );
    }

    #[test]
    fn edits_read_as_json() {
        let e: Edit = serde_json::from_value(json!({
            "op": "set", "field": "fasi[2].cronoprogramma.dicembre", "value": 50
        }))
        .unwrap();
        assert_eq!(
            e,
            Edit::Set {
                field: p("fasi[2].cronoprogramma.dicembre"),
                value: json!(50)
            }
        );
        let e: Edit = serde_json::from_value(json!({
            "op": "request", "tipo": "eliminare_fase", "fields": {"fase": 1},
            "motivazione": {"shared": 0}
        }))
        .unwrap();
        assert!(matches!(
            e,
            Edit::Request {
                motivazione: Motivation::Shared(0),
                ..
            }
        ));
        assert!(
            serde_json::from_value::<Edit>(json!({"op": "set", "field": "../x", "value": 1}))
                .is_err()
        );
    }
}

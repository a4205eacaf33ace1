//! Setting and removing one value of a `toml_edit` document at a field path, creating
//! what is missing on the way, in the form a person would have written it (lists of
//! tables as `[[…]]`, groups as sections, grids and persons inline). A replaced value
//! keeps its place and the comment after it.

use toml_edit::{Array, ArrayOfTables, InlineTable, Item, Table, Value};

use super::form::FieldKind;
use super::EditError;
use crate::load::Seg;

/// The keys of the table reached after `n` steps of the path, in the order the model
/// declares them: where a new key goes.
pub type Order<'a> = &'a dyn Fn(usize) -> Vec<String>;

/// Sets (`Some`) or removes (`None`) the value at `segs` in `table`; `kinds` gives the
/// kind of the node after each step, `order` where a new key goes.
pub fn set(
    table: &mut Table,
    segs: &[Seg],
    kinds: &[FieldKind],
    new: Option<&Value>,
    order: Order,
) -> Result<(), EditError> {
    let depth = kinds.len().saturating_sub(segs.len());
    let Some(Seg::Key(key)) = segs.first() else {
        return Err(shape_error());
    };
    if segs.len() == 1 {
        match (new, table.get_mut(key)) {
            (None, _) => {
                table.remove(key);
            }
            (Some(v), Some(Item::Value(old))) => replace(old, v),
            (Some(v), Some(Item::None) | None) => {
                insert_in_place(table, key, Item::Value(v.clone()), &order(depth));
            }
            (Some(_), Some(_)) => {
                return Err(EditError::new(
                    "questo campo è un gruppo o un elenco: si scrivono i suoi campi uno per uno",
                ))
            }
        }
        return Ok(());
    }
    if !table.contains_key(key) {
        if new.is_none() {
            return Ok(());
        }
        let item = match kinds[depth] {
            FieldKind::Elenco => Item::ArrayOfTables(ArrayOfTables::new()),
            FieldKind::Gruppo => {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            }
            kind => Item::Value(empty(kind, &segs[1])),
        };
        insert_in_place(table, key, item, &order(depth));
    }
    let child = table.get_mut(key).ok_or_else(shape_error)?;
    set_item(child, &segs[1..], kinds, new, order)
}

/// Inserts a new key where the model declares it: before the first key already there
/// that the model declares after it (that key and all that follow it in the file keep
/// their order, after the new one).
pub fn insert_in_place(table: &mut Table, key: &str, item: Item, order: &[String]) {
    table.insert(key, item);
    let Some(me) = order.iter().position(|k| k == key) else {
        return;
    };
    let existing: Vec<String> = table
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| k != key)
        .collect();
    let later = |k: &String| order.iter().position(|o| o == k).is_some_and(|p| p > me);
    let Some(first) = existing.iter().position(later) else {
        return;
    };
    for k in &existing[first..] {
        if let Some((k, item)) = table.remove_entry(k) {
            table.insert_formatted(&k, item);
        }
    }
}

fn set_item(
    item: &mut Item,
    segs: &[Seg],
    kinds: &[FieldKind],
    new: Option<&Value>,
    order: Order,
) -> Result<(), EditError> {
    let depth = kinds.len() - segs.len();
    match item {
        Item::Table(t) => set(t, segs, kinds, new, order),
        Item::ArrayOfTables(list) => {
            let Seg::Index(i) = segs[0] else {
                return Err(shape_error());
            };
            if segs.len() == 1 {
                return Err(EditError::new(
                    "un elemento di un elenco si aggiunge o si toglie, non si scrive intero",
                ));
            }
            if i == list.len() && new.is_some() {
                list.push(Table::new());
            }
            let t = list.get_mut(i).ok_or_else(|| missing(i))?;
            set(t, &segs[1..], kinds, new, order)
        }
        Item::Value(v) => set_value(v, segs, &kinds[depth..], new),
        Item::None => Err(shape_error()),
    }
}

fn set_value(
    value: &mut Value,
    segs: &[Seg],
    kinds: &[FieldKind],
    new: Option<&Value>,
) -> Result<(), EditError> {
    // A value where a group is wanted (a person written as one text, now given its
    // surname): the group takes its place.
    let fits = matches!(
        (&*value, &segs[0]),
        (Value::InlineTable(_), Seg::Key(_)) | (Value::Array(_), Seg::Index(_))
    );
    if !fits {
        if new.is_none() {
            return Ok(());
        }
        let kind = kinds.first().copied().unwrap_or(FieldKind::Gruppo);
        let parent_kind = match segs[0] {
            Seg::Key(_) => FieldKind::Gruppo,
            Seg::Index(_) => kind,
        };
        replace(value, &empty(parent_kind, &segs[0]));
    }
    match (value, &segs[0]) {
        (Value::InlineTable(t), Seg::Key(k)) => {
            if segs.len() == 1 {
                match (new, t.get_mut(k)) {
                    (None, _) => {
                        t.remove(k);
                    }
                    (Some(v), Some(old)) => replace(old, v),
                    (Some(v), None) => push_inline(t, k, v),
                }
                return Ok(());
            }
            if !t.contains_key(k) {
                if new.is_none() {
                    return Ok(());
                }
                t.insert(k.as_str(), empty(kinds[0], &segs[1]));
            }
            let child = t.get_mut(k).ok_or_else(shape_error)?;
            set_value(child, &segs[1..], &kinds[1..], new)
        }
        (Value::Array(a), Seg::Index(i)) => {
            let i = *i;
            if segs.len() == 1 {
                match new {
                    None if i < a.len() => {
                        a.remove(i);
                    }
                    None => {}
                    Some(v) if i < a.len() => {
                        let old = a.get_mut(i).ok_or_else(|| missing(i))?;
                        replace(old, v);
                    }
                    Some(v) if i == a.len() => a.push(v.clone()),
                    Some(_) => return Err(missing(i)),
                }
                return Ok(());
            }
            if i == a.len() && new.is_some() {
                a.push(empty(kinds[0], &segs[1]));
            }
            let child = a.get_mut(i).ok_or_else(|| missing(i))?;
            set_value(child, &segs[1..], &kinds[1..], new)
        }
        _ => Err(shape_error()),
    }
}

/// Adds a key at the end of an inline table, the space before `}` kept after it
/// (`{ marzo = 50 }` → `{ marzo = 50, aprile = 50 }`).
fn push_inline(t: &mut InlineTable, key: &str, v: &Value) {
    let mut new = v.clone();
    let last_suffix = t.iter_mut().last().map(|(_, last)| {
        let suffix = last.decor().suffix().cloned();
        last.decor_mut().set_suffix("");
        suffix
    });
    match last_suffix {
        Some(suffix) => {
            new.decor_mut().set_prefix(" ");
            new.decor_mut()
                .set_suffix(suffix.unwrap_or_else(|| " ".into()));
        }
        None => {
            new.decor_mut().set_prefix(" ");
            new.decor_mut().set_suffix(" ");
        }
    }
    t.insert(key, new);
}

/// An empty value to hold what comes at `next`.
fn empty(_kind: FieldKind, next: &Seg) -> Value {
    match next {
        Seg::Key(_) => {
            let mut t = InlineTable::new();
            t.fmt();
            Value::InlineTable(t)
        }
        Seg::Index(_) => Value::Array(Array::new()),
    }
}

/// Replaces a value, keeping the spaces and the comment around it.
pub fn replace(old: &mut Value, new: &Value) {
    let decor = old.decor().clone();
    *old = new.clone();
    *old.decor_mut() = decor;
}

fn shape_error() -> EditError {
    EditError::new(
        "il file ha una forma diversa da quella prevista in questo punto: correggilo a mano o con piao check",
    )
}

fn missing(i: usize) -> EditError {
    EditError::new(format!(
        "l'elemento n. {} dell'elenco non c'è (forse il file è cambiato)",
        i + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::path::FieldPath;
    use toml_edit::DocumentMut;

    fn set_path(doc: &mut DocumentMut, path: &str, kinds: &[FieldKind], v: Option<Value>) {
        let p = FieldPath::parse(path).unwrap();
        set(doc.as_table_mut(), &p.0, kinds, v.as_ref(), &|_| Vec::new()).unwrap();
    }

    #[test]
    fn values_are_replaced_in_place_with_their_comments() {
        let text = "# testa\ntitolo = \"a\"   # nota\n\n[[fasi]]\nnumero = 1\ncronoprogramma = { marzo = 50, aprile = 50 }  # x\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        use FieldKind::*;
        set_path(&mut doc, "titolo", &[Testo], Some(Value::from("b")));
        set_path(
            &mut doc,
            "fasi[0].cronoprogramma.aprile",
            &[Elenco, Gruppo, Cronoprogramma, Percentuale],
            Some(Value::from(30)),
        );
        set_path(
            &mut doc,
            "fasi[0].cronoprogramma.maggio",
            &[Elenco, Gruppo, Cronoprogramma, Percentuale],
            Some(Value::from(20)),
        );
        set_path(
            &mut doc,
            "delibera.organo",
            &[Gruppo, Testo],
            Some(Value::from("Giunta")),
        );
        assert_eq!(
            doc.to_string(),
            "# testa\ntitolo = \"b\"   # nota\n\n[[fasi]]\nnumero = 1\ncronoprogramma = { marzo = 50, aprile = 30, maggio = 20 }  # x\n\n[delibera]\norgano = \"Giunta\"\n"
        );
    }
}

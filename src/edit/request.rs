//! Requesting a change of the catalogue: a `[[variazioni.modifiche]]` written from the
//! kind's form ([`super::form::change_forms`], itself from the kind's `Spec`), in a new
//! `[[variazioni]]` with its motivazione or in a group that already has one. The
//! elimination of the whole objective is written where the model has it: `azione` and
//! `motivazione` of the scheda.

use serde_json::{Map, Value as Json};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::form::{change_form, FieldKind};
use super::ops::Motivation;
use super::place::FileKind;
use super::{shape, tree, value, EditError};
use crate::change::remove_objective;
use crate::load::Seg;

/// Writes the requested change `tipo` with `fields`.
pub fn request(
    doc: &mut DocumentMut,
    kind: FileKind,
    tipo: &str,
    fields: &Map<String, Json>,
    motivazione: &Motivation,
) -> Result<(), EditError> {
    let managed = match kind {
        FileKind::Gestionale => true,
        FileKind::Istituzionale => false,
        _ => return Err(EditError::new(
            "le variazioni si chiedono su una scheda di un obiettivo gestionale o istituzionale",
        )),
    };
    let form = change_form(tipo, managed).ok_or_else(|| {
        EditError::new(format!(
            "«{tipo}» non è una modifica che si può chiedere per un obiettivo {}",
            if managed {
                "gestionale"
            } else {
                "istituzionale"
            }
        ))
    })?;
    if let Some(k) = fields
        .keys()
        .find(|k| !form.campi.iter().any(|f| f.chiave == **k))
    {
        return Err(EditError::new(format!(
            "il campo «{k}» non si usa con una modifica di tipo «{tipo}»"
        )));
    }
    if tipo == remove_objective::SPEC.name {
        let Motivation::New(text) = motivazione else {
            return Err(EditError::new(
                "l'eliminazione dell'obiettivo ha una motivazione sua",
            ));
        };
        // In their places, with their comments, when the file has them.
        let root = doc.as_table_mut();
        let order = |_: usize| shape::keys_at(kind, &[]);
        let azione = [Seg::Key("azione".into())];
        let eliminare = Value::from("eliminare");
        tree::set(
            root,
            &azione,
            &[FieldKind::Scelta],
            Some(&eliminare),
            &order,
        )?;
        let motivazione = [Seg::Key("motivazione".into())];
        let text = Value::from(text.as_str());
        tree::set(
            root,
            &motivazione,
            &[FieldKind::TestoLungo],
            Some(&text),
            &order,
        )?;
        return Ok(());
    }
    let mut change = Table::new();
    change.insert("tipo", toml_edit::value(tipo));
    for f in &form.campi {
        let Some(v) = fields.get(&f.chiave) else {
            continue;
        };
        if value::is_empty(v) && !f.obbligatorio {
            continue;
        }
        let kind = match f.tipo {
            FieldKind::Gruppo | FieldKind::Elenco => FieldKind::Testo,
            k => k,
        };
        change.insert(&f.chiave, Item::Value(value::to_toml(v, kind)));
    }
    let groups = doc
        .entry("variazioni")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            EditError::new(
                "le variazioni di questo file sono scritte su una riga sola: dal browser si aggiungono solo a variazioni scritte come [[variazioni]]",
            )
        })?;
    match motivazione {
        Motivation::New(text) => {
            let mut group = Table::new();
            group.insert("motivazione", Item::Value(Value::from(text.as_str())));
            let mut list = ArrayOfTables::new();
            list.push(change);
            group.insert("modifiche", Item::ArrayOfTables(list));
            groups.push(group);
        }
        Motivation::Shared(n) => {
            let group = groups.get_mut(*n).ok_or_else(|| {
                EditError::new(format!(
                    "la variazione n. {} a cui unire la modifica non c'è (forse il file è cambiato)",
                    n + 1
                ))
            })?;
            let list = group
                .entry("modifiche")
                .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
                .as_array_of_tables_mut()
                .ok_or_else(|| {
                    EditError::new(
                        "le modifiche di questa variazione sono scritte su una riga sola",
                    )
                })?;
            // Shown after the group's last change, before what follows in the file.
            let at = list.iter().last().and_then(|t| t.position());
            change.set_position(at);
            list.push(change);
        }
    }
    Ok(())
}

//! What a field path leads to in a kind of content file: the kind of every step on the
//! way, from the derived form ([`super::form`]). A path the model does not define is
//! refused here, so that an edit only ever writes the model's own fields.

use std::sync::LazyLock;

use super::form::{self, FieldKind, FormField};
use super::path::FieldPath;
use super::place::FileKind;
use super::EditError;
use crate::load::Seg;

/// Every field of a kind of file, requested changes included (the page's forms leave
/// those to [`form::change_forms`], but an edit may still set them).
fn all_fields(kind: FileKind) -> &'static [FormField] {
    static ALL: LazyLock<Vec<(FileKind, Vec<FormField>)>> = LazyLock::new(|| {
        [
            FileKind::Allegato,
            FileKind::Organizzazione,
            FileKind::Formazione,
            FileKind::Gestionale,
            FileKind::Istituzionale,
        ]
        .into_iter()
        .map(|k| (k, form::form_with_changes(k).campi))
        .collect()
    });
    ALL.iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, f)| f.as_slice())
        .unwrap_or(&[])
}

/// What a path leads to.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The kind of the node after each step of the path.
    pub kinds: Vec<FieldKind>,
    /// Whether the value at the end must be written (an empty input then stays `""`).
    pub required: bool,
    /// The fields of the node at the end, when it is a group or an element of a list.
    pub fields: Vec<FormField>,
}

impl Shape {
    /// The kind of the node at the end of the path.
    pub fn kind(&self) -> Option<FieldKind> {
        self.kinds.last().copied()
    }
}

/// The shape of `path` in a file of `kind`, or an Italian refusal.
pub fn of(kind: FileKind, path: &FieldPath) -> Result<Shape, EditError> {
    let unknown = || {
        EditError::new(format!(
            "«{path}» non è un campo di questo file: si possono scrivere solo i campi previsti"
        ))
    };
    let mut fields: &[FormField] = all_fields(kind);
    let mut current: Option<&FormField> = None;
    let mut current_kind: Option<FieldKind> = None;
    // Inside a grid or a person: the cell's kind, with nothing below it.
    let mut inner: Option<FieldKind> = None;
    let mut kinds = Vec::new();
    let mut required = true;
    for seg in &path.0 {
        if let Some(k) = inner {
            let next = match (k, seg) {
                (FieldKind::Cronoprogramma, Seg::Key(_)) => FieldKind::Percentuale,
                _ => return Err(unknown()),
            };
            kinds.push(next);
            inner = Some(next).filter(|k| *k == FieldKind::Cronoprogramma);
            if inner.is_none() && kinds.len() < path.0.len() {
                return Err(unknown());
            }
            required = false;
            continue;
        }
        match (current_kind, seg) {
            (None | Some(FieldKind::Gruppo), Seg::Key(k)) => {
                let f = fields.iter().find(|f| f.chiave == *k).ok_or_else(unknown)?;
                kinds.push(f.tipo);
                required = f.obbligatorio;
                current = Some(f);
                current_kind = Some(f.tipo);
                fields = &f.campi;
            }
            (Some(FieldKind::Elenco), Seg::Index(_)) => {
                kinds.push(FieldKind::Gruppo);
                // Now among the element's fields, as in a group.
                current_kind = Some(FieldKind::Gruppo);
                required = true;
            }
            (Some(list), Seg::Index(_)) => {
                let k = match list {
                    FieldKind::ElencoTesti | FieldKind::TestoOElenco => FieldKind::Testo,
                    FieldKind::ElencoDate => FieldKind::Data,
                    FieldKind::ElencoInteri => FieldKind::Intero,
                    _ => return Err(unknown()),
                };
                kinds.push(k);
                inner = Some(k);
                required = false;
            }
            (Some(FieldKind::Cronoprogramma), Seg::Key(_)) => {
                kinds.push(FieldKind::Percentuale);
                inner = Some(FieldKind::Percentuale);
                required = false;
            }
            (Some(FieldKind::Cronoprogrammi), Seg::Key(_)) => {
                kinds.push(FieldKind::Cronoprogramma);
                inner = Some(FieldKind::Cronoprogramma);
                required = false;
            }
            (Some(FieldKind::Persona), Seg::Key(k)) if k == "cognome" || k == "nome" => {
                kinds.push(FieldKind::Testo);
                inner = Some(FieldKind::Testo);
                required = true;
            }
            _ => return Err(unknown()),
        }
    }
    // A cell inside a grid has nothing below it.
    if inner.is_some_and(|k| k != FieldKind::Cronoprogramma) && kinds.len() < path.0.len() {
        return Err(unknown());
    }
    Ok(Shape {
        kinds,
        required,
        fields: current
            .filter(|f| matches!(f.tipo, FieldKind::Gruppo | FieldKind::Elenco))
            .map(|f| f.campi.clone())
            .unwrap_or_else(|| {
                if path.0.is_empty() {
                    fields.to_vec()
                } else {
                    Vec::new()
                }
            }),
    })
}

/// The keys of the table at `prefix`, in the order the model declares them.
pub fn keys_at(kind: FileKind, prefix: &[Seg]) -> Vec<String> {
    of(kind, &FieldPath(prefix.to_vec()))
        .map(|s| s.fields.iter().map(|f| f.chiave.clone()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(kind: FileKind, path: &str) -> Result<FieldKind, String> {
        of(kind, &FieldPath::parse(path).unwrap())
            .map(|s| s.kind().unwrap())
            .map_err(|e| e.message)
    }

    #[test]
    fn paths_are_typed_by_the_model() {
        let g = FileKind::Gestionale;
        assert_eq!(kind_of(g, "titolo"), Ok(FieldKind::Testo));
        assert_eq!(
            kind_of(g, "fasi[2].cronoprogramma"),
            Ok(FieldKind::Cronoprogramma)
        );
        assert_eq!(
            kind_of(g, "fasi[2].cronoprogramma.dicembre"),
            Ok(FieldKind::Percentuale)
        );
        assert_eq!(
            kind_of(g, "fasi[2].cronoprogramma.2024"),
            Ok(FieldKind::Percentuale)
        );
        assert_eq!(kind_of(g, "responsabile.cognome"), Ok(FieldKind::Testo));
        assert_eq!(
            kind_of(g, "personale[0].partecipazione"),
            Ok(FieldKind::Percentuale)
        );
        assert_eq!(
            kind_of(g, "indicatori.costo[1].atteso"),
            Ok(FieldKind::Testo)
        );
        assert_eq!(
            kind_of(g, "variazioni[0].motivazione"),
            Ok(FieldKind::TestoLungo)
        );
        assert_eq!(
            kind_of(g, "variazioni[0].modifiche[1].cronoprogrammi.5.marzo"),
            Ok(FieldKind::Percentuale)
        );
        assert_eq!(
            kind_of(FileKind::Allegato, "monitoraggi[1]"),
            Ok(FieldKind::Data)
        );
        for bad in [
            "progetto_x",
            "fasi.descrizione",
            "fasi[0].cronoprogramma.dicembre.x",
            "titolo.x",
            "titolo[0]",
            "responsabile.eta",
        ] {
            assert!(
                kind_of(g, bad).unwrap_err().contains("non è un campo"),
                "{bad}"
            );
        }
    }
}

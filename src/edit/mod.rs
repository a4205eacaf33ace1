//! Edit: writing the content in the browser, as a stage over the same model.
//!
//! The TOML files stay the one source of truth: an edit is an operation in the model's
//! terms ([`Edit`]: set a field, add, remove or move an element of a list, request a
//! change of the catalogue), applied to the file's `toml_edit` document so that what a
//! person wrote around it (comments, blank lines, key order) is kept byte for byte.
//! The forms are derived ([`form`]: from the model's JSON Schema and the catalogue's
//! specs), never written by hand. A save ([`save`]) names the version it was made from
//! by its digest and is refused when the file changed since ([`store::Conflict`]);
//! every save keeps the previous version ([`history`], [`restore`]); only the files of
//! the content layout are written ([`place`]). After a save the content folder is
//! checked and each problem tied to its field ([`problems`]): a draft with errors is
//! saved all the same, and [`Problems::buildable`] says whether the annex can be built.
//!
//! The HTTP routes of `piao serve` are a thin layer over [`open`], [`save`],
//! [`create_objective`], [`history`], [`restore`] (in their `_with` forms, which let
//! the server check the folder once for the save and the pages), [`form::form`] and
//! [`form::change_forms`].

mod create;
pub mod form;
pub mod ops;
pub mod path;
mod phases;
pub mod place;
pub mod problems;
mod request;
mod shape;
pub mod store;
mod tree;
mod value;

use std::path::Path;

use serde::Serialize;
use toml_edit::DocumentMut;

pub use form::{change_forms, ChangeForm, FieldKind, Form, FormField};
pub use ops::{Edit, Motivation};
pub use path::FieldPath;
pub use place::{ContentFile, FileKind};
pub use problems::{FieldProblem, Problems};
pub use store::{Refusal, Version, ABSENT, HISTORY_DIR};

/// An edit that cannot be made, in words a clerk understands, with the field it is
/// about when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditError {
    pub message: String,
    pub field: Option<String>,
}

impl EditError {
    pub fn new(message: impl Into<String>) -> EditError {
        EditError {
            message: message.into(),
            field: None,
        }
    }
    /// The same error, about `field` (kept if it already names one).
    pub fn at(mut self, field: &FieldPath) -> EditError {
        if self.field.is_none() {
            self.field = Some(field.to_string());
        }
        self
    }
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A content file as a form starts from.
#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    /// Its place in the content folder.
    pub file: String,
    pub kind: FileKind,
    /// The digest of the version read: a save made from this form sends it back.
    pub digest: String,
    /// Its text (`None`: the file is not there yet).
    pub text: Option<String>,
}

impl Opened {
    /// Its values as JSON ([`values`]; `None`: no file, or not valid TOML).
    pub fn values(&self) -> Option<serde_json::Value> {
        self.text.as_deref().and_then(values)
    }
}

/// Reads a content file for a form.
pub fn open(dir: &Path, relative: &str) -> Result<Opened, EditError> {
    let file = ContentFile::parse(relative)?;
    let path = file.resolve(dir)?;
    let bytes = store::read(&path)?;
    Ok(Opened {
        file: file.relative.clone(),
        kind: file.kind,
        digest: store::digest(bytes.as_deref()),
        text: bytes.map(|b| String::from_utf8_lossy(&b).into_owned()),
    })
}

/// The values of a content file's text as JSON, as a form fills its inputs from them
/// (dates as their text, `"2023-07-31"`); `None` when the text is not valid TOML (the
/// form then shows the problem `piao check` finds).
pub fn values(text: &str) -> Option<serde_json::Value> {
    let table: toml::Table = text.parse().ok()?;
    Some(form::toml_to_json(toml::Value::Table(table)))
}

/// A save that was made.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub file: String,
    /// The digest of the new version: the next save from the same form sends it.
    pub digest: String,
    pub text: String,
    /// The content folder's problems after the save, at their fields.
    pub problems: Problems,
}

/// A save refused because the file changed on disk since the form was loaded: the text
/// there now, and what the edits give when made on it (the user chooses).
#[derive(Debug, Clone, Serialize)]
pub struct Conflicting {
    pub file: String,
    pub on_disk: Option<String>,
    pub on_disk_digest: String,
    /// The edits made on the text on disk now, when they apply to it.
    pub yours: Option<String>,
}

/// Why a save was not made.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "esito", rename_all = "snake_case")]
pub enum SaveError {
    /// Nothing written: the file changed since the form was loaded.
    Conflitto(Conflicting),
    /// Nothing written: the edit or the file cannot be written.
    Errore(EditError),
}

impl From<EditError> for SaveError {
    fn from(e: EditError) -> Self {
        SaveError::Errore(e)
    }
}

/// The edits made on `text` (a file of `kind`; `None`: a new file).
pub fn edited(text: Option<&str>, kind: FileKind, edits: &[Edit]) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.unwrap_or("").parse().map_err(|_| {
        EditError::new(
            "il file ha un errore di scrittura TOML: correggilo a mano (piao check dice dove) prima di modificarlo dal browser",
        )
    })?;
    for edit in edits {
        ops::apply(&mut doc, kind, edit)?;
        // Positions in the file settle after each edit, as if it had been read again.
        doc = doc.to_string().parse().map_err(|_| {
            EditError::new("la modifica darebbe un file non valido: non l'ho fatta")
        })?;
    }
    Ok(match text {
        Some(_) => doc.to_string(),
        // A new file opens with the line that lets an editor help with its keys.
        None => format!("{}\n{doc}", create::blank(kind)),
    })
}

/// What checks the content folder after a save: [`problems::check`] for [`save`],
/// [`restore`] and [`create_objective`]; the `_with` forms take the caller's own (the
/// server checks the folder once, for the save's answer and the pages alike).
pub type Check<'a> = &'a dyn Fn(&Path) -> Problems;

/// Makes `edits` on the file `relative` of the content folder `dir`, if it is still the
/// version with digest `base` ([`ABSENT`] for a file to create), keeping the previous
/// version; then checks the content folder.
pub fn save(dir: &Path, relative: &str, base: &str, edits: &[Edit]) -> Result<Saved, SaveError> {
    save_with(dir, relative, base, edits, &problems::check)
}

/// [`save`], the content folder checked by `check`.
pub fn save_with(
    dir: &Path,
    relative: &str,
    base: &str,
    edits: &[Edit],
    check: Check,
) -> Result<Saved, SaveError> {
    let file = ContentFile::parse(relative)?;
    write(dir, &file, base, |old| edited(old, file.kind, edits), check)
}

/// Writes the text `make` gives, through the store, mapping its refusals; then checks
/// the content folder with `check`.
fn write(
    dir: &Path,
    file: &ContentFile,
    base: &str,
    make: impl Fn(Option<&str>) -> Result<String, EditError>,
    check: Check,
) -> Result<Saved, SaveError> {
    match store::write(dir, file, base, &make) {
        Ok((digest, text)) => Ok(Saved {
            file: file.relative.clone(),
            digest,
            text,
            problems: check(dir),
        }),
        Err(Refusal::Conflitto(c)) => Err(SaveError::Conflitto(Conflicting {
            file: file.relative.clone(),
            yours: make(c.on_disk.as_deref()).ok(),
            on_disk: c.on_disk,
            on_disk_digest: c.on_disk_digest,
        })),
        Err(Refusal::Errore(e)) => Err(SaveError::Errore(e)),
    }
}

/// Creates a new objective (`managed`: a gestionale) from its sezione, numbered after
/// the last one (or `number`), as `piao new` would; then checks the content folder.
pub fn create_objective(
    dir: &Path,
    managed: bool,
    number: Option<u32>,
    title: &str,
    sezione: &str,
) -> Result<(Saved, Option<String>), SaveError> {
    create_objective_with(dir, managed, number, title, sezione, &problems::check)
}

/// [`create_objective`], the content folder checked by `check`.
pub fn create_objective_with(
    dir: &Path,
    managed: bool,
    number: Option<u32>,
    title: &str,
    sezione: &str,
    check: Check,
) -> Result<(Saved, Option<String>), SaveError> {
    let new = create::objective(dir, managed, number, title, sezione)?;
    let text = new.text;
    let saved = write(dir, &new.file, ABSENT, |_| Ok(text.clone()), check)?;
    Ok((saved, new.warning))
}

/// The kept versions of a file, the latest first.
pub fn history(dir: &Path, relative: &str) -> Result<Vec<Version>, EditError> {
    let file = ContentFile::parse(relative)?;
    file.resolve(dir)?;
    Ok(store::versions(dir, &file))
}

/// Puts back the kept version `id` of a file (itself a save: the version it replaces
/// is kept in turn, so a restore can be undone too).
pub fn restore(dir: &Path, relative: &str, base: &str, id: &str) -> Result<Saved, SaveError> {
    restore_with(dir, relative, base, id, &problems::check)
}

/// [`restore`], the content folder checked by `check`.
pub fn restore_with(
    dir: &Path,
    relative: &str,
    base: &str,
    id: &str,
    check: Check,
) -> Result<Saved, SaveError> {
    let file = ContentFile::parse(relative)?;
    let bytes = store::version(dir, &file, id)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| EditError::new("questa versione non è testo UTF-8"))?;
    write(dir, &file, base, |_| Ok(text.clone()), check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FILE: &str = "# Un obiettivo.\n\nnumero = 3\n# il titolo:\ntitolo = \"Vecchio\" # resta\nsezione = \"Affari generali\"\n\n[[fasi]]\nnumero = 1\ndescrizione = \"una fase\"\n";

    proptest! {
        // Any text set in a field is read back as it was typed, from the file and as
        // the form's values, and the rest of the file is untouched.
        #[test]
        fn any_text_set_is_read_back_verbatim(text in any::<String>()) {
            let edit = Edit::Set {
                field: FieldPath::parse("fasi[0].descrizione").unwrap(),
                value: serde_json::Value::String(text.clone()),
            };
            let out = edited(Some(FILE), FileKind::Gestionale, &[edit]).unwrap();
            let table: toml::Table = out.parse().unwrap();
            prop_assert_eq!(table["fasi"][0]["descrizione"].as_str(), Some(text.as_str()));
            let json = values(&out).unwrap();
            prop_assert_eq!(json["fasi"][0]["descrizione"].as_str(), Some(text.as_str()));
            let head = &FILE[..FILE.rfind("\"una fase\"").unwrap()];
            prop_assert!(out.starts_with(head), "{}", out);
            prop_assert!(out.ends_with('\n'));
        }
    }

    #[test]
    fn values_give_dates_as_text() {
        let v = values("a = 2023-07-31\nb = [1, \"x\"]\n[c]\nd = true\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": "2023-07-31", "b": [1, "x"], "c": {"d": true}})
        );
        assert_eq!(values("a = "), None);
    }
}

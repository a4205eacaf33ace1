//! New files from the browser. A new objective starts as `piao new` writes it (the
//! same template, number, file name and the facts its sezione gives in
//! `organizzazione.toml`), without the sample change of the template: the changes are
//! requested one by one. `allegato.toml` and `organizzazione.toml` start from their
//! `#:schema` line and are then filled field by field, like any edit.

use std::path::Path;

use toml_edit::{DocumentMut, Item};

use super::place::{ContentFile, FileKind};
use super::EditError;
use crate::commands::new as cli_new;
use crate::load::{MANAGED_DIR, SERVICES_DIR};
use crate::model::schema;

/// The first text of a new file of `kind` that has no template of its own: the line
/// that lets an editor with TOML support complete and explain the keys.
pub fn blank(kind: FileKind) -> String {
    let (name, depth) = match kind {
        FileKind::Allegato => ("allegato.json", 0),
        FileKind::Organizzazione => ("organizzazione.json", 0),
        FileKind::Formazione => ("formazione.json", 0),
        FileKind::Gestionale => ("gestionale.json", 1),
        FileKind::Istituzionale => ("istituzionale.json", 1),
    };
    let file = schema::FILES
        .iter()
        .find(|f| f.name == name)
        .expect("a schema for every kind of content file");
    format!("{}\n", schema::directive(file, depth))
}

/// A new objective: its place in the content folder and its first text.
pub struct NewObjective {
    pub file: ContentFile,
    pub text: String,
    /// Why the sezione gave nothing (not in `organizzazione.toml`, or no such file).
    pub warning: Option<String>,
}

/// The file of a new gestionale (`managed`) or istituzionale, numbered after the last
/// (or `number`, when free), named after its title, starting from its `sezione`.
pub fn objective(
    dir: &Path,
    managed: bool,
    number: Option<u32>,
    title: &str,
    sezione: &str,
) -> Result<NewObjective, EditError> {
    let (folder, letter, schema_name, fallback) = if managed {
        (MANAGED_DIR, 'g', "gestionale.json", "nuovo-obiettivo")
    } else {
        (SERVICES_DIR, 'i', "istituzionale.json", "nuovo-servizio")
    };
    let used = cli_new::used_numbers(&dir.join(folder)).map_err(EditError::new)?;
    let number = match number {
        Some(n) if used.iter().any(|(u, _)| *u == n) => {
            return Err(EditError::new(format!(
                "il N. scheda {n} è già usato: il primo libero è {}",
                cli_new::next_free(&used)
            )))
        }
        Some(n) => n,
        None => cli_new::next_free(&used),
    };
    let title = title.trim();
    let stem = match crate::record::slug(title) {
        s if s.is_empty() => format!("{letter}{number:02}-{fallback}"),
        s => format!("{letter}{number:02}-{}", truncate(&s, 60)),
    };
    let file = ContentFile::parse(&format!("{folder}/{stem}.toml"))?;
    let schema_file = schema::FILES
        .iter()
        .find(|f| f.name == schema_name)
        .expect("a schema for every kind");
    let text = if managed {
        cli_new::managed_template(number, title, schema_file)
    } else {
        cli_new::service_template(number, title, schema_file)
    };
    let (text, warning) = match sezione.trim() {
        "" => (text, None),
        s => cli_new::with_section(&text, dir, s),
    };
    Ok(NewObjective {
        file,
        text: without_sample_change(&text)?,
        warning,
    })
}

/// The template without its sample `[[variazioni]]`; the comments that introduce the
/// changes stay, at the end of the file.
fn without_sample_change(text: &str) -> Result<String, EditError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|_| EditError::new("il modello di `piao new` non è TOML valido"))?;
    let intro = doc
        .get("variazioni")
        .and_then(Item::as_array_of_tables)
        .and_then(|a| a.get(0))
        .and_then(|t| t.decor().prefix())
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string();
    doc.remove("variazioni");
    let trailing = doc.trailing().as_str().unwrap_or("").to_string();
    doc.set_trailing(format!("{intro}\n{}", trailing.trim_start_matches('\n')));
    Ok(doc.to_string())
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].trim_end_matches('-'),
        None => s,
    }
}

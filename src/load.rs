//! Load: read the content folder and parse every TOML file into the model.
//!
//! Owns everything about files on disk: which files make up the content, their
//! encoding (UTF-8, no BOM, not empty) and the translation of TOML and serde errors
//! into Italian diagnostics that point at the offending key or value.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diag::{suggest, Diagnostic, FileIdx, Report, Sources};
use crate::model::{Annex, Managed, Service, Training};

/// The annex file, relative to the content folder.
pub const ANNEX_FILE: &str = "allegato.toml";
/// The training-plan file (optional).
pub const TRAINING_FILE: &str = "formazione.toml";
/// The folder of management objectives.
pub const MANAGED_DIR: &str = "gestionali";
/// The folder of services (institutional objectives).
pub const SERVICES_DIR: &str = "istituzionali";

/// A parsed file with its place.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub file: FileIdx,
    pub path: PathBuf,
    /// The file name without `.toml`: the objective's short name.
    pub stem: String,
    pub data: T,
}

/// Everything in a content folder that parsed.
#[derive(Debug, Clone)]
pub struct Content {
    pub dir: PathBuf,
    pub annex: Option<Loaded<Annex>>,
    pub managed: Vec<Loaded<Managed>>,
    pub services: Vec<Loaded<Service>>,
    pub training: Option<Loaded<Training>>,
}

/// A failure that is not about the content's text: the folder is missing or unreadable.
#[derive(Debug)]
pub struct IoError(pub String);

/// Reads and parses the content folder. Problems of the text go into `report`; a
/// missing or unreadable folder is an [`IoError`].
pub fn load(dir: &Path, sources: &mut Sources, report: &mut Report) -> Result<Content, IoError> {
    if !dir.is_dir() {
        return Err(IoError(format!(
            "la cartella dei contenuti `{}` non esiste: indica quella giusta con --content",
            dir.display()
        )));
    }
    let annex_path = dir.join(ANNEX_FILE);
    let annex = if annex_path.is_file() {
        parse_file::<Annex>(&annex_path, sources, report)
    } else {
        report.push(
            Diagnostic::error(format!(
                "manca il file `{ANNEX_FILE}` nella cartella `{}`",
                dir.display()
            ))
            .hint(
                "il file dell'allegato indica l'ente, gli anni del piano e le date di monitoraggio",
            ),
        );
        None
    };
    let training_path = dir.join(TRAINING_FILE);
    let training = if training_path.is_file() {
        parse_file::<Training>(&training_path, sources, report)
    } else {
        None
    };
    let managed = load_folder::<Managed>(&dir.join(MANAGED_DIR), sources, report)?;
    let services = load_folder::<Service>(&dir.join(SERVICES_DIR), sources, report)?;
    warn_stray_files(dir, report)?;
    Ok(Content {
        dir: dir.to_path_buf(),
        annex,
        managed,
        services,
        training,
    })
}

/// The `.toml` files of a folder, sorted by name. A missing folder holds none.
pub fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, IoError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(dir)
        .map_err(|e| IoError(format!("non riesco a leggere `{}`: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn load_folder<T: DeserializeOwned>(
    dir: &Path,
    sources: &mut Sources,
    report: &mut Report,
) -> Result<Vec<Loaded<T>>, IoError> {
    let mut out = Vec::new();
    for path in toml_files(dir)? {
        if let Some(loaded) = parse_file::<T>(&path, sources, report) {
            out.push(loaded);
        }
    }
    Ok(out)
}

/// Files at the top of the content folder that `piao` does not read: say so, since a
/// misplaced objective would otherwise be silently left out of the annex.
fn warn_stray_files(dir: &Path, report: &mut Report) -> Result<(), IoError> {
    for path in toml_files(dir)? {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name != ANNEX_FILE && name != TRAINING_FILE {
            report.push(
                Diagnostic::warning(format!(
                    "il file `{}` non viene letto: gli obiettivi vanno nelle cartelle `{MANAGED_DIR}/` e `{SERVICES_DIR}/`",
                    path.display()
                ))
                .file(&path),
            );
        }
    }
    Ok(())
}

/// Reads one file, checks its encoding and parses it. Returns `None` (with the
/// problem in `report`) when it cannot be used.
pub fn parse_file<T: DeserializeOwned>(
    path: &Path,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<Loaded<T>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.push(Diagnostic::error(format!("non riesco a leggere il file: {e}")).file(path));
            return None;
        }
    };
    let text = match decode(&bytes) {
        Ok(t) => t,
        Err(message) => {
            report.push(message.file(path));
            return None;
        }
    };
    let file = sources.add(path, text);
    let text = sources.text(file);
    if text.trim().is_empty() {
        report.push(
            Diagnostic::error("il file è vuoto")
                .file(path)
                .hint("cancella il file oppure crealo di nuovo con `piao new`"),
        );
        return None;
    }
    match toml::from_str::<T>(text) {
        Ok(data) => Some(Loaded {
            file,
            path: path.to_path_buf(),
            stem: path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string(),
            data,
        }),
        Err(e) => {
            report.push(toml_error(&e, file, text));
            None
        }
    }
}

/// UTF-8 without BOM, or an Italian explanation of what is wrong with the bytes.
fn decode(bytes: &[u8]) -> Result<String, Box<Diagnostic>> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(Box::new(
            Diagnostic::error("il file inizia con un BOM (byte order mark)").hint(
                "salvalo come \"UTF-8\" senza BOM (nel Blocco note: Salva con nome → Codifica: UTF-8)",
            ),
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Box::new(
            Diagnostic::error("il file è in codifica UTF-16, non UTF-8")
                .hint("salvalo con la codifica UTF-8"),
        ));
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| -> Box<Diagnostic> {
        let at = e.utf8_error().valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        Diagnostic::error(format!(
            "il file non è testo UTF-8 valido (byte non valido alla riga {line}, posizione {at})"
        ))
        .hint("salvalo con la codifica UTF-8; se è un file binario, toglilo dalla cartella dei contenuti")
        .into()
    })
}

/// Translates a TOML/serde error into an Italian diagnostic at its place.
pub fn toml_error(e: &toml::de::Error, file: FileIdx, text: &str) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let span = e.span().unwrap_or(0..0);
    let span = narrow_span(text, span);
    let (message, hint) = translate(&raw);
    let mut d = Diagnostic::error(message).at(file, span);
    if let Some(h) = hint {
        d = d.hint(h);
    }
    d
}

/// A span covering a whole table is useless to show: keep its first line.
fn narrow_span(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.min(text.len());
    match text[start..end].find('\n') {
        Some(nl) if end - start > 80 => start..start + nl,
        _ => start..end,
    }
}

/// The text between the first pair of backticks after `prefix`.
fn ticked(s: &str) -> Option<&str> {
    let a = s.find('`')?;
    let b = s[a + 1..].find('`')?;
    Some(&s[a + 1..a + 1 + b])
}

fn all_ticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

fn translate(raw: &str) -> (String, Option<String>) {
    let first_line = raw.lines().next().unwrap_or(raw);
    if let Some(rest) = first_line.strip_prefix("unknown field ") {
        let field = ticked(rest).unwrap_or(rest);
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| all_ticked(e))
            .unwrap_or_default();
        let hint = match suggest(field, expected.iter().copied()) {
            Some(s) => Some(format!("forse `{s}`?")),
            None if !expected.is_empty() => {
                Some(format!("i campi ammessi qui sono: {}", expected.join(", ")))
            }
            None => None,
        };
        let msg = match suggest(field, expected.iter().copied()) {
            Some(s) => format!("campo sconosciuto `{field}`: forse `{s}`?"),
            None => format!("campo sconosciuto `{field}`"),
        };
        return (msg, hint.filter(|h| !h.starts_with("forse")));
    }
    if let Some(rest) = first_line.strip_prefix("missing field ") {
        let field = ticked(rest).unwrap_or(rest);
        return (
            format!("manca il campo obbligatorio `{field}`"),
            Some(format!("aggiungi una riga `{field} = …` in questa tabella")),
        );
    }
    if let Some(rest) = first_line.strip_prefix("unknown variant ") {
        let value = ticked(rest).unwrap_or(rest);
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| all_ticked(e))
            .unwrap_or_default();
        let hint = match suggest(value, expected.iter().copied()) {
            Some(s) => format!("forse \"{s}\"?"),
            None => format!("valori ammessi: {}", expected.join(", ")),
        };
        return (format!("valore non ammesso \"{value}\""), Some(hint));
    }
    if let Some(rest) = first_line.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "tipo di valore sbagliato: trovato {}, serve {}",
                italian_type(found),
                italian_type(expected)
            ),
            None,
        );
    }
    if first_line.starts_with("invalid value: ") {
        return (format!("valore non valido ({first_line})"), None);
    }
    if first_line.starts_with("duplicate key") {
        return (
            format!(
                "chiave ripetuta: {}",
                ticked(first_line).unwrap_or(first_line)
            ),
            Some("ogni chiave può comparire una sola volta nella stessa tabella".into()),
        );
    }
    if first_line.starts_with("data did not match any variant") {
        return (
            "valore non valido: serve un testo (\"Cognome Nome\") oppure una tabella { cognome = \"…\", nome = \"…\" }".into(),
            None,
        );
    }
    // Messages our own types produce are already Italian.
    if is_italian(first_line) {
        return (first_line.to_string(), None);
    }
    (
        format!("sintassi TOML non valida ({first_line})"),
        Some("controlla virgolette, parentesi e segni `=` vicino al punto indicato".into()),
    )
}

fn is_italian(s: &str) -> bool {
    [
        "non ",
        "serve",
        "numero",
        "importo",
        "data",
        "anno",
        "percentuale",
    ]
    .iter()
    .any(|w| s.contains(w))
}

fn italian_type(t: &str) -> String {
    let t = t.trim();
    let simple = [
        ("string", "un testo"),
        ("a string", "un testo"),
        ("integer", "un numero intero"),
        ("u32", "un numero intero positivo"),
        ("i32", "un numero intero"),
        ("i64", "un numero intero"),
        ("float", "un numero decimale"),
        ("boolean", "vero/falso (true o false)"),
        ("a boolean", "vero/falso (true o false)"),
        ("a sequence", "un elenco tra [ ]"),
        ("sequence", "un elenco tra [ ]"),
        ("map", "una tabella"),
        ("a map", "una tabella"),
    ];
    for (en, it) in simple {
        if t == en {
            return it.to_string();
        }
    }
    if let Some(rest) = t.strip_prefix("string ") {
        return format!("il testo {rest}");
    }
    if let Some(rest) = t.strip_prefix("integer ") {
        return format!("il numero {}", rest.trim_matches('`'));
    }
    if let Some(rest) = t.strip_prefix("floating point ") {
        return format!("il numero {}", rest.trim_matches('`'));
    }
    if let Some(rest) = t.strip_prefix("boolean ") {
        return format!("il valore {}", rest.trim_matches('`'));
    }
    if t.starts_with("struct ") || t.contains("map") {
        return "una tabella".to_string();
    }
    if t.starts_with("a sequence") || t.contains("sequence") {
        return "un elenco tra [ ]".to_string();
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Managed;

    fn diag_of(text: &str) -> Diagnostic {
        let e = toml::from_str::<Managed>(text).unwrap_err();
        toml_error(&e, 0, text)
    }

    #[test]
    fn unknown_field_suggests_the_right_one() {
        let d = diag_of("numero = 1\ntitlo = \"x\"\n");
        assert_eq!(d.message, "campo sconosciuto `titlo`: forse `titolo`?");
        let (_, span) = d.primary.unwrap();
        assert_eq!(span.start, 11);
    }

    #[test]
    fn wrong_type_is_said_in_italian() {
        let d = diag_of("numero = \"sette\"\n");
        assert!(
            d.message.starts_with("tipo di valore sbagliato"),
            "{}",
            d.message
        );
        assert!(d.message.contains("numero intero"), "{}", d.message);
    }

    #[test]
    fn syntax_errors_are_flagged() {
        let d = diag_of("numero = \n");
        assert!(
            d.message.starts_with("sintassi TOML non valida"),
            "{}",
            d.message
        );
    }

    #[test]
    fn bom_and_bad_utf8_are_refused() {
        assert!(decode(b"\xEF\xBB\xBFa = 1")
            .unwrap_err()
            .message
            .contains("BOM"));
        assert!(decode(b"a = \"\xFF\"")
            .unwrap_err()
            .message
            .contains("UTF-8"));
        assert_eq!(decode(b"a = 1").unwrap(), "a = 1");
    }
}

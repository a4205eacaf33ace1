//! Load: read the content folder and parse every TOML file into the model.
//!
//! Owns everything about files on disk: which files make up the content, their
//! encoding (UTF-8, no BOM, not empty) and the translation of TOML and serde errors
//! into Italian diagnostics that point at the offending key or value.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

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
    warn_stray_files(dir, sources, report)?;
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
    warn_unread(dir, sources, report);
    Ok(out)
}

/// Whatever else is in an objectives folder (`g06.txt`, `g06.toml.bak`, a subfolder)
/// is not read: say so, since an objective would otherwise be silently left out.
/// Hidden files and editor backups (`~`) are ignored.
fn warn_unread(dir: &Path, sources: &mut Sources, report: &mut Report) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut unread: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let hidden = name.starts_with('.') || name.ends_with('~');
            let read = p.is_file() && p.extension().is_some_and(|x| x == "toml");
            !hidden && !read
        })
        .collect();
    unread.sort();
    for path in unread {
        let message = if path.is_dir() {
            "questa cartella non viene letta: gli obiettivi vanno direttamente in `gestionali/` e `istituzionali/`"
        } else {
            "questo file non viene letto: vengono letti solo i file con estensione .toml"
        };
        report.push(unread_warning(&path, message.to_string(), sources));
    }
}

/// A warning about a file `piao` does not read, pointing at its first line.
fn unread_warning(path: &Path, message: String, sources: &mut Sources) -> Diagnostic {
    let d = Diagnostic::warning(message);
    if path.is_dir() {
        return d.file(path);
    }
    let bytes = fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(120)
        .collect();
    let file = sources.add(path, first);
    d.at(file, 0..0).label("non letto")
}

/// Files at the top of the content folder that `piao` does not read: say so, since a
/// misplaced objective would otherwise be silently left out of the annex.
fn warn_stray_files(dir: &Path, sources: &mut Sources, report: &mut Report) -> Result<(), IoError> {
    for path in toml_files(dir)? {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name != ANNEX_FILE && name != TRAINING_FILE {
            report.push(
                unread_warning(
                    &path,
                    format!("questo file non viene letto: gli obiettivi vanno nelle cartelle `{MANAGED_DIR}/` e `{SERVICES_DIR}/`"),
                    sources,
                )
                .hint(format!("spostalo in `{MANAGED_DIR}/` o in `{SERVICES_DIR}/`, oppure cancellalo")),
            );
        }
    }
    Ok(())
}

/// Reads one file, checks its encoding and parses it. Returns `None` (with every
/// problem of the file in `report`) when it cannot be used.
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
    parse_bytes(path, &bytes, sources, report)
}

/// Parses the bytes of a file (read from `path`, which names it in diagnostics):
/// encoding, TOML, model. Returns `None` (with every problem in `report`) when the
/// file cannot be used.
pub fn parse_bytes<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    sources: &mut Sources,
    report: &mut Report,
) -> Option<Loaded<T>> {
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(problem) => {
            // Keep what can be shown of the file (up to a little after the spot), so
            // that the message can point at it.
            let lossy = String::from_utf8_lossy(bytes);
            let mut cut = lossy.len().min(problem.span.end + 120);
            while !lossy.is_char_boundary(cut) {
                cut -= 1;
            }
            let file = sources.add(path, lossy[..cut].to_string());
            report.push(problem.diagnostic.at(file, problem.span));
            return None;
        }
    };
    let file = sources.add(path, text);
    let text = sources.text(file);
    if text.trim().is_empty() {
        report.push(
            Diagnostic::error("il file è vuoto")
                .at(file, 0..0)
                .hint("scrivi il contenuto dell'obiettivo oppure cancella il file"),
        );
        return None;
    }
    if let Some(at) = text.find('\0') {
        report.push(
            Diagnostic::error("il file contiene byte nulli: non è un file di testo")
                .at(file, at..at + 1)
                .hint("se è un file binario, toglilo dalla cartella dei contenuti"),
        );
        return None;
    }
    match parse_all::<T>(text) {
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
        Err(Problems::Syntax(errors)) => {
            report_syntax(&errors, file, text, report);
            None
        }
        Err(Problems::Schema(errors)) => {
            for e in &errors {
                report.push(toml_error(e, file, text));
            }
            None
        }
    }
}

/// Why a file could not be turned into the model.
enum Problems {
    /// The text is not valid TOML: every syntax error the parser recovered from.
    Syntax(Vec<toml::de::Error>),
    /// Valid TOML that does not fit the model: every problem found.
    Schema(Vec<toml::de::Error>),
}

/// At most this many syntax errors are shown for one file: after the first few, a
/// broken bracket or quote makes the rest noise.
const MAX_SYNTAX_ERRORS: usize = 10;
/// At most this many repair rounds when collecting the schema errors of one file.
const MAX_ROUNDS: usize = 64;

fn report_syntax(errors: &[toml::de::Error], file: FileIdx, text: &str, report: &mut Report) {
    // One error per line, in the order of the file.
    let mut errors: Vec<&toml::de::Error> = errors.iter().collect();
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    let mut lines = Vec::new();
    let mut shown = Vec::new();
    for e in errors {
        let start = e.span().map_or(0, |s| s.start).min(text.len());
        let line = text.as_bytes()[..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        if !lines.contains(&line) {
            lines.push(line);
            shown.push(e);
        }
    }
    let total = shown.len();
    let total_lines = text.lines().count().max(1);
    for (i, e) in shown.into_iter().take(MAX_SYNTAX_ERRORS).enumerate() {
        let mut d = toml_error(e, file, text);
        if i + 1 == MAX_SYNTAX_ERRORS && total > MAX_SYNTAX_ERRORS {
            d = d.hint(format!(
                "ci sono errori di sintassi in altre {} righe: correggi questi e ricontrolla",
                total - MAX_SYNTAX_ERRORS
            ));
            if total * 3 > total_lines {
                d = d.hint("quasi ogni riga ha un errore: forse questo non è un file TOML");
            }
        }
        report.push(d);
    }
}

/// Parses `text` into `T`, collecting every problem rather than the first: all the
/// syntax errors (TOML's recovering parser), or, for valid TOML, every unknown key,
/// missing field and wrong value. After each schema error the offending part of the
/// tree is repaired (unknown key removed, wrong value or missing field replaced by a
/// stand-in) and the whole file is read again.
fn parse_all<T: DeserializeOwned>(text: &str) -> Result<T, Problems> {
    let (mut root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        return Err(Problems::Syntax(syntax));
    }
    // Stand-ins carry a span no real value has, to tell their errors apart.
    let sentinel = text.len() + 1..text.len() + 1;
    let mut errors: Vec<toml::de::Error> = Vec::new();
    let mut removed: Vec<(Vec<Seg>, String)> = Vec::new();
    let mut unknown: Vec<(Vec<Seg>, String)> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let e = match T::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(data) if errors.is_empty() => return Ok(data),
            Ok(_) => break,
            Err(e) => e,
        };
        let Some(span) = e.span().filter(|s| *s != sentinel) else {
            errors.push(e);
            break;
        };
        if errors
            .last()
            .is_some_and(|last| last.message() == e.message() && last.span() == e.span())
        {
            break;
        }
        let message = e.message().to_string();
        let repaired = if message.starts_with("unknown field ") {
            errors.push(e);
            match find_key(root.get_ref(), &span) {
                Some(path) => {
                    let (table, key) = path.split_at(path.len() - 1);
                    if let Seg::Key(k) = &key[0] {
                        unknown.push((table.to_vec(), k.clone()));
                    }
                    remove_at(root.get_mut(), table, &key[0]);
                    true
                }
                None => false,
            }
        } else if let Some(field) = message.strip_prefix("missing field ").and_then(ticked) {
            let field = field.to_string();
            let table = find_table(root.get_ref(), &span).unwrap_or_default();
            // A misspelt key is already reported as unknown, with this field suggested.
            let misspelt = unknown
                .iter()
                .any(|(t, k)| *t == table && suggest(k, [field.as_str()]).is_some());
            if !misspelt && !removed.contains(&(table.clone(), field.clone())) {
                errors.push(e);
            }
            let mut path = table;
            path.push(Seg::Key(field.clone()));
            insert_stand_in::<T>(&mut root, &path, &sentinel, &field)
        } else {
            errors.push(e);
            match find_value(root.get_ref(), &span) {
                Some(path) => {
                    if !replace_with_stand_in::<T>(&mut root, &path, &sentinel) {
                        let (table, last) = path.split_at(path.len() - 1);
                        if let Seg::Key(k) = &last[0] {
                            removed.push((table.to_vec(), k.clone()));
                        }
                        remove_at(root.get_mut(), table, &last[0]);
                    }
                    true
                }
                None => false,
            }
        };
        if !repaired {
            break;
        }
    }
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    Err(Problems::Schema(errors))
}

/// A step into a TOML tree: a key of a table or an index of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

type Tree<'i> = Spanned<DeValue<'i>>;

fn children<'a, 'i>(v: &'a DeValue<'i>) -> Vec<(Seg, &'a Tree<'i>)> {
    match v {
        DeValue::Table(t) => t
            .iter()
            .map(|(k, x)| (Seg::Key(k.get_ref().to_string()), x))
            .collect(),
        DeValue::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, x)| (Seg::Index(i), x))
            .collect(),
        _ => Vec::new(),
    }
}

/// The path of the key whose name is at `span`.
fn find_key(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Seg>> {
    for (k, v) in table.iter() {
        if k.span() == *span {
            return Some(vec![Seg::Key(k.get_ref().to_string())]);
        }
        if let Some(mut rest) = find_key_in(v.get_ref(), span) {
            rest.insert(0, Seg::Key(k.get_ref().to_string()));
            return Some(rest);
        }
    }
    None
}

fn find_key_in(v: &DeValue<'_>, span: &Range<usize>) -> Option<Vec<Seg>> {
    match v {
        DeValue::Table(t) => find_key(t, span),
        DeValue::Array(a) => a.iter().enumerate().find_map(|(i, x)| {
            let mut rest = find_key_in(x.get_ref(), span)?;
            rest.insert(0, Seg::Index(i));
            Some(rest)
        }),
        _ => None,
    }
}

/// The deepest value whose span holds `span`.
fn find_value(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Seg>> {
    fn walk(
        v: &DeValue<'_>,
        span: &Range<usize>,
        best: &mut Option<Vec<Seg>>,
        path: &mut Vec<Seg>,
    ) {
        for (seg, x) in children(v) {
            path.push(seg);
            let s = x.span();
            let holds = s.start <= span.start && span.end <= s.end;
            if holds && (span.is_empty() || !s.is_empty()) {
                *best = Some(path.clone());
            }
            walk(x.get_ref(), span, best, path);
            path.pop();
        }
    }
    let mut best = None;
    let root = DeValue::Table(table.clone());
    walk(&root, span, &mut best, &mut Vec::new());
    best
}

/// The deepest table whose span is exactly `span` (the root when none is).
fn find_table(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Seg>> {
    fn walk(
        v: &DeValue<'_>,
        span: &Range<usize>,
        best: &mut Option<Vec<Seg>>,
        path: &mut Vec<Seg>,
    ) {
        for (seg, x) in children(v) {
            path.push(seg);
            if x.span() == *span && matches!(x.get_ref(), DeValue::Table(_)) {
                *best = Some(path.clone());
            }
            walk(x.get_ref(), span, best, path);
            path.pop();
        }
    }
    let mut best = None;
    let root = DeValue::Table(table.clone());
    walk(&root, span, &mut best, &mut Vec::new());
    best
}

fn node_mut<'a, 'i>(v: &'a mut DeValue<'i>, path: &[Seg]) -> Option<&'a mut DeValue<'i>> {
    let Some((first, rest)) = path.split_first() else {
        return Some(v);
    };
    let next = match (v, first) {
        (DeValue::Table(t), Seg::Key(k)) => t.get_mut(k.as_str())?.get_mut(),
        (DeValue::Array(a), Seg::Index(i)) => a.get_mut(*i)?.get_mut(),
        _ => return None,
    };
    node_mut(next, rest)
}

fn with_root<'i, R>(root: &mut DeTable<'i>, f: impl FnOnce(&mut DeValue<'i>) -> R) -> R {
    let mut v = DeValue::Table(std::mem::take(root));
    let r = f(&mut v);
    if let DeValue::Table(t) = v {
        *root = t;
    }
    r
}

fn remove_at(root: &mut DeTable<'_>, parent: &[Seg], last: &Seg) {
    with_root(root, |v| match (node_mut(v, parent), last) {
        (Some(DeValue::Table(t)), Seg::Key(k)) => {
            t.remove(k.as_str());
        }
        (Some(DeValue::Array(a)), Seg::Index(i)) => {
            let mut kept = toml::de::DeArray::new();
            for (j, x) in a.iter().enumerate() {
                if j != *i {
                    kept.push(x.clone());
                }
            }
            *a = kept;
        }
        _ => {}
    })
}

/// Values of every TOML type, to stand in for a wrong or missing one.
const STAND_INS: &[&str] = &["\"x\"", "0", "0.5", "false", "2000-01-01", "[]", "{}"];

fn set_at<'i>(root: &mut Spanned<DeTable<'i>>, path: &[Seg], value: Tree<'i>) -> bool {
    let (parent, last) = path.split_at(path.len() - 1);
    with_root(root.get_mut(), |v| match (node_mut(v, parent), &last[0]) {
        (Some(DeValue::Table(t)), Seg::Key(k)) => {
            let key = Spanned::new(value.span(), std::borrow::Cow::Owned(k.clone()));
            t.insert(key, value);
            true
        }
        (Some(DeValue::Array(a)), Seg::Index(i)) => match a.get_mut(*i) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        },
        _ => false,
    })
}

/// Tries each stand-in at `path` until the file reads past it. `false` when none fits
/// (the path then holds the last one tried).
fn try_stand_ins<T: DeserializeOwned>(
    root: &mut Spanned<DeTable<'_>>,
    path: &[Seg],
    sentinel: &Range<usize>,
    missing: Option<&str>,
) -> bool {
    if path.is_empty() {
        return false;
    }
    for raw in STAND_INS {
        let Ok(parsed) = DeValue::parse(raw) else {
            continue;
        };
        let value = Spanned::new(sentinel.clone(), parsed.into_inner());
        if !set_at(root, path, value) {
            return false;
        }
        match T::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(_) => return true,
            Err(e) => {
                let same_missing = missing.is_some_and(|f| {
                    e.message().strip_prefix("missing field ").and_then(ticked) == Some(f)
                });
                if e.span().as_ref() != Some(sentinel) && !same_missing {
                    return true;
                }
            }
        }
    }
    false
}

fn replace_with_stand_in<T: DeserializeOwned>(
    root: &mut Spanned<DeTable<'_>>,
    path: &[Seg],
    sentinel: &Range<usize>,
) -> bool {
    try_stand_ins::<T>(root, path, sentinel, None)
}

fn insert_stand_in<T: DeserializeOwned>(
    root: &mut Spanned<DeTable<'_>>,
    path: &[Seg],
    sentinel: &Range<usize>,
    field: &str,
) -> bool {
    try_stand_ins::<T>(root, path, sentinel, Some(field))
}

/// The span of the value at `path` in a TOML text (for an element of an array of
/// tables, its `[[header]]`). `None` when the text does not parse or has no such value.
pub fn value_span(text: &str, path: &[Seg]) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut v: &Tree<'_> = root.get_ref().get(key_of(path.first()?)?)?;
    for seg in &path[1..] {
        v = match (v.get_ref(), seg) {
            (DeValue::Table(t), Seg::Key(k)) => t.get(k.as_str())?,
            (DeValue::Array(a), Seg::Index(i)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(v.span())
}

fn key_of(seg: &Seg) -> Option<&str> {
    match seg {
        Seg::Key(k) => Some(k),
        Seg::Index(_) => None,
    }
}

/// Every string value of a TOML text (keys and comments excluded), decoded, with the
/// span of its literal. Empty when the text does not parse.
pub fn string_values(text: &str) -> Vec<(Range<usize>, String)> {
    fn walk(v: &Tree<'_>, out: &mut Vec<(Range<usize>, String)>) {
        match v.get_ref() {
            DeValue::String(s) => out.push((v.span(), s.to_string())),
            other => {
                for (_, x) in children(other) {
                    walk(x, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(root) = DeTable::parse(text) {
        for (_, v) in root.get_ref().iter() {
            walk(v, &mut out);
        }
    }
    out.sort_by_key(|(s, _)| s.start);
    out
}

/// A problem with a file's bytes, and the spot to show.
#[derive(Debug)]
struct Undecodable {
    diagnostic: Diagnostic,
    span: Range<usize>,
}

/// UTF-8 without BOM, or an Italian explanation of what is wrong with the bytes.
fn decode(bytes: &[u8]) -> Result<String, Box<Undecodable>> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(Box::new(Undecodable {
            diagnostic: Diagnostic::error("il file inizia con un BOM (byte order mark)")
                .label("carattere invisibile all'inizio del file")
                .hint(
                "salvalo come \"UTF-8\" senza BOM (nel Blocco note: Salva con nome → Codifica: UTF-8)",
            ),
            span: 0..3,
        }));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Box::new(Undecodable {
            diagnostic: Diagnostic::error("il file è in codifica UTF-16, non UTF-8")
                .hint("salvalo con la codifica UTF-8"),
            span: 0..3,
        }));
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Box::new(Undecodable {
            diagnostic: Diagnostic::error("il file non è testo UTF-8 valido")
                .label("byte non valido")
                .hint("salvalo con la codifica UTF-8; se è un file binario, toglilo dalla cartella dei contenuti"),
            // The lossy text shown keeps the valid prefix: the bad byte is its U+FFFD.
            span: at..at + '\u{FFFD}'.len_utf8(),
        })
    })
}

/// Translates a TOML/serde error into an Italian diagnostic at its place.
pub fn toml_error(e: &toml::de::Error, file: FileIdx, text: &str) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let span = e.span().unwrap_or(0..0);
    let span = narrow_span(text, span);
    let (message, hint) = if raw.starts_with("string values must be quoted")
        && text[span.clone()].trim().is_empty()
    {
        syntax_message("missing value").unwrap_or_default()
    } else {
        translate(&raw)
    };
    let message = if message == "chiave ripetuta" && !text[span.clone()].trim().is_empty() {
        format!("chiave ripetuta `{}`", text[span.clone()].trim())
    } else {
        message
    };
    let mut d = Diagnostic::error(message).at(file, span.clone());
    if span == (0..0) && raw.starts_with("missing field") {
        d = d.label("manca in questo file");
    }
    if let Some(h) = hint {
        d = d.hint(h);
    }
    d
}

/// A span covering a whole table is useless to show: keep its first line.
fn narrow_span(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
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
    if let Some(rest) = first_line.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "valore non ammesso: trovato {}, serve {}",
                italian_type(found),
                italian_type(expected)
            ),
            None,
        );
    }
    if let Some(rest) = first_line.strip_prefix("invalid length ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!("numero di elementi sbagliato: {found}, ne servono {expected}"),
            None,
        );
    }
    if let Some(rest) = first_line.strip_prefix("duplicate field ") {
        return (
            format!("campo ripetuto `{}`", ticked(rest).unwrap_or(rest)),
            Some("ogni campo può comparire una sola volta nella stessa tabella".into()),
        );
    }
    if let Some(t) = syntax_message(first_line) {
        return t;
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

/// The Italian for the syntax errors of TOML's parser ("<what>, expected <…>").
fn syntax_message(line: &str) -> Option<(String, Option<String>)> {
    let what = line.split(", expected").next().unwrap_or(line).trim();
    let quotes = "controlla le virgolette: un testo si apre e si chiude con \" (o con \"\"\" se va su più righe)";
    let (message, hint): (&str, Option<&str>) = match what {
        "string values must be quoted" => (
            "un testo va scritto tra virgolette",
            Some("scrivi per esempio: titolo = \"Nuovo titolo\""),
        ),
        "key with no value" => (
            "dopo il nome della chiave serve `=` seguito dal valore",
            Some("ogni riga è del tipo `chiave = valore`; un commento comincia con #"),
        ),
        "missing value" | "missing value for key" => (
            "manca il valore dopo `=`",
            Some("scrivi il valore (un testo tra virgolette, un numero, una data) oppure togli la riga"),
        ),
        "unclosed array" => ("elenco non chiuso: manca `]`", None),
        "unclosed inline table" => ("tabella non chiusa: manca `}`", Some("una tabella in linea va scritta tutta su una riga: { chiave = valore, … }")),
        "unclosed table" => ("intestazione di tabella non chiusa: manca `]`", None),
        "unclosed array table" => ("intestazione non chiusa: manca `]]`", None),
        "missing comma between array elements" => {
            ("manca una virgola tra gli elementi dell'elenco", None)
        }
        "unexpected `=` in array" => ("un `=` dentro un elenco `[ … ]`", Some("forse manca la `]` che chiude l'elenco alla riga prima")),
        "invalid basic string" | "invalid string" | "invalid literal string"
        | "invalid multi-line basic string" | "missing opening quote" => {
            ("testo tra virgolette non valido o non chiuso", Some(quotes))
        }
        "missing escaped value" => (
            "dopo la barra rovesciata `\\` serve un carattere valido (\\n, \\t, \\\", \\\\ …)",
            Some("per scrivere una barra rovesciata scrivi `\\\\` oppure usa le virgolette semplici: 'C:\\cartella'"),
        ),
        "duplicate key" => (
            "chiave ripetuta",
            Some("ogni chiave può comparire una sola volta nella stessa tabella"),
        ),
        "invalid unquoted key" | "invalid key" | "unquoted keys cannot be empty" => (
            "nome di chiave non valido",
            Some("i nomi delle chiavi usano lettere senza accenti, cifre, `_` e `-`"),
        ),
        "invalid integer number" | "invalid float" | "invalid fraction" | "invalid exponent"
        | "invalid mantissa" | "unexpected leading zero" | "redundant numeric sign"
        | "unexpected sign" | "invalid hexadecimal number" | "invalid octal number"
        | "invalid binary number" | "integers with a radix cannot be signed"
        | "redundant integer number prefix" | "radix must be lowercase" => (
            "numero non valido",
            Some("i decimali si scrivono col punto (12.5) oppure tra virgolette (\"12,5\")"),
        ),
        "invalid boolean" => ("valore vero/falso non valido: scrivi true o false", None),
        "carriage return must be followed by newline" => ("fine riga non valida", None),
        "invalid comment character" | "missing comment start" => {
            ("carattere non ammesso in un commento", None)
        }
        "unexpected content" | "unexpected key or value" | "unexpected content between comment and newline" => (
            "testo inatteso",
            Some("ogni riga contiene una sola `chiave = valore`; un commento comincia con #"),
        ),
        "missing key for inline table element" | "invalid inline table element" => (
            "elemento non valido nella tabella `{ … }`",
            Some("scrivi le coppie come chiave = valore, separate da virgole"),
        ),
        "invalid table" | "missing table open" | "missing array opening"
        | "missing inline table opening" => ("intestazione di tabella non valida", None),
        "recursion limit" => ("troppi livelli annidati", None),
        w if w.starts_with("cannot extend value of type") => (
            "la chiave è già definita con un valore: non può diventare una tabella",
            None,
        ),
        w if w.contains("datetime") || w.contains("date") || w.contains("time") => (
            "data non valida",
            Some("scrivi le date come 2023-07-31 (anno-mese-giorno)"),
        ),
        _ => return None,
    };
    Some((message.to_string(), hint.map(str::to_string)))
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
        assert_eq!(d.message, "manca il valore dopo `=`");
        let d = diag_of("numero = 1\ntitolo = Prova\n");
        assert_eq!(d.message, "un testo va scritto tra virgolette");
        let d = diag_of("numero = 1\ntitolo = \"C:\\dati\"\n");
        assert!(d.message.contains("barra rovesciata"), "{}", d.message);
        let d = diag_of("numero = 1\nnumero = 2\n");
        assert_eq!(d.message, "chiave ripetuta `numero`");
    }

    fn all_problems(text: &str) -> Vec<String> {
        match parse_all::<Managed>(text) {
            Ok(_) => Vec::new(),
            Err(Problems::Syntax(es)) | Err(Problems::Schema(es)) => es
                .iter()
                .map(|e| {
                    let d = toml_error(e, 0, text);
                    let (_, span) = d.primary.clone().unwrap();
                    format!("{}: {}", &text[span], d.message)
                })
                .collect(),
        }
    }

    const MANAGED: &str = r#"numero = 1
titolo = "t"
direzione = "d"
sezione = "s"
assessore = "a"
dirigente = "b"
responsabile = { cognome = "c", nome = "n" }
missione = "m"
programma = "p"
obiettivo_strategico = "os"
obiettivo_operativo = "oo"
progetto = "pr"
finalita = "f"
orizzonte_temporale = "2023"
descrizione = "x"
azione = "modificare"
"#;

    #[test]
    fn every_schema_problem_of_a_file_is_reported() {
        let text = MANAGED
            .replace("titolo = \"t\"", "titlo = \"t\"")
            .replace("numero = 1\n", "numero = \"uno\"\n")
            + "\n[[fasi]]\nnumero = \"a\"\ndescrizione = \"d\"\n"
            + "\n[[fasi]]\nnumero = 2\n"
            + "\n[[fasi]]\nnumero = 3\ndescrizione = \"d\"\ncronogramma = {}\n"
            + "\n[[personale]]\ncategoria = \"C\"\nnome = \"N\"\npartecipazione = \"tanta\"\n";
        let problems = all_problems(&text);
        assert_eq!(
            problems,
            vec![
                "\"uno\": tipo di valore sbagliato: trovato il testo \"uno\", serve un numero intero positivo",
                "titlo: campo sconosciuto `titlo`: forse `titolo`?",
                "\"a\": tipo di valore sbagliato: trovato il testo \"a\", serve un numero intero positivo",
                "[[fasi]]: manca il campo obbligatorio `descrizione`",
                "cronogramma: campo sconosciuto `cronogramma`: forse `cronoprogramma`?",
                "\"tanta\": \"tanta\" non è un numero: scrivi per esempio 70, 12.5 oppure \"12,5\"",
            ],
        );
    }

    #[test]
    fn every_missing_field_is_reported() {
        let text = MANAGED
            .replace("sezione = \"s\"\n", "")
            .replace("missione = \"m\"\n", "")
            .replace(
                "responsabile = { cognome = \"c\", nome = \"n\" }",
                "responsabile = { cognome = \"c\" }",
            );
        let problems = all_problems(&text);
        assert_eq!(
            problems,
            vec![
                ": manca il campo obbligatorio `sezione`",
                ": manca il campo obbligatorio `missione`",
                "{ cognome = \"c\" }: valore non valido: serve un testo (\"Cognome Nome\") oppure una tabella { cognome = \"…\", nome = \"…\" }",
            ],
        );
    }

    #[test]
    fn a_valid_file_has_no_problems() {
        assert!(parse_all::<Managed>(MANAGED).is_ok());
    }

    #[test]
    fn every_syntax_error_is_reported() {
        let text = "numero = \ntitolo = \"aperto\nsezione = x\n";
        let problems = all_problems(text);
        assert!(problems.len() >= 2, "{problems:?}");
    }

    #[test]
    fn bom_and_bad_utf8_are_refused() {
        assert!(decode(b"\xEF\xBB\xBFa = 1")
            .unwrap_err()
            .diagnostic
            .message
            .contains("BOM"));
        assert!(decode(b"a = \"\xFF\"")
            .unwrap_err()
            .diagnostic
            .message
            .contains("UTF-8"));
        assert_eq!(decode(b"a = 1").unwrap(), "a = 1");
    }
}

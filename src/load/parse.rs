//! The recovering parser: every problem of a file at once, not the first.
//!
//! TOML's own recovering parser gives every syntax error; for valid TOML that does not
//! fit the model, the offending part of the tree is repaired (unknown key removed,
//! wrong value or missing field replaced by a stand-in) and the file read again, so
//! that each round finds one more problem.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::messages::{syntax_shape, ticked, toml_error};
use crate::diag::ValueSpans;
use crate::diag::{suggest, FileIdx, Report};

/// At most this many syntax errors are shown for one file: after the first few, a
/// broken bracket or quote makes the rest noise.
const MAX_SYNTAX_ERRORS: usize = 10;
/// At most this many repair rounds when collecting the schema errors of one file.
const MAX_ROUNDS: usize = 64;

pub(crate) fn report_syntax(
    errors: &[toml::de::Error],
    file: FileIdx,
    text: &str,
    report: &mut Report,
) {
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
        let mut d = syntax_shape(e, file, text).unwrap_or_else(|| toml_error(e, file, text));
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

/// The TOML tree of `text`, or every syntax error TOML's recovering parser found.
pub(crate) fn parse_tree(text: &str) -> Result<Spanned<DeTable<'_>>, Vec<toml::de::Error>> {
    let (root, syntax) = DeTable::parse_recoverable(text);
    if syntax.is_empty() {
        Ok(root)
    } else {
        Err(syntax)
    }
}

/// A schema error, with what the document's shape says about it (found by trying the
/// value or the field elsewhere, never by matching texts).
pub(crate) struct Problem {
    pub error: toml::de::Error,
    pub shape: Option<Shape>,
}

/// What a schema error turns out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A field written in a block (`[[fasi]]`, `[[variazioni.modifiche]]` …) it does not
    /// belong to: it reads in an enclosing one, whose fields end where `above` (the
    /// first block header inside it) begins. `block` is the header of the block it is
    /// written in.
    Misplaced {
        key: String,
        block: Range<usize>,
        above: Range<usize>,
    },
    /// A value of the wrong type that reads when written as `written` (a number in
    /// quotes, a text without them); `was` is how it is written, `element` whether it
    /// is an element of the list in `key`.
    Retyped {
        key: String,
        written: String,
        was: String,
        element: bool,
    },
}

/// Reads the tree of a valid TOML text into `T`, collecting every unknown key,
/// missing field and wrong value rather than the first. After each schema error the offending part of the
/// tree is repaired (unknown key removed, wrong value or missing field replaced by a
/// stand-in) and the whole file is read again.
pub(crate) fn deserialize_all<T: DeserializeOwned>(
    mut root: Spanned<DeTable<'_>>,
    text: &str,
) -> Result<T, Vec<Problem>> {
    // Stand-ins carry a span no real value has, to tell their errors apart.
    let sentinel = text.len() + 1..text.len() + 1;
    let mut errors: Vec<Problem> = Vec::new();
    let mut removed: Vec<(Vec<Seg>, String)> = Vec::new();
    let mut unknown: Vec<(Vec<Seg>, String)> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let e = match T::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(data) if errors.is_empty() => return Ok(data),
            Ok(_) => break,
            Err(e) => e,
        };
        let Some(span) = e.span().filter(|s| *s != sentinel) else {
            errors.push(Problem::plain(e));
            break;
        };
        if errors.last().is_some_and(|last| {
            last.error.message() == e.message() && last.error.span() == e.span()
        }) {
            break;
        }
        let message = e.message().to_string();
        let repaired = if message.starts_with("unknown field ") {
            match find_key(root.get_ref(), &span) {
                Some(path) => {
                    let (table, key) = path.split_at(path.len() - 1);
                    let shape = match &key[0] {
                        Seg::Key(k) => misplaced::<T>(&root, table, k, text),
                        Seg::Index(_) => None,
                    };
                    errors.push(Problem { error: e, shape });
                    if let Seg::Key(k) = &key[0] {
                        unknown.push((table.to_vec(), k.clone()));
                    }
                    remove_at(root.get_mut(), table, &key[0]);
                    true
                }
                None => {
                    errors.push(Problem::plain(e));
                    false
                }
            }
        } else if let Some(field) = message.strip_prefix("missing field ").and_then(ticked) {
            let field = field.to_string();
            let table = find_table(root.get_ref(), &span).unwrap_or_default();
            // A misspelt key is already reported as unknown, with this field suggested.
            let misspelt = unknown
                .iter()
                .any(|(t, k)| *t == table && suggest(k, [field.as_str()]).is_some());
            // A field reported as written in the wrong block is not missing too.
            let moved = errors
                .iter()
                .any(|p| matches!(&p.shape, Some(Shape::Misplaced { key, .. }) if *key == field));
            if !misspelt && !moved && !removed.contains(&(table.clone(), field.clone())) {
                errors.push(Problem::plain(e));
            }
            let mut path = table;
            path.push(Seg::Key(field.clone()));
            insert_stand_in::<T>(&mut root, &path, &sentinel, &field)
        } else {
            match find_value(root.get_ref(), &span) {
                Some(path) => {
                    // Only a value of the wrong kind is tried written the other way: a
                    // value refused for what it says (too many decimals, out of scale)
                    // is of the right kind, and may read as something else once quoted.
                    let shape = if wrong_kind(&message) {
                        retyped::<T>(&mut root, &path, &sentinel, text)
                    } else {
                        None
                    };
                    let fits = shape.is_some();
                    errors.push(Problem { error: e, shape });
                    if !fits && !replace_with_stand_in::<T>(&mut root, &path, &sentinel) {
                        let (table, last) = path.split_at(path.len() - 1);
                        if let Seg::Key(k) = &last[0] {
                            removed.push((table.to_vec(), k.clone()));
                        }
                        remove_at(root.get_mut(), table, &last[0]);
                    }
                    true
                }
                None => {
                    errors.push(Problem::plain(e));
                    false
                }
            }
        };
        if !repaired {
            break;
        }
    }
    errors.sort_by_key(|p| p.error.span().map_or(0, |s| s.start));
    Err(errors)
}

impl Problem {
    fn plain(error: toml::de::Error) -> Problem {
        Problem { error, shape: None }
    }
}

/// The node at `path`.
fn node<'a, 'i>(v: &'a DeValue<'i>, path: &[Seg]) -> Option<&'a Tree<'i>> {
    let (first, rest) = path.split_first()?;
    let next = match (v, first) {
        (DeValue::Table(t), Seg::Key(k)) => t.get(k.as_str())?,
        (DeValue::Array(a), Seg::Index(i)) => a.get(*i)?,
        _ => return None,
    };
    if rest.is_empty() {
        Some(next)
    } else {
        node(next.get_ref(), rest)
    }
}

/// Whether `span` is a block header (`[x]`, `[[x]]`): the first thing on its line.
pub(crate) fn is_header(text: &str, span: &Range<usize>) -> bool {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..start].trim().is_empty() && text[start..].starts_with('[')
}

/// The first block header among the descendants of `v` (by position in the file).
fn first_header(v: &DeValue<'_>, text: &str) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    fn walk(v: &DeValue<'_>, text: &str, best: &mut Option<Range<usize>>) {
        for (_, x) in children(v) {
            let span = x.span();
            if matches!(x.get_ref(), DeValue::Table(_))
                && is_header(text, &span)
                && best.as_ref().is_none_or(|b| span.start < b.start)
            {
                *best = Some(span.clone());
            }
            walk(x.get_ref(), text, best);
        }
    }
    walk(v, text, &mut best);
    best
}

/// An unknown `key` of the table at `table` that reads in an enclosing table: written
/// below a block header it does not belong to. Found by moving the field there and
/// reading the file again.
fn misplaced<T: DeserializeOwned>(
    root: &Spanned<DeTable<'_>>,
    table: &[Seg],
    key: &str,
    text: &str,
) -> Option<Shape> {
    let whole = DeValue::Table(root.get_ref().clone());
    let block = node(&whole, table)?.span();
    if !is_header(text, &block) {
        return None;
    }
    let value = match node(&whole, table)?.get_ref() {
        DeValue::Table(t) => t.get(key)?.clone(),
        _ => return None,
    };
    for k in (0..table.len()).rev() {
        let outer = &table[..k];
        let outer_node = if outer.is_empty() {
            &whole
        } else {
            node(&whole, outer)?.get_ref()
        };
        let DeValue::Table(t) = outer_node else {
            continue;
        };
        if t.get(key).is_some() {
            continue;
        }
        // Moved to the front of the enclosing table, so that it is read before
        // anything else there (a later problem would otherwise hide the answer).
        let mut moved = root.clone();
        remove_at(moved.get_mut(), table, &Seg::Key(key.to_string()));
        let placed = with_root(moved.get_mut(), |v| match node_mut(v, outer) {
            Some(DeValue::Table(t)) => {
                let mut front = DeTable::new();
                let name = Spanned::new(value.span(), std::borrow::Cow::Owned(key.to_string()));
                front.insert(name, value.clone());
                for (k, x) in t.iter() {
                    front.insert(k.clone(), x.clone());
                }
                *t = front;
                true
            }
            _ => false,
        });
        if !placed {
            continue;
        }
        let still_unknown = match T::deserialize(toml::de::Deserializer::from(moved)) {
            Ok(_) => false,
            Err(e) => e.message().strip_prefix("unknown field ").and_then(ticked) == Some(key),
        };
        if !still_unknown {
            let above = first_header(outer_node, text)?;
            return Some(Shape::Misplaced {
                key: key.to_string(),
                block,
                above,
            });
        }
    }
    None
}

/// Whether a reader's error says the value is of the wrong kind (a number for a text, a
/// text for a number…), rather than refusing what a value of the right kind says.
fn wrong_kind(message: &str) -> bool {
    message.starts_with("invalid type: ") || message.contains("did not match any variant")
}

/// The value at `path` written another way (a number or a date in quotes, a text
/// without them, a decimal comma as a point), when the file reads past it so: the
/// value is left so written, and the shape says how.
fn retyped<T: DeserializeOwned>(
    root: &mut Spanned<DeTable<'_>>,
    path: &[Seg],
    sentinel: &Range<usize>,
    text: &str,
) -> Option<Shape> {
    let key = path.iter().rev().find_map(|s| match s {
        Seg::Key(k) => Some(k.clone()),
        Seg::Index(_) => None,
    })?;
    let whole = DeValue::Table(root.get_ref().clone());
    let found = node(&whole, path)?;
    let raw_of = |x: &Tree<'_>| -> Option<String> {
        match x.get_ref() {
            DeValue::Integer(_)
            | DeValue::Float(_)
            | DeValue::Boolean(_)
            | DeValue::Datetime(_) => Some(text.get(x.span())?.trim().to_string()),
            _ => None,
        }
    };
    let text_value = |s: String| DeValue::String(std::borrow::Cow::Owned(s));
    // The value to try (a number only needs to be of its kind) and how it is written.
    let (parsed, candidate): (DeValue<'_>, String) = match found.get_ref() {
        DeValue::String(s) => {
            let t = s.trim().replace(',', ".");
            let kind: &'static str = match DeValue::parse(&t).map(|v| v.into_inner()) {
                Ok(DeValue::Integer(_)) => "1",
                Ok(DeValue::Float(_)) => "1.5",
                Ok(DeValue::Boolean(_)) => "true",
                Ok(DeValue::Datetime(_)) => "2000-01-01",
                _ => return None,
            };
            (DeValue::parse(kind).ok()?.into_inner(), t)
        }
        DeValue::Array(items) if !items.is_empty() => {
            let mut array = toml::de::DeArray::new();
            let mut shown = Vec::new();
            for x in items.iter() {
                let raw = raw_of(x)?;
                shown.push(crate::diag::typed(&raw));
                array.push(Spanned::new(sentinel.clone(), text_value(raw)));
            }
            (DeValue::Array(array), format!("[{}]", shown.join(", ")))
        }
        _ => {
            let raw = raw_of(found)?;
            (text_value(raw.clone()), crate::diag::typed(&raw))
        }
    };
    let before = found.clone();
    if !set_at(root, path, Spanned::new(sentinel.clone(), parsed)) {
        return None;
    }
    let fits = match T::deserialize(toml::de::Deserializer::from(root.clone())) {
        Ok(_) => true,
        Err(e) => e.span().as_ref() != Some(sentinel),
    };
    if fits {
        Some(Shape::Retyped {
            key,
            written: candidate,
            was: text.get(before.span()).unwrap_or("").trim().to_string(),
            element: matches!(path.last(), Some(Seg::Index(_))),
        })
    } else {
        set_at(root, path, before);
        None
    }
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

pub(crate) type Tree<'i> = Spanned<DeValue<'i>>;

pub(crate) fn children<'a, 'i>(v: &'a DeValue<'i>) -> Vec<(Seg, &'a Tree<'i>)> {
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

/// The path of the last value, in document order and depth first (so the deepest of
/// nested ones), for which `pick` holds.
fn deepest(table: &DeTable<'_>, pick: &dyn Fn(&Tree<'_>) -> bool) -> Option<Vec<Seg>> {
    fn walk(
        v: &DeValue<'_>,
        pick: &dyn Fn(&Tree<'_>) -> bool,
        best: &mut Option<Vec<Seg>>,
        path: &mut Vec<Seg>,
    ) {
        for (seg, x) in children(v) {
            path.push(seg);
            if pick(x) {
                *best = Some(path.clone());
            }
            walk(x.get_ref(), pick, best, path);
            path.pop();
        }
    }
    let mut best = None;
    let root = DeValue::Table(table.clone());
    walk(&root, pick, &mut best, &mut Vec::new());
    best
}

/// The deepest value whose span holds `span`.
fn find_value(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Seg>> {
    deepest(table, &|x| {
        let s = x.span();
        let holds = s.start <= span.start && span.end <= s.end;
        holds && (span.is_empty() || !s.is_empty())
    })
}

/// The deepest table whose span is exactly `span` (the root when none is).
fn find_table(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Seg>> {
    deepest(table, &|x| {
        x.span() == *span && matches!(x.get_ref(), DeValue::Table(_))
    })
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

/// The key of a value's path in [`ValueSpans`]: its segments, joined.
pub fn path_key(path: &[Seg]) -> String {
    let mut key = String::new();
    for (i, seg) in path.iter().enumerate() {
        if i > 0 {
            key.push('\u{1f}');
        }
        match seg {
            Seg::Key(k) => key.push_str(k),
            Seg::Index(n) => key.push_str(&n.to_string()),
        }
    }
    key
}

/// Where every value of a parsed file is written (for an element of an array of tables,
/// its `[[header]]`), and every string value: kept by `load` so that no later stage
/// parses the file again.
pub fn index(root: &DeTable<'_>) -> ValueSpans {
    fn walk(v: &Tree<'_>, path: &mut Vec<Seg>, out: &mut ValueSpans) {
        out.paths.insert(path_key(path), v.span());
        match v.get_ref() {
            DeValue::String(s) => out.strings.push((v.span(), s.to_string())),
            other => {
                for (seg, x) in children(other) {
                    path.push(seg);
                    walk(x, path, out);
                    path.pop();
                }
            }
        }
    }
    let mut out = ValueSpans::default();
    for (k, v) in root.iter() {
        let mut path = vec![Seg::Key(k.get_ref().to_string())];
        walk(v, &mut path, &mut out);
    }
    out.strings.sort_by_key(|(s, _)| s.start);
    out
}

/// The value spans of a TOML text (empty when it does not parse): for tests and tools
/// that have no loaded file.
pub fn index_text(text: &str) -> ValueSpans {
    DeTable::parse(text)
        .map(|root| index(root.get_ref()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::model::Managed;

    fn all_problems(text: &str) -> Vec<String> {
        let shown = |d: Diagnostic| {
            let (_, span) = d.primary.clone().unwrap();
            format!("{}: {}", &text[span], d.message)
        };
        let root = match parse_tree(text) {
            Ok(root) => root,
            Err(es) => return es.iter().map(|e| shown(toml_error(e, 0, text))).collect(),
        };
        match deserialize_all::<Managed>(root, text) {
            Ok(_) => Vec::new(),
            Err(ps) => ps
                .iter()
                .map(|p| shown(super::super::messages::schema_error(p, 0, text)))
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
                "{ cognome = \"c\" }: valore non valido: serve un testo (\"Cognome Nome\") oppure { cognome = \"…\", nome = \"…\" }",
            ],
        );
    }

    #[test]
    fn a_valid_file_has_no_problems() {
        let root = parse_tree(MANAGED).ok().unwrap();
        assert!(deserialize_all::<Managed>(root, MANAGED).is_ok());
    }

    #[test]
    fn every_syntax_error_is_reported() {
        let text = "numero = \ntitolo = \"aperto\nsezione = x\n";
        let problems = all_problems(text);
        assert!(problems.len() >= 2, "{problems:?}");
    }
}

//! Problems at the field: `piao check`'s diagnostics on the content folder, the
//! cross-scheda ones included, each tied to the file and the form field it concerns
//! (`fasi[2].cronoprogramma.dicembre`), found through the value spans the loader kept
//! (`Sources::spans`). A draft with errors is saved all the same; [`Problems::buildable`]
//! says whether the annex can be built.

use std::path::Path;

use serde::Serialize;

use super::path::FieldPath;
use crate::diag::{Diagnostic, Severity, Sources};
use crate::load::Seg;

/// One problem, where a form can show it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldProblem {
    /// The file, in the content folder (`gestionali/g01-prova.toml`); none for a
    /// problem of the whole folder.
    pub file: Option<String>,
    /// The field, when the problem is about one.
    pub field: Option<String>,
    /// "errore", "avviso" or "nota".
    pub gravita: &'static str,
    pub messaggio: String,
    /// What to do about it.
    pub suggerimenti: Vec<String>,
    /// The line in the file (from 1), for those who open it.
    pub riga: Option<usize>,
}

/// Every problem of the content folder after a save.
#[derive(Debug, Clone, Serialize)]
pub struct Problems {
    /// No error: the annex can be built.
    pub buildable: bool,
    pub errori: usize,
    pub avvisi: usize,
    pub problemi: Vec<FieldProblem>,
}

impl Problems {
    /// The problems of one file.
    pub fn of_file<'a>(&'a self, relative: &'a str) -> impl Iterator<Item = &'a FieldProblem> {
        self.problemi
            .iter()
            .filter(move |p| p.file.as_deref() == Some(relative))
    }
}

/// Loads and checks `dir` as `piao check` does, and ties each problem to its field.
pub fn check(dir: &Path) -> Problems {
    match crate::pipeline::load_and_check(dir, false) {
        Ok(c) => {
            let problemi: Vec<FieldProblem> = c
                .report
                .diagnostics
                .iter()
                .map(|d| at_field(d, &c.sources, dir))
                .collect();
            Problems {
                buildable: c.report.errors() == 0 && c.checked.is_some(),
                errori: c.report.errors(),
                avvisi: c.report.warnings(),
                problemi,
            }
        }
        Err(e) => Problems {
            buildable: false,
            errori: 1,
            avvisi: 0,
            problemi: vec![FieldProblem {
                file: None,
                field: None,
                gravita: "errore",
                messaggio: e.0,
                suggerimenti: Vec::new(),
                riga: None,
            }],
        },
    }
}

/// A diagnostic with its file and field.
pub fn at_field(d: &Diagnostic, sources: &Sources, dir: &Path) -> FieldProblem {
    let relative = |p: &Path| {
        p.strip_prefix(dir)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"))
    };
    let (file, field, riga) = match &d.primary {
        Some((idx, span)) => {
            let field = field_of(sources, *idx, span.start, span.end, &d.message);
            (
                relative(sources.path(*idx)),
                field.map(|f| f.to_string()),
                Some(sources.line_col(*idx, span.start).0),
            )
        }
        None => (d.path.as_deref().and_then(relative), None, None),
    };
    FieldProblem {
        file,
        field,
        gravita: match d.severity {
            Severity::Error => "errore",
            Severity::Warning => "avviso",
            Severity::Note => "nota",
        },
        messaggio: d.message.clone(),
        suggerimenti: d.hints.clone(),
        riga,
    }
}

/// The field of the tightest value whose span holds `start..end`; for a missing field
/// ("manca il campo obbligatorio `titolo`"), that field in the table the problem
/// points at.
fn field_of(
    sources: &Sources,
    idx: usize,
    start: usize,
    end: usize,
    message: &str,
) -> Option<FieldPath> {
    let spans = sources.spans(idx);
    let best = spans
        .paths
        .iter()
        .filter(|(_, s)| s.start <= start && end <= s.end.max(s.start + 1))
        .min_by_key(|(k, s)| (s.end - s.start, std::cmp::Reverse(k.len())))
        .map(|(k, _)| FieldPath::from_span_key(k));
    let named = missing_key(message);
    match (best, named) {
        (Some(p), Some(key)) if !p.0.is_empty() && matches!(p.0.last(), Some(Seg::Index(_))) => {
            Some(p.join(key.as_str()))
        }
        (Some(p), Some(key)) if p.0.is_empty() => Some(FieldPath(vec![Seg::Key(key)])),
        (None, Some(key)) => Some(FieldPath(vec![Seg::Key(key)])),
        (Some(p), _) if p.0.is_empty() => None,
        (p, _) => p,
    }
}

/// The key a "manca il campo … `key`" message names.
fn missing_key(message: &str) -> Option<String> {
    if !message.starts_with("manca") {
        return None;
    }
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    let key = &message[start..start + len];
    key.chars()
        .all(|c| c.is_ascii_lowercase() || c == '_')
        .then(|| key.to_string())
}

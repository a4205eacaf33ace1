//! Diagnostics: every problem of a run, with its place, in one look.
//!
//! TOML, check, template and Typst errors all become a [`Diagnostic`] pointing into a
//! file registered in [`Sources`], and are printed together with codespan-reporting the
//! way rustc and typst print theirs: file, line, column, the source line with the spot
//! marked, an Italian message and, where possible, a hint.

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing, nothing to fix: a contradiction the content acknowledges with its
    /// reason. `--strict` leaves notes alone.
    Note,
    Warning,
    Error,
}

/// A file known to the diagnostics, by index into [`Sources`].
pub type FileIdx = usize;

/// One problem: where, what, and how to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file and byte range the problem is about, when it has a place.
    pub primary: Option<(FileIdx, Range<usize>)>,
    /// A short text under the marked spot.
    pub label: Option<String>,
    /// Other places worth showing (for example the first of two duplicates).
    pub secondary: Vec<(FileIdx, Range<usize>, String)>,
    /// Hints: what to do about it.
    pub hints: Vec<String>,
    /// A file the problem is about when there is no span (an unreadable file).
    pub path: Option<PathBuf>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            label: None,
            secondary: Vec::new(),
            hints: Vec::new(),
            path: None,
        }
    }
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }
    pub fn at(mut self, file: FileIdx, span: Range<usize>) -> Self {
        self.primary = Some((file, span));
        self
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn also(mut self, file: FileIdx, span: Range<usize>, label: impl Into<String>) -> Self {
        self.secondary.push((file, span, label.into()));
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
    pub fn file(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of every file a diagnostic may point into.
#[derive(Clone)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    paths: Vec<PathBuf>,
    spans: Vec<ValueSpans>,
}

/// Where the values of a file are written, found once, when `load` parsed it: by path
/// (a key made by `load::path_key`) and every string value with its span. Later stages
/// point at values through it and never parse the file again.
#[derive(Debug, Clone, Default)]
pub struct ValueSpans {
    pub paths: std::collections::HashMap<String, Range<usize>>,
    /// Every string value (keys and comments excluded), decoded, in file order.
    pub strings: Vec<(Range<usize>, String)>,
}

impl ValueSpans {
    /// The span of the value with `key`.
    pub fn get(&self, key: &str) -> Option<Range<usize>> {
        self.paths.get(key).cloned()
    }
}

static NO_SPANS: std::sync::LazyLock<ValueSpans> = std::sync::LazyLock::new(ValueSpans::default);

impl Default for Sources {
    fn default() -> Self {
        Sources {
            files: SimpleFiles::new(),
            paths: Vec::new(),
            spans: Vec::new(),
        }
    }
}

impl Sources {
    pub fn add(&mut self, path: &Path, text: String) -> FileIdx {
        self.paths.push(path.to_path_buf());
        self.spans.push(ValueSpans::default());
        self.files.add(path.display().to_string(), text)
    }
    /// Keeps the value spans `load` found in file `idx`.
    pub fn set_spans(&mut self, idx: FileIdx, spans: ValueSpans) {
        if let Some(s) = self.spans.get_mut(idx) {
            *s = spans;
        }
    }
    /// The value spans of file `idx` (none when it did not parse).
    pub fn spans(&self, idx: FileIdx) -> &ValueSpans {
        self.spans.get(idx).unwrap_or(&NO_SPANS)
    }
    pub fn text(&self, idx: FileIdx) -> &str {
        self.files
            .get(idx)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }
    pub fn path(&self, idx: FileIdx) -> &Path {
        &self.paths[idx]
    }
    /// The file registered for `path`, if any.
    pub fn find(&self, path: &Path) -> Option<FileIdx> {
        self.paths.iter().position(|p| p == path)
    }
    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, idx: FileIdx, offset: usize) -> (usize, usize) {
        let text = self.text(idx);
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// All the problems found in a run.
#[derive(Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(ds);
    }
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }
    pub fn notes(&self) -> usize {
        self.count(Severity::Note)
    }
    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
    /// Turns every warning into an error (`--strict`); notes stay notes.
    pub fn make_strict(&mut self) {
        for d in &mut self.diagnostics {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }
    /// Sorts by file and position, so the output reads top to bottom.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            let ka = a.primary.as_ref().map(|(f, s)| (*f, s.start));
            let kb = b.primary.as_ref().map(|(f, s)| (*f, s.start));
            ka.cmp(&kb)
        });
    }
}

/// Renders diagnostics the way rustc does; `color` only on a terminal.
pub fn render(report: &Report, sources: &Sources, color: bool) -> String {
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = term::Config::default();
    // What is shown of a file never carries its control characters to the terminal.
    let mut files = SimpleFiles::new();
    for (i, path) in sources.paths.iter().enumerate() {
        files.add(path.display().to_string(), printable(sources.text(i)));
    }
    let mut out = String::new();
    for d in &report.diagnostics {
        let cs = to_codespan(d);
        buffer.clear();
        // A span past the end of its file cannot be shown; fall back to the message.
        if term::emit(&mut buffer, &config, &files, &cs).is_err() {
            buffer.clear();
            let _ = term::emit(
                &mut buffer,
                &config,
                &files,
                &CsDiagnostic {
                    labels: Vec::new(),
                    ..cs
                },
            );
        }
        out.push_str(&italian_severity(
            &String::from_utf8_lossy(buffer.as_slice()),
            d.severity,
        ));
    }
    out
}

/// A rendered diagnostic with its first word (codespan's English severity, the first
/// thing it writes, after the colour codes if any) in Italian.
fn italian_severity(rendered: &str, severity: Severity) -> String {
    let (english, italian) = match severity {
        Severity::Error => ("error", "errore"),
        Severity::Warning => ("warning", "avviso"),
        Severity::Note => ("note", "nota"),
    };
    rendered.replacen(english, italian, 1)
}

/// `text` with every control or bidirectional-override character replaced by
/// question marks of the same length in bytes, so that spans still fit.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            let hidden = (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
            if hidden {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<FileIdx> {
    let mut cs = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
        Severity::Note => CsDiagnostic::note(),
    }
    .with_message(printable(&match &d.path {
        Some(p) if d.primary.is_none() => format!("{}: {}", p.display(), d.message),
        _ => d.message.clone(),
    }));
    let mut labels = Vec::new();
    if let Some((file, span)) = &d.primary {
        let mut label = Label::primary(*file, span.clone());
        if let Some(text) = &d.label {
            label = label.with_message(printable(text));
        }
        labels.push(label);
    }
    for (file, span, text) in &d.secondary {
        labels.push(Label::secondary(*file, span.clone()).with_message(printable(text)));
    }
    cs = cs.with_labels(labels);
    cs.with_notes(
        d.hints
            .iter()
            .map(|h| printable(&format!("aiuto: {h}")))
            .collect(),
    )
}

/// A problem as a page shows it (`piao serve`): the same message, places, hints and
/// labels the terminal shows, with each place resolved to its line, as data.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    /// `errore` or `avviso`.
    pub gravita: &'static str,
    pub messaggio: String,
    pub luogo: Option<Place>,
    pub etichetta: Option<String>,
    pub aiuti: Vec<String>,
    /// Other places worth showing, each with its own label.
    pub altri: Vec<Place>,
}

/// A place in a file, with the line's text and the part of it to mark.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Place {
    pub file: String,
    pub riga: Option<usize>,
    pub colonna: Option<usize>,
    /// The whole line, control characters replaced by `?`.
    pub testo: Option<String>,
    /// Characters of `testo` to mark: from, to (0-based, end excluded).
    pub segno: Option<(usize, usize)>,
    pub etichetta: Option<String>,
}

impl Problem {
    /// An error with no place.
    pub fn plain(message: &str) -> Problem {
        Problem {
            gravita: "errore",
            messaggio: printable(message),
            luogo: None,
            etichetta: None,
            aiuti: Vec::new(),
            altri: Vec::new(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.gravita == "errore"
    }
}

/// The diagnostics of a report as a page shows them. Notes (contradictions the content
/// acknowledges) are left out, as by every command but `piao check`.
pub fn problems(report: &Report, sources: &Sources) -> Vec<Problem> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .map(|d| problem(d, sources))
        .collect()
}

fn problem(d: &Diagnostic, sources: &Sources) -> Problem {
    let luogo = match (&d.primary, &d.path) {
        (Some((file, span)), _) => Some(place(sources, *file, span, None)),
        (None, Some(path)) => Some(Place {
            file: path.display().to_string(),
            riga: None,
            colonna: None,
            testo: None,
            segno: None,
            etichetta: None,
        }),
        (None, None) => None,
    };
    Problem {
        gravita: if d.is_error() { "errore" } else { "avviso" },
        messaggio: printable(&d.message),
        luogo,
        etichetta: d.label.as_deref().map(printable),
        aiuti: d.hints.iter().map(|h| printable(h)).collect(),
        altri: d
            .secondary
            .iter()
            .map(|(f, s, l)| place(sources, *f, s, Some(l)))
            .collect(),
    }
}

fn place(sources: &Sources, file: FileIdx, span: &Range<usize>, label: Option<&String>) -> Place {
    let text = sources.text(file);
    let (riga, colonna) = sources.line_col(file, span.start);
    let at = floor_char_boundary(text, span.start.min(text.len()));
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..end].trim_end_matches('\r');
    let width = line.chars().count();
    let from = (colonna - 1).min(width);
    let marked = text[at..floor_char_boundary(text, span.end.clamp(at, text.len()))]
        .chars()
        .take_while(|c| *c != '\n')
        .count();
    Place {
        file: sources.path(file).display().to_string(),
        riga: Some(riga),
        colonna: Some(colonna),
        testo: Some(printable(line)),
        segno: Some((from, (from + marked.max(1)).min(width.max(from + 1)))),
        etichetta: label.map(|l| printable(l)),
    }
}

/// A text as it is typed as a value in a content file (`"…"`, escaped where needed):
/// for the "scrivi: campo = …" of a hint.
pub fn typed(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["titolo", "fasi", "motivazione"];
        assert_eq!(suggest("titlo", keys), Some("titolo"));
        assert_eq!(suggest("motivazion", keys), Some("motivazione"));
        assert_eq!(suggest("zzz", keys), None);
    }

    #[test]
    fn renders_file_line_and_hint() {
        let mut sources = Sources::default();
        let f = sources.add(
            Path::new("content/a.toml"),
            "numero = 1\ntitlo = \"x\"\n".into(),
        );
        let mut report = Report::default();
        report.push(
            Diagnostic::error("campo sconosciuto `titlo`")
                .at(f, 11..16)
                .hint("forse `titolo`?"),
        );
        let text = render(&report, &sources, false);
        assert!(text.contains("content/a.toml:2:1"), "{text}");
        assert!(text.contains("campo sconosciuto `titlo`"));
        assert!(text.contains("aiuto: forse `titolo`?"));
        assert_eq!(sources.line_col(f, 11), (2, 1));
    }

    #[test]
    fn severities_are_said_in_italian_with_and_without_colour() {
        let mut sources = Sources::default();
        let f = sources.add(Path::new("a.toml"), "error = 1\n".into());
        let mut report = Report::default();
        report.push(Diagnostic::error("error e warning nel testo restano").at(f, 0..5));
        report.push(Diagnostic::warning("un avviso"));
        report.push(Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error("una nota")
        });
        for colour in [false, true] {
            let text = render(&report, &sources, colour);
            // Without the colour codes, each diagnostic opens with its Italian word.
            let plain: String = text
                .split('\x1b')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part
                    } else {
                        part.split_once('m').map_or("", |(_, rest)| rest)
                    }
                })
                .collect();
            let heads: Vec<&str> = plain
                .lines()
                .filter(|l| {
                    !l.is_empty() && !l.starts_with(|c: char| c == ' ' || c.is_ascii_digit())
                })
                .collect();
            assert_eq!(
                heads,
                [
                    "errore: error e warning nel testo restano",
                    "avviso: un avviso",
                    "nota: una nota"
                ],
                "{text:?}"
            );
            assert!(plain.contains("error = 1"), "{plain}");
        }
    }
}

//! Limits: how much work any content folder may ask for.
//!
//! A content folder may come from anyone (a merge request, an upload to `piao serve`),
//! so every dimension that costs time or memory is bounded, and going over a bound is a
//! content error that names the bound, at the line where it is exceeded. The figures
//! are far above what a real annex needs (the bundled one: files of at most 7 kB, the
//! longest text 1,448 characters, the longest word 27, 16 objectives, 136 kB in all,
//! 10 phases, 8 indicators and 7 staff rows at most in a scheda) and low enough that a
//! refused input never costs more than a fraction of a second and a few tens of MB,
//! and an accepted one builds within 2 GB: the largest content accepted in each
//! dimension (objectives, phases, indicators, staff rows, bytes of text) was built by
//! `examples/largest.rs` with a peak of at most 1.75 GB (figures in BENCHMARKS.md,
//! "The largest content `check` accepts"). Laying out costs about 5 MB of memory per
//! page, a page being about half an objective of the usual kind; what makes pages is
//! bounded per scheda (phases, indicators, staff, resources, activities, changes) and
//! in all ([`MAX_ROWS`], [`MAX_OBJECTIVES`], [`MAX_CONTENT_BYTES`]). They are fixed,
//! not settings: content that needs more is almost certainly a mistake.
//!
//! The checks on values run while loading, on the TOML tree the loader has already
//! parsed (so they see every string with its place), before anything else reads it;
//! [`cap`] bounds what is printed.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, FileIdx, Report, Severity, Sources};

/// The largest content file read (bytes).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// The largest template read with `--templates` (bytes; the largest bundled one has
/// 17 kB).
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;
/// The longest line of a content file (characters).
pub const MAX_LINE_CHARS: usize = 10_000;
/// The longest text of a single field (characters): a description or a motivazione
/// is a page at most.
pub const MAX_FIELD_CHARS: usize = 10_000;
/// The longest word (characters Typst cannot break across lines: no space, no `/` or
/// `-` before a letter) in any text. Typst does not widen a table cell for a long word
/// nor break it (hyphenation is off): it runs over the next cells. Half-width cells of
/// the scheda take about 45 characters.
pub const MAX_WORD_CHARS: usize = 50;
/// Fields shown in narrow columns, by TOML key, and about how many characters of a word
/// fit there: Cat., ATTESO and RAGGIUNTO, the target and past-year columns and U.M. of
/// services. A longer word is a warning (an error with `--strict`), not a refusal:
/// ordinary words ("partecipazione") can be longer. The fields of the columns in
/// [`crate::measure::COLUMNS`] are measured there instead (the layout's own widths and the
/// bundled font): for them these counts are not used.
pub const NARROW_FIELDS: &[(&str, usize)] = &[
    ("categoria", 10),
    ("atteso", 11),
    ("raggiunto", 11),
    ("target", 11),
    ("storico", 11),
    ("um", 8),
];
/// How deep tables and lists may nest in a file (the content files need 5).
pub const MAX_NESTING: usize = 16;
/// The most objective files (management objectives and services together) in one
/// annex. 150 of the usual kind (synthetic, 306 pages) build with a peak of 1.57 GB;
/// 1,000 took 10 GB (BENCHMARKS.md). 5,000 objectives are refused at once instead of
/// exhausting memory.
pub const MAX_OBJECTIVES: usize = 150;
/// The most bytes of content files in one annex (150 synthetic objectives take 555 kB).
/// At 1 MB the largest content accepted peaks at 1.75 GB (30 phases per scheda, the
/// limits of rows and bytes reached together); at 1.5 MB it took 2.04 GB.
pub const MAX_CONTENT_BYTES: u64 = 1024 * 1024;
/// The most phases (`[[fasi]]`) of one scheda.
pub const MAX_PHASES_PER_SCHEDA: usize = 30;
/// The most indicators of one scheda (all groups together; `[[indicatori]]` of a
/// service).
pub const MAX_INDICATORS_PER_SCHEDA: usize = 40;
/// The most rows of the staff table of one scheda (`[[personale]]`).
pub const MAX_STAFF_PER_SCHEDA: usize = 60;
/// The most resources of one scheda (`[[risorse]]`).
pub const MAX_RESOURCES_PER_SCHEDA: usize = 20;
/// The most activities of one service (`[[attivita]]`).
pub const MAX_ACTIVITIES_PER_SCHEDA: usize = 40;
/// The most changes requested for one scheda (`[[variazioni.modifiche]]`, all
/// variazioni together).
pub const MAX_CHANGES_PER_SCHEDA: usize = 40;
/// The most rows of all the tables of the annex together: phases, indicators, staff,
/// resources, activities, requested changes and courses of every file. What a build
/// costs grows with them, so their sum is bounded, not only each scheda's. Measured at
/// the limit (BENCHMARKS.md): schede of 30 phases 1.44 GB, of 40 indicators 1.16 GB, of
/// 60 staff rows 1.13 GB (the bundled annex has 266 rows).
pub const MAX_ROWS: usize = 3_000;
/// The most entries looked at in one folder of the content.
pub const MAX_ENTRIES: usize = 10_000;
/// The most diagnostics printed for one file.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 50;
/// The most diagnostics printed in one run.
pub const MAX_DIAGNOSTICS: usize = 200;

/// One kind of row of a scheda, for [`check_rows`]: its key, its limit per scheda, what
/// it is called, and where each row is written (a path for `load::path_key`).
struct RowKind {
    what: &'static str,
    limit: usize,
    rows: Vec<String>,
}

impl RowKind {
    /// The indicators of a scheda, of either kind.
    fn indicators(rows: Vec<String>) -> RowKind {
        RowKind {
            what: "troppi indicatori",
            limit: MAX_INDICATORS_PER_SCHEDA,
            rows,
        }
    }

    /// The changes a scheda of either kind requests.
    fn changes(o: &impl crate::model::Objective) -> RowKind {
        let rows = o
            .changes()
            .iter()
            .enumerate()
            .flat_map(|(g, v)| {
                (0..v.modifiche.len()).map(move |i| format!("variazioni.{g}.modifiche.{i}"))
            })
            .collect();
        RowKind {
            what: "troppe modifiche richieste",
            limit: MAX_CHANGES_PER_SCHEDA,
            rows,
        }
    }
}

/// `n` rows of the list at `key`, as paths.
fn list(key: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{key}.{i}")).collect()
}

/// Counts the rows of every scheda and of the annex against the limits on rows (per
/// scheda: phases, indicators, staff, resources, activities, changes; in all:
/// [`MAX_ROWS`]), each error at the first row over its limit. Returns `false` when
/// one is exceeded.
pub fn check_rows(
    managed: &[crate::load::Loaded<crate::model::Managed>],
    services: &[crate::load::Loaded<crate::model::Service>],
    training: Option<&crate::load::Loaded<crate::model::Training>>,
    sources: &Sources,
    report: &mut Report,
) -> bool {
    let before = report.errors();
    let mut files: Vec<(FileIdx, Vec<RowKind>)> = Vec::new();
    for m in managed {
        let o = &m.data;
        let mut indicators = Vec::new();
        for (group, list) in [
            ("quantita", &o.indicatori.quantita),
            ("tempo", &o.indicatori.tempo),
            ("costo", &o.indicatori.costo),
            ("qualita", &o.indicatori.qualita),
        ] {
            indicators.extend((0..list.len()).map(|i| format!("indicatori.{group}.{i}")));
        }
        files.push((
            m.file,
            vec![
                RowKind {
                    what: "troppe fasi",
                    limit: MAX_PHASES_PER_SCHEDA,
                    rows: list("fasi", o.fasi.len()),
                },
                RowKind::indicators(indicators),
                RowKind {
                    what: "troppe righe del personale",
                    limit: MAX_STAFF_PER_SCHEDA,
                    rows: list("personale", o.personale.len()),
                },
                RowKind {
                    what: "troppe risorse",
                    limit: MAX_RESOURCES_PER_SCHEDA,
                    rows: list("risorse", o.risorse.len()),
                },
                RowKind::changes(o),
            ],
        ));
    }
    for s in services {
        let o = &s.data;
        files.push((
            s.file,
            vec![
                RowKind {
                    what: "troppe attività",
                    limit: MAX_ACTIVITIES_PER_SCHEDA,
                    rows: list("attivita", o.attivita.len()),
                },
                RowKind::indicators(list("indicatori", o.indicatori.len())),
                RowKind::changes(o),
            ],
        ));
    }
    if let Some(t) = training {
        let rows = t
            .data
            .tabelle
            .iter()
            .enumerate()
            .flat_map(|(k, table)| {
                (0..table.corsi.len()).map(move |i| format!("tabelle.{k}.corsi.{i}"))
            })
            .collect();
        files.push((
            t.file,
            vec![RowKind {
                what: "troppi corsi",
                limit: usize::MAX,
                rows,
            }],
        ));
    }
    // The paths above are written with dots; the index joins segments with U+001F.
    let span = |file: FileIdx, path: &str| {
        sources
            .spans(file)
            .get(&path.replace('.', "\u{1f}"))
            .unwrap_or(0..0)
    };
    let mut total = 0;
    let mut total_reported = false;
    for (file, kinds) in &files {
        for kind in kinds {
            let n = kind.rows.len();
            if n > kind.limit {
                report.push(
                    Diagnostic::error(format!(
                        "{}: {n} in questa scheda, il limite è {} per scheda",
                        kind.what, kind.limit
                    ))
                    .at(*file, span(*file, &kind.rows[kind.limit]))
                    .label(format!("qui si supera il limite di {}", kind.limit))
                    .hint(ROWS_HINT),
                );
            }
            if !total_reported && total + n > MAX_ROWS {
                total_reported = true;
                report.push(
                    Diagnostic::error(format!(
                        "l'allegato ha troppe righe: {} in tutto tra fasi, indicatori, personale, risorse, attività, modifiche richieste e corsi di tutte le schede, il limite è {MAX_ROWS}",
                        files.iter().flat_map(|(_, k)| k).map(|k| k.rows.len()).sum::<usize>()
                    ))
                    .at(*file, span(*file, &kind.rows[MAX_ROWS - total]))
                    .label("qui si supera il limite")
                    .hint(ROWS_HINT),
                );
            }
            total += n;
        }
    }
    report.errors() == before
}

const ROWS_HINT: &str = "un allegato così grande non si riesce a impaginare su un PC d'ufficio (serve più memoria di quanta ne abbia): forse ci sono righe ripetute per errore; altrimenti dividi la variazione in più allegati";

/// `1 MB`, `512 kB`: a size for people.
pub fn bytes(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} kB", n / 1024)
    } else {
        format!("{n} byte")
    }
}

/// A line over [`MAX_LINE_CHARS`]: its number (1-based) and byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongLine {
    pub number: usize,
    pub start: usize,
    pub chars: usize,
}

/// The first line of `text` longer than [`MAX_LINE_CHARS`], if any.
pub fn long_line(text: &str) -> Option<LongLine> {
    let mut start = 0;
    for (i, line) in text.split('\n').enumerate() {
        // Bytes bound characters from above: count only when it may matter.
        if line.len() > MAX_LINE_CHARS {
            let chars = line.chars().count();
            if chars > MAX_LINE_CHARS {
                return Some(LongLine {
                    number: i + 1,
                    start,
                    chars,
                });
            }
        }
        start += line.len() + 1;
    }
    None
}

/// What is kept of a file with a long line, to show it: everything before the line and
/// its first characters; and the span to mark.
pub fn cut_at_line(text: &str, line: &LongLine) -> (String, Range<usize>) {
    let rest = &text[line.start..];
    let keep: usize = rest.chars().take(80).map(char::len_utf8).sum();
    let shown = format!("{}{} …", &text[..line.start], &rest[..keep]);
    (shown, line.start..line.start + keep)
}

/// The error for a long line.
pub fn long_line_diagnostic(file: FileIdx, span: Range<usize>, line: &LongLine) -> Diagnostic {
    Diagnostic::error(format!(
        "la riga {} è lunga {} caratteri: il limite è {MAX_LINE_CHARS} caratteri per riga",
        line.number, line.chars
    ))
    .at(file, span)
    .label("riga troppo lunga (mostrata tagliata)")
    .hint("un testo lungo si scrive su più righe tra tre virgolette: descrizione = \"\"\"…\"\"\"")
}

/// An error when tables or lists nest deeper than [`MAX_NESTING`] in `text`, found
/// without parsing it (TOML's parser and the model recurse once per level).
pub fn too_deep(text: &str, file: FileIdx) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    // The brackets of a `[table]` or `[[array]]` header do not nest.
    let mut line_start = true;
    // The dots of a dotted key (`a.b.c = 1`) before the `=` of a line nest as well.
    let mut in_key = true;
    let mut key_dots = 0usize;
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            in_key = depth == 0;
            key_dots = 0;
        }
        match c {
            '=' => in_key = false,
            '.' if in_key && depth == 0 => {
                key_dots += 1;
                if key_dots >= MAX_NESTING {
                    return Some(nesting_error(file, i..i + 1));
                }
            }
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                line_start = true;
                in_key = depth == 0;
                key_dots = 0;
                continue;
            }
            '"' | '\'' => {
                let triple = text[i..].starts_with(if c == '"' { "\"\"\"" } else { "'''" });
                if triple {
                    chars.next();
                    chars.next();
                }
                let mut escaped = false;
                while let Some((j, d)) = chars.next() {
                    if c == '"' && escaped {
                        escaped = false;
                        continue;
                    }
                    if c == '"' && d == '\\' {
                        escaped = true;
                        continue;
                    }
                    if d == c && (!triple || text[j..].starts_with(&text[i..i + 3])) {
                        if triple {
                            chars.next();
                            chars.next();
                        }
                        break;
                    }
                    if d == '\n' && !triple {
                        break;
                    }
                }
            }
            '[' | '{' if !(line_start && c == '[' && depth == 0) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(nesting_error(file, i..i + 1));
                }
            }
            '[' => {
                // A header: skip to the end of its line, counting its dots.
                let mut dots = 0;
                for (j, c) in chars.by_ref() {
                    if c == '.' {
                        dots += 1;
                        if dots >= MAX_NESTING {
                            return Some(nesting_error(file, j..j + 1));
                        }
                    }
                    if c == '\n' {
                        break;
                    }
                }
                line_start = true;
                in_key = true;
                key_dots = 0;
                continue;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
    }
    None
}

fn nesting_error(file: FileIdx, span: Range<usize>) -> Diagnostic {
    Diagnostic::error(format!(
        "troppi livelli annidati: il limite è {MAX_NESTING} livelli di tabelle ed elenchi uno dentro l'altro"
    ))
    .at(file, span)
    .label("qui si supera il limite")
    .hint("i file dei contenuti ne usano al massimo 5: forse manca una parentesi di chiusura")
}

/// Checks every value of a parsed file against the limits: nesting (dotted keys and
/// headers included), length of each text, length of each word. Returns `false`
/// (with the errors in `report`) when the file must not be read further.
pub fn check_values(root: &DeTable<'_>, file: FileIdx, report: &mut Report) -> bool {
    let before = report.errors();
    // Iterative, so that a deep tree cannot exhaust the stack here.
    // (value, depth, the key it is under)
    let mut stack: Vec<(&toml::Spanned<DeValue<'_>>, usize, &str)> = root
        .iter()
        .map(|(k, v)| (v, 1, k.get_ref().as_ref()))
        .collect();
    stack.reverse();
    while let Some((v, depth, key)) = stack.pop() {
        if depth > MAX_NESTING {
            report.push(nesting_error(file, v.span()));
            return false;
        }
        match v.get_ref() {
            DeValue::String(s) => check_text(s, key, v.span(), file, report),
            DeValue::Table(t) => {
                let start = stack.len();
                stack.extend(t.iter().map(|(k, x)| (x, depth + 1, k.get_ref().as_ref())));
                stack[start..].reverse();
            }
            DeValue::Array(a) => {
                let start = stack.len();
                stack.extend(a.iter().map(|x| (x, depth + 1, key)));
                stack[start..].reverse();
            }
            _ => {}
        }
        if report.errors() - before >= MAX_DIAGNOSTICS_PER_FILE {
            break;
        }
    }
    report.errors() == before
}

/// How many characters of a word fit the column of the field `key`, if it is narrow.
pub fn column_width(key: &str) -> Option<usize> {
    NARROW_FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, n)| *n)
}

/// The pieces of `text` a line cannot be broken inside (a simplification of Unicode
/// line breaking, as Typst does it): words split at spaces, and after a `/` or `-`
/// that is not followed by a digit.
pub fn unbreakable(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace().flat_map(|word| {
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut chars = word.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next_is_digit = chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
            if matches!(c, '/' | '-' | '‐' | '–') && !next_is_digit {
                pieces.push(&word[start..i + c.len_utf8()]);
                start = i + c.len_utf8();
            }
        }
        if start < word.len() {
            pieces.push(&word[start..]);
        }
        pieces
    })
}

fn check_text(s: &str, key: &str, span: Range<usize>, file: FileIdx, report: &mut Report) {
    if s.len() > MAX_FIELD_CHARS {
        let chars = s.chars().count();
        if chars > MAX_FIELD_CHARS {
            report.push(
                Diagnostic::error(format!(
                    "testo troppo lungo: {chars} caratteri, il limite è {MAX_FIELD_CHARS} per campo"
                ))
                .at(file, span.start..span.start + 1)
                .label("il testo comincia qui")
                .hint("accorcia il testo: nell'allegato un campo occupa al massimo una pagina"),
            );
            return;
        }
    }
    let longest = unbreakable(s).max_by_key(|w| w.chars().count());
    let Some(word) = longest else { return };
    let chars = word.chars().count();
    let shown: String = word.chars().take(60).collect();
    let ellipsis = if chars > 60 { "…" } else { "" };
    // A word of `chars` characters in a narrow column where about `width` fit.
    let too_wide = |shown: &str, chars: usize, width: usize| {
        Diagnostic::warning(format!(
            "«{shown}» ({chars} caratteri) potrebbe uscire dalla sua cella: nella colonna di `{key}` entrano circa {width} caratteri per riga"
        ))
        .at(file, span.clone())
        .label("in questo testo")
        .hint("se nel PDF esce dalla cella, abbrevia o aggiungi uno spazio")
    };
    if chars > MAX_WORD_CHARS {
        report.push(
            Diagnostic::error(format!(
                "parola troppo lunga: «{shown}{ellipsis}» ha {chars} caratteri senza spazi, il limite è {MAX_WORD_CHARS}"
            ))
            .at(file, span.clone())
            .label("in questo testo")
            .hint("nel PDF una parola così lunga uscirebbe dalla cella della tabella: aggiungi degli spazi (per esempio dopo le barre / di un indirizzo) o abbrevia"),
        );
    } else if let Some(word) =
        unbreakable(s).find(|w| crate::measure::overflows(key, w) == Some(true))
    {
        // Measured columns: the same measure the layout uses (`crate::measure`).
        let shown: String = word.chars().take(60).collect();
        let width = crate::measure::fitting_chars(key, word);
        report.push(too_wide(&shown, word.chars().count(), width));
    } else if let Some(width) =
        column_width(key).filter(|w| crate::measure::column(key).is_none() && chars > *w)
    {
        report.push(too_wide(&shown, chars, width));
    }
}

/// Keeps at most [`MAX_DIAGNOSTICS_PER_FILE`] diagnostics per file and
/// [`MAX_DIAGNOSTICS`] in all (errors before warnings), and says how many were left out.
pub fn cap(report: &mut Report) {
    let mut per_file: HashMap<Option<FileIdx>, usize> = HashMap::new();
    let mut keep = vec![false; report.diagnostics.len()];
    let mut kept = 0;
    // Errors first, so that a flood of warnings never hides an error.
    for errors in [true, false] {
        for (i, d) in report.diagnostics.iter().enumerate() {
            if d.is_error() != errors {
                continue;
            }
            let n = per_file
                .entry(d.primary.as_ref().map(|(f, _)| *f))
                .or_default();
            if *n < MAX_DIAGNOSTICS_PER_FILE && kept < MAX_DIAGNOSTICS {
                *n += 1;
                kept += 1;
                keep[i] = true;
            }
        }
    }
    let all = std::mem::take(&mut report.diagnostics);
    let dropped = all.len() - kept;
    let mut dropped_errors = 0;
    for (d, keep) in all.into_iter().zip(keep) {
        if keep {
            report.diagnostics.push(d);
        } else if d.is_error() {
            dropped_errors += 1;
        }
    }
    if dropped > 0 {
        let mut d = Diagnostic::error(format!(
            "altri {dropped} problemi non mostrati ({dropped_errors} errori): si mostrano al massimo {MAX_DIAGNOSTICS_PER_FILE} problemi per file e {MAX_DIAGNOSTICS} in tutto"
        ))
        .hint("correggi questi e ricontrolla");
        if dropped_errors == 0 {
            d.severity = Severity::Warning;
        }
        report.push(d);
    }
}

/// Adds a hint to every diagnostic that points at a combining mark (a letter written
/// as base letter + accent, "a" + U+0300 instead of "à"): the text should be
/// normalised to NFC, where the accented letter is one character.
pub fn hint_decomposed(report: &mut Report, sources: &Sources) {
    for d in &mut report.diagnostics {
        let Some((file, span)) = &d.primary else {
            continue;
        };
        let text = sources.text(*file);
        let Some(c) = text.get(span.clone()).and_then(|s| s.chars().next()) else {
            continue;
        };
        if is_combining(c) {
            d.hints.push(
                "la lettera accentata è scritta come lettera + accento separato (forma «decomposta», frequente copiando da un Mac o da un PDF): riscrivila con la tastiera, o salva il file normalizzato in NFC (Unicode Normalization Form C), così «à» diventa un solo carattere".into(),
            );
        }
    }
}

/// Combining diacritical marks (U+0300–U+036F, U+1AB0–U+1AFF, U+1DC0–U+1DFF,
/// U+20D0–U+20FF, U+FE20–U+FE2F).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_found_and_cut() {
        let text = format!("a = 1\nb = \"{}\"\n", "x".repeat(MAX_LINE_CHARS));
        let line = long_line(&text).unwrap();
        assert_eq!(line.number, 2);
        assert_eq!(line.start, 6);
        let (shown, span) = cut_at_line(&text, &line);
        assert!(shown.len() < 200);
        assert_eq!(&shown[span.clone()], &text[span]);
        assert!(long_line("a = 1\n").is_none());
        // Characters, not bytes: 10,000 "è" are 20,000 bytes but one line within the limit.
        assert!(long_line(&"è".repeat(MAX_LINE_CHARS)).is_none());
    }

    #[test]
    fn nesting_is_measured_outside_strings_comments_and_headers() {
        let deep = format!("a = {}1{}\n", "[".repeat(20), "]".repeat(20));
        assert!(too_deep(&deep, 0).is_some());
        let inline = format!("a = {}\n", "{ b = ".repeat(20) + "1" + &" }".repeat(20));
        assert!(too_deep(&inline, 0).is_some());
        let quoted = format!(
            "a = \"{0}\"\nb = '{0}'\nc = \"\"\"\n{0}\"\"\"\n# {0}\n[[x]]\n[y.z]\n",
            "[".repeat(50)
        );
        assert!(too_deep(&quoted, 0).is_none(), "{quoted}");
        let escaped = format!("a = \"\\\"{}\"\n", "[".repeat(50));
        assert!(too_deep(&escaped, 0).is_none());
        let fine = "s = { marzo = 50, aprile = [1, [2, {x = 3}]] }\nd = 1.5\ne = 2023-01-01\n";
        assert!(too_deep(fine, 0).is_none());
        let dotted = format!("{} = 1\n", vec!["k"; 4000].join("."));
        assert!(too_deep(&dotted, 0).is_some());
        let header = format!("[{}]\n", vec!["k"; 4000].join("."));
        assert!(too_deep(&header, 0).is_some());
        assert!(too_deep("[a.b.c]\nx.y = 1.25\n[[d.e]]\n", 0).is_none());
    }

    fn values(text: &str) -> Report {
        let root = DeTable::parse(text).unwrap();
        let mut report = Report::default();
        check_values(root.get_ref(), 0, &mut report);
        report
    }

    #[test]
    fn dotted_keys_count_as_nesting() {
        let key = vec!["k"; MAX_NESTING + 1].join(".");
        let r = values(&format!("{key} = 1\n"));
        assert_eq!(r.errors(), 1);
        assert!(r.diagnostics[0].message.contains("livelli annidati"));
        assert_eq!(values("a.b.c = 1\n").errors(), 0);
    }

    #[test]
    fn long_texts_and_words_are_refused() {
        let r = values(&format!(
            "t = \"{}\"\n",
            "parola ".repeat(MAX_FIELD_CHARS / 7 + 1)
        ));
        assert!(r.diagnostics[0].message.contains("testo troppo lungo"));
        let r = values(&format!(
            "t = \"breve {} breve\"\n",
            "x".repeat(MAX_WORD_CHARS + 1)
        ));
        assert!(r.diagnostics[0].message.contains("parola troppo lunga"));
        let ok = format!("t = \"{}\"\n", "x".repeat(MAX_WORD_CHARS));
        assert_eq!(values(&ok).errors(), 0);
    }

    #[test]
    fn words_break_where_typst_breaks_them() {
        let pieces: Vec<&str> =
            unbreakable("effettuato/Non h/settimana 30/04/2023 a-b 1-2").collect();
        assert_eq!(
            pieces,
            [
                "effettuato/",
                "Non",
                "h/",
                "settimana",
                "30/04/2023",
                "a-",
                "b",
                "1-2"
            ]
        );
    }

    #[test]
    fn words_too_wide_for_a_narrow_column_are_warnings() {
        let r = values("atteso = \"ABCDEFGHIJKLMNOPQR\"\nnote = \"ABCDEFGHIJKLMNOPQR\"\n");
        assert_eq!((r.errors(), r.warnings()), (0, 1));
        assert!(
            r.diagnostics[0]
                .message
                .contains("colonna di `atteso` entrano circa 1"),
            "{}",
            r.diagnostics[0].message
        );
        // An amount in millions fits: the layout may break it after a thousands point.
        let r = values("atteso = \"1.234.567,89 €\"\n");
        assert_eq!((r.errors(), r.warnings()), (0, 0), "{:?}", r.diagnostics);
        let r = values("storico = [\"1\", \"effettuato/Non\", \"ABCDEFGHIJKLMN\"]\n");
        assert_eq!((r.errors(), r.warnings()), (0, 1), "{:?}", r.diagnostics);
        assert_eq!(
            r.diagnostics[0].message,
            "«ABCDEFGHIJKLMN» (14 caratteri) potrebbe uscire dalla sua cella: nella colonna di `storico` entrano circa 9 caratteri per riga"
        );
        // A column that is not measured: the count of `NARROW_FIELDS`, same words.
        let r = values("categoria = \"ABCDEFGHIJKLMN\"\n");
        assert_eq!(
            r.diagnostics[0].message,
            "«ABCDEFGHIJKLMN» (14 caratteri) potrebbe uscire dalla sua cella: nella colonna di `categoria` entrano circa 10 caratteri per riga"
        );
    }

    #[test]
    fn diagnostics_are_capped_per_file_and_in_all() {
        let mut report = Report::default();
        for f in 0..10 {
            for i in 0..100 {
                report.push(Diagnostic::warning(format!("w{i}")).at(f, i..i + 1));
            }
        }
        report.push(Diagnostic::error("the one error").at(9, 0..1));
        cap(&mut report);
        assert_eq!(report.diagnostics.len(), MAX_DIAGNOSTICS + 1);
        assert!(report
            .diagnostics
            .iter()
            .any(|d| d.message == "the one error"));
        let last = report.diagnostics.last().unwrap();
        assert!(
            last.message.starts_with("altri 801 problemi"),
            "{}",
            last.message
        );
        assert!(
            report
                .diagnostics
                .iter()
                .filter(|d| d.primary.as_ref().is_some_and(|(f, _)| *f == 0))
                .count()
                <= MAX_DIAGNOSTICS_PER_FILE
        );
    }
}

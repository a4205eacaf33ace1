//! `piao list`: the objectives of a content folder as a table, for orientation.
//!
//! Reads the files without checking them, so that the list is there even while one
//! file is being written; files that cannot be read are reported after the table.

use std::path::Path;

use super::*;
use crate::load::Loaded;
use crate::model::{Kind, Objective};

/// One row of the table.
struct Row {
    kind: Kind,
    number: u32,
    title: String,
    action: &'static str,
    changes: usize,
    file: String,
}

/// Column headings.
const HEADINGS: [&str; 6] = ["TIPO", "N.", "TITOLO", "AZIONE", "MODIFICHE", "FILE"];
/// Titles longer than this are cut with "…" so that a row fits a terminal.
const TITLE_WIDTH: usize = 48;

/// The row of an objective of either kind; `file` as shown.
fn row<O: Objective>(o: &Loaded<O>, file: String) -> Row {
    let d = &o.data;
    Row {
        kind: O::KIND,
        number: *d.numero().get_ref(),
        title: d.header().title.trim().to_string(),
        action: d.action().key(),
        changes: d.change_count(),
        file,
    }
}

pub fn run(dir: &Path) -> i32 {
    let mut sources = Sources::default();
    let mut report = Report::default();
    let content = match load::load(dir, &mut sources, &mut report) {
        Ok(c) => c,
        Err(e) => return fail_io(&e.0),
    };
    let shown = |p: &Path| {
        p.strip_prefix(dir)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let mut rows: Vec<Row> = content
        .managed
        .iter()
        .map(|m| row(m, shown(&m.path)))
        .chain(content.services.iter().map(|s| row(s, shown(&s.path))))
        .collect();
    rows.sort_by_key(|r| (r.kind, r.number));
    crate::outp!("{}", table(&rows));
    let errors = report.errors();
    report.sort();
    print_report(&report, &sources);
    if errors > 0 {
        crate::errln!(
            "piao list: {errors} file non leggibili non compaiono nell'elenco ({})",
            summary_counts(&report)
        );
        return CONTENT_ERRORS;
    }
    OK
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

fn table(rows: &[Row]) -> String {
    if rows.is_empty() {
        return "nessun obiettivo nelle cartelle gestionali/ e istituzionali/\n".into();
    }
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.kind.name().to_string(),
                r.number.to_string(),
                cut(&r.title, TITLE_WIDTH),
                r.action.to_string(),
                r.changes.to_string(),
                r.file.clone(),
            ]
        })
        .collect();
    let mut widths = HEADINGS.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    // Numbers right-aligned, text left-aligned; the last column is not padded.
    let line = |row: [&str; 6]| -> String {
        let mut out = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            let pad = w - cell.chars().count();
            if i == 5 {
                out.push_str(cell);
            } else if i == 1 || i == 4 {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
                out.push_str("  ");
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(HEADINGS);
    for row in &cells {
        out.push_str(&line([
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5],
        ]));
    }
    let managed = rows.iter().filter(|r| r.kind == Kind::Managed).count();
    let changes = rows.iter().map(|r| r.changes).sum::<usize>();
    out.push_str(&format!(
        "{}: {managed} {}, {} {}; {} in tutto\n",
        count(rows.len(), "obiettivo", "obiettivi"),
        if managed == 1 {
            "gestionale"
        } else {
            "gestionali"
        },
        rows.len() - managed,
        if rows.len() - managed == 1 {
            "istituzionale"
        } else {
            "istituzionali"
        },
        count(changes, "modifica", "modifiche"),
    ));
    out
}

/// "1 obiettivo", "16 obiettivi".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

//! `piao list`: the objectives of a content folder as a table, for orientation.
//!
//! Reads the files without checking them, so that the list is there even while one
//! file is being written; files that cannot be read are reported after the table.

use std::path::Path;

use super::*;
use crate::model::{Action, RawGroup};

/// One row of the table.
struct Row {
    kind: &'static str,
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

fn changes(groups: &[RawGroup]) -> usize {
    groups.iter().map(|g| g.modifiche.len()).sum()
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
    let mut rows = Vec::new();
    for m in &content.managed {
        let o = &m.data;
        let eliminate = *o.azione.get_ref() == Action::Eliminare;
        rows.push(Row {
            kind: "gestionale",
            number: *o.numero.get_ref(),
            title: o.titolo.trim().to_string(),
            action: if eliminate { "eliminare" } else { "modificare" },
            changes: changes(&o.variazioni),
            file: shown(&m.path),
        });
    }
    for s in &content.services {
        let o = &s.data;
        rows.push(Row {
            kind: "istituzionale",
            number: *o.numero.get_ref(),
            title: o.servizio.trim().to_string(),
            action: "modificare",
            changes: changes(&o.variazioni),
            file: shown(&s.path),
        });
    }
    rows.sort_by(|a, b| (a.kind, a.number).cmp(&(b.kind, b.number)));
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
                r.kind.to_string(),
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
    let managed = rows.iter().filter(|r| r.kind == "gestionale").count();
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

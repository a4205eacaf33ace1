//! Open data: the variations as one row per change, in JSON (with a versioned schema,
//! `docs/variazioni.schema.json`) or CSV (UTF-8, RFC 4180), for publication next to the
//! PDF (D.Lgs. 33/2013), and the same rows as an Excel workbook (.xlsx) for the office.
//! Built from the checked content, like the PDF, so they all agree.

use chrono::Datelike;
use serde::Serialize;

use crate::apply::Applied;
use crate::change::Context;
use crate::check::{Checked, CheckedGroup};
use crate::model::{Action, Objective};
use crate::text::collapse;

/// Version of the export's layout; bumped when a field changes meaning or is removed.
pub const SCHEMA_VERSION: &str = "1.0";
/// Identifier of the JSON schema (`docs/variazioni.schema.json`).
pub const SCHEMA_ID: &str = "https://piao.example/schemi/variazioni-1.0.json";

/// One change, as published.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    pub tipo_obiettivo: &'static str,
    pub numero_scheda: u32,
    pub titolo: String,
    pub direzione: String,
    pub sezione: String,
    pub azione: &'static str,
    pub tipo_modifica: &'static str,
    pub oggetto: String,
    pub valore_precedente: String,
    pub valore_nuovo: String,
    pub motivazione: String,
}

/// The JSON document.
#[derive(Debug, Serialize)]
pub struct Export {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub versione_schema: &'static str,
    pub ente: String,
    pub documento: String,
    pub data_documento: String,
    pub variazioni: Vec<Row>,
}

/// The column names of the CSV, in order (the fields of [`Row`]).
pub const COLUMNS: [&str; 11] = [
    "tipo_obiettivo",
    "numero_scheda",
    "titolo",
    "direzione",
    "sezione",
    "azione",
    "tipo_modifica",
    "oggetto",
    "valore_precedente",
    "valore_nuovo",
    "motivazione",
];

/// One cell of a row: a text, or a number (the N. scheda).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    Text(&'a str),
    Number(u32),
}

impl Row {
    /// The row's cells, in the order of [`COLUMNS`].
    pub fn cells(&self) -> [Cell<'_>; 11] {
        use Cell::{Number, Text};
        [
            Text(self.tipo_obiettivo),
            Number(self.numero_scheda),
            Text(&self.titolo),
            Text(&self.direzione),
            Text(&self.sezione),
            Text(self.azione),
            Text(self.tipo_modifica),
            Text(&self.oggetto),
            Text(&self.valore_precedente),
            Text(&self.valore_nuovo),
            Text(&self.motivazione),
        ]
    }
}

/// All rows: management objectives (eliminated first, by number), then services. Each
/// change says its own object and values (`crate::change`), read from the amended scheda.
pub fn rows(checked: &Checked, applied: &Applied) -> Vec<Row> {
    let mut managed: Vec<_> = checked.managed.iter().collect();
    managed.sort_by_key(|m| {
        (
            *m.source.data.azione.get_ref() == Action::Modificare,
            *m.source.data.numero.get_ref(),
        )
    });
    let mut out = Vec::new();
    for m in managed {
        let o = &m.source.data;
        let base = objective_row(o, crate::view::managed_action(*o.azione.get_ref()));
        if *o.azione.get_ref() == Action::Eliminare {
            let e = crate::change::remove_objective::export(o);
            out.push(Row {
                tipo_modifica: crate::change::remove_objective::SPEC.name,
                oggetto: e.object,
                valore_precedente: e.approved,
                valore_nuovo: e.amended,
                motivazione: o
                    .motivazione
                    .as_ref()
                    .map(|mv| mv.get_ref().trim().to_string())
                    .unwrap_or_default(),
                ..base
            });
            continue;
        }
        let cx = Context {
            scheda: applied.managed(&m.source.stem),
            plan: checked.plan,
            managed: true,
            school_years: false,
        };
        push_changes(&mut out, &base, &m.groups, &cx);
    }
    let mut services: Vec<_> = checked.services.iter().collect();
    services.sort_by_key(|s| *s.source.data.numero.get_ref());
    for s in services {
        let o = &s.source.data;
        let base = objective_row(o, crate::view::words::MODIFICHE);
        let cx = Context {
            scheda: applied.service(&s.source.stem),
            plan: checked.plan,
            managed: false,
            school_years: o.anni_scolastici,
        };
        push_changes(&mut out, &base, &s.groups, &cx);
    }
    out
}

/// The columns of an objective of either kind, with the action as the list of the
/// annex words it; the change's columns empty.
fn objective_row<O: Objective>(o: &O, azione: &'static str) -> Row {
    let h = o.header();
    Row {
        tipo_obiettivo: O::KIND.name(),
        numero_scheda: *o.numero().get_ref(),
        titolo: collapse(h.title),
        direzione: collapse(h.direzione),
        sezione: collapse(h.sezione),
        azione,
        tipo_modifica: "",
        oggetto: String::new(),
        valore_precedente: String::new(),
        valore_nuovo: String::new(),
        motivazione: String::new(),
    }
}

/// One row per change, in the order of the request (`view::request_order`): the
/// objective's columns, then what the change says.
fn push_changes(out: &mut Vec<Row>, base: &Row, groups: &[CheckedGroup], cx: &Context) {
    for (g, changes) in crate::view::request_order(groups, cx) {
        for c in changes {
            let e = c.export(cx);
            out.push(Row {
                tipo_modifica: c.name(),
                oggetto: e.object,
                valore_precedente: e.approved,
                valore_nuovo: e.amended,
                motivazione: g.motivation.clone(),
                ..base.clone()
            });
        }
    }
}

/// The JSON export (pretty-printed, with a final newline).
pub fn to_json(checked: &Checked) -> String {
    let names = crate::view::names(checked);
    let export = Export {
        schema: SCHEMA_ID,
        versione_schema: SCHEMA_VERSION,
        ente: names.ente,
        documento: names.title,
        data_documento: names.date,
        variazioni: rows(checked, &crate::apply::apply(checked)),
    };
    serde_json::to_string_pretty(&export).expect("export serializes") + "\n"
}

/// A cell as published in the CSV: a text a spreadsheet would evaluate as a formula
/// (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`,
/// as OWASP recommends against CSV injection; every other text is unchanged. The JSON
/// keeps the exact text.
pub fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// The CSV export (with the `csv` crate): a header line, then one line per change;
/// UTF-8, fields quoted when RFC 4180 requires it, CRLF line ends, cells neutralised
/// with [`csv_cell`].
pub fn to_csv(checked: &Checked) -> String {
    let applied = crate::apply::apply(checked);
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(COLUMNS);
    for r in rows(checked, &applied) {
        let _ = writer.write_record(r.cells().map(|c| match c {
            Cell::Text(t) => csv_cell(t).into_owned(),
            Cell::Number(n) => n.to_string(),
        }));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The spreadsheet's header cells and column widths (in characters), in the order of
/// [`COLUMNS`].
pub const XLSX_HEADERS: [(&str, f64); 11] = [
    ("Tipo obiettivo", 14.0),
    ("N. scheda", 9.0),
    ("Titolo", 40.0),
    ("Direzione", 30.0),
    ("Sezione", 30.0),
    ("Azione", 13.0),
    ("Tipo di modifica", 24.0),
    ("Oggetto", 30.0),
    ("Valore precedente", 36.0),
    ("Valore nuovo", 36.0),
    ("Motivazione", 60.0),
];

/// The Excel workbook (with `rust_xlsxwriter`): one sheet, "Variazioni", a bold header
/// row that stays in view and filters, then one row per change; the N. scheda is a
/// number, every other cell a text (never a formula, whatever it begins with). Its
/// properties (title, ente, date) come from the content, and so does its creation date:
/// the same content gives the same bytes.
pub fn to_xlsx(checked: &Checked) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
    // The library's own words are English: said here from the kind of error.
    let failed = |e: XlsxError| match e {
        XlsxError::MaxStringLengthExceeded => {
            "un testo supera i 32.767 caratteri che una cella di Excel può contenere: accorcialo"
                .to_string()
        }
        XlsxError::DateTimeRangeError(_) => {
            "la data del documento non si può scrivere in un foglio Excel (anni dal 1900 al 9999)"
                .to_string()
        }
        _ => "non riesco a comporre il foglio Excel".to_string(),
    };
    let applied = crate::apply::apply(checked);
    let names = crate::view::names(checked);
    let date = checked.annex.data.data_documento.get_ref().0;
    let year = u16::try_from(date.year())
        .map_err(|_| failed(XlsxError::DateTimeRangeError(String::new())))?;
    let created =
        ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).map_err(failed)?;
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: variazioni", names.title))
            .set_author(names.ente.clone())
            .set_company(names.ente)
            .set_creation_datetime(&created),
    );
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let number = Format::new()
        .set_align(FormatAlign::Top)
        .set_num_format("0");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Variazioni").map_err(failed)?;
    for (col, (title, width)) in XLSX_HEADERS.iter().enumerate() {
        let col = col as u16;
        sheet
            .write_string_with_format(0, col, *title, &header)
            .map_err(failed)?;
        sheet.set_column_width(col, *width).map_err(failed)?;
    }
    let rows = rows(checked, &applied);
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, cell) in r.cells().iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(t) => sheet.write_string_with_format(row, col, *t, &text),
                Cell::Number(n) => sheet.write_number_with_format(row, col, *n, &number),
            }
            .map_err(failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    sheet
        .autofilter(0, 0, rows.len() as u32, XLSX_HEADERS.len() as u16 - 1)
        .map_err(failed)?;
    workbook.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The published schema lists the kinds of change the catalogue has, in its order,
    /// and the actions the rows carry (the schema is a file for those who read the data:
    /// it is checked, not generated). `PIAO_AGGIORNA=1 cargo test --lib published_schema`
    /// rewrites the two lists in place, one line each, when a kind has been added.
    #[test]
    fn the_published_schema_lists_the_catalogue() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/variazioni.schema.json");
        let mut catalogue = vec![crate::change::remove_objective::SPEC.name];
        catalogue.extend(crate::change::SPECS.iter().map(|s| s.name));
        let actions = vec![
            crate::view::words::ELIMINARE,
            crate::view::words::MODIFICARE,
            crate::view::words::MODIFICHE,
        ];
        let lists = [("tipo_modifica", &catalogue), ("azione", &actions)];
        let text = std::fs::read_to_string(path).unwrap();
        if std::env::var_os("PIAO_AGGIORNA").is_some() {
            let mut updated = text.clone();
            for (field, values) in lists {
                updated = with_enum(&updated, field, values);
            }
            if updated != text {
                std::fs::write(path, &updated).unwrap();
            }
        }
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for (field, values) in lists {
            let listed: Vec<&str> = schema["properties"]["variazioni"]["items"]["properties"]
                [field]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{field} has an enum"))
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(
                &listed, values,
                "docs/variazioni.schema.json: `{field}` is not what the program writes \
                 (PIAO_AGGIORNA=1 cargo test --lib published_schema rewrites it)"
            );
        }
    }

    /// `text` with the first `"enum": [...]` line after `"field"` listing `values`.
    fn with_enum(text: &str, field: &str, values: &[&str]) -> String {
        let at = text
            .find(&format!("\"{field}\": {{"))
            .unwrap_or_else(|| panic!("{field} in the schema"));
        let start = at + text[at..].find("\"enum\": [").expect("an enum after it");
        let end = start + text[start..].find(']').expect("the enum ends") + 1;
        let listed: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
        format!(
            "{}\"enum\": [{}]{}",
            &text[..start],
            listed.join(", "),
            &text[end..]
        )
    }

    #[test]
    fn an_enum_is_rewritten_in_place() {
        // "b" is named first in a list (as `required` names the fields): its own
        // property is the one rewritten.
        let text = "{ \"required\": [\"b\"], \"a\": { \"enum\": [\"x\"], \"d\": \"…\" },\n  \"b\": { \"enum\": [\"y\"] } }";
        assert_eq!(
            with_enum(text, "b", &["y", "z"]),
            "{ \"required\": [\"b\"], \"a\": { \"enum\": [\"x\"], \"d\": \"…\" },\n  \"b\": { \"enum\": [\"y\", \"z\"] } }"
        );
    }

    fn one_row(cells: &[&str]) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(cells.iter().map(|c| csv_cell(c).into_owned()))
            .unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(one_row(&["semplice", "a, b"]), "semplice,\"a, b\"\r\n");
        assert_eq!(one_row(&["dice \"sì\""]), "\"dice \"\"sì\"\"\"\r\n");
        assert_eq!(one_row(&["riga\nnuova"]), "\"riga\nnuova\"\r\n");
    }

    #[test]
    fn formulas_are_neutralised() {
        for bad in ["=1+1", "+39 02", "-3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(bad), format!("'{bad}"));
        }
        for fine in ["30.000/9", "< 2 %", "'già", " =1", "a=b"] {
            assert_eq!(csv_cell(fine), fine);
        }
    }

    proptest! {
        #[test]
        fn cells_read_back(s in "\\PC*") {
            let line = one_row(&[&s, "fine"]);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            let record = reader.records().next().unwrap().unwrap();
            let expected = csv_cell(&s).into_owned();
            prop_assert_eq!(&record[0], expected.as_str());
            prop_assert_eq!(&record[1], "fine");
        }
    }
}

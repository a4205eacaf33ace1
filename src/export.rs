//! Open data: the variations as one row per change, in JSON (with a versioned schema,
//! `docs/variazioni.schema.json`) or CSV (UTF-8, RFC 4180), for publication next to the
//! PDF (D.Lgs. 33/2013). Built from the checked content, like the PDF, so the two agree.

use serde::Serialize;

use crate::apply::Applied;
use crate::change::Context;
use crate::check::{Checked, CheckedGroup};
use crate::model::Action;
use crate::text::collapse;
use crate::view::Profile;

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
        let base = Row {
            tipo_obiettivo: "gestionale",
            numero_scheda: *o.numero.get_ref(),
            titolo: collapse(&o.titolo),
            direzione: collapse(&o.direzione),
            sezione: collapse(&o.sezione),
            azione: match o.azione.get_ref() {
                Action::Eliminare => "ELIMINARE",
                Action::Modificare => "MODIFICARE",
            },
            tipo_modifica: "",
            oggetto: String::new(),
            valore_precedente: String::new(),
            valore_nuovo: String::new(),
            motivazione: String::new(),
        };
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
        let base = Row {
            tipo_obiettivo: "istituzionale",
            numero_scheda: *o.numero.get_ref(),
            titolo: collapse(&o.servizio),
            direzione: collapse(&o.direzione),
            sezione: collapse(&o.sezione),
            azione: "MODIFICHE",
            tipo_modifica: "",
            oggetto: String::new(),
            valore_precedente: String::new(),
            valore_nuovo: String::new(),
            motivazione: String::new(),
        };
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
    let applied = crate::apply::apply(checked);
    let document = crate::view::build(checked, &applied, Profile::Complete);
    let export = Export {
        schema: SCHEMA_ID,
        versione_schema: SCHEMA_VERSION,
        ente: document.ente.clone(),
        documento: document.title.clone(),
        data_documento: document.date.clone(),
        variazioni: rows(checked, &applied),
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
        let number = r.numero_scheda.to_string();
        let fields = [
            r.tipo_obiettivo,
            number.as_str(),
            &r.titolo,
            &r.direzione,
            &r.sezione,
            r.azione,
            r.tipo_modifica,
            &r.oggetto,
            &r.valore_precedente,
            &r.valore_nuovo,
            &r.motivazione,
        ];
        let _ = writer.write_record(fields.iter().map(|f| csv_cell(f).into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The published schema lists the kinds of change the catalogue has, in its order
    /// (the schema is a file for those who read the data: it is checked, not generated).
    #[test]
    fn the_published_schema_lists_the_catalogue() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/variazioni.schema.json");
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let kinds: Vec<&str> = schema["properties"]["variazioni"]["items"]["properties"]
            ["tipo_modifica"]["enum"]
            .as_array()
            .expect("tipo_modifica lists the kinds")
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut catalogue = vec![crate::change::remove_objective::SPEC.name];
        catalogue.extend(crate::change::SPECS.iter().map(|s| s.name));
        assert_eq!(
            kinds, catalogue,
            "docs/variazioni.schema.json is not the catalogue"
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

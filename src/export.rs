//! Open data: the variations as one row per change, in JSON (with a versioned schema,
//! `docs/variazioni.schema.json`) or CSV (UTF-8, RFC 4180), for publication next to the
//! PDF (D.Lgs. 33/2013). Built from the checked content, like the PDF, so the two agree.

use serde::Serialize;

use crate::apply::Applied;
use crate::change::Context;
use crate::check::{Checked, CheckedGroup};
use crate::model::Action;
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

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
        let base = Row {
            tipo_obiettivo: "gestionale",
            numero_scheda: *o.numero.get_ref(),
            titolo: clean(&o.titolo),
            direzione: clean(&o.direzione),
            sezione: clean(&o.sezione),
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
            out.push(Row {
                tipo_modifica: "eliminare_obiettivo",
                oggetto: "obiettivo".into(),
                valore_precedente: clean(&o.titolo),
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
            titolo: clean(&o.servizio),
            direzione: clean(&o.direzione),
            sezione: clean(&o.sezione),
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
        };
        push_changes(&mut out, &base, &s.groups, &cx);
    }
    out
}

/// One row per change: the objective's columns, then what the change says.
fn push_changes(out: &mut Vec<Row>, base: &Row, groups: &[CheckedGroup], cx: &Context) {
    for g in groups {
        for c in &g.changes {
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

/// One CSV field, quoted when RFC 4180 requires it.
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// The CSV export: a header line, then one line per change; CRLF line ends (RFC 4180).
pub fn to_csv(checked: &Checked) -> String {
    let applied = crate::apply::apply(checked);
    let mut out = COLUMNS.join(",") + "\r\n";
    for r in rows(checked, &applied) {
        let fields = [
            r.tipo_obiettivo.to_string(),
            r.numero_scheda.to_string(),
            r.titolo,
            r.direzione,
            r.sezione,
            r.azione.to_string(),
            r.tipo_modifica.to_string(),
            r.oggetto,
            r.valore_precedente,
            r.valore_nuovo,
            r.motivazione,
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(csv_field("semplice"), "semplice");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("dice \"sì\""), "\"dice \"\"sì\"\"\"");
        assert_eq!(csv_field("riga\nnuova"), "\"riga\nnuova\"");
    }

    proptest! {
        #[test]
        fn quoted_fields_read_back(s in "\\PC*") {
            let f = csv_field(&s);
            let back = if let Some(inner) = f.strip_prefix('"') {
                inner.strip_suffix('"').unwrap().replace("\"\"", "\"")
            } else {
                prop_assert!(!f.contains([',', '"', '\n', '\r']));
                f.clone()
            };
            prop_assert_eq!(back, s);
        }
    }
}

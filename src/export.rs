//! Open data: the variations as one row per change, in JSON (with a versioned schema,
//! `docs/variazioni.schema.json`) or CSV (UTF-8, RFC 4180), for publication next to the
//! PDF (D.Lgs. 33/2013). Built from the checked content, like the PDF, so the two agree.

use serde::Serialize;

use crate::check::{managed_group, Checked, CheckedGroup};
use crate::model::change::{Change, Group};
use crate::model::{Action, Managed, Service, Targets};
use crate::schedule::Plan;
use crate::view::{time_label, Profile};

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

/// All rows: management objectives (eliminated first, by number), then services.
pub fn rows(checked: &Checked) -> Vec<Row> {
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
        for g in &m.groups {
            for c in &g.changes {
                out.push(managed_row(&base, o, m, g, c, checked.plan));
            }
        }
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
        for g in &s.groups {
            for c in &g.changes {
                out.push(service_row(&base, o, g, c));
            }
        }
    }
    out
}

/// The row of one change: the objective's columns, then what the change says.
fn change_row(
    base: &Row,
    g: &CheckedGroup,
    c: &Change,
    oggetto: String,
    old: String,
    new: String,
) -> Row {
    Row {
        tipo_modifica: crate::view::change_kind(c),
        oggetto,
        valore_precedente: old,
        valore_nuovo: new,
        motivazione: g.motivation.clone(),
        ..base.clone()
    }
}

fn phase_text(o: &Managed, n: u32) -> String {
    o.fasi
        .iter()
        .find(|f| *f.numero.get_ref() == n)
        .map(|f| clean(&f.descrizione))
        .unwrap_or_default()
}

fn managed_row(
    base: &Row,
    o: &Managed,
    m: &crate::check::CheckedManaged,
    g: &CheckedGroup,
    c: &Change,
    plan: Plan,
) -> Row {
    let indicator = |id: &str| {
        Group::ALL
            .iter()
            .flat_map(|gr| managed_group(o, *gr))
            .find(|i| i.id.as_ref().is_some_and(|x| x.get_ref() == id))
    };
    let described = |id: &str| {
        indicator(id)
            .map(|i| clean(&i.descrizione))
            .unwrap_or_default()
    };
    let (oggetto, old, new) = match c {
        Change::Reschedule {
            phases,
            verb,
            from,
            to,
            schedule,
        } => {
            let olds: Vec<String> = phases
                .iter()
                .filter_map(|p| m.grids.get(p).and_then(|g| g.period_label(plan)))
                .collect();
            let mut new = time_label(*verb, *from, *to);
            if let Some(p) = schedule.period_label(plan) {
                new.push_str(&format!(" ({p})"));
            }
            (
                format!(
                    "fasi {}",
                    phases
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                olds.join("; "),
                new,
            )
        }
        Change::RemovePhase { phase } => (
            format!("fase {phase}"),
            phase_text(o, *phase),
            String::new(),
        ),
        Change::ReplacePhase { phase, text, .. } | Change::RewordPhase { phase, text } => {
            (format!("fase {phase}"), phase_text(o, *phase), clean(text))
        }
        Change::RemoveIndicator { indicator: id } => {
            ("indicatore".into(), described(id), String::new())
        }
        Change::AddManagedIndicator {
            group,
            text,
            expected,
            ..
        } => (
            format!("indicatore ({})", group.title()),
            String::new(),
            if expected.is_empty() {
                clean(text)
            } else {
                format!("{} (atteso: {})", clean(text), clean(expected))
            },
        ),
        Change::RewordIndicator {
            indicator: id,
            text,
        } => ("indicatore".into(), described(id), clean(text)),
        Change::Retarget {
            indicator: id,
            target,
        } => (
            format!("valore atteso: {}", described(id)),
            indicator(id).map(|i| clean(&i.atteso)).unwrap_or_default(),
            clean(target),
        ),
        other => (
            crate::view::change_kind(other).into(),
            String::new(),
            String::new(),
        ),
    };
    change_row(base, g, c, oggetto, old, new)
}

fn service_row(base: &Row, o: &Service, g: &CheckedGroup, c: &Change) -> Row {
    let indicator = |id: &str| {
        o.indicatori
            .iter()
            .find(|i| i.id.as_ref().is_some_and(|x| x.get_ref() == id))
    };
    let described = |id: &str| {
        indicator(id)
            .map(|i| clean(&i.descrizione))
            .unwrap_or_default()
    };
    let activity = |id: &str| {
        o.attivita
            .iter()
            .find(|a| a.id.as_ref().is_some_and(|x| x.get_ref() == id))
            .map(|a| clean(&a.testo))
            .unwrap_or_default()
    };
    let targets = |t: &Targets| match t {
        Targets::Same(v) => clean(v),
        Targets::PerYear(list) => list
            .iter()
            .map(|v| clean(v))
            .collect::<Vec<_>>()
            .join(" / "),
    };
    let (oggetto, old, new) = match c {
        Change::RemoveIndicator { indicator: id } => {
            ("indicatore".into(), described(id), String::new())
        }
        Change::AddServiceIndicator { text, target, .. } => (
            "indicatore".into(),
            String::new(),
            format!("{} (target: {})", clean(text), clean(target)),
        ),
        Change::RewordIndicator {
            indicator: id,
            text,
        } => ("indicatore".into(), described(id), clean(text)),
        Change::Retarget {
            indicator: id,
            target,
        } => (
            format!("target: {}", described(id)),
            indicator(id)
                .map(|i| targets(i.target.get_ref()))
                .unwrap_or_default(),
            clean(target),
        ),
        Change::RewordActivity { activity: id, text } => {
            ("attività istituzionale".into(), activity(id), clean(text))
        }
        Change::AddActivity { text, .. } => {
            ("attività istituzionale".into(), String::new(), clean(text))
        }
        Change::RemoveActivity { activity: id } => {
            ("attività istituzionale".into(), activity(id), String::new())
        }
        other => (
            crate::view::change_kind(other).into(),
            String::new(),
            String::new(),
        ),
    };
    change_row(base, g, c, oggetto, old, new)
}

/// The JSON export (pretty-printed, with a final newline).
pub fn to_json(checked: &Checked) -> String {
    let doc = crate::view::build(checked, Profile::Complete);
    let export = Export {
        schema: SCHEMA_ID,
        versione_schema: SCHEMA_VERSION,
        ente: doc.ente,
        documento: doc.title,
        data_documento: doc.date,
        variazioni: rows(checked),
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
    let mut out = COLUMNS.join(",") + "\r\n";
    for r in rows(checked) {
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

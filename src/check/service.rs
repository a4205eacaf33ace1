//! A service (institutional objective): its fields, activities, indicators and changes.

use super::*;

pub(super) fn check_service(
    s: &Loaded<Service>,
    plan: Plan,
    sources: &Sources,
    report: &mut Report,
) -> Option<CheckedService> {
    let o = &s.data;
    let f = s.file;
    let at = At { file: f, sources };
    let errors_before = report.errors();
    check_header(o, &[], at, report);
    if let Some(p) = &o.funzionario {
        required_person(p, "funzionario", false, at, report);
    }
    let years = plan.year_count();
    let mut indicator_ids = Ids::new("indicatore");
    for (i, ind) in o.indicatori.iter().enumerate() {
        indicator_ids.register(&ind.id, f, report);
        required_text(
            &ind.descrizione,
            "il testo dell'indicatore è vuoto",
            at,
            path!["indicatori", i, "descrizione"],
            report,
        );
        if let Targets::PerYear(list) = ind.target.get_ref() {
            if list.len() != years {
                report.push(
                    Diagnostic::error(format!(
                        "servono {years} target, uno per anno del piano ({}-{}), non {}",
                        plan.first,
                        plan.last,
                        list.len()
                    ))
                    .at(f, ind.target.span())
                    .hint("oppure un solo testo, uguale per tutti gli anni: target = \"…\""),
                );
            }
        }
        check_history(ind.storico.get_ref().len(), f, ind.storico.span(), report);
    }
    let mut activity_ids = Ids::new("attività");
    for (i, a) in o.attivita.iter().enumerate() {
        activity_ids.register(&a.id, f, report);
        required_text(
            &a.testo,
            "il testo dell'attività è vuoto",
            at,
            path!["attivita", i, "testo"],
            report,
        );
    }
    if o.variazioni.is_empty() {
        report.push(
            Diagnostic::error("un obiettivo istituzionale nell'allegato deve avere almeno una variazione")
                .at(f, at.span(path!["servizio"]))
                .label("servizio senza variazioni")
                .hint("aggiungi una sezione [[variazioni]] con la motivazione e le [[variazioni.modifiche]]"),
        );
    }
    let refs = Refs {
        indicators: indicator_ids.list,
        activities: activity_ids.list,
        managed: false,
        ..Refs::default()
    };
    let typed = typed_groups(&o.variazioni, &refs, plan, f, report);
    change::check_contradictions(typed.changes(), f, report);
    if report.errors() > errors_before {
        return None;
    }
    Some(CheckedService {
        source: s.clone(),
        groups: typed.groups,
    })
}

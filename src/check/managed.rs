//! A management objective: its fields, phases, indicators, staff, resources and changes.

use super::*;

pub(super) fn check_managed(
    m: &Loaded<Managed>,
    plan: Plan,
    monitoring: &[NaiveDate],
    sources: &Sources,
    report: &mut Report,
) -> Option<CheckedManaged> {
    let o = &m.data;
    let f = m.file;
    let at = At { file: f, sources };
    let errors_before = report.errors();
    check_header(
        o,
        &[
            (&o.obiettivo_strategico, "obiettivo_strategico"),
            (&o.obiettivo_operativo, "obiettivo_operativo"),
            (&o.progetto, "progetto"),
            (&o.finalita, "finalita"),
            (&o.orizzonte_temporale, "orizzonte_temporale"),
            (&o.descrizione, "descrizione"),
        ],
        at,
        report,
    );

    // Phases: numbered 1..n, each with a valid cronoprogramma.
    let mut grids = BTreeMap::new();
    let mut phase_numbers: BTreeMap<u32, &Phase> = BTreeMap::new();
    for (i, phase) in o.fasi.iter().enumerate() {
        let n = *phase.numero.get_ref();
        let expected = i as u32 + 1;
        if let Some(first) = phase_numbers.get(&n) {
            report.push(
                Diagnostic::error(format!("la fase {n} compare due volte"))
                    .at(f, phase.numero.span())
                    .also(f, first.numero.span(), "la prima volta qui"),
            );
        } else if n != expected {
            report.push(
                Diagnostic::error(format!(
                    "le fasi vanno numerate 1, 2, 3 … senza salti: qui ci si aspetta la fase {expected}, non la {n}"
                ))
                .at(f, phase.numero.span()),
            );
        }
        phase_numbers.entry(n).or_insert(phase);
        required_text(
            &phase.descrizione,
            &format!("la descrizione della fase {n} è vuota"),
            at,
            path!["fasi", i, "descrizione"],
            report,
        );
        if let Some(s) = &phase.cronoprogramma {
            if let Some(grid) = grid(s, plan, f, &format!("della fase {n}"), report) {
                grids.insert(n, grid);
            }
        }
    }
    if let Some(extra) = o.fasi.get(MAX_PHASES) {
        report.push(
            Diagnostic::warning(format!(
                "{} fasi: la scheda ne prevede al massimo {MAX_PHASES}",
                o.fasi.len()
            ))
            .at(f, extra.numero.span())
            .label(format!("fase oltre la {MAX_PHASES}ª")),
        );
    }

    // Indicators: ids unique; no more values reached than monitoring dates.
    let mut indicator_ids = Ids::new("indicatore");
    for g in Group::ALL {
        for (i, ind) in o.indicatori.group(g).iter().enumerate() {
            indicator_ids.register(&ind.id, f, report);
            required_text(
                &ind.descrizione,
                "il testo dell'indicatore è vuoto",
                at,
                path!["indicatori", g.key(), i, "descrizione"],
                report,
            );
            if ind.raggiunto.len() > monitoring.len() {
                report.push(
                    Diagnostic::error(format!(
                        "{} valori raggiunti, ma le date di monitoraggio sono {}",
                        ind.raggiunto.len(),
                        monitoring.len()
                    ))
                    .at(f, at.span(path!["indicatori", g.key(), i, "raggiunto"]))
                    .label("i valori in più non comparirebbero nella scheda")
                    .hint("un valore per data di monitoraggio (in allegato.toml)"),
                );
            }
        }
    }

    check_staff(m, report);
    check_resources(m, report);

    // The request.
    let action = *o.azione.get_ref();
    match action {
        Action::Eliminare => {
            match &o.motivazione {
                Some(mv) if !mv.get_ref().trim().is_empty() => {}
                Some(mv) => report.push(
                    Diagnostic::error("la motivazione dell'eliminazione è vuota").at(f, mv.span()),
                ),
                None => report.push(
                    Diagnostic::error("un obiettivo da eliminare deve avere la sua `motivazione`")
                        .at(f, o.azione.span())
                        .hint("aggiungi `motivazione = \"…\"` dopo `azione`"),
                ),
            }
            if let Some(g) = o.variazioni.first() {
                report.push(
                    Diagnostic::error("un obiettivo da eliminare non può avere altre variazioni")
                        .at(f, g.motivazione.span())
                        .also(f, o.azione.span(), "l'obiettivo è da eliminare")
                        .hint("togli le [[variazioni]] oppure scrivi azione = \"modificare\""),
                );
            }
        }
        Action::Modificare => {
            if o.variazioni.is_empty() {
                report.push(
                    Diagnostic::error("un obiettivo da modificare deve avere almeno una variazione")
                        .at(f, o.azione.span())
                        .hint("aggiungi una sezione [[variazioni]] con la motivazione e le [[variazioni.modifiche]]"),
                );
            }
            if let Some(mv) = &o.motivazione {
                report.push(
                    Diagnostic::error(
                        "la `motivazione` generale vale solo per gli obiettivi da eliminare",
                    )
                    .at(f, mv.span())
                    .also(f, o.azione.span(), "l'obiettivo è da modificare")
                    .hint("la motivazione di una modifica va nella sua sezione [[variazioni]]"),
                );
            }
        }
    }

    let refs = Refs {
        phases: phase_numbers.keys().copied().collect(),
        phases_without_schedule: o
            .fasi
            .iter()
            .filter(|p| p.cronoprogramma.is_none())
            .map(|p| (*p.numero.get_ref(), p.numero.span()))
            .collect(),
        schedules: grids.clone(),
        indicators: indicator_ids.list,
        activities: Vec::new(),
        managed: true,
    };
    let typed = typed_groups(&o.variazioni, &refs, plan, f, report);
    change::check_contradictions(typed.changes(), f, report);
    check_schedules_given(m, &grids, report);
    if report.errors() > errors_before {
        return None;
    }
    Some(CheckedManaged {
        source: m.clone(),
        grids,
        groups: typed.groups,
        spans: typed.spans,
    })
}

/// The years an `orizzonte_temporale` names ("2023 Annuale_ciclico" → 2023, "2023 -
/// 2025" → 2023 and 2025).
pub(crate) fn horizon_years(text: &str) -> Vec<i32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// The last year in which a cronoprogramma has work: a later year with a percentage, or
/// the plan's first year for its months.
fn last_year_of(grid: &Grid, plan: Plan) -> Option<i32> {
    let later = grid
        .later
        .iter()
        .filter(|(_, v)| !v.is_zero())
        .map(|(y, _)| *y)
        .max();
    later.or_else(|| {
        grid.months
            .iter()
            .any(|m| !m.is_zero())
            .then_some(plan.first)
    })
}

/// Changes that move phases past the scheda's orizzonte temporale: a warning at the
/// change (the scheda would still say "Orizzonte temporale 2023" for work in 2024),
/// suggesting to change the horizon in the same request. An `[[eccezioni]]` entry
/// (`controllo = "orizzonte"`, the scheda as `nome`) makes it a note.
pub(super) fn check_horizon(m: &CheckedManaged, plan: Plan) -> Vec<across::Finding> {
    let o = &m.source.data;
    let mut out = Vec::new();
    let approved = crate::apply::managed(&CheckedManaged {
        source: m.source.clone(),
        grids: m.grids.clone(),
        groups: Vec::new(),
        spans: Vec::new(),
    });
    // The horizon the scheda will state: a `variazione_orizzonte` of the request, or
    // the approved one.
    let mut requested = approved.clone();
    for change in m.groups.iter().flat_map(|g| &g.changes) {
        change.apply(&mut requested);
    }
    let asked = requested
        .horizon
        .amended
        .filter(|h| requested.horizon.approved.as_ref() != Some(h));
    let horizon_text = asked
        .clone()
        .unwrap_or_else(|| crate::text::collapse(&o.orizzonte_temporale));
    let years = horizon_years(&horizon_text);
    let (Some(first), Some(horizon)) = (years.iter().copied().min(), years.iter().copied().max())
    else {
        return out;
    };
    for (group, spans) in m.groups.iter().zip(&m.spans) {
        for (change, span) in group.changes.iter().zip(spans) {
            let mut scheda = approved.clone();
            change.apply(&mut scheda);
            let beyond: Vec<(u32, i32)> = scheda
                .schedule
                .iter()
                .filter(|r| r.state != crate::model::amended::State::Unchanged)
                .filter_map(|r| {
                    let year = last_year_of(r.grid.amended.as_ref()?, plan)?;
                    // A phase the approved scheda already runs that far is not moved
                    // there by this change (a replacement in the same period).
                    let before = approved
                        .approved_grid(r.numero)
                        .and_then(|g| last_year_of(g, plan));
                    (year > horizon && before.is_none_or(|b| year > b)).then_some((r.numero, year))
                })
                .collect();
            let Some(last) = beyond.iter().map(|(_, y)| *y).max() else {
                continue;
            };
            let phases: Vec<String> = beyond.iter().map(|(n, _)| n.to_string()).collect();
            let which = match phases.as_slice() {
                [one] => format!("la fase {one}"),
                [rest @ .., last] => format!("le fasi {} e {last}", rest.join(", ")),
                [] => continue,
            };
            let (whose, hint) = match &asked {
                Some(_) => (
                    "chiesto nella richiesta",
                    format!(
                        "correggi il campo `orizzonte` della modifica \"variazione_orizzonte\" perché arrivi fino al {last}"
                    ),
                ),
                None => (
                    "della scheda",
                    format!(
                        "chiedi nella stessa richiesta una modifica \"variazione_orizzonte\" con orizzonte = \"{first} - {last}\": la scheda non può dire «{horizon_text}» per fasi che finiscono nel {last}"
                    ),
                ),
            };
            let diagnostic = Diagnostic::warning(format!(
                "questa modifica porta {which} fino al {last}, oltre l'orizzonte temporale {whose} («{horizon_text}»)"
            ))
            .at(m.source.file, span.clone())
            .label(format!("fasi nel {last}"))
            .hint(hint);
            out.push(across::Finding {
                kind: crate::model::organisation::CheckKind::Orizzonte,
                subjects: vec![o.short_name(), m.source.stem.clone()],
                diagnostic,
            });
        }
    }
    out
}

pub(super) fn check_staff(m: &Loaded<Managed>, report: &mut Report) {
    let o = &m.data;
    if o.personale.is_empty() {
        report.push(
            Diagnostic::warning("nessun dipendente nel personale coinvolto")
                .at(m.file, o.azione.span())
                .label("in questo obiettivo")
                .hint("aggiungi il personale con [[personale]]: categoria, nome, partecipazione"),
        );
        return;
    }
    let total: Decimal = o
        .personale
        .iter()
        .map(|p| p.partecipazione.get_ref().0)
        .sum();
    if total != Decimal::from(100) {
        let last = o
            .personale
            .last()
            .map(|p| p.partecipazione.span())
            .unwrap_or(0..0);
        let mut d = Diagnostic::error(format!(
            "le % di partecipazione del personale sommano a {} invece di 100%",
            crate::format::percent(total)
        ))
        .at(m.file, last)
        .label("ultima riga del personale");
        for p in &o.personale[..o.personale.len() - 1] {
            d = d.also(
                m.file,
                p.partecipazione.span(),
                crate::format::percent(p.partecipazione.get_ref().0),
            );
        }
        report.push(d);
    }
    for p in &o.personale {
        if p.partecipazione.get_ref().0 <= Decimal::ZERO {
            report.push(
                Diagnostic::error("una % di partecipazione deve essere maggiore di zero")
                    .at(m.file, p.partecipazione.span()),
            );
        }
    }
}

/// Costs are money: not negative, in euro and cents.
pub(super) fn check_resources(m: &Loaded<Managed>, report: &mut Report) {
    for r in &m.data.risorse {
        let Some(cost) = &r.costo else { continue };
        let Cost::Amount(amount) = cost.get_ref() else {
            continue;
        };
        if amount.is_sign_negative() && !amount.is_zero() {
            report.push(
                Diagnostic::error("un costo non può essere negativo")
                    .at(m.file, cost.span())
                    .hint("scrivi l'importo in euro, per esempio 1000 oppure \"1.000,00\""),
            );
        } else if amount.normalize().scale() > 2 {
            report.push(
                Diagnostic::error(format!(
                    "un importo in euro ha al massimo due decimali, non {}",
                    amount.normalize().scale()
                ))
                .at(m.file, cost.span())
                .hint("arrotonda ai centesimi"),
            );
        }
    }
}

/// Every phase needs a schedule: approved, or given by a change; "stesso periodo
/// temporale" needs the approved one.
pub(super) fn check_schedules_given(
    m: &Loaded<Managed>,
    grids: &BTreeMap<u32, Grid>,
    report: &mut Report,
) {
    for phase in &m.data.fasi {
        let n = *phase.numero.get_ref();
        if grids.contains_key(&n) || phase.cronoprogramma.is_some() {
            continue;
        }
        // As written, so that a change with a mistake of its own (reported already)
        // does not also leave its phases "without a schedule".
        let given = m
            .data
            .variazioni
            .iter()
            .flat_map(|g| &g.modifiche)
            .any(|raw| Change::gives_schedule_to(raw.get_ref()).contains(&n));
        if !given {
            report.push(
                Diagnostic::error(format!("la fase {n} non ha un cronoprogramma"))
                    .at(m.file, phase.numero.span())
                    .hint("aggiungi `cronoprogramma = { … }` alla fase (es. { marzo = 50, aprile = 50 })"),
            );
        }
    }
}

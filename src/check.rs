//! Check: every semantic rule of the content, as Italian diagnostics at the value.
//!
//! Takes what `load` parsed and returns it checked: changes typed ([`Change`]),
//! cronoprogrammi parsed ([`Grid`]), every reference resolved. Errors are what would make
//! the document wrong (a total that is not 100%, a change pointing at nothing); warnings
//! what is only suspicious. Nothing here formats or lays out anything.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use toml::Spanned;

use crate::diag::{suggest, Diagnostic, FileIdx, Report, Sources};
use crate::fonts::Coverage;
use crate::load::{Content, Loaded};
use crate::model::change::{Change, Group, RawChange, RawGroup, TimeVerb, YearOrDate, KINDS};
use crate::model::{Action, Annex, Managed, Person, Phase, Service, Targets};
use crate::schedule::{Grid, Period, Plan};

/// A group of typed changes sharing a motivazione.
#[derive(Debug, Clone)]
pub struct CheckedGroup {
    pub motivation: String,
    pub changes: Vec<Change>,
}

/// A management objective with its parsed cronoprogrammi and typed changes.
#[derive(Debug, Clone)]
pub struct CheckedManaged {
    pub source: Loaded<Managed>,
    /// Approved cronoprogramma of each phase that has one, by phase number.
    pub grids: BTreeMap<u32, Grid>,
    pub groups: Vec<CheckedGroup>,
}

/// A service with its typed changes.
#[derive(Debug, Clone)]
pub struct CheckedService {
    pub source: Loaded<Service>,
    pub groups: Vec<CheckedGroup>,
}

/// The content, checked: what the view is built from.
#[derive(Debug, Clone)]
pub struct Checked {
    pub annex: Loaded<Annex>,
    pub plan: Plan,
    pub monitoring: Vec<NaiveDate>,
    pub managed: Vec<CheckedManaged>,
    pub services: Vec<CheckedService>,
    pub training: Option<Loaded<crate::model::Training>>,
}

/// Checks the content. Returns `None` when it has errors (all of them in `report`).
pub fn check(content: &Content, sources: &Sources, report: &mut Report) -> Option<Checked> {
    let coverage = Coverage::bundled();
    for file in all_files(content) {
        check_glyphs(file, sources, &coverage, report);
    }
    let annex = content.annex.clone()?;
    let (plan, monitoring) = check_annex(&annex, report);

    let mut managed = Vec::new();
    let mut numbers: HashMap<u32, (FileIdx, Range<usize>)> = HashMap::new();
    for m in &content.managed {
        unique_number(&m.data.numero, m.file, &mut numbers, "gestionale", report);
        managed.push(check_managed(m, plan, report));
    }
    let mut services = Vec::new();
    let mut numbers: HashMap<u32, (FileIdx, Range<usize>)> = HashMap::new();
    for s in &content.services {
        unique_number(
            &s.data.numero,
            s.file,
            &mut numbers,
            "istituzionale",
            report,
        );
        services.push(check_service(s, plan, report));
    }
    if content.managed.is_empty() && content.services.is_empty() {
        report.push(Diagnostic::warning(
            "nessun obiettivo: le cartelle `gestionali/` e `istituzionali/` sono vuote",
        ));
    }
    if report.errors() > 0 {
        return None;
    }
    Some(Checked {
        annex,
        plan,
        monitoring,
        managed: managed.into_iter().flatten().collect(),
        services: services.into_iter().flatten().collect(),
        training: content.training.clone(),
    })
}

fn all_files(content: &Content) -> Vec<FileIdx> {
    let mut files: Vec<FileIdx> = content.annex.iter().map(|a| a.file).collect();
    files.extend(content.managed.iter().map(|m| m.file));
    files.extend(content.services.iter().map(|s| s.file));
    files.extend(content.training.iter().map(|t| t.file));
    files
}

/// Every character outside comments must be drawable by a bundled font.
fn check_glyphs(file: FileIdx, sources: &Sources, coverage: &Coverage, report: &mut Report) {
    let text = sources.text(file);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            for (i, c) in line.char_indices() {
                if !c.is_control() && !coverage.contains(c) {
                    let at = offset + i;
                    report.push(
                        Diagnostic::error(format!(
                            "il carattere «{c}» (U+{:04X}) non esiste nei caratteri tipografici del documento",
                            c as u32
                        ))
                        .at(file, at..at + c.len_utf8())
                        .label("nel PDF comparirebbe un riquadro vuoto")
                        .hint("sostituiscilo con un carattere simile (per esempio ' al posto di ʼ, -> al posto di →)"),
                    );
                }
            }
        }
        offset += line.len();
    }
}

fn check_annex(annex: &Loaded<Annex>, report: &mut Report) -> (Plan, Vec<NaiveDate>) {
    let a = &annex.data;
    let f = annex.file;
    let plan = Plan {
        first: *a.anno_inizio.get_ref(),
        last: *a.anno_fine.get_ref(),
    };
    if a.ente.trim().is_empty() {
        report.push(Diagnostic::error("il nome dell'ente è vuoto").file(&annex.path));
    }
    if plan.last < plan.first {
        report.push(
            Diagnostic::error(format!(
                "l'anno finale {} viene prima dell'anno iniziale {}",
                plan.last, plan.first
            ))
            .at(f, a.anno_fine.span()),
        );
    } else if plan.last - plan.first > 4 {
        report.push(
            Diagnostic::warning(format!(
                "un piano di {} anni: il PIAO è triennale",
                plan.last - plan.first + 1
            ))
            .at(f, a.anno_fine.span()),
        );
    }
    let mut dates = Vec::new();
    if a.monitoraggi.get_ref().is_empty() {
        report.push(
            Diagnostic::error("serve almeno una data di monitoraggio").at(f, a.monitoraggi.span()),
        );
    }
    for d in a.monitoraggi.get_ref() {
        let date = d.get_ref().0;
        if date.year() != plan.first {
            report.push(
                Diagnostic::error(format!(
                    "la data di monitoraggio {} non è nel primo anno del piano ({})",
                    crate::format::date_dotted(date),
                    plan.first
                ))
                .at(f, d.span()),
            );
        }
        if dates.last().is_some_and(|prev| *prev >= date) {
            report.push(
                Diagnostic::error("le date di monitoraggio vanno in ordine, senza ripetizioni")
                    .at(f, d.span()),
            );
        }
        dates.push(date);
    }
    (plan, dates)
}

fn unique_number(
    numero: &Spanned<u32>,
    file: FileIdx,
    seen: &mut HashMap<u32, (FileIdx, Range<usize>)>,
    kind: &str,
    report: &mut Report,
) {
    let n = *numero.get_ref();
    if let Some((first_file, first_span)) = seen.get(&n) {
        report.push(
            Diagnostic::error(format!(
                "il N. scheda {n} è già usato da un altro obiettivo {kind}"
            ))
            .at(file, numero.span())
            .also(*first_file, first_span.clone(), "usato qui")
            .hint("ogni scheda ha un numero suo"),
        );
    } else {
        seen.insert(n, (file, numero.span()));
    }
}

fn required_text(value: &str, field: &str, loaded_path: &std::path::Path, report: &mut Report) {
    if value.trim().is_empty() {
        report.push(
            Diagnostic::error(format!("il campo `{field}` è vuoto"))
                .file(loaded_path)
                .hint("è un campo dell'intestazione della scheda: va compilato"),
        );
    }
}

fn check_managed(m: &Loaded<Managed>, plan: Plan, report: &mut Report) -> Option<CheckedManaged> {
    let o = &m.data;
    let f = m.file;
    let errors_before = report.errors();
    for (value, field) in [
        (&o.titolo, "titolo"),
        (&o.direzione, "direzione"),
        (&o.sezione, "sezione"),
        (&o.missione, "missione"),
        (&o.programma, "programma"),
        (&o.obiettivo_strategico, "obiettivo_strategico"),
        (&o.obiettivo_operativo, "obiettivo_operativo"),
        (&o.progetto, "progetto"),
        (&o.finalita, "finalita"),
        (&o.orizzonte_temporale, "orizzonte_temporale"),
        (&o.descrizione, "descrizione"),
    ] {
        required_text(value, field, &m.path, report);
    }
    if !o.intersettoriale && matches!(o.responsabile, Person::Label(_)) {
        report.push(
            Diagnostic::error("il responsabile va indicato con cognome e nome")
                .file(&m.path)
                .hint("scrivi `responsabile = { cognome = \"Rossi\", nome = \"Maria\" }`: il cognome compare nella richiesta"),
        );
    }

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
        required_text(&phase.descrizione, "descrizione", &m.path, report);
        if let Some(s) = &phase.cronoprogramma {
            if let Some(grid) = parse_grid(s, plan, f, &format!("della fase {n}"), report) {
                grids.insert(n, grid);
            }
        }
    }
    if o.fasi.len() > 10 {
        report.push(
            Diagnostic::warning(format!(
                "{} fasi: la scheda ne prevede al massimo 10",
                o.fasi.len()
            ))
            .file(&m.path),
        );
    }

    // Indicators: ids unique.
    let mut ids: HashMap<String, Range<usize>> = HashMap::new();
    let mut indicator_ids = Vec::new();
    for g in Group::ALL {
        for ind in managed_group(o, g) {
            if let Some(id) = &ind.id {
                register_id(id, f, &mut ids, "indicatore", report);
                indicator_ids.push(id.get_ref().clone());
            }
        }
    }

    check_staff(m, report);

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
                    .hint("la motivazione di una modifica va nella sua sezione [[variazioni]]"),
                );
            }
        }
    }

    let refs = Refs {
        phases: phase_numbers.keys().copied().collect(),
        indicators: indicator_ids,
        activities: Vec::new(),
        managed: true,
    };
    let groups = typed_groups(&o.variazioni, &refs, plan, f, report);
    if let Some(groups) = &groups {
        check_managed_consistency(m, groups, &grids, plan, report);
    }
    if report.errors() > errors_before {
        return None;
    }
    Some(CheckedManaged {
        source: m.clone(),
        grids,
        groups: groups?,
    })
}

pub fn managed_group(o: &Managed, g: Group) -> &[crate::model::Indicator] {
    match g {
        Group::Quantity => &o.indicatori.quantita,
        Group::Time => &o.indicatori.tempo,
        Group::Cost => &o.indicatori.costo,
        Group::Quality => &o.indicatori.qualita,
    }
}

fn check_staff(m: &Loaded<Managed>, report: &mut Report) {
    let o = &m.data;
    if o.personale.is_empty() {
        report.push(Diagnostic::warning("nessun dipendente nel personale coinvolto").file(&m.path));
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

fn register_id(
    id: &Spanned<String>,
    file: FileIdx,
    ids: &mut HashMap<String, Range<usize>>,
    what: &str,
    report: &mut Report,
) {
    if let Some(first) = ids.get(id.get_ref()) {
        report.push(
            Diagnostic::error(format!("l'identificativo `{}` è già usato", id.get_ref()))
                .at(file, id.span())
                .also(file, first.clone(), format!("{what} con lo stesso id")),
        );
    } else {
        ids.insert(id.get_ref().clone(), id.span());
    }
}

fn parse_grid(
    schedule: &Spanned<crate::model::Schedule>,
    plan: Plan,
    file: FileIdx,
    whose: &str,
    report: &mut Report,
) -> Option<Grid> {
    match Grid::parse(schedule.get_ref(), plan) {
        Ok(grid) => {
            let total = grid.total();
            if total != Decimal::from(100) {
                report.push(
                    Diagnostic::error(format!(
                        "il cronoprogramma {whose} somma a {} invece di 100%",
                        crate::format::percent(total)
                    ))
                    .at(file, schedule.span())
                    .hint("anni precedenti + mesi + anni successivi devono fare 100"),
                );
                return None;
            }
            Some(grid)
        }
        Err(problems) => {
            for p in problems {
                let mut d = Diagnostic::error(p.message).at(file, p.span);
                if let Some(h) = p.hint {
                    d = d.hint(h);
                }
                report.push(d);
            }
            None
        }
    }
}

/// What a change may point at.
struct Refs {
    phases: Vec<u32>,
    indicators: Vec<String>,
    activities: Vec<String>,
    managed: bool,
}

fn typed_groups(
    groups: &[RawGroup],
    refs: &Refs,
    plan: Plan,
    f: FileIdx,
    report: &mut Report,
) -> Option<Vec<CheckedGroup>> {
    let errors_before = report.errors();
    let mut out = Vec::new();
    for g in groups {
        if g.motivazione.get_ref().trim().is_empty() {
            report.push(
                Diagnostic::error("la motivazione è vuota")
                    .at(f, g.motivazione.span())
                    .hint("ogni variazione deve dire perché è richiesta"),
            );
        }
        if g.modifiche.is_empty() {
            report.push(
                Diagnostic::error("questa variazione non contiene modifiche")
                    .at(f, g.motivazione.span())
                    .hint("aggiungi almeno una sezione [[variazioni.modifiche]] con il suo `tipo`"),
            );
        }
        let mut changes = Vec::new();
        for raw in &g.modifiche {
            if let Some(c) = typed_change(raw, refs, plan, f, report) {
                changes.push(c);
            }
        }
        out.push(CheckedGroup {
            motivation: g.motivazione.get_ref().trim().to_string(),
            changes,
        });
    }
    (report.errors() == errors_before).then_some(out)
}

fn typed_change(
    raw: &Spanned<RawChange>,
    refs: &Refs,
    plan: Plan,
    f: FileIdx,
    report: &mut Report,
) -> Option<Change> {
    let c = raw.get_ref();
    let kind_name = c.tipo.get_ref().trim();
    let kind_span = c.tipo.span();
    let kinds: Vec<&str> = KINDS
        .iter()
        .filter(|k| if refs.managed { k.managed } else { k.service })
        .map(|k| k.name)
        .collect();
    let Some(spec) = KINDS.iter().find(|k| k.name == kind_name) else {
        let mut d = Diagnostic::error(format!("tipo di modifica sconosciuto \"{kind_name}\""))
            .at(f, kind_span);
        d = match suggest(kind_name, kinds.iter().copied()) {
            Some(s) => d.hint(format!("forse \"{s}\"?")),
            None => d.hint(format!("tipi ammessi: {}", kinds.join(", "))),
        };
        report.push(d);
        return None;
    };
    if !kinds.contains(&spec.name) {
        report.push(
            Diagnostic::error(format!(
                "il tipo \"{kind_name}\" non si usa per un obiettivo {}",
                if refs.managed {
                    "gestionale"
                } else {
                    "istituzionale"
                }
            ))
            .at(f, kind_span)
            .hint(format!("tipi ammessi: {}", kinds.join(", "))),
        );
        return None;
    }
    let present = c.present_keys();
    let mut ok = true;
    for req in spec.required {
        if !present.iter().any(|(k, _)| k == req) {
            report.push(
                Diagnostic::error(format!(
                    "per una modifica di tipo \"{kind_name}\" serve il campo `{req}`"
                ))
                .at(f, kind_span.clone()),
            );
            ok = false;
        }
    }
    for (key, span) in &present {
        if !spec.required.contains(key) && !spec.optional.contains(key) {
            report.push(
                Diagnostic::error(format!(
                    "il campo `{key}` non si usa con una modifica di tipo \"{kind_name}\""
                ))
                .at(f, span.clone())
                .also(f, kind_span.clone(), "tipo della modifica"),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let text = |v: &Option<Spanned<String>>| -> String {
        v.as_ref()
            .map(|s| s.get_ref().trim().to_string())
            .unwrap_or_default()
    };
    if let Some(t) = &c.testo {
        if t.get_ref().trim().is_empty() {
            report.push(Diagnostic::error("il nuovo testo è vuoto").at(f, t.span()));
            return None;
        }
    }
    let phase = |report: &mut Report| -> Option<u32> {
        let p = c.fase.as_ref()?;
        check_phase_ref(p, refs, f, report)
    };
    let indicator = |report: &mut Report| -> Option<String> {
        let i = c.indicatore.as_ref()?;
        check_name_ref(i, &refs.indicators, "indicatore", f, report)
    };
    let activity = |report: &mut Report| -> Option<String> {
        let a = c.attivita.as_ref()?;
        check_name_ref(a, &refs.activities, "attività", f, report)
    };
    let change = match spec.name {
        "variazione_temporale" => {
            let fasi = c.fasi.as_ref()?;
            if fasi.get_ref().is_empty() {
                report.push(Diagnostic::error("l'elenco delle fasi è vuoto").at(f, fasi.span()));
                return None;
            }
            let mut phases = Vec::new();
            for p in fasi.get_ref() {
                phases.push(check_phase_ref(p, refs, f, report)?);
            }
            let verb_raw = c.variazione.as_ref()?;
            let verb = match verb_raw.get_ref().trim().to_lowercase().as_str() {
                "prolungare" => TimeVerb::Extend,
                "posticipare" => TimeVerb::Postpone,
                other => {
                    report.push(
                        Diagnostic::error(format!("variazione temporale sconosciuta \"{other}\""))
                            .at(f, verb_raw.span())
                            .hint("valori ammessi: \"prolungare\", \"posticipare\""),
                    );
                    return None;
                }
            };
            let to = c.al.as_ref()?;
            let schedule = c.cronoprogramma.as_ref()?;
            let grid = parse_grid(schedule, plan, f, "nuovo", report)?;
            let from = c.dal.as_ref().map(|d| *d.get_ref());
            check_period(
                from.map(|d| (d, c.dal.as_ref().unwrap().span())),
                to,
                plan,
                f,
                report,
            )?;
            check_grid_in_period(
                &grid,
                from,
                *to.get_ref(),
                plan,
                f,
                schedule.span(),
                verb,
                report,
            )?;
            Change::Reschedule {
                phases,
                verb,
                from,
                to: *to.get_ref(),
                schedule: grid,
            }
        }
        "eliminare_fase" => Change::RemovePhase {
            phase: phase(report)?,
        },
        "sostituire_fase" => {
            let p = phase(report)?;
            let schedule = match &c.cronoprogramma {
                Some(s) => Some(parse_grid(s, plan, f, "nuovo", report)?),
                None => None,
            };
            Change::ReplacePhase {
                phase: p,
                text: text(&c.testo),
                schedule,
            }
        }
        "riformulare_fase" => Change::RewordPhase {
            phase: phase(report)?,
            text: text(&c.testo),
        },
        "eliminare_indicatore" => Change::RemoveIndicator {
            indicator: indicator(report)?,
        },
        "aggiungere_indicatore" => {
            if refs.managed {
                let Some(g) = &c.gruppo else {
                    report.push(
                        Diagnostic::error("per aggiungere un indicatore serve il `gruppo`")
                            .at(f, kind_span)
                            .hint("gruppo = \"quantita\", \"tempo\", \"costo\" o \"qualita\""),
                    );
                    return None;
                };
                let Some(group) = Group::from_key(g.get_ref().trim()) else {
                    let keys = Group::ALL.map(|g| g.key());
                    let mut d = Diagnostic::error(format!(
                        "gruppo di indicatori sconosciuto \"{}\"",
                        g.get_ref()
                    ))
                    .at(f, g.span());
                    d = match suggest(g.get_ref(), keys) {
                        Some(s) => d.hint(format!("forse \"{s}\"?")),
                        None => d.hint("gruppi ammessi: quantita, tempo, costo, qualita"),
                    };
                    report.push(d);
                    return None;
                };
                for (key, span) in &present {
                    if ["um", "storico", "target"].contains(key) {
                        report.push(
                            Diagnostic::error(format!(
                                "il campo `{key}` vale solo per gli obiettivi istituzionali"
                            ))
                            .at(f, span.clone()),
                        );
                        return None;
                    }
                }
                if let Some(after) = &c.dopo {
                    check_name_ref(after, &refs.indicators, "indicatore", f, report)?;
                }
                Change::AddManagedIndicator {
                    id: c.id.as_ref().map(|s| s.get_ref().clone()),
                    after: c.dopo.as_ref().map(|s| s.get_ref().clone()),
                    group,
                    text: text(&c.testo),
                    expected: text(&c.atteso),
                }
            } else {
                for (key, span) in &present {
                    if ["gruppo", "atteso"].contains(key) {
                        report.push(
                            Diagnostic::error(format!(
                                "il campo `{key}` vale solo per gli obiettivi gestionali"
                            ))
                            .at(f, span.clone())
                            .hint("per un servizio indica `um`, `storico` e `target`"),
                        );
                        return None;
                    }
                }
                let Some(target) = &c.target else {
                    report.push(
                        Diagnostic::error("per aggiungere un indicatore serve il `target`")
                            .at(f, kind_span),
                    );
                    return None;
                };
                if let Some(after) = &c.dopo {
                    check_name_ref(after, &refs.indicators, "indicatore", f, report)?;
                }
                Change::AddServiceIndicator {
                    id: c.id.as_ref().map(|s| s.get_ref().clone()),
                    text: text(&c.testo),
                    unit: text(&c.um),
                    history: c
                        .storico
                        .as_ref()
                        .map(|s| s.get_ref().clone())
                        .unwrap_or_default(),
                    target: target.get_ref().trim().to_string(),
                    after: c.dopo.as_ref().map(|s| s.get_ref().clone()),
                }
            }
        }
        "riformulare_indicatore" => Change::RewordIndicator {
            indicator: indicator(report)?,
            text: text(&c.testo),
        },
        "variazione_target" => Change::Retarget {
            indicator: indicator(report)?,
            target: text(&c.target),
        },
        "riformulare_attivita" => Change::RewordActivity {
            activity: activity(report)?,
            text: text(&c.testo),
        },
        "aggiungere_attivita" => {
            if let Some(after) = &c.dopo {
                check_name_ref(after, &refs.activities, "attività", f, report)?;
            }
            Change::AddActivity {
                id: c.id.as_ref().map(|s| s.get_ref().clone()),
                text: text(&c.testo),
                after: c.dopo.as_ref().map(|s| s.get_ref().clone()),
            }
        }
        "eliminare_attivita" => Change::RemoveActivity {
            activity: activity(report)?,
        },
        _ => return None,
    };
    Some(change)
}

fn check_phase_ref(p: &Spanned<u32>, refs: &Refs, f: FileIdx, report: &mut Report) -> Option<u32> {
    let n = *p.get_ref();
    if refs.phases.contains(&n) {
        Some(n)
    } else {
        report.push(
            Diagnostic::error(format!("la fase {n} non esiste in questa scheda"))
                .at(f, p.span())
                .hint(match refs.phases.last() {
                    Some(last) => format!("le fasi della scheda vanno da 1 a {last}"),
                    None => "la scheda non ha fasi: aggiungile con [[fasi]]".to_string(),
                }),
        );
        None
    }
}

fn check_name_ref(
    r: &Spanned<String>,
    known: &[String],
    what: &str,
    f: FileIdx,
    report: &mut Report,
) -> Option<String> {
    let name = r.get_ref().trim();
    if known.iter().any(|k| k == name) {
        return Some(name.to_string());
    }
    let mut d = Diagnostic::error(format!("nessun {what} ha l'id `{name}`")).at(f, r.span());
    d = match suggest(name, known.iter().map(|s| s.as_str())) {
        Some(s) => d.hint(format!("forse `{s}`?")),
        None if known.is_empty() => d.hint(format!(
            "dai un `id` all'{what} a cui si riferisce la modifica (es. id = \"{name}\")"
        )),
        None => d.hint(format!("id esistenti: {}", known.join(", "))),
    };
    report.push(d);
    None
}

fn check_period(
    from: Option<(crate::model::Date, Range<usize>)>,
    to: &Spanned<YearOrDate>,
    plan: Plan,
    f: FileIdx,
    report: &mut Report,
) -> Option<()> {
    let to_year = match to.get_ref() {
        YearOrDate::Year(y) => *y,
        YearOrDate::Date(d) => d.0.year(),
    };
    if to_year < plan.first || to_year > plan.last {
        report.push(
            Diagnostic::error(format!(
                "il nuovo termine ({to_year}) è fuori dal piano {}-{}",
                plan.first, plan.last
            ))
            .at(f, to.span()),
        );
        return None;
    }
    if let Some((from, span)) = from {
        if from.0.year() < plan.first || from.0.year() > plan.last {
            report.push(
                Diagnostic::error("la data di inizio è fuori dagli anni del piano").at(f, span),
            );
            return None;
        }
        let to_date = match to.get_ref() {
            YearOrDate::Year(y) => crate::format::last_day(*y, 12),
            YearOrDate::Date(d) => d.0,
        };
        if from.0 > to_date {
            report.push(Diagnostic::error("il periodo inizia dopo la sua fine").at(f, span));
            return None;
        }
    }
    Some(())
}

/// The new schedule must match the label: it ends in the period of `al` and does not
/// start before `dal`.
#[allow(clippy::too_many_arguments)]
fn check_grid_in_period(
    grid: &Grid,
    from: Option<crate::model::Date>,
    to: YearOrDate,
    plan: Plan,
    f: FileIdx,
    span: Range<usize>,
    verb: TimeVerb,
    report: &mut Report,
) -> Option<()> {
    let label = crate::view::time_label(verb, from, to);
    let end = match to {
        YearOrDate::Year(y) if y == plan.first => Period::Month(y, 12),
        YearOrDate::Year(y) => Period::Year(y),
        YearOrDate::Date(d) if d.0.year() == plan.first => Period::Month(d.0.year(), d.0.month()),
        YearOrDate::Date(d) => Period::Year(d.0.year()),
    };
    let last = grid.last_period(plan);
    if last != Some(end) {
        let shown = match last {
            Some(Period::Month(_, m)) => crate::format::month_names()[m as usize - 1].to_string(),
            Some(Period::Year(y)) => y.to_string(),
            None => "nessun periodo".to_string(),
        };
        report.push(
            Diagnostic::error(format!(
                "il nuovo cronoprogramma finisce in {shown}, ma la variazione dice \"{label}\""
            ))
            .at(f, span.clone())
            .hint("il cronoprogramma deve finire nel periodo indicato da `al`"),
        );
        return None;
    }
    if let Some(from) = from {
        if from.0.year() == plan.first {
            if let Some((first, _)) = grid.month_span() {
                if (first as u32) + 1 < from.0.month() || grid.previous > Decimal::ZERO {
                    report.push(
                        Diagnostic::error(format!(
                            "il nuovo cronoprogramma comincia prima di quanto dice \"{label}\""
                        ))
                        .at(f, span),
                    );
                    return None;
                }
            }
        }
    }
    Some(())
}

/// Rules across changes: no contradictions, a phase always has a schedule.
fn check_managed_consistency(
    m: &Loaded<Managed>,
    groups: &[CheckedGroup],
    grids: &BTreeMap<u32, Grid>,
    plan: Plan,
    report: &mut Report,
) {
    let _ = plan;
    let mut touched: HashMap<String, Vec<&'static str>> = HashMap::new();
    for g in groups {
        for c in &g.changes {
            for (target, what) in change_targets(c) {
                touched.entry(target).or_default().push(what);
            }
        }
    }
    let mut keys: Vec<_> = touched.keys().cloned().collect();
    keys.sort();
    for target in keys {
        let whats = &touched[&target];
        let removed = whats.contains(&"eliminare");
        let dup = whats
            .iter()
            .any(|w| whats.iter().filter(|x| *x == w).count() > 1);
        if (removed && whats.len() > 1) || dup {
            report.push(
                Diagnostic::error(format!(
                    "modifiche in contraddizione su {target}: {}",
                    whats.join(" e ")
                ))
                .file(&m.path)
                .hint("una fase o un indicatore eliminato non può essere anche modificato; ogni modifica va chiesta una volta"),
            );
        }
    }
    // Every phase needs a schedule: approved, or given by a change.
    for phase in &m.data.fasi {
        let n = *phase.numero.get_ref();
        if grids.contains_key(&n) || phase.cronoprogramma.is_some() {
            continue;
        }
        let given = groups.iter().flat_map(|g| &g.changes).any(|c| match c {
            Change::Reschedule { phases, .. } => phases.contains(&n),
            Change::ReplacePhase {
                phase, schedule, ..
            } => *phase == n && schedule.is_some(),
            Change::RemovePhase { phase } => *phase == n,
            _ => false,
        });
        if !given {
            report.push(
                Diagnostic::error(format!("la fase {n} non ha un cronoprogramma"))
                    .at(m.file, phase.numero.span())
                    .hint("aggiungi `cronoprogramma = { … }` alla fase (es. { marzo = 50, aprile = 50 })"),
            );
        }
    }
    // "stesso periodo temporale" needs the approved period.
    for g in groups {
        for c in &g.changes {
            if let Change::ReplacePhase {
                phase,
                schedule: None,
                ..
            } = c
            {
                if !grids.contains_key(phase) {
                    report.push(
                        Diagnostic::error(format!(
                            "la fase {phase} viene sostituita \"nello stesso periodo\", ma non ha un cronoprogramma"
                        ))
                        .file(&m.path)
                        .hint("dai il cronoprogramma alla fase approvata o alla modifica"),
                    );
                }
            }
        }
    }
}

/// What a change touches (for contradiction checks) and how.
fn change_targets(c: &Change) -> Vec<(String, &'static str)> {
    match c {
        Change::Reschedule { phases, .. } => phases
            .iter()
            .map(|p| (format!("fase {p}"), "variazione temporale"))
            .collect(),
        Change::RemovePhase { phase } => vec![(format!("fase {phase}"), "eliminare")],
        Change::ReplacePhase { phase, .. } => vec![(format!("fase {phase}"), "sostituire")],
        Change::RewordPhase { phase, .. } => vec![(format!("fase {phase}"), "riformulare")],
        Change::RemoveIndicator { indicator } => {
            vec![(format!("indicatore `{indicator}`"), "eliminare")]
        }
        Change::RewordIndicator { indicator, .. } => {
            vec![(format!("indicatore `{indicator}`"), "riformulare")]
        }
        Change::Retarget { indicator, .. } => {
            vec![(format!("indicatore `{indicator}`"), "variazione target")]
        }
        Change::RewordActivity { activity, .. } => {
            vec![(format!("attività `{activity}`"), "riformulare")]
        }
        Change::RemoveActivity { activity } => {
            vec![(format!("attività `{activity}`"), "eliminare")]
        }
        Change::AddManagedIndicator { .. }
        | Change::AddServiceIndicator { .. }
        | Change::AddActivity { .. } => Vec::new(),
    }
}

fn check_service(s: &Loaded<Service>, plan: Plan, report: &mut Report) -> Option<CheckedService> {
    let o = &s.data;
    let f = s.file;
    let errors_before = report.errors();
    for (value, field) in [
        (&o.servizio, "servizio"),
        (&o.direzione, "direzione"),
        (&o.sezione, "sezione"),
        (&o.missione, "missione"),
        (&o.programma, "programma"),
    ] {
        required_text(value, field, &s.path, report);
    }
    if matches!(o.responsabile, Person::Label(_)) {
        report.push(
            Diagnostic::error("il responsabile va indicato con cognome e nome")
                .file(&s.path)
                .hint("scrivi `responsabile = { cognome = \"Rossi\", nome = \"Maria\" }`"),
        );
    }
    let years = (plan.last - plan.first + 1) as usize;
    let mut ids = HashMap::new();
    let mut indicator_ids = Vec::new();
    for ind in &o.indicatori {
        if let Some(id) = &ind.id {
            register_id(id, f, &mut ids, "indicatore", report);
            indicator_ids.push(id.get_ref().clone());
        }
        if let Targets::PerYear(list) = ind.target.get_ref() {
            if list.len() != years {
                report.push(
                    Diagnostic::error(format!(
                        "servono {years} target, uno per anno del piano ({}-{}), non {}",
                        plan.first,
                        plan.last,
                        list.len()
                    ))
                    .at(f, ind.target.span()),
                );
            }
        }
        if ind.storico.get_ref().len() != 3 && !ind.storico.get_ref().is_empty() {
            report.push(
                Diagnostic::warning(format!(
                    "lo storico ha {} valori: la scheda mostra i tre anni precedenti",
                    ind.storico.get_ref().len()
                ))
                .at(f, ind.storico.span()),
            );
        }
    }
    let mut activity_ids = Vec::new();
    let mut aids = HashMap::new();
    for a in &o.attivita {
        if let Some(id) = &a.id {
            register_id(id, f, &mut aids, "attività", report);
            activity_ids.push(id.get_ref().clone());
        }
    }
    if o.variazioni.is_empty() {
        report.push(
            Diagnostic::error("un obiettivo istituzionale nell'allegato deve avere almeno una variazione")
                .file(&s.path)
                .hint("aggiungi una sezione [[variazioni]] con la motivazione e le [[variazioni.modifiche]]"),
        );
    }
    let refs = Refs {
        phases: Vec::new(),
        indicators: indicator_ids,
        activities: activity_ids,
        managed: false,
    };
    let groups = typed_groups(&o.variazioni, &refs, plan, f, report);
    if let Some(groups) = &groups {
        let mut touched: HashMap<String, Vec<&'static str>> = HashMap::new();
        for g in groups {
            for c in &g.changes {
                for (t, w) in change_targets(c) {
                    touched.entry(t).or_default().push(w);
                }
            }
        }
        let mut keys: Vec<_> = touched.keys().cloned().collect();
        keys.sort();
        for target in keys {
            let whats = &touched[&target];
            let removed = whats.contains(&"eliminare");
            let dup = whats
                .iter()
                .any(|w| whats.iter().filter(|x| *x == w).count() > 1);
            if (removed && whats.len() > 1) || dup {
                report.push(
                    Diagnostic::error(format!(
                        "modifiche in contraddizione su {target}: {}",
                        whats.join(" e ")
                    ))
                    .file(&s.path),
                );
            }
        }
    }
    if report.errors() > errors_before {
        return None;
    }
    Some(CheckedService {
        source: s.clone(),
        groups: groups?,
    })
}

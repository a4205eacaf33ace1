//! Check: every semantic rule of the content, as Italian diagnostics at the value.
//!
//! Takes what `load` parsed and returns it checked: changes typed ([`Change`]),
//! cronoprogrammi parsed ([`Grid`]), every reference resolved. Errors are what would make
//! the document wrong (a total that is not 100%, a change pointing at nothing, a value
//! the PDF would lose or could not draw); warnings what is only suspicious. Every
//! problem points at its value: through the model's spans, or, for plain fields, by
//! finding the value's place in the file ([`load::value_span`]). Nothing here formats or
//! lays out anything.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use toml::Spanned;

use crate::diag::{suggest, Diagnostic, FileIdx, Report, Sources};
use crate::fonts::Coverage;
use crate::load::{self, Content, Loaded, Seg};
use crate::model::change::{Change, Group, RawChange, RawGroup, TimeVerb, YearOrDate, KINDS};
use crate::model::{Action, Annex, Cost, Managed, Person, Phase, Service, Targets, Training};
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

/// The years a plan may start or end in: anything else is a typing mistake.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The past years a service indicator shows (its `storico`).
const HISTORY_YEARS: usize = 3;
/// The phases a scheda has room for.
const MAX_PHASES: usize = 10;

/// A path into a TOML file, for [`place`]: `path!["fasi", i, "descrizione"]`.
macro_rules! path {
    ($($s:expr),* $(,)?) => { &[$(Seg::from($s)),*][..] };
}

/// Where the value at `path` is written in `file` (its start when it is not found).
fn place(sources: &Sources, file: FileIdx, path: &[Seg]) -> Range<usize> {
    load::value_span(sources.text(file), path).unwrap_or(0..0)
}

/// A file being checked: where it is, to point at its values.
#[derive(Clone, Copy)]
struct At<'a> {
    file: FileIdx,
    sources: &'a Sources,
}

impl At<'_> {
    fn span(&self, path: &[Seg]) -> Range<usize> {
        place(self.sources, self.file, path)
    }
}

/// Checks the content. Returns `None` when it has errors (all of them in `report`).
pub fn check(content: &Content, sources: &Sources, report: &mut Report) -> Option<Checked> {
    let coverage = Coverage::bundled();
    for file in all_files(content) {
        check_glyphs(file, sources, &coverage, report);
    }
    if let Some(t) = &content.training {
        check_training(t, sources, report);
    }
    let annex = content.annex.clone();
    let (plan, monitoring) = match &annex {
        Some(a) => check_annex(a, sources, report)?,
        // The annex has errors of its own (reported): check the objectives anyway
        // against its years, when they can be read, so that every problem is shown.
        None => lenient_plan(content, sources)?,
    };

    let mut managed = Vec::new();
    let mut numbers: HashMap<u32, (FileIdx, Range<usize>)> = HashMap::new();
    for m in &content.managed {
        unique_number(&m.data.numero, m.file, &mut numbers, "gestionale", report);
        managed.push(check_managed(m, plan, &monitoring, sources, report));
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
        services.push(check_service(s, plan, sources, report));
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
        annex: annex?,
        plan,
        monitoring,
        managed: managed.into_iter().flatten().collect(),
        services: services.into_iter().flatten().collect(),
        training: content.training.clone(),
    })
}

/// The plan's years and monitoring dates from an annex file that did not load, when
/// those three values are there and plausible.
fn lenient_plan(content: &Content, sources: &Sources) -> Option<(Plan, Vec<NaiveDate>)> {
    let file = sources.find(&content.dir.join(load::ANNEX_FILE))?;
    let root = toml::de::DeTable::parse(sources.text(file)).ok()?;
    let year = |key: &str| -> Option<i32> {
        let v = root.get_ref().get(key)?;
        let y = v.get_ref().as_integer()?.as_str().parse::<i32>().ok()?;
        PLAUSIBLE_YEARS.contains(&y).then_some(y)
    };
    let plan = Plan {
        first: year("anno_inizio")?,
        last: year("anno_fine")?,
    };
    let toml::de::DeValue::Array(dates) = root.get_ref().get("monitoraggi")?.get_ref() else {
        return None;
    };
    let monitoring = dates
        .iter()
        .map(|d| {
            let text = d.get_ref().as_datetime()?.to_string();
            crate::model::values::parse_date(&text)
        })
        .collect::<Option<Vec<_>>>()?;
    (plan.first <= plan.last).then_some((plan, monitoring))
}

fn all_files(content: &Content) -> Vec<FileIdx> {
    let mut files: Vec<FileIdx> = content.annex.iter().map(|a| a.file).collect();
    files.extend(content.managed.iter().map(|m| m.file));
    files.extend(content.services.iter().map(|s| s.file));
    files.extend(content.training.iter().map(|t| t.file));
    files
}

/// Characters that draw nothing, or turn the text around: they would make the PDF say
/// something else than what its reader sees.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
}

/// Every character of every text value must reach the PDF as written: drawable by a
/// bundled font (also in capitals, since some fields are shown upper-cased) and
/// visible. Each offending character is reported once per value, at its first place.
fn check_glyphs(file: FileIdx, sources: &Sources, coverage: &Coverage, report: &mut Report) {
    let text = sources.text(file);
    for (span, value) in load::string_values(text) {
        let raw = &text[span.clone()];
        let mut seen: Vec<char> = Vec::new();
        for c in value.chars() {
            if seen.contains(&c) {
                continue;
            }
            let problem = if is_invisible(c) {
                Some((
                    format!("carattere invisibile U+{:04X} nel testo", c as u32),
                    "nel PDF non si vedrebbe, o cambierebbe l'ordine del testo",
                    "cancellalo (spesso arriva copiando da un altro documento)".to_string(),
                ))
            } else if !coverage.contains(c) {
                Some((
                    format!(
                        "il carattere «{c}» (U+{:04X}) non esiste nei caratteri tipografici del documento",
                        c as u32
                    ),
                    "nel PDF comparirebbe un riquadro vuoto",
                    "sostituiscilo con un carattere simile (per esempio ' al posto di ʼ, -> al posto di →)".to_string(),
                ))
            } else {
                c.to_uppercase().find(|u| !coverage.contains(*u)).map(|u| {
                    (
                        format!(
                            "il carattere «{c}» in maiuscolo diventa «{u}» (U+{:04X}), che non esiste nei caratteri tipografici del documento",
                            u as u32
                        ),
                        "nelle intestazioni in maiuscolo comparirebbe un riquadro vuoto",
                        "sostituiscilo con un carattere simile".to_string(),
                    )
                })
            };
            let Some((message, label, hint)) = problem else {
                continue;
            };
            seen.push(c);
            // Point at the character when it is written as itself, else at the value.
            let at = raw
                .find(c)
                .map(|i| span.start + i..span.start + i + c.len_utf8())
                .unwrap_or(span.clone());
            report.push(
                Diagnostic::error(message)
                    .at(file, at)
                    .label(label)
                    .hint(hint),
            );
        }
    }
}

fn check_annex(
    annex: &Loaded<Annex>,
    sources: &Sources,
    report: &mut Report,
) -> Option<(Plan, Vec<NaiveDate>)> {
    let a = &annex.data;
    let f = annex.file;
    let at = At { file: f, sources };
    let plan = Plan {
        first: *a.anno_inizio.get_ref(),
        last: *a.anno_fine.get_ref(),
    };
    required_text(
        &a.ente,
        "il nome dell'ente è vuoto",
        at,
        path!["ente"],
        report,
    );
    let mut plausible = true;
    for year in [&a.anno_inizio, &a.anno_fine] {
        if !PLAUSIBLE_YEARS.contains(year.get_ref()) {
            report.push(
                Diagnostic::error(format!("l'anno {} non è plausibile", year.get_ref()))
                    .at(f, year.span())
                    .hint("scrivi l'anno per intero, per esempio 2023"),
            );
            plausible = false;
        }
    }
    if !plausible {
        // Every later check counts on the plan's years.
        return None;
    }
    if plan.last < plan.first {
        report.push(
            Diagnostic::error(format!(
                "l'anno finale {} viene prima dell'anno iniziale {}",
                plan.last, plan.first
            ))
            .at(f, a.anno_fine.span())
            .also(f, a.anno_inizio.span(), "anno iniziale"),
        );
        return None;
    } else if plan.last - plan.first > 4 {
        report.push(
            Diagnostic::warning(format!(
                "un piano di {} anni: il PIAO è triennale",
                plan.last - plan.first + 1
            ))
            .at(f, a.anno_fine.span()),
        );
    }
    let doc_year = a.data_documento.get_ref().0.year();
    if doc_year < plan.first - 1 || doc_year > plan.last {
        report.push(
            Diagnostic::warning(format!(
                "la data del documento ({}) è lontana dagli anni del piano {}-{}",
                crate::format::date_dotted(a.data_documento.get_ref().0),
                plan.first,
                plan.last
            ))
            .at(f, a.data_documento.span())
            .hint("è la data della deliberazione: compare nei metadati del PDF"),
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
                .at(f, d.span())
                .hint("il cronoprogramma riporta i mesi del primo anno: i target al monitoraggio si calcolano su quelli"),
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
    Some((plan, dates))
}

fn check_training(t: &Loaded<Training>, sources: &Sources, report: &mut Report) {
    let at = At {
        file: t.file,
        sources,
    };
    let d = &t.data;
    required_text(
        &d.sezione,
        "il campo `sezione` è vuoto",
        at,
        path!["sezione"],
        report,
    );
    required_text(
        &d.titolo,
        "il campo `titolo` è vuoto",
        at,
        path!["titolo"],
        report,
    );
    required_text(
        &d.testo,
        "il campo `testo` è vuoto",
        at,
        path!["testo"],
        report,
    );
    for (i, table) in d.tabelle.iter().enumerate() {
        required_text(
            &table.titolo,
            "il titolo della tabella è vuoto",
            at,
            path!["tabelle", i, "titolo"],
            report,
        );
        for (j, c) in table.corsi.iter().enumerate() {
            for (value, key) in [
                (&c.macroarea, "macroarea"),
                (&c.area_intervento, "area_intervento"),
                (&c.aree_dipendenti, "aree_dipendenti"),
                (&c.numero_dipendenti, "numero_dipendenti"),
                (&c.motivazione, "motivazione"),
            ] {
                if value.trim().is_empty() {
                    report.push(
                        Diagnostic::warning(format!("il campo `{key}` del corso è vuoto"))
                            .at(t.file, at.span(path!["tabelle", i, "corsi", j, key]))
                            .label("nella tabella la cella resterebbe vuota"),
                    );
                }
            }
        }
    }
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

/// A text the document cannot do without: reported, at its value, when blank.
fn required_text(value: &str, message: &str, at: At, path: &[Seg], report: &mut Report) {
    if value.trim().is_empty() {
        report.push(
            Diagnostic::error(message)
                .at(at.file, at.span(path))
                .label("va compilato"),
        );
    }
}

/// A person of a header: blank names are reported; `named` requires cognome and nome.
fn required_person(person: &Person, key: &str, named: bool, at: At, report: &mut Report) {
    match person {
        Person::Named { cognome, nome } => {
            for (value, part) in [(cognome, "cognome"), (nome, "nome")] {
                if value.trim().is_empty() {
                    report.push(
                        Diagnostic::error(format!("il {part} del campo `{key}` è vuoto"))
                            .at(at.file, at.span(path![key, part]))
                            .label("va compilato"),
                    );
                }
            }
        }
        Person::Label(l) if l.trim().is_empty() => {
            report.push(
                Diagnostic::error(format!("il campo `{key}` è vuoto"))
                    .at(at.file, at.span(path![key]))
                    .label("va compilato"),
            );
        }
        Person::Label(_) if named => {
            report.push(
                Diagnostic::error(format!("il campo `{key}` va indicato con cognome e nome"))
                    .at(at.file, at.span(path![key]))
                    .hint(format!(
                        "scrivi `{key} = {{ cognome = \"Rossi\", nome = \"Maria\" }}`: il cognome compare nella richiesta"
                    )),
            );
        }
        Person::Label(_) => {}
    }
}

fn check_managed(
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
        required_text(
            value,
            &format!("il campo `{field}` è vuoto"),
            at,
            path![field],
            report,
        );
    }
    required_person(&o.assessore, "assessore", false, at, report);
    required_person(&o.dirigente, "dirigente", false, at, report);
    required_person(
        &o.responsabile,
        "responsabile",
        !o.intersettoriale,
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
            if let Some(grid) = parse_grid(s, plan, f, &format!("della fase {n}"), report) {
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
    let mut ids: HashMap<String, Range<usize>> = HashMap::new();
    let mut indicator_ids = Vec::new();
    for g in Group::ALL {
        for (i, ind) in managed_group(o, g).iter().enumerate() {
            if let Some(id) = &ind.id {
                register_id(id, f, &mut ids, "indicatore", report);
                indicator_ids.push(id.get_ref().clone());
            }
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
        indicators: indicator_ids,
        activities: Vec::new(),
        managed: true,
    };
    let typed = typed_groups(&o.variazioni, &refs, plan, f, report);
    check_contradictions(&typed, f, report);
    check_schedules_given(m, &typed, &grids, report);
    if report.errors() > errors_before {
        return None;
    }
    Some(CheckedManaged {
        source: m.clone(),
        grids,
        groups: typed.groups,
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
fn check_resources(m: &Loaded<Managed>, report: &mut Report) {
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
                    .label(format!("totale {}", crate::format::percent(total)))
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

/// The changes of an objective that could be typed, each with the span of its `tipo`.
struct Typed {
    groups: Vec<CheckedGroup>,
    spans: Vec<Vec<Range<usize>>>,
}

impl Typed {
    fn changes(&self) -> impl Iterator<Item = (&Change, &Range<usize>)> {
        self.groups
            .iter()
            .zip(&self.spans)
            .flat_map(|(g, s)| g.changes.iter().zip(s))
    }
}

fn typed_groups(
    groups: &[RawGroup],
    refs: &Refs,
    plan: Plan,
    f: FileIdx,
    report: &mut Report,
) -> Typed {
    let mut typed = Typed {
        groups: Vec::new(),
        spans: Vec::new(),
    };
    let mut new_ids: HashMap<String, Range<usize>> = HashMap::new();
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
        let mut spans = Vec::new();
        for raw in &g.modifiche {
            if let Some(id) = &raw.get_ref().id {
                check_new_id(id, refs, f, &mut new_ids, report);
            }
            if let Some(c) = typed_change(raw, refs, plan, f, report) {
                changes.push(c);
                spans.push(raw.get_ref().tipo.span());
            }
        }
        typed.groups.push(CheckedGroup {
            motivation: g.motivazione.get_ref().trim().to_string(),
            changes,
        });
        typed.spans.push(spans);
    }
    typed
}

/// The `id` given to a new indicator or activity must not be taken.
fn check_new_id(
    id: &Spanned<String>,
    refs: &Refs,
    f: FileIdx,
    new_ids: &mut HashMap<String, Range<usize>>,
    report: &mut Report,
) {
    let name = id.get_ref().trim();
    if refs.indicators.iter().any(|k| k == name) || refs.activities.iter().any(|k| k == name) {
        report.push(
            Diagnostic::error(format!(
                "l'identificativo `{name}` è già usato in questa scheda"
            ))
            .at(f, id.span())
            .hint("dai al nuovo elemento un `id` diverso da quelli esistenti"),
        );
    } else if let Some(first) = new_ids.get(name) {
        report.push(
            Diagnostic::error(format!(
                "l'identificativo `{name}` è già dato a un altro nuovo elemento"
            ))
            .at(f, id.span())
            .also(f, first.clone(), "la prima volta qui"),
        );
    } else {
        new_ids.insert(name.to_string(), id.span());
    }
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
            let mut phases: Vec<u32> = Vec::new();
            for (i, p) in fasi.get_ref().iter().enumerate() {
                let n = check_phase_ref(p, refs, f, report)?;
                if phases.contains(&n) {
                    report.push(
                        Diagnostic::error(format!("la fase {n} è elencata due volte"))
                            .at(f, p.span())
                            .also(
                                f,
                                fasi.get_ref()[..i]
                                    .iter()
                                    .find(|q| *q.get_ref() == n)
                                    .map_or(0..0, |q| q.span()),
                                "la prima volta qui",
                            ),
                    );
                    return None;
                }
                phases.push(n);
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
            check_grid_in_period(&grid, from, to, plan, f, schedule.span(), verb, report)?;
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
                if let Some(h) = &c.storico {
                    check_history(h.get_ref().len(), f, h.span(), report);
                    if h.get_ref().len() > HISTORY_YEARS {
                        return None;
                    }
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
    let none = if what == "attività" {
        "nessuna"
    } else {
        "nessun"
    };
    let mut d = Diagnostic::error(format!("{none} {what} ha l'id `{name}`")).at(f, r.span());
    d = match suggest(name, known.iter().map(|s| s.as_str())) {
        Some(s) => d.hint(format!("forse `{s}`?")),
        None if known.is_empty() => d.hint(format!(
            "dai un `id` all'{what} a cui si riferisce la modifica (es. id = \"{name}\")"
        )),
        None => {
            let mut ids: Vec<&str> = Vec::new();
            for k in known {
                if !ids.contains(&k.as_str()) {
                    ids.push(k);
                }
            }
            d.hint(format!("id esistenti: {}", ids.join(", ")))
        }
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
    to_spanned: &Spanned<YearOrDate>,
    plan: Plan,
    f: FileIdx,
    span: Range<usize>,
    verb: TimeVerb,
    report: &mut Report,
) -> Option<()> {
    let to = *to_spanned.get_ref();
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
            .also(f, to_spanned.span(), "il termine della variazione")
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

/// No two changes may contradict each other: a removed phase, indicator or activity
/// cannot also be changed, a phase cannot be both replaced and reworded (or replaced
/// and given a new schedule), and nothing is asked twice.
fn check_contradictions(typed: &Typed, f: FileIdx, report: &mut Report) {
    let mut seen: Vec<(String, &'static str, &Range<usize>)> = Vec::new();
    for (c, span) in typed.changes() {
        for (target, what) in change_targets(c) {
            for (t, w, first) in &seen {
                if *t != target || !contradict(w, what) {
                    continue;
                }
                let message = if *w == what {
                    format!("la stessa modifica su {target} è chiesta due volte (\"{what}\")")
                } else {
                    format!("modifiche in contraddizione su {target}: \"{w}\" e \"{what}\"")
                };
                report.push(
                    Diagnostic::error(message)
                        .at(f, (*span).clone())
                        .also(f, (*first).clone(), format!("\"{w}\" qui"))
                        .hint(if *w == "eliminare" || what == "eliminare" {
                            "ciò che si elimina non può essere anche modificato: tieni una sola delle due modifiche"
                        } else {
                            "ogni modifica va chiesta una volta sola: unisci le due richieste"
                        }),
                );
            }
            seen.push((target, what, span));
        }
    }
}

fn contradict(a: &str, b: &str) -> bool {
    a == b
        || a == "eliminare"
        || b == "eliminare"
        || matches!(
            (a, b),
            ("sostituire", "riformulare")
                | ("riformulare", "sostituire")
                | ("sostituire", "variazione temporale")
                | ("variazione temporale", "sostituire")
        )
}

/// Every phase needs a schedule: approved, or given by a change; "stesso periodo
/// temporale" needs the approved one.
fn check_schedules_given(
    m: &Loaded<Managed>,
    typed: &Typed,
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
            .any(|raw| {
                let c = raw.get_ref();
                let names =
                    |p: &Option<Spanned<u32>>| p.as_ref().is_some_and(|p| *p.get_ref() == n);
                match c.tipo.get_ref().trim() {
                    "variazione_temporale" => c
                        .fasi
                        .as_ref()
                        .is_some_and(|f| f.get_ref().iter().any(|p| *p.get_ref() == n)),
                    // Without a new schedule, the replacement is reported below.
                    "sostituire_fase" | "eliminare_fase" => names(&c.fase),
                    _ => false,
                }
            });
        if !given {
            report.push(
                Diagnostic::error(format!("la fase {n} non ha un cronoprogramma"))
                    .at(m.file, phase.numero.span())
                    .hint("aggiungi `cronoprogramma = { … }` alla fase (es. { marzo = 50, aprile = 50 })"),
            );
        }
    }
    for (c, span) in typed.changes() {
        if let Change::ReplacePhase {
            phase,
            schedule: None,
            ..
        } = c
        {
            let approved = m.data.fasi.iter().find(|p| *p.numero.get_ref() == *phase);
            if !grids.contains_key(phase) && approved.is_some_and(|p| p.cronoprogramma.is_none()) {
                let mut d = Diagnostic::error(format!(
                    "la fase {phase} viene sostituita \"nello stesso periodo temporale\", ma non ha un cronoprogramma"
                ))
                .at(m.file, span.clone())
                .hint("dai il cronoprogramma alla fase approvata, oppure un `cronoprogramma` nuovo a questa modifica");
                if let Some(p) = approved {
                    d = d.also(m.file, p.numero.span(), "fase senza cronoprogramma");
                }
                report.push(d);
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

fn check_service(
    s: &Loaded<Service>,
    plan: Plan,
    sources: &Sources,
    report: &mut Report,
) -> Option<CheckedService> {
    let o = &s.data;
    let f = s.file;
    let at = At { file: f, sources };
    let errors_before = report.errors();
    for (value, field) in [
        (&o.servizio, "servizio"),
        (&o.direzione, "direzione"),
        (&o.sezione, "sezione"),
        (&o.missione, "missione"),
        (&o.programma, "programma"),
    ] {
        required_text(
            value,
            &format!("il campo `{field}` è vuoto"),
            at,
            path![field],
            report,
        );
    }
    required_person(&o.assessore, "assessore", false, at, report);
    required_person(&o.dirigente, "dirigente", false, at, report);
    required_person(&o.responsabile, "responsabile", true, at, report);
    if let Some(p) = &o.funzionario {
        required_person(p, "funzionario", false, at, report);
    }
    let years = (plan.last - plan.first + 1) as usize;
    let mut ids = HashMap::new();
    let mut indicator_ids = Vec::new();
    for (i, ind) in o.indicatori.iter().enumerate() {
        if let Some(id) = &ind.id {
            register_id(id, f, &mut ids, "indicatore", report);
            indicator_ids.push(id.get_ref().clone());
        }
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
    let mut activity_ids = Vec::new();
    let mut aids = HashMap::new();
    for (i, a) in o.attivita.iter().enumerate() {
        if let Some(id) = &a.id {
            register_id(id, f, &mut aids, "attività", report);
            activity_ids.push(id.get_ref().clone());
        }
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
        phases: Vec::new(),
        indicators: indicator_ids,
        activities: activity_ids,
        managed: false,
    };
    let typed = typed_groups(&o.variazioni, &refs, plan, f, report);
    check_contradictions(&typed, f, report);
    if report.errors() > errors_before {
        return None;
    }
    Some(CheckedService {
        source: s.clone(),
        groups: typed.groups,
    })
}

/// The scheda of a service has one column per past year: more values would be lost
/// (and shift the table); fewer leave cells blank.
fn check_history(len: usize, f: FileIdx, span: Range<usize>, report: &mut Report) {
    if len > HISTORY_YEARS {
        report.push(
            Diagnostic::error(format!(
                "lo storico ha {len} valori, ma la scheda ha {HISTORY_YEARS} colonne (i tre anni precedenti il piano)"
            ))
            .at(f, span)
            .hint("indica al massimo tre valori, dal più vecchio"),
        );
    } else if len != HISTORY_YEARS && len > 0 {
        report.push(
            Diagnostic::warning(format!(
                "lo storico ha {}: la scheda mostra i tre anni precedenti il piano",
                if len == 1 {
                    "un solo valore".to_string()
                } else {
                    format!("{len} valori")
                }
            ))
            .at(f, span)
            .label("le altre colonne resteranno vuote"),
        );
    }
}

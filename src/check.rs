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

use crate::change::parse::{check_history, grid};
use crate::change::{self, Change, Refs};
use crate::diag::{Diagnostic, FileIdx, Report, Sources};
use crate::fonts::Coverage;
use crate::load::{self, Content, Loaded, Seg};
use crate::model::change::{Group, RawGroup};
use crate::model::{Action, Annex, Cost, Managed, Person, Phase, Service, Targets, Training};
use crate::schedule::{Grid, Plan};

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
    let mut ids: HashMap<String, Range<usize>> = HashMap::new();
    let mut indicator_ids = Vec::new();
    for g in Group::ALL {
        for (i, ind) in o.indicatori.group(g).iter().enumerate() {
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
        phases_without_schedule: o
            .fasi
            .iter()
            .filter(|p| p.cronoprogramma.is_none())
            .map(|p| (*p.numero.get_ref(), p.numero.span()))
            .collect(),
        indicators: indicator_ids,
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
    })
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
            if let Some(c) = Change::parse(raw, refs, plan, f, report) {
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

/// Every phase needs a schedule: approved, or given by a change; "stesso periodo
/// temporale" needs the approved one.
fn check_schedules_given(m: &Loaded<Managed>, grids: &BTreeMap<u32, Grid>, report: &mut Report) {
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
        indicators: indicator_ids,
        activities: activity_ids,
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

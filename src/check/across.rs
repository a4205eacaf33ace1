//! Checks across schede: what one scheda says must not contradict another (or the
//! organisation file).
//!
//! Names, roles and units are typed again in every scheda; these checks find where the
//! copies disagree, each naming both places:
//! - a person with two categories, or twice in one staff table (`categoria`,
//!   `personale_ripetuto`);
//! - a sezione under two direzioni, dirigenti, P.O./responsabili or assessori, and one
//!   P.O. at the head of two sezioni (`direzione`, `dirigente`, `responsabile`,
//!   `assessore`, `sezioni_del_responsabile`);
//! - one name written two ways: case, accents, apostrophes, spaces, a word left out
//!   (`grafia`, see [`crate::names`]);
//! - a cost indicator with an amount and no resource, or one that says it is the total
//!   (see [`says_total`]) when the resources sum to another amount (`costo`); an
//!   indicator of one item among several resources is not compared.
//!
//! The organisation file, when there is one, is the first word on every fact: a scheda
//! that says otherwise is the one reported. Without it the value most schede agree on
//! is. Every finding is a warning (an error under `--strict`), unless the content
//! acknowledges it with an `[[eccezioni]]` entry of `organizzazione.toml`: then it is a
//! note carrying the entry's reason. An entry that matches nothing is a warning, so
//! that acknowledged contradictions do not outlive their cause.

use super::*;
use crate::model::organisation::{CheckKind, Organisation};
use crate::model::values::parse_decimal;
use crate::model::{self, Objective};
use crate::names::{self, Likeness};

/// Where something is written: a field of a scheda or of the organisation file.
#[derive(Clone)]
struct Place {
    file: FileIdx,
    path: Vec<Seg>,
    /// "g16", "i43" or the organisation file's name, for messages.
    name: String,
    /// Written in the organisation file: the first word on the fact.
    org: bool,
}

/// A value and where it is written.
#[derive(Clone)]
struct Said {
    text: String,
    at: Place,
}

/// A sezione as one scheda (or the organisation) describes it.
struct SectionFacts {
    section: Said,
    direzione: Option<Said>,
    dirigente: Option<Said>,
    responsabile: Option<Said>,
    assessore: Option<Said>,
}

/// A row of a staff table.
struct StaffRow {
    name: Said,
    category: Option<Said>,
}

/// Everything the checks compare, gathered once.
#[derive(Default)]
struct Facts {
    persons: Vec<Said>,
    sections: Vec<Said>,
    directions: Vec<Said>,
    section_facts: Vec<SectionFacts>,
    /// Staff rows, per scheda (the organisation's list first).
    staff: Vec<Vec<StaffRow>>,
}

/// A problem found, before exceptions are applied.
pub(super) struct Finding {
    pub(super) kind: CheckKind,
    /// What an exception must name to acknowledge it.
    pub(super) subjects: Vec<String>,
    pub(super) diagnostic: Diagnostic,
}

/// Runs every check across schede; findings acknowledged by the organisation file's
/// exceptions become notes, and so do `earlier` findings of the single schede that an
/// exception may acknowledge (`orizzonte`).
pub(super) fn check_across(
    content: &Content,
    earlier: Vec<Finding>,
    sources: &Sources,
    report: &mut Report,
) {
    let facts = gather(content);
    let org = content.organisation.as_ref();
    let mut findings = earlier;
    spellings("la persona", &facts.persons, sources, &mut findings);
    spellings("la sezione", &facts.sections, sources, &mut findings);
    spellings("la direzione", &facts.directions, sources, &mut findings);
    staff(&facts, sources, &mut findings);
    sections(&facts, sources, &mut findings);
    heads(&facts, sources, &mut findings);
    costs(content, sources, &mut findings);
    acknowledge(findings, org, sources, report);
}

fn org_place(org: &Loaded<Organisation>, path: &[Seg]) -> Place {
    Place {
        file: org.file,
        path: path.to_vec(),
        name: load::ORGANISATION_FILE.to_string(),
        org: true,
    }
}

fn person_text(p: &Person) -> Option<String> {
    let text = p.display();
    (!text.trim().is_empty()).then_some(text)
}

fn gather(content: &Content) -> Facts {
    let mut facts = Facts::default();
    if let Some(org) = &content.organisation {
        let o = &org.data;
        let mut rows = Vec::new();
        for (i, e) in o.personale.iter().enumerate() {
            let name = Said {
                text: e.nome.clone(),
                at: org_place(org, path!["personale", i, "nome"]),
            };
            facts.persons.push(name.clone());
            rows.push(StaffRow {
                name,
                category: Some(Said {
                    text: e.categoria.clone(),
                    at: org_place(org, path!["personale", i, "categoria"]),
                }),
            });
        }
        facts.staff.push(rows);
        for s in o.sections() {
            let (d, i) = (s.d, s.s);
            let said = |text: String, key: &str| Said {
                text,
                at: org_place(org, path!["direzioni", d, "sezioni", i, key]),
            };
            let section = said(s.section.nome.clone(), "nome");
            let person = |p: &Option<Person>, key: &str| {
                p.as_ref().and_then(person_text).map(|t| said(t, key))
            };
            let dirigente = person(&s.section.dirigente, "dirigente").or_else(|| {
                s.direction
                    .dirigente
                    .as_ref()
                    .and_then(person_text)
                    .map(|text| Said {
                        text,
                        at: org_place(org, path!["direzioni", d, "dirigente"]),
                    })
            });
            let responsabile = person(&s.section.responsabile, "responsabile");
            let assessore = person(&s.section.assessore, "assessore");
            facts.sections.push(section.clone());
            facts.persons.extend(
                [&dirigente, &responsabile, &assessore]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
            facts.section_facts.push(SectionFacts {
                section,
                direzione: Some(Said {
                    text: s.direction.nome.clone(),
                    at: org_place(org, path!["direzioni", d, "nome"]),
                }),
                dirigente,
                responsabile,
                assessore,
            });
        }
        for (d, dir) in o.direzioni.iter().enumerate() {
            facts.directions.push(Said {
                text: dir.nome.clone(),
                at: org_place(org, path!["direzioni", d, "nome"]),
            });
        }
    }
    struct Header<'a> {
        file: FileIdx,
        name: String,
        header: model::objective::Header<'a>,
        funzionario: Option<&'a Person>,
    }
    fn header<O: Objective>(o: &Loaded<O>) -> Header<'_> {
        Header {
            file: o.file,
            name: o.data.short_name(),
            header: o.data.header(),
            funzionario: None,
        }
    }
    let mut headers = Vec::new();
    for m in &content.managed {
        let o = &m.data;
        let name = o.short_name();
        let mut rows = Vec::new();
        for (i, p) in o.personale.iter().enumerate() {
            let place = |key: &str| Place {
                file: m.file,
                path: path!["personale", i, key].to_vec(),
                name: name.clone(),
                org: false,
            };
            let row = StaffRow {
                name: Said {
                    text: p.nome.clone(),
                    at: place("nome"),
                },
                category: (!p.categoria.trim().is_empty()).then(|| Said {
                    text: p.categoria.clone(),
                    at: place("categoria"),
                }),
            };
            facts.persons.push(row.name.clone());
            rows.push(row);
        }
        facts.staff.push(rows);
        // The headers of an objective of every direzione are labels, not names.
        if o.has_section() {
            headers.push(header(m));
        }
    }
    for s in &content.services {
        headers.push(Header {
            funzionario: s.data.funzionario.as_ref(),
            ..header(s)
        });
    }
    for h in headers {
        // What the scheda writes itself (the content keeps what the organisation
        // gives out of the schede).
        let said = |text: String, key: &str| -> Option<Said> {
            (!text.trim().is_empty()).then(|| Said {
                text,
                at: Place {
                    file: h.file,
                    path: path![key].to_vec(),
                    name: h.name.clone(),
                    org: false,
                },
            })
        };
        let people = [
            (h.header.dirigente, "dirigente"),
            (h.header.responsabile, "responsabile"),
            (h.header.assessore, "assessore"),
        ];
        let [dirigente, responsabile, assessore] =
            people.map(|(p, key)| person_text(p).and_then(|t| said(t, key)));
        let direzione = said(h.header.direzione.to_string(), "direzione");
        facts.persons.extend(
            [&dirigente, &responsabile, &assessore]
                .into_iter()
                .flatten()
                .cloned(),
        );
        if let Some(f) = h.funzionario.and_then(person_text) {
            facts.persons.extend(said(f, "funzionario"));
        }
        facts.directions.extend(direzione.clone());
        let Some(section) = said(h.header.sezione.to_string(), "sezione") else {
            continue;
        };
        facts.sections.push(section.clone());
        facts.section_facts.push(SectionFacts {
            section,
            direzione,
            dirigente,
            responsabile,
            assessore,
        });
    }
    facts
}

/// The value the others are measured against: the organisation's, else the one most
/// of them share (by `key`), else the first.
fn reference<'a, K: Eq + std::hash::Hash>(said: &[&'a Said], key: impl Fn(&str) -> K) -> &'a Said {
    if let Some(o) = said.iter().find(|s| s.at.org) {
        return o;
    }
    let mut counts: HashMap<K, (usize, usize)> = HashMap::new();
    for (i, s) in said.iter().enumerate() {
        counts.entry(key(&s.text)).or_insert((0, i)).0 += 1;
    }
    // The most shared; on a tie, the first written.
    let (_, first) = counts
        .into_values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .unwrap_or((0, 0));
    said[first]
}

/// A warning at `here` that names `there` too: two places that contradict each other,
/// each with its label.
fn contradiction(
    message: String,
    (here, here_label): (&Said, String),
    (there, there_label): (&Said, String),
    sources: &Sources,
) -> Diagnostic {
    let place = |s: &Said| place(sources, s.at.file, &s.at.path);
    Diagnostic::warning(message)
        .at(here.at.file, place(here))
        .label(here_label)
        .also(there.at.file, place(there), there_label)
}

/// One name written two ways: same letters (case, accents, apostrophes, spaces), or a
/// word left out.
fn spellings(what: &str, said: &[Said], sources: &Sources, findings: &mut Vec<Finding>) {
    // Writings of the same key, in order of first appearance.
    let mut groups: Vec<(String, Vec<&Said>)> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for s in said {
        let key = names::key(&s.text);
        if key.is_empty() {
            continue;
        }
        let i = *by_key.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(s);
    }
    let mut preferred = Vec::new();
    for (_, group) in &groups {
        let p = reference(group, |t| t.trim().to_string());
        preferred.push(p);
        let mut reported: Vec<&str> = Vec::new();
        for s in group {
            if names::same_writing(&s.text, &p.text)
                || reported.iter().any(|r| names::same_writing(r, &s.text))
            {
                continue;
            }
            reported.push(&s.text);
            findings.push(spelling(what, s, p, Likeness::Spelling, sources));
        }
    }
    // A word left out: `short` is `long` with some words left out, the first kept. Each
    // name is compared only with the names that start with its first word and contain
    // the rarest of its other words (found through an index of (first word, other
    // word)), not with every name that starts the same: linear in the names, not
    // quadratic, however many start with "Sezione" or one surname.
    let words: Vec<Vec<String>> = preferred.iter().map(|p| names::words(&p.text)).collect();
    let mut containing: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for (i, w) in words.iter().enumerate() {
        first_of.entry(w[0].as_str()).or_insert(i);
        let mut seen: Vec<&str> = Vec::new();
        for x in &w[1..] {
            if !seen.contains(&x.as_str()) {
                seen.push(x);
                containing.entry((&w[0], x)).or_default().push(i);
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (short, w) in words.iter().enumerate() {
        if w.len() < 2 {
            continue;
        }
        let candidates = w[1..]
            .iter()
            .map(|x| containing.get(&(w[0].as_str(), x.as_str())))
            .min_by_key(|c| c.map_or(0, |c| c.len()))
            .flatten();
        for &long in candidates.into_iter().flatten() {
            if names::missing_words(w, &words[long]) {
                pairs.push((short, long));
            }
        }
    }
    // In the order of the names' first writings (as a comparison of every pair would
    // find them): by the first name with the same first word, then by the pair.
    pairs.sort_by_key(|&(a, b)| (first_of[words[a][0].as_str()], a.min(b), a.max(b)));
    for (short, long) in pairs {
        // The organisation's writing is the reference; else the one written more
        // often; else the longer one.
        let org = |g: usize| groups[g].1.iter().any(|s| s.at.org);
        let count = |g: usize| groups[g].1.len();
        let short_wins = if org(short) != org(long) {
            org(short)
        } else {
            count(short) > count(long)
        };
        let (wrong, right) = if short_wins {
            (preferred[long], preferred[short])
        } else {
            (preferred[short], preferred[long])
        };
        findings.push(spelling(what, wrong, right, Likeness::MissingWord, sources));
    }
}

fn spelling(what: &str, wrong: &Said, right: &Said, how: Likeness, sources: &Sources) -> Finding {
    let message = match how {
        Likeness::MissingWord => format!(
            "{what} «{}» sembra «{}» con qualche parola in {} (in {})",
            wrong.text,
            right.text,
            if names::words(&wrong.text).len() < names::words(&right.text).len() {
                "meno"
            } else {
                "più"
            },
            right.at.name
        ),
        _ => format!(
            "{what} «{}» è scritta anche «{}» (in {})",
            wrong.text, right.text, right.at.name
        ),
    };
    let mut d = contradiction(
        message,
        (wrong, format!("scritto «{}»", wrong.text)),
        (
            right,
            format!("scritto «{}» in {}", right.text, right.at.name),
        ),
        sources,
    );
    d = d.hint(format!("forse «{}»?", right.text));
    d = d.hint(if right.at.org {
        "scrivi il nome come in organizzazione.toml, oppure omettilo: la scheda lo prende da lì"
            .to_string()
    } else {
        "lo stesso nome va scritto allo stesso modo in ogni scheda".to_string()
    });
    Finding {
        kind: CheckKind::Grafia,
        subjects: vec![wrong.text.clone(), right.text.clone()],
        diagnostic: d,
    }
}

fn category_key(c: &str) -> String {
    c.split_whitespace().collect::<String>().to_uppercase()
}

/// A person with two categories; a person twice in one staff table.
fn staff(facts: &Facts, sources: &Sources, findings: &mut Vec<Finding>) {
    let mut categories: HashMap<String, Vec<(&Said, &Said)>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (t, table) in facts.staff.iter().enumerate() {
        let mut seen: HashMap<String, &Said> = HashMap::new();
        for row in table {
            let key = names::key(&row.name.text);
            if key.is_empty() {
                continue;
            }
            // The organisation's list (the first table) is checked on its own.
            if let (false, Some(first)) = (t == 0 && row.name.at.org, seen.get(&key)) {
                let mut d = contradiction(
                    format!(
                        "«{}» compare due volte nel personale della stessa scheda",
                        row.name.text
                    ),
                    (&row.name, "la seconda volta".into()),
                    (first, "la prima volta".into()),
                    sources,
                );
                d = d.hint(
                    "una persona ha una sola riga: somma le sue percentuali di partecipazione",
                );
                findings.push(Finding {
                    kind: CheckKind::PersonaleRipetuto,
                    subjects: vec![row.name.text.clone()],
                    diagnostic: d,
                });
            }
            seen.entry(key.clone()).or_insert(&row.name);
            if let Some(c) = &row.category {
                let entry = categories.entry(key.clone()).or_default();
                if entry.is_empty() {
                    order.push(key);
                }
                entry.push((&row.name, c));
            }
        }
    }
    for key in order {
        let rows = &categories[&key];
        let cats: Vec<&Said> = rows.iter().map(|(_, c)| *c).collect();
        let right = reference(&cats, category_key);
        let (right_name, _) = rows.iter().find(|(_, c)| std::ptr::eq(*c, right)).unwrap();
        for (name, c) in rows {
            if category_key(&c.text) == category_key(&right.text) {
                continue;
            }
            let mut d = contradiction(
                format!(
                    "«{}» è in categoria {} qui e in categoria {} in {}",
                    name.text, c.text, right.text, right.at.name
                ),
                (c, format!("categoria {}", c.text)),
                (
                    right,
                    format!("categoria {} per «{}»", right.text, right_name.text),
                ),
                sources,
            );
            d = d.hint(if right.at.org {
                "la categoria di una persona si scrive una volta, in organizzazione.toml: togli `categoria` da questa riga".to_string()
            } else {
                "una persona ha una sola categoria: correggi quella sbagliata".to_string()
            });
            findings.push(Finding {
                kind: CheckKind::Categoria,
                subjects: vec![name.text.clone()],
                diagnostic: d,
            });
        }
    }
}

/// A sezione under two direzioni, dirigenti, P.O. or assessori.
fn sections(facts: &Facts, sources: &Sources, findings: &mut Vec<Finding>) {
    type Get = fn(&SectionFacts) -> Option<&Said>;
    let attributes: [(CheckKind, &str, &str, Get); 4] = [
        (CheckKind::Direzione, "due direzioni", "direzione", |f| {
            f.direzione.as_ref()
        }),
        (CheckKind::Dirigente, "due dirigenti", "dirigente", |f| {
            f.dirigente.as_ref()
        }),
        (
            CheckKind::Responsabile,
            "due P.O./responsabili",
            "P.O./responsabile",
            |f| f.responsabile.as_ref(),
        ),
        (CheckKind::Assessore, "due assessori", "assessore", |f| {
            f.assessore.as_ref()
        }),
    ];
    let mut by_section: Vec<(String, Vec<&SectionFacts>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for f in &facts.section_facts {
        let key = names::key(&f.section.text);
        let i = *index.entry(key.clone()).or_insert_with(|| {
            by_section.push((key, Vec::new()));
            by_section.len() - 1
        });
        by_section[i].1.push(f);
    }
    for (kind, two, role, get) in attributes {
        for (_, group) in &by_section {
            let values: Vec<&Said> = group.iter().filter_map(|f| get(f)).collect();
            if values.len() < 2 {
                continue;
            }
            // Two writings of one name are reported as such (`grafia`), not here.
            let right = reference(&values, names::key);
            let section = &group[0].section.text;
            for v in &values {
                if names::likeness(&v.text, &right.text) != Likeness::Different {
                    continue;
                }
                let mut d = contradiction(
                    format!(
                        "la sezione «{section}» ha {two}: «{}» qui e «{}» in {}",
                        v.text, right.text, right.at.name
                    ),
                    (v, format!("{role} «{}»", v.text)),
                    (
                        right,
                        format!("{role} «{}» in {}", right.text, right.at.name),
                    ),
                    sources,
                );
                // "la direzione … correggila", "il dirigente … correggilo".
                let (the, one, it) = if role == "direzione" {
                    ("la", "una sola", "la")
                } else {
                    ("il", "un solo", "lo")
                };
                d = d.hint(if right.at.org {
                    format!("la scheda ripete {the} {role} in modo diverso da organizzazione.toml: correggi{it}, oppure ometti{it} e la scheda {it} prende da lì")
                } else {
                    format!("una sezione ha {one} {role}: correggi la scheda sbagliata, oppure descrivi la sezione una volta in organizzazione.toml")
                });
                findings.push(Finding {
                    kind,
                    subjects: vec![section.clone()],
                    diagnostic: d,
                });
            }
        }
    }
}

/// One P.O./responsabile at the head of two sezioni (not two writings of one: that is
/// `grafia`), unless the organisation file says so.
fn heads(facts: &Facts, sources: &Sources, findings: &mut Vec<Finding>) {
    let mut by_person: Vec<(String, Vec<(&Said, &Said)>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for f in &facts.section_facts {
        let Some(r) = &f.responsabile else { continue };
        let key = names::key(&r.text);
        let i = *index.entry(key.clone()).or_insert_with(|| {
            by_person.push((key, Vec::new()));
            by_person.len() - 1
        });
        by_person[i].1.push((r, &f.section));
    }
    for (_, heads) in &by_person {
        let Some((_, first)) = heads.first() else {
            continue;
        };
        let mut reported: Vec<String> = Vec::new();
        for (person, section) in &heads[1..] {
            let declared = section.at.org && first.at.org;
            let key = names::key(&section.text);
            if declared
                || names::likeness(&section.text, &first.text) != Likeness::Different
                || reported.contains(&key)
            {
                continue;
            }
            reported.push(key);
            let mut d = contradiction(
                format!(
                    "«{}» è P.O./responsabile di due sezioni: «{}» qui e «{}» in {}",
                    person.text, section.text, first.text, first.at.name
                ),
                (section, format!("sezione «{}»", section.text)),
                (
                    first,
                    format!("sezione «{}» in {}", first.text, first.at.name),
                ),
                sources,
            );
            d = d.hint("se sono la stessa sezione, scrivila allo stesso modo; se il P.O. ne ha davvero due, scrivilo in organizzazione.toml sotto entrambe");
            findings.push(Finding {
                kind: CheckKind::SezioniDelResponsabile,
                subjects: vec![person.text.clone()],
                diagnostic: d,
            });
        }
    }
}

/// The amount in euro of a cost indicator's expected value ("12.000,00 €", "€ 500",
/// "1000 euro"), when it has one.
pub fn cost_amount(text: &str) -> Option<Decimal> {
    let lower = text.to_lowercase();
    if !lower.contains('€') && !lower.contains("euro") {
        return None;
    }
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let number: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    parse_decimal(number.trim_end_matches(['.', ',']))
}

/// Whether a cost indicator's text says it is the whole cost of the objective, the
/// figure the COSTO RISORSE total must equal ("costo totale", "spesa complessiva",
/// "costo risorse", "costo dell'obiettivo").
pub fn says_total(text: &str) -> bool {
    let t = text.to_lowercase().replace('’', "'");
    [
        "total",
        "complessiv",
        "costo risorse",
        "costo dell'obiettivo",
        "costo obiettivo",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// A cost indicator with an amount and no resource; a cost indicator that says it is the
/// total, and resources whose sum is not its amount.
fn costs(content: &Content, sources: &Sources, findings: &mut Vec<Finding>) {
    for m in &content.managed {
        let o = &m.data;
        let amounts: Vec<(usize, Decimal)> = o
            .indicatori
            .costo
            .iter()
            .enumerate()
            .filter_map(|(i, ind)| cost_amount(&ind.atteso).map(|a| (i, a)))
            .collect();
        let Some(&(first, _)) = amounts.first() else {
            continue;
        };
        let expected: Decimal = amounts.iter().map(|(_, a)| *a).sum();
        let name = o.short_name();
        let indicator = place(
            sources,
            m.file,
            path!["indicatori", "costo", first, "atteso"],
        );
        let subjects = vec![name.clone(), m.stem.clone()];
        if o.risorse.is_empty() {
            let d = Diagnostic::warning(format!(
                "l'indicatore di costo vale {} ma la scheda non ha risorse",
                crate::format::money(expected)
            ))
            .at(m.file, indicator)
            .label("indicatore di costo")
            .also(
                m.file,
                place(sources, m.file, path!["indicatori", "costo", first, "descrizione"]),
                "nessuna [[risorse]] in questa scheda",
            )
            .hint("aggiungi le [[risorse]] con il loro costo: il COSTO RISORSE della scheda è la loro somma");
            findings.push(Finding {
                kind: CheckKind::Costo,
                subjects,
                diagnostic: d,
            });
            continue;
        }
        // With resources, only an indicator that says it is the total is compared with
        // their sum: one that measures one item ("Spesa per l'aggiornamento
        // cartografico") is not contradicted by other items (a rental, a leaflet).
        let Some(&(first, expected)) = amounts
            .iter()
            .find(|(i, _)| says_total(&o.indicatori.costo[*i].descrizione))
        else {
            continue;
        };
        let indicator = place(
            sources,
            m.file,
            path!["indicatori", "costo", first, "atteso"],
        );
        let mut total = Decimal::ZERO;
        let mut known = true;
        for r in &o.risorse {
            match r.costo.as_ref().map(|c| c.get_ref()) {
                Some(Cost::Amount(a)) => total += *a,
                _ => known = false,
            }
        }
        if known && total != expected {
            let last = o.risorse.len() - 1;
            let d = Diagnostic::warning(format!(
                "le risorse sommano a {}, l'indicatore di costo dice {}",
                crate::format::money(total),
                crate::format::money(expected)
            ))
            .at(m.file, indicator)
            .label(format!(
                "indicatore di costo: {}",
                crate::format::money(expected)
            ))
            .also(
                m.file,
                place(sources, m.file, path!["risorse", last, "costo"]),
                format!(
                    "ultima risorsa; COSTO RISORSE {}",
                    crate::format::money(total)
                ),
            )
            .hint("correggi l'indicatore o i costi delle risorse");
            findings.push(Finding {
                kind: CheckKind::Costo,
                subjects,
                diagnostic: d,
            });
        }
    }
}

/// Findings acknowledged by an exception become notes with its reason; the others are
/// warnings. Exceptions that acknowledge nothing are warnings themselves.
fn acknowledge(
    findings: Vec<Finding>,
    org: Option<&Loaded<Organisation>>,
    sources: &Sources,
    report: &mut Report,
) {
    let exceptions = org.map(|o| o.data.eccezioni.as_slice()).unwrap_or(&[]);
    let keys: Vec<String> = exceptions.iter().map(|e| names::key(&e.nome)).collect();
    let mut used = vec![false; exceptions.len()];
    for f in findings {
        let mut d = f.diagnostic;
        let found = exceptions.iter().enumerate().find(|(i, e)| {
            e.controllo == f.kind && f.subjects.iter().any(|s| names::key(s) == keys[*i])
        });
        if let (Some((i, e)), Some(org)) = (found, org) {
            used[i] = true;
            d.severity = crate::diag::Severity::Note;
            d.hints = vec![format!("eccezione dichiarata: {}", e.motivo.trim())];
            d = d.also(
                org.file,
                place(sources, org.file, path!["eccezioni", i, "nome"]),
                "eccezione dichiarata qui",
            );
        }
        report.push(d);
    }
    if let Some(org) = org {
        for (i, e) in exceptions.iter().enumerate() {
            if !used[i] {
                report.push(
                    Diagnostic::warning(format!(
                        "l'eccezione `{}` per «{}» non corrisponde a nessun avviso",
                        e.controllo.key(),
                        e.nome
                    ))
                    .at(org.file, place(sources, org.file, path!["eccezioni", i, "nome"]))
                    .hint("se la contraddizione è stata risolta, togli l'eccezione; altrimenti controlla `controllo` e `nome`"),
                );
            }
        }
    }
}

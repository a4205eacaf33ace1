//! `organizzazione.toml`: its own rules, and the schede filled in from it.
//!
//! A scheda that names its `sezione` may leave out `direzione`, `dirigente`,
//! `responsabile` and `assessore`, and a staff row its `categoria`: [`fill`] writes them
//! in from the organisation before any other check runs, and remembers which values it
//! wrote ([`Filled`]), so that the checks across schede (`across`) compare only what a
//! scheda itself says. Whether what a scheda restates agrees with the organisation is
//! checked there too: the organisation is the first word on every fact.

use std::collections::HashSet;

use super::*;
use crate::model::organisation::{Organisation, SectionRef};
use crate::names;

/// The values [`fill`] wrote into the schede: (file, field), the field as
/// `"dirigente"` or `"personale.3.categoria"`.
pub(super) type Filled = HashSet<(FileIdx, String)>;

/// The organisation's sezioni and staff by name key (see [`names::key`]).
pub(super) struct OrgIndex<'a> {
    pub sections: HashMap<String, SectionRef<'a>>,
    pub staff: HashMap<String, usize>,
}

impl<'a> OrgIndex<'a> {
    pub fn new(org: &'a Organisation) -> Self {
        let mut sections = HashMap::new();
        for s in org.sections() {
            sections.entry(names::key(&s.section.nome)).or_insert(s);
        }
        let mut staff = HashMap::new();
        for (i, e) in org.personale.iter().enumerate() {
            staff.entry(names::key(&e.nome)).or_insert(i);
        }
        OrgIndex { sections, staff }
    }
}

fn blank(p: &Person) -> bool {
    match p {
        Person::Named { cognome, nome } => cognome.trim().is_empty() && nome.trim().is_empty(),
        Person::Label(l) => l.trim().is_empty(),
    }
}

/// The header fields of a scheda that the organisation file may give.
struct Header<'a> {
    sezione: &'a str,
    direzione: &'a mut String,
    dirigente: &'a mut Person,
    responsabile: &'a mut Person,
    assessore: &'a mut Person,
}

/// A name written twice in the organisation file: here, and the first time.
fn twice(at: At, message: String, here: &[Seg], first: &[Seg]) -> Diagnostic {
    Diagnostic::error(message).at(at.file, at.span(here)).also(
        at.file,
        at.span(first),
        "la prima volta qui",
    )
}

/// The content with what the schede leave out taken from the organisation.
pub(super) fn fill(content: &Content, org: &Organisation) -> (Content, Filled) {
    let index = OrgIndex::new(org);
    let mut filled = Filled::new();
    let mut out = content.clone();
    let mut person = |target: &mut Person, from: Option<&Person>, file, field: &str| {
        if let (true, Some(p)) = (blank(target), from) {
            *target = p.clone();
            filled.insert((file, field.to_string()));
        }
    };
    let mut texts = Vec::new();
    // The header of every scheda (an intersettoriale one has no sezione of its own).
    let managed = out
        .managed
        .iter_mut()
        .filter(|m| !m.data.intersettoriale)
        .map(|m| {
            let d = &mut m.data;
            let header = Header {
                sezione: &d.sezione,
                direzione: &mut d.direzione,
                dirigente: &mut d.dirigente,
                responsabile: &mut d.responsabile,
                assessore: &mut d.assessore,
            };
            (m.file, header)
        });
    let services = out.services.iter_mut().map(|sv| {
        let d = &mut sv.data;
        let header = Header {
            sezione: &d.sezione,
            direzione: &mut d.direzione,
            dirigente: &mut d.dirigente,
            responsabile: &mut d.responsabile,
            assessore: &mut d.assessore,
        };
        (sv.file, header)
    });
    for (f, h) in managed.chain(services) {
        let Some(s) = index.sections.get(&names::key(h.sezione)) else {
            continue;
        };
        if h.direzione.trim().is_empty() {
            *h.direzione = s.direction.nome.clone();
            texts.push((f, "direzione"));
        }
        person(h.dirigente, s.dirigente(), f, "dirigente");
        person(
            h.responsabile,
            s.section.responsabile.as_ref(),
            f,
            "responsabile",
        );
        person(h.assessore, s.section.assessore.as_ref(), f, "assessore");
    }
    for (f, field) in texts {
        filled.insert((f, field.to_string()));
    }
    for m in &mut out.managed {
        for (i, p) in m.data.personale.iter_mut().enumerate() {
            if !p.categoria.trim().is_empty() {
                continue;
            }
            if let Some(e) = index.staff.get(&names::key(&p.nome)) {
                p.categoria = org.personale[*e].categoria.clone();
                filled.insert((m.file, format!("personale.{i}.categoria")));
            }
        }
    }
    (out, filled)
}

/// The organisation file's own rules: names not blank, no sezione, direzione or person
/// twice, every P.O. with cognome and nome (the request shows the cognome).
pub(super) fn check_organisation(
    org: &Loaded<Organisation>,
    sources: &Sources,
    report: &mut Report,
) {
    let at = At {
        file: org.file,
        sources,
    };
    let o = &org.data;
    let mut directions: HashMap<String, usize> = HashMap::new();
    let mut sections: HashMap<String, (usize, usize)> = HashMap::new();
    for (d, dir) in o.direzioni.iter().enumerate() {
        required_text(
            &dir.nome,
            "il nome della direzione è vuoto",
            at,
            path!["direzioni", d, "nome"],
            report,
        );
        if let Some(first) = directions.insert(names::key(&dir.nome), d) {
            report.push(
                twice(
                    at,
                    format!("la direzione «{}» compare due volte", dir.nome),
                    path!["direzioni", d, "nome"],
                    path!["direzioni", first, "nome"],
                )
                .hint("ogni direzione si scrive una volta sola, con tutte le sue sezioni"),
            );
        }
        for (s, sec) in dir.sezioni.iter().enumerate() {
            required_text(
                &sec.nome,
                "il nome della sezione è vuoto",
                at,
                path!["direzioni", d, "sezioni", s, "nome"],
                report,
            );
            if let Some((fd, fs)) = sections.insert(names::key(&sec.nome), (d, s)) {
                report.push(
                    twice(
                        at,
                        format!("la sezione «{}» compare due volte", sec.nome),
                        path!["direzioni", d, "sezioni", s, "nome"],
                        path!["direzioni", fd, "sezioni", fs, "nome"],
                    )
                    .hint("una scheda trova la sua sezione per nome: il nome deve essere unico nell'ente"),
                );
            }
            if let Some(Person::Label(_)) = &sec.responsabile {
                report.push(
                    Diagnostic::error("il responsabile della sezione va indicato con cognome e nome")
                        .at(org.file, at.span(path!["direzioni", d, "sezioni", s, "responsabile"]))
                        .hint("scrivi `responsabile = { cognome = \"Rossi\", nome = \"Maria\" }`: il cognome compare nella richiesta"),
                );
            }
        }
    }
    let mut staff: HashMap<String, usize> = HashMap::new();
    for (i, e) in o.personale.iter().enumerate() {
        required_text(
            &e.nome,
            "il nome della persona è vuoto",
            at,
            path!["personale", i, "nome"],
            report,
        );
        required_text(
            &e.categoria,
            "la categoria della persona è vuota",
            at,
            path!["personale", i, "categoria"],
            report,
        );
        if let Some(first) = staff.insert(names::key(&e.nome), i) {
            report.push(twice(
                at,
                format!("«{}» compare due volte nel personale", e.nome),
                path!["personale", i, "nome"],
                path!["personale", first, "nome"],
            ));
        }
    }
}

/// With an organisation that lists sezioni, every scheda's sezione should be one of
/// them: otherwise nothing is filled in, and the restated facts are not compared. The
/// same for a direzione a scheda writes (a misspelt one is printed as written).
pub(super) fn check_sections_known(
    content: &Content,
    org: &Loaded<Organisation>,
    sources: &Sources,
    report: &mut Report,
) {
    let index = OrgIndex::new(&org.data);
    if index.sections.is_empty() {
        return;
    }
    let sections: Vec<&str> = org
        .data
        .sections()
        .map(|s| s.section.nome.as_str())
        .collect();
    let directions: Vec<&str> = org.data.direzioni.iter().map(|d| d.nome.as_str()).collect();
    // (file, sezione, direzione) of every scheda that has a sezione of its own.
    let schede = content
        .managed
        .iter()
        .filter(|m| !m.data.intersettoriale)
        .map(|m| (m.file, m.data.sezione.as_str(), m.data.direzione.as_str()))
        .chain(
            content
                .services
                .iter()
                .map(|s| (s.file, s.data.sezione.as_str(), s.data.direzione.as_str())),
        );
    for (file, sezione, direzione) in schede {
        let unlisted = Unlisted {
            file,
            sources,
            file_name: load::ORGANISATION_FILE,
        };
        report.extend(unlisted.check(
            "sezione",
            "la sezione",
            sezione,
            &sections,
            &format!("aggiungila a una direzione in `{}`: la scheda ne prenderà direzione, dirigente, responsabile e assessore", load::ORGANISATION_FILE),
        ));
        report.extend(unlisted.check(
            "direzione",
            "la direzione",
            direzione,
            &directions,
            &format!(
                "aggiungila in `{}` con le sue sezioni, oppure scrivila come è scritta lì",
                load::ORGANISATION_FILE
            ),
        ));
    }
}

/// A name a scheda writes that the organisation file does not list.
struct Unlisted<'a> {
    file: FileIdx,
    sources: &'a Sources,
    file_name: &'a str,
}

impl Unlisted<'_> {
    /// The warning for `value` of `field` when no name of `listed` is it (by
    /// [`names::key`]), with the closest one to type instead, or `otherwise`.
    fn check(
        &self,
        field: &str,
        what: &str,
        value: &str,
        listed: &[&str],
        otherwise: &str,
    ) -> Option<Diagnostic> {
        let key = names::key(value);
        if value.trim().is_empty() || listed.iter().any(|l| names::key(l) == key) {
            return None;
        }
        let d = Diagnostic::warning(format!("{what} «{value}» non è in `{}`", self.file_name)).at(
            self.file,
            place(self.sources, self.file, &[Seg::from(field)]),
        );
        Some(match closest(value, listed) {
            Some(s) => d.hint(format!(
                "forse «{s}»? scrivi: {field} = {}",
                crate::diag::typed(s)
            )),
            None => d.hint(otherwise),
        })
    }
}

/// The name of `candidates` most like `name`: one with the same words, or with words
/// left out, or a likely typo.
pub(super) fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .find(|c| names::likeness(name, c) != names::Likeness::Different)
        .copied()
        .or_else(|| crate::diag::suggest(name, candidates.iter().copied()))
}

/// Every staff row has a category: written in the row, or given by the organisation's
/// `personale`.
pub(super) fn check_categories(content: &Content, sources: &Sources, report: &mut Report) {
    let listed = content
        .organisation
        .as_ref()
        .is_some_and(|o| !o.data.personale.is_empty());
    for m in &content.managed {
        for (i, p) in m.data.personale.iter().enumerate() {
            if !p.categoria.trim().is_empty() {
                continue;
            }
            let at = At {
                file: m.file,
                sources,
            };
            let d = match at.find(path!["personale", i, "categoria"]) {
                Some(span) => Diagnostic::error(format!("la categoria di «{}» è vuota", p.nome))
                    .at(m.file, span)
                    .label("va compilata"),
                None => Diagnostic::error(format!("manca la categoria di «{}»", p.nome))
                    .at(m.file, at.span(path!["personale", i, "nome"]))
                    .hint(if listed {
                        format!(
                            "scrivi `categoria = \"…\"` nella riga, oppure aggiungi la persona al `personale` di `{}`",
                            load::ORGANISATION_FILE
                        )
                    } else {
                        format!(
                            "scrivi `categoria = \"…\"` nella riga, oppure elenca il personale con la sua categoria in `{}`",
                            load::ORGANISATION_FILE
                        )
                    }),
            };
            report.push(d);
        }
    }
}

//! `organizzazione.toml`: its own rules, and what it gives the schede.
//!
//! A scheda that names its `sezione` may leave out `direzione`, `dirigente`,
//! `responsabile` and `assessore`, and a staff row its `categoria`: [`given`] resolves,
//! once and before any other check runs, what the organisation gives each scheda
//! ([`Given`]), and the scheda is checked, and reaches the document, with it written in
//! ([`Given::fill`]). The content as loaded keeps only what the schede themselves
//! write: the checks across schede (`across`) compare that. Whether what a scheda
//! restates agrees with the organisation is checked there too: the organisation is the
//! first word on every fact.

use std::borrow::Cow;

use super::*;
use crate::model::organisation::{Organisation, SectionRef};
use crate::model::Objective;
use crate::names;

/// The organisation's sezioni and staff by name key (see [`names::key`]).
pub(super) struct OrgIndex<'a> {
    org: &'a Organisation,
    sections: HashMap<String, SectionRef<'a>>,
    staff: HashMap<String, usize>,
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
        OrgIndex {
            org,
            sections,
            staff,
        }
    }
}

fn blank(p: &Person) -> bool {
    match p {
        Person::Named { cognome, nome } => cognome.trim().is_empty() && nome.trim().is_empty(),
        Person::Label(l) => l.trim().is_empty(),
    }
}

/// What the organisation file gives one scheda: the header fields it leaves blank, and
/// the category of each staff row without one.
#[derive(Debug, Clone, Default)]
struct Given {
    direzione: Option<String>,
    dirigente: Option<Person>,
    responsabile: Option<Person>,
    assessore: Option<Person>,
    /// (row of `personale`, categoria).
    categories: Vec<(usize, String)>,
}

impl Given {
    fn is_empty(&self) -> bool {
        self.direzione.is_none()
            && self.dirigente.is_none()
            && self.responsabile.is_none()
            && self.assessore.is_none()
            && self.categories.is_empty()
    }

    /// The scheda with what is given written in: borrowed when nothing is.
    fn fill<'a, O: Objective + Clone>(&self, o: &'a Loaded<O>) -> Cow<'a, Loaded<O>> {
        if self.is_empty() {
            return Cow::Borrowed(o);
        }
        let mut o = o.clone();
        let h = o.data.header_mut();
        if let Some(d) = &self.direzione {
            h.direzione.clone_from(d);
        }
        for (target, given) in [
            (h.dirigente, &self.dirigente),
            (h.responsabile, &self.responsabile),
            (h.assessore, &self.assessore),
        ] {
            if let Some(p) = given {
                *target = p.clone();
            }
        }
        let staff = o.data.staff_mut();
        for (row, categoria) in &self.categories {
            staff[*row].categoria.clone_from(categoria);
        }
        Cow::Owned(o)
    }
}

/// Scheda `o` as it is checked and printed: with what the organisation (its `index`)
/// gives written in.
pub(super) fn filled<'a, O: Objective + Clone>(
    o: &'a Loaded<O>,
    index: Option<&OrgIndex>,
) -> Cow<'a, Loaded<O>> {
    match index {
        Some(index) => given(&o.data, index).fill(o),
        None => Cow::Borrowed(o),
    }
}

/// What the organisation gives scheda `o` (an intersettoriale one has no sezione of
/// its own, so only its staff categories).
fn given<O: Objective>(o: &O, index: &OrgIndex) -> Given {
    let mut given = Given {
        categories: o
            .staff()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.categoria.trim().is_empty())
            .filter_map(|(i, p)| {
                let e = index.staff.get(&names::key(&p.nome))?;
                Some((i, index.org.personale[*e].categoria.clone()))
            })
            .collect(),
        ..Given::default()
    };
    let h = o.header();
    let section = o
        .has_section()
        .then(|| index.sections.get(&names::key(h.sezione)))
        .flatten();
    let Some(s) = section else {
        return given;
    };
    if h.direzione.trim().is_empty() {
        given.direzione = Some(s.direction.nome.clone());
    }
    let person = |written: &Person, from: Option<&Person>| from.filter(|_| blank(written)).cloned();
    given.dirigente = person(h.dirigente, s.dirigente());
    given.responsabile = person(h.responsabile, s.section.responsabile.as_ref());
    given.assessore = person(h.assessore, s.section.assessore.as_ref());
    given
}

/// A name written twice in the organisation file: here, and the first time.
fn twice(at: At, message: String, here: &[Seg], first: &[Seg]) -> Diagnostic {
    Diagnostic::error(message).at(at.file, at.span(here)).also(
        at.file,
        at.span(first),
        "la prima volta qui",
    )
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
    index: &OrgIndex,
    sources: &Sources,
    report: &mut Report,
) {
    if index.sections.is_empty() {
        return;
    }
    let sections: Vec<&str> = index
        .org
        .sections()
        .map(|s| s.section.nome.as_str())
        .collect();
    let directions: Vec<&str> = index
        .org
        .direzioni
        .iter()
        .map(|d| d.nome.as_str())
        .collect();
    // (file, sezione, direzione) of every scheda that has a sezione of its own.
    fn written<O: Objective>(o: &Loaded<O>) -> Option<(FileIdx, &str, &str)> {
        let h = o.data.header();
        o.data
            .has_section()
            .then_some((o.file, h.sezione, h.direzione))
    }
    let schede = content
        .managed
        .iter()
        .filter_map(written)
        .chain(content.services.iter().filter_map(written));
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
/// `managed` are the schede with what the organisation gives written in.
pub(super) fn check_categories<'a>(
    content: &Content,
    managed: impl IntoIterator<Item = &'a Loaded<Managed>>,
    sources: &Sources,
    report: &mut Report,
) {
    let listed = content
        .organisation
        .as_ref()
        .is_some_and(|o| !o.data.personale.is_empty());
    for m in managed {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled content, loaded.
    fn bundled() -> (Content, Sources) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut sources = Sources::default();
        let content = load::load(&dir, &mut sources, &mut Report::default()).unwrap();
        (content, sources)
    }

    /// The bundled content describes its sezioni and staff in `organizzazione.toml`:
    /// g06 writes neither direzione nor dirigente, nor its staff's categories.
    #[test]
    fn the_checked_scheda_has_what_the_organisation_gives_and_the_content_what_it_writes() {
        let (content, sources) = bundled();
        let checked = super::super::check(&content, &sources, &mut Report::default())
            .expect("the bundled content checks");
        let written = content
            .managed
            .iter()
            .find(|m| m.stem.starts_with("g06"))
            .unwrap();
        let org = &content.organisation.as_ref().unwrap().data;
        let section = org.section(&written.data.sezione).unwrap();
        let g06 = checked
            .managed
            .iter()
            .find(|m| m.source.stem == written.stem)
            .unwrap();
        // As written: blank.
        assert_eq!(written.data.direzione, "");
        assert!(blank(&written.data.dirigente));
        assert!(written
            .data
            .personale
            .iter()
            .all(|p| p.categoria.is_empty()));
        // As checked and printed: the organisation's.
        let o = &g06.source.data;
        assert_eq!(o.direzione, section.direction.nome);
        assert_eq!(
            o.dirigente.display(),
            section.dirigente().unwrap().display()
        );
        for p in &o.personale {
            assert_eq!(
                Some(p.categoria.as_str()),
                org.employee(&p.nome).map(|(_, e)| e.categoria.as_str())
            );
        }
    }

    /// An intersettoriale scheda has no sezione of its own: only its staff rows take
    /// anything from the organisation.
    #[test]
    fn a_scheda_of_every_direzione_takes_only_categories() {
        let (content, _) = bundled();
        let org = &content.organisation.as_ref().unwrap().data;
        let index = OrgIndex::new(org);
        let mut g01 = content
            .managed
            .iter()
            .find(|m| m.data.intersettoriale)
            .unwrap()
            .clone();
        // Its sezione made one the organisation describes, its direzione blank.
        let section = org.sections().next().unwrap();
        g01.data.sezione = section.section.nome.clone();
        g01.data.direzione.clear();
        let g = given(&g01.data, &index);
        assert_eq!(g.direzione, None);
        assert!(g.dirigente.is_none() && g.responsabile.is_none());
        g01.data.intersettoriale = false;
        assert_eq!(
            given(&g01.data, &index).direzione.as_deref(),
            Some(section.direction.nome.as_str())
        );
    }
}

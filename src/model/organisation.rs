//! `organizzazione.toml`: the ente's organisation, said once.
//!
//! Direzioni, their sezioni with dirigente, P.O./responsabile and assessore, the staff
//! with their category, and the exceptions the content acknowledges on purpose. The
//! file is optional: without it every scheda writes these facts itself. With it a
//! scheda that names its `sezione` may leave out `direzione`, `dirigente`,
//! `responsabile` and `assessore`, and a staff row its `categoria`; where a scheda
//! restates them, `crate::check` makes sure they agree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Person;

/// `organizzazione.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "L'organizzazione dell'ente (organizzazione.toml, facoltativo): direzioni, sezioni con dirigente, P.O./responsabile e assessore, personale con la categoria, eccezioni dichiarate. Una scheda che indica la sua `sezione` può omettere direzione, dirigente, responsabile e assessore, e una riga del personale la categoria: li prende da qui."
)]
pub struct Organisation {
    /// Le direzioni, ciascuna con le sue sezioni.
    #[serde(default)]
    pub direzioni: Vec<Direction>,
    /// Il personale, ciascuno con la sua categoria: nelle schede basta il nome.
    #[serde(default)]
    pub personale: Vec<Employee>,
    /// Le eccezioni volute ai controlli tra le schede, ciascuna con il suo motivo: sono
    /// mostrate come note e non come avvisi.
    #[serde(default)]
    pub eccezioni: Vec<Exception>,
}

/// A direzione and its sezioni.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Una direzione, con il suo dirigente e le sue sezioni.")]
#[schemars(extend("x-taplo" = { "initKeys": ["nome", "dirigente"] }))]
pub struct Direction {
    /// Nome della direzione, come deve comparire nelle schede (es. "Direzione Servizi di Staff").
    pub nome: String,
    /// Dirigente della direzione: vale per ogni sezione che non ne indica uno suo.
    #[serde(default)]
    pub dirigente: Option<Person>,
    /// Le sezioni della direzione.
    #[serde(default)]
    pub sezioni: Vec<Section>,
}

/// A sezione of a direzione.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Una sezione: nome, P.O./responsabile, assessore di riferimento e, se diverso da quello della direzione, dirigente."
)]
#[schemars(extend("x-taplo" = { "initKeys": ["nome", "responsabile", "assessore"] }))]
pub struct Section {
    /// Nome della sezione, come deve comparire nelle schede (es. "Gestione risorse umane").
    pub nome: String,
    /// Dirigente della sezione, se diverso da quello della direzione (es. un incarico ad interim).
    #[serde(default)]
    pub dirigente: Option<Person>,
    /// P.O./Responsabile della sezione, con cognome e nome: `{ cognome = "Rossi", nome = "Maria" }`.
    #[serde(default)]
    pub responsabile: Option<Person>,
    /// Assessore di riferimento della sezione.
    #[serde(default)]
    pub assessore: Option<Person>,
}

/// A member of staff and their category.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Una persona del personale, con la sua categoria.")]
#[schemars(extend("x-taplo" = { "initKeys": ["nome", "categoria"] }))]
pub struct Employee {
    /// Cognome e nome, come nelle tabelle del personale (es. "ROSSI MARIA").
    pub nome: String,
    /// Categoria (es. "C", "D", "DPO", "DIRIGENTE").
    pub categoria: String,
}

/// A contradiction the content keeps on purpose, with its reason.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Un'eccezione voluta a un controllo tra le schede: quale controllo, su che cosa, e perché. L'avviso diventa una nota con il motivo."
)]
#[schemars(extend("x-taplo" = { "initKeys": ["controllo", "nome", "motivo"] }))]
pub struct Exception {
    /// Il controllo a cui si fa eccezione.
    pub controllo: CheckKind,
    /// Su che cosa: la persona, la sezione o il nome (per `grafia`, una delle due
    /// grafie), oppure la scheda (es. "g16") per `costo`.
    pub nome: String,
    /// Perché la contraddizione è voluta o non si può risolvere (compare nella nota).
    pub motivo: String,
}

/// The checks across schede, as an exception names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(description = "Il controllo a cui si fa eccezione.")]
pub enum CheckKind {
    /// La stessa persona con due categorie.
    Categoria,
    /// La stessa persona due volte nella tabella del personale di una scheda.
    PersonaleRipetuto,
    /// La stessa sezione sotto due direzioni.
    Direzione,
    /// La stessa sezione con due dirigenti.
    Dirigente,
    /// La stessa sezione con due P.O./responsabili.
    Responsabile,
    /// La stessa sezione con due assessori.
    Assessore,
    /// Lo stesso P.O./responsabile a capo di due sezioni.
    SezioniDelResponsabile,
    /// Lo stesso nome (persona, sezione, direzione, assessore) scritto in due modi.
    Grafia,
    /// Un indicatore di costo che non corrisponde alle risorse della scheda.
    Costo,
    /// Una modifica che porta delle fasi oltre l'orizzonte temporale della scheda.
    Orizzonte,
}

impl CheckKind {
    /// The name written in `controllo`.
    pub fn key(self) -> &'static str {
        match self {
            CheckKind::Categoria => "categoria",
            CheckKind::PersonaleRipetuto => "personale_ripetuto",
            CheckKind::Direzione => "direzione",
            CheckKind::Dirigente => "dirigente",
            CheckKind::Responsabile => "responsabile",
            CheckKind::Assessore => "assessore",
            CheckKind::SezioniDelResponsabile => "sezioni_del_responsabile",
            CheckKind::Grafia => "grafia",
            CheckKind::Costo => "costo",
            CheckKind::Orizzonte => "orizzonte",
        }
    }
}

impl Organisation {
    /// The sezione named `name` (same name, whatever its case, accents or
    /// punctuation), with its direzione and their places.
    pub fn section(&self, name: &str) -> Option<SectionRef<'_>> {
        let key = crate::names::key(name);
        self.sections()
            .find(|s| crate::names::key(&s.section.nome) == key)
    }

    /// Every sezione, with its direzione.
    pub fn sections(&self) -> impl Iterator<Item = SectionRef<'_>> {
        self.direzioni
            .iter()
            .enumerate()
            .flat_map(|(d, direction)| {
                direction
                    .sezioni
                    .iter()
                    .enumerate()
                    .map(move |(s, section)| SectionRef {
                        direction,
                        section,
                        d,
                        s,
                    })
            })
    }

    /// The staff member named `name` (same name, whatever its case, accents or
    /// punctuation), with their index.
    pub fn employee(&self, name: &str) -> Option<(usize, &Employee)> {
        let key = crate::names::key(name);
        self.personale
            .iter()
            .enumerate()
            .find(|(_, e)| crate::names::key(&e.nome) == key)
    }
}

/// A sezione of the organisation with its direzione and their indices.
#[derive(Debug, Clone, Copy)]
pub struct SectionRef<'a> {
    pub direction: &'a Direction,
    pub section: &'a Section,
    /// Index of the direzione in `direzioni`.
    pub d: usize,
    /// Index of the sezione in its direzione's `sezioni`.
    pub s: usize,
}

impl SectionRef<'_> {
    /// The sezione's dirigente: its own, or its direzione's.
    pub fn dirigente(&self) -> Option<&Person> {
        self.section
            .dirigente
            .as_ref()
            .or(self.direction.dirigente.as_ref())
    }
}

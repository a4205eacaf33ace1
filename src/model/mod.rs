//! The content model: what the TOML files in `content/` say, as Rust types.
//!
//! Keys are Italian (the people who write them are municipal staff); identifiers are
//! English. These types mirror the files one to one and hold spans where a later check
//! must point at a value. Nothing here is derived: totals, request headers, summaries and
//! the tracked-change view are computed by `crate::view`.

pub mod amended;
pub mod change;
pub mod objective;
pub mod organisation;
pub mod schedule;
pub mod schema;
pub mod values;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use change::{RawChange, RawGroup};
pub use objective::{Kind, Objective};
pub use organisation::Organisation;
pub use values::{Cost, Date, Percent, Schedule};

/// `allegato.toml`: the annex itself.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Il file dell'allegato (allegato.toml): l'ente, gli anni del piano, la data del documento e le date di monitoraggio."
)]
pub struct Annex {
    /// Nome dell'ente, come deve comparire nel documento (es. "Comune di Esempio").
    pub ente: String,
    /// Provincia o città metropolitana, come deve comparire sotto il nome dell'ente nel
    /// frontespizio (es. "Provincia di Cuneo", "Città metropolitana di Milano").
    #[serde(default)]
    pub provincia: Option<String>,
    /// Lo stemma dell'ente, stampato nel frontespizio: un'immagine (PNG, JPEG o SVG) nella
    /// cartella dei contenuti, con la sua descrizione per chi non la vede.
    #[serde(default)]
    pub stemma: Option<Emblem>,
    /// Titolo del documento, se l'ente ne usa uno suo (es. "Variazione n. 2 al PIAO
    /// 2025-2027"). Senza, il titolo è "Variazione [n. N] PIAO <anni del piano>".
    #[serde(default)]
    pub titolo: Option<String>,
    /// Primo anno del piano triennale (es. 2023).
    #[schemars(with = "i32")]
    pub anno_inizio: Spanned<i32>,
    /// Ultimo anno del piano triennale (es. 2025).
    #[schemars(with = "i32")]
    pub anno_fine: Spanned<i32>,
    /// Numero della variazione, se il piano ne ha più d'una.
    #[serde(default)]
    pub numero_variazione: Option<u32>,
    /// Data del documento (AAAA-MM-GG): compare nei metadati del PDF e, se non è
    /// provvisoria, nel frontespizio.
    #[schemars(with = "Date")]
    pub data_documento: Spanned<Date>,
    /// `true` se `data_documento` è una data segnaposto (la deliberazione non è ancora
    /// adottata): resta nei metadati del PDF, che ne richiedono una, ma non è stampata.
    #[serde(default)]
    pub data_documento_provvisoria: bool,
    /// Le date di monitoraggio dell'anno (di solito due, es. 31 luglio e 31 dicembre).
    #[schemars(with = "Vec<Date>")]
    pub monitoraggi: Spanned<Vec<Spanned<Date>>>,
    /// La deliberazione a cui il documento è allegato.
    #[serde(default)]
    pub delibera: Option<Deliberation>,
    /// Che cosa si omette nella copia per l'albo pretorio.
    #[serde(default)]
    pub pubblicazione: Publication,
}

/// The deliberation the annex belongs to.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "La deliberazione a cui il documento è allegato.")]
pub struct Deliberation {
    /// Organo che delibera (es. "Giunta Comunale").
    pub organo: String,
    /// Numero della deliberazione, quando è noto: senza, il frontespizio stampa "n. ______"
    /// da compilare.
    #[serde(default)]
    pub numero: Option<String>,
    /// Data della deliberazione, quando è nota: senza, il frontespizio stampa
    /// "del __________" da compilare.
    #[serde(default)]
    pub data: Option<Date>,
}

/// The ente's emblem, printed on the cover.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Lo stemma dell'ente: `{ file = \"stemma.svg\", descrizione = \"Stemma del Comune di …\" }`."
)]
pub struct Emblem {
    /// Il file dell'immagine (PNG, JPEG o SVG), relativo alla cartella dei contenuti
    /// (es. "stemma.svg").
    pub file: String,
    /// Descrizione dell'immagine per chi non la vede (testo alternativo del PDF/UA),
    /// es. "Stemma del Comune di Esempio".
    pub descrizione: String,
}

/// Settings of the publication ("albo") profile.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Che cosa resta e che cosa si omette nella copia per l'albo pretorio.")]
pub struct Publication {
    /// Categorie del personale i cui nomi restano nella copia per l'albo (es. "DIRIGENTE").
    #[serde(default)]
    pub categorie_pubbliche: Vec<String>,
    /// Altri nomi del personale che restano nella copia per l'albo (oltre a P.O./responsabile
    /// e dirigente della scheda, che restano sempre), scritti come nella tabella del personale.
    #[serde(default)]
    pub nomi_pubblici: Vec<String>,
}

/// The action requested for a management objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(
    description = "Azione richiesta: \"eliminare\" l'intero obiettivo oppure \"modificare\" con le variazioni elencate."
)]
pub enum Action {
    /// Eliminare l'intero obiettivo.
    Eliminare,
    /// Modificare l'obiettivo con le variazioni elencate.
    Modificare,
}

impl Action {
    /// The word written in `azione`: "eliminare", "modificare".
    pub fn key(self) -> &'static str {
        match self {
            Action::Eliminare => "eliminare",
            Action::Modificare => "modificare",
        }
    }
}

/// A person named in a header: either "Cognome Nome" as a table, or a free label
/// ("Tutti i Dirigenti").
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(
    description = "Una persona: `{ cognome = \"Rossi\", nome = \"Maria\" }` oppure una dicitura libera (\"Tutti i Dirigenti\")."
)]
pub enum Person {
    /// Cognome e nome separati.
    Named {
        /// Cognome (es. "D'Amico").
        cognome: String,
        /// Nome (es. "Sara").
        nome: String,
    },
    /// Una dicitura libera (es. "Tutti i P.O/Responsabili").
    Label(String),
}

/// Not written: filled in from `organizzazione.toml`, or reported by `piao check`.
impl Default for Person {
    fn default() -> Self {
        Person::Label(String::new())
    }
}

impl Person {
    /// "Cognome Nome", as the schede show it.
    pub fn display(&self) -> String {
        match self {
            Person::Named { cognome, nome } => format!("{cognome} {nome}"),
            Person::Label(s) => s.clone(),
        }
    }
    /// The surname, when the person is named.
    pub fn surname(&self) -> Option<&str> {
        match self {
            Person::Named { cognome, .. } => Some(cognome),
            Person::Label(_) => None,
        }
    }
}

/// One phase of a management objective.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Una fase di attuazione: numero, descrizione e cronoprogramma.")]
#[schemars(extend("x-taplo" = { "initKeys": ["numero", "descrizione", "cronoprogramma"] }))]
pub struct Phase {
    /// Numero della fase (1, 2, 3 … senza salti).
    #[schemars(with = "u32")]
    pub numero: Spanned<u32>,
    /// Descrizione della fase di attuazione.
    pub descrizione: String,
    /// Percentuali per mese (gennaio … dicembre), `precedenti` e anni successivi
    /// (es. `{ marzo = 50, aprile = 50 }`). Omettibile solo se una variazione ne dà uno nuovo.
    #[serde(default)]
    #[schemars(with = "Option<Schedule>")]
    pub cronoprogramma: Option<Spanned<Schedule>>,
}

/// One indicator of a management objective.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Un indicatore di performance di un obiettivo gestionale.")]
#[schemars(extend("x-taplo" = { "initKeys": ["descrizione", "atteso"] }))]
pub struct Indicator {
    /// Identificativo breve, usato dalle variazioni per riferirsi all'indicatore.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Testo dell'indicatore.
    pub descrizione: String,
    /// Valore atteso (testo libero: "100%", "entro novembre", "≥ 30 h").
    #[serde(default)]
    pub atteso: String,
    /// Valori raggiunti alle date di monitoraggio, se già rilevati.
    #[serde(default)]
    pub raggiunto: Vec<String>,
}

/// The four groups of performance indicators.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Gli indicatori di performance, nei quattro gruppi: quantita, tempo, costo, qualita."
)]
pub struct IndicatorGroups {
    /// Indici di Quantità.
    #[serde(default)]
    pub quantita: Vec<Indicator>,
    /// Indici di Tempo.
    #[serde(default)]
    pub tempo: Vec<Indicator>,
    /// Indici di Costo.
    #[serde(default)]
    pub costo: Vec<Indicator>,
    /// Indici di Qualità.
    #[serde(default)]
    pub qualita: Vec<Indicator>,
}

/// A member of staff involved in an objective.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Una persona del personale coinvolto, con la sua percentuale di partecipazione."
)]
#[schemars(extend("x-taplo" = { "initKeys": ["categoria", "nome", "partecipazione"] }))]
pub struct Staff {
    /// Categoria (es. "C", "D", "DPO", "DIRIGENTE"); omettibile se la persona è nel
    /// personale di organizzazione.toml.
    #[serde(default)]
    pub categoria: String,
    /// Cognome e nome.
    pub nome: String,
    /// Note eventuali.
    #[serde(default)]
    pub note: String,
    /// Ruolo da mostrare al posto del nome nella copia per l'albo (es. "Istruttore").
    #[serde(default)]
    pub ruolo: Option<String>,
    /// Percentuale di partecipazione (es. 70 oppure "12,5").
    #[schemars(with = "Percent")]
    pub partecipazione: Spanned<Percent>,
}

/// A resource used by an objective.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Una risorsa utilizzata dall'obiettivo, con il suo costo.")]
pub struct Resource {
    /// Tipologia (es. "Formazione").
    #[serde(default)]
    pub tipologia: String,
    /// Descrizione della risorsa.
    #[serde(default)]
    pub descrizione: String,
    /// Costo in euro (es. 1000 oppure "1000.00"), oppure "da determinare".
    #[serde(default)]
    #[schemars(with = "Option<Cost>")]
    pub costo: Option<Spanned<Cost>>,
}

/// A file in `content/gestionali/`: one management objective and its request.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Un obiettivo gestionale (un file in gestionali/): la scheda come approvata e, in fondo, le [[variazioni]] richieste."
)]
pub struct Managed {
    /// N. scheda (unico tra gli obiettivi gestionali).
    #[schemars(with = "u32")]
    pub numero: Spanned<u32>,
    /// Titolo dell'obiettivo.
    pub titolo: String,
    /// Direzione (es. "Direzione Servizi di Staff"). Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub direzione: String,
    /// Sezione (es. "Gestione risorse umane").
    pub sezione: String,
    /// Vero per un obiettivo che riguarda tutte le direzioni.
    #[serde(default)]
    pub intersettoriale: bool,
    /// Assessore di riferimento. Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub assessore: Person,
    /// Dirigente. Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub dirigente: Person,
    /// P.O. / Responsabile: il suo cognome compare nella richiesta. Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub responsabile: Person,
    /// Missione (SeS e SeO DUP).
    pub missione: String,
    /// Programma (SeO DUP).
    pub programma: String,
    /// Obiettivo strategico.
    pub obiettivo_strategico: String,
    /// Obiettivo operativo.
    pub obiettivo_operativo: String,
    /// Progetto.
    pub progetto: String,
    /// Finalità.
    pub finalita: String,
    /// Orizzonte temporale (testo libero: "2023", "2023 - 2025").
    pub orizzonte_temporale: String,
    /// Descrizione dell'obiettivo (paragrafi separati da una riga vuota; *corsivo*, **grassetto**).
    pub descrizione: String,
    /// Azione richiesta: "eliminare" o "modificare".
    #[schemars(with = "Action")]
    pub azione: Spanned<Action>,
    /// Motivazione dell'eliminazione (solo con azione = "eliminare").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub motivazione: Option<Spanned<String>>,
    /// Fasi di attuazione, numerate da 1.
    #[serde(default)]
    pub fasi: Vec<Phase>,
    /// Indicatori di performance nei quattro gruppi.
    #[serde(default)]
    pub indicatori: IndicatorGroups,
    /// Personale dirigenziale e dei livelli coinvolto.
    #[serde(default)]
    pub personale: Vec<Staff>,
    /// Risorse utilizzate.
    #[serde(default)]
    pub risorse: Vec<Resource>,
    /// Variazioni richieste: ciascuna con la sua motivazione e una o più modifiche.
    #[serde(default)]
    pub variazioni: Vec<RawGroup>,
}

/// An activity of a service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Un'attività istituzionale del servizio.")]
#[schemars(extend("x-taplo" = { "initKeys": ["testo"] }))]
pub struct Activity {
    /// Identificativo breve, usato dalle variazioni per riferirsi all'attività.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Testo dell'attività istituzionale.
    pub testo: String,
}

/// An indicator of a service, with its history and targets.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Un indicatore del servizio, con lo storico dei tre anni precedenti e i target."
)]
#[schemars(extend("x-taplo" = { "initKeys": ["descrizione", "um", "storico", "target"] }))]
pub struct ServiceIndicator {
    /// Identificativo breve, usato dalle variazioni per riferirsi all'indicatore.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Testo dell'indicatore.
    pub descrizione: String,
    /// Unità di misura (es. "%", "gg.", "n./cad.").
    #[serde(default)]
    pub um: String,
    /// Valori dei tre anni (o anni scolastici) precedenti il piano, dal più vecchio.
    #[serde(default = "empty_history")]
    #[schemars(with = "Vec<String>")]
    pub storico: Spanned<Vec<String>>,
    /// Target: un solo testo per tutti gli anni del piano, oppure uno per anno.
    #[schemars(with = "Targets")]
    pub target: Spanned<Targets>,
}

/// Targets of a service indicator: the same for every plan year, or one per year.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(
    description = "Il target: un solo testo per tutti gli anni del piano, oppure un elenco con un testo per anno."
)]
pub enum Targets {
    /// Lo stesso target per ogni anno del piano.
    Same(String),
    /// Un target per anno del piano.
    PerYear(Vec<String>),
}

/// A file in `content/istituzionali/`: one service (institutional objective).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Un obiettivo istituzionale (un file in istituzionali/): la scheda del servizio come approvata e, in fondo, le [[variazioni]] richieste."
)]
pub struct Service {
    /// N. scheda (unico tra gli obiettivi istituzionali).
    #[schemars(with = "u32")]
    pub numero: Spanned<u32>,
    /// Nome del servizio.
    pub servizio: String,
    /// Direzione. Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub direzione: String,
    /// Sezione.
    pub sezione: String,
    /// Precisazione mostrata accanto alla sezione nella scheda (es. cambi di denominazione).
    #[serde(default)]
    pub nota_sezione: Option<String>,
    /// Assessore di riferimento. Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub assessore: Person,
    /// Dirigente. Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub dirigente: Person,
    /// Responsabile: il suo cognome compare nella richiesta. Omettibile se la sezione è in organizzazione.toml.
    #[serde(default)]
    pub responsabile: Person,
    /// Funzionario, se indicato.
    #[serde(default)]
    pub funzionario: Option<Person>,
    /// Missione (SeS e SeO DUP).
    pub missione: String,
    /// Programma (SeO DUP).
    pub programma: String,
    /// Vero se gli indicatori si riferiscono ad anni scolastici (a.s. 2022/2023 …).
    #[serde(default)]
    pub anni_scolastici: bool,
    /// Attività istituzionali.
    #[serde(default)]
    pub attivita: Vec<Activity>,
    /// Indicatori con storico e target.
    #[serde(default)]
    pub indicatori: Vec<ServiceIndicator>,
    /// Variazioni richieste: ciascuna con la sua motivazione e una o più modifiche.
    #[serde(default)]
    pub variazioni: Vec<RawGroup>,
}

/// `formazione.toml`: the change to Sezione 3.3 (training plan).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "La variazione della Sezione 3.3, piano della formazione (formazione.toml): testo e tabelle dei corsi."
)]
pub struct Training {
    /// Titolo della sezione (es. "3.3 Piano triennale dei fabbisogni di personale").
    pub sezione: String,
    /// Titolo della variazione.
    pub titolo: String,
    /// Testo (paragrafi separati da una riga vuota; *corsivo*, **grassetto**).
    pub testo: String,
    /// Tabelle dei corsi.
    #[serde(default)]
    pub tabelle: Vec<CourseTable>,
}

/// A table of courses in the training plan.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Una tabella dei corsi di formazione.")]
pub struct CourseTable {
    /// Titolo della tabella (es. "Corsi trasversali a tutte le direzioni – corsi obbligatori").
    pub titolo: String,
    /// Righe della tabella.
    #[serde(default)]
    pub corsi: Vec<Course>,
}

/// One row of a table of courses.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Un corso (una riga della tabella).")]
#[schemars(extend("x-taplo" = { "initKeys": ["macroarea", "area_intervento", "aree_dipendenti", "numero_dipendenti", "motivazione"] }))]
pub struct Course {
    /// Macroarea formativa.
    pub macroarea: String,
    /// Area dell'intervento formativo.
    pub area_intervento: String,
    /// Aree dei dipendenti coinvolti.
    pub aree_dipendenti: String,
    /// Numero indicativo di dipendenti (testo libero).
    pub numero_dipendenti: String,
    /// Motivazione della richiesta di intervento.
    pub motivazione: String,
}

fn empty_history() -> Spanned<Vec<String>> {
    Spanned::new(0..0, Vec::new())
}

//! Synthetic content for benchmarks: a valid `content/` folder with N objectives.
//!
//! Shared by `examples/synth` (the command line) and `benches/pipeline.rs` (which
//! includes this file with `#[path]`). Deterministic: the same N always gives the same
//! bytes (a SplitMix64 generator seeded from N, no clock, no hash maps). The mix follows
//! the reference annex: about 56% gestionali (one in five to be eliminated) and 44%
//! istituzionali; 5-10 phases, 3-8 indicators, 2-7 people per scheda; every kind of
//! change in the catalogue appears as soon as N ≥ 20. Only characters of the bundled
//! font (Titillium Web) are written.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The first line of a generated `allegato.toml`: marks a folder that may be rewritten.
pub const MARKER: &str = "# Contenuto sintetico generato da `cargo run --example synth`";

/// Sizes that override the usual random ones, to build the largest content `check`
/// accepts in one dimension (`examples/largest.rs`). `None`: the usual mix. The random
/// draws are made all the same, so the default shape gives the same bytes as before.
#[derive(Debug, Default, Clone, Copy)]
pub struct Shape {
    /// Phases of every gestionale.
    pub phases: Option<usize>,
    /// Indicators of every gestionale and of every service.
    pub indicators: Option<usize>,
    /// Staff rows of every gestionale.
    pub staff: Option<usize>,
    /// Characters of every phase description (a long text of words).
    pub phase_chars: Option<usize>,
    /// Only gestionali (no services), e.g. to reach a total of rows with fewer schede.
    pub only_managed: bool,
}

thread_local! {
    static SHAPE: std::cell::Cell<Shape> = const { std::cell::Cell::new(Shape {
        phases: None,
        indicators: None,
        staff: None,
        phase_chars: None,
        only_managed: false,
    }) };
}

/// Sets the shape of what [`synthesize`] writes next on this thread.
pub fn set_shape(shape: Shape) {
    SHAPE.with(|s| s.set(shape));
}

fn shape() -> Shape {
    SHAPE.with(|s| s.get())
}

/// What was generated.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub managed: usize,
    pub eliminated: usize,
    pub services: usize,
    pub phases: usize,
    pub indicators: usize,
    pub changes: usize,
    /// How many changes of each `tipo` (in catalogue order).
    pub kinds: Vec<(&'static str, usize)>,
    pub bytes: usize,
    pub files: usize,
}

/// The files of a synthetic content folder, in memory (relative path, text).
pub struct Synth {
    pub files: Vec<(PathBuf, String)>,
    pub summary: Summary,
}

/// Writes the content for `n` objectives into `dir`. `dir` must be absent, empty, or a
/// folder written by this generator (its objective files are then replaced).
pub fn generate(n: usize, dir: &Path) -> io::Result<Summary> {
    prepare_dir(dir)?;
    let synth = synthesize(n);
    fs::create_dir_all(dir.join("gestionali"))?;
    fs::create_dir_all(dir.join("istituzionali"))?;
    for (path, text) in &synth.files {
        fs::write(dir.join(path), text)?;
    }
    Ok(synth.summary)
}

fn prepare_dir(dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let empty = fs::read_dir(dir)?.next().is_none();
    if empty {
        return Ok(());
    }
    let annex = fs::read_to_string(dir.join("allegato.toml")).unwrap_or_default();
    if !annex.starts_with(MARKER) {
        return Err(io::Error::other(format!(
            "`{}` non è vuota e non contiene un contenuto sintetico: scegli un'altra cartella",
            dir.display()
        )));
    }
    for sub in ["gestionali", "istituzionali"] {
        let d = dir.join(sub);
        if d.is_dir() {
            for e in fs::read_dir(&d)? {
                let p = e?.path();
                if p.extension().is_some_and(|x| x == "toml") {
                    fs::remove_file(p)?;
                }
            }
        }
    }
    Ok(())
}

// --- Random numbers -------------------------------------------------------------------

/// SplitMix64: tiny, fast, good enough for test data, and stable across platforms.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x005E_ED0F_91A0_u64)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.range(0, items.len() - 1)]
    }
    /// `k` distinct indices of `0..n`, in increasing order.
    pub fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = self.range(i, n - 1);
            all.swap(i, j);
        }
        let mut out = all[..k.min(n)].to_vec();
        out.sort_unstable();
        out
    }
}

// --- Words ------------------------------------------------------------------------------

/// Month names as the content files spell them (the library's own list).
const MONTHS: &[&str; 12] = piao::format::MONTHS;
const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const SURNAMES: &[&str] = &[
    "Rossi",
    "Bianchi",
    "Colombo",
    "Ferrari",
    "Galli",
    "Fontana",
    "Conti",
    "Marino",
    "Greco",
    "Bruno",
    "Gatti",
    "Lombardi",
    "Barbieri",
    "Moretti",
    "Testa",
    "Rinaldi",
    "Caruso",
    "Ferri",
    "Sala",
    "Villa",
    "Longhi",
    "Mariani",
    "Pellegrini",
    "Sartori",
    "D'Angelo",
    "De Luca",
    "Cattaneo",
    "Riva",
    "Brambilla",
    "Mazza",
    "Parisi",
    "Fumagalli",
];
const NAMES: &[&str] = &[
    "Maria",
    "Luca",
    "Anna",
    "Paolo",
    "Giulia",
    "Marco",
    "Sara",
    "Andrea",
    "Chiara",
    "Francesco",
    "Elena",
    "Davide",
    "Federica",
    "Stefano",
    "Laura",
    "Nicolò",
    "Silvia",
    "Matteo",
    "Valeria",
    "Giuseppe",
    "Raffaella",
    "Antonio",
    "Patrizia",
    "Lucia",
];
const DIRECTIONS: &[&str] = &[
    "Direzione Servizi di Staff",
    "Direzione Affari Generali e Servizi al Cittadino",
    "Direzione Territorio e Sviluppo Economico",
    "Direzione Servizi alla Persona",
    "Direzione Lavori Pubblici e Ambiente",
    "Direzione Polizia Locale",
    "Direzione Risorse Finanziarie",
];
const SECTIONS: &[&str] = &[
    "Gestione risorse umane",
    "Affari generali",
    "Istruzione e formazione",
    "Servizi sociali",
    "Urbanistica",
    "Edilizia privata",
    "Ambiente ed ecologia",
    "Sistemi informativi",
    "Tributi",
    "Ragioneria",
    "Cultura e sport",
    "Protocollo e archivio",
    "Verde pubblico",
    "Servizi demografici",
    "Sportello unico attività produttive",
];
const MISSIONS: &[&str] = &[
    "01 Servizi istituzionali, generali e di gestione",
    "04 Istruzione e diritto allo studio",
    "05 Tutela e valorizzazione dei beni e delle attività culturali",
    "08 Assetto del territorio ed edilizia abitativa",
    "09 Sviluppo sostenibile e tutela del territorio e dell'ambiente",
    "12 Diritti sociali, politiche sociali e famiglia",
    "14 Sviluppo economico e competitività",
];
const PROGRAMS: &[&str] = &[
    "02 Segreteria generale",
    "07 Diritto allo studio",
    "10 Risorse umane",
    "11 Altri Servizi Generali",
    "01 Urbanistica e assetto del territorio",
    "02 Tutela, valorizzazione e recupero ambientale",
    "08 Statistica e sistemi informativi",
    "04 Gestione delle entrate tributarie e servizi fiscali",
];
const ACTIONS: &[&str] = &[
    "analisi",
    "predisposizione",
    "approvazione",
    "monitoraggio",
    "verifica",
    "avvio",
    "aggiornamento",
    "revisione",
    "pubblicazione",
    "rendicontazione",
    "redazione",
    "mappatura",
    "digitalizzazione",
    "riorganizzazione",
    "attivazione",
    "definizione",
    "condivisione",
    "presentazione",
    "raccolta",
];
const OBJECTS: &[&str] = &[
    "del regolamento comunale",
    "del piano di comunicazione",
    "del bando per le associazioni",
    "delle procedure di accesso agli atti",
    "dello sportello telematico polifunzionale",
    "del censimento del verde urbano",
    "della banca dati dei contratti",
    "del patto educativo di comunità",
    "della variante al piano di governo del territorio",
    "del fascicolo elettronico del dipendente",
    "delle pratiche edilizie arretrate",
    "della carta dei servizi",
    "del sistema di gestione per la qualità",
    "dell'archivio di deposito",
    "dei procedimenti on_line",
    "delle istanze s@c",
    "del lavoro agile",
    "del nuovo contratto collettivo",
    "della mappa dei rischi corruttivi",
    "del registro dei trattamenti",
    "dei servizi per la prima infanzia",
    "della rete delle biblioteche",
    "degli impianti sportivi comunali",
];
const COMPLEMENTS: &[&str] = &[
    "con le direzioni scolastiche",
    "in collaborazione con l'Ufficio Tecnico",
    "con il supporto del Segretario Generale",
    "per tutte le direzioni dell'Ente",
    "con gli enti e le associazioni del territorio",
    "secondo le linee guida AgID",
    "nel rispetto del D.Lgs. 36/2023",
    "con cadenza trimestrale",
    "attraverso la piattaforma regionale",
    "con il coinvolgimento dei cittadini",
    "entro i termini di legge",
    "in accordo con l'Assessore di riferimento",
    "per l'anno scolastico 2023/2024",
    "con report alla Giunta",
];
const REASONS: &[&str] = &[
    "a seguito dell'entrata in vigore del nuovo codice dei contratti pubblici",
    "per la riorganizzazione degli uffici avvenuta nel corso dell'anno",
    "in considerazione dei ritardi nella fornitura della piattaforma informatica",
    "perché l'attività è già stata svolta nell'ambito di un altro obiettivo",
    "per allineare l'indicatore ai dati effettivamente rilevabili",
    "a causa della carenza di personale nella sezione",
    "in accordo con l'Assessore di riferimento",
    "poiché la Regione ha modificato le scadenze del procedimento",
    "per rendere l'indicatore più chiaro e significativo",
    "in esito al confronto con le organizzazioni sindacali",
    "non essendo più necessaria l'approvazione di un documento quadro",
    "per tenere conto dei tempi di risposta degli enti coinvolti",
];
const INDICATORS: &[&str] = &[
    "n. pratiche concluse",
    "n. incontri con le associazioni",
    "n. dipendenti formati",
    "% istanze presentate on_line",
    "tempo medio di risposta",
    "n. atti pubblicati",
    "grado di soddisfazione degli utenti",
    "n. controlli effettuati",
    "costo del servizio / popolazione",
    "n. segnalazioni gestite",
    "% procedimenti conclusi nei termini",
    "n. alberi censiti",
    "n. accessi allo sportello",
    "n. contratti repertoriati su totale contratti",
    "ore di formazione per dipendente",
];
const EXPECTED: &[&str] = &[
    "100%",
    "almeno 3",
    "entro novembre",
    "> 3 %",
    "< 2 %",
    "Min 9/anno",
    "≥ 30 h",
    "superiore a 7 su 10",
    "30.000 / 9",
    "90%",
    "10",
    "25",
    "entro il 31.12.2023",
    "0",
];
const UNITS: &[&str] = &["%", "gg.", "n./cad.", "€", "h", "n."];
const ACTIVITIES: &[&str] = &[
    "Controlli atti pre stesura contrattuale",
    "Gestione del protocollo informatico e della posta elettronica certificata",
    "Tenuta dei registri e dei repertori dell'Ente",
    "Assistenza agli organi istituzionali",
    "Gestione delle istanze di accesso civico generalizzato",
    "Rilascio di certificazioni e attestazioni",
    "Gestione delle iscrizioni ai servizi scolastici",
    "Erogazione di contributi economici alle famiglie",
    "Manutenzione ordinaria delle aree verdi",
    "Gestione del sistema di gestione per la qualità (SGQ)",
    "Supporto agli uffici per la pubblicazione in Amministrazione Trasparente",
    "Comunicazioni annuali all'anagrafe tributaria",
    "Gestione delle segnalazioni dei cittadini",
    "Istruttoria delle pratiche di edilizia privata",
];
const RESOURCE_KINDS: &[&str] = &[
    "Formazione",
    "Consulenza",
    "Software",
    "Beni",
    "Servizi",
    "",
];
const COURSES: &[&str] = &[
    "Etica pubblica",
    "Trasformazione digitale",
    "Anticorruzione e trasparenza",
    "Protezione dei dati personali",
    "Sicurezza sui luoghi di lavoro",
    "Contratti pubblici",
    "Comunicazione con i cittadini",
    "Lingua inglese",
];

// --- TOML writing ------------------------------------------------------------------------

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML multi-line string (paragraphs separated by a blank line).
fn qq(s: &str) -> String {
    format!(
        "\"\"\"\n{}\n\"\"\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The fixed organisation of a sezione: its direzione, dirigente, P.O. and assessore
/// (one P.O. per sezione, never the same for two).
struct Org {
    direction: &'static str,
    dirigente: String,
    responsabile: (&'static str, &'static str),
    assessore: String,
}

impl Org {
    fn of(section: &str) -> Org {
        let i = SECTIONS.iter().position(|s| *s == section).unwrap_or(0);
        let d = i % DIRECTIONS.len();
        Org {
            direction: DIRECTIONS[d],
            dirigente: format!(
                "{} {}",
                SURNAMES[(d * 5 + 1) % SURNAMES.len()],
                NAMES[(d * 3 + 2) % NAMES.len()]
            ),
            responsabile: (
                SURNAMES[(i * 3) % SURNAMES.len()],
                NAMES[(i * 7) % NAMES.len()],
            ),
            assessore: format!(
                "{} {}",
                SURNAMES[(i * 5 + 2) % SURNAMES.len()],
                NAMES[(i * 5 + 3) % NAMES.len()]
            ),
        }
    }
}

/// A person's category, always the same for the same name.
fn category_of(name: &str) -> &'static str {
    const CATEGORIES: [&str; 6] = ["B", "C", "C", "D", "D", "DPO"];
    let h = name
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    CATEGORIES[(h % CATEGORIES.len() as u64) as usize]
}

fn person(r: &mut Rng) -> (String, String) {
    (r.pick(SURNAMES).to_string(), r.pick(NAMES).to_string())
}

fn phrase(r: &mut Rng) -> String {
    let mut s = format!("{} {}", r.pick(ACTIONS), r.pick(OBJECTS));
    if r.chance(70) {
        s.push(' ');
        s.push_str(r.pick(COMPLEMENTS));
    }
    s
}

/// `start` followed by phrases until it is about `chars` characters long.
fn long_text(r: &mut Rng, start: &str, chars: usize) -> String {
    let mut s = start.to_string();
    while s.chars().count() + 80 < chars {
        s.push_str(", ");
        s.push_str(&phrase(r));
    }
    s
}

fn sentence(r: &mut Rng) -> String {
    let mut s = capitalize(&phrase(r));
    if r.chance(50) {
        let _ = write!(s, ", {}", r.pick(REASONS));
    }
    s.push('.');
    s
}

/// Prose: paragraphs of sentences, sometimes with *corsivo* or **grassetto**.
fn prose(r: &mut Rng, paragraphs: usize, sentences: (usize, usize)) -> String {
    let mut ps = Vec::new();
    for _ in 0..paragraphs {
        let k = r.range(sentences.0, sentences.1);
        let mut p: Vec<String> = (0..k).map(|_| sentence(r)).collect();
        if r.chance(30) {
            p.push(format!("Si veda il *{}*.", capitalize(&phrase(r))));
        }
        if r.chance(20) {
            p.push("L'attività è **prioritaria** per l'Ente.".to_string());
        }
        ps.push(p.join(" "));
    }
    ps.join("\n\n")
}

fn motivation(r: &mut Rng) -> String {
    let mut s = capitalize(r.pick(REASONS));
    if r.chance(60) {
        let _ = write!(s, ": {}", phrase(r));
    }
    if r.chance(30) {
        let _ = write!(s, ". {}", sentence(r));
    }
    s
}

/// `total` split into `k` positive integer parts (multiples of `step` when possible).
fn split(r: &mut Rng, total: u32, k: usize, step: u32) -> Vec<u32> {
    let units = (total / step) as usize;
    if k <= 1 {
        return vec![total];
    }
    if units >= k {
        let cuts = r.sample(units - 1, k - 1);
        let mut out = Vec::with_capacity(k);
        let mut prev = 0;
        for c in cuts {
            out.push((c as u32 + 1 - prev) * step);
            prev = c as u32 + 1;
        }
        out.push(total - prev * step);
        out
    } else {
        let base = total / k as u32;
        let mut out = vec![base; k];
        out[k - 1] += total - base * k as u32;
        out
    }
}

/// A cronoprogramma as a TOML inline table: (key, percentage) in order.
#[derive(Clone)]
struct Sched(Vec<(String, String)>);

impl Sched {
    fn toml(&self) -> String {
        let cells: Vec<String> = self.0.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("{{ {} }}", cells.join(", "))
    }
}

/// Months `first..=last` (0-based) of the first year sharing `total`, plus later years.
fn months_sched(r: &mut Rng, first: usize, last: usize, total: u32, later: &[(i32, u32)]) -> Sched {
    let k = last - first + 1;
    let mut cells = Vec::new();
    if total > 0 {
        if k == 8 && total == 100 && r.chance(50) {
            for name in &MONTHS[first..=last] {
                cells.push((name.to_string(), "12.5".to_string()));
            }
        } else {
            let parts = split(
                r,
                total,
                k,
                if total.is_multiple_of(5 * k as u32) {
                    5
                } else {
                    1
                },
            );
            for (i, m) in (first..=last).enumerate() {
                cells.push((MONTHS[m].to_string(), parts[i].to_string()));
            }
        }
    }
    for (y, v) in later {
        cells.push((y.to_string(), v.to_string()));
    }
    Sched(cells)
}

/// An approved cronoprogramma; returns it with its month span (0-based) in the first year.
fn approved_sched(r: &mut Rng, first_year: i32) -> (Sched, usize, usize) {
    let start = r.range(0, 10);
    let len = r.range(1, (12 - start).min(5));
    let end = start + len - 1;
    let roll = r.range(0, 99);
    if roll < 12 {
        // Continues into the next years.
        let later = 100 - 10 * r.range(3, 7) as u32;
        let s = months_sched(r, start, end, 100 - later, &[(first_year + 1, later)]);
        (s, start, end)
    } else if roll < 24 {
        // Partly done in previous years.
        let previous = 10 * r.range(2, 5) as u32;
        let mut s = months_sched(r, start, end, 100 - previous, &[]);
        s.0.insert(0, ("precedenti".to_string(), previous.to_string()));
        (s, start, end)
    } else {
        (months_sched(r, start, end, 100, &[]), start, end)
    }
}

fn date(y: i32, m0: usize) -> String {
    let mut d = MONTH_DAYS[m0];
    if m0 == 1 && y % 4 == 0 {
        d = 29;
    }
    format!("{y}-{:02}-{d:02}", m0 + 1)
}

// --- Changes -----------------------------------------------------------------------------

/// The change kinds, in the README's order.
pub const KINDS: [&str; 12] = [
    "variazione_temporale",
    "eliminare_fase",
    "sostituire_fase",
    "riformulare_fase",
    "eliminare_indicatore",
    "aggiungere_indicatore",
    "riformulare_indicatore",
    "variazione_target",
    "riformulare_attivita",
    "aggiungere_attivita",
    "eliminare_attivita",
    // Asked with a variazione_temporale that moves a phase past a "2023" horizon (not
    // drawn on its own, so that the same N gives the same draws as before).
    "variazione_orizzonte",
];
/// `variazione_orizzonte`'s place in [`KINDS`].
const HORIZON: usize = 11;
const MANAGED_KINDS: [usize; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
const SERVICE_KINDS: [usize; 7] = [4, 5, 6, 7, 8, 9, 10];

struct Counter {
    kinds: [usize; 12],
    next_managed: usize,
    next_service: usize,
}

impl Counter {
    fn add(&mut self, kind: usize) {
        self.kinds[kind] += 1;
    }
}

// --- The annex and the training plan ------------------------------------------------------

const FIRST_YEAR: i32 = 2023;
const LAST_YEAR: i32 = 2025;

fn annex(n: usize) -> String {
    format!(
        "{MARKER} con --schede {n}.\n\
         # Serve a misurare piao: non è un allegato reale.\n\n\
         ente = \"Comune di Prova Sintetica\"\n\
         anno_inizio = {FIRST_YEAR}\n\
         anno_fine = {LAST_YEAR}\n\
         data_documento = {FIRST_YEAR}-09-28\n\
         monitoraggi = [{FIRST_YEAR}-07-31, {FIRST_YEAR}-12-31]\n\n\
         [delibera]\n\
         organo = \"Giunta Comunale\"\n\n\
         [pubblicazione]\n\
         categorie_pubbliche = [\"DIRIGENTE\", \"DPO\"]\n"
    )
}

fn training(r: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    s.push_str("# Sezione 3.3 (sintetica).\n\n");
    let _ = writeln!(
        s,
        "sezione = \"3.3 Piano triennale dei fabbisogni di personale\""
    );
    let _ = writeln!(
        s,
        "titolo = \"Variazione piano della formazione del personale {FIRST_YEAR}-{LAST_YEAR}\""
    );
    let _ = writeln!(s, "testo = {}", qq(&prose(r, 3, (2, 4))));
    let tables = if n >= 50 { 2 } else { 1 };
    let rows = (n / 25).clamp(3, 40);
    for t in 0..tables {
        let _ = writeln!(s, "\n[[tabelle]]");
        let _ = writeln!(
            s,
            "titolo = {}",
            q(if t == 0 {
                "Corsi trasversali a tutte le direzioni – corsi obbligatori"
            } else {
                "Corsi specifici per direzione – corsi non obbligatori"
            })
        );
        for _ in 0..rows / tables {
            let _ = writeln!(s, "\n[[tabelle.corsi]]");
            let _ = writeln!(s, "macroarea = {}", q(r.pick(COURSES)));
            let _ = writeln!(s, "area_intervento = {}", q(&capitalize(&phrase(r))));
            let _ = writeln!(
                s,
                "aree_dipendenti = {}",
                q(if r.chance(50) {
                    "Tutte"
                } else {
                    r.pick(SECTIONS)
                })
            );
            let _ = writeln!(
                s,
                "numero_dipendenti = {}",
                q(&if r.chance(40) {
                    "Tutti i dipendenti".to_string()
                } else {
                    r.range(3, 60).to_string()
                })
            );
            let _ = writeln!(s, "motivazione = {}", q(&capitalize(r.pick(REASONS))));
        }
    }
    s
}

// --- A management objective ---------------------------------------------------------------

struct PhaseInfo {
    text: String,
    end: usize,
}

fn managed(
    r: &mut Rng,
    numero: usize,
    eliminate: bool,
    counter: &mut Counter,
) -> (String, usize, usize, usize) {
    let mut s = String::new();
    let title = capitalize(&phrase(r));
    let (rc, rn) = person(r);
    let _ = writeln!(s, "# Obiettivo gestionale n. {numero} (sintetico).\n");
    let _ = writeln!(s, "numero = {numero}");
    let _ = writeln!(s, "titolo = {}", q(&title));
    // The draws stay (the same N gives the same files as before); the organisation of
    // each sezione is fixed, so that no two schede contradict each other.
    let _ = r.pick(DIRECTIONS);
    let section = r.pick(SECTIONS);
    let org = Org::of(section);
    let _ = (person(r), person(r), (rc, rn));
    let _ = writeln!(s, "direzione = {}", q(org.direction));
    let _ = writeln!(s, "sezione = {}", q(section));
    let _ = writeln!(s, "assessore = {}", q(&org.assessore));
    let _ = writeln!(s, "dirigente = {}", q(&org.dirigente));
    let _ = writeln!(
        s,
        "responsabile = {{ cognome = {}, nome = {} }}",
        q(org.responsabile.0),
        q(org.responsabile.1)
    );
    let _ = writeln!(s, "missione = {}", q(r.pick(MISSIONS)));
    let _ = writeln!(s, "programma = {}", q(r.pick(PROGRAMS)));
    let _ = writeln!(
        s,
        "obiettivo_strategico = {}",
        q(&format!(
            "1.{:02} - {}",
            r.range(1, 20),
            capitalize(&phrase(r))
        ))
    );
    let _ = writeln!(s, "obiettivo_operativo = {}", q(&capitalize(&phrase(r))));
    let _ = writeln!(
        s,
        "progetto = {}",
        q(&format!(
            "1.{:02}.{:02} - {}",
            r.range(1, 20),
            r.range(1, 9),
            capitalize(&phrase(r))
        ))
    );
    let _ = writeln!(s, "finalita = {}", q(&capitalize(&phrase(r))));
    let horizon = if r.chance(60) { "2023" } else { "2023 - 2025" };
    let _ = writeln!(s, "orizzonte_temporale = {}", q(horizon));
    // Whether a change that moves a phase past the horizon still has to ask for it.
    let mut horizon_open = horizon == "2023";
    let paragraphs = r.range(1, 3);
    let _ = writeln!(s, "descrizione = {}", qq(&prose(r, paragraphs, (2, 4))));
    let _ = writeln!(
        s,
        "\nazione = {}",
        q(if eliminate { "eliminare" } else { "modificare" })
    );
    if eliminate {
        let _ = writeln!(s, "motivazione = {}", qq(&motivation(r)));
    }

    // Phases.
    let n_phases = r.range(5, 10);
    let n_phases = shape().phases.unwrap_or(n_phases);
    let mut phases = Vec::new();
    for i in 1..=n_phases {
        let text = phrase(r);
        let text = match shape().phase_chars {
            Some(chars) => long_text(r, &text, chars),
            None => text,
        };
        let (sched, _, end) = approved_sched(r, FIRST_YEAR);
        let _ = writeln!(
            s,
            "\n[[fasi]]\nnumero = {i}\ndescrizione = {}\ncronoprogramma = {}",
            q(&text),
            sched.toml()
        );
        phases.push(PhaseInfo { text, end });
    }

    // Indicators: 3-8 across the four groups, the first of "tempo" the usual one.
    let n_ind = r.range(3, 8);
    let n_ind = shape().indicators.unwrap_or(n_ind).max(2);
    let groups = ["quantita", "tempo", "costo", "qualita"];
    let mut per_group = [0usize; 4];
    per_group[0] = 1;
    per_group[1] = 1;
    for _ in 2..n_ind {
        let g = [0, 0, 0, 1, 2, 3][r.range(0, 5)];
        per_group[g] += 1;
    }
    // (id, group, text, expected)
    let mut indicators: Vec<(String, usize, String, String)> = Vec::new();
    for (g, count) in per_group.iter().enumerate() {
        for k in 0..*count {
            let id = format!("{}{}", ["qn", "te", "co", "ql"][g], k + 1);
            let (text, expected) = if g == 1 && k == 0 {
                ("% Rispetto fasi e tempi".to_string(), "100%".to_string())
            } else {
                (r.pick(INDICATORS).to_string(), r.pick(EXPECTED).to_string())
            };
            let _ = writeln!(
                s,
                "\n[[indicatori.{}]]\nid = {}\ndescrizione = {}\natteso = {}",
                groups[g],
                q(&id),
                q(&text),
                q(&expected)
            );
            if r.chance(30) {
                let _ = writeln!(s, "raggiunto = [{}]", q(r.pick(EXPECTED)));
            }
            indicators.push((id, g, text, expected));
        }
    }

    // Staff: 2-7 people, 100% in all.
    let n_staff = r.range(2, 7);
    let n_staff = shape().staff.unwrap_or(n_staff);
    let shares = split(r, 100, n_staff, 5);
    let mut named: Vec<String> = Vec::new();
    for (i, share) in shares.iter().enumerate() {
        let (c, nn) = person(r);
        let _ = if i == 0 && r.chance(30) {
            "DIRIGENTE"
        } else {
            r.pick(&["B", "C", "C", "D", "D", "DPO"])
        };
        // Once in a table, and always with the same category.
        let mut name = format!("{} {}", c.to_uppercase(), nn.to_uppercase());
        let mut next = NAMES.iter().position(|x| *x == nn).unwrap_or(0);
        while named.contains(&name) {
            next = (next + 1) % NAMES.len();
            name = format!("{} {}", c.to_uppercase(), NAMES[next].to_uppercase());
        }
        named.push(name.clone());
        let _ = writeln!(
            s,
            "\n[[personale]]\ncategoria = {}\nnome = {}\npartecipazione = {share}",
            q(category_of(&name)),
            q(&name)
        );
        if r.chance(20) {
            let _ = writeln!(s, "note = {}", q("part time"));
        }
        if r.chance(25) {
            let _ = writeln!(
                s,
                "ruolo = {}",
                q(r.pick(&["Istruttore", "Istruttore direttivo", "Collaboratore"]))
            );
        }
    }

    // Resources: 1-3.
    for _ in 0..r.range(1, 3) {
        let _ = writeln!(
            s,
            "\n[[risorse]]\ntipologia = {}\ndescrizione = {}",
            q(r.pick(RESOURCE_KINDS)),
            q(&capitalize(&phrase(r)))
        );
        match r.range(0, 3) {
            0 => {
                let _ = writeln!(s, "costo = \"da determinare\"");
            }
            1 => {
                let _ = writeln!(s, "costo = {}.{:02}", r.range(100, 50_000), r.range(0, 99));
            }
            2 => {
                let _ = writeln!(s, "costo = {}", r.range(1, 200) * 100);
            }
            _ => {}
        }
    }

    let mut changes = 0;
    if !eliminate {
        s.push_str("\n# --- Variazioni richieste ---\n");
        let mut touched_phase = vec![false; n_phases];
        let mut touched_ind = vec![false; indicators.len()];
        let n_groups = r.range(1, 4);
        for gi in 0..n_groups {
            let _ = writeln!(s, "\n[[variazioni]]\nmotivazione = {}", q(&motivation(r)));
            let n_changes = if r.chance(70) { 1 } else { r.range(2, 3) };
            for ci in 0..n_changes {
                // The first change of each objective goes round the catalogue, so that
                // every kind appears; the others are drawn at random.
                let want = if gi == 0 && ci == 0 {
                    let k = MANAGED_KINDS[counter.next_managed % MANAGED_KINDS.len()];
                    counter.next_managed += 1;
                    k
                } else {
                    MANAGED_KINDS[r.range(0, MANAGED_KINDS.len() - 1)]
                };
                let was_open = horizon_open;
                let kind = managed_change(
                    r,
                    &mut s,
                    want,
                    &phases,
                    &indicators,
                    &mut touched_phase,
                    &mut touched_ind,
                    &mut horizon_open,
                );
                counter.add(kind);
                changes += 1;
                if was_open && !horizon_open {
                    counter.add(HORIZON);
                    changes += 1;
                }
            }
        }
    }
    (s, n_phases, n_ind, changes)
}

fn free(r: &mut Rng, touched: &[bool]) -> Option<usize> {
    let free: Vec<usize> = (0..touched.len()).filter(|i| !touched[*i]).collect();
    if free.is_empty() {
        None
    } else {
        Some(free[r.range(0, free.len() - 1)])
    }
}

/// Writes one change of a management objective; falls back to adding an indicator when
/// the wanted kind has nothing left to touch. Returns the kind written.
#[allow(clippy::too_many_arguments)]
fn managed_change(
    r: &mut Rng,
    s: &mut String,
    want: usize,
    phases: &[PhaseInfo],
    indicators: &[(String, usize, String, String)],
    touched_phase: &mut [bool],
    touched_ind: &mut [bool],
    horizon_open: &mut bool,
) -> usize {
    s.push_str("\n[[variazioni.modifiche]]\n");
    match want {
        0..=3 => {
            if let Some(p) = free(r, touched_phase) {
                touched_phase[p] = true;
                let n = p + 1;
                let _ = writeln!(s, "tipo = {}", q(KINDS[want]));
                match want {
                    0 => {
                        // A second phase with the same new schedule, sometimes.
                        let mut list = vec![n];
                        if r.chance(25) {
                            if let Some(p2) = free(r, touched_phase) {
                                touched_phase[p2] = true;
                                list.push(p2 + 1);
                                list.sort_unstable();
                            }
                        }
                        let list: Vec<String> = list.iter().map(|x| x.to_string()).collect();
                        let _ = writeln!(s, "fasi = [{}]", list.join(", "));
                        let later = time_change(r, s, phases[p].end);
                        if later && *horizon_open {
                            // The same request asks for the horizon (after the change,
                            // with no draw of its own).
                            let _ = writeln!(
                                s,
                                "\n[[variazioni.modifiche]]\ntipo = {}\norizzonte = {}",
                                q(KINDS[HORIZON]),
                                q(&format!("{FIRST_YEAR} - {LAST_YEAR}"))
                            );
                            *horizon_open = false;
                        }
                    }
                    1 => {
                        let _ = writeln!(s, "fase = {n}");
                    }
                    2 => {
                        let _ = writeln!(s, "fase = {n}\ntesto = {}", q(&phrase(r)));
                        if r.chance(50) {
                            let start = r.range(0, 9);
                            let end = r.range(start, (start + 3).min(11));
                            let sched = months_sched(r, start, end, 100, &[]);
                            let _ = writeln!(s, "cronoprogramma = {}", sched.toml());
                        }
                    }
                    _ => {
                        let new = format!("{} {}", phases[p].text, r.pick(COMPLEMENTS));
                        let _ = writeln!(s, "fase = {n}\ntesto = {}", q(&new));
                    }
                }
                return want;
            }
            managed_change_add(r, s, indicators)
        }
        4 | 6 | 7 => {
            if let Some(i) = free(r, touched_ind) {
                touched_ind[i] = true;
                let (id, _, text, _) = &indicators[i];
                let _ = writeln!(s, "tipo = {}\nindicatore = {}", q(KINDS[want]), q(id));
                match want {
                    6 => {
                        let _ = writeln!(
                            s,
                            "testo = {}",
                            q(&format!("{text} {}", r.pick(COMPLEMENTS)))
                        );
                    }
                    7 => {
                        let _ = writeln!(s, "target = {}", q(r.pick(EXPECTED)));
                    }
                    _ => {}
                }
                return want;
            }
            managed_change_add(r, s, indicators)
        }
        _ => managed_change_add(r, s, indicators),
    }
}

fn managed_change_add(
    r: &mut Rng,
    s: &mut String,
    indicators: &[(String, usize, String, String)],
) -> usize {
    let groups = ["quantita", "tempo", "costo", "qualita"];
    let g = r.range(0, 3);
    let _ = writeln!(
        s,
        "tipo = \"aggiungere_indicatore\"\ngruppo = {}\ntesto = {}\natteso = {}",
        q(groups[g]),
        q(r.pick(INDICATORS)),
        q(r.pick(EXPECTED))
    );
    if r.chance(40) {
        if let Some((id, ..)) = indicators.iter().find(|i| i.1 == g) {
            let _ = writeln!(s, "dopo = {}", q(id));
        }
    }
    5
}

/// The fields of a "variazione_temporale" after `fasi`, for a phase that ended in month
/// `end` (0-based) of the first year.
/// Writes the new period of a variazione_temporale; true when it reaches a later year.
fn time_change(r: &mut Rng, s: &mut String, end: usize) -> bool {
    let y1 = FIRST_YEAR + 1;
    match r.range(0, 4) {
        0 if end < 10 => {
            // PROLUNGARE AL <date in the first year>.
            let new_end = r.range(end + 1, 11);
            let start = new_end.saturating_sub(r.range(1, 3)).min(new_end);
            let sched = months_sched(r, start, new_end, 100, &[]);
            let _ = writeln!(
                s,
                "variazione = \"prolungare\"\nal = {}\ncronoprogramma = {}",
                date(FIRST_YEAR, new_end),
                sched.toml()
            );
            false
        }
        1 => {
            // POSTICIPARE A 1.11 - 31.12.
            let from = r.range(8, 10);
            let sched = months_sched(r, from, 11, 100, &[]);
            let _ = writeln!(
                s,
                "variazione = \"posticipare\"\ndal = {FIRST_YEAR}-{:02}-01\nal = {FIRST_YEAR}-12-31\ncronoprogramma = {}",
                from + 1,
                sched.toml()
            );
            false
        }
        2 => {
            // POSTICIPARE AL 2024.
            let _ = writeln!(
                s,
                "variazione = \"posticipare\"\nal = {y1}\ncronoprogramma = {{ {y1} = 100 }}"
            );
            true
        }
        3 => {
            // PROLUNGARE AL 2025.
            let _ = writeln!(s, "variazione = \"prolungare\"\nal = {LAST_YEAR}\ncronoprogramma = {{ {y1} = 60, {LAST_YEAR} = 40 }}");
            true
        }
        _ => {
            // PROLUNGARE AL 31.1.2024 (a date in a later year).
            let start = end.min(9);
            let sched = months_sched(r, start, 11, 70, &[(y1, 30)]);
            let _ = writeln!(
                s,
                "variazione = \"prolungare\"\nal = {}\ncronoprogramma = {}",
                date(y1, r.range(0, 5)),
                sched.toml()
            );
            true
        }
    }
}

// --- A service ----------------------------------------------------------------------------

fn service(r: &mut Rng, numero: usize, counter: &mut Counter) -> (String, usize, usize) {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Obiettivo istituzionale (servizio) n. {numero} (sintetico).\n"
    );
    let _ = writeln!(s, "numero = {numero}");
    let _ = writeln!(s, "servizio = {}", q(&capitalize(r.pick(SECTIONS))));
    let _ = r.pick(DIRECTIONS);
    let section = r.pick(SECTIONS);
    let org = Org::of(section);
    let _ = writeln!(s, "direzione = {}", q(org.direction));
    let _ = writeln!(s, "sezione = {}", q(section));
    if r.chance(15) {
        let _ = writeln!(s, "nota_sezione = {}", q("già Sezione Affari generali"));
    }
    let _ = (person(r), person(r), person(r));
    let (rc, rn) = org.responsabile;
    let _ = writeln!(s, "assessore = {}", q(&org.assessore));
    let _ = writeln!(s, "dirigente = {}", q(&org.dirigente));
    let _ = writeln!(
        s,
        "responsabile = {{ cognome = {}, nome = {} }}",
        q(rc),
        q(rn)
    );
    if r.chance(50) {
        let _ = writeln!(s, "funzionario = {}", q(&format!("{rc} {rn}")));
    }
    let _ = writeln!(s, "missione = {}", q(r.pick(MISSIONS)));
    let _ = writeln!(s, "programma = {}", q(r.pick(PROGRAMS)));
    if r.chance(20) {
        let _ = writeln!(s, "anni_scolastici = true");
    }

    let n_act = r.range(3, 8);
    let mut acts = Vec::new();
    for i in 0..n_act {
        let id = format!("a{}", i + 1);
        let text = if r.chance(50) {
            r.pick(ACTIVITIES).to_string()
        } else {
            capitalize(&phrase(r))
        };
        let _ = writeln!(s, "\n[[attivita]]\nid = {}\ntesto = {}", q(&id), q(&text));
        acts.push((id, text));
    }
    let n_ind = r.range(3, 8);
    let n_ind = shape().indicators.unwrap_or(n_ind);
    let mut inds = Vec::new();
    for i in 0..n_ind {
        let id = format!("i{}", i + 1);
        let text = r.pick(INDICATORS).to_string();
        let um = r.pick(UNITS);
        let hist: Vec<String> = (0..3)
            .map(|_| {
                q(&format!(
                    "{}{}",
                    r.range(1, 99),
                    if um == "%" { "%" } else { "" }
                ))
            })
            .collect();
        let _ = writeln!(
            s,
            "\n[[indicatori]]\nid = {}\ndescrizione = {}\num = {}\nstorico = [{}]",
            q(&id),
            q(&text),
            q(um),
            hist.join(", ")
        );
        if r.chance(40) {
            let t: Vec<String> = (0..3).map(|_| q(r.pick(EXPECTED))).collect();
            let _ = writeln!(s, "target = [{}]", t.join(", "));
        } else {
            let _ = writeln!(s, "target = {}", q(r.pick(EXPECTED)));
        }
        inds.push((id, text));
    }

    s.push_str("\n# --- Variazioni richieste ---\n");
    let mut touched_act = vec![false; n_act];
    let mut touched_ind = vec![false; n_ind];
    let mut changes = 0;
    for gi in 0..r.range(1, 3) {
        let _ = writeln!(s, "\n[[variazioni]]\nmotivazione = {}", q(&motivation(r)));
        let n_changes = if r.chance(60) { 1 } else { r.range(2, 3) };
        for ci in 0..n_changes {
            let want = if gi == 0 && ci == 0 {
                let k = SERVICE_KINDS[counter.next_service % SERVICE_KINDS.len()];
                counter.next_service += 1;
                k
            } else {
                SERVICE_KINDS[r.range(0, SERVICE_KINDS.len() - 1)]
            };
            s.push_str("\n[[variazioni.modifiche]]\n");
            let kind = match want {
                4 | 6 | 7 => match free(r, &touched_ind) {
                    Some(i) => {
                        touched_ind[i] = true;
                        let _ = writeln!(
                            s,
                            "tipo = {}\nindicatore = {}",
                            q(KINDS[want]),
                            q(&inds[i].0)
                        );
                        if want == 6 {
                            let _ = writeln!(
                                s,
                                "testo = {}",
                                q(&format!("{} {}", inds[i].1, r.pick(COMPLEMENTS)))
                            );
                        } else if want == 7 {
                            let _ = writeln!(s, "target = {}", q(r.pick(EXPECTED)));
                        }
                        want
                    }
                    None => service_add_activity(r, &mut s, &acts),
                },
                8 | 10 => match free(r, &touched_act) {
                    Some(i) => {
                        touched_act[i] = true;
                        let _ =
                            writeln!(s, "tipo = {}\nattivita = {}", q(KINDS[want]), q(&acts[i].0));
                        if want == 8 {
                            let _ = writeln!(
                                s,
                                "testo = {}",
                                q(&format!("{} {}", acts[i].1, r.pick(COMPLEMENTS)))
                            );
                        }
                        want
                    }
                    None => service_add_activity(r, &mut s, &acts),
                },
                5 => {
                    let _ = writeln!(
                        s,
                        "tipo = \"aggiungere_indicatore\"\ntesto = {}\num = {}",
                        q(r.pick(INDICATORS)),
                        q(r.pick(UNITS))
                    );
                    let _ = writeln!(
                        s,
                        "storico = [\"-\", \"-\", \"-\"]\ntarget = {}",
                        q(r.pick(EXPECTED))
                    );
                    if r.chance(50) {
                        let _ = writeln!(s, "dopo = {}", q(&inds[r.range(0, n_ind - 1)].0));
                    }
                    5
                }
                _ => service_add_activity(r, &mut s, &acts),
            };
            counter.add(kind);
            changes += 1;
        }
    }
    (s, n_ind, changes)
}

fn service_add_activity(r: &mut Rng, s: &mut String, acts: &[(String, String)]) -> usize {
    let _ = writeln!(
        s,
        "tipo = \"aggiungere_attivita\"\ntesto = {}",
        q(&capitalize(&phrase(r)))
    );
    if r.chance(50) {
        let _ = writeln!(s, "dopo = {}", q(&acts[r.range(0, acts.len() - 1)].0));
    }
    9
}

// --- The whole folder ---------------------------------------------------------------------

/// The content for `n` objectives, in memory.
pub fn synthesize(n: usize) -> Synth {
    let mut r = Rng::new(n as u64);
    let n_managed = if n <= 1 || shape().only_managed {
        n
    } else {
        ((n * 56) / 100).max(1)
    };
    let n_services = n - n_managed;
    let mut counter = Counter {
        kinds: [0; 12],
        next_managed: 0,
        next_service: 0,
    };
    let mut files = Vec::new();
    let mut summary = Summary {
        managed: n_managed,
        services: n_services,
        ..Summary::default()
    };
    files.push((PathBuf::from("allegato.toml"), annex(n)));
    files.push((PathBuf::from("formazione.toml"), training(&mut r, n)));
    for i in 0..n_managed {
        let numero = i + 1;
        // One in five is to be eliminated (the second of every five).
        let eliminate = i % 5 == 1;
        let (text, phases, inds, changes) = managed(&mut r, numero, eliminate, &mut counter);
        summary.eliminated += eliminate as usize;
        summary.phases += phases;
        summary.indicators += inds;
        summary.changes += changes;
        let slug = slug_of(&text);
        files.push((
            PathBuf::from(format!("gestionali/g{numero:04}-{slug}.toml")),
            text,
        ));
    }
    for i in 0..n_services {
        let numero = i + 1;
        let (text, inds, changes) = service(&mut r, numero, &mut counter);
        summary.indicators += inds;
        summary.changes += changes;
        let slug = slug_of(&text);
        files.push((
            PathBuf::from(format!("istituzionali/i{numero:04}-{slug}.toml")),
            text,
        ));
    }
    summary.kinds = KINDS.iter().copied().zip(counter.kinds).collect();
    summary.bytes = files.iter().map(|(_, t)| t.len()).sum();
    summary.files = files.len();
    Synth { files, summary }
}

/// A short file-name slug from the `titolo`/`servizio` line of a generated file.
fn slug_of(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.starts_with("titolo = ") || l.starts_with("servizio = "))
        .unwrap_or("");
    let value = line
        .split_once(" = ")
        .map(|x| x.1)
        .unwrap_or("")
        .trim_matches('"');
    let mut out = String::new();
    for c in value.chars() {
        let c = match c {
            'à' => 'a',
            'è' | 'é' => 'e',
            'ì' => 'i',
            'ò' => 'o',
            'ù' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 32 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

//! `piao new`: a new objective file with every field in place, commented, ready to fill.
//!
//! Text fields to fill are empty strings (`""`): `piao check` names each one still empty.
//! Optional fields and the other kinds of change are there too, commented out. The file
//! starts with a `#:schema` line, so that an editor with TOML support completes keys and
//! explains them. An existing file is never overwritten.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::*;
use crate::change::reword_activity::RewordActivity;
use crate::change::reword_phase::RewordPhase;
use crate::change::{Kind, Spec, SPECS};

/// The change a new scheda starts with, written out (the others are commented).
const REWORD_PHASE: Spec = <RewordPhase as Kind>::SPEC;
const REWORD_ACTIVITY: Spec = <RewordActivity as Kind>::SPEC;
use crate::cli::NewKind;
use crate::model::schema;

pub fn run(
    dir: &Path,
    kind: NewKind,
    number: Option<u32>,
    title: Option<&str>,
    sezione: Option<&str>,
    quiet: bool,
) -> i32 {
    if !dir.is_dir() {
        return fail_io(&format!(
            "la cartella dei contenuti `{}` non esiste: indica quella giusta con --contenuti",
            dir.display()
        ));
    }
    let (folder, letter, schema_name, fallback) = match kind {
        NewKind::Gestionale => (load::MANAGED_DIR, 'g', "gestionale.json", "nuovo-obiettivo"),
        NewKind::Istituzionale => (
            load::SERVICES_DIR,
            'i',
            "istituzionale.json",
            "nuovo-servizio",
        ),
    };
    let folder = dir.join(folder);
    let used = match used_numbers(&folder) {
        Ok(u) => u,
        Err(e) => return fail_io(&e),
    };
    let number = match number {
        Some(n) => {
            if let Some((_, file)) = used.iter().find(|(u, _)| *u == n) {
                return fail_io(&format!(
                    "il N. scheda {n} è già usato da `{}`: scegli un altro --numero (il primo libero è {})",
                    file.display(),
                    next_free(&used)
                ));
            }
            n
        }
        None => next_free(&used),
    };
    let title = title.map(str::trim).unwrap_or("");
    let stem = match slug(title) {
        s if s.is_empty() => format!("{letter}{number:02}-{fallback}"),
        s => format!("{letter}{number:02}-{s}"),
    };
    let path = folder.join(format!("{stem}.toml"));
    if path.exists() {
        return fail_io(&format!(
            "il file `{}` esiste già: non lo sovrascrivo",
            path.display()
        ));
    }
    let schema_file = schema::FILES
        .iter()
        .find(|f| f.name == schema_name)
        .expect("a schema for every kind");
    let text = match kind {
        NewKind::Gestionale => managed_template(number, title, schema_file),
        NewKind::Istituzionale => service_template(number, title, schema_file),
    };
    let (text, unknown) = match sezione {
        Some(name) => with_section(&text, dir, name.trim()),
        None => (text, None),
    };
    if let Some(message) = unknown {
        crate::errln!("piao new: attenzione: {message}");
    }
    if let Err(e) = create_new(&path, &text) {
        return fail_io(&e);
    }
    if !quiet {
        let short = crate::view::short_name(letter, number);
        crate::errln!(
            "piao new: creato {}\n  compila i campi vuoti (\"\"), poi: piao check, piao preview {short} (o piao watch {short})",
            path.display()
        );
        let schema_path = folder
            .join("../..")
            .join(schema::SCHEMA_DIR)
            .join(schema_name);
        if !schema_path.is_file() {
            let beside = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.join(schema::SCHEMA_DIR),
                _ => Path::new(schema::SCHEMA_DIR).to_path_buf(),
            };
            crate::errln!(
                "  per l'aiuto dell'editor serve lo schema accanto ai contenuti: piao schema --uscita {}",
                beside.display()
            );
        }
    }
    OK
}

/// The template with its `sezione` written and, when the organisation file knows the
/// sezione, the facts it gives left out (shown commented, to restate only on purpose).
/// The second value says why nothing could be taken from the organisation.
pub(crate) fn with_section(text: &str, dir: &Path, name: &str) -> (String, Option<String>) {
    let mut sources = crate::diag::Sources::default();
    let mut report = crate::diag::Report::default();
    let org = load::load_organisation(dir, &mut sources, &mut report);
    let found = org.as_ref().and_then(|o| o.data.section(name));
    let why = match (&org, found) {
        (_, Some(_)) => None,
        (None, _) if report.errors() > 0 => Some(format!(
            "`{}` ha errori (vedi piao check): direzione, dirigente, responsabile e assessore restano da compilare",
            load::ORGANISATION_FILE
        )),
        (None, _) => Some(format!(
            "non c'è `{}`: direzione, dirigente, responsabile e assessore restano da compilare",
            load::ORGANISATION_FILE
        )),
        (Some(o), None) => {
            let all: Vec<&str> = o.data.sections().map(|s| s.section.nome.as_str()).collect();
            Some(match crate::diag::suggest(name, all.iter().copied()) {
                Some(s) => format!(
                    "la sezione «{name}» non è in `{}`: forse «{s}»?",
                    load::ORGANISATION_FILE
                ),
                None => format!(
                    "la sezione «{name}» non è in `{}`: direzione, dirigente, responsabile e assessore restano da compilare",
                    load::ORGANISATION_FILE
                ),
            })
        }
    };
    let person = |p: Option<&crate::model::Person>| match p {
        Some(crate::model::Person::Named { cognome, nome }) => {
            format!(
                "{{ cognome = {}, nome = {} }}",
                crate::diag::typed(cognome),
                crate::diag::typed(nome)
            )
        }
        Some(crate::model::Person::Label(l)) => crate::diag::typed(l),
        None => String::new(),
    };
    let given: Vec<(&str, String)> = match found {
        Some(s) => vec![
            ("direzione", crate::diag::typed(&s.direction.nome)),
            ("assessore", person(s.section.assessore.as_ref())),
            ("dirigente", person(s.dirigente())),
            ("responsabile", person(s.section.responsabile.as_ref())),
        ],
        None => Vec::new(),
    };
    let shown = found.map_or(name, |s| s.section.nome.as_str());
    let mut out = String::new();
    let mut header = true;
    for line in text.lines() {
        let key = line.split(" = ").next().unwrap_or("");
        if header && key == "sezione" {
            out.push_str(&format!(
                "sezione = {}
",
                crate::diag::typed(shown)
            ));
            if found.is_some() {
                out.push_str(&format!(
                    "# Dalla sezione in {} (da scrivere qui solo per fare eccezione):
",
                    load::ORGANISATION_FILE
                ));
                for (k, v) in given.iter().filter(|(_, v)| !v.is_empty()) {
                    out.push_str(&format!(
                        "# {k} = {v}
"
                    ));
                }
            }
            continue;
        }
        if let Some((_, v)) = given.iter().find(|(k, _)| header && *k == key) {
            // Given by the organisation: left out (it is listed under `sezione`).
            if !v.is_empty() {
                continue;
            }
        }
        if line.starts_with("missione") {
            header = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    (out, why)
}

/// Writes a file that must not exist yet (never replaces one, even in a race).
fn create_new(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| crate::io_message::describe(&e, parent, "creare la cartella"))?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "il file `{}` esiste già: non lo sovrascrivo",
                path.display()
            ),
            _ => crate::io_message::describe(&e, path, "creare il file"),
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| crate::io_message::describe(&e, path, "scrivere il file"))
}

/// The N. scheda of each file of a folder: its `numero`, or else the digits of its name
/// (a file being written may not parse yet, but its number is taken all the same).
pub(crate) fn used_numbers(folder: &Path) -> Result<Vec<(u32, std::path::PathBuf)>, String> {
    let files = load::toml_files(folder).map_err(|e| e.0)?;
    Ok(files
        .into_iter()
        .filter_map(|path| {
            let from_text = fs::read_to_string(&path)
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok())
                .and_then(|t| t.get("numero").and_then(|n| n.as_integer()))
                .and_then(|n| u32::try_from(n).ok());
            let from_name = || {
                let stem = path.file_stem()?.to_str()?;
                let digits: String = stem
                    .chars()
                    .skip_while(|c| !c.is_ascii_digit())
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                digits.parse().ok()
            };
            let n = from_text.or_else(from_name)?;
            Some((n, path))
        })
        .collect())
}

pub(crate) fn next_free(used: &[(u32, std::path::PathBuf)]) -> u32 {
    used.iter().map(|(n, _)| n + 1).max().unwrap_or(1)
}

/// An example value of a key of a change, and what to say about it, for the catalogue.
/// A commented `key = value` line, its note aligned with the rest of the file's.
fn commented(key: &str, value: &str, note: &str) -> String {
    let line = format!("# {key} = {value}");
    if note.is_empty() {
        format!("{line}\n")
    } else {
        format!("{line:<33} # {note}\n")
    }
}

/// Every kind of change an objective of this kind may use, commented out, with the
/// fields, examples and docs of the change catalogue (`crate::change`).
fn change_catalogue(managed: bool, skip: &str) -> String {
    let mut out = String::from(
        "# Gli altri tipi di modifica, con i loro campi (togli i \"# \" per usarne uno):\n",
    );
    for k in SPECS {
        if !k.scope.admits(managed) || k.name == skip {
            continue;
        }
        out.push_str(&format!("#\n# [[variazioni.modifiche]]   # {}\n", k.doc));
        out.push_str(&format!("# tipo = \"{}\"\n", k.name));
        for f in k.fields_for(managed) {
            let note = if f.required {
                f.doc.to_string()
            } else {
                format!("facoltativo: {}", f.doc)
            };
            out.push_str(&commented(f.key, f.example, &note));
        }
    }
    out
}

/// The end of a new objective's file: one variation with one change of kind `first`
/// (its target given by `target`, a `key = value` line), then the other kinds of change
/// of the catalogue, commented out.
fn variations(first: Spec, target: &str, managed: bool) -> String {
    format!(
        r##"# --- Variazioni richieste --------------------------------------------------------------
# Ogni [[variazioni]] ha la sua motivazione e una o più [[variazioni.modifiche]]; il
# `tipo` dice quali altri campi servono.

[[variazioni]]
motivazione = ""

[[variazioni.modifiche]]
tipo = "{first_kind}"
{target}
testo = ""

{catalogue}"##,
        first_kind = first.name,
        catalogue = change_catalogue(managed, first.name),
    )
}

pub(crate) fn managed_template(
    number: u32,
    title: &str,
    schema_file: &schema::SchemaFile,
) -> String {
    format!(
        r##"{directive}

# Obiettivo gestionale n. {number}: la scheda come approvata e, in fondo, le variazioni
# richieste. Compila i campi vuoti (""): `piao check` dice quali mancano ancora, e
# `piao preview g{number:02}` mostra la scheda. I campi preceduti da "# " sono facoltativi.

numero = {number}
titolo = {title}
direzione = ""                    # es. "Direzione Servizi di Staff"
sezione = ""                      # es. "Gestione risorse umane"
# intersettoriale = true          # per un obiettivo che riguarda tutte le direzioni
assessore = ""                    # "Cognome Nome", oppure {{ cognome = "…", nome = "…" }}
dirigente = ""
responsabile = {{ cognome = "", nome = "" }}
missione = ""                     # es. "04 Istruzione e diritto allo studio"
programma = ""                    # es. "07 Diritto allo studio"
obiettivo_strategico = ""
obiettivo_operativo = ""
progetto = ""
finalita = ""
orizzonte_temporale = ""          # es. "2023" oppure "2023 - 2025"
# Paragrafi separati da una riga vuota; *corsivo*, **grassetto**. Per più righe usa """…""".
descrizione = ""

# "modificare" (con le [[variazioni]] in fondo) oppure "eliminare" (con la motivazione
# qui sotto, e senza [[variazioni]]).
azione = "modificare"
# motivazione = ""

# --- Fasi di attuazione: fino a 10, numerate 1, 2, 3 … ---------------------------------

[[fasi]]
numero = 1
descrizione = ""
# Percentuali per mese (gennaio … dicembre), `precedenti` e anni successivi: il totale
# fa 100. Es. {{ marzo = 50, aprile = 50 }}, {{ precedenti = 40, novembre = 30, 2024 = 30 }}.
cronoprogramma = {{}}

# --- Indicatori di performance: gruppi quantita, tempo, costo, qualita ------------------

[[indicatori.quantita]]
id = "indicatore-1"               # per riferirsi all'indicatore in una variazione
descrizione = ""
atteso = ""                       # testo libero: "100%", "entro novembre", "≥ 30 h"
# raggiunto = ["", ""]            # i valori alle date di monitoraggio, se rilevati

[[indicatori.tempo]]
descrizione = "% Rispetto fasi e tempi"
atteso = "100%"

# [[indicatori.costo]]
# descrizione = ""
# atteso = ""

# [[indicatori.qualita]]
# descrizione = ""
# atteso = ""

# --- Personale coinvolto: le % di partecipazione fanno 100 ------------------------------

[[personale]]
categoria = ""                    # es. "C", "D", "DIRIGENTE"
nome = ""                         # COGNOME NOME
# note = ""
# ruolo = ""                      # al posto del nome nella copia per l'albo (es. "Istruttore")
partecipazione = 100

# --- Risorse utilizzate ----------------------------------------------------------------

# [[risorse]]
# tipologia = ""                  # es. "Formazione"
# descrizione = ""
# costo = 1000                    # oppure "1.000,00", oppure "da determinare"

{variations}"##,
        directive = schema::directive(schema_file, 1),
        title = crate::diag::typed(title),
        variations = variations(REWORD_PHASE, "fase = 1", true),
    )
}

pub(crate) fn service_template(
    number: u32,
    title: &str,
    schema_file: &schema::SchemaFile,
) -> String {
    format!(
        r##"{directive}

# Obiettivo istituzionale (servizio) n. {number}: la scheda come approvata e, in fondo, le
# variazioni richieste. Compila i campi vuoti (""): `piao check` dice quali mancano
# ancora, e `piao preview i{number:02}` mostra la scheda. I campi preceduti da "# " sono
# facoltativi.

numero = {number}
servizio = {title}
direzione = ""
sezione = ""
# nota_sezione = ""               # precisazione accanto alla sezione (es. cambi di denominazione)
assessore = ""                    # "Cognome Nome", oppure {{ cognome = "…", nome = "…" }}
dirigente = ""
responsabile = {{ cognome = "", nome = "" }}
# funzionario = ""
missione = ""                     # es. "01 Servizi istituzionali, generali e di gestione"
programma = ""                    # es. "11 Altri Servizi Generali"
# anni_scolastici = true          # se gli indicatori si riferiscono ad anni scolastici

# --- Attività istituzionali ------------------------------------------------------------

[[attivita]]
id = "attivita-1"                 # per riferirsi all'attività in una variazione
testo = ""

# --- Indicatori ------------------------------------------------------------------------

[[indicatori]]
id = "indicatore-1"               # per riferirsi all'indicatore in una variazione
descrizione = ""
um = ""                           # unità di misura: "%", "gg.", "n./cad."
storico = ["", "", ""]            # i tre anni precedenti il piano, dal più vecchio
target = ""                       # uguale per tutti gli anni, oppure uno per anno: ["", "", ""]

{variations}"##,
        directive = schema::directive(schema_file, 1),
        title = crate::diag::typed(title),
        variations = variations(REWORD_ACTIVITY, "attivita = \"attivita-1\"", false),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_name_every_kind_of_change() {
        let file = &schema::FILES[0];
        for (text, managed) in [
            (managed_template(7, "Prova \"x\"", file), true),
            (service_template(7, "", file), false),
        ] {
            let table: toml::Table = text.parse().expect("the template is valid TOML");
            assert_eq!(table["numero"].as_integer(), Some(7));
            for k in SPECS.iter().filter(|k| k.scope.admits(managed)) {
                assert!(
                    text.contains(&format!("tipo = \"{}\"", k.name)),
                    "{}",
                    k.name
                );
            }
        }
    }

    #[test]
    fn next_number_follows_the_highest() {
        assert_eq!(next_free(&[]), 1);
        let used = vec![(6, "a".into()), (24, "b".into()), (8, "c".into())];
        assert_eq!(next_free(&used), 25);
    }
}

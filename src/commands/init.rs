//! `piao init`: a new content folder that `piao check` accepts as it is: `allegato.toml`
//! and `organizzazione.toml` with every field in place and commented, empty
//! `gestionali/` and `istituzionali/`, a short `LEGGIMI.txt`, and the JSON schemas
//! beside the folder (when there are none yet) for the files' `#:schema` lines.
//!
//! The ente and the plan's years come from the flags; on a terminal, what is missing is
//! asked for; otherwise a missing flag is an error that names it. Nothing that exists is
//! ever overwritten: the run refuses before writing anything.

use std::fs;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::*;
use crate::model::schema::{self, SCHEMA_DIR};

/// What `piao init` needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub ente: String,
    pub first: i32,
    pub last: i32,
}

/// The flags of `piao init`, as given.
pub struct Given<'a> {
    pub folder: Option<&'a Path>,
    pub ente: Option<&'a str>,
    pub first: Option<i32>,
    pub last: Option<i32>,
}

pub fn run(given: Given, quiet: bool) -> i32 {
    let dir = given.folder.unwrap_or(Path::new("content"));
    let files = layout(dir);
    if let Err(e) = refuse_existing(dir, &files) {
        return fail_io(&e);
    }
    let answers = if std::io::stdin().is_terminal() {
        ask(&given)
    } else {
        from_flags(&given)
    };
    let answers = match answers {
        Ok(a) => a,
        Err(e) => return fail_io(&e),
    };
    let today = today();
    if let Err(e) = write(dir, &files, &answers, today) {
        return fail_io(&e);
    }
    let schemas = schema_folder(dir);
    let wrote_schemas = !schemas.exists() && write_schemas(&schemas).is_ok();
    if !quiet {
        crate::errln!(
            "piao init: creata la cartella dei contenuti {} (allegato.toml, organizzazione.toml, gestionali/, istituzionali/, LEGGIMI.txt)",
            dir.display()
        );
        if wrote_schemas {
            crate::errln!("  e gli schemi per l'editor in {}", schemas.display());
        }
        crate::errln!(
            "  poi: piao new gestionale --contenuti {0} (un obiettivo per file), piao check --contenuti {0}",
            dir.display()
        );
    }
    OK
}

/// The folder's entries `piao init` writes, and what each holds (`None`: a folder).
fn layout(dir: &Path) -> Vec<(std::path::PathBuf, Option<&'static str>)> {
    vec![
        (dir.join(load::ANNEX_FILE), Some("allegato")),
        (dir.join(load::ORGANISATION_FILE), Some("organizzazione")),
        (dir.join(load::MANAGED_DIR), None),
        (dir.join(load::SERVICES_DIR), None),
        (dir.join(README_FILE), Some("leggimi")),
    ]
}

/// The notes for the people who keep the folder.
const README_FILE: &str = "LEGGIMI.txt";

/// Refuses a folder where anything `piao init` would write is already there (or that
/// is a file).
fn refuse_existing(
    dir: &Path,
    files: &[(std::path::PathBuf, Option<&'static str>)],
) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "`{}` esiste e non è una cartella: indica il nome di una cartella nuova",
            dir.display()
        ));
    }
    let present: Vec<String> = files
        .iter()
        .filter(|(p, _)| fs::symlink_metadata(p).is_ok())
        .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if present.is_empty() {
        return Ok(());
    }
    Err(format!(
        "nella cartella `{}` ci sono già {}: non sovrascrivo nulla; indica una cartella nuova (piao init ALTRA-CARTELLA)",
        dir.display(),
        present
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The answers from the flags alone (no terminal to ask on): every missing flag named.
fn from_flags(given: &Given) -> Result<Answers, String> {
    let mut missing = Vec::new();
    let ente = given.ente.map(str::trim).filter(|e| !e.is_empty());
    if ente.is_none() {
        missing.push("--ente \"Comune di …\"");
    }
    if given.first.is_none() {
        missing.push("--anno-inizio 2025");
    }
    if given.last.is_none() {
        missing.push("--anno-fine 2027");
    }
    match (ente, given.first, given.last) {
        (Some(ente), Some(first), Some(last)) => answers(ente, first, last),
        _ => Err(format!(
            "mancano dei dati e non c'è un terminale per chiederli: indica {} (per esempio: piao init --ente \"Comune di Valbruna\" --anno-inizio 2025 --anno-fine 2027)",
            missing.join(", ")
        )),
    }
}

fn answers(ente: &str, first: i32, last: i32) -> Result<Answers, String> {
    if last < first {
        return Err(format!(
            "l'ultimo anno del piano ({last}) viene prima del primo ({first})"
        ));
    }
    Ok(Answers {
        ente: ente.to_string(),
        first,
        last,
    })
}

/// Asks on the terminal for what the flags did not give.
fn ask(given: &Given) -> Result<Answers, String> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut prompt = |question: &str| -> Result<String, String> {
        crate::errp!("{question}: ");
        match lines.next() {
            Some(Ok(line)) => Ok(line.trim().to_string()),
            _ => Err("nessuna risposta: nessun file scritto".to_string()),
        }
    };
    let ente = match given.ente.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => e.to_string(),
        None => loop {
            let e = prompt("Nome dell'ente, come sul frontespizio (es. Comune di Valbruna)")?;
            if !e.is_empty() {
                break e;
            }
        },
    };
    let mut year = |question: &str, default: Option<i32>| -> Result<i32, String> {
        loop {
            let q = match default {
                Some(d) => format!("{question} [{d}]"),
                None => question.to_string(),
            };
            let answer = prompt(&q)?;
            if answer.is_empty() {
                if let Some(d) = default {
                    return Ok(d);
                }
                continue;
            }
            match crate::cli::year(&answer) {
                Ok(y) => return Ok(y),
                Err(e) => crate::errln!("  {e}"),
            }
        }
    };
    let first = match given.first {
        Some(y) => y,
        None => year("Primo anno del piano (es. 2025)", None)?,
    };
    let last = match given.last {
        Some(y) => y,
        None => year("Ultimo anno del piano", Some(first + 2))?,
    };
    answers(&ente, first, last)
}

/// Today (UTC), for the provisional document date.
fn today() -> chrono::NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .expect("a valid date")
        .checked_add_days(chrono::Days::new(days))
        .unwrap_or_default()
}

/// Creates the folder and its entries; a file is never replaced (`create_new`).
fn write(
    dir: &Path,
    files: &[(std::path::PathBuf, Option<&'static str>)],
    a: &Answers,
    today: chrono::NaiveDate,
) -> Result<(), String> {
    fs::create_dir_all(dir)
        .map_err(|e| crate::io_message::describe(&e, dir, "creare la cartella"))?;
    for (path, what) in files {
        let text = match what {
            None => {
                fs::create_dir(path)
                    .map_err(|e| crate::io_message::describe(&e, path, "creare la cartella"))?;
                continue;
            }
            Some("allegato") => annex_template(a, today),
            Some("organizzazione") => organisation_template(),
            Some(_) => readme(a, dir),
        };
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| crate::io_message::describe(&e, path, "creare il file"))?;
        f.write_all(text.as_bytes())
            .map_err(|e| crate::io_message::describe(&e, path, "scrivere il file"))?;
    }
    Ok(())
}

/// Where the `#:schema` lines of the folder's files look: `schema/` beside it.
fn schema_folder(dir: &Path) -> std::path::PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(SCHEMA_DIR),
        _ => Path::new(SCHEMA_DIR).to_path_buf(),
    }
}

fn write_schemas(dir: &Path) -> Result<(), String> {
    for file in schema::FILES {
        publish::write_atomic(&dir.join(file.name), file.json().as_bytes())?;
    }
    Ok(())
}

fn schema_line(name: &str) -> String {
    let file = schema::FILES
        .iter()
        .find(|f| f.name == name)
        .expect("a schema for every content file");
    schema::directive(file, 0)
}

/// `allegato.toml`: the ente and the years given, a provisional document date, and
/// every other field explained (the optional ones commented out).
pub fn annex_template(a: &Answers, today: chrono::NaiveDate) -> String {
    let first = a.first;
    format!(
        r##"{directive}

# L'allegato: l'ente, gli anni del piano, le date. Gli obiettivi vanno nelle cartelle
# gestionali/ e istituzionali/, un file per obiettivo (piao new gestionale, piao new
# istituzionale). Le righe che cominciano con "# " sono facoltative o spiegazioni: per
# usare un campo facoltativo togli il "# " davanti.

# Il nome dell'ente, come va stampato sul frontespizio.
ente = {ente}
# provincia = "Provincia di …"            # sotto il nome dell'ente, nel frontespizio
# stemma = {{ file = "stemma.png", descrizione = "Stemma del …" }}   # PNG, JPEG o SVG in questa cartella (al massimo 512 kB)
# titolo = "Variazione n. 1 al PIAO {first}-{last}"   # senza: il titolo è composto dagli anni; dà il nome al PDF
# numero_variazione = 1                   # se il piano ha più di una variazione

# Il piano triennale a cui si riferisce la variazione.
anno_inizio = {first}
anno_fine = {last}

# La data del documento (anno-mese-giorno). Qui c'è la data in cui la cartella è stata
# creata, segnata come provvisoria: resta nei metadati del PDF ma non si stampa. Quando
# la deliberazione è adottata, scrivi la sua data e togli la riga
# data_documento_provvisoria.
data_documento = {today}
data_documento_provvisoria = true

# Le date di monitoraggio, nel primo anno del piano: danno le colonne "RAGGIUNTO al …"
# degli indicatori e i target del cronoprogramma. Queste sono le più comuni: scrivi
# quelle del vostro ente (es. {first}-09-30).
monitoraggi = [{first}-07-31, {first}-12-31]

[delibera]
# L'organo che delibera la variazione.
organo = "Giunta Comunale"
# numero = "…"                            # senza: "n. ______" da compilare a mano
# data = {first}-10-21                      # senza: "del __________" da compilare a mano

[pubblicazione]
# Nella copia per l'albo pretorio (piao build --profilo albo) i nomi del personale sono
# sostituiti dal ruolo o dalla categoria, tranne quelli di queste categorie e questi nomi.
# categorie_pubbliche = ["DIRIGENTE"]
# nomi_pubblici = ["ROSSI MARIA"]
"##,
        directive = schema_line("allegato.json"),
        ente = crate::diag::typed(&a.ente),
        last = a.last,
    )
}

/// `organizzazione.toml`: every field, commented out (the file is optional, and an
/// organisation of examples would be a guess).
pub fn organisation_template() -> String {
    format!(
        r##"{directive}

# L'organizzazione dell'ente, scritta una volta sola: direzioni, sezioni, dirigenti,
# P.O., assessori e il personale con la sua categoria. Una scheda che indica solo la
# `sezione` prende da qui direzione, dirigente, responsabile e assessore, e una riga del
# personale la categoria. Il file è facoltativo: così com'è non dice nulla. Per usarlo
# togli il "# " davanti alle righe e scrivi i nomi del vostro ente.

# Il personale, ciascuno con la sua categoria (nelle schede basta il nome).
# personale = [
#     {{ nome = "ROSSI MARIA", categoria = "D" }},
#     {{ nome = "BIANCHI LUCA", categoria = "C" }},
# ]

# Una direzione, con il suo dirigente; ripeti il blocco per ogni direzione.
# [[direzioni]]
# nome = "Direzione Servizi di Staff"
# dirigente = "Verdi Paolo"               # vale per ogni sezione che non ne indica uno suo

# Una sezione della direzione qui sopra; ripeti il blocco per ogni sezione.
# [[direzioni.sezioni]]
# nome = "Gestione risorse umane"
# responsabile = {{ cognome = "Rossi", nome = "Maria" }}
# assessore = "Neri Anna"
# dirigente = "…"                         # solo se diverso da quello della direzione

# Una contraddizione voluta tra le schede, con il suo motivo: l'avviso di piao check
# diventa una nota.
# [[eccezioni]]
# controllo = "categoria"                 # categoria, personale_ripetuto, direzione, dirigente, responsabile, assessore, sezioni_del_responsabile, grafia, costo
# nome = "BIANCHI LUCA"                   # la persona, la sezione, il nome, o la scheda (es. "g16") per costo
# motivo = "progressione verticale dal 1° luglio"
"##,
        directive = schema_line("organizzazione.json"),
    )
}

/// `LEGGIMI.txt`: what the folder holds and what to do next, in a few lines.
fn readme(a: &Answers, dir: &Path) -> String {
    // The commands name this folder as they are typed from the one that holds it.
    let folder = dir.file_name().map_or_else(
        || "content".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let with = if folder == "content" {
        String::new()
    } else if folder.contains(' ') {
        format!(" --contenuti \"{folder}\"")
    } else {
        format!(" --contenuti {folder}")
    };
    format!(
        "Contenuti dell'allegato di variazione del PIAO {first}-{last} - {ente}\r\n\
\r\n\
Questa cartella contiene tutto quello da cui piao compone l'allegato:\r\n\
\r\n\
  allegato.toml          l'ente, gli anni del piano, la data, le date di monitoraggio\r\n\
  organizzazione.toml    (facoltativo) direzioni, sezioni, dirigenti, P.O., personale\r\n\
  gestionali\\            un file per ogni obiettivo gestionale\r\n\
  istituzionali\\         un file per ogni obiettivo istituzionale (servizio)\r\n\
  formazione.toml        (facoltativo) la sezione Piano della formazione\r\n\
\r\n\
Per cominciare:\r\n\
\r\n\
  1. controlla allegato.toml (la data e le date di monitoraggio);\r\n\
  2. crea un obiettivo:   piao new gestionale{with} --titolo \"Titolo dell'obiettivo\"\r\n\
  3. controlla:           piao check{with}\r\n\
  4. guarda l'allegato:   piao serve{with} --apri\r\n\
  5. genera il PDF:       piao build{with}\r\n\
\r\n\
(i comandi si scrivono dalla cartella che contiene questa)\r\n\
\r\n\
I file .toml si aprono con il Blocco note o con qualsiasi editor di testo; salvali\r\n\
con la codifica UTF-8. Le righe che cominciano con # sono commenti.\r\n",
        first = a.first,
        last = a.last,
        ente = a.ente,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of_schema(name: &str) -> Vec<String> {
        let file = schema::FILES.iter().find(|f| f.name == name).unwrap();
        let json: serde_json::Value = serde_json::from_str(&file.json()).unwrap();
        let mut keys = Vec::new();
        fn walk(v: &serde_json::Value, keys: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, x) in map {
                        if k == "properties" {
                            if let Some(props) = x.as_object() {
                                keys.extend(props.keys().cloned());
                            }
                        }
                        walk(x, keys);
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, keys)),
                _ => {}
            }
        }
        walk(&json, &mut keys);
        keys.sort();
        keys.dedup();
        keys
    }

    #[test]
    fn every_field_of_the_schema_is_in_the_templates() {
        let a = Answers {
            ente: "Comune di \"Prova\"".into(),
            first: 2025,
            last: 2027,
        };
        let today = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        for (text, name) in [
            (annex_template(&a, today), "allegato.json"),
            (organisation_template(), "organizzazione.json"),
        ] {
            for key in keys_of_schema(name) {
                let written = text.lines().any(|l| {
                    let l = l.trim_start_matches(['#', ' ']);
                    l.starts_with(&format!("{key} ="))
                        || l.contains(&format!("{{ {key} ="))
                        || l.starts_with(&format!("[{key}]"))
                        || l.starts_with(&format!("[[{key}]]"))
                        || l.contains(&format!(".{key}]]"))
                        || l.contains(&format!(", {key} ="))
                });
                assert!(written, "`{key}` of {name} is not in the template");
            }
            let table: toml::Table = text.parse().expect("the template is valid TOML");
            let _ = table;
        }
    }

    #[test]
    fn without_a_terminal_every_missing_flag_is_named() {
        let given = Given {
            folder: None,
            ente: None,
            first: Some(2025),
            last: None,
        };
        let e = from_flags(&given).unwrap_err();
        assert!(e.contains("--ente") && e.contains("--anno-fine"), "{e}");
        assert!(!e.contains("--anno-inizio 2025,"), "{e}");
    }
}

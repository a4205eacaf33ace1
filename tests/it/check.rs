//! `piao check`: every mistake a check can find, on a small content folder, with the
//! diagnostic as the user sees it (snapshot of the rendered message, no colour).
//!
//! Most cases are one mutation of `tests/fixtures/errori/base` (a frozen copy of a few
//! bundled files, so that the snapshots do not move when `content/` is edited). The
//! inconsistencies of the reference, entered as written there, are whole fixture folders
//! (`tests/fixtures/errori/riferimento-*`, see `content/NOTE-RIFERIMENTO.md`).

use crate::common;

use std::path::Path;

use crate::common::replace_once;
use piao::{diag, pipeline};

const BASE: &str = "tests/fixtures/errori/base";

/// What `piao check` prints for `dir`, with `dir` shown as `content`, and a last line
/// with the counts.
fn check_dir(dir: &Path, strict: bool) -> (String, usize) {
    let checking = pipeline::load_and_check(dir, strict).expect("the folder exists");
    let text = diag::render(&checking.report, &checking.sources, false);
    let shown = text.replace(&dir.display().to_string(), "content");
    let errors = checking.report.errors();
    assert_eq!(
        errors > 0,
        checking.checked.is_none(),
        "content with errors must not be passed on"
    );
    (
        format!(
            "{shown}{} errori, {} avvisi\n",
            errors,
            checking.report.warnings()
        ),
        errors,
    )
}

/// A copy of the base content with `file` changed by `edit`.
fn mutated(file: &str, edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = common::copy_of(BASE);
    common::edit_file(dir.path(), file, edit);
    dir
}

/// Checks a mutation of the base: it must give at least one error whose text contains
/// `expected`; the whole output is the snapshot.
fn assert_error(name: &str, dir: &Path, strict: bool, expected: &str) {
    let (out, errors) = check_dir(dir, strict);
    assert!(errors > 0, "no error for {name}:\n{out}");
    assert!(out.contains(expected), "{name}: `{expected}` not in\n{out}");
    insta::assert_snapshot!(name, out);
}

/// One test per mutation: `name: file, "from" => "to", "expected text"`.
macro_rules! mutation {
    ($name:ident: $file:expr, $from:expr => $to:expr, $expected:expr) => {
        #[test]
        fn $name() {
            let dir = mutated($file, |t| replace_once(t, $from, $to));
            assert_error(stringify!($name), dir.path(), false, $expected);
        }
    };
}

const G06: &str = "gestionali/g06-patto-educativo.toml";
const G07: &str = "gestionali/g07-tavoli-permanenti.toml";
const G13: &str = "gestionali/g13-variante-pgt.toml";
const G21: &str = "gestionali/g21-nuovo-ccnl.toml";
const I13: &str = "istituzionali/i13-diritto-allo-studio.toml";
const I16: &str = "istituzionali/i16-contratti.toml";
const ANNEX: &str = "allegato.toml";
const TRAINING: &str = "formazione.toml";

#[test]
fn base_is_clean_even_when_strict() {
    let (out, errors) = check_dir(Path::new(BASE), true);
    assert_eq!(errors, 0, "{out}");
    assert_eq!(out, "0 errori, 0 avvisi\n");
}

// --- The reference's inconsistencies, entered as written there ------------------------

fn reference(name: &str, expected: &[&str]) {
    let dir = Path::new("tests/fixtures/errori").join(name);
    let (out, errors) = check_dir(&dir, false);
    assert_eq!(errors, expected.len(), "{out}");
    for e in expected {
        assert!(out.contains(e), "`{e}` not in\n{out}");
    }
    insta::assert_snapshot!(name, out);
}

#[test]
fn riferimento_g13_cronoprogramma_2025() {
    reference(
        "riferimento-g13-cronoprogramma-2025",
        &["il nuovo cronoprogramma finisce in 2025, ma la variazione dice \"PROLUNGARE AL 31.12.2024\""],
    );
}

#[test]
fn riferimento_g16_precedenti_200() {
    let expected: Vec<String> = (1..=5)
        .map(|n| format!("il cronoprogramma della fase {n} somma a 200% invece di 100%"))
        .collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    reference("riferimento-g16-precedenti-200", &expected);
}

#[test]
fn riferimento_g01_fase4_112() {
    reference(
        "riferimento-g01-fase4-112",
        &["il cronoprogramma della fase 4 somma a 112,5% invece di 100%"],
    );
}

#[test]
fn riferimento_g23_solo_giugno() {
    reference(
        "riferimento-g23-solo-giugno",
        &[
            "il cronoprogramma della fase 3 somma a 50% invece di 100%",
            "il cronoprogramma della fase 5 somma a 50% invece di 100%",
        ],
    );
}

#[test]
fn riferimento_g24_cinque_celle() {
    reference(
        "riferimento-g24-cinque-celle",
        &[
            "il cronoprogramma della fase 1 somma a 125% invece di 100%",
            "il cronoprogramma della fase 2 somma a 125% invece di 100%",
            "il cronoprogramma della fase 3 somma a 125% invece di 100%",
        ],
    );
}

// --- TOML and the model: syntax, keys, types, values ----------------------------------

mutation!(syntax_unclosed_string: G06,
    "titolo = \"Patto educativo di comunità\"" => "titolo = \"Patto educativo di comunità",
    "testo tra virgolette non valido o non chiuso");
mutation!(syntax_unquoted_text: G06,
    "sezione = \"Istruzione e formazione\"" => "sezione = Istruzione e formazione",
    "un testo va scritto tra virgolette");
mutation!(syntax_missing_value: G06,
    "missione = \"04 Istruzione e diritto allo studio\"" => "missione =",
    "manca il valore dopo `=`");
mutation!(syntax_duplicate_key: G06,
    "programma = \"07 Diritto allo studio\"" => "programma = \"07 Diritto allo studio\"\nprogramma = \"08\"",
    "campo ripetuto");
mutation!(syntax_backslash: G06,
    "progetto = \"1.04.01 - Le associazioni al servizio della città\"" => "progetto = \"1.04.01 \\ Le associazioni\"",
    "barra rovesciata");
mutation!(unknown_key_with_suggestion: G06,
    "titolo = " => "titlo = ",
    "campo sconosciuto `titlo`: forse `titolo`?");
mutation!(unknown_key_in_a_phase: G06,
    "cronoprogramma = { aprile = 100 }" => "cronogramma = { aprile = 100 }",
    "campo sconosciuto `cronogramma`: forse `cronoprogramma`?");
mutation!(missing_field: G06,
    "missione = \"04 Istruzione e diritto allo studio\"\n" => "",
    "manca il campo obbligatorio `missione`");
mutation!(missing_field_of_a_phase: G06,
    "descrizione = \"raccolta progetti presentati per anno scolastico 2023/2024\"\n" => "",
    "manca il campo obbligatorio `descrizione`");
mutation!(wrong_type: G06,
    "numero = 6" => "numero = \"sei\"",
    "tipo di valore sbagliato: trovato il testo \"sei\", serve un numero intero positivo");
mutation!(negative_number: G06,
    "numero = 6" => "numero = -6",
    "valore non ammesso");
mutation!(bad_percentage: G06,
    "partecipazione = 80" => "partecipazione = \"ottanta\"",
    "\"ottanta\" non è un numero");
mutation!(bad_cost: G21,
    "costo = 1000" => "costo = \"gratis\"",
    "\"gratis\" non è un importo");
mutation!(bad_date: ANNEX,
    "data_documento = 2023-09-28" => "data_documento = \"31.02.2023\"",
    "\"31.02.2023\" non è una data valida");
mutation!(date_with_time: ANNEX,
    "data_documento = 2023-09-28" => "data_documento = 2023-09-28T10:00:00",
    "serve una data senza ora");
mutation!(bad_action: G06,
    "azione = \"modificare\"" => "azione = \"modifica\"",
    "valore non ammesso \"modifica\"");
mutation!(bad_person: G06,
    "responsabile = { cognome = \"Calvano\", nome = \"Antonio\" }" => "responsabile = { cognome = \"Calvano\" }",
    "serve un testo (\"Cognome Nome\") oppure { cognome");

#[test]
fn every_problem_of_every_file_is_reported_together() {
    let dir = mutated(G06, |t| {
        let t = replace_once(t, "titolo = ", "titlo = ");
        let t = replace_once(&t, "numero = 6", "numero = \"sei\"");
        let t = replace_once(&t, "partecipazione = 80", "partecipazione = \"molta\"");
        replace_once(
            &t,
            "cronoprogramma = { aprile = 100 }",
            "cronogramma = { aprile = 100 }",
        )
    });
    let i16 = dir.path().join(I16);
    let text = std::fs::read_to_string(&i16).unwrap();
    std::fs::write(&i16, replace_once(&text, "servizio = ", "servisio = ")).unwrap();
    let g07 = dir.path().join(G07);
    let text = std::fs::read_to_string(&g07).unwrap();
    std::fs::write(
        &g07,
        replace_once(&text, "numero = 2\n", "numero = 2\nnumero = 3\n"),
    )
    .unwrap();
    let (out, errors) = check_dir(dir.path(), false);
    assert_eq!(errors, 6, "{out}");
    insta::assert_snapshot!("every_problem_of_every_file_is_reported_together", out);
}

// --- Damaged files --------------------------------------------------------------------

fn damaged(name: &str, bytes: &[u8], expected: &str) {
    let dir = mutated(G06, |t| t.to_string());
    std::fs::write(dir.path().join("gestionali/g99-danneggiato.toml"), bytes).unwrap();
    assert_error(name, dir.path(), false, expected);
}

#[test]
fn invalid_utf8() {
    damaged(
        "invalid_utf8",
        b"numero = 99\ntitolo = \"citt\xe0\"\n",
        "il file non è testo UTF-8 valido",
    );
}

#[test]
fn empty_file() {
    damaged("empty_file", b"", "il file è vuoto");
}

#[test]
fn whitespace_only_file() {
    damaged("whitespace_only_file", b"\n  \n\t\n", "il file è vuoto");
}

#[test]
fn utf16() {
    damaged(
        "utf16",
        b"\xFF\xFEn\0u\0m\0",
        "il file è in codifica UTF-16",
    );
}

#[test]
fn binary_junk() {
    let mut junk: Vec<u8> = (0u8..=255).collect();
    junk.extend((0u8..=255).rev());
    damaged("binary_junk", &junk, "il file non è testo UTF-8 valido");
}

#[test]
fn nul_bytes() {
    damaged(
        "nul_bytes",
        b"numero = 99
\0\0\0\0titolo = \"x\"\n",
        "il file contiene byte nulli",
    );
}

#[test]
fn text_that_is_not_toml() {
    damaged(
        "text_that_is_not_toml",
        "Caro collega,\nti mando il testo della scheda:\nfasi: una, due, tre\n\nSaluti\n"
            .as_bytes(),
        "dopo il nome del campo serve `=` seguito dal valore",
    );
}

#[test]
fn terminal_escapes_are_not_printed() {
    let dir = mutated(G06, |t| t.to_string());
    std::fs::write(
        dir.path().join("gestionali/g99-danneggiato.toml"),
        b"numero = 99\ntitolo = \"\x1b[31mrosso\x1b[0m\"\n",
    )
    .unwrap();
    let (out, errors) = check_dir(dir.path(), false);
    assert!(errors > 0);
    assert!(!out.contains('\x1b'), "{out}");
    insta::assert_snapshot!("terminal_escapes_are_not_printed", out);
}

#[test]
fn missing_annex_file() {
    let dir = mutated(G06, |t| t.to_string());
    std::fs::remove_file(dir.path().join(ANNEX)).unwrap();
    let (out, errors) = check_dir(dir.path(), false);
    assert_eq!(errors, 1, "{out}");
    assert!(out.contains("manca il file `allegato.toml`"), "{out}");
}

#[test]
fn missing_content_folder_is_an_io_error() {
    let e = pipeline::load_and_check(Path::new("tests/fixtures/errori/non-esiste"), false)
        .err()
        .expect("a missing folder is not content");
    assert!(e.0.contains("non esiste"), "{}", e.0);
}

// --- Schedules --------------------------------------------------------------------------

mutation!(schedule_total: G06,
    "cronoprogramma = { febbraio = 50, marzo = 50 }" => "cronoprogramma = { febbraio = 50, marzo = 40 }",
    "il cronoprogramma della fase 1 somma a 90% invece di 100%");
mutation!(schedule_month_typo: G06,
    "cronoprogramma = { febbraio = 50, marzo = 50 }" => "cronoprogramma = { febbraio = 50, marzio = 50 }",
    "`marzio` non è un mese, un anno, `precedenti` o `non_leggibile`");
mutation!(schedule_year_outside_plan: G06,
    "cronoprogramma = { 2024 = 100 }" => "cronoprogramma = { 2027 = 100 }",
    "l'anno 2027 è fuori dal piano 2023-2025");
mutation!(schedule_first_year_as_key: G06,
    "cronoprogramma = { 2024 = 100 }" => "cronoprogramma = { 2023 = 100 }",
    "2023 è il primo anno del piano");
mutation!(schedule_percent_out_of_range: G06,
    "cronoprogramma = { aprile = 100 }" => "cronoprogramma = { aprile = 150, maggio = -50 }",
    "percentuale fuori scala: 150%");
mutation!(schedule_key_twice: G06,
    "cronoprogramma = { aprile = 100 }" => "cronoprogramma = { aprile = 50, \"Aprile\" = 50 }",
    "`aprile` compare due volte nel cronoprogramma");
mutation!(phase_without_schedule: G06,
    "cronoprogramma = { marzo = 50, aprile = 50 }\n" => "",
    "la fase 2 non ha un cronoprogramma");
mutation!(new_schedule_does_not_match_label: G13,
    "cronoprogramma = { 2024 = 100 }" => "cronoprogramma = { 2025 = 100 }",
    "il nuovo cronoprogramma finisce in 2025");
mutation!(time_change_outside_plan: G13,
    "al = 2024-12-31" => "al = 2026-12-31",
    "il nuovo termine (2026) è fuori dal piano 2023-2025");
mutation!(time_change_unknown_verb: G13,
    "variazione = \"prolungare\"" => "variazione = \"allungare\"",
    "variazione temporale sconosciuta \"allungare\"");
mutation!(time_change_phase_twice: G13,
    "fasi = [4, 5, 6, 7, 8, 9, 10]" => "fasi = [4, 5, 6, 7, 8, 9, 10, 4]",
    "la fase 4 è elencata due volte");
mutation!(monitoring_outside_first_year: ANNEX,
    "monitoraggi = [2023-07-31, 2023-12-31]" => "monitoraggi = [2023-07-31, 2024-06-30]",
    "la data di monitoraggio 30.06.2024 non è nel primo anno del piano (2023)");
mutation!(monitoring_out_of_order: ANNEX,
    "monitoraggi = [2023-07-31, 2023-12-31]" => "monitoraggi = [2023-12-31, 2023-07-31]",
    "le date di monitoraggio vanno in ordine");
mutation!(monitoring_missing: ANNEX,
    "monitoraggi = [2023-07-31, 2023-12-31]" => "monitoraggi = []",
    "serve almeno una data di monitoraggio");
mutation!(plan_years_reversed: ANNEX,
    "anno_fine = 2025" => "anno_fine = 2021",
    "l'anno finale 2021 viene prima dell'anno iniziale 2023");
mutation!(plan_year_implausible: ANNEX,
    "anno_inizio = 2023" => "anno_inizio = 23",
    "l'anno 23 non è plausibile");

// --- Phases, staff, resources -----------------------------------------------------------

mutation!(phase_numbers_with_a_gap: G06,
    "numero = 4\n" => "numero = 6\n",
    "qui ci si aspetta la fase 4, non la 6");
mutation!(phase_number_twice: G06,
    "numero = 4\n" => "numero = 3\n",
    "la fase 3 compare due volte");
mutation!(phase_description_empty: G06,
    "descrizione = \"raccolta progetti presentati per anno scolastico 2023/2024\"" => "descrizione = \"  \"",
    "la descrizione della fase 4 è vuota");
mutation!(staff_total: G06,
    "partecipazione = 80" => "partecipazione = 70",
    "le % di partecipazione del personale sommano a 90% invece di 100%");
mutation!(staff_zero: G06,
    "partecipazione = 80" => "partecipazione = 100\n\n[[personale]]\ncategoria = \"C\"\nnome = \"ROSSI\"\npartecipazione = 0",
    "una % di partecipazione deve essere maggiore di zero");
mutation!(cost_negative: G21,
    "costo = 1000" => "costo = -1000",
    "un costo non può essere negativo");
mutation!(cost_fractions_of_cents: G21,
    "costo = 1000" => "costo = \"1.000,125\"",
    "un importo in euro ha al massimo due decimali");
mutation!(reached_more_than_monitoring_dates: G06,
    "atteso = \"100%\"" => "atteso = \"100%\"\nraggiunto = [\"20%\", \"60%\", \"100%\"]",
    "3 valori raggiunti, ma le date di monitoraggio sono 2");

// --- Headers, numbers ---------------------------------------------------------------------

mutation!(header_field_empty: G06,
    "direzione = \"Direzione Affari Generali e Servizi al Cittadino\"" => "direzione = \"\"",
    "il campo `direzione` è vuoto");
mutation!(header_person_empty: G06,
    "dirigente = \"Bellagamba Patrizia\"" => "dirigente = \" \"",
    "il campo `dirigente` è vuoto");
mutation!(responsible_without_surname: G06,
    "responsabile = { cognome = \"Calvano\", nome = \"Antonio\" }" => "responsabile = \"Calvano Antonio\"",
    "il campo `responsabile` va indicato con cognome e nome");
mutation!(scheda_number_twice: G06,
    "numero = 6" => "numero = 7",
    "il N. scheda 7 è già usato da un altro obiettivo gestionale");
mutation!(ente_empty: ANNEX,
    "ente = \"Comune di Segrate\"" => "ente = \"\"",
    "il nome dell'ente è vuoto");
mutation!(training_text_empty: TRAINING,
    "titolo = \"Variazione piano della formazione del personale 2023-2025\"" => "titolo = \"\"",
    "il campo `titolo` è vuoto");

// --- The request: actions, motivazioni, changes -----------------------------------------

mutation!(eliminate_with_changes: G07,
    "[[fasi]]\nnumero = 1\n" => "[[variazioni]]\nmotivazione = \"anche questa\"\n[[variazioni.modifiche]]\ntipo = \"eliminare_fase\"\nfase = 1\n\n[[fasi]]\nnumero = 1\n",
    "un obiettivo da eliminare non può avere altre variazioni");
#[test]
fn eliminate_without_motivation() {
    let dir = mutated(G07, |t| {
        let start = t.find("motivazione = \"\"\"").unwrap();
        let end = start + t[start..].find("2024.\"\"\"\n").unwrap() + "2024.\"\"\"\n".len();
        format!("{}{}", &t[..start], &t[end..])
    });
    assert_error(
        "eliminate_without_motivation",
        dir.path(),
        false,
        "un obiettivo da eliminare deve avere la sua `motivazione`",
    );
}

#[test]
fn modify_without_changes() {
    let dir = mutated(G06, |t| {
        t.split("# --- Variazioni richieste")
            .next()
            .unwrap()
            .to_string()
    });
    assert_error(
        "modify_without_changes",
        dir.path(),
        false,
        "un obiettivo da modificare deve avere almeno una variazione",
    );
}

#[test]
fn service_without_changes() {
    let dir = mutated(I16, |t| {
        t.split("# --- Variazioni richieste")
            .next()
            .unwrap()
            .to_string()
    });
    assert_error(
        "service_without_changes",
        dir.path(),
        false,
        "un obiettivo istituzionale nell'allegato deve avere almeno una variazione",
    );
}

mutation!(modify_with_general_motivation: G06,
    "azione = \"modificare\"" => "azione = \"modificare\"\nmotivazione = \"perché sì\"",
    "la `motivazione` generale vale solo per gli obiettivi da eliminare");
mutation!(change_motivation_empty: G06,
    "motivazione = \"l'indicatore è implicitamente incluso nella modifica che si propone di inserire\"" => "motivazione = \"\"",
    "la motivazione è vuota");
mutation!(change_motivation_missing: G06,
    "motivazione = \"l'indicatore è implicitamente incluso nella modifica che si propone di inserire\"\n" => "",
    "manca il campo obbligatorio `motivazione`");
mutation!(group_without_changes: G06,
    "[[variazioni.modifiche]]\ntipo = \"eliminare_indicatore\"\nindicatore = \"associazioni\"\n" => "",
    "questa variazione non contiene modifiche");
mutation!(change_to_missing_phase: G06,
    "fase = 3" => "fase = 9",
    "la fase 9 non esiste in questa scheda");
mutation!(change_to_missing_indicator: G06,
    "indicatore = \"direzioni-quadro\"" => "indicatore = \"direzioni-quadr\"",
    "nessun indicatore ha l'id `direzioni-quadr`");
mutation!(change_to_missing_activity: I16,
    "attivita = \"rogante\"" => "attivita = \"rogando\"",
    "nessuna attività ha l'id `rogando`");
mutation!(change_unknown_kind: G06,
    "tipo = \"sostituire_fase\"" => "tipo = \"sostituisci_fase\"",
    "tipo di modifica sconosciuto \"sostituisci_fase\"");
mutation!(change_kind_of_the_other_objectives: G06,
    "tipo = \"sostituire_fase\"\nfase = 3" => "tipo = \"riformulare_attivita\"\nattivita = \"x\"",
    "il tipo \"riformulare_attivita\" non si usa per un obiettivo gestionale");
mutation!(change_missing_field: G06,
    "testo = \"approvazione di documento patto educativo di comunità della città di Segrate\"\n" => "",
    "per una modifica di tipo \"sostituire_fase\" serve il campo `testo`");
mutation!(change_superfluous_field: G06,
    "tipo = \"eliminare_indicatore\"\nindicatore = \"associazioni\"" => "tipo = \"eliminare_indicatore\"\nindicatore = \"associazioni\"\ntesto = \"via\"",
    "il campo `testo` non si usa con una modifica di tipo \"eliminare_indicatore\"");
mutation!(change_new_text_empty: G06,
    "testo = \"approvazione di documento patto educativo di comunità della città di Segrate\"" => "testo = \" \"",
    "il nuovo testo è vuoto");
mutation!(change_unknown_group: G06,
    "gruppo = \"quantita\"" => "gruppo = \"quantità\"",
    "gruppo di indicatori sconosciuto \"quantità\"");
mutation!(change_new_id_taken: G06,
    "gruppo = \"quantita\"" => "gruppo = \"quantita\"\nid = \"associazioni\"",
    "l'identificativo `associazioni` è già usato in questa scheda");
mutation!(contradiction_eliminate_and_replace: G06,
    "tipo = \"eliminare_indicatore\"\nindicatore = \"associazioni\"" => "tipo = \"eliminare_fase\"\nfase = 3",
    "modifiche in contraddizione su fase 3: \"sostituire\" e \"eliminare\"");
mutation!(contradiction_asked_twice: G06,
    "tipo = \"eliminare_indicatore\"\nindicatore = \"associazioni\"" => "tipo = \"eliminare_indicatore\"\nindicatore = \"direzioni-quadro\"",
    "la stessa modifica su indicatore `direzioni-quadro` è chiesta due volte");
mutation!(contradiction_replace_and_reword: G06,
    "tipo = \"eliminare_indicatore\"\nindicatore = \"associazioni\"" => "tipo = \"riformulare_fase\"\nfase = 3\ntesto = \"altro\"",
    "modifiche in contraddizione su fase 3: \"sostituire\" e \"riformulare\"");
mutation!(contradiction_in_a_service: I16,
    "[[variazioni.modifiche]]\ntipo = \"riformulare_attivita\"\nattivita = \"anagrafe-tributaria\"" => "[[variazioni.modifiche]]\ntipo = \"eliminare_attivita\"\nattivita = \"rogante\"\n\n[[variazioni.modifiche]]\ntipo = \"riformulare_attivita\"\nattivita = \"anagrafe-tributaria\"",
    "modifiche in contraddizione su attività `rogante`: \"riformulare\" e \"eliminare\"");
mutation!(same_period_without_schedule: G21,
    "cronoprogramma = { novembre = 50, dicembre = 50 }\n" => "",
    "la fase 7 viene sostituita \"nello stesso periodo temporale\", ma non ha un cronoprogramma");

// --- Services -------------------------------------------------------------------------------

mutation!(history_too_long: I16,
    "storico = [\"da 2022\", \"da 2022\", \"72,00%\"]" => "storico = [\"da 2021\", \"da 2022\", \"da 2022\", \"72,00%\"]",
    "lo storico ha 4 valori, ma la scheda ha 3 colonne");
mutation!(targets_per_year: I16,
    "target = \"80%\"" => "target = [\"80%\", \"85%\"]",
    "servono 3 target, uno per anno del piano (2023-2025), non 2");
mutation!(new_indicator_history_too_long: I13,
    "storico = [\"-\", \"-\", \"-\"]" => "storico = [\"-\", \"-\", \"-\", \"-\"]",
    "lo storico ha 4 valori");
mutation!(activity_id_twice: I16,
    "id = \"controlli\"" => "id = \"rogante\"",
    "l'identificativo `rogante` è già usato");

// --- Characters the PDF could not show as written -----------------------------------------

mutation!(glyph_not_in_font: G06,
    "titolo = \"Patto educativo di comunità\"" => "titolo = \"Patto educativo → comunità\"",
    "il carattere «→» (U+2192) non esiste nei caratteri tipografici del documento");
mutation!(glyph_written_as_escape: G06,
    "titolo = \"Patto educativo di comunità\"" => "titolo = \"Patto educativo \\u6F22 comunità\"",
    "il carattere «漢» (U+6F22) non esiste");
mutation!(invisible_character: G06,
    "titolo = \"Patto educativo di comunità\"" => "titolo = \"Patto\u{200B}educativo di comunità\"",
    "carattere invisibile U+200B nel testo");
mutation!(control_character: G06,
    "titolo = \"Patto educativo di comunità\"" => "titolo = \"Patto\\u0007educativo di comunità\"",
    "carattere invisibile U+0007 nel testo");

#[test]
fn glyphs_in_comments_are_fine() {
    let dir = mutated(G06, |t| format!("# una freccia → in un commento\n{t}"));
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 0, "{out}");
}

// --- Warnings, and --strict -----------------------------------------------------------------

fn warning_case(name: &str, dir: &Path, expected: &str) {
    let (out, errors) = check_dir(dir, false);
    assert_eq!(errors, 0, "{out}");
    assert!(out.contains("avviso:") && out.contains(expected), "{out}");
    let (strict, errors) = check_dir(dir, true);
    assert!(
        errors > 0,
        "--strict must turn warnings into errors:\n{strict}"
    );
    assert!(!strict.contains("avviso:"), "{strict}");
    insta::assert_snapshot!(name, format!("{out}--- --strict ---\n{strict}"));
}

#[test]
fn history_too_short_is_a_warning() {
    let dir = mutated(I16, |t| {
        replace_once(
            t,
            "storico = [\"da 2022\", \"da 2022\", \"72,00%\"]",
            "storico = [\"72,00%\"]",
        )
    });
    warning_case(
        "history_too_short_is_a_warning",
        dir.path(),
        "lo storico ha un solo valore",
    );
}

#[test]
fn stray_file_is_a_warning() {
    let dir = mutated(G06, |t| t.to_string());
    std::fs::copy(
        dir.path().join(G06),
        dir.path().join("g06-patto-educativo.toml"),
    )
    .unwrap();
    warning_case("stray_file_is_a_warning", dir.path(), "non viene letto");
}

#[test]
fn more_than_ten_phases_is_a_warning() {
    let dir = mutated(G06, |t| {
        let extra: String = (6..=11)
            .map(|n| {
                format!(
                    "[[fasi]]\nnumero = {n}\ndescrizione = \"fase {n}\"\ncronoprogramma = {{ dicembre = 100 }}\n\n"
                )
            })
            .collect();
        replace_once(
            t,
            "[[indicatori.quantita]]\nid = \"direzioni-quadro\"",
            &format!("{extra}[[indicatori.quantita]]\nid = \"direzioni-quadro\""),
        )
    });
    warning_case(
        "more_than_ten_phases_is_a_warning",
        dir.path(),
        "11 fasi: la scheda ne prevede al massimo 10",
    );
}

#[test]
fn document_date_far_from_plan_is_a_warning() {
    let dir = mutated(ANNEX, |t| {
        replace_once(
            t,
            "data_documento = 2023-09-28",
            "data_documento = 2019-09-28",
        )
    });
    warning_case(
        "document_date_far_from_plan_is_a_warning",
        dir.path(),
        "la data del documento (28.09.2019) è lontana dagli anni del piano",
    );
}

#[test]
fn file_with_another_extension_is_a_warning() {
    let dir = mutated(G06, |t| t.to_string());
    std::fs::rename(
        dir.path().join(G06),
        dir.path().join("gestionali/g06-patto-educativo.txt"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("istituzionali/vecchi")).unwrap();
    warning_case(
        "file_with_another_extension_is_a_warning",
        dir.path(),
        "vengono letti solo i file con estensione .toml",
    );
}

// --- The command line: exit codes, and a failed run writes nothing ----------------------

/// A previous "PDF" that a failed build must leave byte-identical.
const PREVIOUS: &[u8] = b"%PDF-1.7\n% the previous annex, byte for byte\n";

fn previous_pdf(dir: &Path) -> std::path::PathBuf {
    let pdf = dir.join("allegato.pdf");
    std::fs::write(&pdf, PREVIOUS).unwrap();
    pdf
}

fn assert_untouched(pdf: &Path) {
    assert_eq!(
        std::fs::read(pdf).unwrap(),
        PREVIOUS,
        "the previous PDF changed"
    );
    let leftovers: Vec<_> = std::fs::read_dir(pdf.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "allegato.pdf")
        .collect();
    assert!(leftovers.is_empty(), "files left behind: {leftovers:?}");
}

fn run(args: &[&str]) -> (i32, String) {
    let out = common::piao(args);
    (out.status.code().unwrap_or(-1), common::stderr(&out))
}

#[test]
fn check_exits_with_1_and_names_file_line_and_column() {
    let (code, err) = run(&[
        "check",
        "--content",
        "tests/fixtures/errori/riferimento-g16-precedenti-200",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("gestionali/g16-censimento-verde.toml:50:18"),
        "{err}"
    );
    assert!(
        err.contains("contenuti con errori (5 errori, 1 avvisi)"),
        "{err}"
    );
}

#[test]
fn check_of_valid_content_exits_with_0() {
    let (code, err) = run(&["check", "--strict", "--content", BASE]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("contenuti corretti"), "{err}");
}

#[test]
fn strict_check_of_a_warning_exits_with_1() {
    let dir = mutated(I16, |t| {
        replace_once(
            t,
            "storico = [\"da 2022\", \"da 2022\", \"72,00%\"]",
            "storico = [\"72,00%\"]",
        )
    });
    let content = dir.path().to_str().unwrap();
    assert_eq!(run(&["check", "--content", content]).0, 0);
    assert_eq!(run(&["check", "--strict", "--content", content]).0, 1);
}

#[test]
fn missing_content_folder_exits_with_2() {
    let (code, err) = run(&["check", "--content", "tests/fixtures/errori/non-esiste"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("la cartella dei contenuti `tests/fixtures/errori/non-esiste` non esiste"),
        "{err}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let pdf = previous_pdf(tmp.path());
    let (code, err) = run(&[
        "build",
        "--content",
        "tests/fixtures/errori/non-esiste",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_untouched(&pdf);
}

#[test]
fn content_that_is_a_file_exits_with_2() {
    let (code, err) = run(&["check", "--content", "tests/fixtures/errori/README.md"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("non esiste"), "{err}");
}

#[test]
fn build_with_content_errors_exits_with_1_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = previous_pdf(tmp.path());
    for broken in [
        "tests/fixtures/errori/riferimento-g13-cronoprogramma-2025",
        "tests/fixtures/errori/riferimento-g23-solo-giugno",
    ] {
        let (code, err) = run(&["build", "--content", broken, "-o", pdf.to_str().unwrap()]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("nessun PDF scritto"), "{err}");
        assert_untouched(&pdf);
    }
}

#[test]
fn build_with_a_damaged_file_exits_with_1_and_writes_nothing() {
    let dir = mutated(G06, |t| t.to_string());
    let mut junk: Vec<u8> = b"numero = 99\n".to_vec();
    junk.extend((0u8..=255).cycle().take(2000));
    std::fs::write(dir.path().join("gestionali/x.toml"), junk).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let pdf = previous_pdf(tmp.path());
    let (code, err) = run(&[
        "build",
        "--content",
        dir.path().to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("gestionali/x.toml:3:118"), "{err}");
    assert!(err.contains("il file non è testo UTF-8 valido"), "{err}");
    assert_untouched(&pdf);
}

/// `piao build` of the base fixture with `templates`, over a previous PDF that must come
/// out untouched: the exit code and what was printed.
fn build_with(templates: &tempfile::TempDir) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = previous_pdf(tmp.path());
    let (code, err) = run(&[
        "build",
        "--content",
        BASE,
        "--templates",
        templates.path().to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_untouched(&pdf);
    (code, err)
}

/// A copy of the bundled templates with `file` changed by `edit`.
fn broken_templates(file: &str, edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = common::copy_of("templates");
    common::edit_file(dir.path(), file, edit);
    dir
}

#[test]
fn build_with_a_template_error_exits_with_1_and_writes_nothing() {
    let templates = broken_templates("gestionale.typ.j2", |t| {
        t.replacen("{{ o.titolo }}", "{{ o.titolo_che_non_esiste }}", 1)
    });
    let (code, err) = build_with(&templates);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("errore nel modello `gestionale.typ.j2`"),
        "{err}"
    );
    assert!(err.contains("gestionale.typ.j2:7:"), "{err}");
}

#[test]
fn build_with_a_typst_error_exits_with_1_and_writes_nothing() {
    let templates = broken_templates("stile.typ", |t| format!("{t}\n#let rotto = (\n"));
    let (code, err) = build_with(&templates);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("errore di composizione (Typst)"), "{err}");
    assert!(err.contains("stile.typ:"), "{err}");
}

/// A Typst error in what a MiniJinja template wrote is shown at the template's line,
/// not at a line of the generated source nobody sees.
#[test]
fn typst_error_in_a_template_points_at_its_line() {
    let templates = broken_templates("gestionale.typ.j2", |t| {
        assert!(t.contains("#tabella-risorse(("));
        t.replacen("#tabella-risorse((", "#tabella-inesistente((", 1)
    });
    let (code, err) = build_with(&templates);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("errore di composizione (Typst)"), "{err}");
    assert!(err.contains("gestionale.typ.j2:"), "{err}");
    assert!(err.contains("tabella-inesistente"), "{err}");
}

/// A template that MiniJinja cannot read is named, with its line.
#[test]
fn template_syntax_error_names_the_template() {
    let templates = broken_templates("istituzionale.typ.j2", |t| {
        assert!(t.contains("{%- for a in o.activities %}"));
        t.replacen(
            "{%- for a in o.activities %}",
            "{%- for a in o.activities ",
            1,
        )
    });
    let (code, err) = build_with(&templates);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("errore nel modello `istituzionale.typ.j2`"),
        "{err}"
    );
    assert!(err.contains("istituzionale.typ.j2:"), "{err}");
}

#[test]
fn output_whose_folder_is_a_file_exits_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = previous_pdf(tmp.path());
    let target = pdf.join("allegato.pdf");
    let (code, err) = run(&["build", "--content", BASE, "-o", target.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("non riesco a creare la cartella"), "{err}");
    assert_untouched(&pdf);
}

#[test]
fn output_that_is_a_folder_exits_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, err) = run(&[
        "build",
        "--content",
        BASE,
        "-o",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("è una cartella, non un file"), "{err}");
}

#[test]
fn unwritable_output_folder_exits_with_2() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let locked = tmp.path().join("sola-lettura");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Permissions do not stop root: then use a folder no one may write into.
    let folder = if std::fs::write(locked.join("prova"), b"").is_ok() {
        std::path::PathBuf::from("/sys/kernel")
    } else {
        locked.clone()
    };
    let target = folder.join("allegato.pdf");
    let (code, err) = run(&["build", "--content", BASE, "-o", target.to_str().unwrap()]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "non riesco a scrivere nella cartella `{}`: non hai il permesso di farlo",
            folder.display()
        )),
        "{err}"
    );
    // The system's English words and the names of piao's own probe files stay out.
    for english in ["Permission", "denied", "os error", ".piao-"] {
        assert!(!err.contains(english), "`{english}` in {err}");
    }
    assert!(!target.exists());
}

#[test]
fn a_successful_build_replaces_the_previous_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = previous_pdf(tmp.path());
    let (code, err) = run(&["build", "--content", BASE, "-o", pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-") && bytes.len() > 10_000);
    let temporary: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.starts_with('.'))
        .collect();
    assert!(temporary.is_empty(), "temporary files left: {temporary:?}");
}

#[test]
fn objectives_are_checked_even_when_the_annex_has_errors() {
    let dir = mutated(ANNEX, |t| {
        replace_once(t, "ente = \"Comune di Segrate\"", "ente = 12")
    });
    let g06 = dir.path().join(G06);
    let text = std::fs::read_to_string(&g06).unwrap();
    std::fs::write(
        &g06,
        replace_once(
            &text,
            "cronoprogramma = { aprile = 100 }",
            "cronoprogramma = { aprile = 90 }",
        ),
    )
    .unwrap();
    let (out, errors) = check_dir(dir.path(), false);
    assert_eq!(errors, 2, "{out}");
    assert!(out.contains("allegato.toml:4:8"), "{out}");
    assert!(out.contains("somma a 90% invece di 100%"), "{out}");
    insta::assert_snapshot!("objectives_are_checked_even_when_the_annex_has_errors", out);
}

#[test]
fn damaged_files_make_check_exit_with_1_naming_the_file() {
    let cases: [(&[u8], &str); 4] = [
        (
            b"numero = 99\ntitolo = \"citt\xe0\"\n",
            "il file non è testo UTF-8 valido",
        ),
        (b"", "il file è vuoto"),
        (
            b"\x7fELF\x02\x01\x01\0\0\0\0",
            "il file contiene byte nulli",
        ),
        (
            b"<html><body>scheda</body></html>\n",
            "nome di campo non valido",
        ),
    ];
    for (bytes, expected) in cases {
        let dir = mutated(G06, |t| t.to_string());
        std::fs::write(dir.path().join("gestionali/x.toml"), bytes).unwrap();
        let (code, err) = run(&["check", "--content", dir.path().to_str().unwrap()]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(err.contains("gestionali/x.toml:"), "{err}");
        assert!(err.contains(" │ "), "the source line is shown: {err}");
    }
}

// --- What the change catalogue added: per-phase schedules, days, per-year targets -------

mutation!(per_phase_schedule_for_a_phase_not_listed: G13,
    "cronoprogramma = { 2024 = 100 }" => "cronoprogrammi = { 4 = { 2024 = 100 }, 11 = { 2024 = 100 } }",
    "`11` non è una delle fasi di questa variazione temporale");
mutation!(per_phase_schedule_missing_for_a_phase: G13,
    "cronoprogramma = { 2024 = 100 }" => "cronoprogrammi = { 4 = { 2024 = 100 } }",
    "manca il nuovo cronoprogramma della fase 5, 6, 7, 8, 9, 10");
mutation!(day_of_the_first_year_that_does_not_exist: G13,
    "al = 2024-12-31" => "al = \"29.2\"",
    "il 29.2 non esiste nel 2023");
mutation!(per_year_targets_fewer_than_the_plan_years: I16,
    "tipo = \"riformulare_indicatore\"\nindicatore = \"repertoriati\"" => "tipo = \"variazione_target\"\nindicatore = \"repertoriati\"\ntarget = [\"80%\", \"85%\"]\n[[variazioni.modifiche]]\ntipo = \"riformulare_indicatore\"\nindicatore = \"repertoriati\"",
    "2 target, ma il piano 2023-2025 ha 3 anni");

// --- The mistakes of people who come from Word ----------------------------------------
//
// Each says what to type, in words of the content (campo, blocco, elenco, fase), never
// in those of TOML. One snapshot each; `no_mistake_is_told_in_toml_words` reads them all.

/// `file` of the base with `edit` applied, and `organizzazione.toml` added when `org`.
fn mistake_dir(file: &str, org: bool, edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = mutated(file, edit);
    if org {
        std::fs::copy(
            "tests/fixtures/errori/organizzazione.toml",
            dir.path().join("organizzazione.toml"),
        )
        .unwrap();
    }
    dir
}

/// A mistake: its name, the file, whether the organisation file is there, the edit,
/// and a text its message must contain.
type Mistake = (
    &'static str,
    &'static str,
    bool,
    fn(&str) -> String,
    &'static str,
);

const MISTAKES: &[Mistake] = &[
    (
        "mistake_typographic_quotes",
        G06,
        false,
        |t| {
            replace_once(
                t,
                "titolo = \"Patto educativo di comunità\"",
                "titolo = “Patto educativo di comunità”",
            )
        },
        "scrivi: titolo = \"Patto educativo di comunità\"",
    ),
    (
        "mistake_typographic_single_quotes",
        G06,
        false,
        |t| {
            replace_once(
                t,
                "programma = \"07 Diritto allo studio\"",
                "programma = ‘07 Diritto allo studio’",
            )
        },
        "scrivi: programma = \"07 Diritto allo studio\"",
    ),
    (
        "mistake_decimal_comma",
        G06,
        false,
        |t| replace_once(t, "partecipazione = 80", "partecipazione = 79,5"),
        "i decimali si scrivono con il punto: 79.5, non 79,5",
    ),
    (
        "mistake_decimal_comma_in_a_cronoprogramma",
        G06,
        false,
        |t| {
            replace_once(
                t,
                "{ febbraio = 50, marzo = 50 }",
                "{ febbraio = 33,3, marzo = 66,7 }",
            )
        },
        "i decimali si scrivono con il punto: 33.3, non 33,3",
    ),
    (
        "mistake_field_below_the_blocks",
        G06,
        false,
        |t| {
            replace_once(t, "\nazione = \"modificare\"\n", "\n").replace(
            "descrizione = \"Finanziamenti del Distretto Sociale Est Milano (in attesa di conferma)\"\n",
            "descrizione = \"Finanziamenti del Distretto Sociale Est Milano (in attesa di conferma)\"\nazione = \"modificare\"\n")
        },
        "sposta questa riga sopra `[[fasi]]`",
    ),
    (
        "mistake_field_below_an_indicator",
        G06,
        false,
        |t| {
            replace_once(t, "orizzonte_temporale = \"2023 - 2024\"\n", "").replace(
                "atteso = \"100%\"\n",
                "atteso = \"100%\"\norizzonte_temporale = \"2023 - 2024\"\n",
            )
        },
        "il campo `orizzonte_temporale` è scritto sotto `[[indicatori.tempo]]`",
    ),
    (
        "mistake_motivation_below_its_changes",
        G06,
        false,
        |t| {
            replace_once(
            t,
            "motivazione = \"come illustrato nella sezione relativa alle fasi di attuazione non è stato necessario redigere alcun accordo quadro\"\n\n[[variazioni.modifiche]]\ntipo = \"eliminare_indicatore\"\nindicatore = \"direzioni-quadro\"\n",
            "[[variazioni.modifiche]]\ntipo = \"eliminare_indicatore\"\nindicatore = \"direzioni-quadro\"\nmotivazione = \"come illustrato nella sezione relativa alle fasi di attuazione non è stato necessario redigere alcun accordo quadro\"\n",
        )
        },
        "sposta questa riga sopra `[[variazioni.modifiche]]`",
    ),
    (
        "mistake_number_for_a_text",
        I16,
        false,
        |t| replace_once(t, "target = \"80%\"", "target = 80"),
        "scrivi: target = \"80\"",
    ),
    (
        "mistake_number_for_a_text_of_a_change",
        G06,
        false,
        |t| replace_once(t, "atteso = \"almeno 1\"", "atteso = 1"),
        "scrivi: atteso = \"1\"",
    ),
    (
        "mistake_text_for_a_number",
        G06,
        false,
        |t| replace_once(t, "numero = 6", "numero = \"6\""),
        "scrivi: numero = 6",
    ),
    (
        "mistake_misspelt_sezione",
        G21,
        true,
        |t| {
            replace_once(
                t,
                "sezione = \"Gestione risorse umane\"",
                "sezione = \"Gestione risorse umae\"",
            )
        },
        "forse «Gestione risorse umane»?",
    ),
    (
        "mistake_misspelt_direzione",
        G13,
        true,
        |t| {
            replace_once(
                t,
                "direzione = \"Direzione Territorio e Sviluppo Economico\"",
                "direzione = \"Direzione Territorio e Svilupo Economico\"",
            )
        },
        "forse «Direzione Territorio e Sviluppo Economico»?",
    ),
    (
        "mistake_single_brackets_for_a_list",
        G06,
        false,
        |t| replace_once(t, "[[risorse]]", "[risorse]"),
        "`[risorse]` va scritto con due parentesi quadre: `[[risorse]]`",
    ),
    (
        "mistake_single_brackets_twice",
        G06,
        false,
        |t| t.replace("[[personale]]", "[personale]"),
        "`[personale]` compare due volte: per un elenco di blocchi scrivi `[[personale]]`",
    ),
];

fn mistake(name: &str) -> String {
    let (_, file, org, edit, expected) = MISTAKES
        .iter()
        .find(|m| m.0 == name)
        .expect("a mistake of that name");
    let dir = mistake_dir(file, *org, edit);
    let (out, _) = check_dir(dir.path(), false);
    assert!(out.contains(expected), "{name}: `{expected}` not in\n{out}");
    out
}

macro_rules! mistake {
    ($name:ident) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), mistake(stringify!($name)));
        }
    };
}

mistake!(mistake_typographic_quotes);
mistake!(mistake_typographic_single_quotes);
mistake!(mistake_decimal_comma);
mistake!(mistake_decimal_comma_in_a_cronoprogramma);
mistake!(mistake_field_below_the_blocks);
mistake!(mistake_field_below_an_indicator);
mistake!(mistake_motivation_below_its_changes);
mistake!(mistake_number_for_a_text);
mistake!(mistake_number_for_a_text_of_a_change);
mistake!(mistake_text_for_a_number);
mistake!(mistake_misspelt_sezione);
mistake!(mistake_misspelt_direzione);
mistake!(mistake_single_brackets_for_a_list);
mistake!(mistake_single_brackets_twice);

#[test]
fn no_mistake_is_told_in_toml_words() {
    for (name, ..) in MISTAKES {
        // The file names end in .toml: only the word is refused.
        let out = mistake(name).to_lowercase().replace(".toml", "");
        for word in ["chiave", "tabella", "array", "toml"] {
            let said = out.split(|c: char| !c.is_alphanumeric()).any(|w| w == word);
            assert!(!said, "{name} says `{word}`:\n{out}");
        }
    }
}

#[test]
fn a_file_saved_with_a_bom_is_read() {
    let dir = mutated(G06, |t| format!("\u{feff}{t}"));
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 0, "{out}");
    insta::assert_snapshot!("a_file_saved_with_a_bom_is_read", out);
}

// --- A prolungare that drops months ----------------------------------------------------

/// g13 of the base with one more request: `change` on the phases 1-3 (approved: 1 in
/// febbraio, 2 in febbraio-marzo, 3 in febbraio-aprile).
fn extension(change: &str) -> tempfile::TempDir {
    mutated(G13, |t| {
        format!("{t}\n[[variazioni]]\nmotivazione = \"ritardi nella consegna\"\n\n[[variazioni.modifiche]]\ntipo = \"variazione_temporale\"\n{change}")
    })
}

#[test]
fn an_extension_that_drops_approved_months_is_a_warning() {
    let dir = extension(
        "fasi = [3]\nvariazione = \"prolungare\"\nal = 2023-06-30\ncronoprogramma = { maggio = 50, giugno = 50 }\n",
    );
    warning_case(
        "an_extension_that_drops_approved_months_is_a_warning",
        dir.path(),
        "nella scheda spariscono febbraio, marzo e aprile",
    );
}

#[test]
fn an_extension_that_starts_earlier_is_a_warning() {
    let dir = extension(
        "fasi = [2]\nvariazione = \"prolungare\"\nal = 2023-04-30\ncronoprogramma = { gennaio = 25, febbraio = 25, marzo = 25, aprile = 25 }\n",
    );
    warning_case(
        "an_extension_that_starts_earlier_is_a_warning",
        dir.path(),
        "comincia prima di quello approvato: da gennaio invece che da febbraio",
    );
}

#[test]
fn an_extension_shared_by_several_phases_is_compared_with_each() {
    // One new cronoprogramma for three phases: each loses febbraio, and each is named.
    let dir = extension(
        "fasi = [1, 2, 3]\nvariazione = \"prolungare\"\nal = 2023-04-30\ncronoprogramma = { marzo = 50, aprile = 50 }\n",
    );
    let (out, errors) = check_dir(dir.path(), false);
    assert_eq!(errors, 0, "{out}");
    for phase in [1, 2, 3] {
        assert!(
            out.contains(&format!(
                "prolungando la fase {phase}, il nuovo cronoprogramma lascia fuori periodi approvati: nella scheda sparisce febbraio"
            )),
            "phase {phase}:\n{out}"
        );
    }
    assert!(out.ends_with("0 errori, 3 avvisi\n"), "{out}");
}

#[test]
fn an_extension_that_keeps_the_approved_months_is_clean() {
    let dir = extension(
        "fasi = [3]\nvariazione = \"prolungare\"\nal = 2023-05-31\ncronoprogramma = { febbraio = 25, marzo = 25, aprile = 25, maggio = 25 }\n",
    );
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 0, "{out}");
    assert_eq!(out, "0 errori, 0 avvisi\n");
    // The same move as a postponement says nothing either: that is what it is for.
    let dir = extension(
        "fasi = [3]\nvariazione = \"posticipare\"\nal = 2023-06-30\ncronoprogramma = { maggio = 50, giugno = 50 }\n",
    );
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 0, "{out}");
}

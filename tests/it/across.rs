//! Checks across schede and the organisation file: every contradiction a check can find,
//! on a small content folder, with the diagnostic as the user sees it (snapshot, no
//! colour); the contradictions seeded into the bundled content; and the property
//! that renaming a person everywhere is silent while misspelling it once is not.
//!
//! Most cases are one mutation of `tests/fixtures/errori/base` (no organisation file),
//! or of the same base with `tests/fixtures/errori/organizzazione.toml` added.

use crate::common;

use std::path::Path;

use piao::{diag, pipeline};
use proptest::prelude::*;

const BASE: &str = "tests/fixtures/errori/base";
const ORG: &str = "tests/fixtures/errori/organizzazione.toml";
const G06: &str = "gestionali/g06-patto-educativo.toml";
const G07: &str = "gestionali/g07-tavoli-permanenti.toml";
const G21: &str = "gestionali/g21-nuovo-ccnl.toml";
const I13: &str = "istituzionali/i13-diritto-allo-studio.toml";
const I16: &str = "istituzionali/i16-contratti.toml";
const ORG_FILE: &str = "organizzazione.toml";

/// What `piao check` prints for `dir` (shown as `content`) with the counts, and the
/// number of errors.
fn check_dir(dir: &Path, strict: bool) -> (String, usize) {
    let checking = pipeline::load_and_check(dir, strict).expect("the folder exists");
    let text = diag::render(&checking.report, &checking.sources, false);
    let shown = text.replace(&dir.display().to_string(), "content");
    let r = &checking.report;
    assert_eq!(r.errors() > 0, checking.checked.is_none());
    (
        format!(
            "{shown}{} errori, {} avvisi, {} note\n",
            r.errors(),
            r.warnings(),
            r.notes()
        ),
        r.errors(),
    )
}

/// A copy of the base content (with the organisation file when `org`), with each
/// `(file, from, to)` replacement applied (`from` must occur once).
fn seeded(org: bool, edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = common::copy_of(BASE);
    if org {
        std::fs::copy(common::root().join(ORG), dir.path().join(ORG_FILE)).unwrap();
    }
    for (file, from, to) in edits {
        common::replace_in(dir.path(), file, from, to);
    }
    dir
}

/// A warning of the checks across schede: reported (with both places) as a warning,
/// an error under `--strict`. The output of both runs is the snapshot.
fn warning_case(name: &str, dir: &Path, expected: &str) {
    let (out, errors) = check_dir(dir, false);
    assert_eq!(errors, 0, "{out}");
    assert!(
        out.contains("avviso:") && out.contains(expected),
        "{name}: `{expected}` not in\n{out}"
    );
    let (strict, errors) = check_dir(dir, true);
    assert!(
        errors > 0,
        "--strict must turn warnings into errors:\n{strict}"
    );
    insta::assert_snapshot!(name, format!("{out}--- --strict ---\n{strict}"));
}

fn error_case(name: &str, dir: &Path, expected: &str) {
    let (out, errors) = check_dir(dir, false);
    assert!(errors > 0, "{name}: no error\n{out}");
    assert!(out.contains(expected), "{name}: `{expected}` not in\n{out}");
    insta::assert_snapshot!(name, out);
}

/// One test per warning: `name: org?, [(file, "from", "to"), …], "expected text"`.
macro_rules! warning {
    ($name:ident: $org:expr, [$(($file:expr, $from:expr, $to:expr)),* $(,)?], $expected:expr) => {
        #[test]
        fn $name() {
            let dir = seeded($org, &[$(($file, $from, $to)),*]);
            warning_case(stringify!($name), dir.path(), $expected);
        }
    };
}

macro_rules! error {
    ($name:ident: $org:expr, [$(($file:expr, $from:expr, $to:expr)),* $(,)?], $expected:expr) => {
        #[test]
        fn $name() {
            let dir = seeded($org, &[$(($file, $from, $to)),*]);
            error_case(stringify!($name), dir.path(), $expected);
        }
    };
}

#[test]
fn base_with_and_without_organisation_is_clean_even_when_strict() {
    for org in [false, true] {
        let dir = seeded(org, &[]);
        let (out, errors) = check_dir(dir.path(), true);
        assert_eq!(errors, 0, "{out}");
        assert_eq!(out, "0 errori, 0 avvisi, 0 note\n");
    }
}

// --- Staff ------------------------------------------------------------------------------

warning!(person_with_two_categories: false,
    [(G07, "categoria = \"D\"\nnome = \"CUCCO ELENA\"", "categoria = \"C\"\nnome = \"CUCCO ELENA\"")],
    "«CUCCO ELENA» è in categoria C qui e in categoria D in g06");
warning!(person_twice_in_one_staff_table: false,
    [(G06, "categoria = \"C\"\nnome = \"DELISI VALERIA\"", "categoria = \"D\"\nnome = \"CUCCO ELENA\"")],
    "«CUCCO ELENA» compare due volte nel personale della stessa scheda");
warning!(category_restated_unlike_the_organisation: true,
    [(G07, "categoria = \"D\"\nnome = \"CUCCO ELENA\"", "categoria = \"C\"\nnome = \"CUCCO ELENA\"")],
    "«CUCCO ELENA» è in categoria C qui e in categoria D in organizzazione.toml");

// --- Sezioni ----------------------------------------------------------------------------

warning!(sezione_with_two_dirigenti: false,
    [(G07, "dirigente = \"Bellagamba Patrizia\"", "dirigente = \"Rossi Maria\"")],
    "la sezione «Istruzione e formazione» ha due dirigenti: «Rossi Maria» qui e «Bellagamba Patrizia» in g06");
warning!(sezione_with_two_responsabili: false,
    [(G07, "responsabile = { cognome = \"Calvano\", nome = \"Antonio\" }", "responsabile = { cognome = \"Rossi\", nome = \"Maria\" }")],
    "la sezione «Istruzione e formazione» ha due P.O./responsabili");
warning!(sezione_with_two_assessori: false,
    [(G07, "assessore = \"Bellatorre Guido\"", "assessore = \"Rossi Maria\"")],
    "la sezione «Istruzione e formazione» ha due assessori");
warning!(sezione_under_two_direzioni: false,
    [(G07, "direzione = \"Direzione Affari Generali e Servizi al Cittadino\"", "direzione = \"Direzione Servizi di Staff\"")],
    "la sezione «Istruzione e formazione» ha due direzioni");
warning!(responsabile_of_two_sezioni: false,
    [(I16, "responsabile = { cognome = \"Montini\", nome = \"Raffaella\" }", "responsabile = { cognome = \"Calvano\", nome = \"Antonio\" }")],
    "«Calvano Antonio» è P.O./responsabile di due sezioni: «Affari generali» qui e «Istruzione e formazione» in g06");
warning!(dirigente_restated_unlike_the_organisation: true,
    [(G07, "dirigente = \"Bellagamba Patrizia\"", "dirigente = \"Rossi Maria\"")],
    "ha due dirigenti: «Rossi Maria» qui e «Bellagamba Patrizia» in organizzazione.toml");

// --- One name, two spellings ------------------------------------------------------------

warning!(name_in_other_case: false,
    [(G07, "dirigente = \"Bellagamba Patrizia\"", "dirigente = \"BellaGamba Patrizia\"")],
    "la persona «BellaGamba Patrizia» è scritta anche «Bellagamba Patrizia»");
warning!(name_with_space: false,
    [(I13, "funzionario = \"Calvano Antonio\"", "funzionario = \"Cal Vano Antonio\"")],
    "la persona «Cal Vano Antonio» è scritta anche «Calvano Antonio»");
warning!(name_with_accent_for_apostrophe: false,
    [(G06, "categoria = \"C\"\nnome = \"DELISI VALERIA\"", "categoria = \"C\"\nnome = \"GIUFFRÈ TINDARA GIULIANA\"")],
    "«GIUFFRE' TINDARA GIULIANA» è scritta anche «GIUFFRÈ TINDARA GIULIANA» (in g06)");
warning!(name_with_a_missing_middle_name: false,
    [(G07, "responsabile = { cognome = \"Calvano\", nome = \"Antonio\" }", "responsabile = { cognome = \"Calvano\", nome = \"Antonio Maria\" }")],
    "la persona «Calvano Antonio Maria» sembra «Calvano Antonio» con qualche parola in più");
warning!(sezione_with_a_missing_word: false,
    [(G07, "sezione = \"Istruzione e formazione\"", "sezione = \"Istruzione formazione\"")],
    "la sezione «Istruzione formazione» sembra «Istruzione e formazione» con qualche parola in meno");
warning!(direzione_in_other_case: false,
    [(G07, "direzione = \"Direzione Affari Generali e Servizi al Cittadino\"", "direzione = \"Direzione Affari generali e servizi al cittadino\"")],
    "la direzione «Direzione Affari generali e servizi al cittadino» è scritta anche");
warning!(name_unlike_the_organisation: true,
    [(G06, "nome = \"DELISI VALERIA\"", "nome = \"DE LISI VALERIA\"")],
    "la persona «DE LISI VALERIA» è scritta anche «DELISI VALERIA» (in organizzazione.toml)");

// --- Costs ------------------------------------------------------------------------------

warning!(cost_indicator_without_resources: false,
    [(G06, "[[risorse]]\ndescrizione = \"Finanziamenti del Distretto Sociale Est Milano (in attesa di conferma)\"",
        "[[indicatori.costo]]\ndescrizione = \"Nuovo software\"\natteso = \"12.000,00 €\"")],
    "l'indicatore di costo vale 12.000,00 € ma la scheda non ha risorse");
warning!(resources_unlike_the_cost_indicator: false,
    [(G21, "[[risorse]]\ntipologia = \"Formazione\"",
        "[[indicatori.costo]]\ndescrizione = \"costo totale dei corsi\"\natteso = \"1.500,00 €\"\n\n[[risorse]]\ntipologia = \"Formazione\"")],
    "le risorse sommano a 1.000,00 €, l'indicatore di costo dice 1.500,00 €");

#[test]
fn cost_indicators_equal_to_the_resources_or_without_an_amount_are_fine() {
    let dir = seeded(
        false,
        &[(
            G21,
            "[[risorse]]\ntipologia = \"Formazione\"",
            "[[indicatori.costo]]\ndescrizione = \"corsi\"\natteso = \"€ 1.000\"\n\n[[indicatori.costo]]\ndescrizione = \"risparmio\"\natteso = \"10%\"\n\n[[risorse]]\ntipologia = \"Formazione\"",
        )],
    );
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 0, "{out}");
}

/// The fictional annex holds a cost indicator of one item among several resources and
/// an amount in millions in ATTESO: `check --strict` accepts it. A cost indicator that
/// says it is the total, and does not match the resources, is still an error there.
#[test]
fn valbruna_strict_accepts_one_item_costs_and_millions_but_not_a_wrong_total() {
    let valbruna = common::root().join("tests/fixtures/comune-di-valbruna");
    let g03 =
        std::fs::read_to_string(valbruna.join("gestionali/g03-archivio-digitale.toml")).unwrap();
    let g05 = std::fs::read_to_string(valbruna.join("gestionali/g05-sue-online.toml")).unwrap();
    assert!(
        g03.contains("atteso = \"18.500,00 €\""),
        "the one-item cost indicator is gone"
    );
    assert!(
        g05.contains("atteso = \"1.234.567,89 €\""),
        "the amount in millions is gone"
    );
    let (out, errors) = check_dir(&valbruna, true);
    assert_eq!(errors, 0, "{out}");
    assert!(out.ends_with("0 errori, 0 avvisi, 0 note\n"), "{out}");

    let dir = common::copy_with(
        "tests/fixtures/comune-di-valbruna",
        &[(
            "gestionali/g05-sue-online.toml",
            "[[indicatori.qualita]]",
            "[[indicatori.costo]]\ndescrizione = \"costo totale delle risorse\"\natteso = \"5.000,00 €\"\n\n[[indicatori.qualita]]",
        )],
    );
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 1, "{out}");
    assert!(
        out.contains("le risorse sommano a 4.200,00 €, l'indicatore di costo dice 5.000,00 €"),
        "{out}"
    );
}

#[test]
fn a_cost_indicator_of_one_item_is_not_compared_with_all_the_resources() {
    let dir = seeded(
        false,
        &[(
            G21,
            "[[risorse]]\ntipologia = \"Formazione\"",
            "[[indicatori.costo]]\ndescrizione = \"Spesa per l'aggiornamento cartografico\"\natteso = \"9.760,00 €\"\n\n[[risorse]]\ntipologia = \"Formazione\"",
        )],
    );
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 0, "{out}");
}

// --- The organisation file ----------------------------------------------------------------

#[test]
fn schede_without_what_the_organisation_gives_are_filled_in() {
    let dir = seeded(true, &[]);
    for file in [G06, G07, I13] {
        let path = dir.path().join(file);
        let text: String = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| {
                ![
                    "direzione =",
                    "dirigente =",
                    "responsabile =",
                    "assessore =",
                    "categoria =",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&path, text).unwrap();
    }
    let checking = pipeline::load_and_check(dir.path(), true).unwrap();
    let out = diag::render(&checking.report, &checking.sources, false);
    let checked = checking.checked.unwrap_or_else(|| panic!("{out}"));
    let g07 = checked
        .managed
        .iter()
        .find(|m| *m.source.data.numero.get_ref() == 7)
        .unwrap();
    let o = &g07.source.data;
    assert_eq!(
        o.direzione,
        "Direzione Affari Generali e Servizi al Cittadino"
    );
    assert_eq!(o.dirigente.display(), "Bellagamba Patrizia");
    assert_eq!(o.responsabile.surname(), Some("Calvano"));
    assert_eq!(o.assessore.display(), "Bellatorre Guido");
    assert_eq!(o.personale[0].categoria, "C");
    assert_eq!(o.personale[1].categoria, "D");
}

error!(missing_dirigente_without_organisation: false,
    [(G07, "dirigente = \"Bellagamba Patrizia\"\n", "")],
    "manca il campo `dirigente`");
error!(missing_category_of_someone_not_in_the_organisation: true,
    [(G21, "categoria = \"C\"\nnome = \"MAGGI LORUAMA\"", "nome = \"MAGGI LORUAMA\"")],
    "manca la categoria di «MAGGI LORUAMA»");
error!(sezione_twice_in_the_organisation: true,
    [(ORG_FILE, "nome = \"Affari generali\"", "nome = \"Istruzione e Formazione\"")],
    "la sezione «Istruzione e Formazione» compare due volte");
error!(organisation_responsabile_without_cognome: true,
    [(ORG_FILE, "responsabile = { cognome = \"Montini\", nome = \"Raffaella\" }", "responsabile = \"Montini Raffaella\"")],
    "il responsabile della sezione va indicato con cognome e nome");
warning!(sezione_not_in_the_organisation: true,
    [(ORG_FILE, "nome = \"Affari generali\"", "nome = \"Affari general\"")],
    "la sezione «Affari generali» non è in `organizzazione.toml`");

// --- Exceptions ------------------------------------------------------------------------

#[test]
fn an_acknowledged_contradiction_is_a_note_even_when_strict() {
    let exception = "\n[[eccezioni]]\ncontrollo = \"categoria\"\nnome = \"Cucco Elena\"\nmotivo = \"progressione verticale a metà anno\"\n";
    let dir = seeded(
        true,
        &[(
            G07,
            "categoria = \"D\"\nnome = \"CUCCO ELENA\"",
            "categoria = \"C\"\nnome = \"CUCCO ELENA\"",
        )],
    );
    let org = dir.path().join(ORG_FILE);
    let text = std::fs::read_to_string(&org).unwrap() + exception;
    std::fs::write(&org, text).unwrap();
    let (out, errors) = check_dir(dir.path(), true);
    assert_eq!(errors, 0, "{out}");
    assert!(
        out.contains("nota: «CUCCO ELENA» è in categoria C"),
        "{out}"
    );
    assert!(out.contains("progressione verticale a metà anno"), "{out}");
    assert!(out.ends_with("0 errori, 0 avvisi, 1 note\n"), "{out}");
    insta::assert_snapshot!("an_acknowledged_contradiction_is_a_note", out);
}

#[test]
fn an_exception_that_matches_nothing_is_a_warning() {
    let dir = seeded(true, &[]);
    let org = dir.path().join(ORG_FILE);
    let text = std::fs::read_to_string(&org).unwrap()
        + "\n[[eccezioni]]\ncontrollo = \"dirigente\"\nnome = \"Affari generali\"\nmotivo = \"interim\"\n";
    std::fs::write(&org, text).unwrap();
    warning_case(
        "an_exception_that_matches_nothing_is_a_warning",
        dir.path(),
        "l'eccezione `dirigente` per «Affari generali» non corrisponde a nessun avviso",
    );
}

// --- The contradictions in the bundled content -------------------------------------

/// A copy of the bundled content with `from` (once in `file`) replaced by `to`.
fn bundled(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    common::copy_with("content", &[(file, from, to)])
}

/// `piao check --strict` exits with 1 and names both files, with their lines.
fn strict_fails_naming(dir: &Path, message: &str, places: [&str; 2]) {
    let out = common::piao(&["check", "--strict", "--content", dir.to_str().unwrap()]);
    let err = common::stderr(&out).replace(&dir.display().to_string(), "content");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(message), "`{message}` not in\n{err}");
    for p in places {
        assert!(err.contains(p), "`{p}` not in\n{err}");
    }
}

#[test]
fn bundled_content_passes_strict_with_its_acknowledged_contradictions_as_notes() {
    let out = common::piao(&["check", "--strict", "--content", "content"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("(0 errori, 0 avvisi, 8 note)"), "{err}");
}

#[test]
fn seeded_maggi_in_two_categories() {
    // Without the exception, the two categories of the reference are two warnings.
    let dir = bundled(
        ORG_FILE,
        "controllo = \"categoria\"\nnome = \"MAGGI LORUAMA\"",
        "controllo = \"categoria\"\nnome = \"qualcun altro\"",
    );
    strict_fails_naming(
        dir.path(),
        "«MAGGI LORUAMA» è in categoria D qui e in categoria C in g21",
        [
            "content/gestionali/g23-lavoro-agile.toml:",
            "content/gestionali/g21-nuovo-ccnl.toml:",
        ],
    );
}

#[test]
fn seeded_erba_sezione_spelt_as_in_istituzionale_43() {
    let dir = bundled(
        "istituzionali/i43-arredo-urbano-verde.toml",
        "sezione = \"Verde, strade, gestione servizi e reti\"",
        "sezione = \"Verde strade gestione servizi\"",
    );
    strict_fails_naming(
        dir.path(),
        "la sezione «Verde strade gestione servizi» sembra «Verde, strade, gestione servizi e reti» con qualche parola in meno",
        [
            "content/istituzionali/i43-arredo-urbano-verde.toml:",
            "content/organizzazione.toml:",
        ],
    );
}

#[test]
fn seeded_erba_sezione_under_two_dirigenti() {
    let dir = bundled(
        ORG_FILE,
        "controllo = \"dirigente\"\nnome = \"Verde, strade, gestione servizi e reti\"",
        "controllo = \"dirigente\"\nnome = \"Affari generali\"",
    );
    strict_fails_naming(
        dir.path(),
        "ha due dirigenti: «De Lotto Annapaola» qui e «Zordan Fabrizio Giovanni Domenico» in g16",
        [
            "content/istituzionali/i43-arredo-urbano-verde.toml:",
            "content/gestionali/g16-censimento-verde.toml:",
        ],
    );
}

#[test]
fn seeded_de_lotto_anna_paola() {
    let dir = bundled(
        "gestionali/g13-variante-pgt.toml",
        "sezione = \"Sviluppo del territorio e mobilità\"",
        "sezione = \"Sviluppo del territorio e mobilità\"\ndirigente = \"De Lotto Anna Paola\"",
    );
    strict_fails_naming(
        dir.path(),
        "la persona «De Lotto Anna Paola» è scritta anche «De Lotto Annapaola»",
        [
            "content/gestionali/g13-variante-pgt.toml:",
            "content/organizzazione.toml:",
        ],
    );
}

#[test]
fn seeded_cost_indicator_without_resources() {
    let dir = bundled(
        ORG_FILE,
        "controllo = \"costo\"\nnome = \"g16\"",
        "controllo = \"costo\"\nnome = \"g06\"",
    );
    strict_fails_naming(
        dir.path(),
        "l'indicatore di costo vale 12.000,00 € ma la scheda non ha risorse",
        [
            "content/gestionali/g16-censimento-verde.toml:",
            "content/organizzazione.toml:",
        ],
    );
}

// --- Renaming and misspelling ---------------------------------------------------------------

/// The base with CUCCO ELENA (two staff tables) renamed to `name` everywhere.
fn renamed(name: &str, misspelt: Option<&str>) -> tempfile::TempDir {
    let dir = seeded(false, &[]);
    for (i, file) in [G06, G07].into_iter().enumerate() {
        let here = match (i, misspelt) {
            (1, Some(m)) => m,
            _ => name,
        };
        common::edit_file(dir.path(), file, |t| t.replace("CUCCO ELENA", here));
    }
    dir
}

fn person_name() -> impl Strategy<Value = (String, String, Option<String>)> {
    (
        prop::sample::select(vec!["ROSSI", "D'ANGELO", "DE LUCA", "BIANCHI", "MARINÒ"]),
        prop::sample::select(vec!["ANNA", "MARIA", "LUCA", "NICOLÒ", "PAOLO"]),
        prop::option::of(prop::sample::select(vec!["GRAZIA", "TERESA", "LUIGI"])),
    )
        .prop_map(|(c, n, m)| (c.to_string(), n.to_string(), m.map(str::to_string)))
}

/// The ways of misspelling a name the checks must catch.
fn misspell(cognome: &str, nome: &str, middle: Option<&str>, how: usize) -> Option<String> {
    let full = match middle {
        Some(m) => format!("{cognome} {nome} {m}"),
        None => format!("{cognome} {nome}"),
    };
    let out = match how {
        // Case: the last letter of the surname in lowercase.
        0 => {
            let mut chars: Vec<char> = full.chars().collect();
            let at = cognome.chars().count() - 1;
            chars[at] = chars[at].to_lowercase().next()?;
            chars.into_iter().collect()
        }
        // Spaces: the surname written apart or together.
        1 if cognome.contains(' ') => full.replacen(' ', "", 1),
        1 => format!("{} {}", &cognome[..2], &full[2..]),
        // Apostrophes.
        2 if cognome.contains('\'') => full.replacen('\'', "", 1),
        2 => full.replacen(' ', "' ", 1),
        // Accents.
        3 if full.contains('Ò') => full.replace('Ò', "O'"),
        3 => full.replacen('A', "À", 1),
        // A missing middle name, or one too many.
        _ => match middle {
            Some(_) => format!("{cognome} {nome}"),
            None => format!("{cognome} {nome} LUIGI"),
        },
    };
    (out != full).then_some(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Renaming a person consistently everywhere never raises a warning; misspelling it
    /// in one place always does, naming both places.
    #[test]
    fn renaming_is_silent_and_misspelling_is_not((cognome, nome, middle) in person_name(), how in 0usize..5) {
        let full = match &middle {
            Some(m) => format!("{cognome} {nome} {m}"),
            None => format!("{cognome} {nome}"),
        };
        let dir = renamed(&full, None);
        let (out, errors) = check_dir(dir.path(), true);
        prop_assert_eq!(errors, 0, "{}", out);

        let Some(wrong) = misspell(&cognome, &nome, middle.as_deref(), how) else {
            return Ok(());
        };
        let dir = renamed(&full, Some(&wrong));
        let (out, errors) = check_dir(dir.path(), false);
        prop_assert_eq!(errors, 0, "{}", out);
        prop_assert!(out.contains("avviso: la persona"), "{} / {}:\n{}", full, wrong, out);
        prop_assert!(out.contains("content/gestionali/g06-patto-educativo.toml:")
            && out.contains("content/gestionali/g07-tavoli-permanenti.toml:"), "{}", out);
    }
}

// --- piao new --sezione ---------------------------------------------------------------------

#[test]
fn new_fills_a_scheda_from_the_organisation() {
    let dir = seeded(true, &[]);
    let content = dir.path().to_str().unwrap();
    // The sezione as a user may type it: found whatever its case.
    let out = common::piao(&[
        "new",
        "gestionale",
        "--sezione",
        "istruzione e formazione",
        "--content",
        content,
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let file = std::fs::read_dir(dir.path().join("gestionali"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("g22-"))
        .expect("the new file");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\nsezione = \"Istruzione e formazione\"\n"),
        "{text}"
    );
    assert!(
        text.contains("\n# dirigente = \"Bellagamba Patrizia\"\n"),
        "{text}"
    );
    assert!(
        text.contains("\n# responsabile = { cognome = \"Calvano\", nome = \"Antonio\" }\n"),
        "{text}"
    );
    for key in ["direzione", "assessore", "dirigente", "responsabile"] {
        assert!(
            !text.contains(&format!("\n{key} = ")),
            "{key} is written:\n{text}"
        );
    }
    // What is left to fill is reported; nothing the organisation gives is.
    let checked = common::piao(&["check", "--content", content]);
    let err = common::stderr(&checked);
    assert!(err.contains("il campo `titolo` è vuoto"), "{err}");
    assert!(!err.contains("manca il campo"), "{err}");

    let out = common::piao(&[
        "new",
        "gestionale",
        "--sezione",
        "Istruzione e formazion",
        "--content",
        content,
    ]);
    assert!(out.status.success());
    assert!(
        common::stderr(&out).contains("la sezione «Istruzione e formazion» non è in `organizzazione.toml`: forse «Istruzione e formazione»?"),
        "{}",
        common::stderr(&out)
    );
}

//! The command line speaks Italian: help, usage errors and clap's own words (snapshots),
//! with the English option names of earlier versions still accepted.

use crate::common::*;

/// What `piao args` prints (standard output, then standard error) and its exit code.
fn shown(args: &[&str]) -> (i32, String) {
    let out = piao(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Words that must not appear: clap's English and TOML's words.
const ENGLISH: &[&str] = &[
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Print help",
    "Print version",
    "error:",
    "unexpected argument",
    "unrecognized",
    "subcommand",
    "tip:",
    "similar",
    "possible values",
    "default:",
    "invalid value",
    "For more information",
    "try '--help'",
    "[OPTIONS]",
    "<COMMAND>",
    "required",
];

fn assert_italian(name: &str, text: &str) {
    for word in ENGLISH {
        assert!(!text.contains(word), "{name}: `{word}` in\n{text}");
    }
}

fn case(name: &str, args: &[&str], code: i32) -> String {
    let (got, text) = shown(args);
    assert_eq!(got, code, "{name}:\n{text}");
    assert_italian(name, &text);
    text
}

#[test]
fn main_help_is_italian() {
    let text = case("aiuto", &["--help"], 0);
    assert!(text.contains("Uso: piao [OPZIONI] <COMANDO>"), "{text}");
    assert!(
        text.contains("Comandi:") && text.contains("Opzioni:"),
        "{text}"
    );
    assert!(text.contains("Mostra questo aiuto"), "{text}");
    insta::assert_snapshot!("main_help", text);
    // -h and the Italian name say the same.
    assert_eq!(case("-h", &["-h"], 0), shown(&["--aiuto"]).1);
}

#[test]
fn build_help_is_italian() {
    let text = case("build --help", &["build", "--help"], 0);
    assert!(text.contains("Uso: piao build [OPZIONI]"), "{text}");
    assert!(text.contains("--contenuti <CARTELLA>"), "{text}");
    assert!(text.contains("--uscita <FILE>"), "{text}");
    assert!(text.contains("[predefinito: content]"), "{text}");
    insta::assert_snapshot!("build_help", text);
}

#[test]
fn every_command_has_italian_help() {
    for command in [
        "build", "check", "preview", "export", "typst", "watch", "serve", "init", "new", "list",
        "schema",
    ] {
        let text = case(command, &[command, "--aiuto"], 0);
        assert!(text.contains(&format!("Uso: piao {command}")), "{text}");
    }
}

#[test]
fn an_unknown_command_is_told_in_italian() {
    let text = case("sconosciuto", &["biuld"], 2);
    assert!(text.contains("comando sconosciuto `biuld`"), "{text}");
    assert!(text.contains("forse volevi `build`?"), "{text}");
    insta::assert_snapshot!("unknown_command", text);
}

#[test]
fn an_unknown_option_is_told_in_italian() {
    let text = case("opzione", &["build", "--contenut", "x"], 2);
    assert!(text.contains("argomento inatteso `--contenut`"), "{text}");
    assert!(text.contains("forse volevi `--contenuti`?"), "{text}");
    insta::assert_snapshot!("unknown_option", text);
}

#[test]
fn a_bad_option_value_is_told_in_italian() {
    let text = case("formato", &["export", "--formato", "jsn"], 2);
    assert!(
        text.contains("valore non ammesso `jsn` per `--formato <FORMATO>`"),
        "{text}"
    );
    assert!(text.contains("forse volevi `json`?"), "{text}");
    insta::assert_snapshot!("bad_format", text);
    let text = case("indirizzo", &["serve", "--indirizzo", "nonsense"], 2);
    assert!(text.contains("serve un indirizzo IP"), "{text}");
    insta::assert_snapshot!("bad_address", text);
    let text = case("porta", &["serve", "--porta", "99999"], 2);
    assert!(text.contains("serve un numero di porta"), "{text}");
    let text = case("numero", &["new", "gestionale", "--numero", "sei"], 2);
    assert!(text.contains("serve un numero intero positivo"), "{text}");
    let text = case("anno", &["init", "--anno-inizio", "25"], 2);
    assert!(text.contains("serve un anno di quattro cifre"), "{text}");
    let text = case("manca", &["export"], 2);
    assert!(text.contains("manca un argomento obbligatorio"), "{text}");
    insta::assert_snapshot!("missing_argument", text);
}

#[test]
fn no_command_prints_the_short_help() {
    let text = case("nulla", &[], 2);
    assert!(text.contains("Uso: piao [OPZIONI] <COMANDO>"), "{text}");
}

#[test]
fn english_option_names_still_work() {
    let out = piao(&[
        "check",
        "--content",
        "tests/fixtures/errori/base",
        "--strict",
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = piao(&[
        "check",
        "--contenuti",
        "tests/fixtures/errori/base",
        "--rigoroso",
        "--silenzioso",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (code, text) = shown(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(text, shown(&["--versione"]).1);
    assert!(text.starts_with("piao "), "{text}");
}

/// The operating system's English words, which no message of piao may carry.
const OS_ENGLISH: &[&str] = &[
    "os error",
    "No such file",
    "Permission denied",
    "Not a directory",
    "Is a directory",
    "File exists",
    "Read-only",
    ".piao-",
];

#[test]
fn input_and_output_errors_are_told_in_italian() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nessuna-cartella");
    let file = tmp.path().join("un-file");
    std::fs::write(&file, "").unwrap();
    let content = root().join("tests/fixtures/errori/base");
    let m = missing.to_str().unwrap();
    let deeper = missing.join("allegato");
    let deeper = deeper.to_str().unwrap();
    let c = content.to_str().unwrap();
    let under_a_file = file.join("allegato.pdf");
    let under_a_file = under_a_file.to_str().unwrap();
    let f = file.to_str().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["check", "--contenuti", m], "la cartella dei contenuti"),
        (&["build", "--contenuti", m], "non esiste"),
        // (A missing folder is one `serve` creates at the first run; not its parent.)
        (&["serve", "--contenuti", deeper], "non esiste, e nemmeno"),
        (
            &["build", "--contenuti", c, "--uscita", under_a_file],
            "è un file",
        ),
        (
            &[
                "export",
                "--formato",
                "csv",
                "--contenuti",
                c,
                "--uscita",
                under_a_file,
            ],
            "è un file",
        ),
        (
            &[
                "init",
                f,
                "--ente",
                "Comune di Prova",
                "--anno-inizio",
                "2025",
                "--anno-fine",
                "2027",
            ],
            "non è una cartella",
        ),
        (&["new", "gestionale", "--contenuti", m], "non esiste"),
    ];
    for (args, said) in cases {
        let (code, text) = shown(args);
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(text.contains(said), "{args:?}: {text}");
        assert_italian(&format!("{args:?}"), &text);
        for english in OS_ENGLISH {
            assert!(!text.contains(english), "{args:?}: `{english}` in {text}");
        }
    }
}

//! The commands of a writing session, run as a user would: `preview` (with PNG pages),
//! `watch`, `new`, `schema` (and that the schemas describe the content files), `list`,
//! and what `build` prints. Each test works on its own temporary copy of the content.

use crate::common;

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A temporary folder holding a copy of the bundled content (and of `schema/`, beside it
/// as in the repository, so that the content's `#:schema` lines resolve).
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let (dir, content) = common::workspace();
    copy_dir(&root().join("schema"), &dir.path().join("schema"));
    (dir, content)
}

fn run(args: &[&str]) -> Output {
    piao(args)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// --- preview -------------------------------------------------------------------------

#[test]
fn preview_lays_out_one_objective_and_writes_png_pages() {
    let (dir, content) = workspace();
    let pdf = dir.path().join("anteprima.pdf");
    let png = dir.path().join("pagine");
    let out = run(&[
        "preview",
        "g24",
        "--content",
        s(&content),
        "--output",
        s(&pdf),
        "--png",
        s(&png),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("anteprima di g24"),
        "{}",
        stderr(&out)
    );
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains(&squash("Sportello telematico")), "{text}");
    // Only this objective: another one's title is not there.
    assert!(!text.contains(&squash("Patto educativo di comunità")));
    let pages: Vec<_> = std::fs::read_dir(&png)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!pages.is_empty());
    let first = std::fs::read(png.join("pagina-1.png")).unwrap();
    assert!(first.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(first.len() > 10_000, "a page with text is not blank");
}

#[test]
fn preview_of_an_unknown_objective_lists_the_closest() {
    let (_dir, content) = workspace();
    let out = run(&["preview", "patto-educativ", "--content", s(&content)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("g06-patto-educativo"),
        "{}",
        stderr(&out)
    );
}

// --- build output ----------------------------------------------------------------------

#[test]
fn output_has_no_colours_off_a_terminal_and_quiet_prints_nothing() {
    let (dir, content) = workspace();
    let g06 = content.join("gestionali/g06-patto-educativo.toml");
    let text = std::fs::read_to_string(&g06).unwrap();
    std::fs::write(&g06, text.replace("numero = 6", "numero = \"sei\"")).unwrap();
    // Not a terminal (stderr is a pipe) and NO_COLOR unset: still no escape codes.
    let out = Command::new(env!("CARGO_BIN_EXE_piao"))
        .args(["check", "--content", s(&content)])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("g06-patto-educativo.toml"));
    assert!(!stderr(&out).contains('\x1b'), "{}", stderr(&out));
    std::fs::write(&g06, text).unwrap();

    let pdf = dir.path().join("p.pdf");
    let out = run(&[
        "--quiet",
        "preview",
        "i16",
        "--content",
        s(&content),
        "-o",
        s(&pdf),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(pdf.is_file());
}

// --- list ------------------------------------------------------------------------------

#[test]
fn list_shows_every_objective_with_its_changes() {
    let (_dir, content) = workspace();
    let out = run(&["list", "--content", s(&content)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let header = table.lines().next().unwrap();
    for h in ["TIPO", "N.", "TITOLO", "AZIONE", "MODIFICHE", "FILE"] {
        assert!(header.contains(h), "{header}");
    }
    let files = std::fs::read_dir(content.join("gestionali"))
        .unwrap()
        .chain(std::fs::read_dir(content.join("istituzionali")).unwrap())
        .count();
    for name in ["g06-patto-educativo.toml", "i16-contratti.toml"] {
        assert!(table.contains(name), "{table}");
    }
    let row = |file: &str| {
        table
            .lines()
            .find(|l| l.contains(file))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // g06: four changes (one per variazione); g16 is eliminated, with none.
    assert!(
        row("g06-").starts_with("gestionale 6 Patto educativo"),
        "{}",
        row("g06-")
    );
    assert!(
        row("g06-").contains("modificare 4 gestionali/g06"),
        "{}",
        row("g06-")
    );
    assert!(row("g16-").contains("eliminare 0"), "{}", row("g16-"));
    assert!(
        row("i16-").contains("istituzionale 16 Contratti modificare 4"),
        "{}",
        row("i16-")
    );
    assert!(table.contains(&format!("{files} obiettivi")), "{table}");
}

// --- new -------------------------------------------------------------------------------

/// Fills the placeholders a new file leaves: every empty text (each with its own words),
/// the empty cronoprogramma.
fn fill(text: &str) -> String {
    let mut parts = text.split("\"\"");
    let mut out = parts.next().unwrap().to_string();
    for (i, part) in parts.enumerate() {
        out.push_str(&format!("\"Testo di prova {}\"", i + 1));
        out.push_str(part);
    }
    out.replace(
        "cronoprogramma = {}",
        "cronoprogramma = { marzo = 50, aprile = 50 }",
    )
}

#[test]
fn new_objectives_pass_check_once_filled_and_are_never_overwritten() {
    let (dir, content) = workspace();
    for (kind, expected, short) in [
        ("gestionale", "gestionali/g25-prova-di-scheda.toml", "g25"),
        (
            "istituzionale",
            "istituzionali/i56-prova-di-scheda.toml",
            "i56",
        ),
    ] {
        let out = run(&[
            "new",
            kind,
            "--titolo",
            "Prova di scheda",
            "--content",
            s(&content),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let file = content.join(expected);
        let text = std::fs::read_to_string(&file).unwrap();
        let schema = if kind == "gestionale" {
            "gestionale"
        } else {
            "istituzionale"
        };
        assert!(
            text.starts_with(&format!("#:schema ../../schema/{schema}.json\n")),
            "{text}"
        );
        assert!(text.contains("\"Prova di scheda\""));
        assert_schema_valid(&file, &dir.path().join(format!("schema/{schema}.json")));

        // As created, check names what is still empty.
        let out = run(&["check", "--content", s(&content)]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected.split('/').nth(1).unwrap()));

        // Filled in, it is accepted, still matches its schema, and previews.
        std::fs::write(&file, fill(&text)).unwrap();
        let out = run(&["check", "--content", s(&content)]);
        assert!(out.status.success(), "{}\n{}", stderr(&out), fill(&text));
        assert_schema_valid(&file, &dir.path().join(format!("schema/{schema}.json")));
        let pdf = dir.path().join(format!("{short}.pdf"));
        let out = run(&["preview", short, "--content", s(&content), "-o", s(&pdf)]);
        assert!(out.status.success(), "{}", stderr(&out));

        // The same again: refused, the file untouched.
        let filled = std::fs::read(&file).unwrap();
        let out = run(&[
            "new",
            kind,
            "--titolo",
            "Prova di scheda",
            "--numero",
            &short[1..],
            "--content",
            s(&content),
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(std::fs::read(&file).unwrap(), filled);
    }
    // A number taken by another file is refused too, naming it.
    let out = run(&[
        "new",
        "gestionale",
        "--numero",
        "6",
        "--content",
        s(&content),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("g06-patto-educativo.toml"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("il primo libero è 26"),
        "{}",
        stderr(&out)
    );
    // An existing file name is refused even when the number is free.
    let out = run(&[
        "new",
        "gestionale",
        "--numero",
        "30",
        "--content",
        s(&content),
    ]);
    assert!(out.status.success());
    std::fs::rename(
        content.join("gestionali/g30-nuovo-obiettivo.toml"),
        content.join("gestionali/g31-nuovo-obiettivo.toml"),
    )
    .unwrap();
    std::fs::write(
        content.join("gestionali/g31-nuovo-obiettivo.toml"),
        "numero = 99\n",
    )
    .unwrap();
    let out = run(&[
        "new",
        "gestionale",
        "--numero",
        "31",
        "--content",
        s(&content),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("esiste già"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(content.join("gestionali/g31-nuovo-obiettivo.toml")).unwrap(),
        "numero = 99\n"
    );
}

// --- schema ----------------------------------------------------------------------------

#[test]
fn committed_schemas_are_what_piao_schema_generates() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["schema", "--output", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "allegato.json",
            "formazione.json",
            "gestionale.json",
            "istituzionale.json",
            "organizzazione.json"
        ]
    );
    for name in &names {
        let generated = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let committed =
            std::fs::read_to_string(root().join("schema").join(name)).unwrap_or_default();
        assert!(
            generated == committed,
            "schema/{name} is out of date: run `cargo run -- schema` and commit it"
        );
    }
}

/// TOML as the JSON an editor validates: dates become strings (Taplo does the same).
fn to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn validator(schema: &Path) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn errors(validator: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    let value: toml::Value = toml::from_str(toml_text).expect("valid TOML");
    let json = to_json(&value);
    validator
        .iter_errors(&json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_schema_valid(file: &Path, schema: &Path) {
    let errs = errors(&validator(schema), &std::fs::read_to_string(file).unwrap());
    assert!(errs.is_empty(), "{}: {errs:#?}", file.display());
}

/// Every bundled content file with the schema its `#:schema` line names.
fn bundled_files() -> Vec<(PathBuf, PathBuf)> {
    let content = root().join("content");
    let mut files = vec![
        content.join("allegato.toml"),
        content.join("formazione.toml"),
    ];
    for folder in ["gestionali", "istituzionali"] {
        let mut more: Vec<PathBuf> = std::fs::read_dir(content.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        more.sort();
        files.extend(more);
    }
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let first = text.lines().next().unwrap();
            let rel = first
                .strip_prefix("#:schema ")
                .unwrap_or_else(|| panic!("{} does not start with #:schema", f.display()));
            let schema = f.parent().unwrap().join(rel);
            assert!(schema.is_file(), "{}: {} not found", f.display(), rel);
            (f, schema)
        })
        .collect()
}

#[test]
fn every_bundled_content_file_validates_against_its_schema() {
    let files = bundled_files();
    assert!(files.len() >= 4);
    for (file, schema) in &files {
        assert_schema_valid(file, schema);
    }
}

#[test]
fn schemas_reject_unknown_keys_wrong_types_and_wrong_changes() {
    let g06 = root().join("content/gestionali/g06-patto-educativo.toml");
    let text = std::fs::read_to_string(&g06).unwrap();
    let v = validator(&root().join("schema/gestionale.json"));
    assert!(errors(&v, &text).is_empty());
    let broken = [
        // An unknown key (a typo).
        ("titolo = ", "titlo = "),
        // A wrong type.
        ("numero = 6", "numero = \"sei\""),
        // Not a person.
        (
            "sezione = \"Istruzione e formazione\"",
            "sezione = \"Istruzione e formazione\"\ndirigente = 3",
        ),
        // A misspelt month in a cronoprogramma.
        ("{ aprile = 100 }", "{ aprlie = 100 }"),
        // An unknown kind of change.
        ("tipo = \"sostituire_fase\"", "tipo = \"sostituisci_fase\""),
        // A required key of the kind missing.
        ("fase = 3\n", ""),
        // A key the kind does not use.
        (
            "indicatore = \"associazioni\"",
            "indicatore = \"associazioni\"\nfase = 2",
        ),
        // An action that does not exist.
        ("azione = \"modificare\"", "azione = \"cambiare\""),
    ];
    for (from, to) in broken {
        let b = text.replace(from, to);
        assert_ne!(b, text, "the replacement applies");
        assert!(!errors(&v, &b).is_empty(), "accepted:\n{b}");
    }
    let annex = std::fs::read_to_string(root().join("content/allegato.toml")).unwrap();
    let v = validator(&root().join("schema/allegato.json"));
    assert!(!errors(
        &v,
        &annex.replace("data_documento = 2023-09-28", "data_documento = \"ieri\"")
    )
    .is_empty());
    assert!(!errors(
        &v,
        &annex.replace(
            "data_documento = 2023-09-28",
            "data_documento = 2023-09-28T10:00:00"
        )
    )
    .is_empty());
    assert!(errors(
        &v,
        &annex.replace(
            "data_documento = 2023-09-28",
            "data_documento = \"28.09.2023\""
        )
    )
    .is_empty());
}

// --- watch -----------------------------------------------------------------------------

/// A running `piao watch` and the lines it has printed so far.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(args: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_piao"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start piao watch");
        let (tx, rx) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    /// Waits (generously: the machine is slow and shared) for a line containing `needle`.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(600);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                self.seen.push(line.clone());
                if line.contains(needle) {
                    return line;
                }
            }
        }
        panic!("no line with {needle:?}; got:\n{}", self.seen.join("\n"));
    }
}

/// Saves a file the way many editors do, in one step (a hidden temporary file renamed
/// into place), so that a slow machine cannot show `watch` a half-written file.
fn save(path: &Path, text: &str) {
    let tmp = path.with_file_name(".salvataggio.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_after_an_edit_and_keeps_the_last_good_pdf() {
    let (dir, content) = workspace();
    let pdf = dir.path().join("out/allegato.pdf");
    let mut watch = Watch::start(&["watch", "--content", s(&content), "--output", s(&pdf)]);
    watch.wait_for("[1]: scritto");
    let first = std::fs::read(&pdf).unwrap();

    // A one-line edit: rebuilt, with the new text.
    let g06 = content.join("gestionali/g06-patto-educativo.toml");
    let text = std::fs::read_to_string(&g06).unwrap();
    let edited = text.replace(
        "titolo = \"Patto educativo di comunità\"",
        "titolo = \"Patto educativo di comunità rinnovato\"",
    );
    assert_ne!(edited, text);
    save(&g06, &edited);
    watch.wait_for("[2]: scritto");
    let second = std::fs::read(&pdf).unwrap();
    assert_ne!(first, second);
    assert!(squash(&pdf_text(&pdf)).contains(&squash("comunità rinnovato")));
    // Each rebuild publishes the PDF with its digest and record, as build does.
    assert_trio_matches(&pdf);

    // A broken edit: the error is reported and the PDF stays as it was.
    save(&g06, &edited.replace("numero = 6", "numero = \"sei\""));
    let status = watch.wait_for("[3]:");
    assert!(
        status.contains("resta il PDF della compilazione 2"),
        "{status}"
    );
    let report = watch.seen.join("\n");
    assert!(report.contains("g06-patto-educativo.toml"), "{report}");
    assert_eq!(std::fs::read(&pdf).unwrap(), second);
    let mut leftovers: Vec<_> = std::fs::read_dir(pdf.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [
            "allegato.metadata.json",
            "allegato.pdf",
            "allegato.pdf.sha256"
        ]
    );
    assert_trio_matches(&pdf);

    // Fixed again: rebuilt.
    save(&g06, &text);
    watch.wait_for("[4]: scritto");
    assert_eq!(std::fs::read(&pdf).unwrap(), first);
    assert_trio_matches(&pdf);

    // Ctrl-C ends it cleanly.
    let pid = watch.child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    watch.wait_for("terminato");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = watch.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "watch did not end after Ctrl-C");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_default_file_name_follows_the_entes_own_title() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::root().join("tests/fixtures/comune-di-valbruna"),
        &dir.path().join("contenuti"),
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_piao"))
        .args(["build", "--content", "contenuti"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let pdf = dir
        .path()
        .join("output/variazione-n-2-al-piao-2025-2027.pdf");
    assert!(pdf.is_file(), "{}", common::stderr(&o));
}

// --- init ----------------------------------------------------------------------------

/// `piao init FOLDER` with every flag given.
fn init(content: &Path) -> Output {
    run(&[
        "init",
        s(content),
        "--ente",
        "Comune di Valbruna",
        "--anno-inizio",
        "2025",
        "--anno-fine",
        "2027",
    ])
}

#[test]
fn init_writes_a_content_folder_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("contenuti");
    let out = init(&content);
    assert!(out.status.success(), "{}", stderr(&out));
    for entry in [
        "allegato.toml",
        "organizzazione.toml",
        "gestionali",
        "istituzionali",
        "LEGGIMI.txt",
    ] {
        assert!(content.join(entry).exists(), "{entry} missing");
    }
    assert_eq!(
        std::fs::read_dir(content.join("gestionali"))
            .unwrap()
            .count(),
        0
    );
    let annex = std::fs::read_to_string(content.join("allegato.toml")).unwrap();
    assert!(
        annex.starts_with("#:schema ../schema/allegato.json\n"),
        "{annex}"
    );
    assert!(annex.contains("ente = \"Comune di Valbruna\""), "{annex}");
    assert!(annex.contains("anno_inizio = 2025") && annex.contains("anno_fine = 2027"));
    // The notes name the folder in the commands they suggest (it is not `content`).
    let notes = std::fs::read_to_string(content.join("LEGGIMI.txt")).unwrap();
    assert!(
        notes.contains("piao check --contenuti contenuti\r\n"),
        "{notes}"
    );
    // The schemas the `#:schema` lines name are there, beside the folder.
    assert!(dir.path().join("schema/allegato.json").is_file());
    // `check` accepts it: no error, and the one warning says there is no objective yet
    // (the annex has nothing to print until one is written).
    let check = run(&["check", "--contenuti", s(&content)]);
    let said = stderr(&check);
    assert!(check.status.success(), "{said}");
    assert!(said.contains("(0 errori, 1 avvisi)"), "{said}");
    assert!(said.contains("nessun obiettivo"), "{said}");
}

#[test]
fn init_never_overwrites_anything() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let mine = b"ente = \"Il mio comune\"\n# i miei appunti\n";
    std::fs::write(content.join("allegato.toml"), mine).unwrap();
    let out = init(&content);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ci sono già `allegato.toml`: non sovrascrivo nulla"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(content.join("allegato.toml")).unwrap(), mine);
    let left: Vec<_> = std::fs::read_dir(&content).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing else written: {left:?}");
    assert!(!dir.path().join("schema").exists());
}

#[test]
fn init_without_a_terminal_names_the_missing_flags() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let out = run(&["init", s(&content), "--ente", "Comune di Valbruna"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("--anno-inizio") && err.contains("--anno-fine"),
        "{err}"
    );
    assert!(!content.exists(), "nothing written");
}

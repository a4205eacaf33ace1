//! The editing stage (`piao::edit`) on real content folders: saves keep every byte
//! outside the changed value, conflicting saves are refused, saves can be undone,
//! hostile text comes back verbatim, nothing is written outside the content folder,
//! every kind of change has a form whose examples make a change `check` accepts, and an
//! annex written from an empty folder passes `piao check --strict`.

use crate::common;

use std::fs;
use std::path::Path;

use piao::diag::Sources;
use piao::edit::{self, Edit, FieldPath, Motivation, SaveError, ABSENT, HISTORY_DIR};
use serde_json::{json, Map, Value as Json};

fn path(p: &str) -> FieldPath {
    FieldPath::parse(p).unwrap()
}

fn set(field: &str, value: Json) -> Edit {
    Edit::Set {
        field: path(field),
        value,
    }
}

fn add(list: &str, values: Json) -> Edit {
    Edit::Add {
        list: path(list),
        position: None,
        values: values.as_object().cloned().unwrap_or_default(),
    }
}

/// Opens `file` and saves `edits` over the version just opened.
fn save_now(dir: &Path, file: &str, edits: &[Edit]) -> Result<edit::Saved, SaveError> {
    let opened = edit::open(dir, file).unwrap();
    edit::save(dir, file, &opened.digest, edits)
}

/// The comment lines of a file, in order.
fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect()
}

/// The problems of a folder as `piao check` (or `--strict`) prints them, one a line.
fn check_text(dir: &Path, strict: bool) -> (bool, String) {
    let c = piao::pipeline::load_and_check(dir, strict).expect("the folder is there");
    let lines: Vec<String> = c
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity != piao::diag::Severity::Note)
        .map(|d| {
            let place = d
                .primary
                .as_ref()
                .map(|(f, s)| {
                    let text = c.sources.text(*f);
                    format!(
                        "{}: {:?}",
                        c.sources.path(*f).display(),
                        &text[s.start.min(text.len())..s.end.min(text.len())]
                    )
                })
                .unwrap_or_default();
            format!("{:?} {} [{place}] {:?}", d.severity, d.message, d.hints)
        })
        .collect();
    (
        c.report.errors() == 0 && c.checked.is_some(),
        lines.join("\n"),
    )
}

/// The bytes that differ between two texts, as ranges of the first.
fn changed_region(before: &str, after: &str) -> std::ops::Range<usize> {
    let (b, a) = (before.as_bytes(), after.as_bytes());
    let prefix = b.iter().zip(a).take_while(|(x, y)| x == y).count();
    let suffix = b[prefix..]
        .iter()
        .rev()
        .zip(a[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix..b.len() - suffix
}

/// The span of the value at `field` in a TOML text, as the loader finds it.
fn value_span(text: &str, field: &str) -> std::ops::Range<usize> {
    piao::load::index_text(text)
        .get(&path(field).span_key())
        .unwrap_or_else(|| panic!("no value {field}"))
}

#[test]
fn a_save_keeps_every_byte_outside_the_changed_value() {
    for (folder, file) in [
        ("content", "gestionali/g06-patto-educativo.toml"),
        ("content", "allegato.toml"),
        (
            "tests/fixtures/comune-di-valbruna",
            "gestionali/g03-archivio-digitale.toml",
        ),
    ] {
        let (_tmp, dir) = common::workspace_of(folder);
        let opened = edit::open(&dir, file).unwrap();
        let before = opened.text.clone().unwrap();
        let kind_field = if file == "allegato.toml" {
            "ente"
        } else {
            "titolo"
        };
        let old = value_span(&before, kind_field);
        let saved = edit::save(
            &dir,
            file,
            &opened.digest,
            &[set(
                kind_field,
                json!("Un titolo nuovo, con \"virgolette\""),
            )],
        )
        .unwrap();
        let after = fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(after, saved.text);
        let region = changed_region(&before, &after);
        assert!(
            region.start >= old.start && region.end <= old.end,
            "{folder}/{file}: bytes changed outside `{kind_field}` ({region:?} outside {old:?})"
        );
        let table: toml::Table = after.parse().unwrap();
        assert_eq!(
            table[kind_field].as_str(),
            Some("Un titolo nuovo, con \"virgolette\"")
        );
        // Every comment line of the file is still there, in order.
        assert_eq!(comments(&before), comments(&after));
        assert!(saved.problems.buildable, "{:?}", saved.problems.problemi);
    }
}

#[test]
fn a_cell_of_a_cronoprogramma_changes_alone() {
    let (_tmp, dir) = common::workspace_of("tests/fixtures/comune-di-valbruna");
    let file = "gestionali/g09-orti-urbani.toml";
    let opened = edit::open(&dir, file).unwrap();
    let before = opened.text.clone().unwrap();
    let grid = value_span(&before, "fasi[2].cronoprogramma");
    let saved = edit::save(
        &dir,
        file,
        &opened.digest,
        &[
            set("fasi[2].cronoprogramma.ottobre", json!("60")),
            set("fasi[2].cronoprogramma.novembre", json!(40)),
        ],
    )
    .unwrap();
    let region = changed_region(&before, &saved.text);
    assert!(
        region.start >= grid.start && region.end <= grid.end,
        "{region:?} {grid:?}"
    );
    assert!(
        saved
            .text
            .contains("cronoprogramma = { ottobre = 60, novembre = 40 }"),
        "{}",
        saved.text
    );
    assert!(saved.problems.buildable, "{:?}", saved.problems.problemi);
}

#[test]
fn a_save_from_an_old_version_is_refused_with_both_versions() {
    let (_tmp, dir) = common::workspace_of("content");
    let file = "gestionali/g01-prevenzione-corruzione.toml";
    let opened = edit::open(&dir, file).unwrap();
    // Someone else changes the file (an editor, a colleague, git).
    let theirs = opened
        .text
        .clone()
        .unwrap()
        .replacen("titolo = ", "# a mano\ntitolo = ", 1);
    fs::write(dir.join(file), &theirs).unwrap();
    let err = edit::save(&dir, file, &opened.digest, &[set("progetto", json!("Mio"))]).unwrap_err();
    let SaveError::Conflitto(c) = err else {
        panic!("{err:?}")
    };
    assert_eq!(c.on_disk.as_deref(), Some(theirs.as_str()));
    let yours = c.yours.expect("the edit applies to their version too");
    assert!(yours.contains("# a mano") && yours.contains("progetto = \"Mio\""));
    // Nothing written, nothing kept.
    assert_eq!(fs::read_to_string(dir.join(file)).unwrap(), theirs);
    assert!(edit::history(&dir, file).unwrap().is_empty());
    // Saved over their version on purpose, with its digest.
    let saved = edit::save(
        &dir,
        file,
        &c.on_disk_digest,
        &[set("progetto", json!("Mio"))],
    )
    .unwrap();
    assert_eq!(saved.text, yours);
}

#[test]
fn every_save_can_be_undone() {
    let (_tmp, dir) = common::workspace_of("tests/fixtures/comune-di-valbruna");
    let file = "gestionali/g05-sue-online.toml";
    let original = fs::read(dir.join(file)).unwrap();
    let opened = edit::open(&dir, file).unwrap();
    let first = edit::save(
        &dir,
        file,
        &opened.digest,
        &[set("finalita", json!("Prima"))],
    )
    .unwrap();
    let second = edit::save(
        &dir,
        file,
        &first.digest,
        &[set("finalita", json!("Seconda"))],
    )
    .unwrap();
    let versions = edit::history(&dir, file).unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    // The latest first: the version the second save replaced.
    assert_eq!(versions[0].digest, first.digest);
    assert_eq!(versions[1].digest, opened.digest);
    let restored = edit::restore(&dir, file, &second.digest, &versions[1].id).unwrap();
    assert_eq!(fs::read(dir.join(file)).unwrap(), original);
    assert_eq!(restored.digest, opened.digest);
    // The restore is a save too: what it replaced is kept.
    assert_eq!(edit::history(&dir, file).unwrap().len(), 3);
    // The history folder is not content: the folder checks as before.
    assert!(dir.join(HISTORY_DIR).is_dir());
    let (ok, problems) = check_text(&dir, true);
    assert!(ok, "{problems}");
    assert!(!problems.contains(HISTORY_DIR), "{problems}");
}

const HOSTILE: &[&str] = &[
    "#set page(fill: red) $x^2$ *grassetto* _corsivo_ @etichetta <l> [a] \\ / ~ -- `c`",
    "virgolette \"doppie\" e 'singole' e \"\"\"triple\"\"\" e '''letterali'''",
    "righe\nseparate\n\ncon un paragrafo",
    "\nriga vuota all'inizio e alla fine\n",
    "barra rovescia alla fine \\",
    "tab\te ritorno\r\na capo",
    "chiave = \"valore\"\n[[fasi]]\nnumero = 99",
    "{{ minijinja }} {% if x %} {# commento #}",
    "\"\"\"",
    "'''",
    "\\\\ doppia \\n non è a capo \\u0041",
];

#[test]
fn hostile_text_is_saved_and_read_back_verbatim() {
    let (_tmp, dir) = common::workspace_of("tests/fixtures/comune-di-valbruna");
    let file = "gestionali/g03-archivio-digitale.toml";
    let phases = fs::read_to_string(dir.join(file))
        .unwrap()
        .matches("[[fasi]]")
        .count();
    for text in HOSTILE {
        save_now(
            &dir,
            file,
            &[
                set("titolo", json!(text)),
                set("descrizione", json!(text)),
                set("fasi[0].descrizione", json!(text)),
            ],
        )
        .unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        let mut sources = Sources::default();
        let mut report = piao::diag::Report::default();
        let path = dir.join(file);
        let bytes = std::fs::read(&path).unwrap();
        let loaded = piao::load::parse_bytes::<piao::model::Managed>(
            &path,
            &bytes,
            &mut sources,
            &mut report,
        )
        .unwrap_or_else(|| panic!("{text:?}: {:?}", report.diagnostics));
        assert_eq!(loaded.data.titolo, *text);
        assert_eq!(loaded.data.descrizione, *text);
        assert_eq!(loaded.data.fasi[0].descrizione, *text);
        assert_eq!(loaded.data.fasi.len(), phases, "{text:?}");
    }
}

#[test]
fn nothing_is_written_outside_the_content_folder() {
    let (tmp, dir) = common::workspace_of("tests/fixtures/comune-di-valbruna");
    let before = common::snapshot(tmp.path());
    for bad in [
        "../fuori.toml",
        "gestionali/../../fuori.toml",
        "/tmp/fuori.toml",
        "stemma.svg",
        ".piao-storia/allegato.toml",
        "gestionali/sub/g99.toml",
        "gestionali/G99.TOML",
    ] {
        let err = edit::save(&dir, bad, ABSENT, &[set("titolo", json!("x"))]).unwrap_err();
        let SaveError::Errore(e) = err else {
            panic!("{bad}: {err:?}")
        };
        assert!(
            e.message.contains("non è un file dei contenuti"),
            "{bad}: {e:?}"
        );
    }
    // A field the model does not have is refused, the file untouched.
    let file = "allegato.toml";
    let err = save_now(&dir, file, &[set("comando", json!("rm -rf"))]).unwrap_err();
    assert!(
        matches!(err, SaveError::Errore(ref e) if e.message.contains("non è un campo")),
        "{err:?}"
    );
    assert_eq!(common::snapshot(tmp.path()), before);
    #[cfg(unix)]
    {
        // A folder of objectives that is a link leading outside: refused.
        fs::create_dir(tmp.path().join("altrove")).unwrap();
        fs::rename(
            dir.join("istituzionali"),
            tmp.path().join("altrove/istituzionali"),
        )
        .unwrap();
        std::os::unix::fs::symlink(
            tmp.path().join("altrove/istituzionali"),
            dir.join("istituzionali"),
        )
        .unwrap();
        let file = "istituzionali/i04-polizia-locale.toml";
        let err = edit::save(&dir, file, ABSENT, &[set("servizio", json!("x"))]).unwrap_err();
        assert!(
            matches!(err, SaveError::Errore(ref e) if e.message.contains("collegamento")),
            "{err:?}"
        );
    }
}

/// A content folder with what the catalogue's examples name: phases 1-6, indicators
/// `accordo`, `tempi`, `atti`, `indicatore-1`, activity `attivita-1`.
fn examples_folder() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content");
    fs::create_dir_all(dir.join("gestionali")).unwrap();
    fs::create_dir_all(dir.join("istituzionali")).unwrap();
    fs::write(
        dir.join("allegato.toml"),
        "ente = \"Comune di Prova\"\nanno_inizio = 2023\nanno_fine = 2025\ndata_documento = 2023-09-01\nmonitoraggi = [2023-07-31, 2023-12-31]\n",
    )
    .unwrap();
    let mut managed = String::from(
        r#"numero = 1
titolo = "Obiettivo di prova"
direzione = "Direzione Prova"
sezione = "Sezione Prova"
assessore = "Bianchi Anna"
dirigente = "Verdi Carlo"
responsabile = { cognome = "Neri", nome = "Luca" }
missione = "01 Servizi istituzionali"
programma = "02 Segreteria"
obiettivo_strategico = "1.1 Prova"
obiettivo_operativo = "Prova"
progetto = "Prova"
finalita = "Prova"
orizzonte_temporale = "2023"
descrizione = "Prova."
azione = "modificare"
"#,
    );
    let months = [
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "settembre",
        "ottobre",
    ];
    for (i, m) in months.iter().enumerate() {
        managed.push_str(&format!(
            "\n[[fasi]]\nnumero = {}\ndescrizione = \"Fase {}\"\ncronoprogramma = {{ {m} = 100 }}\n",
            i + 1,
            i + 1
        ));
    }
    for (group, id) in [
        ("quantita", "accordo"),
        ("quantita", "indicatore-1"),
        ("tempo", "tempi"),
        ("qualita", "atti"),
    ] {
        managed.push_str(&format!(
            "\n[[indicatori.{group}]]\nid = \"{id}\"\ndescrizione = \"Indicatore {id}\"\natteso = \"100%\"\n"
        ));
    }
    managed.push_str(
        "\n[[personale]]\ncategoria = \"D\"\nnome = \"NERI LUCA\"\npartecipazione = 100\n",
    );
    fs::write(dir.join("gestionali/g01-prova.toml"), managed).unwrap();
    let mut service = String::from(
        r#"numero = 1
servizio = "Servizio di prova"
direzione = "Direzione Prova"
sezione = "Sezione Prova"
assessore = "Bianchi Anna"
dirigente = "Verdi Carlo"
responsabile = { cognome = "Neri", nome = "Luca" }
missione = "01 Servizi istituzionali"
programma = "02 Segreteria"

[[attivita]]
id = "attivita-1"
testo = "Attività di prova"
"#,
    );
    for id in ["accordo", "indicatore-1", "tempi", "atti"] {
        service.push_str(&format!(
            "\n[[indicatori]]\nid = \"{id}\"\ndescrizione = \"Indicatore {id}\"\num = \"n.\"\nstorico = [\"1\", \"2\", \"3\"]\ntarget = \"4\"\n"
        ));
    }
    // A change of its own, on an activity no example names: the service asks for
    // something while the gestionale's examples are tried.
    service.push_str("\n[[attivita]]\nid = \"altra\"\ntesto = \"Altra attività\"\n\n[[variazioni]]\nmotivazione = \"m\"\n\n[[variazioni.modifiche]]\ntipo = \"riformulare_attivita\"\nattivita = \"altra\"\ntesto = \"Altra attività, riformulata\"\n");
    fs::write(dir.join("istituzionali/i01-prova.toml"), service).unwrap();
    tmp
}

#[test]
fn every_kind_of_change_has_a_form_whose_examples_check() {
    // The base folder asks for no change yet: each request below makes it whole.
    let base = examples_folder();
    let mut tried = 0;
    for (managed, file) in [
        (true, "gestionali/g01-prova.toml"),
        (false, "istituzionali/i01-prova.toml"),
    ] {
        for form in edit::change_forms(managed) {
            // Every field with its example; then without each optional one in turn (some
            // are alternatives: `cronoprogramma` or `cronoprogrammi`). Each field's
            // example must be part of a change that checks.
            let all: Map<String, Json> = form
                .campi
                .iter()
                .map(|f| (f.chiave.clone(), f.esempio.clone().unwrap()))
                .collect();
            let mut fillings = vec![all.clone()];
            for f in form.campi.iter().filter(|f| !f.obbligatorio) {
                let mut without = all.clone();
                without.remove(&f.chiave);
                fillings.push(without);
            }
            let mut accepted: Vec<String> = Vec::new();
            let mut refused = Vec::new();
            for fields in fillings {
                let tmp = tempfile::tempdir().unwrap();
                let dir = tmp.path().join("content");
                common::copy_dir(&base.path().join("content"), &dir);
                if !managed {
                    // The gestionale asks to be eliminated: it is whole with no change.
                    let g = "gestionali/g01-prova.toml";
                    let eliminate = Edit::Request {
                        tipo: "eliminare_obiettivo".into(),
                        fields: Map::new(),
                        motivazione: Motivation::New("non serve più".into()),
                    };
                    save_now(&dir, g, &[eliminate]).unwrap();
                }
                let request = Edit::Request {
                    tipo: form.tipo.clone(),
                    fields: fields.clone(),
                    motivazione: Motivation::New("Motivazione di prova".into()),
                };
                let saved = save_now(&dir, file, &[request])
                    .unwrap_or_else(|e| panic!("{} {fields:?}: {e:?}", form.tipo));
                let (ok, problems) = check_text(&dir, false);
                assert_eq!(ok, saved.problems.buildable, "{problems}");
                if ok {
                    accepted.extend(fields.keys().cloned());
                } else {
                    refused.push(format!("{fields:?}:\n{problems}\n{}", saved.text));
                }
                tried += 1;
            }
            for f in &form.campi {
                assert!(
                    accepted.contains(&f.chiave),
                    "{}: no filling with the example of `{}` checks:\n{}",
                    form.tipo,
                    f.chiave,
                    refused.join("\n\n")
                );
            }
        }
    }
    assert!(tried > piao_specs_count(), "{tried}");
}

fn piao_specs_count() -> usize {
    edit::change_forms(true).len() + edit::change_forms(false).len()
}

#[test]
fn an_annex_written_from_an_empty_folder_passes_the_strict_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content");
    fs::create_dir(&dir).unwrap();
    fs::copy(
        common::root().join("tests/fixtures/comune-di-valbruna/stemma.svg"),
        dir.join("stemma.svg"),
    )
    .unwrap();
    // The ente and the plan.
    let saved = edit::save(
        &dir,
        "allegato.toml",
        ABSENT,
        &[
            set("ente", json!("Comune di Borgo Fiorito")),
            set("provincia", json!("Provincia di Cuneo")),
            set("stemma.file", json!("stemma.svg")),
            set(
                "stemma.descrizione",
                json!("Stemma del Comune di Borgo Fiorito"),
            ),
            set("titolo", json!("Variazione n. 1 al PIAO 2025-2027")),
            set("anno_inizio", json!("2025")),
            set("anno_fine", json!("2027")),
            set("numero_variazione", json!("1")),
            set("data_documento", json!("2025-06-30")),
            set("data_documento_provvisoria", json!(true)),
            set("monitoraggi[0]", json!("2025-07-31")),
            set("monitoraggi[1]", json!("2025-12-31")),
            set("delibera.organo", json!("Giunta Comunale")),
        ],
    )
    .unwrap();
    assert!(
        saved.text.starts_with("#:schema ../schema/allegato.json\n"),
        "{}",
        saved.text
    );
    // The organisation.
    edit::save(
        &dir,
        "organizzazione.toml",
        ABSENT,
        &[
            add(
                "direzioni",
                json!({"nome": "Area Amministrativa", "dirigente": {"cognome": "Ferri", "nome": "Paola"}}),
            ),
            add(
                "direzioni[0].sezioni",
                json!({
                    "nome": "Servizi demografici",
                    "responsabile": {"cognome": "Galli", "nome": "Enrico"},
                    "assessore": {"cognome": "Riva", "nome": "Chiara"}
                }),
            ),
            add("personale", json!({"nome": "GALLI ENRICO", "categoria": "Funzionari e EQ"})),
            add("personale", json!({"nome": "MORO SARA", "categoria": "Istruttori"})),
            add("personale", json!({"nome": "FERRI PAOLA", "categoria": "DIRIGENTE"})),
        ],
    )
    .unwrap();
    // One gestionale from its sezione, with three phases.
    let (created, warning) = edit::create_objective(
        &dir,
        true,
        None,
        "Anagrafe digitale: \"certificati\" online",
        "servizi demografici",
    )
    .unwrap();
    assert_eq!(warning, None);
    assert_eq!(
        created.file,
        "gestionali/g01-anagrafe-digitale-certificati-online.toml"
    );
    assert!(
        !created.text.lines().any(|l| l == "[[variazioni]]"),
        "{}",
        created.text
    );
    assert!(
        !created.problems.buildable,
        "empty fields are errors until filled"
    );
    // The empty fields are named at their field.
    assert!(
        created
            .problems
            .of_file(&created.file)
            .any(|p| p.field.as_deref() == Some("missione")),
        "{:?}",
        created.problems.problemi
    );
    let file = created.file.clone();
    let mut edits = vec![
        set(
            "missione",
            json!("01 Servizi istituzionali, generali e di gestione"),
        ),
        set(
            "programma",
            json!("07 Elezioni e consultazioni popolari - Anagrafe e stato civile"),
        ),
        set("obiettivo_strategico", json!("1.2 Un comune digitale")),
        set("obiettivo_operativo", json!("Servizi anagrafici online")),
        set("progetto", json!("1.2.3 Certificati online")),
        set("finalita", json!("Certificati senza sportello")),
        set("orizzonte_temporale", json!("2025")),
        set(
            "descrizione",
            json!("Rilascio dei certificati anagrafici *online*,\ncon firma digitale."),
        ),
        set("fasi[0].descrizione", json!("analisi dei servizi")),
        set(
            "fasi[0].cronoprogramma",
            json!({"febbraio": "50", "marzo": 50}),
        ),
        add(
            "fasi",
            json!({"descrizione": "configurazione del portale", "cronoprogramma": {"aprile": 50, "maggio": 50}}),
        ),
        add(
            "fasi",
            json!({"descrizione": "avvio del servizio", "cronoprogramma": {"settembre": 100}}),
        ),
        set(
            "indicatori.quantita[0].descrizione",
            json!("certificati rilasciati online"),
        ),
        set("indicatori.quantita[0].atteso", json!("≥ 500")),
        set("personale[0].nome", json!("GALLI ENRICO")),
        set("personale[0].categoria", json!("")),
        set("personale[0].partecipazione", json!("60")),
        add(
            "personale",
            json!({"nome": "MORO SARA", "partecipazione": 40}),
        ),
        add(
            "risorse",
            json!({"tipologia": "Software", "descrizione": "portale dei servizi", "costo": "1.500,00"}),
        ),
    ];
    let saved = save_now(&dir, &file, &edits).unwrap();
    // Filled in: what is left is the change it must ask for, shown at `azione`.
    let left: Vec<_> = saved
        .problems
        .problemi
        .iter()
        .filter(|p| p.gravita != "nota")
        .collect();
    assert_eq!(left.len(), 1, "{left:#?}\n{}", saved.text);
    assert_eq!(left[0].field.as_deref(), Some("azione"));
    assert!(left[0].messaggio.contains("almeno una variazione"));
    // Phase 3 is extended to a later month, with a motivazione.
    edits = vec![Edit::Request {
        tipo: "variazione_temporale".into(),
        fields: json!({
            "fasi": [3],
            "variazione": "prolungare",
            "al": "2025-11-30",
            "cronoprogramma": {"settembre": 50, "ottobre": 25, "novembre": 25}
        })
        .as_object()
        .cloned()
        .unwrap(),
        motivazione: Motivation::New("il fornitore ha consegnato il portale in ritardo".into()),
    }];
    let saved = edit::save(&dir, &file, &saved.digest, &edits).unwrap();
    assert!(
        saved.problems.buildable,
        "{:#?}\n{}",
        saved.problems.problemi, saved.text
    );
    assert!(
        saved.text.contains("tipo = \"variazione_temporale\""),
        "{}",
        saved.text
    );
    assert!(
        saved.text.contains("[[variazioni.modifiche]]"),
        "{}",
        saved.text
    );
    let (ok, problems) = check_text(&dir, true);
    assert!(ok, "{problems}\n{}", saved.text);
    // The command line agrees.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_piao"))
        .args(["check", "--strict", "--content"])
        .arg(&dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
}

/// A list the file writes as `personale = [ {…}, … ]` (one element a line, as the
/// bundled organizzazione.toml does) takes additions, removals and moves from the
/// browser: one element a line still, the comments kept, and the folder still checks.
#[test]
fn an_inline_list_takes_additions_removals_and_moves() {
    let (_tmp, dir) = common::workspace_of("content");
    let file = "organizzazione.toml";
    let opened = edit::open(&dir, file).unwrap();
    let before = opened.text.clone().unwrap();
    let staff = |text: &str| -> Vec<String> {
        let t: toml::Table = text.parse().unwrap();
        t["personale"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["nome"].as_str().unwrap().to_string())
            .collect()
    };
    let old = staff(&before);
    let saved = edit::save(
        &dir,
        file,
        &opened.digest,
        &[
            Edit::Add {
                list: path("personale"),
                position: Some(1),
                values: json!({ "nome": "ZETA ZAIRA", "categoria": "C" })
                    .as_object()
                    .cloned()
                    .unwrap(),
            },
            Edit::Move {
                item: path("personale[0]"),
                position: 2,
            },
        ],
    )
    .unwrap();
    let now = staff(&saved.text);
    let mut expected = old.clone();
    expected.insert(1, "ZETA ZAIRA".into());
    let first = expected.remove(0);
    expected.insert(2, first);
    assert_eq!(now, expected);
    // Each element on a line of its own, indented as the others.
    let lines: Vec<&str> = saved
        .text
        .lines()
        .filter(|l| l.trim_start().starts_with("{ nome ="))
        .collect();
    assert_eq!(lines.len(), expected.len(), "{}", saved.text);
    assert!(
        lines.iter().all(|l| l.starts_with("    { nome = ")),
        "{lines:#?}"
    );
    assert!(saved
        .text
        .contains("\n    { nome = \"ZETA ZAIRA\", categoria = \"C\" },\n"));
    assert_eq!(comments(&before), comments(&saved.text));
    assert!(saved.problems.buildable, "{:?}", saved.problems.problemi);

    // Moved back and the new person removed: the file is byte for byte as it was.
    let back = edit::save(
        &dir,
        file,
        &saved.digest,
        &[
            Edit::Move {
                item: path("personale[2]"),
                position: 0,
            },
            Edit::Remove {
                item: path("personale[1]"),
            },
        ],
    )
    .unwrap();
    assert_eq!(back.text, before);
}

//! Injection-proof text: any string in a field reaches the PDF exactly as written and
//! never changes the document's structure.
//!
//! A property test puts generated strings (Typst's markup characters, sequences such as
//! `//`, `/*`, `--`, `...`, line starts such as `= `, `- `, `12. `, letters of other
//! alphabets) into five fields of a real content folder, builds the PDF through the real
//! pipeline (check → view → templates → Typst → PDF), reads the text back with
//! `pdf-extract` and requires each string, between two markers, to come back verbatim
//! (whitespace and typographic quotes aside, since lines are broken, runs of spaces
//! collapsed and quotes set typographically) and as many
//! times as a plain string does: a string that opened a heading, a comment or a list
//! would lose characters or change the count.
//!
//! Cases: 48 by default; `PROPTEST_CASES=N` for a longer run.

use crate::common;

use std::sync::OnceLock;

use crate::common::fields::{shown, ANNEX, FIELDS, OBJECTIVE};
use piao::fonts::Coverage;
use piao::pipeline;
use piao::render::{Selection, Templates};
use piao::typeset::Engine;
use piao::view::Profile;
use proptest::prelude::*;

/// Markers around each string: letters no generated string is made of.
fn markers(i: usize) -> (String, String) {
    (format!("Kq{i}vW"), format!("Wv{i}qK"))
}

/// A TOML basic string holding `s` exactly.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Text as compared: without whitespace (line breaks and collapsed spaces are layout)
/// and without typography (`piao::text::typography` prints ’ “ ” for ' and " and
/// no-break spaces: they are layout too).
fn squash(s: &str) -> String {
    piao::text::untypeset(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

struct Builder {
    engine: Engine,
    templates: Templates,
}

/// Builds the annex with `values` in the fields and returns the PDF's text.
fn build(builder: &Builder, values: &[String]) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("gestionali")).unwrap();
    std::fs::write(dir.path().join("allegato.toml"), ANNEX).unwrap();
    let mut objective = OBJECTIVE.to_string();
    for ((placeholder, _), (i, value)) in FIELDS.iter().zip(values.iter().enumerate()) {
        let (a, b) = markers(i);
        objective = objective.replace(placeholder, &toml_string(&format!("{a}{value}{b}")));
    }
    std::fs::write(dir.path().join("gestionali/g01-prova.toml"), objective).unwrap();
    build_dir(builder, dir.path())
}

/// Builds the annex of a content folder and returns the PDF's text.
fn build_dir(builder: &Builder, dir: &std::path::Path) -> Result<String, String> {
    let mut checking = pipeline::load_and_check(dir, false).map_err(|e| e.0)?;
    let rendered = piao::diag::render(&checking.report, &checking.sources, false);
    let Some(checked) = checking.checked.take() else {
        return Err(format!("check refused the content:\n{rendered}"));
    };
    let built = pipeline::build_pdf(
        &checked,
        Profile::Complete,
        &Selection::All,
        &builder.templates,
        &builder.engine,
        &mut checking.sources,
        &mut checking.report,
    )
    .ok_or_else(|| {
        format!(
            "the build failed:\n{}",
            piao::diag::render(&checking.report, &checking.sources, false)
        )
    })?;
    // As `piao watch` does: free what Typst cached for older compilations.
    Engine::evict(10);
    pdf_extract::extract_text_from_mem(&built.pdf).map_err(|e| e.to_string())
}

/// How many times each field's marked value appears in `text`.
fn counts(text: &str, values: &[String]) -> Vec<usize> {
    let haystack = squash(text);
    FIELDS
        .iter()
        .zip(values.iter().enumerate())
        .map(|((_, prose), (i, v))| {
            let (a, b) = markers(i);
            let needle = squash(&shown(&format!("{a}{v}{b}"), *prose));
            haystack.matches(&needle).count()
        })
        .collect()
}

fn builder() -> &'static std::sync::Mutex<Builder> {
    static B: OnceLock<std::sync::Mutex<Builder>> = OnceLock::new();
    B.get_or_init(|| {
        std::sync::Mutex::new(Builder {
            engine: Engine::new(),
            templates: Templates::bundled(),
        })
    })
}

/// How many times a plain value of each field appears in the PDF.
fn baseline() -> &'static Vec<usize> {
    static COUNTS: OnceLock<Vec<usize>> = OnceLock::new();
    COUNTS.get_or_init(|| {
        let values: Vec<String> = FIELDS.iter().map(|_| "testo semplice".into()).collect();
        let text = build(&builder().lock().unwrap(), &values).expect("plain values build");
        let c = counts(&text, &values);
        assert!(c.iter().all(|n| *n > 0), "plain values not found: {c:?}");
        c
    })
}

/// Pieces that mean something to Typst, Markdown or MiniJinja.
const SEQUENCES: &[&str] = &[
    "//",
    "/*",
    "*/",
    "--",
    "---",
    "...",
    "= ",
    "== ",
    "- ",
    "+ ",
    "12. ",
    "/ ",
    "#",
    "#set",
    "#let x = 1",
    "#{",
    "$x$",
    "$",
    "@ref",
    "<label>",
    "\\",
    "\\n",
    "`",
    "```",
    "~",
    "_",
    "*",
    "**",
    "[",
    "]",
    "{",
    "}",
    "{{",
    "}}",
    "{%",
    "%}",
    "\"",
    "'",
    "<",
    ">",
    "&",
    "http://a.b/c",
    "a_b_c",
    "\n",
    "\n= ",
    "\n- ",
    "\n12. ",
    "\n\n",
    "\t",
    "  ",
    "-?",
    "'s",
    "\"q\"",
];

/// Single characters: ASCII printable, Italian and other letters, typographic signs —
/// only those the bundled fonts can draw, also in capitals (others are refused by
/// `piao check`).
fn alphabet() -> Vec<char> {
    let coverage = Coverage::bundled();
    let extra = "àèéìòùÀÈÉÌÒÙçñßøåœæÆŒ€£§°«»“”‘’–—…≥≤±×÷µ¿¡ÄÖÜäöüłŁšŠžŽαβγΩЖжяЯ";
    (' '..='~')
        .chain(extra.chars())
        .filter(|c| coverage.contains(*c) && c.to_uppercase().all(|u| coverage.contains(u)))
        .collect()
}

fn piece() -> impl Strategy<Value = String> {
    let chars = alphabet();
    prop_oneof![
        3 => proptest::sample::select(chars).prop_map(|c| c.to_string()),
        2 => proptest::sample::select(SEQUENCES).prop_map(str::to_string),
    ]
}

fn value() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 1..14).prop_map(|p| p.concat())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_reaches_the_pdf_verbatim(values in proptest::collection::vec(value(), FIELDS.len())) {
        let expected = baseline().clone();
        let text = build(&builder().lock().unwrap(), &values).map_err(TestCaseError::fail)?;
        let found = counts(&text, &values);
        prop_assert_eq!(
            &found,
            &expected,
            "values {:?}: found {:?} times, a plain value {:?} times",
            values,
            found,
            expected
        );
    }
}

/// The strings of the reference and of the issue that mean something to Typst.
#[test]
fn known_hostile_strings_reach_the_pdf_verbatim() {
    let expected = baseline().clone();
    let hostile = [
        "s@c on_line Annuale_ciclico > 3 %",
        "= Titolo finto\n- punto\n12. elenco",
        "// commento /* blocco */ -- --- ...",
        "#set page(width: 1cm) #pagebreak() $x^2$ <etichetta> @etichetta",
        "] ) } #strong[grassetto] \\ ~ `raw` ```blocco```",
        "{{ o.titolo }} {% if true %}si{% endif %} {# commento #}",
        "l'Ente \"virgolette\" ‘semplici’ «caporali» — – … ≥ 30 h",
    ];
    let builder = builder().lock().unwrap();
    for s in hostile {
        let values: Vec<String> = FIELDS.iter().map(|_| s.to_string()).collect();
        let text = build(&builder, &values).unwrap();
        assert_eq!(counts(&text, &values), expected, "{s:?}");
    }
}

/// The engine is reused between builds (as `piao watch` does): a text whose last
/// character shares its last UTF-8 byte with the previous one ("Œ" C5 92, "Ò" C3 92)
/// once left the old character in the PDF, found by the property test above.
#[test]
fn a_reused_engine_shows_the_new_text() {
    let expected = baseline().clone();
    let builder = builder().lock().unwrap();
    let before: Vec<String> = FIELDS.iter().map(|_| "prima Œ".to_string()).collect();
    let after: Vec<String> = FIELDS.iter().map(|_| "Ò".to_string()).collect();
    build(&builder, &before).unwrap();
    let text = build(&builder, &after).unwrap();
    assert_eq!(counts(&text, &after), expected, "{text}");
}

/// Keys of prose fields (somewhere): their `*` marks are emphasis, not text.
const PROSE_KEYS: &[&str] = &["descrizione", "motivazione", "testo"];

/// Whether `needle`'s characters appear in `hay` in order (other characters between).
fn in_order(needle: &str, hay: &str) -> bool {
    let mut hay = hay.chars();
    needle.chars().all(|c| hay.any(|h| h == c))
}

/// Hostile text in every printed string of a whole content folder (a frozen copy of
/// part of the bundled one): each value comes back between its markers. Here the
/// characters are only required in order: in narrow table columns the lines of
/// neighbouring cells interleave in the extracted text, and a row may continue on the
/// next page after the footer; the property test above requires contiguous text.
#[test]
fn hostile_text_in_every_field_comes_back() {
    let hostile = [
        "s@c on_line > 3 % [x] #y $z$",
        "= finto // no /* no */ -- ... ~ \\ `r`",
        "12. elenco - punto + altro <l> @l {{ x }}",
    ];
    let dir = common::copy_of("tests/fixtures/errori/base");
    let mut expected: Vec<(String, String)> = Vec::new();
    let mut files = vec![
        dir.path().join("allegato.toml"),
        dir.path().join("formazione.toml"),
    ];
    for sub in ["gestionali", "istituzionali"] {
        for e in std::fs::read_dir(dir.path().join(sub)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    fn walk(v: &mut toml::Value, key: &str, hostile: &[&str], out: &mut Vec<(String, String)>) {
        if common::NOT_PRINTED.contains(&key) {
            return;
        }
        match v {
            toml::Value::String(s) => {
                let n = out.len();
                let h = hostile[n % hostile.len()];
                *s = format!("Kq{n}vW {h} Wv{n}qK");
                out.push((key.to_string(), h.to_string()));
            }
            toml::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, key, hostile, out)),
            toml::Value::Table(t) => t.iter_mut().for_each(|(k, x)| walk(x, k, hostile, out)),
            _ => {}
        }
    }
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let mut value: toml::Value = toml::from_str(&text).unwrap();
        walk(&mut value, "", &hostile, &mut expected);
        std::fs::write(file, toml::to_string(&value).unwrap()).unwrap();
    }
    let builder = builder().lock().unwrap();
    let text = build_dir(&builder, dir.path()).unwrap();
    // Some fields are shown in capitals: compare without case.
    let hay = squash(&text).to_lowercase();
    let mut missing = Vec::new();
    for (n, (key, h)) in expected.iter().enumerate() {
        let (a, b) = (format!("kq{n}vw"), format!("wv{n}qk"));
        let mut want = squash(h).to_lowercase();
        if PROSE_KEYS.contains(&key.as_str()) {
            want = want.replace('*', "");
        }
        let found = hay.match_indices(&a).any(|(start, _)| {
            let rest = &hay[start + a.len()..];
            rest.find(&b)
                .is_some_and(|end| in_order(&want, &rest[..end]))
        });
        if !found {
            missing.push(format!("{n} {key}: {h}"));
        }
    }
    assert!(expected.len() > 250, "only {} values", expected.len());
    assert!(
        missing.is_empty(),
        "{} of {} values not in the PDF:\n{}",
        missing.len(),
        expected.len(),
        missing.join("\n")
    );
}

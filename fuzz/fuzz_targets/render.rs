//! Fuzz target: arbitrary strings in five fields of a real objective, through the real
//! pipeline to a PDF. Whatever `piao check` accepts must build, and each string must
//! come back from the PDF's text verbatim (whitespace aside) as many times as a plain
//! string does. The same property as `tests/it/injection.rs`, driven by libFuzzer.

#![no_main]

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use piao::check;
use piao::diag::{Report, Sources};
use piao::fonts::Coverage;
use piao::load::{self, Content};
use piao::model::{Annex, Managed};
use piao::pipeline;
use piao::render::{Selection, Templates};
use piao::typeset::Engine;
use piao::view::Profile;

// The folder of one objective with placeholders that `tests/it/injection.rs` fills too.
#[path = "../../tests/common/fields.rs"]
mod fields;
use fields::{shown, ANNEX, FIELDS, OBJECTIVE};

struct State {
    engine: Engine,
    templates: Templates,
    coverage: Coverage,
    baseline: Option<Vec<usize>>,
}

fn state() -> &'static Mutex<State> {
    static S: OnceLock<Mutex<State>> = OnceLock::new();
    S.get_or_init(|| {
        Mutex::new(State {
            engine: Engine::new(),
            templates: Templates::bundled(),
            coverage: Coverage::bundled(),
            baseline: None,
        })
    })
}

fn marked(i: usize, v: &str) -> String {
    format!("Kq{i}vW{v}Wv{i}qK")
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Builds the PDF with `values`; `None` when `piao check` refuses them.
fn build(s: &State, values: &[String]) -> Option<Vec<usize>> {
    let mut objective = OBJECTIVE.to_string();
    for (i, v) in values.iter().enumerate() {
        let literal = toml::Value::String(marked(i, v)).to_string();
        objective = objective.replace(FIELDS[i].0, &literal);
    }
    let mut sources = Sources::default();
    let mut report = Report::default();
    let annex = load::parse_bytes::<Annex>(
        Path::new("allegato.toml"),
        ANNEX.as_bytes(),
        &mut sources,
        &mut report,
    );
    let managed = load::parse_bytes::<Managed>(
        Path::new("gestionali/g01.toml"),
        objective.as_bytes(),
        &mut sources,
        &mut report,
    );
    let content = Content {
        dir: Path::new("content").to_path_buf(),
        annex,
        managed: managed.into_iter().collect(),
        services: Vec::new(),
        training: None,
        organisation: None,
        annex_dates: None,
    };
    let checked = check::check(&content, &sources, &mut report)?;
    let built = pipeline::build_pdf(
        &checked,
        Profile::Complete,
        &Selection::All,
        &s.templates,
        &s.engine,
        &mut sources,
        &mut report,
    )
    .unwrap_or_else(|| {
        panic!(
            "checked content did not build:\n{}",
            piao::diag::render(&report, &sources, false)
        )
    });
    // As `piao watch` does: free what Typst cached for older compilations.
    Engine::evict(10);
    // pdf-extract is a third party's reader: a panic there is not piao's.
    let text = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&built.pdf))
        .ok()?
        .ok()?;
    let hay = squash(&text);
    Some(
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                hay.matches(&squash(&shown(&marked(i, v), FIELDS[i].1)))
                    .count()
            })
            .collect(),
    )
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut s = state().lock().unwrap();
    // Characters the fonts cannot draw are refused by check: keep the rest.
    let drawable =
        |c: &char| s.coverage.contains(*c) && c.to_uppercase().all(|u| s.coverage.contains(u));
    let mut values: Vec<String> = text
        .split('\u{1}')
        .map(|v| v.chars().filter(drawable).collect())
        .collect();
    values.resize(FIELDS.len(), String::new());
    values.truncate(FIELDS.len());
    if s.baseline.is_none() {
        let plain: Vec<String> = (0..FIELDS.len())
            .map(|_| "testo semplice".to_string())
            .collect();
        let b = build(&s, &plain).expect("plain values build");
        s.baseline = Some(b);
    }
    if let Some(found) = build(&s, &values) {
        assert_eq!(
            Some(&found),
            s.baseline.as_ref(),
            "values {values:?} came back a different number of times"
        );
    }
});

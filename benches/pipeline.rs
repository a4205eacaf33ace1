//! Benchmarks of every pipeline stage (divan): load, check, view (changes applied),
//! render (MiniJinja → Typst), typeset (Typst layout, cold), PDF export; plus the whole
//! in-process build and a warm recompile after a one-line edit (what `piao watch` pays).
//!
//! Three data sets: the bundled annex (`content/`, 16 objectives) and synthetic content
//! with N = 100 objectives and with the most `check` accepts (`nmax`:
//! `limits::MAX_OBJECTIVES`, 150; the earlier N = 1000 is no longer accepted), written
//! by the generator of `examples/synth` into `$TMPDIR/piao-bench/nN` (rewritten on every
//! run; the same bytes every time).
//!
//! `cargo bench --bench pipeline` runs them all; `-- bundled`, `-- n100` or `-- nmax`
//! runs one data set,
//! `-- typeset` one stage. CI only compiles them (`cargo bench --no-run`). See
//! BENCHMARKS.md.
//!
//! Divan runs the groups in name order: `bundled`, `n100`, `nmax`. The order matters:
//! after the N = 1000 layouts, later compiles in the same process were measured 2-3
//! times slower (the bundled annex), even with Typst's cache emptied — most likely the
//! process's global tables and heap stay large. For figures of one data set, run it in
//! its own process.
//!
//! "Cold" means what a fresh `piao build` process pays: before every sample Typst's
//! memoization cache is emptied (`comemo::evict(0)`) and a new `Engine` is made.

#[path = "../examples/synth/generator.rs"]
mod generator;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::Bencher;
use piao::check::Checked;
use piao::diag::{Report, Sources};
use piao::render::{Selection, Templates};
use piao::typeset::{Engine, PdfMeta, SourceFile};
use piao::view::{self, Document, Profile};

fn main() {
    divan::main();
}

/// One data set, loaded and checked once, with the output of each stage ready for the
/// next stage's benchmark.
struct Data {
    dir: PathBuf,
    checked: Checked,
    document: Document,
    files: Vec<SourceFile>,
    date: chrono::NaiveDate,
}

fn prepare(dir: PathBuf) -> Data {
    let checking = piao::pipeline::load_and_check(&dir, false).expect("content folder");
    let checked = checking
        .checked
        .unwrap_or_else(|| panic!("content in {} has errors", dir.display()));
    let document = view::build(&checked, &piao::apply::apply(&checked), Profile::Complete);
    let rendered = piao::render::render(&document, &Templates::bundled(), &Selection::All)
        .unwrap_or_else(|p| panic!("template error: {}", p.message));
    let date = checked.annex.data.data_documento.get_ref().0;
    Data {
        dir,
        checked,
        document,
        files: rendered.files,
        date,
    }
}

fn synthetic(n: usize) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("piao-bench")
        .join(format!("n{n}"));
    generator::generate(n, &dir).expect("synthetic content");
    dir
}

fn data(set: &str) -> &'static Data {
    static BUNDLED: OnceLock<Data> = OnceLock::new();
    static N100: OnceLock<Data> = OnceLock::new();
    static NMAX: OnceLock<Data> = OnceLock::new();
    match set {
        "bundled" => {
            BUNDLED.get_or_init(|| prepare(Path::new(env!("CARGO_MANIFEST_DIR")).join("content")))
        }
        "n100" => N100.get_or_init(|| prepare(synthetic(100))),
        "nmax" => NMAX.get_or_init(|| prepare(synthetic(piao::limits::MAX_OBJECTIVES))),
        other => panic!("unknown data set {other}"),
    }
}

fn meta(d: &Data) -> PdfMeta {
    PdfMeta {
        ident: format!("{} {}", d.document.ente, d.document.title),
        creator: "piao bench".to_string(),
        date: d.date,
    }
}

/// A fresh engine with an empty Typst cache: the state of a new `piao build` process.
fn cold_engine() -> Engine {
    Engine::evict(0);
    Engine::new()
}

// --- The stages, for one data set -------------------------------------------------------

fn load(b: Bencher, d: &Data) {
    b.bench(|| {
        let mut sources = Sources::default();
        let mut report = Report::default();
        let content = piao::load::load(&d.dir, &mut sources, &mut report).unwrap();
        (content, sources, report)
    });
}

fn check(b: Bencher, d: &Data) {
    let mut sources = Sources::default();
    let mut report = Report::default();
    let content = piao::load::load(&d.dir, &mut sources, &mut report).unwrap();
    b.bench_local(|| {
        let mut report = Report::default();
        let checked = piao::check::check(&content, &sources, &mut report);
        assert!(checked.is_some());
        checked
    });
}

fn view(b: Bencher, d: &Data) {
    b.bench(|| {
        let applied = piao::apply::apply(&d.checked);
        view::build(&d.checked, &applied, Profile::Complete)
    });
}

fn render(b: Bencher, d: &Data) {
    let templates = Templates::bundled();
    b.bench(|| piao::render::render(&d.document, &templates, &Selection::All).ok());
}

fn typeset(b: Bencher, d: &Data) {
    b.with_inputs(cold_engine)
        .bench_local_values(|engine: Engine| {
            engine.update(&d.files);
            let doc = engine.compile(d.date).expect("compiles");
            (doc, engine)
        });
}

fn pdf(b: Bencher, d: &Data) {
    let engine = cold_engine();
    engine.update(&d.files);
    let (doc, _) = engine.compile(d.date).expect("compiles");
    let meta = meta(d);
    b.bench_local(|| engine.pdf(&doc, &meta).expect("exports"));
}

/// The whole in-process build, cold: load, check, view, render, typeset, PDF.
fn build(b: Bencher, d: &Data) {
    let templates = Templates::bundled();
    b.with_inputs(cold_engine)
        .bench_local_values(|engine: Engine| {
            let mut checking = piao::pipeline::load_and_check(&d.dir, false).unwrap();
            let checked = checking.checked.take().expect("valid");
            let built = piao::pipeline::build_pdf(
                &checked,
                Profile::Complete,
                &Selection::All,
                &templates,
                &engine,
                &mut checking.sources,
                &mut checking.report,
            )
            .expect("builds");
            (built.pdf, engine)
        });
}

/// A warm engine, then one word changed in one objective's file: re-render nothing,
/// replace one `Source`, lay out again (the cost a watch-mode rebuild starts from).
fn typeset_after_edit(b: Bencher, d: &Data) {
    let engine = cold_engine();
    engine.update(&d.files);
    engine.compile(d.date).expect("compiles");
    let idx = d
        .files
        .iter()
        .position(|f| f.path.starts_with("obiettivi/"))
        .expect("an objective file");
    let mut variants = [d.files.clone(), d.files.clone()];
    // Both variants differ from each other, so that every sample is a real edit.
    for (i, v) in variants.iter_mut().enumerate() {
        let needle = "#let scheda = [";
        let f = &mut v[idx];
        let at = f.text.find(needle).expect("a scheda") + needle.len();
        f.text.insert_str(at, &format!("\nModifica {i}.\n"));
    }
    let mut turn = 0usize;
    b.bench_local(|| {
        turn += 1;
        engine.update(&variants[turn % 2]);
        let doc = engine.compile(d.date).expect("compiles");
        Engine::evict(10);
        doc
    });
}

// --- The data sets: fewer samples where a sample takes long -------------------------------

macro_rules! stages {
    ($set:ident, fast: $fast:expr, slow: $slow:expr) => {
        mod $set {
            use super::*;

            #[divan::bench(sample_count = $fast, max_time = 10)]
            fn load(b: Bencher) {
                super::load(b, data(stringify!($set)));
            }
            #[divan::bench(sample_count = $fast, max_time = 10)]
            fn check(b: Bencher) {
                super::check(b, data(stringify!($set)));
            }
            #[divan::bench(sample_count = $fast, max_time = 10)]
            fn view(b: Bencher) {
                super::view(b, data(stringify!($set)));
            }
            #[divan::bench(sample_count = $fast, max_time = 10)]
            fn render(b: Bencher) {
                super::render(b, data(stringify!($set)));
            }
            #[divan::bench(sample_count = $slow, sample_size = 1)]
            fn typeset(b: Bencher) {
                super::typeset(b, data(stringify!($set)));
            }
            #[divan::bench(sample_count = $slow, sample_size = 1)]
            fn pdf(b: Bencher) {
                super::pdf(b, data(stringify!($set)));
            }
            #[divan::bench(sample_count = $slow, sample_size = 1)]
            fn build(b: Bencher) {
                super::build(b, data(stringify!($set)));
            }
            #[divan::bench(sample_count = $slow, sample_size = 1)]
            fn typeset_after_edit(b: Bencher) {
                super::typeset_after_edit(b, data(stringify!($set)));
            }
        }
    };
}

stages!(bundled, fast: 50, slow: 10);
stages!(n100, fast: 20, slow: 5);
stages!(nmax, fast: 5, slow: 3);

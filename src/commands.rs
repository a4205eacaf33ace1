//! The commands: what each subcommand does with the pipeline, and exit codes
//! (0 ok, 1 errors in the content, 2 usage or input/output errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::{Cli, Command, ContentArg, ProfileArg};
use crate::diag::{self, Diagnostic, Report, Sources};
use crate::load;
use crate::pipeline::{self, Checking};
use crate::publish;
use crate::render::{Selection, Templates};
use crate::typeset::Engine;
use crate::view::Profile;

/// Exit code: everything fine.
pub const OK: i32 = 0;
/// Exit code: the content has errors.
pub const CONTENT_ERRORS: i32 = 1;
/// Exit code: usage or input/output error.
pub const IO_ERRORS: i32 = 2;

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> i32 {
    let quiet = cli.quiet;
    match cli.command {
        Command::Check { content } => check(&content, quiet),
        Command::Build {
            content,
            output,
            profilo,
        } => build(&content, output, profilo, None, quiet),
        Command::Preview {
            obiettivo,
            content,
            output,
        } => build(
            &content,
            output,
            ProfileArg::Completo,
            Some(obiettivo),
            quiet,
        ),
        Command::Typst {
            content,
            output,
            obiettivo,
        } => typst(&content, &output, obiettivo, quiet),
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_report(report: &Report, sources: &Sources) {
    if !report.diagnostics.is_empty() {
        eprint!("{}", diag::render(report, sources, color()));
    }
}

fn fail_io(message: &str) -> i32 {
    let mut sources = Sources::default();
    let mut report = Report::default();
    report.push(Diagnostic::error(message.to_string()));
    let _ = &mut sources;
    print_report(&report, &sources);
    IO_ERRORS
}

fn templates(arg: &ContentArg) -> Result<Templates, String> {
    match &arg.templates {
        None => Ok(Templates::bundled()),
        Some(dir) => Templates::from_dir(dir)
            .map_err(|e| format!("non riesco a leggere i modelli in `{}`: {e}", dir.display())),
    }
}

fn load_checked(arg: &ContentArg) -> Result<Checking, i32> {
    pipeline::load_and_check(&arg.content, arg.strict).map_err(|e| fail_io(&e.0))
}

fn summary_counts(report: &Report) -> String {
    format!("{} errori, {} avvisi", report.errors(), report.warnings())
}

fn check(arg: &ContentArg, quiet: bool) -> i32 {
    let checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    print_report(&checking.report, &checking.sources);
    if checking.report.errors() > 0 || checking.checked.is_none() {
        eprintln!(
            "piao check: contenuti con errori ({})",
            summary_counts(&checking.report)
        );
        return CONTENT_ERRORS;
    }
    if !quiet {
        let c = checking.checked.as_ref().unwrap();
        eprintln!(
            "piao check: contenuti corretti: {} obiettivi gestionali, {} istituzionali ({})",
            c.managed.len(),
            c.services.len(),
            summary_counts(&checking.report)
        );
    }
    OK
}

/// The file name for a title: lowercase ASCII words joined by `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        let c = match c {
            'à' | 'á' => 'a',
            'è' | 'é' => 'e',
            'ì' | 'í' => 'i',
            'ò' | 'ó' => 'o',
            'ù' | 'ú' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Finds an objective by path, short name (`g06`), or file stem; `Err` lists the closest.
pub fn resolve_objective(checking: &Checking, wanted: &str) -> Result<String, String> {
    let Some(c) = &checking.checked else {
        return Err("i contenuti hanno errori".into());
    };
    let mut names: Vec<(String, String, PathBuf)> = Vec::new();
    for m in &c.managed {
        let short = crate::view::short_name('g', *m.source.data.numero.get_ref());
        names.push((m.source.stem.clone(), short, m.source.path.clone()));
    }
    for s in &c.services {
        let short = crate::view::short_name('i', *s.source.data.numero.get_ref());
        names.push((s.source.stem.clone(), short, s.source.path.clone()));
    }
    let as_path = Path::new(wanted);
    let wanted_stem = as_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(wanted)
        .to_string();
    for (stem, short, path) in &names {
        let same_path = as_path.exists() && path.canonicalize().ok() == as_path.canonicalize().ok();
        if same_path || *stem == wanted_stem || short.eq_ignore_ascii_case(wanted) {
            return Ok(stem.clone());
        }
    }
    let mut scored: Vec<(f64, &String, &String)> = names
        .iter()
        .map(|(stem, short, _)| {
            let s = strsim::jaro_winkler(&wanted.to_lowercase(), stem)
                .max(strsim::jaro_winkler(&wanted.to_lowercase(), short));
            (s, short, stem)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let closest: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, short, stem)| format!("{short} ({stem})"))
        .collect();
    Err(format!(
        "nessun obiettivo si chiama `{wanted}`; i più vicini: {}",
        closest.join(", ")
    ))
}

fn build(
    arg: &ContentArg,
    output: Option<PathBuf>,
    profile: ProfileArg,
    objective: Option<String>,
    quiet: bool,
) -> i32 {
    let start = Instant::now();
    let templates = match templates(arg) {
        Ok(t) => t,
        Err(e) => return fail_io(&e),
    };
    let mut checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(checked) = checking.checked.take() else {
        print_report(&checking.report, &checking.sources);
        eprintln!(
            "piao: nessun PDF scritto: i contenuti hanno errori ({})",
            summary_counts(&checking.report)
        );
        return CONTENT_ERRORS;
    };
    let selection = match &objective {
        None => Selection::All,
        Some(o) => {
            checking.checked = Some(checked.clone());
            match resolve_objective(&checking, o) {
                Ok(id) => Selection::One(id),
                Err(e) => {
                    print_report(&checking.report, &checking.sources);
                    return fail_io(&e);
                }
            }
        }
    };
    let profile = match profile {
        ProfileArg::Completo => Profile::Complete,
        ProfileArg::Albo => Profile::Albo,
    };
    let plan = checked.plan;
    let output = output.unwrap_or_else(|| {
        let title = match &checked.annex.data.numero_variazione {
            Some(n) => format!("variazione-{n}-piao-{}-{}", plan.first, plan.last),
            None => format!("variazione-piao-{}-{}", plan.first, plan.last),
        };
        let name = match (&selection, profile) {
            (Selection::One(id), _) => format!("anteprima-{}", slug(id)),
            (Selection::All, Profile::Albo) => format!("{}-albo", slug(&title)),
            (Selection::All, Profile::Complete) => slug(&title),
        };
        PathBuf::from("output").join(format!("{name}.pdf"))
    });
    if let Err(e) = publish::check_writable(&output) {
        print_report(&checking.report, &checking.sources);
        return fail_io(&e);
    }
    let engine = Engine::new();
    let Checking {
        mut sources,
        mut report,
        ..
    } = checking;
    let built = pipeline::build_pdf(
        &checked,
        profile,
        &selection,
        &templates,
        &engine,
        &mut sources,
        &mut report,
    );
    print_report(&report, &sources);
    let Some(built) = built else {
        eprintln!(
            "piao: nessun PDF scritto ({}); il file precedente, se c'era, è invariato",
            summary_counts(&report)
        );
        return CONTENT_ERRORS;
    };
    if let Err(e) = publish::write_atomic(&output, &built.pdf) {
        return fail_io(&e);
    }
    if !quiet {
        let what = match &selection {
            Selection::All => format!(
                "{} obiettivi gestionali, {} istituzionali",
                built.document.managed.len(),
                built.document.services.len()
            ),
            Selection::One(id) => format!("anteprima di {id}"),
        };
        eprintln!(
            "piao: scritto {} — {} pagine, {}, {} avvisi, {:.2} s",
            output.display(),
            built.pages,
            what,
            report.warnings(),
            start.elapsed().as_secs_f64()
        );
    }
    OK
}

fn typst(arg: &ContentArg, out_dir: &Path, objective: Option<String>, quiet: bool) -> i32 {
    let templates = match templates(arg) {
        Ok(t) => t,
        Err(e) => return fail_io(&e),
    };
    let mut checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(checked) = checking.checked.clone() else {
        print_report(&checking.report, &checking.sources);
        return CONTENT_ERRORS;
    };
    let selection = match &objective {
        None => Selection::All,
        Some(o) => match resolve_objective(&checking, o) {
            Ok(id) => Selection::One(id),
            Err(e) => return fail_io(&e),
        },
    };
    let rendered = pipeline::typst_sources(
        &checked,
        Profile::Complete,
        &selection,
        &templates,
        &mut checking.sources,
        &mut checking.report,
    );
    print_report(&checking.report, &checking.sources);
    let Some(rendered) = rendered else {
        return CONTENT_ERRORS;
    };
    for f in &rendered.files {
        if let Err(e) = publish::write_atomic(&out_dir.join(&f.path), f.text.as_bytes()) {
            return fail_io(&e);
        }
    }
    if !quiet {
        eprintln!(
            "piao: scritti {} file Typst in {} (compila con: typst compile {}/main.typ --font-path fonts)",
            rendered.files.len(),
            out_dir.display(),
            out_dir.display()
        );
    }
    let _ = load::ANNEX_FILE;
    OK
}

//! The commands: one module per subcommand, on top of the pipeline, and what they
//! share (exit codes — 0 ok, 1 errors in the content, 2 usage or input/output errors —,
//! printing diagnostics, finding an objective by name).

mod build;
mod check;
mod export;
mod init;
mod list;
pub(crate) mod new;
mod schema;
mod serve;
mod typst;
mod watch;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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

/// Runs a parsed command line and returns the exit code (2 when the standard output
/// or error could not be written; see [`crate::streams`]).
pub fn run(cli: Cli) -> i32 {
    let code = run_command(cli);
    crate::streams::exit_code(code)
}

fn run_command(cli: Cli) -> i32 {
    let quiet = cli.quiet;
    crate::output::say_new_folders(!quiet);
    match cli.command {
        Command::Check { content } => check::run(&content, quiet),
        Command::Build {
            content,
            output,
            profilo,
        } => build::run(&content, output, profilo, None, None, quiet),
        Command::Preview {
            obiettivo,
            content,
            output,
            png,
        } => build::run(
            &content,
            output,
            ProfileArg::Completo,
            Some(obiettivo),
            png,
            quiet,
        ),
        Command::Export {
            content,
            format,
            output,
        } => export::run(&content, format, output.as_deref(), quiet),
        Command::Watch {
            obiettivo,
            content,
            output,
        } => watch::run(&content, obiettivo, output, quiet),
        Command::Serve {
            content,
            porta,
            indirizzo,
            apri,
        } => serve::run(&content, porta, indirizzo, apri, quiet),
        Command::Init {
            cartella,
            ente,
            anno_inizio,
            anno_fine,
        } => init::run(
            init::Given {
                folder: cartella.as_deref(),
                ente: ente.as_deref(),
                first: anno_inizio,
                last: anno_fine,
            },
            quiet,
        ),
        Command::New {
            tipo,
            numero,
            titolo,
            sezione,
            content,
        } => new::run(
            &content.content,
            tipo,
            numero,
            titolo.as_deref(),
            sezione.as_deref(),
            quiet,
        ),
        Command::List { content } => list::run(&content.content),
        Command::Schema { output } => schema::run(&output, quiet),
        Command::Typst {
            content,
            output,
            obiettivo,
        } => typst::run(&content, &output, obiettivo, quiet),
    }
}

pub(crate) fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints the errors and warnings of a run (not the notes: see [`print_review`]), at
/// most [`crate::limits::MAX_DIAGNOSTICS`] of them (and
/// [`crate::limits::MAX_DIAGNOSTICS_PER_FILE`] per file), with a word about the rest.
pub(crate) fn print_report(report: &Report, sources: &Sources) {
    print_diagnostics(report, sources, false);
}

/// As [`print_report`], with the notes too (contradictions the content acknowledges):
/// for `piao check`, where the content is reviewed, unless `--quiet`.
pub(crate) fn print_review(report: &Report, sources: &Sources, notes: bool) {
    print_diagnostics(report, sources, notes);
}

fn print_diagnostics(report: &Report, sources: &Sources, notes: bool) {
    let mut shown = Report {
        diagnostics: report
            .diagnostics
            .iter()
            .filter(|d| notes || d.severity != diag::Severity::Note)
            .cloned()
            .collect(),
    };
    if shown.diagnostics.is_empty() {
        return;
    }
    crate::limits::cap(&mut shown);
    crate::streams::err(diag::render(&shown, sources, color()));
}

pub(crate) fn fail_io(message: &str) -> i32 {
    let sources = Sources::default();
    let mut report = Report::default();
    report.push(Diagnostic::error(message.to_string()));
    print_report(&report, &sources);
    IO_ERRORS
}

/// What no output of a run may touch: the content folder and, if given, the templates.
pub(crate) fn protected(arg: &ContentArg) -> crate::output::Protected {
    crate::output::Protected::new(&arg.content, arg.templates.as_deref())
}

pub(crate) fn templates(arg: &ContentArg) -> Result<Templates, String> {
    match &arg.templates {
        None => Ok(Templates::bundled()),
        Some(dir) => Templates::from_dir(dir)
            .map_err(|e| format!("non riesco a leggere i modelli in `{}`: {e}", dir.display())),
    }
}

pub(crate) fn load_checked(arg: &ContentArg) -> Result<Checking, i32> {
    pipeline::load_and_check(&arg.content, arg.strict).map_err(|e| fail_io(&e.0))
}

pub(crate) fn summary_counts(report: &Report) -> String {
    let counts = format!("{} errori, {} avvisi", report.errors(), report.warnings());
    match report.notes() {
        0 => counts,
        n => format!("{counts}, {n} note"),
    }
}

pub use crate::record::slug;

/// Finds an objective by path, short name (`g06`), or file stem; `Err` lists the closest.
pub fn resolve_objective(checking: &Checking, wanted: &str) -> Result<String, String> {
    let Some(c) = &checking.checked else {
        return Err("i contenuti hanno errori".into());
    };
    // (stem, short name, path) of every objective.
    fn named<O: crate::model::Objective>(o: &crate::load::Loaded<O>) -> (String, String, PathBuf) {
        (o.stem.clone(), o.data.short_name(), o.path.clone())
    }
    let names: Vec<(String, String, PathBuf)> = c
        .managed
        .iter()
        .map(|m| named(&m.source))
        .chain(c.services.iter().map(|s| named(&s.source)))
        .collect();
    let as_path = Path::new(wanted);
    let wanted_stem = as_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(wanted)
        .to_string();
    // A path names a file: that file, or nothing (never another file with its name).
    let is_path = wanted.contains(['/', '\\']) || (wanted.ends_with(".toml") && as_path.is_file());
    if is_path {
        let real = as_path
            .canonicalize()
            .map_err(|_| format!("il file `{wanted}` non esiste"))?;
        return names
            .iter()
            .find(|(_, _, path)| path.canonicalize().ok().as_ref() == Some(&real))
            .map(|(stem, _, _)| stem.clone())
            .ok_or_else(|| {
                format!(
                    "il file `{wanted}` non è tra gli obiettivi della cartella dei contenuti: l'anteprima impagina solo quelli (con l'allegato che li accompagna); copia il file in `gestionali/` o `istituzionali/` di quella cartella, oppure indica con --contenuti la cartella dei contenuti a cui appartiene"
                )
            });
    }
    for (stem, short, _) in &names {
        if *stem == wanted_stem || short.eq_ignore_ascii_case(wanted) {
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

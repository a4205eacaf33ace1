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

use crate::cli::{Cli, Command, ContentArg, ProfileArg};
use crate::diag::{self, Diagnostic, Report, Sources};
use crate::job::{Input, Job, Stop};
use crate::load;
use crate::pipeline::Checking;
use crate::publish;

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
        } => with(
            Job::pdf(&content, None, profilo, output.as_deref(), None, quiet),
            build::run,
        ),
        Command::Preview {
            obiettivo,
            content,
            output,
            png,
        } => with(
            Job::pdf(
                &content,
                Some(obiettivo),
                ProfileArg::Completo,
                output.as_deref(),
                png.as_deref(),
                quiet,
            ),
            build::run,
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
        } => with(
            Job::watch(&content, obiettivo, output.as_deref(), quiet),
            watch::run,
        ),
        Command::Serve {
            content,
            porta,
            indirizzo,
            apri,
        } => serve::run(Input::from(&content), porta, indirizzo, apri, quiet),
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
        } => with(Job::typst(&content, obiettivo, &output, quiet), typst::run),
    }
}

/// Runs a job, or ends with exit code 2 when its arguments were refused.
fn with(job: Result<Job, String>, run: fn(&Job) -> i32) -> i32 {
    match job {
        Ok(job) => run(&job),
        Err(e) => fail_io(&e),
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
    Input::from(arg).protected()
}

pub(crate) fn load_checked(arg: &ContentArg) -> Result<Checking, i32> {
    Input::from(arg).load_and_check().map_err(|e| fail_io(&e.0))
}

pub(crate) fn summary_counts(report: &Report) -> String {
    let counts = format!("{} errori, {} avvisi", report.errors(), report.warnings());
    match report.notes() {
        0 => counts,
        n => format!("{counts}, {n} note"),
    }
}

pub use crate::record::slug;

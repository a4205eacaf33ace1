//! `piao watch`: build the annex (or one objective's preview) again whenever a content
//! file (or, with `--templates`, a template) changes.
//!
//! Modelled on typst-cli's `watch.rs`: one [`Engine`] lives for the whole session, so
//! each rebuild only `replace()`s the generated sources that changed and Typst lays out
//! again only what they affect; after each compile, `Engine::evict(10)` frees cached
//! results older than ten compilations. A rebuild that fails writes nothing: the last
//! good PDF stays in place, with its digest and record (each rebuild publishes the three
//! together, with [`publish::publish_built`], as build does) and the diagnostics are
//! shown instead.
//!
//! Fonts are embedded in the binary (`crate::fonts`), so `fonts/` is not watched: a new
//! font takes effect only once `piao` itself is compiled again.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::*;
use crate::output::Destination;
use crate::typeset::Engine;

/// Editors write a file in several steps (truncate, write, rename): wait until the
/// folder has been quiet this long before building.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Cached compilation results unused for this many compilations are freed.
const EVICT_AFTER: usize = 10;

/// Held while the PDF is being written. Ctrl-C is handled (with the `ctrlc` crate) by
/// taking this lock before ending the process, so the process never stops halfway
/// through a write and leaves its temporary file behind; stopping in the middle of a
/// compile is harmless, since nothing is written until a compile has succeeded.
static WRITING: Mutex<()> = Mutex::new(());

pub fn run(job: &Job) -> i32 {
    let handled = ctrlc::set_handler(|| {
        let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
        crate::errln!("\npiao watch: terminato");
        std::process::exit(OK);
    });
    if handled.is_err() {
        return fail_io("non riesco a intercettare Ctrl-C: il sistema non lo permette");
    }

    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    }) {
        Ok(w) => w,
        Err(e) => {
            return fail_io(&format!(
                "non riesco a osservare i file: {}",
                watch_reason(&e)
            ))
        }
    };
    let mut watched = vec![job.input.content.clone()];
    watched.extend(job.input.templates.clone());
    for dir in &watched {
        if let Err(e) = watcher.watch(dir, RecursiveMode::Recursive) {
            return fail_io(&format!(
                "non riesco a osservare la cartella `{}`: {}",
                dir.display(),
                watch_reason(&e)
            ));
        }
    }
    let banner = format!(
        "piao watch: osservo {} (Ctrl-C per uscire)",
        watched
            .iter()
            .map(|d| format!("{}/", d.display()))
            .collect::<Vec<_>>()
            .join(" e ")
    );
    let clear_screen = std::io::stderr().is_terminal();
    if !clear_screen {
        crate::errln!("{banner}");
    }

    let mut session = Session {
        job,
        engine: Engine::new(),
        rebuilds: 0,
        last_good: None,
        clear_screen,
        banner,
    };
    session.rebuild();
    loop {
        let Ok(event) = rx.recv() else {
            return OK;
        };
        if !relevant(&event, &job.input) {
            continue;
        }
        // Let the burst of events of one save settle.
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return OK,
            }
        }
        session.rebuild();
    }
}

/// Whether an event may change the output: a content `.toml` file or a template, not an
/// editor's backup or swap file, not a mere read.
fn relevant(event: &notify::Result<notify::Event>, input: &Input) -> bool {
    let Ok(event) = event else {
        return true;
    };
    if matches!(
        event.kind,
        EventKind::Access(notify::event::AccessKind::Open(_))
    ) {
        return false;
    }
    event.paths.iter().any(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            return false;
        }
        let in_templates = input.templates.as_ref().is_some_and(|t| {
            p.canonicalize()
                .ok()
                .zip(t.canonicalize().ok())
                .is_some_and(|(p, t)| p.starts_with(t))
                || p.starts_with(t)
        });
        // A folder (renamed, removed) has no extension.
        in_templates || p.extension().is_none_or(|e| e == "toml")
    })
}

struct Session<'a> {
    job: &'a Job,
    /// The one engine of the session: its sources stay alive between rebuilds.
    engine: Engine,
    rebuilds: usize,
    /// The number of the last rebuild that wrote the PDF.
    last_good: Option<usize>,
    /// On a terminal, each rebuild's report replaces the previous one.
    clear_screen: bool,
    /// What is watched, shown above each report on a terminal.
    banner: String,
}

impl Session<'_> {
    fn rebuild(&mut self) {
        let start = Instant::now();
        self.rebuilds += 1;
        if self.clear_screen {
            crate::errp!("\x1b[2J\x1b[H{}\n\n", self.banner);
        }
        match self.try_rebuild() {
            Ok((output, pages, warnings)) => {
                self.last_good = Some(self.rebuilds);
                if !self.job.quiet {
                    crate::errln!(
                        "piao watch [{}]: scritto {} — {pages} pagine, {warnings} avvisi, {:.2} s",
                        self.rebuilds,
                        output.display(),
                        start.elapsed().as_secs_f64()
                    );
                }
            }
            Err(why) => {
                let kept = match self.last_good {
                    Some(n) => format!("resta il PDF della compilazione {n}"),
                    None => "nessun PDF scritto".to_string(),
                };
                crate::errln!(
                    "piao watch [{}]: {why}; {kept} ({:.2} s)",
                    self.rebuilds,
                    start.elapsed().as_secs_f64()
                );
            }
        }
    }

    /// One build. `Ok` with what was written, `Err` with why nothing was (the
    /// diagnostics are already printed).
    fn try_rebuild(&mut self) -> Result<(PathBuf, usize, usize), String> {
        let mut ready = match self.job.ready() {
            Ok(r) => r,
            Err(Stop::Unread(e)) | Err(Stop::Refused(e, _)) => return Err(e),
            Err(Stop::Errors(checking)) => {
                print_report(&checking.report, &checking.sources);
                return Err(format!(
                    "i contenuti hanno errori ({})",
                    summary_counts(&checking.report)
                ));
            }
        };
        let Some(Destination::File(output)) = ready.destination.take() else {
            unreachable!("piao watch writes a file")
        };
        let built = ready.build_pdf(&self.engine);
        Engine::evict(EVICT_AFTER);
        print_report(&ready.report, &ready.sources);
        let Some(built) = built else {
            return Err(format!(
                "errori di composizione ({})",
                summary_counts(&ready.report)
            ));
        };
        let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
        publish::publish_built(&output, &built, &ready.checked)?;
        Ok((output, built.pages, ready.report.warnings()))
    }
}

/// Why the file watcher failed, in Italian (see [`crate::io_message`]).
fn watch_reason(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::Io(io) => crate::io_message::reason(io),
        notify::ErrorKind::PathNotFound => "non esiste".to_string(),
        notify::ErrorKind::MaxFilesWatch => {
            "il sistema non permette di osservare altri file (limite raggiunto)".to_string()
        }
        _ => "il sistema non lo permette".to_string(),
    }
}

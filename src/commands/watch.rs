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

pub fn run(
    arg: &ContentArg,
    objective: Option<String>,
    output: Option<PathBuf>,
    quiet: bool,
) -> i32 {
    if !arg.content.is_dir() {
        return fail_io(&format!(
            "la cartella dei contenuti `{}` non esiste: indica quella giusta con --contenuti",
            arg.content.display()
        ));
    }
    if let Some(o) = &output {
        if o.as_os_str() == "-" {
            return fail_io("piao watch scrive un file a ogni modifica: indica un file con --uscita, non lo standard output (`-`)");
        }
        if let Err(e) = build::destination(o, &protected(arg)) {
            return fail_io(&e);
        }
    }
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
    let mut watched = vec![arg.content.clone()];
    watched.extend(arg.templates.clone());
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
        arg,
        objective,
        output,
        quiet,
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
        if !relevant(&event, arg) {
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
fn relevant(event: &notify::Result<notify::Event>, arg: &ContentArg) -> bool {
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
        let in_templates = arg.templates.as_ref().is_some_and(|t| {
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
    arg: &'a ContentArg,
    objective: Option<String>,
    output: Option<PathBuf>,
    quiet: bool,
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
                if !self.quiet {
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
        let templates = templates(self.arg)?;
        let mut checking =
            pipeline::load_and_check(&self.arg.content, self.arg.strict).map_err(|e| e.0)?;
        let Some(checked) = checking.checked.clone() else {
            print_report(&checking.report, &checking.sources);
            return Err(format!(
                "i contenuti hanno errori ({})",
                summary_counts(&checking.report)
            ));
        };
        let selection = match &self.objective {
            None => Selection::All,
            Some(o) => Selection::One(resolve_objective(&checking, o)?),
        };
        let output = self
            .output
            .clone()
            .unwrap_or_else(|| build::default_output(&checked, &selection, Profile::Complete));
        build::destination(&output, &protected(self.arg))?;
        let built = pipeline::build_pdf(
            &checked,
            Profile::Complete,
            &selection,
            &templates,
            &self.engine,
            &mut checking.sources,
            &mut checking.report,
        );
        Engine::evict(EVICT_AFTER);
        print_report(&checking.report, &checking.sources);
        let Some(built) = built else {
            return Err(format!(
                "errori di composizione ({})",
                summary_counts(&checking.report)
            ));
        };
        let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
        publish::publish_built(&output, &built, &checked)?;
        Ok((output, built.pages, checking.report.warnings()))
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

//! Standard output and standard error that never panic.
//!
//! `print!` and `eprint!` panic when a stream cannot be written (`piao list >
//! /dev/full`, `piao check 2>/dev/full`, `piao list | head` on a long list). Every
//! command writes through [`out`] and [`err`] (or the `outln!` / `errln!` macros)
//! instead: a failed write is remembered, later writes to that stream are skipped, and
//! [`exit_code`] turns the failure into the run's exit code — a closed pipe ends
//! quietly with the command's own code, any other write error ends with 2.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};

const FINE: u8 = 0;
const CLOSED: u8 = 1;
const FAILED: u8 = 2;

static STDOUT: AtomicU8 = AtomicU8::new(FINE);
static STDERR: AtomicU8 = AtomicU8::new(FINE);
/// The first write error on the standard output, kept to be told on standard error.
static STDOUT_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Writes to the standard output (and flushes, so that an error shows now).
pub fn out(text: impl AsRef<[u8]>) {
    if STDOUT.load(Ordering::Relaxed) != FINE {
        return;
    }
    let mut lock = io::stdout().lock();
    let result = lock.write_all(text.as_ref()).and_then(|_| lock.flush());
    if let Err(e) = result {
        STDOUT.store(classify(&e), Ordering::Relaxed);
        if let Ok(mut slot) = STDOUT_ERROR.lock() {
            slot.get_or_insert_with(|| crate::io_message::reason(&e));
        }
    }
}

/// Writes to the standard error.
pub fn err(text: impl AsRef<[u8]>) {
    if STDERR.load(Ordering::Relaxed) != FINE {
        return;
    }
    let mut lock = io::stderr().lock();
    if let Err(e) = lock.write_all(text.as_ref()).and_then(|_| lock.flush()) {
        STDERR.store(classify(&e), Ordering::Relaxed);
    }
}

fn classify(e: &io::Error) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CLOSED
    } else {
        FAILED
    }
}

/// The exit code of a run that would end with `code`: 2 if a stream could not be
/// written (telling why on standard error when it still works), `code` otherwise; a
/// standard output closed by its reader (`piao list | head`) is no error.
pub fn exit_code(code: i32) -> i32 {
    let _ = io::stdout().lock().flush().map_err(|e| {
        STDOUT.store(classify(&e), Ordering::Relaxed);
        if let Ok(mut slot) = STDOUT_ERROR.lock() {
            slot.get_or_insert_with(|| crate::io_message::reason(&e));
        }
    });
    let stdout = STDOUT.load(Ordering::Relaxed);
    if stdout == FAILED {
        let why = STDOUT_ERROR
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .unwrap_or_default();
        err(format!(
            "errore: non riesco a scrivere sullo standard output: {why}\n"
        ));
        return code.max(2);
    }
    if STDERR.load(Ordering::Relaxed) == FAILED {
        return code.max(2);
    }
    code
}

/// Like `println!`, through [`crate::streams::out`].
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        $crate::streams::out(format!("{}\n", format_args!($($arg)*)));
    }};
}

/// Like `eprintln!`, through [`crate::streams::err`]; never panics.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        $crate::streams::err(format!("{}\n", format_args!($($arg)*)));
    }};
}

/// Like `print!`, through [`crate::streams::out`].
#[macro_export]
macro_rules! outp {
    ($($arg:tt)*) => {{
        $crate::streams::out(format!($($arg)*));
    }};
}

/// Like `eprint!`, through [`crate::streams::err`]; never panics.
#[macro_export]
macro_rules! errp {
    ($($arg:tt)*) => {{
        $crate::streams::err(format!($($arg)*));
    }};
}

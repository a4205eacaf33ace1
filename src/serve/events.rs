//! Change tracking for `piao serve`: a generation counter that goes up whenever a
//! watched file may have changed, and the watcher that moves it.
//!
//! The counter is all the browser needs to know: each server-sent event carries the new
//! generation, and the page then asks for the state of that generation. A state is
//! always computed from the files as they are when it is asked for, so a save that
//! lands in the middle of a render simply produces one more generation and one more
//! update: the page always ends up showing the current files.
//!
//! File-system events (the `notify` crate) give the speed; a cheap poll of the files'
//! sizes and modification times every second is the safety net for what events can
//! miss (a watched folder removed and created again, editors that replace folders,
//! network file systems). When the poll sees a change the events did not report, the
//! folders are watched afresh.
//!
//! A save from the page moves the counter itself, at once ([`Changes::bump_own`]), with
//! the files' fingerprint after it: the watcher, finding the files so, does not move it
//! again, so one save is one generation.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

/// Editors write a file in several steps (truncate, write, rename): wait until the
/// folders have been quiet this long before announcing a change.
const DEBOUNCE: Duration = Duration::from_millis(60);

/// How often the files' sizes and times are compared, in case an event was missed.
const POLL: Duration = Duration::from_millis(1000);

/// How deep the poll looks into the watched folders (content/gestionali/x.toml is 1).
const POLL_DEPTH: usize = 4;

/// The generation counter, shared by the watcher, the HTTP handlers and the event
/// streams.
pub struct Changes {
    state: Mutex<State>,
    moved: Condvar,
}

struct State {
    generation: u64,
    closed: bool,
    /// The fingerprint of the files after the server's own last change (a save from
    /// the page), already announced: the watcher does not announce it again.
    own: Option<u64>,
}

impl Default for Changes {
    fn default() -> Self {
        Changes {
            state: Mutex::new(State {
                generation: 1,
                closed: false,
                own: None,
            }),
            moved: Condvar::new(),
        }
    }
}

impl Changes {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current generation.
    pub fn current(&self) -> u64 {
        self.lock().generation
    }

    /// Announces that the files may have changed; returns the new generation.
    pub fn bump(&self) -> u64 {
        let mut s = self.lock();
        s.generation += 1;
        self.moved.notify_all();
        s.generation
    }

    /// Announces a change the server made itself (a save from the page), after which
    /// the watched files have `fingerprint`: the new generation is there at once, with
    /// no wait for the watcher, which then does not announce the same change again.
    pub fn bump_own(&self, fingerprint: u64) -> u64 {
        let mut s = self.lock();
        s.generation += 1;
        s.own = Some(fingerprint);
        self.moved.notify_all();
        s.generation
    }

    /// Whether files with `fingerprint` are those of the server's own last change,
    /// already announced (asked once: the answer is then forgotten).
    fn announced(&self, fingerprint: u64) -> bool {
        self.lock().own.take() == Some(fingerprint)
    }

    /// Waits until the generation is past `seen`, the counter is closed, or `timeout`
    /// has passed. Returns the generation then, or `None` once closed.
    pub fn wait_past(&self, seen: u64, timeout: Duration) -> Option<u64> {
        let s = self.lock();
        let (s, _) = self
            .moved
            .wait_timeout_while(s, timeout, |s| s.generation <= seen && !s.closed)
            .unwrap_or_else(|e| e.into_inner());
        if s.closed {
            None
        } else {
            Some(s.generation)
        }
    }

    /// Ends every wait (the server is stopping).
    pub fn close(&self) {
        self.lock().closed = true;
        self.moved.notify_all();
    }
}

/// Why the file watcher failed, in Italian (never the system's English words).
fn watch_reason(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::Io(io) => crate::io_message::reason(io),
        notify::ErrorKind::PathNotFound => "la cartella non esiste".into(),
        notify::ErrorKind::MaxFilesWatch => {
            "il sistema non permette di osservare così tante cartelle: chiudi altri programmi che osservano file, o usa `piao watch`".into()
        }
        _ => "il sistema non permette di osservare le modifiche dei file".into(),
    }
}

/// Starts watching `dirs`; every change moves `changes` on. The thread ends when `stop`
/// is set (checked at least once per [`POLL`]).
pub fn watch(
    dirs: Vec<PathBuf>,
    changes: Arc<Changes>,
    stop: Arc<AtomicBool>,
) -> Result<JoinHandle<()>, String> {
    let (tx, rx) = mpsc::channel();
    // Links are not followed (a link to a folder outside would have the whole of it
    // watched); a file behind a link is still seen by the poll.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = notify::RecommendedWatcher::new(
        move |event| {
            let _ = tx.send(event);
        },
        config,
    )
    .map_err(|e| format!("non riesco a osservare i file: {}", watch_reason(&e)))?;
    // A folder not there yet (the content folder of a first run) is watched once the
    // poll sees it appear.
    for dir in dirs.iter().filter(|d| d.exists()) {
        watcher.watch(dir, RecursiveMode::Recursive).map_err(|e| {
            format!(
                "non riesco a osservare la cartella `{}`: {}",
                dir.display(),
                watch_reason(&e)
            )
        })?;
    }
    // Events may name paths as given or absolute: know the folders both ways.
    let mut known = dirs.clone();
    known.extend(dirs.iter().filter_map(|d| d.canonicalize().ok()));
    let handle = std::thread::Builder::new()
        .name("piao-serve-watch".into())
        .spawn(move || {
            let mut seen = fingerprint(&dirs);
            while !stop.load(Ordering::Relaxed) {
                match rx.recv_timeout(POLL) {
                    Ok(event) => {
                        if !relevant(&event, &known) {
                            continue;
                        }
                        // Let the burst of events of one save settle.
                        loop {
                            match rx.recv_timeout(DEBOUNCE) {
                                Ok(_) => continue,
                                Err(RecvTimeoutError::Timeout) => break,
                                Err(RecvTimeoutError::Disconnected) => return,
                            }
                        }
                        seen = fingerprint(&dirs);
                        if !changes.announced(seen) {
                            changes.bump();
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        let now = fingerprint(&dirs);
                        if now != seen {
                            seen = now;
                            // An event was missed: the watches may be gone with a
                            // folder that was removed (or the folder was not there
                            // yet); set them up again.
                            for dir in &dirs {
                                let _ = watcher.unwatch(dir);
                                let _ = watcher.watch(dir, RecursiveMode::Recursive);
                            }
                            if !changes.announced(now) {
                                changes.bump();
                            }
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        })
        .map_err(|e| {
            format!(
                "non riesco ad avviare l'osservazione dei file: {}",
                crate::io_message::reason(&e)
            )
        })?;
    Ok(handle)
}

/// Whether an event may change what is shown: not a mere read, not an editor's backup
/// or swap file, nothing hidden (`.git`; and what a save from the page writes besides
/// the file itself: its kept versions in `.piao-storia/`, its temporary file
/// `.NAME.piao-XXXX.tmp`, the lock `.piao-scrittura.lock`). Anything else counts, even in
/// doubt: a generation that changed nothing costs little, since unchanged sources are
/// not laid out again.
fn relevant(event: &notify::Result<notify::Event>, dirs: &[PathBuf]) -> bool {
    let Ok(event) = event else {
        return true;
    };
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.is_empty()
        || event.paths.iter().any(|p| {
            let inside = dirs
                .iter()
                .find_map(|d| p.strip_prefix(d).ok())
                .unwrap_or(p);
            let hidden = inside
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !(hidden || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp"))
        })
}

/// A hash of the names, sizes and modification times of the files under `dirs`.
pub fn fingerprint(dirs: &[PathBuf]) -> u64 {
    let mut h = DefaultHasher::new();
    for dir in dirs {
        walk(dir, POLL_DEPTH, &mut h);
    }
    h.finish()
}

fn walk(dir: &Path, depth: usize, h: &mut DefaultHasher) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        dir.hash(h);
        0u8.hash(h);
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        // Hidden entries (`.git`, editors' swap files) are not content.
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        path.hash(h);
        // `metadata` follows symbolic links, as loading the content does.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if depth > 0 && !e.file_type().is_ok_and(|t| t.is_symlink()) {
                walk(&path, depth - 1, h);
            }
        } else {
            meta.len().hash(h);
            meta.modified().ok().hash(h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_end_on_a_new_generation_or_on_close() {
        let changes = Arc::new(Changes::default());
        let g = changes.current();
        assert_eq!(
            changes.wait_past(g, Duration::from_millis(10)),
            Some(g),
            "a timeout returns the same generation"
        );
        let c = changes.clone();
        let t = std::thread::spawn(move || c.wait_past(g, Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(20));
        changes.bump();
        assert_eq!(t.join().unwrap(), Some(g + 1));
        changes.close();
        assert_eq!(changes.wait_past(g + 1, Duration::from_secs(10)), None);
    }

    #[test]
    fn a_change_the_server_announced_is_not_announced_again() {
        let changes = Changes::default();
        let g = changes.bump_own(42);
        assert_eq!(g, 2);
        // Files as the save left them: already announced, once.
        assert!(changes.announced(42));
        assert!(!changes.announced(42));
        // Files changed again since: a change to announce.
        changes.bump_own(7);
        assert!(!changes.announced(8));
        assert!(!changes.announced(7), "asked once, then forgotten");
    }

    #[test]
    fn reads_backups_and_hidden_folders_are_not_changes() {
        let dirs = vec![PathBuf::from("/a/content")];
        let event = |kind: EventKind, path: &str| {
            Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
        };
        let modify = || EventKind::Modify(notify::event::ModifyKind::Any);
        assert!(relevant(
            &event(modify(), "/a/content/gestionali/g06.toml"),
            &dirs
        ));
        assert!(relevant(&event(modify(), "/a/content/gestionali"), &dirs));
        assert!(!relevant(
            &event(
                EventKind::Access(notify::event::AccessKind::Any),
                "/a/content/allegato.toml"
            ),
            &dirs
        ));
        assert!(!relevant(
            &event(modify(), "/a/content/.git/objects/ab/cd"),
            &dirs
        ));
        assert!(!relevant(
            &event(modify(), "/a/content/gestionali/g06.toml~"),
            &dirs
        ));
        assert!(!relevant(
            &event(modify(), "/a/content/gestionali/.g06.toml.swp"),
            &dirs
        ));
        // What a save from the page writes besides the file: the kept versions, the
        // temporary file renamed over it, the lock of the content folder.
        for store in [
            "/a/content/.piao-storia/allegato.toml/20261203T084600.123456789Z-0123456789ab.toml",
            "/a/content/.piao-storia/gestionali__g06.toml",
            "/a/content/.allegato.toml.piao-Ab12Cd.tmp",
            "/a/content/gestionali/.g06.toml.piao-Ab12Cd.tmp",
            "/a/content/.piao-scrittura.lock",
        ] {
            for kind in [
                modify(),
                EventKind::Create(notify::event::CreateKind::Any),
                EventKind::Remove(notify::event::RemoveKind::Any),
            ] {
                assert!(!relevant(&event(kind, store), &dirs), "{store}");
            }
        }
        // The rename of the temporary file over the file names both: it counts.
        let rename = Ok(
            notify::Event::new(EventKind::Modify(notify::event::ModifyKind::Name(
                notify::event::RenameMode::Both,
            )))
            .add_path(PathBuf::from("/a/content/.allegato.toml.piao-Ab12Cd.tmp"))
            .add_path(PathBuf::from("/a/content/allegato.toml")),
        );
        assert!(relevant(&rename, &dirs));
        // A hidden folder above the watched one does not hide it.
        let dirs = vec![PathBuf::from("/home/u/.config/piao/content")];
        assert!(relevant(
            &event(modify(), "/home/u/.config/piao/content/allegato.toml"),
            &dirs
        ));
    }

    #[test]
    fn fingerprint_sees_a_file_deleted_and_recreated_with_other_text() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.toml");
        std::fs::write(&f, "a = 1").unwrap();
        let dirs = vec![dir.path().to_path_buf()];
        let first = fingerprint(&dirs);
        assert_eq!(first, fingerprint(&dirs));
        std::fs::remove_file(&f).unwrap();
        let gone = fingerprint(&dirs);
        assert_ne!(first, gone);
        std::fs::write(&f, "a = 12").unwrap();
        assert_ne!(gone, fingerprint(&dirs));
    }
}

//! `piao serve`: the annex in the browser, updated live as its files are saved.
//!
//! A small HTTP server ([`tiny_http`], one thread per request) that serves one page
//! (HTML, CSS and JavaScript built into the binary: nothing comes from the internet),
//! a JSON state per view, page images and downloads, and a stream of server-sent events
//! that tells the open pages when the files changed.
//!
//! - [`events`]: the generation counter and the file watcher that moves it;
//! - [`workspace`]: the state of a generation, through the same pipeline as the
//!   commands (the only module that calls it);
//! - [`pages`]: page images, addressed by a hash of the page, rendered on demand;
//! - [`http`]: the routes.
//!
//! The server reads only the content folder (and a templates folder when one is given)
//! and writes nothing anywhere: downloads are built in memory. No request path is ever
//! turned into a file path: every route is fixed, objectives are looked up by name in
//! the list of the loaded ones, and pages by their hash.

mod events;
mod http;
mod pages;
mod workspace;

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub use workspace::Settings;

use events::Changes;
use pages::PageStore;
use workspace::Workspace;

/// What the request handlers share.
struct Shared {
    workspace: Mutex<Workspace>,
    pages: PageStore,
    changes: Arc<Changes>,
    /// The `Host` headers accepted (a page of another site that resolves its name to
    /// this machine must not read the annex); `None` accepts any (a non-local address
    /// was asked for).
    hosts: Option<Vec<String>>,
}

/// A running server.
pub struct Running {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    server: Arc<tiny_http::Server>,
    changes: Arc<Changes>,
    threads: Vec<JoinHandle<()>>,
}

/// Starts serving `settings.content` on `addr` (port 0: any free port).
pub fn start(settings: Settings, addr: SocketAddr) -> Result<Running, String> {
    if !settings.content.is_dir() {
        return Err(format!(
            "la cartella dei contenuti `{}` non esiste: indica quella giusta con --content",
            settings.content.display()
        ));
    }
    let listener = TcpListener::bind(addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "la porta {} è già usata da un altro programma: scegline un'altra con --porta",
            addr.port()
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "l'indirizzo {} non appartiene a questo computer: usa 127.0.0.1",
            addr.ip()
        ),
        _ => format!("non riesco ad aprire {addr}: {e}"),
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("non riesco a leggere l'indirizzo del server: {e}"))?;
    let server = Arc::new(
        tiny_http::Server::from_listener(listener, None)
            .map_err(|e| format!("non riesco ad avviare il server: {e}"))?,
    );

    let changes = Arc::new(Changes::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut watched = vec![settings.content.clone()];
    watched.extend(settings.templates.clone());
    let watcher = events::watch(watched, changes.clone(), stop.clone())?;

    let hosts = addr.ip().is_loopback().then(|| {
        let port = addr.port();
        vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
            addr.to_string(),
        ]
    });
    let shared = Arc::new(Shared {
        workspace: Mutex::new(Workspace::new(settings)),
        pages: PageStore::default(),
        changes: changes.clone(),
        hosts,
    });
    // Lay the annex out now, so that it is ready when the browser opens.
    {
        let shared = shared.clone();
        let _ = std::thread::Builder::new()
            .name("piao-serve-first".into())
            .spawn(move || {
                let generation = shared.changes.current();
                shared
                    .workspace
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .state(generation, workspace::WHOLE, &shared.pages);
            });
    }
    let accept = {
        let server = server.clone();
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("piao-serve".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(request) = server.recv() else {
                        continue;
                    };
                    let shared = shared.clone();
                    let _ = std::thread::Builder::new()
                        .name("piao-serve-request".into())
                        .spawn(move || http::handle(request, &shared));
                }
            })
            .map_err(|e| format!("non riesco ad avviare il server: {e}"))?
    };
    Ok(Running {
        addr,
        stop,
        server,
        changes,
        threads: vec![accept, watcher],
    })
}

impl Running {
    /// The page's address, for people: `http://127.0.0.1:3000/`.
    pub fn url(&self) -> String {
        let host = if self.addr.ip().is_unspecified() || self.addr.ip().is_loopback() {
            "127.0.0.1".to_string()
        } else {
            self.addr.ip().to_string()
        };
        format!("http://{host}:{}/", self.addr.port())
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.changes.close();
        self.server.unblock();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            self.shutdown();
        }
    }
}

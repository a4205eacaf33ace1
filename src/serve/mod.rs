//! `piao serve`: the annex in the browser, updated live as its files are saved, and
//! written there through forms.
//!
//! A small HTTP server ([`server`]: std's listener, bounded in connections, sizes and
//! times; [`guard`]: who may ask for what) that serves one page
//! (HTML, CSS and JavaScript built into the binary: nothing comes from the internet),
//! a JSON state per view, page images and downloads, a stream of server-sent events
//! that tells the open pages when the files changed, and the forms' reads and saves.
//!
//! - [`events`]: the generation counter and the file watcher that moves it;
//! - [`workspace`]: the state of a generation, through the same pipeline as the
//!   commands (the only module that calls it);
//! - [`pages`]: page images, addressed by a hash of the page, rendered on demand;
//! - [`server`]: HTTP/1.1 on std's `TcpListener`, with its limits;
//! - [`guard`]: the Host, other-site and token checks, and the guard of writes;
//! - [`api`]: the forms, the files as forms read them, their saves and kept versions
//!   (a thin layer over [`crate::edit`]);
//! - [`http`]: the routes.
//!
//! The server reads the content folder (and a templates folder when one is given) and
//! writes only there, only the files of the content layout (`allegato.toml`,
//! `organizzazione.toml`, `formazione.toml`, `gestionali/*.toml`, `istituzionali/*.toml`)
//! and the kept versions in its hidden `.piao-storia/` folder, through [`crate::edit`]
//! and only from a request that passed the write guard. Downloads are built in memory.
//! Request paths never become file paths: every route is fixed, objectives are looked
//! up by name in the list of the loaded ones, pages by their hash, and a content file
//! is named by its place in the layout, anything else refused.
//!
//! A content folder that is not there yet, or has no `allegato.toml`, is the first run:
//! the server starts all the same, the state says `inizio`, and the page's first save
//! makes the folder.

mod api;
mod events;
mod guard;
mod http;
mod pages;
mod server;
mod workspace;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// What the server is started on: the content folder, the templates, strictness, as
/// for the commands.
pub use crate::job::Input as Settings;
pub use pages::renders;
pub use server::Limits;

use events::Changes;
use guard::Gate;
use pages::PageStore;
use workspace::Workspace;

/// What the request handlers share.
struct Shared {
    workspace: Workspace,
    pages: PageStore,
    changes: Arc<Changes>,
    gate: Gate,
    /// The folders the watcher watches.
    watched: Vec<std::path::PathBuf>,
}

impl Shared {
    /// What a save from the page does after writing: announces the new generation at
    /// once (the watcher will not announce it again) and checks it, for the save's
    /// answer and the pages alike (one load and check).
    fn after_save(&self) -> crate::edit::Problems {
        let generation = self.changes.bump_own(events::fingerprint(&self.watched));
        self.workspace.field_problems(generation)
    }
}

/// A running server.
pub struct Running {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    stopper: server::Stopper,
    changes: Arc<Changes>,
    threads: Vec<JoinHandle<()>>,
    token: String,
}

/// Starts serving `settings.content` on `addr` (port 0: any free port), within the
/// default [`Limits`].
pub fn start(settings: Settings, addr: SocketAddr) -> Result<Running, String> {
    start_with(settings, addr, Limits::default())
}

/// The port tried first when none is given, and how many after it.
const DEFAULT_PORT: u16 = 3000;
const PORTS_TRIED: u16 = 10;

/// [`start`] on `ip`, at `port`, or, when none is given, at the first free port from
/// 3000 on (ten are tried); `Err` says why the last one tried failed.
pub fn start_on(settings: Settings, ip: IpAddr, port: Option<u16>) -> Result<Running, String> {
    // A port given on the command line is the only one tried.
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (DEFAULT_PORT..DEFAULT_PORT + PORTS_TRIED).collect(),
    };
    let mut last_error = String::new();
    for p in ports {
        match start(settings.clone(), SocketAddr::new(ip, p)) {
            Ok(r) => return Ok(r),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

/// [`start`] within other limits (tests use short times).
pub fn start_with(settings: Settings, addr: SocketAddr, limits: Limits) -> Result<Running, String> {
    check_folder(&settings.content)?;
    let listener = TcpListener::bind(addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "la porta {} è già usata da un altro programma: scegline un'altra con --porta",
            addr.port()
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "l'indirizzo {} non appartiene a questo computer: usa 127.0.0.1",
            addr.ip()
        ),
        _ => format!(
            "non riesco ad aprire {addr}: {}",
            crate::io_message::reason(&e)
        ),
    })?;
    let addr = listener.local_addr().map_err(|e| {
        format!(
            "non riesco a leggere l'indirizzo del server: {}",
            crate::io_message::reason(&e)
        )
    })?;

    let changes = Arc::new(Changes::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut watched = vec![settings.content.clone()];
    watched.extend(settings.templates.clone());
    let watcher = events::watch(watched.clone(), changes.clone(), stop.clone())?;

    let gate = Gate::new(addr)?;
    let token = gate.token().to_string();
    let shared = Arc::new(Shared {
        workspace: Workspace::new(settings),
        pages: PageStore::default(),
        changes: changes.clone(),
        gate,
        watched,
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
                    .state(generation, workspace::WHOLE, &shared.pages);
            });
    }
    let (accept, stopper) = server::run(listener, limits, move |request| {
        http::handle(request, &shared)
    })
    .map_err(|e| {
        format!(
            "non riesco ad avviare il server: {}",
            crate::io_message::reason(&e)
        )
    })?;
    Ok(Running {
        addr,
        stop,
        stopper,
        changes,
        threads: vec![accept, watcher],
        token,
    })
}

/// Whether `piao serve` can start on `content`: a folder, or nothing yet (the first
/// save makes it) in a folder that is there.
fn check_folder(content: &Path) -> Result<(), String> {
    if content.is_dir() {
        return Ok(());
    }
    if content.exists() {
        return Err(format!(
            "`{}` è un file, non una cartella: indica la cartella dei contenuti con --contenuti",
            content.display()
        ));
    }
    let parent = match content.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(format!(
            "la cartella `{}` non esiste, e nemmeno quella che dovrebbe contenerla: indica quella giusta con --contenuti",
            content.display()
        ));
    }
    Ok(())
}

impl Running {
    /// The page's address, for people: `http://127.0.0.1:3000/`, `http://[::1]:3000/`,
    /// `http://127.0.0.2:3000/`. Bound to every address, the loopback one of the same
    /// family (the address to give colleagues is this computer's own).
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}/", SocketAddr::new(ip, self.addr.port()))
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// This run's token (what the page sends with its requests).
    pub fn token(&self) -> &str {
        &self.token
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
        self.stopper.stop();
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

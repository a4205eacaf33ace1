//! `piao serve`: starts the local web server of [`crate::serve`], prints its address
//! and, with `--apri`, opens it in the default browser. On a content folder with no
//! annex yet (not there, or no `allegato.toml`) it starts all the same: the page then
//! offers the first-run form, whose first save makes the folder.

use std::net::{IpAddr, SocketAddr};

use super::*;
use crate::serve;

/// The port tried first when none is given, and how many after it.
const DEFAULT_PORT: u16 = 3000;
const PORTS_TRIED: u16 = 10;

pub fn run(arg: &ContentArg, port: Option<u16>, ip: IpAddr, open: bool, quiet: bool) -> i32 {
    let settings = serve::Settings {
        content: arg.content.clone(),
        templates: arg.templates.clone(),
        strict: arg.strict,
        naming: build::default_output,
    };
    if !ip.is_loopback() {
        crate::errln!(
            "piao serve: attenzione: ascolto su {ip}, non solo su questo computer: chiunque \
             raggiunga questo indirizzo in rete può leggere l'allegato, compresi i nomi del \
             personale. Se non serve, togli --indirizzo."
        );
    }
    // A port given on the command line is the only one tried.
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (DEFAULT_PORT..DEFAULT_PORT + PORTS_TRIED).collect(),
    };
    let mut last_error = String::new();
    let mut running = None;
    for p in ports {
        match serve::start(settings.clone(), SocketAddr::new(ip, p)) {
            Ok(r) => {
                running = Some(r);
                break;
            }
            Err(e) => last_error = e,
        }
    }
    let Some(running) = running else {
        return fail_io(&last_error);
    };
    let url = running.url();
    // On standard output, alone on its line: scripts read it.
    crate::outln!("{url}");
    if !quiet {
        if arg.content.join(crate::load::ANNEX_FILE).is_file() {
            crate::errln!(
                "piao serve: l'allegato di {} è su {url} — si aggiorna a ogni salvataggio (Ctrl-C per uscire)",
                arg.content.display()
            );
        } else {
            crate::errln!(
                "piao serve: in {} non c'è ancora un allegato: compilalo nel browser su {url} (Ctrl-C per uscire)",
                arg.content.display()
            );
        }
    }
    if open {
        if let Err(e) = open_browser(&url) {
            crate::errln!(
                "piao serve: non riesco ad aprire il browser ({}): apri {url} a mano",
                crate::io_message::reason(&e)
            );
        }
    }
    running.wait();
    OK
}

/// Opens `url` with the system's default browser, without waiting for it.
fn open_browser(url: &str) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reap it when it ends, so that it leaves no zombie behind.
    std::thread::spawn(move || child.wait());
    Ok(())
}

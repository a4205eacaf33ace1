//! `piao serve`: starts the local web server of [`crate::serve`], prints its address
//! and, with `--apri`, opens it in the default browser. On a content folder with no
//! annex yet (not there, or no `allegato.toml`) it starts all the same: the page then
//! offers the first-run form, whose first save makes the folder.

use std::net::IpAddr;

use super::*;
use crate::serve;

pub fn run(input: Input, port: Option<u16>, ip: IpAddr, open: bool, quiet: bool) -> i32 {
    if !ip.is_loopback() {
        crate::errln!(
            "piao serve: attenzione: ascolto su {ip}, non solo su questo computer: chiunque \
             raggiunga questo indirizzo in rete può leggere l'allegato, compresi i nomi del \
             personale. Se non serve, togli --indirizzo."
        );
    }
    let running = match serve::start_on(input.clone(), ip, port) {
        Ok(r) => r,
        Err(e) => return fail_io(&e),
    };
    let url = running.url();
    // On standard output, alone on its line: scripts read it.
    crate::outln!("{url}");
    if !quiet {
        if input.content.join(crate::load::ANNEX_FILE).is_file() {
            crate::errln!(
                "piao serve: l'allegato di {} è su {url} — si aggiorna a ogni salvataggio (Ctrl-C per uscire)",
                input.content.display()
            );
        } else {
            crate::errln!(
                "piao serve: in {} non c'è ancora un allegato: compilalo nel browser su {url} (Ctrl-C per uscire)",
                input.content.display()
            );
        }
    }
    if open {
        if let Err(e) = crate::launch::open_browser(&url) {
            crate::errln!(
                "piao serve: non riesco ad aprire il browser ({}): apri {url} a mano",
                crate::io_message::reason(&e)
            );
        }
    }
    running.wait();
    OK
}

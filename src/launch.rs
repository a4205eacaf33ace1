//! A start with a double-click: `piao` run with no arguments and no terminal of its own
//! (from Esplora file on Windows, from a file manager elsewhere).
//!
//! Then there is nobody to read a help text: `piao` opens the annex in the browser
//! (`serve --apri`) on the content folder beside the program. Where there is none yet,
//! the page opens on the first-run form, and its first save makes the folder. If
//! anything fails, the window waits for Invio before closing, so that the message can
//! be read.
//!
//! From a terminal, with no arguments, nothing here applies: the short help is printed
//! as before.

use std::ffi::OsString;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The folder names looked for beside the program, in this order.
pub const FOLDERS: [&str; 2] = ["contenuti", "content"];

/// If this run is a double-click start, runs it and returns its exit code; otherwise
/// `None` (the command line is parsed as usual).
pub fn double_click() -> Option<i32> {
    if std::env::args_os().len() != 1 || !started_without_terminal() {
        return None;
    }
    Some(run())
}

fn run() -> i32 {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let folder = content_folder(&beside);
    crate::outln!("piao: l'allegato si vede nel browser.");
    crate::outln!("Lascia aperta questa finestra mentre lavori; chiudila per uscire.\n");
    if !folder.join("allegato.toml").is_file() {
        crate::outln!(
            "Non c'è ancora un allegato: compilalo nel browser, lo salvo nella cartella `{}` \
             accanto al programma.\n",
            folder.file_name().unwrap_or_default().to_string_lossy()
        );
    }
    let code = command(&[
        "serve".into(),
        "--apri".into(),
        "--contenuti".into(),
        folder.into_os_string(),
    ]);
    if code != 0 {
        crate::outp!("\nPremi Invio per chiudere questa finestra.");
        let _ = std::io::stdin().lock().read_line(&mut String::new());
    }
    code
}

/// The content folder beside the program: the first of [`FOLDERS`] that holds an annex,
/// else the first that exists, else the first (to be created).
pub fn content_folder(beside: &Path) -> PathBuf {
    let candidates: Vec<PathBuf> = FOLDERS.iter().map(|f| beside.join(f)).collect();
    candidates
        .iter()
        .find(|d| d.join("allegato.toml").is_file())
        .or_else(|| candidates.iter().find(|d| d.is_dir()))
        .unwrap_or(&candidates[0])
        .clone()
}

/// Runs `piao ARGS` in this process.
fn command(args: &[OsString]) -> i32 {
    let argv = std::iter::once(OsString::from("piao")).chain(args.iter().cloned());
    match crate::cli::parse(argv) {
        Ok(cli) => crate::commands::run(cli),
        // A usage error, already printed (in Italian).
        Err(code) => code,
    }
}

/// Opens `url` with the system's default browser, without waiting for it.
pub fn open_browser(url: &str) -> std::io::Result<()> {
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

/// True when no terminal started this process.
///
/// On Windows, a console program started from Esplora gets a console window of its own,
/// to which it is the only process attached; started from a terminal (cmd, PowerShell,
/// Windows Terminal) it shares the terminal's console with the shell.
#[cfg(windows)]
pub fn started_without_terminal() -> bool {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 4];
    // SAFETY: the buffer holds `ids.len()` u32s, as the count says.
    let attached = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    attached == 1
}

/// True when no terminal started this process.
///
/// Elsewhere: none of the standard streams is a terminal and a desktop session is
/// running (a script, a pipe, a service or CI has no `DISPLAY`/`WAYLAND_DISPLAY`, and
/// `piao` with no arguments there still prints its help).
#[cfg(not(windows))]
pub fn started_without_terminal() -> bool {
    use std::io::IsTerminal;
    let desktop =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    desktop
        && !std::io::stdin().is_terminal()
        && !std::io::stdout().is_terminal()
        && !std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_beside_the_program_is_found_or_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(content_folder(dir.path()), dir.path().join("contenuti"));
        std::fs::create_dir(dir.path().join("content")).unwrap();
        assert_eq!(content_folder(dir.path()), dir.path().join("content"));
        std::fs::create_dir(dir.path().join("contenuti")).unwrap();
        assert_eq!(content_folder(dir.path()), dir.path().join("contenuti"));
        std::fs::write(dir.path().join("content/allegato.toml"), "").unwrap();
        assert_eq!(content_folder(dir.path()), dir.path().join("content"));
    }
}

//! Where a run may write: an output given on the command line is checked before any
//! work starts, so that no run can destroy what it reads.
//!
//! Refused: anything inside the content or the templates folder (or the folder
//! itself), a file that was read as content, and anything that exists and is not a
//! regular file (a folder, a device, a pipe, a socket). `-` means the standard output
//! where the command allows it.
//!
//! A missing output folder is created when the first file is written in it (never
//! before: a failed run leaves no trace), and the commands say so in one line on
//! standard error (`piao: creata la cartella output`), unless `--quiet`.
//!
//! Where no output is given, a PDF takes its name from the content: [`default_pdf`],
//! for the commands and for `piao serve`'s downloads alike.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::check::Checked;
use crate::publish;
use crate::record::slug;
use crate::render::Selection;
use crate::view::Profile;

/// Whether a folder made for an output is said on standard error.
static SAY_NEW_FOLDERS: AtomicBool = AtomicBool::new(false);

/// Has every folder made for an output said on standard error (the commands turn it
/// on unless `--quiet`; off by default, for the library and the server).
pub fn say_new_folders(on: bool) {
    SAY_NEW_FOLDERS.store(on, Ordering::Relaxed);
}

/// Called when `dir` was created to receive an output.
pub(crate) fn folder_created(dir: &Path) {
    if SAY_NEW_FOLDERS.load(Ordering::Relaxed) {
        crate::errln!("piao: creata la cartella {}", dir.display());
    }
}

/// Where a command writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The standard output (`-`).
    Stdout,
    /// A file.
    File(PathBuf),
}

/// What no output may touch: the input folders and the files read from them.
#[derive(Debug, Default, Clone)]
pub struct Protected {
    /// (folder as given, folder resolved): the content and templates folders.
    folders: Vec<(PathBuf, PathBuf)>,
    /// Files read as input (resolved), e.g. a content file given by path.
    files: Vec<(PathBuf, PathBuf)>,
}

impl Protected {
    /// Protects the content folder and, when given, the templates folder.
    pub fn new(content: &Path, templates: Option<&Path>) -> Protected {
        let mut p = Protected::default();
        p.folder(content);
        if let Some(t) = templates {
            p.folder(t);
        }
        p
    }

    /// Adds a folder no output may go in.
    pub fn folder(&mut self, dir: &Path) {
        self.folders.push((dir.to_path_buf(), resolve(dir)));
    }

    /// Why `path` may not be written, if it may not.
    fn refuses(&self, path: &Path) -> Option<String> {
        let at = resolve(path);
        for (shown, dir) in &self.folders {
            if at == *dir {
                return Some(format!(
                    "`{}` è la cartella `{}` da cui leggo: scrivi l'output altrove (per esempio in output/)",
                    path.display(),
                    shown.display()
                ));
            }
            if at.starts_with(dir) {
                return Some(format!(
                    "`{}` è dentro la cartella `{}` da cui leggo: scrivi l'output altrove (per esempio in output/)",
                    path.display(),
                    shown.display()
                ));
            }
        }
        for (shown, file) in &self.files {
            if at == *file {
                return Some(format!(
                    "`{}` è il file `{}` da cui leggo: non lo sovrascrivo",
                    path.display(),
                    shown.display()
                ));
            }
        }
        None
    }
}

/// Where a PDF goes when no `--uscita` is given: `output/<title>.pdf` for the annex
/// (the ente's own `titolo` when it gives one), `output/<title>-albo.pdf` for the albo
/// copy, `output/anteprima-<id>.pdf` for a preview. `piao serve` names its downloads so.
pub fn default_pdf(checked: &Checked, selection: &Selection, profile: Profile) -> PathBuf {
    let plan = checked.plan;
    let annex = &checked.annex.data;
    let title = match (&annex.titolo, &annex.numero_variazione) {
        // The ente's own title ("Variazione n. 2 al PIAO 2025-2027") names the file too.
        (Some(t), _) if !slug(t).is_empty() => t.clone(),
        (_, Some(n)) => format!("variazione-{n}-piao-{}-{}", plan.first, plan.last),
        _ => format!("variazione-piao-{}-{}", plan.first, plan.last),
    };
    let name = match (selection, profile) {
        (Selection::One(id), _) => format!("anteprima-{}", slug(id)),
        (Selection::All, Profile::Albo) => format!("{}-albo", slug(&title)),
        (Selection::All, Profile::Complete) => slug(&title),
    };
    PathBuf::from("output").join(format!("{name}.pdf"))
}

/// Checks a file output given as `arg` (`-`: the standard output, when `stdout_ok`).
pub fn file(arg: &Path, protected: &Protected, stdout_ok: bool) -> Result<Destination, String> {
    if arg.as_os_str() == "-" {
        return if stdout_ok {
            Ok(Destination::Stdout)
        } else {
            Err(
                "questo comando non può scrivere sullo standard output (`-`): indica un file"
                    .into(),
            )
        };
    }
    check_file(arg, protected)?;
    Ok(Destination::File(arg.to_path_buf()))
}

/// Checks that `path` may receive a file: not protected, absent or a regular file, in
/// a folder that can be written. Creates nothing.
pub fn check_file(path: &Path, protected: &Protected) -> Result<(), String> {
    if let Some(why) = protected.refuses(path) {
        return Err(why);
    }
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(format!(
                "`{}` è una cartella, non un file: indica il nome del file da scrivere",
                path.display()
            ))
        }
        Ok(m) if !m.is_file() => {
            return Err(format!(
                "`{}` non è un file normale (è un dispositivo, una pipe o un socket): non lo sostituisco",
                path.display()
            ))
        }
        _ => {}
    }
    publish::check_writable(path)
}

/// Checks a folder output (`--png`, `piao typst --output`): not protected, not `-`,
/// and a folder if it exists.
pub fn folder(arg: &Path, protected: &Protected) -> Result<PathBuf, String> {
    if arg.as_os_str() == "-" {
        return Err("qui serve una cartella, non lo standard output (`-`)".into());
    }
    if let Some(why) = protected.refuses(arg) {
        return Err(why);
    }
    if let Some(why) = protected.contains_input(arg) {
        return Err(why);
    }
    match fs::metadata(arg) {
        Ok(m) if !m.is_dir() => Err(format!("`{}` esiste e non è una cartella", arg.display())),
        _ => Ok(arg.to_path_buf()),
    }
}

impl Protected {
    /// Why a folder output may not be `dir`: it holds an input folder.
    fn contains_input(&self, dir: &Path) -> Option<String> {
        let at = resolve(dir);
        self.folders
            .iter()
            .find(|(_, f)| f.starts_with(&at))
            .map(|(shown, _)| {
                format!(
                    "`{}` contiene la cartella `{}` da cui leggo: scegli una cartella apposta per l'output",
                    dir.display(),
                    shown.display()
                )
            })
    }
}

/// The absolute place of `path` with every link that exists followed: the nearest
/// existing ancestor is canonicalised, the rest is appended with `.` and `..` resolved.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match Path::new(part).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::CurDir) | None => {}
                    _ => out.push(part),
                }
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => {
                // `..` as last component, or nothing exists: resolve lexically.
                if let Some(last) = existing.components().next_back() {
                    rest.push(last.as_os_str().to_os_string());
                }
                match existing.parent() {
                    Some(p) if p != existing => existing = p.to_path_buf(),
                    _ => return absolute,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_in_or_onto_inputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        fs::create_dir_all(content.join("gestionali")).unwrap();
        fs::write(content.join("allegato.toml"), "x").unwrap();
        let p = Protected::new(&content, None);
        for bad in [
            content.join("allegato.toml"),
            content.join("nuovo.pdf"),
            content.join("gestionali/../x.pdf"),
            dir.path().join("output/../content/y.pdf"),
        ] {
            let e = check_file(&bad, &p).unwrap_err();
            assert!(e.contains("dentro la cartella"), "{bad:?}: {e}");
        }
        assert!(check_file(&dir.path().join("output/a.pdf"), &p).is_ok());
        assert!(check_file(&dir.path().join("content.pdf"), &p).is_ok());
        assert!(folder(dir.path(), &p).unwrap_err().contains("contiene"));
        assert!(folder(&content.join("png"), &p).is_err());
        assert!(folder(&dir.path().join("png"), &p).is_ok());
    }

    #[test]
    fn only_regular_files_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = Protected::default();
        let e = check_file(dir.path(), &p).unwrap_err();
        assert!(e.contains("cartella"), "{e}");
        #[cfg(unix)]
        {
            let e = check_file(Path::new("/dev/null"), &p).unwrap_err();
            assert!(e.contains("non è un file normale"), "{e}");
        }
        assert_eq!(file(Path::new("-"), &p, true).unwrap(), Destination::Stdout);
        assert!(file(Path::new("-"), &p, false).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_into_the_content_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        fs::create_dir_all(&content).unwrap();
        fs::write(content.join("allegato.toml"), "x").unwrap();
        std::os::unix::fs::symlink(content.join("allegato.toml"), dir.path().join("out.pdf"))
            .unwrap();
        let p = Protected::new(&content, None);
        assert!(check_file(&dir.path().join("out.pdf"), &p).is_err());
    }
}

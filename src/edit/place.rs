//! Which files an edit may write: only those the content layout defines
//! (`allegato.toml`, `organizzazione.toml`, `formazione.toml`, `gestionali/NAME.toml`,
//! `istituzionali/NAME.toml`), with a safe name, inside the content folder, never
//! through a link.

use std::fs;
use std::path::{Path, PathBuf};

use crate::load::{ANNEX_FILE, MANAGED_DIR, ORGANISATION_FILE, SERVICES_DIR, TRAINING_FILE};

use super::EditError;

/// The kinds of content file, each with its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// `allegato.toml`.
    Allegato,
    /// `organizzazione.toml`.
    Organizzazione,
    /// `formazione.toml`.
    Formazione,
    /// `gestionali/NAME.toml`.
    Gestionale,
    /// `istituzionali/NAME.toml`.
    Istituzionale,
}

/// A content file an edit may write, by its place in the content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFile {
    pub kind: FileKind,
    /// The place in the content folder, with `/` (e.g. `gestionali/g01-prova.toml`).
    pub relative: String,
}

/// The longest name of an objective file, `.toml` included.
const MAX_NAME: usize = 100;

impl ContentFile {
    /// Reads a place in the content folder as the page names it. Anything that is not a
    /// file of the layout, with a plain lowercase name, is refused.
    pub fn parse(relative: &str) -> Result<ContentFile, EditError> {
        let refuse = || {
            EditError::new(format!(
                "«{relative}» non è un file dei contenuti: si possono scrivere solo {ANNEX_FILE}, {ORGANISATION_FILE}, {TRAINING_FILE} e i file .toml delle cartelle {MANAGED_DIR}/ e {SERVICES_DIR}/"
            ))
        };
        let kind = match relative {
            ANNEX_FILE => FileKind::Allegato,
            ORGANISATION_FILE => FileKind::Organizzazione,
            TRAINING_FILE => FileKind::Formazione,
            _ => {
                let (folder, name) = relative.split_once('/').ok_or_else(refuse)?;
                let kind = match folder {
                    MANAGED_DIR => FileKind::Gestionale,
                    SERVICES_DIR => FileKind::Istituzionale,
                    _ => return Err(refuse()),
                };
                if !is_safe_name(name) {
                    return Err(refuse());
                }
                kind
            }
        };
        Ok(ContentFile {
            kind,
            relative: relative.to_string(),
        })
    }

    /// Whether the file is an objective (gestionale) rather than a service.
    pub fn is_managed(&self) -> bool {
        self.kind == FileKind::Gestionale
    }

    /// The file's path under `dir`, after making sure that nothing on the way is a link
    /// and that the file, if there, is a regular file. A content folder that is not
    /// there yet holds nothing (its first save creates it).
    pub fn resolve(&self, dir: &Path) -> Result<PathBuf, EditError> {
        if !dir.is_dir() {
            if fs::symlink_metadata(dir).is_err() {
                return Ok(dir.join(&self.relative));
            }
            return Err(EditError::new(format!(
                "`{}` non è una cartella: i contenuti devono stare in una cartella",
                dir.display()
            )));
        }
        let mut path = dir.to_path_buf();
        let parts: Vec<&str> = self.relative.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let last = i + 1 == parts.len();
            match fs::symlink_metadata(&path) {
                Err(_) => {}
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(EditError::new(format!(
                        "`{}` è un collegamento: dal browser non scrivo attraverso i collegamenti (modifica il file a cui porta)",
                        self.relative
                    )))
                }
                Ok(m) if last && !m.is_file() => {
                    return Err(EditError::new(format!(
                        "`{}` non è un file normale: non lo sostituisco",
                        self.relative
                    )))
                }
                Ok(m) if !last && !m.is_dir() => {
                    return Err(EditError::new(format!(
                        "`{part}` dovrebbe essere una cartella, ma non lo è"
                    )))
                }
                Ok(_) => {}
            }
        }
        Ok(path)
    }
}

/// A name for an objective file: lowercase letters, digits, `-` and `_`, ending in
/// `.toml`, not hidden, not too long.
pub fn is_safe_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".toml") else {
        return false;
    };
    !stem.is_empty()
        && name.len() <= MAX_NAME
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !stem.starts_with(['-', '_'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_layout_files_are_accepted() {
        for ok in [
            "allegato.toml",
            "organizzazione.toml",
            "formazione.toml",
            "gestionali/g01-prova.toml",
            "istituzionali/i08_sportello.toml",
        ] {
            assert!(ContentFile::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "../allegato.toml",
            "/etc/passwd",
            "gestionali/../allegato.toml",
            "gestionali/.nascosto.toml",
            "gestionali/sub/g01.toml",
            "gestionali/G01.toml",
            "gestionali/g01.txt",
            "gestionali/",
            "altro/g01.toml",
            ".piao-storia/allegato.toml",
            "stemma.svg",
            "gestionali/g01 prova.toml",
            "gestionali\\g01.toml",
        ] {
            let e = ContentFile::parse(bad).unwrap_err();
            assert!(e.message.contains("non è un file dei contenuti"), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        fs::create_dir(&content).unwrap();
        fs::create_dir(dir.path().join("fuori")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("fuori"), content.join("gestionali")).unwrap();
        let f = ContentFile::parse("gestionali/g01.toml").unwrap();
        assert!(f
            .resolve(&content)
            .unwrap_err()
            .message
            .contains("collegamento"));
        std::os::unix::fs::symlink("/etc/hostname", content.join("allegato.toml")).unwrap();
        let f = ContentFile::parse("allegato.toml").unwrap();
        assert!(f.resolve(&content).is_err());
        let f = ContentFile::parse("organizzazione.toml").unwrap();
        assert_eq!(
            f.resolve(&content).unwrap(),
            content.join("organizzazione.toml")
        );
    }
}

//! Files on disk: which entries of the content folder are read, how (regular files
//! only, links only inside the folder, at most [`limits::MAX_FILE_BYTES`]), their
//! encoding, and the warnings for what is not read.

use std::fs;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Sources};
use crate::limits;

/// What a path in the content folder is, with links followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Nothing there.
    Missing,
    /// A regular file (directly or through a link inside the content folder).
    File,
    /// A folder (directly or through a link inside the content folder).
    Folder,
    /// A link whose target does not exist.
    BrokenLink,
    /// A link that leads outside the content folder, to this place.
    Outside(PathBuf),
    /// A device, a pipe or a socket: never read.
    Special,
}

/// The content folder, resolved once, that links may not leave.
pub(crate) struct Root {
    real: PathBuf,
}

impl Root {
    pub(crate) fn new(dir: &Path) -> Root {
        Root {
            real: dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
        }
    }

    /// What `path` is.
    pub(crate) fn kind(&self, path: &Path) -> Kind {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return Kind::Missing;
        };
        if meta.file_type().is_symlink() {
            let Ok(real) = path.canonicalize() else {
                return Kind::BrokenLink;
            };
            if !real.starts_with(&self.real) {
                return Kind::Outside(real);
            }
        }
        match fs::metadata(path) {
            Ok(m) if m.is_file() => Kind::File,
            Ok(m) if m.is_dir() => Kind::Folder,
            Ok(_) => Kind::Special,
            Err(_) => Kind::BrokenLink,
        }
    }
}

/// The error for a path that cannot be read as a content file or folder, if it cannot.
pub(crate) fn refusal(path: &Path, kind: &Kind) -> Option<Diagnostic> {
    let d = match kind {
        Kind::BrokenLink => Diagnostic::error(
            "questo collegamento non porta a nessun file (collegamento interrotto)",
        )
        .hint("ricrea il collegamento o copia il file al suo posto, oppure cancellalo"),
        Kind::Outside(real) => Diagnostic::error(format!(
            "questo collegamento porta fuori dalla cartella dei contenuti (a `{}`): non lo leggo",
            real.display()
        ))
        .hint("copia il file nella cartella dei contenuti invece di collegarlo"),
        Kind::Special => Diagnostic::error(
            "non è un file normale (è un dispositivo, una pipe o un socket): non lo leggo",
        )
        .hint("nella cartella dei contenuti vanno solo file di testo .toml"),
        _ => return None,
    };
    Some(d.file(path))
}

/// Reads a regular file of at most [`limits::MAX_FILE_BYTES`]; the error is a
/// diagnostic about the file.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    let cannot = |e: std::io::Error| {
        Box::new(Diagnostic::error(format!("non riesco a leggere il file: {e}")).file(path))
    };
    let too_big =
        || {
            Box::new(Diagnostic::error(format!(
            "il file supera il limite di {} per un file dei contenuti: non lo leggo",
            limits::bytes(limits::MAX_FILE_BYTES)
        ))
        .file(path)
        .hint("un obiettivo occupa di solito pochi kB: forse non è il file giusto, o va diviso"))
        };
    let meta = fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(refusal(path, &Kind::Special).map_or_else(|| cannot(other()), Box::new));
    }
    if meta.len() > limits::MAX_FILE_BYTES {
        return Err(too_big());
    }
    let file = fs::File::open(path).map_err(cannot)?;
    // The file may have changed since it was looked at: check what was opened.
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(refusal(path, &Kind::Special).map_or_else(|| cannot(other()), Box::new));
    }
    let mut bytes = Vec::new();
    file.take(limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

fn other() -> std::io::Error {
    std::io::Error::other("non è un file normale")
}

/// The entries of a folder, sorted by name; hidden files and editor backups (`~`)
/// left out. At most `limits::MAX_ENTRIES` are looked at.
pub(crate) fn entries(dir: &Path) -> std::io::Result<(Vec<PathBuf>, bool)> {
    let mut out = Vec::new();
    let mut truncated = false;
    for entry in fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if out.len() == limits::MAX_ENTRIES {
            truncated = true;
            break;
        }
        out.push(entry.path());
    }
    out.sort();
    Ok((out, truncated))
}

/// Whether a path names a TOML file (`.toml`).
pub(crate) fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "toml")
}

/// A warning about an entry `piao` does not read, pointing at the first line of a
/// regular file (never reading anything else).
pub(crate) fn unread_warning(
    path: &Path,
    kind: &Kind,
    message: String,
    sources: &mut Sources,
) -> Diagnostic {
    let d = Diagnostic::warning(message);
    if *kind != Kind::File {
        return d.file(path);
    }
    let mut head = Vec::new();
    if let Ok(f) = fs::File::open(path) {
        let _ = f.take(512).read_to_end(&mut head);
    }
    let text = String::from_utf8_lossy(&head);
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(120)
        .collect();
    let file = sources.add(path, first);
    d.at(file, 0..0).label("non letto")
}

/// A problem with a file's bytes, and the spot to show.
#[derive(Debug)]
pub(crate) struct Undecodable {
    pub(crate) diagnostic: Diagnostic,
    pub(crate) span: Range<usize>,
}

/// UTF-8 without BOM, or an Italian explanation of what is wrong with the bytes.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, Box<Undecodable>> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(Box::new(Undecodable {
            diagnostic: Diagnostic::error("il file inizia con un BOM (byte order mark)")
                .label("carattere invisibile all'inizio del file")
                .hint(
                "salvalo come \"UTF-8\" senza BOM (nel Blocco note: Salva con nome → Codifica: UTF-8)",
            ),
            span: 0..3,
        }));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Box::new(Undecodable {
            diagnostic: Diagnostic::error("il file è in codifica UTF-16, non UTF-8")
                .hint("salvalo con la codifica UTF-8"),
            span: 0..3,
        }));
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Box::new(Undecodable {
            diagnostic: Diagnostic::error("il file non è testo UTF-8 valido")
                .label("byte non valido")
                .hint("salvalo con la codifica UTF-8; se è un file binario, toglilo dalla cartella dei contenuti"),
            // The lossy text shown keeps the valid prefix: the bad byte is its U+FFFD.
            span: at..at + '\u{FFFD}'.len_utf8(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_bad_utf8_are_refused() {
        assert!(decode(b"\xEF\xBB\xBFa = 1")
            .unwrap_err()
            .diagnostic
            .message
            .contains("BOM"));
        assert!(decode(b"a = \"\xFF\"")
            .unwrap_err()
            .diagnostic
            .message
            .contains("UTF-8"));
        assert_eq!(decode(b"a = 1").unwrap(), "a = 1");
    }

    #[test]
    fn the_history_of_saves_and_temporary_files_are_never_read() {
        // `crate::edit` keeps versions in `.piao-storia/` and writes through hidden
        // temporary files: hidden entries are left out.
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(crate::edit::HISTORY_DIR)).unwrap();
        fs::write(dir.path().join(".g01.toml.piao-x.tmp"), "x = 1").unwrap();
        fs::write(dir.path().join("g01.toml"), "x = 1").unwrap();
        let (found, _) = entries(dir.path()).unwrap();
        assert_eq!(found, [dir.path().join("g01.toml")]);
    }

    #[cfg(unix)]
    #[test]
    fn links_and_special_files_are_told_apart() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        fs::create_dir(&content).unwrap();
        fs::write(content.join("a.toml"), "x = 1").unwrap();
        fs::write(dir.path().join("fuori.toml"), "x = 1").unwrap();
        symlink(content.join("a.toml"), content.join("b.toml")).unwrap();
        symlink(dir.path().join("fuori.toml"), content.join("c.toml")).unwrap();
        symlink(content.join("manca.toml"), content.join("d.toml")).unwrap();
        symlink("/dev/zero", content.join("e.toml")).unwrap();
        let root = Root::new(&content);
        assert_eq!(root.kind(&content.join("a.toml")), Kind::File);
        assert_eq!(root.kind(&content.join("b.toml")), Kind::File);
        assert!(matches!(
            root.kind(&content.join("c.toml")),
            Kind::Outside(_)
        ));
        assert_eq!(root.kind(&content.join("d.toml")), Kind::BrokenLink);
        assert!(matches!(
            root.kind(&content.join("e.toml")),
            Kind::Outside(_)
        ));
        assert_eq!(root.kind(&content.join("x.toml")), Kind::Missing);
        assert_eq!(root.kind(Path::new("/dev/null")), Kind::Special);
    }
}

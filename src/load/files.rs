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
    match kind {
        Kind::BrokenLink | Kind::Outside(_) | Kind::Special => Some(refused_kind(kind).file(path)),
        _ => None,
    }
}

/// The error for an entry of kind `kind` (a broken link, a link outside, a special file).
fn refused_kind(kind: &Kind) -> Diagnostic {
    match kind {
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
        _ => Diagnostic::error("non riesco a leggere il file"),
    }
}

/// Why a file could not be read, in words for the clerk (without the file's name: the
/// caller says which file, at the line that names it).
#[derive(Debug)]
pub enum Refused {
    /// Nothing there.
    Missing,
    /// A link whose target does not exist.
    BrokenLink,
    /// The file (or a link on its way) leads outside the folder, to this place.
    Outside(PathBuf),
    /// A folder.
    Folder,
    /// A device, a pipe or a socket.
    Special,
    /// Over the size limit: the file's size and the limit (bytes).
    TooBig { len: u64, max: u64 },
    /// The system refused to open or read it.
    Io(std::io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Missing => f.write_str("non esiste"),
            Refused::BrokenLink => {
                f.write_str("è un collegamento che non porta a nessun file (collegamento interrotto)")
            }
            Refused::Outside(real) => write!(
                f,
                "è un collegamento che porta fuori dalla cartella da cui leggo (a `{}`): non lo leggo",
                real.display()
            ),
            Refused::Folder => f.write_str("è una cartella, non un file"),
            Refused::Special => f.write_str(
                "non è un file normale (è un dispositivo, una pipe o un socket): non lo leggo",
            ),
            Refused::TooBig { len, max } => write!(
                f,
                "è troppo grande ({} kB, il limite è {}): non lo leggo",
                len.div_ceil(1024),
                limits::bytes(*max)
            ),
            Refused::Io(e) => write!(f, "non si può leggere: {}", crate::io_message::reason(e)),
        }
    }
}

/// Reads `path`, which must be a regular file inside `within` (a folder: links are
/// followed, and neither the file nor any link on its way may lead out of it), of at
/// most `max` bytes. The size is known before anything is read, a pipe or a device is
/// never opened for reading (on Unix it is opened without waiting, and refused by what
/// was opened), and no more than `max` bytes are ever read, even from a file that grows.
/// Every file `piao` reads on behalf of the content goes through here: the content
/// files, the files they name (the emblem) and the templates.
pub fn read_within(within: &Path, path: &Path, max: u64) -> Result<Vec<u8>, Refused> {
    let real = match path.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            return Err(match fs::symlink_metadata(path) {
                Ok(_) => Refused::BrokenLink,
                Err(_) if e.kind() == std::io::ErrorKind::NotFound => Refused::Missing,
                Err(_) => Refused::Io(e),
            })
        }
    };
    let within = within.canonicalize().map_err(Refused::Io)?;
    if !real.starts_with(&within) {
        return Err(Refused::Outside(real));
    }
    let meta = fs::metadata(&real).map_err(Refused::Io)?;
    check_meta(&meta, max)?;
    let file = open_without_waiting(&real).map_err(Refused::Io)?;
    // The file may have been replaced since it was looked at: check what was opened.
    check_meta(&file.metadata().map_err(Refused::Io)?, max)?;
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > max {
        return Err(Refused::TooBig {
            len: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// A regular file of at most `max` bytes, or why not.
fn check_meta(meta: &fs::Metadata, max: u64) -> Result<(), Refused> {
    if meta.is_dir() {
        return Err(Refused::Folder);
    }
    if !meta.is_file() {
        return Err(Refused::Special);
    }
    if meta.len() > max {
        return Err(Refused::TooBig {
            len: meta.len(),
            max,
        });
    }
    Ok(())
}

/// Opens a file for reading; on Unix without waiting (`O_NONBLOCK`), so that a pipe put
/// in the file's place between the look and the open cannot hang the run.
fn open_without_waiting(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Reads a content file: a regular file in the content folder `root`, of at most
/// [`limits::MAX_FILE_BYTES`]; the error is a diagnostic about the file.
pub(crate) fn read(root: &Root, path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    read_within(&root.real, path, limits::MAX_FILE_BYTES).map_err(|why| {
        let d = match &why {
            Refused::TooBig { .. } => Diagnostic::error(format!(
                "il file supera il limite di {} per un file dei contenuti: non lo leggo",
                limits::bytes(limits::MAX_FILE_BYTES)
            ))
            .hint(
                "un obiettivo occupa di solito pochi kB: forse non è il file giusto, o va diviso",
            ),
            Refused::Outside(real) => refused_kind(&Kind::Outside(real.clone())),
            Refused::Special => refused_kind(&Kind::Special),
            Refused::BrokenLink => refused_kind(&Kind::BrokenLink),
            other => Diagnostic::error(format!("il file {other}")),
        };
        Box::new(d.file(path))
    })
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

/// UTF-8 (a BOM, as Notepad writes, is read past), or an Italian explanation of what
/// is wrong with the bytes.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, Box<Undecodable>> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
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
        assert_eq!(decode(b"\xEF\xBB\xBFa = 1").unwrap(), "a = 1");
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

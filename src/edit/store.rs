//! Saving a content file: one writer at a time, refused when the file changed on disk
//! since the form was made (the form names the version it was made from by its
//! digest), the previous version kept in the history folder [`HISTORY_DIR`] inside the
//! content folder (hidden: the loader never reads it), then the new bytes written
//! atomically (a temporary file in the same folder, renamed over the old one, which
//! keeps its permissions). A content folder that is not there yet is made by its first
//! save (of a file that is not there either), and the folders of the layout
//! (`gestionali/`) by the first save of a file in them.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Serialize;

use super::place::ContentFile;
use super::EditError;
use crate::publish::sha256_hex;

/// The history folder, inside the content folder.
pub const HISTORY_DIR: &str = ".piao-storia";
/// The digest of a file that is not there (yet).
pub const ABSENT: &str = "assente";
/// The versions kept for each file: older ones are dropped.
pub const MAX_VERSIONS: usize = 200;

/// One writer at a time in this process; another process is kept out by the lock on
/// the content folder.
static WRITER: Mutex<()> = Mutex::new(());

/// The digest of a file's bytes, as forms carry it.
pub fn digest(bytes: Option<&[u8]>) -> String {
    match bytes {
        Some(b) => sha256_hex(b),
        None => ABSENT.to_string(),
    }
}

/// The bytes of a content file, or `None` when it is not there.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>, EditError> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EditError::new(format!(
            "non riesco a leggere `{}`: {}",
            path.display(),
            crate::io_message::reason(&e)
        ))),
    }
}

/// A save refused because the file changed since the form was made.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    /// The file's text on disk now (`None`: the file was deleted).
    pub on_disk: Option<String>,
    /// Its digest, to save over it on purpose.
    pub on_disk_digest: String,
}

/// Why a save did not happen.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "esito", rename_all = "snake_case")]
pub enum Refusal {
    /// The file changed since the form was made: nothing written.
    Conflitto(Conflict),
    /// Anything else (a path outside the layout, a folder that cannot be written).
    Errore(EditError),
}

impl From<EditError> for Refusal {
    fn from(e: EditError) -> Self {
        Refusal::Errore(e)
    }
}

/// Writes `text` as the new version of `file`, made from the version with digest
/// `base`; `make` may be called with the text on disk (under the writer's lock) to get
/// the new text. Returns the new digest.
pub fn write(
    dir: &Path,
    file: &ContentFile,
    base: &str,
    make: impl FnOnce(Option<&str>) -> Result<String, EditError>,
) -> Result<(String, String), Refusal> {
    let _guard = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    if fs::symlink_metadata(dir).is_err() {
        // No content folder yet: a first save creates it, any other finds no file.
        if base != ABSENT {
            return Err(Refusal::Conflitto(Conflict {
                on_disk: None,
                on_disk_digest: ABSENT.to_string(),
            }));
        }
        fs::create_dir_all(dir).map_err(|e| {
            EditError::new(format!(
                "non riesco a creare la cartella dei contenuti `{}`: {}",
                dir.display(),
                crate::io_message::reason(&e)
            ))
        })?;
    }
    let path = file.resolve(dir)?;
    let _lock = lock(dir)?;
    let old = read(&path)?;
    let now = digest(old.as_deref());
    if now != base {
        return Err(Refusal::Conflitto(Conflict {
            on_disk: old.map(|b| String::from_utf8_lossy(&b).into_owned()),
            on_disk_digest: now,
        }));
    }
    let old_text = match &old {
        Some(b) => Some(String::from_utf8(b.clone()).map_err(|_| {
            EditError::new(format!(
                "`{}` non è testo UTF-8: correggilo a mano (vedi piao check)",
                file.relative
            ))
        })?),
        None => None,
    };
    let text = make(old_text.as_deref())?;
    if old.as_deref() == Some(text.as_bytes()) {
        return Ok((now, text));
    }
    if let Some(bytes) = &old {
        keep(&history_dir(dir)?, file, bytes)?;
    }
    atomic_write(&path, text.as_bytes())?;
    Ok((digest(Some(text.as_bytes())), text))
}

/// The history folder, created when missing; never a link.
fn history_dir(dir: &Path) -> Result<PathBuf, EditError> {
    let h = dir.join(HISTORY_DIR);
    match fs::symlink_metadata(&h) {
        Ok(m) if m.is_dir() => Ok(h),
        Ok(_) => Err(EditError::new(format!(
            "`{HISTORY_DIR}` nella cartella dei contenuti non è una cartella: non posso conservare le versioni precedenti"
        ))),
        Err(_) => {
            fs::create_dir(&h).map_err(|e| {
                EditError::new(format!(
                    "non riesco a creare la cartella delle versioni `{}`: {}",
                    h.display(),
                    crate::io_message::reason(&e)
                ))
            })?;
            crate::hidden::hide(&h);
            Ok(h)
        }
    }
}

/// An exclusive lock on the content folder, for one save (as `crate::publish` locks
/// its output folder): on Unix the folder itself, elsewhere a hidden file in it.
fn lock(dir: &Path) -> Result<fs::File, EditError> {
    #[cfg(unix)]
    let f = fs::File::open(dir);
    #[cfg(not(unix))]
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".piao-scrittura.lock"))
        .inspect(|_| crate::hidden::hide(&dir.join(".piao-scrittura.lock")));
    let f = f.map_err(|e| {
        EditError::new(format!(
            "non riesco a riservare i contenuti per la scrittura: {}",
            crate::io_message::reason(&e)
        ))
    })?;
    f.lock().map_err(|e| {
        EditError::new(format!(
            "non riesco a riservare i contenuti per la scrittura: {}",
            crate::io_message::reason(&e)
        ))
    })?;
    Ok(f)
}

/// The folder of a file's versions.
fn versions_dir(history: &Path, file: &ContentFile) -> PathBuf {
    history.join(file.relative.replace('/', "__"))
}

/// Keeps `bytes` as a version of `file`.
fn keep(history: &Path, file: &ContentFile, bytes: &[u8]) -> Result<(), EditError> {
    let dir = versions_dir(history, file);
    let cannot = |e: std::io::Error| {
        EditError::new(format!(
            "non riesco a conservare la versione precedente di `{}` ({}): non ho salvato",
            file.relative,
            crate::io_message::reason(&e)
        ))
    };
    fs::create_dir_all(&dir).map_err(cannot)?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let stamp = chrono::DateTime::from_timestamp(now.as_secs() as i64, now.subsec_nanos())
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%S%.9fZ");
    let name = format!("{stamp}-{}.toml", &sha256_hex(bytes)[..12]);
    atomic_write(&dir.join(name), bytes).map_err(|e| EditError::new(e.message))?;
    prune(&dir);
    Ok(())
}

/// Drops the oldest versions beyond [`MAX_VERSIONS`].
fn prune(dir: &Path) {
    let mut names = version_names(dir);
    while names.len() > MAX_VERSIONS {
        let oldest = names.remove(0);
        let _ = fs::remove_file(dir.join(oldest));
    }
}

fn version_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| is_version_name(n))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// `20261203T084600.123456789Z-0123456789ab.toml`.
fn is_version_name(name: &str) -> bool {
    name.len() < 80
        && name.ends_with(".toml")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        && !name.starts_with('.')
}

/// A kept version of a file.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// Its name, to restore it.
    pub id: String,
    /// When it was replaced, in UTC (RFC 3339).
    pub replaced_at: String,
    pub digest: String,
    pub bytes: u64,
}

/// The kept versions of `file`, the latest first.
pub fn versions(dir: &Path, file: &ContentFile) -> Vec<Version> {
    let vdir = versions_dir(&dir.join(HISTORY_DIR), file);
    let mut out: Vec<Version> = version_names(&vdir)
        .into_iter()
        .filter_map(|id| {
            let bytes = fs::read(vdir.join(&id)).ok()?;
            let stamp = id.split('-').next()?;
            let replaced_at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.fZ")
                .map(|t| t.and_utc().to_rfc3339())
                .unwrap_or_default();
            Some(Version {
                digest: sha256_hex(&bytes),
                bytes: bytes.len() as u64,
                replaced_at,
                id,
            })
        })
        .collect();
    out.reverse();
    out
}

/// The bytes of a kept version.
pub fn version(dir: &Path, file: &ContentFile, id: &str) -> Result<Vec<u8>, EditError> {
    if !is_version_name(id) {
        return Err(EditError::new("questa versione non esiste"));
    }
    let path = versions_dir(&dir.join(HISTORY_DIR), file).join(id);
    fs::read(&path).map_err(|_| EditError::new("questa versione non esiste (più)"))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder (hidden,
/// so never read as content), synced, given the old file's permissions, renamed over
/// it. A failure leaves the old file as it was.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), EditError> {
    let dir = crate::publish::folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cannot = |e: std::io::Error| {
        EditError::new(format!(
            "non riesco a scrivere `{}`: {}; il file è rimasto com'era",
            path.display(),
            crate::io_message::reason(&e)
        ))
    };
    fs::create_dir_all(&dir).map_err(cannot)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.piao-"))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(cannot)?;
    tmp.write_all(bytes).map_err(cannot)?;
    match fs::metadata(path) {
        Ok(m) => fs::set_permissions(tmp.path(), m.permissions()).map_err(cannot)?,
        Err(_) => default_permissions(tmp.path()).map_err(cannot)?,
    }
    tmp.as_file().sync_all().map_err(cannot)?;
    tmp.persist(path).map_err(|e| cannot(e.error))?;
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A new content file is readable by others, as one made with an editor.
fn default_permissions(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_atomic_write_keeps_the_mode_and_leaves_nothing_else() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("allegato.toml");
        fs::write(&p, "a = 1\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&p, b"a = 2\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"a = 2\n");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["allegato.toml"]);
    }

    #[test]
    fn a_stale_digest_is_refused_and_every_save_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = ContentFile::parse("allegato.toml").unwrap();
        let p = dir.path().join("allegato.toml");
        let (d1, _) = write(dir.path(), &file, ABSENT, |_| Ok("a = 1\n".into())).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "a = 1\n");
        // Created from nothing: nothing to keep.
        assert!(versions(dir.path(), &file).is_empty());
        let (d2, _) = write(dir.path(), &file, &d1, |old| {
            assert_eq!(old, Some("a = 1\n"));
            Ok("a = 2\n".into())
        })
        .unwrap();
        // A save from the first version again: refused, with the text on disk.
        match write(dir.path(), &file, &d1, |_| Ok("a = 3\n".into())) {
            Err(Refusal::Conflitto(c)) => {
                assert_eq!(c.on_disk.as_deref(), Some("a = 2\n"));
                assert_eq!(c.on_disk_digest, d2);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(fs::read_to_string(&p).unwrap(), "a = 2\n");
        let kept = versions(dir.path(), &file);
        assert_eq!(kept.len(), 1);
        assert_eq!(version(dir.path(), &file, &kept[0].id).unwrap(), b"a = 1\n");
        assert_eq!(kept[0].digest, d1);
        assert!(version(dir.path(), &file, "../allegato.toml").is_err());
    }

    #[test]
    fn the_first_save_makes_the_content_folder_and_its_subfolders() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("nuovo").join("contenuti");
        let g = ContentFile::parse("gestionali/g01-prova.toml").unwrap();
        // A save from a version that was never there finds nothing, and makes nothing.
        match write(&content, &g, "abc", |_| Ok("a = 1\n".into())) {
            Err(Refusal::Conflitto(c)) => assert_eq!(c.on_disk_digest, ABSENT),
            other => panic!("{other:?}"),
        }
        assert!(!content.exists());
        write(&content, &g, ABSENT, |old| {
            assert_eq!(old, None);
            Ok("a = 1\n".into())
        })
        .unwrap();
        assert_eq!(
            fs::read_to_string(content.join("gestionali/g01-prova.toml")).unwrap(),
            "a = 1\n"
        );
        // A file where the folder should be is not replaced.
        let file = dir.path().join("un-file");
        fs::write(&file, "x").unwrap();
        let a = ContentFile::parse("allegato.toml").unwrap();
        assert!(matches!(
            write(&file, &a, ABSENT, |_| Ok("a = 1\n".into())),
            Err(Refusal::Errore(_))
        ));
        assert_eq!(fs::read_to_string(&file).unwrap(), "x");
    }
}

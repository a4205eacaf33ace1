//! Publish: the PDF, its digest and its record are written as one act.
//!
//! [`publish_pdf`] is the one way a PDF leaves `piao` (build, preview, watch and serve
//! all call it). It writes `NAME.pdf`, `NAME.pdf.sha256` and `NAME.metadata.json`
//! all or none:
//!
//! 1. every target is checked first (absent or a regular file, its folder writable);
//! 2. an exclusive lock is taken (on the output folder; on systems other than Unix, on
//!    a hidden lock file next to the output), so concurrent runs on the same output are
//!    serialised;
//! 3. what a killed run left behind is settled (see below);
//! 4. the three new files are written and synced as temporary files in the same folder
//!    (`.NAME.pdf.piao-XXXXXX.tmp`, removed on drop): if any of them cannot be written,
//!    nothing has been replaced;
//! 5. a journal (`.NAME.pdf.piao-journal`) naming the three renames is written: this is
//!    the commit point;
//! 6. the three files are renamed into place, then the journal is removed.
//!
//! A run killed before the commit point leaves the previous trio untouched; its
//! temporary files are removed by the next run on the same output. A run killed during
//! the renames (a few microseconds) leaves a journal, and the next run finishes the
//! renames before anything else, so the trio never stays mixed.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::record::{self, Record};

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `sha256sum` line for a file: `<hex>  <name>`.
pub fn sha256sum_line(bytes: &[u8], file_name: &str) -> String {
    format!("{}  {}\n", sha256_hex(bytes), file_name)
}

/// Why publishing failed; the message is Italian and names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishError(pub String);

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PublishError {}

impl From<PublishError> for String {
    fn from(e: PublishError) -> String {
        e.0
    }
}

/// The three files of a publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub pdf: PathBuf,
    pub digest: PathBuf,
    pub record: PathBuf,
}

impl Published {
    /// Where the trio of `pdf` goes: the PDF and, next to it, its digest and record.
    pub fn paths(pdf: &Path) -> Published {
        let (digest, record) = record::sidecar_paths(pdf);
        Published {
            pdf: pdf.to_path_buf(),
            digest,
            record,
        }
    }
}

/// The three files of a publication, as bytes: the PDF, its `sha256sum` line and its
/// record. What `publish_*` writes and what `piao serve` offers for download are made
/// here, so that the two are the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trio {
    pub pdf: Vec<u8>,
    pub digest: Vec<u8>,
    pub record: Vec<u8>,
}

/// The trio of a PDF published under the file name `file_name`, with `record`.
pub fn trio(file_name: &str, pdf: &[u8], record: &Record) -> Result<Trio, PublishError> {
    let json = serde_json::to_string_pretty(record)
        .map_err(|e| PublishError(format!("non riesco a preparare la scheda del PDF: {e}")))?
        + "\n";
    Ok(Trio {
        pdf: pdf.to_vec(),
        digest: sha256sum_line(pdf, file_name).into_bytes(),
        record: json.into_bytes(),
    })
}

/// The trio of a PDF the pipeline built, to be published under the file name
/// `file_name` (its record names the file, the ente, the pages, the digest).
pub fn prepare(
    file_name: &str,
    built: &crate::pipeline::Built,
    checked: &crate::check::Checked,
) -> Result<Trio, PublishError> {
    let record = record::record(
        checked,
        built.document.profile,
        &built.pdf,
        built.pages,
        file_name,
    );
    trio(file_name, &built.pdf, &record)
}

/// Writes a trio at `path` (the PDF) and next to it, all or none (see the module's
/// documentation).
fn write_trio(path: &Path, t: &Trio) -> Result<Published, PublishError> {
    let out = Published::paths(path);
    publish_set(
        path,
        &[
            (&out.pdf, t.pdf.as_slice()),
            (&out.digest, t.digest.as_slice()),
            (&out.record, t.record.as_slice()),
        ],
    )?;
    Ok(out)
}

/// Writes `pdf` to `path`, with its `.sha256` and the `.metadata.json` of `record`,
/// all or none (see the module's documentation).
pub fn publish_pdf(path: &Path, pdf: &[u8], record: &Record) -> Result<Published, PublishError> {
    write_trio(path, &trio(&file_name(path)?, pdf, record)?)
}

/// Publishes a PDF the pipeline built at `path`, with its digest and its record (see
/// [`publish_pdf`]): what build, preview and watch call, and what `piao serve` offers
/// for download (through [`prepare`]).
pub fn publish_built(
    path: &Path,
    built: &crate::pipeline::Built,
    checked: &crate::check::Checked,
) -> Result<Published, PublishError> {
    write_trio(path, &prepare(&file_name(path)?, built, checked)?)
}

/// Writes one file all or none (temporary file, then rename), under the same lock and
/// with the same clean-up as [`publish_pdf`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    publish_set(path, &[(path, bytes)]).map_err(String::from)
}

/// Publishes `files` (all in the folder of `key`) as one act. `key` names the lock,
/// the temporary files and the journal.
fn publish_set(key: &Path, files: &[(&Path, &[u8])]) -> Result<(), PublishError> {
    for (target, _) in files {
        ensure_replaceable(target)?;
    }
    let dir = folder_of(key);
    let missing = !dir.exists();
    fs::create_dir_all(&dir)
        .map_err(|e| PublishError(crate::io_message::describe(&e, &dir, "creare la cartella")))?;
    if missing {
        crate::output::folder_created(&dir);
    }
    let name = file_name(key)?;
    let _lock = Lock::acquire(&dir, &name)?;
    settle(&dir, &name)?;

    // 4. Every new file, complete and synced, before anything is replaced.
    let mut temps = Vec::new();
    for (target, bytes) in files {
        let tmp = write_temp(&dir, &name, Some(target), bytes).map_err(|e| {
            PublishError(format!(
                "{}; nessun file è stato sostituito",
                crate::io_message::describe(&e, target, "scrivere")
            ))
        })?;
        temps.push((tmp, *target));
    }

    // 5. The commit point: from here on, the renames are finished even if we are killed.
    let journal = Journal {
        renames: temps
            .iter()
            .map(|(tmp, target)| {
                (
                    leaf(tmp.path()),
                    target.file_name().map(leaf_os).unwrap_or_default(),
                )
            })
            .collect(),
    };
    let journal_path = dir.join(format!(".{name}.piao-journal"));
    write_journal(&dir, &name, &journal_path, &journal).map_err(|e| {
        PublishError(format!(
            "{}; nessun file è stato sostituito",
            crate::io_message::describe(&e, &dir, "scrivere nella cartella")
        ))
    })?;
    // The temporary files must now survive until renamed, whatever happens.
    let kept: Vec<(PathBuf, &Path)> = temps
        .into_iter()
        .map(|(tmp, target)| tmp.into_temp_path().keep().map(|p| (p, target)))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            PublishError(crate::io_message::describe(
                &e.error,
                &dir,
                "scrivere nella cartella",
            ))
        })?;

    // 6. The renames.
    let mut failed = None;
    for (tmp, target) in &kept {
        if failed.is_some() {
            let _ = fs::remove_file(tmp);
            continue;
        }
        if let Err(e) = fs::rename(tmp, target) {
            let _ = fs::remove_file(tmp);
            failed = Some(crate::io_message::describe(&e, target, "sostituire"));
        }
    }
    sync_dir(&dir);
    let _ = fs::remove_file(&journal_path);
    sync_dir(&dir);
    match failed {
        Some(message) => Err(PublishError(message)),
        None => Ok(()),
    }
}

/// What the renames of a publication are: (temporary file, target), names in the
/// output's folder.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    renames: Vec<(String, String)>,
}

fn write_journal(dir: &Path, name: &str, path: &Path, journal: &Journal) -> io::Result<()> {
    let text = serde_json::to_vec(journal).map_err(io::Error::other)?;
    let tmp = write_temp(dir, name, None, &text)?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Settles what an earlier run on the same output left: finishes the renames of a
/// journal (the run was killed after its commit point), then removes its temporary
/// files (it was killed before).
fn settle(dir: &Path, name: &str) -> Result<(), PublishError> {
    let journal_path = dir.join(format!(".{name}.piao-journal"));
    if let Ok(text) = fs::read(&journal_path) {
        if let Ok(journal) = serde_json::from_slice::<Journal>(&text) {
            for (tmp, target) in &journal.renames {
                // Only plain names in this folder: a journal never leads elsewhere.
                if !is_plain_name(tmp) || !is_plain_name(target) {
                    continue;
                }
                let tmp = dir.join(tmp);
                if tmp.is_file() {
                    let _ = fs::rename(&tmp, dir.join(target));
                }
            }
            sync_dir(dir);
        }
        let _ = fs::remove_file(&journal_path);
    }
    let prefix = format!(".{name}.piao-");
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            if entry_name.starts_with(&prefix) && entry_name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

/// A temporary file in `dir` holding `bytes`, synced. Its mode is the one the file it
/// will replace has (`replaces`), or, for a new file, 0666 minus the umask, as any
/// program's new file: the mode survives the rename, so a published PDF is readable by
/// whoever the user's settings let read it, and rebuilding over a 0644 file keeps 0644.
fn write_temp(
    dir: &Path,
    name: &str,
    replaces: Option<&Path>,
    bytes: &[u8],
) -> io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{name}.piao-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Given to open(2), which takes the umask off.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    #[cfg(unix)]
    if let Some(old) = replaces.and_then(|p| fs::metadata(p).ok()) {
        use std::os::unix::fs::PermissionsExt;
        if old.is_file() {
            // The permission bits only: never set-user-ID and the like.
            let mode = old.permissions().mode() & 0o777;
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = replaces;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// A target can be replaced when it is absent or a regular file (a link to one
/// included): never a folder, a device, a pipe or a socket.
fn ensure_replaceable(path: &Path) -> Result<(), PublishError> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) if m.is_dir() => Err(PublishError(format!(
            "`{}` è una cartella: non posso scriverci sopra un file; nessun file è stato sostituito",
            path.display()
        ))),
        Ok(_) => Err(PublishError(format!(
            "`{}` non è un file normale (è un dispositivo, una pipe o un socket): non lo sostituisco; nessun file è stato sostituito",
            path.display()
        ))),
        Err(_) => Ok(()),
    }
}

/// The folder a file goes in (`.` for a bare name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(path: &Path) -> Result<String, PublishError> {
    path.file_name()
        .map(leaf_os)
        .ok_or_else(|| PublishError(format!("`{}` non è il nome di un file", path.display())))
}

fn leaf(path: &Path) -> String {
    path.file_name().map(leaf_os).unwrap_or_default()
}

fn leaf_os(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().into_owned()
}

/// Makes the renames in `dir` durable (where the system allows it).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An exclusive lock held while a publication is written; released on drop (and by
/// the system if the process dies).
struct Lock {
    _file: fs::File,
}

impl Lock {
    fn acquire(dir: &Path, name: &str) -> Result<Lock, PublishError> {
        // On Unix the folder itself is locked: nothing is left next to the output.
        #[cfg(unix)]
        let (file, shown) = {
            let _ = name;
            (fs::File::open(dir), dir.to_path_buf())
        };
        #[cfg(not(unix))]
        let (file, shown) = {
            let path = dir.join(format!(".{name}.piao-lock"));
            (
                fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .inspect(|_| crate::hidden::hide(&path)),
                path,
            )
        };
        let file = file.map_err(|e| {
            PublishError(crate::io_message::describe(
                &e,
                &shown,
                "aprire per riservarla",
            ))
        })?;
        file.lock().map_err(|e| {
            PublishError(crate::io_message::describe(
                &e,
                &shown,
                "riservare per la scrittura",
            ))
        })?;
        Ok(Lock { _file: file })
    }
}

/// Checks that the folder of `path` can receive files, before any long work starts.
/// Creates nothing: a missing folder is made only when the file is written, so a
/// failed run leaves no trace.
pub fn check_writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("`{}` è una cartella, non un file", path.display()));
    }
    let dir = folder_of(path);
    // The nearest folder that exists is the one that must accept new entries.
    let mut existing = dir.as_path();
    while !existing.exists() {
        match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => existing = p,
            _ => {
                existing = Path::new(".");
                break;
            }
        }
    }
    if !existing.is_dir() {
        return Err(format!(
            "non riesco a creare la cartella `{}`: `{}` è un file",
            dir.display(),
            existing.display()
        ));
    }
    match tempfile::Builder::new()
        .prefix(".piao-probe-")
        .tempfile_in(existing)
    {
        Ok(_) => Ok(()),
        Err(e) => Err(crate::io_message::describe(
            &e,
            existing,
            "scrivere nella cartella",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256sum_line(b"abc", "a.pdf"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.pdf\n"
        );
    }

    #[test]
    fn checking_an_output_path_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nuova/cartella/out.pdf");
        check_writable(&p).unwrap();
        assert!(!dir.path().join("nuova").exists());
        std::fs::write(dir.path().join("file"), b"x").unwrap();
        assert!(check_writable(&dir.path().join("file/out.pdf")).is_err());
        assert!(check_writable(dir.path()).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.pdf");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(names(&dir.path().join("sub")), ["out.pdf"]);
    }

    #[test]
    fn a_set_is_written_all_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        let b = dir.path().join("a.pdf.sha256");
        publish_set(&a, &[(&a, b"pdf 1"), (&b, b"sha 1")]).unwrap();
        // The second file's place is taken by a folder: nothing is replaced.
        fs::remove_file(&b).unwrap();
        fs::create_dir(&b).unwrap();
        let err = publish_set(&a, &[(&a, b"pdf 2"), (&b, b"sha 2")]).unwrap_err();
        assert!(err.0.contains("è una cartella"), "{err}");
        assert_eq!(fs::read(&a).unwrap(), b"pdf 1");
        assert_eq!(names(dir.path()), ["a.pdf", "a.pdf.sha256"]);
    }

    #[test]
    fn a_killed_run_is_settled_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        let b = dir.path().join("a.pdf.sha256");
        publish_set(&a, &[(&a, b"pdf 1"), (&b, b"sha 1")]).unwrap();
        // Killed before its commit point: a temporary file only.
        fs::write(dir.path().join(".a.pdf.piao-abc123.tmp"), b"half").unwrap();
        // Killed after it: a journal with one rename done and one to do.
        fs::write(dir.path().join(".a.pdf.piao-def456.tmp"), b"sha 2").unwrap();
        fs::write(&a, b"pdf 2").unwrap();
        fs::write(
            dir.path().join(".a.pdf.piao-journal"),
            r#"{"renames":[[".a.pdf.piao-gone.tmp","a.pdf"],[".a.pdf.piao-def456.tmp","a.pdf.sha256"]]}"#,
        )
        .unwrap();
        settle(dir.path(), "a.pdf").unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"pdf 2");
        assert_eq!(fs::read(&b).unwrap(), b"sha 2");
        assert_eq!(names(dir.path()), ["a.pdf", "a.pdf.sha256"]);
    }

    #[test]
    fn a_journal_never_leads_out_of_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("out");
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join(".a.pdf.piao-x.tmp"), b"x").unwrap();
        fs::write(
            sub.join(".a.pdf.piao-journal"),
            r#"{"renames":[[".a.pdf.piao-x.tmp","../escaped"]]}"#,
        )
        .unwrap();
        settle(&sub, "a.pdf").unwrap();
        assert!(!dir.path().join("escaped").exists());
        assert!(names(&sub).is_empty());
    }
}

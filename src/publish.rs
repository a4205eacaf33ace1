//! Publish: write output files atomically, with their SHA-256 digest.
//!
//! A file is written to a temporary file in the destination folder and renamed into
//! place only once it is complete, so a failed or interrupted run leaves the previous
//! file byte-identical.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `path` atomically (temporary file + rename in the same folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)
        .map_err(|e| format!("non riesco a creare la cartella `{}`: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(format!("non riesco a scrivere `{}`: {e}", path.display()));
    }
    Ok(())
}

/// Checks that the folder of `path` can receive files, before any long work starts.
/// Creates nothing: a missing folder is made only when the file is written, so a
/// failed run leaves no trace.
pub fn check_writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("`{}` è una cartella, non un file", path.display()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
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
    let probe = existing.join(format!(".piao-probe-{}", std::process::id()));
    match fs::File::create(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!(
            "non posso scrivere nella cartella `{}`: {e}",
            existing.display()
        )),
    }
}

/// The `sha256sum` line for a file: `<hex>  <name>`.
pub fn sha256sum_line(bytes: &[u8], file_name: &str) -> String {
    format!("{}  {}\n", sha256_hex(bytes), file_name)
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
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.pdf");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}

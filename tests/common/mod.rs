//! Helpers shared by the integration tests: run the binary, read a PDF's text back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `content/` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `piao` with `args` in the repository root.
pub fn piao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_piao"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run piao")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The text of a PDF, as a reader extracting it would get it.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("read pdf");
    pdf_extract::extract_text_from_mem(&bytes).expect("extract text")
}

/// Text reduced to what survives line breaking and headings set in capitals: no
/// whitespace, no hyphens, lowercase, and quotes compared without their typographic
/// form (the PDF prints ’ “ ” where the content has ' and ").
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{ad}')
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

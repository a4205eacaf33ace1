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

/// A scratch copy of `folder` (relative to the repository) as `content/` in a temporary
/// folder: the folder (dropped, it is removed) and the copy's path.
pub fn workspace_of(folder: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&root().join(folder), &content);
    (dir, content)
}

/// A scratch copy of the bundled content (see [`workspace_of`]).
pub fn workspace() -> (tempfile::TempDir, PathBuf) {
    workspace_of("content")
}

/// The digest and the record next to `pdf` describe the PDF that is there.
pub fn assert_trio_matches(pdf: &Path) {
    let bytes = std::fs::read(pdf).unwrap();
    let digest = piao::publish::sha256_hex(&bytes);
    let name = pdf.file_name().unwrap().to_str().unwrap();
    let sha = std::fs::read_to_string(pdf.with_file_name(format!("{name}.sha256"))).unwrap();
    assert_eq!(sha, format!("{digest}  {name}\n"));
    let stem = name.strip_suffix(".pdf").unwrap();
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(pdf.with_file_name(format!("{stem}.metadata.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(record["impronta"]["valore"], digest);
    assert_eq!(record["dimensione_byte"], bytes.len());
}

/// Keys of the content whose values are not printed as written: identifiers and
/// references, codes, the cronoprogramma's numbers, the albo's settings, and amounts
/// and shares (printed formatted, `8.000,00 €`).
pub const NOT_PRINTED: &[&str] = &[
    "id",
    "indicatore",
    "attivita",
    "tipo",
    "variazione",
    "gruppo",
    "dopo",
    "azione",
    "ruolo",
    "cronoprogramma",
    "categorie_pubbliche",
    "nomi_pubblici",
    "costo",
    "partecipazione",
];

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

/// Every file and folder under `dir` (hidden ones too), each file with its bytes and
/// modification time: two snapshots are equal when nothing was written there.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let modified = e.metadata().ok().and_then(|m| m.modified().ok());
            if t.is_dir() {
                stack.push(e.path());
                out.push((e.path(), Vec::new(), None));
            } else {
                out.push((
                    e.path(),
                    std::fs::read(e.path()).unwrap_or_default(),
                    modified,
                ));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// An HTTP response read off a socket: status, headers (names lowercase), body (as sent).
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// Parses the bytes of a whole response.
    pub fn parse(raw: &[u8]) -> Reply {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no reply head in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

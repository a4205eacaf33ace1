//! Helpers shared by the integration tests: run the binary, read a PDF's text back
//! (`pdf` reads its glyphs), make scratch copies of content folders and edit them.
#![allow(dead_code)]

pub mod fields;
pub mod pdf;
mod plain;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use plain::*;

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

/// Runs `piao build` on `content`, writing the annex to `pdf`.
pub fn build_to(content: &Path, pdf: &Path) -> Output {
    piao(&[
        "build",
        "--content",
        content.to_str().unwrap(),
        "--output",
        pdf.to_str().unwrap(),
    ])
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

/// The output name a `piao serve` started in a test gives its downloads.
pub fn naming(
    _: &piao::check::Checked,
    _: &piao::render::Selection,
    _: piao::view::Profile,
) -> PathBuf {
    PathBuf::from("output/allegato.pdf")
}

/// A scratch copy of `folder` (relative to the repository) in a temporary folder, which
/// is the copy (dropped, it is removed).
pub fn copy_of(folder: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join(folder), dir.path());
    dir
}

/// A scratch copy of `folder` (see [`copy_of`]) with each `(file, from, to)` of `edits`
/// applied by [`replace_in`].
pub fn copy_with(folder: &str, edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = copy_of(folder);
    for (file, from, to) in edits {
        replace_in(dir.path(), file, from, to);
    }
    dir
}

/// Rewrites `file` (relative to `dir`) with `edit` applied to its text.
pub fn edit_file(dir: &Path, file: &str, edit: impl FnOnce(&str) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::fs::write(&path, edit(&text)).unwrap();
}

/// Replaces `from`, which must occur exactly once in `file` (relative to `dir`), with
/// `to`, as an editor saving the file would.
pub fn replace_in(dir: &Path, file: &str, from: &str, to: &str) {
    edit_file(dir, file, |text| {
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in {file}"
        );
        text.replacen(from, to, 1)
    });
}

/// `text` with `from` (which must occur exactly once) replaced by `to`.
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// The long tokens of the Valbruna fixture (g03), as written in its TOML file: a
/// network path, a URL and an e-mail, which must be printed and copied whole.
pub const TOKENS: &[&str] = &[
    r"\\srv-archivio\protocollo\2025\fascicoli-aperti",
    "https://www.comune.valbruna.example/amministrazione-trasparente/archivio",
    "protocollo.archivio@comune.valbruna.example",
];

/// Characters neither a glyph of the PDF nor its copied text may carry: break places and
/// joiners that are layout.
pub const INVISIBLE: &[char] = &['\u{200b}', '\u{2060}', '\u{ad}', '\u{feff}'];

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

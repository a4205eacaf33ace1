//! The record of a published PDF: `NAME.pdf.sha256` (the `sha256sum` format) and
//! `NAME.metadata.json`, with the fields an albo or protocol registration needs.

use serde::Serialize;

use crate::check::Checked;
use crate::publish;
use crate::view::Profile;

/// Version of the layout of `NAME.metadata.json`.
pub const RECORD_VERSION: &str = "1.0";

/// The PDF standards every file is exported with.
pub const PDF_STANDARDS: [&str; 2] = ["PDF/A-2a", "PDF/UA-1"];

#[derive(Debug, Serialize)]
pub struct Record {
    pub versione_tracciato: &'static str,
    /// Stable identifier: ente, document, profile and date.
    pub identificativo: String,
    pub nome_file: String,
    pub formato: &'static str,
    pub dimensione_byte: usize,
    pub impronta: Digest,
    pub oggetto: String,
    pub titolo: String,
    pub ente: String,
    pub tipologia_documentale: &'static str,
    pub data_documento: String,
    pub delibera: Option<Deliberation>,
    pub profilo: &'static str,
    pub pagine: usize,
    pub standard_pdf: Vec<&'static str>,
    pub lingua: &'static str,
    pub prodotto_con: String,
}

#[derive(Debug, Serialize)]
pub struct Digest {
    pub algoritmo: &'static str,
    pub valore: String,
}

#[derive(Debug, Serialize)]
pub struct Deliberation {
    pub organo: String,
    pub numero: Option<String>,
    pub data: Option<String>,
}

/// Builds the record of a PDF built from `checked` as `profile`: the document's names
/// come from [`crate::view::names`], as the PDF's metadata do.
pub fn record(
    checked: &Checked,
    profile: Profile,
    pdf: &[u8],
    pages: usize,
    file_name: &str,
) -> Record {
    let names = crate::view::names(checked);
    let profile = match profile {
        Profile::Complete => "completo",
        Profile::Albo => "albo",
    };
    Record {
        versione_tracciato: RECORD_VERSION,
        identificativo: format!(
            "{}-{}-{}-{}",
            slug(&names.ente),
            slug(&names.title),
            profile,
            names.date
        ),
        nome_file: file_name.to_string(),
        formato: "application/pdf",
        dimensione_byte: pdf.len(),
        impronta: Digest {
            algoritmo: "SHA-256",
            valore: publish::sha256_hex(pdf),
        },
        oggetto: names.subject,
        titolo: names.title,
        ente: names.ente,
        tipologia_documentale: "Allegato a deliberazione",
        data_documento: names.date,
        delibera: checked.annex.data.delibera.as_ref().map(|d| Deliberation {
            organo: d.organo.clone(),
            numero: d.numero.clone(),
            data: d.data.map(|x| x.0.format("%Y-%m-%d").to_string()),
        }),
        profilo: profile,
        pagine: pages,
        standard_pdf: PDF_STANDARDS.to_vec(),
        lingua: "it-IT",
        prodotto_con: format!("piao {}", env!("CARGO_PKG_VERSION")),
    }
}

/// The file name for a title: lowercase ASCII words joined by `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        let c = match c {
            'à' | 'á' => 'a',
            'è' | 'é' => 'e',
            'ì' | 'í' => 'i',
            'ò' | 'ó' => 'o',
            'ù' | 'ú' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The digest and record files of `pdf_path`: (`NAME.pdf.sha256`, `NAME.metadata.json`).
pub fn sidecar_paths(pdf_path: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let name = pdf_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".pdf").unwrap_or(&name).to_string();
    (
        pdf_path.with_file_name(format!("{name}.sha256")),
        pdf_path.with_file_name(format!("{stem}.metadata.json")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn sidecars_sit_next_to_the_pdf() {
        let (sha, meta) = sidecar_paths(Path::new("output/allegato.pdf"));
        assert_eq!(sha, Path::new("output/allegato.pdf.sha256"));
        assert_eq!(meta, Path::new("output/allegato.metadata.json"));
    }
}

//! Ready for the albo: both profiles built as a user would, then checked from the files
//! themselves — digest, record, metadata, tagging and structure, bookmarks, redaction —
//! and the open-data exports parsed back with standard readers.

use crate::generator;

use crate::common::*;
use lopdf::{Document, Object};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn build(profile: &str, dir: &Path) -> PathBuf {
    let pdf = dir.join(format!("allegato-{profile}.pdf"));
    let out = piao(&["build", "--profilo", profile, "-o", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    pdf
}

fn info_string(doc: &Document, key: &[u8]) -> String {
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .unwrap();
    let dict = doc.get_dictionary(info).unwrap();
    match dict.get(key).unwrap() {
        Object::String(bytes, _) => decode_pdf_string(bytes),
        other => panic!("{other:?}"),
    }
}

/// PDF text strings are PDFDocEncoding or UTF-16BE with a BOM.
fn decode_pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|b| *b as char).collect()
    }
}

/// Every string anywhere in the file's objects (metadata, bookmarks, tags, alt texts).
fn all_strings(doc: &Document) -> Vec<String> {
    fn walk(o: &Object, out: &mut Vec<String>) {
        match o {
            Object::String(b, _) => out.push(decode_pdf_string(b)),
            Object::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Object::Dictionary(d) => d.iter().for_each(|(_, x)| walk(x, out)),
            Object::Stream(s) => {
                s.dict.iter().for_each(|(_, x)| walk(x, out));
                // The XMP metadata stream is text.
                if s.dict.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"Metadata") {
                    let content = s
                        .decompressed_content()
                        .unwrap_or_else(|_| s.content.clone());
                    out.push(String::from_utf8_lossy(&content).into_owned());
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for o in doc.objects.values() {
        walk(o, &mut out);
    }
    out
}

/// Structure element types (`/S`) of the tag tree, with how many times each occurs.
fn structure_types(doc: &Document) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for o in doc.objects.values() {
        if let Object::Dictionary(d) = o {
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"StructElem") {
                if let Ok(s) = d.get(b"S").and_then(|s| s.as_name()) {
                    *counts
                        .entry(String::from_utf8_lossy(s).into_owned())
                        .or_insert(0) += 1;
                }
            }
        }
    }
    counts
}

#[test]
fn both_profiles_are_tagged_pdf_with_metadata_digest_and_record() {
    let dir = tempfile::tempdir().unwrap();
    for profile in ["completo", "albo"] {
        let pdf = build(profile, dir.path());
        let bytes = std::fs::read(&pdf).unwrap();

        // Digest in sha256sum format, recomputed here.
        let sha = std::fs::read_to_string(format!("{}.sha256", pdf.display())).unwrap();
        let name = pdf.file_name().unwrap().to_str().unwrap();
        assert_eq!(sha, piao::publish::sha256sum_line(&bytes, name));

        // The record.
        let meta_path = pdf.with_file_name(format!("allegato-{profile}.metadata.json"));
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(meta_path).unwrap()).unwrap();
        assert_eq!(meta["profilo"], profile);
        assert_eq!(meta["ente"], "Comune di Segrate");
        assert_eq!(meta["impronta"]["algoritmo"], "SHA-256");
        assert_eq!(
            meta["impronta"]["valore"],
            piao::publish::sha256_hex(&bytes)
        );
        assert_eq!(meta["data_documento"], "2023-09-28");
        assert_eq!(
            meta["standard_pdf"],
            serde_json::json!(["PDF/A-2a", "PDF/UA-1"])
        );

        let doc = Document::load_mem(&bytes).unwrap();
        assert_eq!(meta["pagine"], doc.get_pages().len());
        assert_eq!(info_string(&doc, b"Title"), "Variazione PIAO 2023-2025");
        assert_eq!(info_string(&doc, b"Author"), "Comune di Segrate");
        assert!(
            info_string(&doc, b"Subject").contains("Piano Integrato di Attività e Organizzazione")
        );
        assert!(info_string(&doc, b"Creator").starts_with("piao "));
        assert!(info_string(&doc, b"CreationDate").starts_with("D:20230928"));

        let catalog = doc.catalog().unwrap();
        let lang = catalog
            .get(b"Lang")
            .and_then(|l| l.as_str())
            .map(|l| String::from_utf8_lossy(l).into_owned());
        assert!(
            lang.as_deref().is_ok_and(|l| l.starts_with("it")),
            "{lang:?}"
        );
        assert!(catalog.has(b"StructTreeRoot"));
        assert!(catalog.has(b"Outlines"), "no bookmarks");
        let prefs = catalog.get(b"ViewerPreferences").and_then(|v| match v {
            Object::Reference(r) => doc.get_dictionary(*r),
            Object::Dictionary(d) => Ok(d),
            _ => panic!(),
        });
        assert!(prefs
            .unwrap()
            .get(b"DisplayDocTitle")
            .unwrap()
            .as_bool()
            .unwrap());

        // Tables with header cells, headings, and row headers in the schede's grids.
        let types = structure_types(&doc);
        assert!(types.get("Table").copied().unwrap_or(0) >= 50, "{types:?}");
        assert!(types.get("TH").copied().unwrap_or(0) >= 300, "{types:?}");
        assert!(types.keys().any(|k| k.starts_with('H')), "{types:?}");
        let strings = all_strings(&doc);
        // XMP agrees with the Info dictionary.
        let xmp = strings
            .iter()
            .find(|s| s.contains("x:xmpmeta"))
            .expect("XMP metadata");
        assert!(xmp.contains("Variazione PIAO 2023-2025") && xmp.contains("Comune di Segrate"));
        assert!(xmp.contains("pdfaid:part") && xmp.contains("pdfuaid:part"));
        // Bookmarks for the objectives.
        assert!(
            strings
                .iter()
                .any(|s| s.contains("Obiettivo gestionale n. 6")),
            "bookmark missing"
        );
    }
}

/// Staff names of the bundled content, and the names the albo copy must keep.
fn staff_names() -> (BTreeSet<String>, BTreeSet<String>) {
    let key = |n: &str| {
        let mut w: Vec<String> = n
            .split_whitespace()
            .map(|x| x.replace(['\'', '’'], "").to_uppercase())
            .collect();
        w.sort();
        w.join(" ")
    };
    let annex: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("content/allegato.toml")).unwrap())
            .unwrap();
    let public_cats: Vec<String> = annex["pubblicazione"]["categorie_pubbliche"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_uppercase())
        .collect();
    let public_names: Vec<String> = annex["pubblicazione"]["nomi_pubblici"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| key(c.as_str().unwrap()))
        .collect();
    let (mut all, mut kept) = (BTreeSet::new(), BTreeSet::new());
    // As checked: what the schede leave out comes from organizzazione.toml.
    let checking = piao::pipeline::load_and_check(&root().join("content"), false).unwrap();
    for m in &checking
        .checked
        .expect("the bundled content is valid")
        .managed
    {
        let o = &m.source.data;
        let heads = [&o.responsabile, &o.dirigente, &o.assessore].map(|p| key(&p.display()));
        for p in &o.personale {
            let k = key(&p.nome);
            all.insert(p.nome.clone());
            if heads.contains(&k)
                || public_names.contains(&k)
                || public_cats.contains(&p.categoria.to_uppercase())
            {
                kept.insert(p.nome.clone());
            }
        }
    }
    (all, kept)
}

#[test]
fn albo_copy_omits_staff_names_everywhere() {
    let (all, kept) = staff_names();
    let redacted: Vec<&String> = all.difference(&kept).collect();
    assert!(redacted.len() >= 15, "{redacted:?}");
    assert!(kept.contains("STELLA GABRIELLA") && kept.contains("GIONA LORENZO"));

    let dir = tempfile::tempdir().unwrap();
    let full = build("completo", dir.path());
    let albo = build("albo", dir.path());
    let full_text = squash(&pdf_text(&full));
    let albo_text = squash(&pdf_text(&albo));
    let albo_doc = Document::load(&albo).unwrap();
    let albo_strings = squash(&all_strings(&albo_doc).join(" "));
    for name in &redacted {
        let n = squash(name);
        assert!(full_text.contains(&n), "{name} should be in the full copy");
        assert!(
            !albo_text.contains(&n),
            "{name} is in the text of the albo copy"
        );
        assert!(
            !albo_strings.contains(&n),
            "{name} is in the metadata/tags of the albo copy"
        );
    }
    for name in &kept {
        assert!(
            albo_text.contains(&squash(name)),
            "{name} (public role) is missing"
        );
    }
    assert!(albo_text.contains(&squash("Dipendente di categoria C")));
    assert!(albo_text.contains(&squash(
        "i nomi del personale che non ricopre incarichi pubblici sono omessi"
    )));
}

#[test]
fn exports_parse_with_standard_readers_and_match_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("variazioni.json");
    let csv_path = dir.path().join("variazioni.csv");
    assert!(piao(&[
        "export",
        "--format",
        "json",
        "-o",
        json_path.to_str().unwrap()
    ])
    .status
    .success());
    assert!(piao(&[
        "export",
        "--format",
        "csv",
        "-o",
        csv_path.to_str().unwrap()
    ])
    .status
    .success());

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(json["versione_schema"], "1.0");
    let rows = json["variazioni"].as_array().unwrap();
    // 2 eliminated objectives + every change of the 7 modified and of the 7 services.
    let eliminated = rows
        .iter()
        .filter(|r| r["tipo_modifica"] == "eliminare_obiettivo")
        .count();
    assert_eq!(eliminated, 2);
    let g06: Vec<_> = rows
        .iter()
        .filter(|r| r["tipo_obiettivo"] == "gestionale" && r["numero_scheda"] == 6)
        .collect();
    assert_eq!(g06.len(), 4);
    assert_eq!(g06[0]["tipo_modifica"], "sostituire_fase");
    assert_eq!(
        g06[0]["valore_nuovo"],
        "approvazione di documento patto educativo di comunità della città di Segrate"
    );
    let target = rows
        .iter()
        .find(|r| r["valore_precedente"] == "30.000/9")
        .expect("i08 target change");
    assert_eq!(target["valore_nuovo"], "30.000/8");
    assert_eq!(target["motivazione"], "Variazione numero operatori");

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, piao::export::COLUMNS.to_vec());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), rows.len());
    for (rec, row) in records.iter().zip(rows) {
        for (i, col) in piao::export::COLUMNS.iter().enumerate() {
            let expected = match &row[*col] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            // The CSV neutralises what a spreadsheet would run as a formula; the JSON
            // keeps the exact text.
            assert_eq!(&rec[i], piao::export::csv_cell(&expected), "column {col}");
        }
    }
    // The schema file documents every field.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/variazioni.schema.json")).unwrap(),
    )
    .unwrap();
    let props = &schema["properties"]["variazioni"]["items"]["properties"];
    for col in piao::export::COLUMNS {
        assert!(props.get(col).is_some(), "{col} not in the schema");
    }
}

/// Runs `piao export --formato FORMAT` on a content folder into `path`.
fn export_to(content: &Path, format: &str, path: &Path) {
    let out = piao(&[
        "export",
        "--formato",
        format,
        "--contenuti",
        content.to_str().unwrap(),
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The rows of the JSON export of a content folder.
fn json_rows(content: &Path, dir: &Path) -> Vec<serde_json::Value> {
    let path = dir.join("variazioni.json");
    export_to(content, "json", &path);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    json["variazioni"].as_array().unwrap().clone()
}

#[test]
fn the_spreadsheet_opens_with_a_reader_and_its_rows_are_the_json_rows() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    for content in [
        root().join("content"),
        root().join("tests/fixtures/comune-di-valbruna"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let rows = json_rows(&content, dir.path());
        assert!(!rows.is_empty());
        let path = dir.path().join("variazioni.xlsx");
        export_to(&content, "xlsx", &path);
        // The same content gives the same bytes.
        let again = dir.path().join("di-nuovo.xlsx");
        export_to(&content, "xlsx", &again);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&again).unwrap()
        );

        let mut book: Xlsx<_> = open_workbook(&path).expect("a valid xlsx");
        assert_eq!(book.sheet_names(), ["Variazioni"]);
        let sheet = book.worksheet_range("Variazioni").unwrap();
        let mut lines = sheet.rows();
        let header: Vec<String> = lines
            .next()
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let titles: Vec<&str> = piao::export::XLSX_HEADERS.iter().map(|(t, _)| *t).collect();
        assert_eq!(header, titles);
        let body: Vec<&[Data]> = lines.collect();
        assert_eq!(body.len(), rows.len(), "{}", content.display());
        for (line, row) in body.iter().zip(&rows) {
            for (i, col) in piao::export::COLUMNS.iter().enumerate() {
                let cell = line.get(i).unwrap_or(&Data::Empty);
                match &row[*col] {
                    // The N. scheda is a number cell, every other a text cell holding
                    // exactly the JSON's text (nothing neutralised: a text cell is never
                    // run as a formula).
                    serde_json::Value::Number(n) => {
                        assert_eq!(cell, &Data::Float(n.as_f64().unwrap()), "column {col}")
                    }
                    serde_json::Value::String(s) if s.is_empty() => assert!(
                        matches!(cell, Data::Empty) || cell == &Data::String(String::new()),
                        "column {col}: {cell:?}"
                    ),
                    serde_json::Value::String(s) => {
                        assert_eq!(cell, &Data::String(s.clone()), "column {col}")
                    }
                    other => panic!("column {col}: {other}"),
                }
            }
        }
        // No formula anywhere.
        let formulas = book.worksheet_formula("Variazioni").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "a formula in the spreadsheet"
        );
    }
}

#[test]
fn without_a_file_the_spreadsheet_goes_to_the_standard_output() {
    // Without a terminal (as here), the standard output takes it: a real xlsx (a zip).
    let out = piao(&["export", "--formato", "xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"PK"), "not a zip");
}

/// The synthetic content (benchmarks, the layout audit) asks for every kind of change
/// of the catalogue: the kinds of its open-data rows are those of the published schema,
/// which a unit test holds equal to the catalogue. A new kind missing from
/// `examples/synth` fails here.
#[test]
fn synthetic_content_asks_for_every_kind_of_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    generator::generate(100, dir.path()).unwrap();
    let json = out_dir.path().join("variazioni.json");
    let out = piao(&[
        "export",
        "--content",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let asked: BTreeSet<String> = data["variazioni"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["tipo_modifica"].as_str().unwrap().to_string())
        .collect();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/variazioni.schema.json")).unwrap(),
    )
    .unwrap();
    let kinds: BTreeSet<String> = schema["properties"]["variazioni"]["items"]["properties"]
        ["tipo_modifica"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        asked, kinds,
        "the synthetic content does not ask for every kind"
    );
}

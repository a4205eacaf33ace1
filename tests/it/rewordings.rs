//! Every rewording readable whole: for each reworded phase, indicator or activity of the
//! bundled annex and of the fixtures, the approved and the new text are each found in
//! the text of that objective's scheda pages, as one run with its spaces (never as
//! alternating fragments of the two).

use crate::common;

use std::path::Path;

use piao::model::amended::Amended;

/// Text as a reader copying it gets it, with line breaks and typographic quotes folded.
fn normal(s: &str) -> String {
    s.replace(['’', '‘'], "'")
        .replace(['“', '”'], "\"")
        .replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        // pdf-extract puts a space where a highlighted word ends right before its
        // punctuation ("corso" in its box, then ","), or after a "(": the page and poppler's pdftotext
        // read "corso,". The comparison is about whole words, not that gap.
        .replace(" ,", ",")
        .replace(" ;", ";")
        .replace(" .", ".")
        .replace(" :", ":")
        .replace("( ", "(")
}

/// (approved, new) of every reworded text of a scheda.
fn rewordings(scheda: &Amended) -> Vec<(String, String)> {
    let texts = scheda
        .phases
        .iter()
        .map(|r| &r.text)
        .chain(scheda.activities.iter().map(|r| &r.text))
        .chain(scheda.indicators.iter().map(|r| &r.text));
    texts
        .filter_map(|t| match (&t.approved, &t.amended) {
            (Some(a), Some(n)) if a != n => Some((a.clone(), n.clone())),
            _ => None,
        })
        .collect()
}

/// Checks every rewording of the content in `dir`; returns how many were checked.
fn check_folder(dir: &Path) -> usize {
    let checking = piao::pipeline::load_and_check(dir, false).unwrap();
    let checked = checking
        .checked
        .unwrap_or_else(|| panic!("{} has errors", dir.display()));
    let applied = piao::apply::apply(&checked);
    let mut objectives: Vec<(String, &Amended, &str)> = Vec::new();
    for m in &checked.managed {
        let stem = &m.source.stem;
        objectives.push((stem.clone(), applied.managed(stem), "OBIETTIVO GESTIONALE"));
    }
    for s in &checked.services {
        let stem = &s.source.stem;
        objectives.push((
            stem.clone(),
            applied.service(stem),
            "OBIETTIVO ISTITUZIONALE",
        ));
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut checked_count = 0;
    for (stem, scheda, heading) in objectives {
        let pairs = rewordings(scheda);
        if pairs.is_empty() {
            continue;
        }
        let out = tmp.path().join(format!("{stem}.pdf"));
        let o = common::piao(&[
            "preview",
            &stem,
            "--content",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{stem}: {}", common::stderr(&o));
        let pages = pdf_extract::extract_text_from_mem_by_pages(&std::fs::read(&out).unwrap())
            .expect("pdf text");
        // The scheda starts on the page of its heading; the request comes before.
        let first = pages
            .iter()
            .position(|p| p.contains(&format!("{heading} MODIFICATO")))
            .unwrap_or_else(|| panic!("{stem}: no scheda heading in {pages:#?}"));
        let scheda_text = normal(&pages[first..].join("\n"));
        for (approved, new) in pairs {
            for (what, text) in [("approvato", &approved), ("nuovo", &new)] {
                assert!(
                    scheda_text.contains(&normal(text)),
                    "{stem}: testo {what} non trovato intero nella scheda:\n  {text}\nnel testo:\n{scheda_text}"
                );
            }
            checked_count += 1;
        }
    }
    checked_count
}

#[test]
fn rewordings_of_the_bundled_annex_read_whole() {
    let n = check_folder(&common::root().join("content"));
    assert!(n >= 3, "only {n} rewordings in the bundled annex");
}

#[test]
fn rewordings_of_the_catalogue_fixture_read_whole() {
    let n = check_folder(&common::root().join("tests/fixtures/tutte-le-modifiche"));
    assert!(n >= 3, "only {n} rewordings");
}

#[test]
fn long_and_short_rewordings_read_whole() {
    let n = check_folder(&common::root().join("tests/fixtures/riformulazioni"));
    assert_eq!(n, 7);
}

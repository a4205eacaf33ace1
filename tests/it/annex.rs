//! Builds the bundled annex with the binary, reads its text back from the PDF and finds,
//! for every objective, what its TOML file says: title, phases, indicators with their
//! values, motivazioni, people, resources.

use crate::common::*;
use std::path::Path;

/// Every text value worth finding in the PDF, from one content file.
fn facts(file: &Path) -> Vec<String> {
    let value: toml::Value = toml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut out = Vec::new();
    collect(&value, "", &mut out);
    out
}

fn collect(v: &toml::Value, key: &str, out: &mut Vec<String>) {
    if NOT_PRINTED.contains(&key) {
        return;
    }
    match v {
        toml::Value::String(s) => {
            // Prose: paragraphs and *emphasis* marks are layout, not text.
            for para in s.split("\n\n") {
                let t = para.replace("**", "").replace('*', "");
                if !t.trim().is_empty() {
                    out.push(t);
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|x| collect(x, key, out)),
        toml::Value::Table(t) => t.iter().for_each(|(k, x)| collect(x, k, out)),
        _ => {}
    }
}

#[test]
fn bundled_annex_contains_every_fact_of_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("allegato.pdf");
    let out = piao(&["build", "--output", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&pdf);
    let haystack = squash(&text);

    let content = root().join("content");
    let mut files = vec![
        content.join("allegato.toml"),
        content.join("formazione.toml"),
    ];
    for sub in ["gestionali", "istituzionali"] {
        let mut fs: Vec<_> = std::fs::read_dir(content.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        fs.sort();
        files.extend(fs);
    }
    assert!(files.len() >= 18, "9 + 7 objectives, annex and training");
    let mut missing = Vec::new();
    let mut checked = 0;
    for f in &files {
        for fact in facts(f) {
            checked += 1;
            if !haystack.contains(&squash(&fact)) {
                missing.push(format!(
                    "{}: {fact}",
                    f.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(checked > 400, "only {checked} facts found in the content");
    assert!(
        missing.is_empty(),
        "not in the PDF:\n{}",
        missing.join("\n")
    );
}

#[test]
fn derived_figures_and_labels_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("allegato.pdf");
    let out = piao(&["build", "--output", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        // Summary lists and request headers.
        "Elenco obiettivi gestionali da eliminare/modificare:",
        "Elenco obiettivi istituzionali da modificare:",
        "Richiesta: ELIMINARE OBIETTIVO",
        "Richiesta: MODIFICARE OBIETTIVO",
        "INTERSETTORIALE",
        "D’AMICO",
        // Time changes, derived labels.
        "PROLUNGARE AL 31.1.2024",
        "PROLUNGARE AL 31.12.2024",
        "POSTICIPARE A 1.11 - 31.12",
        "POSTICIPARE AL 2024",
        "stesso periodo temporale: 1.4-30.4",
        "stesso periodo temporale: 1.5-30.6",
        "periodo temporale: 1.11-31.12",
        // Target lines of the service requests.
        "Target approvato 2023/2024/2025: 30.000/9",
        "Nuovo target 2023/2024/2025: 30.000/8",
        // Cronoprogramma: header and derived targets (g01 phase 4: 3 × 12,5%).
        "% Target al 31-lug",
        "% Gap al 31-dic",
        "37,5%",
        // Totals.
        "100,00%",
        "1.000,00 €",
        "COSTO RISORSE",
        // Monitoring dates in the indicator headers.
        "RAGGIUNTO al 31.07.2023",
        "Scost. al 31.12.2023",
        // School years of i13, in the scheda and in its request.
        "a.s. 2019/2020",
        "target a.s. 2024/2025",
        "Target a.s. 2022/2023, 2023/2024, 2024/2025: entro novembre",
        // g08: one motivazione for the two indicator changes, naming them.
        "2. ELIMINARE INDICATORE",
        "3. AGGIUNGERE INDICATORE",
        "Motivazione (per le modifiche 2 e 3): collegato alla fase 2",
        // i08: the new target of a reworded indicator quotes its new text.
        "Indicatore (come riformulato): “N. tessere elettorali richieste",
    ] {
        assert!(flat.contains(expected), "missing {expected:?}");
    }
    // i13: a unit of measure "-" is no line of the request.
    assert!(!flat.contains("U.M.: -"), "a placeholder unit is printed");
    let pages = flat.matches("Pagina ").count();
    assert!(pages >= 20, "{pages} page footers");
    let last = format!("Pagina {pages} di {pages}");
    assert!(flat.contains(&last), "missing {last:?}");
}

#[test]
fn two_builds_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.pdf");
    let b = dir.path().join("b.pdf");
    assert!(piao(&["build", "-o", a.to_str().unwrap()]).status.success());
    assert!(piao(&["build", "-o", b.to_str().unwrap()]).status.success());
    let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(a.len() > 10_000);
    assert!(a == b, "the two PDFs differ");
}

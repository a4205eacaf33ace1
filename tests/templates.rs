//! Template and Typst errors are reported at the template line that caused them, and a
//! failed build writes nothing.

mod common;

use common::*;

fn broken_templates(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("templates"), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

#[test]
fn typst_error_points_at_the_template_line() {
    // A call to a Typst function that does not exist, written by the template.
    let t = broken_templates(
        "gestionale.typ.j2",
        "#tabella-risorse((",
        "#tabella-inesistente((",
    );
    let out_dir = tempfile::tempdir().unwrap();
    let pdf = out_dir.path().join("x.pdf");
    let o = piao(&[
        "build",
        "--templates",
        t.path().to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("errore di composizione (Typst)"), "{err}");
    assert!(err.contains("gestionale.typ.j2:"), "{err}");
    assert!(err.contains("tabella-inesistente"), "{err}");
    assert!(!pdf.exists(), "a failed build wrote the PDF");
}

#[test]
fn template_syntax_error_names_the_template() {
    let t = broken_templates(
        "istituzionale.typ.j2",
        "{%- for a in o.activities %}",
        "{%- for a in o.activities ",
    );
    let o = piao(&["check"]);
    assert!(o.status.success());
    let out_dir = tempfile::tempdir().unwrap();
    let pdf = out_dir.path().join("x.pdf");
    let o = piao(&[
        "build",
        "--templates",
        t.path().to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("errore nel modello `istituzionale.typ.j2`"),
        "{err}"
    );
    assert!(err.contains("istituzionale.typ.j2:"), "{err}");
    assert!(!pdf.exists());
}

#[test]
fn previous_pdf_survives_a_failed_build() {
    let out_dir = tempfile::tempdir().unwrap();
    let pdf = out_dir.path().join("x.pdf");
    assert!(piao(&["build", "-o", pdf.to_str().unwrap()])
        .status
        .success());
    let before = std::fs::read(&pdf).unwrap();
    let t = broken_templates(
        "stile.typ",
        "#let legenda",
        "#let legenda = (\n#let legenda-rotta",
    );
    let o = piao(&[
        "build",
        "--templates",
        t.path().to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("stile.typ"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

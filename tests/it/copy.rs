//! Text copied from the PDF is the text of the content: a network path, a URL and an
//! e-mail come back whole (a line break aside), with no invisible character in them,
//! also where a line breaks inside them; quotes that touch an apostrophe or an emphasis
//! mark are set the right way round.

use std::path::Path;

use crate::common::*;

/// Builds the annex of `content` and returns the PDF's text.
fn build(content: &Path, dir: &Path) -> String {
    let pdf = dir.join("allegato.pdf");
    let out = build_to(content, &pdf);
    assert!(out.status.success(), "{}", stderr(&out));
    pdf_text(&pdf)
}

/// Text without whitespace, line breaks included. pdf-extract 0.9 starts every text run of
/// a Typst PDF with a space (it reads the fonts' `/W [first last width]` widths as zero,
/// so each run seems to start after a gap; `pdftotext` shows no such space): spaces in
/// its output mean nothing here. The layout audit (layout.rs) checks, with the
/// glyphs' real widths, that nothing separates the characters of these tokens on the page.
fn solid(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_copies_whole(text: &str) {
    let bad: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| INVISIBLE.contains(c))
        .collect();
    assert!(
        bad.is_empty(),
        "invisible characters in the PDF's text: {bad:?}"
    );
    let solid = solid(text);
    for token in TOKENS {
        assert!(solid.contains(token), "{token:?} not found whole");
    }
}

#[test]
fn paths_urls_and_emails_copy_whole() {
    let dir = tempfile::tempdir().unwrap();
    let text = build(
        &root().join("tests/fixtures/comune-di-valbruna"),
        dir.path(),
    );
    assert_copies_whole(&text);
}

/// The same tokens after words of growing length, so that lines break inside them.
#[test]
fn paths_urls_and_emails_copy_whole_across_a_line_break() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("contenuti");
    copy_dir(&root().join("tests/fixtures/comune-di-valbruna"), &content);
    let file = content.join("gestionali/g03-archivio-digitale.toml");
    let toml = std::fs::read_to_string(&file).unwrap();
    let start = toml.find("descrizione = \"\"\"").unwrap();
    let end = start + 20 + toml[start + 20..].find("\"\"\"").unwrap() + 3;
    let mut paragraphs = Vec::new();
    for token in TOKENS {
        for k in (20..40).step_by(2) {
            let escaped = token.replace('\\', "\\\\");
            paragraphs.push(format!(
                "{}{} {escaped} fine",
                "mm ".repeat(k),
                "i".repeat(k % 5)
            ));
        }
    }
    let description = format!("descrizione = \"\"\"\n{}\n\"\"\"", paragraphs.join("\n\n"));
    let toml = format!("{}{description}{}", &toml[..start], &toml[end..]);
    std::fs::write(&file, toml).unwrap();

    let text = build(&content, dir.path());
    assert_copies_whole(&text);
    // The lines did break inside each token somewhere: joining finds more of them.
    for token in TOKENS {
        let whole: usize = text.lines().map(|l| solid(l).matches(token).count()).sum();
        let all = solid(&text).matches(token).count();
        assert!(
            whole < all,
            "{token:?}: no line broke inside it ({whole} of {all})"
        );
    }
}

#[test]
fn quotes_open_after_an_apostrophe_and_around_emphasis() {
    let dir = tempfile::tempdir().unwrap();
    let text = build(&root().join("content"), dir.path());
    let flat = solid(&text);
    for needle in [
        "l’“etica pubblica” da “corsi non obbligatori” a “corsi obbligatori",
        "formazione “sull’etica pubblica e sul comportamento etico”",
    ] {
        assert!(flat.contains(&solid(needle)), "{needle:?} not found");
    }
    assert!(!flat.contains("’”"), "a closing quote after an apostrophe");
}

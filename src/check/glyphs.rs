//! Every character must reach the PDF as written: drawable by a bundled font and visible.

use super::*;

/// Characters that draw nothing, or turn the text around: they would make the PDF say
/// something else than what its reader sees.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
}

/// Every character of every text value must reach the PDF as written: drawable by a
/// bundled font (also in capitals, since some fields are shown upper-cased) and
/// visible. Each offending character is reported once per value, at its first place.
pub(super) fn check_glyphs(
    file: FileIdx,
    sources: &Sources,
    coverage: &Coverage,
    report: &mut Report,
) {
    let text = sources.text(file);
    for (span, value) in &sources.spans(file).strings {
        let (span, value) = (span.clone(), value.as_str());
        let raw = &text[span.clone()];
        let mut seen: Vec<char> = Vec::new();
        for c in value.chars() {
            if seen.contains(&c) {
                continue;
            }
            let problem = if is_invisible(c) {
                Some((
                    format!("carattere invisibile U+{:04X} nel testo", c as u32),
                    "nel PDF non si vedrebbe, o cambierebbe l'ordine del testo",
                    "cancellalo (spesso arriva copiando da un altro documento)".to_string(),
                ))
            } else if !coverage.contains(c) {
                Some((
                    format!(
                        "il carattere «{c}» (U+{:04X}) non esiste nei caratteri tipografici del documento",
                        c as u32
                    ),
                    "nel PDF comparirebbe un riquadro vuoto",
                    "sostituiscilo con un carattere simile (per esempio ' al posto di ʼ, -> al posto di →)".to_string(),
                ))
            } else {
                c.to_uppercase().find(|u| !coverage.contains(*u)).map(|u| {
                    (
                        format!(
                            "il carattere «{c}» in maiuscolo diventa «{u}» (U+{:04X}), che non esiste nei caratteri tipografici del documento",
                            u as u32
                        ),
                        "nelle intestazioni in maiuscolo comparirebbe un riquadro vuoto",
                        "sostituiscilo con un carattere simile".to_string(),
                    )
                })
            };
            let Some((message, label, hint)) = problem else {
                continue;
            };
            seen.push(c);
            // Point at the character when it is written as itself, else at the value.
            let at = raw
                .find(c)
                .map(|i| span.start + i..span.start + i + c.len_utf8())
                .unwrap_or(span.clone());
            report.push(
                Diagnostic::error(message)
                    .at(file, at)
                    .label(label)
                    .hint(hint),
            );
        }
    }
}

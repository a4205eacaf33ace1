//! Rich text: prose with paragraphs and `*corsivo*` / `**grassetto**`, and word diffs
//! that show what a rewording changed. Produces segments; never Typst markup.

use serde::Serialize;

/// How a piece of text is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mark {
    /// Plain text.
    #[serde(rename = "")]
    Plain,
    /// Italic (`*…*`).
    #[serde(rename = "em")]
    Emph,
    /// Bold (`**…**`).
    #[serde(rename = "strong")]
    Strong,
    /// New or changed words (tracked change).
    #[serde(rename = "ins")]
    Inserted,
    /// Removed words (tracked change).
    #[serde(rename = "del")]
    Deleted,
    /// A line break (between an approved text and its new wording); no text.
    #[serde(rename = "br")]
    Break,
}

/// A run of text with one mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub t: String,
    pub k: Mark,
}

impl Segment {
    pub fn plain(t: impl Into<String>) -> Segment {
        Segment {
            t: t.into(),
            k: Mark::Plain,
        }
    }
    pub fn marked(t: impl Into<String>, k: Mark) -> Segment {
        Segment { t: t.into(), k }
    }
}

/// A paragraph of segments.
pub type Paragraph = Vec<Segment>;

/// Plain text as one segment (whitespace runs and newlines become single spaces).
pub fn plain(text: &str) -> Vec<Segment> {
    vec![Segment::plain(collapse(text))]
}

/// Text with every word marked the same way.
pub fn marked(text: &str, k: Mark) -> Vec<Segment> {
    vec![Segment::marked(collapse(text), k)]
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prose: paragraphs separated by blank lines; `**x**` bold, `*x*` italic; `\*` a
/// literal asterisk; an unmatched `*` stays literal. Nothing else is special.
pub fn prose(text: &str) -> Vec<Paragraph> {
    let normalized = text.replace("\r\n", "\n");
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in normalized.lines() {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                paragraphs.push(inline(&current));
            }
            current.clear();
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line.trim());
        }
    }
    if !current.trim().is_empty() {
        paragraphs.push(inline(&current));
    }
    paragraphs
}

fn inline(text: &str) -> Paragraph {
    let text = collapse(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out: Paragraph = Vec::new();
    let mut buf = String::new();
    let mut strong = false;
    let mut emph = false;
    let flush = |buf: &mut String, out: &mut Paragraph, strong: bool, emph: bool| {
        if !buf.is_empty() {
            let k = if strong {
                Mark::Strong
            } else if emph {
                Mark::Emph
            } else {
                Mark::Plain
            };
            match out.last_mut() {
                Some(last) if last.k == k => last.t.push_str(buf),
                _ => out.push(Segment::marked(buf.clone(), k)),
            }
            buf.clear();
        }
    };
    let rest_has = |from: usize, pat: &[char]| -> bool {
        (from..chars.len()).any(|j| chars[j..].starts_with(pat))
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() && chars[i + 1] == '*' {
            buf.push('*');
            i += 2;
            continue;
        }
        if c == '*' && i + 1 < chars.len() && chars[i + 1] == '*' {
            if strong || rest_has(i + 2, &['*', '*']) {
                flush(&mut buf, &mut out, strong, emph);
                strong = !strong;
                i += 2;
                continue;
            }
        } else if c == '*' && (emph || rest_has(i + 1, &['*'])) {
            flush(&mut buf, &mut out, strong, emph);
            emph = !emph;
            i += 1;
            continue;
        }
        buf.push(c);
        i += 1;
    }
    flush(&mut buf, &mut out, strong, emph);
    out
}

/// The words of `new` compared with `old`: unchanged words plain, removed words
/// `Deleted`, added words `Inserted`. With `show_deleted = false` removed words are left
/// out (the request shows only the new wording, with its new words in bold).
pub fn word_diff(old: &str, new: &str, show_deleted: bool) -> Vec<Segment> {
    let old = collapse(old);
    let new = collapse(new);
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_words(&old, &new);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let k = match change.tag() {
            similar::ChangeTag::Equal => Mark::Plain,
            similar::ChangeTag::Insert => Mark::Inserted,
            similar::ChangeTag::Delete if show_deleted => Mark::Deleted,
            similar::ChangeTag::Delete => continue,
        };
        let t = change.value();
        // Whitespace between two marked words belongs to the mark, so runs stay whole.
        let k = if t.trim().is_empty() && k != Mark::Plain {
            k
        } else if t.trim().is_empty() {
            match out.last() {
                Some(last) => last.k,
                None => Mark::Plain,
            }
        } else {
            k
        };
        match out.last_mut() {
            Some(last) if last.k == k => last.t.push_str(t),
            _ => out.push(Segment::marked(t, k)),
        }
    }
    tidy(out)
}

/// Moves the spaces at the edges of marked runs into the neighbouring plain text, so
/// that a struck or bold run starts and ends on a word.
fn tidy(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for s in segments {
        if s.k == Mark::Plain {
            match out.last_mut() {
                Some(last) if last.k == Mark::Plain => last.t.push_str(&s.t),
                _ => out.push(s),
            }
            continue;
        }
        let lead = s.t.len() - s.t.trim_start().len();
        let trail = s.t.len() - s.t.trim_end().len();
        let core = s.t.trim();
        if core.is_empty() {
            continue;
        }
        if lead > 0 {
            match out.last_mut() {
                Some(last) if last.k == Mark::Plain => last.t.push(' '),
                _ => out.push(Segment::plain(" ")),
            }
        }
        out.push(Segment::marked(core, s.k));
        if trail > 0 {
            out.push(Segment::plain(" "));
        }
    }
    // Merge adjacent plain runs created above and drop empty ones.
    let mut merged: Vec<Segment> = Vec::new();
    for s in out {
        match merged.last_mut() {
            Some(last) if last.k == s.k && s.k == Mark::Plain => last.t.push_str(&s.t),
            _ if s.t.is_empty() => {}
            _ => merged.push(s),
        }
    }
    merged
}

/// All the text of segments, as a reader would see it.
pub fn flatten(segments: &[Segment]) -> String {
    segments.iter().map(|s| s.t.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_paragraphs_and_emphasis() {
        let p = prose("Primo *corsivo* e **grassetto**.\n\nSecondo\nparagrafo.");
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0],
            vec![
                Segment::plain("Primo "),
                Segment::marked("corsivo", Mark::Emph),
                Segment::plain(" e "),
                Segment::marked("grassetto", Mark::Strong),
                Segment::plain("."),
            ]
        );
        assert_eq!(p[1], vec![Segment::plain("Secondo paragrafo.")]);
    }

    #[test]
    fn lone_asterisks_stay_literal() {
        assert_eq!(prose("5 * 3")[0], vec![Segment::plain("5 * 3")]);
        assert_eq!(prose("a \\*b\\* c")[0], vec![Segment::plain("a *b* c")]);
        assert_eq!(
            prose("- punto\n= titolo")[0],
            vec![Segment::plain("- punto = titolo")]
        );
    }

    #[test]
    fn reworded_phase_marks_the_new_words() {
        let segs = word_diff(
            "formazione in materia di transizione digitale",
            "Avvio della formazione in materia di transizione digitale",
            false,
        );
        assert_eq!(
            segs,
            vec![
                Segment::marked("Avvio della", Mark::Inserted),
                Segment::plain(" formazione in materia di transizione digitale"),
            ]
        );
        assert_eq!(
            flatten(&segs),
            "Avvio della formazione in materia di transizione digitale"
        );
    }

    #[test]
    fn diff_with_deletions_keeps_both_texts() {
        let segs = word_diff(
            "N. tessere richieste on line",
            "N. tessere elettorali richieste",
            true,
        );
        let kept: String = segs
            .iter()
            .filter(|s| s.k != Mark::Deleted)
            .map(|s| s.t.as_str())
            .collect();
        let old: String = segs
            .iter()
            .filter(|s| s.k != Mark::Inserted)
            .map(|s| s.t.as_str())
            .collect();
        assert_eq!(
            kept.split_whitespace().collect::<Vec<_>>().join(" "),
            "N. tessere elettorali richieste"
        );
        assert_eq!(
            old.split_whitespace().collect::<Vec<_>>().join(" "),
            "N. tessere richieste on line"
        );
    }
}

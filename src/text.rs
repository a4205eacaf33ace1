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

// --- Typography -----------------------------------------------------------------------------
//
// How a text from `content/` is set on the page. The rendering stage calls
// [`typography`] on every value before escaping it, so these rules hold for every field
// without the user typing anything special.

/// No-break space: keeps a comparator or a unit with its number ("≥ 30 h").
pub const NO_BREAK_SPACE: char = '\u{a0}';
/// Zero-width space: a place where a long token (a path, a URL, an e-mail) may break.
pub const BREAK_HERE: char = '\u{200b}';
/// Word joiner: no break between two characters (the two backslashes of `\\server`).
pub const WORD_JOINER: char = '\u{2060}';

/// Comparators that must not end a line: they belong to the value that follows.
const COMPARATORS: &[&str] = &[
    "<", ">", "≤", "≥", "=", "≠", "≈", "±", "<=", ">=", "=<", "=>", "~", "+/-", "-/+",
];
/// Units that must not start a line: they belong to the number before them.
const UNITS: &[&str] = &[
    "%",
    "‰",
    "€",
    "$",
    "£",
    "h",
    "ore",
    "ora",
    "min",
    "minuti",
    "gg",
    "g",
    "giorni",
    "giorno",
    "gg.lav",
    "sett",
    "settimane",
    "mesi",
    "mese",
    "anni",
    "anno",
    "km",
    "m",
    "mq",
    "m²",
    "m2",
    "mc",
    "m³",
    "kg",
    "t",
    "kw",
    "kwh",
    "mwh",
    "pt",
    "punti",
    "volte",
    "ab",
    "abitanti",
    "unità",
    "utenti",
    "dipendenti",
    "ml",
    "l",
];
/// Abbreviations that introduce a number ("n. 5", "art. 97", "D.Lgs. 50/2016").
const BEFORE_NUMBER: &[&str] = &[
    "n.", "n°", "nr.", "art.", "artt.", "comma", "pag.", "pagg.", "lett.", "d.lgs.", "d.l.",
    "d.p.r.", "dpr", "l.", "l.r.", "reg.", "cap.", "€", "$", "£",
];
/// Characters that separate the parts of a path, a URL or an e-mail.
const SEPARATORS: &str = "/\\.@_?&=#:";

/// A text as it is printed: typographic apostrophes and quotes (’ ‘ “ ”), comparators,
/// units and abbreviations bound to their number with no-break spaces, and clean break
/// places inside long paths, URLs and e-mails. Whitespace runs become one space (a
/// leading or trailing run is kept as one space, so that runs of rich text still join).
/// Only the characters added are new: removing them (and mapping the quotes back) gives
/// the text.
pub fn typography(text: &str) -> String {
    let quoted = quotes(text);
    let lead = quoted.starts_with(char::is_whitespace);
    let trail = quoted.ends_with(char::is_whitespace) && !quoted.trim().is_empty();
    let tokens: Vec<&str> = quoted.split_whitespace().collect();
    let mut out = String::with_capacity(text.len() + 8);
    if lead {
        out.push(' ');
    }
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            let keep = binds(tokens[i - 1], token)
                || (is_range_sign(token) && is_numberish(tokens[i - 1]))
                || (is_range_sign(tokens[i - 1])
                    && is_numberish(token)
                    && i >= 2
                    && is_numberish(tokens[i - 2]));
            out.push(if keep { NO_BREAK_SPACE } else { ' ' });
        }
        out.push_str(&break_places(token));
    }
    if trail {
        out.push(' ');
    }
    out
}

/// Straight quotes become typographic ones: `'` is an apostrophe (’) unless it opens a
/// quotation (‘); `"` opens (“) after a space, a bracket or an apostrophe and closes (”)
/// elsewhere.
fn quotes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        let opens_after = |p: Option<char>| match p {
            None => true,
            Some(p) => p.is_whitespace() || "([{«‘“—–-/'’".contains(p),
        };
        let ends = |n: Option<char>| match n {
            None => true,
            Some(n) => n.is_whitespace() || ".,;:!?)]}»".contains(n),
        };
        // After a number, ' and " are minutes and seconds (or feet and inches): kept.
        let prime =
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_none_or(|n| !n.is_alphabetic());
        match c {
            '\'' | '"' if prime => out.push(c),
            '\'' => {
                let open = opens_after(prev)
                    && !prev.is_some_and(|p| p == '\'' || p == '’')
                    && next.is_some_and(|n| n.is_alphabetic() || n == '"');
                out.push(if open { '‘' } else { '’' });
            }
            '"' => {
                let open = opens_after(prev) && !ends(next);
                out.push(if open { '“' } else { '”' });
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether the space between two tokens must not break.
fn binds(a: &str, b: &str) -> bool {
    let a_low = a.to_lowercase();
    if COMPARATORS.contains(&a) {
        return true;
    }
    let b_starts_with_digit = b.starts_with(|c: char| c.is_ascii_digit());
    if BEFORE_NUMBER.contains(&a_low.as_str()) && b_starts_with_digit {
        return true;
    }
    if is_numberish(a) {
        let unit = b
            .trim_end_matches(|c: char| ",;:)]}”’".contains(c))
            .to_lowercase();
        let bare = unit.trim_end_matches('.');
        if UNITS.contains(&unit.as_str())
            || UNITS.contains(&bare)
            || crate::format::MONTHS.contains(&bare)
        {
            return true;
        }
    }
    false
}

/// A number as written in a value: ends with a digit ("30", "1.000,00", "2%" is not).
fn is_numberish(t: &str) -> bool {
    let t = t.trim_start_matches(|c: char| "<>≤≥=~(".contains(c));
    t.ends_with(|c: char| c.is_ascii_digit()) && t.starts_with(|c: char| c.is_ascii_digit())
}

/// A sign between two numbers ("30.000 / 9", "1.11 - 31.12").
fn is_range_sign(t: &str) -> bool {
    matches!(t, "/" | "-" | "–" | "—" | "÷")
}

/// Whether a token is a path, a URL or an e-mail (or too long not to break somewhere).
fn is_long_token(t: &str) -> bool {
    let letters = t.chars().any(char::is_alphabetic);
    letters
        && (t.contains('\\')
            || t.contains("://")
            || t.to_lowercase().starts_with("www.")
            || t.split_once('@')
                .is_some_and(|(u, d)| !u.is_empty() && d.contains('.'))
            || t.matches('/').count() >= 2
            || (t.chars().count() >= 25 && t.chars().any(|c| SEPARATORS.contains(c))))
}

/// Break places inside a long token: before a separator ("\share", "/cartella", "@ente"),
/// after a double one ("https://"), never inside a run of separators (`\\`, `//`) nor
/// between digits ("30.000").
fn break_places(t: &str) -> String {
    if !is_long_token(t) {
        return t.to_string();
    }
    let chars: Vec<char> = t.chars().collect();
    let is_sep = |c: char| SEPARATORS.contains(c);
    let mut out = String::with_capacity(t.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if !is_sep(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_sep(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        let at_start = start == 0;
        let at_end = i == chars.len();
        let between_digits = start > 0
            && chars[start - 1].is_ascii_digit()
            && chars.get(i).is_some_and(|c| c.is_ascii_digit());
        if run.len() == 1 && !at_start && !at_end && !between_digits && run[0] != ':' {
            out.push(BREAK_HERE);
        }
        for (k, c) in run.iter().enumerate() {
            if k > 0 {
                out.push(WORD_JOINER);
            }
            out.push(*c);
        }
        if run.len() > 1 && !at_start && !at_end && matches!(run[run.len() - 1], '/' | '\\') {
            out.push(BREAK_HERE);
        }
    }
    out
}

/// The characters [`typography`] may add that a reader does not see: removing them and
/// mapping the quotes back gives text comparable with what was written.
pub fn untypeset(text: &str) -> String {
    text.chars()
        .filter(|c| *c != BREAK_HERE && *c != WORD_JOINER)
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' => '"',
            NO_BREAK_SPACE => ' ',
            c => c,
        })
        .collect()
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
    #[test]
    fn apostrophes_and_quotes_are_typographic() {
        assert_eq!(typography("l'Ente"), "l’Ente");
        assert_eq!(typography("D'AMICO"), "D’AMICO");
        assert_eq!(
            typography("corsi \"sull'etica\" e 'altro'"),
            "corsi “sull’etica” e ‘altro’"
        );
        assert_eq!(typography("l'\"etica\""), "l’“etica”");
        assert_eq!(typography("\" da"), "” da");
        assert_eq!(typography("anni '90"), "anni ’90");
        assert_eq!(typography("06' 29\""), "06' 29\"");
    }

    #[test]
    fn values_stay_whole() {
        let nb = NO_BREAK_SPACE;
        assert_eq!(typography("≥ 30 h"), format!("≥{nb}30{nb}h"));
        assert_eq!(typography("< 2 %"), format!("<{nb}2{nb}%"));
        assert_eq!(typography("> 3 %"), format!(">{nb}3{nb}%"));
        assert_eq!(
            typography("entro ≤ 60 gg."),
            format!("entro ≤{nb}60{nb}gg.")
        );
        assert_eq!(
            typography("10 gg. lavorativi"),
            format!("10{nb}gg. lavorativi")
        );
        assert_eq!(typography("1.000,00 €"), format!("1.000,00{nb}€"));
        assert_eq!(
            typography("n. 12 del 28 settembre 2023"),
            format!("n.{nb}12 del 28{nb}settembre 2023")
        );
        assert_eq!(typography("30.000 / 9"), format!("30.000{nb}/{nb}9"));
        assert_eq!(
            typography("art. 97 del D.Lgs. 50/2016"),
            format!("art.{nb}97 del D.Lgs.{nb}50/2016")
        );
        // Words are not units, and a lone comparator in prose still binds forward only.
        assert_eq!(typography("2 gatti"), "2 gatti");
        assert_eq!(typography("a < b"), format!("a <{nb}b"));
    }

    #[test]
    fn whitespace_runs_and_edges() {
        assert_eq!(typography(" a  b\n c "), " a b c ");
        // A run of spaces between two marked runs stays one space.
        assert_eq!(typography("   "), " ");
        assert_eq!(typography(""), "");
    }

    #[test]
    fn long_tokens_break_cleanly() {
        let (b, j) = (BREAK_HERE, WORD_JOINER);
        assert_eq!(
            typography("\\\\server\\share\\cartella"),
            format!("\\{j}\\server{b}\\share{b}\\cartella")
        );
        assert_eq!(
            typography("https://www.comune.it/albo"),
            format!("https:{j}/{j}/{b}www{b}.comune{b}.it{b}/albo")
        );
        assert_eq!(
            typography("ufficio.personale@comune.it"),
            format!("ufficio{b}.personale{b}@comune{b}.it")
        );
        // Numbers, short words and ordinary punctuation are left alone.
        assert_eq!(typography("30.000/8"), "30.000/8");
        assert_eq!(typography("s@c on_line"), "s@c on_line");
        assert_eq!(typography("Annuale_ciclico"), "Annuale_ciclico");
    }

    #[test]
    fn untypeset_gives_back_the_text() {
        for s in [
            "l'Ente \"virgolette\" ≥ 30 h",
            "\\\\server\\share https://a.it/b/c x@y.it",
            "n. 5 del 1 marzo",
        ] {
            assert_eq!(untypeset(&typography(s)), s);
        }
    }
}

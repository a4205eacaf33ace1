//! Rich text: prose with paragraphs and `*corsivo*` / `**grassetto**`, word diffs that
//! show what a rewording changed, and the typography every printed text gets (quotes,
//! no-break spaces, break places in long tokens). Produces segments and pieces; never
//! Typst markup.

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

impl Mark {
    pub const ALL: [Mark; 6] = [
        Mark::Plain,
        Mark::Emph,
        Mark::Strong,
        Mark::Inserted,
        Mark::Deleted,
        Mark::Break,
    ];
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

/// The words of `text` joined by single spaces: how every value of the content is
/// compared and printed (line breaks and runs of spaces in a TOML string do not count).
pub fn collapse(text: &str) -> String {
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
    requote(out)
}

/// The words of `new` compared with `old`: unchanged words plain, removed words
/// `Deleted`, added words `Inserted`. With `show_deleted = false` removed words are left
/// out (the request shows only the new wording, with its new words in bold).
///
/// Words and the punctuation around them are compared as separate tokens (see
/// [`diff_tokens`]): "accertamento," against "accertamento" marks only the comma.
pub fn word_diff(old: &str, new: &str, show_deleted: bool) -> Vec<Segment> {
    let old = collapse(old);
    let new = collapse(new);
    let old_tokens = diff_tokens(&old);
    let new_tokens = diff_tokens(&new);
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_slices(&old_tokens, &new_tokens);
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
        let k = if t.trim().is_empty() && k == Mark::Plain {
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
    requote(tidy(out))
}

/// The tokens a rewording is compared by: runs of whitespace, words, and each
/// punctuation character before or after a word on its own ("(accertamento)," is `(`,
/// `accertamento`, `)`, `,`). Punctuation inside a word keeps it whole ("s@c",
/// "l'Ente", "1.000,00", "on_line"). The tokens joined are the text.
pub fn diff_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let is_space = c.is_whitespace();
        let end = rest
            .char_indices()
            .find(|&(_, d)| d.is_whitespace() != is_space)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        if is_space {
            out.push(run);
            continue;
        }
        let core_start = run
            .char_indices()
            .find(|&(_, d)| d.is_alphanumeric())
            .map_or(run.len(), |(i, _)| i);
        let core_end = run
            .char_indices()
            .rev()
            .find(|&(_, d)| d.is_alphanumeric())
            .map_or(core_start, |(i, d)| i + d.len_utf8());
        out.extend(
            run[..core_start]
                .char_indices()
                .map(|(i, d)| &run[i..i + d.len_utf8()]),
        );
        if core_end > core_start {
            out.push(&run[core_start..core_end]);
        }
        let after = &run[core_end.max(core_start)..];
        out.extend(
            after
                .char_indices()
                .map(|(i, d)| &after[i..i + d.len_utf8()]),
        );
    }
    out
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
// How a text from `content/` is set on the page. The rendering stage calls [`pieces`] on
// every value before escaping it, so these rules hold for every field without the user
// typing anything special. Nothing here adds a character to the text: a break place is a
// piece of its own (the renderer draws it as an empty box), so a path, a URL or an e-mail
// copied from the PDF is exactly what was written.

/// No-break space: keeps a comparator or a unit with its number ("≥ 30 h").
pub const NO_BREAK_SPACE: char = '\u{a0}';

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

/// A piece of a printed text, as [`pieces`] gives it to the renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text printed as it is.
    Text(String),
    /// A place where a long token (a path, a URL, an e-mail) may break. It prints nothing
    /// and a copy of the text carries nothing for it.
    Break,
    /// Text that must not break inside: the `\\` that opens a network path, with the name
    /// after it (the line breaker would otherwise split the two backslashes).
    Whole(String),
    /// Text printed without kerning: a run of slashes, which the font kerns into one
    /// another ("https:⫽").
    Unkerned(String),
}

/// The pieces being written, adjacent texts merged.
#[derive(Default)]
struct Pieces(Vec<Piece>);

impl Pieces {
    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some(Piece::Text(t)) => t.push_str(s),
            _ => self.0.push(Piece::Text(s.to_string())),
        }
    }
    fn push(&mut self, piece: Piece) {
        match piece {
            Piece::Text(t) => self.text(&t),
            // Never two break places in a row, nor one at the start.
            Piece::Break if matches!(self.0.last(), None | Some(Piece::Break)) => {}
            p => self.0.push(p),
        }
    }
}

/// A text as it is printed: typographic apostrophes and quotes (’ ‘ “ ”), comparators,
/// units and abbreviations bound to their number with no-break spaces, and clean break
/// places inside long paths, URLs and e-mails. Whitespace runs become one space (a
/// leading or trailing run is kept as one space, so that runs of rich text still join).
/// The texts of the pieces, joined, are [`typography`] of `text`.
pub fn pieces(text: &str) -> Vec<Piece> {
    let quoted = quotes(text);
    let lead = quoted.starts_with(char::is_whitespace);
    let trail = quoted.ends_with(char::is_whitespace) && !quoted.trim().is_empty();
    let tokens: Vec<&str> = quoted.split_whitespace().collect();
    let mut out = Pieces::default();
    if lead {
        out.text(" ");
    }
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            let keep = binds(tokens[i - 1], token)
                || (is_range_sign(token) && is_numberish(tokens[i - 1]))
                || (is_range_sign(tokens[i - 1])
                    && is_numberish(token)
                    && i >= 2
                    && is_numberish(tokens[i - 2]));
            let space = if keep { NO_BREAK_SPACE } else { ' ' };
            out.text(space.encode_utf8(&mut [0; 4]));
        }
        token_pieces(token, &mut out);
    }
    if trail {
        out.text(" ");
    }
    out.0
}

/// A text as it is printed (see [`pieces`]): only quotes and no-break spaces differ
/// from what was written; mapping them back with [`untypeset`] gives the text.
pub fn typography(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) | Piece::Whole(t) | Piece::Unkerned(t) => t,
            Piece::Break => String::new(),
        })
        .collect()
}

/// Markup characters of the prose format: a quote next to them looks past them.
fn is_markup(c: char) -> bool {
    matches!(c, '*' | '_')
}

/// Straight quotes become typographic ones: `'` is an apostrophe (’) unless it opens a
/// quotation (‘). A `"` closes (”) the quotation a previous `"` of the same text opened
/// (pairing, whatever precedes it: “Rischio idraulico 2025”); with none open it opens (“)
/// at the start, after a space, a bracket, a dash or an apostrophe, and closes elsewhere.
/// Emphasis marks (`*`, `_`) are looked past: in `l'"*etica*"` the first quote follows the
/// apostrophe and the second the word. `'` after a digit is a minute mark (or feet) and
/// stays straight; `"` stays straight only as the seconds of a time or an angle
/// (`06' 29"`, `45°12'30"`).
fn quotes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    quote_chars(&chars).into_iter().collect()
}

/// Whether the `"` at `i` is the seconds mark of a time or an angle: digits before it,
/// and before them (a space allowed) a minute mark after digits.
fn is_seconds_mark(chars: &[char], i: usize) -> bool {
    let mut j = i;
    let digits_end = j;
    while j > 0 && chars[j - 1].is_ascii_digit() {
        j -= 1;
    }
    if j == digits_end {
        return false;
    }
    if j > 0 && chars[j - 1] == ' ' {
        j -= 1;
    }
    j >= 2 && matches!(chars[j - 1], '\'' | '′') && chars[j - 2].is_ascii_digit()
}

/// [`quotes`] on characters: one character out for each character in.
fn quote_chars(chars: &[char]) -> Vec<char> {
    let opens_after = |p: Option<char>| match p {
        None => true,
        Some(p) => p.is_whitespace() || "([{<«‘“—–-/'’".contains(p),
    };
    let ends = |n: Option<char>| match n {
        None => true,
        Some(n) => n.is_whitespace() || ".,;:!?)]}>»".contains(n),
    };
    let mut out = Vec::with_capacity(chars.len());
    let mut open = false;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '“' => open = true,
            '”' => open = false,
            _ => {}
        }
        if c != '\'' && c != '"' {
            out.push(c);
            continue;
        }
        let raw_prev = i.checked_sub(1).map(|p| chars[p]);
        let raw_next = chars.get(i + 1).copied();
        // After a number, ' is a minute mark (or feet), " the seconds of a time or an angle.
        let prime = if c == '\'' {
            raw_prev.is_some_and(|p| p.is_ascii_digit())
                && raw_next.is_none_or(|n| !n.is_alphabetic())
        } else {
            is_seconds_mark(chars, i)
        };
        if prime {
            out.push(c);
            continue;
        }
        let prev = chars[..i].iter().rev().copied().find(|&p| !is_markup(p));
        let next = chars[i + 1..].iter().copied().find(|&n| !is_markup(n));
        let q = if c == '\'' {
            let open = opens_after(prev)
                && !prev.is_some_and(|p| p == '\'' || p == '’')
                && next.is_some_and(|n| n.is_alphabetic() || n == '"');
            if open {
                '‘'
            } else {
                '’'
            }
        } else if open {
            open = false;
            '”'
        } else if opens_after(prev) && !ends(next) {
            open = true;
            '“'
        } else {
            '”'
        };
        out.push(q);
    }
    out
}

/// Typographic quotes across the segments of one paragraph: each quote is decided by
/// the characters around it in the paragraph, not in its segment (in
/// `l'"*etica pubblica*" da "*corsi*"` the quotes are at the edges of the segments).
/// A line break between segments counts as a space.
pub fn requote(segments: Vec<Segment>) -> Vec<Segment> {
    let mut chars = Vec::new();
    for s in &segments {
        if s.k == Mark::Break {
            chars.push('\n');
        } else {
            chars.extend(s.t.chars());
        }
    }
    let mut quoted = quote_chars(&chars).into_iter();
    segments
        .into_iter()
        .map(|s| {
            if s.k == Mark::Break {
                quoted.next();
                return s;
            }
            let t = quoted.by_ref().take(s.t.chars().count()).collect();
            Segment { t, k: s.k }
        })
        .collect()
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

/// An amount in millions or more written the Italian way ("1.234.567,89"), split after
/// each thousands point ("1.", "234.", "567,89"): where a narrow column may break it.
/// `None` for anything else, and for amounts under a million ("30.000" stays whole).
pub fn amount_groups(t: &str) -> Option<Vec<&str>> {
    let int = match t.split_once(',') {
        Some((i, f)) if !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()) => i,
        Some(_) => return None,
        None => t,
    };
    let parts: Vec<&str> = int.split('.').collect();
    let ok = parts.len() >= 3
        && (1..=3).contains(&parts[0].len())
        && parts[1..].iter().all(|p| p.len() == 3)
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !ok {
        return None;
    }
    let mut groups = Vec::new();
    let mut start = 0;
    for p in &parts[..parts.len() - 1] {
        let end = start + p.len() + 1;
        groups.push(&t[start..end]);
        start = end;
    }
    groups.push(&t[start..]);
    Some(groups)
}

/// The pieces of one token. Break places go inside long tokens only: before a separator
/// ("\share", "/cartella", "@ente", ".it"), after a double one ("https://"), never inside
/// a run of separators nor between digits ("30.000"). In any token a run of slashes is
/// unkerned and a `\\` is kept whole with the name after it.
fn token_pieces(t: &str, out: &mut Pieces) {
    // An amount in millions may break after a thousands point, and nowhere else.
    if let Some(groups) = amount_groups(t) {
        for (i, g) in groups.iter().enumerate() {
            if i > 0 {
                out.push(Piece::Break);
            }
            out.text(g);
        }
        return;
    }
    let long = is_long_token(t);
    let chars: Vec<char> = t.chars().collect();
    let is_sep = |c: char| SEPARATORS.contains(c);
    // The `\\` being kept whole, with what follows it up to the next separator.
    let mut whole: Option<String> = None;
    let mut i = 0;
    while i < chars.len() {
        if !is_sep(chars[i]) {
            match &mut whole {
                Some(w) => w.push(chars[i]),
                None => out.text(chars[i].encode_utf8(&mut [0; 4])),
            }
            i += 1;
            continue;
        }
        if let Some(w) = whole.take() {
            out.push(Piece::Whole(w));
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
        if long && run.len() == 1 && !at_start && !at_end && !between_digits && run[0] != ':' {
            out.push(Piece::Break);
        }
        // The run by groups of one character: `//` unkerned, `\\` whole, others as text.
        let mut g = 0;
        while g < run.len() {
            let c = run[g];
            let n = run[g..].iter().take_while(|&&x| x == c).count();
            let group: String = run[g..g + n].iter().collect();
            match c {
                '/' if n > 1 => out.push(Piece::Unkerned(group)),
                '\\' if n > 1 => {
                    if let Some(w) = whole.take() {
                        out.push(Piece::Whole(w));
                    }
                    whole = Some(group);
                }
                _ => match &mut whole {
                    Some(w) => w.push_str(&group),
                    None => out.text(&group),
                },
            }
            g += n;
        }
        if long && run.len() > 1 && !at_start && !at_end && matches!(run[run.len() - 1], '/' | '\\')
        {
            if let Some(w) = whole.take() {
                out.push(Piece::Whole(w));
            }
            out.push(Piece::Break);
        }
    }
    if let Some(w) = whole {
        out.push(Piece::Whole(w));
    }
}

/// Typography mapped back: typographic quotes become straight ones and no-break spaces
/// spaces, giving text comparable with what was written.
pub fn untypeset(text: &str) -> String {
    text.chars()
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
    fn a_quote_closes_the_one_opened_before_it() {
        // After a digit, a `"` closes the quotation it pairs with, not a seconds mark.
        assert_eq!(
            quotes("\"Rischio idraulico 2025\""),
            "“Rischio idraulico 2025”"
        );
        assert_eq!(quotes("piano \"2023-2025\", poi"), "piano “2023-2025”, poi");
        // Seconds only in a time or an angle.
        assert_eq!(quotes("durata 06' 29\""), "durata 06' 29\"");
        assert_eq!(quotes("45°12'30\" nord"), "45°12'30\" nord");
        assert_eq!(quotes("\"durata 06' 29\"\""), "“durata 06' 29\"”");
        // A lone `"` after a number with no minutes is a quote, decided by its place.
        assert_eq!(quotes("schermo da 24\""), "schermo da 24”");
    }

    #[test]
    fn amounts_in_millions_break_only_after_a_thousands_point() {
        assert_eq!(
            amount_groups("1.234.567,89"),
            Some(vec!["1.", "234.", "567,89"])
        );
        assert_eq!(
            amount_groups("12.345.678"),
            Some(vec!["12.", "345.", "678"])
        );
        assert_eq!(amount_groups("30.000"), None);
        assert_eq!(amount_groups("1.000,00"), None);
        assert_eq!(amount_groups("31.12.2023"), None);
        assert_eq!(amount_groups("1.234.567,"), None);
        assert_eq!(
            pieces("1.234.567,89 €"),
            vec![
                Piece::Text("1.".into()),
                Piece::Break,
                Piece::Text("234.".into()),
                Piece::Break,
                Piece::Text(format!("567,89{NO_BREAK_SPACE}€")),
            ]
        );
    }

    #[test]
    fn rewordings_compare_words_and_punctuation_apart() {
        assert_eq!(
            diff_tokens("(accertamento), s@c, l'Ente 1.000,00 €."),
            vec![
                "(",
                "accertamento",
                ")",
                ",",
                " ",
                "s@c",
                ",",
                " ",
                "l'Ente",
                " ",
                "1.000,00",
                " ",
                "€",
                "."
            ]
        );
        assert_eq!(diff_tokens("a  b, (c)").concat(), "a  b, (c)");
        // Only the comma is new.
        let segs = word_diff(
            "verifica accertamento e riscossione",
            "verifica accertamento, e riscossione",
            false,
        );
        assert_eq!(
            segs,
            vec![
                Segment::plain("verifica accertamento"),
                Segment::marked(",", Mark::Inserted),
                Segment::plain(" e riscossione"),
            ]
        );
        // A word that only lost its comma is not new.
        let segs = word_diff(
            "servizio s@c, storico, dati",
            "servizio s@c storico dati nuovi",
            false,
        );
        assert_eq!(
            segs,
            vec![
                Segment::plain("servizio s@c storico dati "),
                Segment::marked("nuovi", Mark::Inserted),
            ]
        );
        let segs = word_diff("a s@c, b", "a s@c b", true);
        assert_eq!(
            segs,
            vec![
                Segment::plain("a s@c"),
                Segment::marked(",", Mark::Deleted),
                Segment::plain(" b"),
            ]
        );
    }

    #[test]
    fn a_quote_opens_after_an_apostrophe() {
        assert_eq!(quotes("l’\"etica\""), "l’“etica”");
        assert_eq!(quotes("dell'\"Ente\""), "dell’“Ente”");
        assert_eq!(quotes("un po' \"così\""), "un po’ “così”");
    }

    #[test]
    fn a_quote_looks_past_emphasis_marks() {
        assert_eq!(
            quotes("l'\"*etica pubblica*\" da \"*corsi*\", a \"_altri_\"."),
            "l’“*etica pubblica*” da “*corsi*”, a “_altri_”."
        );
        assert_eq!(quotes("*\"x\"* e **\"y\"**"), "*“x”* e **“y”**");
        assert_eq!(quotes("_'z'_"), "_‘z’_");
        // A quote after a closing mark follows the word before it.
        assert_eq!(quotes("*etica*\"x"), "*etica*”x");
    }

    #[test]
    fn a_quote_opens_after_a_bracket_a_space_or_at_the_start() {
        assert_eq!(
            quotes("(\"a\") [\"b\"] {\"c\"} «\"d\"» <\"e\">"),
            "(“a”) [“b”] {“c”} «“d”» <“e”>"
        );
        assert_eq!(quotes("\"Inizio\" e fine"), "“Inizio” e fine");
        assert_eq!(quotes("riga\n\"nuova\""), "riga\n“nuova”");
        assert_eq!(
            quotes("a\u{a0}\"b\" c\u{202f}\"d\""),
            "a\u{a0}“b” c\u{202f}“d”"
        );
        assert_eq!(quotes("a — \"b\" –\"c\""), "a — “b” –“c”");
    }

    #[test]
    fn quotes_at_the_edges_of_emphasis_follow_the_paragraph() {
        let p = prose(
            "spostando i corsi riguardanti l'\"*etica pubblica*\" da\n\"*corsi non obbligatori*\" a \"*corsi obbligatori*\", ed",
        );
        assert_eq!(
            p[0],
            vec![
                Segment::plain("spostando i corsi riguardanti l’“"),
                Segment::marked("etica pubblica", Mark::Emph),
                Segment::plain("” da “"),
                Segment::marked("corsi non obbligatori", Mark::Emph),
                Segment::plain("” a “"),
                Segment::marked("corsi obbligatori", Mark::Emph),
                Segment::plain("”, ed"),
            ]
        );
        // Typography on each segment, as the renderer does, keeps them.
        let printed: String = p[0].iter().map(|s| typography(&s.t)).collect();
        assert_eq!(
            printed,
            "spostando i corsi riguardanti l’“etica pubblica” da “corsi non obbligatori” a “corsi obbligatori”, ed"
        );
        // The start of a paragraph opens.
        assert_eq!(
            prose("a\n\n\"**b**\" c")[1],
            vec![
                Segment::plain("“"),
                Segment::marked("b", Mark::Strong),
                Segment::plain("” c"),
            ]
        );
    }

    #[test]
    fn quotes_across_diff_runs_and_line_breaks() {
        let segs = requote(vec![
            Segment::marked("\"a\"", Mark::Deleted),
            Segment::marked("", Mark::Break),
            Segment::plain("il "),
            Segment::marked("\"", Mark::Inserted),
            Segment::plain("b\""),
        ]);
        assert_eq!(flatten(&segs), "“a”il “b”");
        assert_eq!(segs[3], Segment::marked("“", Mark::Inserted));
        let segs = word_diff("corsi \"a\" x", "corsi \"b c\" x", false);
        assert_eq!(flatten(&segs), "corsi “b c” x");
        // The quotes did not change: only the words between them are new.
        assert_eq!(segs[1], Segment::marked("b c", Mark::Inserted));
    }

    /// Text with balanced quotations: words, and phrases between `"` after a space, an
    /// apostrophe, a bracket or an emphasis mark, ending before a space, punctuation or a
    /// mark.
    fn balanced() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let word = prop::sample::select(vec!["corsi", "etica", "Ente", "l'Ente", "d'uso"]);
        let words = prop::collection::vec(word, 1..4).prop_map(|w| w.join(" "));
        let before = prop::sample::select(vec![
            "", " ", "l'", "l’", "(", "[", "*", "**", "_", "\u{a0}", "\n", "— ",
        ]);
        let after = prop::sample::select(vec!["", ".", ",", ")", "]", "*", "**", "_", ";", "!"]);
        let inner = prop::sample::select(vec!["", "*", "_"]);
        let item = prop_oneof![
            words.clone(),
            (before, inner, words, after).prop_map(|(b, m, w, a)| format!("{b}\"{m}{w}{m}\"{a}")),
        ];
        prop::collection::vec(item, 1..8).prop_map(|items| items.join(" "))
    }

    /// Whether every “ is closed by a ” before the next “ and every ” closes one.
    fn paired(text: &str) -> bool {
        let mut open = false;
        for c in text.chars() {
            match c {
                '“' if open => return false,
                '“' => open = true,
                '”' if !open => return false,
                '”' => open = false,
                _ => {}
            }
        }
        !open
    }

    proptest::proptest! {
        #[test]
        fn balanced_quotes_stay_balanced(text in balanced()) {
            let direct = quotes(&text);
            proptest::prop_assert!(paired(&direct), "{:?} -> {:?}", text, direct);
            proptest::prop_assert!(!direct.contains('"'), "{:?} -> {:?}", text, direct);
            for p in prose(&text) {
                let printed: String = p.iter().map(|s| typography(&s.t)).collect();
                proptest::prop_assert!(paired(&printed), "{:?} -> {:?}", text, printed);
            }
        }
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

    /// Pieces written compactly: `|` a break place, `[x]` kept whole, `{x}` unkerned.
    fn shown(text: &str) -> String {
        pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Break => "|".into(),
                Piece::Whole(t) => format!("[{t}]"),
                Piece::Unkerned(t) => format!("{{{t}}}"),
            })
            .collect()
    }

    #[test]
    fn long_tokens_break_cleanly() {
        assert_eq!(
            shown("\\\\server\\share\\cartella"),
            "[\\\\server]|\\share|\\cartella"
        );
        assert_eq!(
            shown("https://www.comune.it/albo"),
            "https:{//}|www|.comune|.it|/albo"
        );
        assert_eq!(
            shown("ufficio.personale@comune.it"),
            "ufficio|.personale|@comune|.it"
        );
        // A `\\` inside a path is whole, with a break place after it.
        assert_eq!(shown("dati\\\\archivio\\x"), "dati[\\\\]|archivio|\\x");
        // Numbers, short words and ordinary punctuation are left alone.
        assert_eq!(shown("30.000/8"), "30.000/8");
        assert_eq!(shown("s@c on_line"), "s@c on_line");
        assert_eq!(shown("Annuale_ciclico"), "Annuale_ciclico");
        // A run of slashes is unkerned and a `\\` whole in any token.
        assert_eq!(shown("a // b \\\\"), "a {//} b [\\\\]");
    }

    #[test]
    fn typography_adds_no_invisible_character() {
        for s in [
            "\\\\srv-archivio\\protocollo\\2025\\fascicoli-aperti",
            "https://www.comune.valbruna.example/amministrazione-trasparente/archivio;",
            "protocollo.archivio@comune.valbruna.example.",
        ] {
            assert_eq!(typography(s), s);
        }
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

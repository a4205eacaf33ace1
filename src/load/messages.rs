//! The Italian for TOML's and serde's errors, at the field or value they are about,
//! in words of the content (campo, blocco, elenco), saying what to type. Where the
//! document's shape tells more than the error (Word's quotes, a decimal comma, a field
//! below the wrong `[[…]]`, `[fasi]` for `[[fasi]]`), the message says that.

use std::ops::Range;

use super::parse::{is_header, Problem, Shape};
use crate::diag::{suggest, Diagnostic, FileIdx};

/// A schema error (the file is valid TOML) in Italian, told by its shape when known.
pub(crate) fn schema_error(p: &Problem, file: FileIdx, text: &str) -> Diagnostic {
    let d = toml_error(&p.error, file, text);
    match &p.shape {
        None => d,
        Some(Shape::Misplaced { key, block, above }) => {
            let block_name = header_text(text, block);
            let above_name = header_text(text, above);
            let above_line = line_of(text, above.start);
            let mut m = Diagnostic::error(format!(
                "il campo `{key}` è scritto sotto `{block_name}`, a cui non appartiene"
            ));
            if let Some((_, span)) = d.primary {
                m = m.at(file, span).label("questa riga");
            }
            m.also(file, block.clone(), format!("qui comincia il blocco `{block_name}`"))
                .hint(format!(
                    "sposta questa riga sopra `{above_name}` (riga {above_line}): dopo una riga `[[…]]` ogni campo appartiene a quel blocco, fino alla riga `[[…]]` successiva"
                ))
        }
        Some(Shape::Retyped {
            key,
            written,
            was,
            element,
        }) => {
            let wants = if written.starts_with(['"', '[']) {
                "un testo tra virgolette"
            } else if written == "true" || written == "false" {
                "true o false, senza virgolette"
            } else if written.len() >= 10 && written.as_bytes()[4] == b'-' {
                "una data (anno-mese-giorno), senza virgolette"
            } else {
                "un numero, senza virgolette"
            };
            let (message, hint) = if *element {
                (
                    format!("l'elenco `{key}` vuole {wants}"),
                    format!("scrivi {written} al posto di {was}"),
                )
            } else {
                (
                    format!("il campo `{key}` vuole {wants}"),
                    format!("scrivi: {key} = {written}"),
                )
            };
            let mut m = Diagnostic::error(message);
            if let Some((_, span)) = d.primary {
                m = m.at(file, span);
            }
            m.hint(hint)
        }
    }
}

/// The text of a block header (`[[fasi]]`), from its span.
fn header_text(text: &str, span: &Range<usize>) -> String {
    let start = span.start.min(text.len());
    let line = text[start..].lines().next().unwrap_or("");
    match line.find(']') {
        Some(i) => {
            let end = if line[i..].starts_with("]]") {
                i + 2
            } else {
                i + 1
            };
            line[..end].to_string()
        }
        None => line.trim().to_string(),
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The quotes Word and other word processors put around a text.
const TYPOGRAPHIC_QUOTES: &[char] = &['“', '”', '„', '‟', '«', '»', '‘', '’', '‚', '″'];

/// A syntax error told by the shape of its line, when that says more than the parser:
/// a text between typographic quotes, a decimal comma, a `[x]` header written twice
/// for a list of blocks.
pub(crate) fn syntax_shape(e: &toml::de::Error, file: FileIdx, text: &str) -> Option<Diagnostic> {
    let at = e.span().map_or(0, |s| s.start).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let line = line.strip_suffix('\r').unwrap_or(line);
    // `campo = “testo”`: quotes pasted from Word.
    if let Some((key, value)) = line.split_once('=') {
        let key = key.trim();
        let value_start = line_start + key.len() + (line.len() - key.len() - value.len());
        let trimmed = value.trim_start();
        let value_at = value_start + (value.len() - trimmed.len());
        if trimmed.starts_with(TYPOGRAPHIC_QUOTES) {
            let inner = trimmed
                .trim_end()
                .trim_start_matches(TYPOGRAPHIC_QUOTES)
                .trim_end_matches(TYPOGRAPHIC_QUOTES);
            let written = crate::diag::typed(inner);
            return Some(
                Diagnostic::error(
                    "queste virgolette (copiate da Word o da un'email) non delimitano un testo",
                )
                .at(file, value_at..value_at + trimmed.trim_end().len())
                .label("virgolette tipografiche")
                .hint("un testo va tra virgolette dritte \", quelle del tasto 2 con il maiuscolo")
                .hint(format!("scrivi: {key} = {written}")),
            );
        }
        // `campo = 33,3` or `{ marzo = 33,3 }`: a decimal comma.
        if let Some((span, number)) = decimal_comma(line) {
            let start = line_start + span.start;
            let point = number.replace(',', ".");
            return Some(
                Diagnostic::error(format!(
                    "i decimali si scrivono con il punto: {point}, non {number}"
                ))
                .at(file, start..line_start + span.end)
                .label("virgola decimale")
                .hint(format!(
                    "scrivi {point} (oppure il numero tra virgolette: \"{number}\")"
                )),
            );
        }
    }
    // `[fasi]` written again: a list of blocks is written `[[fasi]]`.
    let header = line.trim();
    if header.starts_with('[') && !header.starts_with("[[") && header.ends_with(']') {
        let first = text[..line_start]
            .lines()
            .position(|l| l.trim() == header)?;
        let name = &header[1..header.len() - 1];
        let start = line_start + (line.len() - line.trim_start().len());
        return Some(
            Diagnostic::error(format!(
                "`{header}` compare due volte: per un elenco di blocchi scrivi `[[{name}]]`"
            ))
            .at(file, start..start + header.len())
            .hint(format!(
                "scrivi `[[{name}]]` (con due parentesi quadre) qui, alla riga {} e prima di ogni altro blocco dell'elenco",
                first + 1
            )),
        );
    }
    None
}

/// The first number written with a decimal comma after a `=` of `line`, outside
/// quotes: its span in the line and its text.
fn decimal_comma(line: &str) -> Option<(Range<usize>, &str)> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut after_equals = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' => in_string = !in_string,
            b'#' if !in_string => return None,
            b'=' if !in_string => after_equals = true,
            b'0'..=b'9' if !in_string && after_equals => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if i + 1 < bytes.len() && bytes[i] == b',' && bytes[i + 1].is_ascii_digit() {
                    let mut end = i + 1;
                    while end < bytes.len() && bytes[end].is_ascii_digit() {
                        end += 1;
                    }
                    // In `{ a = 1,2 }` the `2` would be a key: a decimal comma if no `=`
                    // follows it.
                    let rest = line[end..].trim_start();
                    if !rest.starts_with(['=', '.']) {
                        let start = if start > 0 && bytes[start - 1] == b'-' {
                            start - 1
                        } else {
                            start
                        };
                        return Some((start..end, &line[start..end]));
                    }
                }
                after_equals = false;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Translates a TOML/serde error into an Italian diagnostic at its place.
pub fn toml_error(e: &toml::de::Error, file: FileIdx, text: &str) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let span = e.span().unwrap_or(0..0);
    let span = narrow_span(text, span);
    let single_bracket = raw.starts_with("invalid type: map, expected a sequence")
        && is_header(text, &span)
        && !text[span.start..].starts_with("[[");
    let (message, hint) = if raw.starts_with("string values must be quoted")
        && text[span.clone()].trim().is_empty()
    {
        syntax_message("missing value").unwrap_or_default()
    } else if single_bracket {
        let header = header_text(text, &span);
        let name = header.trim_matches(['[', ']']);
        (
            format!("`{header}` va scritto con due parentesi quadre: `[[{name}]]`"),
            Some(format!(
                "`[[{name}]]` apre un elemento dell'elenco: scrivilo prima di ciascuno (con una parentesi sola è un blocco unico)"
            )),
        )
    } else {
        translate(&raw)
    };
    let message = if message == "campo ripetuto" && !text[span.clone()].trim().is_empty() {
        format!("campo ripetuto `{}`", text[span.clone()].trim())
    } else {
        message
    };
    let mut d = Diagnostic::error(message).at(file, span.clone());
    if span == (0..0) && raw.starts_with("missing field") {
        d = d.label("manca in questo file");
    }
    if let Some(h) = hint {
        d = d.hint(h);
    }
    // Our own types give their hint on a line of its own (see `model::values`).
    for h in raw
        .lines()
        .skip(1)
        .filter_map(|l| l.strip_prefix("aiuto: "))
    {
        d = d.hint(h.to_string());
    }
    d
}

/// A span covering a whole table is useless to show: keep its first line.
fn narrow_span(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
    match text[start..end].find('\n') {
        Some(nl) if end - start > 80 => start..start + nl,
        _ => start..end,
    }
}

/// The text between the first pair of backticks after `prefix`.
pub(crate) fn ticked(s: &str) -> Option<&str> {
    let a = s.find('`')?;
    let b = s[a + 1..].find('`')?;
    Some(&s[a + 1..a + 1 + b])
}

fn all_ticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

fn translate(raw: &str) -> (String, Option<String>) {
    let first_line = raw.lines().next().unwrap_or(raw);
    if let Some(rest) = first_line.strip_prefix("unknown field ") {
        let field = ticked(rest).unwrap_or(rest);
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| all_ticked(e))
            .unwrap_or_default();
        let hint = match suggest(field, expected.iter().copied()) {
            Some(s) => Some(format!("forse `{s}`?")),
            None if !expected.is_empty() => {
                Some(format!("i campi ammessi qui sono: {}", expected.join(", ")))
            }
            None => None,
        };
        let msg = match suggest(field, expected.iter().copied()) {
            Some(s) => format!("campo sconosciuto `{field}`: forse `{s}`?"),
            None => format!("campo sconosciuto `{field}`"),
        };
        return (msg, hint.filter(|h| !h.starts_with("forse")));
    }
    if let Some(rest) = first_line.strip_prefix("missing field ") {
        let field = ticked(rest).unwrap_or(rest);
        return (
            format!("manca il campo obbligatorio `{field}`"),
            Some(format!("aggiungi una riga `{field} = …` in questo blocco")),
        );
    }
    if let Some(rest) = first_line.strip_prefix("unknown variant ") {
        let value = ticked(rest).unwrap_or(rest);
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| all_ticked(e))
            .unwrap_or_default();
        let hint = match suggest(value, expected.iter().copied()) {
            Some(s) => format!("forse \"{s}\"?"),
            None => format!("valori ammessi: {}", expected.join(", ")),
        };
        return (format!("valore non ammesso \"{value}\""), Some(hint));
    }
    if let Some(rest) = first_line.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "tipo di valore sbagliato: trovato {}, serve {}",
                italian_type(found),
                italian_type(expected)
            ),
            None,
        );
    }
    if let Some(rest) = first_line.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "valore non ammesso: trovato {}, serve {}",
                italian_type(found),
                italian_type(expected)
            ),
            None,
        );
    }
    if let Some(rest) = first_line.strip_prefix("invalid length ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!("numero di elementi sbagliato: {found}, ne servono {expected}"),
            None,
        );
    }
    if let Some(rest) = first_line.strip_prefix("duplicate field ") {
        return (
            format!("campo ripetuto `{}`", ticked(rest).unwrap_or(rest)),
            Some("ogni campo può comparire una sola volta nello stesso blocco".into()),
        );
    }
    if let Some(t) = syntax_message(first_line) {
        return t;
    }
    if first_line.starts_with("duplicate key") {
        return (
            format!(
                "campo ripetuto: {}",
                ticked(first_line).unwrap_or(first_line)
            ),
            Some("ogni campo può comparire una sola volta nello stesso blocco".into()),
        );
    }
    if let Some(rest) = first_line.strip_prefix("data did not match any variant of untagged enum ")
    {
        // What each value that may take two forms accepts (the model's untagged enums).
        let accepted = match rest.trim() {
            "Person" => "un testo (\"Cognome Nome\") oppure { cognome = \"…\", nome = \"…\" }",
            "Targets" => "un testo tra virgolette, oppure un elenco di testi [\"…\", \"…\", \"…\"], uno per anno",
            _ => "un valore di un'altra forma",
        };
        return (format!("valore non valido: serve {accepted}"), None);
    }
    // Messages our own types produce are already Italian.
    if is_italian(first_line) {
        return (first_line.to_string(), None);
    }
    (
        format!("sintassi TOML non valida ({first_line})"),
        Some("controlla virgolette, parentesi e segni `=` vicino al punto indicato".into()),
    )
}

/// The Italian for the syntax errors of TOML's parser ("<what>, expected <…>").
fn syntax_message(line: &str) -> Option<(String, Option<String>)> {
    let what = line.split(", expected").next().unwrap_or(line).trim();
    let quotes = "controlla le virgolette: un testo si apre e si chiude con \" (o con \"\"\" se va su più righe)";
    let (message, hint): (&str, Option<&str>) = match what {
        "string values must be quoted" => (
            "un testo va scritto tra virgolette",
            Some("scrivi per esempio: titolo = \"Nuovo titolo\""),
        ),
        "key with no value" => (
            "dopo il nome del campo serve `=` seguito dal valore",
            Some("ogni riga è del tipo `campo = valore`; un commento comincia con #"),
        ),
        "missing value" | "missing value for key" => (
            "manca il valore dopo `=`",
            Some("scrivi il valore (un testo tra virgolette, un numero, una data) oppure togli la riga"),
        ),
        "unclosed array" => ("elenco non chiuso: manca `]`", None),
        "unclosed inline table" => ("gruppo `{ … }` non chiuso: manca `}`", Some("un gruppo tra graffe va scritto tutto su una riga: { campo = valore, … }")),
        "unclosed table" => ("intestazione di blocco non chiusa: manca `]`", None),
        "unclosed array table" => ("intestazione non chiusa: manca `]]`", None),
        "missing comma between array elements" => {
            ("manca una virgola tra gli elementi dell'elenco", None)
        }
        "unexpected `=` in array" => ("un `=` dentro un elenco `[ … ]`", Some("forse manca la `]` che chiude l'elenco alla riga prima")),
        "invalid basic string" | "invalid string" | "invalid literal string"
        | "invalid multi-line basic string" | "missing opening quote" => {
            ("testo tra virgolette non valido o non chiuso", Some(quotes))
        }
        "missing escaped value" => (
            "dopo la barra rovesciata `\\` serve un carattere valido (\\n, \\t, \\\", \\\\ …)",
            Some("per scrivere una barra rovesciata scrivi `\\\\` oppure usa le virgolette semplici: 'C:\\cartella'"),
        ),
        "duplicate key" => (
            "campo ripetuto",
            Some("ogni campo può comparire una sola volta nello stesso blocco"),
        ),
        "invalid unquoted key" | "invalid key" | "unquoted keys cannot be empty" => (
            "nome di campo non valido",
            Some("i nomi dei campi usano lettere senza accenti, cifre, `_` e `-`"),
        ),
        "invalid integer number" | "invalid float" | "invalid fraction" | "invalid exponent"
        | "invalid mantissa" | "unexpected leading zero" | "redundant numeric sign"
        | "unexpected sign" | "invalid hexadecimal number" | "invalid octal number"
        | "invalid binary number" | "integers with a radix cannot be signed"
        | "redundant integer number prefix" | "radix must be lowercase" => (
            "numero non valido",
            Some("i decimali si scrivono col punto (12.5) oppure tra virgolette (\"12,5\")"),
        ),
        "invalid boolean" => ("valore vero/falso non valido: scrivi true o false", None),
        "carriage return must be followed by newline" => ("fine riga non valida", None),
        "invalid comment character" | "missing comment start" => {
            ("carattere non ammesso in un commento", None)
        }
        "unexpected content" | "unexpected key or value" | "unexpected content between comment and newline" => (
            "testo inatteso",
            Some("ogni riga contiene un solo `campo = valore`; un commento comincia con #"),
        ),
        "missing key for inline table element" | "invalid inline table element" => (
            "elemento non valido tra `{ … }`",
            Some("scrivi le coppie come campo = valore, separate da virgole"),
        ),
        "invalid table" | "missing table open" | "missing array opening"
        | "missing inline table opening" => ("intestazione di blocco non valida", None),
        "recursion limit" => ("troppi livelli annidati", None),
        w if w.starts_with("cannot extend value of type") => (
            "il campo ha già un valore: non può diventare un blocco",
            None,
        ),
        w if w.contains("datetime") || w.contains("date") || w.contains("time") => (
            "data non valida",
            Some("scrivi le date come 2023-07-31 (anno-mese-giorno)"),
        ),
        _ => return None,
    };
    Some((message.to_string(), hint.map(str::to_string)))
}

fn is_italian(s: &str) -> bool {
    [
        "non ",
        "serve",
        "numero",
        "importo",
        "data",
        "anno",
        "percentuale",
    ]
    .iter()
    .any(|w| s.contains(w))
}

fn italian_type(t: &str) -> String {
    let t = t.trim();
    let simple = [
        ("string", "un testo"),
        ("a string", "un testo"),
        ("integer", "un numero intero"),
        ("u32", "un numero intero positivo"),
        ("i32", "un numero intero"),
        ("i64", "un numero intero"),
        ("float", "un numero decimale"),
        ("boolean", "vero/falso (true o false)"),
        ("a boolean", "vero/falso (true o false)"),
        ("a sequence", "un elenco tra [ ]"),
        ("sequence", "un elenco tra [ ]"),
        ("map", "un blocco di campi"),
        ("a map", "un blocco di campi"),
    ];
    for (en, it) in simple {
        if t == en {
            return it.to_string();
        }
    }
    if let Some(rest) = t.strip_prefix("string ") {
        return format!("il testo {rest}");
    }
    if let Some(rest) = t
        .strip_prefix("integer ")
        .and_then(|r| r.strip_suffix(" as i128"))
    {
        // Past what TOML integers hold (i64).
        return format!("il numero {}, troppo grande", rest.trim_matches('`'));
    }
    if let Some(rest) = t.strip_prefix("integer ") {
        return format!("il numero {}", rest.trim_matches('`'));
    }
    if let Some(rest) = t.strip_prefix("floating point ") {
        return format!("il numero {}", rest.trim_matches('`'));
    }
    if let Some(rest) = t.strip_prefix("boolean ") {
        return format!("il valore {}", rest.trim_matches('`'));
    }
    if t.starts_with("struct ") || t.contains("map") {
        return "un blocco di campi".to_string();
    }
    if t.starts_with("a sequence") || t.contains("sequence") {
        return "un elenco tra [ ]".to_string();
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Managed;

    fn diag_of(text: &str) -> Diagnostic {
        let e = toml::from_str::<Managed>(text).unwrap_err();
        toml_error(&e, 0, text)
    }

    #[test]
    fn unknown_field_suggests_the_right_one() {
        let d = diag_of("numero = 1\ntitlo = \"x\"\n");
        assert_eq!(d.message, "campo sconosciuto `titlo`: forse `titolo`?");
        let (_, span) = d.primary.unwrap();
        assert_eq!(span.start, 11);
    }

    #[test]
    fn integers_too_large_for_toml_are_said_so() {
        let d = diag_of("numero = 99999999999999999999999\n");
        assert!(
            d.message
                .contains("trovato il numero 99999999999999999999999, troppo grande"),
            "{}",
            d.message
        );
    }

    #[test]
    fn wrong_type_is_said_in_italian() {
        let d = diag_of("numero = \"sette\"\n");
        assert!(
            d.message.starts_with("tipo di valore sbagliato"),
            "{}",
            d.message
        );
        assert!(d.message.contains("numero intero"), "{}", d.message);
    }

    #[test]
    fn syntax_errors_are_flagged() {
        let d = diag_of("numero = \n");
        assert_eq!(d.message, "manca il valore dopo `=`");
        let d = diag_of("numero = 1\ntitolo = Prova\n");
        assert_eq!(d.message, "un testo va scritto tra virgolette");
        let d = diag_of("numero = 1\ntitolo = \"C:\\dati\"\n");
        assert!(d.message.contains("barra rovesciata"), "{}", d.message);
        let d = diag_of("numero = 1\nnumero = 2\n");
        assert_eq!(d.message, "campo ripetuto `numero`");
    }
}

//! The Italian for TOML's and serde's errors, at the key or value they are about.

use crate::diag::{suggest, Diagnostic, FileIdx};

/// Translates a TOML/serde error into an Italian diagnostic at its place.
pub fn toml_error(e: &toml::de::Error, file: FileIdx, text: &str) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let span = e.span().unwrap_or(0..0);
    let span = narrow_span(text, span);
    let (message, hint) = if raw.starts_with("string values must be quoted")
        && text[span.clone()].trim().is_empty()
    {
        syntax_message("missing value").unwrap_or_default()
    } else {
        translate(&raw)
    };
    let message = if message == "chiave ripetuta" && !text[span.clone()].trim().is_empty() {
        format!("chiave ripetuta `{}`", text[span.clone()].trim())
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
            Some(format!("aggiungi una riga `{field} = …` in questa tabella")),
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
            Some("ogni campo può comparire una sola volta nella stessa tabella".into()),
        );
    }
    if let Some(t) = syntax_message(first_line) {
        return t;
    }
    if first_line.starts_with("duplicate key") {
        return (
            format!(
                "chiave ripetuta: {}",
                ticked(first_line).unwrap_or(first_line)
            ),
            Some("ogni chiave può comparire una sola volta nella stessa tabella".into()),
        );
    }
    if first_line.starts_with("data did not match any variant") {
        return (
            "valore non valido: serve un testo (\"Cognome Nome\") oppure una tabella { cognome = \"…\", nome = \"…\" }".into(),
            None,
        );
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
            "dopo il nome della chiave serve `=` seguito dal valore",
            Some("ogni riga è del tipo `chiave = valore`; un commento comincia con #"),
        ),
        "missing value" | "missing value for key" => (
            "manca il valore dopo `=`",
            Some("scrivi il valore (un testo tra virgolette, un numero, una data) oppure togli la riga"),
        ),
        "unclosed array" => ("elenco non chiuso: manca `]`", None),
        "unclosed inline table" => ("tabella non chiusa: manca `}`", Some("una tabella in linea va scritta tutta su una riga: { chiave = valore, … }")),
        "unclosed table" => ("intestazione di tabella non chiusa: manca `]`", None),
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
            "chiave ripetuta",
            Some("ogni chiave può comparire una sola volta nella stessa tabella"),
        ),
        "invalid unquoted key" | "invalid key" | "unquoted keys cannot be empty" => (
            "nome di chiave non valido",
            Some("i nomi delle chiavi usano lettere senza accenti, cifre, `_` e `-`"),
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
            Some("ogni riga contiene una sola `chiave = valore`; un commento comincia con #"),
        ),
        "missing key for inline table element" | "invalid inline table element" => (
            "elemento non valido nella tabella `{ … }`",
            Some("scrivi le coppie come chiave = valore, separate da virgole"),
        ),
        "invalid table" | "missing table open" | "missing array opening"
        | "missing inline table opening" => ("intestazione di tabella non valida", None),
        "recursion limit" => ("troppi livelli annidati", None),
        w if w.starts_with("cannot extend value of type") => (
            "la chiave è già definita con un valore: non può diventare una tabella",
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
        ("map", "una tabella"),
        ("a map", "una tabella"),
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
        return "una tabella".to_string();
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
        assert_eq!(d.message, "chiave ripetuta `numero`");
    }
}

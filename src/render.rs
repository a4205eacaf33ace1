//! Render: the document view → Typst source files, through MiniJinja templates.
//!
//! Every value a template prints is escaped for Typst markup by default (a custom
//! auto-escape, not a filter to remember), so no text from `content/` can change the
//! document's structure. The output keeps, for each generated file, the map from its
//! bytes back to template lines, so that a Typst error can be shown where it was made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

use crate::text::{self, Piece};
use crate::typeset::SourceFile;
use crate::view::Document;

/// The Typst file of layout functions, copied as is.
pub const STYLE_FILE: &str = "stile.typ";

/// The bundled templates (from `templates/`, built into the binary).
const BUNDLED: &[(&str, &str)] = &[
    ("main.typ.j2", include_str!("../templates/main.typ.j2")),
    (
        "gestionale.typ.j2",
        include_str!("../templates/gestionale.typ.j2"),
    ),
    (
        "istituzionale.typ.j2",
        include_str!("../templates/istituzionale.typ.j2"),
    ),
    ("macros.typ.j2", include_str!("../templates/macros.typ.j2")),
    (STYLE_FILE, include_str!("../templates/stile.typ")),
];

/// A set of templates: the bundled ones, or a folder's (for `watch` and development).
#[derive(Debug, Clone)]
pub struct Templates {
    pub files: BTreeMap<String, String>,
    /// Where they were read from (`None`: built into the binary).
    pub dir: Option<PathBuf>,
}

impl Templates {
    pub fn bundled() -> Templates {
        Templates {
            files: BUNDLED
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            dir: None,
        }
    }

    /// Reads the templates of a folder (every bundled name must be there), as the
    /// content files are read: regular files inside the folder, of at most
    /// [`crate::limits::MAX_TEMPLATE_BYTES`], in UTF-8.
    /// The error says, in Italian, which template could not be read and why.
    pub fn from_dir(dir: &Path) -> Result<Templates, String> {
        let mut files = BTreeMap::new();
        for (name, _) in BUNDLED {
            let bytes = crate::load::files::read_within(
                dir,
                &dir.join(name),
                crate::limits::MAX_TEMPLATE_BYTES,
            )
            .map_err(|why| format!("il modello `{name}` {why}"))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("il modello `{name}` non è testo UTF-8 valido"))?;
            files.insert(name.to_string(), text);
        }
        Ok(Templates {
            files,
            dir: Some(dir.to_path_buf()),
        })
    }

    /// The path to show for a template in a diagnostic.
    pub fn display_path(&self, name: &str) -> PathBuf {
        match &self.dir {
            Some(d) => d.join(name),
            None => Path::new("templates").join(name),
        }
    }
}

/// Which objectives a run lays out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The whole annex.
    All,
    /// One objective (by its id, the file stem): its request and its scheda.
    One(String),
}

/// A template problem, with its place in a template.
#[derive(Debug, Clone)]
pub struct TemplateProblem {
    pub template: String,
    pub message: String,
    pub range: Option<std::ops::Range<usize>>,
    pub line: Option<usize>,
}

/// Generated sources plus, for each, the map of output bytes to template places.
pub struct Rendered {
    pub files: Vec<SourceFile>,
    spans: BTreeMap<String, Vec<minijinja::OutputSpan>>,
}

impl Rendered {
    /// The template and byte range that wrote bytes `range` of generated file `path`.
    /// Verbatim template text maps one to one; an expression maps to the expression.
    pub fn origin(
        &self,
        path: &str,
        range: std::ops::Range<usize>,
    ) -> Option<(String, std::ops::Range<usize>)> {
        let spans = self.spans.get(path)?;
        let span = spans
            .iter()
            .filter(|s| s.output_range().contains(&range.start))
            .min_by_key(|s| s.output_range().len())?;
        let source = span.source_range();
        let mapped = match span.kind() {
            minijinja::OutputSpanKind::Raw => {
                let start = source.start + (range.start - span.output_range().start);
                let end = (start + range.len()).min(source.end).max(start);
                start..end
            }
            _ => source,
        };
        Some((span.name().to_string(), mapped))
    }
}

/// A value from `content/` as Typst markup: set typographically ([`text::pieces`]:
/// quotes, no-break spaces, break places) and then escaped. Every printed value goes
/// through here (the templates' auto-escape).
///
/// A break place is an empty `box()`: the line breaker may break on either side of it
/// (an object, UAX #14 class CB), and it puts no character into the PDF's text, so a
/// path or a URL copied from the PDF is whole. A piece kept whole is a `box` of its own;
/// an unkerned one a `text(kerning: false)`.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for piece in text::pieces(text) {
        match piece {
            Piece::Text(t) => out.push_str(&escape_markup(&t)),
            Piece::Break => out.push_str("#box();"),
            Piece::Whole(t) => {
                out.push_str("#box[");
                out.push_str(&escape_markup(&t));
                out.push_str("];");
            }
            Piece::Unkerned(t) => {
                out.push_str("#text(kerning: false)[");
                out.push_str(&escape_markup(&t));
                out.push_str("];");
            }
        }
    }
    out
}

/// Escapes text for Typst markup: every ASCII punctuation character is backslashed,
/// whitespace runs become one space (a no-break space stays as it is), control
/// characters are dropped. The result shows exactly the characters of `text` and can
/// never open a markup construct.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != text::NO_BREAK_SPACE && c != '\u{202f}' {
            space = true;
            continue;
        }
        if c.is_control() {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    out
}

/// A Typst string literal (`"…"`) holding `text` exactly (control characters dropped).
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Typst `bytes(…)` expression holding `data` (an array of byte values).
pub fn bytes_literal(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 4 + 16);
    out.push_str("bytes((");
    for (i, b) in data.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if i % 32 == 31 {
            out.push('\n');
        }
        out.push_str(&b.to_string());
    }
    out.push_str(if data.is_empty() { "))" } else { ",))" });
    out
}

fn environment(templates: &Templates) -> Result<Environment<'_>, TemplateProblem> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".typ.j2") {
            AutoEscape::Custom("typst".into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Custom(_)) && !value.is_safe() {
            if value.is_undefined() || value.is_none() {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    "valore mancante nel modello",
                ));
            }
            out.write_str(&markup(&value.to_string()))
                .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.add_filter("str", |v: Value| -> Value {
        Value::from_safe_string(string_literal(&v.to_string()))
    });
    // A printed text in code position (document title, header): set as in markup.
    env.add_filter("text_str", |v: Value| -> Value {
        Value::from_safe_string(string_literal(&text::typography(&v.to_string())))
    });
    // Binary data (an image) as a Typst `bytes` value, embedded in the source.
    env.add_filter("typst_bytes", |v: Value| -> Result<Value, Error> {
        let bytes = v.as_bytes().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "`typst_bytes` vuole dati binari",
            )
        })?;
        Ok(Value::from_safe_string(bytes_literal(bytes)))
    });
    env.add_filter("upper_it", |v: Value| -> String {
        v.to_string().to_uppercase()
    });
    for (name, text) in &templates.files {
        if name.ends_with(".j2") {
            env.add_template(name.as_str(), text.as_str())
                .map_err(|e| template_problem(&e, name))?;
        }
    }
    Ok(env)
}

fn template_problem(e: &Error, fallback: &str) -> TemplateProblem {
    let mut message = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.kind().to_string());
    if let Some(src) = std::error::Error::source(e) {
        message.push_str(&format!(": {src}"));
    }
    TemplateProblem {
        template: e.name().unwrap_or(fallback).to_string(),
        message,
        range: e.range(),
        line: e.line(),
    }
}

/// Renders the sources of the document (or of one objective).
pub fn render(
    doc: &Document,
    templates: &Templates,
    selection: &Selection,
) -> Result<Rendered, TemplateProblem> {
    let env = environment(templates)?;
    let mut files = Vec::new();
    let mut spans = BTreeMap::new();
    let mut render_one =
        |template: &str, path: String, ctx: Value| -> Result<(), TemplateProblem> {
            let t = env
                .get_template(template)
                .map_err(|e| template_problem(&e, template))?;
            let (text, s) = t
                .render_with_spans(ctx)
                .map_err(|e| template_problem(&e, template))?;
            spans.insert(path.clone(), s);
            files.push(SourceFile { path, text });
            Ok(())
        };
    let wanted = |id: &str| match selection {
        Selection::All => true,
        Selection::One(one) => one == id,
    };
    let doc_value = Value::from(minijinja::value::Serde(doc));
    let mut includes = Vec::new();
    for o in doc.managed.iter().filter(|o| wanted(&o.id)) {
        let path = format!("obiettivi/{}.typ", o.short);
        render_one(
            "gestionale.typ.j2",
            path.clone(),
            minijinja::context! { doc => doc_value.clone(), o => Value::from(minijinja::value::Serde(o)) },
        )?;
        includes.push(("gestionale", o.short.clone()));
    }
    for o in doc.services.iter().filter(|o| wanted(&o.id)) {
        let path = format!("obiettivi/{}.typ", o.short);
        render_one(
            "istituzionale.typ.j2",
            path.clone(),
            minijinja::context! { doc => doc_value.clone(), o => Value::from(minijinja::value::Serde(o)) },
        )?;
        includes.push(("istituzionale", o.short.clone()));
    }
    let preview = matches!(selection, Selection::One(_));
    render_one(
        "main.typ.j2",
        "main.typ".to_string(),
        minijinja::context! {
            doc => doc_value.clone(),
            preview => preview,
            managed => doc.managed.iter().filter(|o| wanted(&o.id)).map(|o| o.short.clone()).collect::<Vec<_>>(),
            services => doc.services.iter().filter(|o| wanted(&o.id)).map(|o| o.short.clone()).collect::<Vec<_>>(),
        },
    )?;
    files.push(SourceFile {
        path: STYLE_FILE.to_string(),
        text: templates.files.get(STYLE_FILE).cloned().unwrap_or_default(),
    });
    // main.typ first, then the style, then the objectives: a stable order.
    files.sort_by_key(|f| (f.path != "main.typ", f.path != STYLE_FILE, f.path.clone()));
    Ok(Rendered { files, spans })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(escape_markup("a#b"), "a\\#b");
        assert_eq!(escape_markup("= titolo"), "\\= titolo");
        assert_eq!(escape_markup("s@c on_line"), "s\\@c on\\_line");
        assert_eq!(escape_markup("> 3 %"), "\\> 3 \\%");
        assert_eq!(escape_markup("a\n\nb\tc"), "a b c");
        assert_eq!(escape_markup("l'Ente"), "l\\'Ente");
        assert_eq!(escape_markup("x\u{0}y"), "xy");
        assert_eq!(escape_markup("città €"), "città €");
        assert_eq!(escape_markup("30\u{a0}h"), "30\u{a0}h");
    }

    #[test]
    fn printed_values_are_typeset_then_escaped() {
        assert_eq!(markup("l'Ente"), "l’Ente");
        assert_eq!(markup("> 3 %"), "\\>\u{a0}3\u{a0}\\%");
        assert_eq!(markup("\\\\srv\\dati"), "#box[\\\\\\\\srv];#box();\\\\dati");
        assert_eq!(
            markup("https://a.it/b"),
            "https\\:#text(kerning: false)[\\/\\/];#box();a#box();\\.it#box();\\/b"
        );
    }

    #[test]
    fn string_literals_round_trip() {
        assert_eq!(string_literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}

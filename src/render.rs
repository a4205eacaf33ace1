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
    // Each objective's file: the template of its kind, with the document and the
    // objective as `o`.
    let managed: Vec<_> = doc.managed.iter().filter(|o| wanted(&o.id)).collect();
    let services: Vec<_> = doc.services.iter().filter(|o| wanted(&o.id)).collect();
    let objectives = managed
        .iter()
        .map(|o| {
            (
                "gestionale.typ.j2",
                &o.short,
                Value::from(minijinja::value::Serde(o)),
            )
        })
        .chain(services.iter().map(|o| {
            (
                "istituzionale.typ.j2",
                &o.short,
                Value::from(minijinja::value::Serde(o)),
            )
        }));
    for (template, short, o) in objectives {
        let ctx = minijinja::context! { doc => doc_value.clone(), o => o };
        render_one(template, format!("obiettivi/{short}.typ"), ctx)?;
    }
    let preview = matches!(selection, Selection::One(_));
    render_one(
        "main.typ.j2",
        "main.typ".to_string(),
        minijinja::context! {
            doc => doc_value.clone(),
            preview => preview,
            managed => managed.iter().map(|o| o.short.clone()).collect::<Vec<_>>(),
            services => services.iter().map(|o| o.short.clone()).collect::<Vec<_>>(),
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

/// For tests: the text of laid-out pages, run by run, where it was set.
#[cfg(test)]
pub(crate) mod pages {
    use typst::layout::{Frame, FrameItem, Transform};
    use typst_layout::PagedDocument;

    /// A run of text (one font, one size) and the place of its baseline's start.
    #[derive(Debug, Clone)]
    pub struct Run {
        /// Points from the page's left and top edges.
        pub x: f64,
        pub y: f64,
        /// Points.
        pub size: f64,
        pub text: String,
    }

    /// Lays out `files` (`main.typ` and what it imports) and returns their runs of text;
    /// a Typst error fails the test.
    pub fn lay_out(files: &[crate::typeset::SourceFile], date: chrono::NaiveDate) -> Vec<Run> {
        let engine = crate::typeset::Engine::new();
        engine.update(files);
        match engine.compile(date) {
            Ok((doc, _)) => runs(&doc),
            Err(problems) => panic!("{problems:?}"),
        }
    }

    /// Every run of text of the document, page after page, in the order it was laid out.
    pub fn runs(doc: &PagedDocument) -> Vec<Run> {
        let mut out = Vec::new();
        for page in doc.pages() {
            walk(&page.frame, Transform::identity(), &mut out);
        }
        out
    }

    fn walk(frame: &Frame, ts: Transform, out: &mut Vec<Run>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => {
                    let inner = ts
                        .pre_concat(Transform::translate(pos.x, pos.y))
                        .pre_concat(g.transform);
                    walk(&g.frame, inner, out);
                }
                FrameItem::Text(t) => {
                    let at = pos.transform(ts);
                    out.push(Run {
                        x: at.x.to_pt(),
                        y: at.y.to_pt(),
                        size: t.size.to_pt(),
                        text: t.text.to_string(),
                    });
                }
                _ => {}
            }
        }
    }
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

    /// Lays out `main` (with the bundled style) and returns its runs of text.
    fn lay_out(main: String) -> Vec<pages::Run> {
        let style = Templates::bundled().files[STYLE_FILE].clone();
        let files = [
            SourceFile {
                path: "main.typ".into(),
                text: main,
            },
            SourceFile {
                path: STYLE_FILE.into(),
                text: style,
            },
        ];
        pages::lay_out(&files, chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
    }

    /// The note of a cronoprogramma row spans every column but the phase's, whatever the
    /// monitoring dates and later years: the table counts its columns (piao passes no
    /// count). Too wide a span is a Typst error; too narrow, and the next row's phase
    /// number would stand to the right of the note, on its line.
    #[test]
    fn a_schedule_note_spans_the_row_whatever_the_columns() {
        for monitoring in 1..=3 {
            for later in 0..=2 {
                let cells: Vec<String> = std::iter::once("[p]".to_string())
                    .chain((0..12).map(|_| "[m]".to_string()))
                    .chain((0..monitoring).flat_map(|_| ["[t]".to_string(), "[]".to_string()]))
                    .chain((0..later).map(|_| "[l]".to_string()))
                    .collect();
                let list = |n: usize, cell: &str| {
                    (0..n).map(|_| format!("[{cell}], ")).collect::<String>()
                };
                let main = format!(
                    "#import \"stile.typ\": *\n#set page(flipped: true)\n\
                     #tabella-cronoprogramma([2024], ({}), ({}), ({}), (\n\
                     riga-cronoprogramma-nota([NUMERO], \"old\", [NOTA]),\n\
                     riga-cronoprogramma([DOPO], \"mod\", ({})),\n))\n",
                    list(12, "gen"),
                    list(monitoring, "31-lug"),
                    list(later, "2025"),
                    cells.join(", "),
                );
                let runs = lay_out(main);
                let find = |t: &str| {
                    runs.iter()
                        .find(|r| r.text == t)
                        .unwrap_or_else(|| panic!("{t} not laid out"))
                        .clone()
                };
                let (numero, nota, dopo) = (find("NUMERO"), find("NOTA"), find("DOPO"));
                let at = format!("{monitoring} monitoring dates, {later} later years");
                assert!(
                    nota.x > numero.x + 20.0,
                    "{at}: the note is not beside the phase"
                );
                assert!(dopo.x < nota.x, "{at}: the next row starts beside the note");
                assert!(
                    dopo.y > nota.y + 3.0,
                    "{at}: the next row is not below the note"
                );
                // Every cell of the next row is on one line: no cell moved up into the
                // note's row.
                let below = runs
                    .iter()
                    .filter(|r| ["p", "m", "t", "l"].contains(&r.text.as_str()));
                assert_eq!(below.clone().count(), 1 + 12 + monitoring + later, "{at}");
                assert!(below.clone().all(|r| r.y > nota.y + 3.0), "{at}");
            }
        }
    }
}

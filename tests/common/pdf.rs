//! Reads a PDF's pages back from its content streams: each glyph with its text (from
//! the fonts' `ToUnicode` maps), baseline origin, advance, size on the page and fill
//! colour, and the rectangles filled with the highlight colour of new words. Form
//! XObjects are followed. The layout audit (`layout.rs`) checks pages with what this
//! reads; `pdf-extract` gives only the text.

use std::collections::HashMap;
use std::path::Path;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

/// The ground of new words (`fondo-nuovo` in `templates/stile.typ`).
pub const HIGHLIGHT: [f32; 3] = [1.0, 241.0 / 255.0, 168.0 / 255.0];

/// Two colours are the same (within rounding).
pub fn close(a: [f32; 3], b: [f32; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.02)
}

/// One glyph as printed: its text, baseline origin and advance (points, y upwards), its
/// font size on the page and its fill colour.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub text: String,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub size: f32,
    pub color: [f32; 3],
}

/// One page: its size (points) and what is printed on it.
#[derive(Debug, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    /// Rectangles filled with the highlight colour of new words (x0, y0, x1, y1).
    pub highlights: Vec<[f32; 4]>,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` in PDF order (apply `a`, then `b`).
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

pub fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

pub fn nums(ops: &[Object]) -> Vec<f32> {
    ops.iter().map(num).collect()
}

pub fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

pub fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match deref(doc, o) {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// What is needed of a font to place and read its glyphs.
struct Font {
    to_unicode: HashMap<u32, String>,
    two_bytes: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

/// The hex strings (`<0041>`) of a CMap line.
fn hex_items(line: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let hex = &rest[start + 1..start + end];
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect();
        out.push(bytes);
        rest = &rest[start + end + 1..];
    }
    out
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn code(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |a, b| (a << 8) | *b as u32)
}

/// The `ToUnicode` map of a font: glyph code → text (bfchar and bfrange sections).
fn to_unicode(doc: &Document, d: &Dictionary) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    let Some(Object::Stream(s)) = d.get(b"ToUnicode").ok().map(|o| deref(doc, o)) else {
        return map;
    };
    let data = s
        .decompressed_content()
        .unwrap_or_else(|_| s.content.clone());
    let text = String::from_utf8_lossy(&data);
    let mut section = "";
    for line in text.lines() {
        let l = line.trim();
        if l.ends_with("beginbfchar") {
            section = "char";
            continue;
        } else if l.ends_with("beginbfrange") {
            section = "range";
            continue;
        } else if l.starts_with("end") {
            section = "";
            continue;
        }
        let items = hex_items(l);
        match section {
            "char" if items.len() >= 2 => {
                map.insert(code(&items[0]), utf16(&items[1]));
            }
            "range" if items.len() >= 3 => {
                let (lo, hi) = (code(&items[0]), code(&items[1]));
                if l.contains('[') {
                    for (k, dst) in items[2..].iter().enumerate() {
                        map.insert(lo + k as u32, utf16(dst));
                    }
                } else {
                    let base: Vec<u16> = items[2]
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                        .collect();
                    for (k, c) in (lo..=hi).enumerate() {
                        let mut units = base.clone();
                        if let Some(last) = units.last_mut() {
                            *last = last.wrapping_add(k as u16);
                        }
                        map.insert(c, String::from_utf16_lossy(&units));
                    }
                }
            }
            _ => {}
        }
    }
    map
}

fn font(doc: &Document, d: &Dictionary) -> Font {
    let to_unicode = to_unicode(doc, d);
    let subtype = d.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
    let mut widths = HashMap::new();
    let mut default_width = 1000.0;
    if subtype == b"Type0" {
        let desc = d
            .get(b"DescendantFonts")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| dict(doc, o));
        if let Some(desc) = desc {
            if let Ok(dw) = desc.get(b"DW") {
                default_width = num(deref(doc, dw));
            }
            if let Ok(w) = desc.get(b"W") {
                if let Ok(w) = deref(doc, w).as_array() {
                    let mut i = 0;
                    while i < w.len() {
                        let first = num(deref(doc, &w[i])) as u32;
                        match w.get(i + 1).map(|o| deref(doc, o)) {
                            Some(Object::Array(list)) => {
                                for (k, v) in list.iter().enumerate() {
                                    widths.insert(first + k as u32, num(deref(doc, v)));
                                }
                                i += 2;
                            }
                            Some(last) => {
                                let last = num(last) as u32;
                                let v = w.get(i + 2).map(|o| num(deref(doc, o))).unwrap_or(0.0);
                                for c in first..=last {
                                    widths.insert(c, v);
                                }
                                i += 3;
                            }
                            None => break,
                        }
                    }
                }
            }
        }
    } else {
        let first = d
            .get(b"FirstChar")
            .map(|o| num(deref(doc, o)) as u32)
            .unwrap_or(0);
        if let Ok(w) = d.get(b"Widths").and_then(|o| deref(doc, o).as_array()) {
            for (k, v) in w.iter().enumerate() {
                widths.insert(first + k as u32, num(deref(doc, v)));
            }
        }
        default_width = 0.0;
    }
    Font {
        to_unicode,
        two_bytes: subtype == b"Type0",
        widths,
        default_width,
    }
}

/// Graphics and text state while reading a content stream.
#[derive(Clone)]
struct State {
    ctm: Matrix,
    color: [f32; 3],
}

fn color_of(values: &[f32]) -> Option<[f32; 3]> {
    match values.len() {
        1 => Some([values[0]; 3]),
        3 => Some([values[0], values[1], values[2]]),
        4 => {
            let k = values[3];
            Some([
                (1.0 - values[0]) * (1.0 - k),
                (1.0 - values[1]) * (1.0 - k),
                (1.0 - values[2]) * (1.0 - k),
            ])
        }
        _ => None,
    }
}

/// Reads the glyphs of a content stream (and of the form XObjects it draws).
fn read_stream(
    doc: &Document,
    bytes: &[u8],
    resources: Option<&Dictionary>,
    start: Matrix,
    out: &mut Vec<Glyph>,
    highlights: &mut Vec<[f32; 4]>,
    depth: usize,
) {
    let Ok(content) = Content::decode(bytes) else {
        return;
    };
    let mut fonts: HashMap<Vec<u8>, Font> = HashMap::new();
    if let Some(fd) = resources
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|o| dict(doc, o))
    {
        for (name, f) in fd.iter() {
            if let Some(f) = dict(doc, f) {
                fonts.insert(name.clone(), font(doc, f));
            }
        }
    }
    let xobjects = resources
        .and_then(|r| r.get(b"XObject").ok())
        .and_then(|o| dict(doc, o));

    let mut stack: Vec<State> = Vec::new();
    let mut st = State {
        ctm: start,
        color: [0.0; 3],
    };
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let (mut tc, mut tw, mut th, mut tl, mut rise) = (0.0f32, 0.0f32, 1.0f32, 0.0f32, 0.0f32);
    let mut cur_font: Option<Vec<u8>> = None;
    let mut size = 0.0f32;
    // The points of the path being built (page space).
    let mut path: Vec<(f32, f32)> = Vec::new();
    let at = |ctm: &Matrix, x: f32, y: f32| {
        (
            ctm[0] * x + ctm[2] * y + ctm[4],
            ctm[1] * x + ctm[3] * y + ctm[5],
        )
    };

    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => stack.push(st.clone()),
            "Q" => {
                if let Some(s) = stack.pop() {
                    st = s;
                }
            }
            "cm" if o.len() == 6 => {
                let m = nums(o);
                st.ctm = mul(&[m[0], m[1], m[2], m[3], m[4], m[5]], &st.ctm);
            }
            "rg" | "g" | "k" | "sc" | "scn" => {
                let v: Vec<f32> = o
                    .iter()
                    .filter(|x| matches!(x, Object::Integer(_) | Object::Real(_)))
                    .map(num)
                    .collect();
                if let Some(c) = color_of(&v) {
                    st.color = c;
                }
            }
            "m" | "l" if o.len() == 2 => {
                let v = nums(o);
                path.push(at(&st.ctm, v[0], v[1]));
            }
            "c" if o.len() == 6 => {
                let v = nums(o);
                path.push(at(&st.ctm, v[4], v[5]));
            }
            "re" if o.len() == 4 => {
                let v = nums(o);
                path.push(at(&st.ctm, v[0], v[1]));
                path.push(at(&st.ctm, v[0] + v[2], v[1] + v[3]));
            }
            "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" | "S" | "s" => {
                let filled = op.operator != "n" && op.operator != "S" && op.operator != "s";
                if filled && close(st.color, HIGHLIGHT) && !path.is_empty() {
                    let xs = path.iter().map(|p| p.0);
                    let ys = path.iter().map(|p| p.1);
                    highlights.push([
                        xs.clone().fold(f32::MAX, f32::min),
                        ys.clone().fold(f32::MAX, f32::min),
                        xs.fold(f32::MIN, f32::max),
                        ys.fold(f32::MIN, f32::max),
                    ]);
                }
                path.clear();
            }
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "Tf" if o.len() == 2 => {
                cur_font = o[0].as_name().ok().map(<[u8]>::to_vec);
                size = num(&o[1]);
            }
            "Tc" => tc = o.first().map(num).unwrap_or(0.0),
            "Tw" => tw = o.first().map(num).unwrap_or(0.0),
            "Tz" => th = o.first().map(num).unwrap_or(100.0) / 100.0,
            "TL" => tl = o.first().map(num).unwrap_or(0.0),
            "Ts" => rise = o.first().map(num).unwrap_or(0.0),
            "Td" | "TD" if o.len() == 2 => {
                let v = nums(o);
                if op.operator == "TD" {
                    tl = -v[1];
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, v[0], v[1]], &tlm);
                tm = tlm;
            }
            "Tm" if o.len() == 6 => {
                let m = nums(o);
                tlm = [m[0], m[1], m[2], m[3], m[4], m[5]];
                tm = tlm;
            }
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -tl], &tlm);
                tm = tlm;
            }
            "Tj" | "TJ" | "'" | "\"" => {
                if op.operator == "'" || op.operator == "\"" {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -tl], &tlm);
                    tm = tlm;
                }
                let Some(f) = cur_font.as_ref().and_then(|n| fonts.get(n)) else {
                    continue;
                };
                let items: Vec<&Object> = match op.operator.as_str() {
                    "TJ" => o
                        .first()
                        .and_then(|a| a.as_array().ok())
                        .map(|a| a.iter().collect())
                        .unwrap_or_default(),
                    _ => o.last().into_iter().collect(),
                };
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            let step = if f.two_bytes { 2 } else { 1 };
                            for code_bytes in bytes.chunks(step) {
                                let code = code(code_bytes);
                                let text = f.to_unicode.get(&code).cloned().unwrap_or_default();
                                let w0 = f.widths.get(&code).copied().unwrap_or(f.default_width)
                                    / 1000.0;
                                let trm = mul(
                                    &[size * th, 0.0, 0.0, size, 0.0, rise],
                                    &mul(&tm, &st.ctm),
                                );
                                let scale = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
                                let xscale =
                                    (trm[0] * trm[0] + trm[1] * trm[1]).sqrt() / th.max(1e-6);
                                let space = if !f.two_bytes && code == 32 { tw } else { 0.0 };
                                let tx = (w0 * size + tc + space) * th;
                                out.push(Glyph {
                                    text,
                                    x: trm[4],
                                    y: trm[5],
                                    w: tx * xscale / size.max(1e-6),
                                    size: scale,
                                    color: st.color,
                                });
                                tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                            }
                        }
                        other => {
                            let tx = -num(other) / 1000.0 * size * th;
                            tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                        }
                    }
                }
            }
            "Do" if depth < 8 => {
                let Some(name) = o.first().and_then(|n| n.as_name().ok()) else {
                    continue;
                };
                let Some(Object::Stream(s)) = xobjects
                    .and_then(|x| x.get(name).ok())
                    .map(|x| deref(doc, x))
                else {
                    continue;
                };
                if s.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
                    continue;
                }
                let m = s
                    .dict
                    .get(b"Matrix")
                    .and_then(Object::as_array)
                    .map(|a| nums(a))
                    .unwrap_or_else(|_| IDENTITY.to_vec());
                let m = [m[0], m[1], m[2], m[3], m[4], m[5]];
                let res = s
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| dict(doc, r))
                    .or(resources);
                let data = s
                    .decompressed_content()
                    .unwrap_or_else(|_| s.content.clone());
                read_stream(
                    doc,
                    &data,
                    res,
                    mul(&m, &st.ctm),
                    out,
                    highlights,
                    depth + 1,
                );
            }
            _ => {}
        }
    }
}

/// Every page of the PDF at `path`, with its glyphs and highlights.
pub fn read_pdf(path: &Path) -> Vec<Page> {
    let doc = Document::load(path).expect("read the PDF");
    let mut pages = Vec::new();
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).expect("page");
        let media = page
            .get(b"MediaBox")
            .and_then(Object::as_array)
            .map(|a| nums(a))
            .expect("MediaBox");
        let resources = page.get(b"Resources").ok().and_then(|r| dict(&doc, r));
        let bytes = doc.get_page_content(id).expect("page content");
        let mut glyphs = Vec::new();
        let mut highlights = Vec::new();
        read_stream(
            &doc,
            &bytes,
            resources,
            IDENTITY,
            &mut glyphs,
            &mut highlights,
            0,
        );
        pages.push(Page {
            width: media[2] - media[0],
            height: media[3] - media[1],
            glyphs,
            highlights,
        });
    }
    pages
}

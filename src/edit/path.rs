//! Field paths: how a form names one value of a content file, e.g.
//! `fasi[2].cronoprogramma.dicembre` (indices count from 0, as in the file's order).
//!
//! The same path names a form field, the value an edit sets, and the field a problem of
//! `piao check` is shown next to.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::load::Seg;

/// A path to a value of a TOML file: keys and list positions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// Reads `fasi[2].cronoprogramma.dicembre`. Keys are letters, digits and `_` (a
    /// later year such as `2024` is a key too); `[n]` is a position in a list.
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        let bad = || format!("il percorso del campo «{text}» non è valido");
        let mut segs = Vec::new();
        if text.trim().is_empty() {
            return Ok(FieldPath(segs));
        }
        for part in text.split('.') {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty() && segs.is_empty() {
                return Err(bad());
            }
            if !key.is_empty() {
                if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(bad());
                }
                segs.push(Seg::Key(key.to_string()));
            } else if rest.is_empty() {
                return Err(bad());
            }
            while !rest.is_empty() {
                let close = rest.find(']').ok_or_else(bad)?;
                let n: usize = rest[1..close].parse().map_err(|_| bad())?;
                segs.push(Seg::Index(n));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(bad());
                }
            }
        }
        Ok(FieldPath(segs))
    }

    /// The path one step further.
    pub fn join(&self, seg: impl Into<Seg>) -> FieldPath {
        let mut segs = self.0.clone();
        segs.push(seg.into());
        FieldPath(segs)
    }

    /// The path without its last step, and that step.
    pub fn split_last(&self) -> Option<(FieldPath, &Seg)> {
        let (last, parent) = self.0.split_last()?;
        Some((FieldPath(parent.to_vec()), last))
    }

    /// The key of the path in the loader's value spans (`load::path_key`).
    pub fn span_key(&self) -> String {
        crate::load::path_key(&self.0)
    }

    /// The path whose span key is `key` (`load::path_key`'s segments, joined).
    pub fn from_span_key(key: &str) -> FieldPath {
        if key.is_empty() {
            return FieldPath::default();
        }
        let mut segs = Vec::new();
        for part in key.split('\u{1f}') {
            // Keys of the content files are never all digits except later years in a
            // cronoprogramma and phase numbers in `cronoprogrammi`, which come after a
            // key: a number after a list is a position.
            let after_key = matches!(segs.last(), Some(Seg::Key(k)) if k == "cronoprogramma" || k == "cronoprogrammi");
            match part.parse::<usize>() {
                Ok(n) if !after_key => segs.push(Seg::Index(n)),
                _ => segs.push(Seg::Key(part.to_string())),
            }
        }
        FieldPath(segs)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        FieldPath::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_and_print_the_same() {
        for text in [
            "titolo",
            "fasi[2].cronoprogramma.dicembre",
            "indicatori.quantita[0].atteso",
            "variazioni[1].modifiche[0].cronoprogrammi.5.novembre",
            "fasi[0].cronoprogramma.2024",
            "monitoraggi[1]",
        ] {
            let p = FieldPath::parse(text).unwrap();
            assert_eq!(p.to_string(), text);
        }
        let p = FieldPath::parse("fasi[2].cronoprogramma.dicembre").unwrap();
        assert_eq!(
            p.0,
            vec![
                Seg::Key("fasi".into()),
                Seg::Index(2),
                Seg::Key("cronoprogramma".into()),
                Seg::Key("dicembre".into())
            ]
        );
    }

    #[test]
    fn malformed_paths_are_refused() {
        for text in [
            "[0]", "fasi[", "fasi[x]", "fasi[1]x", "a..b", "a b", "../x", "a/b",
        ] {
            assert!(FieldPath::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn span_keys_go_both_ways() {
        for text in [
            "fasi[2].cronoprogramma.dicembre",
            "fasi[0].cronoprogramma.2024",
            "variazioni[0].modifiche[1].cronoprogrammi.5.marzo",
        ] {
            let p = FieldPath::parse(text).unwrap();
            assert_eq!(FieldPath::from_span_key(&p.span_key()), p, "{text}");
        }
    }
}

//! Fonts: the OFL typefaces in `fonts/`, embedded in the binary, and which characters
//! they can draw. The system's fonts are never used, so every machine makes the same PDF.

use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};

/// The bundled font files (Titillium Web, SIL Open Font License: `fonts/OFL-TitilliumWeb.txt`).
pub const FONT_FILES: &[(&str, &[u8])] = &[
    (
        "TitilliumWeb-Regular.ttf",
        include_bytes!("../fonts/TitilliumWeb-Regular.ttf"),
    ),
    (
        "TitilliumWeb-Italic.ttf",
        include_bytes!("../fonts/TitilliumWeb-Italic.ttf"),
    ),
    (
        "TitilliumWeb-SemiBold.ttf",
        include_bytes!("../fonts/TitilliumWeb-SemiBold.ttf"),
    ),
    (
        "TitilliumWeb-SemiBoldItalic.ttf",
        include_bytes!("../fonts/TitilliumWeb-SemiBoldItalic.ttf"),
    ),
    (
        "TitilliumWeb-Bold.ttf",
        include_bytes!("../fonts/TitilliumWeb-Bold.ttf"),
    ),
    (
        "TitilliumWeb-BoldItalic.ttf",
        include_bytes!("../fonts/TitilliumWeb-BoldItalic.ttf"),
    ),
];

/// The bundled fonts, ready for Typst.
pub fn bundled() -> Vec<Font> {
    FONT_FILES
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect()
}

/// The characters the regular face can draw (the other faces cover the same set).
pub struct Coverage {
    infos: Vec<FontInfo>,
}

impl Coverage {
    pub fn bundled() -> Coverage {
        Coverage {
            infos: FONT_FILES
                .iter()
                .take(1)
                .flat_map(|(_, data)| FontInfo::iter(data).collect::<Vec<_>>())
                .collect(),
        }
    }

    /// Whether `c` can be drawn. Spaces and line breaks always can.
    pub fn contains(&self, c: char) -> bool {
        c.is_whitespace() || self.infos.iter().any(|i| i.coverage.contains(c as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_what_italian_documents_need() {
        let cov = Coverage::bundled();
        for c in "àèéìòùÀÈÉÌÒÙ€’«»“”–—…≥≤%°@".chars() {
            assert!(cov.contains(c), "{c}");
        }
        assert!(!cov.contains('→'));
        assert!(!cov.contains('漢'));
        assert_eq!(bundled().len(), FONT_FILES.len());
    }
}

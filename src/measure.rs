//! Narrow columns: how wide the scheda's narrow columns are, and how wide a word is set
//! in the bundled font. One measure for both sides: the templates size the columns from
//! [`Column::width_em`] (through the view), and `check` warns that a word may leave its
//! cell only when this measure says the typeset word is wider than the column.
//!
//! Widths are in em of the text the column holds, so they hold at any text size. A word
//! is measured in the bold face (a changed value is printed bold, the widest case).
//! An amount in millions may break after a thousands point (see
//! [`crate::text::amount_groups`]), so only its widest group must fit.

use std::sync::OnceLock;

/// A narrow column of the scheda: the field it shows and its width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// The TOML key of the field shown there.
    pub key: &'static str,
    /// The column's width, in em of its text.
    pub width_em: f64,
    /// The cell's inset on each side, in em of its text (4 pt at 9 pt, 4 pt at 8 pt).
    pub inset_em: f64,
}

impl Column {
    /// The width a word has inside the cell.
    pub fn inner_em(&self) -> f64 {
        self.width_em - 2.0 * self.inset_em
    }
}

/// ATTESO in the indicator tables of a gestionale (9 pt text).
pub const ATTESO: Column = Column {
    key: "atteso",
    width_em: 9.0,
    inset_em: 4.0 / 9.0,
};
/// RAGGIUNTO and Scost. in the indicator tables of a gestionale (9 pt text).
pub const RAGGIUNTO: Column = Column {
    key: "raggiunto",
    width_em: 6.6,
    inset_em: 4.0 / 9.0,
};
/// The target and past-year columns of a service's indicator table (8 pt text).
pub const TARGET: Column = Column {
    key: "target",
    width_em: 6.6,
    inset_em: 4.0 / 8.0,
};
/// The past-year columns of a service's indicator table (8 pt text).
pub const STORICO: Column = Column {
    key: "storico",
    width_em: 6.6,
    inset_em: 4.0 / 8.0,
};
/// U.M. of a service's indicator table (8 pt text).
pub const UM: Column = Column {
    key: "um",
    width_em: 5.5,
    inset_em: 4.0 / 8.0,
};

/// Every measured column.
pub const COLUMNS: &[Column] = &[ATTESO, RAGGIUNTO, TARGET, STORICO, UM];

/// The measured column that shows the field `key`, if any.
pub fn column(key: &str) -> Option<Column> {
    COLUMNS.iter().copied().find(|c| c.key == key)
}

/// The bold face of the bundled font.
fn bold() -> Option<&'static ttf_parser::Face<'static>> {
    static BOLD: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    BOLD.get_or_init(|| {
        crate::fonts::FONT_FILES
            .iter()
            .find(|(name, _)| *name == "TitilliumWeb-Bold.ttf")
            .and_then(|(_, data)| ttf_parser::Face::parse(data, 0).ok())
    })
    .as_ref()
}

/// How wide `word` is set in the bold face, in em (a character the font lacks counts
/// as one em: it is reported elsewhere).
pub fn word_em(word: &str) -> f64 {
    let Some(face) = bold() else {
        return word.chars().count() as f64 * 0.6;
    };
    let per_em = f64::from(face.units_per_em());
    word.chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(1.0, |units| f64::from(units) / per_em)
        })
        .sum()
}

/// The piece of `word` that must fit on one line of the cell: the word, or the widest
/// group of an amount in millions (it may break after a thousands point).
pub fn widest_piece(word: &str) -> &str {
    match crate::text::amount_groups(word) {
        Some(groups) => groups
            .into_iter()
            .max_by(|a, b| word_em(a).total_cmp(&word_em(b)))
            .unwrap_or(word),
        None => word,
    }
}

/// Whether `word`, printed in the column of the field `key`, would run out of its cell
/// (`None` for a field that is not in a measured column).
pub fn overflows(key: &str, word: &str) -> Option<bool> {
    let c = column(key)?;
    Some(word_em(widest_piece(word)) > c.inner_em())
}

/// About how many characters like those of `word` fit on one line of the column of
/// `key` (for the message that says so).
pub fn fitting_chars(key: &str, word: &str) -> usize {
    let (Some(c), chars) = (column(key), word.chars().count()) else {
        return 0;
    };
    let per_char = word_em(word) / chars.max(1) as f64;
    if per_char <= 0.0 {
        return chars;
    }
    (c.inner_em() / per_char).floor() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_millions_fit_the_atteso_column() {
        assert_eq!(overflows("atteso", "1.234.567,89"), Some(false));
        assert_eq!(overflows("atteso", "1.000.000.000.000,00"), Some(false));
        assert_eq!(overflows("atteso", "€"), Some(false));
        // A word as wide as the column does not fit.
        assert_eq!(overflows("atteso", "ABCDEFGHIJKLMNOPQRSTUVW"), Some(true));
        assert_eq!(overflows("descrizione", "ABCDEFGHIJKLMNOPQRSTUVW"), None);
    }

    #[test]
    fn words_are_measured_in_the_bundled_font() {
        assert!(bold().is_some());
        // Digits are narrower than capitals; a point narrower than a digit.
        assert!(word_em("0000") < word_em("MMMM"));
        assert!(word_em(".") < word_em("0"));
        let w = word_em("1.234.567,89");
        assert!(w > 4.0 && w < 7.0, "{w}");
    }
}

//! Names written by hand in many places: when two writings are the same name.
//!
//! People, sezioni, direzioni and assessori are typed again in every scheda, and the
//! same name ends up written two ways: "De Lotto Annapaola" and "De Lotto Anna Paola",
//! "D'AMICO" and "DAMICO", "GIUFFRE'" and "GIUFFRÈ", "Achilli Livia" and "Achilli Livia
//! Ilaria", "Verde strade…" and "Verde, strade…". This module says how two writings
//! relate ([`likeness`]); the checks across schede (`crate::check::across`) use it.
//!
//! A name written all in capitals is the same as any writing of the same letters with
//! capitals and lowercase: staff tables write "ERBA PAOLO" for "Erba Paolo" by
//! convention, and that is not a second spelling.

/// How two writings of a name relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Likeness {
    /// The same writing (or one is the other in capitals).
    Same,
    /// The same letters once case, accents, apostrophes, punctuation and spaces are
    /// set aside: "Anna Paola" / "Annapaola", "D'AMICO" / "DAMICO".
    Spelling,
    /// One has every word of the other, in the same order, plus some more; they start
    /// with the same word and the shorter has at least two: "Achilli Livia" / "Achilli
    /// Livia Ilaria".
    MissingWord,
    /// Different names.
    Different,
}

/// The words of a name, in capitals, without accents, apostrophes or punctuation.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        let c = unaccented(c);
        if c.is_alphanumeric() {
            word.extend(c.to_uppercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// What is left of a name once case, accents, apostrophes, punctuation and spaces are
/// set aside: two writings with the same key are the same name.
pub fn key(name: &str) -> String {
    words(name).concat()
}

/// True when the text has letters and none of them is lowercase.
pub fn all_capitals(name: &str) -> bool {
    name.chars().any(char::is_alphabetic) && !name.chars().any(char::is_lowercase)
}

/// True when every word is written in lowercase or with only its first letter in
/// capitals ("Erba Paolo", "D'Amico", "gestione servizi"): a name as normally written,
/// which a table may write all in capitals. "ROSSi" or "BellaGamba" are not.
pub fn regular_case(name: &str) -> bool {
    name.split(|c: char| !c.is_alphabetic()).all(|word| {
        let mut letters = word.chars();
        letters.next();
        !letters.any(char::is_uppercase)
    })
}

/// True when `a` and `b` are the same writing, or one is the other, written the usual
/// way, in capitals.
pub fn same_writing(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a == b
        || (all_capitals(a) && regular_case(b) && a == b.to_uppercase())
        || (all_capitals(b) && regular_case(a) && b == a.to_uppercase())
}

/// How `a` and `b` relate (see [`Likeness`]).
pub fn likeness(a: &str, b: &str) -> Likeness {
    if same_writing(a, b) {
        return Likeness::Same;
    }
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return Likeness::Different;
    }
    if wa.concat() == wb.concat() {
        return Likeness::Spelling;
    }
    if missing_words(&wa, &wb) || missing_words(&wb, &wa) {
        return Likeness::MissingWord;
    }
    Likeness::Different
}

/// True when `short` (at least two words) is `long` with some words left out, the first
/// word kept.
pub fn missing_words(short: &[String], long: &[String]) -> bool {
    if short.len() < 2 || short.len() >= long.len() || short[0] != long[0] {
        return false;
    }
    let mut rest = long.iter();
    short.iter().all(|w| rest.any(|l| l == w))
}

/// The letter without its accent (Latin letters used in Italian names and places).
fn unaccented(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ç' => 'c',
        'Ç' => 'C',
        'ñ' => 'n',
        'Ñ' => 'N',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn capitals_are_the_same_name() {
        assert_eq!(likeness("ERBA PAOLO", "Erba Paolo"), Likeness::Same);
        assert_eq!(likeness("D'AMICO SARA", "D'Amico Sara"), Likeness::Same);
        assert_eq!(likeness(" Erba Paolo ", "Erba Paolo"), Likeness::Same);
        assert_eq!(likeness("ERBA PAOLO", "erba paolo"), Likeness::Same);
        // A slip of the caps lock is not the capitals of a name.
        assert_eq!(likeness("ERBA PAOLO", "ERBa PAOLO"), Likeness::Spelling);
        assert_eq!(likeness("ERBA PAOLO", "ErBa Paolo"), Likeness::Spelling);
    }

    #[test]
    fn the_issues_spellings_are_spellings() {
        for (a, b) in [
            ("De Lotto Annapaola", "De Lotto Anna Paola"),
            ("D'AMICO SARA", "DAMICO SARA"),
            ("GIUFFRE' TINDARA", "GIUFFRÈ TINDARA"),
            (
                "Verde, strade, gestione servizi e reti",
                "Verde strade gestione servizi e reti",
            ),
            (
                "Verde, strade, gestione servizi e reti",
                "Verde, strade, Gestione Servizi e Reti",
            ),
        ] {
            assert_eq!(likeness(a, b), Likeness::Spelling, "{a} / {b}");
        }
    }

    #[test]
    fn missing_words_are_found() {
        for (a, b) in [
            ("Achilli Livia", "Achilli Livia Ilaria"),
            (
                "Verde strade gestione servizi",
                "Verde, strade, gestione servizi e reti",
            ),
            ("Micheli Paolo Giovanni", "Micheli Paolo Giovanni - Sindaco"),
        ] {
            assert_eq!(likeness(a, b), Likeness::MissingWord, "{a} / {b}");
            assert_eq!(likeness(b, a), Likeness::MissingWord, "{b} / {a}");
        }
    }

    #[test]
    fn different_names_are_different() {
        for (a, b) in [
            ("Erba Paolo", "Erba Paola"),
            ("Erba", "Erba Paolo"),
            ("Rossi Maria", "Bianchi Maria"),
            ("Stella Gabriella", "Brambilla Gabriella"),
            ("Affari generali", "Servizi demografici"),
            ("", "Rossi"),
        ] {
            assert_eq!(likeness(a, b), Likeness::Different, "{a} / {b}");
        }
    }

    #[test]
    fn words_drop_accents_and_punctuation() {
        assert_eq!(words("D'Amico  Sàra"), ["D", "AMICO", "SARA"]);
        assert_eq!(key("Verde, strade"), "VERDESTRADE");
        assert!(all_capitals("GIUFFRE' TINDARA"));
        assert!(!all_capitals("Giuffrè"));
        assert!(!all_capitals("123"));
    }

    fn name() -> impl Strategy<Value = String> {
        prop::collection::vec("[A-Z][a-z]{2,8}", 2..5).prop_map(|w| w.join(" "))
    }

    proptest! {
        /// Every writing is like itself, and the relation does not depend on the order.
        #[test]
        fn likeness_is_reflexive_and_symmetric(a in name(), b in name()) {
            prop_assert_eq!(likeness(&a, &a), Likeness::Same);
            prop_assert_eq!(likeness(&a, &b), likeness(&b, &a));
        }

        /// Dropping spaces, adding an apostrophe or an accent, or changing the case of a
        /// letter gives a spelling of the same name (or the same writing in capitals).
        #[test]
        fn respellings_are_spellings(a in name(), which in 0usize..4) {
            let b = match which {
                0 => a.replacen(' ', "", 1),
                1 => a.replacen(' ', "' ", 1),
                2 => a.replacen('a', "à", 1).replacen('e', "è", 1),
                _ => a.to_lowercase(),
            };
            prop_assume!(b != a);
            prop_assert_eq!(likeness(&a, &b), Likeness::Spelling);
        }

        /// Leaving out any word but the first gives a missing word.
        #[test]
        fn a_left_out_word_is_a_missing_word(a in name(), at in 1usize..4) {
            let w: Vec<&str> = a.split(' ').collect();
            prop_assume!(w.len() > 2 && at < w.len());
            let mut short = w.clone();
            short.remove(at);
            prop_assume!(words(&short.join(" ")).concat() != words(&a).concat());
            prop_assert_eq!(likeness(&short.join(" "), &a), Likeness::MissingWord);
        }
    }
}

//! What gestionali and istituzionali share: their kind, and the header of the scheda.
//!
//! The two kinds of objective are two file formats ([`Managed`], [`Service`]), but the
//! list, the checks, the organisation file and the open data read the same things of
//! both: the N. scheda, the title, direzione, sezione and the people at its head, the
//! action and the changes requested. [`Objective`] gives them, so that each of those
//! is written once for both kinds.

use toml::Spanned;

use super::{Action, Managed, Person, RawGroup, Service, Staff};

/// The two kinds of objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An obiettivo gestionale (a file in `gestionali/`).
    Managed,
    /// An obiettivo istituzionale, a service (a file in `istituzionali/`).
    Service,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Managed, Kind::Service];

    /// The folder of its files in the content folder.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Managed => crate::load::MANAGED_DIR,
            Kind::Service => crate::load::SERVICES_DIR,
        }
    }

    /// The word messages, the list and the open data use: "gestionale", "istituzionale".
    pub fn name(self) -> &'static str {
        match self {
            Kind::Managed => "gestionale",
            Kind::Service => "istituzionale",
        }
    }

    /// The letter of its short names (`g06`, `i16`).
    pub fn letter(self) -> char {
        match self {
            Kind::Managed => 'g',
            Kind::Service => 'i',
        }
    }

    /// The short name of scheda `numero` of this kind: `g06`, `i16`.
    pub fn short_name(self, numero: u32) -> String {
        format!("{}{numero:02}", self.letter())
    }
}

/// The header of a scheda: the fields both kinds write at their top, in this order.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    /// The key of the title in the file: `titolo`, or `servizio` for a service.
    pub title_key: &'static str,
    pub title: &'a str,
    pub direzione: &'a str,
    pub sezione: &'a str,
    pub missione: &'a str,
    pub programma: &'a str,
    pub assessore: &'a Person,
    pub dirigente: &'a Person,
    pub responsabile: &'a Person,
}

/// The fields of a header that the organisation file may give (see
/// `crate::check::organisation`), to be written in.
pub struct HeaderMut<'a> {
    pub direzione: &'a mut String,
    pub assessore: &'a mut Person,
    pub dirigente: &'a mut Person,
    pub responsabile: &'a mut Person,
}

/// An objective of either kind.
pub trait Objective {
    /// Which kind it is.
    const KIND: Kind;
    /// The N. scheda (unique among the objectives of its kind).
    fn numero(&self) -> &Spanned<u32>;
    fn header(&self) -> Header<'_>;
    fn header_mut(&mut self) -> HeaderMut<'_>;
    /// Whether the scheda belongs to one sezione: not one of every direzione
    /// (`intersettoriale`), whose header fields are labels, not names.
    fn has_section(&self) -> bool {
        true
    }
    /// Whether the P.O./responsabile must be named with cognome and nome (the request
    /// shows the cognome).
    fn names_responsabile(&self) -> bool {
        self.has_section()
    }
    /// The action requested: a service is always modified.
    fn action(&self) -> Action {
        Action::Modificare
    }
    /// The changes requested, by motivazione.
    fn changes(&self) -> &[RawGroup];
    /// How many changes are requested, in all.
    fn change_count(&self) -> usize {
        self.changes().iter().map(|g| g.modifiche.len()).sum()
    }
    /// Its short name: `g06`, `i16`.
    fn short_name(&self) -> String {
        Self::KIND.short_name(*self.numero().get_ref())
    }
    /// The staff involved (a service has no staff table).
    fn staff(&self) -> &[Staff] {
        &[]
    }
    fn staff_mut(&mut self) -> &mut [Staff] {
        &mut []
    }
}

/// What both kinds write under the same keys: the N. scheda, the header (the title
/// under `$title_key`) and the changes.
macro_rules! shared_fields {
    ($title_key:literal, $title:ident) => {
        fn numero(&self) -> &Spanned<u32> {
            &self.numero
        }
        fn header(&self) -> Header<'_> {
            Header {
                title_key: $title_key,
                title: &self.$title,
                direzione: &self.direzione,
                sezione: &self.sezione,
                missione: &self.missione,
                programma: &self.programma,
                assessore: &self.assessore,
                dirigente: &self.dirigente,
                responsabile: &self.responsabile,
            }
        }
        fn header_mut(&mut self) -> HeaderMut<'_> {
            HeaderMut {
                direzione: &mut self.direzione,
                assessore: &mut self.assessore,
                dirigente: &mut self.dirigente,
                responsabile: &mut self.responsabile,
            }
        }
        fn changes(&self) -> &[RawGroup] {
            &self.variazioni
        }
    };
}

impl Objective for Managed {
    const KIND: Kind = Kind::Managed;
    shared_fields!("titolo", titolo);
    fn has_section(&self) -> bool {
        !self.intersettoriale
    }
    fn action(&self) -> Action {
        *self.azione.get_ref()
    }
    fn staff(&self) -> &[Staff] {
        &self.personale
    }
    fn staff_mut(&mut self) -> &mut [Staff] {
        &mut self.personale
    }
}

impl Objective for Service {
    const KIND: Kind = Kind::Service;
    shared_fields!("servizio", servizio);
    /// A service's responsabile is always named: the request shows the cognome.
    fn names_responsabile(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_have_two_digits_at_least() {
        assert_eq!(Kind::Managed.short_name(6), "g06");
        assert_eq!(Kind::Service.short_name(16), "i16");
        assert_eq!(Kind::Service.short_name(123), "i123");
    }

    #[test]
    fn kinds_sort_as_their_names() {
        // `piao list` and the page of `piao serve` sort by kind, then number.
        assert!(Kind::Managed < Kind::Service);
        assert!(Kind::Managed.name() < Kind::Service.name());
    }
}

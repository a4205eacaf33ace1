//! Eliminating a whole management objective. It is not a `[[variazioni.modifiche]]`:
//! the file says `azione = "eliminare"` and gives the `motivazione`, with no
//! `[[variazioni]]` (checked in `crate::check`). Its documentation, its open-data row and
//! the wording of its request are said here, next to the other kinds.

use super::{Exported, Field, Scope, Spec};
use crate::model::Managed;

/// The documentation of the kind, for the README's catalogue.
pub const SPEC: Spec = Spec {
    name: "eliminare_obiettivo",
    doc: "eliminare l'intero obiettivo: nel file `azione = \"eliminare\"` e la `motivazione`, senza `[[variazioni]]`; la scheda resta, intestata OBIETTIVO GESTIONALE ELIMINATO",
    scope: Scope::Managed,
    fields: &[
        Field::required("azione", "\"eliminare\"", "\"eliminare\""),
        Field::required(
            "motivazione",
            "perché l'obiettivo si elimina",
            "\"…\"",
        ),
    ],
    example: "Censimento del verde; Tavoli permanenti",
};

/// The request's line for an eliminated objective.
pub const REQUEST: &str = "ELIMINARE OBIETTIVO";

/// Its open-data row: the objective's title as the value eliminated.
pub fn export(o: &Managed) -> Exported {
    Exported {
        object: "obiettivo".into(),
        approved: crate::text::collapse(&o.titolo),
        amended: String::new(),
    }
}

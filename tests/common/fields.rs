//! A content folder of one objective whose printed fields are placeholders (`@TITOLO@`,
//! …): the injection test (`injection.rs`) and the fuzz target `render`
//! (`fuzz/fuzz_targets/render.rs`, which includes this file) fill them with strings.

/// The annex of the folder.
pub const ANNEX: &str = r#"ente = "Comune di Prova"
anno_inizio = 2030
anno_fine = 2032
data_documento = 2030-10-15
monitoraggi = [2030-07-31, 2030-12-31]
"#;

/// One objective whose fields under test are placeholders.
pub const OBJECTIVE: &str = r#"numero = 1
titolo = @TITOLO@
direzione = "Direzione Prova"
sezione = "Sezione Prova"
assessore = "Rossi Maria"
dirigente = "Bianchi Luca"
responsabile = { cognome = "Verdi", nome = "Anna" }
missione = "01 Missione"
programma = "02 Programma"
obiettivo_strategico = "Strategico"
obiettivo_operativo = "Operativo"
progetto = "Progetto"
finalita = "Finalità"
orizzonte_temporale = "2030"
descrizione = "Descrizione."
azione = "modificare"

[[fasi]]
numero = 1
descrizione = @FASE@
cronoprogramma = { gennaio = 50, febbraio = 50 }

[[fasi]]
numero = 2
descrizione = "seconda fase"
cronoprogramma = { marzo = 100 }

[[indicatori.quantita]]
id = "pratiche"
descrizione = "numero di pratiche"
atteso = @ATTESO@

[[personale]]
categoria = "D"
nome = @NOME@
partecipazione = 100

[[variazioni]]
motivazione = @MOTIVAZIONE@

[[variazioni.modifiche]]
tipo = "eliminare_fase"
fase = 2
"#;

/// The fields under test: placeholder, and whether the field is prose (paragraphs and
/// `*emphasis*`, whose marks are layout, not text).
pub const FIELDS: &[(&str, bool)] = &[
    ("@TITOLO@", false),
    ("@FASE@", false),
    ("@ATTESO@", false),
    ("@NOME@", false),
    ("@MOTIVAZIONE@", true),
];

/// What a reader sees of a field's value.
pub fn shown(value: &str, prose: bool) -> String {
    if prose {
        piao::text::prose(value)
            .iter()
            .map(|p| piao::text::flatten(p))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        value.to_string()
    }
}

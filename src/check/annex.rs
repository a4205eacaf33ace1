//! `allegato.toml` and `formazione.toml`: the plan's years, the dates, the training section.

use super::*;

pub(super) fn check_annex(
    annex: &Loaded<Annex>,
    sources: &Sources,
    report: &mut Report,
) -> Option<(Plan, Vec<NaiveDate>)> {
    let a = &annex.data;
    let f = annex.file;
    let at = At { file: f, sources };
    let plan = Plan {
        first: *a.anno_inizio.get_ref(),
        last: *a.anno_fine.get_ref(),
    };
    required_text(
        &a.ente,
        "il nome dell'ente è vuoto",
        at,
        path!["ente"],
        report,
    );
    let mut plausible = true;
    for year in [&a.anno_inizio, &a.anno_fine] {
        if !PLAUSIBLE_YEARS.contains(year.get_ref()) {
            report.push(
                Diagnostic::error(format!("l'anno {} non è plausibile", year.get_ref()))
                    .at(f, year.span())
                    .hint("scrivi l'anno per intero, per esempio 2023"),
            );
            plausible = false;
        }
    }
    if !plausible {
        // Every later check counts on the plan's years.
        return None;
    }
    if plan.last < plan.first {
        report.push(
            Diagnostic::error(format!(
                "l'anno finale {} viene prima dell'anno iniziale {}",
                plan.last, plan.first
            ))
            .at(f, a.anno_fine.span())
            .also(f, a.anno_inizio.span(), "anno iniziale"),
        );
        return None;
    } else if plan.year_count() > 5 {
        report.push(
            Diagnostic::warning(format!(
                "un piano di {} anni: il PIAO è triennale",
                plan.year_count()
            ))
            .at(f, a.anno_fine.span()),
        );
    }
    let doc_year = a.data_documento.get_ref().0.year();
    if doc_year < plan.first - 1 || doc_year > plan.last {
        report.push(
            Diagnostic::warning(format!(
                "la data del documento ({}) è lontana dagli anni del piano {}-{}",
                crate::format::date_dotted(a.data_documento.get_ref().0),
                plan.first,
                plan.last
            ))
            .at(f, a.data_documento.span())
            .hint("è la data della deliberazione: compare nei metadati del PDF"),
        );
    }
    let mut dates = Vec::new();
    if a.monitoraggi.get_ref().is_empty() {
        report.push(
            Diagnostic::error("serve almeno una data di monitoraggio").at(f, a.monitoraggi.span()),
        );
    }
    for d in a.monitoraggi.get_ref() {
        let date = d.get_ref().0;
        if date.year() != plan.first {
            report.push(
                Diagnostic::error(format!(
                    "la data di monitoraggio {} non è nel primo anno del piano ({})",
                    crate::format::date_dotted(date),
                    plan.first
                ))
                .at(f, d.span())
                .hint("il cronoprogramma riporta i mesi del primo anno: i target al monitoraggio si calcolano su quelli"),
            );
        }
        if dates.last().is_some_and(|prev| *prev >= date) {
            report.push(
                Diagnostic::error("le date di monitoraggio vanno in ordine, senza ripetizioni")
                    .at(f, d.span()),
            );
        }
        dates.push(date);
    }
    Some((plan, dates))
}

pub(super) fn check_training(t: &Loaded<Training>, sources: &Sources, report: &mut Report) {
    let at = At {
        file: t.file,
        sources,
    };
    let d = &t.data;
    required_text(
        &d.sezione,
        "il campo `sezione` è vuoto",
        at,
        path!["sezione"],
        report,
    );
    required_text(
        &d.titolo,
        "il campo `titolo` è vuoto",
        at,
        path!["titolo"],
        report,
    );
    required_text(
        &d.testo,
        "il campo `testo` è vuoto",
        at,
        path!["testo"],
        report,
    );
    for (i, table) in d.tabelle.iter().enumerate() {
        required_text(
            &table.titolo,
            "il titolo della tabella è vuoto",
            at,
            path!["tabelle", i, "titolo"],
            report,
        );
        for (j, c) in table.corsi.iter().enumerate() {
            for (value, key) in [
                (&c.macroarea, "macroarea"),
                (&c.area_intervento, "area_intervento"),
                (&c.aree_dipendenti, "aree_dipendenti"),
                (&c.numero_dipendenti, "numero_dipendenti"),
                (&c.motivazione, "motivazione"),
            ] {
                if value.trim().is_empty() {
                    report.push(
                        Diagnostic::warning(format!("il campo `{key}` del corso è vuoto"))
                            .at(t.file, at.span(path!["tabelle", i, "corsi", j, key]))
                            .label("nella tabella la cella resterebbe vuota"),
                    );
                }
            }
        }
    }
}

/// Reads the emblem named in `allegato.toml`: a PNG, JPEG or SVG file inside the content
/// folder, with a description.
pub(super) fn check_emblem(
    annex: &Loaded<Annex>,
    dir: &std::path::Path,
    sources: &Sources,
    report: &mut Report,
) -> Option<EmblemImage> {
    let e = annex.data.stemma.as_ref()?;
    let at = At {
        file: annex.file,
        sources,
    };
    required_text(
        &e.descrizione,
        "lo stemma non ha una descrizione (serve a chi non vede l'immagine)",
        at,
        path!["stemma", "descrizione"],
        report,
    );
    let name = std::path::Path::new(e.file.trim());
    let inside = !e.file.trim().is_empty()
        && name
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    let fail = |message: String, report: &mut Report| {
        report.push(
            Diagnostic::error(message)
                .at(at.file, at.span(path!["stemma", "file"]))
                .hint("lo stemma è un file PNG, JPEG o SVG nella cartella dei contenuti, es. `file = \"stemma.svg\"`"),
        );
        None
    };
    if !inside {
        return fail(
            format!(
                "il file dello stemma `{}` non è nella cartella dei contenuti",
                e.file
            ),
            report,
        );
    }
    // Read as the content files are: a regular file inside the content folder (no link
    // out of it, no pipe or device), its size known before a byte is read.
    let bytes = match crate::load::files::read_within(dir, &dir.join(name), MAX_EMBLEM_BYTES) {
        Ok(b) => b,
        Err(why) => {
            return fail(
                format!("il file dello stemma `{}` {why}", e.file.trim()),
                report,
            )
        }
    };
    let format = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "jpg"
    } else if std::str::from_utf8(&bytes).is_ok_and(|t| t.contains("<svg")) {
        "svg"
    } else {
        return fail(
            format!(
                "il file dello stemma `{}` non è un'immagine PNG, JPEG o SVG",
                e.file
            ),
            report,
        );
    };
    Some(EmblemImage {
        format,
        bytes,
        alt: e.descrizione.trim().to_string(),
    })
}

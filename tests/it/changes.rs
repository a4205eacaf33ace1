//! Applying each kind of change: the request lines and the tracked scheda that
//! `view::build` derives from one content folder using every change in the catalogue.

use crate::common;

use piao::pipeline;
use piao::text::{flatten, Mark, Segment};
use piao::view::{self, Document, Profile, RequestGroup, RequestItem, RowState};

/// The lines of a cell, split at its line breaks (a changed value: the approved one, then
/// the new one).
fn cell_lines(segs: &[Segment]) -> Vec<String> {
    segs.split(|s| s.k == Mark::Break).map(flatten).collect()
}

fn document() -> Document {
    document_of("tests/fixtures/tutte-le-modifiche")
}

/// The text of the PDF that `piao build` makes of a content folder.
fn built_text(dir: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("allegato.pdf");
    let o = common::piao(&["build", "--content", dir, "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    common::pdf_text(&out)
}

/// The view of a content folder (relative to the repository root).
fn document_of(dir: &str) -> Document {
    let dir = common::root().join(dir);
    let checking = pipeline::load_and_check(&dir, true).unwrap();
    assert_eq!(checking.report.errors(), 0);
    let checked = checking.checked.expect("content is valid");
    view::build(&checked, &piao::apply::apply(&checked), Profile::Complete)
}

/// Every request of a document, with the objective's short name.
fn requests(doc: &Document) -> Vec<(&str, &[RequestGroup])> {
    doc.managed
        .iter()
        .map(|m| (m.short.as_str(), m.request.as_slice()))
        .chain(
            doc.services
                .iter()
                .map(|s| (s.short.as_str(), s.request.as_slice())),
        )
        .collect()
}

/// The items of a request, group after group.
fn items(request: &[RequestGroup]) -> impl Iterator<Item = &RequestItem> {
    request.iter().flat_map(|g| &g.items)
}

/// A request's lines as printed (prefix and text), item by item.
fn item_lines(i: &RequestItem) -> Vec<String> {
    i.lines
        .iter()
        .map(|l| format!("{}{}", l.prefix, flatten(&l.text)))
        .collect()
}

fn lines(doc: &Document) -> Vec<String> {
    items(&doc.managed[0].request)
        .flat_map(|i| {
            i.lines
                .iter()
                .map(|l| format!("{}{}", l.prefix, flatten(&l.text)))
        })
        .collect()
}

#[test]
fn time_change_moves_the_phase_and_is_labelled() {
    let doc = document();
    let o = &doc.managed[0];
    assert!(lines(&doc).contains(&"VARIAZIONE TEMPORALE:POSTICIPARE AL 2031".to_string()));
    // Phase 5: the approved row struck, the new one marked, in the later-year column.
    let rows: Vec<_> = o.schedule.iter().filter(|r| r.numero == "5").collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].state, RowState::Approved);
    assert_eq!(rows[0].months[5], "100%");
    assert_eq!(rows[1].state, RowState::Changed);
    assert!(rows[1].months.iter().all(|m| m.is_empty()));
    assert_eq!(rows[1].later, vec!["100%".to_string(), String::new()]);
    // Its targets at the monitoring dates are now empty (nothing scheduled this year).
    assert_eq!(rows[1].targets, vec![String::new(), String::new()]);
}

#[test]
fn targets_at_monitoring_dates_are_sums_of_months() {
    let doc = document();
    let row = doc.managed[0]
        .schedule
        .iter()
        .find(|r| r.numero == "1")
        .unwrap();
    // Monitoring at 30 September and 31 December: 25 + 25, then 25 + 25 + 50.
    assert_eq!(row.targets, vec!["50%".to_string(), "100%".to_string()]);
    assert_eq!(doc.monitoring[0].abbr, "30-set");
}

#[test]
fn removed_replaced_and_reworded_phases_are_tracked() {
    let doc = document();
    let o = &doc.managed[0];
    // The phase table, column by column (left column first).
    let mut cells: Vec<_> = o.phase_rows.iter().map(|r| &r[0]).collect();
    cells.extend(o.phase_rows.iter().map(|r| &r[1]));
    let phase = |n: &str| -> Vec<_> { cells.iter().filter(|p| p.numero == n).collect() };
    assert_eq!(phase("2")[0].state, RowState::Removed);
    assert!(phase("2")[0].text.iter().all(|s| s.k == Mark::Deleted));
    let three = phase("3");
    assert_eq!(
        (three[0].state, three[1].state),
        (RowState::Removed, RowState::New)
    );
    assert_eq!(flatten(&three[1].text), "terza fase nuova");
    let four = phase("4")[0];
    assert_eq!(four.state, RowState::Changed);
    // The approved text struck through as one run, a line break, then the new text.
    assert_eq!(four.text[0].k, Mark::Deleted);
    assert_eq!(four.text[1].k, Mark::Break);
    let inserted: String = four
        .text
        .iter()
        .filter(|s| s.k == Mark::Inserted)
        .map(|s| s.t.as_str())
        .collect();
    assert_eq!(inserted, "avvio della");
    // The request shows the replaced phase's period, derived from its schedule.
    let l = lines(&doc);
    assert!(
        l.contains(&"stesso periodo temporale: 1.4-30.4".to_string()),
        "{l:#?}"
    );
    assert!(
        l.contains(&"Fase 2:“seconda fase da eliminare”".to_string()),
        "{l:#?}"
    );
}

#[test]
fn indicator_changes_are_tracked() {
    let doc = document();
    let groups = &doc.managed[0].indicators;
    let q = &groups[0].rows;
    assert_eq!(q[0].state, RowState::Removed);
    assert_eq!(q[1].state, RowState::Changed);
    assert_eq!(
        flatten(&q[1].text).split_whitespace().last(),
        Some("concluse")
    );
    let t = &groups[1].rows[0];
    assert_eq!(t.state, RowState::Changed);
    assert_eq!(t.expected[0].k, Mark::Deleted);
    assert_eq!(cell_lines(&t.expected), ["100%", "90%"]);
    let quality = &groups[3].rows;
    assert_eq!(quality.len(), 1);
    assert_eq!(quality[0].state, RowState::New);
}

#[test]
fn totals_are_derived() {
    let doc = document();
    let o = &doc.managed[0];
    assert_eq!(o.staff_total, "100,00%");
    assert_eq!(o.staff[0].partecipazione, "62,50%");
    assert_eq!(o.resources_total, "1.200,50 € + da determinare");
    assert_eq!(o.resources[1].costo, "da determinare");
    assert_eq!(o.responsabile, "VERDI");
    assert_eq!(doc.managed_list[0].azione, "MODIFICARE");
}

#[test]
fn service_changes_are_tracked_and_requested() {
    let doc = document();
    let s = &doc.services[0];
    assert_eq!(
        s.history_labels,
        vec!["a.s. 2026/2027", "a.s. 2027/2028", "a.s. 2028/2029"]
    );
    assert_eq!(s.target_labels[0], "target a.s. 2029/2030");
    let states: Vec<_> = s.indicators.iter().map(|i| i.state).collect();
    assert_eq!(
        states,
        vec![
            RowState::Changed,
            RowState::New,
            RowState::Removed,
            RowState::Changed
        ]
    );
    assert_eq!(cell_lines(&s.indicators[0].targets[2]), ["5 gg.", "10 gg."]);
    let acts: Vec<_> = s
        .activities
        .iter()
        .map(|a| (a.state, flatten(&a.text)))
        .collect();
    assert_eq!(acts[1], (RowState::New, "attività nuova".to_string()));
    assert_eq!(acts[2].0, RowState::Removed);
    let request: Vec<String> = items(&s.request)
        .flat_map(|i| i.lines.iter().map(|l| flatten(&l.text)))
        .collect();
    assert!(
        request
            .contains(&"Target approvato a.s. 2029/2030, 2030/2031, 2031/2032: 5 gg.".to_string()),
        "{request:#?}"
    );
    assert!(
        request.contains(&"Nuovo target a.s. 2029/2030, 2030/2031, 2031/2032: 10 gg.".to_string())
    );
    assert!(request.contains(&"AGGIUNGERE ATTIVITÀ ISTITUZIONALE".to_string()));
    let headings: Vec<_> = items(&s.request)
        .filter_map(|i| i.heading.as_deref())
        .collect();
    assert!(
        headings.contains(&"Attività istituzionali:"),
        "{headings:?}"
    );
}

#[test]
fn fixture_builds_to_pdf() {
    let text = built_text("tests/fixtures/tutte-le-modifiche");
    assert!(text.contains("Comune di Prova"));
    assert!(!text.contains("Segrate"));
}

#[test]
fn one_time_change_gives_each_phase_its_schedule_and_a_day_of_the_first_year() {
    let doc = document();
    let o = &doc.managed[0];
    let l = lines(&doc);
    // Written as the office writes it: no year added to a day of the first year.
    assert!(
        l.contains(&"VARIAZIONE TEMPORALE:PROLUNGARE AL 31.10".to_string()),
        "{l:#?}"
    );
    // The label is said once for both phases, each with its own new period.
    assert_eq!(
        l.iter()
            .filter(|x| x.contains("PROLUNGARE AL 31.10"))
            .count(),
        1
    );
    assert!(
        l.contains(&"Nuovo periodo della fase 6: 1.7-31.10".to_string()),
        "{l:#?}"
    );
    assert!(
        l.contains(&"Nuovo periodo della fase 7: 1.7-31.10".to_string()),
        "{l:#?}"
    );
    // Each phase: the approved months (struck), then its own new months (an extension
    // keeps the approved ones: phase 7 spreads over four months, phase 6 over two).
    /// A phase, a month it had approved, and its new months with their shares.
    type Own<'a> = (&'a str, usize, &'a [(usize, &'a str)]);
    let own: [Own; 2] = [
        ("6", 6, &[(6, "50%"), (7, ""), (8, ""), (9, "50%")]),
        ("7", 6, &[(6, "25%"), (7, "25%"), (8, "25%"), (9, "25%")]),
    ];
    for (n, approved, new) in own {
        let rows: Vec<_> = o.schedule.iter().filter(|r| r.numero == n).collect();
        assert_eq!(rows.len(), 2, "phase {n}");
        assert_eq!(rows[0].state, RowState::Approved);
        assert!(!rows[0].months[approved].is_empty(), "phase {n}");
        assert_eq!(rows[1].state, RowState::Changed);
        for (m, percent) in new {
            assert_eq!(rows[1].months[*m], *percent, "phase {n}, month {m}");
        }
    }
}

#[test]
fn a_change_is_listed_under_the_heading_of_its_group() {
    let doc = document();
    let items: Vec<_> = items(&doc.managed[0].request).collect();
    let cost = items
        .iter()
        .find(|i| {
            i.lines
                .iter()
                .any(|l| flatten(&l.text).contains("spesa per pratica"))
        })
        .expect("the cost indicator's change");
    assert_eq!(cost.subheading.as_deref(), Some("Indici di Costo:"));
    let time = items
        .iter()
        .find(|i| {
            i.lines
                .iter()
                .any(|l| flatten(&l.text).contains("Rispetto fasi e tempi"))
        })
        .expect("the time indicator's change");
    assert_eq!(time.subheading.as_deref(), Some("Indici di Tempo:"));
}

#[test]
fn a_target_change_may_give_each_plan_year_its_target() {
    let doc = document();
    let s = &doc.services[0];
    let row = s
        .indicators
        .iter()
        .find(|r| flatten(&r.text) == "ore di formazione per addetto")
        .expect("indicator i3");
    let cells: Vec<Vec<String>> = row.targets.iter().map(|t| cell_lines(t)).collect();
    assert_eq!(
        cells,
        [
            ["≥ 20 h", "≥ 24 h"],
            ["≥ 20 h", "≥ 30 h"],
            ["≥ 20 h", "≥ 30 h"]
        ]
    );
    let request: Vec<String> = items(&s.request)
        .flat_map(|i| i.lines.iter().map(|l| flatten(&l.text)))
        .collect();
    for line in [
        "Target approvato a.s. 2029/2030, 2030/2031, 2031/2032: ≥ 20 h",
        "Nuovo target a.s. 2029/2030: ≥ 24 h",
        "Nuovo target a.s. 2030/2031: ≥ 30 h",
        "Nuovo target a.s. 2031/2032: ≥ 30 h",
    ] {
        assert!(request.contains(&line.to_string()), "{line}: {request:#?}");
    }
}

#[test]
fn a_quoted_text_with_quotes_of_its_own_is_quoted_with_guillemets() {
    let dir = common::copy_with(
        "tests/fixtures/tutte-le-modifiche",
        &[(
            "gestionali/g01-prova.toml",
            "descrizione = \"seconda fase da eliminare\"",
            "descrizione = \"seconda fase: la \\\"movida\\\"\"",
        )],
    );
    let checking = pipeline::load_and_check(dir.path(), true).unwrap();
    let checked = checking.checked.expect("valid");
    let doc = view::build(&checked, &piao::apply::apply(&checked), Profile::Complete);
    let l = lines(&doc);
    assert!(
        l.contains(&"Fase 2:«seconda fase: la \"movida\"»".to_string()),
        "{l:#?}"
    );
}

/// The request's changes are numbered 1, 2, … in the order printed (when there are
/// several), and each variation's motivazione follows its own changes, says
/// "Motivazione:" for one change and names its changes' numbers for several.
fn assert_motivazioni_name_their_changes(doc: &Document) {
    for (short, groups) in requests(doc) {
        let total: usize = groups.iter().map(|g| g.items.len()).sum();
        let mut next = 1;
        for g in groups {
            let numbers: Vec<Option<usize>> = g.items.iter().map(|i| i.number).collect();
            if total == 1 {
                assert_eq!(numbers, vec![None], "{short}");
            } else {
                let expected: Vec<Option<usize>> = (next..next + g.items.len()).map(Some).collect();
                assert_eq!(numbers, expected, "{short}: changes numbered in order");
            }
            let label = match g.items.len() {
                1 => "Motivazione:".to_string(),
                2 => format!("Motivazione (per le modifiche {} e {}):", next, next + 1),
                3 => format!(
                    "Motivazione (per le modifiche {}, {} e {}):",
                    next,
                    next + 1,
                    next + 2
                ),
                n => format!(
                    "Motivazione (per le modifiche da {next} a {}):",
                    next + n - 1
                ),
            };
            assert_eq!(g.motivation_label, label, "{short}");
            next += g.items.len();
        }
    }
}

#[test]
fn a_motivazione_shared_by_several_changes_names_them() {
    for dir in [
        "tests/fixtures/tutte-le-modifiche",
        "tests/fixtures/comune-di-valbruna",
        "content",
    ] {
        assert_motivazioni_name_their_changes(&document_of(dir));
    }
    // The fixture's "indicatori" variation: four changes under three indicator groups,
    // its motivazione after the last of them, naming all four.
    let doc = document();
    let g = doc.managed[0]
        .request
        .iter()
        .find(|g| flatten(&g.motivation[0]) == "indicatori")
        .unwrap();
    let subheadings: Vec<_> = g
        .items
        .iter()
        .filter_map(|i| i.subheading.as_deref())
        .collect();
    assert_eq!(
        subheadings,
        [
            "Indici di Quantità:",
            "Indici di Tempo:",
            "Indici di Qualità:"
        ]
    );
    assert_eq!(
        g.motivation_label,
        "Motivazione (per le modifiche da 6 a 9):"
    );
    // Bundled scheda 8: "collegato alla fase 2" is the reason of both indicator changes.
    let doc = document_of("content");
    let g08 = doc.managed.iter().find(|m| m.numero == 8).unwrap();
    let last = g08.request.last().unwrap();
    assert_eq!(flatten(&last.motivation[0]), "collegato alla fase 2");
    assert_eq!(last.items.len(), 2);
    assert_eq!(
        last.motivation_label,
        "Motivazione (per le modifiche 2 e 3):"
    );
    assert_eq!(g08.request[0].motivation_label, "Motivazione:");
}

#[test]
fn indicator_changes_are_requested_in_the_scheda_order_of_their_groups() {
    let doc = document_of("tests/fixtures/comune-di-valbruna");
    let subheadings = |n: u32| -> Vec<String> {
        let m = doc.managed.iter().find(|m| m.numero == n).unwrap();
        items(&m.request)
            .filter_map(|i| i.subheading.clone())
            .collect()
    };
    // Written Costo, Tempo, Qualità (g03) and Tempo, Quantità (g05).
    assert_eq!(
        subheadings(3),
        ["Indici di Tempo:", "Indici di Costo:", "Indici di Qualità:"]
    );
    assert_eq!(subheadings(5), ["Indici di Quantità:", "Indici di Tempo:"]);
}

#[test]
fn a_new_target_quotes_the_indicator_as_reworded() {
    let doc = document_of("content");
    let i08 = doc.services.iter().find(|s| s.numero == 8).unwrap();
    let items: Vec<Vec<String>> = items(&i08.request).map(item_lines).collect();
    let retarget = items
        .iter()
        .find(|l| l[0] == "VARIAZIONE TARGET" && l[1].contains("tessere"))
        .expect("the new target of the tessere indicator");
    assert!(
        retarget[1].starts_with("Indicatore (come riformulato):“N. tessere elettorali richieste"),
        "{retarget:#?}"
    );
    // Only the rewording quotes the approved text.
    let approved = "N. tessere richieste on line";
    assert_eq!(
        items
            .iter()
            .filter(|l| l.iter().any(|x| x.contains(approved)))
            .count(),
        1
    );
    // A target change of an indicator that is not reworded quotes it as approved.
    assert!(items
        .iter()
        .any(|l| l[1] == "Indicatore:“N. CIE emesse /n. postazioni”"));
}

#[test]
fn target_lines_name_the_years_as_the_scheda_columns_do() {
    let doc = document_of("tests/fixtures/comune-di-valbruna");
    let i11 = doc.services.iter().find(|s| s.numero == 11).unwrap();
    assert_eq!(i11.target_labels[0], "target a.s. 2024/2025");
    let l: Vec<String> = items(&i11.request).flat_map(item_lines).collect();
    assert!(
        l.contains(&"Target a.s. 2024/2025, 2025/2026, 2026/2027: ≥ 36 h".to_string()),
        "{l:#?}"
    );
    assert!(!l.iter().any(|x| x.contains("2025/2026/2027")), "{l:#?}");
    // A service in calendar years keeps the reference's "2025/2026/2027".
    let i04 = doc.services.iter().find(|s| s.numero == 4).unwrap();
    assert_eq!(i04.target_labels[0], "Target 2025");
    let l: Vec<String> = items(&i04.request).flat_map(item_lines).collect();
    assert!(
        l.contains(&"Nuovo target 2025/2026/2027: ≥ 30 h".to_string()),
        "{l:#?}"
    );
}

#[test]
fn a_unit_written_as_a_dash_is_not_requested() {
    let doc = document();
    let s = &doc.services[0];
    let added = items(&s.request)
        .map(item_lines)
        .find(|l| l[0] == "AGGIUNGERE INDICATORE")
        .unwrap();
    assert!(!added.iter().any(|l| l.starts_with("U.M.")), "{added:#?}");
    // The scheda keeps the dash in its U.M. column, as the reference does.
    let row = s
        .indicators
        .iter()
        .find(|r| flatten(&r.text) == "nuovo indicatore")
        .unwrap();
    assert_eq!(row.um, "-");
}

#[test]
fn valbruna_requests_read_as_decided() {
    let text = built_text("tests/fixtures/comune-di-valbruna");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        // i04: the reason of removing the markets' service and of adding the checks.
        "4. AGGIUNGERE ATTIVITÀ ISTITUZIONALE",
        "Motivazione (per le modifiche 3 e 4): i mercati sono gestiti dal 2025",
        // g05: Quantità before Tempo, one motivazione for both.
        "4. AGGIUNGERE INDICATORE",
        "5. VARIAZIONE VALORE ATTESO",
        "Motivazione (per le modifiche 4 e 5): con la nuova piattaforma",
        // g05: a phase moved into 2026 and the horizon asked with it.
        "3. VARIAZIONE ORIZZONTE TEMPORALE Orizzonte temporale approvato: “2025 Annuale” Nuovo orizzonte temporale: 2025 - 2026 Pluriennale",
        "Motivazione (per le modifiche 2 e 3): la chiusura dello sportello cartaceo",
        // g03: a single change still reads "Motivazione:".
        "Motivazione: precisazione del contenuto della formazione",
        "Motivazione (per le modifiche 5, 6 e 7):",
        // i11: school years.
        "Target a.s. 2024/2025, 2025/2026, 2026/2027: ≥ 36 h",
    ] {
        assert!(flat.contains(expected), "missing {expected:?}");
    }
    // g05: the Quantità group is requested before the Tempo group.
    let q = flat
        .find("4. AGGIUNGERE INDICATORE Nuovo indicatore: “diritti di segreteria")
        .unwrap();
    let t = flat
        .find("5. VARIAZIONE VALORE ATTESO Indicatore: “tempo medio di istruttoria")
        .unwrap();
    assert!(q < t);
}

/// Where the content has no approved schedule for changed phases (g13 phases 4-10, as in
/// the reference), one APPROVATA row says so in words for the whole run, then each new
/// row; a removed phase without its months (g21 phase 7) keeps a row that says it is
/// removed.
#[test]
fn missing_approved_schedules_are_said_in_words_once_per_run() {
    let doc = document_of("content");
    let rows = |short: &str| {
        let m = doc
            .managed
            .iter()
            .find(|m| m.short == short)
            .unwrap_or_else(|| panic!("{short} not found"));
        m.schedule
            .iter()
            .map(|r| (r.numero.clone(), r.state, r.note.clone()))
            .collect::<Vec<_>>()
    };
    let g13 = rows("g13");
    let notes: Vec<_> = g13.iter().filter(|r| r.2.is_some()).collect();
    assert_eq!(notes.len(), 1, "{g13:?}");
    let (numero, state, note) = notes[0];
    assert_eq!((numero.as_str(), *state), ("4-10", RowState::Approved));
    assert!(note
        .as_deref()
        .unwrap()
        .contains("delle fasi 4-10 non riportato"));
    let after: Vec<_> = g13
        .iter()
        .skip_while(|r| r.2.is_none())
        .skip(1)
        .map(|r| (r.0.as_str(), r.1))
        .collect();
    let expected: Vec<(String, RowState)> = (4..=10)
        .map(|n| (n.to_string(), RowState::Changed))
        .collect();
    assert_eq!(
        after,
        expected
            .iter()
            .map(|(n, s)| (n.as_str(), *s))
            .collect::<Vec<_>>()
    );
    let g21 = rows("g21");
    let seven: Vec<_> = g21.iter().filter(|r| r.0 == "7").collect();
    assert_eq!(seven.len(), 2, "{g21:?}");
    assert_eq!(seven[0].1, RowState::Removed);
    assert!(seven[0].2.as_deref().unwrap().starts_with("fase eliminata"));
    assert_eq!((seven[1].1, seven[1].2.is_none()), (RowState::New, true));
}

//! Snapshots of the generated Typst source for one eliminated, one modified and one
//! institutional objective: a template or view change shows up as a reviewable diff.
//! Also: the COSTO RISORSE total when costs are "da determinare", a per-year target
//! change in its request, and the warning for changes that outgrow the horizon.

use crate::common;

use std::path::Path;

use piao::model::Cost;
use piao::pipeline;
use piao::render::{self, Selection, Templates};
use piao::view::{self, Profile};

fn source_of(id: &str, short: &str) -> String {
    source_in(&common::root().join("content"), id, short)
}

/// The generated source of the objective `id` of the content in `dir`.
fn source_in(dir: &Path, id: &str, short: &str) -> String {
    let checking = pipeline::load_and_check(dir, false).unwrap();
    let checked = checking.checked.expect("bundled content is valid");
    let doc = view::build(&checked, &piao::apply::apply(&checked), Profile::Complete);
    let rendered = render::render(&doc, &Templates::bundled(), &Selection::One(id.into())).unwrap();
    let path = format!("obiettivi/{short}.typ");
    rendered
        .files
        .into_iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not generated"))
        .text
}

#[test]
fn eliminated_objective_source() {
    insta::assert_snapshot!(source_of("g07-tavoli-permanenti", "g07"));
}

#[test]
fn modified_objective_source() {
    insta::assert_snapshot!(source_of("g06-patto-educativo", "g06"));
}

#[test]
fn institutional_objective_source() {
    insta::assert_snapshot!(source_of("i16-contratti", "i16"));
}

/// The lines of `source` from the first that starts with `from` to the first after it
/// that starts with `to` (included).
fn lines_between(source: &str, from: &str, to: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(from))
        .unwrap_or_else(|| panic!("no line starting with {from:?}"));
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.starts_with(to))
            .unwrap_or_else(|| panic!("no line starting with {to:?}"));
    lines[start..=end].join("\n")
}

/// COSTO RISORSE never hides an unknown cost: "… € + da determinare", or only "da
/// determinare" when no resource has an amount (g13 of the bundled annex has four).
#[test]
fn resources_total_with_costs_to_be_determined() {
    let amount = |s: &str| Some(Cost::Amount(s.parse().unwrap()));
    let tbd = Some(Cost::ToBeDetermined);
    let cases: Vec<(&str, Vec<Option<Cost>>)> = vec![
        ("due importi", vec![amount("8000"), amount("750")]),
        (
            "importi e una da determinare",
            vec![amount("8000"), amount("750"), tbd],
        ),
        ("quattro da determinare", vec![tbd; 4]),
        (
            "un importo nullo e una da determinare",
            vec![amount("0"), tbd],
        ),
        ("una senza costo e una da determinare", vec![None, tbd]),
        ("nessuna risorsa", vec![]),
    ];
    let mut out: String = cases
        .iter()
        .map(|(name, costs)| format!("{name}: {}\n", view::resources_total(costs)))
        .collect();
    out.push_str("\ng13 (allegato incluso):\n");
    out.push_str(&lines_between(
        &source_of("g13-variante-pgt", "g13"),
        "#tabella-risorse(",
        "), [",
    ));
    insta::assert_snapshot!(out);
}

/// A per-year target change names only the years that change, and the scheda strikes
/// the approved target only there.
#[test]
fn per_year_target_request() {
    let file = "istituzionali/i04-polizia-locale.toml";
    // Approved "≥ 30 h" every year; the change lowers the first year only.
    let dir = common::copy_with(
        "tests/fixtures/comune-di-valbruna",
        &[
            (
                file,
                "storico = [\"18 h\", \"20 h\", \"24 h\"]\ntarget = \"≥ 24 h\"",
                "storico = [\"18 h\", \"20 h\", \"24 h\"]\ntarget = \"≥ 30 h\"",
            ),
            (
                file,
                "indicatore = \"pattuglie-h\"\ntarget = \"≥ 30 h\"",
                "indicatore = \"pattuglie-h\"\ntarget = [\"≥ 24 h\", \"≥ 30 h\", \"≥ 30 h\"]",
            ),
        ],
    );
    let source = source_in(dir.path(), "i04-polizia-locale", "i04");
    let request = lines_between(
        &source,
        "#riga-etichetta-richiesta(numero: 1)",
        "#motivazione",
    );
    let row = source
        .lines()
        .find(|l| l.starts_with("  ([") && l.contains("ore di pattuglia"))
        .expect("the indicator's row in the scheda")
        .to_string();
    insta::assert_snapshot!(format!("{request}\n\nscheda:\n{row}"));
}

/// A copy of the errori fixture whose g13 states the horizon «2023» while its request
/// moves phases 4-10 into 2024: the folder, g13's path and its text.
fn g13_with_horizon_2023() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let g13 = "gestionali/g13-variante-pgt.toml";
    let dir = common::copy_with(
        "tests/fixtures/errori/base",
        &[(
            g13,
            "orizzonte_temporale = \"2023 - 2024\"",
            "orizzonte_temporale = \"2023\"",
        )],
    );
    let file = dir.path().join(g13);
    let text = std::fs::read_to_string(&file).unwrap();
    (dir, file, text)
}

/// A change that moves phases past the scheda's orizzonte temporale is a warning at the
/// change, suggesting to change the horizon in the same request.
#[test]
fn horizon_outgrown_by_a_change() {
    let (dir, _, _) = g13_with_horizon_2023();
    let checking = pipeline::load_and_check(dir.path(), false).unwrap();
    let shown = piao::diag::render(&checking.report, &checking.sources, false)
        .replace(&dir.path().display().to_string(), "content");
    assert!(checking.checked.is_some(), "{shown}");
    assert!(shown.contains("oltre l'orizzonte temporale"), "{shown}");
    insta::assert_snapshot!(shown);
}

/// Asked in the same request, a `variazione_orizzonte` takes the warning away: the
/// scheda shows the approved horizon struck and the new one, and the request states it.
#[test]
fn horizon_changed_in_the_same_request() {
    let (dir, file, text) = g13_with_horizon_2023();
    let change = "al = 2024-12-31\ncronoprogramma = { 2024 = 100 }\n";
    assert_eq!(text.matches(change).count(), 1);
    let text = text.replace(
        change,
        &format!("{change}\n[[variazioni.modifiche]]\ntipo = \"variazione_orizzonte\"\norizzonte = \"2023 - 2024\"\n"),
    );
    std::fs::write(&file, &text).unwrap();
    let checking = pipeline::load_and_check(dir.path(), false).unwrap();
    let shown = piao::diag::render(&checking.report, &checking.sources, false);
    assert!(checking.checked.is_some(), "{shown}");
    assert!(!shown.contains("orizzonte"), "{shown}");

    // A horizon that still falls short keeps the warning, pointing at the change asked.
    std::fs::write(
        &file,
        text.replace("orizzonte = \"2023 - 2024\"", "orizzonte = \"2023 - 2023\""),
    )
    .unwrap();
    let checking = pipeline::load_and_check(dir.path(), false).unwrap();
    let short = piao::diag::render(&checking.report, &checking.sources, false);
    assert!(
        short.contains("oltre l'orizzonte temporale chiesto nella richiesta («2023 - 2023»)"),
        "{short}"
    );
    std::fs::write(&file, &text).unwrap();

    let source = source_in(dir.path(), "g13-variante-pgt", "g13");
    let header = source
        .lines()
        .find(|l| l.contains("Orizzonte Temporale:"))
        .expect("the horizon's row of the scheda")
        .to_string();
    let start = source
        .find("VARIAZIONE ORIZZONTE")
        .expect("the request line");
    let request: String = source[start..]
        .lines()
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(format!("{header}\n\nrichiesta:\n{request}"));
}

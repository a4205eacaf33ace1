//! Snapshots of the generated Typst source for one eliminated, one modified and one
//! institutional objective: a template or view change shows up as a reviewable diff.

mod common;

use piao::pipeline;
use piao::render::{self, Selection, Templates};
use piao::view::{self, Profile};

fn source_of(id: &str, short: &str) -> String {
    let checking = pipeline::load_and_check(&common::root().join("content"), false).unwrap();
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

//! Fuzz target: arbitrary bytes as a content file, through load → check → view →
//! templates, and the diagnostics rendered. Nothing may panic, whatever the bytes.
//!
//! The first byte chooses the file: a management objective, a service, the annex or
//! the training plan; the others are valid, so that check and view run when the fuzzed
//! file is valid too.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use piao::check;
use piao::diag::{self, Report, Sources};
use piao::load::{self, Content};
use piao::model::{Annex, Managed, Service, Training};
use piao::render::{self, Selection, Templates};
use piao::view::{self, Profile};

const ANNEX: &str = include_str!("../../tests/fixtures/errori/base/allegato.toml");
const MANAGED: &str =
    include_str!("../../tests/fixtures/errori/base/gestionali/g06-patto-educativo.toml");
const SERVICE: &str =
    include_str!("../../tests/fixtures/errori/base/istituzionali/i16-contratti.toml");
const TRAINING: &str = include_str!("../../tests/fixtures/errori/base/formazione.toml");

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let mut sources = Sources::default();
    let mut report = Report::default();
    let which = which % 4;
    let pick = |n: u8, own: &str| -> Vec<u8> {
        if which == n {
            bytes.to_vec()
        } else {
            own.as_bytes().to_vec()
        }
    };
    let annex = load::parse_bytes::<Annex>(
        Path::new("allegato.toml"),
        &pick(0, ANNEX),
        &mut sources,
        &mut report,
    );
    let managed = load::parse_bytes::<Managed>(
        Path::new("gestionali/g06.toml"),
        &pick(1, MANAGED),
        &mut sources,
        &mut report,
    );
    let service = load::parse_bytes::<Service>(
        Path::new("istituzionali/i16.toml"),
        &pick(2, SERVICE),
        &mut sources,
        &mut report,
    );
    let training = load::parse_bytes::<Training>(
        Path::new("formazione.toml"),
        &pick(3, TRAINING),
        &mut sources,
        &mut report,
    );
    let content = Content {
        dir: Path::new("content").to_path_buf(),
        annex,
        managed: managed.into_iter().collect(),
        services: service.into_iter().collect(),
        training,
        organisation: None,
        annex_dates: None,
    };
    let checked = check::check(&content, &sources, &mut report);
    report.sort();
    let _ = diag::render(&report, &sources, false);
    let _ = diag::render(&report, &sources, true);
    if let Some(checked) = checked {
        assert_eq!(report.errors(), 0);
        let applied = piao::apply::apply(&checked);
        let doc = view::build(&checked, &applied, Profile::Complete);
        let _ = view::build(&checked, &applied, Profile::Albo);
        // Checked content must always render.
        render::render(&doc, &Templates::bundled(), &Selection::All)
            .expect("checked content renders");
    } else {
        assert!(report.errors() > 0, "refused without an error");
    }
});

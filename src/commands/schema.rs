//! `piao schema`: write the JSON Schemas of the content files (generated from the model's
//! types, see `crate::model::schema`), for editors with TOML language support.

use std::path::Path;

use super::*;
use crate::model::schema::FILES;

pub fn run(out_dir: &Path, quiet: bool) -> i32 {
    for file in FILES {
        if let Err(e) = publish::write_atomic(&out_dir.join(file.name), file.json().as_bytes()) {
            return fail_io(&e);
        }
    }
    if !quiet {
        crate::errln!(
            "piao schema: scritti {} schemi JSON in {} ({})",
            FILES.len(),
            out_dir.display(),
            FILES.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        );
    }
    OK
}

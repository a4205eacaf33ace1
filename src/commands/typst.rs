//! `piao typst`: write the generated Typst sources, for debugging and measuring.

use std::path::Path;

use super::*;

pub fn run(arg: &ContentArg, out_dir: &Path, objective: Option<String>, quiet: bool) -> i32 {
    let out_dir = match crate::output::folder(out_dir, &protected(arg)) {
        Ok(d) => d,
        Err(e) => return fail_io(&e),
    };
    let out_dir = out_dir.as_path();
    let templates = match templates(arg) {
        Ok(t) => t,
        Err(e) => return fail_io(&e),
    };
    let mut checking = match load_checked(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(checked) = checking.checked.clone() else {
        print_report(&checking.report, &checking.sources);
        return CONTENT_ERRORS;
    };
    let selection = match &objective {
        None => Selection::All,
        Some(o) => match resolve_objective(&checking, o) {
            Ok(id) => Selection::One(id),
            Err(e) => return fail_io(&e),
        },
    };
    let rendered = pipeline::typst_sources(
        &checked,
        Profile::Complete,
        &selection,
        &templates,
        &mut checking.sources,
        &mut checking.report,
    );
    print_report(&checking.report, &checking.sources);
    let Some(rendered) = rendered else {
        return CONTENT_ERRORS;
    };
    for f in &rendered.files {
        if let Err(e) = publish::write_atomic(&out_dir.join(&f.path), f.text.as_bytes()) {
            return fail_io(&e);
        }
    }
    if !quiet {
        crate::errln!(
            "piao: scritti {} file Typst in {} (compila con: typst compile {}/main.typ --font-path fonts)",
            rendered.files.len(),
            out_dir.display(),
            out_dir.display()
        );
    }
    OK
}

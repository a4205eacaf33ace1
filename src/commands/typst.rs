//! `piao typst`: write the generated Typst sources, for debugging and measuring.

use crate::job::Output;

use super::*;

pub fn run(job: &Job) -> i32 {
    let Output::Sources(out_dir) = &job.output else {
        unreachable!("a job of Typst sources")
    };
    let mut ready = match job.ready() {
        Ok(r) => r,
        Err(Stop::Unread(e)) | Err(Stop::Refused(e, _)) => return fail_io(&e),
        Err(Stop::Errors(checking)) => {
            print_report(&checking.report, &checking.sources);
            return CONTENT_ERRORS;
        }
    };
    let rendered = ready.typst_sources();
    print_report(&ready.report, &ready.sources);
    let Some(rendered) = rendered else {
        return CONTENT_ERRORS;
    };
    for f in &rendered.files {
        if let Err(e) = publish::write_atomic(&out_dir.join(&f.path), f.text.as_bytes()) {
            return fail_io(&e);
        }
    }
    if !job.quiet {
        crate::errln!(
            "piao: scritti {} file Typst in {} (compila con: typst compile {}/main.typ --font-path fonts)",
            rendered.files.len(),
            out_dir.display(),
            out_dir.display()
        );
    }
    OK
}

//! A run that builds, resolved once from the command line (as ripgrep's `HiArgs` or
//! typst-cli's `CompileConfig`): what it reads ([`Input`]: the content folder, the
//! templates, strictness), what it selects (the whole annex or one objective), which
//! copy ([`Profile`]) and where it writes ([`Output`]). `build`, `preview`, `typst` and
//! `watch` run a [`Job`]; `serve` runs on an [`Input`].
//!
//! Where a job writes is checked when it is made, before any work, so that no run can
//! destroy what it reads ([`crate::output`]). [`Job::ready`] then takes the job as far
//! as the content allows: the templates read, the content loaded and checked, the
//! objective found, the PDF's file named ([`crate::output::default_pdf`]) and checked;
//! or the reason it stops ([`Stop`]), for the command to tell.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::check::Checked;
use crate::cli::{ContentArg, ProfileArg};
use crate::diag::{Report, Sources};
use crate::load::IoError;
use crate::output::{Destination, Protected};
use crate::pipeline::{self, Built, Checking, LaidOut};
use crate::render::{Rendered, Selection, Templates};
use crate::typeset::Engine;
use crate::view::Profile;

/// What a run reads: the content folder, the templates, and whether warnings count as
/// errors. Also what `piao serve` is started on.
#[derive(Debug, Clone)]
pub struct Input {
    pub content: PathBuf,
    /// A folder of templates (`--modelli`); `None`: the bundled ones.
    pub templates: Option<PathBuf>,
    /// `--rigoroso`: warnings are errors.
    pub strict: bool,
}

impl From<&ContentArg> for Input {
    fn from(arg: &ContentArg) -> Input {
        Input {
            content: arg.folder.content.clone(),
            templates: arg.templates.clone(),
            strict: arg.strict,
        }
    }
}

impl Input {
    /// What no output of a run may touch: the content folder and, if given, the
    /// templates.
    pub fn protected(&self) -> Protected {
        Protected::new(&self.content, self.templates.as_deref())
    }

    /// The templates: the bundled ones, or those of the folder given.
    pub fn templates(&self) -> Result<Templates, String> {
        match &self.templates {
            None => Ok(Templates::bundled()),
            Some(dir) => Templates::from_dir(dir)
                .map_err(|e| format!("non riesco a leggere i modelli in `{}`: {e}", dir.display())),
        }
    }

    /// The content loaded and checked.
    pub fn load_and_check(&self) -> Result<Checking, IoError> {
        pipeline::load_and_check(&self.content, self.strict)
    }
}

/// Where a job writes.
#[derive(Debug, Clone)]
pub enum Output {
    /// A PDF, with its digest and record beside it: the file (or the standard output)
    /// given, already checked, or `None` for [`crate::output::default_pdf`]. `png`:
    /// a folder for an image of each page as well (`preview --png`).
    Pdf {
        given: Option<Destination>,
        png: Option<PathBuf>,
    },
    /// The generated Typst sources, in this folder (`piao typst`).
    Sources(PathBuf),
}

/// A run that builds, with every argument resolved.
#[derive(Debug, Clone)]
pub struct Job {
    pub input: Input,
    /// One objective, as named on the command line (a path, a short name such as
    /// `g06`, a file name); `None`: the whole annex.
    pub objective: Option<String>,
    pub profile: Profile,
    pub output: Output,
    /// `--silenzioso`: no summary.
    pub quiet: bool,
}

impl Job {
    /// `piao build` and `piao preview`: a PDF to the file given (`-`: the standard
    /// output), or to its default name; with `png`, the page images too.
    pub fn pdf(
        arg: &ContentArg,
        objective: Option<String>,
        profile: ProfileArg,
        output: Option<&Path>,
        png: Option<&Path>,
        quiet: bool,
    ) -> Result<Job, String> {
        let input = Input::from(arg);
        // Where the run writes is checked before any work: never inside what it reads.
        let protected = input.protected();
        let given = output.map(|o| pdf_destination(o, &protected)).transpose()?;
        let png = png
            .map(|d| crate::output::folder(d, &protected))
            .transpose()?;
        Ok(Job {
            input,
            objective,
            profile: match profile {
                ProfileArg::Completo => Profile::Complete,
                ProfileArg::Albo => Profile::Albo,
            },
            output: Output::Pdf { given, png },
            quiet,
        })
    }

    /// `piao watch`: a PDF file (never the standard output) written at each change of
    /// an existing content folder.
    pub fn watch(
        arg: &ContentArg,
        objective: Option<String>,
        output: Option<&Path>,
        quiet: bool,
    ) -> Result<Job, String> {
        let input = Input::from(arg);
        if !input.content.is_dir() {
            return Err(format!(
                "la cartella dei contenuti `{}` non esiste: indica quella giusta con --contenuti",
                input.content.display()
            ));
        }
        let given = match output {
            Some(o) if o.as_os_str() == "-" => {
                return Err("piao watch scrive un file a ogni modifica: indica un file con --uscita, non lo standard output (`-`)".into());
            }
            Some(o) => Some(pdf_destination(o, &input.protected())?),
            None => None,
        };
        Ok(Job {
            input,
            objective,
            profile: Profile::Complete,
            output: Output::Pdf { given, png: None },
            quiet,
        })
    }

    /// `piao typst`: the Typst sources of the whole annex or of one objective, in a
    /// folder.
    pub fn typst(
        arg: &ContentArg,
        objective: Option<String>,
        folder: &Path,
        quiet: bool,
    ) -> Result<Job, String> {
        let input = Input::from(arg);
        let folder = crate::output::folder(folder, &input.protected())?;
        Ok(Job {
            input,
            objective,
            profile: Profile::Complete,
            output: Output::Sources(folder),
            quiet,
        })
    }

    /// Reads the templates, loads and checks the content, finds the objective and,
    /// for a PDF, names its file and checks it (again, when it was given: the files may
    /// have changed since). The first thing that fails stops the job.
    pub fn ready(&self) -> Result<Ready, Stop> {
        let templates = self.input.templates().map_err(Stop::Unread)?;
        let mut checking = self.input.load_and_check().map_err(|e| Stop::Unread(e.0))?;
        let Some(checked) = checking.checked.take() else {
            return Err(Stop::Errors(Box::new(checking)));
        };
        let selection = match &self.objective {
            None => Selection::All,
            Some(wanted) => match find_objective(&checked, wanted) {
                Ok(id) => Selection::One(id),
                Err(e) => return Err(Stop::Refused(e, refused(checking, checked))),
            },
        };
        let destination = match &self.output {
            Output::Pdf { given, .. } => {
                let destination = given.clone().unwrap_or_else(|| {
                    Destination::File(crate::output::default_pdf(
                        &checked,
                        &selection,
                        self.profile,
                    ))
                });
                if let Destination::File(path) = &destination {
                    if let Err(e) = pdf_destination(path, &self.input.protected()) {
                        return Err(Stop::Refused(e, refused(checking, checked)));
                    }
                }
                Some(destination)
            }
            Output::Sources(_) => None,
        };
        let Checking {
            sources, report, ..
        } = checking;
        Ok(Ready {
            checked,
            sources,
            report,
            templates,
            selection,
            profile: self.profile,
            destination,
        })
    }
}

/// The checking of content that was fine, for a job refused after it.
fn refused(mut checking: Checking, checked: Checked) -> Box<Checking> {
    checking.checked = Some(checked);
    Box::new(checking)
}

/// A job ready to lay out: its content checked without errors.
pub struct Ready {
    pub checked: Checked,
    /// The files read, and what was found in them (warnings, notes); the layout adds
    /// its own.
    pub sources: Sources,
    pub report: Report,
    pub templates: Templates,
    pub selection: Selection,
    pub profile: Profile,
    /// Where the PDF goes, checked (`None` for the Typst sources).
    pub destination: Option<Destination>,
}

impl Ready {
    /// The pages, laid out by `engine` ([`pipeline::lay_out`]); `None` on an error,
    /// which the report says.
    pub fn lay_out(&mut self, engine: &Engine) -> Option<LaidOut> {
        pipeline::lay_out(
            &self.checked,
            self.profile,
            &self.selection,
            &self.templates,
            engine,
            &mut self.sources,
            &mut self.report,
        )
    }

    /// The PDF of pages [`Ready::lay_out`] made ([`pipeline::export_pdf`]).
    pub fn export_pdf(&mut self, laid: LaidOut, engine: &Engine) -> Option<Built> {
        pipeline::export_pdf(
            laid,
            engine,
            &self.templates,
            &mut self.sources,
            &mut self.report,
        )
    }

    /// Lays out and exports in one go ([`pipeline::build_pdf`]).
    pub fn build_pdf(&mut self, engine: &Engine) -> Option<Built> {
        let laid = self.lay_out(engine)?;
        self.export_pdf(laid, engine)
    }

    /// The Typst sources only ([`pipeline::render_selection`]).
    pub fn typst_sources(&mut self) -> Option<Rendered> {
        pipeline::render_selection(
            &self.checked,
            self.profile,
            &self.selection,
            &self.templates,
            &mut self.sources,
            &mut self.report,
        )
        .map(|(_, rendered)| rendered)
    }
}

/// Why a job stopped before its layout.
pub enum Stop {
    /// The templates or the content folder could not be read.
    Unread(String),
    /// The content has errors: the report says which.
    Errors(Box<Checking>),
    /// The content is fine (the report holds its warnings), but the job cannot go on:
    /// the objective is not there, or the PDF may not be written where it would go.
    Refused(String, Box<Checking>),
}

/// Checks where a PDF goes: `-` is the standard output (never a terminal); a file
/// must be writable with its digest and record next to it, and outside the inputs.
pub fn pdf_destination(path: &Path, protected: &Protected) -> Result<Destination, String> {
    let d = crate::output::file(path, protected, true)?;
    match &d {
        Destination::Stdout if std::io::stdout().is_terminal() => {
            return Err(
                "non scrivo un PDF sul terminale: reindirizza lo standard output (`> file.pdf`) o indica un file con --uscita".into(),
            )
        }
        Destination::Stdout => {}
        Destination::File(pdf) => {
            let sidecars = crate::publish::Published::paths(pdf);
            for p in [&sidecars.digest, &sidecars.record] {
                crate::output::check_file(p, protected)?;
            }
        }
    }
    Ok(d)
}

/// Finds an objective by path, short name (`g06`), or file stem, and gives its file
/// stem; `Err` lists the closest.
pub fn find_objective(checked: &Checked, wanted: &str) -> Result<String, String> {
    // (stem, short name, path) of every objective.
    fn named<O: crate::model::Objective>(o: &crate::load::Loaded<O>) -> (String, String, PathBuf) {
        (o.stem.clone(), o.data.short_name(), o.path.clone())
    }
    let names: Vec<(String, String, PathBuf)> = checked
        .managed
        .iter()
        .map(|m| named(&m.source))
        .chain(checked.services.iter().map(|s| named(&s.source)))
        .collect();
    let as_path = Path::new(wanted);
    let wanted_stem = as_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(wanted)
        .to_string();
    // A path names a file: that file, or nothing (never another file with its name).
    let is_path = wanted.contains(['/', '\\']) || (wanted.ends_with(".toml") && as_path.is_file());
    if is_path {
        let real = as_path
            .canonicalize()
            .map_err(|_| format!("il file `{wanted}` non esiste"))?;
        return names
            .iter()
            .find(|(_, _, path)| path.canonicalize().ok().as_ref() == Some(&real))
            .map(|(stem, _, _)| stem.clone())
            .ok_or_else(|| {
                format!(
                    "il file `{wanted}` non è tra gli obiettivi della cartella dei contenuti: l'anteprima impagina solo quelli (con l'allegato che li accompagna); copia il file in `gestionali/` o `istituzionali/` di quella cartella, oppure indica con --contenuti la cartella dei contenuti a cui appartiene"
                )
            });
    }
    for (stem, short, _) in &names {
        if *stem == wanted_stem || short.eq_ignore_ascii_case(wanted) {
            return Ok(stem.clone());
        }
    }
    let mut scored: Vec<(f64, &String, &String)> = names
        .iter()
        .map(|(stem, short, _)| {
            let s = strsim::jaro_winkler(&wanted.to_lowercase(), stem)
                .max(strsim::jaro_winkler(&wanted.to_lowercase(), short));
            (s, short, stem)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let closest: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, short, stem)| format!("{short} ({stem})"))
        .collect();
    Err(format!(
        "nessun obiettivo si chiama `{wanted}`; i più vicini: {}",
        closest.join(", ")
    ))
}

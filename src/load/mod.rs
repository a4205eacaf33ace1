//! Load: read the content folder and parse every TOML file into the model.
//!
//! Owns everything about files on disk, in three parts: [`files`] (which entries make
//! up the content, read how — regular files only, links only inside the folder, within
//! the [`crate::limits`] — and their encoding), [`parse`] (the recovering parser that
//! finds every problem of a file at once) and [`messages`] (TOML's and serde's errors
//! in Italian, at the key or value they are about).

pub(crate) mod files;
mod messages;
mod parse;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::DeTable;

use crate::diag::{suggest, Diagnostic, FileIdx, Report, Sources};
use crate::limits;
use crate::model::{Annex, Managed, Organisation, Service, Training};

use files::Kind;
pub use messages::toml_error;
pub use parse::{index_text, path_key, Seg};

/// The annex file, relative to the content folder.
pub const ANNEX_FILE: &str = "allegato.toml";
/// The training-plan file (optional).
pub const TRAINING_FILE: &str = "formazione.toml";
/// The organisation file (optional).
pub const ORGANISATION_FILE: &str = "organizzazione.toml";
/// The folder of management objectives.
pub const MANAGED_DIR: &str = "gestionali";
/// The folder of services (institutional objectives).
pub const SERVICES_DIR: &str = "istituzionali";

/// A parsed file with its place.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub file: FileIdx,
    pub path: PathBuf,
    /// The file name without `.toml`: the objective's short name.
    pub stem: String,
    pub data: T,
}

/// Everything in a content folder that parsed.
#[derive(Debug, Clone)]
pub struct Content {
    pub dir: PathBuf,
    pub annex: Option<Loaded<Annex>>,
    pub managed: Vec<Loaded<Managed>>,
    pub services: Vec<Loaded<Service>>,
    pub training: Option<Loaded<Training>>,
    /// `organizzazione.toml`, when there is one.
    pub organisation: Option<Loaded<Organisation>>,
    /// When `allegato.toml` is TOML but does not fit the model (`annex` is `None`, its
    /// errors reported): its plan years and monitoring dates, if they are written, read
    /// from the tree `load` parsed, so that the objectives can still be checked.
    pub annex_dates: Option<AnnexDates>,
}

/// The plan years and monitoring dates an annex file writes, read on their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexDates {
    pub anno_inizio: i32,
    pub anno_fine: i32,
    pub monitoraggi: Vec<chrono::NaiveDate>,
}

impl AnnexDates {
    /// The three values from the TOML tree of an annex file, when each is there and
    /// of its kind (years as integers, dates as TOML dates).
    fn read(root: &toml::de::DeTable<'_>) -> Option<AnnexDates> {
        let year = |key: &str| -> Option<i32> {
            let v = root.get(key)?;
            v.get_ref().as_integer()?.as_str().parse::<i32>().ok()
        };
        let toml::de::DeValue::Array(dates) = root.get("monitoraggi")?.get_ref() else {
            return None;
        };
        let monitoraggi = dates
            .iter()
            .map(|d| {
                let text = d.get_ref().as_datetime()?.to_string();
                crate::model::values::parse_date(&text)
            })
            .collect::<Option<Vec<_>>>()?;
        Some(AnnexDates {
            anno_inizio: year("anno_inizio")?,
            anno_fine: year("anno_fine")?,
            monitoraggi,
        })
    }
}

/// A failure that is not about the content's text: the folder is missing or unreadable.
#[derive(Debug)]
pub struct IoError(pub String);

/// Reads and parses the content folder. Problems of the text go into `report`; a
/// missing or unreadable folder is an [`IoError`].
pub fn load(dir: &Path, sources: &mut Sources, report: &mut Report) -> Result<Content, IoError> {
    if !dir.is_dir() {
        return Err(IoError(format!(
            "la cartella dei contenuti `{}` non esiste: indica quella giusta con --contenuti",
            dir.display()
        )));
    }
    let root = files::Root::new(dir);
    let annex_path = dir.join(ANNEX_FILE);
    let (annex, annex_dates) = match root.kind(&annex_path) {
        Kind::Missing => {
            report.push(
                Diagnostic::error(format!(
                    "manca il file `{ANNEX_FILE}` nella cartella `{}`",
                    dir.display()
                ))
                .hint(
                    "il file dell'allegato indica l'ente, gli anni del piano e le date di monitoraggio",
                ),
            );
            (None, None)
        }
        kind => match parse_entry::<Annex, _>(
            &root,
            &annex_path,
            &kind,
            AnnexDates::read,
            sources,
            report,
        ) {
            Ok(annex) => (Some(annex), None),
            Err(dates) => (None, dates),
        },
    };
    let training_path = dir.join(TRAINING_FILE);
    let training = match root.kind(&training_path) {
        Kind::Missing => None,
        kind => {
            parse_entry::<Training, ()>(&root, &training_path, &kind, nothing, sources, report).ok()
        }
    };
    // Every objective file is counted before any is read: too many is refused whole.
    let managed_dir = dir.join(MANAGED_DIR);
    let services_dir = dir.join(SERVICES_DIR);
    let managed_files = objective_files(&root, &managed_dir, sources, report)?;
    let service_files = objective_files(&root, &services_dir, sources, report)?;
    let count = managed_files.len() + service_files.len();
    let organisation_path = dir.join(ORGANISATION_FILE);
    let total: u64 = [&annex_path, &training_path, &organisation_path]
        .into_iter()
        .chain(&managed_files)
        .chain(&service_files)
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        // A file over its own limit is refused on its own, by name.
        .filter(|len| *len <= limits::MAX_FILE_BYTES)
        .sum();
    let (managed, services) = if total > limits::MAX_CONTENT_BYTES {
        report.push(
            Diagnostic::error(format!(
                "i file dei contenuti occupano {} kB, il limite è {} per allegato",
                total / 1024,
                limits::bytes(limits::MAX_CONTENT_BYTES)
            ))
            .file(dir)
            .hint("l'allegato incluso ne occupa circa 140 kB: forse ci sono file che non c'entrano; altrimenti dividi la variazione in più allegati"),
        );
        (Vec::new(), Vec::new())
    } else if count > limits::MAX_OBJECTIVES {
        report.push(
            Diagnostic::error(format!(
                "troppi obiettivi: {count} file in `{MANAGED_DIR}/` e `{SERVICES_DIR}/`, il limite è {} per allegato",
                limits::MAX_OBJECTIVES
            ))
            .file(dir)
            .hint("un allegato di variazione ha di solito qualche decina di obiettivi: forse la cartella non è quella giusta; altrimenti dividi la variazione in più allegati"),
        );
        (Vec::new(), Vec::new())
    } else {
        (
            parse_all_files::<Managed>(&root, &managed_files, sources, report),
            parse_all_files::<Service>(&root, &service_files, sources, report),
        )
    };
    // What the layout costs grows with the rows of the tables: bounded per scheda and
    // in all, before anything is laid out.
    limits::check_rows(&managed, &services, training.as_ref(), sources, report);
    // Files the annex names (its stemma) are read too: the first part of their path.
    let named: Vec<String> = annex
        .iter()
        .filter_map(|a| a.data.stemma.as_ref())
        .filter_map(|e| Path::new(e.file.trim()).components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    warn_unknown_entries(&root, dir, &named, sources, report)?;
    let organisation = load_organisation(dir, sources, report);
    Ok(Content {
        dir: dir.to_path_buf(),
        annex,
        managed,
        services,
        training,
        organisation,
        annex_dates,
    })
}

/// `organizzazione.toml`, when the content folder has one.
pub fn load_organisation(
    dir: &Path,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<Loaded<Organisation>> {
    let path = dir.join(ORGANISATION_FILE);
    let root = files::Root::new(dir);
    match root.kind(&path) {
        Kind::Missing => None,
        kind => parse_entry::<Organisation, ()>(&root, &path, &kind, nothing, sources, report).ok(),
    }
}

/// The `.toml` files of a folder, sorted by name. A missing folder holds none.
pub fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, IoError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let (entries, _) = files::entries(dir)
        .map_err(|e| IoError(crate::io_message::describe(&e, dir, "leggere la cartella")))?;
    Ok(entries
        .into_iter()
        .filter(|p| p.is_file() && files::is_toml(p))
        .collect())
}

/// Parses an entry that should be a content file (`allegato.toml`, `formazione.toml`);
/// `Err` holds what `salvage` read of a file that is TOML but does not fit the model
/// (see [`parse_bytes_salvaging`]).
fn parse_entry<T: DeserializeOwned, S>(
    root: &files::Root,
    path: &Path,
    kind: &Kind,
    salvage: impl FnOnce(&DeTable<'_>) -> Option<S>,
    sources: &mut Sources,
    report: &mut Report,
) -> Result<Loaded<T>, Option<S>> {
    if let Some(d) = files::refusal(path, kind) {
        report.push(d);
        return Err(None);
    }
    if *kind == Kind::Folder {
        report.push(
            Diagnostic::error("qui serve un file, non una cartella")
                .file(path)
                .hint("rinomina la cartella o spostala fuori dalla cartella dei contenuti"),
        );
        return Err(None);
    }
    parse_file_salvaging(root, path, salvage, sources, report)
}

/// Salvages nothing (see [`parse_bytes_salvaging`]).
fn nothing(_: &DeTable<'_>) -> Option<()> {
    None
}

/// The objective files of a folder (regular `.toml` files, links inside the content
/// folder included). What else is there is reported: unreadable `.toml` entries as
/// errors, other entries as warnings, since an objective would otherwise be silently
/// left out.
fn objective_files(
    root: &files::Root,
    dir: &Path,
    sources: &mut Sources,
    report: &mut Report,
) -> Result<Vec<PathBuf>, IoError> {
    match root.kind(dir) {
        Kind::Missing => return Ok(Vec::new()),
        Kind::Folder => {}
        Kind::File | Kind::Special => {
            report.push(
                Diagnostic::error("qui serve una cartella di obiettivi, non un file").file(dir),
            );
            return Ok(Vec::new());
        }
        kind => {
            report.extend(files::refusal(dir, &kind));
            return Ok(Vec::new());
        }
    }
    let (entries, truncated) = files::entries(dir)
        .map_err(|e| IoError(crate::io_message::describe(&e, dir, "leggere la cartella")))?;
    if truncated {
        report.push(
            Diagnostic::error(format!(
                "la cartella contiene più di {} elementi: non la leggo",
                limits::MAX_ENTRIES
            ))
            .file(dir),
        );
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for path in entries {
        let kind = root.kind(&path);
        if let Some(d) = files::refusal(&path, &kind) {
            if files::is_toml(&path) {
                report.push(d);
            } else {
                let d = Diagnostic {
                    severity: crate::diag::Severity::Warning,
                    ..d
                };
                report.push(d);
            }
            continue;
        }
        match kind {
            Kind::File if files::is_toml(&path) => out.push(path),
            Kind::Folder => report.push(files::unread_warning(
                &path,
                &kind,
                "questa cartella non viene letta: gli obiettivi vanno direttamente in `gestionali/` e `istituzionali/`".into(),
                sources,
            )),
            _ => report.push(files::unread_warning(
                &path,
                &kind,
                "questo file non viene letto: vengono letti solo i file con estensione .toml"
                    .into(),
                sources,
            )),
        }
    }
    Ok(out)
}

fn parse_all_files<T: DeserializeOwned>(
    root: &files::Root,
    paths: &[PathBuf],
    sources: &mut Sources,
    report: &mut Report,
) -> Vec<Loaded<T>> {
    paths
        .iter()
        .filter_map(|p| parse_file::<T>(root, p, sources, report))
        .collect()
}

/// What the top of the content folder may hold besides the four known entries without
/// a warning: notes for the people who keep it.
fn is_note(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "md" | "txt"))
}

/// Entries at the top of the content folder that `piao` does not read: said, with the
/// known name they are closest to, since a misnamed folder or file would otherwise be
/// silently left out of the annex.
fn warn_unknown_entries(
    root: &files::Root,
    dir: &Path,
    named: &[String],
    sources: &mut Sources,
    report: &mut Report,
) -> Result<(), IoError> {
    let (entries, _) = files::entries(dir)
        .map_err(|e| IoError(crate::io_message::describe(&e, dir, "leggere la cartella")))?;
    let known_files = [ANNEX_FILE, TRAINING_FILE, ORGANISATION_FILE];
    let known_dirs = [MANAGED_DIR, SERVICES_DIR];
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if known_files.contains(&name.as_str())
            || known_dirs.contains(&name.as_str())
            || named.contains(&name)
        {
            continue;
        }
        let kind = root.kind(&path);
        let lower = name.to_lowercase();
        let stem = lower.strip_suffix(".toml").unwrap_or(&lower).to_string();
        let closest = suggest(&lower, known_files.iter().copied().chain(known_dirs))
            .or_else(|| suggest(&stem, known_dirs))
            .or_else(|| {
                suggest(
                    &stem,
                    known_files.map(|f| f.strip_suffix(".toml").unwrap_or(f)),
                )
                .and_then(|s| known_files.iter().copied().find(|f| f.starts_with(s)))
            });
        let guess = closest.map(|c| {
            if known_dirs.contains(&c) {
                format!("forse volevi la cartella `{c}/`? i nomi vanno scritti in minuscolo, esattamente così")
            } else {
                format!("forse volevi il file `{c}`? i nomi vanno scritti in minuscolo, esattamente così")
            }
        });
        let d = match &kind {
            Kind::Folder => files::unread_warning(
                &path,
                &kind,
                format!("la cartella `{name}` non viene letta: i contenuti sono `{ANNEX_FILE}`, `{TRAINING_FILE}`, `{MANAGED_DIR}/` e `{SERVICES_DIR}/`"),
                sources,
            ),
            Kind::File if files::is_toml(&path) => files::unread_warning(
                &path,
                &kind,
                format!("questo file non viene letto: gli obiettivi vanno nelle cartelle `{MANAGED_DIR}/` e `{SERVICES_DIR}/`"),
                sources,
            )
            .hint(format!("spostalo in `{MANAGED_DIR}/` o in `{SERVICES_DIR}/`, oppure cancellalo")),
            Kind::File if closest.is_some() || !is_note(&path) => files::unread_warning(
                &path,
                &kind,
                format!("il file `{name}` non viene letto"),
                sources,
            ),
            Kind::File => continue,
            _ => match files::refusal(&path, &kind) {
                // A broken link or one leading outside: an error only when it would be read.
                Some(d) if files::is_toml(&path) || closest.is_some() => d,
                Some(d) => Diagnostic {
                    severity: crate::diag::Severity::Warning,
                    ..d
                },
                None => continue,
            },
        };
        report.push(match guess {
            Some(g) => d.hint(g),
            None => d,
        });
    }
    Ok(())
}

/// Reads one file (a regular file within the size limit), checks its encoding and
/// parses it. Returns `None` (with every problem of the file in `report`) when it
/// cannot be used.
pub(crate) fn parse_file<T: DeserializeOwned>(
    root: &files::Root,
    path: &Path,
    sources: &mut Sources,
    report: &mut Report,
) -> Option<Loaded<T>> {
    parse_file_salvaging(root, path, nothing, sources, report).ok()
}

/// [`parse_file`], salvaging what it can (see [`parse_bytes_salvaging`]).
fn parse_file_salvaging<T: DeserializeOwned, S>(
    root: &files::Root,
    path: &Path,
    salvage: impl FnOnce(&DeTable<'_>) -> Option<S>,
    sources: &mut Sources,
    report: &mut Report,
) -> Result<Loaded<T>, Option<S>> {
    match files::read(root, path) {
        Ok(bytes) => parse_bytes_salvaging(path, &bytes, salvage, sources, report),
        Err(d) => {
            report.push(*d);
            Err(None)
        }
    }
}

/// Parses the bytes of a file (read from `path`, which names it in diagnostics):
/// encoding, limits, TOML, model. Returns `None` (with every problem in `report`) when
/// the file cannot be used.
pub fn parse_bytes<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    sources: &mut Sources,
    report: &mut Report,
) -> Option<Loaded<T>> {
    parse_bytes_salvaging(path, bytes, nothing, sources, report).ok()
}

/// [`parse_bytes`]; when the file is TOML (within the limits of its nesting) but cannot
/// be used, `Err` holds what `salvage` reads of its tree (`Err(None)` when it is not).
fn parse_bytes_salvaging<T: DeserializeOwned, S>(
    path: &Path,
    bytes: &[u8],
    salvage: impl FnOnce(&DeTable<'_>) -> Option<S>,
    sources: &mut Sources,
    report: &mut Report,
) -> Result<Loaded<T>, Option<S>> {
    // A BOM (Notepad's "UTF-8 con BOM") says nothing more: the text starts after it.
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        report.push(
            Diagnostic::error(format!(
                "il file supera il limite di {} per un file dei contenuti: non lo leggo",
                limits::bytes(limits::MAX_FILE_BYTES)
            ))
            .file(path),
        );
        return Err(None);
    }
    let text = match files::decode(bytes) {
        Ok(t) => t,
        Err(problem) => {
            // Keep what can be shown of the file (up to a little after the spot), so
            // that the message can point at it.
            let lossy = String::from_utf8_lossy(bytes);
            let mut cut = lossy.len().min(problem.span.end + 120);
            while !lossy.is_char_boundary(cut) {
                cut -= 1;
            }
            let file = sources.add(path, lossy[..cut].to_string());
            report.push(problem.diagnostic.at(file, problem.span));
            return Err(None);
        }
    };
    // A line over the limit is shown cut: every diagnostic prints its line.
    let text = match limits::long_line(&text) {
        Some(line) => {
            let (shown, span) = limits::cut_at_line(&text, &line);
            let file = sources.add(path, shown);
            report.push(limits::long_line_diagnostic(file, span, &line));
            return Err(None);
        }
        None => text,
    };
    let file = sources.add(path, text);
    let text = sources.text(file);
    if text.trim().is_empty() {
        report.push(
            Diagnostic::error("il file è vuoto")
                .at(file, 0..0)
                .hint("scrivi il contenuto dell'obiettivo oppure cancella il file"),
        );
        return Err(None);
    }
    if let Some(at) = text.find('\0') {
        report.push(
            Diagnostic::error("il file contiene byte nulli: non è un file di testo")
                .at(file, at..at + 1)
                .hint("se è un file binario, toglilo dalla cartella dei contenuti"),
        );
        return Err(None);
    }
    if let Some(d) = limits::too_deep(text, file) {
        report.push(d);
        return Err(None);
    }
    let root = match parse::parse_tree(text) {
        Ok(root) => root,
        Err(errors) => {
            parse::report_syntax(&errors, file, text, report);
            return Err(None);
        }
    };
    let salvaged = salvage(root.get_ref());
    if !limits::check_values(root.get_ref(), file, report) {
        return Err(salvaged);
    }
    // The spans of every value, kept: later stages point at values without parsing again.
    let spans = parse::index(root.get_ref());
    let result = parse::deserialize_all::<T>(root, text);
    sources.set_spans(file, spans);
    let text = sources.text(file);
    match result {
        Ok(data) => Ok(Loaded {
            file,
            path: path.to_path_buf(),
            stem: path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string(),
            data,
        }),
        Err(problems) => {
            for p in &problems {
                report.push(messages::schema_error(p, file, text));
            }
            Err(salvaged)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annex(text: &str) -> (Result<Loaded<Annex>, Option<AnnexDates>>, Report) {
        let mut sources = Sources::default();
        let mut report = Report::default();
        let result = parse_bytes_salvaging::<Annex, _>(
            Path::new(ANNEX_FILE),
            text.as_bytes(),
            AnnexDates::read,
            &mut sources,
            &mut report,
        );
        (result, report)
    }

    const DATES: &str =
        "anno_inizio = 2023\nanno_fine = 2025\nmonitoraggi = [2023-07-31, 2023-12-31]\n";

    #[test]
    fn an_annex_that_does_not_fit_the_model_still_gives_its_dates() {
        let (result, report) = annex(&format!("ente = 12\n{DATES}"));
        assert!(report.errors() > 0, "its own errors are reported");
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2023, m, d).unwrap();
        assert_eq!(
            result.err(),
            Some(Some(AnnexDates {
                anno_inizio: 2023,
                anno_fine: 2025,
                monitoraggi: vec![day(7, 31), day(12, 31)],
            }))
        );
    }

    #[test]
    fn dates_not_written_as_such_give_nothing() {
        // A year in quotes, a date as text, a file that is not TOML.
        for text in [
            DATES.replace("= 2023\n", "= \"2023\"\n"),
            DATES.replace("2023-07-31", "\"31.07.2023\""),
            format!("ente = [\n{DATES}"),
        ] {
            let (result, report) = annex(&text);
            assert!(report.errors() > 0, "{text}");
            assert_eq!(result.err(), Some(None), "{text}");
        }
    }
}

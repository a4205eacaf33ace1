//! The routes that read content files for the forms and write them, as a thin layer
//! over [`crate::edit`]: the forms (`/api/moduli`), one file with its values and
//! problems (`/api/file`), its kept versions (`/api/storia`,
//! `/api/storia/versione`), and the writes (`/api/salva`, `/api/nuovo`,
//! `/api/ripristina`), which the route table calls only after
//! [`super::guard::Gate::admit_write`] and while holding its guard.
//!
//! A write's answer carries the content folder's problems as the `check` it is given
//! finds them (the server's: the new generation announced at once and checked once,
//! for the answer and the pages alike).
//!
//! Every answer is JSON. A file is named by its place in the content folder and is
//! accepted only if the content layout defines it ([`ContentFile::parse`]): anything
//! else is `404`. A body that is not the JSON of the route is `400`; a save made from
//! a version that is no longer on disk is `409` with both texts; an edit that cannot
//! be made is `422` with the field it is about. Every message is Italian, in a clerk's
//! words. The contract with the page is `docs/serve-api.md`.

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use super::server::Reply;
use crate::edit::{
    self, Check, ContentFile, Edit, EditError, FileKind, Problems, SaveError, Saved,
};

/// A JSON reply, never cached.
fn reply(status: u16, value: &impl Serialize) -> Reply {
    let body = serde_json::to_vec(value).expect("replies serialize");
    Reply::new(status, "application/json", body).header("Cache-Control", "no-store")
}

/// A refusal: `{ "esito": "errore", "message", "field" }`.
fn error(status: u16, e: &EditError) -> Reply {
    reply(
        status,
        &json!({ "esito": "errore", "message": e.message, "field": e.field }),
    )
}

fn unreadable_request() -> Reply {
    error(
        400,
        &EditError::new(
            "la pagina ha inviato dati che non riesco a leggere: ricarica la pagina e riprova",
        ),
    )
}

/// The file named by the page, or the `404` that says which files there are.
fn content_file(relative: &str) -> Result<ContentFile, Reply> {
    ContentFile::parse(relative).map_err(|e| error(404, &e))
}

/// `/api/moduli`: every form, the same for the whole run (built once).
pub fn forms() -> Reply {
    static FORMS: OnceLock<Json> = OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        json!({
            "allegato": edit::form::form(FileKind::Allegato),
            "organizzazione": edit::form::form(FileKind::Organizzazione),
            "gestionale": edit::form::form(FileKind::Gestionale),
            "istituzionale": edit::form::form(FileKind::Istituzionale),
            "variazioni": {
                "gestionale": edit::change_forms(true),
                "istituzionale": edit::change_forms(false),
            },
        })
    });
    reply(200, forms)
}

/// `/api/file?f=REL`: a file as a form starts from, with its values and the problems
/// `piao check` finds in it (`problems`: those of the content folder now, as the pages
/// show them).
pub fn file(dir: &Path, relative: Option<&str>, problems: impl FnOnce() -> Problems) -> Reply {
    let file = match content_file(relative.unwrap_or("")) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let opened = match edit::open(dir, &file.relative) {
        Ok(o) => o,
        Err(e) => return error(422, &e),
    };
    let problems = problems();
    let of_file: Vec<_> = problems.of_file(&file.relative).cloned().collect();
    reply(
        200,
        &json!({
            "file": opened.file,
            "tipo": opened.kind,
            "digest": opened.digest,
            "valori": opened.values(),
            "testo": opened.text,
            "problemi": of_file,
            "compilabile": problems.buildable,
        }),
    )
}

/// `/api/storia?f=REL`: the kept versions of a file, the latest first.
pub fn history(dir: &Path, relative: Option<&str>) -> Reply {
    let file = match content_file(relative.unwrap_or("")) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match edit::history(dir, &file.relative) {
        Ok(versions) => reply(200, &json!({ "file": file.relative, "versioni": versions })),
        Err(e) => error(422, &e),
    }
}

/// `/api/storia/versione?f=REL&id=ID`: the text of one kept version.
pub fn version(dir: &Path, relative: Option<&str>, id: Option<&str>) -> Reply {
    let file = match content_file(relative.unwrap_or("")) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let id = id.unwrap_or("");
    match edit::store::version(dir, &file, id) {
        Ok(bytes) => reply(
            200,
            &json!({
                "file": file.relative,
                "id": id,
                "testo": String::from_utf8_lossy(&bytes),
            }),
        ),
        Err(e) => error(404, &e),
    }
}

/// The body of `/api/salva`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    file: String,
    base: String,
    modifiche: Vec<Edit>,
}

/// The body of `/api/nuovo`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewBody {
    gestionale: bool,
    #[serde(default)]
    numero: Option<u32>,
    titolo: String,
    #[serde(default)]
    sezione: String,
}

/// The body of `/api/ripristina`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestoreBody {
    file: String,
    base: String,
    versione: String,
}

/// `/api/salva`: the edits made on a file, if it is still the version the form was made
/// from.
pub fn save(dir: &Path, body: &[u8], check: Check) -> Reply {
    let Ok(body) = serde_json::from_slice::<SaveBody>(body) else {
        return unreadable_request();
    };
    let file = match content_file(&body.file) {
        Ok(f) => f,
        Err(r) => return r,
    };
    saved(
        edit::save_with(dir, &file.relative, &body.base, &body.modifiche, check),
        None,
    )
}

/// `/api/nuovo`: a new gestionale or istituzionale, from its sezione.
pub fn create(dir: &Path, body: &[u8], check: Check) -> Reply {
    let Ok(body) = serde_json::from_slice::<NewBody>(body) else {
        return unreadable_request();
    };
    match edit::create_objective_with(
        dir,
        body.gestionale,
        body.numero,
        &body.titolo,
        &body.sezione,
        check,
    ) {
        Ok((s, warning)) => saved(Ok(s), Some(warning)),
        Err(e) => saved(Err(e), None),
    }
}

/// `/api/ripristina`: a kept version put back (itself a save, so it can be undone).
pub fn restore(dir: &Path, body: &[u8], check: Check) -> Reply {
    let Ok(body) = serde_json::from_slice::<RestoreBody>(body) else {
        return unreadable_request();
    };
    let file = match content_file(&body.file) {
        Ok(f) => f,
        Err(r) => return r,
    };
    saved(
        edit::restore_with(dir, &file.relative, &body.base, &body.versione, check),
        None,
    )
}

/// The answer to a write: `200` with the new version, `409` with both versions, or
/// `422` with the field at fault. `warning`: what `/api/nuovo` adds (`avviso`).
fn saved(result: Result<Saved, SaveError>, warning: Option<Option<String>>) -> Reply {
    match result {
        Ok(s) => {
            let mut answer = json!({
                "esito": "salvato",
                "file": s.file,
                "digest": s.digest,
                "valori": edit::values(&s.text),
                "testo": s.text,
                "problemi": s.problems.problemi,
                "errori": s.problems.errori,
                "avvisi": s.problems.avvisi,
                "compilabile": s.problems.buildable,
            });
            if let Some(w) = warning {
                answer["avviso"] = json!(w);
            }
            reply(200, &answer)
        }
        Err(e @ SaveError::Conflitto(_)) => reply(409, &e),
        Err(SaveError::Errore(e)) => error(422, &e),
    }
}

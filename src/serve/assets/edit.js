// piao serve, the edit panel: one content file's form beside its live pages. The
// edits made in the form are kept in order (`set`, `add`, `remove`, `move`, `request`:
// src/edit/ops.rs's `Edit`) and sent together by "Salva" to `/api/salva` with the
// digest of the version the form was made from (docs/serve-api.md). The server
// answers with the file as saved and its problems, shown at their fields; a file
// changed on disk meanwhile is a conflict, shown as two versions to choose from.

const ed = {
  moduli: null,      // /api/moduli, the same for the whole run
  plan: null,        // { first, last }: the plan's years, for the grids
  root: null,        // the element the form is drawn in
  file: null,        // "gestionali/g06-patto-educativo.toml"
  kind: null,        // "gestionale", "allegato", …
  digest: null,      // the version the form was made from
  values: null,      // the file as the form shows it (edits included)
  ops: [],           // the edits not saved yet, in order
  problems: [],      // this file's problems, at their fields
  buildable: true,
  saving: false,
  savedHere: false,  // the form was saved since it was opened
  options: {},       // { onSaved, saveLabel, intro } (the first run uses them)
  formatKey: 0,      // bumped on each draw: ids stay unique across redraws
};

function jsonPost(url, body) {
  return api(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

// The reply's JSON, or { message } with its text when it is not JSON.
async function replyOf(r) {
  const text = await r.text();
  try { return JSON.parse(text); } catch (e) { return { message: text.trim() || "risposta " + r.status }; }
}

async function moduli() {
  if (!ed.moduli) {
    const r = await api("/api/moduli");
    if (!r.ok) throw new Error((await replyOf(r)).message);
    ed.moduli = await r.json();
  }
  return ed.moduli;
}

async function readFile(file) {
  const r = await api("/api/file?f=" + encodeURIComponent(file));
  const j = await replyOf(r);
  if (!r.ok) throw new Error(j.message || j.messaggio || "risposta " + r.status);
  return j;
}

// The plan's years, from allegato.toml (the grids have one cell per month of the
// first year and one per later year).
async function loadPlan() {
  try {
    const a = await readFile("allegato.toml");
    const v = a.valori || {};
    const first = Number(v.anno_inizio);
    const last = Number(v.anno_fine);
    ed.plan = Number.isInteger(first) ? { first, last: Number.isInteger(last) && last >= first ? last : first } : null;
  } catch (e) {
    ed.plan = null;
  }
}

function problemList(p) {
  if (!p) return [];
  return Array.isArray(p) ? p : p.problemi || [];
}

function isObjective(kind) {
  return kind === "gestionale" || kind === "istituzionale";
}

// The kinds of change an objective of `kind` may ask for.
function changeKinds(kind) {
  const v = ed.moduli && ed.moduli.variazioni;
  if (!v) return [];
  if (Array.isArray(v)) return v;
  return v[kind] || [];
}

// ---- opening and drawing ---------------------------------------------------------------

async function openEditor(file, root, options) {
  ed.root = root;
  ed.options = options || {};
  root.replaceChildren(el("p", { class: "spiega", text: "Apro " + file + "…" }));
  try {
    await moduli();
    if (!ed.plan) await loadPlan();
    const f = await readFile(file);
    load(f);
  } catch (e) {
    root.replaceChildren(el("p", { class: "errore-campo errore", role: "alert", text: "Non riesco ad aprire " + file + ": " + e.message }));
  }
}

function load(f) {
  ed.file = f.file;
  ed.kind = f.tipo;
  ed.digest = f.digest;
  // No values for a file that is there: it cannot be read (see drawUnreadable).
  ed.values = f.valori || (f.testo === null || f.testo === undefined ? {} : null);
  ed.text = f.testo;
  ed.ops = [];
  ed.problems = problemList(f.problemi).filter((p) => !p.file || p.file === f.file);
  ed.buildable = f.compilabile !== false;
  ed.savedHere = false;
  draw();
}

function formOf(kind) {
  return ed.moduli[kind] || { titolo: "", campi: [] };
}

function fileTitle() {
  const v = ed.values || {};
  if (ed.kind === "allegato") return "Ente e piano";
  if (ed.kind === "organizzazione") return "Organizzazione dell'ente";
  const n = v.numero !== undefined ? " n. " + v.numero : "";
  const kind = ed.kind === "gestionale" ? "Obiettivo gestionale" : "Obiettivo istituzionale";
  return kind + n + (v.titolo || v.servizio ? ": " + (v.titolo || v.servizio) : "");
}

// The context the widgets of the file's form work through (form.js).
function fileContext() {
  const key = ed.formatKey;
  return {
    plan: ed.plan,
    idFor: (p) => "c" + key + "-" + p.replace(/\./g, "--").replace(/\[/g, "-").replace(/\]/g, ""),
    get: (p) => getAt(ed.values, p),
    input: (p, v) => setAt(ed.values, p, clone(v)),
    emit: (p, v) => { setAt(ed.values, p, clone(v)); recordSet(p, clone(v)); },
    structural: (op, after) => { applyLocally(ed.values, op); ed.ops.push(op); dirtyChanged(); after(); },
    reference: null,
  };
}

// A file that is there but cannot be read as a form (a writing error in it): its
// problems say where; it is corrected by hand, never overwritten from an empty form.
function drawUnreadable() {
  ed.root.replaceChildren(
    el("div", { class: "testa-modulo" },
      el("h2", { id: "titolo-modulo", tabindex: "-1", text: ed.file }),
      toolbar()),
    el("div", { id: "avviso-modulo", role: "status", "aria-live": "polite" },
      el("p", { class: "messaggio errore", text: "Questo file ha un errore di scrittura e non si può aprire nel modulo: correggilo con un editor di testo (qui sotto e nell'elenco dei problemi c'è la riga), poi torna qui." })),
    el("ul", { id: "problemi-modulo", class: "problemi-modulo" }),
    el("pre", { class: "testo-file", tabindex: "0", text: ed.text || "" }));
  showProblems_(fileContext());
}

function draw() {
  if (ed.values === null) { drawUnreadable(); return; }
  ed.formatKey += 1;
  const form = formOf(ed.kind);
  const ctx = fileContext();
  const root = ed.root;
  const head = el("div", { class: "testa-modulo" },
    el("h2", { id: "titolo-modulo", tabindex: "-1", text: fileTitle() }),
    el("p", { class: "file", text: ed.file }),
    ed.options.intro ? el("p", { class: "spiega", text: ed.options.intro }) : null,
    form.titolo ? el("p", { class: "spiega", text: readable(form.titolo) }) : null,
    toolbar());
  const banner = el("div", { id: "avviso-modulo", role: "status", "aria-live": "polite" });
  const loose = el("ul", { id: "problemi-modulo", class: "problemi-modulo" });
  const fields = el("div", { class: "campi", id: "campi-modulo" }, ...fieldNodes(form.campi, "", ctx));
  const parts = [head, banner, loose, fields];
  if (isObjective(ed.kind)) parts.push(changesSection());
  parts.push(saveBar());
  root.replaceChildren(...parts);
  showProblems_(ctx);
  dirtyChanged();
}

function toolbar() {
  const bar = el("div", { class: "comandi-modulo" });
  if (!ed.options.onSaved) {
    bar.append(
      el("button", { type: "button", onclick: showHistory }, "Versioni precedenti"),
      el("button", { type: "button", onclick: closeEditor }, "Chiudi il modulo"));
  }
  return bar;
}

function saveBar() {
  return el("div", { class: "barra-salva" },
    el("button", { type: "button", id: "salva", class: "primario", onclick: save }, ed.options.saveLabel || "Salva"),
    el("button", { type: "button", id: "annulla", onclick: discard }, "Annulla le modifiche non salvate"),
    el("span", { id: "conto-modifiche", "aria-live": "polite" }));
}

function showProblems_(ctx) {
  if (!$("problemi-modulo")) return;
  const homeless = markProblems(ed.root, ed.problems, ctx || fileContext());
  const list = $("problemi-modulo");
  list.replaceChildren(...homeless.map((p) => el("li", { class: "errore-campo " + p.gravita },
    el("strong", { text: GRAVITY[p.gravita] || "Avviso: " }), readable(p.messaggio),
    p.riga ? " (riga " + p.riga + ")" : "")));
  showBuildable();
}

function showBuildable() {
  const banner = $("avviso-modulo");
  if (!banner) return;
  const old = banner.querySelector(".bozza");
  if (old) old.remove();
  // Nothing to say of a file not written yet (the first run starts from nothing).
  if (!ed.buildable && ed.digest !== "assente" && ed.values !== null) {
    banner.append(el("p", { class: "bozza" },
      el("strong", { text: ed.savedHere ? "Bozza salvata: l'allegato non si può ancora stampare" : "L'allegato non si può ancora stampare" }),
      " finché restano degli errori (qui accanto ai campi, e nell'elenco dei problemi per gli altri file). Correggili e salva di nuovo."));
  }
}

function dirtyChanged() {
  const n = ed.ops.length;
  const count = $("conto-modifiche");
  if (count) count.textContent = n === 0 ? "Nessuna modifica da salvare" : n === 1 ? "1 modifica da salvare" : n + " modifiche da salvare";
  const s = $("salva");
  if (s) s.disabled = n === 0 && !ed.options.onSaved;
  const a = $("annulla");
  if (a) a.disabled = n === 0;
  document.body.dataset.modificheNonSalvate = String(n);
}

// ---- edits -----------------------------------------------------------------------------

// A value set: replaces an earlier setting of the same field when no element was added,
// removed or moved since (positions are the same).
function recordSet(path, value) {
  for (let i = ed.ops.length - 1; i >= 0; i--) {
    const op = ed.ops[i];
    if (op.op !== "set") break;
    if (op.field === path) {
      op.value = value;
      dirtyChanged();
      return;
    }
  }
  ed.ops.push({ op: "set", field: path, value });
  dirtyChanged();
}

// What an addition, removal or move does, done on the form's values too.
function applyLocally(values, op) {
  if (op.op === "add") {
    let list = getAt(values, op.list);
    if (!Array.isArray(list)) { setAt(values, op.list, [], true); list = getAt(values, op.list); }
    const item = Object.assign({}, op.values || {});
    const at = op.position === undefined || op.position === null ? list.length : op.position;
    list.splice(at, 0, item);
  } else if (op.op === "remove" || op.op === "move") {
    const cut = op.item.lastIndexOf("[");
    const list = getAt(values, op.item.slice(0, cut));
    const i = Number(op.item.slice(cut + 1, -1));
    if (!Array.isArray(list)) return;
    const [moved] = list.splice(i, 1);
    if (op.op === "move") list.splice(op.position, 0, moved);
  }
}

function discard() {
  if (!ed.ops.length) return;
  reload("Modifiche annullate: il modulo mostra il file com'è sul disco.");
}

async function reload(message) {
  try {
    load(await readFile(ed.file));
    if (message) say(message, "info");
  } catch (e) {
    say("Non riesco a rileggere il file: " + e.message, "errore");
  }
}

function say(text, tone) {
  const banner = $("avviso-modulo");
  if (!banner) return;
  for (const old of banner.querySelectorAll(".messaggio")) old.remove();
  banner.prepend(el("p", { class: "messaggio " + (tone || "info"), text }));
}

// ---- saving ----------------------------------------------------------------------------

async function save() {
  if (ed.saving) return;
  // A change filled in but not added would be lost without a word.
  if (typeof ask !== "undefined" && ask.tipo && $("modulo-modifica") && (Object.keys(ask.values).length || ask.motivation)) {
    say("C'è una modifica richiesta compilata ma non ancora aggiunta: premi «Aggiungi la richiesta alla scheda» (o «Annulla»), poi salva.", "errore");
    const add = $("modulo-modifica").querySelector("button.primario");
    if (add) add.focus();
    return;
  }
  if (!ed.ops.length) {
    if (ed.options.onSaved) ed.options.onSaved(null);
    return;
  }
  // The value being typed counts too.
  if (document.activeElement && ed.root.contains(document.activeElement)) document.activeElement.blur();
  ed.saving = true;
  say("Salvo…", "info");
  try {
    await sendSave(ed.digest);
  } catch (e) {
    say("Non ho salvato: " + e.message + ". Le modifiche sono ancora nel modulo: riprova.", "errore");
  } finally {
    ed.saving = false;
  }
}

async function sendSave(base) {
  const r = await jsonPost("/api/salva", { file: ed.file, base, modifiche: ed.ops });
  const j = await replyOf(r);
  if (r.ok) return saved(j);
  if (r.status === 409 && j.esito === "conflitto") return showConflict(j);
  if (r.status === 422) return refused(j);
  say("Non ho salvato: " + (j.message || j.messaggio || "risposta " + r.status) + ". Le modifiche sono ancora nel modulo.", "errore");
}

function saved(j) {
  ed.savedHere = true;
  ed.digest = j.digest;
  ed.values = j.valori || {};
  ed.ops = [];
  ed.problems = problemList(j.problemi).filter((p) => p.file === ed.file);
  ed.buildable = j.compilabile !== false;
  if (ed.options.onSaved && !ed.problems.some((p) => p.gravita === "errore")) {
    ed.options.onSaved(j);
    return;
  }
  const active = document.activeElement && document.activeElement.id;
  draw();
  say("Salvato alle " + new Date().toLocaleTimeString("it-IT") + ".", "fatto");
  if (ed.options.onSaved) {
    say("Salvato, ma restano errori in questo modulo: correggili, oppure vai avanti e correggili dopo.", "errore");
    $("avviso-modulo").append(el("p", {}, el("button", { type: "button", onclick: () => ed.options.onSaved(j) }, "Vai avanti lo stesso")));
  }
  const again = active && $(active);
  if (again) again.focus();
}

// 422: the edit cannot be made; its message goes next to its field.
function refused(j) {
  const message = readable(j.message || j.messaggio || "la modifica non si può fare");
  say("Non ho salvato: " + message + (j.field
    ? ". Correggi il campo indicato e salva di nuovo."
    : ". Con «Annulla le modifiche non salvate» il modulo torna al file com'è."), "errore");
  if (j.field) {
    const ctx = fileContext();
    ctx.idFor = (p) => "rifiuto-" + p;
    markProblems(ed.root, [...ed.problems, { field: j.field, gravita: "errore", messaggio: message }], ctx);
    const place = findField(ed.root, j.field);
    if (place && place.inputs[0]) place.inputs[0].focus();
  }
}

// ---- a conflict: the file changed on disk after the form was loaded ----------------------

function showConflict(j) {
  const view = el("section", { class: "conflitto", "aria-labelledby": "titolo-conflitto", tabindex: "-1", id: "conflitto" },
    el("h3", { id: "titolo-conflitto", text: "Il file è cambiato sul disco dopo che hai aperto il modulo" }),
    el("p", { text: "Non ho salvato nulla. Qualcuno (un'altra finestra, un editor, un collega) ha cambiato " + j.file +
      ". Ecco le due versioni: scegli quale tenere. Le righe diverse sono evidenziate." }),
    el("div", { class: "due-versioni" },
      versionColumn("Sul disco ora", j.on_disk, j.yours),
      versionColumn("La tua versione (le tue modifiche fatte su quella sul disco)", j.yours, j.on_disk)),
    el("div", { class: "comandi-modulo" },
      el("button", { type: "button", onclick: () => reload("Hai tenuto la versione sul disco: il modulo la mostra, le tue modifiche sono state scartate.") },
        "Tieni quella sul disco (scarta le mie modifiche)"),
      el("button", { type: "button", class: "primario", disabled: j.yours === null || j.yours === undefined ? true : null,
        onclick: () => keepMine(j.on_disk_digest) }, "Tieni la mia (le mie modifiche, fatte sulla versione del disco)")),
    j.yours === null || j.yours === undefined
      ? el("p", { class: "errore-campo errore", text: "Le tue modifiche non si possono fare sulla versione sul disco (forse un elemento che cambiavi non c'è più): tieni quella sul disco e rifai le modifiche." })
      : null);
  const old = $("conflitto");
  if (old) old.remove();
  ed.root.querySelector(".testa-modulo").after(view);
  say("Non ho salvato: il file è cambiato sul disco. Scegli quale versione tenere.", "errore");
  view.focus();
}

function versionColumn(title, text, other) {
  const lines = text === null || text === undefined ? null : text.split("\n");
  const otherLines = new Set(other === null || other === undefined ? [] : other.split("\n"));
  const pre = el("pre", { tabindex: "0" });
  if (lines === null) pre.textContent = "(il file non c'è)";
  else for (const line of lines) pre.append(el("span", { class: otherLines.has(line) ? "uguale" : "diversa", text: line + "\n" }));
  return el("div", { class: "versione" }, el("h4", { text: title }), pre);
}

async function keepMine(diskDigest) {
  const view = $("conflitto");
  if (view) view.remove();
  ed.saving = true;
  try {
    await sendSave(diskDigest);
  } finally {
    ed.saving = false;
  }
}

// ---- the file changed while the form is open -------------------------------------------

// Called on each new generation of the content: a file changed on disk reloads the form
// when nothing is pending, and warns otherwise; the problems shown are brought up to date.
async function editorOnGeneration() {
  if (!ed.file || !ed.root || ed.saving || !ed.root.isConnected || ed.root.hidden) return;
  let f;
  try { f = await readFile(ed.file); } catch (e) { return; }
  if (ed.saving) return;
  if (f.digest !== ed.digest) {
    if (!ed.ops.length) {
      load(f);
      say("Il file è cambiato sul disco: il modulo mostra la versione nuova.", "info");
    } else {
      say("Attenzione: il file è cambiato sul disco mentre lo modificavi. Quando salvi ti mostro le due versioni e scegli quale tenere.", "errore");
    }
    return;
  }
  ed.problems = problemList(f.problemi).filter((p) => !p.file || p.file === ed.file);
  ed.buildable = f.compilabile !== false;
  showProblems_();
}

// ---- history -----------------------------------------------------------------------------

async function showHistory() {
  const old = $("storia");
  if (old) { old.remove(); return; }
  const box = el("section", { id: "storia", class: "storia", "aria-labelledby": "titolo-storia", tabindex: "-1" },
    el("h3", { id: "titolo-storia", text: "Versioni precedenti di " + ed.file }));
  ed.root.querySelector(".testa-modulo").after(box);
  try {
    const r = await api("/api/storia?f=" + encodeURIComponent(ed.file));
    const j = await replyOf(r);
    if (!r.ok) throw new Error(j.message || "risposta " + r.status);
    const versions = j.versioni || [];
    if (!versions.length) box.append(el("p", { text: "Nessuna versione precedente: il file non è ancora stato salvato da qui." }));
    else box.append(el("p", { class: "spiega", text: "Ogni salvataggio tiene la versione che sostituisce. Ripristinarne una è a sua volta un salvataggio: si può annullare." }));
    const list = el("ol", { class: "versioni" });
    for (const v of versions) list.append(versionItem(v));
    box.append(list, el("button", { type: "button", onclick: () => box.remove() }, "Chiudi le versioni"));
  } catch (e) {
    box.append(el("p", { class: "errore-campo errore", text: "Non riesco a leggere le versioni: " + e.message }));
  }
  box.focus();
}

function versionItem(v) {
  const when = v.replaced_at ? new Date(v.replaced_at).toLocaleString("it-IT") : v.id;
  const preview = el("div", { class: "anteprima-versione" });
  const item = el("li", {},
    el("span", { class: "quando", text: "Sostituita il " + when }),
    " ",
    el("button", { type: "button", class: "piccolo", onclick: () => previewVersion(v, preview) }, "Mostra", el("span", { class: "nascosto", text: " la versione del " + when })),
    el("button", { type: "button", class: "piccolo", onclick: () => restoreVersion(v) }, "Ripristina", el("span", { class: "nascosto", text: " la versione del " + when })),
    preview);
  return item;
}

async function previewVersion(v, box) {
  if (box.childElementCount) { box.replaceChildren(); return; }
  const r = await api("/api/storia/versione?f=" + encodeURIComponent(ed.file) + "&id=" + encodeURIComponent(v.id));
  const j = await replyOf(r);
  box.replaceChildren(r.ok ? el("pre", { tabindex: "0", text: j.testo }) : el("p", { class: "errore-campo errore", text: j.message }));
}

async function restoreVersion(v) {
  if (ed.ops.length) {
    say("Prima salva o annulla le modifiche del modulo, poi ripristina la versione.", "errore");
    return;
  }
  const r = await jsonPost("/api/ripristina", { file: ed.file, base: ed.digest, versione: v.id });
  const j = await replyOf(r);
  if (r.ok) {
    saved(j);
    say("Versione ripristinata. Quella che c'era prima è tra le versioni precedenti.", "fatto");
  } else if (r.status === 409 && j.esito === "conflitto") {
    reload("Il file era cambiato sul disco: ho ricaricato il modulo. Scegli di nuovo la versione da ripristinare.");
  } else {
    say("Non ho ripristinato: " + (j.message || "risposta " + r.status), "errore");
  }
}

// ---- closing -------------------------------------------------------------------------------

function closeEditor() {
  if (ed.ops.length && !window.confirm("Ci sono modifiche non salvate: chiudere il modulo e perderle?")) return;
  ed.ops = [];
  dirtyChanged();
  location.hash = ui.sel === "tutto" ? "#/" : "#/obiettivo/" + encodeURIComponent(ui.sel);
}

window.addEventListener("beforeunload", (e) => {
  if (ed.ops.length) { e.preventDefault(); e.returnValue = ""; }
});

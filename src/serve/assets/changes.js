// piao serve, the requested changes of a scheda: the ones already asked (from the
// file's `variazioni`), and "Chiedi una modifica": a chooser over the catalogue
// (`variazioni` of /api/moduli, each with its `descrizione`), the chosen kind's form
// from its spec's `campi`, and its motivazione, new or shared with a change already
// asked. The request is a `request` edit, saved with the others.

const ask = { tipo: null, values: {}, key: 0 };

function kindOf(tipo) {
  return changeKinds(ed.kind).find((k) => k.tipo === tipo);
}

function sentenceCase(t) {
  const s = readable(t).trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function changesSection() {
  const box = el("section", { class: "variazioni", id: "variazioni", "aria-labelledby": "titolo-variazioni" },
    el("h3", { id: "titolo-variazioni", text: "Modifiche richieste" }));
  const groups = (ed.values && ed.values.variazioni) || [];
  if (!groups.length) box.append(el("p", { class: "spiega", text: "Nessuna modifica richiesta per questa scheda." }));
  const list = el("ol", { class: "gruppi" });
  groups.forEach((g, i) => list.append(groupItem(g, i)));
  box.append(list);
  const area = el("div", { id: "chiedi" });
  box.append(el("p", {}, el("button", { type: "button", id: "chiedi-modifica", "aria-expanded": "false", "aria-controls": "chiedi", onclick: toggleChooser },
    "Chiedi una modifica")), area);
  return box;
}

// A change already asked, in a clerk's words: what it is and its fields.
function groupItem(g, i) {
  const changes = g.modifiche || [];
  const item = el("li", { class: "gruppo-variazioni", "data-campo": "variazioni[" + i + "]" },
    el("p", {}, el("strong", { text: "Motivazione: " }), g.motivazione || "(manca)"));
  const inner = el("ul", {});
  changes.forEach((c, j) => {
    const k = kindOf(c.tipo);
    const what = k ? sentenceCase(k.descrizione) : c.tipo;
    // In the order of the kind's form, each field named by its key in words.
    const keys = Object.keys(c).filter((key) => key !== "tipo");
    const order = k ? k.campi.map((f) => f.chiave) : [];
    keys.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
    const details = keys.map((key) => sentenceCase(key.replace(/_/g, " ")) + ": " + shortValue(c[key]));
    inner.append(el("li", { "data-campo": "variazioni[" + i + "].modifiche[" + j + "]" },
      el("span", { class: "tipo-modifica", text: what }),
      details.length ? el("span", { class: "dettagli", text: " — " + details.join("; ") }) : null,
      " ",
      el("button", { type: "button", class: "piccolo", onclick: () => removeChange(i, j, changes.length) },
        "Togli", el("span", { class: "nascosto", text: " la modifica «" + what + "»" }))));
  });
  item.append(inner);
  return item;
}

function shortValue(v) {
  if (Array.isArray(v)) return v.map(shortValue).join(", ");
  if (v && typeof v === "object") return Object.entries(v).map(([k, x]) => k + " " + shortValue(x)).join(", ");
  const t = String(v);
  const date = t.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (date) return Number(date[3]) + "." + Number(date[2]) + "." + date[1];
  return t.length > 80 ? t.slice(0, 77) + "…" : t;
}

function removeChange(i, j, count) {
  const op = count <= 1 ? { op: "remove", item: "variazioni[" + i + "]" } : { op: "remove", item: "variazioni[" + i + "].modifiche[" + j + "]" };
  applyLocally(ed.values, op);
  ed.ops.push(op);
  redrawChanges();
  dirtyChanged();
  $("chiedi-modifica").focus();
}

function redrawChanges() {
  const old = $("variazioni");
  if (old) old.replaceWith(changesSection());
}

// ---- the chooser and the form of one kind -------------------------------------------------

function toggleChooser() {
  const area = $("chiedi");
  const button = $("chiedi-modifica");
  if (area.childElementCount) {
    area.replaceChildren();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  button.setAttribute("aria-expanded", "true");
  ask.tipo = null;
  ask.values = {};
  const kinds = changeKinds(ed.kind);
  const chooser = el("fieldset", { class: "scegli-modifica" }, el("legend", { text: "Quale modifica chiedi?" }));
  kinds.forEach((k, n) => {
    const id = "tipo-modifica-" + n;
    const radio = el("input", { type: "radio", name: "tipo-modifica", id, value: k.tipo });
    radio.addEventListener("change", () => chooseKind(k.tipo));
    chooser.append(el("div", { class: "spunta scelta-tipo" }, radio,
      el("label", { for: id }, sentenceCase(k.descrizione),
        k.esempio ? el("span", { class: "esempio", text: " (es. " + readable(k.esempio) + ")" }) : null)));
  });
  area.append(chooser, el("div", { id: "modulo-modifica" }));
  chooser.querySelector("input").focus();
}

function chooseKind(tipo) {
  ask.tipo = tipo;
  ask.values = {};
  drawRequestForm();
}

// The approved cronoprogramma of the phases the change names (its `fasi` or `fase`),
// shown on the same grid above the new one.
function approvedRows(path) {
  const phases = ed.values.fasi || [];
  const named = [].concat(ask.values.fasi || ask.values.fase || []).map(Number).filter(Number.isInteger);
  const only = path.match(/\.(\d+)$/);
  const wanted = only ? [Number(only[1])] : named;
  return wanted.map((n) => {
    const phase = phases.find((p) => Number(p.numero) === n) || phases[n - 1];
    return { label: "Fase " + n + " approvata", grid: (phase && phase.cronoprogramma) || {} };
  });
}

function requestContext() {
  const key = ++ask.key;
  return {
    plan: ed.plan,
    idFor: (p) => "r" + key + "-" + p.replace(/\./g, "--").replace(/\[/g, "-").replace(/\]/g, ""),
    get: (p) => getAt(ask.values, p),
    input: (p, v) => setAt(ask.values, p, clone(v)),
    emit: (p, v) => {
      setAt(ask.values, p, clone(v));
      // The phases chosen change the approved rows shown beside the new grid.
      if (p === "fasi" || p === "fase") drawRequestForm(true);
    },
    structural: (op, after) => { applyLocally(ask.values, op); after(); },
    reference: approvedRows,
  };
}

function drawRequestForm(keepFocus) {
  const k = kindOf(ask.tipo);
  const box = $("modulo-modifica");
  if (!k || !box) return;
  const focused = keepFocus && document.activeElement ? document.activeElement.dataset.path : null;
  const ctx = requestContext();
  const groups = (ed.values.variazioni || []);
  const form = el("fieldset", { class: "modulo-modifica" },
    el("legend", { text: sentenceCase(k.descrizione) }),
    ...fieldNodes(k.campi, "", ctx),
    ownMotivation(k) ? null : motivationNode(groups),
    el("p", { class: "comandi-modulo" },
      el("button", { type: "button", class: "primario", onclick: () => addRequest(ctx) }, "Aggiungi la richiesta alla scheda"),
      el("button", { type: "button", onclick: toggleChooser }, "Annulla")));
  box.replaceChildren(form);
  for (const f of k.campi) suggest(box, k.tipo, f.chiave);
  if (focused) {
    const again = box.querySelector('[data-path="' + focused + '"]');
    if (again) again.focus();
  }
}

// A kind whose form has a motivazione of its own (the elimination of the objective)
// takes it from there.
function ownMotivation(k) {
  return k.campi.some((f) => f.chiave === "motivazione");
}

function motivationNode(groups) {
  const text = el("textarea", { id: "motivazione-nuova", rows: "3" });
  text.value = ask.motivation || "";
  text.addEventListener("input", () => { ask.motivation = text.value; });
  const box = el("fieldset", { class: "campo motivazione", "data-campo": "motivazione" },
    el("legend", {}, "Motivazione", el("span", { class: "obbligatorio", text: " (obbligatorio)" })));
  if (!groups.length) {
    box.append(el("label", { for: text.id, text: "Perché si chiede la modifica" }), text);
    return box;
  }
  const fresh = el("input", { type: "radio", name: "motivazione-modo", id: "motivazione-propria", value: "nuova" });
  const shared = el("input", { type: "radio", name: "motivazione-modo", id: "motivazione-comune", value: "comune" });
  const select = el("select", { id: "motivazione-gruppo" },
    ...groups.map((g, i) => el("option", { value: String(i), text: (i + 1) + ". " + shortValue(g.motivazione || "(senza motivazione)") })));
  fresh.checked = ask.shared === undefined;
  shared.checked = ask.shared !== undefined;
  if (ask.shared !== undefined) select.value = String(ask.shared);
  const sync = () => {
    ask.shared = shared.checked ? Number(select.value) : undefined;
    text.disabled = shared.checked;
    select.disabled = !shared.checked;
  };
  for (const x of [fresh, shared, select]) x.addEventListener("change", sync);
  box.append(
    el("div", { class: "spunta" }, fresh, el("label", { for: fresh.id, text: "Una motivazione nuova" })),
    el("div", { class: "rientro" }, el("label", { for: text.id, text: "Perché si chiede la modifica" }), text),
    el("div", { class: "spunta" }, shared, el("label", { for: shared.id, text: "La stessa motivazione di una modifica già chiesta" })),
    el("div", { class: "rientro" }, el("label", { for: select.id, text: "Quale" }), select));
  sync();
  return box;
}

// Checks what the form can check (required fields, a motivazione), then adds the
// request to the edits and to the list shown.
function addRequest(ctx) {
  const k = kindOf(ask.tipo);
  const box = $("modulo-modifica");
  if (document.activeElement && box.contains(document.activeElement)) document.activeElement.blur();
  const missing = k.campi.filter((f) => f.obbligatorio && isEmptyValue(ask.values[f.chiave]))
    .map((f) => ({ field: f.chiave, gravita: "errore", messaggio: "questo campo è obbligatorio" }));
  const own = ownMotivation(k);
  const shared = own ? undefined : ask.shared;
  const motivation = String((own ? ask.values.motivazione : ask.motivation) || "").trim();
  if (!own && shared === undefined && !motivation) missing.push({ field: "motivazione", gravita: "errore", messaggio: "scrivi la motivazione della modifica" });
  if (missing.length) {
    markProblems(box, missing, ctx);
    const first = findField(box, missing[0].field);
    if (first && first.inputs[0]) first.inputs[0].focus();
    return;
  }
  const fields = {};
  for (const f of k.campi) if (!isEmptyValue(ask.values[f.chiave])) fields[f.chiave] = clone(ask.values[f.chiave]);
  const op = { op: "request", tipo: k.tipo, fields, motivazione: shared === undefined ? { new: motivation } : { shared } };
  ed.ops.push(op);
  showRequestLocally(op);
  ask.tipo = null;
  ask.values = {};
  ask.motivation = "";
  ask.shared = undefined;
  dirtyChanged();
  say("Richiesta aggiunta alla scheda: salva per scriverla nel file.", "info");
  $("chiedi-modifica").focus();
}

function showRequestLocally(op) {
  const k = kindOf(op.tipo);
  if (ownMotivation(k)) {
    // Written in the scheda's own fields (src/edit/request.rs): shown there.
    Object.assign(ed.values, op.fields);
    draw();
    $("chiedi-modifica").focus();
    return;
  }
  const groups = ed.values.variazioni || (ed.values.variazioni = []);
  const change = Object.assign({ tipo: op.tipo }, op.fields);
  if (op.motivazione.new !== undefined) groups.push({ motivazione: op.motivazione.new, modifiche: [change] });
  else (groups[op.motivazione.shared].modifiche || (groups[op.motivazione.shared].modifiche = [])).push(change);
  redrawChanges();
}

// ---- what a change can name: the scheda's phases, indicators and activities ---------------

// The elements of the scheda a field of a change names, as { value, label }: the phases
// for `fase`/`fasi`, the indicators or activities (by their `id`) for `indicatore`,
// `attivita` and `dopo` (of the same kind as the change).
function namedElements(tipo, key) {
  const v = ed.values || {};
  const short = (t) => { const x = String(t || ""); return x.length > 70 ? x.slice(0, 67) + "…" : x; };
  if (key === "fase" || key === "fasi") {
    return (v.fasi || []).map((p, i) => ({ value: String(p.numero || i + 1), label: short(p.descrizione) }));
  }
  const about = key === "dopo" ? (tipo.endsWith("attivita") ? "attivita" : "indicatore") : key;
  if (about === "attivita") {
    return (v.attivita || []).filter((a) => a.id).map((a) => ({ value: a.id, label: short(a.testo) }));
  }
  if (about === "indicatore") {
    const all = Array.isArray(v.indicatori) ? v.indicatori : Object.values(v.indicatori || {}).flat();
    return all.filter((x) => x && x.id).map((x) => ({ value: x.id, label: short(x.descrizione) }));
  }
  return null;
}

// Offers the scheda's elements as choices for a field that names one, and says which
// ones it has.
function suggest(box, tipo, key) {
  const items = namedElements(tipo, key);
  const input = box.querySelector('[data-path="' + key + '"]');
  if (!items || !input || input.tagName !== "INPUT") return;
  const listId = input.id + "-scelte";
  box.append(el("datalist", { id: listId }, ...items.map((i) => el("option", { value: i.value, label: i.label }))));
  input.setAttribute("list", listId);
  const noteId = input.id + "-elenco";
  const words = key === "fase" || key === "fasi" ? "Le fasi della scheda: " : "Gli elementi con un «id» in questa scheda: ";
  const brief = (t) => (t.length > 40 ? t.slice(0, 38) + "…" : t);
  const note = el("p", { class: "aiuto-campo", id: noteId, text: items.length
    ? words + items.map((i) => i.value + " (" + brief(i.label) + ")").join("; ") + "."
    : "Nessun elemento di questa scheda ha un «id»: daglielo nel suo campo «Id», nel modulo qui sopra, e salva." });
  input.after(note);
  describe(input, noteId);
}

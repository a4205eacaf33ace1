// piao serve: keeps the page in step with the server. No framework, no build step.
// The server sends this file followed by form.js, edit.js, changes.js and start.js
// (the edit panel), as one script.
"use strict";

const ZOOMS = [0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];
const PX_PER_PT = 96 / 72;

const ui = {
  sel: "tutto",      // the view: "tutto" or an objective's id
  mode: "vista",     // "vista" (pages only), "modifica" (a file's form), "nuovo"
  hash: "",          // the address part last routed
  generation: 0,     // the last generation applied
  loading: false,
  again: false,
  zoom: Number(localStorage.getItem("piao-zoom")) || 1,
  shownSel: null,    // the view whose pages are on screen
  pages: [],
  last: {},          // last rendered JSON of each part, to skip unchanged ones
  updates: 0,
};

const $ = (id) => document.getElementById(id);

// This run's secret, put in the page by the server. Every request carries it: in the
// X-Piao-Token header when the page makes the request itself (`api`), in the address
// (`t=`) for images, downloads and the event stream, which cannot carry a header.
// The server requires it for every write, and for everything when it listens on a
// network address.
const TOKEN = (document.querySelector('meta[name="piao-token"]') || {}).content || "";

function withToken(url) {
  return url + (url.includes("?") ? "&" : "?") + "t=" + encodeURIComponent(TOKEN);
}

// fetch() for the server's own routes, with the token. Writes (method other than GET)
// go through here too: the server refuses them without it.
function api(url, options) {
  const o = Object.assign({ cache: "no-store", credentials: "same-origin" }, options || {});
  o.headers = Object.assign({}, o.headers || {}, { "X-Piao-Token": TOKEN });
  return fetch(url, o);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

function selFromHash() {
  const m = location.hash.match(/^#\/obiettivo\/(.+)$/);
  if (m) return decodeURIComponent(m[1]);
  const file = fileFromHash();
  return file ? objectiveOfFile(file) : "tutto";
}

// `#/modifica/gestionali/g06-x.toml`: the file whose form is open.
function fileFromHash() {
  const m = location.hash.match(/^#\/modifica\/(.+)$/);
  return m ? decodeURIComponent(m[1]) : null;
}

// The view of an objective's file (its id is the file's stem), or the whole annex.
function objectiveOfFile(file) {
  const m = file.match(/^(?:gestionali|istituzionali)\/(.+)\.toml$/);
  return m ? m[1] : "tutto";
}

function status(text, bad) {
  const s = $("stato");
  s.textContent = text;
  s.classList.toggle("errori", !!bad);
}

function changed(part, value) {
  const json = JSON.stringify(value);
  if (ui.last[part] === json) return false;
  ui.last[part] = json;
  return true;
}

async function refresh() {
  if (ui.loading) { ui.again = true; return; }
  ui.loading = true;
  try {
    do {
      ui.again = false;
      const sel = ui.sel;
      const r = await api("/api/stato?sel=" + encodeURIComponent(sel));
      if (!r.ok) throw new Error("risposta " + r.status);
      const state = await r.json();
      if (sel !== ui.sel) { ui.again = true; continue; }
      apply(state);
    } while (ui.again);
  } catch (e) {
    status("Non riesco a leggere lo stato dal server (" + e.message + "): riprovo al prossimo salvataggio", true);
  } finally {
    ui.loading = false;
  }
}

function apply(s) {
  const newGeneration = s.generazione !== ui.generation;
  ui.generation = s.generazione;
  $("cartella").textContent = s.cartella;
  // A state that still says `inizio` after the first run's forms were saved is one
  // made before the server saw the new files: the next one will not say it.
  if (s.inizio && !first.done) {
    document.body.dataset.generazione = String(s.generazione);
    startFirstRun();
    return;
  }
  if (newGeneration && ui.mode === "modifica") editorOnGeneration();
  if (changed("obiettivi", [s.obiettivi, ui.sel])) showObjectives(s.obiettivi);
  if (changed("problemi", s.problemi)) showProblems(s.problemi);
  if (changed("scarica", [s.scaricabile, ui.sel, s.obiettivi])) showDownloads(s);
  if (s.nota && ui.sel !== "tutto") {
    status(s.nota.charAt(0).toUpperCase() + s.nota.slice(1), true);
    // A form being written stays open: its pages come back once the file reads.
    if (ui.mode !== "modifica") location.hash = "#/";
    return;
  }
  showView(s.vista, s);
  if (ui.needFit && ui.pages.length) { ui.needFit = false; fitPages(); }
  ui.updates += 1;
  document.body.dataset.generazione = String(s.generazione);
  document.body.dataset.aggiornamenti = String(ui.updates);
  const time = new Date().toLocaleTimeString("it-IT");
  const count = (n, one, many) => n + " " + (n === 1 ? one : many);
  if (s.errori > 0) {
    status(count(s.errori, "errore", "errori") + " nei contenuti (" + time + ")", true);
  } else if (s.vista) {
    const secs = (ms) => (ms / 1000).toLocaleString("it-IT", { maximumFractionDigits: 2 }) + " s";
    status("Aggiornato alle " + time + " · " + count(s.vista.pagine.length, "pagina", "pagine") +
      (s.avvisi ? " · " + count(s.avvisi, "avviso", "avvisi") : "") +
      " · controllato in " + secs(s.controllo_ms) + ", impaginato in " + secs(s.vista.millisecondi), false);
  } else {
    status("Nessuna pagina da mostrare (" + time + ")", true);
  }
}

function showObjectives(list) {
  const table = $("obiettivi");
  for (const b of table.querySelectorAll("tbody")) b.remove();
  const groups = [["gestionale", "Obiettivi gestionali"], ["istituzionale", "Obiettivi istituzionali"]];
  for (const [kind, label] of groups) {
    const rows = list.filter((o) => o.tipo === kind);
    if (!rows.length) continue;
    const body = el("tbody", {}, el("tr", {}, el("th", { scope: "rowgroup", colspan: "4", text: label + " (" + rows.length + ")" })));
    for (const o of rows) {
      const current = o.id === ui.sel;
      body.append(el("tr", { class: current ? "scelto" : null },
        el("td", { class: "num", text: o.leggibile ? String(o.numero) : "?" }),
        el("td", {},
          o.leggibile
            ? el("a", { href: "#/obiettivo/" + encodeURIComponent(o.id), "aria-current": current ? "page" : null,
              title: "Richiesta e scheda di " + o.breve }, o.titolo)
            : el("span", { class: "illeggibile", text: o.titolo }),
          el("span", { class: "file", text: o.file }),
          el("a", { class: "modifica", href: "#/modifica/" + encodeURIComponent(o.file) }, "Modifica",
            el("span", { class: "nascosto", text: " la scheda " + o.breve }))),
        el("td", { class: o.azione, text: o.azione }),
        el("td", { class: "num", text: String(o.modifiche) })));
    }
    table.append(body);
  }
  if (!list.length) {
    table.append(el("tbody", {}, el("tr", {}, el("td", { colspan: "4", text: "Nessun obiettivo nelle cartelle gestionali/ e istituzionali/" }))));
  }
  const all = $("link-tutto");
  if (ui.sel === "tutto") all.setAttribute("aria-current", "page"); else all.removeAttribute("aria-current");
}

function place(p) {
  const where = [p.file];
  if (p.riga) where.push("riga " + p.riga);
  if (p.colonna) where.push("colonna " + p.colonna);
  const out = [el("p", { class: "luogo", text: where.join(", ") })];
  if (p.testo !== null && p.testo !== undefined) {
    const [a, b] = p.segno || [0, 0];
    const chars = Array.from(p.testo);
    out.push(el("pre", {},
      el("span", { class: "n", "aria-hidden": "true", text: p.riga + " │ " }),
      chars.slice(0, a).join(""),
      el("mark", { text: chars.slice(a, b).join("") || " " }),
      chars.slice(b).join("")));
  }
  if (p.etichetta) out.push(el("p", { class: "etichetta", text: p.etichetta }));
  return out;
}

function showProblems(problems) {
  const box = $("problemi");
  const list = $("elenco-problemi");
  list.replaceChildren();
  box.hidden = problems.length === 0;
  const errors = problems.filter((p) => p.gravita === "errore").length;
  $("titolo-problemi").textContent = errors
    ? "Problemi nei contenuti: " + errors + (errors === 1 ? " errore" : " errori") +
      (problems.length > errors ? ", " + (problems.length - errors) + " avvisi" : "")
    : "Avvisi: " + problems.length;
  for (const p of problems) {
    const item = el("li", { class: "problema " + p.gravita },
      el("p", {}, el("span", { class: "gravita", text: p.gravita }), ": " + p.messaggio));
    if (p.luogo) item.append(...place(p.luogo));
    if (p.etichetta) item.append(el("p", { class: "etichetta", text: p.etichetta }));
    for (const o of p.altri) item.append(...place(o));
    for (const h of p.aiuti) item.append(el("p", { class: "aiuto", text: "aiuto: " + h }));
    list.append(item);
  }
}

function downloadLink(text, query, enabled) {
  if (!enabled) return el("li", {}, el("span", { class: "spento", "aria-disabled": "true", text }));
  return el("li", {}, el("a", { href: withToken(query) }, text));
}

function showDownloads(s) {
  const box = $("scarica");
  box.replaceChildren();
  const ok = s.scaricabile;
  if (!ok) box.append(el("p", { class: "spiega", text: "Correggi gli errori per scaricare i file." }));
  else box.append(el("p", { class: "spiega", text: "I file sono gli stessi che scrive piao build; il PDF si genera al momento, in qualche secondo." }));
  const pdf = (sel, profile, part) => "/scarica/pdf?sel=" + encodeURIComponent(sel) + "&profilo=" + profile + "&parte=" + part;
  const group = (title, sel, profile) => [
    el("h3", { text: title }),
    el("ul", {},
      downloadLink("PDF", pdf(sel, profile, "pdf"), ok),
      downloadLink("Impronta SHA-256", pdf(sel, profile, "impronta"), ok),
      downloadLink("Dati per la registrazione (JSON)", pdf(sel, profile, "registrazione"), ok)),
  ];
  box.append(...group("Allegato completo (per la Giunta)", "tutto", "completo"));
  box.append(...group("Copia per l'albo pretorio", "tutto", "albo"));
  const o = s.obiettivi.find((x) => x.id === ui.sel);
  if (o) box.append(...group("Anteprima di " + o.breve, o.id, "completo"));
  box.append(el("h3", { text: "Dati aperti (una riga per modifica)" }),
    el("ul", {},
      downloadLink("JSON", "/scarica/dati?formato=json", ok),
      downloadLink("CSV", "/scarica/dati?formato=csv", ok)));
}

function scale() {
  const need = PX_PER_PT * ui.zoom * (window.devicePixelRatio || 1);
  return Math.min(4, Math.max(1, Math.ceil(need - 0.15)));
}

function pageUrl(p) {
  return withToken("/pagina/" + p.id + ".png?s=" + scale());
}

function showView(v, s) {
  const note = $("nota-pagine");
  const box = $("pagine");
  if (!v) {
    const o = s.obiettivi.find((x) => x.id === ui.sel);
    $("titolo-vista").textContent = o ? o.breve + " — " + o.file : "Allegato intero";
    note.hidden = false;
    note.textContent = s.errori
      ? "Nessuna pagina ancora: correggi i problemi elencati sopra e salva il file."
      : "Nessuna pagina da mostrare.";
    box.replaceChildren();
    ui.pages = [];
    ui.shownSel = ui.sel;
    showSections([]);
    return;
  }
  note.hidden = v.attuale;
  note.textContent = v.attuale ? "" :
    "Le pagine sono quelle dell'ultima versione senza errori: correggi i problemi elencati sopra e salva, e si aggiorneranno da sole.";
  $("titolo-vista").textContent = v.titolo;
  document.title = v.titolo + " — anteprima dell'allegato — piao";
  const fresh = ui.shownSel !== v.sel;
  ui.shownSel = v.sel;
  ui.pages = v.pagine;
  drawPages();
  if (changed("sezioni", v.sezioni)) showSections(v.sezioni);
  if (fresh) $("principale").scrollTop = 0;
}

// Places one figure per page (reusing those already there): an image whose page did
// not change keeps its address, so only changed pages are fetched again.
function drawPages() {
  const box = $("pagine");
  const figures = box.children;
  const pages = ui.pages;
  const s = String(scale());
  pages.forEach((p, i) => {
    let fig = figures[i];
    if (!fig) {
      // The first pages load at once; the others when they come near the screen.
      const img = el("img", { loading: i < 2 ? "eager" : "lazy", decoding: "async", alt: "" });
      img.addEventListener("error", () => { if (!ui.loading) refresh(); });
      fig = el("figure", { class: "pagina" }, img, el("figcaption"));
      box.append(fig);
    }
    fig.id = "pagina-" + (i + 1);
    const img = fig.firstChild;
    fig.style.width = (p.larghezza * PX_PER_PT * ui.zoom) + "px";
    if (fig.dataset.id !== p.id || fig.dataset.scale !== s) {
      fig.dataset.id = p.id;
      fig.dataset.scale = s;
      img.width = Math.round(p.larghezza * PX_PER_PT);
      img.height = Math.round(p.altezza * PX_PER_PT);
      img.src = pageUrl(p);
    }
    img.alt = "Pagina " + (i + 1) + " di " + pages.length;
    fig.lastChild.textContent = "Pagina " + (i + 1) + " di " + pages.length;
  });
  while (figures.length > pages.length) box.lastChild.remove();
}

function showSections(sections) {
  const list = $("sezioni");
  list.replaceChildren();
  for (const sec of sections.filter((x) => x.livello <= 3)) {
    list.append(el("li", { class: "l" + sec.livello },
      el("button", { type: "button", onclick: () => goToPage(sec.pagina) }, sec.titolo),
      " (p. " + sec.pagina + ")"));
  }
  if (!list.children.length) list.append(el("li", { class: "spiega", text: "—" }));
}

function goToPage(n) {
  const fig = $("pagina-" + n);
  if (!fig) return;
  fig.scrollIntoView({ block: "start" });
  $("principale").scrollTop -= 50;
  fig.setAttribute("tabindex", "-1");
  fig.focus({ preventScroll: true });
}

// `remember` false: a size of the moment (beside a form), not the reader's choice.
function setZoom(z, remember) {
  const main = $("principale");
  // Keep the same part of the document in view.
  const ratio = main.scrollHeight ? main.scrollTop / main.scrollHeight : 0;
  ui.zoom = Math.min(3, Math.max(0.5, z));
  if (remember !== false) localStorage.setItem("piao-zoom", String(ui.zoom));
  $("livello").textContent = Math.round(ui.zoom * 100) + "%";
  drawPages();
  main.scrollTop = ratio * main.scrollHeight;
}

function step(dir) {
  const i = ZOOMS.findIndex((z) => z >= ui.zoom - 1e-6);
  const at = i < 0 ? ZOOMS.length - 1 : i;
  const next = dir > 0 ? ZOOMS.find((z) => z > ui.zoom + 1e-6) : [...ZOOMS].reverse().find((z) => z < ui.zoom - 1e-6);
  setZoom(next === undefined ? ZOOMS[at] : next);
}

// Shows the edit panel in place of the index (the pages stay beside it).
function openPanel() {
  const was = $("editor").hidden;
  $("indice").hidden = true;
  $("editor").hidden = false;
  if (was) {
    if (ui.pages.length) fitPages(); else ui.needFit = true;
  }
}

function closePanel() {
  const was = $("editor").hidden;
  $("editor").hidden = true;
  $("editor").replaceChildren();
  $("indice").hidden = false;
  ed.file = null;
  // The size the reader had chosen before the form took part of the width.
  ui.needFit = false;
  if (!was && ui.zoomBeforePanel) { setZoom(ui.zoomBeforePanel, false); ui.zoomBeforePanel = null; }
}

// Beside a form the pages get narrower: shrinks them to the width left, if they no
// longer fit (the reader's size comes back when the form closes).
function fitPages() {
  const widest = Math.max(...ui.pages.map((p) => p.larghezza), 595);
  const room = $("pagine").clientWidth - 8;
  if (room <= 0 || widest * PX_PER_PT * ui.zoom <= room) return;
  ui.zoomBeforePanel = ui.zoomBeforePanel || ui.zoom;
  setZoom(room / (widest * PX_PER_PT), false);
}

// Follows the address: a view, a file's form, the new objective's form.
function route() {
  const file = fileFromHash();
  const next = file ? "modifica" : location.hash === "#/nuovo" ? "nuovo" : "vista";
  const leaving = ui.mode === "modifica" && (next !== "modifica" || file !== ed.file);
  if (leaving && ed.ops.length && !window.confirm("Ci sono modifiche non salvate: lasciare il modulo e perderle?")) {
    history.replaceState(null, "", ui.hash);
    return;
  }
  ui.hash = location.hash;
  ui.mode = next;
  ui.sel = selFromHash();
  ui.last = {};
  if (next === "modifica") {
    if (file !== ed.file || $("editor").hidden) {
      ed.ops = [];
      openPanel();
      openEditor(file, $("editor")).then(() => {
        if (ed.pendingNote) { say(ed.pendingNote, "info"); ed.pendingNote = null; }
        const h = $("titolo-modulo");
        if (h) h.focus();
      });
    }
  } else if (next === "nuovo") {
    showNewObjective();
  } else if (!first.active) {
    closePanel();
  }
  refresh();
}

function start() {
  ui.sel = selFromHash();
  ui.hash = location.hash;
  $("livello").textContent = Math.round(ui.zoom * 100) + "%";
  $("riduci").addEventListener("click", () => step(-1));
  $("ingrandisci").addEventListener("click", () => step(1));
  $("adatta").addEventListener("click", () => {
    const widest = Math.max(...ui.pages.map((p) => p.larghezza), 595);
    setZoom(($("pagine").clientWidth - 8) / (widest * PX_PER_PT));
  });
  window.addEventListener("hashchange", route);
  // The state the page came with (the whole annex): shown before anything else.
  const initial = $("stato-iniziale");
  let fresh = false;
  if (initial && ui.sel === "tutto") {
    try { apply(JSON.parse(initial.textContent)); fresh = true; } catch (e) { fresh = false; }
  }
  const events = new EventSource(withToken("/eventi"));
  events.onmessage = (e) => {
    if (Number(e.data) !== ui.generation) refresh();
  };
  events.onerror = () => {
    status("Collegamento con piao serve interrotto: riprovo… (il comando è ancora in esecuzione?)", true);
  };
  // After a reconnection (piao serve started again) the state may be another.
  events.onopen = () => { if (fresh) fresh = false; else refresh(); };
  document.body.dataset.caricata = String(Date.now());
  if (fileFromHash() || location.hash === "#/nuovo") route();
  else if (!fresh) refresh();
}

document.addEventListener("DOMContentLoaded", start);

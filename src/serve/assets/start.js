// piao serve, new content: the first run on an empty folder (the ente and the plan,
// then the organisation, each saved like any form, from "assente"), and a new
// objective from its sezione (`/api/nuovo`).

const first = { active: false, step: 0, done: false };

const STEPS = [
  { file: "allegato.toml", intro: "Passo 1 di 2. Per cominciare, l'ente e il piano: i campi obbligatori sono indicati. Potrai cambiare tutto anche dopo." },
  { file: "organizzazione.toml", intro: "Passo 2 di 2. L'organizzazione dell'ente: direzioni e sezioni (con dirigenti, P.O./responsabili e assessori) e il personale con la categoria. Le schede degli obiettivi prenderanno da qui questi dati." },
];

// `/api/stato` said `inizio`: the content folder has no allegato.toml yet.
function startFirstRun() {
  if (first.active) return;
  first.active = true;
  first.step = 0;
  document.body.classList.add("primo-avvio");
  showStep();
}

function showStep() {
  const step = STEPS[first.step];
  const panel = $("editor");
  panel.hidden = false;
  $("titolo-pagina").textContent = "Nuovo allegato";
  status("Cartella dei contenuti vuota: compila i moduli per cominciare", false);
  openEditor(step.file, panel, {
    intro: step.intro,
    saveLabel: first.step + 1 < STEPS.length ? "Salva e continua" : "Salva e vai all'allegato",
    onSaved: nextStep,
  }).then(() => { const h = $("titolo-modulo"); if (h) h.focus(); });
}

function nextStep() {
  first.step += 1;
  if (first.step < STEPS.length) { showStep(); return; }
  first.active = false;
  first.done = true;
  document.body.classList.remove("primo-avvio");
  $("titolo-pagina").textContent = "Anteprima dell'allegato";
  ed.file = null;
  $("editor").hidden = true;
  $("editor").replaceChildren();
  location.hash = "#/";
  ui.last = {};
  refresh();
  status("Allegato creato: ora aggiungi gli obiettivi con «Nuovo obiettivo».", false);
}

// ---- a new objective --------------------------------------------------------------------

// The sezioni of organizzazione.toml, to choose from.
async function knownSections() {
  try {
    const org = await readFile("organizzazione.toml");
    const out = [];
    for (const d of (org.valori && org.valori.direzioni) || []) {
      for (const s of d.sezioni || []) if (s.nome) out.push(s.nome);
    }
    return out;
  } catch (e) {
    return [];
  }
}

async function showNewObjective() {
  const panel = $("editor");
  openPanel();
  ed.file = null;
  ed.ops = [];
  const sections = await knownSections();
  const list = el("datalist", { id: "sezioni-note" }, ...sections.map((s) => el("option", { value: s })));
  const kind = (value, text, checked) => el("div", { class: "spunta" },
    el("input", { type: "radio", name: "nuovo-tipo", id: "nuovo-" + value, value, checked: checked || null }),
    el("label", { for: "nuovo-" + value, text }));
  const message = el("div", { id: "avviso-modulo", role: "status", "aria-live": "polite" });
  const form = el("form", { class: "nuovo-obiettivo", novalidate: true },
    el("fieldset", { class: "campo" }, el("legend", { text: "Tipo di obiettivo" }),
      kind("gestionale", "Gestionale (una scheda con fasi, indicatori, personale e risorse)", true),
      kind("istituzionale", "Istituzionale (il servizio, con attività e indicatori)")),
    el("div", { class: "campo", "data-campo": "sezione" },
      el("label", { for: "nuovo-sezione" }, "Sezione", el("span", { class: "obbligatorio", text: " (obbligatorio)" })),
      el("p", { class: "aiuto-campo", id: "nuovo-sezione-aiuto", text: sections.length
        ? "Scegli una delle sezioni dell'organizzazione: la scheda ne prende direzione, dirigente, responsabile e assessore."
        : "Nessuna sezione nell'organizzazione: scrivila (la scheda chiederà direzione, dirigente e responsabile)." }),
      el("input", { type: "text", id: "nuovo-sezione", list: "sezioni-note", autocomplete: "off", "aria-describedby": "nuovo-sezione-aiuto", "data-path": "sezione" }), list),
    el("div", { class: "campo", "data-campo": "titolo" },
      el("label", { for: "nuovo-titolo" }, "Titolo dell'obiettivo (o nome del servizio)", el("span", { class: "obbligatorio", text: " (obbligatorio)" })),
      el("input", { type: "text", id: "nuovo-titolo", autocomplete: "off", "data-path": "titolo" })),
    el("div", { class: "campo", "data-campo": "numero" },
      el("label", { for: "nuovo-numero", text: "N. scheda" }),
      el("p", { class: "aiuto-campo", id: "nuovo-numero-aiuto", text: "Lascialo vuoto per il primo numero libero." }),
      el("input", { type: "text", id: "nuovo-numero", inputmode: "numeric", class: "corto", "aria-describedby": "nuovo-numero-aiuto", "data-path": "numero" })),
    el("p", { class: "comandi-modulo" },
      el("button", { type: "submit", class: "primario" }, "Crea la scheda"),
      el("button", { type: "button", onclick: () => { location.hash = "#/"; } }, "Annulla")));
  form.addEventListener("submit", (e) => { e.preventDefault(); createObjective(form); });
  panel.replaceChildren(
    el("div", { class: "testa-modulo" }, el("h2", { id: "titolo-modulo", tabindex: "-1", text: "Nuovo obiettivo" }),
      el("p", { class: "spiega", text: "La scheda nasce con i campi da compilare; poi si apre qui, accanto alle sue pagine." })),
    message, form);
  $("titolo-modulo").focus();
}

async function createObjective(form) {
  const managed = form.querySelector("#nuovo-gestionale").checked;
  const sezione = $("nuovo-sezione").value.trim();
  const titolo = $("nuovo-titolo").value.trim();
  const numero = $("nuovo-numero").value.trim();
  const missing = [];
  if (!sezione) missing.push({ field: "sezione", gravita: "errore", messaggio: "scegli o scrivi la sezione" });
  if (!titolo) missing.push({ field: "titolo", gravita: "errore", messaggio: "scrivi il titolo" });
  if (numero && !/^\d+$/.test(numero)) missing.push({ field: "numero", gravita: "errore", messaggio: "il N. scheda è un numero intero (o lascialo vuoto)" });
  const ctx = { idFor: (p) => "nuovo-" + p };
  markProblems(form, missing, ctx);
  if (missing.length) { findField(form, missing[0].field).inputs[0].focus(); return; }
  const r = await jsonPost("/api/nuovo", { gestionale: managed, numero: numero ? Number(numero) : null, titolo, sezione });
  const j = await replyOf(r);
  if (!r.ok) {
    const where = j.field && findField(form, j.field) ? j.field : null;
    if (where) markProblems(form, [{ field: where, gravita: "errore", messaggio: j.message }], ctx);
    $("avviso-modulo").replaceChildren(el("p", { class: "messaggio errore", text: "Non ho creato la scheda: " + (j.message || "risposta " + r.status) }));
    return;
  }
  location.hash = "#/modifica/" + encodeURIComponent(j.file);
  if (j.avviso) ed.pendingNote = "Scheda creata. Nota: " + j.avviso;
  else ed.pendingNote = "Scheda creata: compila i campi e salva.";
}

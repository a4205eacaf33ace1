// piao serve, forms: a form drawn from its description (`/api/moduli`, itself derived
// from the model's JSON Schema and the catalogue's specs), one widget per field kind
// (`FieldKind` in src/edit/form.rs). No code here knows a particular field: a new field
// of the model, or a new kind of change, gets its inputs from its kind alone.
//
// A widget reads its value through `ctx.get(path)` and reports a change through
// `ctx.emit(path, value)`; lists report their additions, removals and moves through
// `ctx.structural(op)`. Paths are src/edit/path.rs's (`fasi[2].cronoprogramma`).

// ---- paths and values ------------------------------------------------------------

function joinPath(prefix, key) {
  return prefix ? prefix + "." + key : key;
}

function parsePath(path) {
  const segs = [];
  for (const part of path.split(".")) {
    const m = part.match(/^([^[]*)((?:\[\d+\])*)$/);
    if (!m) continue;
    if (m[1]) segs.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) segs.push(Number(i[1]));
  }
  return segs;
}

function getAt(root, path) {
  let v = root;
  for (const s of parsePath(path)) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    v = v[s];
  }
  return v;
}

// Writes `value` at `path` in `root` (an empty value removes the key, unless `keep`),
// making the groups and lists on the way.
function setAt(root, path, value, keep) {
  const segs = parsePath(path);
  let v = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i];
    if (v[s] === null || v[s] === undefined || typeof v[s] !== "object") {
      v[s] = typeof segs[i + 1] === "number" ? [] : {};
    }
    v = v[s];
  }
  const last = segs[segs.length - 1];
  if (isEmptyValue(value) && !keep && !Array.isArray(v)) delete v[last];
  else v[last] = value;
}

function isEmptyValue(v) {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "") ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);
}

function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

// A number as a clerk writes it ("12,5", "70", "70%"), or NaN.
function parseNumber(v) {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return NaN;
  const t = v.trim().replace(/%$/, "").trim().replace(/\./g, (m, i, s) => (s.includes(",") ? "" : m)).replace(",", ".");
  return t === "" ? NaN : Number(t);
}

function formatNumber(n) {
  return n.toLocaleString("it-IT", { maximumFractionDigits: 2 });
}

// The model's docs use `key` and "value": shown to a clerk as «key».
// A file's sections written `[[variazioni]]` are named by their name.
// An example written as in the file, `{ marzo = 50, aprile = 50 }`, reads "marzo 50,
// aprile 50".
function readable(text) {
  return String(text || "")
    .replace(/\[\[([\w.]+)\]\]/g, "$1")
    .replace(/`true`/g, "«sì» (la casella spuntata)")
    .replace(/`false`/g, "«no»")
    .replace(/`\{\s*([^`]*?)\s*\}`/g, (m, inner) => "«" + inner.replace(/\s*=\s*/g, " ").replace(/"/g, "") + "»")
    .replace(/`([^`]*)`/g, "«$1»");
}

// ---- the parts of a field ----------------------------------------------------------

const MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
  "agosto", "settembre", "ottobre", "novembre", "dicembre"];
const PREVIOUS = "precedenti";

// Fields whose value follows from their place (src/edit/ops.rs refuses to set them):
// not in the form (the element's legend says the number).
const DERIVED = [/^fasi\[\d+\]\.numero$/];

function isDerived(path) {
  return DERIVED.some((re) => re.test(path));
}

// Inside an optional group (e.g. the stemma) a field is needed only when the group is
// filled in.
function requiredMark(f, ctx) {
  if (!f.obbligatorio) return null;
  const text = ctx && ctx.optionalGroup ? " (obbligatorio se si compila «" + ctx.optionalGroup + "»)" : " (obbligatorio)";
  return el("span", { class: "obbligatorio", text });
}

// The field's documentation, when it says more than its label.
function helpNode(f, id) {
  const text = readable(f.aiuto).trim();
  const same = text.replace(/\.$/, "").toLowerCase() === readable(f.etichetta).toLowerCase();
  if (!text || same) return null;
  return el("p", { class: "aiuto-campo", id: id + "-aiuto", text });
}

function describe(input, ...ids) {
  const now = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  for (const id of ids) if (id && !now.includes(id)) now.push(id);
  if (now.length) input.setAttribute("aria-describedby", now.join(" "));
}

// A labelled field around one input.
function simpleField(f, path, ctx, input, suffix) {
  const id = ctx.idFor(path);
  input.id = id;
  input.dataset.path = path;
  const help = helpNode(f, id);
  if (help) describe(input, help.id);
  if (f.obbligatorio) input.setAttribute("aria-required", "true");
  const control = suffix ? el("span", { class: "con-unita" }, input, el("span", { class: "unita", "aria-hidden": "true", text: suffix })) : input;
  return el("div", { class: "campo tipo-" + f.tipo, "data-campo": path },
    el("label", { for: id }, readable(f.etichetta), requiredMark(f, ctx)), help, control);
}

function textValue(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function textInput(value, attrs) {
  return el("input", Object.assign({ type: "text", value: textValue(value), autocomplete: "off" }, attrs || {}));
}

// Reports the input's value on each change (leaving the input, or Enter).
function onChange(input, path, ctx, read) {
  const get = read || (() => input.value);
  input.addEventListener("input", () => ctx.input(path, get()));
  input.addEventListener("change", () => ctx.emit(path, get()));
  return input;
}

// ---- widgets, by kind -------------------------------------------------------------

const WIDGETS = {
  testo(f, path, ctx) {
    return simpleField(f, path, ctx, onChange(textInput(ctx.get(path)), path, ctx));
  },
  testo_lungo(f, path, ctx) {
    const value = textValue(ctx.get(path));
    const rows = Math.min(12, Math.max(2, Math.ceil(value.length / 70) + value.split("\n").length - 1));
    const area = onChange(el("textarea", { rows: String(rows) }), path, ctx);
    area.value = value;
    return simpleField(f, path, ctx, area);
  },
  intero(f, path, ctx) {
    const input = textInput(ctx.get(path), { inputmode: "numeric", class: "corto" });
    return simpleField(f, path, ctx, onChange(input, path, ctx));
  },
  si_no(f, path, ctx) {
    const id = ctx.idFor(path);
    const box = el("input", { type: "checkbox", id, "data-path": path });
    box.checked = ctx.get(path) === true;
    const read = () => (box.checked ? true : f.obbligatorio ? false : null);
    box.addEventListener("change", () => ctx.emit(path, read()));
    const help = helpNode(f, id);
    if (help) describe(box, help.id);
    return el("div", { class: "campo tipo-si_no", "data-campo": path },
      el("span", { class: "spunta" }, box, el("label", { for: id }, readable(f.etichetta), requiredMark(f, ctx))), help);
  },
  data(f, path, ctx) {
    const v = textValue(ctx.get(path));
    const iso = v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v);
    const input = iso ? el("input", { type: "date", value: v }) : textInput(v, { placeholder: "gg.mm.aaaa" });
    return simpleField(f, path, ctx, onChange(input, path, ctx));
  },
  percentuale(f, path, ctx) {
    const input = textInput(ctx.get(path), { inputmode: "decimal", class: "corto" });
    return simpleField(f, path, ctx, onChange(input, path, ctx), "%");
  },
  importo(f, path, ctx) {
    const input = textInput(ctx.get(path), { inputmode: "decimal", placeholder: "1000 oppure da determinare" });
    return simpleField(f, path, ctx, onChange(input, path, ctx), "€");
  },
  scelta(f, path, ctx) {
    const value = textValue(ctx.get(path));
    const select = el("select", {});
    if (!f.obbligatorio || !value) select.append(el("option", { value: "", text: "— da scegliere —" }));
    for (const o of f.opzioni || []) {
      const text = o.descrizione ? o.valore + " — " + readable(o.descrizione) : o.valore;
      select.append(el("option", { value: o.valore, text }));
    }
    if (value && !(f.opzioni || []).some((o) => o.valore === value)) {
      select.append(el("option", { value, text: value + " (non previsto)" }));
    }
    select.value = value;
    return simpleField(f, path, ctx, onChange(select, path, ctx));
  },
  anno_o_data(f, path, ctx) {
    const input = textInput(ctx.get(path), { placeholder: "2024, 31.10 oppure 2024-01-31" });
    return simpleField(f, path, ctx, onChange(input, path, ctx));
  },
  persona: personWidget,
  cronoprogramma: scheduleWidget,
  cronoprogrammi: schedulesWidget,
  testo_o_elenco: targetsWidget,
  elenco_testi(f, path, ctx) { return valueListWidget(f, path, ctx, "text"); },
  elenco_date(f, path, ctx) { return valueListWidget(f, path, ctx, "date"); },
  elenco_interi: numbersWidget,
  gruppo: groupWidget,
  elenco: listWidget,
};

function fieldNode(f, path, ctx) {
  if (isDerived(path)) return null;
  const widget = WIDGETS[f.tipo] || WIDGETS.testo;
  return widget(f, path, ctx);
}

function fieldNodes(fields, prefix, ctx) {
  return fields.map((f) => fieldNode(f, joinPath(prefix, f.chiave), ctx)).filter(Boolean);
}

// A fieldset with a visible legend, for the fields that hold several inputs.
function fieldset(f, path, ctx, cls) {
  const id = ctx.idFor(path);
  const help = helpNode(f, id);
  const box = el("fieldset", { class: "campo " + cls, "data-campo": path, id: id + "-gruppo" },
    el("legend", {}, readable(f.etichetta), requiredMark(f, ctx)));
  if (help) {
    box.append(help);
    box.setAttribute("aria-describedby", help.id);
  }
  return box;
}

// Cognome and nome; a free label ("Tutti i P.O./Responsabili") goes in the first
// input with the second left empty.
function personWidget(f, path, ctx) {
  const v = ctx.get(path);
  const named = v && typeof v === "object";
  const id = ctx.idFor(path);
  const surname = textInput(named ? v.cognome : v, { id: id + "-cognome", "data-path": path });
  const name = textInput(named ? v.nome : "", { id: id + "-nome", "data-path": path + ".nome" });
  const read = () => {
    const c = surname.value.trim();
    const n = name.value.trim();
    if (!n) return c || null;
    return { cognome: c, nome: n };
  };
  for (const input of [surname, name]) onChange(input, path, ctx, read);
  const box = fieldset(f, path, ctx, "tipo-persona");
  box.append(el("div", { class: "riga-persona" },
    el("span", {}, el("label", { for: surname.id, text: "Cognome (o una dicitura)" }), surname),
    el("span", {}, el("label", { for: name.id, text: "Nome" }), name)));
  return box;
}

// ---- the cronoprogramma grid -------------------------------------------------------

// The columns of a grid: earlier years, the months of the plan's first year, the later
// years, then any other key the value has (e.g. `non_leggibile`, a year past the plan).
function gridColumns(plan, values) {
  const first = plan ? plan.first : new Date().getFullYear();
  const last = plan ? plan.last : first;
  const cols = [{ key: PREVIOUS, label: "Anni prec.", title: "Percentuale raggiunta negli anni precedenti" }];
  for (const m of MONTHS) cols.push({ key: m, label: m.slice(0, 3), title: m + " " + first });
  for (let y = first + 1; y <= last; y++) cols.push({ key: String(y), label: String(y), title: "anno " + y });
  for (const v of values) {
    for (const k of Object.keys(v || {})) {
      if (!cols.some((c) => c.key === k)) cols.push({ key: k, label: k.replace(/_/g, " "), title: k.replace(/_/g, " ") });
    }
  }
  return cols;
}

function gridTotal(grid) {
  let sum = 0;
  let any = false;
  for (const v of Object.values(grid || {})) {
    const n = parseNumber(v);
    if (!Number.isNaN(n)) { sum += n; any = true; }
  }
  return { sum, any };
}

function totalNode(total, id) {
  const ok = Math.abs(total.sum - 100) < 1e-9;
  const text = !total.any ? "Totale: nessuna percentuale" :
    "Totale: " + formatNumber(total.sum) + "%" + (ok ? "" : " (deve arrivare a 100)");
  return el("output", { class: "totale" + (ok || !total.any ? "" : " non-cento"), id, "aria-live": "polite", text });
}

// One grid: a table whose header cells are the labels of the inputs below them, the
// approved rows (`ctx.reference(path)`) above, read-only, and the total beside.
function scheduleWidget(f, path, ctx) {
  const box = fieldset(f, path, ctx, "tipo-cronoprogramma");
  box.append(gridTable(path, ctx, f.etichetta));
  return box;
}

function gridTable(path, ctx, caption) {
  const id = ctx.idFor(path);
  const grid = Object.assign({}, ctx.get(path) || {});
  const refs = ctx.reference ? ctx.reference(path) : [];
  const cols = gridColumns(ctx.plan, [grid, ...refs.map((r) => r.grid)]);
  const totalId = id + "-totale";
  const head = el("tr", {}, el("th", { scope: "col", class: "riga-nome", text: "" }),
    // The visible label is the column's short name; a screen reader hears it whole.
    ...cols.map((c) => el("th", { scope: "col", title: c.title }, el("label", { for: id + "-" + c.key },
      c.label, el("span", { class: "nascosto", text: " (" + c.title + ", " + caption + ")" })))),
    el("th", { scope: "col", class: "col-totale", text: "Totale" }));
  const rows = refs.map((r) => el("tr", { class: "approvato" },
    el("th", { scope: "row", text: r.label }),
    ...cols.map((c) => el("td", { text: r.grid && r.grid[c.key] !== undefined ? String(r.grid[c.key]) : "" })),
    el("td", { class: "col-totale" }, totalNode(gridTotal(r.grid), null))));
  const total = totalNode(gridTotal(grid), totalId);
  const cells = cols.map((c) => {
    const input = textInput(grid[c.key], { id: id + "-" + c.key, inputmode: "decimal", "data-path": path + "." + c.key, size: "3" });
    describe(input, totalId);
    const read = () => {
      if (input.value.trim() === "") delete grid[c.key]; else grid[c.key] = input.value.trim();
      return Object.assign({}, grid);
    };
    input.addEventListener("input", () => {
      const now = read();
      ctx.input(path, now);
      const t = totalNode(gridTotal(now), totalId);
      total.className = t.className;
      total.textContent = t.textContent;
    });
    input.addEventListener("change", () => ctx.emit(path, read()));
    return el("td", {}, input);
  });
  rows.push(el("tr", { class: "nuovo" }, el("th", { scope: "row", text: refs.length ? "Nuovo" : "%" }), ...cells, el("td", { class: "col-totale" }, total)));
  return el("div", { class: "griglia-scorre" },
    el("table", { class: "griglia" }, el("caption", { class: "nascosto", text: caption }), el("thead", {}, head), el("tbody", {}, ...rows)));
}

// One grid per phase, keyed by the phase's number.
function schedulesWidget(f, path, ctx) {
  const box = fieldset(f, path, ctx, "tipo-cronoprogrammi");
  const body = el("div");
  const id = ctx.idFor(path);
  const numberInput = textInput("", { id: id + "-nuova", inputmode: "numeric", class: "corto" });
  const draw = () => {
    const all = ctx.get(path) || {};
    body.replaceChildren(...Object.keys(all).map((k) => el("div", { class: "griglia-fase" },
      el("h4", { text: "Fase " + k }),
      gridTable(path + "." + k, subContext(ctx, path, k), "Fase " + k),
      el("button", { type: "button", class: "piccolo", onclick: () => {
        const now = Object.assign({}, ctx.get(path) || {});
        delete now[k];
        ctx.emit(path, now);
        draw();
      } }, "Togli il cronoprogramma della fase " + k))));
  };
  draw();
  const add = () => {
    const n = numberInput.value.trim();
    if (!/^\d+$/.test(n)) { numberInput.focus(); return; }
    const now = Object.assign({}, ctx.get(path) || {});
    if (!now[n]) now[n] = {};
    ctx.input(path, now);
    numberInput.value = "";
    draw();
  };
  box.append(body, el("p", { class: "aggiungi-fase" },
    el("label", { for: numberInput.id, text: "Fase" }), numberInput,
    el("button", { type: "button", onclick: add }, "Aggiungi il suo cronoprogramma")));
  return box;
}

// The grid of phase `k` inside a `cronoprogrammi` value: reads and writes go through
// the whole value.
function subContext(ctx, path, k) {
  return Object.assign({}, ctx, {
    reference: ctx.reference ? () => ctx.reference(path + "." + k) : null,
    input(p, grid) {
      const now = Object.assign({}, ctx.get(path) || {});
      now[k] = grid;
      ctx.input(path, now);
    },
    emit(p, grid) {
      const now = Object.assign({}, ctx.get(path) || {});
      now[k] = grid;
      ctx.emit(path, now);
    },
  });
}

// ---- lists of values -------------------------------------------------------------

// One target for every year, or one per year of the plan.
function targetsWidget(f, path, ctx) {
  const box = fieldset(f, path, ctx, "tipo-testo_o_elenco");
  const id = ctx.idFor(path);
  const body = el("div");
  const years = ctx.plan ? ctx.plan.last - ctx.plan.first + 1 : 3;
  const draw = () => {
    const v = ctx.get(path);
    const perYear = Array.isArray(v);
    const one = el("input", { type: "radio", name: id + "-modo", id: id + "-uno" });
    const many = el("input", { type: "radio", name: id + "-modo", id: id + "-anni" });
    one.checked = !perYear;
    many.checked = perYear;
    one.addEventListener("change", () => { ctx.emit(path, perYear ? (v[0] || "") : v); draw(); });
    many.addEventListener("change", () => { ctx.emit(path, Array.from({ length: years }, (_, i) => (i === 0 ? textValue(v) : ""))); draw(); });
    const inputs = perYear
      ? v.map((t, i) => {
        const yearLabel = ctx.plan ? "Anno " + (ctx.plan.first + i) : "Anno " + (i + 1);
        const input = textInput(t, { id: id + "-" + i, "data-path": path + "[" + i + "]" });
        onChange(input, path, ctx, () => { const now = (ctx.get(path) || []).slice(); now[i] = input.value; return now; });
        return el("span", { class: "voce" }, el("label", { for: input.id, text: yearLabel }), input);
      })
      : [(() => {
        const input = onChange(textInput(v, { id, "data-path": path }), path, ctx);
        return el("span", { class: "voce" }, el("label", { for: id, text: "Per tutti gli anni" }), input);
      })()];
    body.replaceChildren(
      el("p", { class: "scelta-modo" },
        el("span", { class: "spunta" }, one, el("label", { for: one.id, text: "Un testo per tutti gli anni" })),
        el("span", { class: "spunta" }, many, el("label", { for: many.id, text: "Uno per anno" }))),
      ...inputs);
  };
  draw();
  box.append(body);
  return box;
}

// Whole numbers (e.g. the phases a change applies to) in one input: "5, 6".
function numbersWidget(f, path, ctx) {
  const v = ctx.get(path);
  const input = textInput(Array.isArray(v) ? v.join(", ") : v, { placeholder: "es. 2 oppure 5, 6" });
  const read = () => {
    const parts = input.value.split(/[,;\s]+/).filter(Boolean);
    return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : input.value;
  };
  return simpleField(f, path, ctx, onChange(input, path, ctx, read));
}

// Texts or dates, one input each, with "Aggiungi" and "Togli".
function valueListWidget(f, path, ctx, type) {
  const box = fieldset(f, path, ctx, "tipo-" + f.tipo);
  const id = ctx.idFor(path);
  const body = el("div", { class: "voci" });
  const draw = (focus) => {
    const items = (ctx.get(path) || []).slice();
    const nodes = items.map((v, i) => {
      const input = type === "date" && (v === "" || /^\d{4}-\d{2}-\d{2}$/.test(textValue(v)))
        ? el("input", { type: "date", value: textValue(v), id: id + "-" + i })
        : textInput(v, { id: id + "-" + i });
      input.dataset.path = path + "[" + i + "]";
      onChange(input, path, ctx, () => { const now = (ctx.get(path) || []).slice(); now[i] = input.value; return now; });
      const remove = el("button", { type: "button", class: "piccolo", onclick: () => {
        const now = (ctx.get(path) || []).slice();
        now.splice(i, 1);
        ctx.emit(path, now);
        draw(Math.max(0, i - 1));
      } }, "Togli", el("span", { class: "nascosto", text: " " + f.etichetta + " " + (i + 1) }));
      return el("span", { class: "voce" }, el("label", { for: input.id, text: "n. " + (i + 1) }), input, remove);
    });
    const add = el("button", { type: "button", class: "piccolo", onclick: () => {
      const now = (ctx.get(path) || []).slice();
      now.push("");
      ctx.input(path, now);
      draw(now.length - 1);
    } }, "Aggiungi", el("span", { class: "nascosto", text: " a " + f.etichetta }));
    body.replaceChildren(...nodes, add);
    if (focus !== undefined) {
      const target = document.getElementById(id + "-" + focus) || add;
      target.focus();
    }
  };
  draw();
  box.append(body);
  return box;
}

// ---- groups and lists of groups ------------------------------------------------------

function groupWidget(f, path, ctx) {
  const box = fieldset(f, path, ctx, "tipo-gruppo");
  const inner = f.obbligatorio ? ctx : Object.assign({}, ctx, { optionalGroup: readable(f.etichetta) });
  box.append(...fieldNodes(f.campi || [], path, inner));
  return box;
}

// A few words that name an element: its first text.
function elementSummary(f, item) {
  for (const c of f.campi || []) {
    const v = item && item[c.chiave];
    if (typeof v === "string" && v.trim() && c.tipo !== "intero") {
      const t = v.trim();
      return t.length > 60 ? t.slice(0, 57) + "…" : t;
    }
  }
  return "";
}

// The fields whose values add up to 100 in a list (a percentage in each element).
function percentFields(f) {
  return (f.campi || []).filter((c) => c.tipo === "percentuale");
}

function listTotal(items, key) {
  return gridTotal(Object.fromEntries(items.map((it, i) => [i, it ? it[key] : undefined])));
}

function listWidget(f, path, ctx) {
  const box = fieldset(f, path, ctx, "tipo-elenco");
  const body = el("div", { class: "elementi" });
  const totals = el("div", { class: "totali" });
  const id = ctx.idFor(path);
  const drawTotals = () => {
    const items = ctx.get(path) || [];
    totals.replaceChildren(...percentFields(f).map((c) => {
      const t = totalNode(listTotal(items, c.chiave), id + "-totale-" + c.chiave);
      t.textContent = c.etichetta + ": " + t.textContent.replace(/^Totale: /, "totale ");
      return el("p", {}, t);
    }));
  };
  const draw = (focusIndex, focusAction) => {
    const items = ctx.get(path) || [];
    body.replaceChildren(...items.map((item, i) => elementNode(f, path, i, items.length, ctx, draw)));
    drawTotals();
    if (focusIndex !== undefined) {
      // The same button on the element moved (its legend when that button is now off),
      // or "Aggiungi" when the list is empty.
      let target = document.getElementById(id + "-" + focusIndex + "-" + (focusAction || "titolo"));
      if (target && target.disabled) target = document.getElementById(id + "-" + focusIndex + "-titolo");
      target = target || document.getElementById(id + "-aggiungi");
      if (target) target.focus();
    }
  };
  const add = el("button", { type: "button", id: id + "-aggiungi", onclick: () => {
    const n = (ctx.get(path) || []).length;
    ctx.structural({ op: "add", list: path }, () => draw(n));
  } }, "Aggiungi", el("span", { class: "nascosto", text: " un elemento a " + f.etichetta }));
  box.append(body, totals, el("p", { class: "aggiungi" }, add));
  box.addEventListener("input", drawTotals);
  draw();
  return box;
}

function elementNode(f, path, i, count, ctx, redraw) {
  const id = ctx.idFor(path) + "-" + i;
  const item = (ctx.get(path) || [])[i];
  const itemPath = path + "[" + i + "]";
  const name = f.etichetta + ": n. " + (i + 1);
  const summary = elementSummary(f, item);
  const button = (text, action, disabled, op, focusAt) => el("button", {
    type: "button", class: "piccolo", id: id + "-" + action, disabled: disabled || null,
    onclick: () => ctx.structural(op, () => redraw(focusAt, action)),
  }, text, el("span", { class: "nascosto", text: " " + name }));
  const legend = el("legend", { id: id + "-titolo", tabindex: "-1" }, name, summary ? el("span", { class: "sommario", text: " — " + summary }) : null);
  return el("fieldset", { class: "elemento", "data-campo": itemPath }, legend,
    el("div", { class: "comandi" },
      button("Sposta su", "su", i === 0, { op: "move", item: itemPath, position: i - 1 }, i - 1),
      button("Sposta giù", "giu", i === count - 1, { op: "move", item: itemPath, position: i + 1 }, i + 1),
      button("Togli", "togli", false, { op: "remove", item: itemPath }, Math.max(0, i - 1))),
    // Within an element, what is required is required.
    ...fieldNodes(f.campi || [], itemPath, Object.assign({}, ctx, { optionalGroup: null })));
}

// ---- problems at their fields ----------------------------------------------------------

const GRAVITY = { errore: "Errore: ", avviso: "Avviso: ", nota: "Nota: " };

// Shows each problem next to its field (or the nearest enclosing one), linked to the
// input by aria-describedby and marked aria-invalid; returns those with no place.
function markProblems(root, problems, ctx) {
  for (const old of root.querySelectorAll(".errore-campo")) old.remove();
  for (const bad of root.querySelectorAll("[aria-invalid]")) {
    bad.removeAttribute("aria-invalid");
    const ids = (bad.getAttribute("aria-describedby") || "").split(" ").filter((x) => !x.startsWith("errore-"));
    if (ids.length) bad.setAttribute("aria-describedby", ids.join(" ")); else bad.removeAttribute("aria-describedby");
  }
  const homeless = [];
  problems.forEach((p, n) => {
    const place = p.field ? findField(root, p.field) : null;
    if (!place) { homeless.push(p); return; }
    const msgId = "errore-" + ctx.idFor("") + n;
    const msg = el("p", { class: "errore-campo " + p.gravita, id: msgId },
      el("strong", { text: GRAVITY[p.gravita] || "Avviso: " }), readable(p.messaggio),
      ...(p.suggerimenti || []).map((s) => el("span", { class: "suggerimento", text: "Suggerimento: " + readable(s) })));
    const container = place.container;
    if (container.tagName === "FIELDSET") container.querySelector(":scope > legend").after(msg);
    else container.append(msg);
    for (const input of place.inputs) {
      if (p.gravita === "errore") input.setAttribute("aria-invalid", "true");
      describe(input, msgId);
    }
  });
  return homeless;
}

// The input (or the nearest enclosing field) of `path`.
function findField(root, path) {
  const esc = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&"));
  let p = path;
  while (p) {
    const input = root.querySelector('[data-path="' + esc(p) + '"]');
    const container = root.querySelector('[data-campo="' + esc(p) + '"]');
    if (input || container) {
      const box = container || input.closest("[data-campo]") || input.parentElement;
      // A problem of a whole grid or group marks each of its inputs (a few at most).
      const all = Array.from(box.querySelectorAll("input, select, textarea"));
      const inputs = input ? [input] : all.length <= 20 ? all : all.slice(0, 1);
      return { container: box, inputs };
    }
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    p = cut > 0 ? p.slice(0, cut) : "";
  }
  return null;
}

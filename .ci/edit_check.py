#!/usr/bin/env python3
"""Writes the annex in `piao serve`'s page, as a clerk would, in headless chromium
(Debian's), through the DevTools protocol; standard library only.

    edit_check.py PIAO CONTENT_DIR OUT_DIR

CONTENT_DIR is the bundled content (copied, never written); OUT_DIR receives the
scratch folders and the screenshots (first-run.png, scheda.png, modifica.png,
conflitto.png). Three scenarios:
  a. an empty folder: the ente-and-plan form, then the organisation form (a direzione
     with a sezione, two people), then "Nuovo obiettivo": a gestionale whose three
     phases have grids totalling 100, two staff rows totalling 100, an indicator; the
     TOML files are there and `piao check --strict` passes;
  b. a copy of the bundled content: on g06, "Chiedi una modifica" extends phase 4 with
     its new schedule and a motivazione; the file has the `[[variazioni]]`, `piao check
     --strict` passes, and the preview's text (pdftotext) shows the MODIFICATA row;
  c. a conflict: the file changes on disk after the form was loaded; the save shows
     both versions, and "Tieni la mia" saves the edits made on the version on disk.
Exits non-zero with a message on the first failure.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser_check  # noqa: E402
from browser_check import CHROMIUM_FLAGS, DevTools, png_pixels  # noqa: E402


def fail(message):
    print("edit check: FAILED: " + message, file=sys.stderr, flush=True)
    sys.exit(1)


# The DevTools client's failures are this check's.
browser_check.fail = fail

G06 = "gestionali/g06-patto-educativo.toml"


class Page:
    """One chromium tab on one `piao serve`, driven as a clerk would: typing in the
    fields the labels name, pressing the buttons by their words."""

    def __init__(self, piao, content, shots):
        self.piao, self.content, self.shots = piao, content, shots
        self.server = subprocess.Popen([piao, "serve", "--porta", "0", "--content", content],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.server.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.close()
            fail("piao serve printed %r" % self.url)
        profile = tempfile.mkdtemp(prefix="piao-chromium-")
        flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--window-size")]
        self.browser = subprocess.Popen(
            ["chromium", *flags, "--window-size=1500,1000", "--lang=it-IT", "--user-data-dir=" + profile,
             "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, LANGUAGE="it", LANG="it_IT.UTF-8"))
        port = None
        deadline = time.time() + 60
        while time.time() < deadline and port is None:
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", self.browser.stderr.readline())
            if m:
                port = m.group(1)
        if port is None:
            self.close()
            fail("chromium did not open its DevTools port")
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port))
        tab = next(t for t in targets if t.get("type") == "page")
        self.dt = DevTools(tab["webSocketDebuggerUrl"])

    def close(self):
        for p in (getattr(self, "browser", None), self.server):
            if p is not None:
                p.kill()
                p.wait()

    def go(self, hash_part=""):
        self.dt.call("Page.navigate", url=self.url + hash_part)
        self.watch_errors()

    def watch_errors(self):
        """From the page's load on, keeps its script errors (checked by `no_errors`)."""
        self.wait("document.readyState === 'complete' && typeof ed === 'object'", "the page to load")
        self.js("window.erroriPagina = window.erroriPagina || [];"
                " window.addEventListener('error', e => erroriPagina.push(e.message));"
                " window.addEventListener('unhandledrejection', e => erroriPagina.push(String(e.reason)))")

    def no_errors(self, where):
        errors = self.js("window.erroriPagina")
        if errors:
            fail("script errors in the page during %s: %r" % (where, errors))

    def js(self, expression):
        """Evaluates `expression` (awaiting a promise); fails on a script error."""
        r = self.dt.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            fail("script error: %s\n  in: %s" % (r["exceptionDetails"].get("exception", {}).get("description"), expression[:300]))
        return r.get("result", {}).get("value")

    def wait(self, expression, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            # While the page loads, what the expression reads may not be there yet.
            if self.js("(() => { try { return !!(%s); } catch (e) { return false; } })()" % expression):
                return
            time.sleep(0.2)
        said = self.js("[document.getElementById('stato').innerText,"
                       " (document.getElementById('avviso-modulo') || {}).innerText,"
                       " (document.getElementById('problemi-modulo') || {}).innerText,"
                       " document.body.className, ed.file, ed.ops.length, location.hash]")
        fail("timed out waiting for %s; the page says: %r" % (what, said))

    def field(self, root, path):
        return "document.querySelector(%s).querySelector('[data-path=\"%s\"]')" % (json.dumps(root), path)

    def type(self, path, text, root="#editor"):
        """Types `text` in the input of field `path` (what was there is replaced), then
        leaves it with Tab, as a person does."""
        el = self.field(root, path)
        kind = self.js("(() => { const e = %s; if (!e) return null; e.scrollIntoView({block: 'center'});"
                       " e.focus(); if (e.select) e.select(); return e.type || e.tagName; })()" % el)
        if kind is None:
            fail("no field %s in %s" % (path, root))
        if kind in ("date", "select-one", "SELECT") or text == "":
            self.js("(() => { const e = %s; e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true}));"
                    " e.dispatchEvent(new Event('change', {bubbles: true})); })()" % (el, json.dumps(text)))
        else:
            self.dt.call("Input.insertText", text=text)
            if self.js("%s.value" % el) != text:
                fail("typing in %s gave %r" % (path, self.js("%s.value" % el)))
        self.key("Tab")

    def fill(self, pairs, root="#editor"):
        """Types each (field, text) in turn."""
        for path, text in pairs:
            self.type(path, text, root)

    def key(self, name):
        codes = {"Tab": 9, "Enter": 13, "ArrowDown": 40}
        text = {"Enter": "\r"}.get(name)
        down = dict(type="keyDown", key=name, code=name, windowsVirtualKeyCode=codes[name])
        if text:
            down.update(type="keyDown", text=text)
        self.dt.call("Input.dispatchKeyEvent", **down)
        self.dt.call("Input.dispatchKeyEvent", type="keyUp", key=name, code=name, windowsVirtualKeyCode=codes[name])

    def press(self, words, root="#editor", index=0):
        """Presses the `index`-th button of `root` whose words start with `words`."""
        ok = self.js("(() => { const b = Array.from(document.querySelectorAll(%s + ' button'))"
                     ".filter(b => b.textContent.trim().startsWith(%s))[%d];"
                     " if (!b || b.disabled) return false; b.scrollIntoView({block: 'center'}); b.focus(); b.click(); return true; })()"
                     % (json.dumps(root), json.dumps(words), index))
        if not ok:
            fail("no button %r to press in %s" % (words, root))

    def choose(self, label_start, root="#editor"):
        """Ticks the radio button or box whose label starts with `label_start`."""
        ok = self.js("(() => { const l = Array.from(document.querySelectorAll(%s + ' label'))"
                     ".find(l => l.textContent.trim().startsWith(%s)); if (!l) return false;"
                     " const i = document.getElementById(l.htmlFor); i.click(); return true; })()"
                     % (json.dumps(root), json.dumps(label_start)))
        if not ok:
            fail("no choice %r in %s" % (label_start, root))

    def audit(self, where):
        """Every input of the panel has a visible <label> of its own, and no id is used
        twice (a label or an error message would then point at another input)."""
        found = self.js("""(() => {
          const bad = [], ids = new Set(), twice = [];
          for (const i of document.querySelectorAll('#editor input, #editor select, #editor textarea')) {
            const l = i.id && document.querySelector('label[for="' + CSS.escape(i.id) + '"]');
            if (!l || !l.textContent.trim() || l.closest('.nascosto') || !l.getClientRects().length) bad.push(i.id || i.outerHTML.slice(0, 80));
          }
          for (const e of document.querySelectorAll('#editor [id]')) { if (ids.has(e.id)) twice.push(e.id); ids.add(e.id); }
          return [document.querySelectorAll('#editor input, #editor select, #editor textarea').length, bad, twice];
        })()""")
        count, bad, twice = found
        if bad or twice or not count:
            fail("%s: %d inputs, without a visible label: %r; ids used twice: %r" % (where, count, bad[:5], twice[:5]))
        return count

    def saved(self, what):
        self.wait("document.body.dataset.modificheNonSalvate === '0' && !ed.saving", what)

    def shot(self, name, scroll_to=None):
        if scroll_to:
            self.js("(() => { const e = document.querySelector(%s); if (e) e.scrollIntoView({block: 'start'}); })()"
                    % json.dumps(scroll_to))
        time.sleep(0.3)
        data = self.dt.call("Page.captureScreenshot", format="png")["data"]
        path = os.path.join(self.shots, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        width, height, _, _ = png_pixels(path)
        print("edit check: screenshot %s (%dx%d)" % (path, width, height), flush=True)


def check_strict(piao, content, what):
    r = subprocess.run([piao, "check", "--strict", "--content", content], capture_output=True, text=True)
    if r.returncode != 0:
        fail("piao check --strict fails after %s:\n%s%s" % (what, r.stdout, r.stderr))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def first_run(piao, out):
    """a. An empty folder, written through the forms."""
    content = os.path.join(out, "nuovo", "contenuti")
    shutil.rmtree(os.path.dirname(content), ignore_errors=True)
    os.makedirs(os.path.dirname(content))
    page = Page(piao, content, out)
    try:
        page.go()
        page.wait("document.body.classList.contains('primo-avvio') && ed.file === 'allegato.toml'"
                  " && !!document.querySelector('#editor [data-path=\"ente\"]')", "the first-run form")
        page.fill([("ente", "Comune di Valle Prova"), ("provincia", "Provincia di Esempio"),
                   ("anno_inizio", "2024"), ("anno_fine", "2026"), ("data_documento", "2024-03-15")])
        for _ in range(2):
            page.press("Aggiungi", "[data-campo=\"monitoraggi\"]")
        page.fill([("monitoraggi[0]", "2024-07-31"), ("monitoraggi[1]", "2024-12-31"),
                   ("delibera.organo", "Giunta Comunale")])
        labelled = page.audit("the ente-and-plan form")
        page.shot("first-run.png", "#editor")
        page.press("Salva e continua")
        page.wait("ed.file === 'organizzazione.toml' && !!document.querySelector('#editor [data-campo=\"direzioni\"]')",
                  "the organisation form")
        page.press("Aggiungi", "[data-campo=\"direzioni\"] > p.aggiungi")
        page.fill([("direzioni[0].nome", "Direzione Servizi Generali"),
                   ("direzioni[0].dirigente", "Verdi"), ("direzioni[0].dirigente.nome", "Anna")])
        page.press("Aggiungi", "[data-campo=\"direzioni[0].sezioni\"] > p.aggiungi")
        page.fill([("direzioni[0].sezioni[0].nome", "Personale e formazione"),
                   ("direzioni[0].sezioni[0].responsabile", "Neri"),
                   ("direzioni[0].sezioni[0].responsabile.nome", "Paolo"),
                   ("direzioni[0].sezioni[0].assessore", "Bianchi Carla")])
        for i, (name, cat) in enumerate([("ROSSI MARIA", "D"), ("GIALLI LUCA", "C")]):
            page.press("Aggiungi", "[data-campo=\"personale\"] > p.aggiungi")
            page.type("personale[%d].nome" % i, name)
            page.type("personale[%d].categoria" % i, cat)
        labelled += page.audit("the organisation form")
        page.press("Salva e vai all'allegato")
        page.wait("!document.body.classList.contains('primo-avvio')", "the normal page after the first run")
        for name in ("allegato.toml", "organizzazione.toml"):
            if not os.path.exists(os.path.join(content, name)):
                fail("the first run did not write " + name)
        if 'ente = "Comune di Valle Prova"' not in read(os.path.join(content, "allegato.toml")):
            fail("allegato.toml does not say the ente:\n" + read(os.path.join(content, "allegato.toml")))
        print("edit check: first run wrote allegato.toml and organizzazione.toml")

        page.go("#/nuovo")
        page.wait("!!document.getElementById('nuovo-sezione')", "the new objective form")
        page.choose("Gestionale")
        page.type("sezione", "Personale e formazione")
        page.type("titolo", "Formazione digitale del personale")
        page.press("Crea la scheda")
        page.wait("(ed.file || '').startsWith('gestionali/') && !!document.querySelector('#editor [data-path=\"missione\"]')",
                  "the form of the new gestionale")
        rel = page.js("ed.file")
        page.fill([
            ("missione", "01 Servizi istituzionali, generali e di gestione"),
            ("programma", "10 Risorse umane"),
            ("obiettivo_strategico", "1.01 Una amministrazione vicina"),
            ("obiettivo_operativo", "Competenze digitali"),
            ("progetto", "1.01.04 Formazione"),
            ("finalita", "Accrescere le competenze digitali"),
            ("orizzonte_temporale", "2024"),
            ("descrizione", "Un percorso di formazione sugli strumenti digitali per tutto il personale."),
            ("fasi[0].descrizione", "Analisi dei bisogni formativi"),
            ("fasi[0].cronoprogramma.gennaio", "50"),
            ("fasi[0].cronoprogramma.febbraio", "50"),
        ])
        phases = [("Corsi in aula", {"marzo": "30", "aprile": "30", "maggio": "40"}),
                  ("Verifica finale", {"novembre": "50", "2025": "50"})]
        for n, (text, grid) in enumerate(phases, start=1):
            page.press("Aggiungi", "[data-campo=\"fasi\"] > p.aggiungi")
            page.type("fasi[%d].descrizione" % n, text)
            for month, share in grid.items():
                page.type("fasi[%d].cronoprogramma.%s" % (n, month), share)
        totals = page.js("Array.from(document.querySelectorAll('[data-campo=\"fasi\"] .nuovo .totale')).map(t => t.textContent)")
        if totals != ["Totale: 100%"] * 3:
            fail("the grid totals are %r, not 100 for each phase" % totals)
        # A total that is not 100 is shown in red until it is.
        page.type("fasi[2].cronoprogramma.2025", "40")
        red = page.js("document.querySelector('[data-campo=\"fasi[2].cronoprogramma\"] .totale').className")
        if "non-cento" not in red:
            fail("a grid total of 90 is not marked (%r)" % red)
        page.type("fasi[2].cronoprogramma.2025", "50")
        page.fill([("indicatori.quantita[0].descrizione", "N. dipendenti formati"),
                   ("indicatori.quantita[0].atteso", "30"), ("personale[0].nome", "ROSSI MARIA"),
                   ("personale[0].categoria", ""), ("personale[0].partecipazione", "60")])
        page.press("Aggiungi", "[data-campo=\"personale\"] > p.aggiungi")
        page.fill([("personale[1].nome", "GIALLI LUCA"), ("personale[1].partecipazione", "40")])
        labelled += page.audit("the form of the new gestionale")
        staff = page.js("document.querySelector('[data-campo=\"personale\"] .totali').textContent")
        if "totale 100%" not in staff:
            fail("the staff total says %r" % staff)
        page.press("Salva", "#editor .barra-salva")
        page.saved("the new gestionale to be saved")
        page.shot("scheda.png", "[data-campo=\"fasi[1]\"]")
        # A scheda without any requested change is not buildable: the page says so, at
        # the field the problem is about (linked to its input), and in a banner.
        linked = page.js("(() => { const s = document.querySelector('#editor [data-path=\"azione\"]');"
                         " const ids = (s.getAttribute('aria-describedby') || '').split(' ');"
                         " const msg = ids.map(i => document.getElementById(i)).find(m => m && m.classList.contains('errore-campo'));"
                         " return [s.getAttribute('aria-invalid'), msg ? msg.textContent : null,"
                         " document.querySelector('#avviso-modulo .bozza').textContent]; })()")
        if linked[0] != "true" or "variazione" not in (linked[1] or "") or "non si può ancora stampare" not in linked[2]:
            fail("the problem of a scheda with no change is not shown at its field with the draft banner: %r" % linked)
        page.press("Chiedi una modifica")
        page.choose("Riformulare una fase")
        page.wait("!!document.querySelector('#modulo-modifica [data-path=\"fase\"]')", "the form of the rewording")
        page.type("fase", "2", "#modulo-modifica")
        page.type("testo", "Corsi in aula e a distanza", "#modulo-modifica")
        page.js("document.getElementById('motivazione-nuova').focus()")
        page.dt.call("Input.insertText", text="I corsi si tengono anche a distanza.")
        page.press("Aggiungi la richiesta", "#modulo-modifica")
        page.press("Salva", "#editor .barra-salva")
        page.saved("the requested change to be saved")
        left = page.js("ed.problems.filter(p => p.gravita !== 'nota').map(p => p.field + ': ' + p.messaggio)")
        if left or not page.js("ed.buildable"):
            fail("the new gestionale still has problems: %r" % left)
        text = read(os.path.join(content, rel))
        for line in ['descrizione = "Verifica finale"', 'tipo = "riformulare_fase"', "cronoprogramma = { novembre = 50, 2025 = 50 }",
                     'nome = "GIALLI LUCA"', "partecipazione = 40"]:
            if line not in text:
                fail("%s lacks %r:\n%s" % (rel, line, text))
        page.no_errors("the first run")
        check_strict(piao, content, "the first run")
        print("edit check: a gestionale with 3 phases, 2 staff rows and an indicator written"
              " in the browser (%s); piao check --strict passes; %d inputs checked, each with"
              " its visible label" % (rel, labelled))
    finally:
        page.close()


def request_change(piao, bundled, out):
    """b. On a copy of the bundled content, extend a phase of g06."""
    content = os.path.join(out, "modifica", "content")
    shutil.rmtree(os.path.dirname(content), ignore_errors=True)
    shutil.copytree(bundled, content, ignore=shutil.ignore_patterns(".piao-storia"))
    before = read(os.path.join(content, G06))
    page = Page(piao, content, out)
    try:
        page.go("#/modifica/" + G06)
        page.wait("ed.file === %s && !!document.getElementById('chiedi-modifica')" % json.dumps(G06), "the form of g06")
        # From the keyboard: Enter on the button opens the chooser with the focus on its
        # first choice; the arrow moves to the second (prolungare o posticipare).
        page.js("document.getElementById('chiedi-modifica').focus()")
        page.key("Enter")
        page.wait("document.getElementById('chiedi-modifica').getAttribute('aria-expanded') === 'true'"
                  " && document.activeElement.name === 'tipo-modifica'", "the chooser of changes, from the keyboard")
        page.key("ArrowDown")
        page.wait("document.activeElement.value === 'variazione_temporale' && document.activeElement.checked",
                  "the second choice selected with the arrow key")
        root = "#modulo-modifica"
        page.wait("!!document.querySelector('#modulo-modifica [data-path=\"fasi\"]')", "the form of the change")
        page.type("fasi", "4", root)
        approved = page.js("document.querySelectorAll('#modulo-modifica tr.approvato').length")
        if approved != 1:
            fail("the approved schedule of phase 4 is not shown beside the new one (%r rows)" % approved)
        page.type("variazione", "prolungare", root)
        page.type("al", "2023-07-31", root)
        for month, share in (("maggio", "30"), ("giugno", "30"), ("luglio", "40")):
            page.type("cronoprogramma." + month, share, root)
        page.js("document.getElementById('motivazione-nuova').focus()")
        page.dt.call("Input.insertText", text="La fase richiede un mese in più: le scuole hanno chiesto di rinviare.")
        page.wait("document.querySelectorAll('#pagine figure img').length > 0"
                  " && document.querySelector('#pagine figure img').complete", "the pages of g06", 300)
        labelled = page.audit("g06's form with the change form open")
        page.shot("modifica.png", "#modulo-modifica")
        page.press("Aggiungi la richiesta", root)
        page.press("Salva", "#editor .barra-salva")
        page.saved("the change to be saved")
        after = read(os.path.join(content, G06))
        added = after[len(before):] if after.startswith(before[:200]) else after
        for line in ["[[variazioni]]", 'tipo = "variazione_temporale"', "fasi = [4]", 'variazione = "prolungare"',
                     "al = 2023-07-31", "cronoprogramma = { maggio = 30, giugno = 30, luglio = 40 }",
                     "le scuole hanno chiesto di rinviare"]:
            if line not in added:
                fail("g06 does not say %r after the change:\n%s" % (line, added))
        check_strict(piao, content, "the change")
        pdf = os.path.join(out, "g06-modificato.pdf")
        r = subprocess.run([piao, "preview", "g06", "--content", content, "--output", pdf, "--quiet"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("piao preview g06 fails: " + r.stderr)
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
            rows = [l for l in text.splitlines() if "MODIFICATA" in l and "Legenda" not in l]
            if not rows or "PROLUNGARE AL 31.7.2023" not in text:
                fail("the preview of g06 shows no MODIFICATA row or no PROLUNGARE AL 31.7.2023")
            print("edit check: the change is in g06's file, piao check --strict passes, the preview shows"
                  " PROLUNGARE AL 31.7.2023 and a MODIFICATA row; %d inputs labelled" % labelled)
        else:
            print("edit check: the change is in g06's file, piao check --strict passes (no pdftotext)")
        conflict(page, content)
    finally:
        page.close()


def conflict(page, content):
    """c. The file changes on disk after the form loaded."""
    path = os.path.join(content, G06)
    page.no_errors("the change")
    page.js("window.vecchia = true; location.reload()")
    page.watch_errors()
    page.wait("!window.vecchia && ed.file === %s && !!document.querySelector('#editor [data-path=\"finalita\"]')" % json.dumps(G06),
              "the form of g06 again")
    page.type("finalita", "Finalità scritta nel modulo")
    text = read(path)
    if "\nprogetto = " not in text:
        fail("g06 has no progetto line to change")
    changed = re.sub(r"\nprogetto = .*", '\nprogetto = "Scritto da un collega"', text, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(changed)
    page.wait("document.getElementById('avviso-modulo').textContent.includes('cambiato sul disco')",
              "the warning that the file changed on disk")
    page.press("Salva", "#editor .barra-salva")
    page.wait("!!document.getElementById('conflitto')", "the conflict view")
    both = page.js("Array.from(document.querySelectorAll('#conflitto pre')).map(p => p.textContent)")
    if len(both) != 2 or "Scritto da un collega" not in both[0] or "Finalità scritta nel modulo" not in both[1]:
        fail("the conflict view does not show both versions")
    if read(path) != changed:
        fail("a refused save touched the file")
    page.shot("conflitto.png", "#conflitto")
    page.press("Tieni la mia", "#conflitto")
    page.saved("the save over the version on disk")
    now = read(path)
    if "Scritto da un collega" not in now or "Finalità scritta nel modulo" not in now:
        fail("keeping mine lost a change:\n" + now[:800])
    page.no_errors("the conflict")
    print("edit check: a file changed on disk is a conflict showing both versions; keeping mine"
          " saves the edit on the version on disk")


def main():
    piao, bundled, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    first_run(piao, out)
    request_change(piao, bundled, out)
    print("edit check: ok")


if __name__ == "__main__":
    main()

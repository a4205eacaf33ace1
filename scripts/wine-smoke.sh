#!/usr/bin/env bash
# Smoke test of the Windows program under Wine, against the Linux one:
#
#   scripts/wine-smoke.sh dist/piao-…-windows-x86_64.exe dist/piao-…-linux-x86_64
#
# 1. `--version` prints the version;
# 2. `check` of the bundled annex exits 0;
# 3. `build` of the bundled annex writes a PDF with the same page count and the same
#    bytes as the Linux build (the PDF is reproducible: same content, same bytes);
# 4. `serve` answers on 127.0.0.1 with the page.
#
# The catch (../shared/TECH-NOTES.md): Rust's standard library imports `ProcessPrng`
# from bcryptprimitives.dll, which Wine 8 lacks. For this test only, a stub DLL that
# forwards to RtlGenRandom is built and put beside a COPY of the .exe in a temporary
# folder; the stub is never shipped (real Windows 10/11 has the real DLL).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
exe=$(realpath "$1")
linux=$(realpath "$2")

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/stub.c" <<'EOF'
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData) {
    return RtlGenRandom(pbData, (ULONG)cbData);
}
EOF
mkdir -p "$work/bin"
x86_64-w64-mingw32-gcc -shared -o "$work/bin/bcryptprimitives.dll" "$work/stub.c" -ladvapi32
cp "$exe" "$work/bin/piao.exe"
cp -r content "$work/content"

export WINEDEBUG=-all WINEPREFIX="$work/prefix"
wine_piao() { (cd "$work" && wine bin/piao.exe "$@"); }

pages() { # page count of a PDF, read by the Linux piao's own reader-free way: pdfinfo
  if command -v pdfinfo >/dev/null; then pdfinfo "$1" | sed -n 's/^Pages: *//p'
  else grep -ac '/Type */Page[^s]' "$1"; fi
}

echo "== wine: --version (the first run sets the Wine prefix up, ~15 s)"
v=$(wine_piao --version | tr -d '\r')
echo "$v"
grep -q '^piao ' <<<"$v" || { echo "wine-smoke: --version non stampa la versione" >&2; exit 1; }

echo "== wine: check"
wine_piao check --silenzioso --contenuti content >/dev/null

echo "== wine: build"
wine_piao build --contenuti content --uscita out/allegato.pdf >/dev/null
"$linux" build --contenuti "$work/content" --uscita "$work/linux/allegato.pdf" >/dev/null
pw=$(pages "$work/out/allegato.pdf"); pl=$(pages "$work/linux/allegato.pdf")
echo "pagine: windows $pw, linux $pl"
[ "$pw" = "$pl" ] && [ "$pw" -gt 0 ] || { echo "wine-smoke: numero di pagine diverso" >&2; exit 1; }
if cmp -s "$work/out/allegato.pdf" "$work/linux/allegato.pdf"; then
  echo "stessi byte del PDF di Linux"
else
  echo "wine-smoke: il PDF di Windows non ha gli stessi byte di quello di Linux" >&2; exit 1
fi
(cd "$work/out" && sha256sum -c allegato.pdf.sha256 >/dev/null) \
  || { echo "wine-smoke: l'impronta scritta da Windows non corrisponde" >&2; exit 1; }

echo "== wine: a second build over the first (the lock file is reopened, hidden)"
wine_piao build --contenuti content --uscita out/allegato.pdf >/dev/null
cmp -s "$work/out/allegato.pdf" "$work/linux/allegato.pdf" \
  || { echo "wine-smoke: la seconda build non ha gli stessi byte" >&2; exit 1; }
lock=$(cd "$work/out" && ls -A | grep 'piao-lock$' || true)
if [ -n "$lock" ]; then
  attrs=$( (cd "$work/out" && wine cmd /c attrib "$lock") | tr -d '\r')
  echo "attributi di $lock: $attrs"
  grep -q '^ *[A-Z ]*H' <<<"$attrs" \
    || { echo "wine-smoke: $lock non è nascosto in Windows" >&2; exit 1; }
fi

echo "== wine: serve"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work" && exec wine bin/piao.exe serve --contenuti content --porta "$port" >"$work/serve.out" 2>&1) &
server=$!
ok=0
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/" -o "$work/page.html" 2>/dev/null; then ok=1; break; fi
  sleep 1
done
[ "$ok" = 1 ] || { echo "wine-smoke: serve non risponde su 127.0.0.1:$port" >&2; cat "$work/serve.out" >&2; exit 1; }
grep -q '<html' "$work/page.html" || { echo "wine-smoke: serve non manda la pagina" >&2; exit 1; }
echo "serve risponde su http://127.0.0.1:$port/"

echo "== wine: a save from the page (atomic replace, versions kept, hidden)"
python3 - "$port" "$work/content" <<'PY'
import json, re, sys, urllib.request
port, content = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}"
page = urllib.request.urlopen(base + "/").read().decode()
token = re.search(r'name="piao-token" content="([^"]+)"', page).group(1)
head = {"X-Piao-Token": token, "Origin": base, "Content-Type": "application/json"}
opened = json.load(urllib.request.urlopen(urllib.request.Request(
    base + "/api/file?f=allegato.toml", headers=head)))
body = json.dumps({"file": "allegato.toml", "base": opened["digest"], "modifiche": [
    {"op": "set", "field": "ente", "value": "Comune salvato da Windows"}]}).encode()
saved = json.load(urllib.request.urlopen(urllib.request.Request(
    base + "/api/salva", data=body, headers=head, method="POST")))
assert saved["esito"] == "salvato", saved
text = open(f"{content}/allegato.toml", encoding="utf-8").read()
old = re.search(r'^ente = .*$', opened["testo"], re.M).group(0)
assert opened["testo"].replace(old, 'ente = "Comune salvato da Windows"') == text, \
    "bytes outside the value changed"
print("salvato: allegato.toml cambia solo nel campo ente")
PY
attrs=$( (cd "$work/content" && wine cmd /c attrib .piao-storia) | tr -d '\r')
echo "attributi di .piao-storia: $attrs"
grep -q '^ *[A-Z ]*H' <<<"$attrs" \
  || { echo "wine-smoke: .piao-storia non è nascosta in Windows" >&2; exit 1; }
echo "== wine: ok"

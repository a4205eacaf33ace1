#!/usr/bin/env bash
# Builds the programs that office users download, into dist/:
#
#   dist/piao-VERSION-windows-x86_64.exe         (+ .sha256)  cross-compiled here
#   dist/piao-VERSION-linux-x86_64               (+ .sha256)
#
# then runs the Windows one under Wine (scripts/wine-smoke.sh) unless SKIP_WINE=1.
#
#   scripts/release.sh              # both binaries and the Wine smoke test
#   SKIP_WINE=1 scripts/release.sh  # only the binaries
#
# Needs (Debian): rustup's target x86_64-pc-windows-gnu, the linker from
# gcc-mingw-w64-x86-64, and for the smoke test wine. Missing pieces are installed when
# this runs as root; otherwise the script says what to install.
# A cold run takes about 25 minutes on 2 cores (two release builds of Typst).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WIN=x86_64-pc-windows-gnu

need_apt() {
  local pkgs=("$@") missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 \
           && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }
  else
    echo "release: mancano i pacchetti ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 2
  fi
}

rustup target list --installed | grep -qx "$WIN" || rustup target add "$WIN"
need_apt gcc-mingw-w64-x86-64

VERSION=$(cargo metadata --format-version 1 --no-deps \
  | sed -n 's/.*"name":"piao","version":"\([^"]*\)".*/\1/p')
[ -n "$VERSION" ] || { echo "release: non trovo la versione in Cargo.toml" >&2; exit 2; }
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')

echo "== cargo build --release (linux)"
cargo build --release --locked --bin piao
echo "== cargo build --release --target $WIN"
cargo build --release --locked --bin piao --target "$WIN"

mkdir -p dist
linux="dist/piao-$VERSION-linux-x86_64"
windows="dist/piao-$VERSION-windows-x86_64.exe"
install -m 0755 "$TARGET_DIR/release/piao" "$linux"
install -m 0644 "$TARGET_DIR/$WIN/release/piao.exe" "$windows"
# The symbols serve no office user (the Windows program goes from 87 to 64 MB); the
# copies in target/ keep them, so the cached builds and `cargo bench` are untouched.
strip "$linux"
x86_64-w64-mingw32-strip "$windows"
for f in "$linux" "$windows"; do
  (cd dist && sha256sum "$(basename "$f")" > "$(basename "$f").sha256")
done

file "$windows" 2>/dev/null | grep -q 'PE32+ executable' \
  || { echo "release: $windows non è un eseguibile Windows PE32+" >&2; exit 1; }

if [ "${SKIP_WINE:-0}" != 1 ]; then
  need_apt wine
  scripts/wine-smoke.sh "$windows" "$linux"
fi

echo "== dist/"
ls -l dist
(cd dist && sha256sum -c ./*.sha256)

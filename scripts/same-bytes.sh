#!/usr/bin/env bash
# Checks that a change of the code changes nothing the user sees: builds the PDF, its
# digest and metadata, the albo copy, and the CSV and JSON exports of the bundled annex, of every fixture that
# builds and of synthetic content (N = 100), with the program of revision BASE and with
# the working tree, and compares them byte for byte.
#
#   scripts/same-bytes.sh [BASE]        (default BASE: HEAD)
#
# BASE is built in a temporary git worktree that shares this tree's target/ (only piao
# itself is compiled again, not its dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BASE=${1:-HEAD}
work=$(mktemp -d)
cleanup() {
  git worktree remove --force "$work/base-tree" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export CARGO_TARGET_DIR="$ROOT/target"
echo "== build $BASE"
git worktree add -q --detach "$work/base-tree" "$BASE"
# Both trees build the same unit into the same target/, and cargo may take one tree's
# binary as the other's (its dependency list can name the other tree's files): piao's
# own artifacts are removed before each build, so that each tree is really compiled.
(cd "$work/base-tree" && cargo clean -q -p piao && cargo build -q --bin piao --example synth)
cp target/debug/piao "$work/piao-base"
cp target/debug/examples/synth "$work/synth-base"
echo "== build the working tree"
cargo clean -q -p piao
cargo build -q --bin piao --example synth
cp target/debug/piao "$work/piao-work"
# The comparison says something only if the two programs differ: the same binary twice
# (a build that did not happen) is a failure, not a pass.
if cmp -s "$work/piao-base" "$work/piao-work"; then
  echo "STESSO PROGRAMMA: $BASE e l'albero di lavoro hanno dato lo stesso binario; il confronto non direbbe nulla"
  exit 1
fi

# The synthetic content of the BASE generator, so that both programs read the same files.
"$work/synth-base" --schede 100 --output "$work/synth" >/dev/null 2>&1

annexes=("$ROOT/content" "$work/synth")
for d in tests/fixtures/*/; do
  [ -f "$d/allegato.toml" ] && annexes+=("$ROOT/${d%/}")
done

failed=0
for side in base work; do mkdir -p "$work/out-$side"; done
for dir in "${annexes[@]}"; do
  name=$(basename "$dir")
  for side in base work; do
    out="$work/out-$side/$name"
    mkdir -p "$out"
    if "$work/piao-$side" build --content "$dir" --output "$out/allegato.pdf" -q >"$out/log" 2>&1; then
      "$work/piao-$side" export --content "$dir" --format csv -o "$out/variazioni.csv" -q >>"$out/log" 2>&1 || true
      "$work/piao-$side" export --content "$dir" --format json -o "$out/variazioni.json" -q >>"$out/log" 2>&1 || true
      "$work/piao-$side" build --content "$dir" --profilo albo --output "$out/albo.pdf" -q >>"$out/log" 2>&1 || true
    fi
    # The log names the folder of its side; what it says must not differ otherwise.
    sed -i "s#$work/out-$side#OUT#g" "$out/log"
  done
  if diff -r "$work/out-base/$name" "$work/out-work/$name" >/dev/null; then
    echo "stessi byte: $name ($(ls "$work/out-work/$name" | tr '\n' ' '))"
  else
    echo "DIVERSI: $name"; diff -r "$work/out-base/$name" "$work/out-work/$name" | head -5
    failed=1
  fi
done
exit $failed

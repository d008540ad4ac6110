#!/usr/bin/env bash
# Import benchmark: a 10,000-row decision list (.xlsx, made by the import tests' generator)
# imported into an empty site by a release build, timed with /usr/bin/time -v; then
# `dvk check` of the site, which loads the one list file the import wrote.
# Usage: bench/import/run.sh   (ROWS=20000 for another size)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${ROWS:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
DVK_IMPORT_BENCH_OUT="$work/ds.xlsx" DVK_IMPORT_BENCH_ROWS="$ROWS" \
  cargo test -q --test import -- --ignored make_bench_list >/dev/null 2>&1
cargo build --release -q
mkdir -p "$work/site/content/models"
cp -r themes "$work/site/"
ls -l "$work/ds.xlsx"
/usr/bin/time -v target/release/dvk import --site "$work/site" "$work/ds.xlsx" 2>"$work/time.txt" >"$work/out.txt" || true
tail -1 "$work/out.txt"
grep -E "Elapsed|Maximum resident|User time|System time" "$work/time.txt"
wc -l "$work"/site/content/models/*/*.yaml
/usr/bin/time -v target/release/dvk check "$work/site" 2>"$work/check.txt" >/dev/null || true
echo "dvk check:"
grep -E "Elapsed|Maximum resident|User time|System time" "$work/check.txt"

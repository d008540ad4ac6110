#!/usr/bin/env bash
# Search benchmark: dvk's index and page versus Pagefind 1.6 on the same built pages, same run.
#
#   bench/search/run.sh [WORK_DIR]        (default /tmp/dvk-search-bench; needs ~3 GB free)
#
# Needs: cargo, node, python3, chromium (apt-get install -y chromium), GNU time
# (apt-get install -y time), npm (for `npm install pagefind` in WORK_DIR/pagefind).
# Env: SIZES="10000 30000", RUNS=3 (browser runs at 10k), RUNS_LARGE=1 (above 10k: the search page
# with every model A–Z is 5 MB at 30k and slow to load), MODES="gzip raw", PAGEFIND=1 (0 skips
# Pagefind), PAGEFIND_SIZES="10000", SKIP_BUILD=1 (use the binaries already in target/release).
# Prints the figures and writes WORK_DIR/results-*.json.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${1:-/tmp/dvk-search-bench}"
SIZES="${SIZES:-10000 30000}"
RUNS="${RUNS:-3}"
RUNS_LARGE="${RUNS_LARGE:-1}"
MODES="${MODES:-gzip raw}"
PAGEFIND="${PAGEFIND:-1}"
PAGEFIND_SIZES="${PAGEFIND_SIZES:-10000}"
GEN="${GEN:-$ROOT/bench/gen_corpus.py}"
mkdir -p "$WORK"
T=/usr/bin/time

echo "== machine"
nproc; grep -m1 'model name' /proc/cpuinfo || true; free -g | head -2; uptime
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== build dvk"
  (cd "$ROOT" && cargo build --release --quiet && cargo build --release --quiet -p dvk-search --example index_corpus)
fi
DVK="$ROOT/target/release/dvk"

if [ "$PAGEFIND" = 1 ] && [ ! -x "$WORK/pagefind/node_modules/@pagefind/linux-x64/bin/pagefind_extended" ]; then
  mkdir -p "$WORK/pagefind" && (cd "$WORK/pagefind" && npm install --silent pagefind@1.6.0 >/dev/null)
fi
PF="$WORK/pagefind/node_modules/@pagefind/linux-x64/bin/pagefind_extended"

for n in $SIZES; do
  site="$WORK/dvk-$n"
  if [ ! -d "$site/content" ]; then python3 "$GEN" --flavor dvk --n "$n" --out "$site" >/dev/null; fi
  rm -rf "$site/themes"; cp -r "$ROOT/themes" "$site/themes"
  echo "== $n models: build_index alone (3 runs; wall, then peak RSS growth during the call)"
  "$ROOT/target/release/examples/index_corpus" "$site/content" --repeat 3 2>&1
  echo "== $n models: dvk build (whole site, search included): wall user sys maxrss_KiB"
  # Set aside, not deleted: see bench/builds/run.sh (ext4 without a journal will not reuse
  # just-freed inodes, which slows the next tool that creates files).
  mkdir -p "$WORK/.trash"; [ -e "$site/public" ] && mv "$site/public" "$WORK/.trash/$(date +%s%N)"
  rm -f "$site/.dvk-cache/last-build.json"
  $T -f "%e %U %S %M" "$DVK" build "$site" --quiet 2>&1 | grep -v warning | tail -1
  du -sb "$site/public/tim-kiem" | cut -f1 | xargs echo "search files bytes:"
  find "$site/public/tim-kiem" -type f | wc -l | xargs echo "search files:"
  python3 - "$site/public/tim-kiem/index.html" <<'PY'
import gzip, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
no_az = re.sub(r'<section class="section search-az".*?</section>', "", html, flags=re.S)
for name, text in (("search page HTML", html), ("same without the inline A-Z list", no_az)):
    b = text.encode()
    print(f"{name}: {len(b)} bytes, gzip -6: {len(gzip.compress(b, 6))} bytes")
PY
  if [ "$PAGEFIND" = 1 ] && [[ " $PAGEFIND_SIZES " == *" $n "* ]]; then
    echo "== $n models: Pagefind over the same model pages: wall user sys maxrss_KiB"
    [ -e "$site/public/pagefind" ] && mv "$site/public/pagefind" "$WORK/.trash/$(date +%s%N)"; sync
    $T -f "%e %U %S %M" "$PF" --site "$site/public" --glob "mo-hinh/**/*.html" --root-selector "article.model" --quiet 2>&1 | tail -1
    du -sb "$site/public/pagefind" | cut -f1 | xargs echo "pagefind files bytes:"
  fi
  runs=$RUNS; [ "$n" -gt 10000 ] && runs=$RUNS_LARGE
  for mode in $MODES; do
    echo "== $n models: browser ($mode, $runs runs)"
    flag=""; [ "$mode" = gzip ] && flag="--gzip"
    node "$ROOT/bench/search/bench.mjs" --site "$site/public" --runs "$runs" $flag --json "$WORK/results-$n-$mode.json"
  done
done
rm -rf "$WORK/.trash"

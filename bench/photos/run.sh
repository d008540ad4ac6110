#!/usr/bin/env bash
# Photo benchmark: dvk-photos (cold and warm cache) beside Hugo's image processing of the same
# photos to the same outputs, in one run. See README.md.
#
#   bench/photos/run.sh            # 100 photos of 4000×3000
#   PHOTOS=20 bench/photos/run.sh  # fewer photos, for a quick look
#   SKIP_HUGO=1 bench/photos/run.sh
#
# Needs hugo and GNU time (installed with apt-get when missing). Photos are generated once into
# the work folder beside this script (photos-N/) and reused; caches and Hugo output are wiped before each cold run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/work"
n="${PHOTOS:-100}"
threads="${THREADS:-2}"
photos="$work/photos-$n"
fmt="%e %U %S %M"

if ! command -v hugo >/dev/null || [ ! -x /usr/bin/time ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo time >/dev/null
fi

cd "$root"
cargo build --release -q -p dvk-photos --examples
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target/release/examples"

mkdir -p "$work"
if [ "$(ls "$photos"/*.jpg 2>/dev/null | wc -l)" != "$n" ]; then
  rm -rf "$photos"
  "$bin/gen_photos" "$photos" "$n"
fi

out="$work/results.txt"
: > "$out"
log() { echo "$*" | tee -a "$out"; }

log "# $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
log "# $(rustc --version); $(hugo version | cut -d' ' -f1-3)"
log "# $n photos, $(du -sm "$photos" | cut -f1) MB; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "# columns: wall_s user_s sys_s maxrss_KB"

timeit() { # label, command...
  local label="$1"; shift
  local t; t="$(mktemp)"
  /usr/bin/time -o "$t" -f "$fmt" "$@" > "$t.out"
  log "$label: $(cat "$t")   $(cat "$t.out" | tail -1)"
  rm -f "$t" "$t.out"
}

cache="$work/dvk-cache"
rm -rf "$cache"; sync
timeit "dvk-photos cold" "$bin/bench" "$photos" "$cache" "$threads"
timeit "dvk-photos warm" "$bin/bench" "$photos" "$cache" "$threads"
log "dvk-photos cache: $(ls "$cache" | grep -vc '\.json$') files, $(du -sm "$cache" | cut -f1) MB"

if [ -z "${SKIP_HUGO:-}" ]; then
  site="$work/hugo-site"
  rm -rf "$site"; mkdir -p "$site/content/album"
  cp -r "$here/hugo-site/config.toml" "$here/hugo-site/layouts" "$site/"
  printf -- '---\ntitle: Album\n---\n' > "$site/content/album/index.md"
  cp -l "$photos"/*.jpg "$site/content/album/" 2>/dev/null || cp "$photos"/*.jpg "$site/content/album/"
  sync
  timeit "hugo cold" hugo --quiet --source "$site" --cacheDir "$site/.hugo-cache"
  timeit "hugo warm" hugo --quiet --source "$site" --cacheDir "$site/.hugo-cache"
  log "hugo outputs: $(ls "$site/public/album" | grep -c '_hu') files, $(du -cm "$site"/public/album/*_hu* | tail -1 | cut -f1) MB"
  dvk=$(awk '/^dvk-photos cold:/{print $3}' "$out")
  hugo_s=$(awk '/^hugo cold:/{print $3}' "$out")
  log "cold ratio dvk/hugo: $(python3 -c "print(f'{$dvk/$hugo_s:.3f}')")"
fi
log "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results in $out"

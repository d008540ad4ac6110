#!/usr/bin/env bash
# Full-build benchmark: dvk beside Hugo on the same generated models, interleaved.
#   bench/builds/run.sh [SIZES...]        (default: 1000 10000)
#   RUNS=3 DVK_ONLY_SIZES="100000 200000" bench/builds/run.sh 1000 10000
# Needs: python3, /usr/bin/time (apt-get install time), hugo (apt-get install hugo).
# Prints one line per run: tool size run wall_s user_s sys_s maxrss_kb, then medians.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
corpus=${CORPUS:-/tmp/dvk-bench-corpus}
runs=${RUNS:-3}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
T=/usr/bin/time; FMT="%e %U %S %M"
out=$(mktemp); tf=$(mktemp); ef=$(mktemp)

(cd "$repo" && cargo build --release -q)
dvk=$repo/target/release/dvk

corpus_for() {  # flavor size
  local d=$corpus/$1-$2
  if [ ! -d "$d" ]; then
    python3 "$shared/bench/gen_corpus.py" --flavor "$1" --n "$2" --out "$d" >/dev/null
    [ "$1" = dvk ] && cp -r "$repo/themes" "$d/"
  fi
  echo "$d"
}
run_dvk() {  # size label
  local d; d=$(corpus_for dvk "$1")
  rm -rf "$d/public" "$d/.dvk-cache"
  (cd "$d" && $T -f "$FMT" -o "$tf" "$dvk" build -q >/dev/null 2>"$ef") || { echo "dvk $1 FAILED"; cat "$ef"; exit 1; }
  echo "dvk $1 $2 $(tail -1 "$tf")" | tee -a "$out"
}
run_dvk_unchanged() {  # size label: a second build with nothing changed
  local d; d=$(corpus_for dvk "$1")
  (cd "$d" && $T -f "$FMT" -o "$tf" "$dvk" build -q >/dev/null 2>"$ef") || { echo "dvk-unchanged $1 FAILED"; cat "$ef"; exit 1; }
  echo "dvk-unchanged $1 $2 $(tail -1 "$tf")" | tee -a "$out"
}
run_hugo() {
  local d; d=$(corpus_for hugo "$1")
  rm -rf "$d/public"
  (cd "$d" && $T -f "$FMT" -o "$tf" hugo --quiet >/dev/null 2>"$ef") || { echo "hugo $1 FAILED"; cat "$ef"; exit 1; }
  echo "hugo $1 $2 $(tail -1 "$tf")" | tee -a "$out"
}

for n in "${sizes[@]}"; do
  run_dvk "$n" warmup; run_hugo "$n" warmup
  for i in $(seq 1 "$runs"); do
    if (( i % 2 )); then run_dvk "$n" "$i"; run_hugo "$n" "$i"; else run_hugo "$n" "$i"; run_dvk "$n" "$i"; fi
    run_dvk_unchanged "$n" "$i"
  done
done
for n in ${DVK_ONLY_SIZES:-}; do
  run_dvk "$n" warmup
  for i in $(seq 1 "$runs"); do run_dvk "$n" "$i"; done
done
echo
python3 "$shared/bench/summarize.py" "$out"
rm -f "$tf" "$ef"

#!/usr/bin/env bash
# Two dvk binaries on the same one-edit rebuild, interleaved: each binary has its own copy of a
# corpus (built once by it first: a new binary's first build renders everything), and each
# round edits the same write-up in both copies, then rebuilds each in place.
#   bench/rebuild/ab.sh DVK_A DIR_A DVK_B DIR_B [ROUNDS] [KIND]
# KIND as bench/rebuild/edit.py takes it (summary, title, delete, site). Prints one line per
# build: side round load_ms pages_ms search_ms publish_ms wall_s (the phases of
# `dvk build --verbose`, the wall time of /usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
A=$1; DA=$2; B=$3; DB=$4; R=${5:-4}; K=${6:-summary}
for r in $(seq 1 "$R"); do
  for side in A B; do
    if [ $side = A ]; then bin=$A; d=$DA; else bin=$B; d=$DB; fi
    (cd "$d" && python3 "$here/edit.py" . "$K" $((2000 + r * 7)) >/dev/null)
    # Past dvk's 2 s "racy" window, as an editor's save is; nothing else being flushed.
    sleep 2.5; sync
    t=$( { cd "$d" && /usr/bin/time -f "%e %U %S" "$bin" build --verbose 2>&1 >/dev/null \
      | grep -E "publish|search index,|model, art|load and|^[0-9.]+ [0-9.]+ [0-9.]+$" \
      | awk '{printf "%s ", $1}'; } )
    echo "$side $r $t"
  done
done

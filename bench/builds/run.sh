#!/usr/bin/env bash
# Full-build benchmark: dvk beside Hugo on the same generated models, interleaved.
#   bench/builds/run.sh [SIZES...]        (default: 1000 10000 30000)
#   RUNS=3 DVK_ONLY_SIZES="100000 200000" bench/builds/run.sh 1000 10000 30000
#   SETTLE=600 ... when the disk freed many files in the last minutes (see below)
#   DVK_BEFORE=/path/to/old/dvk DVK_BEFORE_THEMES=/path/to/old/checkout/themes ...
#       also builds each dvk corpus with an earlier dvk (its own theme), as "dvk-before",
#       right beside this dvk in every round: "stays within +5 % of its time before"
#       (the DVK_ONLY_SIZES too, after this dvk's build and its unchanged rebuild).
# Needs: python3, /usr/bin/time (apt-get install time), hugo (apt-get install hugo).
# Prints one line per run: tool size run wall_s user_s sys_s maxrss_kb out_bytes out_files,
# then medians and ratios (bench/builds/summarize.py).
#
# The old output is moved aside, not deleted, before every run, and the moved copies are
# deleted only at the end. This machine's ext4 has no journal, and such an ext4 will not reuse
# an inode for up to 5 minutes after it was freed: a build right after `rm -rf public` spends
# most of its time in the kernel skipping the 10,000s of just-freed inodes (perf: 50-60 % of
# all samples in find_inode_bit/recently_deleted). That is the "disk varies 10x" effect; it
# hits every tool alike and is not what a build on a fresh checkout costs.
# Each timed build also starts after a `sync`, so that no earlier build's writes are still
# being flushed while it runs (its own writes are flushed after it, as for every tool), and
# with the outputs set aside dropped from the page cache, so that each starts with the memory
# free that its own warm-up left, whatever ran before it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
corpus=${CORPUS:-/tmp/dvk-bench-corpus}
runs=${RUNS:-3}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 30000)
T=/usr/bin/time; FMT="%e %U %S %M"
out=${OUT:-$(mktemp)}; tf=$(mktemp); ef=$(mktemp)
trash=$corpus/.trash; mkdir -p "$trash"

dvk=${DVK:-}
if [ -z "$dvk" ]; then
  (cd "$repo" && cargo build --release -q)
  dvk=$repo/target/release/dvk
fi

corpus_for() {  # flavor size
  local d=$corpus/$1-$2
  if [ ! -d "$d" ]; then
    python3 "$repo/bench/gen_corpus.py" --flavor "$1" --n "$2" --out "$d" >/dev/null
    # Files older than dvk's 2 s "racy" window, as an editor's files are.
    touch -d '1 hour ago' "$d" && find "$d" -type f -exec touch -d '1 hour ago' {} +
  fi
  echo "$d"
}
set_aside() {  # dir...: move away without freeing inodes, and out of the page cache
  local p t
  sync
  for p in "$@"; do
    [ -e "$p" ] || continue
    t="$trash/$(date +%s%N)"; mv "$p" "$t"; evict "$t"
  done
  forget_inodes
}
forget_inodes() {  # drop cached inodes and directory entries (as root; else nothing). The
  # outputs set aside keep theirs in memory otherwise: 4-5 GB of them after five rounds, and
  # each round's builds spent more time in the kernel than the last (dvk 30k: 2.7 -> 3.5 s).
  # The inputs' come back when they are read before the build (warm).
  if [ -w /proc/sys/vm/drop_caches ]; then echo 2 > /proc/sys/vm/drop_caches; fi
}
evict() {  # dir: drop its (flushed) files from the page cache. Without this the outputs set
  # aside fill the memory, and a later build's writes wait for the kernel to reclaim them:
  # a 30k dvk build with 2 GB free spent 7.8 s in the kernel, 3.0 s with 9 GB free.
  python3 - "$1" <<'PY'
import os, sys
for top, _, files in os.walk(sys.argv[1]):
    for f in files:
        try:
            fd = os.open(os.path.join(top, f), os.O_RDONLY)
        except OSError:
            continue
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
PY
}
sizeof() {  # dir -> "bytes files"
  echo "$(du -sb "$1" | cut -f1) $(find "$1" -type f | wc -l)"
}
refresh_theme() {  # dvk corpus dir: this checkout's theme, with old file times
  rm -rf "$1/themes" && cp -r "$repo/themes" "$1/"
  find "$1/themes" -exec touch -d '1 hour ago' {} +
}
warm() {  # dir: read every file of a site whose output is set aside (so: its inputs), so each
  # timed build starts with its inputs in the page cache, as after its own warm-up; the
  # interleaved builds of the other tool (Hugo takes 3.3 GiB at 30k) push them out otherwise.
  find "$1" -type f -print0 | xargs -0 cat >/dev/null
}
run_dvk() {  # size label
  local d; d=$(corpus_for dvk "$1")
  set_aside "$d/public" "$d/.dvk-cache"; warm "$d"
  (cd "$d" && $T -f "$FMT" -o "$tf" "$dvk" build -q >/dev/null 2>"$ef") || { echo "dvk $1 FAILED"; cat "$ef"; exit 1; }
  echo "dvk $1 $2 $(tail -1 "$tf") $(sizeof "$d/public")" | tee -a "$out"
}
run_dvk_before() {  # size label: the earlier dvk on a copy of the corpus with its own theme
  [ -n "${DVK_BEFORE:-}" ] || return 0
  local d=$corpus/dvkbefore-$1
  if [ ! -d "$d" ]; then
    cp -a "$(corpus_for dvk "$1")" "$d" && rm -rf "$d/public" "$d/.dvk-cache" "$d/themes"
    cp -r "$DVK_BEFORE_THEMES" "$d/themes" && find "$d/themes" -exec touch -d '1 hour ago' {} +
  fi
  set_aside "$d/public" "$d/.dvk-cache"; warm "$d"
  (cd "$d" && $T -f "$FMT" -o "$tf" "$DVK_BEFORE" build -q >/dev/null 2>"$ef") || { echo "dvk-before $1 FAILED"; cat "$ef"; exit 1; }
  echo "dvk-before $1 $2 $(tail -1 "$tf") $(sizeof "$d/public")" | tee -a "$out"
}
run_dvk_unchanged() {  # size label: a second build with nothing changed
  local d; d=$(corpus_for dvk "$1"); sync
  (cd "$d" && $T -f "$FMT" -o "$tf" "$dvk" build -q >/dev/null 2>"$ef") || { echo "dvk-unchanged $1 FAILED"; cat "$ef"; exit 1; }
  echo "dvk-unchanged $1 $2 $(tail -1 "$tf") $(sizeof "$d/public")" | tee -a "$out"
}
run_hugo() {
  local d; d=$(corpus_for hugo "$1")
  set_aside "$d/public" "$d/resources"; warm "$d"
  (cd "$d" && $T -f "$FMT" -o "$tf" hugo --quiet >/dev/null 2>"$ef") || { echo "hugo $1 FAILED"; cat "$ef"; exit 1; }
  echo "hugo $1 $2 $(tail -1 "$tf") $(sizeof "$d/public")" | tee -a "$out"
}

# ext4 treats an inode freed less than 30 s ago (5 min while its inode table block is still
# dirty) as "recently deleted" and skips it: flush, then let the 30 s pass before measuring.
# After a previous run deleted its tens of GB, wait longer (SETTLE=600: the late session's
# runs started 5 minutes after such a deletion still spent 3-6 s per 10k build skipping inodes).
sync; sleep "${SETTLE:-35}"
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r); $("$dvk" --version); $(hugo version | cut -d' ' -f1-2)" | tee -a "$out"
# Every size is measured in every round, so a size's runs are spread over the whole run as
# the other sizes' are: the 30k/10k ratio compares builds made minutes, not a quarter of an
# hour, apart (the disk's speed drifts over minutes), and summarize.py also gives it per round.
for n in "${sizes[@]}"; do
  refresh_theme "$(corpus_for dvk "$n")"; corpus_for hugo "$n" >/dev/null
  run_dvk "$n" warmup; run_dvk_before "$n" warmup; run_hugo "$n" warmup
done
for i in $(seq 1 "$runs"); do
  for n in "${sizes[@]}"; do
    # The rebuild with nothing changed follows its full build directly, as an editor's
    # second `dvk build` would (after Hugo's set-aside, which drops cached inodes, it would
    # measure reading 42,000 output inodes back from the disk instead).
    if (( i % 2 )); then run_dvk "$n" "$i"; run_dvk_unchanged "$n" "$i"; run_dvk_before "$n" "$i"; run_hugo "$n" "$i"
    else run_hugo "$n" "$i"; run_dvk_before "$n" "$i"; run_dvk "$n" "$i"; run_dvk_unchanged "$n" "$i"; fi
  done
done
# The large builds' outputs (5.3 GB at 200k) could fill the disk if all were set aside: when
# less than 8 GB is free, the outputs set aside so far are freed before the next large build
# (untimed). Freed inodes slow the builds that follow (ext4 without a journal, for minutes
# after tens of GB), so each free is followed by a 40 s wait; with enough room, nothing is freed.
free_trash() {
  local avail; avail=$(df -Pk "$corpus" | awk 'NR==2 {print $4}')
  if (( avail < 8 * 1024 * 1024 )); then rm -rf "$trash" && mkdir -p "$trash" && sync && sleep 40; fi
}
for n in ${DVK_ONLY_SIZES:-}; do
  refresh_theme "$(corpus_for dvk "$n")"
  free_trash; run_dvk "$n" warmup
  for i in $(seq 1 "$runs"); do
    free_trash; run_dvk "$n" "$i"; run_dvk_unchanged "$n" "$i"
    free_trash; run_dvk_before "$n" "$i"
  done
done
echo
python3 "$here/summarize.py" "$out"
rm -f "$tf" "$ef"
rm -rf "$trash"

#!/usr/bin/env bash
# One edit, rebuilt in place on disk: dvk beside Hugo on the same generated models.
#   bench/rebuild/run.sh [SIZES...]          (default: 10000 30000)
#   RUNS=3 HUGO_SIZES="10000" bench/rebuild/run.sh 10000 30000
#   DVK=/path/to/dvk ...   (a given binary; default: this checkout's release build)
# What an editor does: the site was built before (public/ is there); one write-up is edited
# (summary, title) or deleted, or site.yaml is changed; the same build command runs again in
# the same folder. Nothing is set aside or cleaned between runs: each tool pays what it
# leaves. Hugo builds in place too (`hugo`, its public/ kept). Each round edits another
# write-up, the same one in both corpora, and alternates which tool goes first.
# Also times a full dvk build into a new folder per round, from nothing (the site's
# `.dvk-cache/` caches of pages, search and content set aside first): the 30k target is a
# ratio to it.
# Needs: python3, /usr/bin/time (apt-get install time), hugo (apt-get install hugo).
# Prints one line per run: tool size kind round wall_s user_s sys_s maxrss_kb, then medians.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
corpus=${CORPUS:-/tmp/dvk-rebuild-corpus}
runs=${RUNS:-3}
hugo_sizes=" ${HUGO_SIZES:-10000} "
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 30000)
T=/usr/bin/time; FMT="%e %U %S %M"
out=${OUT:-$(mktemp)}; tf=$(mktemp)

# DVK=path/to/dvk measures that binary instead of building this checkout's.
dvk=${DVK:-}
if [ -z "$dvk" ]; then
  (cd "$repo" && cargo build --release -q)
  dvk=$repo/target/release/dvk
fi

# Old copies and outputs are moved aside, not deleted, until the end: ext4 without a journal
# does not reuse an inode for minutes after it was freed, and builds right after deleting tens
# of thousands of files spend seconds in the kernel skipping them (a 30k full build: 33.7 s
# of kernel time against 4.4 s; see bench/builds/run.sh).
trash=$corpus/.trash; mkdir -p "$trash"
set_aside() {  # paths...: move into the trash (same file system: a rename)
  local p
  for p in "$@"; do
    [ -e "$p" ] && mv "$p" "$trash/$(date +%s%N)"
  done
  return 0
}
fresh_corpus() {  # flavor size -> a new copy of the generated corpus (edits are not undone)
  local p=$corpus/pristine-$1-$2 d=$corpus/$1-$2
  if [ ! -d "$p" ]; then
    python3 "$repo/bench/gen_corpus.py" --flavor "$1" --n "$2" --out "$p" >/dev/null
  fi
  set_aside "$d" "$corpus/.$1-$2".*
  cp -a "$p" "$d"
  # Files older than dvk's 2 s "racy" window, as an editor's files are.
  find "$d" -exec touch -d '1 hour ago' {} +
  echo "$d"
}
timed() {  # label dir cmd...: run cmd in dir, append a result line
  local label=$1 dir=$2; shift 2
  sync
  (cd "$dir" && $T -f "$FMT" -o "$tf" "$@" >/dev/null 2>&1) || { echo "FAILED: $label" >&2; exit 1; }
  echo "$label $(tail -1 "$tf")" | tee -a "$out"
}

echo "# $(date -u +%FT%TZ) commit $(git -C "$repo" rev-parse --short HEAD) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
echo "# dvk $("$dvk" --version 2>/dev/null | head -1); $(hugo version 2>/dev/null | cut -d' ' -f1-2)" | tee -a "$out"
for n in "${sizes[@]}"; do
  d=$(fresh_corpus dvk "$n")
  with_hugo=0; [[ "$hugo_sizes" == *" $n "* ]] && with_hugo=1
  [ $with_hugo = 1 ] && h=$(fresh_corpus hugo "$n")
  # The site as the editor has it: built once, then rebuilt once after an edit (the first
  # build after the first makes dvk's spare folder).
  (cd "$d" && "$dvk" build --quiet >/dev/null)
  python3 "$here/edit.py" "$d" summary 999 >/dev/null
  (cd "$d" && "$dvk" build --quiet >/dev/null)
  [ $with_hugo = 1 ] && (cd "$h" && hugo --quiet >/dev/null 2>&1)
  for r in $(seq 1 "$runs"); do
    # From nothing: without the caches the last build left (pages.bin, search-index.bin,
    # content.bin), which would spare it the search analysis and the reading of the files. It
    # leaves new ones, of the same site.
    set_aside "$d/.dvk-cache/search-index.bin" "$d/.dvk-cache/pages.bin" "$d/.dvk-cache/content.bin"
    timed "dvk-full $n full $r" "$d" "$dvk" build --quiet -o "$corpus/full-$n-$r"
    set_aside "$corpus/full-$n-$r" "$corpus/.full-$n-$r".dvk-*
    for kind in summary title delete site; do
      k=$((r * 10 + ${#kind}))
      python3 "$here/edit.py" "$d" "$kind" "$k" >/dev/null
      if [ $with_hugo = 1 ] && [ "$kind" != site ]; then
        python3 "$here/edit.py" "$h" "$kind" "$k" >/dev/null
        if [ $((r % 2)) = 1 ]; then
          timed "dvk $n $kind $r" "$d" "$dvk" build --quiet
          timed "hugo $n $kind $r" "$h" hugo --quiet
        else
          timed "hugo $n $kind $r" "$h" hugo --quiet
          timed "dvk $n $kind $r" "$d" "$dvk" build --quiet
        fi
      else
        timed "dvk $n $kind $r" "$d" "$dvk" build --quiet
      fi
    done
  done
done
python3 "$here/summarize.py" "$out"
rm -rf "$trash"
echo "raw lines: $out"

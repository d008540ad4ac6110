#!/usr/bin/env bash
# Each kind of edit rebuilt in place gives, byte for byte, the output of a clean build of the
# edited site (issue 22), on a generated corpus of any size:
#   bench/rebuild/verify.sh [SIZE]        (default 30000)
#   DVK=/path/to/dvk CORPUS=/tmp/dvk-verify bench/rebuild/verify.sh 30000
# Edits, one after another, each followed by `dvk build` in place and a clean build of the
# same site into a new folder (from nothing: the caches of pages and search set aside), the
# two trees compared with `diff -r` (dvk's marker included):
# a summary, a title, a deletion, a new write-up, the site's title, the theme exported, a
# template, a body link
# to another write-up, the linked write-up's title. Prints one line per edit; exits 1 at the
# first difference. tests/incremental.rs checks the same on a small site in `cargo test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-30000}
corpus=${CORPUS:-/tmp/dvk-verify}
dvk=${DVK:-}
if [ -z "$dvk" ]; then
  (cd "$repo" && cargo build --release -q)
  dvk=$repo/target/release/dvk
fi
mkdir -p "$corpus"
site=$corpus/site-$n
if [ ! -d "$site" ]; then
  python3 "$repo/bench/gen_corpus.py" --flavor dvk --n "$n" --out "$site" >/dev/null
  find "$site" -exec touch -d '1 hour ago' {} +
fi
(cd "$site" && "$dvk" build --quiet >/dev/null 2>&1)
step=0
check() {  # what: rebuild in place, build clean, compare
  step=$((step + 1))
  local clean=$corpus/clean-$n-$step t0 t1
  t0=$(date +%s.%N)
  (cd "$site" && "$dvk" build --quiet >/dev/null 2>"$corpus/err.txt") || { tail -3 "$corpus/err.txt"; exit 1; }
  t1=$(date +%s.%N)
  rm -rf "$clean" "$corpus/aside"
  # The clean build from nothing: without the caches of pages, search and content the in-place build
  # left (they are put back after it, over the ones it leaves).
  mkdir -p "$corpus/aside"
  for f in pages.bin search-index.bin content.bin; do
    [ -e "$site/.dvk-cache/$f" ] && mv "$site/.dvk-cache/$f" "$corpus/aside/"
  done
  (cd "$site" && "$dvk" build --quiet -o "$clean" >/dev/null 2>"$corpus/err.txt") || { tail -3 "$corpus/err.txt"; exit 1; }
  for f in pages.bin search-index.bin content.bin; do
    rm -f "$site/.dvk-cache/$f"
    [ -e "$corpus/aside/$f" ] && mv "$corpus/aside/$f" "$site/.dvk-cache/"
  done
  if diff -rq "$site/public" "$clean" >"$corpus/diff-$step.txt"; then
    printf 'same   %-40s (in place %.2f s)\n' "$1" "$(awk "BEGIN { print $t1 - $t0 }")"
  else
    printf 'DIFFER %-40s\n' "$1"
    head -20 "$corpus/diff-$step.txt"
    exit 1
  fi
  rm -rf "$clean" "$(dirname "$clean")/.$(basename "$clean")".dvk-*
}
models=$(find "$site/content/models" -name '*.md' ! -name '_*' | sort)
pick() { echo "$models" | sed -n "$1p"; }
python3 "$here/edit.py" "$site" summary 101 >/dev/null; check "a summary"
python3 "$here/edit.py" "$site" title 102 >/dev/null; check "a title"
python3 "$here/edit.py" "$site" delete 103 >/dev/null; check "a deletion"
models=$(find "$site/content/models" -name '*.md' ! -name '_*' | sort)
src=$(pick 7)
# A copy under a new title, its own slug (a copy's `slug:` would be refused as taken).
sed -e 's/^title: "/title: "Bản sao mới /' -e '/^slug:/d' "$src" >"$(dirname "$src")/ban-sao-moi-$n.md"
check "a new write-up"
python3 "$here/edit.py" "$site" site 104 >/dev/null; check "site.yaml's title"
theme=$site/themes/default/templates
[ -d "$theme" ] || { "$dvk" theme export --site "$site" >/dev/null; check "the built-in theme exported"; }
sed -i 's|<article class="wrap model">|<article class="wrap model" data-mau="sửa">|' "$theme/model.html"
grep -q 'data-mau="sửa"' "$theme/model.html"
check "a template (model.html)"
a=$(pick 11); b=$(pick 12)
rel=$(python3 -c "import os,sys; print(os.path.relpath(sys.argv[1], os.path.dirname(sys.argv[2])))" "$b" "$a")
printf '\nXem thêm [mô hình bạn](%s).\n' "$rel" >>"$a"
check "a body link to another write-up"
sed -i '0,/^title: "/s//title: "Đổi tên /' "$b"
check "the linked write-up's title"
echo "all $step edits: the rebuilt output is the clean build's"

#!/usr/bin/env python3
"""One editor's edit to a generated corpus (bench/gen_corpus.py), the same in every flavour.

    edit.py SITE KIND N
KIND: summary (a sentence added to the summary), title (a word added to the title),
delete (the write-up removed), site (the site's title changed; dvk only).
N picks the write-up (the N-th in path order), so each round edits another one.
Prints the path it changed.
"""
import pathlib
import sys

site, kind, n = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
if kind == "site":
    p = site / "content" / "site.yaml"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            lines[i] = line.rstrip("\n").rstrip('"') + f' {n}"\n' if line.rstrip().endswith('"') else line.rstrip("\n") + f" {n}\n"
            break
    p.write_text("".join(lines), encoding="utf-8")
    print(p)
    sys.exit(0)
models = sorted((site / "content" / "models").rglob("*.md"))
models = [m for m in models if not m.name.startswith("_")]
p = models[(n * 7919) % len(models)]
if kind == "delete":
    p.unlink()
    print(p)
    sys.exit(0)
key = {"summary": "summary: \"", "title": "title: \""}[kind]
addition = {"summary": f"Đã bổ sung lần {n}. ", "title": f"Mới {n} "}[kind]
text = p.read_text(encoding="utf-8")
i = text.index(key) + len(key)
p.write_text(text[:i] + addition + text[i:], encoding="utf-8")
print(p)

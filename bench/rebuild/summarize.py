#!/usr/bin/env python3
"""Medians of bench/rebuild/run.sh's lines, and the targets of issue 22.

Lines: tool size kind round wall user sys maxrss_kb ('#' lines are comments)."""
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    tool, size, kind, _r, wall, user, sys_, rss = line.split()
    runs[(tool, int(size), kind)].append((float(wall), float(user) + float(sys_), int(rss)))

med = lambda xs: statistics.median(xs)
print("| models | edit | dvk wall (min–max) | dvk CPU | dvk peak | Hugo wall (min–max) | dvk/Hugo |")
print("|---:|---|---:|---:|---:|---:|---:|")
for (tool, size, kind), xs in sorted(runs.items()):
    if tool != "dvk":
        continue
    walls = [x[0] for x in xs]
    h = runs.get(("hugo", size, kind))
    hw = f"{med([x[0] for x in h]):.2f} s ({min(x[0] for x in h):.2f}–{max(x[0] for x in h):.2f})" if h else ""
    ratio = f"{med(walls) / med([x[0] for x in h]):.3f}×" if h else ""
    print(f"| {size:,} | {kind} | {med(walls):.2f} s ({min(walls):.2f}–{max(walls):.2f}) | "
          f"{med([x[1] for x in xs]):.2f} s | {med([x[2] for x in xs]) // 1024} MiB | {hw} | {ratio} |")
print()
for (tool, size, kind), xs in sorted(runs.items()):
    if tool == "dvk-full":
        full = med([x[0] for x in xs])
        print(f"{size:,} models: full build {full:.2f} s (median of {len(xs)}); one edit / full build: " +
              ", ".join(f"{k} {med([x[0] for x in runs[('dvk', size, k)]]) / full:.3f}×"
                        for k in ("summary", "title", "delete", "site") if ("dvk", size, k) in runs))

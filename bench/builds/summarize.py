#!/usr/bin/env python3
"""Medians of bench/builds/run.sh lines (warm-ups excluded) and the ratios issue 7 asks for.

Line: tool size run wall_s user_s sys_s maxrss_kb [out_bytes out_files]. Prints a Markdown table.
"""
import statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if line.startswith("#") or len(f) < 7 or f[2] == "warmup":
        continue
    wall, user, sys_ = float(f[3]), float(f[4]), float(f[5])
    rss = int(f[6]) / 1024
    size_b, files = (int(f[7]), int(f[8])) if len(f) >= 9 else (0, 0)
    runs[(f[0], int(f[1]))].append((wall, user + sys_, rss, size_b, files, f[2]))

def med(rs, i):
    return statistics.median(r[i] for r in rs)

print("| models | tool | runs | wall median (min–max) | CPU user+sys median | peak RSS median | output |")
print("|---:|---|---:|---:|---:|---:|---:|")
for (tool, n), rs in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    walls = [r[0] for r in rs]
    out = f"{med(rs, 3) / 1e6:.1f} MB, {int(med(rs, 4)):,} files" if med(rs, 3) else ""
    print(f"| {n:,} | {tool} | {len(rs)} | {med(rs, 0):.2f} s ({min(walls):.2f}–{max(walls):.2f}) "
          f"| {med(rs, 1):.2f} s | {med(rs, 2):,.0f} MiB | {out} |")

print()
sizes = sorted({n for (_, n) in runs})
for n in sizes:
    d, h, u = runs.get(("dvk", n)), runs.get(("hugo", n)), runs.get(("dvk-unchanged", n))
    parts = []
    if d and h:
        parts.append(f"dvk/Hugo wall {med(d, 0) / med(h, 0):.3f}×, CPU {med(d, 1) / med(h, 1):.3f}×, "
                     f"memory {med(d, 2) / med(h, 2):.3f}×")
    b = runs.get(("dvk-before", n))
    if d and b:
        parts.append(f"dvk/dvk-before wall {med(d, 0) / med(b, 0):.3f}×, CPU {med(d, 1) / med(b, 1):.3f}×, "
                     f"memory {med(d, 2) / med(b, 2):.3f}×")
    if d and u:
        parts.append(f"unchanged/full wall {med(u, 0) / med(d, 0):.3f}×, CPU {med(u, 1) / med(d, 1):.3f}×")
    if parts:
        print(f"- {n:,}: " + "; ".join(parts))
for small, big in zip(sizes, sizes[1:]):
    a, b = runs.get(("dvk", small)), runs.get(("dvk", big))
    if a and b:
        line = (f"- dvk {big:,}/{small:,} ({big / small:.3g}× the models): wall {med(b, 0) / med(a, 0):.2f}×, "
                f"CPU {med(b, 1) / med(a, 1):.2f}×, memory {med(b, 2) / med(a, 2):.2f}×")
        # The same ratio within each round (both sizes built minutes apart), then its median.
        by_round = {r[5]: r for r in a}
        pairs = [(by_round[r[5]], r) for r in b if r[5] in by_round]
        if pairs:
            walls = sorted(y[0] / x[0] for x, y in pairs)
            cpus = sorted(y[1] / x[1] for x, y in pairs)
            line += (f"; per round: wall {statistics.median(walls):.2f}× ({walls[0]:.2f}–{walls[-1]:.2f}), "
                     f"CPU {statistics.median(cpus):.2f}× ({cpus[0]:.2f}–{cpus[-1]:.2f})")
        print(line)

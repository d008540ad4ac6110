#!/usr/bin/env python3
"""Dev-server benchmark: `dvk serve` beside `hugo server` in the same run (loopback only).

  python3 bench/serve/bench.py --corpus DIR [--dvk target/release/dvk] [--hugo hugo]
                               [--edits 10] [--rounds 1] [--json out.json]

DIR holds `dvk-N` and `hugo-N` made by bench/gen_corpus.py (`--flavor dvk|hugo`);
the dvk corpus gets the repository's themes/ copied in when it has none.

Extends the peers' `incremental.py` (same method: start the server on 127.0.0.1, poll a
model's URL until it answers, append a unique marker to that model's body, poll every 10 ms
until the marker is served, 2 s between edits) with:
- first page served: time from starting the process to the first 200 of the edited model's page;
- edit -> changed page served, N edits, median and max;
- memory of the running server: peak RSS (VmHWM) and RSS at the end, from /proc;
- both tools in one run, alternating which starts first when --rounds > 1.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def mem_kib(pid):
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def model_page(site):
    page = sorted(p for p in (site / "content" / "models").glob("*/*/*.md") if p.name != "_index.md")[0]
    front = page.read_text(encoding="utf-8")
    m = re.search(r'^slug: "([^"]+)"', front, re.M) or re.search(r'^path: "mo-hinh/([^"]+)"', front, re.M)
    return page, m.group(1)


def run_tool(tool, exe, site, port, edits, timeout):
    if tool == "dvk":
        cmd = [exe, "serve", str(site), "--port", str(port), "--bind", "127.0.0.1", "--quiet"]
    else:
        cmd = [exe, "server", "--bind", "127.0.0.1", "--port", str(port), "--disableLiveReload"]
    page, slug = model_page(site)
    url = f"http://127.0.0.1:{port}/mo-hinh/{slug}/"
    original = page.read_text(encoding="utf-8")
    res = {"tool": tool, "cmd": " ".join(cmd), "edits": []}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while get(url) is None:
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                sys.exit(f"{tool}: server did not come up (rc={proc.poll()})")
            time.sleep(0.01)
        res["first_page_s"] = time.perf_counter() - t0
        print(f"{tool} first_page_s {res['first_page_s']:.2f}", flush=True)
        time.sleep(2)
        for k in range(edits):
            marker = f"INCRMARK{k}X{os.getpid()}{tool}"
            page.write_text(original + f"\n{marker}\n", encoding="utf-8")
            t1 = time.perf_counter()
            while True:
                body = get(url)
                if body and marker in body:
                    break
                if time.perf_counter() - t1 > 120:
                    sys.exit(f"{tool}: edit not served within 120 s")
                time.sleep(0.01)
            lat = time.perf_counter() - t1
            res["edits"].append(lat)
            print(f"{tool} edit {k} latency_s {lat:.3f}", flush=True)
            time.sleep(2)
        m = mem_kib(proc.pid)
        res["peak_rss_mib"] = m.get("VmHWM", 0) / 1024
        res["rss_mib"] = m.get("VmRSS", 0) / 1024
        res["median_edit_s"] = statistics.median(res["edits"]) if res["edits"] else None
        res["max_edit_s"] = max(res["edits"]) if res["edits"] else None
        print(f"{tool} peak_rss_mib {res['peak_rss_mib']:.0f} rss_mib {res['rss_mib']:.0f} "
              f"median_edit_s {res['median_edit_s']:.3f}", flush=True)
    finally:
        page.write_text(original, encoding="utf-8")
        os.killpg(proc.pid, signal.SIGINT if tool == "dvk" else signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        res["exit_code"] = proc.returncode
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--dvk", default=str(REPO / "target" / "release" / "dvk"))
    ap.add_argument("--hugo", default="hugo")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--tools", default="dvk,hugo")
    ap.add_argument("--json")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    dvk_site = corpus / f"dvk-{a.n}"
    if not (dvk_site / "themes").is_dir():
        shutil.copytree(REPO / "themes", dvk_site / "themes")
    tools = a.tools.split(",")
    results = []
    for r in range(a.rounds):
        order = tools if r % 2 == 0 else list(reversed(tools))
        for tool in order:
            site = dvk_site if tool == "dvk" else corpus / f"hugo-{a.n}"
            exe = a.dvk if tool == "dvk" else a.hugo
            port = 18111 if tool == "dvk" else 18313
            results.append(run_tool(tool, exe, site, port, a.edits, a.timeout))
    print("\n| server | first page served | edit -> served: median (max) over %d edits | peak RSS | RSS at end |" % a.edits)
    print("|---|---:|---:|---:|---:|")
    for res in results:
        print(f"| {res['tool']} | {res['first_page_s']:.2f} s | {res['median_edit_s']*1000:.0f} ms "
              f"({res['max_edit_s']*1000:.0f} ms) | {res['peak_rss_mib']:.0f} MiB | {res['rss_mib']:.0f} MiB |")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

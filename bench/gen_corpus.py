#!/usr/bin/env python3
# The project-wide benchmark generator of synthetic models, kept in the repository so
# that `cargo test` (tests/generated_corpus.rs) can build a generated corpus on a clean clone.
# Seed texts: --seeds-dir (the tests make one from the sample site's own write-ups).
"""Deterministic generator of synthetic "Dân vận khéo" model write-ups for benchmarks.

Builds a syllable-level Markov chain from the Vietnamese seed articles and writes the
same corpus (same titles, places, bodies) in one of three flavours:

  dvk   content/site.yaml + content/models/<year>/<district-slug>/<slug>.md
        (the format of shared/CONTENT-FORMAT.md)
  hugo  a complete Hugo site (config.yaml + layouts/), no theme needed
  zola  a complete Zola site (config.toml + templates/), YAML front matter

Usage:
  python3 gen_corpus.py --flavor hugo --n 10000 --out DIR [--seed 1] [--seeds-dir DIR]

Every model is generated from its own RNG seeded with (seed, index), so the three
flavours of a given --n/--seed hold identical text, and the first k models of a
larger corpus equal the models of a corpus of size k.
"""

import argparse
import bisect
import json
import os
import random
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = [HERE.parent / "seeds", HERE.parent / "shared" / "seeds"]  # shared/bench or bench/ beside shared/

FIELDS = [
    ("kinh-te", "Kinh tế"),
    ("van-hoa-xa-hoi", "Văn hóa - xã hội"),
    ("quoc-phong-an-ninh", "Quốc phòng - an ninh"),
    ("xay-dung-he-thong-chinh-tri", "Xây dựng hệ thống chính trị"),
]
FIELD_WEIGHTS = [55, 27, 11, 7]  # roughly the 25/12/5/3 split of the seed reports

PROVINCES = {
    "Lâm Đồng": ["Lâm Hà", "Đức Trọng", "Di Linh", "Bảo Lâm", "Đam Rông", "Đạ M'Rông", "Đạ Huoai", "Cát Tiên"],
    "Bến Tre": ["Châu Thành", "Chợ Lách", "Mỏ Cày Nam", "Mỏ Cày Bắc", "Giồng Trôm", "Bình Đại", "Ba Tri", "Thạnh Phú"],
    "Đắk Lắk": ["Buôn Đôn", "Cư M'gar", "Ea H'leo", "Krông Búk", "Krông Năng", "Ea Kar", "M'Đrắk", "Lắk"],
    "Kon Tum": ["Đắk Glei", "Ngọc Hồi", "Đắk Tô", "Kon Plông", "Kon Rẫy", "Đắk Hà", "Sa Thầy", "Ia H'Drai"],
    "Gia Lai": ["Chư Păh", "Ia Grai", "Mang Yang", "Kbang", "Đak Đoa", "Chư Prông", "Chư Sê", "Krông Pa"],
    "Quảng Nam": ["Đại Lộc", "Điện Bàn", "Duy Xuyên", "Quế Sơn", "Thăng Bình", "Tiên Phước", "Núi Thành", "Nam Giang"],
    "Nghệ An": ["Diễn Châu", "Yên Thành", "Quỳnh Lưu", "Đô Lương", "Nghi Lộc", "Thanh Chương", "Anh Sơn", "Con Cuông"],
    "Thanh Hóa": ["Hoằng Hóa", "Hậu Lộc", "Nga Sơn", "Thọ Xuân", "Triệu Sơn", "Quảng Xương", "Nghi Sơn", "Như Thanh"],
    "Cà Mau": ["Thới Bình", "U Minh", "Trần Văn Thời", "Cái Nước", "Đầm Dơi", "Năm Căn", "Phú Tân", "Ngọc Hiển"],
    "Hà Giang": ["Đồng Văn", "Mèo Vạc", "Yên Minh", "Quản Bạ", "Bắc Mê", "Hoàng Su Phì", "Xín Mần", "Bắc Quang"],
}
COMMUNE_SYLL = ["Phú", "Tân", "An", "Bình", "Hòa", "Thạnh", "Long", "Mỹ", "Hưng", "Phước", "Thuận", "Đông",
                "Tây", "Hiệp", "Lộc", "Thành", "Sơn", "Xuân", "Quang", "Đức", "Vĩnh", "Thịnh", "Túc", "Lạc",
                "Trung", "Nghĩa", "Hải", "Lợi", "Khánh", "Phong"]
HIGHLAND_COMMUNES = ["Ea Tul", "Đạ Tông", "Rô Men", "Liêng S'rônh", "Đạ K'Nàng", "Ia Dom", "Đăk Pxi", "Pờ Y",
                     "Cư Pơng", "Ea Sol", "Krông Jing", "Hra", "Ia Phí", "Đăk Ring"]
HIGHLAND = {"Lâm Đồng", "Đắk Lắk", "Kon Tum", "Gia Lai"}
HOSTS = ["Hội Nông dân xã {c}", "Hội Liên hiệp Phụ nữ xã {c}", "Hội Liên hiệp Phụ nữ huyện {d}",
         "Đoàn Thanh niên xã {c}", "Hội Cựu chiến binh xã {c}", "Ủy ban MTTQ Việt Nam xã {c}",
         "Công an xã {c}", "Ban Dân vận Huyện ủy {d}", "Đảng ủy xã {c}", "Ban Chỉ huy Quân sự huyện {d}",
         "Chi bộ thôn {n}, xã {c}", "Hội Người cao tuổi xã {c}", "Ủy ban nhân dân xã {c}"]
LEVELS = ["xa", "huyen", "tinh", "trung-uong"]
LEVEL_WEIGHTS = [50, 35, 13, 2]
RESULT_KINDS = [("Đất hiến", "m²", 50, 40000), ("Kinh phí vận động", "đồng", 5_000_000, 2_000_000_000),
                ("Ngày công", "ngày công", 20, 5000), ("Hộ thoát nghèo", "hộ", 1, 300),
                ("Đường giao thông", "km", 1, 40), ("Cây xanh trồng mới", "cây", 50, 20000),
                ("Phương tiện sinh kế", "phương tiện", 1, 120), ("Học bổng", "suất", 5, 500),
                ("Hồ sơ trực tuyến", "hồ sơ", 100, 30000), ("Nhà đại đoàn kết", "căn", 1, 60)]
TAGS = ["nông thôn mới", "giải phóng mặt bằng", "giảm nghèo", "chuyển đổi số", "cải cách hành chính",
        "môi trường", "an ninh trật tự", "đồng bào dân tộc thiểu số", "khuyến học", "sinh kế",
        "hiến đất", "đô thị văn minh", "phụ nữ", "thanh niên", "cựu chiến binh", "biên giới",
        "tôn giáo", "y tế", "văn hóa", "giao thông"]
HEADINGS = ["Cách làm", "Kết quả đạt được", "Bài học kinh nghiệm", "Hoàn cảnh ra đời", "Tổ chức thực hiện",
            "Hiệu quả của mô hình", "Nhân rộng mô hình", "Phương hướng thời gian tới"]
TITLE_STARTS = ["Vận động", "Mô hình", "Nâng cao", "Phát huy", "Xây dựng", "Tuyên truyền, vận động",
                "Chung tay", "Đồng hành cùng"]

_SLUG_TABLE = str.maketrans({"đ": "d", "Đ": "d"})


def slugify(text):
    """Lower-case ASCII slug with Vietnamese letters folded (Đạ M'Rông -> da-mrong)."""
    s = unicodedata.normalize("NFD", text.translate(_SLUG_TABLE))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    s = s.replace("'", "")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


# ---------------------------------------------------------------------------
# Markov text
# ---------------------------------------------------------------------------

END = "\x00"


class Chain:
    """Syllable-level Markov chain: order 2, with order-1 jumps to avoid copying seed text."""

    def __init__(self, texts):
        self.seed_sentences = set()
        self.o2 = defaultdict(list)
        self.o1 = defaultdict(list)
        self.starts = []
        self.vocab = set()
        for text in texts:
            for sent in split_sentences(text):
                toks = tokenize(sent)
                if len(toks) < 4:
                    continue
                self.seed_sentences.add(" ".join(toks))
                self.starts.append((toks[0], toks[1]))
                seq = toks + [END]
                for a, b in zip(seq, seq[1:]):
                    self.o1[a].append(b)
                for a, b, c in zip(seq, seq[1:], seq[2:]):
                    self.o2[(a, b)].append(c)
                self.vocab.update(t for t in toks if t != ",")
        self.words = sorted(w for w in self.vocab if re.match(r"^[^\W\d_]+$", w) and w.islower())

    def sentence(self, rng, min_len=8, max_len=32):
        for _ in range(20):
            a, b = rng.choice(self.starts)
            out = [a, b]
            while len(out) < max_len:
                if rng.random() < 0.35:
                    nxt = rng.choice(self.o1[b])
                else:
                    nxt = rng.choice(self.o2.get((a, b)) or self.o1[b])
                if nxt == END:
                    if len(out) >= min_len:
                        break
                    nxt = rng.choice(self.words)
                if nxt == "," and out[-1] == ",":
                    continue
                out.append(nxt)
                a, b = b, nxt
            while out and out[-1] == ",":
                out.pop()
            if len(out) < 3:
                continue
            joined = " ".join(out)
            if joined in self.seed_sentences:
                continue  # never copy a seed sentence verbatim
            text = joined.replace(" ,", ",")
            return text[0].upper() + text[1:] + "."
        return "Mô hình được Nhân dân đồng tình ủng hộ."

    def phrase(self, rng, n):
        """n syllables of running text without punctuation (for titles and list items)."""
        s = self.sentence(rng, min_len=n, max_len=n + 6).rstrip(".").replace(",", "")
        words = s.split()[:n]
        return " ".join(words)


def split_sentences(text):
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("…", ".")
    text = re.sub(r"([,;])\.+", r"\1 ", text)
    text = re.sub(r"([,;.])(?=[^\W\d_])", r"\1 ", text)  # "động,theo" -> "động, theo"
    text = re.sub(r"[“”\"()•–>|<©@+]", " ", text)
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for part in re.split(r"(?<=[.!?;:])\s+", line):
            part = part.strip().rstrip(".!?;:").strip()
            if part:
                yield part


def tokenize(sentence):
    toks = []
    for raw in sentence.split():
        raw = raw.strip(".;:!?")
        if not raw:
            continue
        if raw.endswith(","):
            word = raw.rstrip(",")
            if word:
                toks.append(word)
            toks.append(",")
        elif raw != "-":
            toks.append(raw)
    # lower-case sentence-initial capital unless it looks like a proper noun/acronym
    if toks and len(toks[0]) > 1 and toks[0][0].isupper() and toks[0][1:].islower():
        if toks[0] not in ("Nhân", "Đảng", "Mặt", "Ban", "Hội", "Đoàn"):
            toks[0] = toks[0].lower()
    return toks


# ---------------------------------------------------------------------------
# One model
# ---------------------------------------------------------------------------

_OFFICIAL = None


def official_communes(province, district):
    """The district's communes before 1 July 2025, from the list dvk embeds
    (data/places.txt, see tools/places/gen.py), as pages show them; [] when not listed."""
    global _OFFICIAL
    if _OFFICIAL is None:
        _OFFICIAL = {}
        path = Path(__file__).resolve().parent.parent / "data" / "places.txt"
        prov = dist = None
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                f = line.split("\t")
                if f[0] == "O":
                    prov = f[3]
                elif f[0] == "o":
                    dist = f[3]
                elif f[0] == "w":
                    # Xã by its name alone; phường, thị trấn with their type word.
                    name = f[3]
                    if f[2] != "7" and not name.startswith(("Phường", "Thị trấn", "Xã")):
                        name = {"5": "Phường ", "6": "Thị trấn "}.get(f[2], "") + name
                    _OFFICIAL.setdefault((prov, dist), []).append(name)
    return _OFFICIAL.get((province, district), [])


def communes_for(province, district):
    official = official_communes(province, district)
    if official:
        return official
    rng = random.Random(f"communes:{province}:{district}")
    out = []
    while len(out) < 6:
        if province in HIGHLAND and rng.random() < 0.4:
            c = rng.choice(HIGHLAND_COMMUNES)
        else:
            c = f"{rng.choice(COMMUNE_SYLL)} {rng.choice(COMMUNE_SYLL)}"
            if c.split()[0] == c.split()[1]:
                continue
        if c not in out:
            out.append(c)
    return out


def make_model(chain, seed, i):
    rng = random.Random(f"{seed}:{i}")
    m = {}
    n_title = rng.randint(6, 14)
    start = rng.choice(TITLE_STARTS)
    rest = chain.phrase(rng, n_title - len(start.replace(",", "").split()))
    if len(rest) > 1 and rest[1:2].islower():
        rest = rest[0].lower() + rest[1:]
    title = f"{start} {rest}".strip()
    m["title"] = title
    m["year"] = rng.randint(2015, 2025)
    m["province"] = rng.choice(list(PROVINCES))
    m["district"] = rng.choice(PROVINCES[m["province"]])
    m["commune"] = rng.choice(communes_for(m["province"], m["district"]))
    m["field_slug"], m["field"] = rng.choices(FIELDS, weights=FIELD_WEIGHTS)[0]
    m["host"] = rng.choice(HOSTS).format(c=m["commune"], d=m["district"], n=rng.randint(1, 12))
    m["level"] = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
    m["exemplary"] = rng.random() < 0.10
    # Models keep their district, so those of 2025 are dated before the 1 July 2025 reform
    # (after it there are no districts, and dvk refuses one); one draw either way, so the
    # rest of the corpus is unchanged.
    month = rng.randint(1, 6) if m["year"] >= 2025 else rng.randint(9, 12)
    m["date"] = f"{m['year']}-{month:02d}-{rng.randint(1, 28):02d}"
    m["summary"] = chain.sentence(rng, min_len=12, max_len=28)
    results = []
    for label, unit, lo, hi in rng.sample(RESULT_KINDS, rng.randint(0, 3)):
        results.append({"label": label, "value": rng.randint(lo, hi), "unit": unit})
    m["results"] = results
    m["tags"] = rng.sample(TAGS, rng.randint(1, 3))
    m["body"], m["words"] = make_body(chain, rng, m)
    return m


def make_body(chain, rng, m):
    """300-900 words: a lead, 2-3 headed sections, one list, bold spans, sometimes a table."""
    target = rng.randint(300, 900)
    heads = rng.sample(HEADINGS, rng.randint(2, 3))
    list_at = rng.randrange(len(heads))
    table_at = rng.randrange(len(heads)) if rng.random() < 0.25 else -1
    parts = []
    words = 0

    def para(goal):
        nonlocal words
        n = max(1, min(rng.randint(2, 5), -(-(goal - words) // 18)))
        sents = [chain.sentence(rng) for _ in range(n)]
        if rng.random() < 0.5:  # bold a short span
            k = rng.randrange(len(sents))
            w = sents[k].split()
            if len(w) > 6:
                a = rng.randint(0, len(w) - 4)
                b = a + rng.randint(2, 4)
                span = " ".join(w[a:b]).strip(",.")
                rest = " ".join(w[b:])
                sents[k] = " ".join(w[:a] + [f"**{span}**"]) + ((" " + rest) if rest else "")
        text = " ".join(sents)
        words += len(text.split())
        parts.append(text)

    goals = [target * (k + 1) // (len(heads) + 1) for k in range(len(heads) + 1)]
    while words < goals[0]:
        para(goals[0])
    for h_i, h in enumerate(heads):
        parts.append(f"## {h}")
        goal = goals[h_i + 1]
        if h_i == list_at:
            items = [chain.phrase(rng, rng.randint(6, 14)) for _ in range(rng.randint(3, 6))]
            items = [it[0].upper() + it[1:] + "." for it in items if it]
            words += sum(len(it.split()) for it in items)
            parts.append("\n".join(f"- {it}" for it in items))
        if h_i == table_at:
            rows = ["| Năm | Số hộ tham gia | Kinh phí (triệu đồng) |", "|---|---:|---:|"]
            for y in range(m["year"] - rng.randint(1, 3), m["year"] + 1):
                rows.append(f"| {y} | {rng.randint(10, 900)} | {rng.randint(5, 2000)} |")
            words += 6 * (len(rows) - 1)
            parts.append("\n".join(rows))
        while words < goal:
            para(goal)
    return "\n\n".join(parts) + "\n", words


# ---------------------------------------------------------------------------
# Serialisation
# ---------------------------------------------------------------------------

def q(s):
    """YAML/TOML-safe double-quoted string (JSON string syntax is valid in both)."""
    return json.dumps(s, ensure_ascii=False)


def yaml_results(results, indent):
    if not results:
        return []
    lines = [f"{indent}results:"]
    for r in results:
        lines.append(f"{indent}  - {{ label: {q(r['label'])}, value: {r['value']}, unit: {q(r['unit'])} }}")
    return lines


def yaml_list(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def front_dvk(m):
    lines = ["---",
             f"title: {q(m['title'])}",
             f"year: {m['year']}",
             f"province: {q(m['province'])}",
             f"district: {q(m['district'])}",
             f"commune: {q(m['commune'])}",
             f"field: {q(m['field'])}",
             f"host: {q(m['host'])}",
             f"level: {m['level']}"]
    if m["exemplary"]:
        lines.append("exemplary: true")
    lines += [f"date: {m['date']}", f"summary: {q(m['summary'])}"]
    lines += yaml_results(m["results"], "")
    lines += [f"tags: {yaml_list(m['tags'])}", f"slug: {q(m['slug'])}", "---", ""]
    return "\n".join(lines)


def front_hugo(m):
    lines = ["---",
             f"title: {q(m['title'])}",
             f"slug: {q(m['slug'])}",
             f"date: {m['date']}",
             f"summary: {q(m['summary'])}",
             f"year: {m['year']}",
             f"province: {q(m['province'])}",
             f"district: {q(m['district'])}",
             f"commune: {q(m['commune'])}",
             f"field: {q(m['field'])}",
             f"host: {q(m['host'])}",
             f"level: {m['level']}",
             f"exemplary: {'true' if m['exemplary'] else 'false'}"]
    lines += yaml_results(m["results"], "")
    lines += [f"tags: {yaml_list(m['tags'])}",
              f"nam: [\"{m['year']}\"]",
              f"tinh: [{q(m['province'])}]",
              f"dia-ban: [{q(m['district'])}]",
              f"linh-vuc: [{q(m['field'])}]"]
    if m["exemplary"]:
        lines.append("dien-hinh: [\"Tiêu biểu\"]")
    lines += ["---", ""]
    return "\n".join(lines)


def front_zola(m):
    lines = ["---",
             f"title: {q(m['title'])}",
             f"description: {q(m['summary'])}",
             f"date: {m['date']}",
             f"path: \"mo-hinh/{m['slug']}\"",
             "taxonomies:",
             f"  nam: [\"{m['year']}\"]",
             f"  tinh: [{q(m['province'])}]",
             f"  dia-ban: [{q(m['district'])}]",
             f"  linh-vuc: [{q(m['field'])}]"]
    if m["exemplary"]:
        lines.append("  dien-hinh: [\"Tiêu biểu\"]")
    lines += ["extra:",
              f"  year: {m['year']}",
              f"  province: {q(m['province'])}",
              f"  district: {q(m['district'])}",
              f"  commune: {q(m['commune'])}",
              f"  field: {q(m['field'])}",
              f"  host: {q(m['host'])}",
              f"  level: {m['level']}",
              f"  exemplary: {'true' if m['exemplary'] else 'false'}"]
    lines += yaml_results(m["results"], "  ")
    lines += [f"  tags: {yaml_list(m['tags'])}", "---", ""]
    return "\n".join(lines)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


SITE_TITLE = "Dân vận khéo"
YEARS = list(range(2025, 2014, -1))


def site_dvk(out):
    lines = [f"title: {q(SITE_TITLE)}", 'base_url: "https://example.gov.vn/"', "language: vi", "theme: default",
             "fields:"]
    aliases = {"kinh-te": ["phát triển kinh tế"], "van-hoa-xa-hoi": ["văn hóa xã hội"],
               "quoc-phong-an-ninh": ["an ninh - quốc phòng", "an ninh quốc phòng"],
               "xay-dung-he-thong-chinh-tri": ["xây dựng Đảng", "xây dựng Đảng và hệ thống chính trị"]}
    for slug, label in FIELDS:
        lines.append(f"  - {{ slug: {slug}, label: {q(label)}, aliases: {yaml_list(aliases[slug])} }}")
    write(out / "content" / "site.yaml", "\n".join(lines) + "\n")


TAXONOMIES = [("nam", "Năm"), ("tinh", "Tỉnh"), ("dia-ban", "Địa bàn"), ("linh-vuc", "Lĩnh vực"),
              ("dien-hinh", "Điển hình")]

HUGO_CONFIG = """\
baseURL: "https://example.gov.vn/"
languageCode: vi
defaultContentLanguage: vi
title: "{title}"
paginate: 20
paginatePath: trang
removePathAccents: true
disableKinds: ["RSS"]
enableRobotsTXT: false
taxonomies:
{taxonomies}
permalinks:
  models: /mo-hinh/:slug/
params:
  years: [{years}]
  fields:
{fields}
markup:
  goldmark:
    renderer:
      unsafe: false
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><ul>
{{- range site.Params.years }}<li><a href="{{ printf "/nam/%v/" . | relURL }}">{{ . }}</a></li>{{ end }}
{{- range site.Params.fields }}<li><a href="{{ printf "/linh-vuc/%s/" .slug | relURL }}">{{ .label }}</a></li>{{ end }}
<li><a href="{{ "/dien-hinh/tieu-bieu/" | relURL }}">Điển hình</a></li>
</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<nav class="breadcrumb"><a href="{{ "/" | relURL }}">Trang chủ</a>
{{- range .GetTerms "nam" }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{- range .GetTerms "dia-ban" }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
 › <span>{{ .Title }}</span></nav>
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<table class="meta">
<tr><th>Năm công nhận</th><td>{{ .Params.year }}</td></tr>
<tr><th>Địa bàn</th><td>{{ with .Params.commune }}{{ . }}, {{ end }}{{ .Params.district }}, {{ .Params.province }}</td></tr>
<tr><th>Lĩnh vực</th><td>{{ range .GetTerms "linh-vuc" }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</td></tr>
<tr><th>Đơn vị chủ trì</th><td>{{ .Params.host }}</td></tr>
<tr><th>Cấp công nhận</th><td>{{ .Params.level }}</td></tr>
{{ if .Params.exemplary }}<tr><th>Điển hình</th><td>Tiêu biểu</td></tr>{{ end }}
</table>
{{ with .Params.results }}
<table class="results"><tr><th>Kết quả</th><th>Giá trị</th><th>Đơn vị</th></tr>
{{ range . }}<tr><td>{{ .label }}</td><td>{{ lang.FormatNumber 0 .value }}</td><td>{{ .unit }}</td></tr>{{ end }}
</table>
{{ end }}
<div class="body">{{ .Content }}</div>
{{ with .Params.tags }}<p class="tags">{{ range . }}<span>{{ . }}</span> {{ end }}</p>{{ end }}
</article>
{{ end }}
""",
    "partials/item.html": """\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <small>{{ .Params.year }} · {{ .Params.district }}, {{ .Params.province }} · {{ .Params.field }}</small><p>{{ .Params.summary }}</p></li>
""",
    "partials/pager.html": """\
{{ if gt .TotalPages 1 }}<nav class="pager">
{{ if .HasPrev }}<a href="{{ .Prev.URL }}">‹ Trước</a>{{ end }}
<span>Trang {{ .PageNumber }}/{{ .TotalPages }}</span>
{{ if .HasNext }}<a href="{{ .Next.URL }}">Sau ›</a>{{ end }}
</nav>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<nav class="breadcrumb"><a href="{{ "/" | relURL }}">Trang chủ</a> › <span>{{ .Title }}</span></nav>
<h1>{{ .Title }}</h1>
{{ $p := .Paginate .Pages.ByDate.Reverse }}
<ul class="models">{{ range $p.Pages }}{{ partial "item.html" . }}{{ end }}</ul>
{{ partial "pager.html" $p }}
{{ end }}
""",
    "_default/term.html": """\
{{ define "main" }}
<nav class="breadcrumb"><a href="{{ "/" | relURL }}">Trang chủ</a> › <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a> › <span>{{ .Title }}</span></nav>
<h1>{{ .Title }} <small>({{ len .Pages }} mô hình)</small></h1>
{{ $p := .Paginate .Pages.ByDate.Reverse }}
<ul class="models">{{ range $p.Pages }}{{ partial "item.html" . }}{{ end }}</ul>
{{ partial "pager.html" $p }}
{{ end }}
""",
    "_default/taxonomy.html": """\
{{ define "main" }}
<nav class="breadcrumb"><a href="{{ "/" | relURL }}">Trang chủ</a> › <span>{{ .Title }}</span></nav>
<h1>{{ .Title }}</h1>
<ul class="terms">{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p>Các mô hình "Dân vận khéo" theo năm, địa bàn và lĩnh vực.</p>
<h2>Mô hình mới</h2>
<ul class="models">{{ range first 20 (where site.RegularPages "Section" "models").ByDate.Reverse }}{{ partial "item.html" . }}{{ end }}</ul>
{{ end }}
""",
}

ZOLA_CONFIG = """\
base_url = "https://example.gov.vn"
title = "{title}"
default_language = "vi"
compile_sass = false
build_search_index = false
generate_feeds = false
taxonomies = [
{taxonomies}
]

[extra]
years = [{years}]
fields = [
{fields}
]
"""

ZOLA_TEMPLATES = {
    "base.html": """\
<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
</head>
<body>
<header><a href="{{ get_url(path="/") }}">{{ config.title }}</a>
<nav><ul>
{%- for y in config.extra.years %}<li><a href="{{ get_url(path="/nam/" ~ y ~ "/") }}">{{ y }}</a></li>{% endfor %}
{%- for f in config.extra.fields %}<li><a href="{{ get_url(path="/linh-vuc/" ~ f.slug ~ "/") }}">{{ f.label }}</a></li>{% endfor %}
<li><a href="{{ get_url(path="/dien-hinh/tieu-bieu/") }}">Điển hình</a></li>
</ul></nav></header>
<main>{% block main %}{% endblock main %}</main>
<footer>{{ config.title }}</footer>
</body>
</html>
""",
    "macros.html": """\
{% macro item(p) %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a> <small>{{ p.extra.year }} · {{ p.extra.district }}, {{ p.extra.province }} · {{ p.extra.field }}</small><p>{{ p.description }}</p></li>
{% endmacro item %}
{% macro pager(paginator) %}{% if paginator.number_pagers > 1 %}<nav class="pager">
{% if paginator.previous %}<a href="{{ paginator.previous | safe }}">‹ Trước</a>{% endif %}
<span>Trang {{ paginator.current_index }}/{{ paginator.number_pagers }}</span>
{% if paginator.next %}<a href="{{ paginator.next | safe }}">Sau ›</a>{% endif %}
</nav>{% endif %}
{% endmacro pager %}
""",
    "page.html": """\
{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block main %}
<nav class="breadcrumb"><a href="{{ get_url(path="/") }}">Trang chủ</a>
{%- for t in page.taxonomies["nam"] %} › <a href="{{ get_taxonomy_url(kind="nam", name=t) }}">{{ t }}</a>{% endfor %}
{%- for t in page.taxonomies["dia-ban"] %} › <a href="{{ get_taxonomy_url(kind="dia-ban", name=t) }}">{{ t }}</a>{% endfor %}
 › <span>{{ page.title }}</span></nav>
<article data-pagefind-body>
<h1>{{ page.title }}</h1>
<table class="meta">
<tr><th>Năm công nhận</th><td>{{ page.extra.year }}</td></tr>
<tr><th>Địa bàn</th><td>{% if page.extra.commune %}{{ page.extra.commune }}, {% endif %}{{ page.extra.district }}, {{ page.extra.province }}</td></tr>
<tr><th>Lĩnh vực</th><td>{% for t in page.taxonomies["linh-vuc"] %}<a href="{{ get_taxonomy_url(kind="linh-vuc", name=t) }}">{{ t }}</a>{% endfor %}</td></tr>
<tr><th>Đơn vị chủ trì</th><td>{{ page.extra.host }}</td></tr>
<tr><th>Cấp công nhận</th><td>{{ page.extra.level }}</td></tr>
{% if page.extra.exemplary %}<tr><th>Điển hình</th><td>Tiêu biểu</td></tr>{% endif %}
</table>
{% if page.extra.results %}
<table class="results"><tr><th>Kết quả</th><th>Giá trị</th><th>Đơn vị</th></tr>
{% for r in page.extra.results %}<tr><td>{{ r.label }}</td><td>{{ r.value | num_format }}</td><td>{{ r.unit }}</td></tr>{% endfor %}
</table>
{% endif %}
<div class="body">{{ page.content | safe }}</div>
{% if page.extra.tags %}<p class="tags">{% for t in page.extra.tags %}<span>{{ t }}</span> {% endfor %}</p>{% endif %}
</article>
{% endblock main %}
""",
    "section.html": """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock title %}
{% block main %}
<nav class="breadcrumb"><a href="{{ get_url(path="/") }}">Trang chủ</a> › <span>{{ section.title }}</span></nav>
<h1>{{ section.title }}</h1>
<ul class="models">{% for p in paginator.pages %}{{ m::item(p=p) }}{% endfor %}</ul>
{{ m::pager(paginator=paginator) }}
{% endblock main %}
""",
    "taxonomy_single.html": """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}{{ term.name }} · {{ config.title }}{% endblock title %}
{% block main %}
<nav class="breadcrumb"><a href="{{ get_url(path="/") }}">Trang chủ</a> › <a href="{{ get_url(path="/" ~ taxonomy.name ~ "/") }}">{{ taxonomy.name }}</a> › <span>{{ term.name }}</span></nav>
<h1>{{ term.name }} <small>({{ term.page_count }} mô hình)</small></h1>
<ul class="models">{% for p in paginator.pages %}{{ m::item(p=p) }}{% endfor %}</ul>
{{ m::pager(paginator=paginator) }}
{% endblock main %}
""",
    "taxonomy_list.html": """\
{% extends "base.html" %}
{% block title %}{{ taxonomy.name }} · {{ config.title }}{% endblock title %}
{% block main %}
<nav class="breadcrumb"><a href="{{ get_url(path="/") }}">Trang chủ</a> › <span>{{ taxonomy.name }}</span></nav>
<h1>{{ taxonomy.name }}</h1>
<ul class="terms">{% for t in terms %}<li><a href="{{ t.permalink | safe }}">{{ t.name }}</a> ({{ t.page_count }})</li>{% endfor %}</ul>
{% endblock main %}
""",
    "index.html": """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block main %}
<h1>{{ config.title }}</h1>
<p>Các mô hình "Dân vận khéo" theo năm, địa bàn và lĩnh vực.</p>
<h2>Mô hình mới</h2>
{% set models = get_section(path="models/_index.md") %}
<ul class="models">{% for p in models.pages | slice(end=20) %}{{ m::item(p=p) }}{% endfor %}</ul>
{% endblock main %}
""",
}


def site_hugo(out):
    tax = "\n".join(f"  {k}: {k}" for k, _ in TAXONOMIES)
    fields = "\n".join(f"    - {{ slug: {s}, label: {q(l)} }}" for s, l in FIELDS)
    write(out / "config.yaml", HUGO_CONFIG.format(title=SITE_TITLE, taxonomies=tax,
                                                   years=", ".join(map(str, YEARS)), fields=fields))
    for name, text in HUGO_LAYOUTS.items():
        write(out / "layouts" / name, text)
    write(out / "content" / "models" / "_index.md", '---\ntitle: "Mô hình"\n---\n')
    for k, label in TAXONOMIES:
        write(out / "content" / k / "_index.md", f"---\ntitle: {q(label)}\n---\n")


def site_zola(out):
    tax = "\n".join(f'  {{ name = "{k}", paginate_by = 20, paginate_path = "trang" }},' for k, _ in TAXONOMIES)
    fields = "\n".join(f'  {{ slug = "{s}", label = {q(l)} }},' for s, l in FIELDS)
    write(out / "config.toml", ZOLA_CONFIG.format(title=SITE_TITLE, taxonomies=tax,
                                                   years=", ".join(map(str, YEARS)), fields=fields))
    for name, text in ZOLA_TEMPLATES.items():
        write(out / "templates" / name, text)
    write(out / "content" / "_index.md", f"+++\ntitle = {q(SITE_TITLE)}\n+++\n")
    write(out / "content" / "models" / "_index.md",
          '+++\ntitle = "Mô hình"\nsort_by = "date"\npaginate_by = 20\npaginate_path = "trang"\n+++\n')


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flavor", choices=["dvk", "hugo", "zola"], required=True)
    ap.add_argument("--n", type=int, required=True, help="number of models")
    ap.add_argument("--out", required=True, help="output site directory (created)")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--seeds-dir", help="folder of Vietnamese .txt seed articles")
    args = ap.parse_args(argv)

    seeds_dir = Path(args.seeds_dir) if args.seeds_dir else next((d for d in DEFAULT_SEEDS if d.is_dir()), None)
    if seeds_dir is not None:
        texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
        if not texts:
            sys.exit(f"no .txt files in {seeds_dir}")
    else:
        # No seed folder: the repository's own sample write-ups (their bodies) are the seeds.
        texts = []
        for p in sorted((HERE.parent / "content").rglob("*.md")):
            t = p.read_text(encoding="utf-8")
            texts.append(t.split("\n---", 2)[-1] if t.startswith("---") else t)
        if not texts:
            sys.exit("no seed folder found: pass --seeds-dir")
    chain = Chain(texts)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    {"dvk": site_dvk, "hugo": site_hugo, "zola": site_zola}[args.flavor](out)

    seen = set()
    zola_dirs = set()
    total_words = 0
    total_bytes = 0
    exemplary = 0
    for i in range(args.n):
        m = make_model(chain, args.seed, i)
        base = slugify(m["title"])[:70].rstrip("-") or "mo-hinh"
        slug = base
        k = 2
        while slug in seen:
            slug = f"{base}-{k}"
            k += 1
        seen.add(slug)
        m["slug"] = slug
        front = {"dvk": front_dvk, "hugo": front_hugo, "zola": front_zola}[args.flavor](m)
        text = front + "\n" + m["body"]
        path = out / "content" / "models" / str(m["year"]) / slugify(m["district"]) / f"{slug}.md"
        write(path, text)
        if args.flavor == "zola" and path.parent not in zola_dirs:
            # Zola only puts pages in a section when every folder between has an _index.md:
            # make year/district folders transparent, unrendered sections so that
            # models/ lists every model, as Hugo's models section does.
            for d in (path.parent.parent, path.parent):
                if d not in zola_dirs:
                    zola_dirs.add(d)
                    write(d / "_index.md", "+++\ntransparent = true\nrender = false\n+++\n")
        total_words += m["words"]
        total_bytes += len(text.encode("utf-8"))
        exemplary += m["exemplary"]
    print(json.dumps({"flavor": args.flavor, "models": args.n, "avg_body_words": round(total_words / max(args.n, 1), 1),
                      "markdown_bytes": total_bytes, "exemplary": exemplary}, ensure_ascii=False))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerate data/places.txt, the official list of Vietnam's administrative units that dvk
compiles into its binary (src/places/data.rs reads it with include_str!).

Source: the PyPI package `vietnamadminunits` (MIT licence, Hieu Tran,
https://github.com/tranngocminhhieu/vietnamadminunits), pinned below. It holds
  * the units valid until 30 June 2025: 63 provinces, 696 districts, 10,035 communes
    (table admin_units_legacy of data/dataset.db), with the General Statistics Office (GSO)
    codes and coordinates;
  * the units valid from 1 July 2025: 34 provinces, 3,321 communes (table admin_units);
  * the mapping old -> new (data/converter_2025.json): each old province to its new one, each
    old commune to the new commune that took it whole, or, for the 471 old communes split among
    several new ones, all of them with the one holding most of it flagged (isDefaultNewWard).

Usage (from the repository root):
    pip install vietnamadminunits==1.0.4
    python3 tools/places/gen.py            # writes data/places.txt
    python3 tools/places/gen.py --check    # exits 1 if data/places.txt is not what it would write

Output format (UTF-8, one unit per line, fields separated by TAB, lists by ','):
    #  comment
    O  code  type  name  lat  lon  new-province-code  aliases          old province
    o  code  type  name  lat  lon  aliases  new-commune-codes          old district (of the O above)
    w  code  type  name  lat  lon  new-commune-codes  aliases          old commune (of the o above)
    N  code  type  name  lat  lon  aliases                             new province
    n  code  type  name  lat  lon  aliases                             new commune (of the N above)
`type` is one of the words in TYPES (its index); `name` is the name without its type word
("Bến Tre", "Châu Thành", "Phú Túc"; numbered units keep it: "Phường 1"); new-commune-codes lists
the commune holding most of the old one first; an old district has new-commune-codes only when it
had no communes (island districts such as Côn Đảo, Hoàng Sa). aliases are other names as search
keys (lower case, no accents, no spaces), e.g. former names; coordinates have 3 decimals (~100 m).
"""
import json
import sqlite3
import sys
from pathlib import Path

PINNED = "1.0.4"
TYPES = ["Tỉnh", "Thành phố", "Quận", "Huyện", "Thị xã", "Phường", "Thị trấn", "Xã", "Đặc khu"]

# Names editors still write that the package does not list as aliases (search keys).
EXTRA_PROVINCE_ALIASES = {
    "46": ["thuathienhue"],  # Thừa Thiên Huế became Thành phố Huế on 1 January 2025
    "79": ["saigon", "tphcm", "hochiminhcity"],
}


def main():
    import vietnamadminunits

    version = getattr(vietnamadminunits, "__version__", None)
    if version is None:
        from importlib.metadata import version as v

        version = v("vietnamadminunits")
    if version != PINNED:
        sys.exit(f"vietnamadminunits {version} is installed; this script is pinned to {PINNED}")
    pkg = Path(vietnamadminunits.__file__).parent
    db = sqlite3.connect(pkg / "data" / "dataset.db")
    db.row_factory = sqlite3.Row
    conv = json.loads((pkg / "data" / "converter_2025.json").read_text())

    def ty(word):
        return str(TYPES.index(word))

    def coord(x):
        return "" if x is None else f"{x:.3f}".rstrip("0").rstrip(".")

    def aliases(raw, extra=()):
        out = list(json.loads(raw)) if raw else []
        out += [a for a in extra if a not in out]
        return ",".join(out)

    def short(full, typ):
        # "Phường 1" keeps its type word; "Phường Phúc Xá" -> "Phúc Xá"
        rest = full[len(typ) + 1 :] if full.startswith(typ + " ") else full
        return full if rest.isdigit() or len(rest) <= 2 else rest

    # ---- new units (from 1 July 2025)
    new_rows = db.execute(
        "SELECT * FROM admin_units ORDER BY provinceCode, wardCode"
    ).fetchall()
    new_code = {}  # (new provinceKey, wardKey) -> code
    new_prov_code = {}
    for r in new_rows:
        new_code[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
        new_prov_code[r["provinceKey"]] = r["provinceCode"]

    # ---- mapping old -> new
    old_to_new_prov = {}
    for newp, olds in conv["DICT_PROVINCE"].items():
        for o in olds:
            old_to_new_prov[o] = newp
    whole = {}  # "prov_dist_ward" -> [new code]
    for newp, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for o in olds:
                whole[o] = [new_code[(newp, wkey)]]
    split = {}
    for newp, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for o, news in olds.items():
            news = sorted(news, key=lambda n: not n["isDefaultNewWard"])
            codes = []
            for n in news:
                key = n["newWardKey"]
                if (newp, key) not in new_code:  # one key in 1.0.4 keeps its accents
                    from unidecode import unidecode

                    key = unidecode(key)
                codes.append(new_code[(newp, key)])
            split[o] = codes

    out = [
        f"# dvk places: Vietnam's administrative units before and from 1 July 2025.",
        f"# Generated by tools/places/gen.py from vietnamadminunits {PINNED} (MIT licence,",
        "# https://github.com/tranngocminhhieu/vietnamadminunits). Do not edit by hand.",
        "# types: " + ",".join(TYPES),
    ]

    old_rows = db.execute(
        "SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    ).fetchall()
    last_p = last_d = None
    n_split = 0
    for r in old_rows:
        if r["provinceCode"] != last_p:
            last_p, last_d = r["provinceCode"], None
            ptype = r["province"].split(" ")[0] if r["province"].startswith("Tỉnh") else "Thành phố"
            newp = old_to_new_prov[r["provinceKey"]]
            out.append("\t".join(["O", r["provinceCode"], ty(ptype), r["provinceShort"],
                                  coord(r["provinceLat"]), coord(r["provinceLon"]),
                                  new_prov_code[newp],
                                  aliases(r["provinceAlias"], EXTRA_PROVINCE_ALIASES.get(r["provinceCode"], []))]))
        if r["districtCode"] != last_d:
            last_d = r["districtCode"]
            island = []
            if r["wardCode"] is None:
                island = whole.get(f"{r['provinceKey']}_{r['districtKey']}_") or split[
                    f"{r['provinceKey']}_{r['districtKey']}_"]
            out.append("\t".join(["o", r["districtCode"], ty(r["districtType"]),
                                  short(r["district"], r["districtType"]),
                                  coord(r["districtLat"]), coord(r["districtLon"]),
                                  aliases(r["districtAlias"]), ",".join(island)]))
        if r["wardCode"] is None:
            continue
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        news = whole.get(key) or split[key]
        n_split += len(news) > 1
        out.append("\t".join(["w", r["wardCode"], ty(r["wardType"]), short(r["ward"], r["wardType"]),
                              coord(r["wardLat"]), coord(r["wardLon"]), ",".join(news),
                              aliases(r["wardAlias"])]))

    last_p = None
    for r in new_rows:
        if r["provinceCode"] != last_p:
            last_p = r["provinceCode"]
            ptype = "Tỉnh" if r["province"].startswith("Tỉnh") else "Thành phố"
            out.append("\t".join(["N", r["provinceCode"], ty(ptype), r["provinceShort"],
                                  coord(r["provinceLat"]), coord(r["provinceLon"]),
                                  aliases(r["provinceAlias"], EXTRA_PROVINCE_ALIASES.get(r["provinceCode"], []))]))
        out.append("\t".join(["n", r["wardCode"], ty(r["wardType"]), short(r["ward"], r["wardType"]),
                              coord(r["wardLat"]), coord(r["wardLon"]), aliases(r["wardAlias"])]))

    text = "\n".join(line.rstrip("\t") for line in out) + "\n"
    dest = Path(__file__).resolve().parents[2] / "data" / "places.txt"
    if "--check" in sys.argv:
        same = dest.exists() and dest.read_text(encoding="utf-8") == text
        print("data/places.txt is up to date" if same else "data/places.txt differs: run gen.py")
        sys.exit(0 if same else 1)
    dest.write_text(text, encoding="utf-8")
    print(f"wrote {dest} ({len(text.encode())} bytes, {len(out)} lines, {n_split} split communes)")


if __name__ == "__main__":
    main()

//! Generators of hostile input for `reliability_hostile.rs`: pieces that break parsers, front
//! matter and model lists built from them, and their mutations and encodings.

use proptest::prelude::*;
/// Pieces that break parsers: YAML and Markdown syntax, HTML, Unicode edge cases.
pub(crate) const FRAGMENTS: &[&str] = &[
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "!x ",
    "|",
    "|-",
    ">",
    ">-",
    "\"",
    "'",
    "#",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "---\n",
    "...\n",
    "---",
    "? ",
    "%YAML 1.2\n",
    "\u{feff}",
    "\0",
    "\\",
    "\\u12",
    "~",
    "null",
    "true",
    "no",
    "1e999",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "9223372036854775808",
    "-0",
    "2024-13-45",
    "2024-02-30",
    "12:30:00",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![x](../../etc/passwd)",
    "![x](/etc/passwd)",
    "[x](b.md)",
    "[x](../khong-co.md#a)",
    "[x](%2e%2e/a.md)",
    "```rust\n",
    "```\n",
    "~~~\n",
    "    ",
    "> ",
    "* ",
    "+ ",
    "1. ",
    "# ",
    "###### ",
    "| a | b |\n|---|---|\n",
    "[^1]",
    "[^1]: x\n",
    "<div>",
    "</div>",
    "<p>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#x0;",
    "&#xD800;",
    "&#1114112;",
    "**",
    "__",
    "_",
    "~~",
    "`",
    "``",
    "{#id}",
    "{.c}",
    "<svg onload=alert(1)>",
    "<a href=\"jav&#x09;ascript:alert(1)\">",
    "\\\n",
    "  \n",
    "=====\n",
    "-----\n",
    "***\n",
    "<http://x>",
    "<javascript:alert(1)>",
    "[a]: javascript:alert(1)\n",
    "[a]",
    "Đạ M'Rông",
    "Nhơn Trạch",
    "Châu Thành",
    "a\u{0301}\u{0323}",
    "\u{0301}",
    "\u{0344}",
    "\u{202e}",
    "\u{200b}",
    "\u{fffd}",
    "İ",
    "ß",
    "ﬃ",
    "𝔘𝔫𝔦",
    "\u{10ffff}",
    "👩\u{200d}👩\u{200d}👧",
    "\u{e000}dvk-code-0\u{e000}",
    "\u{2028}",
    "\u{85}",
    "\u{1d160}",
    "ǅ",
    "Ω",
    "ΐ",
    "\u{fb2c}",
    "title",
    "year",
    "body",
    "photos",
    "results",
    "src",
    "label",
];

pub(crate) fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        2 => "[a-zA-Z0-9 ]{0,8}",
        1 => "\\PC{0,6}",
        1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

/// Hostile text made of fragments.
pub(crate) fn soup(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..max).prop_map(|v| v.concat())
}

/// `[[[…]]]` or `>>>…` style nesting of a random depth.
pub(crate) fn nesting() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["[", "{a: ", "> ", "- ", "<div>", "* ", "<b>", "["][..]),
        0usize..300,
    )
        .prop_map(|(open, n)| open.repeat(n))
}

pub(crate) const MODEL_KEYS: &[&str] = &[
    "title",
    "year",
    "province",
    "district",
    "commune",
    "field",
    "host",
    "level",
    "exemplary",
    "date",
    "summary",
    "results",
    "photos",
    "tags",
    "replicated_from",
    "slug",
    "draft",
];

pub(crate) fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => prop::sample::select(MODEL_KEYS).prop_map(str::to_string),
        1 => prop::sample::select(&["titel", "Title", "\"title\"", "'year'", "a:b", "tags\t", "? x", "- a", "[a]", "body", ""][..]).prop_map(str::to_string),
        1 => soup(3),
    ]
}

pub(crate) fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => soup(6),
        6 => soup(6).prop_map(|s| serde_json::to_string(&s).unwrap()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| n.to_string()),
        1 => (1900i32..2200).prop_map(|n| n.to_string()),
        1 => prop::sample::select(&["Kinh tế", "kinh te", "van-hoa-xa-hoi", "Quốc phòng - an ninh", "x", "tinh", "xa", "true", "2024-12-30", "anh.jpg", "../anh.jpg", "/etc/passwd", "mo-hinh-a"][..]).prop_map(str::to_string),
        1 => nesting(),
        1 => prop::sample::select(&["&a x", "*a", "!!binary aGVsbG8=", "!custom x", "|\n  dòng một\n  dòng hai", ">\n  gấp\n\n  dòng", "[]", "{}"][..]).prop_map(str::to_string),
    ]
}

pub(crate) fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => scalar(),
        1 => prop::collection::vec(scalar(), 0..5).prop_map(|v| format!("[{}]", v.join(", "))),
        1 => prop::collection::vec(scalar(), 0..5).prop_map(|v| v.iter().map(|s| format!("\n  - {s}")).collect()),
        1 => prop::collection::vec((scalar(), scalar(), scalar()), 0..4)
            .prop_map(|v| v.iter().map(|(a, b, c)| format!("\n  - {{ label: {a}, value: {b}, unit: {c} }}")).collect()),
        1 => prop::collection::vec((scalar(), scalar()), 0..4)
            .prop_map(|v| v.iter().map(|(a, b)| format!("\n  - src: {a}\n    caption: {b}")).collect()),
    ]
}

/// A line-level edit: delete, duplicate, insert, re-indent or swap lines.
pub(crate) fn mutations() -> impl Strategy<Value = Vec<(u8, usize, String)>> {
    prop_oneof![2 => Just(Vec::new()), 1 => prop::collection::vec((0u8..5, any::<usize>(), soup(4)), 1..4)]
}

pub(crate) fn mutate(text: String, edits: &[(u8, usize, String)]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for (kind, at, s) in edits {
        let n = lines.len().max(1);
        let i = at % n;
        match kind {
            0 if lines.len() > 1 => {
                lines.remove(i);
            }
            1 if !lines.is_empty() => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => lines.insert(i, s.clone()),
            3 if !lines.is_empty() => {
                lines[i] = format!("{}{}", [" ", "  ", "\t", "   "][at % 4], lines[i])
            }
            _ if lines.len() > 1 => {
                let j = (i + 1) % lines.len();
                lines.swap(i, j);
            }
            _ => {}
        }
    }
    lines.join("\n")
}

/// How the file's bytes are finally written: as is, with a BOM, CRLF, or a stray byte.
pub(crate) fn encode(text: String, how: u8, at: usize) -> Vec<u8> {
    match how {
        0 => format!("\u{feff}{text}").into_bytes(),
        1 => text.replace('\n', "\r\n").into_bytes(),
        2 => {
            let mut b = text.into_bytes();
            let i = at % (b.len() + 1);
            b.insert(i, [0xff, 0xc3, 0x80, 0xed][at % 4]);
            b
        }
        _ => text.into_bytes(),
    }
}

/// A Markdown model file: usually front matter from keys and values, then a body.
pub(crate) fn model_file() -> impl Strategy<Value = Vec<u8>> {
    let structured = (
        prop::collection::vec((key(), value()), 0..14),
        soup(30),
        nesting(),
        any::<bool>(),
        mutations(),
    )
        .prop_map(|(pairs, body, deep, closed, edits)| {
            let mut text = String::from("---\n");
            for (k, v) in &pairs {
                text.push_str(&format!("{k}: {v}\n"));
            }
            if closed {
                text.push_str("---\n");
            }
            text.push_str(&body);
            if body.len() % 5 == 0 {
                text.push_str(&deep);
            }
            mutate(text, &edits)
        });
    let valid_ish = (prop::collection::vec((key(), value()), 0..4), soup(40), mutations()).prop_map(|(pairs, body, edits)| {
        let mut text = String::from("---\ntitle: \"Mô hình thử\"\nyear: 2024\nprovince: \"Bến Tre\"\nfield: \"Kinh tế\"\nhost: \"Hội\"\n");
        for (k, v) in &pairs {
            text.push_str(&format!("{k}: {v}\n"));
        }
        text.push_str("---\n\n");
        text.push_str(&body);
        mutate(text, &edits)
    });
    (
        prop_oneof![4 => structured, 4 => valid_ish, 1 => soup(40), 1 => any::<String>()],
        0u8..8,
        any::<usize>(),
    )
        .prop_map(|(text, how, at)| encode(text, how, at))
}

/// A YAML file holding a list of models.
pub(crate) fn model_list_file() -> impl Strategy<Value = Vec<u8>> {
    let item = (prop::collection::vec((key(), value()), 0..5), soup(20), 0u8..6).prop_map(|(pairs, body, style)| match style {
        0 => format!("- {}\n", soup_scalar(&body)),
        1 => format!("- {{ {} }}\n", pairs.iter().map(|(k, v)| format!("{k}: {}", v.replace('\n', " "))).collect::<Vec<_>>().join(", ")),
        _ => {
            let mut s = String::from("- title: \"Mô hình\"\n  year: 2024\n  province: \"Lâm Đồng\"\n  field: kinh te\n  host: \"Hội\"\n");
            for (k, v) in &pairs {
                s.push_str(&format!("  {k}: {}\n", v.replace('\n', "\n  ")));
            }
            s.push_str("  body: |\n");
            for l in body.lines() {
                s.push_str(&format!("    {l}\n"));
            }
            s
        }
    });
    (
        prop::collection::vec(item, 0..8),
        mutations(),
        0u8..8,
        any::<usize>(),
    )
        .prop_map(|(items, edits, how, at)| encode(mutate(items.concat(), &edits), how, at))
}

pub(crate) fn soup_scalar(s: &str) -> String {
    s.replace('\n', " ")
}

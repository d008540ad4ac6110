//! A fast parser for the plain subset of YAML that front matter is almost always written in
//! (not a second opinion: it answers only for texts whose value [`crate::yaml_load`], the
//! parser that decides, gives too, and tests compare the two on thousands of texts):
//! a mapping of `key: value` lines whose values are double-quoted strings, simple plain
//! scalars, one-line flow lists or mappings of them (`["a", "b"]`,
//! `{ label: "…", value: 12, unit: "…" }`), or a block list (`- …`) of any of those. It gives
//! exactly the value the full parser gives for such a text, or `None` for anything else
//! (other styles, comments after values, anchors, multi-line scalars, escapes other than `\"`
//! and `\\`, duplicate keys …), which then goes to the full parser. The full parser costs
//! ~200,000 instructions for a 700-byte front matter; this one a few thousand.

use serde_yaml::{Mapping, Number, Value};

/// The value of `text` when it lies in the subset, else `None`.
pub fn parse(text: &str) -> Option<Value> {
    let mut root = Mapping::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if is_blank_or_comment(line) {
            continue;
        }
        let (key, rest) = split_key(line)?;
        if root.contains_key(key) {
            return None;
        }
        let rest = rest.trim_end_matches(' ');
        let value = if rest.is_empty() {
            // A block list below, or nothing (null).
            let mut items = Vec::new();
            let mut indent = None;
            while let Some(next) = lines.peek() {
                if is_blank_or_comment(next) {
                    lines.next();
                    continue;
                }
                let spaces = next.len() - next.trim_start_matches(' ').len();
                let Some(item) = next[spaces..].strip_prefix("- ") else {
                    if spaces > 0 || next.trim_start_matches(' ').starts_with('-') {
                        return None;
                    }
                    break;
                };
                if *indent.get_or_insert(spaces) != spaces {
                    return None;
                }
                items.push(value(item.trim_end_matches(' '))?);
                lines.next();
            }
            if items.is_empty() {
                Value::Null
            } else {
                Value::Sequence(items)
            }
        } else {
            let value = value(rest)?;
            // An indented line after an inline value continues it (or is an error).
            if lines
                .peek()
                .is_some_and(|next| next.starts_with(' ') && !is_blank_or_comment(next))
            {
                return None;
            }
            value
        };
        root.insert(Value::String(key.to_string()), value);
    }
    if root.is_empty() {
        return None;
    }
    Some(Value::Mapping(root))
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    t.is_empty() || t.starts_with('#')
}

/// `key: rest` with a plain key at the start of the line.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let end = line
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))?;
    let (key, rest) = line.split_at(end);
    // A key is a string unless it is one of the null or boolean words.
    let typed = matches!(
        key,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    );
    if key.is_empty() || !key.as_bytes()[0].is_ascii_alphabetic() || typed {
        return None;
    }
    let rest = rest.strip_prefix(':')?;
    if rest.is_empty() {
        return Some((key, rest));
    }
    Some((key, rest.strip_prefix(' ')?.trim_start_matches(' ')))
}

/// A value after its key, or a block list's item.
fn value(s: &str) -> Option<Value> {
    match s.as_bytes().first()? {
        b'"' => whole(quoted(s)?),
        b'[' => flow_list(s),
        b'{' => flow_mapping(s),
        _ => plain(s, false),
    }
}

/// A parsed piece that must be the whole text.
fn whole((value, rest): (Value, &str)) -> Option<Value> {
    rest.trim_start_matches(' ').is_empty().then_some(value)
}

/// A double-quoted string at the start of `s` and what follows it; only `\"` and `\\`
/// escapes.
fn quoted(s: &str) -> Option<(Value, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((Value::String(out), &body[i + 1..])),
            '\\' => match chars.next()?.1 {
                e @ ('"' | '\\') => out.push(e),
                _ => return None,
            },
            '\t' => return None,
            c => out.push(c),
        }
    }
    None
}

/// What follows an item of a flow collection.
enum Next<'a> {
    /// A comma: another item, starting here.
    Item(&'a str),
    /// The closing bracket, and nothing after it on the line.
    End,
}

/// What follows an item of a flow collection closed by `close`; `None` for anything else.
fn next_item(rest: &str, close: char) -> Option<Next<'_>> {
    let rest = rest.trim_start_matches(' ');
    match rest.strip_prefix(',') {
        Some(after) => Some(Next::Item(after.trim_start_matches(' '))),
        None => {
            let after = rest.strip_prefix(close)?;
            after
                .trim_start_matches(' ')
                .is_empty()
                .then_some(Next::End)
        }
    }
}

/// `[a, b, …]` of quoted strings and simple plain scalars, alone on the rest of the line.
fn flow_list(s: &str) -> Option<Value> {
    let mut rest = s.strip_prefix('[')?.trim_start_matches(' ');
    let mut items = Vec::new();
    if rest.starts_with(']') {
        return matches!(next_item(rest, ']')?, Next::End).then_some(Value::Sequence(items));
    }
    loop {
        let (item, after) = flow_scalar(rest)?;
        items.push(item);
        match next_item(after, ']')? {
            Next::Item(next) => rest = next,
            Next::End => return Some(Value::Sequence(items)),
        }
    }
}

/// `{ key: value, … }` of quoted strings and simple plain scalars, alone on the line.
fn flow_mapping(s: &str) -> Option<Value> {
    let mut rest = s.strip_prefix('{')?.trim_start_matches(' ');
    let mut map = Mapping::new();
    loop {
        let (key, after) = split_key(rest)?;
        if map.contains_key(key) {
            return None;
        }
        let (value, after) = flow_scalar(after)?;
        map.insert(Value::String(key.to_string()), value);
        match next_item(after, '}')? {
            Next::Item(next) => rest = next,
            Next::End => return Some(Value::Mapping(map)),
        }
    }
}

/// A quoted string or a simple plain scalar inside a flow collection, and what follows.
fn flow_scalar(s: &str) -> Option<(Value, &str)> {
    if s.starts_with('"') {
        return quoted(s);
    }
    let end = s.find([',', ']', '}']).unwrap_or(s.len());
    let value = plain(s[..end].trim_end_matches(' '), true)?;
    Some((value, &s[end..]))
}

/// A plain scalar, typed as the full parser types it (null, bool, integer, float, string),
/// when it is one of the simple shapes; `in_flow` also refuses the flow indicators.
fn plain(s: &str, in_flow: bool) -> Option<Value> {
    let first = s.chars().next()?;
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return None;
    }
    if in_flow && s.contains([',', '[', ']', '{', '}', '"', '\'']) {
        return None;
    }
    match s {
        "null" | "Null" | "NULL" | "~" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if first.is_ascii_digit() || first == '-' {
        return number_or_date(s);
    }
    // A letter first: no YAML number starts with one, and the words that are not strings
    // (null, booleans; `inf`/`nan` only with a dot) were taken above.
    first.is_alphabetic().then(|| Value::String(s.to_string()))
}

/// A decimal integer, a decimal fraction or a `YYYY-MM-DD` date (a string in YAML 1.2).
fn number_or_date(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    let digits = |b: &[u8]| !b.is_empty() && b.iter().all(u8::is_ascii_digit);
    let no_leading_zero = |b: &[u8]| b.len() == 1 || b[0] != b'0';
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(&b[..4])
        && digits(&b[5..7])
        && digits(&b[8..])
    {
        return Some(Value::String(s.to_string()));
    }
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(u) => (true, u),
        None => (false, s),
    };
    let u = unsigned.as_bytes();
    if digits(u) && no_leading_zero(u) && u.len() <= 18 {
        let n: i64 = unsigned.parse().ok()?;
        return Some(Value::Number(if negative {
            Number::from(-n)
        } else {
            Number::from(n as u64)
        }));
    }
    let (int, frac) = unsigned.split_once('.')?;
    if digits(int.as_bytes()) && no_leading_zero(int.as_bytes()) && digits(frac.as_bytes()) {
        let f: f64 = s.parse().ok()?;
        return f.is_finite().then(|| Value::Number(Number::from(f)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` in the subset: the fast value equals the full parser's.
    fn same(text: &str) {
        let full = crate::yaml_load::load(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        assert_eq!(parse(text).as_ref(), Some(&full), "{text:?}");
    }

    /// `text` outside the subset, or an error: left to the full parser.
    fn refused(text: &str) {
        assert_eq!(parse(text), None, "{text:?}");
    }

    #[test]
    fn front_matter_in_the_subset_parses_as_the_full_parser_parses_it() {
        same("title: \"Diễn đàn \\\"Công an xã\\\" lắng nghe\"\nyear: 2019\nprovince: \"Gia Lai\"\nlevel: tinh\nexemplary: true\ndate: 2019-11-28\n");
        same("results:\n  - { label: \"Đất hiến\", value: 6396, unit: \"m²\" }\n  - { label: \"Tỷ lệ\", value: 96.8, unit: \"%\" }\ntags: [\"giao thông\", \"hiến đất\"]\n");
        same("tags: []\nsummary: \"\"\nempty:\n# a comment\n\nslug: \"mo-hinh\"\n");
        same("a: Bến Tre, Châu Thành\nb: -12\nc: 0\nd: 0.5\ne: False\nf: ~\ng: null\nh: xa\n");
        same("list:\n- \"a\"\n- b\n- 3\nnext: 1\n");
        same("photos:\n  - { src: \"a.jpg\", caption: \"Chữ: có hai chấm\" }\n");
        same("x: [a, 1, 2.5, \"q\"]\ny: \"a # not a comment\"\n");
        same("m: {b: 1, c: \"d\"}\n");
        same("k: inf\nl: nan\nm: Infinity\nn: e5\no: yes\np: on\nq: No\n");
    }

    #[test]
    fn the_sample_sites_front_matter_takes_the_fast_path_with_the_same_values() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let (mut accepted, mut total) = (0, 0);
        for entry in walkdir::WalkDir::new(content).into_iter().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            let Some(front) = text
                .strip_prefix("---\n")
                .and_then(|rest| rest.split_once("\n---\n"))
                .map(|(front, _)| front)
            else {
                continue;
            };
            total += 1;
            if let Some(fast) = parse(front) {
                accepted += 1;
                let full = crate::yaml_load::load(front).unwrap();
                assert_eq!(fast, full, "{}", path.display());
            }
        }
        assert!(total > 20, "{total} front matters found");
        assert!(
            accepted * 10 >= total * 9,
            "{accepted} of {total} took the fast path"
        );
    }

    #[test]
    fn other_yaml_is_left_to_the_full_parser() {
        for text in [
            "a: 'single'",
            "a: \"tab\\tescape\"",
            "a: |\n  block\n",
            "a: >\n  folded\n",
            "a: &x 1\nb: *x\n",
            "a: b # comment\n",
            "a: plain\n  continued\n",
            "a: \"two\nlines\"\n",
            "a: 1\na: 2\n",
            "- a\n- b\n",
            "a:\n  b: 1\n",
            "a:\n  - b\n   - c\n",
            "a:\n  -\n    - b\n",
            "\"a\": 1\n",
            "a: 007\n",
            "a: 0x1F\n",
            "a: +5\n",
            "a: 1e5\n",
            "a: .5\n",
            "a: 12345678901234567890\n",
            "a: [b, [c]]\n",
            "a: key: value\n",
            "a: !tag x\n",
            "a: @x\n",
            "",
            "# only a comment\n",
            "a: [\"b\",]\n",
            "a:\n  - { b: 1, b: 2 }\n",
            "a: \"unterminated\n",
            "true: 1\n",
            "a: [b] c\n",
            "a:\n  - { b: 1 } x\n",
            "a:\n  - { null: 1 }\n",
        ] {
            refused(text);
        }
    }

    #[test]
    fn random_front_matter_parses_as_the_full_parser_parses_it_or_is_refused() {
        // Lines and values drawn from the subset's shapes and just outside them.
        let values = [
            "\"Hội Nông dân\"",
            "\"\"",
            "\"a \\\"b\\\" c\"",
            "\"x\\\\y\"",
            "\"a: b\"",
            "\"#1\"",
            "xa",
            "Bến Tre",
            "Tân Phú, Định Quán",
            "2019",
            "-3",
            "0",
            "0.25",
            "10.0",
            "2024-10-15",
            "true",
            "False",
            "null",
            "~",
            "[]",
            "[\"a\", \"b\"]",
            "[a, 2]",
            "'q'",
            "a # c",
            "1e3",
            "-x",
            ".5",
            "007",
            "a:b",
            "[a",
            "{ a: 1 }",
            "\"open",
            "yes",
            "NaN",
            "TRUE",
            "Null",
        ];
        let items = [
            "{ label: \"Hộ\", value: 97, unit: \"hộ\" }",
            "{ label: x, value: 1.5 }",
            "\"a\"",
            "b",
            "{ a: [1] }",
            "{ a }",
            "{ a: 1 ",
            "- x",
            "{ src: \"a.jpg\", caption: \"c\", credit: \"d\" }",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut accepted, mut total) = (0, 0);
        for _ in 0..4000 {
            let mut text = String::new();
            for k in 0..1 + next(6) {
                let key = ["title", "year", "tags", "results", "a_b", "x1"][next(6)];
                let key = if next(8) == 0 {
                    key.to_string()
                } else {
                    format!("{key}{k}")
                };
                if next(3) == 0 {
                    text.push_str(&format!("{key}:\n"));
                    let indent = ["", "  ", "    "][next(3)];
                    for _ in 0..next(4) {
                        text.push_str(&format!("{indent}- {}\n", items[next(items.len())]));
                    }
                } else {
                    text.push_str(&format!("{key}: {}\n", values[next(values.len())]));
                }
                if next(10) == 0 {
                    text.push_str(["\n", "# note\n", "  indented\n"][next(3)]);
                }
            }
            total += 1;
            match (parse(&text), crate::yaml_load::load(&text)) {
                (Some(fast), Ok(full)) => {
                    accepted += 1;
                    assert_eq!(fast, full, "{text:?}");
                }
                (Some(fast), Err(e)) => panic!("accepted {text:?} as {fast:?}, full parser: {e:?}"),
                (None, _) => {}
            }
        }
        // The test means something only if the subset is actually taken.
        assert!(accepted * 5 > total, "{accepted} of {total} accepted");
    }
}

//! The one YAML parser every YAML input goes through (front matter, YAML lists of models,
//! `site.yaml`, a theme's strings): saphyr's event parser, with the value built here under
//! budgets, so that no text can cost more than a small multiple of its own size.
//!
//! - Document size: at most [`MAX_BYTES`].
//! - Nesting: at most [`MAX_DEPTH`] lists and mappings deep (the scanner's own flow limit
//!   is reported the same way).
//! - Expanded size: every node and every byte of text counts, and an alias (`*a`) counts the
//!   whole subtree it repeats; the total may not exceed `2 × size + 64 KiB`. A text without
//!   aliases always fits, so the budget only stops alias bombs ("billion laughs"), before the
//!   copy is made.
//!
//! Tags (`!!binary`, `!!python/object:…`, any `!tag`) are refused: content never needs them.
//! A duplicate key is reported at the duplicate's own line. Plain scalars are typed as
//! serde_yaml types them (null, booleans, integers, floats, else text), so the values are
//! those the rest of dvk has always read. There is no pre-check: this parser alone decides.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_yaml::{Mapping, Number, Value};
use std::collections::HashMap;

/// Largest YAML document accepted (a front matter, a list of models, `site.yaml`): the
/// size limit of a content file.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of lists and mappings accepted; content needs four levels.
pub const MAX_DEPTH: usize = 64;

/// Why a text was refused: 1-based line and column within the text, and the message (from
/// the catalogue).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// 1-based line in the text.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// The expanded-size budget of a text of `len` bytes.
fn budget(len: usize) -> usize {
    2 * len + 64 * 1024
}

/// A collection being built.
enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        weight_at_start: usize,
    },
    Map {
        map: Mapping,
        anchor: usize,
        weight_at_start: usize,
        /// The key read, waiting for its value.
        key: Option<Value>,
    },
}

/// Parses `text` into a value (`Null` for an empty document).
pub fn load(text: &str) -> Result<Value, LoadError> {
    if text.len() > MAX_BYTES {
        return Err(LoadError {
            line: 1,
            column: 1,
            message: crate::msg!(
                "yaml.too_big",
                size = text.len() / (1024 * 1024),
                max = MAX_BYTES / (1024 * 1024)
            ),
        });
    }
    let limit = budget(text.len());
    let mut weight = 0usize;
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut root: Option<Value> = None;
    let mut documents = 0usize;
    let at = |span: &Span| (span.start.line(), span.start.col() + 1);
    let err = |(line, column): (usize, usize), message: String| LoadError {
        line: line.max(1),
        column: column.max(1),
        message,
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| scan_error(text, &e))?;
        let pos = at(&span);
        let is_seq = matches!(event, Event::SequenceStart(..));
        // A finished node and its anchor and weight, to place into its parent.
        let (node, anchor, node_weight) = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(pos, crate::msg!("yaml.many_documents")));
                }
                continue;
            }
            Event::Alias(id) => {
                let Some((value, w)) = anchors.get(&id) else {
                    return Err(err(pos, crate::msg!("yaml.unknown_alias")));
                };
                if weight + w > limit {
                    return Err(err(pos, crate::msg!("yaml.expansion")));
                }
                weight += w;
                (value.clone(), 0, *w)
            }
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(tag) = tag {
                    return Err(err(pos, crate::msg!("yaml.tag", tag = tag_text(&tag))));
                }
                let w = 1 + text.len();
                weight += w;
                if weight > limit {
                    return Err(err(pos, crate::msg!("yaml.expansion")));
                }
                (resolve(text.into_owned(), style), anchor, w)
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if let Some(tag) = tag {
                    return Err(err(pos, crate::msg!("yaml.tag", tag = tag_text(&tag))));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err(pos, crate::msg!("yaml.too_deep", max = MAX_DEPTH)));
                }
                weight += 1;
                if weight > limit {
                    return Err(err(pos, crate::msg!("yaml.expansion")));
                }
                stack.push(if is_seq {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        weight_at_start: weight - 1,
                    }
                } else {
                    Frame::Map {
                        map: Mapping::new(),
                        anchor,
                        weight_at_start: weight - 1,
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    anchor,
                    weight_at_start,
                }) => (Value::Sequence(items), anchor, weight - weight_at_start),
                Some(Frame::Map {
                    map,
                    anchor,
                    weight_at_start,
                    ..
                }) => (Value::Mapping(map), anchor, weight - weight_at_start),
                None => continue,
            },
        };
        if anchor != 0 {
            // The anchored copy costs memory too.
            weight += node_weight;
            if weight > limit {
                return Err(err(pos, crate::msg!("yaml.expansion")));
            }
            anchors.insert(anchor, (node.clone(), node_weight));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                None => {
                    if map.contains_key(&node) {
                        let name = key_text(&node);
                        return Err(err(pos, crate::msg!("yaml.duplicate_key", key = name)));
                    }
                    *key = Some(node);
                }
                Some(k) => {
                    map.insert(k, node);
                }
            },
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

/// A tag as an editor wrote it (`!!binary`, not `tag:yaml.org,2002:binary`).
fn tag_text(tag: &saphyr_parser::Tag) -> String {
    match tag.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        h => format!("{h}{}", tag.suffix),
    }
}

/// A key as an editor wrote it, for messages.
fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        _ => "…".into(),
    }
}

/// A parser error as a message in the editor's language, with its position.
fn scan_error(text: &str, e: &saphyr_parser::ScanError) -> LoadError {
    let m = e.marker();
    let (line, column) = (m.line().max(1), m.col() + 1);
    let info = e.info();
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    let indent_has_tab = line_text
        .chars()
        .take_while(|c| c.is_whitespace())
        .any(|c| c == '\t');
    let message = if info.contains("tab") || indent_has_tab {
        crate::msg!("yaml.tab")
    } else if info.contains("recursion limit") {
        crate::msg!("yaml.too_deep", max = MAX_DEPTH)
    } else if info.contains("indentation in quoted scalar") {
        crate::msg!("yaml.quoted_indent")
    } else if info.contains("unexpected end of stream") && info.contains("quoted") {
        crate::msg!("yaml.unclosed_quote")
    } else if info.contains("mapping values are not allowed") {
        crate::msg!("yaml.colon_in_value")
    } else {
        crate::msg!("yaml.syntax", detail = info.trim_end_matches('.'))
    };
    LoadError {
        line,
        column,
        message,
    }
}

/// The value of a scalar: quoted and block scalars are text; plain ones are typed as
/// serde_yaml types them.
fn resolve(s: String, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(s);
    }
    match s.as_str() {
        "" | "null" | "Null" | "NULL" | "~" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_int(&s) {
        return Value::Number(n);
    }
    if !digits_but_not_number(&s) {
        if let Some(f) = parse_float(&s) {
            return Value::Number(Number::from(f));
        }
    }
    Value::String(s)
}

/// `007`, `-012`: leading zeros make a string in YAML 1.2.
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Decimal, `0x`, `0o` and `0b` integers with an optional sign, as serde_yaml reads them.
fn parse_int(s: &str) -> Option<Number> {
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(u) => (true, u),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if unsigned.starts_with(['+', '-']) {
        return None;
    }
    let (radix, digits) = if let Some(r) = unsigned.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = unsigned.strip_prefix("0o") {
        (8, r)
    } else if let Some(r) = unsigned.strip_prefix("0b") {
        (2, r)
    } else {
        if digits_but_not_number(s) {
            return None;
        }
        (10, unsigned)
    };
    if digits.starts_with(['+', '-']) || digits.is_empty() {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        let n = i64::try_from(magnitude)
            .map(|m| -m)
            .ok()
            .or((magnitude == 1u64 << 63).then_some(i64::MIN))?;
        Some(Number::from(n))
    } else {
        Some(Number::from(magnitude))
    }
}

/// Floats as serde_yaml reads them: `.inf`, `-.inf`, `.nan`, and what Rust parses as a
/// finite number (so `inf` and `nan` stay text).
fn parse_float(s: &str) -> Option<f64> {
    let unsigned = match s.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return None,
        Some(u) => u,
        None => s,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    match s {
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_are_typed_as_serde_yaml_types_them() {
        for text in [
            "a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 0b101\nf: +5\ng: 007\nh: 1.5\ni: 1e3\nj: .inf\n",
            "k: -.inf\nl: inf\nm: nan\nn: yes\no: ~\np: null\nq: True\nr: FALSE\ns: 2024-01-02\n",
            "t: \"1\"\nu: '2'\nv: |\n  x\nw: 12345678901234567890\nx: -9223372036854775808\n",
            "y: [1, a, \"b\", {c: d}]\nz:\n  - 1\n  - - 2\n",
            "",
            "# nothing\n",
        ] {
            let ours = load(text).unwrap();
            let theirs: Value = serde_yaml::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text:?}");
        }
        // NaN is not equal to itself: compared apart.
        let v = load("a: .nan\n").unwrap();
        assert!(v["a"].as_f64().unwrap().is_nan());
    }

    fn refused(text: &str) -> LoadError {
        let t = std::time::Instant::now();
        let e = load(text).expect_err(&text[..text.len().min(80)]);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            t.elapsed()
        );
        e
    }

    #[test]
    fn alias_bombs_are_refused_before_they_expand() {
        // `&a [a,a,…]` and thousands of `*a`.
        let items = vec!["a"; 8000].join(",");
        let aliases = vec!["*a"; 2000].join(", ");
        let e = refused(&format!("t: &a [{items}]\ns: [{aliases}]\n"));
        assert_eq!(e.line, 2, "{e:?}");
        // Nested aliases: 9 levels of 9 copies (387 million strings).
        let mut t = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*l{}", i - 1); 9].join(", ");
            t.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        }
        refused(&t);
        // A long string repeated.
        let e = refused(&format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(100_000),
            vec!["*a"; 100].join(",")
        ));
        assert_eq!(e.line, 2);
        // Aliases within budget still work, as in any YAML.
        let v = load("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(v["b"], v["a"]);
    }

    #[test]
    fn deep_and_huge_documents_are_refused_quickly() {
        for text in [
            format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            format!("a: {}1{}\n", "{a: ".repeat(50_000), "}".repeat(50_000)),
            "[{a: ".repeat(40_000),
            "- ".repeat(100_000) + "x\n",
        ] {
            let e = refused(&text);
            assert!(e.message.contains("64"), "{e:?}");
        }
        let big = "a".repeat(MAX_BYTES + 1);
        refused(&big);
    }

    #[test]
    fn tags_are_refused_with_their_name() {
        for (text, tag) in [
            ("a: !!binary aGVsbG8=\n", "!!binary"),
            (
                "a: !!python/object:os.system [x]\n",
                "python/object:os.system",
            ),
            ("a: !x {b: 1}\n", "!x"),
            ("- !!str 1\n", "!!str"),
        ] {
            let e = refused(text);
            assert!(e.message.contains(tag), "{text}: {e:?}");
            assert_eq!(e.line, 1);
        }
    }

    #[test]
    fn a_duplicate_key_is_reported_at_the_duplicate() {
        let e = refused("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n");
        assert_eq!((e.line, e.column), (5, 3), "{e:?}");
        assert!(e.message.contains("`c`"), "{e:?}");
    }

    #[test]
    fn a_tab_error_says_tab() {
        let e = refused("a:\n\t- b\n");
        assert_eq!(e.line, 2, "{e:?}");
        assert!(
            e.message.contains("dấu tab") || e.message.contains("tab"),
            "{e:?}"
        );
    }

    #[test]
    fn more_than_one_document_is_refused() {
        let e = refused("a: 1\n---\nb: 2\n");
        assert_eq!(e.line, 2, "{e:?}");
    }
}

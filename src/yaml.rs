//! YAML with positions: parses front matter and YAML files (through [`crate::yaml_load`], the
//! one parser that decides, or its fast subset [`crate::yaml_simple`]), checks keys
//! against an allow-list, reads typed values, and reports every problem at the line and
//! column of the key it concerns (offset by the lines before the YAML, such as `---`).

use crate::diag::{did_you_mean, Diagnostic};
use serde_yaml::{Mapping, Value};
use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

pub use crate::yaml_load::{MAX_BYTES, MAX_DEPTH};

thread_local! {
    /// Lines looked at by position lookups on this thread (see [`lines_examined`]).
    static EXAMINED: Cell<u64> = const { Cell::new(0) };
}

fn examined(n: usize) {
    EXAMINED.with(|c| c.set(c.get() + n as u64));
}

/// How many lines position lookups ([`YamlDoc::locate`], [`YamlDoc::line`]) have looked at
/// on this thread so far: the measure of their cost that tests hold linear in a list's
/// length.
pub fn lines_examined() -> u64 {
    EXAMINED.with(Cell::get)
}

/// One step of a path into a YAML document: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A key of a mapping.
    Key(String),
    /// An item of a sequence.
    Index(usize),
}

/// Appends a list index to a path.
pub fn child(path: &[Seg], index: usize) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(Seg::Index(index));
    p
}

/// A parsed YAML document that remembers its text, to find positions when a problem needs one.
pub struct YamlDoc<'a> {
    text: &'a str,
    path: &'a Path,
    line_offset: usize,
    /// The parsed value (Null for an empty document).
    pub root: Value,
    /// The text's lines, split on the first position lookup.
    lines: OnceLock<Vec<&'a str>>,
    /// Keys and list items of each region searched so far, so that reporting every item of
    /// a long list costs linear time, not quadratic.
    regions: Mutex<HashMap<RegionKey, Region>>,
}

/// A region of lines: `start..end`, and the indentation its first line's content starts at
/// when it is a list item's (see `find_in_region`).
type RegionKey = (usize, usize, Option<usize>);

/// The keys and list items found at the indentation of one region of lines.
#[derive(Default)]
struct Region {
    /// Indentation of the region's content (None: the region is blank).
    indent: Option<usize>,
    /// Each list item: its line, its indentation, and the indentation its mapping starts at.
    items: Vec<(usize, usize, usize)>,
    /// First line of each key written plain, in double quotes and in single quotes.
    plain: HashMap<String, usize>,
    double: HashMap<String, usize>,
    single: HashMap<String, usize>,
}

impl Region {
    fn insert(map: &mut HashMap<String, usize>, key: &str, line: usize) {
        if !map.contains_key(key) {
            map.insert(key.to_string(), line);
        }
    }

    /// The first line of key `k`; None when `k` holds a colon or a quote (searched by scanning).
    fn key_line(&self, k: &str) -> Option<Option<usize>> {
        if k.contains([':', '"', '\'']) {
            return None;
        }
        Some(
            [&self.plain, &self.double, &self.single]
                .iter()
                .filter_map(|m| m.get(k).copied())
                .min(),
        )
    }
}

impl<'a> YamlDoc<'a> {
    /// Parses `text`; `line_offset` is the number of lines in the file before it.
    pub fn parse(text: &'a str, path: &'a Path, line_offset: usize) -> Result<Self, Diagnostic> {
        let root = if text.trim().is_empty() {
            Value::Null
        } else if let Some(simple) = (text.len() <= MAX_BYTES)
            .then(|| crate::yaml_simple::parse(text))
            .flatten()
        {
            // The usual front matter, in a subset whose value the parser below gives too.
            simple
        } else {
            crate::yaml_load::load(text).map_err(|e| {
                let (line, column) = clamp_position(text, e.line, e.column);
                Diagnostic::error(path, line + line_offset, column, e.message)
            })?
        };
        Ok(YamlDoc {
            text,
            path,
            line_offset,
            root,
            lines: OnceLock::new(),
            regions: Mutex::new(HashMap::new()),
        })
    }

    /// The file this document came from.
    pub fn path(&self) -> &Path {
        self.path
    }

    /// The text of line `n` (1-based, counted in the whole file like positions are).
    pub fn line(&self, n: usize) -> Option<&'a str> {
        let lines = self.lines();
        examined(1);
        n.checked_sub(self.line_offset + 1)
            .and_then(|i| lines.get(i).copied())
    }

    /// An error at the position of `at` (a key path), or at the document start.
    pub fn error_at(&self, at: &[Seg], message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.locate(at);
        Diagnostic::error(self.path, line, column, message)
    }

    /// A warning at the position of `at`.
    pub fn warning_at(&self, at: &[Seg], message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.locate(at);
        Diagnostic::warning(self.path, line, column, message)
    }

    /// The root as a mapping (an empty document counts as an empty mapping).
    pub fn root_mapping(&self, diags: &mut Vec<Diagnostic>) -> Option<&Mapping> {
        static EMPTY: std::sync::OnceLock<Mapping> = std::sync::OnceLock::new();
        match &self.root {
            Value::Null => Some(EMPTY.get_or_init(Mapping::new)),
            v => self.expect_mapping(v, &[], diags),
        }
    }

    /// `value` as a mapping, or an error at `at`.
    pub fn expect_mapping<'v>(
        &self,
        value: &'v Value,
        at: &[Seg],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<&'v Mapping> {
        match value {
            Value::Mapping(m) => Some(m),
            Value::Tagged(t) => self.expect_mapping(&t.value, at, diags),
            other => {
                diags.push(self.error_at(
                    at,
                    crate::msg!("yaml.expected_mapping", found = describe(other)),
                ));
                None
            }
        }
    }

    /// Starts reading the keys of `map` (found at `at`), allowing only `allowed`.
    /// Every other key is reported with a "did you mean" hint.
    pub fn fields<'d>(&'d self, map: &'d Mapping, at: &[Seg], allowed: &[&str]) -> Fields<'d, 'a> {
        let mut diags = Vec::new();
        for key in map.keys() {
            let name = match key {
                Value::String(s) => s.clone(),
                other => scalar_text(other).unwrap_or_else(|| "?".into()),
            };
            if !allowed.contains(&name.as_str()) {
                let mut p = at.to_vec();
                p.push(Seg::Key(name.clone()));
                diags.push(self.error_at(
                    &p,
                    crate::msg!(
                        "yaml.unknown_key",
                        name = name,
                        hint = unknown_key_hint(&name, allowed),
                        allowed = allowed.join(", ")
                    ),
                ));
            }
        }
        Fields {
            doc: self,
            map,
            at: at.to_vec(),
            diags,
        }
    }

    /// Line and column (1-based, in the whole file) of the node at `at`, found by
    /// following block-style keys and list items; falls back to the deepest part found.
    pub fn locate(&self, at: &[Seg]) -> (usize, usize) {
        let lines = self.lines();
        let mut start = 0usize;
        let mut end = lines.len();
        let mut found = (self.line_offset + 1, 1);
        // Indentation a "virtual" region starts at: list items open a mapping after "- ".
        let mut first_line_indent: Option<usize> = None;
        for seg in at {
            let Some(hit) = self.find_in_region(lines, (start, end, first_line_indent), seg) else {
                break;
            };
            let (line, ind, item_indent) = hit;
            found = (self.line_offset + line + 1, ind + 1);
            let mut next_end = end;
            for (j, l) in lines.iter().enumerate().take(end).skip(line + 1) {
                examined(1);
                if let Some(k) = content_indent(l, false, None) {
                    let is_sibling_item =
                        item_indent.is_some() && k == ind && l[k..].starts_with('-');
                    if k < ind || (k == ind && (item_indent.is_none() || is_sibling_item)) {
                        next_end = j;
                        break;
                    }
                }
            }
            start = line;
            end = next_end;
            first_line_indent = item_indent;
            if item_indent.is_none() {
                // A key's children start on the next line.
                start = line + 1;
                first_line_indent = None;
            } else {
                found = (self.line_offset + line + 1, item_indent.unwrap_or(ind) + 1);
            }
        }
        found
    }
}

impl<'a> YamlDoc<'a> {
    /// The text's lines, split once.
    fn lines(&self) -> &Vec<&'a str> {
        self.lines.get_or_init(|| {
            let lines: Vec<&str> = self.text.lines().collect();
            examined(lines.len());
            lines
        })
    }

    /// Finds `seg` among the lines `start..end` (the first one's content starting at
    /// `first_line_indent` when it is a list item's): its line, indentation, and for a list
    /// item the indentation its mapping starts at.
    fn find_in_region(
        &self,
        lines: &[&str],
        region: RegionKey,
        seg: &Seg,
    ) -> Option<(usize, usize, Option<usize>)> {
        let mut regions = self.regions.lock().unwrap_or_else(|e| e.into_inner());
        let r = regions
            .entry(region)
            .or_insert_with(|| build_region(lines, region));
        let indent = r.indent?;
        match seg {
            Seg::Index(n) => r
                .items
                .get(*n)
                .map(|&(line, ind, item)| (line, ind, Some(item))),
            Seg::Key(k) => match r.key_line(k) {
                Some(line) => line.map(|l| (l, indent, None)),
                None => {
                    // A key with a colon or quote in it: search the region line by line.
                    let (start, end, fli) = region;
                    let forms = [format!("{k}:"), format!("\"{k}\":"), format!("'{k}':")];
                    (start..end).find_map(|i| {
                        examined(1);
                        let ind = content_indent(lines[i], i == start, fli)
                            .filter(|&ind| ind == indent)?;
                        let rest = lines[i][ind.min(lines[i].len())..]
                            .trim_start_matches("- ")
                            .trim_start();
                        forms
                            .iter()
                            .any(|f| rest.starts_with(f.as_str()))
                            .then_some((i, ind, None))
                    })
                }
            },
        }
    }
}

/// Indexes the keys and list items at the shallowest indentation of lines `start..end`.
fn build_region(lines: &[&str], (start, end, fli): (usize, usize, Option<usize>)) -> Region {
    examined(2 * (end - start));
    let mut r = Region {
        indent: (start..end)
            .filter_map(|i| content_indent(lines[i], i == start, fli))
            .min(),
        ..Region::default()
    };
    let Some(indent) = r.indent else { return r };
    for i in start..end {
        if content_indent(lines[i], i == start, fli) != Some(indent) {
            continue;
        }
        let rest = &lines[i][indent.min(lines[i].len())..];
        if let Some(after_dash) = rest.strip_prefix('-') {
            // The item's own mapping starts after "- ".
            let after = after_dash.len() - after_dash.trim_start().len();
            r.items.push((i, indent, indent + 1 + after));
        }
        let rest = rest.trim_start_matches("- ").trim_start();
        if let Some(p) = rest.find(':') {
            Region::insert(&mut r.plain, &rest[..p], i);
        }
        if let Some(quoted) = rest.strip_prefix('"') {
            if let Some(p) = quoted.find("\":") {
                Region::insert(&mut r.double, &quoted[..p], i);
            }
        }
        if let Some(quoted) = rest.strip_prefix('\'') {
            if let Some(p) = quoted.find("':") {
                Region::insert(&mut r.single, &quoted[..p], i);
            }
        }
    }
    r
}

/// Keeps a parser's position inside the text: the parser may point one past the last line
/// (at the end of input) or past a line's end. Columns count characters, 1-based.
fn clamp_position(text: &str, line: usize, column: usize) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return (1, 1);
    }
    let line = line.clamp(1, lines.len());
    let width = lines[line - 1].chars().count();
    (line, column.clamp(1, width + 1))
}

/// Indentation of a line's content, or None for blank and comment lines.
/// On the first line of a list item, the content starts after "- ".
fn content_indent(line: &str, first: bool, first_indent: Option<usize>) -> Option<usize> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    if first {
        if let Some(fi) = first_indent {
            return Some(fi);
        }
    }
    Some(line.len() - trimmed.len())
}

/// A scalar's text (numbers and booleans as written), or None for collections.
/// The hint after "unknown key": a key of digits alone is most likely the decimals of a number
/// written with a Vietnamese decimal comma inside a `{ … }` line (`value: 12,5` reads as
/// `value: 12` and a key `5`); otherwise the nearest allowed key, if any is close.
fn unknown_key_hint(name: &str, allowed: &[&str]) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
        crate::msg!("yaml.comma_decimal_hint", digits = name)
    } else {
        did_you_mean(name, allowed.iter().copied())
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

/// "a list", "a number" … for messages.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => crate::msg!("yaml.kind.null"),
        Value::Bool(_) => crate::msg!("yaml.kind.bool"),
        Value::Number(_) => crate::msg!("yaml.kind.number"),
        Value::String(_) => crate::msg!("yaml.kind.text"),
        Value::Sequence(_) => crate::msg!("yaml.kind.list"),
        Value::Mapping(_) => crate::msg!("yaml.kind.mapping"),
        Value::Tagged(_) => crate::msg!("yaml.kind.tagged"),
    }
}

/// Typed access to the keys of one mapping, collecting a problem for each bad value.
pub struct Fields<'d, 'a> {
    doc: &'d YamlDoc<'a>,
    map: &'d Mapping,
    at: Vec<Seg>,
    diags: Vec<Diagnostic>,
}

impl<'d, 'a> Fields<'d, 'a> {
    fn key_path(&self, key: &str) -> Vec<Seg> {
        let mut p = self.at.clone();
        p.push(Seg::Key(key.to_string()));
        p
    }

    fn get(&self, key: &str) -> Option<&'d Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// Line and column (in the whole file) of `key`, or of this mapping when it is absent.
    pub fn position(&self, key: &str) -> (usize, usize) {
        self.doc.locate(&self.key_path(key))
    }

    /// True when the key is present with a value.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Records an error at `key`.
    pub fn error(&mut self, key: &str, message: impl Into<String>) {
        let d = self.doc.error_at(&self.key_path(key), message);
        self.diags.push(d);
    }

    /// Records a warning at `key`.
    pub fn warning(&mut self, key: &str, message: impl Into<String>) {
        let d = self.doc.warning_at(&self.key_path(key), message);
        self.diags.push(d);
    }

    /// Records an error for a missing required key, at the mapping itself.
    fn missing(&mut self, key: &str) {
        let d = self
            .doc
            .error_at(&self.at, crate::msg!("yaml.missing_key", key = key));
        self.diags.push(d);
    }

    /// A text value (numbers are taken as written), NFC-normalised and trimmed.
    pub fn string(&mut self, key: &str) -> Option<String> {
        let v = self.get(key)?;
        match scalar_text(v) {
            Some(s) => Some(vntext::nfc(s.trim()).into_owned()),
            None => {
                self.error(
                    key,
                    crate::msg!("yaml.not_text", key = key, found = describe(v)),
                );
                None
            }
        }
    }

    /// A text value that must be present and not blank.
    pub fn required_string(&mut self, key: &str) -> Option<String> {
        match self.string(key) {
            Some(s) if !s.is_empty() => Some(s),
            Some(_) => {
                self.error(key, crate::msg!("yaml.empty", key = key));
                None
            }
            None if self.has(key) => None,
            None => {
                self.missing(key);
                None
            }
        }
    }

    /// A whole number.
    pub fn integer(&mut self, key: &str) -> Option<i64> {
        let v = self.get(key)?;
        let parsed = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.error(
                key,
                crate::msg!("yaml.not_integer", key = key, found = describe(v)),
            );
        }
        parsed
    }

    /// A number (integer or decimal).
    pub fn number(&mut self, key: &str) -> Option<f64> {
        let v = self.get(key)?;
        let parsed = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => parse_vietnamese_number(s),
            _ => None,
        };
        if parsed.is_none() {
            self.error(
                key,
                crate::msg!("yaml.not_number", key = key, found = describe(v)),
            );
        }
        parsed.filter(|n| n.is_finite())
    }

    /// true or false.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        match v {
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(
                    key,
                    crate::msg!("yaml.not_bool", key = key, found = describe(v)),
                );
                None
            }
        }
    }

    /// A list, with the path to it (for positions of its items).
    pub fn list(&mut self, key: &str) -> Option<(Vec<Seg>, &'d Vec<Value>)> {
        let v = self.get(key)?;
        match v {
            Value::Sequence(s) => Some((self.key_path(key), s)),
            _ => {
                self.error(
                    key,
                    crate::msg!("yaml.not_list", key = key, found = describe(v)),
                );
                None
            }
        }
    }

    /// A `key: value` mapping, with the path to it (for [`YamlDoc::fields`] on it).
    pub fn mapping(&mut self, key: &str) -> Option<(Vec<Seg>, &'d Mapping)> {
        let v = self.get(key)?;
        let mut diags = Vec::new();
        let m = self.doc.expect_mapping(v, &self.key_path(key), &mut diags);
        self.diags.extend(diags);
        Some((self.key_path(key), m?))
    }

    /// A list of texts; a single text is accepted as a one-item list.
    pub fn string_list(&mut self, key: &str) -> Option<Vec<String>> {
        let v = self.get(key)?;
        if let Some(s) = scalar_text(v) {
            return Some(vec![vntext::nfc(s.trim()).into_owned()]);
        }
        let (_, items) = self.list(key)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match scalar_text(item) {
                Some(s) if !s.trim().is_empty() => out.push(vntext::nfc(s.trim()).into_owned()),
                Some(_) => {}
                None => {
                    self.error(
                        key,
                        crate::msg!("yaml.item_not_text", key = key, found = describe(item)),
                    );
                }
            }
        }
        Some(out)
    }

    /// The problems found while reading this mapping.
    pub fn finish(self) -> Vec<Diagnostic> {
        self.diags
    }
}

/// Parses "30.638", "30638", "2,5" and "1 200" as Vietnamese readers write numbers.
fn parse_vietnamese_number(s: &str) -> Option<f64> {
    let s: String = s.trim().chars().filter(|c| !c.is_whitespace()).collect();
    // "30.638" (dot thousands) and "2,5" (comma decimal), as written in Vietnamese.
    let no_thousands = if s.matches('.').count() >= 1 && s.split('.').skip(1).all(|g| g.len() == 3)
    {
        s.replace('.', "")
    } else {
        s.clone()
    };
    no_thousands.replace(',', ".").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.into())
    }

    #[test]
    fn locates_keys_with_line_offset() {
        let text = "title: A\nyear: 2024\nresults:\n  - label: x\n    value: 3\n  - label: y\n    value: oops\n";
        let doc = YamlDoc::parse(text, Path::new("a.md"), 1).unwrap();
        assert_eq!(doc.locate(&[key("year")]), (3, 1));
        assert_eq!(doc.locate(&[key("results")]), (4, 1));
        assert_eq!(doc.locate(&[key("results"), Seg::Index(1)]), (7, 5));
        assert_eq!(
            doc.locate(&[key("results"), Seg::Index(1), key("value")]),
            (8, 5)
        );
        assert_eq!(doc.locate(&[key("nope")]), (2, 1));
    }

    #[test]
    fn locates_items_of_a_top_level_list() {
        let text = "- title: A\n  year: 2020\n\n- title: B\n  year: x\n  field: kinh te\n";
        let doc = YamlDoc::parse(text, Path::new("l.yaml"), 0).unwrap();
        assert_eq!(doc.locate(&[Seg::Index(1)]), (4, 3));
        assert_eq!(doc.locate(&[Seg::Index(1), key("year")]), (5, 3));
        assert_eq!(doc.locate(&[Seg::Index(0), key("title")]), (1, 3));
        assert_eq!(doc.locate(&[Seg::Index(1), key("field")]), (6, 3));
    }

    #[test]
    fn syntax_errors_carry_the_file_position() {
        let err = YamlDoc::parse("title: a\nyear: [2024\n", Path::new("a.md"), 1)
            .err()
            .unwrap();
        assert!(err.line >= 3, "{err}");
        assert!(err.message.contains("YAML sai cú pháp"), "{err}");
    }

    #[test]
    fn reads_typed_values_and_reports_each_bad_one() {
        let text = "title: 2024\nyear: abc\nexemplary: maybe\ntags: one\n";
        let doc = YamlDoc::parse(text, Path::new("a.md"), 0).unwrap();
        let mut diags = vec![];
        let map = doc.root_mapping(&mut diags).unwrap();
        let mut f = doc.fields(map, &[], &["title", "year", "exemplary", "tags"]);
        assert_eq!(f.string("title").as_deref(), Some("2024"));
        assert_eq!(f.integer("year"), None);
        assert_eq!(f.boolean("exemplary"), None);
        assert_eq!(f.string_list("tags"), Some(vec!["one".to_string()]));
        let d = f.finish();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].line, 2);
        assert_eq!(d[1].line, 3);
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(parse_vietnamese_number("30.638"), Some(30638.0));
        assert_eq!(parse_vietnamese_number("2,5"), Some(2.5));
        assert_eq!(parse_vietnamese_number("1 200"), Some(1200.0));
        assert_eq!(parse_vietnamese_number("abc"), None);
    }
}

//! Hostile input, part 1: property tests (proptest) over front matter, YAML model lists,
//! Markdown, slugs and folding, and the search tokenizer and index. No case may panic, every
//! problem must sit at a real line and column of its file, sanitised HTML must carry nothing
//! that runs script, and YAML positions must match the original (slower) algorithm.
//!
//! Cases per property: `DVK_PROPTEST_CASES` (default 256 for `cargo test`; the recorded run
//! in RELIABILITY.md used 100,000: `DVK_PROPTEST_CASES=100000 cargo test --release --test
//! reliability_hostile -- --nocapture`). A failure prints the smallest input found.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use dvk::content::markdown;
use dvk::diag::Diagnostic;
use dvk::yaml::{Seg, YamlDoc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reliability_support::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

fn cases() -> u32 {
    std::env::var("DVK_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..Config::default()
    })
}

/// Runs a property and turns a failure into a panic with proptest's minimal case.
fn check<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let started = std::time::Instant::now();
    if let Err(e) = runner().run(&strategy, test) {
        panic!("{name}: {e}");
    }
    println!(
        "{name}: {} cases, no failure, {:.1} s",
        cases(),
        started.elapsed().as_secs_f64()
    );
}

#[path = "reliability_hostile/generators.rs"]
mod generators;
use generators::*;

// ---------------------------------------------------------------------------------------
// Checks

/// A problem's position must be a real place in the file: line 1..=lines, column
/// 1..=length of that line + 1 (a column may point just past the end of a line).
/// Whole-file problems (cannot read, too big) use 0:0.
fn check_position(d: &Diagnostic, bytes: &[u8]) -> Result<(), TestCaseError> {
    // Lines as editors show them: `\r\n`, `\n` and a lone `\r` (old Mac files) each end one.
    let mut normalised = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => i += 1,
            (b'\r', _) => {
                normalised.push(b'\n');
                i += 1;
            }
            (b, _) => {
                normalised.push(b);
                i += 1;
            }
        }
    }
    let lines: Vec<&[u8]> = normalised.split(|&b| b == b'\n').collect();
    if d.line == 0 {
        prop_assert_eq!(d.column, 0, "line 0 with a column: {}", d);
        return Ok(());
    }
    prop_assert!(
        d.line <= lines.len(),
        "line {} past the end ({} lines): {}",
        d.line,
        lines.len(),
        d
    );
    let len = lines[d.line - 1].len();
    prop_assert!(
        d.column >= 1 && d.column <= len + 1,
        "column {} outside line {} ({} bytes): {}",
        d.column,
        d.line,
        len,
        d
    );
    Ok(())
}

/// Nothing in sanitised HTML may run script: no script-capable elements, no event handler
/// attributes, no javascript:/vbscript:/data: URLs, no inline styles. Parses the serialised
/// HTML tag by tag (attribute values may hold `<` and `>`).
fn check_safe_html(html: &str) -> Result<(), TestCaseError> {
    const BAD_TAGS: &[&str] = &[
        "script", "iframe", "object", "embed", "style", "svg", "math", "form", "input", "button",
        "base", "meta", "link", "frame", "frameset", "template", "noscript", "textarea", "select",
        "applet", "portal",
    ];
    const URL_ATTRS: &[&str] = &[
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "background",
        "poster",
        "cite",
        "srcset",
        "data",
        "longdesc",
    ];
    let s = html.as_bytes();
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if s.get(i) == Some(&b'/') {
            i += 1;
        }
        let name_start = i;
        while i < s.len() && s[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        prop_assert!(
            !name.is_empty(),
            "a bare '<' in sanitised HTML: {}",
            tail(&html[..i.min(html.len())], 300)
        );
        prop_assert!(
            !BAD_TAGS.contains(&name.as_str()),
            "element <{}> in sanitised HTML: {}",
            name,
            tail(html, 400)
        );
        loop {
            while i < s.len() && s[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= s.len() {
                break;
            }
            if s[i] == b'>' {
                i += 1;
                break;
            }
            if s[i] == b'/' {
                i += 1;
                continue;
            }
            let attr_start = i;
            while i < s.len() && !s[i].is_ascii_whitespace() && !matches!(s[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            let mut value = "";
            if s.get(i) == Some(&b'=') {
                i += 1;
                match s.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        i += 1;
                        let v = i;
                        while i < s.len() && s[i] != q {
                            i += 1;
                        }
                        value = &html[v..i];
                        i += 1;
                    }
                    _ => {
                        let v = i;
                        while i < s.len() && !s[i].is_ascii_whitespace() && s[i] != b'>' {
                            i += 1;
                        }
                        value = &html[v..i];
                    }
                }
            }
            prop_assert!(
                !attr.starts_with("on"),
                "event handler {}={:?} in: {}",
                attr,
                value,
                tail(html, 400)
            );
            prop_assert!(
                !["style", "srcdoc", "formaction"].contains(&attr.as_str()),
                "attribute {} in: {}",
                attr,
                tail(html, 400)
            );
            if URL_ATTRS.contains(&attr.as_str()) {
                let url: String = value
                    .replace("&amp;", "&")
                    .replace("&quot;", "\"")
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    prop_assert!(
                        !url.starts_with(scheme),
                        "{} URL in {}={:?}: {}",
                        scheme,
                        attr,
                        value,
                        tail(html, 400)
                    );
                }
            }
        }
    }
    Ok(())
}

/// What the file-based properties saw, to prove they tested something.
#[derive(Default, Debug)]
struct Seen {
    files: usize,
    errors: usize,
    warnings: usize,
    positions_checked: usize,
    models_loaded: usize,
    pages_rendered: usize,
    kinds: BTreeMap<String, usize>,
    /// Problems about a whole file (line 0), by kind.
    whole_file: BTreeMap<String, usize>,
}

impl Seen {
    fn summary(&self) -> String {
        format!(
            "{} files: {} models loaded, {} pages rendered; {} errors and {} warnings of {} kinds, every one at a real position ({} checked; {} about the whole file: {:?})",
            self.files,
            self.models_loaded,
            self.pages_rendered,
            self.errors,
            self.warnings,
            self.kinds.len(),
            self.positions_checked,
            self.whole_file.values().sum::<usize>(),
            self.whole_file
        )
    }

    fn note(&mut self, d: &Diagnostic) {
        if d.is_error() {
            self.errors += 1;
        } else {
            self.warnings += 1;
        }
        let kind: String = d.message.chars().take(24).collect();
        if d.line == 0 {
            *self.whole_file.entry(kind.clone()).or_default() += 1;
        }
        *self.kinds.entry(kind).or_default() += 1;
    }
}

/// A site folder with one photo, for the file-based properties. The theme is loaded once.
struct Fixture {
    dir: tempfile::TempDir,
    theme: dvk::render::Theme,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = empty_site();
        // A real photo, so that `src: anh.jpg` resolves and gets processed.
        let photo = walkdir::WalkDir::new(repo().join("content"))
            .into_iter()
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "jpg"))
            .map(|e| e.path().to_path_buf());
        if let Some(p) = photo {
            fs::copy(p, dir.path().join("content/models/anh.jpg")).unwrap();
        }
        let theme = dvk::render::Theme::load(dir.path(), "default", "vi")
            .unwrap_or_else(|d| panic!("theme: {d:?}"));
        Fixture { dir, theme }
    }

    /// Writes `bytes` at `rel`, loads the whole site, renders it into nothing, and checks
    /// every problem reported for that file.
    fn run(&self, rel: &str, bytes: &[u8], seen: &RefCell<Seen>) -> Result<(), TestCaseError> {
        self.run_inner(rel, bytes, seen).map_err(|e| {
            TestCaseError::fail(format!(
                "{e}\n--- file ---\n{}\n---",
                String::from_utf8_lossy(bytes)
            ))
        })
    }

    fn run_inner(
        &self,
        rel: &str,
        bytes: &[u8],
        seen: &RefCell<Seen>,
    ) -> Result<(), TestCaseError> {
        let root = self.dir.path();
        fs::write(root.join(rel), bytes).unwrap();
        let (site, mut diags) = dvk::load_site(root, true, None);
        let models = site.models.len();
        let (report, more) =
            dvk::render::render_site(root, &site, &self.theme, &dvk::render::NullSink);
        diags.extend(more);
        let mut seen = seen.borrow_mut();
        seen.files += 1;
        seen.models_loaded += models;
        seen.pages_rendered += report.pages;
        for d in &diags {
            if d.path == Path::new(rel) {
                seen.note(d);
                check_position(d, bytes)?;
                seen.positions_checked += 1;
            } else {
                prop_assert!(
                    !d.is_error()
                        || d.path.starts_with("themes") && d.message.contains("missing string"),
                    "an error about another file: {}",
                    d
                );
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Properties

#[test]
fn property_front_matter_files_never_panic_and_every_problem_has_a_real_position() {
    let fx = Fixture::new();
    let seen = RefCell::new(Seen::default());
    check(
        "front matter (Markdown model files)",
        model_file(),
        |bytes| fx.run("content/models/x.md", &bytes, &seen),
    );
    let seen = seen.into_inner();
    println!("  {}", seen.summary());
    assert!(
        seen.errors > 0 && seen.models_loaded > 0 && seen.positions_checked > 0,
        "{seen:?}"
    );
}

#[test]
fn property_yaml_model_lists_never_panic_and_every_problem_has_a_real_position() {
    let fx = Fixture::new();
    let seen = RefCell::new(Seen::default());
    check("YAML model lists", model_list_file(), |bytes| {
        fx.run("content/models/x.yaml", &bytes, &seen)
    });
    let seen = seen.into_inner();
    println!("  {}", seen.summary());
    assert!(
        seen.errors > 0 && seen.models_loaded > 0 && seen.positions_checked > 0,
        "{seen:?}"
    );
}

#[test]
fn property_markdown_never_panics_positions_are_real_and_html_is_safe() {
    let dir = empty_site();
    write(&dir.path().join("content/models/b.md"), "x");
    let links: HashMap<PathBuf, String> = [(
        PathBuf::from("content/models/b.md"),
        "/mo-hinh/b/".to_string(),
    )]
    .into();
    let counts = RefCell::new((0usize, 0usize));
    let strategy = (
        prop_oneof![4 => soup(60), 1 => nesting(), 1 => any::<String>()],
        0usize..5,
    );
    check("Markdown bodies", strategy, |(md, offset)| {
        // As `read_text` hands bodies on: a lone CR (old Mac line ends) is already a `\n`.
        let md = dvk::content::normalize_line_breaks(md);
        let mut diags = Vec::new();
        let body = dvk::content::Body {
            markdown: md.clone(),
            line_offset: offset,
            ..Default::default()
        };
        let r = markdown::render(
            dir.path(),
            Path::new("content/models/a.md"),
            &body,
            &links,
            &mut diags,
        );
        check_safe_html(&r.html)?;
        let file = format!("{}{}", "x\n".repeat(offset), md);
        for d in &diags {
            check_position(d, file.as_bytes())?;
            prop_assert!(
                d.line > offset,
                "a body problem placed before the body: {}",
                d
            );
        }
        let mut c = counts.borrow_mut();
        c.0 += diags.len();
        c.1 += usize::from(!r.html.is_empty());
        Ok(())
    });
    let (problems, rendered) = counts.into_inner();
    println!("  {problems} problems checked, {rendered} bodies rendered");
    assert!(problems > 0 && rendered > 0);
}

#[test]
fn property_slugs_and_folding() {
    use unicode_normalization::UnicodeNormalization;
    let strategy = prop_oneof![2 => soup(12), 1 => any::<String>(), 1 => "[a-zA-ZàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐ' -]{0,30}"];
    check("slugs, folding, collation", strategy, |s| {
        let slug = vntext::slugify(&s);
        prop_assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "slug {:?}",
            slug
        );
        prop_assert!(
            !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
            "slug {:?}",
            slug
        );
        prop_assert_eq!(
            vntext::slugify(&slug),
            slug.clone(),
            "slugify is not idempotent"
        );
        let folded = vntext::fold(&s);
        prop_assert!(
            !folded.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c)),
            "a combining mark survived folding: {:?}",
            folded
        );
        let nfd: String = s.nfd().collect();
        let nfc: String = s.nfc().collect();
        prop_assert_eq!(
            vntext::fold(&nfd),
            vntext::fold(&nfc),
            "NFC and NFD fold differently"
        );
        prop_assert_eq!(
            vntext::slugify(&nfd),
            vntext::slugify(&nfc),
            "NFC and NFD slug differently"
        );
        let renormalised = vntext::nfc(&nfd).into_owned();
        prop_assert_eq!(renormalised, nfc.clone());
        let _ = vntext::collation_key(&s);
        let mut v = vec![s.clone(), nfd, folded, slug];
        vntext::sort_vietnamese(&mut v, |x| x.as_str());
        Ok(())
    });
}

#[test]
fn property_search_tokenizer_and_index() {
    use dvk_search::text::{is_term_char, terms_of, tokens, MAX_TERM_BYTES};
    let strategy = prop_oneof![3 => soup(20), 1 => any::<String>()];
    check("search tokenizer", strategy, |s| {
        let folded = vntext::fold(&s);
        for t in tokens(&folded) {
            prop_assert!(
                !t.text.is_empty() && t.text.len() <= MAX_TERM_BYTES,
                "token {:?}",
                t.text
            );
            prop_assert!(
                t.text.chars().all(is_term_char),
                "token {:?} holds a non-term character",
                t.text
            );
        }
        let _ = terms_of(&s);
        let _ = dvk_search::query::parse(&s);
        Ok(())
    });
    let found = RefCell::new((0usize, 0usize));
    let doc = (soup(6), soup(6), soup(20), prop::option::of(1990i32..2030))
        .prop_map(|(title, place, body, year)| (title, place, body, year));
    let strategy = (prop::collection::vec(doc, 1..5), soup(6));
    check("search index and queries", strategy, |(docs, query)| {
        let docs: Vec<dvk_search::SearchDoc> = docs
            .into_iter()
            .enumerate()
            .map(|(i, (title, place, body, year))| dvk_search::SearchDoc {
                url: format!("mo-hinh/m{i}/"),
                title,
                place: place.clone(),
                province: Some(place),
                year,
                body,
                ..Default::default()
            })
            .collect();
        let files = dvk_search::build_index(&docs);
        let index = dvk_search::query::Index::from_files(&files);
        prop_assert!(index.is_some(), "the index written cannot be read back");
        let index = index.unwrap();
        prop_assert_eq!(index.len(), docs.len());
        for hit in index.search(&query) {
            prop_assert!((hit as usize) < docs.len());
        }
        // Every doc is found by a word of its title.
        for d in &docs {
            let word = tokens(&vntext::fold(&d.title))
                .map(|t| t.text.into_owned())
                .find(|w| !dvk_search::query::OPTIONAL_WORDS.contains(&w.as_str()));
            if let Some(w) = word {
                let urls = index.search_urls(&format!("{w} "));
                prop_assert!(
                    urls.contains(&d.url),
                    "{:?} not found by {:?} (got {:?})",
                    d.title,
                    w,
                    urls
                );
                found.borrow_mut().0 += 1;
            }
        }
        found.borrow_mut().1 += 1;
        Ok(())
    });
    let (words, sets) = found.into_inner();
    println!("  {words} title words looked up in {sets} indexes");
    assert!(words > 0);
}

// ---------------------------------------------------------------------------------------
// YAML positions: the indexed lookup must agree with the original line-by-line search.

/// The original `YamlDoc::locate` (before it indexed regions), kept as the reference.
fn locate_reference(text: &str, line_offset: usize, at: &[Seg]) -> (usize, usize) {
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
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0usize;
    let mut end = lines.len();
    let mut found = (line_offset + 1, 1);
    let mut first_line_indent: Option<usize> = None;
    for seg in at {
        let region_indent = (start..end)
            .filter_map(|i| content_indent(lines[i], i == start, first_line_indent))
            .min();
        let Some(indent) = region_indent else { break };
        let mut hit = None;
        for i in start..end {
            let Some(ind) = content_indent(lines[i], i == start, first_line_indent) else {
                continue;
            };
            if ind != indent {
                continue;
            }
            let rest = &lines[i][ind.min(lines[i].len())..];
            match seg {
                Seg::Key(k) => {
                    let rest = rest.trim_start_matches("- ").trim_start();
                    if rest.starts_with(&format!("{k}:"))
                        || rest.starts_with(&format!("\"{k}\":"))
                        || rest.starts_with(&format!("'{k}':"))
                    {
                        hit = Some((i, ind, None));
                        break;
                    }
                }
                Seg::Index(n) => {
                    if rest.starts_with('-') {
                        let count = (start..i)
                            .filter(|&j| {
                                content_indent(lines[j], j == start, first_line_indent)
                                    == Some(indent)
                                    && lines[j][indent.min(lines[j].len())..].starts_with('-')
                            })
                            .count();
                        if count == *n {
                            let item = rest.strip_prefix('-').unwrap_or(rest);
                            let after = item.len() - item.trim_start().len();
                            hit = Some((i, ind, Some(ind + 1 + after)));
                            break;
                        }
                    }
                }
            }
        }
        let Some((line, ind, item_indent)) = hit else {
            break;
        };
        found = (line_offset + line + 1, ind + 1);
        let mut next_end = end;
        for (j, l) in lines.iter().enumerate().take(end).skip(line + 1) {
            if let Some(k) = content_indent(l, false, None) {
                let is_sibling_item = item_indent.is_some() && k == ind && l[k..].starts_with('-');
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
            start = line + 1;
            first_line_indent = None;
        } else {
            found = (line_offset + line + 1, item_indent.unwrap_or(ind) + 1);
        }
    }
    found
}

const TREE_KEYS: &[&str] = &[
    "title", "results", "photos", "value", "label", "a:b", "\"q\"", "x y", "src", "tags", "đất",
    "t",
];

/// Block-style YAML text: nested keys and lists, comments, blank lines, quoted keys.
fn yaml_tree(depth: u32) -> BoxedStrategy<Vec<String>> {
    let leaf = prop_oneof![
        soup(3).prop_map(|s| serde_json::to_string(&s).unwrap()),
        "[a-z0-9 ]{0,6}"
    ];
    let line_key = prop::sample::select(TREE_KEYS).prop_map(|k| {
        if k.contains(':') || k.contains(' ') {
            format!("'{k}'")
        } else {
            k.to_string()
        }
    });
    if depth == 0 {
        return prop::collection::vec((line_key, leaf), 1..5)
            .prop_map(|v| v.into_iter().map(|(k, l)| format!("{k}: {l}")).collect())
            .boxed();
    }
    let child = yaml_tree(depth - 1);
    let entry = prop_oneof![
        (line_key.clone(), leaf.clone()).prop_map(|(k, l)| vec![format!("{k}: {l}")]),
        (line_key.clone(), child.clone()).prop_map(|(k, c)| {
            let mut v = vec![format!("{k}:")];
            v.extend(c.into_iter().map(|l| format!("  {l}")));
            v
        }),
        (line_key, prop::collection::vec(child, 1..4)).prop_map(|(k, items)| {
            let mut v = vec![format!("{k}:")];
            for item in items {
                for (i, l) in item.into_iter().enumerate() {
                    v.push(if i == 0 {
                        format!("  - {l}")
                    } else {
                        format!("    {l}")
                    });
                }
            }
            v
        }),
        Just(vec!["# comment".to_string()]),
        Just(vec![String::new()]),
    ];
    prop::collection::vec(entry, 1..6)
        .prop_map(|v| v.concat())
        .boxed()
}

fn yaml_path() -> impl Strategy<Value = Vec<Seg>> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(TREE_KEYS).prop_map(|k| Seg::Key(k.trim_matches('"').to_string())),
            (0usize..4).prop_map(Seg::Index),
        ],
        0..5,
    )
}

#[test]
fn property_yaml_positions_match_the_original_algorithm() {
    let compared = RefCell::new((0usize, 0usize));
    let strategy = (
        yaml_tree(3),
        prop::collection::vec(yaml_path(), 1..8),
        0usize..3,
        prop::bool::ANY,
    );
    check(
        "YAML positions (indexed vs original)",
        strategy,
        |(lines, paths, offset, top_list)| {
            let text = if top_list {
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        if i == 0 {
                            format!("- {l}")
                        } else {
                            format!("  {l}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                lines.join("\n")
            };
            let Ok(doc) = YamlDoc::parse(&text, Path::new("x.yaml"), offset) else {
                compared.borrow_mut().1 += 1;
                return Ok(());
            };
            for p in &paths {
                let mut p = p.clone();
                if top_list {
                    p.insert(0, Seg::Index(0));
                }
                prop_assert_eq!(
                    doc.locate(&p),
                    locate_reference(&text, offset, &p),
                    "path {:?} in\n{}",
                    p,
                    text
                );
                compared.borrow_mut().0 += 1;
            }
            Ok(())
        },
    );
    let (n, invalid) = compared.into_inner();
    println!("  {n} paths compared ({invalid} generated texts were not valid YAML)");
    assert!(n > 0);
}

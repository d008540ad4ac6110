//! Reading one content file: text decoding, front matter keys and their checks.

use super::{
    frontmatter, Article, Body, Model, Origin, Page, PhotoRef, ResultItem, MAX_FILE_BYTES,
};
use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::yaml::{child, Fields, Seg, YamlDoc};
use serde_yaml::{Mapping, Value};
use std::path::{Component, Path};

/// Recognition level of a model.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Level {
    /// Commune (xã).
    Xa,
    /// District (huyện).
    Huyen,
    /// Province (tỉnh).
    Tinh,
    /// Central (trung ương).
    TrungUong,
}

/// The codes editors write, in order.
pub const LEVEL_CODES: [&str; 4] = ["xa", "huyen", "tinh", "trung-uong"];

impl Level {
    /// All levels, lowest first.
    pub const ALL: [Level; 4] = [Level::Xa, Level::Huyen, Level::Tinh, Level::TrungUong];

    /// The code used in front matter and i18n keys (`level.<code>`).
    pub fn code(self) -> &'static str {
        LEVEL_CODES[self as usize]
    }

    /// Parses `tinh`, `Tỉnh`, `cấp tỉnh`, `trung ương` …
    pub fn parse(value: &str) -> Option<Level> {
        let slug = vntext::slugify(value);
        let slug = slug.strip_prefix("cap-").unwrap_or(&slug);
        let slug = match slug {
            "huyen" | "quan" | "thi-xa" | "thanh-pho" => "huyen",
            "xa" | "phuong" | "thi-tran" => "xa",
            "tw" | "trunguong" => "trung-uong",
            s => s,
        };
        LEVEL_CODES
            .iter()
            .position(|c| *c == slug)
            .map(|i| Level::ALL[i])
    }
}

use crate::schema::{PHOTO as PHOTO_KEYS, RESULT as RESULT_KEYS};

/// True when byte `i` of `bytes` ends a line as editors and the YAML parser see it: a `\n`,
/// or a `\r` not followed by `\n` (old Mac line ends).
fn ends_line(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// `text` with every lone `\r` made a `\n` (and then every `\r\n` too), so that dvk counts
/// lines as the YAML parser and editors do; text without a lone `\r` is returned as it is.
pub fn normalize_line_breaks(text: String) -> String {
    let b = text.as_bytes();
    // `contains` on bytes is a memchr: most files have no carriage return at all.
    if b.contains(&b'\r') && (0..b.len()).any(|i| b[i] == b'\r' && ends_line(b, i)) {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Reads a file as UTF-8 text without a BOM, NFC-normalised.
pub fn read_text(root: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    Some(normalize_text(read_utf8(root, rel, diags)?))
}

/// `text` as dvk reads it: without a BOM, one kind of line break, NFC.
pub fn normalize_text(mut s: String) -> String {
    if s.starts_with('\u{feff}') {
        s.drain(..'\u{feff}'.len_utf8());
    }
    let s = normalize_line_breaks(s);
    match vntext::nfc(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(normalized) => normalized,
    }
}

/// The last `len` bytes of a file, when they are UTF-8: a Markdown file's body, which runs
/// to the end of the file. One open, seek and read; `None` when the file is shorter, cannot be
/// read or does not end in UTF-8 text (the caller then reads the whole file).
pub fn read_tail(root: &Path, rel: &Path, len: usize) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(root.join(rel)).ok()?;
    file.seek(SeekFrom::End(-i64::try_from(len).ok()?)).ok()?;
    let mut bytes = vec![0; len];
    file.read_exact(&mut bytes).ok()?;
    utf8_string(bytes).ok()
}

/// `bytes` as a `String`. simdutf8 checks Vietnamese text (mostly multi-byte) several times
/// faster than the standard library; the standard check runs only to locate an error.
fn utf8_string(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    match simdutf8::basic::from_utf8(&bytes) {
        // SAFETY: simdutf8 has just validated these exact bytes as UTF-8.
        Ok(_) => Ok(unsafe { String::from_utf8_unchecked(bytes) }),
        Err(_) => String::from_utf8(bytes),
    }
}

/// The problem of a file that exists but cannot be read: an I/O error of the machine
/// (permissions, a lock, a failing disk; exit 2). A file gone since the folder was listed
/// (deleted meanwhile) is an ordinary error of the content.
pub fn unreadable(rel: &Path, e: &std::io::Error) -> Diagnostic {
    if e.kind() == std::io::ErrorKind::NotFound {
        Diagnostic::error(rel, 0, 0, crate::msg!("read.cannot_read", error = e))
    } else {
        Diagnostic::io_error(rel, crate::msg!("read.unreadable", error = e))
    }
}

/// Reads a file as UTF-8 text, as it is on disk.
pub fn read_utf8(root: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let full = root.join(rel);
    let cannot_read = |diags: &mut Vec<Diagnostic>, e: std::io::Error| -> Option<String> {
        diags.push(unreadable(rel, &e));
        None
    };
    // One open, its size from the open file (no second lookup of the path), then the bytes.
    let mut file = match std::fs::File::open(&full) {
        Ok(f) => f,
        Err(e) => return cannot_read(diags, e),
    };
    let len = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return cannot_read(diags, e),
    };
    let too_big = |diags: &mut Vec<Diagnostic>, len: u64| -> Option<String> {
        diags.push(Diagnostic::error(
            rel,
            0,
            0,
            crate::msg!(
                "read.too_big",
                size = len.div_ceil(1024 * 1024),
                limit = MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
        None
    };
    if len > MAX_FILE_BYTES {
        return too_big(diags, len);
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    // `take` bounds a file that grows while it is read.
    if let Err(e) = std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, MAX_FILE_BYTES + 1),
        &mut bytes,
    ) {
        return cannot_read(diags, e);
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return too_big(diags, bytes.len() as u64);
    }
    match utf8_string(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let is_break = |i: usize| ends_line(e.as_bytes(), i);
            let line = (0..good.len()).filter(|&i| is_break(i)).count() + 1;
            let column = good.len()
                - (0..good.len())
                    .rev()
                    .find(|&i| is_break(i))
                    .map(|i| i + 1)
                    .unwrap_or(0)
                + 1;
            diags.push(Diagnostic::error(
                rel,
                line,
                column,
                crate::msg!("read.not_utf8"),
            ));
            None
        }
    }
}

/// One model write-up in Markdown. On a front matter error, returns the body (when the
/// file could be split) so its links can still be checked.
pub fn model_file(
    root: &Path,
    rel: &Path,
    text: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<Model, Option<Body>> {
    let split = frontmatter::split(text, rel)
        .map_err(|d| diags.push(d))
        .map_err(|_| None)?;
    diags.extend(super::mistakes::placeholders(
        rel,
        text,
        split.body_line_offset + 1,
    ));
    let body = || Body {
        markdown: split.body.to_string(),
        line_offset: split.body_line_offset,
        ..Body::default()
    };
    let Ok(doc) =
        YamlDoc::parse(split.yaml, rel, split.yaml_line_offset).map_err(|d| diags.push(d))
    else {
        return Err(Some(body()));
    };
    let Some(map) = doc.root_mapping(diags) else {
        return Err(Some(body()));
    };
    read_model(root, &doc, map, &[], Some(body()), config, diags).ok_or_else(|| Some(body()))
}

/// A YAML file holding a list of models.
pub fn model_list(
    root: &Path,
    rel: &Path,
    text: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Model> {
    diags.extend(super::mistakes::placeholders(rel, text, usize::MAX));
    let Ok(doc) = YamlDoc::parse(text, rel, 0).map_err(|d| diags.push(d)) else {
        return Vec::new();
    };
    let items: &[Value] = match &doc.root {
        Value::Sequence(items) => items,
        Value::Null => &[],
        Value::Mapping(_) => std::slice::from_ref(&doc.root),
        _ => {
            diags.push(doc.error_at(&[], crate::msg!("read.models_not_list")));
            return Vec::new();
        }
    };
    let single = matches!(doc.root, Value::Mapping(_));
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let at = if single { Vec::new() } else { child(&[], i) };
            let map = doc.expect_mapping(item, &at, diags)?;
            read_model(root, &doc, map, &at, None, config, diags)
        })
        .collect()
}

fn read_model(
    root: &Path,
    doc: &YamlDoc,
    map: &Mapping,
    at: &[Seg],
    body: Option<Body>,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Option<Model> {
    let rel = doc.path();
    let in_list = body.is_none();
    let mut f = doc.fields(map, at, crate::schema::model_names(in_list));
    let title = unquote_title(&mut f);
    let year = match f.integer("year") {
        Some(y) if (1945..=2100).contains(&y) => Some(y as i32),
        Some(y) => {
            f.error("year", crate::msg!("read.bad_year", year = y));
            None
        }
        None if !f.has("year") => {
            f.required_string("year");
            None
        }
        None => None,
    };
    let province = f.required_string("province");
    let district = f.string("district").filter(|s| !s.is_empty());
    let commune = f.string("commune").filter(|s| !s.is_empty());
    let field = match f.required_string("field") {
        Some(v) => match config.match_field(&v) {
            Some(i) => Some(i),
            None => {
                f.error("field", config.unknown_field_message(&v));
                None
            }
        },
        None => None,
    };
    let host = f.required_string("host");
    let level = f
        .string("level")
        .and_then(|v| match super::Level::parse(&v) {
            Some(l) => Some(l),
            None => {
                f.error("level", crate::msg!("read.unknown_level", value = v));
                None
            }
        });
    let exemplary = f.boolean("exemplary").unwrap_or(false);
    let date = read_date(&mut f, "date");
    let summary = f.string("summary").filter(|s| !s.is_empty());
    let results = read_results(doc, &mut f, diags);
    let photos = read_photos(root, doc, &mut f, diags);
    let tags = super::mistakes::split_tags(f.string_list("tags").unwrap_or_default());
    let replicated_from = f.string("replicated_from").filter(|s| !s.is_empty());
    let slug = read_slug(&mut f);
    let draft = f.boolean("draft").unwrap_or(false);
    let body = match body {
        Some(b) => b,
        None => {
            let raw = match map.get("body") {
                Some(Value::String(s)) => s.as_str(),
                _ => "",
            };
            list_body(
                doc,
                &key_path(at, "body"),
                raw,
                f.string("body").unwrap_or_default(),
            )
        }
    };
    // A district after the 2025 reform is an error of the place check (src/places), which
    // names today's unit.
    let line = doc.locate(at).0;
    diags.extend(f.finish());
    let lead = match summary {
        Some(_) => String::new(),
        None => crate::site::shorten(&super::markdown::first_paragraph(&body.markdown), 240),
    };
    Some(Model {
        origin: Origin {
            path: rel.to_path_buf(),
            line,
        },
        title: title?,
        year: year?,
        province: province?,
        district,
        commune,
        field: field?,
        host: host?,
        level,
        exemplary,
        date,
        summary,
        lead,
        results,
        photos,
        tags,
        replicated_from,
        slug,
        draft,
        body,
    })
}

/// Where the `body` of a model in a YAML list sits in the file, so that problems in its
/// Markdown are reported at real positions: a literal block (`body: |`) starts on the next
/// line, at the block's indentation (less the blank lines trimmed from its start); any other
/// scalar (and a block whose lines YAML splits differently from the file) is reported at the
/// key.
fn list_body(doc: &YamlDoc, at: &[Seg], raw: &str, markdown: String) -> Body {
    let (line, column) = doc.locate(at);
    let after_key = doc
        .line(line)
        .and_then(|l| l.get(column.saturating_sub(1)..))
        .filter(|rest| rest.trim_start_matches(['"', '\'']).starts_with("body"))
        .and_then(|rest| rest.split_once(':'))
        .map(|(_, value)| value.trim_start());
    // YAML also breaks lines at NEL, LS and PS (and a folded `>` block joins lines): only a
    // literal block of plain lines maps line for line onto the file.
    // Only the block's own lines (more indented than the key, or blank) are looked at: the
    // whole rest of the file for every item made a long list quadratic.
    let key_indent = column.saturating_sub(1);
    let odd_breaks = after_key.is_some()
        && (line..)
            .map_while(|n| doc.line(n))
            .enumerate()
            .take_while(|(i, l)| {
                *i == 0 || l.trim().is_empty() || l.len() - l.trim_start().len() > key_indent
            })
            .any(|(_, l)| l.contains(['\u{85}', '\u{2028}', '\u{2029}', '\r']));
    if after_key.is_some_and(|v| v.starts_with('|')) && !odd_breaks {
        let blank_lines = raw[..raw.len() - raw.trim_start().len()]
            .matches('\n')
            .count();
        let indent = (line + 1..)
            .map_while(|n| doc.line(n))
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .unwrap_or(0);
        Body {
            markdown,
            line_offset: line + blank_lines,
            column_offset: indent,
            inline: false,
            in_file: None,
            hash: 0,
        }
    } else {
        let value_column = match (after_key, doc.line(line)) {
            (Some(v), Some(l)) => l.len() - v.len(),
            _ => column.saturating_sub(1),
        };
        Body {
            markdown,
            line_offset: line.saturating_sub(1),
            column_offset: value_column,
            inline: true,
            in_file: None,
            hash: 0,
        }
    }
}

/// The required `title`, without curly quotes Word put around it (with a warning).
fn unquote_title(f: &mut Fields) -> Option<String> {
    let title = f.required_string("title");
    let title = super::clean::title(title, f)?;
    let (clean, had_quotes) = super::mistakes::strip_curly_quotes(&title);
    if had_quotes {
        f.warning(
            "title",
            crate::msg!("read.title_quotes", title = title, clean = clean),
        );
    }
    Some(clean)
}

fn key_path(at: &[Seg], key: &str) -> Vec<Seg> {
    let mut p = at.to_vec();
    p.push(Seg::Key(key.into()));
    p
}

fn read_slug(f: &mut Fields) -> Option<String> {
    let s = f.string("slug")?;
    if s.is_empty() || vntext::slugify(&s) != s {
        f.error(
            "slug",
            crate::msg!("read.bad_slug", slug = s, example = vntext::slugify(&s)),
        );
        return None;
    }
    Some(s)
}

/// A `YYYY-MM-DD` date (a time after it is ignored).
fn read_date(f: &mut Fields, key: &str) -> Option<String> {
    let s = f.string(key)?;
    let day = s.get(..10).unwrap_or(&s);
    let parts: Vec<&str> = day.split('-').collect();
    let valid = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0));
    if valid {
        Some(day.to_string())
    } else {
        f.error(key, crate::msg!("read.bad_date", key = key, value = s));
        None
    }
}

fn read_results(doc: &YamlDoc, f: &mut Fields, diags: &mut Vec<Diagnostic>) -> Vec<ResultItem> {
    let Some((at, items)) = f.list("results") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_at = child(&at, i);
        let Some(m) = doc.expect_mapping(item, &item_at, diags) else {
            continue;
        };
        let mut r = doc.fields(m, &item_at, RESULT_KEYS);
        let label = r.required_string("label");
        let value = if r.has("value") {
            let raw = match m.get("value") {
                Some(Value::Number(n)) if !n.is_i64() && !n.is_u64() => {
                    let line = doc.locate(&key_path(&item_at, "value")).0;
                    doc.line(line)
                        .and_then(|l| super::mistakes::raw_value(l, "value"))
                        .filter(|v| super::mistakes::is_dot_thousands(v))
                }
                _ => None,
            };
            match raw {
                Some(v) => {
                    let whole = v.replace('.', "");
                    r.error(
                        "value",
                        crate::msg!("read.dot_thousands", value = v, whole = whole),
                    );
                    None
                }
                None => r.number("value"),
            }
        } else {
            r.required_string("value");
            None
        };
        let unit = r.string("unit").unwrap_or_default();
        diags.extend(r.finish());
        if let (Some(label), Some(value)) = (label, value) {
            out.push(ResultItem { label, value, unit });
        }
    }
    out
}

fn read_photos(
    root: &Path,
    doc: &YamlDoc,
    f: &mut Fields,
    diags: &mut Vec<Diagnostic>,
) -> Vec<PhotoRef> {
    let Some((at, items)) = f.list("photos") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_at = child(&at, i);
        // A bare string is a photo without caption.
        let (src, caption, credit, diag_at) = if let Value::String(s) = item {
            (
                Some(vntext::nfc(s.trim()).into_owned()),
                None,
                None,
                item_at.clone(),
            )
        } else {
            let Some(m) = doc.expect_mapping(item, &item_at, diags) else {
                continue;
            };
            let mut p = doc.fields(m, &item_at, PHOTO_KEYS);
            let src = p.required_string("src");
            let caption = p.string("caption").filter(|c| !c.is_empty());
            let credit = p.string("credit").filter(|c| !c.is_empty());
            diags.extend(p.finish());
            (src, caption, credit, key_path(&item_at, "src"))
        };
        let Some(src) = src else { continue };
        match resolve_asset(root, doc.path(), &src) {
            Ok(file) => {
                if caption.is_none() {
                    diags.push(
                        doc.warning_at(&item_at, crate::msg!("read.photo_no_caption", src = src)),
                    );
                }
                out.push(PhotoRef {
                    at: doc.locate(&diag_at),
                    src: src.replace('\\', "/"),
                    file,
                    caption: caption.unwrap_or_default(),
                    credit,
                });
            }
            Err(msg) => diags.push(doc.error_at(&diag_at, msg)),
        }
    }
    out
}

/// Resolves a file a document refers to (photo or image) relative to the document's folder.
/// Refuses absolute paths, `..`, URLs and anything whose real location is outside `content/`.
pub fn resolve_asset(root: &Path, doc_rel: &Path, src: &str) -> Result<std::path::PathBuf, String> {
    if src.contains("://") || src.starts_with("data:") || src.starts_with("//") {
        return Err(crate::msg!("read.photo_url", src = src));
    }
    let p = Path::new(src);
    if p.is_absolute() || src.starts_with('/') || src.starts_with('\\') {
        return Err(crate::msg!("read.photo_absolute", src = src));
    }
    if p.components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(crate::msg!("read.photo_up", src = src));
    }
    let dir = doc_rel.parent().unwrap_or(Path::new(""));
    let rel = super::links::on_disk(root, dir.join(p));
    let full = root.join(&rel);
    let content = root
        .join("content")
        .canonicalize()
        .map_err(|e| e.to_string())?;
    match full.canonicalize() {
        Ok(real) if real.starts_with(&content) && real.is_file() => Ok(rel),
        Ok(real) if !real.starts_with(&content) => {
            Err(crate::msg!("read.photo_outside", src = src))
        }
        Ok(_) => Err(crate::msg!("read.photo_not_file", src = src)),
        Err(_) => {
            let mut m = crate::msg!("read.photo_not_found", src = src, file = rel.display());
            if let Some(name) = super::mistakes::differs_by_case(&full) {
                m.push(' ');
                m.push_str(&crate::msg!("read.case_hint", name = name));
            }
            Err(m)
        }
    }
}

/// An article in `content/news/`.
pub fn article_file(
    root: &Path,
    rel: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let split = frontmatter::split(text, rel)
        .map_err(|d| diags.push(d))
        .ok()?;
    diags.extend(super::mistakes::placeholders(
        rel,
        text,
        split.body_line_offset + 1,
    ));
    let doc = YamlDoc::parse(split.yaml, rel, split.yaml_line_offset)
        .map_err(|d| diags.push(d))
        .ok()?;
    let map = doc.root_mapping(diags)?;
    let mut f = doc.fields(map, &[], &crate::schema::names(crate::schema::ARTICLE));
    let title = unquote_title(&mut f);
    let date = if f.has("date") {
        read_date(&mut f, "date")
    } else {
        f.required_string("date")
    };
    let author = f.string("author").filter(|s| !s.is_empty());
    let summary = f.string("summary").filter(|s| !s.is_empty());
    let photos = read_photos(root, &doc, &mut f, diags);
    let models = f.string_list("models").unwrap_or_default();
    let models_at = f.position("models");
    let slug = read_slug(&mut f);
    let draft = f.boolean("draft").unwrap_or(false);
    diags.extend(f.finish());
    Some(Article {
        origin: Origin {
            path: rel.to_path_buf(),
            line: 1,
        },
        title: title?,
        date: date?,
        author,
        summary,
        photos,
        models,
        models_at,
        slug,
        draft,
        body: Body {
            markdown: split.body.to_string(),
            line_offset: split.body_line_offset,
            ..Body::default()
        },
    })
}

/// A plain page in `content/pages/`.
pub fn page_file(
    _root: &Path,
    rel: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let split = frontmatter::split(text, rel)
        .map_err(|d| diags.push(d))
        .ok()?;
    diags.extend(super::mistakes::placeholders(
        rel,
        text,
        split.body_line_offset + 1,
    ));
    let doc = YamlDoc::parse(split.yaml, rel, split.yaml_line_offset)
        .map_err(|d| diags.push(d))
        .ok()?;
    let map = doc.root_mapping(diags)?;
    let mut f = doc.fields(map, &[], &crate::schema::names(crate::schema::PAGE));
    let title = unquote_title(&mut f);
    let summary = f.string("summary").filter(|s| !s.is_empty());
    let slug = read_slug(&mut f);
    let draft = f.boolean("draft").unwrap_or(false);
    diags.extend(f.finish());
    Some(Page {
        origin: Origin {
            path: rel.to_path_buf(),
            line: 1,
        },
        title: title?,
        summary,
        slug,
        draft,
        body: Body {
            markdown: split.body.to_string(),
            line_offset: split.body_line_offset,
            ..Body::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of `n` models as `dvk import` writes them (comments, a body block).
    fn import_list(n: usize) -> String {
        let mut s = String::from("# Nhập bằng dvk import\n");
        for i in 0..n {
            s.push_str(&format!(
                "\n- title: \"Mô hình số {i}\"\n  year: 2024\n  province: \"Bến Tre\"\n  \
                 district: \"Châu Thành\"\n  field: \"Kinh tế\"\n  host: \"Hội Nông dân\"\n  \
                 # Nguồn: Danh sách!A{i}\n  body: |\n    Kết quả năm đầu.\n\n    Năm sau.\n"
            ));
        }
        s
    }

    /// Lines looked at to locate the models of a list of `n` and their bodies.
    fn work_to_load(n: usize) -> u64 {
        let text = import_list(n);
        let config = SiteConfig::default();
        let mut diags = Vec::new();
        let before = crate::yaml::lines_examined();
        let models = model_list(
            Path::new("."),
            Path::new("content/models/2024/ds.yaml"),
            &text,
            &config,
            &mut diags,
        );
        let work = crate::yaml::lines_examined() - before;
        assert_eq!(models.len(), n, "{diags:?}");
        assert!(diags.is_empty(), "{diags:?}");
        // The last model is found at its line, its body at the block's.
        let last = models.last().unwrap();
        assert_eq!(last.origin.line, text.lines().count() - 10);
        assert_eq!(last.body.line_offset, text.lines().count() - 3);
        work
    }

    #[test]
    fn locating_the_models_of_a_long_list_costs_linear_work() {
        let small = work_to_load(2_000);
        let large = work_to_load(20_000);
        // Ten times the models: ten times the lines (and a little more), never a hundred.
        assert!(
            large <= small * 11,
            "2,000 models: {small} lines looked at; 20,000: {large}"
        );
        assert!(large >= small * 9, "{small} {large}");
    }

    #[test]
    fn levels_parse_loosely() {
        assert_eq!(Level::parse("tinh"), Some(Level::Tinh));
        assert_eq!(Level::parse("Cấp tỉnh"), Some(Level::Tinh));
        assert_eq!(Level::parse("Trung ương"), Some(Level::TrungUong));
        assert_eq!(Level::parse("huyện"), Some(Level::Huyen));
        assert_eq!(Level::parse("quốc gia"), None);
    }

    #[test]
    fn a_tail_is_read_whole_and_only_as_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("a.md");
        std::fs::write(dir.path().join(rel), "---\ntitle: A\n---\nNhà văn hóa\n").unwrap();
        let body = "Nhà văn hóa\n";
        assert_eq!(
            read_tail(dir.path(), rel, body.len()).as_deref(),
            Some(body)
        );
        assert_eq!(read_tail(dir.path(), rel, 0).as_deref(), Some(""));
        // Longer than the file; starting inside the two bytes of `à`; no such file.
        assert_eq!(read_tail(dir.path(), rel, 1000), None);
        assert_eq!(read_tail(dir.path(), rel, body.len() - 3), None);
        assert_eq!(read_tail(dir.path(), Path::new("b.md"), 1), None);
    }
}

//! Markdown to safe HTML: CommonMark plus tables, footnotes and strikethrough; heading
//! anchors; links between content files rewritten to page URLs; raw HTML sanitised with an
//! allow-list (ammonia); fenced code highlighted by syntect, loaded only when a block has a
//! language. Also returns the body's plain text (for search) and its first paragraph.

use super::links::{self, FileKind};
use super::read::resolve_asset;
use super::Body;
use crate::diag::Diagnostic;
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// What rendering a body produced.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// Sanitised HTML.
    pub html: String,
    /// Plain text of the body, paragraphs separated by newlines.
    pub text: String,
    /// Plain text of the first paragraph.
    pub lead: String,
    /// Files the body links or shows (relative src as written, file relative to the site).
    pub assets: Vec<(String, PathBuf)>,
    /// True when a code block was highlighted (the page needs the code stylesheet).
    pub has_code: bool,
    /// True when the body links to or shows something: its HTML then depends on more than
    /// its Markdown (other pages' addresses, files on disk).
    pub looked_up: bool,
}

/// Deepest nesting of blocks, inline spans and HTML elements accepted in a body. The HTML
/// sanitiser's work per element grows with the depth, so a body of 100,000 `>` or `<div>`
/// would take minutes; real write-ups nest a few levels.
pub const MAX_NESTING: usize = 128;

/// Elements (paragraphs, cells, list items, emphasis, links, HTML tags …) accepted in one
/// body. Memory grows with them (some 700 bytes each while rendering: parser events, the
/// sanitiser's DOM); real write-ups have a few thousand, a 1 MiB body of prose a few
/// thousand more. A body of nothing but markup (`*a* *a* …`, a table of one-letter cells,
/// quotes nested 120 deep on every line) reaches it long before the size limit.
pub const MAX_ELEMENTS: usize = 200_000;

/// Source bytes of code highlighted per body; later blocks are shown plain. Highlighting
/// wraps every token in classed spans (30 to 40 times the source), so a body of megabytes of
/// code would otherwise make a page of hundreds of megabytes.
pub const MAX_HIGHLIGHTED_BYTES: usize = 256 * 1024;

/// Finds the URL of the page made from a content file (path relative to the site).
pub trait LinkTarget: Sync {
    /// The page URL for a source file, if it is one.
    fn url_of(&self, source: &Path) -> Option<String>;

    /// The URL of the processed full-size copy of a photo a body shows or links to; `None`
    /// when there is no photo pipeline (a check of links only): nothing is published then.
    fn image_url(&self, _file: &Path) -> Option<Result<String, String>> {
        None
    }

    /// Document types the site allows beyond [`links::DOCUMENT_TYPES`] (`site.yaml`'s
    /// `attachments:`).
    fn attachment_types(&self) -> &[String] {
        &[]
    }
}

impl LinkTarget for HashMap<PathBuf, String> {
    fn url_of(&self, source: &Path) -> Option<String> {
        self.get(source).cloned()
    }
}

/// Page URLs and the site's extra attachment types: what checking a body's links needs when
/// no page is made (`dvk serve`'s checks, search documents). Photos are not processed.
pub struct LinkCheck<'a> {
    /// Page URL of each content file.
    pub pages: &'a HashMap<PathBuf, String>,
    /// `site.yaml`'s `attachments:`.
    pub attachments: &'a [String],
}

impl LinkTarget for LinkCheck<'_> {
    fn url_of(&self, source: &Path) -> Option<String> {
        self.pages.get(source).cloned()
    }

    fn attachment_types(&self) -> &[String] {
        self.attachments
    }
}

/// Renders `body` of the document at `doc_path` (relative to `root`).
pub fn render(
    root: &Path,
    doc_path: &Path,
    body: &Body,
    links: &dyn LinkTarget,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let md = body.markdown.as_str();
    let mut out = Rendered::default();
    if md.trim().is_empty() {
        return out;
    }
    // Held until the body is rendered: large bodies take turns (bounded memory).
    let _share = super::render_budget::take(md.len());
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    // Offsets where lines start, made on the first problem only: each position is then a
    // binary search, so a body of 100,000 broken links stays linear.
    let line_starts: std::cell::OnceCell<Vec<usize>> = std::cell::OnceCell::new();
    let last_column = std::cell::Cell::new((usize::MAX, 0usize, 0usize));
    let position = |offset: usize| -> (usize, usize) {
        if body.inline {
            return (body.line_offset + 1, body.column_offset + 1);
        }
        let starts = line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(md.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let offset = char_floor(md, offset);
        let line = starts.partition_point(|&s| s <= offset) - 1;
        // Columns count characters from the line's start, or from the last position asked
        // on the same line: problems come in order, so a long line is counted once.
        let (last_offset, last_col) = match last_column.get() {
            (l, o, c) if l == line && o <= offset => (o, c),
            _ => (starts[line], 0),
        };
        let col = last_col + md[last_offset..offset].chars().count();
        last_column.set((line, offset, col));
        (body.line_offset + line + 1, body.column_offset + col + 1)
    };

    let mut events: Vec<Event> = Vec::new();
    let mut code_blocks: Vec<String> = Vec::new();
    let mut in_code: Option<(String, String)> = None;
    let mut in_paragraph = false;
    let mut lead_done = false;
    let mut heading_ids: HashSet<String> = HashSet::new();
    // Next number to try for each heading anchor already used, so repeats cost O(1) each.
    let mut heading_next: HashMap<String, usize> = HashMap::new();
    let mut heading_start: Option<usize> = None;
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut highlighted = 0usize;
    let mut raw_text = RawTextCheck::default();
    // Whether the page needs the sanitizer: raw HTML, or a link or image whose address it
    // would change. Without either, pulldown-cmark's own output (text and attribute values
    // escaped, table alignment left out below) holds only allowed tags and attributes:
    // cleaning it would change nothing but its spelling, for about a third of the cost of a
    // body.
    let mut needs_cleaning = false;

    for (event, range) in Parser::new_ext(md, opts).into_offset_iter() {
        if let Event::Html(h) | Event::InlineHtml(h) = &event {
            needs_cleaning = true;
            if let Some((at, what)) = raw_text.unclosed(md, range.start, h) {
                let (l, c) = position(at);
                diags.push(Diagnostic::error(
                    doc_path,
                    l,
                    c,
                    crate::msg!("content.html_unclosed", tag = what),
                ));
            }
        }
        let peak = match &event {
            Event::Start(_) => {
                depth += 1;
                depth
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                depth
            }
            Event::Html(h) | Event::InlineHtml(h) => html_nesting(h, &mut depth),
            _ => depth,
        };
        elements += match &event {
            Event::Start(_)
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::Rule
            | Event::HardBreak
            | Event::TaskListMarker(_) => 1,
            // `<sup><a>1</a></sup>`
            Event::FootnoteReference(_) => 3,
            Event::Html(h) | Event::InlineHtml(h) => h
                .as_bytes()
                .windows(2)
                .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
                .count(),
            _ => 0,
        };
        if elements > MAX_ELEMENTS {
            let (l, c) = position(range.start);
            diags.push(Diagnostic::error(
                doc_path,
                l,
                c,
                crate::msg!("content.too_many_elements", max = MAX_ELEMENTS),
            ));
            return Rendered::default();
        }
        if peak > MAX_NESTING {
            let (l, c) = position(range.start);
            diags.push(Diagnostic::error(
                doc_path,
                l,
                c,
                crate::msg!("content.nested_too_deep", max = MAX_NESTING),
            ));
            // Not rendered: the build fails on this error anyway.
            return Rendered::default();
        }
        if let Some((lang, code)) = in_code.as_mut() {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, code) = (std::mem::take(lang), std::mem::take(code));
                    in_code = None;
                    out.text.push_str(&code);
                    out.text.push('\n');
                    let lang = if highlighted + code.len() <= MAX_HIGHLIGHTED_BYTES {
                        lang
                    } else {
                        String::new()
                    };
                    highlighted += if lang.is_empty() { 0 } else { code.len() };
                    let html = highlight(&lang, &code);
                    out.has_code |= !lang.is_empty();
                    events.push(Event::Html(CowStr::from(format!(
                        "<p>{}</p>",
                        placeholder(code_blocks.len())
                    ))));
                    code_blocks.push(html);
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                in_code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading { .. }) => {
                heading_start = Some(events.len());
                events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(start) = heading_start.take() {
                    let text: String = events[start + 1..]
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    if let Event::Start(Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs: _,
                    }) = &events[start]
                    {
                        let base = match id {
                            Some(id) => vntext::slugify(id),
                            None => vntext::slugify(&text),
                        };
                        let base = if base.is_empty() {
                            "muc".to_string()
                        } else {
                            base
                        };
                        let mut unique = base.clone();
                        let n = heading_next.entry(base.clone()).or_insert(2);
                        while !heading_ids.insert(unique.clone()) {
                            unique = format!("{base}-{n}");
                            *n += 1;
                        }
                        // Only `id` and `class` of `## H {#id .class key=value}`: other
                        // attributes (`onfocus=…`) are dropped here, and by the sanitiser.
                        events[start] = Event::Start(Tag::Heading {
                            level: *level,
                            id: Some(CowStr::from(unique)),
                            classes: classes.clone(),
                            attrs: Vec::new(),
                        });
                    }
                    out.text.push_str(&text);
                    out.text.push('\n');
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                out.looked_up = true;
                let dest = rewrite_link(root, doc_path, &dest_url, links, &mut out.assets)
                    .unwrap_or_else(|msg| {
                        let (l, c) = position(range.start);
                        diags.push(Diagnostic::error(doc_path, l, c, msg));
                        dest_url.to_string()
                    });
                needs_cleaning |= !allowed_url(&dest);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(dest),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                out.looked_up = true;
                let mut dest = dest_url.to_string();
                if is_relative(&dest_url) {
                    let src = percent_decode(strip_fragment(&dest_url));
                    match linked_file(root, doc_path, &src, links, &mut out.assets) {
                        Ok(Some(url)) => dest = url,
                        Ok(None) => {}
                        Err(msg) => {
                            let (l, c) = position(range.start);
                            diags.push(Diagnostic::error(doc_path, l, c, msg));
                        }
                    }
                }
                needs_cleaning |= !allowed_url(&dest);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(dest),
                    title,
                    id,
                }));
            }
            // Column alignment, which pulldown-cmark writes as `style` and the allow-list
            // strips, is left out here: an aligned table alone then gives the same page
            // without the sanitizer (a quarter of the bodies of a site with result tables).
            Event::Start(Tag::Table(alignments)) => {
                events.push(Event::Start(Tag::Table(vec![
                    Alignment::None;
                    alignments.len()
                ])));
            }
            Event::Start(Tag::Paragraph) => {
                in_paragraph = true;
                events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = false;
                out.text.push('\n');
                if !out.lead.is_empty() {
                    lead_done = true;
                }
                events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if heading_start.is_none() {
                    out.text.push_str(t);
                    if in_paragraph && !lead_done {
                        out.lead.push_str(t);
                    }
                }
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                out.text.push(' ');
                if in_paragraph && !lead_done && !out.lead.is_empty() {
                    out.lead.push(' ');
                }
                events.push(event);
            }
            Event::End(TagEnd::Item | TagEnd::TableCell) => {
                out.text.push(' ');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, events.into_iter());
    // Whatever the Markdown held, only the allow-list reaches the page.
    let html = if needs_cleaning {
        sanitizer().clean(&raw).to_string()
    } else {
        raw
    };
    out.html = splice_code_blocks(&html, &code_blocks);
    // A file linked many times is published once.
    out.assets.sort();
    out.assets.dedup();
    out.lead = out.lead.split_whitespace().collect::<Vec<_>>().join(" ");
    out
}

/// Plain text of the first paragraph of `md`, without rendering the rest.
pub fn first_paragraph(md: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if !text.trim().is_empty() => break,
            Event::End(TagEnd::Paragraph) => inside = false,
            Event::Text(t) | Event::Code(t) if inside => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements whose content the HTML parser takes as raw text up to their end tag: one left
/// open swallows the rest of the write-up (`plaintext` never ends).
const RAW_TEXT_ELEMENTS: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Finds an HTML comment or raw-text element (`<script>`, `<style>` …) in a body that is never
/// closed: the browser and the sanitiser would take everything after it as its content, and
/// the rest of the write-up would silently disappear. Linear in the body: for each kind it
/// remembers the end found last, and searches again only past it.
#[derive(Default)]
struct RawTextCheck {
    /// Per kind (`--` for comments), the offset in the Markdown of the last end found.
    closed_at: HashMap<&'static str, usize>,
    /// One report is enough: everything after an unclosed one is swallowed.
    reported: bool,
}

impl RawTextCheck {
    /// Checks the HTML `html` of an event starting at `start` in `md`; returns the offset
    /// and the text (`<script>`, `<!--`) of the first opening never closed.
    fn unclosed(&mut self, md: &str, start: usize, html: &str) -> Option<(usize, String)> {
        if self.reported {
            return None;
        }
        let bytes = html.as_bytes();
        let mut i = 0;
        while let Some(lt) = bytes[i..].iter().position(|&b| b == b'<') {
            let at = i + lt;
            i = at + 1;
            let (kind, shown) = if html[at..].starts_with("<!--") {
                ("--", "<!--".to_string())
            } else {
                let n = bytes[at + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let tag = &html[at + 1..at + 1 + n];
                let follows = bytes.get(at + 1 + n).copied();
                let Some(kind) = RAW_TEXT_ELEMENTS
                    .iter()
                    .find(|e| e.eq_ignore_ascii_case(tag))
                else {
                    continue;
                };
                if !matches!(
                    follows,
                    None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    continue;
                }
                (*kind, format!("<{kind}>"))
            };
            let from = char_floor(md, start + at + 1);
            if self.closed_at.get(kind).is_some_and(|&c| c >= from) {
                continue;
            }
            let end = if kind == "plaintext" {
                None
            } else if kind == "--" {
                md[from..].find("-->").map(|p| from + p)
            } else {
                md[from..]
                    .match_indices("</")
                    .map(|(p, _)| from + p)
                    .find(|&p| {
                        md.as_bytes()
                            .get(p + 2..p + 2 + kind.len())
                            .is_some_and(|name| name.eq_ignore_ascii_case(kind.as_bytes()))
                    })
            };
            match end {
                Some(e) => {
                    self.closed_at.insert(kind, e);
                }
                None => {
                    self.reported = true;
                    return Some((char_floor(md, start + at), shown));
                }
            }
        }
        None
    }
}

/// The largest character boundary of `s` at or before `i` (`s.len()` at most).
fn char_floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Puts the highlighted code blocks in place of their placeholders, in one pass.
fn splice_code_blocks(html: &str, blocks: &[String]) -> String {
    if blocks.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + blocks.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    for (i, block) in blocks.iter().enumerate() {
        let marker = format!("<p>{}</p>", placeholder(i));
        let Some(at) = rest.find(&marker) else { break };
        out.push_str(&rest[..at]);
        out.push_str(block);
        rest = &rest[at + marker.len()..];
    }
    out.push_str(rest);
    out
}

/// Updates `depth` by the HTML tags in `html`: +1 for each start tag, -1 for each end tag,
/// and returns the deepest level reached. Void elements and elements whose end tag may be
/// left out (`li`, `p`, `td` …) are not counted, as the browser closes them itself.
fn html_nesting(html: &str, depth: &mut usize) -> usize {
    const UNCOUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "li", "p", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rt", "rp",
        "thead", "tbody", "tfoot", "colgroup",
    ];
    let bytes = html.as_bytes();
    let mut peak = *depth;
    let mut i = 0;
    while let Some(lt) = bytes[i..].iter().position(|&b| b == b'<') {
        i += lt + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if UNCOUNTED.contains(&name.as_str()) {
            continue;
        }
        // Only up to the next `<`, so that text full of `<a` stays linear.
        let tag_end = bytes[name_start..]
            .iter()
            .position(|&b| b == b'>' || b == b'<')
            .map(|p| name_start + p);
        let self_closing = tag_end.is_some_and(|e| bytes[e] == b'>' && bytes[e - 1] == b'/');
        if closing {
            *depth = depth.saturating_sub(1);
        } else if !self_closing {
            *depth += 1;
            peak = peak.max(*depth);
        }
    }
    peak
}

fn placeholder(i: usize) -> String {
    format!("\u{E000}dvk-code-{i}\u{E000}")
}

fn is_relative(url: &str) -> bool {
    !(url.is_empty()
        || url.starts_with('#')
        || url.starts_with('/')
        || url.contains(':')
            && url.split(':').next().is_some_and(|s| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            }))
}

fn strip_fragment(url: &str) -> &str {
    url.split(['#', '?']).next().unwrap_or(url)
}

/// A link's new destination: page URLs for content files, the processed copy for photos,
/// the published copy for documents, kept as-is for web links.
fn rewrite_link(
    root: &Path,
    doc_path: &Path,
    dest: &str,
    links: &dyn LinkTarget,
    assets: &mut Vec<(String, PathBuf)>,
) -> Result<String, String> {
    if !is_relative(dest) {
        return Ok(dest.to_string());
    }
    let path_part = strip_fragment(dest);
    let fragment = &dest[path_part.len()..];
    let decoded = percent_decode(path_part);
    let lower = decoded.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".yaml") || lower.ends_with(".yml") {
        let target = normalise(&doc_path.parent().unwrap_or(Path::new("")).join(&decoded));
        match target.and_then(|t| links.url_of(&t)) {
            Some(url) => Ok(format!("{url}{fragment}")),
            None => Err(crate::msg!("content.link_no_such_page", dest = dest)),
        }
    } else {
        Ok(linked_file(root, doc_path, &decoded, links, assets)?
            .unwrap_or_else(|| dest.to_string()))
    }
}

/// A file beside the write-up that a link or an image points at (`src` percent-decoded,
/// without fragment): a photo gets the URL of its processed copy, a document is published
/// beside the page (`None`: the link stays as written), an active or unknown type is refused.
fn linked_file(
    root: &Path,
    doc_path: &Path,
    src: &str,
    links: &dyn LinkTarget,
    assets: &mut Vec<(String, PathBuf)>,
) -> Result<Option<String>, String> {
    let extra = links.attachment_types();
    let kind = links::kind_of(src, extra);
    match &kind {
        FileKind::Active(ext) => {
            return Err(crate::msg!(
                "content.link_active_type",
                src = src,
                ext = ext
            ))
        }
        FileKind::Other(ext) if ext.is_empty() => {
            return Err(crate::msg!(
                "content.link_no_type",
                src = src,
                allowed = links::allowed_list(extra)
            ))
        }
        FileKind::Other(ext) => {
            return Err(crate::msg!(
                "content.link_other_type",
                src = src,
                ext = ext,
                allowed = links::allowed_list(extra)
            ))
        }
        FileKind::Photo | FileKind::Document => {}
    }
    let file = resolve_asset(root, doc_path, src)
        .map_err(|detail| crate::msg!("content.linked_file", src = src, detail = detail))?;
    if kind == FileKind::Document {
        assets.push((src.to_string(), file));
        return Ok(None);
    }
    match links.image_url(&file) {
        Some(Ok(url)) => Ok(Some(url)),
        Some(Err(detail)) => Err(crate::msg!(
            "content.linked_photo",
            src = src,
            detail = detail
        )),
        None => Ok(None),
    }
}

/// Folds `a/./b/../c` into `a/c`; None when it climbs above the site.
fn normalise(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The URL schemes links and images may have (the sanitizer's list).
const URL_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// True when the sanitizer would keep a link's or image's address as it is: relative, or
/// with a scheme of [`URL_SCHEMES`], and without a space, control character or backslash
/// (which browsers strip or read as `/`, so that the scheme they see may not be the one
/// written).
fn allowed_url(url: &str) -> bool {
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return false;
    }
    match url.split_once(':') {
        None => true,
        // A colon after the path, query or fragment has begun: no scheme.
        Some((before, _)) if before.contains(['/', '?', '#']) => true,
        Some((scheme, _)) => URL_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()),
    }
}

/// The allow-list for editors' HTML: structure and formatting only.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["figure", "figcaption", "mark", "details", "summary"])
            .add_tag_attributes("h1", ["id", "class"])
            .add_tag_attributes("h2", ["id", "class"])
            .add_tag_attributes("h3", ["id", "class"])
            .add_tag_attributes("h4", ["id", "class"])
            .add_tag_attributes("h5", ["id", "class"])
            .add_tag_attributes("h6", ["id", "class"])
            .add_tag_attributes("div", ["id", "class"])
            .add_tag_attributes("sup", ["id", "class"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("a", ["id"])
            .add_tag_attributes("img", ["width", "height", "loading"])
            .url_schemes(URL_SCHEMES.into_iter().collect())
            .link_rel(None);
        b
    })
}

/// Highlights code with syntect (loaded on first use only), as classed spans.
fn highlight(lang: &str, code: &str) -> String {
    let escaped = || format!("<pre><code>{}</code></pre>", html_escape(code));
    if lang.is_empty() {
        return escaped();
    }
    let set = syntax_set();
    let Some(syntax) = set.find_syntax_by_token(lang) else {
        return escaped();
    };
    let mut gen = syntect::html::ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        syntect::html::ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in syntect::util::LinesWithEndings::from(code) {
        if gen
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escaped();
        }
    }
    format!(
        "<pre class=\"code\" data-lang=\"{}\"><code>{}</code></pre>",
        html_escape(lang),
        gen.finalize()
    )
}

static SYNTAXES: OnceLock<syntect::parsing::SyntaxSet> = OnceLock::new();

/// The syntax definitions: loaded once, on the first highlighted block.
fn syntax_set() -> &'static syntect::parsing::SyntaxSet {
    SYNTAXES.get_or_init(syntect::parsing::SyntaxSet::load_defaults_newlines)
}

/// CSS for highlighted code (written only when a page has some).
pub fn code_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme = &themes.themes["InspiredGitHub"];
    syntect::html::css_for_theme_with_class_style(
        theme,
        syntect::html::ClassStyle::SpacedPrefixed { prefix: "hl-" },
    )
    .unwrap_or_default()
}

/// True once syntect's syntax set has been loaded in this process.
pub fn syntect_loaded() -> bool {
    SYNTAXES.get().is_some()
}

/// The bytes HTML text and attribute values need escaped (all ASCII).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t
};

/// Calls `emit` with the escaped text of `s`, piece by piece: runs without a special byte as
/// slices of `s`, each special byte as its entity.
fn escape_pieces<E>(s: &str, mut emit: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(n) = bytes[from..].iter().position(|&b| SPECIAL[usize::from(b)]) {
        let i = from + n;
        // The special bytes are ASCII, so `i` and `i + 1` are character boundaries.
        emit(&s[from..i])?;
        emit(match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        })?;
        from = i + 1;
    }
    emit(&s[from..])
}

/// Escapes text for HTML (`& < > " '`).
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape_pieces(s, |piece| {
        out.push_str(piece);
        Ok::<(), ()>(())
    });
    out
}

/// [`html_escape`] written straight into `out` (the templates' `{{ x }}`, without a new string).
pub fn html_escape_into(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_pieces(s, |piece| out.write_all(piece.as_bytes()))
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;

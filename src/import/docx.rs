//! A Word `.docx` write-up as Markdown: the document is a zip of XML parts, read with the
//! `zip` and `quick-xml` crates. The first paragraph in the Title style (else the first
//! heading, else a short bold or centred first paragraph) is the title; headings, paragraphs,
//! bold and italic, bulleted and numbered lists, tables and links become Markdown; embedded
//! JPEG, PNG and WebP images are returned to be saved beside the write-up, with their
//! description (alt text) or caption. Tracked deletions, field codes and the fallback copies
//! Word keeps for old readers are left out. Anything that cannot be used (an image in a
//! format the web cannot show, a linked image) is reported with its paragraph number.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// An image from the document.
#[derive(Debug, Clone)]
pub struct Image {
    /// The image's bytes.
    pub data: Vec<u8>,
    /// `jpg`, `png` or `webp`.
    pub ext: &'static str,
    /// Its description or caption.
    pub caption: Option<String>,
}

/// A write-up read from Word.
#[derive(Debug, Default)]
pub struct Doc {
    /// The title, when the document has one.
    pub title: Option<String>,
    /// The body in Markdown.
    pub markdown: String,
    /// Images, in document order.
    pub images: Vec<Image>,
    /// `(paragraph number, message)` for what was left out.
    pub problems: Vec<(usize, String)>,
    /// A year named in the title, else the year the document was created.
    pub year_hint: Option<i32>,
}

#[derive(Debug, Default, Clone)]
struct Style {
    heading: Option<u8>,
    title: bool,
    caption: bool,
    based_on: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Run {
    text: String,
    bold: bool,
    italic: bool,
    link: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct Para {
    index: usize,
    style: Option<String>,
    num: Option<(String, u8)>,
    outline: Option<u8>,
    centred: bool,
    runs: Vec<Run>,
    images: Vec<(String, Option<String>)>,
}

impl Para {
    fn text(&self) -> String {
        self.runs
            .iter()
            .map(|r| r.text.as_str())
            .collect::<String>()
    }
}

#[derive(Debug)]
enum Block {
    Para(Para),
    Table(Vec<Vec<Vec<Para>>>),
}

/// The local name of an attribute's key (`w:val` → `val`) and its value.
fn attr(e: &BytesStart, local: &str) -> Option<String> {
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.local_name().as_ref() == local {
            return a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned());
        }
    }
    None
}

/// `w:val` that is on unless it says 0/false/none.
fn on(e: &BytesStart) -> bool {
    !matches!(
        attr(e, "val").as_deref(),
        Some("0" | "false" | "none" | "off")
    )
}

/// A zip part as text, when present.
fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    // Bounded: a part bigger than 256 MiB is not a write-up.
    f.by_ref().take(256 << 20).read_to_string(&mut s).ok()?;
    Some(s)
}

fn styles(xml: &str) -> HashMap<String, Style> {
    let mut map = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut current: Option<(String, Style)> = None;
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "style" => {
                    if let Some((id, s)) = current.take() {
                        map.insert(id, s);
                    }
                    current = attr(&e, "styleId").map(|id| (id, Style::default()));
                }
                "name" => {
                    if let (Some((_, s)), Some(name)) = (current.as_mut(), attr(&e, "val")) {
                        let n = name.to_lowercase();
                        if n == "title" {
                            s.title = true;
                        } else if n == "caption" {
                            s.caption = true;
                        } else if let Some(l) = n.strip_prefix("heading ") {
                            s.heading = l.trim().parse().ok();
                        }
                    }
                }
                "basedOn" => {
                    if let Some((_, s)) = current.as_mut() {
                        s.based_on = attr(&e, "val");
                    }
                }
                "outlineLvl" => {
                    if let (Some((_, s)), Some(v)) = (current.as_mut(), attr(&e, "val")) {
                        if s.heading.is_none() {
                            s.heading = v.parse::<u8>().ok().filter(|l| *l < 9).map(|l| l + 1);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((id, s)) = current.take() {
        map.insert(id, s);
    }
    // Inherit a heading level through basedOn (one step is what Word writes).
    let snapshot = map.clone();
    for s in map.values_mut() {
        if s.heading.is_none() && !s.title {
            if let Some(base) = s.based_on.as_ref().and_then(|b| snapshot.get(b)) {
                s.heading = base.heading;
                s.title = base.title;
            }
        }
    }
    map
}

/// numId → (level → ordered).
fn numbering(xml: &str) -> HashMap<String, HashMap<u8, bool>> {
    let mut abstracts: HashMap<String, HashMap<u8, bool>> = HashMap::new();
    let mut nums: HashMap<String, String> = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut abs: Option<String> = None;
    let mut lvl: Option<u8> = None;
    let mut num: Option<String> = None;
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "abstractNum" => abs = attr(&e, "abstractNumId"),
                "lvl" => lvl = attr(&e, "ilvl").and_then(|v| v.parse().ok()),
                "numFmt" => {
                    if let (Some(a), Some(l)) = (&abs, lvl) {
                        let ordered = attr(&e, "val").is_some_and(|v| v != "bullet" && v != "none");
                        abstracts.entry(a.clone()).or_default().insert(l, ordered);
                    }
                }
                "num" => num = attr(&e, "numId"),
                "abstractNumId" => {
                    if let (Some(n), Some(a)) = (&num, attr(&e, "val")) {
                        nums.insert(n.clone(), a);
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "abstractNum" => abs = None,
            Event::Eof => break,
            _ => {}
        }
    }
    nums.into_iter()
        .filter_map(|(n, a)| abstracts.get(&a).map(|m| (n, m.clone())))
        .collect()
}

/// rId → (target, external).
fn rels(xml: &str) -> HashMap<String, (String, bool)> {
    let mut map = HashMap::new();
    let mut reader = Reader::from_str(xml);
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    let external = attr(&e, "TargetMode").is_some_and(|m| m == "External");
                    map.insert(id, (target, external));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    map
}

/// The blocks of `word/document.xml`.
fn blocks(xml: &str, rels: &HashMap<String, (String, bool)>) -> Result<Vec<Block>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<Block> = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<Vec<Vec<Vec<Para>>>> = Vec::new();
    let mut count = 0usize;
    let mut run = Run::default();
    let mut in_ppr = false;
    let mut in_t = false;
    let mut skip = 0usize;
    let mut link: Option<String> = None;
    let mut alt: Option<String> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("{e} (byte {})", reader.buffer_position()))?;
        let (start, empty) = match &ev {
            Event::Start(_) => (true, false),
            Event::Empty(_) => (true, true),
            _ => (false, false),
        };
        if skip > 0 {
            match &ev {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) if start => {
                let name = e.local_name();
                match name.as_ref() {
                    "del" | "Fallback" | "instrText" | "delText" | "footnoteReference"
                    | "commentReference"
                        if !empty =>
                    {
                        skip = 1
                    }
                    "p" if !empty => {
                        count += 1;
                        paras.push(Para {
                            index: count,
                            ..Para::default()
                        });
                    }
                    "p" => count += 1,
                    "pPr" if !empty => in_ppr = true,
                    "pStyle" => {
                        if let Some(p) = paras.last_mut() {
                            p.style = attr(e, "val");
                        }
                    }
                    "outlineLvl" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            p.outline = attr(e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "jc" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            p.centred = attr(e, "val").is_some_and(|v| v == "center");
                        }
                    }
                    "ilvl" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            let l = attr(e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                            let id = p.num.take().map(|(id, _)| id).unwrap_or_default();
                            p.num = Some((id, l));
                        }
                    }
                    "numId" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            let id = attr(e, "val").unwrap_or_default();
                            let l = p.num.take().map(|(_, l)| l).unwrap_or(0);
                            p.num = (id != "0").then_some((id, l));
                        }
                    }
                    "r" if !empty => {
                        run = Run {
                            link: link.clone(),
                            ..Run::default()
                        }
                    }
                    "b" if !in_ppr => run.bold = on(e),
                    "i" if !in_ppr => run.italic = on(e),
                    "t" if !empty => in_t = true,
                    "tab" if !in_ppr => run.text.push(' '),
                    "br" | "cr" if attr(e, "type").is_none_or(|t| t == "textWrapping") => {
                        run.text.push('\n');
                    }
                    "noBreakHyphen" => run.text.push('-'),
                    "hyperlink" if !empty => {
                        link = attr(e, "id")
                            .and_then(|id| rels.get(&id))
                            .filter(|(t, ext)| {
                                *ext && (t.starts_with("http://")
                                    || t.starts_with("https://")
                                    || t.starts_with("mailto:"))
                            })
                            .map(|(t, _)| t.clone());
                    }
                    "docPr" => {
                        alt = attr(e, "descr")
                            .filter(|s| !s.trim().is_empty())
                            .or_else(|| attr(e, "title").filter(|s| !s.trim().is_empty()));
                    }
                    "blip" | "imagedata" => {
                        let id = attr(e, "embed").or_else(|| attr(e, "id"));
                        let a = alt
                            .take()
                            .or_else(|| attr(e, "title").filter(|s| !s.is_empty()));
                        if let (Some(id), Some(p)) = (id, paras.last_mut()) {
                            p.images.push((id, a));
                        }
                    }
                    "tbl" if !empty => tables.push(Vec::new()),
                    "tr" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.push(Vec::new());
                        }
                    }
                    "tc" if !empty => {
                        if let Some(row) = tables.last_mut().and_then(|t| t.last_mut()) {
                            row.push(Vec::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_t => run.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_t => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    run.text.push(c);
                } else if let Some(s) = resolve_predefined_entity(&r) {
                    run.text.push_str(s);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "pPr" => in_ppr = false,
                "t" => in_t = false,
                "r" => {
                    let r = std::mem::take(&mut run);
                    if let Some(p) = paras.last_mut() {
                        if !r.text.is_empty() {
                            match p.runs.last_mut() {
                                Some(last)
                                    if last.bold == r.bold
                                        && last.italic == r.italic
                                        && last.link == r.link =>
                                {
                                    last.text.push_str(&r.text)
                                }
                                _ => p.runs.push(r),
                            }
                        }
                    }
                }
                "hyperlink" => link = None,
                "p" => {
                    if let Some(p) = paras.pop() {
                        match tables
                            .last_mut()
                            .and_then(|t| t.last_mut())
                            .and_then(|r| r.last_mut())
                        {
                            Some(cell) if paras.is_empty() => cell.push(p),
                            _ => out.push(Block::Para(p)),
                        }
                    }
                }
                "tbl" => {
                    if let Some(t) = tables.pop() {
                        match tables
                            .last_mut()
                            .and_then(|t| t.last_mut())
                            .and_then(|r| r.last_mut())
                        {
                            // A table in a table: its paragraphs join the outer cell.
                            Some(cell) => cell.extend(t.into_iter().flatten().flatten()),
                            None => out.push(Block::Table(t)),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Escapes Markdown's special characters in text.
fn escape(text: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '|' if in_table => out.push_str("\\|"),
            _ => out.push(c),
        }
    }
    out
}

/// The runs of a paragraph as inline Markdown; `\n` line breaks as `br`.
fn inline(p: &Para, br: &str, in_table: bool) -> String {
    let mut out = String::new();
    for r in &p.runs {
        let text = r.text.replace('\u{a0}', " ");
        let body = text.trim();
        if body.is_empty() {
            out.push_str(&text.replace('\n', br));
            continue;
        }
        let lead = &text[..text.len() - text.trim_start().len()];
        let trail = &text[text.trim_end().len()..];
        let mut s = escape(body, in_table);
        if r.bold && r.italic {
            s = format!("***{s}***");
        } else if r.bold {
            s = format!("**{s}**");
        } else if r.italic {
            s = format!("*{s}*");
        }
        if let Some(url) = &r.link {
            let url = if url.contains([' ', '(', ')']) {
                format!("<{url}>")
            } else {
                url.clone()
            };
            s = format!("[{s}]({url})");
        }
        out.push_str(&lead.replace('\n', br));
        out.push_str(&s.replace('\n', br));
        out.push_str(&trail.replace('\n', br));
    }
    let out = out.trim().to_string();
    // A line that would start a Markdown block (heading, quote, list) is kept as text.
    let first = out.chars().next();
    if matches!(first, Some('#' | '>' | '-' | '+' | '=')) {
        return format!("\\{out}");
    }
    let digits = out.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &out[..digits], &out[digits..]);
    }
    out
}

/// True when every run with text is bold.
fn all_bold(p: &Para) -> bool {
    p.runs
        .iter()
        .filter(|r| !r.text.trim().is_empty())
        .all(|r| r.bold)
}

/// The image type from its bytes.
fn image_kind(data: &[u8]) -> Result<&'static str, String> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("jpg")
    } else if data.starts_with(b"\x89PNG") {
        Ok("png")
    } else if data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Ok("webp")
    } else if data.starts_with(b"GIF8") {
        Err("GIF".into())
    } else if data.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) || data.starts_with(&[1, 0, 9, 0]) {
        Err("WMF".into())
    } else if data.len() > 44 && &data[40..44] == b" EMF" {
        Err("EMF".into())
    } else if data.starts_with(b"II*\0") || data.starts_with(b"MM\0*") {
        Err("TIFF".into())
    } else if data.starts_with(b"BM") {
        Err("BMP".into())
    } else {
        Err("?".into())
    }
}

/// A description Word made up ("Picture 1", "image2.png") is no caption.
fn real_caption(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = crate::import::sheet::norm(&t);
    let generic = n.is_empty()
        || n.starts_with("picture")
        || n.starts_with("image")
        || n.starts_with("hinh anh")
        || n.starts_with("a picture containing")
        || n.split(' ').all(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || ["anh", "hinh", "png", "jpg", "jpeg"].contains(&w)
        });
    (!generic).then_some(t)
}

/// Reads a `.docx`; `Err` when the file cannot be read at all.
pub fn read(file: &str, bytes: &[u8]) -> Result<Doc, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| crate::msg!("import.corrupt", file = file, kind = ".docx"))?;
    let Some(document) = part(&mut zip, "word/document.xml") else {
        return Err(crate::msg!("import.corrupt", file = file, kind = ".docx"));
    };
    let styles = part(&mut zip, "word/styles.xml")
        .map(|x| styles(&x))
        .unwrap_or_default();
    let numbering = part(&mut zip, "word/numbering.xml")
        .map(|x| numbering(&x))
        .unwrap_or_default();
    let rels = part(&mut zip, "word/_rels/document.xml.rels")
        .map(|x| rels(&x))
        .unwrap_or_default();
    let created = part(&mut zip, "docProps/core.xml").and_then(|x| {
        let i = x.find("created")?;
        let rest = &x[i..];
        let j = rest.find('>')?;
        rest.get(j + 1..j + 5)?.parse::<i32>().ok()
    });
    let blocks = blocks(&document, &rels).map_err(|e| {
        crate::msg!(
            "import.corrupt_detail",
            file = file,
            kind = ".docx",
            detail = e
        )
    })?;
    let style = |p: &Para| p.style.as_ref().and_then(|s| styles.get(s));
    let heading = |p: &Para| {
        style(p)
            .and_then(|s| s.heading)
            .or(p.outline.filter(|l| *l < 9).map(|l| l + 1))
    };
    let is_title = |p: &Para| style(p).is_some_and(|s| s.title);

    let mut doc = Doc::default();
    // The title paragraph.
    let paras: Vec<&Para> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => Some(p),
            Block::Table(_) => None,
        })
        .collect();
    let title_para = paras
        .iter()
        .find(|p| is_title(p) && !p.text().trim().is_empty())
        .or_else(|| {
            paras
                .iter()
                .find(|p| heading(p).is_some() && !p.text().trim().is_empty())
        })
        .or_else(|| {
            paras
                .iter()
                .find(|p| !p.text().trim().is_empty())
                .filter(|p| p.text().chars().count() <= 200 && (all_bold(p) || p.centred))
        })
        .map(|p| p.index);
    if let Some(i) = title_para {
        if let Some(p) = paras.iter().find(|p| p.index == i) {
            doc.title = Some(p.text().split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    let min_heading = paras
        .iter()
        .filter(|p| Some(p.index) != title_para && !p.text().trim().is_empty())
        .filter_map(|p| heading(p))
        .min()
        .unwrap_or(1);

    let mut md: Vec<String> = Vec::new();
    let mut list_open = false;
    let mut used_images: HashMap<String, usize> = HashMap::new();
    let mut caption_paras: Vec<usize> = Vec::new();
    for (bi, block) in blocks.iter().enumerate() {
        match block {
            Block::Table(rows) => {
                list_open = false;
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                if width == 0 {
                    continue;
                }
                let mut t = String::new();
                for (ri, row) in rows.iter().enumerate() {
                    let cells: Vec<String> = (0..width)
                        .map(|c| {
                            row.get(c)
                                .map(|ps| {
                                    ps.iter()
                                        .map(|p| inline(p, " ", true))
                                        .filter(|s| !s.is_empty())
                                        .collect::<Vec<_>>()
                                        .join("<br>")
                                })
                                .unwrap_or_default()
                        })
                        .collect();
                    t.push_str(&format!("| {} |\n", cells.join(" | ")));
                    if ri == 0 {
                        t.push_str(&format!("|{}\n", " --- |".repeat(width)));
                    }
                }
                md.push(t.trim_end().to_string());
                for ps in rows.iter().flatten() {
                    for p in ps {
                        collect_images(&mut doc, &mut zip, &rels, p, &mut used_images, None);
                    }
                }
            }
            Block::Para(p) => {
                if Some(p.index) == title_para || caption_paras.contains(&p.index) {
                    continue;
                }
                if !p.images.is_empty() {
                    // A caption paragraph right after the image.
                    let next = match blocks.get(bi + 1) {
                        Some(Block::Para(n)) if n.images.is_empty() => Some(n),
                        _ => None,
                    };
                    let caption = next.filter(|n| {
                        let t = crate::import::sheet::norm(&n.text());
                        style(n).is_some_and(|s| s.caption)
                            || ((t.starts_with("anh ") || t.starts_with("hinh "))
                                && n.text().chars().count() <= 200)
                    });
                    if let Some(n) = caption {
                        caption_paras.push(n.index);
                    }
                    let text = caption.map(|n| {
                        let t = n.text();
                        let t = t.trim();
                        t.strip_prefix("Ảnh:")
                            .or_else(|| t.strip_prefix("Hình:"))
                            .unwrap_or(t)
                            .trim()
                            .to_string()
                    });
                    collect_images(&mut doc, &mut zip, &rels, p, &mut used_images, text);
                }
                let text = inline(p, "\\\n", false);
                if text.is_empty() {
                    list_open = false;
                    continue;
                }
                if let Some(l) = heading(p) {
                    list_open = false;
                    let depth = (l.saturating_sub(min_heading) + 2).min(6) as usize;
                    let plain = inline(p, " ", false);
                    md.push(format!(
                        "{} {}",
                        "#".repeat(depth),
                        plain.trim_start_matches('\\')
                    ));
                    continue;
                }
                if let Some((id, lvl)) = &p.num {
                    let ordered = numbering
                        .get(id)
                        .and_then(|m| m.get(lvl))
                        .copied()
                        .unwrap_or(false);
                    let marker = if ordered { "1." } else { "-" };
                    let item = format!(
                        "{}{marker} {}",
                        "    ".repeat(*lvl as usize),
                        inline(p, " ", false)
                    );
                    if list_open {
                        if let Some(last) = md.last_mut() {
                            last.push('\n');
                            last.push_str(&item);
                            continue;
                        }
                    }
                    md.push(item);
                    list_open = true;
                    continue;
                }
                list_open = false;
                md.push(text);
            }
        }
    }
    doc.markdown = md.join("\n\n");
    doc.year_hint = doc
        .title
        .as_deref()
        .and_then(crate::import::sheet::find_year)
        .or(created.filter(|y| (1990..=2100).contains(y)));
    Ok(doc)
}

/// Saves the images of a paragraph (each image once).
fn collect_images(
    doc: &mut Doc,
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    rels: &HashMap<String, (String, bool)>,
    p: &Para,
    used: &mut HashMap<String, usize>,
    caption: Option<String>,
) {
    for (id, alt) in &p.images {
        let Some((target, external)) = rels.get(id) else {
            continue;
        };
        if *external {
            doc.problems
                .push((p.index, crate::msg!("import.image_linked", target = target)));
            continue;
        }
        if used.contains_key(target) {
            continue;
        }
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("word/{target}"),
        };
        let mut data = Vec::new();
        let ok = zip
            .by_name(&path)
            .ok()
            .map(|f| f.take(64 << 20).read_to_end(&mut data).is_ok())
            .unwrap_or(false);
        if !ok {
            doc.problems.push((
                p.index,
                crate::msg!("import.image_missing", target = target),
            ));
            continue;
        }
        match image_kind(&data) {
            Ok(ext) => {
                used.insert(target.clone(), doc.images.len());
                let caption = alt.as_deref().and_then(real_caption).or(caption.clone());
                doc.images.push(Image { data, ext, caption });
            }
            Err(kind) => doc
                .problems
                .push((p.index, crate::msg!("import.image_format", kind = kind))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_and_escapes() {
        let p = Para {
            runs: vec![
                Run {
                    text: "Kết quả ".into(),
                    ..Run::default()
                },
                Run {
                    text: "nổi bật ".into(),
                    bold: true,
                    ..Run::default()
                },
                Run {
                    text: "(xem *ghi chú*)".into(),
                    italic: true,
                    ..Run::default()
                },
                Run {
                    text: " tại đây".into(),
                    link: Some("https://example.gov.vn/a".into()),
                    ..Run::default()
                },
            ],
            ..Para::default()
        };
        assert_eq!(
            inline(&p, " ", false),
            "Kết quả **nổi bật** *(xem \\*ghi chú\\*)* [tại đây](https://example.gov.vn/a)"
        );
        let p = Para {
            runs: vec![Run {
                text: "1. Mục đầu".into(),
                ..Run::default()
            }],
            ..Para::default()
        };
        assert_eq!(inline(&p, " ", false), "1\\. Mục đầu");
    }

    #[test]
    fn generic_descriptions_are_no_captions() {
        assert_eq!(real_caption("Picture 3"), None);
        assert_eq!(real_caption("Hình ảnh 2"), None);
        assert_eq!(real_caption("image1.png"), None);
        assert_eq!(
            real_caption("Người dân hiến đất").as_deref(),
            Some("Người dân hiến đất")
        );
    }
}

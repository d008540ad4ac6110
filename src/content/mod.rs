//! Loading: finds the content files of a site, splits and checks their front matter, and
//! returns plain documents (models, articles, pages) with every problem found on the way.
//!
//! Markdown bodies are kept as text here; they become HTML in [`markdown`] once every
//! page's URL is known (links between files need them).

mod cache;
mod clean;
pub mod frontmatter;
pub mod links;
pub mod markdown;
mod mistakes;
mod read;
mod render_budget;
mod walk;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

pub use cache::ParseCache;
pub use read::{normalize_line_breaks, Level, LEVEL_CODES};

/// Where a document came from: its file and the line it starts on (list items in a YAML file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// Path relative to the site folder, e.g. `content/models/2023/a.md`.
    pub path: PathBuf,
    /// 1-based line of the document's start in that file.
    pub line: usize,
}

/// Markdown text and the line of the file it starts on (for link error positions).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Body {
    /// The Markdown source.
    pub markdown: String,
    /// 0-based line of the file where the Markdown starts.
    pub line_offset: usize,
    /// Columns before the Markdown on each of its lines (the indentation of a YAML block).
    pub column_offset: usize,
    /// The Markdown is one YAML scalar written on the key's line (`body: "…"`), whose lines
    /// are not lines of the file: every position in it is reported at the value's start.
    pub inline: bool,
    /// Set when the Markdown was dropped after loading to save memory ([`BodyBudget`]): it
    /// is then read again from the file when its page is made ([`reread_model_body`]).
    pub in_file: Option<InFile>,
    /// [`text_hash`] of the Markdown of a model's own file (never 0), which the page's key
    /// covers instead of the text ([`crate::render`]'s memo); 0 when not known.
    pub hash: u64,
}

/// What is kept of a Markdown body left in its file: enough to tell that the file still
/// holds it when it is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InFile {
    /// Length in bytes.
    pub len: usize,
    /// [`text_hash`] of the Markdown.
    pub hash: u64,
}

/// How many bytes of model Markdown a load may keep in memory (a national site's bodies are
/// 900 MB); the bodies of model files loaded beyond it are dropped once checked, keeping
/// only their [`InFile`]. Files load in parallel, so which bodies are kept depends on the
/// order they were read in; the site built does not.
pub struct BodyBudget {
    left: std::sync::atomic::AtomicUsize,
}

impl BodyBudget {
    /// A budget of `bytes`.
    pub fn new(bytes: usize) -> Self {
        BodyBudget {
            left: std::sync::atomic::AtomicUsize::new(bytes),
        }
    }

    /// No limit: every body stays in memory.
    pub fn unlimited() -> Self {
        Self::new(usize::MAX)
    }

    /// Keeps the Markdown of `body`, a model file's, if it fits in what is left; otherwise
    /// drops it, leaving its [`InFile`].
    fn spend(&self, body: &mut Body) {
        use std::sync::atomic::Ordering;
        let len = body.markdown.len();
        let fits = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(len)
            })
            .is_ok();
        if fits {
            return;
        }
        body.in_file = Some(InFile {
            len,
            hash: text_hash(body.markdown.as_bytes()),
        });
        body.markdown = String::new();
    }
}

/// A measurable result of a model (`{label, value, unit}`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ResultItem {
    /// What was measured.
    pub label: String,
    /// How much.
    pub value: f64,
    /// Unit, possibly empty.
    pub unit: String,
}

/// A photo a document uses.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhotoRef {
    /// Line and column of the `photos:` entry (problems with the photo are reported there).
    pub at: (usize, usize),
    /// The path as written, relative to the document's folder, with `/` separators.
    pub src: String,
    /// The file, relative to the site folder.
    pub file: PathBuf,
    /// Caption (also the alt text).
    pub caption: String,
    /// Photographer or source.
    pub credit: Option<String>,
}

/// A model write-up (mô hình).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// Source file and line.
    pub origin: Origin,
    /// Title.
    pub title: String,
    /// Year of recognition.
    pub year: i32,
    /// Province (required by the format).
    pub province: String,
    /// District, absent for province-wide models and after 1 July 2025.
    pub district: Option<String>,
    /// Commune.
    pub commune: Option<String>,
    /// Index into the site's fields.
    pub field: usize,
    /// Host organisation (đơn vị chủ trì).
    pub host: String,
    /// Recognition level.
    pub level: Option<Level>,
    /// Named exemplary (điển hình).
    pub exemplary: bool,
    /// Publication date `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Lead text as written.
    pub summary: Option<String>,
    /// Without a written summary, the body's first paragraph, shortened: what lists show.
    /// Taken when loading, as a build may drop the body then ([`BodyBudget`]); moved into
    /// the site's summaries when it is assembled.
    pub lead: String,
    /// Measurable results.
    pub results: Vec<ResultItem>,
    /// Photos, the first is the cover.
    pub photos: Vec<PhotoRef>,
    /// Tags.
    pub tags: Vec<String>,
    /// Slug of the model this one copies.
    pub replicated_from: Option<String>,
    /// Slug as written by the editor.
    pub slug: Option<String>,
    /// Left out of the build unless `--drafts`.
    pub draft: bool,
    /// Markdown body.
    pub body: Body,
}

/// An article (tin bài).
#[derive(Debug, Clone)]
pub struct Article {
    /// Source file.
    pub origin: Origin,
    /// Title.
    pub title: String,
    /// Date `YYYY-MM-DD`.
    pub date: String,
    /// Author.
    pub author: Option<String>,
    /// Lead text as written.
    pub summary: Option<String>,
    /// Photos.
    pub photos: Vec<PhotoRef>,
    /// Slugs of the models the article is about.
    pub models: Vec<String>,
    /// Line and column of the `models` key (for a slug that names no model).
    pub models_at: (usize, usize),
    /// Slug as written.
    pub slug: Option<String>,
    /// Draft flag.
    pub draft: bool,
    /// Markdown body.
    pub body: Body,
}

/// A plain page (giới thiệu, liên hệ).
#[derive(Debug, Clone)]
pub struct Page {
    /// Source file.
    pub origin: Origin,
    /// Title.
    pub title: String,
    /// Lead text.
    pub summary: Option<String>,
    /// Slug as written (else the file name).
    pub slug: Option<String>,
    /// Draft flag.
    pub draft: bool,
    /// Markdown body.
    pub body: Body,
}

/// Everything loaded from `content/`.
#[derive(Debug, Clone)]
pub struct Content {
    /// Site settings.
    pub config: SiteConfig,
    /// Models, in a stable order (by file path, then position in the file).
    pub models: Vec<Model>,
    /// Articles.
    pub articles: Vec<Article>,
    /// Plain pages.
    pub pages: Vec<Page>,
    /// Bodies of documents whose front matter had errors: their links are still checked,
    /// so one run reports every problem.
    pub rejected_bodies: Vec<(PathBuf, Body)>,
}

/// What kind of document a content file holds, from its place under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ModelMarkdown,
    ModelList,
    Article,
    Page,
}

/// Files over this size are refused rather than read (bounded memory): a write-up's body is
/// at most [`MAX_BODY_BYTES`] and a list file [`MAX_LIST_BYTES`], front matter is small.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Largest Markdown body of one write-up, article or page (1 MiB). Real write-ups are under
/// 100 KB; rendering costs up to ~250 times the body in the worst shapes (a dense table), so
/// this bounds the memory one page can take (RELIABILITY.md, "Memory bounded by input").
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Largest YAML file of models (2 MiB): the YAML tree costs tens of times its text.
pub const MAX_LIST_BYTES: usize = 2 * 1024 * 1024;

/// What one content file holds once read.
#[derive(Debug, Clone)]
pub enum FileDocs {
    /// A write-up whose front matter had errors: its body, so its links are still checked.
    Rejected(PathBuf, Body),
    /// Models (one for a Markdown file, any number for a YAML list).
    Models(Vec<Model>),
    /// An article.
    Article(Article),
    /// A plain page.
    Page(Page),
}

/// Loads a site's content. `root` is the site folder.
pub fn load(root: &Path, with_drafts: bool, budget: &BodyBudget) -> (Content, Vec<Diagnostic>) {
    load_with(root, with_drafts, budget, None)
}

/// [`load`], taking the write-ups whose files did not change from `cache` (and keeping
/// what it reads there for the next build).
pub fn load_with(
    root: &Path,
    with_drafts: bool,
    budget: &BodyBudget,
    cache: Option<&ParseCache>,
) -> (Content, Vec<Diagnostic>) {
    let (config, mut diags) = read_config(root);
    let (files, walk_diags) = content_files(root);
    diags.extend(walk_diags);
    let results: Vec<(Option<FileDocs>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(
            |rel| match cache.filter(|_| kind_of(rel) == Some(Kind::ModelMarkdown)) {
                Some(cache) => load_cached(root, rel, &config, budget, cache),
                None => load_file(root, rel, &config, budget),
            },
        )
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for (loaded, d) in results {
        diags.extend(d);
        docs.extend(loaded);
    }
    (collect(config, docs, with_drafts), diags)
}

/// [`load_file`] for a write-up's Markdown file: what `cache` kept of it when the file did
/// not change, else the file read (and kept in `cache` for the next build).
fn load_cached(
    root: &Path,
    rel: &Path,
    config: &SiteConfig,
    budget: &BodyBudget,
    cache: &ParseCache,
) -> (Option<FileDocs>, Vec<Diagnostic>) {
    if let Some((model, warnings)) = cache.get(rel) {
        return (Some(FileDocs::Models(vec![model])), warnings);
    }
    let (loaded, d) = load_file(root, rel, config, budget);
    if let Some(FileDocs::Models(models)) = &loaded {
        if let [model] = models.as_slice() {
            cache.put(rel, model, &d);
        }
    }
    (loaded, d)
}

/// Reads one content file (a path relative to the site folder, as [`content_files`] lists
/// them). `None` when it is not a content file or could not be read; the problems found.
pub fn load_file(
    root: &Path,
    rel: &Path,
    config: &SiteConfig,
    budget: &BodyBudget,
) -> (Option<FileDocs>, Vec<Diagnostic>) {
    let mut d = Vec::new();
    let Some(kind) = kind_of(rel) else {
        return (None, d);
    };
    let Some(text) = read::read_text(root, rel, &mut d) else {
        return (None, d);
    };
    if kind == Kind::ModelList && text.len() > MAX_LIST_BYTES {
        d.push(Diagnostic::error(
            rel,
            1,
            1,
            crate::msg!(
                "content.list_too_large",
                size = text.len().div_ceil(1024),
                max = MAX_LIST_BYTES / 1024
            ),
        ));
        return (None, d);
    }
    let mut loaded = match kind {
        Kind::ModelMarkdown => match read::model_file(root, rel, &text, config, &mut d) {
            Ok(mut m) => {
                limit_body(rel, &mut m.body, &mut d);
                m.body.hash = text_hash(m.body.markdown.as_bytes()).max(1);
                budget.spend(&mut m.body);
                Some(FileDocs::Models(vec![m]))
            }
            Err(body) => body.map(|b| FileDocs::Rejected(rel.to_path_buf(), b)),
        },
        Kind::ModelList => Some(FileDocs::Models(read::model_list(
            root, rel, &text, config, &mut d,
        ))),
        Kind::Article => read::article_file(root, rel, &text, &mut d).map(FileDocs::Article),
        Kind::Page => read::page_file(root, rel, &text, &mut d).map(FileDocs::Page),
    };
    match &mut loaded {
        Some(FileDocs::Models(ms)) => ms
            .iter_mut()
            .for_each(|m| limit_body(rel, &mut m.body, &mut d)),
        Some(FileDocs::Article(a)) => limit_body(rel, &mut a.body, &mut d),
        Some(FileDocs::Page(p)) => limit_body(rel, &mut p.body, &mut d),
        Some(FileDocs::Rejected(_, b)) => limit_body(rel, b, &mut d),
        None => {}
    }
    (loaded, d)
}

/// Refuses a body over [`MAX_BODY_BYTES`] (an error at its first line) and drops its text,
/// so that nothing later spends memory on it.
fn limit_body(rel: &Path, body: &mut Body, diags: &mut Vec<Diagnostic>) {
    let len = body.markdown.len();
    if len <= MAX_BODY_BYTES {
        return;
    }
    diags.push(Diagnostic::error(
        rel,
        body.line_offset + 1,
        body.column_offset + 1,
        crate::msg!(
            "content.body_too_large",
            size = len.div_ceil(1024),
            max = MAX_BODY_BYTES / 1024
        ),
    ));
    body.markdown = String::new();
}

/// Puts the documents of every file (in [`content_files`] order) together, leaving out
/// drafts unless asked.
pub fn collect(
    config: SiteConfig,
    docs: impl IntoIterator<Item = FileDocs>,
    with_drafts: bool,
) -> Content {
    let mut content = Content {
        config,
        models: Vec::new(),
        articles: Vec::new(),
        pages: Vec::new(),
        rejected_bodies: Vec::new(),
    };
    for loaded in docs {
        match loaded {
            FileDocs::Models(ms) => content
                .models
                .extend(ms.into_iter().filter(|m| with_drafts || !m.draft)),
            FileDocs::Article(a) if with_drafts || !a.draft => content.articles.push(a),
            FileDocs::Page(p) if with_drafts || !p.draft => content.pages.push(p),
            FileDocs::Rejected(path, body) => content.rejected_bodies.push((path, body)),
            _ => {}
        }
    }
    content
}

/// Reads `content/site.yaml` (defaults when there is none) and the problems found in it.
pub fn read_config(root: &Path) -> (SiteConfig, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let config = load_config(root, &mut diags);
    (config, diags)
}

/// Every content file of the site (relative to `root`, in load order), walking `content/`
/// without following links out of the site; and the problems found on the way.
pub fn content_files(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (files, diags) = find_files(root, &root.join("content"));
    (files.into_iter().map(|(rel, _)| rel).collect(), diags)
}

/// True for a path (relative to the site) that [`load_file`] reads: `.md` under
/// `content/models|news|pages/`, `.yaml`/`.yml` under `content/models/`.
pub fn is_content_file(rel: &Path) -> bool {
    kind_of(rel).is_some()
}

/// What a file holds, from its place under `content/` and its extension.
fn kind_of(rel: &Path) -> Option<Kind> {
    let under = rel.strip_prefix("content").ok()?;
    let top = under
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match (top.as_deref(), ext.as_str()) {
        (Some("models"), "md") => Some(Kind::ModelMarkdown),
        (Some("models"), "yaml" | "yml") => Some(Kind::ModelList),
        (Some("news"), "md") => Some(Kind::Article),
        (Some("pages"), "md") => Some(Kind::Page),
        _ => None,
    }
}

/// A hash of a text or a file's bytes, the same in every run: tells whether a file changed
/// between two reads (`dvk serve`, a build that reads bodies again). XXH3: a quarter of the
/// instructions of the standard library's SipHash on a write-up (callgrind, 1k corpus).
pub fn text_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The Markdown of model file `rel`, read again as [`load`] took it, for a build that
/// dropped it to save memory: it must still be the body `kept` tells of.
/// `None`, with the problem in `diags`, when the file cannot be read or has changed.
pub fn reread_model_body(
    root: &Path,
    rel: &Path,
    kept: InFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let InFile { len, hash } = kept;
    let same = |body: &str| body.len() == len && text_hash(body.as_bytes()) == hash;
    // A file saved as dvk normalises it (no BOM, `\n` line ends, NFC) ends with the loaded
    // body as it is: then its last `len` bytes are read, and their hash alone tells.
    if let Some(body) = read::read_tail(root, rel, len) {
        if same(&body) {
            return Some(body);
        }
    }
    let raw = read::read_utf8(root, rel, diags)?;
    let text = read::normalize_text(raw);
    match frontmatter::split(&text, rel) {
        Ok(split) if same(split.body) => Some(split.body.to_owned()),
        Ok(_) => {
            diags.push(Diagnostic::error(
                rel,
                0,
                0,
                crate::msg!("content.changed_while_building"),
            ));
            None
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn load_config(root: &Path, diags: &mut Vec<Diagnostic>) -> SiteConfig {
    let rel = Path::new("content/site.yaml");
    if !root.join(rel).exists() {
        return SiteConfig::default();
    }
    let Some(text) = read::read_text(root, rel, diags) else {
        return SiteConfig::default();
    };
    let (config, d) = SiteConfig::parse(&text, rel);
    diags.extend(d);
    config
}

/// Walks `content/` (never following links out of the site) and classifies every file.
fn find_files(root: &Path, content_dir: &Path) -> (Vec<(PathBuf, Kind)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    if !content_dir.is_dir() {
        diags.push(Diagnostic::error(
            Path::new("content"),
            0,
            0,
            crate::msg!("content.no_content_folder", root = root.display()),
        ));
        return (files, diags);
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // `content/` itself may be a link (followed); its entries' links are not.
    let top = fs::symlink_metadata(content_dir)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| walk::Found::Link(content_dir.to_path_buf()));
    for found in top.into_iter().chain(walk::walk(content_dir)) {
        let path = match found {
            walk::Found::File(p) => p,
            walk::Found::Link(p) => {
                let rel = rel_to(root, &p);
                match p.canonicalize() {
                    Ok(target) if target.starts_with(&canonical_root) => {
                        if target.is_dir() {
                            diags.push(Diagnostic::warning(
                                &rel,
                                0,
                                0,
                                crate::msg!("content.folder_link"),
                            ));
                            continue;
                        }
                    }
                    _ => {
                        diags.push(Diagnostic::error(
                            &rel,
                            0,
                            0,
                            crate::msg!("content.link_outside"),
                        ));
                        continue;
                    }
                }
                p
            }
            walk::Found::Unreadable(p, e) => {
                let p = rel_to(root, &p);
                // A folder that cannot be listed is the machine's problem (exit 2), unless
                // it was removed while being walked.
                diags.push(if e.kind() == std::io::ErrorKind::NotFound {
                    Diagnostic::error(&p, 0, 0, crate::msg!("content.cannot_read", detail = e))
                } else {
                    // The system's reason alone: the path is the diagnostic's own.
                    Diagnostic::io_error(&p, crate::msg!("content.unreadable", detail = e))
                });
                continue;
            }
        };
        let rel = rel_to(root, &path);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if rel.strip_prefix("content").is_err() {
            continue;
        }
        let ext = rel
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let kind = kind_of(&rel);
        if kind.is_none() {
            diags.extend(mistakes::ignored_file(root, &rel, &ext));
        }
        if kind.is_none() && ext == "md" {
            diags.push(Diagnostic::warning(
                &rel,
                0,
                0,
                crate::msg!("content.md_not_published"),
            ));
        }
        if let Some(kind) = kind {
            files.push((rel, kind));
        }
    }
    (files, diags)
}

/// `path` relative to `root` (as given when it is not below it).
pub fn rel_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Body {
        Body {
            markdown: text.to_string(),
            ..Body::default()
        }
    }

    #[test]
    fn a_budget_keeps_bodies_while_they_fit_then_leaves_them_in_their_files() {
        let budget = BodyBudget::new(10);
        let (mut a, mut b, mut c) = (body("sáu b"), body("năm b"), body("ab"));
        budget.spend(&mut a); // 6 bytes: 4 left
        budget.spend(&mut b); // 6 bytes: does not fit
        budget.spend(&mut c); // 2 bytes: fits in what is left
        assert_eq!((a.markdown.as_str(), a.in_file), ("sáu b", None));
        assert_eq!((c.markdown.as_str(), c.in_file), ("ab", None));
        assert_eq!(b.markdown, "");
        assert_eq!(
            b.in_file,
            Some(InFile {
                len: 6,
                hash: text_hash("năm b".as_bytes())
            })
        );
        let mut d = body(&"x".repeat(1 << 20));
        BodyBudget::unlimited().spend(&mut d);
        assert!(d.in_file.is_none() && d.markdown.len() == 1 << 20);
    }
}

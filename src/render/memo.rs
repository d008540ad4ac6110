//! Pages kept from the last build: a page whose inputs hash to the key they had when its
//! bytes were last made, and whose file the previous output still holds with those bytes,
//! is not rendered again (the output keeps the file, [`Sink::keep`]).
//!
//! The memo (`.dvk-cache/pages.bin`) lists, for each page file, the key of its inputs and a
//! hash of the bytes they gave. Both are facts about dvk's rendering, not about a folder:
//! the same key always gives the same bytes (the key covers the program, the theme, the
//! values every page shares and everything the page puts in its context), so the memo stays
//! true whatever happens to the output, and the output layer checks that the file there
//! still has those bytes. A model page is kept only when its search document is carried by
//! the index too ([`dvk_search::IndexBuilder::carries`]), under the same key. Pages whose
//! bodies link or show files, highlight code or have problems are always rendered.
//!
//! The renderer makes every page through here ([`super::Renderer::page`] and its keyed
//! variants): the key, the lookup, and the rendering when the page cannot be kept.

use super::{error_chain, Sink};
use crate::diag::Diagnostic;
use crate::output::manifest::PathMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use tera::Context;
use xxhash_rust::xxh3::Xxh3;

/// First bytes of a memo file (and its format's version).
const MAGIC: &[u8; 8] = b"dvkpag01";

/// The memo of this build: what the last one left, and what this one made.
#[derive(Default)]
pub(super) struct Memo {
    /// What every page's key starts from: the program, the theme and the shared values.
    global: u64,
    /// Page file → (key, hash of its bytes), from the last build.
    earlier: PathMap<(u64, u64)>,
    /// The keys of the search documents the index carries from the last build: a page is
    /// kept only when its document is among them (the index does not analyse it again).
    pub(super) carried: std::collections::HashSet<u64>,
    /// Page file → (key, hash of its bytes) of the pages made or kept by this build.
    now: Mutex<Vec<(String, u64, u64)>>,
    /// Pages kept.
    kept: std::sync::atomic::AtomicUsize,
    /// A build's memo ([`Memo::load`]): what it makes is noted, to be saved. (`dvk serve`'s
    /// renderer has none, and notes nothing.)
    active: bool,
}

fn path(root: &Path) -> PathBuf {
    root.join(".dvk-cache").join("pages.bin")
}

impl Memo {
    /// The memo the last build of `root` left, for pages whose keys start from `global`.
    pub(super) fn load(root: &Path, global: u64) -> Memo {
        let mut earlier = PathMap::default();
        if let Ok(bytes) = fs::read(path(root)) {
            read(&bytes, global, &mut earlier);
        }
        Memo {
            global,
            earlier,
            active: true,
            ..Memo::default()
        }
    }

    /// A page's key: the global part, then what `parts` feeds it.
    pub(super) fn key(&self, parts: impl FnOnce(&mut Xxh3)) -> u64 {
        let mut h = Xxh3::new();
        h.update(&self.global.to_le_bytes());
        parts(&mut h);
        h.digest()
    }

    /// Keeps the previous output's `file` when its key was `key` and the file still holds
    /// the bytes that key gave, and the index carries its search document `doc_key`; false
    /// when the page must be rendered.
    pub(super) fn kept(&self, sink: &dyn Sink, file: &str, key: u64, doc_key: u64) -> bool {
        self.carried.contains(&doc_key) && self.kept_page(sink, file, key)
    }

    /// [`Memo::kept`] for a page without a search document.
    pub(super) fn kept_page(&self, sink: &dyn Sink, file: &str, key: u64) -> bool {
        let Some(&(k, hash)) = self.earlier.get(file) else {
            return false;
        };
        if k != key || !sink.keep(file, hash) {
            return false;
        }
        self.note(file, key, hash);
        self.kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        true
    }

    /// Whether no page of the last build can be kept: there was none, or its pages were
    /// made from other shared values, another theme or another program.
    pub(super) fn keeps_none(&self) -> bool {
        self.earlier.is_empty()
    }

    /// Whether pages are keyed at all: a build's memo, not the preview's.
    pub(super) fn is_active(&self) -> bool {
        self.active
    }

    /// How many pages were kept so far.
    pub(super) fn kept_count(&self) -> usize {
        self.kept.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records that `file` was made with key `key` into `bytes`.
    pub(super) fn made(&self, file: &str, key: u64, bytes: &[u8]) {
        if !self.active {
            return;
        }
        self.note(file, key, xxhash_rust::xxh3::xxh3_64(bytes));
    }

    fn note(&self, file: &str, key: u64, hash: u64) {
        self.now
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((file.to_string(), key, hash));
    }

    /// Saves what this build made and kept, for the next (a new file renamed over the
    /// old; a failure only costs the next build the pages' rendering).
    pub(super) fn save(self, root: &Path) {
        if !self.active {
            return;
        }
        let now = self.now.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::with_capacity(16 + now.len() * 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.global.to_le_bytes());
        for (file, key, hash) in &now {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&hash.to_le_bytes());
            out.extend_from_slice(&(file.len() as u32).to_le_bytes());
            out.extend_from_slice(file.as_bytes());
        }
        let target = path(root);
        let tmp = target.with_file_name(format!(".pages.{}.tmp", std::process::id()));
        let _ = crate::fresh::save_checked(&target, &tmp, &mut |w| w.write_all(&out));
    }
}

/// The key of a model's search document: `fields` ([`dvk_search::doc_key`] of the document
/// without its body) and the hash of the body's Markdown, for this program (a body's text
/// depends on nothing else when it links nothing).
pub(super) fn doc_key(fields: u64, markdown: u64) -> u64 {
    let mut h = Xxh3::new();
    h.update(&crate::fresh::program_salt().to_le_bytes());
    h.update(&fields.to_le_bytes());
    h.update(&markdown.to_le_bytes());
    h.digest()
}

/// The part of a page's key for the site-wide values under `site` (`site`, an object) that
/// its template reads: the keys of `reads`, or all of them (`None`).
pub(super) fn site_key(
    site: &serde_json::Value,
    reads: Option<&std::collections::BTreeSet<String>>,
) -> u64 {
    let mut h = Xxh3::new();
    match (reads, site.as_object()) {
        (Some(keys), Some(values)) => {
            for k in keys {
                feed(&mut h, &(k, values.get(k)));
            }
        }
        _ => feed(&mut h, site),
    }
    h.digest()
}

/// Feeds a value to a key's hash ([`super::hashing`]: its data with their kinds and lengths;
/// a value's bytes end where it ends, no separator needed).
pub(super) use super::hashing::feed;

/// Reads a memo file's entries into `into` when it was made for `global` and is whole.
fn read(bytes: &[u8], global: u64, into: &mut PathMap<(u64, u64)>) -> Option<()> {
    let body = crate::fresh::checked(bytes)?;
    let (head, mut rest) = body.split_at_checked(16)?;
    if &head[..8] != MAGIC || head[8..] != global.to_le_bytes() {
        return None;
    }
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (a, b) = rest.split_at_checked(n)?;
        *rest = b;
        Some(a)
    }
    let u64_of = |b: &[u8]| b.try_into().ok().map(u64::from_le_bytes);
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let key = u64_of(take(&mut rest, 8)?)?;
        let hash = u64_of(take(&mut rest, 8)?)?;
        let n = u32::from_le_bytes(take(&mut rest, 4)?.try_into().ok()?) as usize;
        let file = std::str::from_utf8(take(&mut rest, n)?).ok()?.to_string();
        entries.push((file, (key, hash)));
    }
    into.extend(entries);
    Some(())
}

/// How the renderer makes a page: keyed, and kept from the last build when it can be.
impl super::Renderer<'_> {
    /// What `template` reads of the site's shared values, hashed: the part of a key that
    /// changes when one of them does.
    pub(super) fn template_site_key(&self, template: &str) -> u64 {
        self.site_keys
            .get(template)
            .copied()
            .unwrap_or(self.all_site_key)
    }

    /// A key of a page made with `template`: the memo's, then what `template` reads of
    /// `site`, then what `parts` feeds it.
    pub(super) fn page_key(
        &self,
        template: &str,
        parts: impl FnOnce(&mut xxhash_rust::xxh3::Xxh3),
    ) -> u64 {
        let site = self.template_site_key(template);
        self.memo.key(|h| {
            h.update(&site.to_le_bytes());
            parts(h);
        })
    }

    /// Renders a template into `path/index.html` (or the file `path` when it ends in .html).
    /// Kept from the last build instead when the template, the path and the page's own
    /// values are as they were then ([`memo`]: the shared values are in every key).
    pub(super) fn page(
        &self,
        sink: &dyn Sink,
        template: &str,
        path: &str,
        ctx: Context,
    ) -> Option<String> {
        self.page_filled(sink, template, path, ctx, |_| {}, |_| {})
    }

    /// [`Renderer::page`] for a page of many cards, added to `ctx` by `fill` only when the
    /// page is rendered: the key covers what `ctx` holds and what `key` feeds it (the keys
    /// of those cards, [`Renderer::feed_cards`], and whatever else `fill` adds).
    pub(super) fn page_filled(
        &self,
        sink: &dyn Sink,
        template: &str,
        path: &str,
        mut ctx: Context,
        key: impl FnOnce(&mut xxhash_rust::xxh3::Xxh3),
        fill: impl FnOnce(&mut Context),
    ) -> Option<String> {
        let key = self.memo.is_active().then(|| {
            self.page_key(template, |h| {
                feed(h, &(template, path, ctx.own_values()));
                key(h);
            })
        });
        if let Some(key) = key {
            if self.memo.kept_page(sink, &page_file(path), key) {
                self.files.fetch_add(1, Ordering::Relaxed);
                return Some(path.to_string());
            }
        }
        fill(&mut ctx);
        self.page_keyed(sink, template, path, ctx, key)
    }

    /// Feeds a page's key the keys of the cards of models `items`, in order.
    pub(super) fn feed_cards(&self, h: &mut xxhash_rust::xxh3::Xxh3, items: &[usize]) {
        h.update(&(items.len() as u64).to_le_bytes());
        for &i in items {
            h.update(&self.kept_card(i).key.to_le_bytes());
        }
    }

    /// [`Renderer::page`], noting in the memo that `key` gave these bytes ([`memo`]).
    pub(super) fn page_keyed(
        &self,
        sink: &dyn Sink,
        template: &str,
        path: &str,
        ctx: Context,
        key: Option<u64>,
    ) -> Option<String> {
        // Into bytes: `render` would validate the whole page as UTF-8 once more.
        let mut html = Vec::with_capacity(32 * 1024);
        match self.tera.render_to(template, &ctx, &mut html) {
            Ok(()) => {
                let file = page_file(path);
                if let Some(key) = key {
                    self.memo.made(&file, key, &html);
                }
                self.write(sink, &file, &html);
                Some(path.to_string())
            }
            Err(e) => {
                self.diag(Diagnostic::error(
                    &PathBuf::from("themes")
                        .join(&self.site.config.theme)
                        .join("templates")
                        .join(template),
                    0,
                    0,
                    crate::msg!(
                        "render.template_failed",
                        path = path,
                        error = error_chain(&e)
                    ),
                ));
                None
            }
        }
    }
}

/// The file of the page at site path `path`: `path/index.html`, or `path` itself when it
/// names an `.html` file.
pub(super) fn page_file(path: &str) -> String {
    if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{path}index.html")
    }
}

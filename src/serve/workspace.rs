//! The server's in-memory copy of a site: every content file as last read, the site that is
//! being served, and the rebuild after a change.
//!
//! Two ways to rebuild:
//! - **patch** (the usual edit): when the changed files hold the same models as before with
//!   the same title, slug, year, date, place, field, exemplary flag and replication source
//!   (nothing that decides URLs, listings, order or counts), the served [`Site`] is patched in
//!   place: only those models (and their summaries) are replaced. The link map and the
//!   prepared renderer's other state are kept; only the pages that show the changed models
//!   are dropped from the page cache (just the model's own page when only its text changed).
//! - **reassemble**: anything else (a file added, deleted or renamed, a title or place
//!   changed, an article, page, `site.yaml` or theme changed) re-assembles the site from the
//!   documents in memory (no file is re-read except the changed ones) and empties the cache.
//!
//! In both cases pages are rendered again only when a browser asks for them.

use crate::config::SiteConfig;
use crate::content::{self, FileDocs, Model};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{self, Theme};
use crate::site::{self, Site};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything a served snapshot owns.
pub(crate) struct Owner {
    pub(crate) root: PathBuf,
    pub(crate) site: Site,
    pub(crate) theme: Arc<Theme>,
    pub(crate) links: HashMap<PathBuf, String>,
}

type Prep<'a> = render::Prepared<'a>;

self_cell::self_cell!(
    /// A site ready to render any of its pages on demand.
    pub(crate) struct Snapshot {
        owner: Owner,
        #[covariant]
        dependent: Prep,
    }
);

impl Snapshot {
    /// Prepares rendering of an owned site.
    pub(crate) fn prepare(owner: Owner) -> Snapshot {
        Snapshot::new(owner, |o| {
            render::Prepared::new(&o.root, &o.site, &o.theme, &o.links)
        })
    }

    /// The site.
    pub(crate) fn site(&self) -> &Site {
        &self.borrow_owner().site
    }

    /// The theme.
    pub(crate) fn theme(&self) -> &Theme {
        &self.borrow_owner().theme
    }

    /// The prepared renderer.
    pub(crate) fn prepared(&self) -> &render::Prepared<'_> {
        self.borrow_dependent()
    }
}

/// Which pages a rebuild changed (site paths such as `mo-hinh/x/`; a page's own files are
/// below its path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Changed {
    /// Every page may have changed.
    All,
    /// Only the pages at these paths (and files below them) changed.
    Pages(BTreeSet<String>),
}

impl Changed {
    /// True when the page or file at site path `path` may have changed.
    pub(crate) fn touches(&self, path: &str) -> bool {
        match self {
            Changed::All => true,
            Changed::Pages(p) => p.iter().any(|c| {
                if c.is_empty() {
                    path.is_empty() || path == "index.html"
                } else {
                    path.starts_with(c.as_str())
                }
            }),
        }
    }
}

/// One content file as last read.
struct FileEntry {
    hash: u64,
    docs: Option<FileDocs>,
    diags: Vec<Diagnostic>,
}

/// What a rebuild decided.
pub(crate) enum Outcome {
    /// Nothing changed that matters.
    Unchanged,
    /// The content has errors: the served site stays as it was.
    Broken,
    /// A new site is served.
    Published {
        /// Pages that changed.
        changed: Changed,
        /// Models patched in place (0 when the site was re-assembled).
        patched: usize,
        /// True when the site was re-assembled.
        reassembled: bool,
        /// Site paths of models whose search documents changed (patch only).
        docs_changed: Vec<usize>,
    },
}

/// The site folder as the server knows it.
pub(crate) struct Workspace {
    root: PathBuf,
    drafts: bool,
    base_url: String,
    config: SiteConfig,
    config_diags: Vec<Diagnostic>,
    walk_diags: Vec<Diagnostic>,
    files: BTreeMap<PathBuf, FileEntry>,
    theme: Option<Arc<Theme>>,
    theme_diags: Vec<Diagnostic>,
    /// Problems found when assembling the site (slugs, references), and lints.
    assemble_diags: Vec<Diagnostic>,
    /// Problems found in bodies (broken links, missing images), by source file.
    link_diags: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Problems found while rendering pages (template errors), by page.
    render_diags: BTreeMap<String, Vec<Diagnostic>>,
    /// Hash of each file the served site was built from.
    served: BTreeMap<PathBuf, u64>,
    /// Files read, added or dropped since the served site was built (so a rebuild need not
    /// compare every file).
    pending: BTreeSet<PathBuf>,
    /// True once a site without errors has been served.
    served_good: bool,
    /// True when the served site needs re-assembling whatever changed (theme or config).
    force_reassemble: bool,
}

impl Workspace {
    /// Reads the whole site (config, theme, every content file).
    pub(crate) fn open(root: &Path, drafts: bool, base_url: String) -> Workspace {
        let mut ws = Workspace {
            root: root.to_path_buf(),
            drafts,
            base_url,
            config: SiteConfig::default(),
            config_diags: Vec::new(),
            walk_diags: Vec::new(),
            files: BTreeMap::new(),
            theme: None,
            theme_diags: Vec::new(),
            assemble_diags: Vec::new(),
            link_diags: BTreeMap::new(),
            render_diags: BTreeMap::new(),
            served: BTreeMap::new(),
            pending: BTreeSet::new(),
            served_good: false,
            force_reassemble: true,
        };
        ws.reload_config();
        ws.reload_theme();
        ws.rescan();
        ws
    }

    fn reload_config(&mut self) {
        let (mut config, d) = content::read_config(&self.root);
        config.base_url = self.base_url.clone();
        self.config = config;
        self.config_diags = d;
    }

    /// Loads the theme again (after a change under `themes/`).
    pub(crate) fn reload_theme(&mut self) {
        match Theme::load(&self.root, &self.config.theme, &self.config.language) {
            Ok(t) => {
                self.theme = Some(Arc::new(t));
                self.theme_diags.clear();
            }
            Err(d) => self.theme_diags = d,
        }
        self.render_diags.clear();
        self.force_reassemble = true;
    }

    /// `site.yaml` changed: every file is read again (fields decide how documents read).
    pub(crate) fn reload_all(&mut self) {
        let theme_name = (self.config.theme.clone(), self.config.language.clone());
        self.reload_config();
        if theme_name != (self.config.theme.clone(), self.config.language.clone()) {
            self.reload_theme();
        }
        self.pending.extend(self.files.keys().cloned());
        self.files.clear();
        self.rescan();
        self.force_reassemble = true;
    }

    /// Walks `content/` again: new files are read, vanished ones dropped, changed ones re-read.
    pub(crate) fn rescan(&mut self) {
        let (list, walk_diags) = content::content_files(&self.root);
        self.walk_diags = walk_diags;
        let keep: BTreeSet<&PathBuf> = list.iter().collect();
        let gone: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| !keep.contains(p))
            .cloned()
            .collect();
        for p in gone {
            self.files.remove(&p);
            self.pending.insert(p);
        }
        let loaded: Vec<(PathBuf, Option<FileEntry>)> = {
            use rayon::prelude::*;
            let files = &self.files;
            list.par_iter()
                .map(|rel| {
                    (
                        rel.clone(),
                        self.read_if_changed(rel, files.get(rel).map(|e| e.hash)),
                    )
                })
                .collect()
        };
        for (rel, entry) in loaded {
            if let Some(e) = entry {
                self.pending.insert(rel.clone());
                self.files.insert(rel, e);
            }
        }
    }

    /// Reads `rel` when its bytes differ from `old_hash`; `None` when unchanged.
    fn read_if_changed(&self, rel: &Path, old_hash: Option<u64>) -> Option<FileEntry> {
        let hash = match old_hash {
            // A file seen for the first time: its size and time stand for its text (no second
            // read); a later event compares texts, and a mere touch then costs one patch.
            None => {
                let m = std::fs::metadata(self.root.join(rel)).ok();
                let stamp = m.map(|m| (m.len(), m.modified().ok())).unwrap_or((0, None));
                let mut h = std::collections::hash_map::DefaultHasher::new();
                stamp.hash(&mut h);
                h.finish()
            }
            Some(old) => {
                let hash =
                    content::text_hash(&std::fs::read(self.root.join(rel)).unwrap_or_default());
                if old == hash {
                    return None;
                }
                hash
            }
        };
        let (docs, diags) = content::load_file(
            &self.root,
            rel,
            &self.config,
            &content::BodyBudget::unlimited(),
        );
        Some(FileEntry { hash, docs, diags })
    }

    /// Applies changes to the files at these paths (relative to the site): each is read
    /// again, dropped when gone, or (a folder) walked. Returns false when a full rescan is
    /// needed instead (a link, or a path this cannot judge).
    pub(crate) fn update_paths(&mut self, paths: &BTreeSet<PathBuf>) -> bool {
        for rel in paths {
            let full = self.root.join(rel);
            match std::fs::symlink_metadata(&full) {
                Ok(m) if m.file_type().is_symlink() => return false,
                Ok(m) if m.is_dir() => return false,
                Ok(m) if m.is_file() => {
                    if content::is_content_file(rel) && !hidden(rel) {
                        let old = self.files.get(rel).map(|e| e.hash);
                        if let Some(e) = self.read_if_changed(rel, old) {
                            self.pending.insert(rel.clone());
                            self.files.insert(rel.clone(), e);
                        }
                    } else {
                        // A photo or other file: documents beside it or above it may use it.
                        self.reread_users_of(rel);
                    }
                }
                Ok(_) => {}
                Err(_) => {
                    // Gone: the file itself, or a whole folder.
                    let gone: Vec<PathBuf> = self
                        .files
                        .range(rel.clone()..)
                        .take_while(|(p, _)| p.starts_with(rel))
                        .map(|(p, _)| p.clone())
                        .collect();
                    for p in &gone {
                        self.files.remove(p);
                        self.pending.insert(p.clone());
                    }
                    if gone.is_empty() && !content::is_content_file(rel) {
                        self.reread_users_of(rel);
                    }
                }
            }
        }
        true
    }

    /// Reads again the documents in the folder of `rel` and the folders above it.
    fn reread_users_of(&mut self, rel: &Path) {
        let dirs: Vec<&Path> = rel.ancestors().skip(1).collect();
        let users: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| p.parent().is_some_and(|parent| dirs.contains(&parent)))
            .cloned()
            .collect();
        for p in users {
            let (docs, diags) = content::load_file(
                &self.root,
                &p,
                &self.config,
                &content::BodyBudget::unlimited(),
            );
            if let Some(e) = self.files.get_mut(&p) {
                e.docs = docs;
                e.diags = diags;
                e.hash = e.hash.wrapping_add(1);
                self.pending.insert(p);
            }
        }
    }

    /// Every current problem, sorted: errors and warnings.
    pub(crate) fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = Diagnostics::default();
        all.extend(self.config_diags.iter().cloned());
        all.extend(self.walk_diags.iter().cloned());
        all.extend(self.theme_diags.iter().cloned());
        for e in self.files.values() {
            all.extend(e.diags.iter().cloned());
        }
        all.extend(self.assemble_diags.iter().cloned());
        for d in self.link_diags.values() {
            all.extend(d.iter().cloned());
        }
        for d in self.render_diags.values() {
            all.extend(d.iter().cloned());
        }
        all.sorted()
    }

    /// The current errors only.
    pub(crate) fn errors(&self) -> Vec<Diagnostic> {
        self.diagnostics()
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect()
    }

    /// Files whose current text differs from the served site's, and whether files were
    /// added or dropped.
    fn dirty(&self) -> (Vec<PathBuf>, bool) {
        let mut dirty = Vec::new();
        let mut set_changed = false;
        for p in &self.pending {
            match (self.files.get(p), self.served.get(p)) {
                (Some(e), Some(&h)) if e.hash == h => {}
                (Some(_), Some(_)) => dirty.push(p.clone()),
                (None, None) => {}
                _ => {
                    set_changed = true;
                    dirty.push(p.clone());
                }
            }
        }
        (dirty, set_changed)
    }

    /// Replaces the problems found in bodies (after a check of every body).
    pub(crate) fn set_link_diags(&mut self, diags: Vec<Diagnostic>) {
        self.link_diags.clear();
        for d in diags {
            self.link_diags.entry(d.path.clone()).or_default().push(d);
        }
    }

    /// Records the problems found while rendering one page (empty clears them).
    pub(crate) fn set_render_diags(&mut self, page: &str, diags: Vec<Diagnostic>) -> bool {
        let old = self.render_diags.get(page).cloned().unwrap_or_default();
        if old == diags {
            return false;
        }
        if diags.is_empty() {
            self.render_diags.remove(page);
        } else {
            self.render_diags.insert(page.to_string(), diags);
        }
        true
    }

    /// Brings the served site up to date with the files. `current` is the served snapshot,
    /// taken out of the server (so it can be patched in place); the new one is returned.
    pub(crate) fn rebuild(&mut self, current: Option<Snapshot>) -> (Option<Snapshot>, Outcome) {
        let (dirty, set_changed) = self.dirty();
        if dirty.is_empty() && !set_changed && !self.force_reassemble && current.is_some() {
            let outcome = if self.errors().is_empty() {
                Outcome::Unchanged
            } else {
                Outcome::Broken
            };
            self.pending.clear();
            return (current, outcome);
        }
        let Some(theme) = self.theme.clone() else {
            return (current, Outcome::Broken);
        };
        let load_errors = self
            .config_diags
            .iter()
            .chain(&self.walk_diags)
            .chain(&self.theme_diags)
            .any(Diagnostic::is_error)
            || self
                .files
                .values()
                .any(|e| e.diags.iter().any(Diagnostic::is_error));

        // Patch in place when the changed files keep every model's place in the site.
        if let Some(snap) = current {
            if !set_changed && !self.force_reassemble && !load_errors {
                match self.try_patch(snap, &dirty) {
                    Ok(result) => return result,
                    Err(snap) => return self.reassemble(Some(snap), theme, load_errors),
                }
            }
            return self.reassemble(Some(snap), theme, load_errors);
        }
        self.reassemble(None, theme, load_errors)
    }

    /// Patches the served site when every dirty file holds models whose structure is unchanged.
    #[allow(clippy::result_large_err)]
    fn try_patch(
        &mut self,
        snap: Snapshot,
        dirty: &[PathBuf],
    ) -> Result<(Option<Snapshot>, Outcome), Snapshot> {
        // Which models of the served site come from each dirty file, and their new versions.
        let mut plan: Vec<(usize, Model)> = Vec::new();
        {
            let site = snap.site();
            for p in dirty {
                let Some(FileDocs::Models(new)) = self.files.get(p).and_then(|e| e.docs.as_ref())
                else {
                    return Err(snap);
                };
                let new: Vec<&Model> = new.iter().filter(|m| self.drafts || !m.draft).collect();
                let old: Vec<usize> = site
                    .models
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| &m.origin.path == p)
                    .map(|(i, _)| i)
                    .collect();
                if old.len() != new.len()
                    || old
                        .iter()
                        .zip(&new)
                        .any(|(&i, n)| !same_structure(&site.models[i], n))
                {
                    return Err(snap);
                }
                plan.extend(old.into_iter().zip(new.into_iter().cloned()));
            }
        }
        // Check the new bodies' links before touching anything.
        let mut new_link_diags: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        {
            let links = &snap.borrow_owner().links;
            for (_, m) in &plan {
                let mut d = Vec::new();
                crate::content::markdown::render(
                    &self.root,
                    &m.origin.path,
                    &m.body,
                    &crate::content::markdown::LinkCheck {
                        pages: links,
                        attachments: &self.config.attachments,
                    },
                    &mut d,
                );
                new_link_diags
                    .entry(m.origin.path.clone())
                    .or_default()
                    .extend(d);
            }
        }
        for p in dirty {
            new_link_diags.entry(p.clone()).or_default();
        }
        let mut link_diags = self.link_diags.clone();
        for (p, d) in new_link_diags {
            if d.is_empty() {
                link_diags.remove(&p);
            } else {
                link_diags.insert(p, d);
            }
        }
        if link_diags.values().flatten().any(Diagnostic::is_error) {
            self.link_diags = link_diags;
            return Ok((Some(snap), Outcome::Broken));
        }
        self.link_diags = link_diags;

        let mut owner = snap.into_owner();
        let mut changed: BTreeSet<String> = BTreeSet::new();
        let mut docs_changed = Vec::new();
        for (i, m) in &plan {
            let i = *i;
            let summary = site::summary_of(m);
            // A card shows the title, place, field, host, level, exemplary flag, summary and cover.
            let only_text =
                only_text_differs(&owner.site.models[i], m) && *summary == *owner.site.summaries[i];
            owner.site.models[i] = m.clone();
            owner.site.summaries[i] = summary.into();
            docs_changed.push(i);
            changed.insert(crate::routes::model(&owner.site.slugs[i]));
            if !only_text {
                changed.extend(render::pages_showing(&owner.site, i));
            }
        }
        for p in dirty {
            if let Some(e) = self.files.get(p) {
                self.served.insert(p.clone(), e.hash);
            }
        }
        self.pending.clear();
        let patched = plan.len();
        let snap = Snapshot::prepare(owner);
        Ok((
            Some(snap),
            Outcome::Published {
                changed: Changed::Pages(changed),
                patched,
                reassembled: false,
                docs_changed,
            },
        ))
    }

    /// Assembles the site again from the documents in memory.
    fn reassemble(
        &mut self,
        current: Option<Snapshot>,
        theme: Arc<Theme>,
        load_errors: bool,
    ) -> (Option<Snapshot>, Outcome) {
        let docs: Vec<FileDocs> = self.files.values().filter_map(|e| e.docs.clone()).collect();
        let content = content::collect(self.config.clone(), docs, self.drafts);
        let (site, mut diags) = Site::assemble(content);
        crate::lints::locate_keys(&self.root, &mut diags);
        diags.extend(crate::site_warnings(&self.root, &site));
        self.assemble_diags = diags;
        let links = render::link_map(&site);
        // Bodies of changed files are checked now; every body is checked again in the
        // background (links may now lead elsewhere), as after the first build.
        let (dirty, _) = self.dirty();
        for p in &dirty {
            self.link_diags.remove(p);
        }
        // (The first build, or one after many files changed, leaves it all to the background.)
        let dirty: BTreeSet<PathBuf> = if current.is_none() || dirty.len() > 64 {
            BTreeSet::new()
        } else {
            dirty.into_iter().collect()
        };
        for m in site
            .models
            .iter()
            .filter(|m| dirty.contains(&m.origin.path))
        {
            let mut d = Vec::new();
            let check = crate::content::markdown::LinkCheck {
                pages: &links,
                attachments: &self.config.attachments,
            };
            crate::content::markdown::render(&self.root, &m.origin.path, &m.body, &check, &mut d);
            if !d.is_empty() {
                self.link_diags
                    .entry(m.origin.path.clone())
                    .or_default()
                    .extend(d);
            }
        }
        let has_errors = load_errors || self.errors().iter().any(Diagnostic::is_error);
        if has_errors && self.served_good && current.is_some() {
            return (current, Outcome::Broken);
        }
        self.served = self
            .files
            .iter()
            .map(|(p, e)| (p.clone(), e.hash))
            .collect();
        self.pending.clear();
        self.served_good = !has_errors;
        self.force_reassemble = false;
        self.render_diags.clear();
        // (With errors here, nothing good was ever served: serve what loads, errors shown.)
        let snap = Snapshot::prepare(Owner {
            root: self.root.clone(),
            site,
            theme,
            links,
        });
        let outcome = Outcome::Published {
            changed: Changed::All,
            patched: 0,
            reassembled: true,
            docs_changed: Vec::new(),
        };
        (Some(snap), outcome)
    }
}

/// Names editors' tools give to temporary and hidden files.
pub(crate) fn hidden(rel: &Path) -> bool {
    rel.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| {
            n.starts_with('.')
                || n.starts_with('#')
                || n.ends_with('~')
                || n.ends_with(".swp")
                || n.ends_with(".swx")
                || n.ends_with(".tmp")
                || n == "4913"
        })
}

/// True when `a` and `b` are listed in the same places under the same names: nothing that
/// decides a page, a listing or a URL differs. Every field of [`Model`] is named here (no
/// `..`), so a new key does not compile until it is sorted into this check or
/// [`only_text_differs`]: `dvk serve` cannot miss an edit of a key someone forgot.
fn same_structure(a: &Model, b: &Model) -> bool {
    let Model {
        origin,
        title,
        year,
        province,
        district,
        commune,
        field,
        exemplary,
        date,
        replicated_from,
        slug,
        draft,
        // Shown on the model's pages and cards, compared by `only_text_differs`.
        host: _,
        level: _,
        summary: _,
        lead: _,
        results: _,
        photos: _,
        tags: _,
        body: _,
    } = a;
    *origin == b.origin
        && *title == b.title
        && *slug == b.slug
        && *year == b.year
        && *date == b.date
        && *province == b.province
        && *district == b.district
        && *commune == b.commune
        && *field == b.field
        && *exemplary == b.exemplary
        && *replicated_from == b.replicated_from
        && *draft == b.draft
}

/// True when only the body text differs (and the summary, when written out). Like
/// [`same_structure`], names every field.
fn only_text_differs(a: &Model, b: &Model) -> bool {
    let Model {
        host,
        level,
        summary,
        results,
        photos,
        tags,
        // The text itself.
        lead: _,
        body: _,
        // Compared by `same_structure`.
        origin: _,
        title: _,
        year: _,
        province: _,
        district: _,
        commune: _,
        field: _,
        exemplary: _,
        date: _,
        replicated_from: _,
        slug: _,
        draft: _,
    } = a;
    *host == b.host
        && *level == b.level
        && *summary == b.summary
        && *results == b.results
        && *photos == b.photos
        && *tags == b.tags
}

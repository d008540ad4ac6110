//! Rendering: turns the [`Site`] into files through the theme's Tera templates, in parallel.
//! Each listing page's context holds only that page's items. Writes go to a [`Sink`] (the
//! staging folder of a build, memory for `serve`, nowhere for `check`).

pub mod assets;
pub mod charts;
pub mod dia_ban;
pub mod docx;
pub mod feeds;
pub mod format;
mod hashing;
mod jobs;
pub mod map;
mod memo;
pub mod open_data;
pub mod pager;
mod pages;
pub mod photos;
mod prepared;
mod reads;
pub mod report;
mod search_state;
pub use search_state::Resuming;
mod sink;
mod templates;
pub mod theme;
pub mod views;

pub use jobs::pages_showing;
use jobs::{first_letter, listing_items, Job, ListKind, AZ_INLINE_MAX, RELATED_MAX};
pub use prepared::{link_map, Prepared};
pub use sink::{MemorySink, NullSink, Sink};
pub use templates::{I18n, Theme};

use crate::content::markdown::{self, Rendered};
use crate::diag::Diagnostic;
use crate::progress::Phase;
use crate::routes;
use crate::site::{stats, Site};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tera::{Context, Tera};
use views::Urls;

/// What links and images in a body point to: page URLs, and processed photos.
struct BodyTargets<'r, 'a>(&'r Renderer<'a>);

impl markdown::LinkTarget for BodyTargets<'_, '_> {
    fn url_of(&self, source: &Path) -> Option<String> {
        self.0.links.get(source).cloned()
    }

    fn attachment_types(&self) -> &[String] {
        &self.0.site.config.attachments
    }

    fn image_url(&self, file: &Path) -> Option<Result<String, String>> {
        Some(self.0.photos.get(file).map(|p| {
            self.0
                .urls
                .url(&format!("{}{}", routes::PHOTOS, p.full.file_name))
        }))
    }
}

/// Error message with its causes (Tera hides the useful part in the source chain).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// What one render produced, besides the files.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// HTML pages written.
    pub pages: usize,
    /// Files written in all.
    pub files: usize,
    /// Search documents (for the index).
    pub search_docs: usize,
    /// Pages kept from the last build's output instead of rendering them ([`memo`]).
    pub pages_kept: usize,
    /// Of those, the documents unchanged since the last build, whose postings were carried
    /// over instead of analysing them again ([`dvk_search::IndexBuilder::resume`]).
    pub search_carried: usize,
    /// Time spent in each phase.
    pub timings: Vec<crate::progress::Phase>,
    /// Some output file could not be written (full disk, permissions): the build failed for
    /// the machine, not for its content.
    pub output_failed: bool,
}

/// What to add to a write error when the disk is full.
fn disk_full_hint(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::StorageFull {
        crate::msg!("render.disk_full")
    } else {
        String::new()
    }
}

/// Renders every page of `site` into `sink`. Returns the report and every problem found
/// (broken links in bodies, template errors, write failures).
pub fn render_site(
    root: &Path,
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
) -> (RenderReport, Vec<Diagnostic>) {
    render_site_taking_bodies(root, site, Vec::new(), theme, sink, None)
}

/// [`render_site`] for a site whose model bodies were moved out
/// ([`Site::take_model_bodies`]): each body is dropped once its page is rendered, so a build
/// does not hold every write-up's Markdown and every search text at the same time.
pub fn render_site_taking_bodies(
    root: &Path,
    site: &Site,
    bodies: Vec<crate::site::TakenBody>,
    theme: &Theme,
    sink: &dyn Sink,
    search: Option<Resuming>,
) -> (RenderReport, Vec<Diagnostic>) {
    let started = std::time::Instant::now();
    let mut r = Renderer::new(root, site, theme);
    r.taken_bodies = bodies.into_iter().map(|b| Mutex::new(Some(b))).collect();
    let setup = Phase::since("render setup (cards, links)", started);
    let (mut report, diags) = r.run(sink, search);
    report.timings.insert(0, setup);
    (report, diags)
}

/// Global values no page context overrides: every render sees the values `Renderer::lazy`
/// gives them, so the templates get them written in once (6 % fewer instructions per build
/// of 1,000 models than a lookup each).
const FOLDED: &[&str] = &["t", "site", "base_path", "routes", "feed_url"];

struct Renderer<'a> {
    root: &'a Path,
    site: &'a Site,
    theme: &'a Theme,
    urls: Urls,
    /// Values every page shares (site, i18n, base path), referenced by each page's context.
    globals: Arc<Context>,
    /// The theme's templates with the values of [`FOLDED`] written in (see `fold_constants`).
    tera: Tera,
    /// Each model's card, made on first use (all of them up front for a full render).
    cards: Vec<OnceLock<KeptCard>>,
    /// What the cards have in common (field, year, level strings).
    card_shared: views::CardShared,
    has_card_template: bool,
    links: Cow<'a, HashMap<PathBuf, String>>,
    diags: Mutex<Vec<Diagnostic>>,
    files: AtomicUsize,
    has_code: AtomicBool,
    photos: photos::PhotoStore,
    az: OnceLock<(Vec<Value>, Vec<String>)>,
    /// Set once a full disk has been reported.
    disk_full: AtomicBool,
    /// Set when an output file could not be written.
    output_failed: AtomicBool,
    /// Models per field of each listing, counted once for all of its pages.
    list_totals: Mutex<HashMap<ListKind, Arc<Vec<usize>>>>,
    /// Each province's models in its listing's grouped order ([`dia_ban::grouped_order`]),
    /// made once for all of its pages.
    province_orders: Mutex<HashMap<usize, Option<Arc<Vec<usize>>>>>,
    /// Each model's other place names for search, made once for all models.
    place_aliases: OnceLock<Vec<Arc<[String]>>>,
    /// Each model's Markdown when it was moved out of the site (empty otherwise), kept or to
    /// be read again from its file: taken by the model's page.
    taken_bodies: Vec<Mutex<Option<crate::site::TakenBody>>>,
    /// Stylesheets and scripts with fingerprinted names ([`assets`]; plain for `serve`).
    assets: assets::Assets,
    /// The pages of the last build that can be kept ([`memo`]; empty for `serve`).
    memo: memo::Memo,
    /// Each template's part of its pages' keys: what it reads of `site` ([`reads`]).
    site_keys: HashMap<String, u64>,
    /// That part for all of `site`, for a template not found.
    all_site_key: u64,
}

impl<'a> Renderer<'a> {
    fn new(root: &'a Path, site: &'a Site, theme: &'a Theme) -> Self {
        let mut r = Renderer::with_assets(root, site, theme, Cow::Owned(link_map(site)), true);
        // Every page's key starts from what all pages share: the program, the theme and
        // the shared values of the templates.
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&crate::fresh::program_salt().to_le_bytes());
        h.update(&theme.key.to_le_bytes());
        // The address pages are published under (their canonical URLs) and the shared values.
        memo::feed(&mut h, &(&r.urls.base_url, &r.urls.base_path));
        // Of the values under `site`, each template's key takes those it can read.
        let mut globals = Context::clone(&r.globals).into_json();
        let site_values = globals
            .as_object_mut()
            .and_then(|g| g.remove("site"))
            .unwrap_or_default();
        memo::feed(&mut h, &globals);
        r.memo = memo::Memo::load(root, h.digest());
        r.site_keys = theme
            .site_reads
            .iter()
            .map(|(name, reads)| (name.clone(), memo::site_key(&site_values, reads.as_ref())))
            .collect();
        r.all_site_key = memo::site_key(&site_values, None);
        // A build that keeps no page (the first, or one after a change that every page
        // shows) shows every card: each rendered up front, across the threads.
        let every_card = r.memo.keeps_none();
        (0..site.models.len()).into_par_iter().for_each(|i| {
            if every_card {
                r.card_html(i);
            } else {
                r.kept_card(i);
            }
        });
        r
    }

    /// A renderer whose cards are made on first use.
    fn lazy(
        root: &'a Path,
        site: &'a Site,
        theme: &'a Theme,
        links: Cow<'a, HashMap<PathBuf, String>>,
    ) -> Self {
        Renderer::with_assets(root, site, theme, links, false)
    }

    /// [`Renderer::lazy`], with fingerprinted asset names when `fingerprint` (a build).
    fn with_assets(
        root: &'a Path,
        site: &'a Site,
        theme: &'a Theme,
        links: Cow<'a, HashMap<PathBuf, String>>,
        fingerprint: bool,
    ) -> Self {
        let assets = assets::Assets::new(&theme.static_files, fingerprint);
        let urls = Urls {
            base_path: site.config.base_path(),
            base_url: site.config.base_url.clone(),
        };
        let has_card_template = theme.tera.get_template_names().any(|n| n == "card.html");
        let cards = (0..site.models.len()).map(|_| OnceLock::new()).collect();
        let mut globals = Context::new();
        let (menu, footer_pages) = crate::menu::template_values(site, &urls);
        globals.insert(
            "site",
            &json!({
                "title": site.config.title,
                "language": site.config.language,
                "total_models": site.models.len(),
                "fields": site.config.fields.iter().enumerate().map(|(i, f)| json!({
                    "slug": f.slug, "label": f.label, "url": urls.url(&routes::field(&f.slug)), "count": site.by_field[i].len()
                })).collect::<Vec<_>>(),
                "years": site.by_year.iter().rev().map(|(y, ms)| json!({"year": y, "url": urls.year(*y), "count": ms.len()})).collect::<Vec<_>>(),
                // Without a count: a page that links the newest year only is not made again
                // when a write-up is added or deleted ([`reads`]).
                "newest_year": site.by_year.keys().next_back().map(|y| json!({"year": y, "url": urls.year(*y)})),
                "provinces": site.provinces.iter().enumerate().map(|(i, p)| json!({
                    "name": p.name, "slug": p.slug, "url": views::province_url(site, &urls, i), "count": p.models.len()
                })).collect::<Vec<_>>(),
                "menu": menu,
                "footer_pages": footer_pages,
            }),
        );
        globals.insert("base_path", &urls.base_path);
        globals.insert("routes", &routes::template_values(&urls.base_path));
        globals.insert("assets", &assets.to_value(&urls.base_path));
        globals.insert(
            "owner",
            &site.config.agency.owner.clone().unwrap_or_default(),
        );
        globals.insert("t", &theme.i18n.value);
        globals.insert("feed_url", &urls.url(routes::FEED));
        globals.insert("breadcrumbs", &Vec::<Value>::new());
        globals.insert("og_type", "website");
        globals.insert("extra_css", &Vec::<String>::new());
        globals.insert("section", "");
        globals.insert("section_root", &false);
        let mut tera = theme.tera.clone();
        tera.fold_constants(&globals, FOLDED);
        Renderer {
            card_shared: views::CardShared::new(site, &urls, &theme.i18n),
            tera,
            links,
            root,
            site,
            theme,
            urls,
            globals: Arc::new(globals),
            cards,
            has_card_template,
            diags: Mutex::new(Vec::new()),
            files: AtomicUsize::new(0),
            has_code: AtomicBool::new(false),
            photos: photos::PhotoStore::new(root),
            az: OnceLock::new(),
            list_totals: Mutex::default(),
            province_orders: Mutex::default(),
            place_aliases: OnceLock::new(),
            disk_full: AtomicBool::new(false),
            output_failed: AtomicBool::new(false),
            taken_bodies: Vec::new(),
            assets,
            memo: memo::Memo::default(),
            site_keys: HashMap::new(),
            all_site_key: 0,
        }
    }

    /// The card of model `i` as a template value: its fields and `html`.
    fn card(&self, i: usize) -> Value {
        let html = self.card_html(i);
        self.kept_card(i).card.to_value(html)
    }

    /// The card of model `i` rendered by the theme's `card.html`, if it has one: rendered
    /// once, when a page that shows the card is first rendered.
    fn card_html(&self, i: usize) -> Option<&str> {
        let kept = self.kept_card(i);
        kept.html
            .get_or_init(|| {
                // The site-wide values (`t` among them) come from the shared parent, not copied.
                let mut ctx = Context::with_parent(Arc::clone(&self.globals));
                ctx.insert("card", &kept.card);
                let html = self
                    .has_card_template
                    .then(|| self.tera.render("card.html", &ctx));
                html.and_then(Result::ok).map(|h| h.trim().to_string())
            })
            .as_deref()
    }

    /// The card of model `i`: made once and reused in every listing, related-models block
    /// and report that shows the model. Its key is a hash of its fields and of what
    /// `card.html` reads of the site: with the program, the theme and the shared values,
    /// which every page's key takes ([`memo`]), they make the rendered card; so a build
    /// renders `card.html` only for the pages it renders, not for every model.
    fn kept_card(&self, i: usize) -> &KeptCard {
        self.cards[i].get_or_init(|| {
            let m = &self.site.models[i];
            let cover = m
                .photos
                .first()
                .and_then(|p| self.photo_view(p, &m.origin.path));
            let card = views::card(self.site, &self.urls, &self.card_shared, i, cover);
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            h.update(&self.template_site_key("card.html").to_le_bytes());
            memo::feed(&mut h, &card);
            KeptCard {
                card,
                html: OnceLock::new(),
                key: h.digest(),
            }
        })
    }

    fn run(mut self, sink: &dyn Sink, search: Option<Resuming>) -> (RenderReport, Vec<Diagnostic>) {
        // Pages with a search document (models, articles, plain pages) first, in index order,
        // each chunk's docs indexed while the next chunk renders, beside the feed and open
        // data (streamed to disk); then the index's files are made while the other pages
        // (listings, reports, home) render, so that each side's serial stretches leave no
        // core idle.
        let started = std::time::Instant::now();
        // Made here, across the threads, before any page asks for them (see the function).
        let _ = self
            .place_aliases
            .set(crate::site::places::all_search_aliases(self.site, true));
        let (doc_jobs, other_jobs): (Vec<Job>, Vec<Job>) = self
            .jobs()
            .into_iter()
            .partition(|job| matches!(job, Job::Model(_) | Job::Article(_) | Job::Page(_)));
        let doc_jobs = self.in_index_order(doc_jobs);
        let abbreviations = self.site.config.abbreviations();
        let mut index = match search {
            Some(s) => s.join(&abbreviations),
            None => search_state::resume(self.root, &abbreviations),
        };
        self.memo.carried = index.carried_keys();
        let ((), mut pages) = rayon::join(
            || self.write_feeds(sink),
            || self.render_doc_jobs(&doc_jobs, &mut index, sink),
        );
        self.site
            .rejected_bodies
            .par_iter()
            .for_each(|(path, body)| {
                self.body(path, body);
            });
        let mut report = RenderReport::default();
        report.timings.push(Phase::since(
            "model, article and plain pages; feed and open data",
            started,
        ));
        let started = std::time::Instant::now();
        report.search_docs = index.len();
        report.search_carried = index.carried();
        let ((), other_pages) = rayon::join(
            || {
                // Each file written as it is made: the shards are never all in memory.
                search_state::finish(self.root, index, sink.is_output(), &mut |f| {
                    self.write(sink, &f.path, &f.bytes);
                    if let Some(name) = self.assets.renamed(&f.path) {
                        self.write(sink, name, &f.bytes);
                    }
                })
            },
            || self.render_jobs(&other_jobs, sink).0,
        );
        pages.extend(other_pages);
        report.timings.push(Phase::since(
            "search index, beside listings, reports and the other pages",
            started,
        ));
        let started = std::time::Instant::now();
        report.pages = pages.len();
        let mut sitemap_paths = pages;
        sitemap_paths.sort();
        self.write(
            sink,
            routes::SITEMAP,
            feeds::sitemap(&self.urls, &sitemap_paths).as_bytes(),
        );
        drop(sitemap_paths);
        self.write(sink, routes::ROBOTS, feeds::robots(&self.urls).as_bytes());
        if self.has_code.load(Ordering::Relaxed) {
            self.write(sink, routes::CODE_CSS, markdown::code_css().as_bytes());
        }
        self.copy_static(sink);
        self.publish_photos(sink);
        self.photos.prune();
        for key in self.theme.i18n.missing() {
            self.diag(Diagnostic::warning(
                &PathBuf::from("themes")
                    .join(&self.site.config.theme)
                    .join("i18n")
                    .join(format!("{}.yaml", self.site.config.language)),
                0,
                0,
                crate::msg!("render.missing_string", key = key),
            ));
        }
        report
            .timings
            .push(Phase::since("sitemap, static files", started));
        report.files = self.files.load(Ordering::Relaxed);
        report.output_failed = self.output_failed.load(Ordering::Relaxed)
            || self.disk_full.load(Ordering::Relaxed)
            || self.photos.io_failed();
        report.pages_kept = self.memo.kept_count();
        if sink.is_output() && !report.output_failed {
            self.memo.save(self.root);
        }
        let diags = self.diags.into_inner().unwrap_or_else(|e| e.into_inner());
        (report, diags)
    }

    /// Renders the pages of `jobs` (in index order) a chunk at a time, and adds each chunk's
    /// search docs to `index` while the next chunk renders: a text is dropped once indexed,
    /// so the texts of the whole site are never in memory together.
    fn render_doc_jobs(
        &self,
        jobs: &[Job],
        index: &mut dvk_search::IndexBuilder,
        sink: &dyn Sink,
    ) -> Vec<String> {
        const CHUNK: usize = 1024;
        let mut pages = Vec::with_capacity(jobs.len());
        let mut ready: Option<Vec<(dvk_search::SearchDoc, Option<u64>)>> = None;
        for chunk in jobs.chunks(CHUNK) {
            let (made, ()) = rayon::join(
                || self.render_jobs(chunk, sink),
                || {
                    if let Some(docs) = ready.take() {
                        index.add_keyed(docs);
                    }
                },
            );
            let (paths, docs) = made;
            pages.extend(paths);
            ready = Some(docs);
        }
        if let Some(docs) = ready {
            index.add_keyed(docs);
        }
        pages
    }

    /// Renders `jobs` in parallel: the site paths of the pages made, and their search
    /// documents, in the jobs' order.
    fn render_jobs(
        &self,
        jobs: &[Job],
        sink: &dyn Sink,
    ) -> (Vec<String>, Vec<(dvk_search::SearchDoc, Option<u64>)>) {
        // Each job a task of its own: a thread that comes free (from the search index, made
        // beside the other pages) can take any job not begun. Otherwise rayon hands out runs
        // of jobs that nothing took apart while that thread was busy, and a run of the
        // years' reports (each ~15 ms at 30k) ended the build on one core.
        let made: Vec<Made> = jobs
            .par_iter()
            .with_max_len(1)
            .map(|job| self.render_job(job, sink))
            .collect();
        let mut paths = Vec::with_capacity(made.len());
        let mut docs = Vec::new();
        for m in made {
            paths.extend(m.path);
            docs.extend(m.doc.map(|d| (d, m.key)));
        }
        (paths, docs)
    }

    /// The Atom feed and the open data (every model as JSON and CSV).
    fn write_feeds(&self, sink: &dyn Sink) {
        self.write(
            sink,
            routes::FEED,
            feeds::atom(self.site, &self.urls).as_bytes(),
        );
        open_data::write(self.root, self.site, &self.urls, sink, &mut |rel, fill| {
            self.write_stream(sink, rel, fill)
        });
    }

    fn diag(&self, d: Diagnostic) {
        if let Ok(mut v) = self.diags.lock() {
            v.push(d);
        }
    }

    fn write(&self, sink: &dyn Sink, rel: &str, bytes: &[u8]) {
        self.written(rel, sink.write(rel, bytes));
    }

    fn write_stream(
        &self,
        sink: &dyn Sink,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) {
        self.written(rel, sink.write_stream(rel, fill));
    }

    /// Counts a file written, or reports why it could not be.
    fn written(&self, rel: &str, result: io::Result<()>) {
        if result.is_err() {
            self.output_failed.store(true, Ordering::Relaxed);
        }
        match result {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) if self.disk_full_again(&e) => {}
            Err(e) => self.diag(Diagnostic::error(
                Path::new(rel),
                0,
                0,
                crate::msg!("render.cannot_write", error = e, hint = disk_full_hint(&e)),
            )),
        }
    }

    /// True for a full disk after the first one was reported: one message says it all,
    /// not one per remaining file.
    fn disk_full_again(&self, e: &io::Error) -> bool {
        e.kind() == io::ErrorKind::StorageFull && self.disk_full.swap(true, Ordering::Relaxed)
    }

    fn copy(&self, sink: &dyn Sink, rel: &str, source: &Path, origin: &Path) {
        let result = sink.copy(rel, &self.root.join(source));
        if result
            .as_ref()
            .is_err_and(|e| e.kind() != io::ErrorKind::NotFound)
        {
            // Permissions, a full disk: the machine's problem, exit 2.
            self.output_failed.store(true, Ordering::Relaxed);
        }
        match result {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) if self.disk_full_again(&e) => {}
            Err(e) => self.diag(Diagnostic::error(
                origin,
                0,
                0,
                crate::msg!(
                    "render.cannot_copy",
                    file = source.display(),
                    error = e,
                    hint = disk_full_hint(&e)
                ),
            )),
        }
    }

    fn copy_static(&self, sink: &dyn Sink) {
        for (rel, file) in &self.theme.static_files {
            match file.read() {
                Ok(b) => {
                    self.write(sink, rel, &b);
                    if let Some(name) = self.assets.renamed(rel) {
                        self.write(sink, name, &b);
                    }
                }
                Err(e) => self.diag(Diagnostic::error(
                    &PathBuf::from("themes")
                        .join(&self.site.config.theme)
                        .join("static")
                        .join(rel),
                    0,
                    0,
                    crate::msg!("render.cannot_read", error = e),
                )),
            }
        }
    }

    fn context(&self, path: &str, title: &str, description: &str) -> Context {
        let mut ctx = Context::with_parent(Arc::clone(&self.globals));
        ctx.insert("page_title", title);
        ctx.insert("description", description);
        ctx.insert("canonical_url", &self.urls.absolute(path));
        ctx.insert("current_url", &self.urls.url(path));
        // The nav marks its items by section (1.8 % fewer instructions per build of 1,000
        // models than a `starting_with` test on the path per item and page).
        let (section, rest) = path.split_once('/').unwrap_or((path, ""));
        if !section.is_empty() {
            ctx.insert("section", section);
            ctx.insert("section_root", &rest.is_empty());
        }
        ctx
    }

    fn body(&self, origin: &Path, body: &crate::content::Body) -> Rendered {
        let mut d = Vec::new();
        let r = self.body_into(origin, body, &mut d);
        d.into_iter().for_each(|d| self.diag(d));
        r
    }

    /// [`Renderer::body`], its problems put in `problems` instead of reported.
    fn body_into(
        &self,
        origin: &Path,
        body: &crate::content::Body,
        problems: &mut Vec<Diagnostic>,
    ) -> Rendered {
        let r = markdown::render(self.root, origin, body, &BodyTargets(self), problems);
        if r.has_code {
            self.has_code.store(true, Ordering::Relaxed);
        }
        r
    }

    fn with_code_css(&self, ctx: &mut Context, r: &Rendered) {
        if r.has_code {
            ctx.insert("extra_css", &vec![self.urls.url(routes::CODE_CSS)]);
        }
    }

    /// Writes the CSV of each chart.
    fn write_charts(&self, sink: &dyn Sink, cs: &[charts::Chart]) {
        for c in cs {
            self.write(sink, &c.csv_path, &c.csv(&self.theme.i18n));
        }
    }

    /// The cards of `items`, as a list for a context (`Context::insert_value`: the list is
    /// moved in, not serialized again).
    fn card_list(&self, items: &[usize]) -> Value {
        Value::Array(items.iter().map(|&i| self.card(i)).collect())
    }

    /// Renders one job into `sink`: what it made besides the files.
    fn render_job(&self, job: &Job, sink: &dyn Sink) -> Made {
        match *job {
            Job::Model(i) => self.model_page(sink, i),
            Job::Article(a) => self.article_page(sink, a),
            Job::Page(p) => self.plain_page(sink, p),
            _ => Made {
                path: self.render_other(job, sink),
                doc: None,
                key: None,
            },
        }
    }

    /// [`Renderer::render_job`] for the pages without a search document: the page's path.
    fn render_other(&self, job: &Job, sink: &dyn Sink) -> Option<String> {
        let s = self.site;
        let t = &self.theme.i18n;
        match *job {
            Job::Model(_) | Job::Article(_) | Job::Page(_) => self.render_job(job, sink).path,
            Job::Home => {
                let mut ctx = self.context("", "", &t.get("home.intro"));
                ctx.insert_value(
                    "latest",
                    self.card_list(&s.newest[..s.newest.len().min(10)]),
                );
                ctx.insert_value(
                    "exemplary",
                    self.card_list(&s.exemplary[..s.exemplary.len().min(6)]),
                );
                let totals: Vec<usize> = s.by_field.iter().map(Vec::len).collect();
                ctx.insert("field_counts", &views::field_counts(s, &self.urls, &totals));
                let articles: Vec<_> = (0..s.articles.len().min(3))
                    .map(|a| self.article_summary(a))
                    .collect();
                ctx.insert("articles", &articles);
                self.page(sink, "index.html", "", ctx)
            }
            Job::Listing { kind, page } => self.listing(sink, kind, page),
            Job::Places => {
                let (provinces, former) = dia_ban::places_page(s, &self.urls, t);
                let mut ctx =
                    self.context(routes::PLACES, &t.get("nav.places"), &t.get("nav.places"));
                ctx.insert("provinces", &provinces);
                ctx.insert("former_provinces", &former);
                ctx.insert("map", &map::svg(s, &self.urls, &t.get("places.map")));
                self.page(sink, "places.html", routes::PLACES, ctx)
            }
            Job::Stats => {
                let all: Vec<usize> = (0..s.models.len()).collect();
                let st = stats::compute(s, &all);
                let mut ctx = self.context(routes::STATS, &t.get("nav.stats"), &t.get("nav.stats"));
                ctx.insert("stats", &views::stats(s, &self.urls, t, &st));
                ctx.insert("map", &map::svg(s, &self.urls, &t.get("places.map")));
                let cs = charts::build(s, &self.urls, t, &st, charts::Scope::Site, routes::STATS);
                self.write_charts(sink, &cs);
                ctx.insert("charts", &cs);
                self.page(sink, "stats.html", routes::STATS, ctx)
            }
            Job::Report(year) => self.report(sink, year),
            Job::Articles(page) => {
                let path = routes::NEWS;
                let all: Vec<usize> = (0..s.articles.len()).collect();
                let items: Vec<_> = pager::slice(&all, page)
                    .iter()
                    .map(|&a| self.article_summary(a))
                    .collect();
                let title = paged_title(t, &t.get("nav.news"), page);
                let mut ctx = self.context(
                    &routes::listing_page(path, page),
                    &title,
                    &t.get("nav.news"),
                );
                ctx.insert("items", &items);
                ctx.insert(
                    "pager",
                    &pager::pager(path, page, pager::page_count(all.len()), |p| {
                        self.urls.url(p)
                    }),
                );
                self.page(
                    sink,
                    "articles.html",
                    &routes::listing_page(path, page),
                    ctx,
                )
            }
            Job::Search => {
                let mut ctx =
                    self.context(routes::SEARCH, &t.get("nav.search"), &t.get("nav.search"));
                let (groups, _) = self.az();
                if self.split_az() {
                    ctx.insert("az", &Vec::<Value>::new());
                    ctx.insert("az_pages", &self.az_pages());
                } else {
                    ctx.insert("az", groups);
                }
                self.page(sink, "search.html", routes::SEARCH, ctx)
            }
            Job::AzLetter(g) => {
                let (groups, paths) = self.az();
                let title = format!(
                    "{}: {}",
                    t.get("search.az"),
                    groups[g]["letter"].as_str().unwrap_or("")
                );
                let mut ctx = self.context(&paths[g], &title, &title);
                ctx.insert("az", &vec![&groups[g]]);
                ctx.insert("az_pages", &self.az_pages());
                ctx.insert(
                    "breadcrumbs",
                    &vec![
                        json!({"label": t.get("nav.search"), "url": self.urls.url(routes::SEARCH)}),
                    ],
                );
                self.page(sink, "az.html", &paths[g], ctx)
            }
            Job::Moved { place, page } => self.moved_page(sink, place, page),
            Job::NotFound => {
                let ctx = self.context(
                    routes::NOT_FOUND,
                    &t.get("not_found.title"),
                    &t.get("not_found.title"),
                );
                self.page(sink, "404.html", routes::NOT_FOUND, ctx)
                    .map(|_| String::new())
                    .filter(|s| !s.is_empty())
            }
        }
    }

    /// Every model A–Z, grouped by first letter (Vietnamese order), and each group's page path
    /// (`tim-kiem/a-z/d/`, `tim-kiem/a-z/d-2/` for Đ).
    fn az(&self) -> &(Vec<Value>, Vec<String>) {
        self.az.get_or_init(|| {
            use rayon::prelude::*;
            let s = self.site;
            let mut order: Vec<usize> = (0..s.models.len()).collect();
            let keys: Vec<Vec<u32>> = s.models.par_iter().map(|m| vntext::collation_key(&m.title)).collect();
            order.par_sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(s.slugs[a].cmp(&s.slugs[b])));
            drop(keys);
            let rows: Vec<(String, Value)> = order
                .par_iter()
                .map(|&i| {
                    let m = &s.models[i];
                    let item = json!({"title": m.title, "url": self.urls.url(&routes::model(&s.slugs[i])), "place": s.place_of(i), "year": m.year});
                    (first_letter(&m.title), item)
                })
                .collect();
            let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
            for (letter, item) in rows {
                match groups.last_mut() {
                    Some((l, items)) if *l == letter => items.push(item),
                    _ => groups.push((letter, vec![item])),
                }
            }
            let mut used = std::collections::HashSet::new();
            let paths = groups
                .iter()
                .map(|(l, _)| {
                    let base = match vntext::slugify(l) {
                        b if b.is_empty() => "khac".to_string(),
                        b => b,
                    };
                    let slug = (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") }).find(|c| used.insert(c.clone())).unwrap_or(base);
                    routes::az_letter(&slug)
                })
                .collect();
            let values = groups.into_iter().map(|(l, items)| json!({"letter": l, "items": items})).collect();
            (values, paths)
        })
    }

    /// True when the A–Z list gets a page per letter: a large site and a theme with `az.html`.
    fn split_az(&self) -> bool {
        self.site.models.len() > AZ_INLINE_MAX
            && self.theme.tera.get_template_names().any(|n| n == "az.html")
    }

    fn az_pages(&self) -> Vec<Value> {
        let (groups, paths) = self.az();
        groups
            .iter()
            .zip(paths)
            .map(|(g, p)| json!({"letter": g["letter"], "url": self.urls.url(p), "count": g["items"].as_array().map(Vec::len).unwrap_or(0)}))
            .collect()
    }

    fn article_summary(&self, a: usize) -> views::ArticleSummary {
        let art = &self.site.articles[a];
        let lead = markdown::first_paragraph(&art.article.body.markdown);
        views::article_summary(self.site, &self.urls, a, &lead)
    }

    fn copy_assets(&self, sink: &dyn Sink, page_path: &str, r: &Rendered, origin: &Path) {
        for (src, file) in &r.assets {
            self.copy(
                sink,
                &format!("{page_path}{}", src.trim_start_matches("./")),
                file,
                origin,
            );
        }
    }

    /// The view of a front-matter photo, processed on first use; a problem names the
    /// write-up and the photo.
    fn photo_view(&self, p: &crate::content::PhotoRef, origin: &Path) -> Option<views::PhotoView> {
        match self.photos.get(&p.file) {
            Ok(processed) => Some(photos::view(
                &self.urls,
                &processed,
                &p.caption,
                p.credit.as_deref(),
            )),
            Err(msg) => {
                let (line, column) = p.at;
                self.diag(Diagnostic::error(origin, line, column, msg));
                None
            }
        }
    }

    fn photo_views(
        &self,
        list: &[crate::content::PhotoRef],
        origin: &Path,
    ) -> Vec<views::PhotoView> {
        list.iter()
            .filter_map(|p| self.photo_view(p, origin))
            .collect()
    }

    /// Publishes the files of every photo processed so far.
    fn publish_photos(&self, sink: &dyn Sink) {
        let (n, errors) = self.photos.publish(sink);
        self.files.fetch_add(n, Ordering::Relaxed);
        for e in errors {
            self.diag(Diagnostic::error(Path::new(routes::PHOTOS), 0, 0, e));
        }
    }
}

/// What rendering one job made besides the files it wrote: the page's path (for the sitemap;
/// `None` for the 404 page or a failed render) and its search document (models, articles and
/// plain pages).
pub(super) struct Made {
    pub path: Option<String>,
    pub doc: Option<dvk_search::SearchDoc>,
    /// Its search document's key ([`dvk_search::IndexBuilder::add_keyed`], [`memo::doc_key`]);
    /// `None` for a key made from the whole document.
    pub key: Option<u64>,
}

/// A model's card between the pages that show it. Kept as typed fields, not as a template
/// value: a value's map costs ~2.5 KB more per card (a national site has 200,000), and
/// making one from these fields costs about what copying a kept one did.
struct KeptCard {
    card: views::Card,
    /// `card.html` rendered, when the theme has it: made when a page showing it is rendered.
    html: OnceLock<Option<String>>,
    /// What a page's key takes for the card ([`Renderer::kept_card`]), instead of the card's
    /// value, made only when the page is rendered.
    key: u64,
}

/// "Heading – Trang 2" for pages after the first.
fn paged_title(t: &I18n, heading: &str, page: usize) -> String {
    if page <= 1 {
        heading.to_string()
    } else {
        format!(
            "{heading} – {}",
            t.fill("pager.page", &[("n", &page.to_string())])
        )
    }
}

/// Serialises a value for templates (used by tests).
pub fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

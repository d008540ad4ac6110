//! Rendering chosen pages on demand for `dvk serve`, with the site prepared once.

use super::*;

/// Where links between content files lead: source file (relative to the site) → page URL.
pub fn link_map(site: &Site) -> HashMap<PathBuf, String> {
    let base_path = site.config.base_path();
    let mut map = site.source_urls();
    for url in map.values_mut() {
        url.insert_str(0, &base_path);
    }
    map
}

/// A renderer prepared once for a site, to render chosen pages on demand (`dvk serve`).
/// Cards are made on first use, so preparing costs little even for a large site; the link map
/// is passed in so that a server can keep it between small edits.
pub struct Prepared<'a> {
    r: Renderer<'a>,
    routes: OnceLock<HashMap<String, Job>>,
}

impl<'a> Prepared<'a> {
    /// Prepares rendering of `site` with `theme`; `links` is [`link_map`] of the site.
    pub fn new(
        root: &'a Path,
        site: &'a Site,
        theme: &'a Theme,
        links: &'a HashMap<PathBuf, String>,
    ) -> Self {
        Prepared {
            r: Renderer::lazy(root, site, theme, Cow::Borrowed(links)),
            routes: OnceLock::new(),
        }
    }

    fn routes(&self) -> &HashMap<String, Job> {
        self.routes.get_or_init(|| {
            self.r
                .jobs()
                .into_iter()
                .map(|j| (self.r.job_path(&j), j))
                .collect()
        })
    }

    /// The site path of every page (`""` for home, `mo-hinh/x/`, `nam/2024/trang/2/`, `404.html`).
    pub fn page_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.routes().keys().cloned().collect();
        paths.sort();
        paths
    }

    /// True when a page has this site path.
    pub fn has_page(&self, path: &str) -> bool {
        self.routes().contains_key(path)
    }

    /// Renders the page at `path` (one of [`Prepared::page_paths`]) and the files it brings
    /// (photos, chart data) into `sink`. `None` when no page has that path; else the problems
    /// found (template errors, broken links; with concurrent calls a problem may be returned
    /// by another call).
    pub fn render_page(&self, path: &str, sink: &dyn Sink) -> Option<Vec<Diagnostic>> {
        let job = self.routes().get(path)?;
        self.r.render_job(job, sink);
        self.r.publish_photos(sink);
        Some(std::mem::take(
            &mut *self.r.diags.lock().unwrap_or_else(|e| e.into_inner()),
        ))
    }

    /// The search document of model `i` (its body rendered, not its page) and the problems
    /// found in the body.
    pub fn model_search_doc(&self, i: usize) -> (dvk_search::SearchDoc, Vec<Diagnostic>) {
        let m = &self.r.site.models[i];
        let mut d = Vec::new();
        let r = markdown::render(
            self.r.root,
            &m.origin.path,
            &m.body,
            &markdown::LinkCheck {
                pages: self.r.links.as_ref(),
                attachments: &self.r.site.config.attachments,
            },
            &mut d,
        );
        (self.r.model_doc(i, r.text), d)
    }

    /// Every search document of the site, and every problem found in the bodies (broken
    /// links, missing images), without rendering the model pages' templates.
    pub fn search_docs(&self) -> (Vec<dvk_search::SearchDoc>, Vec<Diagnostic>) {
        let models: Vec<_> = (0..self.r.site.models.len())
            .into_par_iter()
            .map(|i| self.model_search_doc(i))
            .collect();
        let mut docs = Vec::with_capacity(models.len());
        let mut diags = Vec::new();
        for (doc, d) in models {
            docs.push(doc);
            diags.extend(d);
        }
        let (more, d) = self.extra_search_docs();
        docs.extend(more);
        diags.extend(d);
        (docs, diags)
    }

    /// The search documents of the articles and pages, and the problems found in their bodies
    /// and in the bodies of rejected documents.
    pub fn extra_search_docs(&self) -> (Vec<dvk_search::SearchDoc>, Vec<Diagnostic>) {
        let site = self.r.site;
        // Articles and pages are few: render them with a renderer of their own to collect their docs.
        let other = Renderer::lazy(
            self.r.root,
            site,
            self.r.theme,
            Cow::Borrowed(self.r.links.as_ref()),
        );
        // Their bodies only: the pages themselves (templates, photos) are made when asked for.
        let docs = (0..site.articles.len())
            .map(|a| other.article_search_doc(a))
            .chain((0..site.pages.len()).map(|p| other.page_search_doc(p)))
            .collect();
        for (path, body) in &site.rejected_bodies {
            other.body(path, body);
        }
        (
            docs,
            other.diags.into_inner().unwrap_or_else(|e| e.into_inner()),
        )
    }
}

//! The job list: every page a build renders (a [`Job`]), its output path, and the order the
//! pages are rendered in so that the search index can be fed a chunk at a time. Also the
//! site's listings with their models ([`listings`]), which the jobs, the listing pages and
//! [`pages_showing`] (the pages `dvk serve` renders again after an edit) all follow.

use super::*;

/// A page to render.
#[derive(Debug, Clone)]
pub(super) enum Job {
    Home,
    Model(usize),
    Listing {
        kind: ListKind,
        page: usize,
    },
    Places,
    Stats,
    Report(i32),
    Articles(usize),
    Article(usize),
    Page(usize),
    Search,
    AzLetter(usize),
    NotFound,
    /// Page `page` of a place listing's path before issue 23 (`site.old_places[place]`),
    /// linking to where its models are now.
    Moved {
        place: usize,
        page: usize,
    },
}

/// The most models a model page's "related" block shows.
pub(super) const RELATED_MAX: usize = 6;

/// Every listing of the site with its models, in the order the listing shows them: the one
/// list that the build's pages ([`Renderer::jobs`]), each listing page and
/// [`pages_showing`] (what `dvk serve` renders again after an edit) all follow.
pub(super) fn listings(s: &Site) -> impl Iterator<Item = (ListKind, &[usize])> {
    let years = s.by_year.keys().map(|&y| ListKind::Year(y));
    let provinces = (0..s.provinces.len()).map(ListKind::Province);
    let districts = (0..s.districts.len()).map(ListKind::District);
    let fields = (0..s.by_field.len()).map(ListKind::Field);
    years
        .chain(provinces)
        .chain(districts)
        .chain(fields)
        .chain([ListKind::Exemplary])
        .map(move |kind| (kind, listing_items(s, kind)))
}

/// The models of one listing ([`listings`]).
pub(super) fn listing_items(s: &Site, kind: ListKind) -> &[usize] {
    match kind {
        ListKind::Year(y) => s.by_year.get(&y).map_or(&[], Vec::as_slice),
        ListKind::Province(p) => &s.provinces[p].models,
        ListKind::District(d) => &s.districts[d].models,
        ListKind::Field(f) => &s.by_field[f],
        ListKind::Exemplary => &s.exemplary,
    }
}

/// The path of a listing's first page; its other pages are below it (`trang/2/`).
pub(super) fn listing_path(s: &Site, kind: ListKind) -> String {
    match kind {
        ListKind::Year(y) => routes::year(y),
        ListKind::Province(p) => routes::province(&s.provinces[p].slug),
        ListKind::District(d) => routes::district(
            &s.provinces[s.districts[d].province].slug,
            &s.districts[d].slug,
        ),
        ListKind::Field(f) => routes::field(&s.config.fields[f].slug),
        ListKind::Exemplary => routes::EXEMPLARY.into(),
    }
}

/// The pages other than its own that show model `i`'s card or counts, as site paths whose
/// pages and files below them may change when the model's card does: every listing that
/// holds it (all its pages), the home page, the place pages, statistics, search (A–Z
/// included), open data, the year's report (below the year's listing), the models whose
/// related block lists it, the models it copies or that copy it, and the articles naming it.
/// Derived from [`listings`] and [`Site::related`], as the pages themselves are.
pub fn pages_showing(s: &Site, i: usize) -> Vec<String> {
    let mut out: Vec<String> = [
        routes::HOME,
        routes::STATS,
        routes::SEARCH,
        routes::PLACES,
        "du-lieu/",
    ]
    .map(String::from)
    .to_vec();
    out.extend(
        listings(s)
            .filter(|(_, items)| items.contains(&i))
            .map(|(kind, _)| listing_path(s, kind)),
    );
    // Related blocks draw from a model's district (or province) and field: only models of
    // a pool holding `i` can list it.
    let mut pools: Vec<&[usize]> = vec![&s.provinces[s.model_province[i]].models];
    if let Some(d) = s.model_district[i] {
        pools.push(&s.districts[d].models);
    }
    let mut shown_by: Vec<usize> = pools
        .into_iter()
        .flatten()
        .copied()
        .filter(|&j| j != i && s.related(j, RELATED_MAX).contains(&i))
        .collect();
    shown_by.extend(s.replicas[i].iter().chain(s.replicated_from[i].iter()));
    shown_by.sort_unstable();
    shown_by.dedup();
    out.extend(shown_by.into_iter().map(|j| routes::model(&s.slugs[j])));
    out.extend(
        s.model_articles[i]
            .iter()
            .map(|&a| routes::article(&s.articles[a].slug)),
    );
    out
}

/// Above this many models the search page links one A–Z page per letter instead of listing
/// every model (the page stays small for readers who only want to search).
pub(super) const AZ_INLINE_MAX: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ListKind {
    Year(i32),
    Province(usize),
    District(usize),
    Field(usize),
    Exemplary,
}

impl<'a> Renderer<'a> {
    /// The site path a job renders to (`""` for home, `mo-hinh/x/`, `404.html`).
    pub(super) fn job_path(&self, job: &Job) -> String {
        let s = self.site;
        match *job {
            Job::Home => String::new(),
            Job::Model(i) => routes::model(&s.slugs[i]),
            Job::Listing { kind, page } => routes::listing_page(&self.listing_path(kind), page),
            Job::Places => routes::PLACES.into(),
            Job::Stats => routes::STATS.into(),
            Job::Report(y) => routes::year_report(y),
            Job::Articles(page) => routes::listing_page(routes::NEWS, page),
            Job::Article(a) => routes::article(&s.articles[a].slug),
            Job::Page(p) => routes::page(&s.pages[p].slug),
            Job::Search => routes::SEARCH.into(),
            Job::AzLetter(g) => self.az().1[g].clone(),
            Job::NotFound => routes::NOT_FOUND.into(),
            Job::Moved { place, page } => routes::listing_page(&s.old_places[place].from, page),
        }
    }

    /// The path of a listing's first page.
    pub(super) fn listing_path(&self, kind: ListKind) -> String {
        listing_path(self.site, kind)
    }

    /// Every page of the build, in no particular order.
    pub(super) fn jobs(&self) -> Vec<Job> {
        let s = self.site;
        let mut jobs = vec![
            Job::Home,
            Job::Places,
            Job::Stats,
            Job::Search,
            Job::NotFound,
        ];
        if self.split_az() {
            jobs.extend((0..self.az().0.len()).map(Job::AzLetter));
        }
        jobs.extend((0..s.models.len()).map(Job::Model));
        for (kind, items) in listings(s) {
            for page in 1..=pager::page_count(items.len()) {
                jobs.push(Job::Listing { kind, page });
            }
        }
        jobs.extend(self.moved_jobs());
        jobs.extend(s.by_year.keys().map(|&y| Job::Report(y)));
        jobs.extend((1..=pager::page_count(s.articles.len())).map(Job::Articles));
        jobs.extend((0..s.articles.len()).map(Job::Article));
        jobs.extend((0..s.pages.len()).map(Job::Page));
        jobs
    }

    /// The pages of the place paths editors' spellings made before issue 23 that no page of
    /// the site has now (a moved page never replaces a real one).
    fn moved_jobs(&self) -> Vec<Job> {
        let s = self.site;
        if s.old_places.is_empty() {
            return Vec::new();
        }
        let mut pages = std::collections::HashSet::new();
        for (kind, items) in listings(s) {
            if matches!(kind, ListKind::Province(_) | ListKind::District(_)) {
                let first = self.listing_path(kind);
                for page in 1..=pager::page_count(items.len()) {
                    pages.insert(routes::listing_page(&first, page));
                }
            }
        }
        let mut jobs = Vec::new();
        for (place, old) in s.old_places.iter().enumerate() {
            for page in 1..=pager::page_count(old.models) {
                if !pages.contains(&routes::listing_page(&old.from, page)) {
                    jobs.push(Job::Moved { place, page });
                }
            }
        }
        jobs
    }

    /// The pages that have a search doc, in the order the index numbers their docs (known
    /// before any is rendered: the order does not depend on the texts).
    pub(super) fn in_index_order(&self, jobs: Vec<Job>) -> Vec<Job> {
        let s = self.site;
        let keys: Vec<dvk_search::OrderKey> = jobs
            .iter()
            .map(|job| match *job {
                Job::Model(i) => {
                    let m = &s.models[i];
                    dvk_search::OrderKey {
                        kind: dvk_search::DocKind::Model,
                        year: Some(m.year),
                        province: Some(&s.provinces[s.model_province[i]].name),
                        district: s.model_district[i].map(|d| s.districts[d].name.as_str()),
                        field: Some(&s.config.fields[m.field].label),
                        exemplary: m.exemplary,
                        url: self.job_path(job).into(),
                    }
                }
                // Articles and pages: kind and year only (see `article_doc`, `page_doc`).
                _ => {
                    let (kind, year) = match *job {
                        Job::Article(a) => (dvk_search::DocKind::Article, self.article_year(a)),
                        // Pages, and what is not given here (only pages with a search doc
                        // are ordered).
                        _ => (dvk_search::DocKind::Page, None),
                    };
                    dvk_search::OrderKey {
                        kind,
                        year,
                        province: None,
                        district: None,
                        field: None,
                        exemplary: false,
                        url: self.job_path(job).into(),
                    }
                }
            })
            .collect();
        dvk_search::doc_order(&keys)
            .into_iter()
            .map(|i| jobs[i].clone())
            .collect()
    }
}

/// The letter a title is filed under in the A–Z list (Vietnamese letters kept: Đ, Â, Ư …).
pub(super) fn first_letter(title: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let first = title.chars().find(|c| c.is_alphanumeric());
    match first {
        Some(c) if c.is_ascii_digit() => "0–9".into(),
        Some(c) => {
            // Keep letter modifiers (ă, â, ê, ô, ơ, ư, đ) but drop tones.
            let base: String = c
                .to_uppercase()
                .collect::<String>()
                .nfd()
                .filter(|m| {
                    !matches!(
                        *m,
                        '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}'
                    )
                })
                .nfc()
                .collect();
            base
        }
        None => "#".into(),
    }
}

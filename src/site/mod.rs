//! The in-memory site: every model with its slug and URL, places merged by folded name,
//! listings by year, place, field and exemplary, replication links, articles and pages.
//! Pure data built from [`Content`]; no I/O, so it is cheap to rebuild and easy to test.

pub mod moved;
pub mod places;
pub mod slugs;
pub mod stats;

use crate::config::SiteConfig;
use crate::content::{Article, Content, Model, Page};
use crate::diag::Diagnostic;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// A province and the models recognised in it (including its districts').
#[derive(Debug, Clone)]
pub struct Province {
    /// URL slug (folded name).
    pub slug: String,
    /// Display name: the official one (as written when it is not on the list).
    pub name: String,
    /// Official code (GSO), when on the list.
    pub code: Option<String>,
    /// A province that no longer exists since 1 July 2025 (merged into `today`).
    pub former: bool,
    /// For a former province: the province it lies in today.
    pub today: Option<usize>,
    /// For today's province: the former provinces merged into it (other than itself).
    pub formers: Vec<usize>,
    /// Indexes into [`Site::districts`]: its districts (and, for today's province, those of
    /// its former provinces), then its communes after the reform.
    pub districts: Vec<usize>,
    /// Model indexes, newest first.
    pub models: Vec<usize>,
}

/// A district of a province (before 1 July 2025), or a commune of one (from that date).
#[derive(Debug, Clone)]
pub struct District {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Index into [`Site::provinces`]: the province it belongs (belonged) to.
    pub province: usize,
    /// Official code (GSO), when on the list.
    pub code: Option<String>,
    /// A commune after the reform (its page lists the models recognised in it).
    pub commune: bool,
    /// Model indexes, newest first.
    pub models: Vec<usize>,
}

/// An article with its slug and the models it names.
#[derive(Debug, Clone)]
pub struct SiteArticle {
    /// The loaded article.
    pub article: Article,
    /// URL slug.
    pub slug: String,
    /// Model indexes it names.
    pub models: Vec<usize>,
}

/// A plain page with its slug.
#[derive(Debug, Clone)]
pub struct SitePage {
    /// The loaded page.
    pub page: Page,
    /// URL slug (`/<slug>/`).
    pub slug: String,
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    /// Settings.
    pub config: SiteConfig,
    /// Models, in load order.
    pub models: Vec<Model>,
    /// Slug of each model.
    pub slugs: Vec<String>,
    /// Summary of each model (as written, else the body's first paragraph, shortened).
    pub summaries: Vec<Arc<str>>,
    /// Province of each model (index into `provinces`).
    pub model_province: Vec<usize>,
    /// District of each model (before the reform), or commune (after it).
    pub model_district: Vec<Option<usize>>,
    /// Today's province of each model (index into `provinces`).
    pub model_today: Vec<Option<usize>>,
    /// Each model's place, resolved against the official list.
    pub model_places: Vec<crate::places::resolve::Place>,
    /// Place paths made from editors' spellings before issue 23 that lead elsewhere now
    /// ([`moved`]).
    pub old_places: Vec<moved::OldPlace>,
    /// Provinces, Vietnamese alphabetical order.
    pub provinces: Vec<Province>,
    /// Districts (each listed under its province).
    pub districts: Vec<District>,
    /// All models, newest first.
    pub newest: Vec<usize>,
    /// Models by year, newest first within a year.
    pub by_year: BTreeMap<i32, Vec<usize>>,
    /// Models by field (index as in `config.fields`), newest first.
    pub by_field: Vec<Vec<usize>>,
    /// Exemplary models, newest first.
    pub exemplary: Vec<usize>,
    /// The model each one copies.
    pub replicated_from: Vec<Option<usize>>,
    /// The models that copy each one.
    pub replicas: Vec<Vec<usize>>,
    /// Articles naming each model.
    pub model_articles: Vec<Vec<usize>>,
    /// Articles, newest first.
    pub articles: Vec<SiteArticle>,
    /// Plain pages, by slug.
    pub pages: Vec<SitePage>,
    /// Bodies of rejected documents, rendered only to check their links.
    pub rejected_bodies: Vec<(PathBuf, crate::content::Body)>,
}

pub use crate::routes::RESERVED;

impl Site {
    /// Moves every model's Markdown out (leaving it empty), in model order: a build hands
    /// them to the renderer, which drops each once its page is made. A body the load left
    /// in its file ([`crate::content::BodyBudget`]) is read again then.
    pub fn take_model_bodies(&mut self) -> Vec<TakenBody> {
        self.models
            .iter_mut()
            .map(|m| match m.body.in_file {
                Some(f) => TakenBody::InFile(f),
                None => TakenBody::Kept(std::mem::take(&mut m.body.markdown)),
            })
            .collect()
    }

    /// Builds the site from loaded content; returns the problems found (bad references,
    /// clashing slugs).
    pub fn assemble(content: Content) -> (Site, Vec<Diagnostic>) {
        let Content {
            config,
            mut models,
            mut articles,
            mut pages,
            rejected_bodies,
        } = content;
        let mut diags = Vec::new();
        let n = models.len();
        let slugs = slugs::assign_model_slugs(&models, &mut diags);
        // A lead moves into the summaries, so it is not held twice.
        // Shared with the models' cards ([`crate::render`]).
        let summaries: Vec<Arc<str>> = models
            .iter_mut()
            .map(|m| {
                m.summary
                    .clone()
                    .unwrap_or_else(|| std::mem::take(&mut m.lead))
                    .into()
            })
            .collect();

        // Places, resolved against the official list (official spelling), as recognised and
        // as today.
        let places::Grouping {
            mut provinces,
            mut districts,
            model_province,
            model_district,
            model_today,
            model_places,
            written,
        } = places::group(&config, &mut models, &mut diags);
        let old_places = moved::old_places(
            &written,
            &model_province,
            &model_district,
            &provinces,
            &districts,
        );
        drop(written);

        // Newest first: year, then date, then title in Vietnamese order, then slug.
        let mut newest: Vec<usize> = (0..n).collect();
        let keys: Vec<Vec<u32>> = models
            .iter()
            .map(|m| vntext::collation_key(&m.title))
            .collect();
        newest.sort_by(|&a, &b| {
            let (ma, mb) = (&models[a], &models[b]);
            mb.year
                .cmp(&ma.year)
                .then_with(|| mb.date.cmp(&ma.date))
                .then_with(|| keys[a].cmp(&keys[b]))
                .then_with(|| slugs[a].cmp(&slugs[b]))
        });
        let mut by_year: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        let mut by_field = vec![Vec::new(); config.fields.len()];
        let mut exemplary = Vec::new();
        for &i in &newest {
            let m = &models[i];
            by_year.entry(m.year).or_default().push(i);
            by_field[m.field].push(i);
            if m.exemplary {
                exemplary.push(i);
            }
            provinces[model_province[i]].models.push(i);
            if let Some(t) = model_today[i].filter(|&t| t != model_province[i]) {
                provinces[t].models.push(i);
            }
            if let Some(d) = model_district[i] {
                districts[d].models.push(i);
            }
        }

        // Replication links.
        let slug_index: HashMap<&str, usize> = slugs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let mut replicated_from = vec![None; n];
        let mut replicas = vec![Vec::new(); n];
        for (i, m) in models.iter().enumerate() {
            if let Some(src) = &m.replicated_from {
                match slug_index.get(src.as_str()) {
                    Some(&j) if j != i => {
                        replicated_from[i] = Some(j);
                        replicas[j].push(i);
                    }
                    Some(_) => diags.push(Diagnostic::error(
                        &m.origin.path,
                        m.origin.line,
                        1,
                        crate::msg!("site.replicates_itself"),
                    )),
                    None => diags.push(Diagnostic::error(
                        &m.origin.path,
                        m.origin.line,
                        1,
                        crate::msg!(
                            "site.replicated_unknown",
                            slug = src,
                            hint = crate::diag::did_you_mean(src, slugs.iter().map(String::as_str))
                        ),
                    )),
                }
            }
        }
        let mut rank = vec![0; n];
        for (r, &i) in newest.iter().enumerate() {
            rank[i] = r;
        }
        for r in &mut replicas {
            r.sort_by_key(|&i| rank[i]);
        }

        // Articles, newest first, with the models they name.
        articles.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| a.origin.path.cmp(&b.origin.path))
        });
        let article_slugs = slugs::assign_simple_slugs(
            articles
                .iter()
                .map(|a| (a.slug.as_deref(), &a.title, &a.origin)),
            &[],
            &mut diags,
        );
        let mut model_articles = vec![Vec::new(); n];
        let articles: Vec<SiteArticle> = articles
            .into_iter()
            .zip(article_slugs)
            .enumerate()
            .map(|(ai, (article, slug))| {
                let mut named = Vec::new();
                for s in &article.models {
                    match slug_index.get(s.as_str()) {
                        Some(&i) => {
                            named.push(i);
                            model_articles[i].push(ai);
                        }
                        None => diags.push(Diagnostic::error(
                            &article.origin.path,
                            article.models_at.0,
                            article.models_at.1,
                            crate::msg!(
                                "site.article_unknown_model",
                                slug = s,
                                hint =
                                    crate::diag::did_you_mean(s, slugs.iter().map(String::as_str))
                            ),
                        )),
                    }
                }
                SiteArticle {
                    article,
                    slug,
                    models: named,
                }
            })
            .collect();

        pages.sort_by(|a, b| a.origin.path.cmp(&b.origin.path));
        let page_slugs = slugs::assign_simple_slugs(
            pages
                .iter()
                .map(|p| (p.slug.as_deref(), &p.title, &p.origin)),
            RESERVED,
            &mut diags,
        );
        let pages = pages
            .into_iter()
            .zip(page_slugs)
            .map(|(page, slug)| SitePage { page, slug })
            .collect();

        let site = Site {
            config,
            models,
            slugs,
            summaries,
            model_province,
            model_district,
            model_today,
            model_places,
            old_places,
            provinces,
            districts,
            newest,
            by_year,
            by_field,
            exemplary,
            replicated_from,
            replicas,
            model_articles,
            articles,
            pages,
            rejected_bodies,
        };
        (site, diags)
    }

    /// Models of the same district (else province) and field, newest first, without `i`.
    pub fn related(&self, i: usize, max: usize) -> Vec<usize> {
        let m = &self.models[i];
        let pool = match self.model_district[i] {
            Some(d) => &self.districts[d].models,
            None => &self.provinces[self.model_province[i]].models,
        };
        pool.iter()
            .copied()
            .filter(|&j| j != i && self.models[j].field == m.field)
            .take(max)
            .collect()
    }

    /// Source file → page URL path (relative to the site root), for links between files.
    /// A YAML file maps to its model only when it holds exactly one.
    pub fn source_urls(&self) -> HashMap<PathBuf, String> {
        let mut map: HashMap<PathBuf, String> =
            HashMap::with_capacity(self.models.len() + self.articles.len() + self.pages.len());
        // A Markdown file holds one model; only YAML lists need counting.
        let in_list = |m: &Model| m.origin.path.extension().is_none_or(|e| e != "md");
        let mut counts: HashMap<&PathBuf, usize> = HashMap::new();
        for m in self.models.iter().filter(|m| in_list(m)) {
            *counts.entry(&m.origin.path).or_default() += 1;
        }
        for (m, slug) in self.models.iter().zip(&self.slugs) {
            if !in_list(m) || counts[&m.origin.path] == 1 {
                map.insert(m.origin.path.clone(), crate::routes::model(slug));
            }
        }
        for a in &self.articles {
            map.insert(
                a.article.origin.path.clone(),
                format!("tin-tuc/{}/", a.slug),
            );
        }
        for p in &self.pages {
            map.insert(p.page.origin.path.clone(), format!("{}/", p.slug));
        }
        map
    }

    /// Display of a model's place: commune, district, province.
    pub fn place_of(&self, i: usize) -> String {
        let m = &self.models[i];
        let mut parts: Vec<&str> = Vec::new();
        if let Some(c) = &m.commune {
            parts.push(c);
        }
        if let Some(d) = self.model_district[i].filter(|&d| !self.districts[d].commune) {
            parts.push(&self.districts[d].name);
        }
        parts.push(&self.provinces[self.model_province[i]].name);
        parts.join(", ")
    }
}

/// A model's Markdown, moved out of the site for a build ([`Site::take_model_bodies`]).
#[derive(Debug)]
pub enum TakenBody {
    /// Kept in memory.
    Kept(String),
    /// Dropped, to be read again from the model's file; its length and hash tell whether
    /// the file was changed in the meantime.
    InFile(crate::content::InFile),
}

/// The summary shown in lists: as written, else the body's first paragraph, shortened.
pub fn summary_of(m: &Model) -> String {
    m.summary.clone().unwrap_or_else(|| m.lead.clone())
}

/// Slug of a place name (folded, so spellings differing in case or accents merge).
pub fn place_slug(name: &str) -> String {
    let s = vntext::slugify(name);
    if s.is_empty() {
        "khac".into()
    } else {
        s
    }
}

/// Of several spellings of one place the official list lacks, the most fully accented; ties
/// go to the most used, then to the one starting with a capital, then to the first in
/// code-point order. (Names on the list always take their official spelling.)
pub(crate) fn best_spelling(names: &[&str]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        *counts.entry(n).or_default() += 1;
    }
    let accents = |s: &str| s.chars().filter(|c| !c.is_ascii()).count();
    // Words written as names are written: a capital, then small letters.
    let capitals = |s: &str| {
        s.split_whitespace()
            .filter(|w| {
                let mut cs = w.chars();
                cs.next().is_some_and(char::is_uppercase) && cs.all(|c| !c.is_uppercase())
            })
            .count()
    };
    counts
        .into_iter()
        .max_by(|a, b| {
            accents(a.0)
                .cmp(&accents(b.0))
                .then(capitals(a.0).cmp(&capitals(b.0)))
                .then(a.1.cmp(&b.1))
                .then(b.0.cmp(a.0))
        })
        .map(|(s, _)| s.to_string())
        .unwrap_or_default()
}

/// Cuts text at a word boundary to at most `max` characters, adding "…".
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_spelling_prefers_full_accents_then_capitals() {
        assert_eq!(
            best_spelling(&["Lam Ha", "lâm hà", "Lâm Hà", "Lam Ha"]),
            "Lâm Hà"
        );
        assert_eq!(best_spelling(&["Bến Tre"]), "Bến Tre");
        assert_eq!(
            best_spelling(&["LÂM ĐỒNG", "Lâm Đồng", "lâm đồng"]),
            "Lâm Đồng"
        );
    }

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("một hai ba bốn năm", 9), "một hai…");
        assert_eq!(shorten("ngắn", 9), "ngắn");
    }
}

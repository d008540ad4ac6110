//! What templates see: one serialisable view per shape of docs/THEME-CONTEXT.md, built from
//! the [`Site`] without copying site-wide data into each page.

use super::format;
use super::I18n;
use crate::routes;
use crate::site::stats::Stats;
use crate::site::Site;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// Maps paths relative to the site root to URLs under base_url's path.
#[derive(Debug, Clone)]
pub struct Urls {
    /// Path of base_url, starting and ending with `/`.
    pub base_path: String,
    /// base_url itself (absolute when configured so).
    pub base_url: String,
}

impl Urls {
    /// Root-relative URL of a site path (`mo-hinh/x/` → `/danvan/mo-hinh/x/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }
    /// Absolute URL of a site path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
    /// URL of a year listing.
    pub fn year(&self, y: i32) -> String {
        self.url(&routes::year(y))
    }
}

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text.
    pub title: String,
    /// URL.
    pub url: String,
}

/// A place with its URL.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceLink {
    /// Display name.
    pub name: String,
    /// URL of its listing.
    pub url: String,
}

/// A labelled count.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    /// Label.
    pub label: String,
    /// URL of the listing, when there is one.
    pub url: Option<String>,
    /// How many.
    pub count: usize,
}

/// A photo as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoView {
    /// URL of the image.
    pub url: String,
    /// Caption.
    pub caption: String,
    /// Credit.
    pub credit: Option<String>,
    /// Alt text (the caption).
    pub alt: String,
    /// Width in pixels, when known.
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
    /// WebP variants as a srcset, when processed.
    pub srcset_webp: Option<String>,
    /// JPEG variants as a srcset, when processed.
    pub srcset_jpeg: Option<String>,
    /// The sizes attribute for the srcsets.
    pub sizes: Option<String>,
}

/// A model in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// Title.
    pub title: String,
    /// Page URL.
    pub url: String,
    /// Year of recognition.
    pub year: i32,
    /// Year listing URL (shared by the cards of a year: a national site keeps 200,000).
    pub year_url: Arc<str>,
    /// Commune, district, province.
    pub place: String,
    /// Field label (shared, as the field's slug and URL).
    pub field_label: Arc<str>,
    /// Field slug.
    pub field_slug: Arc<str>,
    /// Field listing URL.
    pub field_url: Arc<str>,
    /// Host organisation.
    pub host: String,
    /// Exemplary.
    pub exemplary: bool,
    /// Level label (shared).
    pub level_label: Option<Arc<str>>,
    /// Lead (shared with the site's summaries).
    pub summary: Arc<str>,
    /// Cover photo (boxed: most cards have none, and a national site keeps 200,000 cards).
    pub cover: Option<Box<PhotoView>>,
}

impl Card {
    /// The card as a template value, with `html` (its `card.html` rendered) when given: the
    /// same value as serializing it and adding `html`, built from sorted entries at once
    /// rather than key by key (a listing makes thousands of them).
    pub fn to_value(&self, html: Option<&str>) -> Value {
        let s = |v: &str| Value::String(v.to_owned());
        let mut entries: Vec<(String, Value)> = vec![
            (
                "cover".into(),
                self.cover.as_deref().map_or(Value::Null, super::to_json),
            ),
            ("exemplary".into(), Value::Bool(self.exemplary)),
            ("field_label".into(), s(&self.field_label)),
            ("field_slug".into(), s(&self.field_slug)),
            ("field_url".into(), s(&self.field_url)),
            ("host".into(), s(&self.host)),
        ];
        if let Some(html) = html {
            entries.push(("html".into(), s(html)));
        }
        entries.extend([
            (
                "level_label".into(),
                self.level_label.as_deref().map_or(Value::Null, s),
            ),
            ("place".into(), s(&self.place)),
            ("summary".into(), s(&self.summary)),
            ("title".into(), s(&self.title)),
            ("url".into(), s(&self.url)),
            ("year".into(), Value::from(self.year)),
            ("year_url".into(), s(&self.year_url)),
        ]);
        Value::Object(entries.into_iter().collect())
    }
}

/// Builds the card of model `i` with its cover photo.
pub fn card(
    site: &Site,
    urls: &Urls,
    shared: &CardShared,
    i: usize,
    cover: Option<PhotoView>,
) -> Card {
    let m = &site.models[i];
    let path = routes::model(&site.slugs[i]);
    let [field_label, field_slug, field_url] = shared.fields[m.field].clone();
    Card {
        title: m.title.clone(),
        url: urls.url(&path),
        year: m.year,
        year_url: shared
            .years
            .get(&m.year)
            .cloned()
            .unwrap_or_else(|| urls.year(m.year).into()),
        place: site.place_of(i),
        field_label,
        field_slug,
        field_url,
        host: m.host.clone(),
        exemplary: m.exemplary,
        level_label: m.level.map(|l| Arc::clone(&shared.levels[l as usize])),
        summary: Arc::clone(&site.summaries[i]),
        cover: cover.map(Box::new),
    }
}

/// The strings many cards have in common, made once: each field's label, slug and URL, each
/// year's URL, each level's label.
pub struct CardShared {
    fields: Vec<[Arc<str>; 3]>,
    years: std::collections::HashMap<i32, Arc<str>>,
    levels: Vec<Arc<str>>,
}

impl CardShared {
    /// The shared strings of `site`'s cards.
    pub fn new(site: &Site, urls: &Urls, t: &I18n) -> CardShared {
        CardShared {
            fields: site
                .config
                .fields
                .iter()
                .map(|f| {
                    [
                        f.label.as_str().into(),
                        f.slug.as_str().into(),
                        urls.url(&routes::field(&f.slug)).into(),
                    ]
                })
                .collect(),
            years: site
                .by_year
                .keys()
                .map(|&y| (y, urls.year(y).into()))
                .collect(),
            levels: crate::content::LEVEL_CODES
                .iter()
                .map(|code| t.get(&format!("level.{code}")).into())
                .collect(),
        }
    }
}

/// URL of a province listing.
pub fn province_url(site: &Site, urls: &Urls, p: usize) -> String {
    urls.url(&routes::province(&site.provinces[p].slug))
}

/// URL of a district listing.
pub fn district_url(site: &Site, urls: &Urls, d: usize) -> String {
    let district = &site.districts[d];
    urls.url(&routes::district(
        &site.provinces[district.province].slug,
        &district.slug,
    ))
}

/// A measurable result.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    /// Label.
    pub label: String,
    /// Raw value.
    pub value: f64,
    /// Value formatted the Vietnamese way.
    pub value_display: String,
    /// Unit.
    pub unit: String,
}

/// A model's own page.
#[derive(Debug, Clone, Serialize)]
pub struct ModelView {
    pub title: String,
    pub url: String,
    pub slug: String,
    pub year: i32,
    pub year_url: String,
    pub province: PlaceLink,
    /// The district (before 1 July 2025; there is none since).
    pub district: Option<PlaceLink>,
    pub commune: Option<String>,
    /// The commune's page: a commune since 1 July 2025 has one (its models), a commune
    /// before has none.
    pub commune_url: Option<String>,
    pub place: String,
    /// Where a place recognised before 1 July 2025 lies today ("xã Thành Thới, tỉnh Vĩnh
    /// Long"), linked to today's province.
    pub now: Option<PlaceLink>,
    pub field_label: String,
    pub field_url: String,
    pub host: String,
    pub level_label: Option<String>,
    pub exemplary: bool,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub summary: String,
    /// The summary was written (`summary:`); else it is the body's first paragraph, which the
    /// page shows already.
    pub summary_given: bool,
    pub results: Vec<ResultView>,
    pub photos: Vec<PhotoView>,
    pub cover: Option<PhotoView>,
    pub tags: Vec<String>,
    pub body_html: String,
    pub replicated_from: Option<Link>,
    pub replicas: Vec<Link>,
}

/// Builds the view of model `i` with its rendered body and photos.
pub fn model(
    site: &Site,
    urls: &Urls,
    t: &I18n,
    i: usize,
    body_html: String,
    photos: Vec<PhotoView>,
) -> ModelView {
    let m = &site.models[i];
    let field = &site.config.fields[m.field];
    let path = routes::model(&site.slugs[i]);
    let link = |j: usize| Link {
        title: site.models[j].title.clone(),
        url: urls.url(&routes::model(&site.slugs[j])),
    };
    let p = site.model_province[i];
    ModelView {
        title: m.title.clone(),
        url: urls.url(&path),
        slug: site.slugs[i].clone(),
        year: m.year,
        year_url: urls.year(m.year),
        province: PlaceLink {
            name: site.provinces[p].name.clone(),
            url: province_url(site, urls, p),
        },
        district: site.model_district[i]
            .filter(|&d| !site.districts[d].commune)
            .map(|d| PlaceLink {
                name: site.districts[d].name.clone(),
                url: district_url(site, urls, d),
            }),
        commune: m.commune.clone(),
        commune_url: site.model_district[i]
            .filter(|&d| site.districts[d].commune)
            .map(|d| district_url(site, urls, d)),
        place: site.place_of(i),
        now: crate::site::places::now_text(site, i, &t.get("model.now_most")).map(|(name, p)| {
            PlaceLink {
                name,
                url: province_url(site, urls, p),
            }
        }),
        field_label: field.label.clone(),
        field_url: urls.url(&routes::field(&field.slug)),
        host: m.host.clone(),
        level_label: m.level.map(|l| t.get(&format!("level.{}", l.code()))),
        exemplary: m.exemplary,
        date: m.date.clone(),
        date_display: m.date.as_deref().map(format::date),
        summary: site.summaries[i].to_string(),
        summary_given: m.summary.is_some(),
        results: m
            .results
            .iter()
            .map(|r| ResultView {
                label: r.label.clone(),
                value: r.value,
                value_display: format::number(r.value),
                unit: r.unit.clone(),
            })
            .collect(),
        cover: photos.first().cloned(),
        photos,
        tags: m.tags.clone(),
        body_html,
        replicated_from: site.replicated_from[i].map(link),
        replicas: site.replicas[i].iter().map(|&j| link(j)).collect(),
    }
}

/// An article in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_display: String,
    pub summary: String,
}

/// Builds the summary of article `a`.
pub fn article_summary(site: &Site, urls: &Urls, a: usize, lead: &str) -> ArticleSummary {
    let art = &site.articles[a];
    ArticleSummary {
        title: art.article.title.clone(),
        url: urls.url(&routes::article(&art.slug)),
        date: art.article.date.clone(),
        date_display: format::date(&art.article.date),
        summary: art
            .article
            .summary
            .clone()
            .unwrap_or_else(|| crate::site::shorten(lead, 240)),
    }
}

/// A row of the statistics tables.
#[derive(Debug, Clone, Serialize)]
pub struct StatsRow {
    pub name: String,
    pub url: String,
    pub depth: u8,
    pub total: usize,
    pub by_field: Vec<usize>,
}

/// A year row.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub year: i32,
    pub url: String,
    pub total: usize,
    pub by_field: Vec<usize>,
}

/// A field column head.
#[derive(Debug, Clone, Serialize)]
pub struct FieldHead {
    pub slug: String,
    pub label: String,
    pub url: String,
}

/// A level row.
#[derive(Debug, Clone, Serialize)]
pub struct LevelView {
    pub label: String,
    pub count: usize,
}

/// A summed result row.
#[derive(Debug, Clone, Serialize)]
pub struct ResultSumView {
    pub label: String,
    pub unit: String,
    pub total: f64,
    pub total_display: String,
    pub models: usize,
}

/// Statistics as templates show them.
#[derive(Debug, Clone, Serialize)]
pub struct StatsView {
    pub total: usize,
    pub exemplary: usize,
    pub fields: Vec<FieldHead>,
    pub field_totals: Vec<usize>,
    pub years: Vec<YearView>,
    pub places: Vec<StatsRow>,
    pub levels: Vec<LevelView>,
    pub results: Vec<ResultSumView>,
}

/// Builds the statistics view.
pub fn stats(site: &Site, urls: &Urls, t: &I18n, s: &Stats) -> StatsView {
    StatsView {
        total: s.total,
        exemplary: s.exemplary,
        fields: site
            .config
            .fields
            .iter()
            .map(|f| FieldHead {
                slug: f.slug.clone(),
                label: f.label.clone(),
                url: urls.url(&routes::field(&f.slug)),
            })
            .collect(),
        field_totals: s.field_totals.clone(),
        years: s
            .years
            .iter()
            .map(|y| YearView {
                year: y.year,
                url: urls.year(y.year),
                total: y.total,
                by_field: y.by_field.clone(),
            })
            .collect(),
        places: s
            .places
            .iter()
            .map(|p| StatsRow {
                name: p.name.clone(),
                url: urls.url(&match &p.district_slug {
                    Some(d) => routes::district(&p.province_slug, d),
                    None => routes::province(&p.province_slug),
                }),
                depth: p.depth,
                total: p.total,
                by_field: p.by_field.clone(),
            })
            .collect(),
        levels: s
            .levels
            .iter()
            .map(|l| LevelView {
                label: t.get(&format!("level.{}", l.code.unwrap_or("none"))),
                count: l.count,
            })
            .collect(),
        results: s
            .results
            .iter()
            .map(|r| ResultSumView {
                label: r.label.clone(),
                unit: r.unit.clone(),
                total: r.total,
                total_display: format::number(r.total),
                models: r.models,
            })
            .collect(),
    }
}

/// Count of models per field, one row per field, linking to the field listings.
pub fn field_counts(site: &Site, urls: &Urls, totals: &[usize]) -> Vec<Count> {
    site.config
        .fields
        .iter()
        .zip(totals)
        .map(|(f, &count)| Count {
            label: f.label.clone(),
            url: Some(urls.url(&routes::field(&f.slug))),
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(cover: bool, level: bool) -> Card {
        Card {
            title: "Dân vận khéo".into(),
            url: "/mo-hinh/a/".into(),
            year: 2024,
            year_url: "/nam/2024/".into(),
            place: "Xã A, huyện B".into(),
            field_label: "Kinh tế".into(),
            field_slug: "kinh-te".into(),
            field_url: "/linh-vuc/kinh-te/".into(),
            host: "Hội Nông dân".into(),
            exemplary: cover,
            level_label: level.then(|| "Cấp tỉnh".into()),
            summary: "Tóm tắt".into(),
            cover: cover.then(|| {
                Box::new(PhotoView {
                    url: "/a.jpg".into(),
                    caption: "Ảnh".into(),
                    credit: None,
                    alt: "Ảnh".into(),
                    width: Some(800),
                    height: None,
                    srcset_webp: Some("/a.webp 800w".into()),
                    srcset_jpeg: None,
                    sizes: None,
                })
            }),
        }
    }

    #[test]
    fn a_cards_value_is_its_serialization_plus_html() {
        for (cover, level, html) in [
            (false, false, None),
            (true, true, Some("<article>…</article>")),
            (true, false, Some("")),
        ] {
            let c = card(cover, level);
            let mut want = serde_json::to_value(&c).unwrap();
            if let Some(h) = html {
                want["html"] = Value::String(h.into());
            }
            assert_eq!(c.to_value(html), want);
        }
    }
}

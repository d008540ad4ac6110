//! Machine-readable outputs: sitemap.xml, robots.txt, the Atom feed of new models and
//! articles, and the open data of every model as JSON and CSV.

use super::views::Urls;
use crate::content::markdown::html_escape;
use crate::routes;
use crate::site::Site;
use serde::Serialize;
use std::io::{self, Write};

/// sitemap.xml listing every page path (relative to the site root).
pub fn sitemap(urls: &Urls, paths: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in paths {
        out.push_str("  <url><loc>");
        out.push_str(&html_escape(&urls.absolute(p)));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// robots.txt allowing everything and naming the sitemap.
pub fn robots(urls: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        urls.absolute(routes::SITEMAP)
    )
}

/// The Atom feed: the 30 newest models and articles by date (a model without a date
/// counts as published at the end of its year). Deterministic: no clock is read.
pub fn atom(site: &Site, urls: &Urls) -> String {
    struct Entry {
        date: String,
        title: String,
        path: String,
        summary: String,
    }
    let mut entries: Vec<Entry> = site
        .newest
        .iter()
        .take(30)
        .map(|&i| {
            let m = &site.models[i];
            Entry {
                date: m
                    .date
                    .clone()
                    .unwrap_or_else(|| format!("{}-12-31", m.year)),
                title: m.title.clone(),
                path: routes::model(&site.slugs[i]),
                summary: site.summaries[i].to_string(),
            }
        })
        .chain(site.articles.iter().take(30).map(|a| Entry {
            date: a.article.date.clone(),
            title: a.article.title.clone(),
            path: routes::article(&a.slug),
            summary: a.article.summary.clone().unwrap_or_default(),
        }))
        .collect();
    entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.path.cmp(&b.path)));
    entries.truncate(30);
    let updated = entries
        .first()
        .map(|e| e.date.clone())
        .unwrap_or_else(|| "2000-01-01".into());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}T00:00:00Z</updated>\n",
        html_escape(&site.config.language),
        html_escape(&site.config.title),
        html_escape(&urls.absolute("")),
        html_escape(&urls.absolute(routes::FEED)),
        html_escape(&urls.absolute("")),
        updated
    );
    for e in entries {
        let url = html_escape(&urls.absolute(&e.path));
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            html_escape(&e.title),
            e.date,
            html_escape(&e.summary)
        ));
    }
    out.push_str("</feed>\n");
    out
}

/// One model in the open data.
#[derive(Serialize)]
struct Record<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    year: i32,
    province: &'a str,
    district: Option<&'a str>,
    commune: Option<&'a str>,
    field: &'a str,
    field_slug: &'a str,
    host: &'a str,
    level: Option<&'static str>,
    exemplary: bool,
    date: Option<&'a str>,
    summary: &'a str,
    results: Vec<RecordResult<'a>>,
    tags: &'a [String],
    replicated_from: Option<&'a str>,
    /// Official codes, then and now.
    #[serde(flatten)]
    place: crate::site::places::OpenPlace,
}

#[derive(Serialize)]
struct RecordResult<'a> {
    label: &'a str,
    value: f64,
    unit: &'a str,
}

/// Every model's record, newest first, made one at a time.
fn records<'a>(site: &'a Site, urls: &'a Urls) -> impl Iterator<Item = Record<'a>> + 'a {
    site.newest.iter().map(move |&i| {
        let m = &site.models[i];
        let field = &site.config.fields[m.field];
        Record {
            slug: &site.slugs[i],
            url: urls.absolute(&routes::model(&site.slugs[i])),
            title: &m.title,
            year: m.year,
            province: &site.provinces[site.model_province[i]].name,
            district: site.model_district[i]
                .filter(|&d| !site.districts[d].commune)
                .map(|d| site.districts[d].name.as_str()),
            commune: m.commune.as_deref(),
            field: &field.label,
            field_slug: &field.slug,
            host: &m.host,
            level: m.level.map(|l| l.code()),
            exemplary: m.exemplary,
            date: m.date.as_deref(),
            summary: &site.summaries[i],
            results: m
                .results
                .iter()
                .map(|r| RecordResult {
                    label: &r.label,
                    value: r.value,
                    unit: &r.unit,
                })
                .collect(),
            tags: &m.tags,
            replicated_from: site.replicated_from[i].map(|j| site.slugs[j].as_str()),
            place: crate::site::places::open_place(site, i),
        }
    })
}

/// The records as a JSON array, serialized as they are made.
struct Records<'a> {
    site: &'a Site,
    urls: &'a Urls,
}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(records(self.site, self.urls))
    }
}

/// Every model as a JSON array (newest first).
pub fn models_json(site: &Site, urls: &Urls) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write_models_json(site, urls, &mut out);
    out
}

/// [`models_json`] into `w`, a model at a time.
pub fn write_models_json(site: &Site, urls: &Urls, w: &mut dyn Write) -> io::Result<()> {
    // A buffer of its own: the serializer's many small writes are then copies, not calls
    // through `dyn Write` each.
    let mut b = io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut b, &Records { site, urls })?;
    b.write_all(b"\n")?;
    b.flush()
}

/// Every model as CSV with a header row; results as `label: value unit` joined by `; `.
pub fn models_csv(site: &Site, urls: &Urls) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write_models_csv(site, urls, &mut out);
    out
}

/// The open data CSV's columns: the model keys the schema exports ([`crate::schema::Key::csv`]),
/// with the page's URL, the field's slug and the places' official codes then and now.
pub const CSV_COLUMNS: &[&str] = &[
    "slug",
    "url",
    "title",
    "year",
    "province",
    "district",
    "commune",
    "field",
    "field_slug",
    "host",
    "level",
    "exemplary",
    "date",
    "summary",
    "results",
    "tags",
    "replicated_from",
    "units",
    "province_code",
    "district_code",
    "commune_code",
    "province_today",
    "province_today_code",
    "commune_today",
    "commune_today_code",
];

/// [`models_csv`] into `out`, a model at a time.
pub fn write_models_csv(site: &Site, urls: &Urls, out: &mut dyn Write) -> io::Result<()> {
    // A byte-order mark: Excel on a Vietnamese Windows reads the file as UTF-8 only with it.
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    debug_assert!(crate::schema::MODEL
        .iter()
        .all(|k| CSV_COLUMNS.contains(&k.name) == k.csv));
    w.write_record(CSV_COLUMNS)?;
    for r in records(site, urls) {
        let results = r
            .results
            .iter()
            .map(|x| {
                format!("{}: {} {}", x.label, x.value, x.unit)
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("; ");
        w.write_record([
            r.slug,
            &r.url,
            r.title,
            &r.year.to_string(),
            r.province,
            r.district.unwrap_or(""),
            r.commune.unwrap_or(""),
            r.field,
            r.field_slug,
            r.host,
            r.level.unwrap_or(""),
            if r.exemplary { "true" } else { "false" },
            r.date.unwrap_or(""),
            r.summary,
            &results,
            &r.tags.join("; "),
            r.replicated_from.unwrap_or(""),
            r.place.units,
            r.place.province_code.unwrap_or(""),
            r.place.district_code.unwrap_or(""),
            r.place.commune_code.unwrap_or(""),
            r.place.province_today.as_deref().unwrap_or(""),
            r.place.province_today_code.unwrap_or(""),
            &r.place.commune_today.join("; "),
            &r.place.commune_today_code.join("; "),
        ])?;
    }
    w.flush()
}

//! Machine-readable outputs: sitemap.xml, robots.txt and the Atom feed of new models and
//! articles (the open data is [`super::open_data`]'s).

use super::views::Urls;
use crate::content::markdown::html_escape;
use crate::routes;
use crate::site::Site;

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

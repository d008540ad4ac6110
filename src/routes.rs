//! Every path of the published site, in one place: pages, listings and their pagination,
//! the A–Z pages, search, open data, photos and feeds. Paths are relative to the site root,
//! without a leading slash, and a page's path ends with `/` (its `index.html`). Everything
//! else — the renderer's jobs, the views and charts that link pages, `dvk serve`, the
//! templates (through [`template_values`]) — asks this module instead of writing a path.

use serde_json::{json, Value};

/// The home page.
pub const HOME: &str = "";
/// Every model's page is under this folder ([`model`]).
pub const MODELS: &str = "mo-hinh/";
/// The place index (today's provinces, then the former ones).
pub const PLACES: &str = "dia-ban/";
/// The exemplary models' listing.
pub const EXEMPLARY: &str = "dien-hinh/";
/// The statistics page.
pub const STATS: &str = "thong-ke/";
/// The news listing ([`article`] for one article).
pub const NEWS: &str = "tin-tuc/";
/// The search page; its index lives in [`SEARCH_INDEX`].
pub const SEARCH: &str = "tim-kiem/";
/// The search index's files.
pub const SEARCH_INDEX: &str = "tim-kiem/i/";
/// Open data: every model as JSON.
pub const DATA_JSON: &str = "du-lieu/mo-hinh.json";
/// Open data: every model as CSV.
pub const DATA_CSV: &str = "du-lieu/mo-hinh.csv";
/// Processed photos.
pub const PHOTOS: &str = "anh/";
/// The Atom feed.
pub const FEED: &str = "atom.xml";
/// The sitemap.
pub const SITEMAP: &str = "sitemap.xml";
/// Instructions for crawlers.
pub const ROBOTS: &str = "robots.txt";
/// The stylesheet of highlighted code (only on sites whose bodies have code).
pub const CODE_CSS: &str = "code.css";
/// The page served for a missing path.
pub const NOT_FOUND: &str = "404.html";

/// First segments a plain page's slug may not take: they belong to the site's own pages.
pub const RESERVED: &[&str] = &[
    "mo-hinh",
    "nam",
    "dia-ban",
    "linh-vuc",
    "dien-hinh",
    "tim-kiem",
    "tin-tuc",
    "thong-ke",
    "du-lieu",
    "trang",
    "anh",
    "404",
    "atom",
    "sitemap",
    "robots",
    "style",
    "static",
];

/// A model's page.
pub fn model(slug: &str) -> String {
    format!("{MODELS}{slug}/")
}

/// The listing of one year's models.
pub fn year(y: i32) -> String {
    format!("nam/{y}/")
}

/// One year's report (the printable page; its Word file is [`year_report_docx`]).
pub fn year_report(y: i32) -> String {
    format!("nam/{y}/bao-cao/")
}

/// The file name of one year's report as a Word file, beside [`year_report`].
pub fn year_report_docx(y: i32) -> String {
    format!("bao-cao-dan-van-kheo-{y}.docx")
}

/// A province's listing.
pub fn province(slug: &str) -> String {
    format!("{PLACES}{slug}/")
}

/// The listing of a place inside a province (a district, or a commune after the reform).
pub fn district(province_slug: &str, slug: &str) -> String {
    format!("{PLACES}{province_slug}/{slug}/")
}

/// A field's listing.
pub fn field(slug: &str) -> String {
    format!("linh-vuc/{slug}/")
}

/// One news article.
pub fn article(slug: &str) -> String {
    format!("{NEWS}{slug}/")
}

/// A plain page (Giới thiệu, …), at the site's top level.
pub fn page(slug: &str) -> String {
    format!("{slug}/")
}

/// The A–Z page of the models whose title starts with one letter (large sites only).
pub fn az_letter(slug: &str) -> String {
    format!("{SEARCH}a-z/{slug}/")
}

/// Page `n` (from 1) of a listing whose first page is `first`.
pub fn listing_page(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}trang/{n}/")
    }
}

/// The fixed URLs templates link to, under `base_path` (`routes.search`, `routes.stats`, …).
pub fn template_values(base_path: &str) -> Value {
    let url = |p: &str| format!("{base_path}{p}");
    json!({
        "home": url(HOME),
        "places": url(PLACES),
        "exemplary": url(EXEMPLARY),
        "stats": url(STATS),
        "news": url(NEWS),
        "search": url(SEARCH),
        "data_json": url(DATA_JSON),
        "data_csv": url(DATA_CSV),
        "feed": url(FEED),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_end_with_a_slash_and_files_do_not() {
        for p in [
            model("a"),
            year(2024),
            year_report(2024),
            province("lam-dong"),
            district("lam-dong", "lam-ha"),
            field("kinh-te"),
            article("x"),
            page("gioi-thieu"),
            az_letter("a"),
            listing_page("nam/2024/", 2),
        ] {
            assert!(p.ends_with('/') && !p.starts_with('/'), "{p}");
        }
        for f in [DATA_JSON, DATA_CSV, FEED, SITEMAP, ROBOTS, NOT_FOUND] {
            assert!(!f.ends_with('/'), "{f}");
        }
        assert_eq!(listing_page("nam/2024/", 1), "nam/2024/");
        assert_eq!(listing_page("nam/2024/", 3), "nam/2024/trang/3/");
    }

    #[test]
    fn every_section_folder_is_reserved() {
        let firsts = [
            MODELS,
            PLACES,
            EXEMPLARY,
            STATS,
            NEWS,
            SEARCH,
            PHOTOS,
            &year(1),
            &field("x"),
        ];
        for p in firsts {
            let first = p.split('/').next().unwrap();
            assert!(RESERVED.contains(&first), "{first}");
        }
        assert!(RESERVED.contains(&DATA_JSON.split('/').next().unwrap()));
        assert!(RESERVED.contains(&"trang"));
    }

    #[test]
    fn template_values_are_under_the_base_path() {
        let v = template_values("/danvan/");
        assert_eq!(v["search"], "/danvan/tim-kiem/");
        assert_eq!(v["home"], "/danvan/");
        assert_eq!(v["data_csv"], "/danvan/du-lieu/mo-hinh.csv");
    }
}

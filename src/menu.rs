//! The site's navigation: `menu:` in `content/site.yaml` is the list of links in the header
//! (each `{ label, url }` or `{ label, page }`), and every page of `content/pages/` that has no
//! menu entry is linked from the footer, so no page is left unreachable. Without `menu:` the
//! theme shows its default header (home, years, places, fields, exemplary, statistics, news,
//! search).
//!
//! `url` is a path of this site starting with `/` (`/thong-ke/`, written without the
//! `base_url` sub-path, which is added) or an address starting with `https://` or `http://`;
//! `page` names a page of `content/pages/` by its file name or slug (`gioi-thieu`).

use crate::diag::{did_you_mean, Diagnostic};
use crate::render::views::Urls;
use crate::site::Site;
use crate::yaml::{self, Seg, YamlDoc};
use serde_json::{json, Value};
use std::path::Path;

/// Keys of a menu entry.
const KEYS: &[&str] = &["label", "url", "page"];

/// Where a menu entry leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A path of this site (starting with `/`, without the base path) or an absolute address.
    Url(String),
    /// A page of `content/pages/`, by slug or file name.
    Page(String),
}

/// One link of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItem {
    /// The text shown.
    pub label: String,
    /// Where it leads.
    pub target: Target,
    /// Position of the entry's `page` in site.yaml (1-based; for messages).
    pub line: usize,
    /// Column of the same.
    pub column: usize,
}

/// Reads the `menu:` list of site.yaml; every problem goes into `diags`.
pub fn parse(
    doc: &YamlDoc,
    key_path: &[Seg],
    list: &[serde_yaml::Value],
    diags: &mut Vec<Diagnostic>,
) -> Vec<MenuItem> {
    let mut items = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let item_path = yaml::child(key_path, i);
        let Some(m) = doc.expect_mapping(item, &item_path, diags) else {
            continue;
        };
        let mut f = doc.fields(m, &item_path, KEYS);
        let label = f.required_string("label");
        let url = f.string("url");
        let page = f.string("page");
        let target = match (url, page) {
            (Some(_), Some(_)) => {
                f.error("page", crate::msg!("menu.both"));
                None
            }
            (None, None) => {
                f.error("label", crate::msg!("menu.no_target"));
                None
            }
            (Some(url), None) => {
                let lower = url.to_ascii_lowercase();
                if url.starts_with('/') && !url.starts_with("//")
                    || lower.starts_with("https://")
                    || lower.starts_with("http://")
                {
                    Some(Target::Url(url))
                } else {
                    f.error("url", crate::msg!("menu.bad_url", url = url));
                    None
                }
            }
            (None, Some(page)) => {
                let page = page
                    .trim_start_matches("content/")
                    .trim_start_matches("pages/")
                    .trim_end_matches(".md")
                    .trim_matches('/')
                    .to_string();
                Some(Target::Page(page))
            }
        };
        diags.extend(f.finish());
        if let (Some(label), Some(target)) = (label, target) {
            let mut at = item_path.clone();
            at.push(Seg::Key("page".into()));
            let (line, column) = doc.locate(&at);
            items.push(MenuItem {
                label,
                target,
                line,
                column,
            });
        }
    }
    items
}

/// The index of the page an entry names, matching slug or file name.
fn find_page(site: &Site, name: &str) -> Option<usize> {
    site.pages.iter().position(|p| {
        p.slug == name
            || p.page
                .origin
                .path
                .file_stem()
                .is_some_and(|s| s.to_string_lossy() == name)
    })
}

/// Menu entries naming a page that does not exist (errors, with the pages there are).
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for item in &site.config.menu {
        if let Target::Page(name) = &item.target {
            if find_page(site, name).is_none() {
                let slugs: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
                let list = if slugs.is_empty() {
                    crate::msg!("menu.no_pages")
                } else {
                    slugs.join(", ")
                };
                diags.push(Diagnostic::error(
                    Path::new("content/site.yaml"),
                    item.line,
                    item.column,
                    crate::msg!(
                        "menu.unknown_page",
                        page = name,
                        hint = did_you_mean(name, slugs.iter().copied()),
                        pages = list
                    ),
                ));
            }
        }
    }
    diags
}

/// The header's links (`site.menu`: `[{label, url, prefix}]`, empty without `menu:`;
/// `prefix`: the link also marks the pages below it as current) and the footer's page links
/// (`site.footer_pages`: `[{title, url}]`, the pages no menu entry names), for templates.
pub fn template_values(site: &Site, urls: &Urls) -> (Vec<Value>, Vec<Value>) {
    let mut in_menu = vec![false; site.pages.len()];
    let mut menu = Vec::new();
    for item in &site.config.menu {
        let (url, internal) = match &item.target {
            Target::Url(u) if u.starts_with('/') => (urls.url(u.trim_start_matches('/')), true),
            Target::Url(u) => (u.clone(), false),
            Target::Page(name) => match find_page(site, name) {
                Some(p) => {
                    in_menu[p] = true;
                    (urls.url(&crate::routes::page(&site.pages[p].slug)), true)
                }
                None => continue,
            },
        };
        let prefix = internal && url != urls.base_path && url.ends_with('/');
        menu.push(json!({"label": item.label, "url": url, "prefix": prefix}));
    }
    let footer = site
        .pages
        .iter()
        .enumerate()
        .filter(|(i, _)| !in_menu[*i])
        .map(
            |(_, p)| json!({"title": p.page.title, "url": urls.url(&crate::routes::page(&p.slug))}),
        )
        .collect();
    (menu, footer)
}

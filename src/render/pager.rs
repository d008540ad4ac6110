//! Pagination of listings: 20 items a page, page 1 at the listing's URL, page N at `trang/N/`.

use serde::Serialize;

/// Items per listing page.
pub const PER_PAGE: usize = 20;

/// One link in a pager.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PagerLink {
    /// Page number (1-based).
    pub number: usize,
    /// URL of that page.
    pub url: String,
    /// True for the page being shown.
    pub current: bool,
    /// True when pages were skipped before this one.
    pub gap_before: bool,
}

/// The pager of one listing page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pager {
    /// This page's number.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// Previous page URL.
    pub prev_url: Option<String>,
    /// Next page URL.
    pub next_url: Option<String>,
    /// Links: first, last and up to two on each side of the current page.
    pub pages: Vec<PagerLink>,
}

/// Number of pages for `items` items (at least 1).
pub fn page_count(items: usize) -> usize {
    items.div_ceil(PER_PAGE).max(1)
}

/// The items of page `n` (1-based).
pub fn slice<T>(items: &[T], n: usize) -> &[T] {
    let start = ((n - 1) * PER_PAGE).min(items.len());
    let end = (start + PER_PAGE).min(items.len());
    &items[start..end]
}

/// The pager for page `n` of `total` pages, or None for a single page. `url` maps a path
/// relative to the site root to a URL.
pub fn pager(path: &str, n: usize, total: usize, url: impl Fn(&str) -> String) -> Option<Pager> {
    if total <= 1 {
        return None;
    }
    let mut numbers: Vec<usize> = vec![1, total];
    numbers.extend(n.saturating_sub(2).max(1)..=(n + 2).min(total));
    numbers.sort_unstable();
    numbers.dedup();
    let mut last = 0;
    let pages = numbers
        .into_iter()
        .map(|k| {
            let link = PagerLink {
                number: k,
                url: url(&crate::routes::listing_page(path, k)),
                current: k == n,
                gap_before: k > last + 1,
            };
            last = k;
            link
        })
        .collect();
    Some(Pager {
        current: n,
        total,
        prev_url: (n > 1).then(|| url(&crate::routes::listing_page(path, n - 1))),
        next_url: (n < total).then(|| url(&crate::routes::listing_page(path, n + 1))),
        pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_slices() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(20), 1);
        assert_eq!(page_count(21), 2);
        let items: Vec<usize> = (0..45).collect();
        assert_eq!(slice(&items, 3), &[40, 41, 42, 43, 44]);
        assert_eq!(slice(&items, 2).len(), 20);
    }

    #[test]
    fn pager_window_and_urls() {
        let p = pager("nam/2024/", 10, 30, |s| format!("/x/{s}")).unwrap();
        let numbers: Vec<usize> = p.pages.iter().map(|l| l.number).collect();
        assert_eq!(numbers, vec![1, 8, 9, 10, 11, 12, 30]);
        assert!(p.pages[1].gap_before && !p.pages[2].gap_before && p.pages[6].gap_before);
        assert_eq!(p.prev_url.as_deref(), Some("/x/nam/2024/trang/9/"));
        assert_eq!(p.pages[0].url, "/x/nam/2024/");
        assert!(pager("nam/2024/", 1, 1, |s| s.to_string()).is_none());
    }
}

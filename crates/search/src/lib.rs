//! dvk's static search: a Vietnamese-aware index written at build time and a small browser
//! client (`search.js`) that queries it without any server.
//!
//! # Matching rules
//! Text and queries are folded with [`vntext::fold`] (case, every diacritic, `đ` → `d`, NFC or
//! NFD alike) and split into terms by [`text::tokens`]. A query matches a doc when every query
//! word does (AND), except function words and the type words of places with their
//! abbreviations ("ở", "huyện", "xã", "TP", "TT", "Q.", "P.": [`query::OPTIONAL_WORDS`]),
//! which only rank; a quoted phrase matches docs where its words are adjacent; the last word,
//! while still being typed, matches as a prefix. Title and place matches rank first, then host,
//! tags, field and summary, then the body.
//!
//! # Files written by [`build_index`] (paths relative to the output root)
//! - `tim-kiem/index.json`: the manifest, fetched when the search page opens: `tags` (per
//!   space, each shard's 4-character tag in shard order, from a hash of its bytes: the shard
//!   files below are named by it, so an edit renames only the shards it changed), `n` (docs), `meta` (docs per metadata shard),
//!   `w` and `p` (first key of each term shard and phrase shard, in order), the facet values
//!   (`years`, `provinces` `[name, slug]`, `districts` `[province index, name, slug]`,
//!   `fields` `[label, slug]`) and `runs`: per facet (`kind`, `year`, `province`, `district`,
//!   `field`, `exemplary`), the value of each doc in doc-number order, run-length encoded as
//!   `[value, count, value, count, …]` (value 0 = none, else index + 1; kind 0 model,
//!   1 article, 2 page). Docs are numbered by kind, year (newest first), province, district,
//!   field, exemplary first, then URL, so facets come in long runs (and an edit of a title
//!   renumbers no doc).
//! - `tim-kiem/i/w/<n>.<tag>.bin`: term shards (format in [`codec`]). Keys: a folded term
//!   (`dang`) with its doc lists by where it occurs (title, place, meta, body, body ≥ 3 times);
//!   a prefix followed by U+0001 (`da\u{1}`) with the union of the lists of every term that
//!   starts with it, or an alias to the only such term. Keys are in byte order and split into
//!   shards of about 12 KB, so a query word fetches one shard (rarely two).
//! - `tim-kiem/i/p/<n>.<tag>.bin`: phrase shards: keys `a b` for terms adjacent in a text.
//! - `tim-kiem/i/vocab/<n>.<tag>.bin`: for typo correction, key = a first letter, value (an
//!   alias payload) = the indexed words of 5 letters or more starting with it, most frequent
//!   first, one a line; the manifest's `vocab` has the first key of each shard. `aliased`
//!   counts the docs indexed with other names of their place.
//! - `tim-kiem/i/m/<n>.<tag>.json`: doc metadata, [`build::META_DOCS`] docs per file:
//!   `[[url, title, place, excerpt source], …]` (NFC, plain text).
//! - `tim-kiem/search.js`, `tim-kiem/search.css`: the client.
#![warn(missing_docs)]

pub mod abbrev;
pub mod build;
mod carry;
pub mod codec;
mod files;
mod intern;
mod order;
pub mod postings;
pub mod query;
mod reuse;
pub mod text;

pub use abbrev::Abbreviations;
pub use build::{doc_order, IndexBuilder, OrderKey};
pub use carry::doc_key;

/// The browser client, written to `tim-kiem/search.js`.
pub const CLIENT_JS: &str = include_str!("search.js");
/// Styles of the search page's dynamic parts, written to `tim-kiem/search.css`.
pub const CLIENT_CSS: &str = include_str!("search.css");

/// What a document is; models get the facets, the others are found by text only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocKind {
    /// A model write-up (mô hình).
    #[default]
    Model,
    /// A news article (tin bài).
    Article,
    /// A plain page.
    Page,
}

/// One document to index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchDoc {
    /// Relative to the site root, no leading slash: `mo-hinh/heo-dat/`.
    pub url: String,
    /// Model, article or page.
    pub kind: DocKind,
    /// Plain-text title.
    pub title: String,
    /// Display place: `Phú Túc, Châu Thành, Bến Tre` (empty if none).
    pub place: String,
    /// Other names of the place, not shown: former or today's names of its province,
    /// district and commune (`Bến Tre` for a commune of today's Vĩnh Long). Indexed with the
    /// place's weight. Shared: the models of one place have the same list.
    pub place_aliases: std::sync::Arc<[String]>,
    /// Province display name, for the filters.
    pub province: Option<String>,
    /// District display name, for the filters.
    pub district: Option<String>,
    /// Year of recognition.
    pub year: Option<i32>,
    /// Field label, e.g. `Kinh tế`.
    pub field: Option<String>,
    /// Điển hình tiêu biểu.
    pub exemplary: bool,
    /// Host unit.
    pub host: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Short lead.
    pub summary: String,
    /// Plain text of the body (no HTML).
    pub body: String,
}

/// A file to write under the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// Relative to the output root, e.g. `tim-kiem/index.json`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Builds the search index and its client. Deterministic: the same docs (in any order) give
/// identical files.
pub fn build_index(docs: &[SearchDoc]) -> Vec<IndexFile> {
    build::build(docs.to_vec(), &Abbreviations::builtin())
}

/// [`build_index`] with the given abbreviations instead of the built-in ones (a site's
/// `site.yaml` adds its own to [`Abbreviations::builtin`]).
pub fn build_index_with(docs: &[SearchDoc], abbreviations: &Abbreviations) -> Vec<IndexFile> {
    build::build(docs.to_vec(), abbreviations)
}

/// [`build_index`], taking the docs: each body is freed as soon as it is indexed. (A site
/// build goes further: it adds its docs to an [`IndexBuilder`] as their pages are made.)
pub fn build_index_owned(docs: Vec<SearchDoc>) -> Vec<IndexFile> {
    build::build(docs, &Abbreviations::builtin())
}

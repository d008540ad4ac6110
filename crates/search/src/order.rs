//! The order docs are numbered in ([`doc_order`]) and their facet values (kind, year,
//! province, district, field, exemplary): what the manifest's filters list, as runs over
//! the doc numbers.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::{DocKind, SearchDoc};

fn kind_rank(k: &DocKind) -> u8 {
    match k {
        DocKind::Model => 0,
        DocKind::Article => 1,
        DocKind::Page => 2,
    }
}

/// The facet values of one doc: what the manifest's filters need once its text is indexed
/// (owned strings), or what ordering the docs looks at (borrowed).
#[derive(Debug, Clone)]
pub(crate) struct DocFacets<S> {
    kind: DocKind,
    year: Option<i32>,
    province: Option<S>,
    district: Option<S>,
    field: Option<S>,
    exemplary: bool,
}

impl DocFacets<String> {
    pub(crate) fn of(d: &SearchDoc) -> Self {
        DocFacets {
            kind: d.kind,
            year: d.year,
            province: d.province.clone(),
            district: d.district.clone(),
            field: d.field.clone(),
            exemplary: d.exemplary,
        }
    }
}

/// What docs are ordered by ([`doc_order`]): the [`SearchDoc`] fields of the same names.
#[derive(Debug, Clone)]
pub struct OrderKey<'a> {
    /// Model, article or page.
    pub kind: DocKind,
    /// Year of recognition.
    pub year: Option<i32>,
    /// Province display name.
    pub province: Option<&'a str>,
    /// District display name.
    pub district: Option<&'a str>,
    /// Field label.
    pub field: Option<&'a str>,
    /// Điển hình tiêu biểu.
    pub exemplary: bool,
    /// URL path.
    pub url: std::borrow::Cow<'a, str>,
}

impl<'a> OrderKey<'a> {
    /// The key of `doc`.
    pub fn of(doc: &'a SearchDoc) -> Self {
        OrderKey {
            kind: doc.kind,
            year: doc.year,
            province: doc.province.as_deref(),
            district: doc.district.as_deref(),
            field: doc.field.as_deref(),
            exemplary: doc.exemplary,
            url: std::borrow::Cow::Borrowed(&doc.url),
        }
    }

    fn facets(&self) -> DocFacets<&'a str> {
        DocFacets {
            kind: self.kind,
            year: self.year,
            province: self.province,
            district: self.district,
            field: self.field,
            exemplary: self.exemplary,
        }
    }
}

/// Every facet value of a set of docs, in display order, and where each value is in it.
pub(crate) struct Facets {
    pub(crate) years: Vec<i32>,
    pub(crate) provinces: Vec<String>,
    pub(crate) districts: Vec<(usize, String)>,
    pub(crate) fields: Vec<String>,
    year_idx: HashMap<i32, usize>,
    province_idx: HashMap<String, usize>,
    /// By province index, then district name.
    district_idx: Vec<HashMap<String, usize>>,
    field_idx: HashMap<String, usize>,
}

impl Facets {
    pub(crate) fn new<S: AsRef<str>>(docs: &[DocFacets<S>]) -> Facets {
        let mut years: Vec<i32> = docs.iter().filter_map(|d| d.year).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        let provinces = distinct_sorted(docs.iter().filter_map(|d| d.province.as_ref()));
        let fields = distinct_sorted(docs.iter().filter_map(|d| d.field.as_ref()));
        let province_idx: HashMap<String, usize> = provinces
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        let mut districts: Vec<(usize, String)> = docs
            .iter()
            .filter_map(|d| {
                Some((
                    *province_idx.get(d.province.as_ref()?.as_ref())?,
                    d.district.as_ref()?.as_ref().to_owned(),
                ))
            })
            .collect();
        districts.sort();
        districts.dedup();
        districts.sort_by_cached_key(|(p, name)| (*p, vntext::collation_key(name)));
        let mut district_idx = vec![HashMap::new(); provinces.len()];
        for (i, (p, n)) in districts.iter().enumerate() {
            district_idx[*p].insert(n.clone(), i);
        }
        let field_idx = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i))
            .collect();
        let year_idx = years.iter().enumerate().map(|(i, y)| (*y, i)).collect();
        Facets {
            years,
            provinces,
            districts,
            fields,
            year_idx,
            province_idx,
            district_idx,
            field_idx,
        }
    }

    /// A doc's kind rank, then its year, province, district, field (0 = none, else the
    /// value's index + 1) and whether it is exemplary.
    pub(crate) fn row<S: AsRef<str>>(&self, d: &DocFacets<S>) -> [usize; 6] {
        let p = d
            .province
            .as_ref()
            .and_then(|p| self.province_idx.get(p.as_ref()).copied());
        let dist = match (p, &d.district) {
            (Some(p), Some(n)) => self.district_idx[p].get(n.as_ref()).map_or(0, |i| i + 1),
            _ => 0,
        };
        [
            kind_rank(&d.kind) as usize,
            d.year
                .and_then(|y| self.year_idx.get(&y))
                .map_or(0, |i| i + 1),
            p.map_or(0, |i| i + 1),
            dist,
            d.field
                .as_ref()
                .and_then(|f| self.field_idx.get(f.as_ref()))
                .map_or(0, |i| i + 1),
            usize::from(d.exemplary),
        ]
    }
}

/// The distinct `values`, in Vietnamese alphabetical order.
fn distinct_sorted<S: AsRef<str>>(values: impl Iterator<Item = S>) -> Vec<String> {
    let mut out: Vec<String> = values.map(|v| v.as_ref().to_owned()).collect();
    out.sort();
    out.dedup();
    vntext::sort_vietnamese(&mut out, |s| s);
    out
}

/// The order in which docs are numbered (indexes into `docs`): by kind, year (newest
/// first), province, district, field, exemplary first, then URL, so that facets come in
/// long runs. Titles, bodies and summaries play no part: a caller can order its docs before
/// it has their texts, and an edit of a title moves no doc (which would change the lists of
/// every doc between its two places, and so most shards).
pub fn doc_order(docs: &[OrderKey]) -> Vec<usize> {
    let metas: Vec<DocFacets<&str>> = docs.iter().map(OrderKey::facets).collect();
    let facets = Facets::new(&metas);
    let mut order: Vec<usize> = (0..docs.len()).collect();
    // Keys made on every core (the titles' collation keys are most of the work).
    order.par_sort_by_cached_key(|&i| {
        let f = facets.row(&metas[i]);
        let none_last = |v: usize| if v == 0 { usize::MAX } else { v };
        (
            f[0],
            none_last(f[1]),
            none_last(f[2]),
            none_last(f[3]),
            none_last(f[4]),
            1 - f[5],
            &*docs[i].url,
        )
    });
    order
}

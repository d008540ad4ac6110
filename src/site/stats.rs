//! The counts the movement reports each October: models by year, place and field, by
//! recognition level, exemplary, and results summed by label and unit. One computation
//! serves the statistics page, the yearly report, listings and `dvk stats`.

use super::Site;
use crate::content::Level;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Maps keyed by the texts of the models' results, hashed with xxh3 (the standard library's
/// SipHash was a third of this module's time at 30,000 write-ups).
type TextMap<K, V> =
    HashMap<K, V, std::hash::BuildHasherDefault<crate::output::manifest::PathHasher>>;

/// Counts for one year.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YearRow {
    /// The year.
    pub year: i32,
    /// Models that year.
    pub total: usize,
    /// Models per field, in the site's field order.
    pub by_field: Vec<usize>,
}

/// Counts for one province (depth 0) or district (depth 1).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlaceRow {
    /// Display name.
    pub name: String,
    /// Province slug.
    pub province_slug: String,
    /// District slug for district rows.
    pub district_slug: Option<String>,
    /// 0 for a province, 1 for a district.
    pub depth: u8,
    /// Models.
    pub total: usize,
    /// Models per field.
    pub by_field: Vec<usize>,
}

/// Models recognised after the reform (on or after 1 July 2025) in one commune: since then
/// communes are directly under the province, and there is no district.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommuneRow {
    /// Province slug.
    pub province_slug: String,
    /// Commune, as most of its models write it.
    pub name: String,
    /// The commune's place (index into `site.districts`, which has a page for it): every
    /// commune a model names after the reform has one, on the official list or not.
    pub place: Option<usize>,
    /// Models.
    pub total: usize,
    /// Models per field.
    pub by_field: Vec<usize>,
}

/// Models recognised at one level (`None`: level not given).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelRow {
    /// Level code (`xa`, `huyen`, `tinh`, `trung-uong`) or None.
    pub code: Option<&'static str>,
    /// Models.
    pub count: usize,
}

/// A result label and unit summed over models.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResultSum {
    /// Label as most editors wrote it.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Sum of the values.
    pub total: f64,
    /// Models that reported it.
    pub models: usize,
}

/// Every count for a set of models.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    /// Models.
    pub total: usize,
    /// Exemplary models.
    pub exemplary: usize,
    /// Models per field.
    pub field_totals: Vec<usize>,
    /// Per year, newest first.
    pub years: Vec<YearRow>,
    /// Per province, each followed by its districts.
    pub places: Vec<PlaceRow>,
    /// The models recognised after the reform that name a commune, per (today's) province and
    /// commune, in the order of `places` and then Vietnamese alphabetical order.
    pub communes: Vec<CommuneRow>,
    /// Per level, lowest first, then "not given" when any.
    pub levels: Vec<LevelRow>,
    /// Results summed, in Vietnamese order of label.
    pub results: Vec<ResultSum>,
}

/// Computes the statistics of the models `subset` (indexes into `site.models`).
pub fn compute(site: &Site, subset: &[usize]) -> Stats {
    let nf = site.config.fields.len();
    let mut field_totals = vec![0; nf];
    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    let mut prov: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut dist: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    // (province, commune slug) → (spellings, models per field, place on the list)
    type Commune = (BTreeMap<String, usize>, Vec<usize>, Option<usize>);
    let mut communes: BTreeMap<(usize, String), Commune> = BTreeMap::new();
    let mut levels = [0usize; 5];
    let mut exemplary = 0;
    // (folded label, unit) → its sums: (spellings, total, models). A label and unit as
    // written are folded once (`written`): they repeat across models.
    let mut keys: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut written: TextMap<(&str, &str), usize> = TextMap::default();
    let mut sums: Vec<(TextMap<&str, usize>, f64, usize)> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    // Places by today's provinces for the whole site and for any set that reaches past
    // 1 July 2025; a set recognised wholly before (a year's report before 2025) keeps the
    // units of its time.
    let today_units = subset.len() == site.models.len()
        || subset
            .iter()
            .any(|&i| site.model_places[i].era == crate::places::Era::New);
    for &i in subset {
        let m = &site.models[i];
        field_totals[m.field] += 1;
        years.entry(m.year).or_insert_with(|| vec![0; nf])[m.field] += 1;
        let p = match site.model_today[i] {
            Some(t) if today_units => t,
            _ => site.model_province[i],
        };
        prov.entry(p).or_insert_with(|| vec![0; nf])[m.field] += 1;
        // After the reform a model's commune is a place of the site: its official full name
        // ("Xã Bình Minh") when on the list, else as written.
        let listed_commune = site.model_district[i]
            .filter(|&d| site.districts[d].commune)
            .map(|d| site.districts[d].name.as_str());
        let after_reform = site.model_places[i].era == crate::places::Era::New;
        if let Some(d) = site.model_district[i].filter(|_| listed_commune.is_none()) {
            dist.entry(d).or_insert_with(|| vec![0; nf])[m.field] += 1;
        } else if let Some(c) = listed_commune
            .or(m.commune.as_deref())
            .filter(|c| after_reform && !c.trim().is_empty())
        {
            let e = communes
                .entry((p, super::place_slug(c)))
                .or_insert_with(|| (BTreeMap::new(), vec![0; nf], None));
            *e.0.entry(c.trim().to_string()).or_default() += 1;
            e.1[m.field] += 1;
            if listed_commune.is_some() {
                e.2 = e.2.or(site.model_district[i]);
            }
        }
        levels[m.level.map(|l| l as usize).unwrap_or(4)] += 1;
        exemplary += usize::from(m.exemplary);
        seen.clear();
        for r in &m.results {
            let k = *written
                .entry((r.label.as_str(), r.unit.as_str()))
                .or_insert_with(|| {
                    let key = (vntext::fold(&r.label), r.unit.clone());
                    *keys.entry(key).or_insert_with(|| {
                        sums.push(Default::default());
                        sums.len() - 1
                    })
                });
            let entry = &mut sums[k];
            *entry.0.entry(r.label.as_str()).or_default() += 1;
            entry.1 += r.value;
            if !seen.contains(&k) {
                seen.push(k);
                entry.2 += 1;
            }
        }
    }
    let row_total = |v: &Vec<usize>| v.iter().sum();
    let mut places = Vec::new();
    for (&p, by_field) in &prov {
        let province = &site.provinces[p];
        places.push(PlaceRow {
            name: province.name.clone(),
            province_slug: province.slug.clone(),
            district_slug: None,
            depth: 0,
            total: row_total(by_field),
            by_field: by_field.clone(),
        });
        for &d in &province.districts {
            if let Some(by_field) = dist.get(&d) {
                let district = &site.districts[d];
                if !today_units && district.province != p {
                    continue;
                }
                // A district of a former province, under today's: "Châu Thành (Bến Tre)".
                let name = if district.province == p {
                    district.name.clone()
                } else {
                    format!(
                        "{} ({})",
                        district.name, site.provinces[district.province].name
                    )
                };
                places.push(PlaceRow {
                    name,
                    province_slug: site.provinces[district.province].slug.clone(),
                    district_slug: Some(site.districts[d].slug.clone()),
                    depth: 1,
                    total: row_total(by_field),
                    by_field: by_field.clone(),
                });
            }
        }
    }
    let mut commune_rows: Vec<(usize, CommuneRow)> = communes
        .into_iter()
        .map(|((p, _), (spellings, by_field, place))| {
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default();
            let row = CommuneRow {
                province_slug: site.provinces[p].slug.clone(),
                name,
                place,
                total: row_total(&by_field),
                by_field,
            };
            (p, row)
        })
        .collect();
    commune_rows.sort_by_cached_key(|(p, r)| (*p, vntext::collation_key(&r.name)));
    let mut results: Vec<ResultSum> = keys
        .into_iter()
        .map(|((_, unit), k)| {
            let (spellings, total, models) = &sums[k];
            ResultSum {
                // The most frequent spelling; of those, the first in byte order.
                label: spellings
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(s, _)| s.to_string())
                    .unwrap_or_default(),
                unit,
                total: *total,
                models: *models,
            }
        })
        .collect();
    results.sort_by_cached_key(|r| (vntext::collation_key(&r.label), r.unit.clone()));
    let mut level_rows: Vec<LevelRow> = Level::ALL
        .iter()
        .map(|l| LevelRow {
            code: Some(l.code()),
            count: levels[*l as usize],
        })
        .collect();
    if levels[4] > 0 {
        level_rows.push(LevelRow {
            code: None,
            count: levels[4],
        });
    }
    Stats {
        total: subset.len(),
        exemplary,
        field_totals,
        years: years
            .into_iter()
            .rev()
            .map(|(year, by_field)| YearRow {
                year,
                total: row_total(&by_field),
                by_field,
            })
            .collect(),
        places,
        communes: commune_rows.into_iter().map(|(_, r)| r).collect(),
        levels: level_rows,
        results,
    }
}

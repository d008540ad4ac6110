//! The place pages' data (`/dia-ban/`): today's provinces with their counts and the former
//! provinces merged into them; on a today's province page, its models' places grouped by
//! former province and district (before 1 July 2025) and by commune (after); on a former
//! province's page, the province it lies in today.

use super::views::{self, Count, PlaceLink, Urls};
use super::I18n;
use crate::site::Site;
use serde_json::{json, Value};

/// The chips of one group of places.
fn chips(site: &Site, urls: &Urls, ids: &[usize]) -> Vec<Count> {
    ids.iter()
        .map(|&d| Count {
            label: site.districts[d].name.clone(),
            url: Some(views::district_url(site, urls, d)),
            count: site.districts[d].models.len(),
        })
        .collect()
}

/// Groups of province `p`'s places: one per former province (its districts), then its
/// communes after the reform. Empty groups are left out.
pub fn child_groups(site: &Site, urls: &Urls, t: &I18n, p: usize) -> Vec<Value> {
    let pr = &site.provinces[p];
    let mut groups = Vec::new();
    let mut own = vec![p];
    own.extend(&pr.formers);
    let several = !pr.formers.is_empty();
    for &f in &own {
        let ids: Vec<usize> = pr
            .districts
            .iter()
            .copied()
            .filter(|&d| !site.districts[d].commune && site.districts[d].province == f)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let label = if several {
            t.fill(
                "places.former_group",
                &[("name", site.provinces[f].name.as_str())],
            )
        } else {
            t.get("places.before_reform")
        };
        groups.push(json!({
            "label": label,
            "url": views::province_url(site, urls, f),
            "items": chips(site, urls, &ids),
        }));
    }
    let communes: Vec<usize> = pr
        .districts
        .iter()
        .copied()
        .filter(|&d| site.districts[d].commune)
        .collect();
    if !communes.is_empty() {
        groups.push(json!({
            "label": t.get("places.after_reform"),
            "items": chips(site, urls, &communes),
        }));
    }
    groups
}

/// For a former province: the province it lies in today.
pub fn today_link(site: &Site, urls: &Urls, p: usize) -> Option<PlaceLink> {
    let t = site.provinces[p].today?;
    Some(PlaceLink {
        name: site.provinces[t].name.clone(),
        url: views::province_url(site, urls, t),
    })
}

/// `/dia-ban/`: today's provinces (with their former provinces and places), then the former
/// provinces, each with its count.
pub fn places_page(site: &Site, urls: &Urls, t: &I18n) -> (Vec<Value>, Vec<Value>) {
    let today: Vec<Value> = site
        .provinces
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.former)
        .map(|(i, p)| {
            json!({
                "name": p.name,
                "code": p.code,
                "url": views::province_url(site, urls, i),
                "count": p.models.len(),
                "formers": p.formers.iter().map(|&f| json!({
                    "name": site.provinces[f].name,
                    "url": views::province_url(site, urls, f),
                    "count": site.provinces[f].models.len(),
                })).collect::<Vec<_>>(),
                "groups": child_groups(site, urls, t, i),
            })
        })
        .collect();
    let former: Vec<Value> = site
        .provinces
        .iter()
        .enumerate()
        .filter(|(_, p)| p.former)
        .map(|(i, p)| {
            json!({
                "name": p.name,
                "code": p.code,
                "url": views::province_url(site, urls, i),
                "count": p.models.len(),
                "today": today_link(site, urls, i),
            })
        })
        .collect();
    (today, former)
}

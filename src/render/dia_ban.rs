//! The place pages' data (`/dia-ban/`): today's provinces with their counts and the former
//! provinces merged into them; on a today's province page, its models' places grouped by
//! former province and district (before 1 July 2025) and by commune (after); on a former
//! province's page, the province it lies in today.

use super::views::{self, Count, PlaceLink, Urls};
use super::I18n;
use crate::site::Site;
use serde_json::{json, Value};

/// The heading of a former province's part of today's province, by its full official name
/// ("Thành phố Đà Nẵng cũ", "Tỉnh Quảng Nam cũ"); a province the list lacks is called a
/// province ("Tỉnh … cũ").
fn former_label(site: &Site, t: &I18n, f: usize) -> String {
    let pr = &site.provinces[f];
    let places = crate::places::official();
    let unit = pr
        .code
        .as_deref()
        .and_then(|c| places.old_provinces.iter().find(|u| u.code == c));
    match unit {
        Some(u) => t.fill("places.former_unit", &[("unit", &u.full_name())]),
        None => t.fill("places.former_group", &[("name", &pr.name)]),
    }
}

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
            former_label(site, t, f)
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

/// Province `p` itself, then the former provinces merged into it: the groups of its places
/// before the reform, in [`child_groups`]' order.
fn own_provinces(site: &Site, p: usize) -> Vec<usize> {
    let mut own = vec![p];
    own.extend(&site.provinces[p].formers);
    own
}

/// Where model `i` stands in the grouped listing of a province whose own provinces are
/// `own`: before (0) or since (1) 1 July 2025, the former province's rank, and the district
/// (before) or commune (since) — its index, which is its place in the site's order — or
/// `usize::MAX` for a model that names none.
type GroupKey = (u8, usize, usize);

fn group_key(site: &Site, own: &[usize], i: usize) -> GroupKey {
    let place = site.model_district[i].unwrap_or(usize::MAX);
    match site.model_places[i].era {
        crate::places::Era::Old => {
            let p = site.model_province[i];
            let rank = own.iter().position(|&o| o == p).unwrap_or(usize::MAX);
            (0, rank, place)
        }
        crate::places::Era::New => (1, 0, place),
    }
}

/// Province `p`'s models in the order its listing shows them, or `None` when the listing is
/// not grouped (a province without districts, communes or former provinces): by former
/// province and district before 1 July 2025, then by commune; newest first in each group.
pub fn grouped_order(site: &Site, p: usize) -> Option<Vec<usize>> {
    let pr = &site.provinces[p];
    if pr.districts.is_empty() && pr.formers.is_empty() {
        return None;
    }
    let own = own_provinces(site, p);
    let mut order = pr.models.clone();
    // Stable: newest first within a group, as in `models`.
    order.sort_by_cached_key(|&i| group_key(site, &own, i));
    Some(order)
}

/// The groups of one page of province `p`'s grouped listing ([`grouped_order`]): `items`
/// are the page's models, `before` the model listed last on the page before (`None` on the
/// first page), `card` a model's card. Each group is `{label, url, continued, groups:
/// [{label, url, continued, items}]}`: a former province (or "since 1 July 2025") and its
/// districts (communes); `continued` when the group began on an earlier page (its label says
/// so); `url` null for a group without a page of its own.
pub fn item_groups(
    site: &Site,
    urls: &Urls,
    t: &I18n,
    p: usize,
    items: &[usize],
    before: Option<usize>,
    card: impl Fn(usize) -> Value,
) -> Vec<Value> {
    let own = own_provinces(site, p);
    let several = own.len() > 1;
    let continued = |label: String, yes: bool| {
        if yes {
            format!("{label} {}", t.get("places.continued"))
        } else {
            label
        }
    };
    let mut last: Option<GroupKey> = before.map(|i| group_key(site, &own, i));
    let mut out: Vec<Value> = Vec::new();
    for &i in items {
        let k = group_key(site, &own, i);
        let same_outer = last.is_some_and(|l| (l.0, l.1) == (k.0, k.1));
        let same_inner = last == Some(k);
        if !same_outer || out.is_empty() {
            let (label, url) = match k {
                (0, r, _) => {
                    let f = own.get(r).copied().unwrap_or(p);
                    let label = if several {
                        former_label(site, t, f)
                    } else {
                        t.get("places.before_reform")
                    };
                    let url = (f != p).then(|| views::province_url(site, urls, f));
                    (label, url)
                }
                _ => (t.get("places.after_reform"), None),
            };
            out.push(json!({
                "label": continued(label, same_outer),
                "url": url,
                "continued": same_outer,
                "groups": [],
            }));
        }
        let outer = out.last_mut().expect("pushed above");
        let groups = outer["groups"].as_array_mut().expect("an array");
        if !same_inner || groups.is_empty() {
            let (label, url) = match k.2 {
                usize::MAX if k.0 == 0 => (t.get("places.no_district"), None),
                usize::MAX => (t.get("places.no_commune"), None),
                d => (
                    site.districts[d].name.clone(),
                    Some(views::district_url(site, urls, d)),
                ),
            };
            groups.push(json!({
                "label": continued(label, same_inner),
                "url": url,
                "continued": same_inner,
                "items": [],
            }));
        }
        let inner = groups.last_mut().expect("pushed above");
        if let Some(cards) = inner["items"].as_array_mut() {
            cards.push(card(i));
        }
        last = Some(k);
    }
    out
}

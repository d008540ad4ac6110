//! Places of the site's models, resolved against the official list ([`crate::places`]) when
//! the site is assembled: each model's `province`, `district`, `commune` get their official
//! spelling (never a vote among the spellings editors used), and the site's places are grouped
//! twice — as recognised (a former province such as Bến Tre, its districts) and as they are
//! today (Vĩnh Long, which lists the models of Bến Tre, Trà Vinh and Vĩnh Long, and its new
//! communes).

use super::{place_slug, District, Province};
use crate::config::SiteConfig;
use crate::content::Model;
use crate::diag::Diagnostic;
use crate::places::resolve::{era_of, Place, Resolver};
use crate::places::{official, Era};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// The places of a site's models.
#[derive(Debug, Default)]
pub struct Grouping {
    /// Provinces as recognised and as today, Vietnamese alphabetical order.
    pub provinces: Vec<Province>,
    /// Districts (before the reform) and communes (after it).
    pub districts: Vec<District>,
    /// Province each model was recognised in.
    pub model_province: Vec<usize>,
    /// District (before the reform) or commune (after it) of each model.
    pub model_district: Vec<Option<usize>>,
    /// Today's province of each model (the same as `model_province` after the reform).
    pub model_today: Vec<Option<usize>>,
    /// Each model's place, resolved.
    pub model_places: Vec<Place>,
    /// Slugs of each model's province and district as written (before the official
    /// spelling replaced them): the paths its place pages had before issue 23.
    pub written: Vec<(String, Option<String>)>,
}

/// Resolves every model's place, rewrites its names to the official spelling and groups
/// the site's places; problems go to `diags`.
pub fn group(config: &SiteConfig, models: &mut [Model], diags: &mut Vec<Diagnostic>) -> Grouping {
    let places = official();
    // Each place as written resolved once (models share them: a commune's many models),
    // the distinct ones on the threads (a resolver for each piece of the work: the same
    // answers); the problems reported in the models' order.
    let mut distinct: HashMap<(Option<Era>, &str, Option<&str>, Option<&str>), usize> =
        HashMap::new();
    let mut asked = Vec::new();
    let of_model: Vec<usize> = models
        .iter()
        .map(|m| {
            let key = (
                era_of(m.year, m.date.as_deref()),
                m.province.as_str(),
                m.district.as_deref(),
                m.commune.as_deref(),
            );
            *distinct.entry(key).or_insert_with(|| {
                asked.push(key);
                asked.len() - 1
            })
        })
        .collect();
    drop(distinct);
    let answers: Vec<_> = asked
        .par_iter()
        .map_init(
            || Resolver::new(config.places_extra.clone()),
            |resolver, &(era, province, district, commune)| {
                resolver.resolve(era, province, district, commune)
            },
        )
        .collect();
    drop(asked);
    let resolved: Vec<_> = models
        .par_iter_mut()
        .zip(of_model)
        .map(|(m, i)| {
            let written = (
                place_slug(&m.province),
                m.district.as_deref().map(place_slug),
            );
            let (r, problems) = &answers[i];
            let (place, province, district, commune) = r.clone().split();
            m.province = province;
            m.district = district;
            m.commune = commune;
            (written, place, problems.clone())
        })
        .collect();
    let mut model_places = Vec::with_capacity(models.len());
    let mut written = Vec::with_capacity(models.len());
    for (m, (w, place, problems)) in models.iter().zip(resolved) {
        for p in problems {
            let line = m.origin.line;
            let message = format!("`{}`: {}", p.key, p.message);
            diags.push(
                if p.error {
                    Diagnostic::error(&m.origin.path, line, 1, message)
                } else {
                    Diagnostic::warning(&m.origin.path, line, 1, message)
                }
                .about_key(p.key),
            );
        }
        written.push(w);
        model_places.push(place);
    }

    // Province entries by slug: (name, code, former, today's slug).
    struct P {
        name: String,
        code: Option<String>,
        former: bool,
        today: Option<String>,
    }
    let mut entries: HashMap<String, P> = HashMap::new();
    let mut model_keys: Vec<(String, Option<String>)> = Vec::with_capacity(models.len());
    for (m, r) in models.iter().zip(&model_places) {
        let today = r.today_province.map(|t| &places.new_provinces[t as usize]);
        let today_slug = today.map(|u| place_slug(&u.display_name()));
        if let Some(u) = today {
            let slug = today_slug.clone().unwrap_or_default();
            let e = entries.entry(slug).or_insert_with(|| P {
                name: u.display_name(),
                code: Some(u.code.to_string()),
                former: false,
                today: None,
            });
            e.former = false;
        }
        let slug = place_slug(&m.province);
        let (code, former) = match (r.era, r.province) {
            (Era::Old, Some(p)) => {
                let u = &places.old_provinces[p as usize];
                (
                    Some(u.code.to_string()),
                    today_slug.as_deref() != Some(slug.as_str()),
                )
            }
            (Era::New, Some(p)) => (
                Some(places.new_provinces[p as usize].code.to_string()),
                false,
            ),
            _ => (None, false),
        };
        let e = entries.entry(slug.clone()).or_insert_with(|| P {
            name: m.province.clone(),
            code,
            former,
            today: None,
        });
        if former {
            e.today = today_slug.clone();
        }
        model_keys.push((slug, today_slug));
    }
    let mut provinces: Vec<Province> = entries
        .iter()
        .map(|(slug, e)| Province {
            slug: slug.clone(),
            name: e.name.clone(),
            code: e.code.clone(),
            former: e.former,
            today: None,
            formers: Vec::new(),
            districts: vec![],
            models: vec![],
        })
        .collect();
    vntext::sort_vietnamese(&mut provinces, |p| &p.name);
    let index: HashMap<String, usize> = provinces
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect();
    for i in 0..provinces.len() {
        if let Some(t) = entries[&provinces[i].slug]
            .today
            .as_ref()
            .filter(|_| provinces[i].former)
        {
            let t = index[t];
            provinces[i].today = Some(t);
            provinces[t].formers.push(i);
        }
    }
    let model_province: Vec<usize> = model_keys.iter().map(|(s, _)| index[s]).collect();
    let model_today: Vec<Option<usize>> = model_keys
        .iter()
        .map(|(_, t)| t.as_ref().map(|t| index[t]))
        .collect();

    // Districts before the reform, communes after it.
    let mut district_map: HashMap<(usize, String), District> = HashMap::new();
    // Spellings of districts not on the list (accepted with a warning, or added by the site).
    let mut unlisted: HashMap<(usize, String), Vec<&str>> = HashMap::new();
    let mut model_district_key: Vec<Option<(usize, String)>> = Vec::with_capacity(models.len());
    for (i, (m, r)) in models.iter().zip(&model_places).enumerate() {
        let key = match r.era {
            Era::Old => m.district.as_ref().map(|d| {
                let p = model_province[i];
                let k = (p, place_slug(d));
                district_map.entry(k.clone()).or_insert_with(|| District {
                    slug: k.1.clone(),
                    name: d.clone(),
                    province: p,
                    code: r
                        .district
                        .map(|d| places.old_districts[d as usize].code.to_string()),
                    commune: false,
                    models: vec![],
                });
                if r.district.is_none() {
                    unlisted.entry(k.clone()).or_default().push(d);
                }
                k
            }),
            Era::New => match r.commune {
                Some(c) => {
                    let u = &places.new_communes[c as usize];
                    let p = model_province[i];
                    let k = (p, place_slug(&u.full_name()));
                    district_map.entry(k.clone()).or_insert_with(|| District {
                        slug: k.1.clone(),
                        name: u.full_name(),
                        province: p,
                        code: Some(u.code.to_string()),
                        commune: true,
                        models: vec![],
                    });
                    Some(k)
                }
                // A commune the list lacks (added by the site, or accepted with a warning)
                // has its page too, as an unlisted district has.
                None => m
                    .commune
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(|c| {
                        let p = model_province[i];
                        let k = (p, place_slug(c));
                        district_map.entry(k.clone()).or_insert_with(|| District {
                            slug: k.1.clone(),
                            name: c.to_string(),
                            province: p,
                            code: None,
                            commune: true,
                            models: vec![],
                        });
                        unlisted.entry(k.clone()).or_default().push(c);
                        k
                    }),
            },
        };
        model_district_key.push(key);
    }
    for (k, names) in unlisted {
        if let Some(d) = district_map.get_mut(&k) {
            d.name = super::best_spelling(&names);
        }
    }
    let mut districts: Vec<District> = district_map.into_values().collect();
    let pkeys: Vec<Vec<u32>> = provinces
        .iter()
        .map(|p| vntext::collation_key(&p.name))
        .collect();
    districts.sort_by_cached_key(|d| {
        (
            d.commune,
            pkeys[d.province].clone(),
            vntext::collation_key(&d.name),
            d.slug.clone(),
        )
    });
    let dindex: HashMap<(usize, String), usize> = districts
        .iter()
        .enumerate()
        .map(|(i, d)| ((d.province, d.slug.clone()), i))
        .collect();
    for (i, d) in districts.iter().enumerate() {
        provinces[d.province].districts.push(i);
        if let Some(t) = provinces[d.province].today {
            provinces[t].districts.push(i);
        }
    }
    for p in &mut provinces {
        // A today's province lists its former provinces' districts first, then communes.
        p.districts.sort_unstable();
    }
    let model_district = model_district_key
        .into_iter()
        .map(|k| k.map(|k| dindex[&k]))
        .collect();
    Grouping {
        provinces,
        districts,
        model_province,
        model_district,
        model_today,
        model_places,
        written,
    }
}

/// Where model `i`'s place lies today, for a model recognised before 1 July 2025: today's
/// commune(s) when its commune is known ("xã Thành Thới, tỉnh Vĩnh Long"; a commune split
/// among several: "phường Ngọc Hà (most), phường Giảng Võ, thành phố Hà Nội", `most` being
/// the theme's word), else today's province; with the index of today's province.
pub fn now_text(site: &super::Site, i: usize, most: &str) -> Option<(String, usize)> {
    let r = &site.model_places[i];
    let p = site.model_today[i]?;
    let (communes, province) = crate::places::resolve::today_text(r)?;
    let mut parts = Vec::with_capacity(communes.len() + 1);
    for (k, c) in communes.into_iter().enumerate() {
        if k == 0 && r.today_communes.len() > 1 {
            parts.push(format!("{c} ({most})"));
        } else {
            parts.push(c);
        }
    }
    parts.push(province);
    Some((parts.join(", "), p))
}

/// A model's place in the open data: the official codes of the units it was recognised in,
/// and the names and codes of where it lies today.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OpenPlace {
    /// Units the place was read against: `truoc-2025-07-01` or `tu-2025-07-01`.
    pub units: &'static str,
    /// GSO code of the province (as recognised).
    pub province_code: Option<&'static str>,
    /// GSO code of the district (before the reform).
    pub district_code: Option<&'static str>,
    /// GSO code of the commune.
    pub commune_code: Option<&'static str>,
    /// Today's province.
    pub province_today: Option<String>,
    /// Its GSO code.
    pub province_today_code: Option<&'static str>,
    /// Today's communes (the one holding most first).
    pub commune_today: Vec<String>,
    /// Their GSO codes.
    pub commune_today_code: Vec<&'static str>,
}

/// [`OpenPlace`] of model `i`.
pub fn open_place(site: &super::Site, i: usize) -> OpenPlace {
    let r = &site.model_places[i];
    let places = official();
    let era_units = |era| match era {
        Era::Old => "truoc-2025-07-01",
        Era::New => "tu-2025-07-01",
    };
    OpenPlace {
        units: era_units(r.era),
        province_code: r.province.map(|p| places.provinces(r.era)[p as usize].code),
        district_code: r.district.map(|d| places.old_districts[d as usize].code),
        commune_code: r.commune.map(|c| places.communes(r.era)[c as usize].code),
        province_today: r
            .today_province
            .map(|p| places.new_provinces[p as usize].display_name()),
        province_today_code: r
            .today_province
            .map(|p| places.new_provinces[p as usize].code),
        commune_today: r
            .today_communes
            .iter()
            .map(|&c| places.new_communes[c as usize].full_name())
            .collect(),
        commune_today_code: r
            .today_communes
            .iter()
            .map(|&c| places.new_communes[c as usize].code)
            .collect(),
    }
}

/// Other names of model `i`'s place for search (indexed, not shown): for a model recognised
/// before the reform, today's province and communes; after it, the former provinces,
/// districts and communes its commune (else its province) was made of. A model after the
/// reform whose commune is not on the list (a site's own unit, `places: extra`) gets every
/// former province of today's: it may lie on any of them, and nothing tells which.
///
/// Each unit, its own and these, is also named as readers write it
/// ([`crate::places::search::search_names`]): with the type word a query keeps ("Thành phố
/// Đà Nẵng", "Thị trấn Ba Tri"), its abbreviation ("TP", "Q1") and the list's other names
/// ("hcm", "tphcm", "sai gon").
fn search_aliases(site: &super::Site, i: usize) -> Vec<String> {
    use crate::places::search::search_names;
    use crate::places::Unit;
    let r = &site.model_places[i];
    let places = official();
    // The model's own units, then the others, each with whether it is a province.
    let mut units: Vec<(&Unit, bool)> = Vec::new();
    match r.era {
        Era::Old => {
            units.extend(
                r.province
                    .map(|p| (&places.old_provinces[p as usize], true)),
            );
            units.extend(
                r.district
                    .map(|d| (&places.old_districts[d as usize], false)),
            );
            units.extend(r.commune.map(|c| (&places.old_communes[c as usize], false)));
        }
        Era::New => {
            units.extend(
                r.province
                    .map(|p| (&places.new_provinces[p as usize], true)),
            );
            units.extend(r.commune.map(|c| (&places.new_communes[c as usize], false)));
        }
    }
    let own = units.len();
    match r.era {
        Era::Old => {
            if let Some(p) = r.today_province {
                units.push((&places.new_provinces[p as usize], true));
            }
            for &c in &r.today_communes {
                units.push((&places.new_communes[c as usize], false));
            }
        }
        Era::New => match (r.commune, r.province) {
            (Some(c), _) => {
                for &o in places.former_communes_of(c) {
                    let oc = &places.old_communes[o as usize];
                    let d = &places.old_districts[oc.parent as usize];
                    units.push((oc, false));
                    units.push((d, false));
                    units.push((&places.old_provinces[d.parent as usize], true));
                }
            }
            (None, Some(p)) => {
                for o in places.former_provinces_of(p) {
                    units.push((&places.old_provinces[o as usize], true));
                }
            }
            _ => {}
        },
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (k, &(u, province)) in units.iter().enumerate() {
        if units[..k].iter().any(|&(v, _)| std::ptr::eq(u, v)) {
            continue;
        }
        if k >= own {
            push(u.name.to_string());
        }
        for n in search_names(u, province) {
            push(n);
        }
    }
    // The names the page shows are indexed already.
    let shown = dvk_search::text::terms_of(&site.place_of(i));
    out.retain(|a| {
        let terms = dvk_search::text::terms_of(a);
        !terms.is_empty() && !shown.windows(terms.len()).any(|w| w == terms.as_slice())
    });
    out
}

/// [`search_aliases`] of every model, made once per distinct place (its units and the names
/// its page shows): the models of one commune share one list, in memory too. `parallel`
/// spreads the distinct places over rayon's threads; never from inside a `OnceLock`'s
/// initialisation that rayon threads may wait on (a thread that waits for its own tasks
/// while the others wait for it: a deadlock).
pub fn all_search_aliases(site: &super::Site, parallel: bool) -> Vec<Arc<[String]>> {
    use rayon::prelude::*;
    let mut first_of: HashMap<(&Place, String), usize> = HashMap::new();
    let mut distinct: Vec<usize> = Vec::new();
    let slot: Vec<usize> = (0..site.models.len())
        .map(|i| {
            let key = (&site.model_places[i], site.place_of(i));
            *first_of.entry(key).or_insert_with(|| {
                distinct.push(i);
                distinct.len() - 1
            })
        })
        .collect();
    let make = |&i: &usize| -> Arc<[String]> { Arc::from(search_aliases(site, i)) };
    let lists: Vec<Arc<[String]>> = if parallel {
        distinct.par_iter().map(make).collect()
    } else {
        distinct.iter().map(make).collect()
    };
    slot.into_iter().map(|k| Arc::clone(&lists[k])).collect()
}

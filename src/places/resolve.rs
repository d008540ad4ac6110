//! Resolving a model's place — `province`, `district`, `commune` as written — against the
//! units valid on its date: before 1 July 2025 the 63 provinces with their districts and
//! communes, from then the 34 provinces and their communes; a 2025 model without a `date`
//! may use either. The result carries the official names and codes and where the place lies
//! today; the problems found are messages for the caller to put at the file's position.
//!
//! Units the list lacks are added in `site.yaml` (`places: { extra: [...] }`, see
//! [`Extra`]); they are accepted as written.

use super::{names, official, Era, Places, REFORM_DATE};
use std::collections::HashMap;

/// A unit a site adds to the official list (`site.yaml`: `places: { extra: [ … ] }`): a
/// district (with `province`), a commune (with `province`, and `district` for one before
/// the reform), or a province of its own (`province` alone: anything below it is accepted).
/// Names are matched by key (case, accents and type words ignored).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    /// Province it lies in.
    pub province: String,
    /// District (before the reform), or the district added.
    pub district: Option<String>,
    /// Commune added.
    pub commune: Option<String>,
}

/// Which units a model's place is read against.
pub fn era_of(year: i32, date: Option<&str>) -> Option<Era> {
    match date {
        Some(d) if d.len() >= 10 => Some(if &d[..10] >= REFORM_DATE {
            Era::New
        } else {
            Era::Old
        }),
        _ if year < 2025 => Some(Era::Old),
        _ if year > 2025 => Some(Era::New),
        _ => None,
    }
}

/// A model's place, resolved: its units, and the names to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The units.
    pub place: Place,
    /// Names to show: official, or as written when not on the list.
    pub province_name: String,
    /// District name to show.
    pub district_name: Option<String>,
    /// Commune name to show.
    pub commune_name: Option<String>,
}

/// A model's place as a site keeps it: its units only (the names to show are the model's
/// own `province`, `district` and `commune`, rewritten from [`Resolved`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The list it was read against.
    pub era: Era,
    /// Province: index into the era's provinces; `None` when it is not on the list.
    pub province: Option<u32>,
    /// District (old era), index into `old_districts`.
    pub district: Option<u32>,
    /// Commune: index into the era's communes.
    pub commune: Option<u32>,
    /// Today's province (index into `new_provinces`).
    pub today_province: Option<u32>,
    /// Today's communes (indexes into `new_communes`), the one holding most first.
    pub today_communes: Box<[u32]>,
}

impl Resolved {
    /// The units, and the names to show (province, district, commune).
    pub fn split(self) -> (Place, String, Option<String>, Option<String>) {
        (
            self.place,
            self.province_name,
            self.district_name,
            self.commune_name,
        )
    }
}

/// A problem with a model's place.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// An error (the build stops) or a warning.
    pub error: bool,
    /// The front-matter key it is about.
    pub key: &'static str,
    /// The message, from the catalogue.
    pub message: String,
}

/// A place as written, with the list it is read against.
type PlaceKey = (Option<Era>, String, Option<String>, Option<String>);

/// Resolves places, remembering each distinct place (sites repeat the same few).
#[derive(Debug, Default)]
pub struct Resolver {
    extras: Vec<Extra>,
    cache: HashMap<PlaceKey, (Resolved, Vec<Problem>)>,
}

fn nearest_hint(written: &str, candidates: &[String]) -> String {
    let near = names::nearest(written, candidates.iter().map(String::as_str));
    if near.is_empty() {
        String::new()
    } else {
        crate::msg!("places.hint_nearest", names = near.join("”, “"))
    }
}

/// The unit of `pool` that `written` names with a one-letter typo ([`names::typo_of`]), with
/// the warning saying the pages use its official name; `name_of` gives a unit's display name.
fn typo_in(
    written: &str,
    pool: &[u32],
    name_of: impl Fn(u32) -> String,
    key: &'static str,
    parent: &str,
) -> Option<(u32, Problem)> {
    let names: Vec<String> = pool.iter().map(|&i| name_of(i)).collect();
    let t = names::typo_of(written, &names)?;
    Some((
        pool[t],
        Problem {
            error: false,
            key,
            message: crate::msg!(
                "places.typo",
                name = written.trim(),
                parent = parent,
                official = &names[t],
            ),
        },
    ))
}

fn same_key(a: &str, b: &str) -> bool {
    let ka = names::key_without_type(a).unwrap_or_else(|| names::key(a));
    let kb = names::key_without_type(b).unwrap_or_else(|| names::key(b));
    ka == kb || names::key(a) == names::key(b)
}

impl Resolver {
    /// A resolver that also accepts the site's own units.
    pub fn new(extras: Vec<Extra>) -> Resolver {
        Resolver {
            extras,
            cache: HashMap::new(),
        }
    }

    fn is_extra(&self, province: &str, district: Option<&str>, commune: Option<&str>) -> bool {
        self.extras.iter().any(|e| {
            same_key(&e.province, province)
                && match (commune, &e.commune) {
                    (Some(c), Some(ec)) => {
                        same_key(c, ec)
                            && match (district, &e.district) {
                                (Some(d), Some(ed)) => same_key(d, ed),
                                _ => true,
                            }
                    }
                    (None, None) => match (district, &e.district) {
                        (Some(d), Some(ed)) => same_key(d, ed),
                        _ => false,
                    },
                    _ => false,
                }
        })
    }

    /// Resolves one model's place; `era` from [`era_of`] (`None`: either list).
    pub fn resolve(
        &mut self,
        era: Option<Era>,
        province: &str,
        district: Option<&str>,
        commune: Option<&str>,
    ) -> (Resolved, Vec<Problem>) {
        let key = (
            era,
            province.to_string(),
            district.map(str::to_string),
            commune.map(str::to_string),
        );
        if let Some(hit) = self.cache.get(&key) {
            return hit.clone();
        }
        let out = match era {
            Some(e) => self.resolve_in(e, true, province, district, commune),
            None => {
                // A 2025 model without a date: the list it fits; before the reform if it
                // names a district.
                let first = if district.is_some() {
                    Era::Old
                } else {
                    Era::New
                };
                let second = if first == Era::Old {
                    Era::New
                } else {
                    Era::Old
                };
                let a = self.resolve_in(first, false, province, district, commune);
                if a.1.is_empty() {
                    a
                } else {
                    let b = self.resolve_in(second, false, province, district, commune);
                    if b.1.is_empty() {
                        b
                    } else {
                        a
                    }
                }
            }
        };
        self.cache.insert(key, out.clone());
        out
    }

    fn resolve_in(
        &self,
        era: Era,
        dated: bool,
        province: &str,
        district: Option<&str>,
        commune: Option<&str>,
    ) -> (Resolved, Vec<Problem>) {
        let places = official();
        let mut problems = Vec::new();
        let mut r = Resolved {
            place: Place {
                era,
                province: None,
                district: None,
                commune: None,
                today_province: None,
                today_communes: Box::default(),
            },
            province_name: province.trim().to_string(),
            district_name: district.map(|d| d.trim().to_string()),
            commune_name: commune.map(|c| c.trim().to_string()),
        };
        let when = match era {
            Era::Old => crate::msg!("places.when_old"),
            Era::New => crate::msg!("places.when_new"),
        };
        // Province.
        let found = places.provinces_named(era, province);
        let Some(&p) = found.first() else {
            if self.is_extra(province, None, None)
                || self.extras.iter().any(|e| same_key(&e.province, province))
            {
                return (r, problems);
            }
            let merged = places.provinces_named(Era::Old, province);
            if era == Era::New && !merged.is_empty() {
                let old = &places.old_provinces[merged[0] as usize];
                let today = &places.new_provinces[places.today_of_old_province(merged[0]) as usize];
                problems.push(Problem {
                    error: true,
                    key: "province",
                    message: crate::msg!(
                        "places.province_merged",
                        old = old.name,
                        today = today.in_text(),
                        today_name = today.display_name(),
                        reform = "01/7/2025",
                    ),
                });
                r.place.today_province = Some(places.today_of_old_province(merged[0]));
            } else {
                let names: Vec<String> = places
                    .provinces(era)
                    .iter()
                    .map(|u| u.name.to_string())
                    .collect();
                problems.push(Problem {
                    error: true,
                    key: "province",
                    message: crate::msg!(
                        "places.unknown_province",
                        name = province.trim(),
                        when = when,
                        hint = nearest_hint(province, &names),
                    ),
                });
            }
            return (r, problems);
        };
        let pu = &places.provinces(era)[p as usize];
        if !pu.spelled_by(province) {
            problems.push(Problem {
                error: true,
                key: "province",
                message: crate::msg!(
                    "places.misspelled_province",
                    name = province.trim(),
                    official = pu.display_name(),
                ),
            });
        }
        r.place.province = Some(p);
        r.province_name = pu.display_name();
        r.place.today_province = Some(match era {
            Era::Old => places.today_of_old_province(p),
            Era::New => p,
        });

        match era {
            Era::Old => self.resolve_old_below(places, p, district, commune, &mut r, &mut problems),
            Era::New => {
                if let Some(d) = district {
                    let today = &places.new_provinces[p as usize];
                    problems.push(Problem {
                        error: dated,
                        key: "district",
                        message: crate::msg!(
                            "places.district_after_reform",
                            name = d.trim(),
                            today = today.in_text(),
                        ),
                    });
                    r.district_name = None;
                }
                if let Some(c) = commune {
                    let mut found = places.new_communes_named(p, c);
                    let mut typo = false;
                    // Perhaps a former commune of a province merged into this one.
                    let former = || {
                        places
                            .former_provinces_of(p)
                            .into_iter()
                            .flat_map(|o| places.districts_of(o).to_vec())
                            .flat_map(|d| places.old_communes_named(d, c))
                            .next()
                    };
                    if found.is_empty()
                        && !self.is_extra(province, None, Some(c))
                        && former().is_none()
                    {
                        if let Some((ci, problem)) = typo_in(
                            c,
                            places.new_communes_of(p),
                            |i| places.new_communes[i as usize].display_name(),
                            "commune",
                            &places.new_provinces[p as usize].in_text(),
                        ) {
                            problems.push(problem);
                            found.push(ci);
                            typo = true;
                        }
                    }
                    if let Some(&ci) = found.first() {
                        let cu = &places.new_communes[ci as usize];
                        if !typo && !cu.spelled_by(c) {
                            problems.push(Problem {
                                error: false,
                                key: "commune",
                                message: crate::msg!(
                                    "places.misspelled",
                                    name = c.trim(),
                                    official = cu.display_name(),
                                ),
                            });
                        }
                        r.place.commune = Some(ci);
                        r.commune_name = Some(cu.display_name());
                        r.place.today_communes = Box::new([ci]);
                    } else if !self.is_extra(province, None, Some(c)) {
                        let message = match former() {
                            Some(oc) => {
                                let ou = &places.old_communes[oc as usize];
                                let now = &places.new_communes[ou.today[0] as usize];
                                crate::msg!(
                                    "places.former_commune",
                                    name = c.trim(),
                                    today = now.in_text(),
                                    today_name = now.display_name(),
                                )
                            }
                            None => {
                                let names: Vec<String> = places
                                    .new_communes_of(p)
                                    .iter()
                                    .map(|&i| places.new_communes[i as usize].display_name())
                                    .collect();
                                crate::msg!(
                                    "places.unknown_commune",
                                    name = c.trim(),
                                    parent = places.new_provinces[p as usize].in_text(),
                                    when = when,
                                    hint = nearest_hint(c, &names),
                                )
                            }
                        };
                        problems.push(Problem {
                            error: false,
                            key: "commune",
                            message,
                        });
                    }
                }
            }
        }
        (r, problems)
    }

    fn resolve_old_below(
        &self,
        places: &Places,
        p: u32,
        district: Option<&str>,
        commune: Option<&str>,
        r: &mut Resolved,
        problems: &mut Vec<Problem>,
    ) {
        let province = places.old_provinces[p as usize].name;
        let when = crate::msg!("places.when_old");
        if let Some(d) = district {
            let mut found = places.districts_named(p, d);
            let extra = self.is_extra(province, Some(d), None)
                || self.extras.iter().any(|e| {
                    same_key(&e.province, province)
                        && e.district.as_deref().is_some_and(|ed| same_key(ed, d))
                });
            let mut typo = false;
            if found.is_empty() && !extra {
                if let Some((di, problem)) = typo_in(
                    d,
                    places.districts_of(p),
                    |i| places.old_districts[i as usize].display_name(),
                    "district",
                    &places.old_provinces[p as usize].in_text(),
                ) {
                    problems.push(problem);
                    found.push(di);
                    typo = true;
                }
            }
            if let Some(&di) = found.first() {
                let du = &places.old_districts[di as usize];
                if !typo && !du.spelled_by(d) {
                    problems.push(Problem {
                        error: false,
                        key: "district",
                        message: crate::msg!(
                            "places.misspelled",
                            name = d.trim(),
                            official = du.display_name(),
                        ),
                    });
                }
                r.place.district = Some(di);
                r.district_name = Some(du.display_name());
                if !du.today.is_empty() {
                    r.place.today_communes = du.today.as_slice().into();
                }
            } else if !extra {
                let names: Vec<String> = places
                    .districts_of(p)
                    .iter()
                    .map(|&i| places.old_districts[i as usize].display_name())
                    .collect();
                problems.push(Problem {
                    error: false,
                    key: "district",
                    message: crate::msg!(
                        "places.unknown_district",
                        name = d.trim(),
                        parent = places.old_provinces[p as usize].in_text(),
                        hint = nearest_hint(d, &names),
                    ),
                });
            }
        }
        let Some(c) = commune else { return };
        // Within the district when it is known, else anywhere in the province.
        let pool: Vec<u32> = match r.place.district {
            Some(di) => places.old_communes_of(di).to_vec(),
            None if district.is_some() => Vec::new(),
            None => places
                .districts_of(p)
                .iter()
                .flat_map(|&d| places.old_communes_of(d).iter().copied())
                .collect(),
        };
        let mut found: Vec<u32> = match r.place.district {
            Some(di) => places.old_communes_named(di, c),
            None if district.is_some() => Vec::new(),
            None => places
                .districts_of(p)
                .iter()
                .flat_map(|&d| places.old_communes_named(d, c))
                .collect(),
        };
        let parent = match r.place.district {
            Some(di) => places.old_districts[di as usize].in_text(),
            None => places.old_provinces[p as usize].in_text(),
        };
        let mut typo = false;
        if found.is_empty() && !self.is_extra(province, district, Some(c)) {
            if let Some((ci, problem)) = typo_in(
                c,
                &pool,
                |i| places.old_communes[i as usize].display_name(),
                "commune",
                &parent,
            ) {
                problems.push(problem);
                found.push(ci);
                typo = true;
            }
        }
        if let Some(&ci) = found.first() {
            let cu = &places.old_communes[ci as usize];
            if !typo && !cu.spelled_by(c) {
                problems.push(Problem {
                    error: false,
                    key: "commune",
                    message: crate::msg!(
                        "places.misspelled",
                        name = c.trim(),
                        official = cu.display_name(),
                    ),
                });
            }
            r.commune_name = Some(cu.display_name());
            // Without its district, a name that several districts have says nothing sure
            // about where it lies today.
            if found.len() == 1 {
                r.place.commune = Some(ci);
                r.place.today_communes = cu.today.as_slice().into();
            }
        } else if !self.is_extra(province, district, Some(c)) && !pool.is_empty() {
            let names: Vec<String> = pool
                .iter()
                .map(|&i| places.old_communes[i as usize].display_name())
                .collect();
            problems.push(Problem {
                error: false,
                key: "commune",
                message: crate::msg!(
                    "places.unknown_commune",
                    name = c.trim(),
                    parent = parent,
                    when = when,
                    hint = nearest_hint(c, &names),
                ),
            });
        }
    }
}

/// "Where it lies today" of a place read against the old list, for its page: today's
/// communes (the one holding most first) and province, in running text (`None` for places
/// read against today's list, or not on the list).
pub fn today_text(r: &Place) -> Option<(Vec<String>, String)> {
    if r.era != Era::Old {
        return None;
    }
    let places = official();
    let p = r.today_province?;
    let communes = r
        .today_communes
        .iter()
        .map(|&c| places.new_communes[c as usize].in_text())
        .collect();
    Some((communes, places.new_provinces[p as usize].in_text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(
        era: Option<Era>,
        p: &str,
        d: Option<&str>,
        c: Option<&str>,
    ) -> (Resolved, Vec<Problem>) {
        crate::msg::set_lang(crate::msg::Lang::Vi);
        Resolver::default().resolve(era, p, d, c)
    }

    fn new_commune(r: &Resolved, i: usize) -> &'static str {
        official().new_communes[r.place.today_communes[i] as usize].name
    }

    #[test]
    fn era_follows_date_then_year() {
        assert_eq!(era_of(2024, None), Some(Era::Old));
        assert_eq!(era_of(2025, Some("2025-06-30")), Some(Era::Old));
        assert_eq!(era_of(2025, Some("2025-07-01")), Some(Era::New));
        assert_eq!(era_of(2025, None), None);
        assert_eq!(era_of(2026, None), Some(Era::New));
    }

    #[test]
    fn ben_tre_commune_lies_in_vinh_long_today() {
        let (r, problems) = res(
            Some(Era::Old),
            "Bến Tre",
            Some("Mỏ Cày Nam"),
            Some("Thành Thới B"),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.province_name, "Bến Tre");
        assert_eq!(
            official().old_provinces[r.place.province.unwrap() as usize].code,
            "83"
        );
        let today = &official().new_provinces[r.place.today_province.unwrap() as usize];
        assert_eq!((today.code, today.name), ("86", "Vĩnh Long"));
        assert_eq!(new_commune(&r, 0), "Thành Thới");
        let (communes, province) = today_text(&r.clone().split().0).unwrap();
        assert_eq!(communes[0], "xã Thành Thới");
        assert_eq!(province, "tỉnh Vĩnh Long");
    }

    #[test]
    fn quang_nam_lies_in_da_nang_today() {
        let (r, problems) = res(
            Some(Era::Old),
            "Quảng Nam",
            Some("Nam Trà My"),
            Some("Trà Mai"),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let today = &official().new_provinces[r.place.today_province.unwrap() as usize];
        assert_eq!(today.name, "Đà Nẵng");
        assert_eq!(
            today_text(&r.clone().split().0).unwrap().1,
            "thành phố Đà Nẵng"
        );
    }

    #[test]
    fn dak_nong_and_binh_thuan_lie_in_lam_dong_today() {
        for p in ["Đắk Nông", "Bình Thuận", "tinh dak nong"] {
            let (r, problems) = res(Some(Era::Old), p, None, None);
            assert!(problems.is_empty(), "{p}: {problems:?}");
            assert_eq!(
                today_text(&r.clone().split().0).unwrap().1,
                "tỉnh Lâm Đồng",
                "{p}"
            );
        }
    }

    #[test]
    fn a_split_commune_names_the_one_holding_most_first() {
        // Phường Cống Vị (Ba Đình, Hà Nội) went to Ngọc Hà and Giảng Võ.
        let (r, problems) = res(
            Some(Era::Old),
            "Hà Nội",
            Some("Quận Ba Đình"),
            Some("Phường Cống Vị"),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            r.place.today_communes.len() >= 2,
            "{:?}",
            r.place.today_communes
        );
        let first = new_commune(&r, 0);
        let all: Vec<&str> = (0..r.place.today_communes.len())
            .map(|i| new_commune(&r, i))
            .collect();
        assert_eq!(first, "Ngọc Hà", "{all:?}");
        assert!(all.contains(&"Giảng Võ"), "{all:?}");
    }

    #[test]
    fn unknown_province_is_an_error_with_nearest_names() {
        let (r, problems) = res(Some(Era::Old), "Lâm Đòng", None, None);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].error);
        assert!(
            problems[0].message.contains("Lâm Đồng"),
            "{}",
            problems[0].message
        );
        assert_eq!(r.province_name, "Lâm Đồng");
        let (_, problems) = res(Some(Era::Old), "Lam Dongg", None, None);
        assert!(
            problems[0].error && problems[0].message.contains("Lâm Đồng"),
            "{problems:?}"
        );
    }

    #[test]
    fn misspelled_district_and_commune_get_the_official_name_with_a_warning() {
        let (r, problems) = res(Some(Era::Old), "Quảng Ngãi", Some("Tư Nghiã"), None);
        assert_eq!(r.district_name.as_deref(), Some("Tư Nghĩa"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(!problems[0].error);
        assert!(problems[0].message.contains("Tư Nghĩa"));
        let (r, problems) = res(
            Some(Era::Old),
            "Lâm Đồng",
            Some("Lam Ha"),
            Some("dan phuong"),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.district_name.as_deref(), Some("Lâm Hà"));
        assert_eq!(r.commune_name.as_deref(), Some("Đan Phượng"));
    }

    #[test]
    fn unit_types_and_old_tone_placement() {
        let (r, problems) = res(
            Some(Era::Old),
            "tỉnh Bến Tre",
            Some("TP. Bến Tre"),
            Some("Phường 7"),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.district_name.as_deref(), Some("Thành phố Bến Tre"));
        assert_eq!(r.commune_name.as_deref(), Some("Phường 7"));
        let (r, problems) = res(Some(Era::Old), "Khánh Hoà", None, None);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.province_name, "Khánh Hòa");
        let (r, problems) = res(Some(Era::New), "Thành phố Hồ Chí Minh", None, None);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.province_name, "Thành phố Hồ Chí Minh");
    }

    #[test]
    fn after_the_reform_a_former_province_or_a_district_is_an_error_naming_today() {
        let (_, problems) = res(Some(Era::New), "Bến Tre", None, None);
        assert!(problems[0].error);
        assert!(
            problems[0]
                .message
                .contains("Bến Tre đã hợp nhất vào tỉnh Vĩnh Long từ 01/7/2025"),
            "{}",
            problems[0].message
        );
        let (_, problems) = res(
            Some(Era::New),
            "Lâm Đồng",
            Some("Lâm Hà"),
            Some("Nam Ban Lâm Hà"),
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].error && problems[0].key == "district");
    }

    #[test]
    fn a_2025_model_with_and_without_a_date() {
        let (r, p) = res(era_of(2025, None), "Lâm Đồng", None, Some("Nam Ban Lâm Hà"));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(r.place.era, Era::New);
        let (r, p) = res(
            era_of(2025, None),
            "Bến Tre",
            Some("Châu Thành"),
            Some("Phú Túc"),
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(r.place.era, Era::Old);
        let (_, p) = res(era_of(2025, Some("2025-08-01")), "Bến Tre", None, None);
        assert!(p[0].error);
        let (r, p) = res(era_of(2025, Some("2025-03-01")), "Bến Tre", None, None);
        assert!(p.is_empty() && r.place.era == Era::Old);
    }

    #[test]
    fn unknown_commune_is_a_warning_and_a_site_may_add_it() {
        let (r, problems) = res(Some(Era::New), "Lâm Đồng", None, Some("Thôn Liêng Krắc"));
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].error);
        assert_eq!(r.commune_name.as_deref(), Some("Thôn Liêng Krắc"));
        let mut with_extra = Resolver::new(vec![Extra {
            province: "Lâm Đồng".into(),
            district: None,
            commune: Some("thôn Liêng Krắc".into()),
        }]);
        let (_, problems) =
            with_extra.resolve(Some(Era::New), "Lâm Đồng", None, Some("Thôn Liêng Krắc"));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_typo_gets_the_official_name_and_a_warning() {
        let (r, problems) = res(
            Some(Era::Old),
            "Bến Tre",
            Some("Giồng Trôn"),
            Some("Tân Xuânn"),
        );
        assert_eq!(r.district_name.as_deref(), Some("Giồng Trôm"));
        assert!(r.place.district.is_some());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].key, "district");
        assert!(!problems[0].error);
        assert!(
            problems[0].message.contains("“Giồng Trôm”"),
            "{}",
            problems[0].message
        );
        // Tân Xuân is in Ba Tri, not Giồng Trôm: not a typo there, an unknown commune.
        assert_eq!(r.commune_name.as_deref(), Some("Tân Xuânn"));
        assert_eq!(problems[1].key, "commune");
        let (r, problems) = res(Some(Era::Old), "Bến Tre", Some("Ba Tri"), Some("Tân Xuânn"));
        assert_eq!(r.commune_name.as_deref(), Some("Tân Xuân"), "{problems:?}");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "commune");
        let (r, problems) = res(Some(Era::New), "Vĩnh Long", None, Some("Thành Thớii"));
        assert_eq!(
            r.commune_name.as_deref(),
            Some("Thành Thới"),
            "{problems:?}"
        );
        assert_eq!(r.place.today_communes.len(), 1);
        // A hamlet far from every commune keeps its name, with a warning.
        let (r, problems) = res(
            Some(Era::Old),
            "Bến Tre",
            Some("Ba Tri"),
            Some("Ấp Phú Hòa Đông Xa"),
        );
        assert_eq!(r.commune_name.as_deref(), Some("Ấp Phú Hòa Đông Xa"));
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn a_former_commune_after_the_reform_names_todays() {
        let (_, problems) = res(Some(Era::New), "Vĩnh Long", None, Some("Thành Thới B"));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("xã Thành Thới"),
            "{}",
            problems[0].message
        );
    }
}

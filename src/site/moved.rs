//! The place pages a site had before its places were read against the official list
//! (issue 23): their paths were made from the names as editors wrote them
//! (`/dia-ban/tinh-ben-tre/huyen-ba-tri/`), today's from the official names
//! (`/dia-ban/ben-tre/huyen-ba-tri/`). Each such path that a page of the site no longer has
//! gets a small page linking to where its models are now, so that no old link breaks.

use super::{District, Province};
use crate::routes;
use std::collections::BTreeMap;

/// A place page of the site: a province's listing or a district's (a commune's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceRef {
    /// Index into [`super::Site::provinces`].
    Province(usize),
    /// Index into [`super::Site::districts`].
    District(usize),
}

/// A place page's path as editors' spelling made it before issue 23.
#[derive(Debug, Clone, PartialEq)]
pub struct OldPlace {
    /// The path of its first page.
    pub from: String,
    /// How many models it listed (so how many pages it had).
    pub models: usize,
    /// The page that lists those models now.
    pub to: PlaceRef,
}

/// The path of a place's listing.
pub fn place_path(provinces: &[Province], districts: &[District], p: PlaceRef) -> String {
    match p {
        PlaceRef::Province(p) => routes::province(&provinces[p].slug),
        PlaceRef::District(d) => {
            routes::district(&provinces[districts[d].province].slug, &districts[d].slug)
        }
    }
}

/// The old place paths whose page is now at another path: from `written` (each model's
/// province and district slugs as written) and where each model is now. A path whose models
/// are now on several pages leads to the one with most of them (the first in the site's
/// order on a tie). Paths are sorted; whether a page of the site has the path now is for the
/// renderer to tell (it knows the listings' pages).
pub fn old_places(
    written: &[(String, Option<String>)],
    model_province: &[usize],
    model_district: &[Option<usize>],
    provinces: &[Province],
    districts: &[District],
) -> Vec<OldPlace> {
    let mut paths: BTreeMap<String, (usize, BTreeMap<PlaceRef, usize>)> = BTreeMap::new();
    let mut add = |from: String, to: PlaceRef| {
        let e = paths.entry(from).or_default();
        e.0 += 1;
        *e.1.entry(to).or_default() += 1;
    };
    for (i, (p, d)) in written.iter().enumerate() {
        let province = PlaceRef::Province(model_province[i]);
        add(routes::province(p), province);
        if let Some(d) = d {
            let to = model_district[i].map_or(province, PlaceRef::District);
            add(routes::district(p, d), to);
        }
    }
    paths
        .into_iter()
        .filter_map(|(from, (models, targets))| {
            let mut to = None;
            let mut most = 0;
            for (t, n) in targets {
                if n > most {
                    (to, most) = (Some(t), n);
                }
            }
            let to = to?;
            (place_path(provinces, districts, to) != from).then_some(OldPlace { from, models, to })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn province(slug: &str) -> Province {
        Province {
            slug: slug.into(),
            name: slug.into(),
            code: None,
            former: false,
            today: None,
            formers: vec![],
            districts: vec![],
            models: vec![],
        }
    }

    fn district(slug: &str, province: usize) -> District {
        District {
            slug: slug.into(),
            name: slug.into(),
            province,
            code: None,
            commune: false,
            models: vec![],
        }
    }

    #[test]
    fn written_paths_lead_to_the_pages_of_now() {
        let provinces = vec![province("ben-tre"), province("lam-dong")];
        let districts = vec![district("huyen-ba-tri", 0), district("thanh-pho-da-lat", 1)];
        let w = |p: &str, d: Option<&str>| (p.to_string(), d.map(str::to_string));
        let written = vec![
            w("tinh-ben-tre", Some("huyen-ba-tri")),
            w("ben-tre", Some("ba-tri")),
            w("lam-dong", Some("da-lat")),
            w("lam-dong", Some("da-lat")),
            w("lam-dong", None),
        ];
        let old = old_places(
            &written,
            &[0, 0, 1, 1, 1],
            &[Some(0), Some(0), Some(1), Some(1), None],
            &provinces,
            &districts,
        );
        let got: Vec<(&str, usize, PlaceRef)> = old
            .iter()
            .map(|o| (o.from.as_str(), o.models, o.to))
            .collect();
        assert_eq!(
            got,
            vec![
                ("dia-ban/ben-tre/ba-tri/", 1, PlaceRef::District(0)),
                ("dia-ban/lam-dong/da-lat/", 2, PlaceRef::District(1)),
                ("dia-ban/tinh-ben-tre/", 1, PlaceRef::Province(0)),
                (
                    "dia-ban/tinh-ben-tre/huyen-ba-tri/",
                    1,
                    PlaceRef::District(0)
                ),
            ]
        );
    }

    #[test]
    fn a_path_whose_models_went_apart_leads_to_the_most() {
        let provinces = vec![province("a"), province("b")];
        let written = vec![
            ("x".to_string(), None),
            ("x".to_string(), None),
            ("x".to_string(), None),
        ];
        let old = old_places(&written, &[1, 0, 1], &[None; 3], &provinces, &[]);
        assert_eq!(old.len(), 1);
        assert_eq!((old[0].models, old[0].to), (3, PlaceRef::Province(1)));
    }
}

//! The place of every imported model resolved against the official list of administrative
//! units ([`crate::places`]), by the same [`Resolver`] `dvk check` and `dvk build` use, on
//! the list valid in the model's year (before 1 July 2025: province, district, commune;
//! from then: province and commune). What is written is what the check would show:
//!
//! - a name matched with wrong or missing accents gets the official spelling (a warning
//!   names both);
//! - a district or commune not on the list is kept as written, with the resolver's message
//!   (nearest official names) as a warning: the row is imported;
//! - a province merged on 1 July 2025, in a list of a later year, becomes today's province
//!   (a warning says so); a district in such a list is left out (there are none since);
//! - a province not on the list keeps the row out (an error: `dvk check` would refuse it),
//!   with the nearest official names; fixed in the sheet, the row is imported next time.

use super::{Problem, Record};
use crate::lints::PLACEHOLDER;
use crate::places::resolve::{era_of, Extra, Problem as PlaceProblem, Resolved, Resolver};
use crate::places::{official, Era};

/// Resolves the places of one import (each distinct place once).
pub struct PlaceCheck {
    resolver: Resolver,
}

/// Which part of a place a message is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Province,
    District,
    Commune,
}

impl Part {
    fn of(key: &str) -> Part {
        match key {
            "province" => Part::Province,
            "district" => Part::District,
            _ => Part::Commune,
        }
    }
}

impl PlaceCheck {
    /// A check accepting the site's own units (`places: extra` of site.yaml).
    pub fn new(extras: Vec<Extra>) -> PlaceCheck {
        PlaceCheck {
            resolver: Resolver::new(extras),
        }
    }

    /// Gives `r`'s place its official names. Returns the warnings about it, or the error
    /// that keeps the record out. `file` is the file as given (messages start with it).
    pub fn apply(&mut self, file: &str, r: &mut Record) -> Result<Vec<Problem>, Problem> {
        if r.province.starts_with(PLACEHOLDER) {
            // A write-up whose province is still to be filled in: nothing to resolve.
            return Ok(Vec::new());
        }
        let at = |r: &Record, part: Part| -> String {
            let cell = match part {
                Part::Province => &r.place_at.province,
                Part::District => &r.place_at.district,
                Part::Commune => &r.place_at.commune,
            };
            match cell.as_deref() {
                Some(c) => format!("{file}:{c}"),
                None if r.source == file => file.to_string(),
                None => format!("{file}:{}", r.source),
            }
        };
        let mut out = Vec::new();
        let era = era_of(r.year, None);
        let (mut res, mut problems) = self.resolve(era, r);
        // A province merged on 1 July 2025 named in a later list: today's province.
        if era == Some(Era::New) && res.place.province.is_none() {
            if let Some(t) = res.place.today_province {
                let today = &official().new_provinces[t as usize];
                out.push(Problem::warning(
                    at(r, Part::Province),
                    crate::msg!(
                        "import.place_merged",
                        old = r.province.trim(),
                        today = today.in_text(),
                        year = r.year,
                    ),
                ));
                r.province = today.display_name();
                (res, problems) = self.resolve(era, r);
            }
        }
        let mut reported = Vec::new();
        for p in &problems {
            let part = Part::of(p.key);
            reported.push(part);
            let written = match part {
                Part::Province => Some(r.province.as_str()),
                Part::District => r.district.as_deref(),
                Part::Commune => r.commune.as_deref(),
            }
            .unwrap_or("")
            .trim();
            let official_name = match part {
                Part::Province => res.place.province.map(|_| res.province_name.as_str()),
                Part::District => res.district_name.as_deref(),
                Part::Commune => res.commune_name.as_deref(),
            };
            match (part, official_name) {
                (Part::Province, None) => {
                    return Err(Problem::error(
                        at(r, part),
                        crate::msg!("import.place_not_imported", detail = p.message),
                    ));
                }
                (Part::District, None) if res.place.era == Era::New => {
                    out.push(Problem::warning(
                        at(r, part),
                        district_dropped(&res, written, r.year),
                    ));
                }
                (_, Some(name)) if name != written => {
                    out.push(Problem::warning(
                        at(r, part),
                        crate::msg!("import.place_official", name = written, official = name),
                    ));
                }
                _ => out.push(kept(at(r, part), p)),
            }
        }
        // Names written without accents match silently in the check: say what they became.
        for (part, written, name) in [
            (
                Part::Province,
                Some(r.province.as_str()),
                res.place.province.map(|_| res.province_name.as_str()),
            ),
            (
                Part::District,
                r.district.as_deref(),
                res.district_name.as_deref(),
            ),
            (
                Part::Commune,
                r.commune.as_deref(),
                res.commune_name.as_deref(),
            ),
        ] {
            if let (Some(w), Some(n)) = (written, name) {
                if !reported.contains(&part) && w.trim().is_ascii() && !n.is_ascii() {
                    out.push(Problem::warning(
                        at(r, part),
                        crate::msg!("import.place_official", name = w.trim(), official = n),
                    ));
                }
            }
        }
        if res.place.province.is_some() {
            r.province = res.province_name.clone();
        }
        r.district = res.district_name.clone();
        r.commune = res.commune_name.clone();
        Ok(out)
    }

    fn resolve(&mut self, era: Option<Era>, r: &Record) -> (Resolved, Vec<PlaceProblem>) {
        self.resolver.resolve(
            era,
            &r.province,
            r.district.as_deref(),
            r.commune.as_deref(),
        )
    }
}

/// A district named for a model recognised after the reform, left out.
fn district_dropped(res: &Resolved, name: &str, year: i32) -> String {
    let today = res
        .place
        .today_province
        .map(|t| official().new_provinces[t as usize].in_text())
        .unwrap_or_else(|| res.province_name.clone());
    crate::msg!(
        "import.place_no_district",
        name = name,
        today = today,
        year = year
    )
}

/// A name not on the list, kept as written.
fn kept(at: String, p: &PlaceProblem) -> Problem {
    Problem::warning(at, crate::msg!("import.place_kept", detail = p.message))
}

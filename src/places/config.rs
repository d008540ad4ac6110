//! The `places` key of `site.yaml`: units the official list lacks, which the site accepts
//! as written.
//!
//! ```yaml
//! places:
//!   extra:
//!     - { province: "Lâm Đồng", district: "Đam Rông", commune: "Liêng Krắc" }  # before 1/7/2025
//!     - { province: "Lâm Đồng", commune: "Khu dân cư mới" }                      # from 1/7/2025
//!     - { province: "Bến Tre", district: "Huyện mới" }                           # a district
//!     - { province: "Trung ương" }            # a "province" of its own, with anything below
//! ```

use super::resolve::Extra;
use crate::diag::Diagnostic;
use crate::yaml::{self, Seg, YamlDoc};

const PLACES_KEYS: &[&str] = &["extra"];
const EXTRA_KEYS: &[&str] = &["province", "district", "commune"];

/// Reads the value of `places` (at the root of `site.yaml`).
pub fn parse_extra(
    doc: &YamlDoc,
    value: &serde_yaml::Value,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Extra> {
    let at = vec![Seg::Key("places".into())];
    let Some(map) = doc.expect_mapping(value, &at, diags) else {
        return Vec::new();
    };
    let mut f = doc.fields(map, &at, PLACES_KEYS);
    let mut out = Vec::new();
    if let Some((path, list)) = f.list("extra") {
        for (i, item) in list.iter().enumerate() {
            let item_path = yaml::child(&path, i);
            let Some(m) = doc.expect_mapping(item, &item_path, diags) else {
                continue;
            };
            let mut e = doc.fields(m, &item_path, EXTRA_KEYS);
            let province = e.required_string("province");
            let district = e.string("district");
            let commune = e.string("commune");
            if let Some(province) = province {
                // A unit below a province the list does not know never applies (models'
                // provinces must be on the list), and a province alone a letter from an
                // official one is a typo, not a unit of its own.
                let hint =
                    unknown_province_hint(&province, district.is_some() || commune.is_some());
                if let Some(hint) = hint {
                    let mut at = item_path.clone();
                    at.push(Seg::Key("province".into()));
                    diags.push(doc.warning_at(
                        &at,
                        crate::msg!(
                            "places.extra_unknown_province",
                            name = province.trim(),
                            hint = hint
                        ),
                    ));
                }
                out.push(Extra {
                    province,
                    district,
                    commune,
                });
            }
            diags.extend(e.finish());
        }
    }
    diags.extend(f.finish());
    out
}

/// The hint for an added unit's province that is on neither list: `Some` (the nearest names,
/// perhaps none) when a unit below it is given, or when it is a province alone whose name is
/// near an official one; `None` when it is on a list, or a province of the site's own.
fn unknown_province_hint(province: &str, has_units_below: bool) -> Option<String> {
    let places = super::official();
    let known = places
        .old_provinces
        .iter()
        .chain(&places.new_provinces)
        .any(|u| u.spelled_by(province));
    if known {
        return None;
    }
    let names: Vec<String> = places
        .old_provinces
        .iter()
        .chain(&places.new_provinces)
        .map(|u| u.display_name())
        .collect();
    let near = super::names::nearest(province, names.iter().map(String::as_str));
    if near.is_empty() && !has_units_below {
        return None;
    }
    Some(if near.is_empty() {
        String::new()
    } else {
        crate::msg!("places.hint_nearest", names = near.join("”, “"))
    })
}

#[cfg(test)]
mod tests {
    use super::unknown_province_hint;

    #[test]
    fn an_added_units_province_must_be_on_a_list() {
        assert_eq!(unknown_province_hint("Lâm Đồng", true), None);
        assert_eq!(unknown_province_hint("tỉnh Bến Tre", true), None);
        assert_eq!(unknown_province_hint("TP. Hồ Chí Minh", true), None);
        // A typo: warned, with the official name.
        let hint = unknown_province_hint("Lâm Đòng", true).unwrap();
        assert!(hint.contains("Lâm Đồng"), "{hint}");
        assert!(unknown_province_hint("Lâm Đòng", false).is_some());
        // A "province" of the site's own, far from every official one, alone: fine.
        assert_eq!(unknown_province_hint("Trung ương", false), None);
        assert!(unknown_province_hint("Trung ương", true).is_some());
    }
}

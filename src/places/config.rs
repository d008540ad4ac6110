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

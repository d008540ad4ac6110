//! What publishing as an agency's site needs from `site.yaml`: the owner's details
//! (`owner:`, shown in every page's footer and on the Giới thiệu page, Nghị định 42/2022/NĐ-CP),
//! the yearly report's document settings (`report:`, the layout of Hướng dẫn 36-HD/VPTW or
//! Nghị định 30/2020/NĐ-CP) and the build's publishing options (`publish:`).
//!
//! ```yaml
//! owner:
//!   name: "Ban Dân vận Tỉnh ủy Bến Tre"
//!   parent: "Tỉnh ủy Bến Tre"
//!   address: "…"
//!   phone: "0275 3822 xxx"
//!   email: "bandanvan@bentre.gov.vn"
//!   responsible: "Nguyễn Văn A, Phó Trưởng Ban"
//! report:
//!   place: "Bến Tre"
//!   date: "30/12"              # day/month of each yearly report; blank for the office to fill
//!   number: "125-BC/BDVTU"     # optional
//!   layout: dang               # dang (Party) | nha-nuoc (state agency)
//!   signer: { on_behalf: "T/M BAN DÂN VẬN", title: "TRƯỞNG BAN", name: "Nguyễn Văn B" }
//!   recipients: ["Ban Dân vận Trung ương (b/c)", "Lưu VP"]
//! publish:
//!   precompress: true
//! ```

use crate::diag::Diagnostic;
use crate::yaml::{Seg, YamlDoc};
use serde::Serialize;
use serde_yaml::Mapping;

/// The agency that runs the site.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Owner {
    /// The agency, e.g. "Ban Dân vận Tỉnh ủy Bến Tre".
    pub name: String,
    /// The body it belongs to, e.g. "Tỉnh ủy Bến Tre".
    pub parent: String,
    /// Postal address.
    pub address: String,
    /// Telephone.
    pub phone: String,
    /// E-mail address.
    pub email: String,
    /// Who answers for the content (name and position).
    pub responsible: String,
}

/// The owner's keys, in the order they are shown.
pub const OWNER_KEYS: &[&str] = &["name", "parent", "address", "phone", "email", "responsible"];

impl Owner {
    /// The keys still empty, in [`OWNER_KEYS`] order.
    pub fn missing(&self) -> Vec<&'static str> {
        OWNER_KEYS
            .iter()
            .copied()
            .filter(|k| self.get(k).is_empty())
            .collect()
    }

    fn get(&self, key: &str) -> &str {
        match key {
            "name" => &self.name,
            "parent" => &self.parent,
            "address" => &self.address,
            "phone" => &self.phone,
            "email" => &self.email,
            _ => &self.responsible,
        }
    }
}

/// Which official layout the yearly report follows.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Party documents (Hướng dẫn 36-HD/VPTW): "ĐẢNG CỘNG SẢN VIỆT NAM".
    #[default]
    Dang,
    /// State agencies (Nghị định 30/2020/NĐ-CP): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    NhaNuoc,
}

/// Who signs the yearly report.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Signer {
    /// "T/M BAN DÂN VẬN" (on behalf of a collective body), or empty.
    pub on_behalf: String,
    /// "TRƯỞNG BAN".
    pub title: String,
    /// The signer's name.
    pub name: String,
}

/// The yearly report's document settings.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReportSettings {
    /// Where it is issued ("Bến Tre").
    pub place: String,
    /// Day and month of every yearly report ("30/12"); empty leaves them for the office.
    pub day: Option<u32>,
    /// Month (with `day`).
    pub month: Option<u32>,
    /// The document number ("125-BC/BDVTU"); empty leaves the number line for the office.
    pub number: String,
    /// Party or state layout.
    pub layout: Layout,
    /// The signature block.
    pub signer: Signer,
    /// "Nơi nhận:" list.
    pub recipients: Vec<String>,
}

/// Options of `dvk build` kept in site.yaml.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublishSettings {
    /// Write `.gz` and `.br` copies of text files ([`crate::precompress`]).
    pub precompress: bool,
}

/// Everything of this module read from site.yaml.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `owner:`; None when the key is absent.
    pub owner: Option<Owner>,
    /// `report:`.
    pub report: ReportSettings,
    /// `publish:`.
    pub publish: PublishSettings,
}

/// The top-level keys of site.yaml this module reads.
pub const KEYS: &[&str] = &["owner", "report", "publish"];

const REPORT_KEYS: &[&str] = &["place", "date", "number", "layout", "signer", "recipients"];
const SIGNER_KEYS: &[&str] = &["on_behalf", "title", "name"];
const PUBLISH_KEYS: &[&str] = &["precompress"];

fn key(k: &str) -> Vec<Seg> {
    vec![Seg::Key(k.into())]
}

/// Reads `owner:`, `report:` and `publish:` from the root mapping of site.yaml.
pub fn parse(doc: &YamlDoc<'_>, root: &Mapping, diags: &mut Vec<Diagnostic>) -> Settings {
    let mut s = Settings::default();
    let sub = |name: &str, diags: &mut Vec<Diagnostic>| match root.get(name) {
        None | Some(serde_yaml::Value::Null) => None,
        Some(v) => doc.expect_mapping(v, &key(name), diags),
    };
    if let Some(m) = sub("owner", diags) {
        let mut f = doc.fields(m, &key("owner"), OWNER_KEYS);
        let mut get = |k: &str| f.string(k).unwrap_or_default();
        s.owner = Some(Owner {
            name: get("name"),
            parent: get("parent"),
            address: get("address"),
            phone: get("phone"),
            email: get("email"),
            responsible: get("responsible"),
        });
        diags.extend(f.finish());
    }
    if let Some(m) = sub("report", diags) {
        let at = key("report");
        let mut f = doc.fields(m, &at, REPORT_KEYS);
        let r = &mut s.report;
        r.place = f.string("place").unwrap_or_default();
        r.number = f.string("number").unwrap_or_default();
        if let Some(date) = f.string("date") {
            match day_month(&date) {
                Some((d, m)) => (r.day, r.month) = (Some(d), Some(m)),
                None => f.error("date", crate::msg!("publish.report_date", value = date)),
            }
        }
        if let Some(layout) = f.string("layout") {
            match vntext::slugify(&layout).as_str() {
                "dang" => r.layout = Layout::Dang,
                "nha-nuoc" => r.layout = Layout::NhaNuoc,
                _ => f.error(
                    "layout",
                    crate::msg!("publish.report_layout", value = layout),
                ),
            }
        }
        r.recipients = f.string_list("recipients").unwrap_or_default();
        if let Some(v) = m.get("signer").filter(|v| !v.is_null()) {
            let mut at = at.clone();
            at.push(Seg::Key("signer".into()));
            if let Some(sm) = doc.expect_mapping(v, &at, diags) {
                let mut g = doc.fields(sm, &at, SIGNER_KEYS);
                r.signer = Signer {
                    on_behalf: g.string("on_behalf").unwrap_or_default(),
                    title: g.string("title").unwrap_or_default(),
                    name: g.string("name").unwrap_or_default(),
                };
                diags.extend(g.finish());
            }
        }
        diags.extend(f.finish());
    }
    if let Some(m) = sub("publish", diags) {
        let mut f = doc.fields(m, &key("publish"), PUBLISH_KEYS);
        s.publish.precompress = f.boolean("precompress").unwrap_or(false);
        diags.extend(f.finish());
    }
    s
}

/// "30/12" or "30-12" → (30, 12).
fn day_month(text: &str) -> Option<(u32, u32)> {
    let (d, m) = text.trim().split_once(['/', '-', '.'])?;
    let (d, m): (u32, u32) = (d.trim().parse().ok()?, m.trim().parse().ok()?);
    let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12)
        .contains(&m)
        .then_some(())
        .filter(|_| d >= 1 && d <= days[m as usize - 1])
        .map(|_| (d, m))
}

/// Warnings of `dvk check` (and build) about what an agency's site must show: the owner's
/// details (Nghị định 42/2022/NĐ-CP asks a state body's site to name who runs it).
pub fn warnings(settings: &Settings, site_yaml: &std::path::Path) -> Vec<Diagnostic> {
    let missing: Vec<&str> = match &settings.owner {
        None => OWNER_KEYS.to_vec(),
        Some(o) => o.missing(),
    };
    if missing.is_empty() {
        return Vec::new();
    }
    vec![Diagnostic::warning(
        site_yaml,
        0,
        0,
        crate::msg!("publish.owner_missing", keys = missing.join(", ")),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_text(text: &str) -> (Settings, Vec<Diagnostic>) {
        let doc = YamlDoc::parse(text, Path::new("content/site.yaml"), 0).unwrap();
        let mut diags = Vec::new();
        let root = doc.root_mapping(&mut diags).unwrap().clone();
        let s = parse(&doc, &root, &mut diags);
        (s, diags)
    }

    #[test]
    fn a_full_block_is_read() {
        let (s, d) = parse_text(
            "owner:\n  name: Ban Dân vận Tỉnh ủy Bến Tre\n  parent: Tỉnh ủy Bến Tre\n  address: 7 Cách Mạng Tháng Tám\n  phone: 0275 3822 111\n  email: bdv@bentre.gov.vn\n  responsible: Nguyễn Văn A\nreport:\n  place: Bến Tre\n  date: 30/12\n  layout: nha-nuoc\n  signer: { on_behalf: T/M BAN DÂN VẬN, title: TRƯỞNG BAN, name: Nguyễn Văn B }\n  recipients: [Ban Dân vận Trung ương (b/c), Lưu VP]\npublish: { precompress: true }\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(s.owner.as_ref().unwrap().missing().is_empty());
        assert_eq!((s.report.day, s.report.month), (Some(30), Some(12)));
        assert_eq!(s.report.layout, Layout::NhaNuoc);
        assert_eq!(s.report.signer.title, "TRƯỞNG BAN");
        assert_eq!(s.report.recipients.len(), 2);
        assert!(s.publish.precompress);
        assert!(warnings(&s, Path::new("content/site.yaml")).is_empty());
    }

    #[test]
    fn missing_owner_details_are_a_warning_naming_them() {
        crate::msg::set_lang(crate::msg::Lang::Vi);
        let (s, d) = parse_text("owner:\n  name: Ban Dân vận\n  email: x@y.vn\n");
        assert!(d.is_empty(), "{d:?}");
        let w = warnings(&s, Path::new("content/site.yaml"));
        assert_eq!(w.len(), 1);
        assert!(!w[0].is_error());
        assert!(
            w[0].message.contains("parent, address, phone, responsible"),
            "{}",
            w[0].message
        );
        let (s, _) = parse_text("title: X\n");
        assert_eq!(warnings(&s, Path::new("content/site.yaml")).len(), 1);
    }

    #[test]
    fn bad_values_are_reported_at_their_key() {
        let (_, d) =
            parse_text("report:\n  date: 31/02\n  layout: chinh-phu\n  signer: { titel: X }\n");
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), vec![4, 2, 3]);
    }
}

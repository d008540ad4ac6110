//! The `search:` section of `site.yaml`: the site's own abbreviations, added to the built-in
//! list of `crates/search` (`abbreviations.txt`).
//!
//! ```yaml
//! search:
//!   abbreviations:
//!     "HTX": "hợp tác xã"
//!     "CLB": ["câu lạc bộ", "CLB"]
//! ```

use crate::diag::Diagnostic;
use crate::yaml::{Seg, YamlDoc};
use serde_yaml::{Mapping, Value};

/// Keys allowed under `search:`.
const KEYS: &[&str] = &["abbreviations"];

/// Reads `search:` (at `at`): each abbreviation and its long forms; a problem for every bad
/// entry, at its line.
pub fn abbreviations(
    doc: &YamlDoc,
    at: &[Seg],
    search: &Mapping,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<String>)> {
    let mut fields = doc.fields(search, at, KEYS);
    let mut out = Vec::new();
    if let Some((path, map)) = fields.mapping("abbreviations") {
        for (k, v) in map {
            let short = match k {
                Value::String(s) => vntext::nfc(s.trim()).into_owned(),
                other => other_text(other),
            };
            let mut key_path = path.clone();
            key_path.push(Seg::Key(short.clone()));
            let long: Vec<String> = match v {
                Value::String(s) => vec![s.clone()],
                Value::Sequence(items) => items
                    .iter()
                    .filter_map(|i| match i {
                        Value::String(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let long: Vec<String> = long
                .iter()
                .map(|l| vntext::nfc(l.trim()).into_owned())
                .filter(|l| !dvk_search::text::terms_of(l).is_empty())
                .collect();
            let bad_list = matches!(v, Value::Sequence(items) if items.iter().any(|i| !matches!(i, Value::String(_))));
            if dvk_search::text::terms_of(&short).is_empty() || long.is_empty() || bad_list {
                diags.push(doc.error_at(
                    &key_path,
                    crate::msg!("search.abbreviation_bad", short = short),
                ));
                continue;
            }
            out.push((short, long));
        }
    }
    diags.extend(fields.finish());
    out
}

fn other_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::SiteConfig;
    use std::path::Path;

    fn parse(text: &str) -> (SiteConfig, Vec<crate::diag::Diagnostic>) {
        SiteConfig::parse(text, Path::new("content/site.yaml"))
    }

    #[test]
    fn site_abbreviations_are_read_and_added_to_the_builtin_ones() {
        let (c, d) = parse(
            "search:\n  abbreviations:\n    \"CLB\": \"câu lạc bộ\"\n    TDP: [\"tổ dân phố\", \"tổ DP\"]\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            c.search_abbreviations,
            vec![
                ("CLB".to_string(), vec!["câu lạc bộ".to_string()]),
                ("TDP".to_string(), vec!["tổ dân phố".into(), "tổ DP".into()]),
            ]
        );
        let a = c.abbreviations();
        assert!(a.expansions("clb").contains(&"cau lac bo".to_string()));
        assert!(a
            .expansions("mttq")
            .contains(&"mat tran to quoc".to_string()));
    }

    #[test]
    fn bad_abbreviations_are_reported_at_their_line_in_vietnamese() {
        let (c, d) = parse(
            "title: X\nsearch:\n  abbreviations:\n    \"CLB\": \"\"\n    HTX: [1, 2]\n    OK: \"được\"\n  abbrevations: {}\n",
        );
        assert_eq!(c.search_abbreviations.len(), 1, "{d:?}");
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(d[0].line, 4, "{d:?}");
        assert!(d[0].message.contains("CLB"), "{}", d[0].message);
        // Vietnamese unless DVK_LANG chose English (the language is global to the process).
        let word = match crate::msg::lang() {
            crate::msg::Lang::Vi => "chữ viết tắt",
            crate::msg::Lang::En => "abbreviation",
        };
        assert!(d[0].message.contains(word), "{}", d[0].message);
        assert_eq!(d[1].line, 5, "{d:?}");
        // The misspelt key gets a hint.
        assert!(d[2].message.contains("abbreviations"), "{}", d[2].message);
    }
}

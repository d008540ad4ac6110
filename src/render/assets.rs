//! Fingerprinted assets: the theme's stylesheets and scripts and the search client are
//! published under names that carry a hash of their bytes (`style.3f9a0c12d4.css`), so a web
//! server can let browsers keep them for a year (`Cache-Control: immutable`, deploy/): a new
//! version gets a new name. Templates name them through one variable, `assets`, keyed by the
//! plain name: `{{ assets["style.css"] }}` is the URL to use.
//!
//! The plain names are written too, for themes made before fingerprinting (they keep working,
//! with a short cache). `dvk serve` does not fingerprint: `assets` gives it the plain URLs.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Generated scripts and stylesheets that get fingerprinted names like the theme's.
pub const GENERATED: &[&str] = &["tim-kiem/search.js", "tim-kiem/search.css"];

/// Plain name → published name of every fingerprinted asset.
#[derive(Debug, Default, Clone)]
pub struct Assets {
    names: BTreeMap<String, String>,
}

/// True for a file that gets a fingerprinted name (stylesheets and scripts).
pub fn is_asset(rel: &str) -> bool {
    rel.ends_with(".css") || rel.ends_with(".js")
}

/// `dir/name.ext` with the hash of `bytes` before the extension: `dir/name.<10 hex>.ext`.
pub fn fingerprinted_name(rel: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes));
    let (dir, name) = rel.rsplit_once('/').map_or(("", rel), |(d, n)| (d, n));
    let with_hash = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{}.{ext}", &hash[..10]),
        _ => format!("{name}.{}", &hash[..10]),
    };
    if dir.is_empty() {
        with_hash
    } else {
        format!("{dir}/{with_hash}")
    }
}

impl Assets {
    /// The assets of a theme's static files (built-in or the site's own): fingerprinted
    /// names when `fingerprint`, else the plain names (for `dvk serve`).
    pub fn new(static_files: &[(String, super::theme::ThemeFile)], fingerprint: bool) -> Assets {
        let mut names = BTreeMap::new();
        for (rel, file) in static_files {
            if !is_asset(rel) {
                continue;
            }
            let name = match (fingerprint, file.read()) {
                (true, Ok(bytes)) => fingerprinted_name(rel, &bytes),
                _ => rel.clone(),
            };
            names.insert(rel.clone(), name);
        }
        let generated = if fingerprint {
            // The client files exactly as the index writes them (an empty index costs little).
            dvk_search::build_index(&[])
                .into_iter()
                .filter(|f| GENERATED.contains(&f.path.as_str()))
                .map(|f| (f.path.clone(), fingerprinted_name(&f.path, &f.bytes)))
                .collect()
        } else {
            Vec::new()
        };
        for rel in GENERATED {
            let name = generated
                .iter()
                .find(|(p, _)| p == rel)
                .map_or_else(|| rel.to_string(), |(_, n)| n.clone());
            names.insert(rel.to_string(), name);
        }
        Assets { names }
    }

    /// The fingerprinted name of `rel`, when it has one other than its own.
    pub fn renamed(&self, rel: &str) -> Option<&str> {
        self.names
            .get(rel)
            .map(String::as_str)
            .filter(|n| *n != rel)
    }

    /// The template variable `assets`: plain name → URL under `base_path`.
    pub fn to_value(&self, base_path: &str) -> Value {
        Value::Object(
            self.names
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(format!("{base_path}{v}"))))
                .collect::<Map<_, _>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_goes_before_the_extension_and_follows_the_bytes() {
        let a = fingerprinted_name("style.css", b"body{}");
        assert!(
            a.starts_with("style.") && a.ends_with(".css") && a.len() == "style.css".len() + 11
        );
        assert_ne!(a, fingerprinted_name("style.css", b"body{color:red}"));
        assert_eq!(a, fingerprinted_name("style.css", b"body{}"));
        let b = fingerprinted_name("tim-kiem/search.js", b"x");
        assert!(
            b.starts_with("tim-kiem/search.") && b.ends_with(".js"),
            "{b}"
        );
    }

    #[test]
    fn serve_gets_the_plain_names_and_a_build_the_fingerprinted_ones() {
        use super::super::theme::ThemeFile;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("style.css"), "body{}").unwrap();
        let files = vec![
            (
                "style.css".to_string(),
                ThemeFile::Site(dir.path().join("style.css")),
            ),
            ("favicon.svg".to_string(), ThemeFile::Builtin(b"<svg/>")),
        ];
        let plain = Assets::new(&files, false);
        assert_eq!(plain.renamed("style.css"), None);
        assert_eq!(plain.to_value("/x/")["style.css"], "/x/style.css");
        assert_eq!(
            plain.to_value("/")["tim-kiem/search.js"],
            "/tim-kiem/search.js"
        );
        let built = Assets::new(&files, true);
        let css = built.renamed("style.css").unwrap();
        assert_eq!(css, fingerprinted_name("style.css", b"body{}"));
        assert!(built.renamed("favicon.svg").is_none());
        assert!(built.renamed("tim-kiem/search.js").is_some());
    }
}

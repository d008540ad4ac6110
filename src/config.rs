//! Site settings from `content/site.yaml`, with a default for every key, and the fields
//! (lĩnh vực) an editor's `field` value is matched against.

use crate::diag::{did_you_mean, Diagnostic};
use crate::yaml::{self, YamlDoc};
use serde::Serialize;
use std::path::Path;

/// One of the movement's fields (lĩnh vực).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Field {
    /// URL slug, e.g. `kinh-te`.
    pub slug: String,
    /// Display label, e.g. `Kinh tế`.
    pub label: String,
    /// Other spellings editors use.
    pub aliases: Vec<String>,
}

/// The site's settings.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Site name.
    pub title: String,
    /// Absolute URL where `public/` is published, always ending with `/`.
    pub base_url: String,
    /// Language code for `<html lang>` and the i18n file.
    pub language: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// The fields, in display order.
    pub fields: Vec<Field>,
    /// The header's links (`menu:`; empty: the theme's default header). See [`crate::menu`].
    pub menu: Vec<crate::menu::MenuItem>,
    /// The site's own abbreviations for search (`search: { abbreviations: { "HTX": "hợp tác
    /// xã" } }`): short form and its long forms, added to the built-in ones.
    pub search_abbreviations: Vec<(String, Vec<String>)>,
    /// Document types a write-up may link beyond the default ones (lower-case, no dot).
    pub attachments: Vec<String>,
    /// Places the official list lacks (`places: { extra: [...] }`).
    pub places_extra: Vec<crate::places::resolve::Extra>,
    /// `owner:`, `report:` and `publish:` ([`crate::publish`]).
    pub agency: crate::publish::Settings,
}

/// Abbreviations of the default fields (slugified, without hyphens) and the slug each means.
const FIELD_ABBREVIATIONS: &[(&str, &str)] = &[
    ("kt", "kinh-te"),
    ("vhxh", "van-hoa-xa-hoi"),
    ("qpan", "quoc-phong-an-ninh"),
    ("anqp", "quoc-phong-an-ninh"),
    ("xdhtct", "xay-dung-he-thong-chinh-tri"),
];

const KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "fields",
    "menu",
    "search",
    "attachments",
    "places",
];
const FIELD_KEYS: &[&str] = &["slug", "label", "aliases"];

impl Default for SiteConfig {
    fn default() -> Self {
        let field = |slug: &str, label: &str, aliases: &[&str]| Field {
            slug: slug.into(),
            label: label.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        SiteConfig {
            title: "Dân vận khéo".into(),
            base_url: "/".into(),
            language: "vi".into(),
            theme: "default".into(),
            places_extra: Vec::new(),
            fields: vec![
                field("kinh-te", "Kinh tế", &["phát triển kinh tế"]),
                field("van-hoa-xa-hoi", "Văn hóa - xã hội", &["văn hóa xã hội"]),
                field(
                    "quoc-phong-an-ninh",
                    "Quốc phòng - an ninh",
                    &["an ninh - quốc phòng", "an ninh quốc phòng"],
                ),
                field(
                    "xay-dung-he-thong-chinh-tri",
                    "Xây dựng hệ thống chính trị",
                    &["xây dựng Đảng", "xây dựng Đảng và hệ thống chính trị"],
                ),
            ],
            menu: Vec::new(),
            search_abbreviations: Vec::new(),
            attachments: Vec::new(),
            agency: Default::default(),
        }
    }
}

impl SiteConfig {
    /// Reads `site.yaml` text (already NFC); returns the settings and every problem found.
    pub fn parse(text: &str, path: &Path) -> (SiteConfig, Vec<Diagnostic>) {
        let mut config = SiteConfig::default();
        let mut diags = Vec::new();
        let doc = match YamlDoc::parse(text, path, 0) {
            Ok(doc) => doc,
            Err(d) => return (config, vec![d]),
        };
        let Some(map) = doc.root_mapping(&mut diags) else {
            return (config, diags);
        };
        let mut fields = doc.fields(map, &[], &[KEYS, crate::publish::KEYS].concat());
        config.agency = crate::publish::parse(&doc, map, &mut diags);
        if let Some(v) = fields.string("title") {
            config.title = v;
        }
        if let Some(v) = fields.string("base_url") {
            match check_base_url(&v) {
                Ok(url) => config.base_url = url,
                Err(m) => fields.error("base_url", m),
            }
        }
        if let Some(v) = fields.string("language") {
            // It names the theme's strings file (i18n/<language>.yaml): a language tag only,
            // so that `../` cannot read a file from outside the site.
            if v.is_empty()
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                fields.error("language", crate::msg!("config.language", value = v));
            } else {
                config.language = v;
            }
        }
        if let Some(v) = fields.string("theme") {
            if v.contains(['/', '\\']) || v.starts_with('.') || v.is_empty() {
                fields.error("theme", crate::msg!("config.theme"));
            } else {
                config.theme = v;
            }
        }
        if let Some((key_path, list)) = fields.list("fields") {
            let mut parsed = Vec::new();
            for (i, item) in list.iter().enumerate() {
                let item_path = yaml::child(&key_path, i);
                let Some(m) = doc.expect_mapping(item, &item_path, &mut diags) else {
                    continue;
                };
                let mut f = doc.fields(m, &item_path, FIELD_KEYS);
                let label = f.required_string("label");
                let slug = f.string("slug");
                let aliases = f.string_list("aliases").unwrap_or_default();
                if let Some(label) = label {
                    let slug = slug.unwrap_or_else(|| vntext::slugify(&label));
                    if slug.is_empty() || slug != vntext::slugify(&slug) {
                        f.error("slug", crate::msg!("config.field_slug", slug = slug));
                    }
                    parsed.push(Field {
                        slug,
                        label,
                        aliases,
                    });
                }
                diags.extend(f.finish());
            }
            if parsed.is_empty() && diags.is_empty() {
                fields.error("fields", crate::msg!("config.fields_empty"));
            }
            if !parsed.is_empty() {
                config.fields = parsed;
            }
        }
        if let Some((key_path, list)) = fields.list("menu") {
            config.menu = crate::menu::parse(&doc, &key_path, list, &mut diags);
        }
        if let Some((search_path, search)) = fields.mapping("search") {
            config.search_abbreviations =
                crate::search_config::abbreviations(&doc, &search_path, search, &mut diags);
        }
        if let Some(list) = fields.string_list("attachments") {
            config.attachments =
                crate::content::links::attachment_types(list, |m| fields.error("attachments", m));
        }
        diags.extend(fields.finish());
        if let Some(v) = map.get("places").filter(|v| !v.is_null()) {
            config.places_extra = crate::places::config::parse_extra(&doc, v, &mut diags);
        }
        (config, diags)
    }

    /// The abbreviations search knows: the built-in ones and the site's.
    pub fn abbreviations(&self) -> dvk_search::Abbreviations {
        let mut a = dvk_search::Abbreviations::builtin();
        for (short, long) in &self.search_abbreviations {
            let long: Vec<&str> = long.iter().map(String::as_str).collect();
            a.add(short, &long);
        }
        a
    }

    /// The path part of base_url, starting and ending with `/` (`/` or `/danvan/`).
    pub fn base_path(&self) -> String {
        let without_scheme = match self.base_url.find("://") {
            Some(i) => &self.base_url[i + 3..],
            None => return self.base_url.clone(),
        };
        match without_scheme.find('/') {
            Some(i) => without_scheme[i..].to_string(),
            None => "/".into(),
        }
    }

    /// Finds the field an editor meant: label, slug or alias, ignoring case and diacritics.
    pub fn match_field(&self, value: &str) -> Option<usize> {
        let wanted = normalise_for_match(value);
        self.fields
            .iter()
            .position(|f| {
                normalise_for_match(&f.label) == wanted
                    || normalise_for_match(&f.slug) == wanted
                    || f.aliases.iter().any(|a| normalise_for_match(a) == wanted)
            })
            .or_else(|| {
                // The four fields' usual abbreviations, known by default (lists write them).
                let slug = FIELD_ABBREVIATIONS
                    .iter()
                    .find(|(abbr, _)| *abbr == wanted.replace('-', ""))?
                    .1;
                self.fields.iter().position(|f| f.slug == slug)
            })
    }

    /// The message for a `field` value that matches nothing.
    pub fn unknown_field_message(&self, value: &str) -> String {
        let labels: Vec<&str> = self.fields.iter().map(|f| f.label.as_str()).collect();
        let choices = self
            .fields
            .iter()
            .map(|f| format!("\"{}\" ({})", f.label, f.slug))
            .collect::<Vec<_>>()
            .join(", ");
        crate::msg!(
            "config.unknown_field",
            value = value,
            hint = did_you_mean(value, labels),
            choices = choices
        )
    }
}

/// Folds and squeezes punctuation so `an ninh - quốc phòng`, `An ninh quoc phong` and
/// `an-ninh-quoc-phong` compare equal.
fn normalise_for_match(s: &str) -> String {
    vntext::slugify(s)
}

/// Checks a `base_url` (site.yaml or `--base-url`): only an absolute
/// `http(s)://host[:port]/path` URL without user, query or fragment is accepted, since every
/// link, feed and stylesheet of the site starts with it. Returns it with a lower-case scheme
/// and host and a trailing `/`, or the message saying what to write instead.
pub fn check_base_url(value: &str) -> Result<String, String> {
    let url = value.trim();
    let bad = || crate::msg!("config.base_url_bad", value = url);
    if url.is_empty() {
        return Err(crate::msg!("config.base_url_empty"));
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        && !url.contains("://")
    {
        return Err(bad());
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        // `danvan.quangngai.gov.vn` or `danvan.quangngai.gov.vn/x`: a host without its scheme.
        let host = url.split('/').next().unwrap_or("");
        if host.contains('.') && valid_host(host) && !url.starts_with('/') {
            let suggest = format!("https://{}", with_slash(url));
            return Err(crate::msg!(
                "config.base_url_no_scheme",
                value = url,
                suggest = suggest
            ));
        }
        return Err(bad());
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad());
    }
    if url.contains(['?', '#']) {
        return Err(crate::msg!("config.base_url_query", value = url));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.contains('@') {
        return Err(crate::msg!("config.base_url_user", value = url));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
            if h.starts_with('[') && !h.ends_with(']') {
                (authority, None)
            } else {
                (h, Some(p))
            }
        }
        _ => (authority, None),
    };
    let port_ok = port.is_none_or(|p| {
        !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && {
            let n: u32 = p.parse().unwrap_or(0);
            (1..=65535).contains(&n)
        }
    });
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/%!$&'()*+,;=:@".contains(&b))
        && !path.contains("//")
        && path.split('/').all(|seg| seg != "." && seg != "..");
    if !valid_host(host) || !port_ok || !path_ok {
        return Err(bad());
    }
    let host = host.to_ascii_lowercase();
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(format!("{scheme}://{host}{port}{}", with_slash(path)))
}

/// `--base-url`'s parser: the same check, for a usage error (exit 2).
pub fn base_url_flag(value: &str) -> Result<String, String> {
    check_base_url(value)
}

/// A DNS name (letters, digits, hyphens, dot-separated labels) or a bracketed IPv6 address.
fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// `s` ending with `/`.
fn with_slash(s: &str) -> String {
    if s.ends_with('/') {
        s.to_string()
    } else {
        format!("{s}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (SiteConfig, Vec<Diagnostic>) {
        SiteConfig::parse(text, Path::new("content/site.yaml"))
    }

    #[test]
    fn language_that_climbs_out_of_the_theme_is_refused() {
        let (config, d) = SiteConfig::parse(
            "language: \"../../../../etc/x\"\n",
            Path::new("content/site.yaml"),
        );
        assert_eq!(config.language, "vi");
        assert_eq!((d.len(), d[0].line, d[0].column), (1, 1, 1), "{d:?}");
        let (config, d) = SiteConfig::parse("language: en-US\n", Path::new("content/site.yaml"));
        assert_eq!((config.language.as_str(), d.len()), ("en-US", 0));
    }

    #[test]
    fn empty_file_gives_defaults() {
        let (c, d) = parse("");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.fields.len(), 4);
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn sub_path_base_url() {
        let (c, _) = parse("base_url: https://example.org/danvan");
        assert_eq!(c.base_url, "https://example.org/danvan/");
        assert_eq!(c.base_path(), "/danvan/");
    }

    #[test]
    fn fields_match_ignoring_case_diacritics_and_aliases() {
        let c = SiteConfig::default();
        assert_eq!(c.match_field("kinh te"), Some(0));
        assert_eq!(c.match_field("KINH TẾ"), Some(0));
        assert_eq!(c.match_field("van-hoa-xa-hoi"), Some(1));
        assert_eq!(c.match_field("An ninh - quốc phòng"), Some(2));
        assert_eq!(c.match_field("xây dựng đảng"), Some(3));
        assert_eq!(c.match_field("giáo dục"), None);
        assert_eq!(c.match_field("KT"), Some(0));
        assert_eq!(c.match_field("VH-XH"), Some(1));
        assert_eq!(c.match_field("VHXH"), Some(1));
        assert_eq!(c.match_field("QP-AN"), Some(2));
        assert_eq!(c.match_field("qpan"), Some(2));
        assert_eq!(c.match_field("XDHTCT"), Some(3));
        // In the language in use (tests share one).
        let msg = c.unknown_field_message("Kinh tê nông nghiệp");
        match crate::msg::lang() {
            crate::msg::Lang::Vi => {
                assert!(
                    msg.starts_with("lĩnh vực “Kinh tê nông nghiệp” không có"),
                    "{msg}"
                );
                assert!(msg.contains("Các lĩnh vực: \"Kinh tế\" (kinh-te)"), "{msg}");
            }
            crate::msg::Lang::En => {
                assert!(msg.contains("Valid fields: \"Kinh tế\" (kinh-te)"), "{msg}")
            }
        }
    }

    #[test]
    fn unknown_key_is_reported_with_position_and_hint() {
        let (_, d) = parse("title: X\ntitel: Y\n");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (2, 1));
        assert!(d[0].message.contains("`title`"), "{}", d[0].message);
    }

    #[test]
    fn base_url_that_is_not_an_absolute_http_url_is_refused_at_its_line() {
        for bad in [
            "javascript:alert(1)",
            "//evil.example/",
            "data:text/html,<script>alert(1)</script>",
            "not a url",
            "https://example.org/#frag",
            "https://example.org/?q=1",
            "ftp://example.org/",
            "https://user@example.org/",
            "https:///x",
            "https://exa mple.org/",
            "https://example.org:99999/",
            "https://example.org/a/../b/",
            "http://\"onmouseover=alert(1)/",
            "/",
            "danvan.quangngai.gov.vn",
        ] {
            let text = format!("title: X\nbase_url: '{}'\n", bad.replace('\'', "''"));
            let (c, d) = parse(&text);
            assert_eq!(d.len(), 1, "{bad}: {d:?}");
            assert_eq!((d[0].line, d[0].column), (2, 1), "{bad}");
            assert!(d[0].message.contains("base_url"), "{bad}: {}", d[0].message);
            assert_eq!(c.base_url, "/", "{bad}");
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        let e = check_base_url("danvan.quangngai.gov.vn").unwrap_err();
        assert!(e.contains("`https://danvan.quangngai.gov.vn/`"), "{e}");
        for (good, norm) in [
            (
                "https://danvan.quangngai.gov.vn",
                "https://danvan.quangngai.gov.vn/",
            ),
            (
                "HTTP://Example.ORG:8080/Dan-Van",
                "http://example.org:8080/Dan-Van/",
            ),
            ("https://[::1]:3000/", "https://[::1]:3000/"),
            ("https://example.org/a/b/", "https://example.org/a/b/"),
        ] {
            assert_eq!(check_base_url(good).as_deref(), Ok(norm), "{good}");
        }
    }
}

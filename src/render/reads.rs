//! Which of the site-wide values under `site` (its title, the counts of models per year,
//! field and province, the menu…) each template can read, found in the templates' text: a
//! page's key ([`super::memo`]) takes only those, so that a write-up added or deleted, which
//! changes the counts, does not make every page that never shows them a page to render again.
//!
//! The reading is conservative. A template reads what the tags (`{{ }}`, `{% %}`) of its own
//! text and of every template it names (`extends`, `include`, `import`) read; `site.years`
//! reads `years`, and any other use of `site` (`site["years"]`, `set s = site`, `site` as a
//! macro's argument) reads all of it. Comments are left out; text outside tags is not code.

use std::collections::{BTreeSet, HashMap};

/// What a template can read of `site`: the keys named, or everything (`None`).
pub(super) type Reads = Option<BTreeSet<String>>;

/// For each template of `templates` (name, text): what it and the templates it names can
/// read of `site`.
pub(super) fn site_reads(templates: &[(String, String)]) -> HashMap<String, Reads> {
    let own: HashMap<&str, (Reads, Vec<String>)> = templates
        .iter()
        .map(|(name, text)| (name.as_str(), scan(text)))
        .collect();
    own.keys()
        .map(|&name| {
            let mut reads: Reads = Some(BTreeSet::new());
            let mut seen = BTreeSet::new();
            let mut todo = vec![name.to_string()];
            while let Some(t) = todo.pop() {
                if !seen.insert(t.clone()) {
                    continue;
                }
                let Some((r, named)) = own.get(t.as_str()) else {
                    continue;
                };
                reads = match (reads, r) {
                    (Some(mut a), Some(b)) => {
                        a.extend(b.iter().cloned());
                        Some(a)
                    }
                    _ => None,
                };
                todo.extend(named.iter().cloned());
            }
            (name.to_string(), reads)
        })
        .collect()
}

/// One template's text: what its tags read of `site`, and the strings in them (the names
/// of the templates it may extend, include or import; other strings are harmless extras).
fn scan(text: &str) -> (Reads, Vec<String>) {
    let mut reads = Some(BTreeSet::new());
    let mut named = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = match after.as_bytes().first() {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => {
                rest = after.find("#}").map_or("", |e| &after[e + 2..]);
                continue;
            }
            _ => {
                rest = after;
                continue;
            }
        };
        let body = &after[1..];
        let (tag, next) = match body.find(end) {
            Some(e) => (&body[..e], &body[e + 2..]),
            None => (body, ""),
        };
        read_tag(tag, &mut reads, &mut named);
        rest = next;
    }
    (reads, named)
}

/// Adds what the code of one tag reads of `site` to `reads`, and its strings to `named`.
fn read_tag(tag: &str, reads: &mut Reads, named: &mut Vec<String>) {
    let b = tag.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                let end = tag[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                named.push(tag[i + 1..end].to_string());
                i = end + 1;
            }
            c if ident(c) => {
                let start = i;
                while i < b.len() && ident(b[i]) {
                    i += 1;
                }
                let after_dot = start > 0 && b[start - 1] == b'.';
                if &tag[start..i] != "site" || after_dot {
                    continue;
                }
                // `site.key`: that key; anything else: all of `site`.
                let key_start = i + 1;
                let mut key_end = key_start;
                while key_end < b.len() && ident(b[key_end]) {
                    key_end += 1;
                }
                match reads {
                    Some(set) if b.get(i) == Some(&b'.') && key_end > key_start => {
                        set.insert(tag[key_start..key_end].to_string());
                    }
                    _ => *reads = None,
                }
                i = key_end.max(i);
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(templates: &[(&str, &str)], name: &str) -> Option<Vec<String>> {
        let t: Vec<(String, String)> = templates
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        site_reads(&t)[name]
            .clone()
            .map(|s| s.into_iter().collect())
    }

    #[test]
    fn a_template_reads_the_keys_it_names_and_those_of_the_templates_it_names() {
        let t = [
            (
                "base.html",
                "<header class=\"site-head\">{{ site.title }}</header>{% include \"foot.html\" %}",
            ),
            (
                "foot.html",
                "{% for p in site.footer_pages %}{{ p.title }}{% endfor %}",
            ),
            (
                "model.html",
                "{% extends \"base.html\" %}{# site.years #}{{ model.title }}",
            ),
            (
                "list.html",
                "{% extends \"base.html\" %}{% for y in site.years %}{{ y.count }}{% endfor %}",
            ),
        ];
        assert_eq!(
            reads(&t, "model.html"),
            Some(vec!["footer_pages".into(), "title".into()])
        );
        assert_eq!(
            reads(&t, "list.html"),
            Some(vec!["footer_pages".into(), "title".into(), "years".into()])
        );
        assert_eq!(reads(&t, "foot.html"), Some(vec!["footer_pages".into()]));
    }

    #[test]
    fn any_other_use_of_site_reads_all_of_it() {
        for code in [
            "{{ site[\"years\"] }}",
            "{% set s = site %}{{ s.years }}",
            "{{ m::nav(s=site) }}",
            "{{ site }}",
            "{{ site . years }}",
        ] {
            let t = [("a.html", "{% extends \"b.html\" %}"), ("b.html", code)];
            assert_eq!(reads(&t, "a.html"), None, "{code}");
        }
        // Not `site` itself: other names, a key of another value, text outside tags.
        let t = [(
            "a.html",
            "site {{ website.years }}{{ page.site }}{{ site_name }}<p>site.years</p>",
        )];
        assert_eq!(reads(&t, "a.html"), Some(vec![]));
    }
}

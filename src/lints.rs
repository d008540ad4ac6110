//! Warnings about content that builds but reads badly: two models with the same title in
//! one district and year, a summary too long for lists, text `dvk new` left to fill in.
//! (Photos without a caption are warned about while loading.)

use crate::diag::Diagnostic;
use crate::site::Site;
use std::collections::HashMap;
use std::path::Path;

/// Lists show a summary up to this many characters.
pub const SUMMARY_MAX: usize = 240;

/// The mark `dvk new` puts in what an editor still has to write.
pub const PLACEHOLDER: &str = "(cần điền";

/// Every warning about the site's models, whose bodies must all be in memory (a site from
/// [`crate::load_site`], not one whose load left bodies in their files).
pub fn warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: HashMap<(i32, usize, Option<usize>, String), usize> = HashMap::new();
    for (i, m) in site.models.iter().enumerate() {
        let key = (
            m.year,
            site.model_province[i],
            site.model_district[i],
            vntext::fold(m.title.trim()),
        );
        if let Some(&first) = seen.get(&key) {
            let other = &site.models[first].origin;
            let place = match site.model_district[i] {
                Some(d) => site.districts[d].name.clone(),
                None => site.provinces[site.model_province[i]].name.clone(),
            };
            out.push(Diagnostic::warning(
                &m.origin.path,
                m.origin.line,
                1,
                format!(
                    "the same title as {}:{} in {place} in {}: readers cannot tell the two apart. Add what differs (the commune, the host) to one of the titles.",
                    other.path.display(),
                    other.line,
                    m.year
                ),
            ));
        } else {
            seen.insert(key, i);
        }
        if let Some(s) = &m.summary {
            let n = s.chars().count();
            if n > SUMMARY_MAX {
                out.push(Diagnostic::warning(
                    &m.origin.path,
                    m.origin.line,
                    1,
                    format!("`summary` has {n} characters: lists show at most {SUMMARY_MAX}, so it is cut off. Shorten it to one or two sentences."),
                ));
            }
        }
        if m.title.contains(PLACEHOLDER)
            || m.host.contains(PLACEHOLDER)
            || m.body.markdown.contains(PLACEHOLDER)
        {
            out.push(Diagnostic::warning(
                &m.origin.path,
                m.origin.line,
                1,
                format!("still has text to fill in, marked “{PLACEHOLDER}…)” by `dvk new`: replace it before publishing."),
            ));
        }
    }
    out
}

/// Moves each warning that names a front matter key to the line of that key in its file,
/// when the file can be read (warnings are made from the site, which keeps no key positions).
pub fn locate(root: &Path, diags: &mut [Diagnostic]) {
    for d in diags.iter_mut() {
        let key = if d.message.starts_with("`summary`") {
            "summary:"
        } else if d.message.starts_with("the same title") {
            "title:"
        } else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(root.join(&d.path)) else {
            continue;
        };
        let start = d.line.max(1);
        for (n, line) in text.lines().enumerate().skip(start - 1) {
            let trimmed = line.trim_start().trim_start_matches("- ");
            if trimmed.starts_with(key) {
                d.line = n + 1;
                d.column = line.len() - line.trim_start().len() + 1;
                if line.trim_start().starts_with("- ") {
                    d.column += 2;
                }
                break;
            }
        }
    }
}

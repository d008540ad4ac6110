//! Warnings about content that builds but reads badly: two models with the same title in
//! one district and year, a summary too long for lists. (Photos without a caption are
//! warned about while loading; text `dvk new` left to fill in is an error found while
//! loading, see [`PLACEHOLDER`].)

use crate::diag::Diagnostic;
use crate::site::Site;
use std::collections::HashMap;
use std::path::Path;

/// Lists show a summary up to this many characters.
pub const SUMMARY_MAX: usize = 240;

/// The mark `dvk new` puts in what an editor still has to write: an error wherever it is
/// left in a document (`content::read`), so it is never published.
pub const PLACEHOLDER: &str = "(cần điền";

/// Every warning about the site's models, each with the front matter key it is about
/// (its line is found by [`locate`]). Bodies need not be in memory.
fn keyed(site: &Site) -> Vec<(Diagnostic, &'static str)> {
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
            let message = crate::msg!(
                "lints.same_title",
                other = format!("{}:{}", other.path.display(), other.line),
                place = place,
                year = m.year
            );
            out.push((
                Diagnostic::warning(&m.origin.path, m.origin.line, 1, message),
                "title",
            ));
        } else {
            seen.insert(key, i);
        }
        if let Some(s) = &m.summary {
            let n = s.chars().count();
            if n > SUMMARY_MAX {
                let message = crate::msg!("lints.summary_long", n = n, max = SUMMARY_MAX);
                out.push((
                    Diagnostic::warning(&m.origin.path, m.origin.line, 1, message),
                    "summary",
                ));
            }
        }
    }
    out
}

/// Every warning about the site's models, each moved to the line of the front matter key
/// it is about when its file can be read (the site keeps no key positions).
pub fn located(root: &Path, site: &Site) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = keyed(site)
        .into_iter()
        .map(|(d, key)| d.about_key(key))
        .collect();
    locate_keys(root, &mut out);
    out
}

/// Moves each problem that names its front-matter key ([`Diagnostic::key`]) from its
/// document's first line to the line of that key, within the document (a list file holds
/// many), when the file can be read; the key is then forgotten. Each file is read and split
/// into lines once, however many problems it has; the files are read in parallel.
pub fn locate_keys(root: &Path, diags: &mut [Diagnostic]) {
    use rayon::prelude::*;
    let mut paths: Vec<&Path> = diags
        .iter()
        .filter(|d| d.key.is_some())
        .map(|d| d.path.as_path())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let files: HashMap<std::path::PathBuf, (String, Vec<usize>)> = paths
        .par_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(root.join(p)).ok()?;
            let starts = line_starts(&text);
            Some((p.to_path_buf(), (text, starts)))
        })
        .collect();
    for d in diags.iter_mut() {
        let Some(key) = d.key.take() else {
            continue;
        };
        if let Some((text, starts)) = files.get(&d.path) {
            locate(text, starts, d, key);
        }
    }
}

/// Byte offset of the start of each line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

/// Moves a problem to the line of `key` in its file, from the document's first line to its
/// end (the front matter's closing `---`, or the next item of a list file).
fn locate(text: &str, starts: &[usize], d: &mut Diagnostic, key: &str) {
    let start = d.line.max(1);
    for n in start - 1..starts.len() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let line = text[starts[n]..end].trim_end_matches(['\n', '\r']);
        let item = line.starts_with("- ");
        if n + 1 > start && (line.trim_end() == "---" || item) {
            break;
        }
        let trimmed = line.trim_start().trim_start_matches("- ");
        let is_key = trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        if is_key {
            d.line = n + 1;
            d.column = line.len() - line.trim_start().len() + 1;
            if line.trim_start().starts_with("- ") {
                d.column += 2;
            }
            break;
        }
    }
}

//! URL slugs for models, articles and pages: distinct and stable.
//!
//! Two models may share a title. The earliest recognised keeps the plain slug, so adding a
//! newer namesake never moves an existing page; each later one gets its place appended
//! (`nuoi-heo-dat-phu-tuc`), then its year, then a number.

use crate::content::{Model, Origin};
use crate::diag::Diagnostic;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One slug per model, in the models' order.
pub fn assign_model_slugs(models: &[Model], diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut slugs: Vec<Option<String>> = vec![None; models.len()];
    let mut taken: HashMap<String, usize> = HashMap::new();
    for (i, m) in models.iter().enumerate() {
        if let Some(s) = &m.slug {
            if let Some(&first) = taken.get(s) {
                let other = &models[first].origin;
                diags.push(Diagnostic::error(
                    &m.origin.path,
                    m.origin.line,
                    1,
                    format!(
                        "slug \"{s}\" is already used by {}:{}: give this model another slug.",
                        other.path.display(),
                        other.line
                    ),
                ));
            } else {
                taken.insert(s.clone(), i);
                slugs[i] = Some(s.clone());
            }
        }
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, m) in models.iter().enumerate() {
        if m.slug.is_none() {
            let base = vntext::slugify(&m.title);
            let base = if base.is_empty() {
                "mo-hinh".to_string()
            } else {
                truncate_slug(&base, 80)
            };
            groups.entry(base).or_default().push(i);
        }
    }
    let mut used: HashSet<String> = taken.keys().cloned().collect();
    used.extend(groups.keys().filter(|b| groups[*b].len() == 1).cloned());
    for (base, mut members) in groups {
        if members.len() == 1 && !taken.contains_key(&base) {
            slugs[members[0]] = Some(base);
            continue;
        }
        members.sort_by(|&a, &b| age_key(&models[a]).cmp(&age_key(&models[b])));
        let mut first = true;
        for i in members {
            let m = &models[i];
            if first && !taken.contains_key(&base) {
                first = false;
                used.insert(base.clone());
                slugs[i] = Some(base.clone());
                continue;
            }
            first = false;
            let place = m
                .commune
                .as_deref()
                .or(m.district.as_deref())
                .unwrap_or(&m.province);
            let with_place = format!("{base}-{}", vntext::slugify(place));
            let with_year = format!("{with_place}-{}", m.year);
            let chosen = [with_place, with_year.clone()]
                .into_iter()
                .find(|c| !used.contains(c))
                .unwrap_or_else(|| {
                    (2..)
                        .map(|n| format!("{with_year}-{n}"))
                        .find(|c| !used.contains(c))
                        .unwrap_or_default()
                });
            used.insert(chosen.clone());
            slugs[i] = Some(chosen);
        }
    }
    slugs.into_iter().map(Option::unwrap_or_default).collect()
}

fn age_key(m: &Model) -> (i32, Option<String>, &std::path::Path, usize) {
    (m.year, m.date.clone(), &m.origin.path, m.origin.line)
}

fn truncate_slug(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let cut = &s[..max];
    cut.rfind('-').map(|i| &cut[..i]).unwrap_or(cut).to_string()
}

/// Slugs for articles or pages: the `slug` key, else the file name, else the title;
/// a clash gets `-2`, `-3` in path order; an explicit clash or a reserved slug is an error.
pub fn assign_simple_slugs<'a>(
    items: impl Iterator<Item = (Option<&'a str>, &'a String, &'a Origin)>,
    reserved: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for (explicit, title, origin) in items {
        let from_file = origin
            .path
            .file_stem()
            .map(|s| vntext::slugify(&s.to_string_lossy()))
            .unwrap_or_default();
        let base = match explicit {
            Some(s) => s.to_string(),
            None if !from_file.is_empty() && from_file != "index" => from_file,
            None => vntext::slugify(title),
        };
        let base = if base.is_empty() {
            "trang".to_string()
        } else {
            base
        };
        if reserved.contains(&base.as_str()) {
            diags.push(Diagnostic::error(
                &origin.path,
                1,
                1,
                format!("the address /{base}/ is used by the site itself: give this page another file name or a `slug`."),
            ));
        }
        let slug = if used.contains(&base) {
            if explicit.is_some() {
                diags.push(Diagnostic::error(
                    &origin.path,
                    1,
                    1,
                    format!("slug \"{base}\" is already used: give another one."),
                ));
            }
            (2..)
                .map(|n| format!("{base}-{n}"))
                .find(|c| !used.contains(c))
                .unwrap_or_default()
        } else {
            base
        };
        used.insert(slug.clone());
        out.push(slug);
    }
    out
}

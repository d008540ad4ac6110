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
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, m) in models.iter().enumerate() {
        if m.slug.is_none() {
            groups.entry(title_slug(m)).or_default().push(i);
        }
    }
    for (i, m) in models.iter().enumerate() {
        let Some(s) = &m.slug else { continue };
        if let Some(&first) = taken.get(s) {
            let other = &models[first].origin;
            diags.push(Diagnostic::error(
                &m.origin.path,
                m.origin.line,
                1,
                crate::msg!(
                    "slug.model_taken",
                    slug = s,
                    other = format!("{}:{}", other.path.display(), other.line)
                ),
            ));
            continue;
        }
        // An explicit slug may not take the address another model has from its title: the
        // older model keeps its URL. Only a model of that same title, older than all its
        // namesakes, may claim the plain slug.
        if let Some(members) = groups.get(s) {
            let oldest = members
                .iter()
                .copied()
                .min_by(|&a, &b| age_key(&models[a]).cmp(&age_key(&models[b])))
                .unwrap_or(members[0]);
            let namesake_and_older = title_slug(m) == *s && age_key(m) < age_key(&models[oldest]);
            if !namesake_and_older {
                let other = &models[oldest].origin;
                diags.push(Diagnostic::error(
                    &m.origin.path,
                    m.origin.line,
                    1,
                    crate::msg!(
                        "slug.model_url_taken",
                        slug = s,
                        other = format!("{}:{}", other.path.display(), other.line),
                        this = format!("{}:{}", m.origin.path.display(), m.origin.line)
                    ),
                ));
                continue;
            }
        }
        taken.insert(s.clone(), i);
        slugs[i] = Some(s.clone());
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

/// The slug a model gets from its title (before a namesake's place is added).
fn title_slug(m: &Model) -> String {
    let base = vntext::slugify(&m.title);
    if base.is_empty() {
        "mo-hinh".to_string()
    } else {
        truncate_slug(&base, 80)
    }
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
                crate::msg!("slug.reserved", slug = base),
            ));
        }
        let slug = if used.contains(&base) {
            if explicit.is_some() {
                diags.push(Diagnostic::error(
                    &origin.path,
                    1,
                    1,
                    crate::msg!("slug.taken", slug = base),
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

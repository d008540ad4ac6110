//! Models per commune after the reform: since 1 July 2025 communes (xã, phường, đặc khu)
//! are directly under the province, so the models recognised since then are counted per
//! commune, grouped under today's province. The numbers are [`Stats::communes`], the same
//! rows `dvk stats` prints.

use super::*;

/// The table of communes (each province's row, then its communes) and a chart of the busiest
/// communes, stacked by field. `None` when no model after the reform names a commune.
pub(super) fn by_commune(
    site: &Site,
    urls: &Urls,
    t: &I18n,
    st: &Stats,
    dir: &str,
) -> Option<Chart> {
    if st.communes.is_empty() {
        return None;
    }
    let nf = site.config.fields.len();
    let mut totals = vec![0; nf];
    for c in &st.communes {
        for (t, v) in totals.iter_mut().zip(&c.by_field) {
            *t += v;
        }
    }
    let total: usize = totals.iter().sum();
    let series = field_series(site, &totals);
    let mut rows = Vec::new();
    let mut drawn: Vec<(&str, &[usize], usize)> = Vec::new();
    let mut i = 0;
    while i < st.communes.len() {
        let slug = &st.communes[i].province_slug;
        let end = i + st.communes[i..]
            .iter()
            .take_while(|c| &c.province_slug == slug)
            .count();
        let group = &st.communes[i..end];
        let name = site
            .provinces
            .iter()
            .find(|p| &p.slug == slug)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| slug.clone());
        let mut by_field = vec![0; nf];
        for c in group {
            for (b, v) in by_field.iter_mut().zip(&c.by_field) {
                *b += v;
            }
        }
        let sum: usize = by_field.iter().sum();
        rows.push(Row {
            label: name.clone(),
            url: Some(urls.url(&format!("dia-ban/{slug}/"))),
            depth: 0,
            cells: field_cells(&by_field, sum, &series),
            parent: None,
        });
        for c in group {
            let url = c.place.map(|d| {
                let d = &site.districts[d];
                urls.url(&format!(
                    "dia-ban/{}/{}/",
                    site.provinces[d.province].slug, d.slug
                ))
            });
            rows.push(Row {
                label: c.name.clone(),
                url,
                depth: 1,
                cells: field_cells(&c.by_field, c.total, &series),
                parent: Some(name.clone()),
            });
            drawn.push((&c.name, &c.by_field, c.total));
        }
        i = end;
    }
    // The busiest communes when there are many (stable: ties keep the table's order); no
    // chart for a single commune, the table says it all.
    let all = drawn.len();
    let mut order: Vec<usize> = (0..all).collect();
    order.sort_by(|&a, &b| drawn[b].2.cmp(&drawn[a].2).then(a.cmp(&b)));
    order.truncate(MAX_PLACES);
    order.sort_unstable();
    let bars = if all < 2 {
        Vec::new()
    } else {
        order
            .iter()
            .map(|&k| stacked_bar(drawn[k].0, drawn[k].1, drawn[k].2, &series, t))
            .collect()
    };
    let note = places_note(t, all);
    let foot = total_row(t, field_cells(&totals, total, &series));
    let table = Table {
        caption: t.get("charts.by_commune_caption"),
        head: field_heads(t.get("charts.commune"), &series, t),
        rows,
        foot: Some(foot),
    };
    Some(finish(
        ChartKind::ByCommune,
        Style::Stacked,
        t.get("charts.by_commune"),
        series.into_iter().map(|(_, s)| s).collect(),
        vec![Group {
            heading: None,
            bars,
        }],
        table,
        note,
        t,
        dir,
        urls,
    ))
}

//! `dvk stats`: the counts the movement reports each October, as a table for people, CSV for
//! spreadsheets or JSON for tools. Computed by [`crate::site::stats::compute`], the same code
//! as the statistics page, so the numbers always agree with the site.
//!
//! Labels (column heads, recognition levels) come from the theme's strings, as on the site.

use crate::render::{format, I18n};
use crate::site::stats::{self, Stats};
use crate::site::Site;
use serde_json::json;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text tables.
    Table,
    /// One CSV table in long form: `section,year,province,district,commune,field,level,result,unit,models,total`,
    /// UTF-8 with a byte-order mark (for Excel).
    Csv,
    /// One JSON object.
    Json,
}

/// The statistics of the whole site, or of one year.
pub fn compute(site: &Site, year: Option<i32>) -> Stats {
    let subset: Vec<usize> = match year {
        Some(y) => site.by_year.get(&y).cloned().unwrap_or_default(),
        None => (0..site.models.len()).collect(),
    };
    stats::compute(site, &subset)
}

fn level_label(t: &I18n, code: Option<&str>) -> String {
    t.get(&format!("level.{}", code.unwrap_or("none")))
}

/// Renders the statistics in a format.
pub fn render(site: &Site, t: &I18n, year: Option<i32>, st: &Stats, fmt: Format) -> String {
    match fmt {
        Format::Table => table(site, t, year, st),
        Format::Csv => csv(site, t, year, st),
        Format::Json => {
            serde_json::to_string_pretty(&to_json(site, t, year, st)).unwrap_or_default() + "\n"
        }
    }
}

/// One line of the breakdown by place: a province, its districts, its models of no district
/// (when it has districts too: the district lines then add up to the province), and the
/// communes of its models recognised since 1 July 2025 (since then communes are directly under
/// the province; the statistics page shows the same rows).
struct PlaceLine<'s> {
    /// `province`, `district`, `no_district` or `commune`.
    kind: &'static str,
    /// Indentation in the text table.
    depth: usize,
    name: String,
    province: &'s str,
    province_slug: &'s str,
    district: Option<&'s str>,
    district_slug: Option<&'s str>,
    total: usize,
    by_field: Vec<usize>,
}

fn place_lines<'s>(t: &I18n, st: &'s Stats) -> Vec<PlaceLine<'s>> {
    let mut out = Vec::new();
    let places = &st.places;
    let mut i = 0;
    while i < places.len() {
        let p = &places[i];
        i += 1;
        if p.depth != 0 {
            continue;
        }
        out.push(PlaceLine {
            kind: "province",
            depth: 0,
            name: p.name.clone(),
            province: &p.name,
            province_slug: &p.province_slug,
            district: None,
            district_slug: None,
            total: p.total,
            by_field: p.by_field.clone(),
        });
        let mut rest = p.by_field.clone();
        let mut districts = 0;
        while i < places.len() && places[i].depth == 1 {
            let d = &places[i];
            for (r, v) in rest.iter_mut().zip(&d.by_field) {
                *r = r.saturating_sub(*v);
            }
            districts += 1;
            out.push(PlaceLine {
                kind: "district",
                depth: 1,
                name: d.name.clone(),
                province: &p.name,
                province_slug: &p.province_slug,
                district: Some(&d.name),
                district_slug: d.district_slug.as_deref(),
                total: d.total,
                by_field: d.by_field.clone(),
            });
            i += 1;
        }
        let rest_total: usize = rest.iter().sum();
        let mut commune_depth = 1;
        if districts > 0 && rest_total > 0 {
            out.push(PlaceLine {
                kind: "no_district",
                depth: 1,
                name: t.get("charts.no_district"),
                province: &p.name,
                province_slug: &p.province_slug,
                district: None,
                district_slug: None,
                total: rest_total,
                by_field: rest,
            });
            commune_depth = 2;
        }
        for c in st
            .communes
            .iter()
            .filter(|c| c.province_slug == p.province_slug)
        {
            out.push(PlaceLine {
                kind: "commune",
                depth: commune_depth,
                name: c.name.clone(),
                province: &p.name,
                province_slug: &p.province_slug,
                district: None,
                district_slug: None,
                total: c.total,
                by_field: c.by_field.clone(),
            });
        }
    }
    out
}

/// Counts per field as named objects: `[{"field": "Kinh tế", "slug": "kinh-te", "count": 7}]`.
fn field_counts(site: &Site, counts: &[usize]) -> Vec<serde_json::Value> {
    site.config
        .fields
        .iter()
        .zip(counts)
        .map(|(f, n)| json!({"field": f.label, "slug": f.slug, "count": n}))
        .collect()
}

fn to_json(site: &Site, t: &I18n, year: Option<i32>, st: &Stats) -> serde_json::Value {
    json!({
        "site": site.config.title,
        "year": year,
        "total": st.total,
        "exemplary": st.exemplary,
        "fields": field_counts(site, &st.field_totals),
        "years": st.years.iter().map(|y| json!({
            "year": y.year, "total": y.total, "fields": field_counts(site, &y.by_field),
        })).collect::<Vec<_>>(),
        "places": place_lines(t, st).iter().map(|p| json!({
            "kind": p.kind,
            "name": p.name,
            "province": p.province,
            "province_slug": p.province_slug,
            "district": p.district,
            "district_slug": p.district_slug,
            "commune": (p.kind == "commune").then_some(p.name.as_str()),
            "total": p.total,
            "fields": field_counts(site, &p.by_field),
        })).collect::<Vec<_>>(),
        "levels": st.levels.iter().map(|l| json!({"level": l.code, "label": level_label(t, l.code), "count": l.count})).collect::<Vec<_>>(),
        "results": st.results.iter().map(|r| json!({
            "label": r.label, "unit": r.unit, "total": r.total, "models": r.models,
        })).collect::<Vec<_>>(),
    })
}

/// The byte-order mark that makes Excel read a CSV file as UTF-8 (without it, Excel on a
/// Vietnamese Windows garbles every accent).
pub const BOM: &str = "\u{FEFF}";

fn csv(site: &Site, t: &I18n, year: Option<i32>, st: &Stats) -> String {
    let mut w = ::csv::Writer::from_writer(BOM.as_bytes().to_vec());
    let _ = w.write_record([
        "section", "year", "province", "district", "commune", "field", "level", "result", "unit",
        "models", "total",
    ]);
    let y = year.map(|y| y.to_string()).unwrap_or_default();
    let mut row = |r: [&str; 11]| {
        let _ = w.write_record(r);
    };
    let total = st.total.to_string();
    row(["total", &y, "", "", "", "", "", "", "", &total, ""]);
    let exemplary = st.exemplary.to_string();
    row(["exemplary", &y, "", "", "", "", "", "", "", &exemplary, ""]);
    for (f, n) in site.config.fields.iter().zip(&st.field_totals) {
        row([
            "field",
            &y,
            "",
            "",
            "",
            &f.label,
            "",
            "",
            "",
            &n.to_string(),
            "",
        ]);
    }
    for yr in &st.years {
        let year = yr.year.to_string();
        for (f, n) in site.config.fields.iter().zip(&yr.by_field) {
            row([
                "year",
                &year,
                "",
                "",
                "",
                &f.label,
                "",
                "",
                "",
                &n.to_string(),
                "",
            ]);
        }
    }
    for p in place_lines(t, st) {
        let district = match p.kind {
            "district" | "no_district" => p.name.as_str(),
            _ => "",
        };
        let commune = if p.kind == "commune" {
            p.name.as_str()
        } else {
            ""
        };
        for (f, n) in site.config.fields.iter().zip(&p.by_field) {
            row([
                p.kind,
                &y,
                p.province,
                district,
                commune,
                &f.label,
                "",
                "",
                "",
                &n.to_string(),
                "",
            ]);
        }
    }
    for l in &st.levels {
        let label = level_label(t, l.code);
        row([
            "level",
            &y,
            "",
            "",
            "",
            "",
            &label,
            "",
            "",
            &l.count.to_string(),
            "",
        ]);
    }
    for r in &st.results {
        row([
            "result",
            &y,
            "",
            "",
            "",
            "",
            "",
            &r.label,
            &r.unit,
            &r.models.to_string(),
            &number_plain(r.total),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A number without grouping (for CSV): `30638`, `1.5`.
fn number_plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Aligned columns: the first left-aligned, the others right-aligned.
fn text_table(head: &[String], rows: &[Vec<String>]) -> String {
    let n = head.len();
    let mut w = vec![0; n];
    for r in std::iter::once(head).chain(rows.iter().map(|r| r.as_slice())) {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(width(c));
        }
    }
    let line = |r: &[String]| {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(w[i].saturating_sub(width(c)));
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        cells.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(head);
    out.push_str(
        &(w.iter()
            .map(|&x| "-".repeat(x))
            .collect::<Vec<_>>()
            .join("  ")
            + "\n"),
    );
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

fn table(site: &Site, t: &I18n, year: Option<i32>, st: &Stats) -> String {
    let fields: Vec<String> = site.config.fields.iter().map(|f| f.label.clone()).collect();
    let mut out = String::new();
    let title = match year {
        Some(y) => format!(
            "{} – {}",
            site.config.title,
            t.fill("common.year_n", &[("year", &y.to_string())])
        ),
        None => site.config.title.clone(),
    };
    out.push_str(&format!("{title}\n\n"));
    out.push_str(&t.fill(
        "stats.summary",
        &[
            ("n", &format::number(st.total as f64)),
            ("e", &format::number(st.exemplary as f64)),
        ],
    ));
    out.push_str("\n\n");
    let head = |first: String| -> Vec<String> {
        let mut h = vec![first];
        h.extend(fields.iter().cloned());
        h.push(t.get("stats.total"));
        h
    };
    let counts = |label: String, by_field: &[usize], total: usize| -> Vec<String> {
        let mut r = vec![label];
        r.extend(by_field.iter().map(|n| format::number(*n as f64)));
        r.push(format::number(total as f64));
        r
    };
    out.push_str(&format!("{}\n", t.get("stats.by_year")));
    let mut rows: Vec<Vec<String>> = st
        .years
        .iter()
        .map(|y| counts(y.year.to_string(), &y.by_field, y.total))
        .collect();
    rows.push(counts(t.get("stats.all"), &st.field_totals, st.total));
    out.push_str(&text_table(&head(t.get("stats.year")), &rows));
    out.push_str(&format!("\n{}\n", t.get("stats.by_place")));
    let rows: Vec<Vec<String>> = place_lines(t, st)
        .iter()
        .map(|p| {
            counts(
                format!("{}{}", "  ".repeat(p.depth), p.name),
                &p.by_field,
                p.total,
            )
        })
        .collect();
    out.push_str(&text_table(&head(t.get("stats.place")), &rows));
    out.push_str(&format!("\n{}\n", t.get("stats.by_level")));
    let rows: Vec<Vec<String>> = st
        .levels
        .iter()
        .map(|l| vec![level_label(t, l.code), format::number(l.count as f64)])
        .collect();
    out.push_str(&text_table(
        &[t.get("stats.level"), t.get("stats.count")],
        &rows,
    ));
    if !st.results.is_empty() {
        out.push_str(&format!("\n{}\n", t.get("stats.results")));
        let rows: Vec<Vec<String>> = st
            .results
            .iter()
            .map(|r| {
                vec![
                    r.label.clone(),
                    format::number(r.total),
                    r.unit.clone(),
                    format::number(r.models as f64),
                ]
            })
            .collect();
        out.push_str(&text_table(
            &[
                t.get("stats.result_label"),
                t.get("stats.result_total"),
                t.get("stats.result_unit"),
                t.get("stats.result_models"),
            ],
            &rows,
        ));
    }
    out
}

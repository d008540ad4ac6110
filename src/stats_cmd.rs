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
    /// One CSV table in long form: `section,year,province,district,field,level,result,unit,models,total`.
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

fn to_json(site: &Site, t: &I18n, year: Option<i32>, st: &Stats) -> serde_json::Value {
    let fields: Vec<_> = site
        .config
        .fields
        .iter()
        .map(|f| json!({"slug": f.slug, "label": f.label}))
        .collect();
    json!({
        "year": year,
        "total": st.total,
        "exemplary": st.exemplary,
        "fields": fields,
        "field_totals": st.field_totals,
        "years": st.years,
        "places": st.places.iter().map(|p| json!({
            "name": p.name, "province_slug": p.province_slug, "district_slug": p.district_slug,
            "depth": p.depth, "total": p.total, "by_field": p.by_field,
        })).collect::<Vec<_>>(),
        "levels": st.levels.iter().map(|l| json!({"code": l.code, "label": level_label(t, l.code), "count": l.count})).collect::<Vec<_>>(),
        "results": st.results,
    })
}

fn csv(site: &Site, t: &I18n, year: Option<i32>, st: &Stats) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "section", "year", "province", "district", "field", "level", "result", "unit", "models",
        "total",
    ]);
    let y = year.map(|y| y.to_string()).unwrap_or_default();
    let mut row = |r: [&str; 10]| {
        let _ = w.write_record(r);
    };
    row([
        "total",
        &y,
        "",
        "",
        "",
        "",
        "",
        "",
        &st.total.to_string(),
        "",
    ]);
    row([
        "exemplary",
        &y,
        "",
        "",
        "",
        "",
        "",
        "",
        &st.exemplary.to_string(),
        "",
    ]);
    for (f, n) in site.config.fields.iter().zip(&st.field_totals) {
        row([
            "field",
            &y,
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
        for (f, n) in site.config.fields.iter().zip(&yr.by_field) {
            row([
                "year",
                &yr.year.to_string(),
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
    let mut province = String::new();
    for p in &st.places {
        let (prov, dist) = if p.depth == 0 {
            province = p.name.clone();
            (p.name.as_str(), "")
        } else {
            (province.as_str(), p.name.as_str())
        };
        for (f, n) in site.config.fields.iter().zip(&p.by_field) {
            row([
                if p.depth == 0 { "province" } else { "district" },
                &y,
                prov,
                dist,
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
        row([
            "level",
            &y,
            "",
            "",
            "",
            &level_label(t, l.code),
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
    let rows: Vec<Vec<String>> = st
        .places
        .iter()
        .map(|p| {
            counts(
                format!("{}{}", "  ".repeat(p.depth as usize), p.name),
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

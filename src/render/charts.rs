//! Statistics as SVG charts drawn at build time (no JavaScript), each with the same numbers
//! as a table beside it and a CSV file to download.
//!
//! Every chart is built from [`Stats`] (the numbers of `dvk stats`): models per year stacked
//! by field, per field, per province or district, per recognition level, and results summed.
//! The SVG is a labelled image (`role="img"`, `aria-labelledby` its `<title>` and `<desc>`),
//! drawn only from escaped text. Fields differ by colour (each at least 4.5:1 against white)
//! *and* by pattern, with a legend and the numbers written on the bars, so colour is never
//! the only cue. Bars are horizontal with their labels above or beside them, so a chart
//! stays readable on a 360 px phone.

use super::format;
use super::views::Urls;
use super::I18n;
use crate::content::markdown::html_escape;
use crate::site::stats::Stats;
use crate::site::Site;
use serde::Serialize;
use std::fmt::Write as _;

mod communes;
mod svg;
use svg::*;

/// Fill colours of the series (fields), in site.yaml order; cycled with another pattern
/// after the sixth. Each has at least 4.5:1 contrast against white (checked in a test).
pub const PALETTE: [&str; 6] = [
    "#a50e0e", "#1d5a96", "#2b6a2f", "#7a4b00", "#5d3b8e", "#00666b",
];

/// Width of every chart in SVG units (≈ CSS px on a phone).
const W: f64 = 340.0;
/// Estimated advance of one character at the chart's 14-unit font (Vietnamese, mixed case),
/// generous for wide system fonts (Noto Sans, Roboto).
const CHAR_W: f64 = 7.9;
/// The same in bold (values at the bars' ends).
const BOLD_W: f64 = 8.8;
/// Most bars drawn in a places chart; the table beside lists them all.
const MAX_PLACES: usize = 20;
/// Most bars drawn in a results chart; the table beside lists them all.
const MAX_RESULTS: usize = 10;
/// Most bars of one unit in a results chart.
const PER_UNIT: usize = 3;

/// Which models a set of charts describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole site (`/thong-ke/`).
    Site,
    /// One year (its listing and its report).
    Year(i32),
    /// One province (index into `site.provinces`).
    Province(usize),
    /// One district (index into `site.districts`).
    District(usize),
    /// One field (index into `site.config.fields`).
    Field(usize),
}

/// What a chart shows (also its id on the page and its CSV file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Models per year, stacked by field.
    ByYear,
    /// Models per field.
    ByField,
    /// Models per province (or per district on a province's page), stacked by field.
    ByPlace,
    /// Models per commune after the reform (1 July 2025), under today's provinces.
    ByCommune,
    /// Models per recognition level.
    ByLevel,
    /// Results summed, grouped by unit.
    Results,
}

impl ChartKind {
    /// Element id on the page.
    pub fn id(self) -> &'static str {
        match self {
            ChartKind::ByYear => "bd-nam",
            ChartKind::ByField => "bd-linh-vuc",
            ChartKind::ByPlace => "bd-dia-ban",
            ChartKind::ByCommune => "bd-xa",
            ChartKind::ByLevel => "bd-cap",
            ChartKind::Results => "bd-ket-qua",
        }
    }

    /// The CSV's file name (without `.csv`).
    pub fn slug(self) -> &'static str {
        match self {
            ChartKind::ByYear => "mo-hinh-theo-nam",
            ChartKind::ByField => "mo-hinh-theo-linh-vuc",
            ChartKind::ByPlace => "mo-hinh-theo-dia-ban",
            ChartKind::ByCommune => "mo-hinh-theo-xa",
            ChartKind::ByLevel => "mo-hinh-theo-cap",
            ChartKind::Results => "ket-qua",
        }
    }
}

/// A cell of a chart's table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cell {
    /// As shown (`30.638`).
    pub display: String,
    /// As written to the CSV (`30638`).
    #[serde(skip)]
    pub raw: String,
    /// Right-aligned number.
    pub num: bool,
}

/// A row of a chart's table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    /// Row header.
    pub label: String,
    /// Link of the row header.
    pub url: Option<String>,
    /// 0, or 1 for a district under its province.
    pub depth: u8,
    /// Data cells, in column order.
    pub cells: Vec<Cell>,
    /// The province of a district row (for the CSV).
    #[serde(skip)]
    pub parent: Option<String>,
}

/// A column head.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Head {
    /// Text.
    pub label: String,
    /// Numbers below.
    pub num: bool,
}

/// The table beside a chart: the same numbers, readable by everyone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Table {
    /// `<caption>`.
    pub caption: String,
    /// Column heads, the row-header column first.
    pub head: Vec<Head>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Total row, when the rows add up.
    pub foot: Option<Row>,
}

/// One bar (or stack of bars) as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Label above or beside the bar.
    pub label: String,
    /// One value per series (one series: a plain bar).
    pub values: Vec<f64>,
    /// Text at the end of the bar.
    pub value_display: String,
}

/// Bars that share a scale, with an optional heading (a unit of results).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Heading drawn above the group.
    pub heading: Option<String>,
    /// Bars.
    pub bars: Vec<Bar>,
}

/// A series (a field) with its colour index.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Index into the palette and patterns (the field's index in site.yaml).
    pub style: usize,
}

/// A chart with its table and CSV.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// What it shows.
    pub kind: ChartKind,
    /// Element id (`bd-nam`).
    pub id: String,
    /// Heading and the SVG's `<title>`.
    pub title: String,
    /// The SVG's `<desc>`: what the chart shows and its largest value.
    pub desc: String,
    /// A sentence shown under the chart when it shows fewer bars than the table has rows.
    pub note: Option<String>,
    /// The SVG markup, built from escaped text only (safe to insert unescaped); empty when
    /// there is nothing to draw.
    pub svg: String,
    /// The table beside.
    pub table: Table,
    /// Root-relative URL of the CSV.
    pub csv_url: String,
    /// Output path of the CSV, relative to the site root.
    #[serde(skip)]
    pub csv_path: String,
    /// The drawn series and bars (what the tests compare with [`Stats`]).
    #[serde(skip)]
    pub series: Vec<Series>,
    /// The drawn bars.
    #[serde(skip)]
    pub groups: Vec<Group>,
}

/// How bars are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// One bar per row, each split into the series (fields), with a legend.
    Stacked,
    /// One bar per row, each in the style of its own series (the legend would repeat the labels).
    Coloured,
    /// Plain bars.
    Plain,
}

impl Chart {
    /// The CSV: UTF-8 with a byte-order mark (so spreadsheet programs show Vietnamese
    /// letters), the table's heads, then one line per row with plain numbers. A places CSV
    /// has two name columns: the province, and the district (empty on a province's row).
    pub fn csv(&self, t: &I18n) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let places = matches!(self.kind, ChartKind::ByPlace | ChartKind::ByCommune);
        let mut head: Vec<String> = self.table.head.iter().map(|h| h.label.clone()).collect();
        if self.kind == ChartKind::ByPlace {
            head[0] = t.get("charts.district");
        }
        if places {
            head.insert(0, t.get("charts.csv_province"));
        }
        let _ = w.write_record(&head);
        for r in &self.table.rows {
            let mut rec: Vec<String> = Vec::with_capacity(r.cells.len() + 2);
            match (&r.parent, places) {
                (Some(p), true) => rec.extend([p.clone(), r.label.clone()]),
                (None, true) => rec.extend([r.label.clone(), String::new()]),
                _ => rec.push(r.label.clone()),
            }
            rec.extend(r.cells.iter().map(|c| c.raw.clone()));
            let _ = w.write_record(&rec);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// The charts of `scope`, whose numbers are `st` (from [`crate::site::stats::compute`] on the
/// scope's models). `dir` is the page's path (`thong-ke/`, `nam/2024/`): the CSVs go there.
/// Charts with fewer than two bars are left out.
pub fn build(
    site: &Site,
    urls: &Urls,
    t: &I18n,
    st: &Stats,
    scope: Scope,
    dir: &str,
) -> Vec<Chart> {
    if st.total == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let with_years = st.years.len() >= 2 && !matches!(scope, Scope::Year(_));
    if with_years {
        out.push(by_year(site, urls, t, st, dir));
    }
    if !matches!(scope, Scope::Field(_)) && (!with_years || scope == Scope::Site) {
        out.push(by_field(site, urls, t, st, dir));
    }
    if !matches!(scope, Scope::District(_)) {
        if let Some(c) = by_place(site, urls, t, st, dir) {
            out.push(c);
        }
    }
    if matches!(scope, Scope::Site | Scope::Year(_) | Scope::Province(_)) {
        if let Some(c) = communes::by_commune(site, urls, t, st, dir) {
            out.push(c);
        }
    }
    if st.levels.iter().any(|l| l.code.is_some() && l.count > 0) {
        out.push(by_level(t, st, dir, urls));
    }
    if !st.results.is_empty() {
        out.push(results(t, st, dir, urls));
    }
    out
}

fn num_cell(v: usize) -> Cell {
    Cell {
        display: format::number(v as f64),
        raw: v.to_string(),
        num: true,
    }
}

/// Series (fields) with at least one model in `totals`.
fn field_series(site: &Site, totals: &[usize]) -> Vec<(usize, Series)> {
    site.config
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| totals.get(*i).copied().unwrap_or(0) > 0)
        .map(|(i, f)| {
            (
                i,
                Series {
                    label: f.label.clone(),
                    style: i,
                },
            )
        })
        .collect()
}

/// "The N places with most models, of M": the note of a places chart cut at [`MAX_PLACES`].
fn places_note(t: &I18n, all: usize) -> Option<String> {
    (all > MAX_PLACES).then(|| {
        t.fill(
            "charts.places_top",
            &[("n", &MAX_PLACES.to_string()), ("total", &all.to_string())],
        )
    })
}

/// The "all" row at the foot of a table.
fn total_row(t: &I18n, cells: Vec<Cell>) -> Row {
    Row {
        label: t.get("stats.all"),
        url: None,
        depth: 0,
        cells,
        parent: None,
    }
}

/// Column heads for a table of counts per field: the fields present, then the total
/// (just the count when one field is present).
fn field_heads(first: String, series: &[(usize, Series)], t: &I18n) -> Vec<Head> {
    let mut head = vec![Head {
        label: first,
        num: false,
    }];
    if series.len() > 1 {
        head.extend(series.iter().map(|(_, s)| Head {
            label: s.label.clone(),
            num: true,
        }));
        head.push(Head {
            label: t.get("stats.total"),
            num: true,
        });
    } else {
        head.push(Head {
            label: t.get("stats.count"),
            num: true,
        });
    }
    head
}

fn field_cells(by_field: &[usize], total: usize, series: &[(usize, Series)]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    if series.len() > 1 {
        cells.extend(series.iter().map(|(i, _)| num_cell(by_field[*i])));
    }
    cells.push(num_cell(total));
    cells
}

fn stacked_bar(
    label: &str,
    by_field: &[usize],
    total: usize,
    series: &[(usize, Series)],
    t: &I18n,
) -> Bar {
    Bar {
        label: label.to_string(),
        values: series.iter().map(|(i, _)| by_field[*i] as f64).collect(),
        value_display: t.fill("common.models_n", &[("n", &format::number(total as f64))]),
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(
    kind: ChartKind,
    style: Style,
    title: String,
    series: Vec<Series>,
    groups: Vec<Group>,
    table: Table,
    note: Option<String>,
    t: &I18n,
    dir: &str,
    urls: &Urls,
) -> Chart {
    let id = kind.id().to_string();
    let style = if style == Style::Stacked && series.len() < 2 {
        Style::Plain
    } else {
        style
    };
    let desc = describe(t, style, &groups);
    // Nothing to draw (only percentages among the results): the table alone.
    let svg = if groups.iter().all(|g| g.bars.is_empty()) {
        String::new()
    } else {
        svg(&id, &title, &desc, style, &series, &groups)
    };
    let csv_path = format!("{dir}{}.csv", kind.slug());
    Chart {
        kind,
        csv_url: urls.url(&csv_path),
        csv_path,
        id,
        title,
        desc,
        note,
        svg,
        table,
        series,
        groups,
    }
}

/// Models per year, stacked by field; newest year first, as in the table.
fn by_year(site: &Site, urls: &Urls, t: &I18n, st: &Stats, dir: &str) -> Chart {
    let series = field_series(site, &st.field_totals);
    let bars = st
        .years
        .iter()
        .map(|y| stacked_bar(&y.year.to_string(), &y.by_field, y.total, &series, t))
        .collect();
    let rows = st
        .years
        .iter()
        .map(|y| Row {
            label: y.year.to_string(),
            url: Some(urls.year(y.year)),
            depth: 0,
            cells: field_cells(&y.by_field, y.total, &series),
            parent: None,
        })
        .collect();
    let foot = Row {
        label: t.get("stats.all"),
        url: None,
        depth: 0,
        cells: field_cells(&st.field_totals, st.total, &series),
        parent: None,
    };
    let table = Table {
        caption: t.get("charts.by_year_caption"),
        head: field_heads(t.get("stats.year"), &series, t),
        rows,
        foot: Some(foot),
    };
    let groups = vec![Group {
        heading: None,
        bars,
    }];
    finish(
        ChartKind::ByYear,
        Style::Stacked,
        t.get("charts.by_year"),
        series.into_iter().map(|(_, s)| s).collect(),
        groups,
        table,
        None,
        t,
        dir,
        urls,
    )
}

/// Models per field, each bar in its field's colour and pattern.
fn by_field(site: &Site, urls: &Urls, t: &I18n, st: &Stats, dir: &str) -> Chart {
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    for (i, f) in site.config.fields.iter().enumerate() {
        let n = st.field_totals[i];
        let mut values = vec![0.0; site.config.fields.len()];
        values[i] = n as f64;
        bars.push(Bar {
            label: f.label.clone(),
            values,
            value_display: t.fill("common.models_n", &[("n", &format::number(n as f64))]),
        });
        rows.push(Row {
            label: f.label.clone(),
            url: Some(urls.url(&crate::routes::field(&f.slug))),
            depth: 0,
            cells: vec![num_cell(n)],
            parent: None,
        });
    }
    let series = site
        .config
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| Series {
            label: f.label.clone(),
            style: i,
        })
        .collect();
    let foot = Row {
        label: t.get("stats.all"),
        url: None,
        depth: 0,
        cells: vec![num_cell(st.total)],
        parent: None,
    };
    let table = Table {
        caption: t.get("charts.by_field_caption"),
        head: vec![
            Head {
                label: t.get("common.field"),
                num: false,
            },
            Head {
                label: t.get("stats.count"),
                num: true,
            },
        ],
        rows,
        foot: Some(foot),
    };
    let groups = vec![Group {
        heading: None,
        bars,
    }];
    finish(
        ChartKind::ByField,
        Style::Coloured,
        t.get("charts.by_field"),
        series,
        groups,
        table,
        None,
        t,
        dir,
        urls,
    )
}

/// Models per province (or, when all are in one province, per district plus the models of
/// no district), stacked by field. The table also lists each province's districts.
fn by_place(site: &Site, urls: &Urls, t: &I18n, st: &Stats, dir: &str) -> Option<Chart> {
    let series = field_series(site, &st.field_totals);
    let place_url = |p: &crate::site::stats::PlaceRow| {
        urls.url(&match &p.district_slug {
            Some(d) => crate::routes::district(&p.province_slug, d),
            None => crate::routes::province(&p.province_slug),
        })
    };
    let mut drawn: Vec<(String, Vec<usize>, usize)> = Vec::new();
    let mut rows = Vec::new();
    // One province (its page, or a year or field of one province): its districts.
    let one_province = st.places.iter().filter(|p| p.depth == 0).count() == 1;
    let (title, caption, first_head) = if one_province {
        let province = st.places.iter().find(|p| p.depth == 0)?;
        let mut rest = province.by_field.clone();
        for d in st.places.iter().filter(|p| p.depth == 1) {
            for (r, v) in rest.iter_mut().zip(&d.by_field) {
                *r -= v;
            }
            drawn.push((d.name.clone(), d.by_field.clone(), d.total));
            rows.push(Row {
                label: d.name.clone(),
                url: Some(place_url(d)),
                depth: 0,
                cells: field_cells(&d.by_field, d.total, &series),
                parent: Some(province.name.clone()),
            });
        }
        let rest_total: usize = rest.iter().sum();
        if rest_total > 0 {
            let label = t.get("charts.no_district");
            rows.push(Row {
                label: label.clone(),
                url: None,
                depth: 0,
                cells: field_cells(&rest, rest_total, &series),
                parent: Some(province.name.clone()),
            });
            drawn.push((label, rest, rest_total));
        }
        (
            t.get("charts.by_district"),
            t.get("charts.by_district_caption"),
            t.get("charts.district"),
        )
    } else {
        let mut province = String::new();
        for p in &st.places {
            if p.depth == 0 {
                province = p.name.clone();
                drawn.push((p.name.clone(), p.by_field.clone(), p.total));
            }
            rows.push(Row {
                label: p.name.clone(),
                url: Some(place_url(p)),
                depth: p.depth,
                cells: field_cells(&p.by_field, p.total, &series),
                parent: (p.depth == 1).then(|| province.clone()),
            });
        }
        (
            t.get("charts.by_place"),
            t.get("charts.by_place_caption"),
            t.get("stats.place"),
        )
    };
    if drawn.len() < 2 {
        return None;
    }
    let all = drawn.len();
    // The busiest places when there are many (stable: ties keep the alphabetical order).
    let mut order: Vec<usize> = (0..drawn.len()).collect();
    order.sort_by(|&a, &b| drawn[b].2.cmp(&drawn[a].2).then(a.cmp(&b)));
    order.truncate(MAX_PLACES);
    order.sort_unstable();
    let bars = order
        .iter()
        .map(|&i| stacked_bar(&drawn[i].0, &drawn[i].1, drawn[i].2, &series, t))
        .collect();
    let note = places_note(t, all);
    let foot = total_row(t, field_cells(&st.field_totals, st.total, &series));
    let table = Table {
        caption,
        head: field_heads(first_head, &series, t),
        rows,
        foot: Some(foot),
    };
    let groups = vec![Group {
        heading: None,
        bars,
    }];
    Some(finish(
        ChartKind::ByPlace,
        Style::Stacked,
        title,
        series.into_iter().map(|(_, s)| s).collect(),
        groups,
        table,
        note,
        t,
        dir,
        urls,
    ))
}

/// Models per recognition level (and "not given" when some models lack one).
fn by_level(t: &I18n, st: &Stats, dir: &str, urls: &Urls) -> Chart {
    let label = |code: Option<&str>| t.get(&format!("level.{}", code.unwrap_or("none")));
    let bars = st
        .levels
        .iter()
        .map(|l| Bar {
            label: label(l.code),
            values: vec![l.count as f64],
            value_display: t.fill("common.models_n", &[("n", &format::number(l.count as f64))]),
        })
        .collect();
    let rows = st
        .levels
        .iter()
        .map(|l| Row {
            label: label(l.code),
            url: None,
            depth: 0,
            cells: vec![num_cell(l.count)],
            parent: None,
        })
        .collect();
    let foot = Row {
        label: t.get("stats.all"),
        url: None,
        depth: 0,
        cells: vec![num_cell(st.total)],
        parent: None,
    };
    let table = Table {
        caption: t.get("charts.by_level_caption"),
        head: vec![
            Head {
                label: t.get("stats.level"),
                num: false,
            },
            Head {
                label: t.get("stats.count"),
                num: true,
            },
        ],
        rows,
        foot: Some(foot),
    };
    let series = vec![Series {
        label: t.get("stats.count"),
        style: 0,
    }];
    let groups = vec![Group {
        heading: None,
        bars,
    }];
    finish(
        ChartKind::ByLevel,
        Style::Plain,
        t.get("charts.by_level"),
        series,
        groups,
        table,
        None,
        t,
        dir,
        urls,
    )
}

/// A value the short Vietnamese way for a bar's end: `72 tỷ`, `1,5 triệu`, `30.638`.
pub fn compact(value: f64, t: &I18n) -> String {
    let a = value.abs();
    let (scaled, word) = if a >= 1e9 {
        (value / 1e9, Some("charts.billion"))
    } else if a >= 1e6 {
        (value / 1e6, Some("charts.million"))
    } else {
        (value, None)
    };
    match word {
        Some(w) => {
            let rounded = if scaled.abs() >= 100.0 {
                scaled.round()
            } else {
                (scaled * 10.0).round() / 10.0
            };
            format!("{} {}", format::number(rounded), t.get(w))
        }
        None => format::number(value),
    }
}

/// Results summed, grouped by unit (each unit its own scale): the units most models report
/// on first, in each at most [`PER_UNIT`] results (reported by most models, then largest).
fn results(t: &I18n, st: &Stats, dir: &str, urls: &Urls) -> Chart {
    let mut units: Vec<(&str, usize, Vec<usize>)> = Vec::new();
    // Percentages do not add up: the table lists them, the chart does not draw their sums.
    for (i, r) in st
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.unit.trim() != "%")
    {
        match units.iter_mut().find(|u| u.0 == r.unit) {
            Some(u) => {
                u.1 += r.models;
                u.2.push(i);
            }
            None => units.push((&r.unit, r.models, vec![i])),
        }
    }
    units.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.len().cmp(&a.2.len())));
    let mut groups: Vec<Group> = Vec::new();
    let mut drawn = 0;
    for (unit, _, mut items) in units {
        if drawn >= MAX_RESULTS {
            break;
        }
        items.sort_by(|&a, &b| {
            let (x, y) = (&st.results[a], &st.results[b]);
            y.models.cmp(&x.models).then(
                y.total
                    .partial_cmp(&x.total)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
        });
        items.truncate(PER_UNIT.min(MAX_RESULTS - drawn));
        drawn += items.len();
        // Drawn largest first.
        items.sort_by(|&a, &b| {
            st.results[b]
                .total
                .partial_cmp(&st.results[a].total)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let bars = items
            .iter()
            .map(|&i| {
                let r = &st.results[i];
                Bar {
                    label: r.label.clone(),
                    values: vec![r.total],
                    value_display: format!("{} {}", compact(r.total, t), r.unit)
                        .trim_end()
                        .to_string(),
                }
            })
            .collect();
        let heading = if unit.is_empty() {
            t.get("charts.no_unit")
        } else {
            t.fill("charts.unit", &[("unit", unit)])
        };
        groups.push(Group {
            heading: Some(heading),
            bars,
        });
    }
    let rows = st
        .results
        .iter()
        .map(|r| Row {
            label: r.label.clone(),
            url: None,
            depth: 0,
            cells: vec![
                Cell {
                    display: format::number(r.total),
                    raw: raw_number(r.total),
                    num: true,
                },
                Cell {
                    display: r.unit.clone(),
                    raw: r.unit.clone(),
                    num: false,
                },
                num_cell(r.models),
            ],
            parent: None,
        })
        .collect();
    let table = Table {
        caption: t.get("charts.results_caption"),
        head: vec![
            Head {
                label: t.get("stats.result_label"),
                num: false,
            },
            Head {
                label: t.get("stats.result_total"),
                num: true,
            },
            Head {
                label: t.get("stats.result_unit"),
                num: false,
            },
            Head {
                label: t.get("stats.result_models"),
                num: true,
            },
        ],
        rows,
        foot: None,
    };
    let note = (drawn < st.results.len()).then(|| {
        t.fill(
            "charts.results_top",
            &[
                ("n", &drawn.to_string()),
                ("total", &st.results.len().to_string()),
            ],
        )
    });
    let series = vec![Series {
        label: t.get("stats.result_total"),
        style: 0,
    }];
    finish(
        ChartKind::Results,
        Style::Plain,
        t.get("charts.results"),
        series,
        groups,
        table,
        note,
        t,
        dir,
        urls,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let c = |i: usize| {
            let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    }

    #[test]
    fn palette_contrasts_with_white_and_white_text() {
        for c in PALETTE {
            let ratio = 1.05 / (luminance(c) + 0.05);
            assert!(ratio >= 4.5, "{c} has contrast {ratio:.2} with white");
        }
    }

    #[test]
    fn labels_are_cut_with_an_ellipsis() {
        assert_eq!(fit("Lâm Hà", 100.0), "Lâm Hà");
        let long = "Xây dựng hệ thống chính trị ở cơ sở vững mạnh toàn diện";
        let cut = fit(long, 100.0);
        assert!(cut.ends_with('…') && text_w(&cut) <= 100.0, "{cut}");
    }

    #[test]
    fn svg_text_is_escaped_and_labelled() {
        let series = vec![
            Series {
                label: "<b>A & B</b>".into(),
                style: 0,
            },
            Series {
                label: "\"C\"".into(),
                style: 1,
            },
        ];
        let groups = vec![Group {
            heading: None,
            bars: vec![
                Bar {
                    label: "<script>".into(),
                    values: vec![3.0, 4.0],
                    value_display: "7 <i>".into(),
                },
                Bar {
                    label: "x".into(),
                    values: vec![0.0, 1.0],
                    value_display: "1".into(),
                },
            ],
        }];
        let svg = svg("bd-x", "T <t>", "D & d", Style::Stacked, &series, &groups);
        assert!(
            !svg.contains("<b>")
                && !svg.contains("<script>")
                && !svg.contains("<i>")
                && !svg.contains("<t>"),
            "{svg}"
        );
        assert!(svg.contains("&lt;b&gt;A &amp; B&lt;/b&gt;") && svg.contains("&quot;C&quot;"));
        assert!(svg.starts_with(
            "<svg class=\"chart\" id=\"bd-x\" role=\"img\" aria-labelledby=\"bd-x-t bd-x-d\""
        ));
        assert!(svg.contains(
            "<title id=\"bd-x-t\">T &lt;t&gt;</title><desc id=\"bd-x-d\">D &amp; d</desc>"
        ));
        // The second series is drawn with its pattern, defined once.
        assert_eq!(svg.matches("<pattern id=\"bd-x-p1\"").count(), 1);
        assert!(svg.contains("fill=\"url(#bd-x-p1)\""));
    }

    #[test]
    fn big_values_are_short() {
        let t = I18n::new(serde_json::json!({"charts": {"million": "triệu", "billion": "tỷ"}}));
        assert_eq!(compact(72_000_000_000.0, &t), "72 tỷ");
        assert_eq!(compact(1_550_000_000.0, &t), "1,6 tỷ");
        assert_eq!(compact(632_000_000.0, &t), "632 triệu");
        assert_eq!(compact(87_300_000.0, &t), "87,3 triệu");
        assert_eq!(compact(30_638.0, &t), "30.638");
        assert_eq!(compact(2.5, &t), "2,5");
    }

    #[test]
    fn raw_numbers_have_no_separators() {
        assert_eq!(raw_number(72_000_000_000.0), "72000000000");
        assert_eq!(raw_number(75.6), "75.6");
        assert_eq!(r1(12.345), "12.3");
        assert_eq!(r1(12.0), "12");
    }
}

//! Readers' experience.
//!
//! 1. `chart_numbers_equal_the_statistics` (pure Rust): every chart's CSV, bars and SVG on the
//!    statistics page and on each year, province, district and field page hold the same numbers
//!    as `site::stats::compute` on that page's models, recomputed here independently of the chart
//!    code; and the statistics page's and each year's CSVs equal `dvk stats --format json
//!    [--year Y]` (when the command exists).
//! 2. `pages_in_headless_chromium`: tests/browser/a11y.mjs (axe-core at WCAG 2.1 AA on every page
//!    type, keyboard, 360 px layout and tap targets, byte budgets, screenshots into
//!    target/screenshots/) and tests/browser/print.mjs (the yearly report printed to PDF).
//!    Skipped, with a message, only when Node.js or Chromium is missing.

use dvk::render::charts::{self, ChartKind, Scope};
use dvk::render::{I18n, MemorySink};
use dvk::site::{stats, Site};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load() -> (Site, HashMap<String, Vec<u8>>) {
    let root = root();
    let (site, diags) = dvk::load_site(&root, false, None);
    assert!(
        !diags.iter().any(|d| d.is_error()),
        "the sample site has errors: {diags:?}"
    );
    let sink = MemorySink::default();
    let (_, diags) = dvk::render_into(&root, &site, &sink);
    assert!(
        !diags.iter().any(|d| d.is_error()),
        "rendering failed: {diags:?}"
    );
    let files = sink.0.into_inner().unwrap();
    (site, files)
}

/// A CSV file as rows of strings (byte-order mark removed).
fn csv_rows(files: &HashMap<String, Vec<u8>>, path: &str) -> Vec<Vec<String>> {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("{path} was not written"));
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{path} lacks the UTF-8 byte-order mark"
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

fn n(v: usize) -> String {
    v.to_string()
}

/// The counts columns of a row: one per field present in the subset, then the total
/// (only the total when a single field is present).
fn counts(by_field: &[usize], total: usize, present: &[usize]) -> Vec<String> {
    let mut v: Vec<String> = if present.len() > 1 {
        present.iter().map(|&f| n(by_field[f])).collect()
    } else {
        vec![]
    };
    v.push(n(total));
    v
}

/// Checks the CSVs in `dir` against the statistics of `subset`; returns how many it checked.
fn check_dir(
    site: &Site,
    files: &HashMap<String, Vec<u8>>,
    dir: &str,
    subset: &[usize],
    scope: Scope,
) -> usize {
    let st = stats::compute(site, subset);
    let present: Vec<usize> = (0..site.config.fields.len())
        .filter(|&f| st.field_totals[f] > 0)
        .collect();
    let mut checked = 0;
    let path = |name: &str| format!("{dir}{name}.csv");

    // Per year, stacked by field.
    if files.contains_key(&path("mo-hinh-theo-nam")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-nam"));
        let fields: Vec<&str> = rows[0][1..rows[0].len() - usize::from(present.len() > 1)]
            .iter()
            .map(String::as_str)
            .collect();
        if present.len() > 1 {
            let want: Vec<&str> = present
                .iter()
                .map(|&f| site.config.fields[f].label.as_str())
                .collect();
            assert_eq!(fields, want, "{dir}: field columns");
        }
        let want: Vec<Vec<String>> = st
            .years
            .iter()
            .map(|y| {
                [
                    vec![n(y.year as usize)],
                    counts(&y.by_field, y.total, &present),
                ]
                .concat()
            })
            .collect();
        assert_eq!(rows[1..].to_vec(), want, "{dir}mo-hinh-theo-nam.csv");
        checked += 1;
    } else {
        assert!(
            st.years.len() < 2 || matches!(scope, Scope::Year(_)),
            "{dir}: no per-year chart for {} years",
            st.years.len()
        );
    }

    // Per field.
    if files.contains_key(&path("mo-hinh-theo-linh-vuc")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-linh-vuc"));
        let want: Vec<Vec<String>> = site
            .config
            .fields
            .iter()
            .enumerate()
            .map(|(f, fd)| vec![fd.label.clone(), n(st.field_totals[f])])
            .collect();
        assert_eq!(rows[1..].to_vec(), want, "{dir}mo-hinh-theo-linh-vuc.csv");
        checked += 1;
    }

    // Per place.
    if files.contains_key(&path("mo-hinh-theo-dia-ban")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-dia-ban"));
        let provinces: Vec<_> = st.places.iter().filter(|p| p.depth == 0).collect();
        if provinces.len() == 1 {
            // Districts of the one province, then the models of no district.
            let p = provinces[0];
            let districts: Vec<_> = st.places.iter().filter(|p| p.depth == 1).collect();
            for (row, d) in rows[1..].iter().zip(&districts) {
                assert_eq!(
                    row[..2],
                    [p.name.clone(), d.name.clone()],
                    "{dir}: district row"
                );
                assert_eq!(
                    row[2..].to_vec(),
                    counts(&d.by_field, d.total, &present),
                    "{dir}: {}",
                    d.name
                );
            }
            let mut sums = vec![0usize; site.config.fields.len() + 1];
            for row in &rows[1..] {
                let nums: Vec<usize> = row[2..].iter().map(|x| x.parse().unwrap()).collect();
                for (s, v) in sums.iter_mut().zip(&nums) {
                    *s += v;
                }
            }
            let total_col = counts(&p.by_field, p.total, &present);
            assert_eq!(
                sums[..total_col.len()]
                    .iter()
                    .map(|&v| n(v))
                    .collect::<Vec<_>>(),
                total_col,
                "{dir}: districts add up to the province"
            );
            assert!(
                rows.len() - 1 == districts.len() || rows.len() - 1 == districts.len() + 1,
                "{dir}: one row per district (+ no district)"
            );
        } else {
            let mut province = String::new();
            let want: Vec<Vec<String>> = st
                .places
                .iter()
                .map(|p| {
                    let names = if p.depth == 0 {
                        province = p.name.clone();
                        vec![p.name.clone(), String::new()]
                    } else {
                        vec![province.clone(), p.name.clone()]
                    };
                    [names, counts(&p.by_field, p.total, &present)].concat()
                })
                .collect();
            assert_eq!(rows[1..].to_vec(), want, "{dir}mo-hinh-theo-dia-ban.csv");
        }
        checked += 1;
    }

    // Per level.
    if files.contains_key(&path("mo-hinh-theo-cap")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-cap"));
        let want: Vec<String> = st.levels.iter().map(|l| n(l.count)).collect();
        assert_eq!(
            rows[1..].iter().map(|r| r[1].clone()).collect::<Vec<_>>(),
            want,
            "{dir}mo-hinh-theo-cap.csv"
        );
        checked += 1;
    }

    // Results summed.
    if files.contains_key(&path("ket-qua")) {
        let rows = csv_rows(files, &path("ket-qua"));
        assert_eq!(
            rows.len() - 1,
            st.results.len(),
            "{dir}ket-qua.csv: one row per result"
        );
        for (row, r) in rows[1..].iter().zip(&st.results) {
            assert_eq!(row[0], r.label);
            let v: f64 = row[1].parse().unwrap();
            assert!(
                (v - r.total).abs() < 0.006,
                "{dir}: {} = {v}, want {}",
                r.label,
                r.total
            );
            assert_eq!(row[2], r.unit);
            assert_eq!(row[3], n(r.models));
        }
        checked += 1;
    } else {
        assert!(st.results.is_empty(), "{dir}: results but no results chart");
    }
    checked
}

#[test]
fn chart_numbers_equal_the_statistics() {
    let (site, files) = load();
    let all: Vec<usize> = (0..site.models.len()).collect();
    let mut checked = check_dir(&site, &files, "thong-ke/", &all, Scope::Site);
    assert_eq!(checked, 5, "the statistics page has five charts");
    for (y, ms) in &site.by_year {
        checked += check_dir(&site, &files, &format!("nam/{y}/"), ms, Scope::Year(*y));
    }
    for (i, p) in site.provinces.iter().enumerate() {
        checked += check_dir(
            &site,
            &files,
            &format!("dia-ban/{}/", p.slug),
            &p.models,
            Scope::Province(i),
        );
    }
    for (i, d) in site.districts.iter().enumerate() {
        let dir = format!("dia-ban/{}/{}/", site.provinces[d.province].slug, d.slug);
        checked += check_dir(&site, &files, &dir, &d.models, Scope::District(i));
    }
    for (i, f) in site.config.fields.iter().enumerate() {
        checked += check_dir(
            &site,
            &files,
            &format!("linh-vuc/{}/", f.slug),
            &site.by_field[i],
            Scope::Field(i),
        );
    }
    println!("{checked} chart CSVs equal site::stats::compute");

    // The drawn bars and the SVG text: the per-year chart of the statistics page.
    let st = stats::compute(&site, &all);
    let i18n = I18n::new(
        serde_json::to_value(
            serde_yaml::from_str::<serde_yaml::Value>(
                &std::fs::read_to_string(root().join("themes/default/i18n/vi.yaml")).unwrap(),
            )
            .unwrap(),
        )
        .unwrap(),
    );
    let urls = dvk::render::views::Urls {
        base_path: "/".into(),
        base_url: "https://example.org/".into(),
    };
    let cs = charts::build(&site, &urls, &i18n, &st, Scope::Site, "thong-ke/");
    let by_year = cs
        .iter()
        .find(|c| c.kind == ChartKind::ByYear)
        .expect("per-year chart");
    let bars = &by_year.groups[0].bars;
    assert_eq!(bars.len(), st.years.len());
    for (b, y) in bars.iter().zip(&st.years) {
        assert_eq!(b.label, y.year.to_string());
        let present: Vec<usize> = (0..site.config.fields.len())
            .filter(|&f| st.field_totals[f] > 0)
            .collect();
        let want: Vec<f64> = present.iter().map(|&f| y.by_field[f] as f64).collect();
        assert_eq!(b.values, want, "bar {}", y.year);
        let total = i18n.fill(
            "common.models_n",
            &[("n", &dvk::render::format::number(y.total as f64))],
        );
        assert!(
            by_year.svg.contains(&format!(">{total}</text>")),
            "the SVG writes {total} for {}",
            y.year
        );
        for (&f, seg) in present.iter().zip(&b.values) {
            if *seg > 0.0 {
                let tip = format!(
                    "<title>{}: {}</title>",
                    site.config.fields[f].label, y.by_field[f]
                );
                assert!(
                    by_year.svg.contains(&tip),
                    "the SVG has {tip} for {}",
                    y.year
                );
            }
        }
    }
    let by_level = cs
        .iter()
        .find(|c| c.kind == ChartKind::ByLevel)
        .expect("per-level chart");
    assert_eq!(
        by_level.groups[0]
            .bars
            .iter()
            .map(|b| b.values[0] as usize)
            .collect::<Vec<_>>(),
        st.levels.iter().map(|l| l.count).collect::<Vec<_>>()
    );
    // The page shows the same SVG and a table with the same totals.
    let html = String::from_utf8(files["thong-ke/index.html"].clone()).unwrap();
    for c in &cs {
        assert!(
            html.contains(&c.svg),
            "the statistics page shows the chart {}",
            c.id
        );
        assert!(
            html.contains(&format!("href=\"/{}\"", c.csv_path)) || html.contains(&c.csv_path),
            "the page links {}",
            c.csv_path
        );
    }
    // The SVG is built from escaped text only.
    for c in &cs {
        let text_nodes = c
            .svg
            .split('>')
            .filter_map(|s| s.split('<').next())
            .collect::<String>();
        assert!(!text_nodes.contains('"'), "unescaped quote in {}", c.id);
    }

    // `dvk stats --format json` (whole site, and `--year Y` for each year's page) prints the
    // numbers the CSVs hold.
    let mut compared = 0;
    for (dir, year) in std::iter::once(("thong-ke/".to_string(), None))
        .chain(site.by_year.keys().map(|y| (format!("nam/{y}/"), Some(*y))))
    {
        let Some(cli) = dvk_stats(year) else {
            println!("note: `dvk stats` is not available in this build; the CSVs were compared with site::stats::compute, which it prints");
            break;
        };
        compare_with_cli(&files, &dir, &cli);
        compared += 1;
    }
    if compared > 0 {
        println!("the charts of {compared} pages show the numbers of `dvk stats --format json`");
    }
}

/// `dvk stats --format json [--year Y]` on the sample site, or None when the command is missing.
fn dvk_stats(year: Option<i32>) -> Option<serde_json::Value> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dvk"));
    cmd.args(["stats", "--format", "json"]).arg(root());
    if let Some(y) = year {
        cmd.args(["--year", &y.to_string()]);
    }
    let out = cmd.output().unwrap();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unrecognized subcommand"),
            "dvk stats failed: {err}"
        );
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).expect("dvk stats --format json prints JSON"))
}

fn compare_with_cli(files: &HashMap<String, Vec<u8>>, dir: &str, cli: &serde_json::Value) {
    let num = |v: &serde_json::Value| v.as_u64().unwrap_or(u64::MAX).to_string();
    let arr = |k: &str| cli[k].as_array().cloned().unwrap_or_default();
    let path = |name: &str| format!("{dir}{name}.csv");
    if files.contains_key(&path("mo-hinh-theo-linh-vuc")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-linh-vuc"));
        let got: Vec<String> = rows[1..].iter().map(|r| r[1].clone()).collect();
        assert_eq!(
            got,
            arr("fields")
                .iter()
                .map(|f| num(&f["count"]))
                .collect::<Vec<_>>(),
            "{dir}: per field vs dvk stats"
        );
    }
    if files.contains_key(&path("mo-hinh-theo-nam")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-nam"));
        let got: Vec<(String, String)> = rows[1..]
            .iter()
            .map(|r| (r[0].clone(), r[r.len() - 1].clone()))
            .collect();
        let want: Vec<(String, String)> = arr("years")
            .iter()
            .map(|y| (num(&y["year"]), num(&y["total"])))
            .collect();
        assert_eq!(got, want, "{dir}: per year vs dvk stats");
    }
    if files.contains_key(&path("mo-hinh-theo-cap")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-cap"));
        let got: Vec<String> = rows[1..].iter().map(|r| r[1].clone()).collect();
        assert_eq!(
            got,
            arr("levels")
                .iter()
                .map(|l| num(&l["count"]))
                .collect::<Vec<_>>(),
            "{dir}: per level vs dvk stats"
        );
    }
    if files.contains_key(&path("mo-hinh-theo-dia-ban")) {
        let rows = csv_rows(files, &path("mo-hinh-theo-dia-ban"));
        // Provinces and districts (the commune lines of `dvk stats` break down the models of
        // no district, which the chart shows as one row).
        let places: Vec<_> = arr("places")
            .into_iter()
            .filter(|p| p["kind"] == "province" || p["kind"] == "district")
            .collect();
        let provinces = places.iter().filter(|p| p["kind"] == "province").count();
        for p in &places {
            let name = p["name"].as_str().unwrap_or_default();
            let row = rows[1..].iter().find(|r| {
                (p["kind"] == "province" && r[0] == name && r[1].is_empty())
                    || (p["kind"] == "district" && r[1] == name)
            });
            match row {
                Some(r) => assert_eq!(
                    r[r.len() - 1],
                    num(&p["total"]),
                    "{dir}: {name} vs dvk stats"
                ),
                None => assert!(
                    provinces == 1 && p["kind"] == "province",
                    "{dir}: {name} of dvk stats is not in the places CSV"
                ),
            }
        }
    }
    if files.contains_key(&path("ket-qua")) {
        let rows = csv_rows(files, &path("ket-qua"));
        let results = arr("results");
        assert_eq!(rows.len() - 1, results.len(), "{dir}: results vs dvk stats");
        for (row, r) in rows[1..].iter().zip(&results) {
            assert_eq!(
                (row[0].as_str(), row[2].as_str()),
                (
                    r["label"].as_str().unwrap_or_default(),
                    r["unit"].as_str().unwrap_or_default()
                )
            );
            let total: f64 = row[1].parse().unwrap();
            assert!(
                (total - r["total"].as_f64().unwrap_or(f64::NAN)).abs() < 0.006,
                "{dir}: {} vs dvk stats",
                row[0]
            );
            assert_eq!(row[3], num(&r["models"]));
        }
    }
}

fn chromium() -> Option<String> {
    std::env::var("CHROMIUM")
        .ok()
        .into_iter()
        .chain(
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .map(String::from),
        )
        .find(|p| Path::new(p).exists())
}

fn node_ok() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn pages_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("SKIP: readers' browser tests: no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path)");
        return;
    };
    if !node_ok() {
        eprintln!("SKIP: readers' browser tests: no Node.js (`node` on PATH) to drive Chromium");
        return;
    }
    let root = root();
    let browser = root.join("tests/browser");
    let mut scripts = vec!["tests/browser/a11y.mjs", "tests/browser/print.mjs"];
    if !browser.join("node_modules/axe-core/axe.min.js").exists() {
        // CI runs `npm ci` beforehand (.ci/run); locally, install the locked axe-core once.
        let st = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&browser)
            .status();
        if !st.map(|s| s.success()).unwrap_or(false) {
            eprintln!("SKIP: accessibility test (a11y.mjs): axe-core is missing and `npm ci` in tests/browser failed (install npm, e.g. apt-get install -y npm, and run `npm ci` there)");
            scripts.retain(|s| !s.ends_with("a11y.mjs"));
        }
    }
    let shots = root.join("target/screenshots");
    let mut failures = Vec::new();
    for script in scripts {
        let out = Command::new("node")
            .arg(script)
            .arg("--dvk")
            .arg(env!("CARGO_BIN_EXE_dvk"))
            .arg("--site")
            .arg(&root)
            .args([if script.ends_with("print.mjs") {
                "--out"
            } else {
                "--shots"
            }])
            .arg(&shots)
            .env("CHROMIUM", &chromium)
            .current_dir(&root)
            .output()
            .expect("run node");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("== {script}\n{stdout}");
        eprintln!("{stderr}");
        // A script skips (prints "SKIP: …", exits 0) when a tool it needs is missing, e.g.
        // print.mjs without pdftotext: that is a skip, said above, not a failure. Only a
        // script that cannot find the Chromium found here is one.
        let lost_chromium = stdout
            .lines()
            .any(|l| l.starts_with("SKIP") && l.contains("no Chromium"));
        if !out.status.success() || lost_chromium {
            failures.push(format!(
                "{script}:\n{}",
                stdout
                    .lines()
                    .filter(|l| !l.starts_with("  ok"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "readers' browser tests failed:\n{}",
        failures.join("\n\n")
    );
}

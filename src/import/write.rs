//! Turning what was read into files: one YAML list per sheet and year under
//! `content/models/<year>/`, one Markdown write-up (with its photos beside it) per Word
//! document under `content/models/<year>/<place>/`. A model already in the site (same
//! title, place and year; case and accents ignored) or met earlier in the same import is
//! not written again, and the report says how many. Nothing is ever overwritten: a name in
//! use gets `-2`, `-3`…; files are created with `create_new`. With `--dry-run` nothing is
//! written and the report carries a table of what would be.

use super::detect::{self, Kind};
use super::places::PlaceCheck;
use super::sheet::{self, Defaults};
use super::{docx, grid, ImportError, Options, Problem, Record, Report};
use crate::lints::PLACEHOLDER;
use crate::site::{place_slug, Site};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Largest YAML list written: half the limit of a model list file
/// ([`crate::content::MAX_LIST_BYTES`], 2 MiB), leaving room for the bodies editors add
/// (about 3,500 models of a decision list: 10,000 go into three files).
const LIST_BYTES: usize = crate::content::MAX_LIST_BYTES / 2;

/// Same title, place and year: the same model.
type Key = (i32, String, String, String, String);

fn key(
    year: i32,
    title: &str,
    province: &str,
    district: Option<&str>,
    commune: Option<&str>,
) -> Key {
    (
        year,
        vntext::slugify(title),
        place_slug(province),
        district.map(place_slug).unwrap_or_default(),
        commune.map(place_slug).unwrap_or_default(),
    )
}

/// A file to write.
struct Plan {
    /// Relative to the site folder.
    path: PathBuf,
    text: String,
    models: usize,
    /// Extra files beside it (photos): relative path, bytes.
    extra: Vec<(PathBuf, Vec<u8>)>,
}

/// A row of the dry-run table.
struct Line {
    source: String,
    record: Record,
    target: Option<PathBuf>,
}

/// Everything shared while importing.
struct Ctx<'a> {
    opts: &'a Options,
    site: &'a Site,
    defaults: Defaults<'a>,
    seen: HashSet<Key>,
    places: PlaceCheck,
    taken: HashSet<PathBuf>,
    plans: Vec<Plan>,
    lines: Vec<Line>,
    report: Report,
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A path under the site not used by a file nor by another plan: `stem.ext`, `stem-2.ext`…
fn free_path(root: &Path, taken: &HashSet<PathBuf>, dir: &Path, stem: &str, ext: &str) -> PathBuf {
    for n in 1.. {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let p = dir.join(name);
        if !taken.contains(&p) && !root.join(&p).exists() {
            return p;
        }
    }
    unreachable!()
}

/// A file-name slug of at most 60 characters, cut at a hyphen.
fn short_slug(s: &str, fallback: &str) -> String {
    let mut slug = vntext::slugify(s);
    if slug.len() > 60 {
        let cut = &slug[..60];
        slug = cut.rfind('-').map(|i| &cut[..i]).unwrap_or(cut).to_string();
    }
    if slug.is_empty() {
        fallback.to_string()
    } else {
        slug
    }
}

impl Ctx<'_> {
    /// Site spelling of a province and district, when the site already has them.
    fn canonical(&self, r: &mut Record) {
        let ps = place_slug(&r.province);
        if let Some((pi, p)) = self
            .site
            .provinces
            .iter()
            .enumerate()
            .find(|(_, p)| p.slug == ps)
        {
            r.province = p.name.clone();
            if let Some(d) = &r.district {
                let ds = place_slug(d);
                if let Some(x) = self
                    .site
                    .districts
                    .iter()
                    .find(|x| x.province == pi && x.slug == ds)
                {
                    r.district = Some(x.name.clone());
                }
            }
        }
    }

    /// Gives the record's place its official names (warnings reported); false, with the
    /// error reported, when the place keeps it out.
    fn resolve_place(&mut self, shown: &str, r: &mut Record) -> bool {
        match self.places.apply(shown, r) {
            Ok(warnings) => {
                self.report.problems.extend(warnings);
                true
            }
            Err(e) => {
                self.report.problems.push(e);
                false
            }
        }
    }

    /// True (and counted) when the model is in the site or earlier in this import.
    fn already(&mut self, r: &Record) -> bool {
        let k = key(
            r.year,
            &r.title,
            &r.province,
            r.district.as_deref(),
            r.commune.as_deref(),
        );
        if self.seen.insert(k) {
            false
        } else {
            self.report.already += 1;
            true
        }
    }

    fn file(&mut self, path: &Path) {
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                self.report.problems.push(Problem::error(
                    &shown,
                    crate::msg!("import.read_failed", file = shown, detail = e),
                ));
                return;
            }
        };
        let (kind, warning) = match detect::detect(path, &bytes) {
            Ok(k) => k,
            Err(m) => {
                self.report.problems.push(Problem::error(&shown, m));
                return;
            }
        };
        if let Some(w) = warning {
            self.report.problems.push(Problem::warning(&shown, w));
        }
        match kind {
            Kind::Docx => self.word(&shown, &bytes),
            _ => self.spreadsheet(path, &shown, kind, &bytes),
        }
    }

    fn spreadsheet(&mut self, path: &Path, shown: &str, kind: Kind, bytes: &[u8]) {
        let (grids, warnings) = match grid::read(kind, shown, bytes) {
            Ok(x) => x,
            Err(m) => {
                self.report.problems.push(Problem::error(shown, m));
                return;
            }
        };
        for w in warnings {
            self.report.problems.push(Problem::warning(shown, w));
        }
        let stem = short_slug(
            path.file_stem().and_then(|s| s.to_str()).unwrap_or(""),
            "danh-sach",
        );
        let mut outs = Vec::new();
        for g in &grids {
            let out = sheet::read_sheet(g, shown, &self.site.config, &self.defaults);
            if !out.has_header && g.rows.iter().any(|r| r.iter().any(|c| !c.is_empty())) {
                self.report.problems.push(Problem::warning(
                    format!("{shown}:{}", g.name),
                    crate::msg!("import.no_header", sheet = g.name),
                ));
            }
            outs.push((g, out));
        }
        if !outs.iter().any(|(_, o)| o.has_header) {
            self.report.problems.push(Problem::error(
                shown,
                crate::msg!("import.no_header_any", file = shown),
            ));
        }
        let with_records = outs.iter().filter(|(_, o)| !o.records.is_empty()).count();
        for (g, out) in outs {
            self.report.problems.extend(out.problems);
            let mut by_year: std::collections::BTreeMap<i32, Vec<Record>> = Default::default();
            let mut again = 0;
            for mut r in out.records {
                if !self.resolve_place(shown, &mut r) {
                    continue;
                }
                self.canonical(&mut r);
                if self.already(&r) {
                    again += 1;
                    self.lines.push(Line {
                        source: format!("{shown}:{}", r.source),
                        record: r,
                        target: None,
                    });
                    continue;
                }
                by_year.entry(r.year).or_default().push(r);
            }
            if again > 0 {
                self.report.notes.push(crate::msg!(
                    "import.already_sheet",
                    file = shown,
                    sheet = g.name,
                    n = again
                ));
            }
            for (year, records) in by_year {
                let stem = if with_records > 1 {
                    format!("{stem}-{}", short_slug(&g.name, "trang"))
                } else {
                    stem.clone()
                };
                let dir = PathBuf::from("content")
                    .join("models")
                    .join(year.to_string());
                // A list loads in time linear in its length (`content::read`'s test counts
                // the work): files are cut by size only, below the content file limit.
                for (text, part) in yaml_lists(shown, &g.name, &records) {
                    let rel = free_path(&self.opts.root, &self.taken, &dir, &stem, "yaml");
                    self.taken.insert(rel.clone());
                    for r in part {
                        self.lines.push(Line {
                            source: format!("{shown}:{}", r.source),
                            record: r.clone(),
                            target: Some(rel.clone()),
                        });
                    }
                    self.plans.push(Plan {
                        path: rel,
                        text,
                        models: part.len(),
                        extra: Vec::new(),
                    });
                }
            }
        }
    }

    fn word(&mut self, shown: &str, bytes: &[u8]) {
        let doc = match docx::read(shown, bytes) {
            Ok(d) => d,
            Err(m) => {
                self.report.problems.push(Problem::error(shown, m));
                return;
            }
        };
        for (para, m) in &doc.problems {
            self.report.problems.push(Problem::warning(
                format!("{shown}:{}", crate::msg!("import.paragraph", n = para)),
                m.clone(),
            ));
        }
        if doc.title.is_none() && doc.markdown.trim().is_empty() && doc.images.is_empty() {
            self.report.problems.push(Problem::error(
                shown,
                crate::msg!("import.docx_empty", file = shown),
            ));
            return;
        }
        let o = self.opts;
        let mut missing: Vec<&str> = Vec::new();
        let title = doc.title.clone().unwrap_or_else(|| {
            missing.push("title");
            format!("{PLACEHOLDER}: tên mô hình)")
        });
        let year = match o.year.or(doc.year_hint) {
            Some(y) => y,
            None => {
                let y = crate::scaffold::current_year();
                self.report
                    .notes
                    .push(crate::msg!("import.docx_year", file = shown, year = y));
                y
            }
        };
        let province = o
            .province
            .clone()
            .or(self.defaults.site_province.clone())
            .unwrap_or_else(|| {
                missing.push("province");
                format!("{PLACEHOLDER}: tỉnh)")
            });
        let host = o.host.clone().unwrap_or_else(|| {
            missing.push("host");
            format!("{PLACEHOLDER}: đơn vị chủ trì)")
        });
        let field = match &self.defaults.field {
            Some(f) => f.clone(),
            None => {
                let first = self
                    .site
                    .config
                    .fields
                    .first()
                    .map(|f| f.label.clone())
                    .unwrap_or_default();
                self.report.notes.push(crate::msg!(
                    "import.docx_field",
                    file = shown,
                    field = first
                ));
                first
            }
        };
        let mut r = Record {
            source: shown.to_string(),
            title,
            year,
            province,
            district: o.district.clone(),
            commune: o.commune.clone(),
            field,
            host,
            level: self.defaults.level,
            exemplary: false,
            body: Some(doc.markdown.clone()),
            note: None,
            place_at: Default::default(),
        };
        if !self.resolve_place(shown, &mut r) {
            return;
        }
        self.canonical(&mut r);
        if self.already(&r) {
            self.report.notes.push(crate::msg!(
                "import.already_doc",
                file = shown,
                title = r.title
            ));
            self.lines.push(Line {
                source: shown.to_string(),
                record: r,
                target: None,
            });
            return;
        }
        if !missing.is_empty() {
            self.report.notes.push(crate::msg!(
                "import.docx_missing",
                file = shown,
                keys = missing.join(", ")
            ));
        }
        let place = r
            .district
            .as_deref()
            .or(r.commune.as_deref())
            .unwrap_or(&r.province);
        let dir = PathBuf::from("content")
            .join("models")
            .join(year.to_string())
            .join(place_slug(place));
        let stem = short_slug(&r.title, "mo-hinh");
        let rel = free_path(&self.opts.root, &self.taken, &dir, &stem, "md");
        self.taken.insert(rel.clone());
        let md_stem = rel
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("mo-hinh")
            .to_string();
        let mut photos = Vec::new();
        let mut extra = Vec::new();
        for (i, img) in doc.images.iter().enumerate() {
            let p = free_path(
                &self.opts.root,
                &self.taken,
                &dir,
                &format!("{md_stem}-anh-{}", i + 1),
                img.ext,
            );
            self.taken.insert(p.clone());
            let name = p
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            photos.push((name, img.caption.clone()));
            extra.push((p, img.data.clone()));
        }
        let no_caption = photos.iter().filter(|(_, c)| c.is_none()).count();
        if no_caption > 0 {
            self.report.notes.push(crate::msg!(
                "import.docx_captions",
                file = shown,
                n = no_caption
            ));
        }
        self.report.photos += extra.len();
        let text = markdown_file(shown, &r, &photos);
        self.lines.push(Line {
            source: shown.to_string(),
            record: r,
            target: Some(rel.clone()),
        });
        self.plans.push(Plan {
            path: rel,
            text,
            models: 1,
            extra,
        });
    }
}

/// The YAML lists of one sheet: its models in order, a new file whenever one would pass
/// [`LIST_BYTES`].
fn yaml_lists<'r>(file: &str, sheet: &str, records: &'r [Record]) -> Vec<(String, &'r [Record])> {
    let name = Path::new(file)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(file);
    let head = format!(
        "# {}\n# {}\n",
        crate::msg!("import.yaml_comment", file = name, sheet = sheet),
        crate::msg!("import.yaml_check")
    );
    let mut out = Vec::new();
    let mut s = head.clone();
    let mut first = 0;
    for (i, r) in records.iter().enumerate() {
        let entry = yaml_entry(r);
        if i > first && s.len() + entry.len() > LIST_BYTES {
            out.push((std::mem::replace(&mut s, head.clone()), &records[first..i]));
            first = i;
        }
        s.push_str(&entry);
    }
    out.push((s, &records[first..]));
    out
}

/// One model of a YAML list.
fn yaml_entry(r: &Record) -> String {
    let mut s = String::with_capacity(400);
    s.push('\n');
    s.push_str(&format!("- title: {}\n", quote(&r.title)));
    front(&mut s, r, "  ");
    if let Some(n) = &r.note {
        s.push_str(&format!(
            "  # {}: {}\n",
            crate::msg!("import.note_word"),
            n.replace('\n', " ")
        ));
    }
    s.push_str(&format!(
        "  # {}: {}\n",
        crate::msg!("import.source_word"),
        r.source
    ));
    if let Some(b) = &r.body {
        s.push_str("  body: |\n");
        for line in b.lines() {
            let line = line.trim();
            if line.is_empty() {
                s.push('\n');
            } else {
                s.push_str("    ");
                s.push_str(line);
                s.push('\n');
            }
        }
    }
    s
}

/// The keys after `title`, each on its own line with `indent`.
fn front(s: &mut String, r: &Record, indent: &str) {
    s.push_str(&format!("{indent}year: {}\n", r.year));
    s.push_str(&format!("{indent}province: {}\n", quote(&r.province)));
    if let Some(d) = &r.district {
        s.push_str(&format!("{indent}district: {}\n", quote(d)));
    }
    if let Some(c) = &r.commune {
        s.push_str(&format!("{indent}commune: {}\n", quote(c)));
    }
    s.push_str(&format!("{indent}field: {}\n", quote(&r.field)));
    s.push_str(&format!("{indent}host: {}\n", quote(&r.host)));
    if let Some(l) = r.level {
        s.push_str(&format!("{indent}level: {l}\n"));
    }
    if r.exemplary {
        s.push_str(&format!("{indent}exemplary: true\n"));
    }
}

/// A write-up: front matter, then the body.
fn markdown_file(file: &str, r: &Record, photos: &[(String, Option<String>)]) -> String {
    let name = Path::new(file)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(file);
    let mut s = String::from("---\n");
    s.push_str(&format!(
        "# {}\n",
        crate::msg!("import.md_comment", file = name)
    ));
    s.push_str(&format!("title: {}\n", quote(&r.title)));
    front(&mut s, r, "");
    if !photos.is_empty() {
        s.push_str("photos:\n");
        for (src, caption) in photos {
            match caption {
                Some(c) => s.push_str(&format!(
                    "  - {{ src: {}, caption: {} }}\n",
                    quote(src),
                    quote(c)
                )),
                None => s.push_str(&format!("  - {{ src: {} }}\n", quote(src))),
            }
        }
    }
    s.push_str("---\n\n");
    let body = r.body.as_deref().unwrap_or("").trim();
    if body.is_empty() {
        s.push_str(&format!("{PLACEHOLDER}: nội dung mô hình.)\n"));
    } else {
        s.push_str(body);
        s.push('\n');
    }
    s
}

/// Cuts text to `n` characters with an ellipsis.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The dry-run table.
fn table(lines: &[Line]) -> String {
    let head = [
        crate::msg!("import.col_source"),
        crate::msg!("import.col_title"),
        crate::msg!("import.col_place"),
        crate::msg!("import.col_field"),
        crate::msg!("import.col_year"),
        crate::msg!("import.col_level"),
        crate::msg!("import.col_target"),
    ];
    let already = crate::msg!("import.already_cell");
    let rows: Vec<[String; 7]> = lines
        .iter()
        .map(|l| {
            let r = &l.record;
            let place = [
                r.commune.as_deref(),
                r.district.as_deref(),
                Some(r.province.as_str()),
            ]
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
            [
                l.source.clone(),
                cut(&r.title, 48),
                cut(&place, 36),
                r.field.clone(),
                r.year.to_string(),
                r.level.unwrap_or("").to_string(),
                l.target
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| already.clone()),
            ]
        })
        .collect();
    let mut width = head.clone().map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(width).enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(c);
            if i + 1 < cells.len() {
                l.push_str(&" ".repeat(w - c.chars().count()));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&head);
    line(&width.map(|w| "-".repeat(w)));
    for r in &rows {
        line(r);
    }
    out
}

/// Imports every file of the options.
pub fn run(opts: &Options) -> Result<Report, ImportError> {
    if !opts.root.join("content").is_dir() {
        return Err(ImportError::Usage(crate::msg!(
            "import.no_site",
            site = opts.root.display()
        )));
    }
    if opts.files.is_empty() {
        return Err(ImportError::Usage(crate::msg!("import.no_files")));
    }
    if let Some(y) = opts.year {
        if !(1945..=2100).contains(&y) {
            return Err(ImportError::Usage(crate::msg!(
                "import.bad_year_flag",
                year = y
            )));
        }
    }
    let (site, _) = crate::load_site(&opts.root, true, None);
    let field = match &opts.field {
        Some(f) => match sheet::match_field(&site.config, f) {
            Some(i) => Some(site.config.fields[i].label.clone()),
            None => return Err(ImportError::Usage(site.config.unknown_field_message(f))),
        },
        None => None,
    };
    let level = match &opts.level {
        Some(l) => match sheet::parse_level(l) {
            Some(x) => Some(x),
            None => {
                return Err(ImportError::Usage(crate::msg!(
                    "import.bad_level_flag",
                    value = l
                )))
            }
        },
        None => None,
    };
    let site_province = (site.provinces.len() == 1).then(|| site.provinces[0].name.clone());
    let seen = site
        .models
        .iter()
        .map(|m| {
            key(
                m.year,
                &m.title,
                &m.province,
                m.district.as_deref(),
                m.commune.as_deref(),
            )
        })
        .collect();
    let mut ctx = Ctx {
        opts,
        site: &site,
        defaults: Defaults {
            opts,
            level,
            field,
            site_province,
        },
        seen,
        places: PlaceCheck::new(site.config.places_extra.clone()),
        taken: HashSet::new(),
        plans: Vec::new(),
        lines: Vec::new(),
        report: Report::default(),
    };
    for f in &opts.files {
        ctx.file(f);
    }
    let Ctx {
        plans,
        lines,
        mut report,
        ..
    } = ctx;
    if opts.dry_run {
        report.table = Some(table(&lines));
        report.written = plans.iter().map(|p| (p.path.clone(), p.models)).collect();
        return Ok(report);
    }
    for plan in plans {
        match write_plan(&opts.root, &plan) {
            Ok(()) => report.written.push((plan.path, plan.models)),
            Err(e) => report.problems.push(Problem::error(
                plan.path.display().to_string(),
                crate::msg!("import.write_failed", detail = e),
            )),
        }
    }
    Ok(report)
}

/// Writes a plan's files, never replacing one.
fn write_plan(root: &Path, plan: &Plan) -> std::io::Result<()> {
    let new_file = |rel: &Path, bytes: &[u8]| -> std::io::Result<()> {
        let full = root.join(rel);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)?;
        f.write_all(bytes)
    };
    for (p, bytes) in &plan.extra {
        new_file(p, bytes)?;
    }
    new_file(&plan.path, plan.text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_sheet_is_cut_into_lists_below_the_size_limit() {
        let title = "Mô hình ".repeat(30_000); // ~300 KB each
        let records: Vec<Record> = (0..5)
            .map(|i| Record {
                title: format!("{title}{i}"),
                source: format!("DS!A{i}"),
                ..Record::default()
            })
            .collect();
        let lists = yaml_lists("ds.xlsx", "DS", &records);
        let sizes: Vec<usize> = lists.iter().map(|(_, part)| part.len()).collect();
        assert_eq!(sizes, [3, 2]);
        for (text, part) in &lists {
            assert!(text.len() <= LIST_BYTES, "{}", text.len());
            assert_eq!(text.matches("- title:").count(), part.len());
            assert!(text.starts_with("# "));
        }
        // A short sheet is one file.
        assert_eq!(yaml_lists("ds.xlsx", "DS", &records[..1]).len(), 1);
    }
}

//! `dvk new model "Tiêu đề"`: writes a new model write-up with its front matter filled in
//! and explained (in Vietnamese, for editors) in YAML comments, under
//! `content/models/<year>/<district, or commune, or province slug>/<title slug>.md`. Never
//! overwrites a file. What the editor did not give is taken from the site (the province, when
//! the site has one or the district names it) or left as text marked to fill in, which
//! `dvk check` reports until it is written. A district is refused for a model recognised after
//! 1 July 2025 (Vietnam has had no district level since). `dvk new article` and
//! `dvk new page` are in [`doc`].

pub mod doc;

use crate::config::SiteConfig;
use crate::content::Level;
use crate::lints::PLACEHOLDER;
use crate::schema;
use crate::site::{place_slug, Site};
use std::fmt;
use std::io::Write;
use std::path::PathBuf;

/// What to write.
#[derive(Debug, Clone, Default)]
pub struct NewModel {
    /// The site folder.
    pub root: PathBuf,
    /// Title of the model.
    pub title: String,
    /// Year of recognition (default: this year).
    pub year: Option<i32>,
    /// Province.
    pub province: Option<String>,
    /// District (before 1 July 2025 only).
    pub district: Option<String>,
    /// Commune (xã, phường, đặc khu).
    pub commune: Option<String>,
    /// Date of publication, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Field: a label, slug or alias from site.yaml (default: the first field).
    pub field: Option<String>,
    /// Host organisation.
    pub host: Option<String>,
    /// Recognition level (`xa`, `huyen`, `tinh`, `trung-uong`, or as written: `cấp tỉnh`).
    pub level: Option<String>,
    /// An exemplary model (điển hình).
    pub exemplary: bool,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Created {
    /// The new file, relative to the site folder.
    pub path: PathBuf,
    /// Values chosen for the editor, to check.
    pub notes: Vec<String>,
}

/// Why nothing was written.
#[derive(Debug)]
pub enum NewError {
    /// The file exists already (relative path).
    Exists(PathBuf),
    /// A value given cannot be used, or one is missing.
    Usage(String),
    /// The file could not be written.
    Io(String),
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewError::Exists(p) => write!(f, "{}", crate::msg!("new.exists", path = p.display())),
            NewError::Usage(m) | NewError::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for NewError {}

/// This year, from the system clock (UTC).
pub fn current_year() -> i32 {
    today().0
}

/// Today's date (year, month, day), from the system clock (UTC).
pub fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil year from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let day = doy - (153 * mp + 2) / 5 + 1;
    (
        (yoe + era * 400 + i64::from(month <= 2)) as i32,
        month as u32,
        day as u32,
    )
}

/// Today as `YYYY-MM-DD`.
pub fn today_iso() -> String {
    let (y, m, d) = today();
    format!("{y:04}-{m:02}-{d:02}")
}

/// A `YYYY-MM-DD` date, checked.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let s = s.trim();
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// A file name from a title: its slug, at most 80 characters, cut at a word.
pub fn file_slug(title: &str, fallback: &str) -> String {
    let mut slug = vntext::slugify(title);
    if slug.is_empty() {
        slug = fallback.into();
    }
    if slug.len() > 80 {
        let cut = &slug[..80];
        slug = cut.rfind('-').map(|i| &cut[..i]).unwrap_or(cut).to_string();
    }
    slug
}

/// Writes a new file, never overwriting one; `rel` is relative to `root`.
pub fn write_new(
    root: &std::path::Path,
    rel: &std::path::Path,
    text: &str,
) -> Result<(), NewError> {
    let full = root.join(rel);
    if full.exists() {
        return Err(NewError::Exists(rel.to_path_buf()));
    }
    if let Some(dir) = full.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            NewError::Io(crate::msg!(
                "new.cannot_write",
                path = dir.display(),
                error = e
            ))
        })?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&full)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(rel.to_path_buf()),
            _ => NewError::Io(crate::msg!(
                "new.cannot_write",
                path = rel.display(),
                error = e
            )),
        })?;
    f.write_all(text.as_bytes()).map_err(|e| {
        NewError::Io(crate::msg!(
            "new.cannot_write",
            path = rel.display(),
            error = e
        ))
    })
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Picks the province: as given (in the site's spelling when it has it), else the one of the
/// district given, else the site's only or most used province.
fn choose_province(
    site: &Site,
    opts: &NewModel,
    notes: &mut Vec<String>,
) -> Result<String, NewError> {
    if let Some(p) = &opts.province {
        let slug = place_slug(p);
        return Ok(site
            .provinces
            .iter()
            .find(|x| x.slug == slug)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| vntext::nfc(p.trim()).into_owned()));
    }
    if let Some(d) = &opts.district {
        let slug = place_slug(d);
        let mut owners: Vec<&str> = site
            .districts
            .iter()
            .filter(|x| x.slug == slug)
            .map(|x| site.provinces[x.province].name.as_str())
            .collect();
        owners.dedup();
        match owners.as_slice() {
            [one] => return Ok(one.to_string()),
            [] => {}
            many => {
                return Err(NewError::Usage(crate::msg!(
                    "new.district_ambiguous",
                    district = d,
                    provinces = many.join(", ")
                )))
            }
        }
    }
    match site.provinces.len() {
        0 => Err(NewError::Usage(crate::msg!("new.no_province"))),
        1 => Ok(site.provinces[0].name.clone()),
        _ => {
            let best = site
                .provinces
                .iter()
                .max_by_key(|p| p.models.len())
                .map(|p| p.name.clone())
                .unwrap_or_default();
            notes.push(crate::msg!("new.province_chosen", province = best));
            Ok(best)
        }
    }
}

/// Checks what the editor gave and the site folder, before anything is loaded.
fn site_root(root: &std::path::Path) -> Result<(), NewError> {
    if !root.join("content").is_dir() {
        return Err(NewError::Usage(crate::msg!(
            "new.no_content",
            dir = root.display()
        )));
    }
    Ok(())
}

/// The values of the new model, checked and in the site's spelling.
struct Values {
    title: String,
    year: i32,
    date: Option<String>,
    province: String,
    district: Option<String>,
    commune: Option<String>,
    field: String,
    host: Option<String>,
    level: Option<Level>,
    exemplary: bool,
}

/// Writes the new model. The site is loaded to learn its fields and places.
pub fn new_model(opts: &NewModel) -> Result<Created, NewError> {
    let title = vntext::nfc(opts.title.trim()).into_owned();
    if title.is_empty() {
        return Err(NewError::Usage(crate::msg!("new.empty_title")));
    }
    site_root(&opts.root)?;
    let date = match &opts.date {
        Some(d) => match parse_date(d) {
            Some(_) => Some(d.trim().to_string()),
            None => return Err(NewError::Usage(crate::msg!("new.bad_date", date = d))),
        },
        None => None,
    };
    let year = opts
        .year
        .or_else(|| date.as_deref().and_then(parse_date).map(|d| d.0))
        .unwrap_or_else(current_year);
    if !(1945..=2100).contains(&year) {
        return Err(NewError::Usage(crate::msg!("new.bad_year", year = year)));
    }
    // No district after 1 July 2025: from the date when given, else from the year.
    let after_reform = match &date {
        Some(d) => d.as_str() >= "2025-07-01",
        None => year >= 2026,
    };
    if opts.district.is_some() && after_reform {
        return Err(NewError::Usage(crate::msg!(
            "new.district_after_reform",
            when = date.clone().unwrap_or_else(|| year.to_string())
        )));
    }
    let level = match &opts.level {
        Some(l) => match Level::parse(l) {
            Some(Level::Huyen) if after_reform => {
                return Err(NewError::Usage(crate::msg!("new.level_huyen_after_reform")))
            }
            Some(level) => Some(level),
            None => return Err(NewError::Usage(crate::msg!("new.bad_level", level = l))),
        },
        None => None,
    };
    let (site, _) = crate::load_site(&opts.root, true, None);
    let config: &SiteConfig = &site.config;
    let mut notes = Vec::new();
    let field = match &opts.field {
        Some(f) => match config.match_field(f) {
            Some(i) => config.fields[i].label.clone(),
            None => return Err(NewError::Usage(config.unknown_field_message(f))),
        },
        None => {
            let first = config
                .fields
                .first()
                .map(|f| f.label.clone())
                .unwrap_or_default();
            notes.push(crate::msg!("new.field_chosen", field = first));
            first
        }
    };
    let province = choose_province(&site, opts, &mut notes)?;
    let district = opts.district.as_ref().map(|d| {
        let slug = place_slug(d);
        site.districts
            .iter()
            .find(|x| x.slug == slug)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| vntext::nfc(d.trim()).into_owned())
    });
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(|h| vntext::nfc(h.trim()).into_owned())
            .filter(|h| !h.is_empty())
    };
    // The official list decides the spelling, as `dvk check` does.
    let (province, district, commune) = {
        let era = crate::places::resolve::era_of(year, date.as_deref());
        let mut resolver = crate::places::resolve::Resolver::new(config.places_extra.clone());
        let commune = clean(&opts.commune);
        let (r, problems) =
            resolver.resolve(era, &province, district.as_deref(), commune.as_deref());
        if let Some(p) = problems.iter().find(|p| p.error) {
            return Err(NewError::Usage(format!("`{}`: {}", p.key, p.message)));
        }
        notes.extend(
            problems
                .into_iter()
                .map(|p| format!("`{}`: {}", p.key, p.message)),
        );
        // The official name when the list has the commune, else as written (a hamlet).
        (r.province_name, r.district_name, r.commune_name.or(commune))
    };
    let v = Values {
        year,
        date,
        province,
        district,
        commune,
        field,
        host: clean(&opts.host),
        level,
        exemplary: opts.exemplary,
        title,
    };
    let slug = file_slug(&v.title, "mo-hinh");
    let place = place_slug(
        v.district
            .as_deref()
            .or(v.commune.as_deref())
            .unwrap_or(&v.province),
    );
    let rel = PathBuf::from("content")
        .join("models")
        .join(v.year.to_string())
        .join(place)
        .join(format!("{slug}.md"));
    write_new(&opts.root, &rel, &template(&v, after_reform, config))?;
    if v.host.is_none() {
        notes.push(crate::msg!("new.fill_host"));
    }
    notes.push(crate::msg!("new.fill_text"));
    Ok(Created { path: rel, notes })
}

/// The write-up: front matter with every key explained, then a body to replace.
fn template(v: &Values, after_reform: bool, config: &SiteConfig) -> String {
    let fields: Vec<&str> = config.fields.iter().map(|f| f.label.as_str()).collect();
    // The file's comments are for the site's editors: in the site's language.
    let lang = crate::msg::Lang::from_code(&config.language).unwrap_or(crate::msg::Lang::Vi);
    let host_value = v
        .host
        .as_deref()
        .map(quote)
        .unwrap_or_else(|| quote(&format!("{PLACEHOLDER}: tên đơn vị chủ trì)")));
    let year = v.year;
    let mut s = String::new();
    s.push_str("---\n");
    s.push_str("# Phần thông tin của mô hình. Dòng bắt đầu bằng dấu # là ghi chú, không hiện trên trang.\n");
    s.push_str("# Giữ nguyên tên khóa bên trái dấu hai chấm; chỉ sửa phần bên phải. Chữ nên đặt trong ngoặc kép \"…\".\n");
    s.push_str("# Muốn dùng một dòng đang là ghi chú thì xóa dấu # ở đầu dòng. Kiểm tra bằng lệnh: dvk check\n");
    s.push_str(&format!(
        "title: {}   # {}\n",
        quote(&v.title),
        schema::model_comment("title", lang, false)
    ));
    s.push_str(&format!(
        "year: {year}   # {}\n",
        schema::model_comment("year", lang, false)
    ));
    s.push_str(&format!(
        "province: {}   # {}\n",
        quote(&v.province),
        schema::model_comment("province", lang, false)
    ));
    match (&v.district, after_reform) {
        (Some(d), _) => s.push_str(&format!(
            "district: {}   # Huyện, thị xã, thành phố theo tên năm công nhận; xóa dòng này nếu là mô hình toàn tỉnh\n",
            quote(d)
        )),
        (None, false) => s.push_str(&format!(
            "# district: \"Tên huyện\"   # {}\n",
            schema::model_comment("district", lang, false)
        )),
        (None, true) => s.push_str("# Từ 1/7/2025 không còn cấp huyện: không ghi district, chỉ ghi tỉnh và xã.\n"),
    }
    match &v.commune {
        Some(c) => s.push_str(&format!(
            "commune: {}   # {}\n",
            quote(c),
            schema::model_comment("commune", lang, false)
        )),
        None => s.push_str(&format!(
            "# commune: \"Tên xã\"   # {}\n",
            schema::model_comment("commune", lang, true)
        )),
    }
    s.push_str(&format!(
        "field: {}   # {}, một trong: {}\n",
        quote(&v.field),
        schema::model_comment("field", lang, false),
        fields.join("; ")
    ));
    s.push_str(&format!(
        "host: {host_value}   # {}\n",
        schema::model_comment("host", lang, false)
    ));
    let levels = if after_reform {
        "xa, tinh hoặc trung-uong"
    } else {
        "xa, huyen, tinh hoặc trung-uong"
    };
    match v.level {
        Some(l) => s.push_str(&format!(
            "level: {}   # {}: {levels}\n",
            l.code(),
            schema::model_comment("level", lang, false)
        )),
        None => s.push_str(&format!(
            "# level: tinh   # {}: {levels}\n",
            schema::model_comment("level", lang, false)
        )),
    }
    if v.exemplary {
        s.push_str(&format!(
            "exemplary: true   # {}\n",
            schema::model_comment("exemplary", lang, false)
        ));
    } else {
        s.push_str(&format!(
            "# exemplary: true   # {} (xóa dấu # nếu đúng)\n",
            schema::model_comment("exemplary", lang, false)
        ));
    }
    match &v.date {
        Some(d) => s.push_str(&format!(
            "date: {d}   # {}\n",
            schema::model_comment("date", lang, false)
        )),
        None => s.push_str(&format!(
            "# date: {year}-12-31   # {}\n",
            schema::model_comment("date", lang, false)
        )),
    }
    s.push_str(&format!(
        "# summary: \"Một hai câu tóm tắt\"   # {}, không quá {} ký tự\n",
        schema::model_comment("summary", lang, false),
        crate::lints::SUMMARY_MAX
    ));
    s.push_str(&format!(
        "# results:   # {}; mỗi kết quả một dòng; số viết liền (1200, không viết 1.200):\n",
        schema::model_comment("results", lang, false)
    ));
    s.push_str("#   - { label: \"Đất hiến\", value: 1200, unit: \"m²\" }\n");
    s.push_str(&format!(
        "# photos:   # {}; nhớ ghi chú thích:\n",
        schema::model_comment("photos", lang, false)
    ));
    s.push_str("#   - { src: \"anh-1.jpg\", caption: \"Người dân cùng làm đường\", credit: \"Tên người chụp\" }\n");
    s.push_str(&format!(
        "# tags: [\"nông thôn mới\", \"hiến đất\"]   # {}\n",
        schema::model_comment("tags", lang, true)
    ));
    for (key, example) in [
        ("replicated_from", "\"ma-mo-hinh-goc\""),
        ("slug", "\"ten-ngan\""),
        ("draft", "true"),
    ] {
        s.push_str(&format!(
            "# {key}: {example}   # {}\n",
            schema::model_comment(key, lang, true)
        ));
    }
    s.push_str("---\n\n");
    s.push_str(&format!(
        "{PLACEHOLDER}: đoạn mở đầu giới thiệu ngắn gọn mô hình: ở đâu, ai làm, làm gì.)\n\n"
    ));
    s.push_str("## Cách làm\n\n");
    s.push_str(&format!(
        "{PLACEHOLDER}: các bước thực hiện, cách vận động Nhân dân.)\n\n"
    ));
    s.push_str("## Kết quả\n\n");
    s.push_str(&format!(
        "{PLACEHOLDER}: kết quả đạt được, con số cụ thể.)\n"
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_year_is_plausible() {
        let y = current_year();
        assert!((2024..2100).contains(&y), "{y}");
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_date("2025-07-01"), Some((2025, 7, 1)));
        assert_eq!(parse_date("2025-7-1"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(today_iso().len(), 10);
    }

    /// `dvk new`'s template names every key of the schema, written or as a comment, each
    /// with its meaning from the catalogue and "(bắt buộc)" exactly when it is required.
    #[test]
    fn the_template_names_every_key_of_the_schema() {
        let config = SiteConfig::default();
        for after_reform in [false, true] {
            let v = Values {
                title: "Thử".into(),
                year: if after_reform { 2026 } else { 2024 },
                date: None,
                province: "Lâm Đồng".into(),
                district: None,
                commune: Some("Nam Ban".into()),
                field: "Kinh tế".into(),
                host: Some("Hội Nông dân".into()),
                level: None,
                exemplary: false,
            };
            let t = template(&v, after_reform, &config);
            for k in schema::MODEL {
                if k.name == "district" && after_reform {
                    continue;
                }
                let line = t
                    .lines()
                    .find(|l| {
                        let l = l.trim_start_matches("# ");
                        l.starts_with(&format!("{}:", k.name))
                    })
                    .unwrap_or_else(|| panic!("{} missing:\n{t}", k.name));
                assert!(
                    line.contains(&schema::model_help(k.name, crate::msg::Lang::Vi)),
                    "{line}"
                );
                assert_eq!(line.contains("(bắt buộc)"), k.required, "{line}");
            }
        }
    }

    #[test]
    fn quotes_are_yaml_safe() {
        assert_eq!(quote("Đạ M'Rông: \"x\""), "\"Đạ M'Rông: \\\"x\\\"\"");
    }
}

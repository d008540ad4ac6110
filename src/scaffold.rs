//! `dvk new model "Tiêu đề"`: writes a new model write-up with its front matter filled in
//! and explained (in Vietnamese, for editors) in YAML comments, under
//! `content/models/<year>/<district or province slug>/<title slug>.md`. Never overwrites a
//! file. What the editor did not give is taken from the site (the province, when the site
//! has one or the district names it) or left as text marked to fill in, which `dvk check`
//! warns about; the file passes `dvk check` as written.

use crate::config::SiteConfig;
use crate::lints::PLACEHOLDER;
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
    /// District.
    pub district: Option<String>,
    /// Field: a label, slug or alias from site.yaml (default: the first field).
    pub field: Option<String>,
    /// Host organisation.
    pub host: Option<String>,
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
            NewError::Exists(p) => write!(f, "{} exists already: nothing was written. Open it to edit it, or choose another title.", p.display()),
            NewError::Usage(m) | NewError::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for NewError {}

/// This year, from the system clock (UTC).
pub fn current_year() -> i32 {
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
    (yoe + era * 400 + i64::from(month <= 2)) as i32
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
                return Err(NewError::Usage(format!(
                    "district \"{d}\" is in several provinces ({}): give one with --province.",
                    many.join(", ")
                )))
            }
        }
    }
    match site.provinces.len() {
        0 => Err(NewError::Usage("give the province with --province \"Tên tỉnh\" (the site has no model yet to take it from).".into())),
        1 => Ok(site.provinces[0].name.clone()),
        _ => {
            let best = site.provinces.iter().max_by_key(|p| p.models.len()).map(|p| p.name.clone()).unwrap_or_default();
            notes.push(format!("province set to \"{best}\", the site's most used: change it in the file, or give --province."));
            Ok(best)
        }
    }
}

/// Writes the new model. The site is loaded to learn its fields and places.
pub fn new_model(opts: &NewModel) -> Result<Created, NewError> {
    let title = vntext::nfc(opts.title.trim()).into_owned();
    if title.is_empty() {
        return Err(NewError::Usage("the title is empty: write it in quotes, e.g. dvk new model \"Nuôi heo đất giúp hội viên nghèo\".".into()));
    }
    if !opts.root.join("content").is_dir() {
        return Err(NewError::Usage(format!(
            "no content folder in {}: run dvk new in the site folder, or give it with --site.",
            opts.root.display()
        )));
    }
    let (site, _) = crate::load_site(&opts.root, true, None);
    let config: &SiteConfig = &site.config;
    let mut notes = Vec::new();
    let year = opts.year.unwrap_or_else(current_year);
    if !(1945..=2100).contains(&year) {
        return Err(NewError::Usage(format!(
            "year {year} is not a plausible year of recognition: give four digits such as 2024."
        )));
    }
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
            notes.push(format!("field set to \"{first}\": change it in the file if the model is in another field, or give --field."));
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
    // The official list decides the spelling, as `dvk check` does.
    let (province, district) = {
        let era = crate::places::resolve::era_of(year, None);
        let mut resolver = crate::places::resolve::Resolver::new(config.places_extra.clone());
        let (r, problems) = resolver.resolve(era, &province, district.as_deref(), None);
        if let Some(p) = problems.iter().find(|p| p.error) {
            return Err(NewError::Usage(format!("`{}`: {}", p.key, p.message)));
        }
        notes.extend(problems.into_iter().map(|p| format!("`{}`: {}", p.key, p.message)));
        (r.province_name, r.district_name)
    };
    let host = opts
        .host
        .clone()
        .map(|h| vntext::nfc(h.trim()).into_owned());

    let mut slug = vntext::slugify(&title);
    if slug.is_empty() {
        slug = "mo-hinh".into();
    }
    if slug.len() > 80 {
        let cut = &slug[..80];
        slug = cut.rfind('-').map(|i| &cut[..i]).unwrap_or(cut).to_string();
    }
    let place = place_slug(district.as_deref().unwrap_or(&province));
    let rel = PathBuf::from("content")
        .join("models")
        .join(year.to_string())
        .join(place)
        .join(format!("{slug}.md"));
    let full = opts.root.join(&rel);
    if full.exists() {
        return Err(NewError::Exists(rel));
    }
    let text = template(
        &title,
        year,
        &province,
        district.as_deref(),
        &field,
        host.as_deref(),
        config,
    );
    if let Some(dir) = full.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| NewError::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&full)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(rel.clone()),
            _ => NewError::Io(format!("cannot write {}: {e}", rel.display())),
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| NewError::Io(format!("cannot write {}: {e}", rel.display())))?;
    if host.is_none() {
        notes.push("fill in `host` (đơn vị chủ trì) and the text: `dvk check` warns until they are written.".into());
    }
    if district.is_some() && year >= 2026 {
        notes.push("districts were abolished on 1 July 2025: for a model recognised after that, remove `district` and give `commune`.".into());
    }
    Ok(Created { path: rel, notes })
}

/// The write-up: front matter with every key explained, then a body to replace.
fn template(
    title: &str,
    year: i32,
    province: &str,
    district: Option<&str>,
    field: &str,
    host: Option<&str>,
    config: &SiteConfig,
) -> String {
    let fields: Vec<&str> = config.fields.iter().map(|f| f.label.as_str()).collect();
    let host_value = host
        .map(quote)
        .unwrap_or_else(|| quote(&format!("{PLACEHOLDER}: tên đơn vị chủ trì)")));
    let mut s = String::new();
    s.push_str("---\n");
    s.push_str("# Phần thông tin của mô hình. Dòng bắt đầu bằng dấu # là ghi chú, không hiện trên trang.\n");
    s.push_str("# Giữ nguyên tên khóa bên trái dấu hai chấm; chỉ sửa phần bên phải. Chữ nên đặt trong ngoặc kép \"…\".\n");
    s.push_str("# Muốn dùng một dòng đang là ghi chú thì xóa dấu # ở đầu dòng. Kiểm tra bằng lệnh: dvk check\n");
    s.push_str(&format!(
        "title: {}   # Tên mô hình (bắt buộc)\n",
        quote(title)
    ));
    s.push_str(&format!(
        "year: {year}   # Năm công nhận, bốn chữ số (bắt buộc)\n"
    ));
    s.push_str(&format!(
        "province: {}   # Tỉnh, thành phố (bắt buộc)\n",
        quote(province)
    ));
    match district {
        Some(d) => s.push_str(&format!(
            "district: {}   # Huyện, thị xã, thành phố theo tên năm công nhận; xóa dòng này nếu là mô hình toàn tỉnh hoặc công nhận sau 1/7/2025\n",
            quote(d)
        )),
        None => s.push_str("# district: \"Tên huyện\"   # Huyện, thị xã, thành phố (chỉ với mô hình công nhận trước 1/7/2025)\n"),
    }
    s.push_str("# commune: \"Tên xã\"   # Xã, phường, thị trấn (không bắt buộc)\n");
    s.push_str(&format!(
        "field: {}   # Lĩnh vực (bắt buộc), một trong: {}\n",
        quote(field),
        fields.join("; ")
    ));
    s.push_str(&format!(
        "host: {host_value}   # Đơn vị chủ trì (bắt buộc)\n"
    ));
    s.push_str("# level: huyen   # Cấp công nhận: xa, huyen, tinh hoặc trung-uong\n");
    s.push_str("# exemplary: true   # Xóa dấu # nếu là mô hình điển hình tiêu biểu\n");
    s.push_str(&format!(
        "# date: {year}-12-31   # Ngày đăng, dạng NĂM-THÁNG-NGÀY\n"
    ));
    s.push_str(&format!(
        "# summary: \"Một hai câu tóm tắt\"   # Hiện trong danh sách, không quá {} ký tự; bỏ trống thì lấy đoạn đầu của bài\n",
        crate::lints::SUMMARY_MAX
    ));
    s.push_str("# results:   # Kết quả đo đếm được, cộng dồn trong trang Thống kê; mỗi kết quả một dòng:\n");
    s.push_str("#   - { label: \"Đất hiến\", value: 1200, unit: \"m²\" }\n");
    s.push_str("# photos:   # Ảnh đặt cùng thư mục với tệp này; ảnh đầu tiên là ảnh đại diện; nhớ ghi chú thích:\n");
    s.push_str("#   - { src: \"anh-1.jpg\", caption: \"Người dân cùng làm đường\", credit: \"Tên người chụp\" }\n");
    s.push_str("# tags: [\"nông thôn mới\", \"hiến đất\"]   # Từ khóa (không bắt buộc)\n");
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
    fn quotes_are_yaml_safe() {
        assert_eq!(quote("Đạ M'Rông: \"x\""), "\"Đạ M'Rông: \\\"x\\\"\"");
    }
}

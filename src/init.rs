//! `dvk init [DIR]`: starts a new site that builds at once: `content/site.yaml` with every key
//! explained in Vietnamese comments (fields, menu, and the owner block to fill in), an example
//! model (a draft, so it is previewed but not published) that passes `dvk check`, a "Giới
//! thiệu" page linked from the menu, and a `.gitignore` for the output and the cache. The theme
//! is the one built into dvk ([`crate::render::theme`]), so no `themes/` folder is written.
//! Never overwrites: a folder that already holds a site is refused.

use std::fmt;
use std::path::{Path, PathBuf};

/// What to create.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The new site's folder (created when missing).
    pub dir: PathBuf,
    /// The site's name (default: "Dân vận khéo", with the province when given).
    pub title: Option<String>,
    /// The province the site is for (used in the example model and the Giới thiệu page).
    pub province: Option<String>,
}

/// Why nothing was created.
#[derive(Debug)]
pub enum InitError {
    /// The folder holds a site already (the file found, relative to the folder).
    Exists(PathBuf),
    /// A file could not be written.
    Io(String),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Exists(p) => write!(f, "{}", crate::msg!("init.exists", path = p.display())),
            InitError::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for InitError {}

const SITE_YAML: &str = include_str!("init/site.yaml");
const MODEL: &str = include_str!("init/model.md");
const ABOUT: &str = include_str!("init/gioi-thieu.md");
const GITIGNORE: &str = "# Tạo ra khi dựng trang (dvk build), không cần lưu vào git.\n/public/\n/.dvk-cache/\n/.public.dvk-*\n";

/// Text for inside double quotes in YAML.
fn yaml_inner(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    q[1..q.len() - 1].to_string()
}

/// The files of a new site: (path relative to the site folder, text).
pub fn files(opts: &InitOptions) -> Vec<(PathBuf, String)> {
    let province = opts
        .province
        .as_deref()
        .map(|p| vntext::nfc(p.trim()).into_owned())
        .filter(|p| !p.is_empty());
    let title = opts
        .title
        .as_deref()
        .map(|t| vntext::nfc(t.trim()).into_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| match &province {
            Some(p) => format!("Dân vận khéo {p}"),
            None => "Dân vận khéo".into(),
        });
    let province = province.unwrap_or_else(|| "Quảng Ngãi".into());
    let year = crate::scaffold::current_year().max(2026);
    let fill = |t: &str| {
        t.replace("{title}", &yaml_inner(&title))
            .replace("{province}", &yaml_inner(&province))
            .replace("{year}", &year.to_string())
    };
    vec![
        (PathBuf::from("content/site.yaml"), fill(SITE_YAML)),
        (
            PathBuf::from("content/models")
                .join(year.to_string())
                .join("mo-hinh-mau.md"),
            fill(MODEL),
        ),
        (PathBuf::from("content/pages/gioi-thieu.md"), fill(ABOUT)),
        (PathBuf::from(".gitignore"), GITIGNORE.to_string()),
    ]
}

/// True when `dir/content` holds anything.
fn has_content(dir: &Path) -> bool {
    std::fs::read_dir(dir.join("content"))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false)
}

/// Creates the site; returns the files written (relative to `opts.dir`).
pub fn init(opts: &InitOptions) -> Result<Vec<PathBuf>, InitError> {
    let dir = &opts.dir;
    if dir.join("content/site.yaml").exists() {
        return Err(InitError::Exists(PathBuf::from("content/site.yaml")));
    }
    if has_content(dir) {
        return Err(InitError::Exists(PathBuf::from("content")));
    }
    let files = files(opts);
    // A .gitignore of the editor's own is kept (the others cannot exist: content/ is empty).
    let files: Vec<_> = files
        .into_iter()
        .filter(|(p, _)| !(p == Path::new(".gitignore") && dir.join(p).exists()))
        .collect();
    let mut written = Vec::new();
    for (rel, text) in &files {
        let full = dir.join(rel);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                InitError::Io(crate::msg!(
                    "init.cannot_write",
                    path = parent.display(),
                    error = e
                ))
            })?;
        }
        std::fs::write(&full, text).map_err(|e| {
            InitError::Io(crate::msg!(
                "init.cannot_write",
                path = full.display(),
                error = e
            ))
        })?;
        written.push(rel.clone());
    }
    // The articles' folder, empty until `dvk new article`.
    let _ = std::fs::create_dir_all(dir.join("content/news"));
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_in_the_title_stay_yaml() {
        let f = files(&InitOptions {
            dir: PathBuf::new(),
            title: Some("Trang \"Dân vận khéo\"".into()),
            province: Some("Quảng Ngãi".into()),
        });
        let site = &f[0].1;
        assert!(
            site.contains("title: \"Trang \\\"Dân vận khéo\\\"\""),
            "{site}"
        );
        assert!(f[1].1.contains("province: \"Quảng Ngãi\""));
        assert!(!f
            .iter()
            .any(|(_, t)| t.contains("{year}") || t.contains("{province}")));
    }

    #[test]
    fn refuses_a_folder_with_content() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/models")).unwrap();
        let e = init(&InitOptions {
            dir: dir.path().to_path_buf(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(e, InitError::Exists(_)));
        assert!(!dir.path().join("content/site.yaml").exists());
    }
}

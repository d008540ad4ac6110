//! The theme's files: the default theme is compiled into the binary (`build.rs` lists every
//! file of the repository's `themes/default/`), and a site's own `themes/<name>/` overrides it
//! file by file. A site without `themes/` therefore builds with the built-in theme; a site that
//! wants another colour only keeps its own `themes/default/static/style.css`.
//! `dvk theme export` copies the built-in files out to start customising them.

use crate::diag::Diagnostic;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/builtin_theme.rs"));

/// The name of the built-in theme.
pub const DEFAULT: &str = "default";

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum ThemeFile {
    /// Compiled into dvk.
    Builtin(&'static [u8]),
    /// The site's own file (full path), overriding the built-in one or adding to it.
    Site(PathBuf),
}

impl ThemeFile {
    /// The file's bytes.
    pub fn read(&self) -> io::Result<Cow<'static, [u8]>> {
        match self {
            ThemeFile::Builtin(b) => Ok(Cow::Borrowed(b)),
            ThemeFile::Site(p) => std::fs::read(p).map(Cow::Owned),
        }
    }

    /// The file's text (UTF-8).
    pub fn read_text(&self) -> io::Result<String> {
        let bytes = self.read()?;
        String::from_utf8(bytes.into_owned())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// The built-in theme's file at `rel` (`templates/base.html`), if any.
pub fn builtin(rel: &str) -> Option<&'static [u8]> {
    BUILTIN.iter().find(|(p, _)| *p == rel).map(|(_, b)| *b)
}

/// Skipped in a site's theme folder: hidden files and editors' backups.
fn ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// Every file of theme `name` for the site at `root`, by path relative to the theme folder:
/// the built-in files, then the site's `themes/<name>/` over them. A theme other than
/// `default` must have its folder.
pub fn files(root: &Path, name: &str) -> Result<BTreeMap<String, ThemeFile>, Vec<Diagnostic>> {
    let dir = root.join("themes").join(name);
    if name != DEFAULT && !dir.is_dir() {
        return Err(vec![Diagnostic::error(
            Path::new("content/site.yaml"),
            0,
            0,
            crate::msg!(
                "theme.not_found",
                name = name,
                dir = PathBuf::from("themes").join(name).display()
            ),
        )]);
    }
    let mut map: BTreeMap<String, ThemeFile> = BUILTIN
        .iter()
        .map(|(p, b)| (p.to_string(), ThemeFile::Builtin(b)))
        .collect();
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !ignored(&e.file_name().to_string_lossy()))
        .flatten()
    {
        if entry.file_type().is_file() {
            if let Ok(rel) = entry.path().strip_prefix(&dir) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                map.insert(rel, ThemeFile::Site(entry.path().to_path_buf()));
            }
        }
    }
    Ok(map)
}

/// Why `dvk theme export` wrote nothing.
#[derive(Debug)]
pub enum ExportError {
    /// Files that exist already (relative to the destination); nothing was written.
    Exists(Vec<String>),
    /// A file could not be written.
    Io(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Exists(files) => {
                let mut list = files.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
                if files.len() > 5 {
                    list.push_str(", …");
                }
                write!(
                    f,
                    "{}",
                    crate::msg!("theme.export_exists", n = files.len(), files = list)
                )
            }
            ExportError::Io(m) => write!(f, "{m}"),
        }
    }
}

/// Copies every file of the built-in theme into `dest` (created when missing). Refuses, writing
/// nothing, when any of the files exists there already. Returns the number of files written.
pub fn export(dest: &Path) -> Result<usize, ExportError> {
    let existing: Vec<String> = BUILTIN
        .iter()
        .filter(|(p, _)| dest.join(p).exists())
        .map(|(p, _)| p.to_string())
        .collect();
    if !existing.is_empty() {
        return Err(ExportError::Exists(existing));
    }
    for (rel, bytes) in BUILTIN {
        let path = dest.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                ExportError::Io(crate::msg!(
                    "theme.cannot_write",
                    path = parent.display(),
                    error = e
                ))
            })?;
        }
        std::fs::write(&path, bytes).map_err(|e| {
            ExportError::Io(crate::msg!(
                "theme.cannot_write",
                path = path.display(),
                error = e
            ))
        })?;
    }
    Ok(BUILTIN.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_theme_has_the_templates_strings_and_style() {
        for rel in [
            "templates/base.html",
            "templates/model.html",
            "i18n/vi.yaml",
            "static/style.css",
        ] {
            assert!(builtin(rel).is_some(), "{rel} is not built in");
        }
    }

    #[test]
    fn builtin_theme_is_the_repository_theme_byte_for_byte() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for (rel, bytes) in BUILTIN {
            assert_eq!(&std::fs::read(dir.join(rel)).unwrap(), bytes, "{rel}");
        }
    }

    #[test]
    fn a_site_file_overrides_the_builtin_one_and_adds_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("themes/default");
        std::fs::create_dir_all(t.join("static")).unwrap();
        std::fs::write(t.join("static/style.css"), "body{}").unwrap();
        std::fs::write(t.join("static/logo.png"), "png").unwrap();
        std::fs::write(t.join("static/.style.css.swp"), "x").unwrap();
        let f = files(dir.path(), DEFAULT).unwrap();
        assert!(matches!(f["static/style.css"], ThemeFile::Site(_)));
        assert!(matches!(f["static/logo.png"], ThemeFile::Site(_)));
        assert!(matches!(f["templates/base.html"], ThemeFile::Builtin(_)));
        assert!(!f.contains_key("static/.style.css.swp"));
    }

    #[test]
    fn a_missing_named_theme_is_an_error_but_default_needs_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(files(dir.path(), DEFAULT).is_ok());
        let e = files(dir.path(), "xanh").unwrap_err();
        assert!(e[0].message.contains("themes/xanh"), "{}", e[0].message);
    }

    #[test]
    fn export_writes_every_file_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("themes/default");
        assert_eq!(export(&dest).unwrap(), BUILTIN.len());
        std::fs::write(dest.join("static/style.css"), "mine").unwrap();
        assert!(matches!(export(&dest), Err(ExportError::Exists(_))));
        assert_eq!(
            std::fs::read_to_string(dest.join("static/style.css")).unwrap(),
            "mine"
        );
    }
}

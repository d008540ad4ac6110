//! Fixture sites for integration tests: a temp folder with the repository's default theme
//! and the files a test writes.
#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site in a temp folder.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A site with the default theme and the given site.yaml (None: no site.yaml).
    pub fn new(site_yaml: Option<&str>) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(
            &repo().join("themes/default"),
            &dir.path().join("themes/default"),
        );
        std::fs::create_dir_all(dir.path().join("content/models")).unwrap();
        if let Some(y) = site_yaml {
            std::fs::write(dir.path().join("content/site.yaml"), y).unwrap();
        }
        Fixture { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the site folder, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Runs the dvk binary with arguments, in the site folder, with its messages in
    /// English (what most older tests check; `DVK_LANG=en`, as `--lang en` would).
    pub fn dvk(&self, args: &[&str]) -> Output {
        self.dvk_in("en", args)
    }

    /// Runs the dvk binary with its messages in Vietnamese, the default.
    pub fn dvk_vi(&self, args: &[&str]) -> Output {
        self.dvk_in("vi", args)
    }

    /// Runs the dvk binary with its messages in language `lang`.
    pub fn dvk_in(&self, lang: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_dvk"))
            .env("DVK_LANG", "en")
            .args(args)
            .env("DVK_LANG", lang)
            .current_dir(self.root())
            .output()
            .expect("run dvk")
    }

    /// Builds and asserts success; returns stderr (warnings).
    pub fn build_ok(&self) -> String {
        let out = self.dvk(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "build failed:\n{stderr}");
        stderr
    }

    /// Contents of a built file.
    pub fn read(&self, rel: &str) -> String {
        let p = self.root().join("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root().join("public").join(rel).exists()
    }
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A model write-up with the required keys and optional extra front matter lines.
pub fn model(
    title: &str,
    year: i32,
    province: &str,
    district: Option<&str>,
    field: &str,
    extra: &str,
    body: &str,
) -> String {
    let district = district
        .map(|d| format!("district: \"{d}\"\n"))
        .unwrap_or_default();
    format!(
        "---\ntitle: \"{title}\"\nyear: {year}\nprovince: \"{province}\"\n{district}field: \"{field}\"\nhost: \"Hội Nông dân\"\n{extra}---\n\n{body}\n"
    )
}

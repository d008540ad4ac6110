//! A content file that exists but cannot be read is a problem of the machine, not of the
//! content: `dvk build` and `dvk check` exit with 2 (I/O error), not 1, with a Vietnamese
//! message naming the file and what to do, after reporting every problem of the site in the
//! same run; the previous `public/` is left as it was.
//!
//! The realistic case is a file without read permission (copied from another account, or
//! `chmod 000`). Root reads any file whatever its mode, and these tests usually run as root:
//! then the site is given to the unprivileged `nobody` account (uid 65534) and `dvk` runs as
//! that account, for which mode 000 does deny reading. Not as root, the test's own account
//! is used.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use reliability_support::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

const NOBODY: u32 = 65534;

/// The outcome of one `dvk` run.
struct Out {
    code: Option<i32>,
    stderr: String,
}

/// Runs `dvk` in Vietnamese on `site` (as `nobody` when the tests run as root).
fn dvk_as_editor(site: &Path, args: &[&str]) -> Out {
    let mut cmd = Command::new(dvk());
    cmd.args(args)
        .arg(site)
        .env("DVK_LANG", "vi")
        .env("HOME", site)
        .current_dir(site);
    if is_root() {
        cmd.uid(NOBODY).gid(NOBODY);
    }
    let out = cmd.output().expect("cannot start dvk");
    Out {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A site of three models, owned by the account `dvk` runs as.
fn site() -> tempfile::TempDir {
    let dir = empty_site();
    let root = dir.path();
    write(
        &root.join("content/site.yaml"),
        "title: \"Thử\"\nbase_url: \"https://example.gov.vn/\"\n",
    );
    for (slug, title) in [("mot", "Mô hình một"), ("hai", "Mô hình hai")] {
        write(
            &root.join(format!("content/models/{slug}.md")),
            model_md(title, &format!("slug: {slug}\n"), "Nội dung."),
        );
    }
    write(
        &root.join("content/models/danh-sach.yaml"),
        "- title: \"Mô hình ba\"\n  year: 2024\n  province: \"Bến Tre\"\n  district: \"Châu Thành\"\n  field: \"Kinh tế\"\n  host: \"Hội Nông dân\"\n  slug: ba\n",
    );
    if is_root() {
        // The folder tempfile made is private to root: let `nobody` reach and own the site.
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        chown_tree(root);
    }
    dir
}

fn chown_tree(dir: &Path) {
    std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY)).unwrap();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            chown_tree(&p);
        } else {
            std::os::unix::fs::lchown(&p, Some(NOBODY), Some(NOBODY)).unwrap();
        }
    }
}

fn lock(path: &Path) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
}

fn unlock(path: &Path) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o644)).unwrap();
}

/// False (with a note) when even a mode-000 file can be read here: the test cannot work.
fn can_deny_reading(site: &Path) -> bool {
    let probe = site.join("content/models/mot.md");
    lock(&probe);
    let mut cmd = Command::new("cat");
    cmd.arg(&probe);
    if is_root() {
        cmd.uid(NOBODY).gid(NOBODY);
    }
    let denied = cmd.output().map(|o| !o.status.success()).unwrap_or(false);
    unlock(&probe);
    if !denied {
        eprintln!("SKIP: a mode-000 file stays readable here (no unprivileged account?)");
    }
    denied
}

#[test]
fn unreadable_model_and_list_exit_2_naming_them_with_every_problem_and_public_kept() {
    let dir = site();
    let root = dir.path();
    if !can_deny_reading(root) {
        return;
    }
    let first = dvk_as_editor(root, &["build", "-q"]);
    assert_eq!(first.code, Some(0), "the site builds: {}", first.stderr);
    let before = tree_hash(&root.join("public"));
    assert!(!before.is_empty());

    // A model and a YAML list nobody may read, and a content error in another model.
    let model = root.join("content/models/mot.md");
    let list = root.join("content/models/danh-sach.yaml");
    lock(&model);
    lock(&list);
    fs::write(
        root.join("content/models/hai.md"),
        model_md("Mô hình hai", "slug: hai\n", "Nội dung.").replace("year: 2024", "year: 1850"),
    )
    .unwrap();

    let r = dvk_as_editor(root, &["build", "-q"]);
    assert_eq!(
        r.code,
        Some(2),
        "an unreadable file is an I/O error:\n{}",
        r.stderr
    );
    for file in ["content/models/mot.md", "content/models/danh-sach.yaml"] {
        assert!(
            r.stderr.lines().any(|l| l.starts_with(&format!("{file}:"))
                && l.contains("lỗi: không đọc được tệp (")
                && l.contains("quyền đọc")),
            "{file} is named with what to do:\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("content/models/hai.md:") && !l.contains("không đọc được")),
        "the content problem of another file is reported in the same run:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("sự cố của máy"),
        "the summary says it is the machine's problem:\n{}",
        r.stderr
    );
    assert_eq!(
        tree_hash(&root.join("public")),
        before,
        "the previous public/ is untouched"
    );

    let c = dvk_as_editor(root, &["check"]);
    assert_eq!(c.code, Some(2), "dvk check too:\n{}", c.stderr);
    assert!(c.stderr.contains("content/models/mot.md:"), "{}", c.stderr);

    // Readable again (and the content error fixed): exit 0, so it was only the permissions.
    unlock(&model);
    unlock(&list);
    fs::write(
        root.join("content/models/hai.md"),
        model_md("Mô hình hai", "slug: hai\n", "Nội dung."),
    )
    .unwrap();
    let again = dvk_as_editor(root, &["build", "-q"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    println!(
        "unreadable model and list: build exit 2, check exit 2, public/ unchanged ({} files); {} error lines",
        before.len(),
        r.stderr.lines().filter(|l| l.contains(": lỗi: ")).count()
    );
}

#[test]
fn unreadable_site_yaml_exits_2_naming_it() {
    let dir = site();
    let root = dir.path();
    if !can_deny_reading(root) {
        return;
    }
    let settings = root.join("content/site.yaml");
    lock(&settings);
    let r = dvk_as_editor(root, &["build", "-q"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("content/site.yaml:") && l.contains("không đọc được tệp (")),
        "{}",
        r.stderr
    );
    assert!(!root.join("public").exists(), "nothing is published");
}

#[test]
fn a_content_problem_alone_still_exits_1() {
    let dir = site();
    let root = dir.path();
    fs::write(
        root.join("content/models/hai.md"),
        model_md("Mô hình hai", "slug: hai\n", "Nội dung.").replace("year: 2024", "year: 1850"),
    )
    .unwrap();
    let r = dvk_as_editor(root, &["build", "-q"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(!r.stderr.contains("sự cố của máy"), "{}", r.stderr);
}

//! Faults while publishing: `kill -9` at random moments, two builds at once, an output folder
//! that cannot be written, a full disk. In every case `public/` must be byte-for-byte the old
//! complete site or the new one, and the next build must succeed and clean up after the
//! killed one. Figures are printed (`cargo test --release --test reliability_interrupt --
//! --nocapture`) and recorded in RELIABILITY.md.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use reliability_support::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Two versions of the same site that differ in every page (the site title) and in the set
/// of files (version B has one more model).
fn set_version(site: &Path, b: bool) {
    let title = if b {
        "Dân vận khéo — bản B"
    } else {
        "Dân vận khéo — bản A"
    };
    write(
        &site.join("content/site.yaml"),
        format!("title: \"{title}\"\nbase_url: \"https://example.gov.vn/\"\n"),
    );
    let extra = site.join("content/models/ban-b/them.md");
    if b {
        write(
            &extra,
            model_md("Mô hình chỉ có ở bản B", "", "Chỉ bản B có trang này."),
        );
    } else if extra.exists() {
        fs::remove_file(&extra).unwrap();
    }
}

#[test]
fn kill_9_during_twenty_builds_leaves_the_old_or_the_new_site() {
    let dir = tempfile::Builder::new()
        .prefix("dvk-kill-")
        .tempdir()
        .unwrap();
    let site = dir.path().join("site");
    let source = corpus_site(1000, &site);
    let out = site.join("public");

    // The two complete sites, for reference, and how long a full build takes.
    let mut reference: BTreeMap<bool, BTreeMap<String, u64>> = BTreeMap::new();
    let mut full = Vec::new();
    for b in [false, true] {
        set_version(&site, b);
        let r = build(&site, &[], limit(120));
        assert!(r.ok(), "reference build failed: {}", r.describe());
        full.push(r.elapsed);
        reference.insert(b, tree_hash(&out));
    }
    assert_ne!(
        tree_digest(&reference[&false]),
        tree_digest(&reference[&true])
    );
    let files = reference[&true].len();
    let mut recent: Vec<u64> = full.iter().map(|d| d.as_millis() as u64).collect();

    let mut rng = Rng::from_env();
    let mut published = true; // public/ holds version B
    let (mut kept_old, mut got_new, mut leftovers_seen, mut finished_first) = (0, 0, 0, 0);
    let mut kill_times = Vec::new();
    for round in 0..20 {
        let target = !published;
        set_version(&site, target);
        // A full build's usual length, from the last builds; every other round kills near
        // its end, where the output is swapped in, the others anywhere.
        let mut sorted = recent.clone();
        sorted.sort_unstable();
        let full_ms = sorted[sorted.len() / 2].max(1);
        let delay = Duration::from_millis(if round % 2 == 0 {
            rng.below(full_ms * 12 / 10 + 1)
        } else {
            full_ms * 8 / 10 + rng.below(full_ms * 3 / 10 + 1)
        });
        let mut child = Command::new(dvk())
            .args(["build", "-q"])
            .arg(&site)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                finished_first += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        kill_times.push(delay.as_millis());

        let now = tree_hash(&out);
        if now == reference[&published] {
            kept_old += 1;
        } else if now == reference[&target] {
            got_new += 1;
        } else {
            panic!(
                "round {round}: after kill -9 at {} ms ({status}), public/ is neither the old nor the new site:\n old: {}\n new: {}",
                delay.as_millis(),
                tree_diff(&reference[&published], &now),
                tree_diff(&reference[&target], &now)
            );
        }
        leftovers_seen += usize::from(!leftovers(&site, "public").is_empty());

        // The next build succeeds, publishes the target version, and cleans up.
        let r = build(&site, &[], limit(120));
        assert!(
            r.ok(),
            "round {round}: the build after a kill failed: {}",
            r.describe()
        );
        recent.push(r.elapsed.as_millis() as u64);
        if recent.len() > 5 {
            recent.remove(0);
        }
        let after = tree_hash(&out);
        assert!(
            after == reference[&target],
            "round {round}: {}",
            tree_diff(&reference[&target], &after)
        );
        let left = leftovers(&site, "public");
        assert!(
            left.is_empty(),
            "round {round}: leftovers after the next build: {left:?}"
        );
        published = target;
    }
    println!(
        "kill -9: 20 builds of {files} files ({source}), full build about {} ms, killed at {kill_times:?} ms: \
         {kept_old} kept the old site, {got_new} had published the new one ({finished_first} had finished before the kill), \
         {leftovers_seen} left a staging folder that the next build removed; every next build succeeded",
        recent.iter().sum::<u64>() / recent.len() as u64
    );
    assert_eq!(kept_old + got_new, 20);
}

#[test]
fn two_builds_at_once_never_mix_and_the_loser_gets_a_clear_message() {
    let dir = tempfile::Builder::new()
        .prefix("dvk-lock-")
        .tempdir()
        .unwrap();
    let site = dir.path().join("site");
    corpus_site(300, &site);
    let out = site.join("public");
    // Two different sites from the same content: another base URL changes every page.
    let mut reference = Vec::new();
    for url in ["https://a.example/", "https://b.example/"] {
        let r = build(&site, &["--base-url", url], limit(60));
        assert!(r.ok(), "{}", r.describe());
        reference.push(tree_hash(&out));
    }

    // 1. While another build holds the lock (here: this test, with the same flock), a build
    //    is refused with a clear message, and leaves that build's staging folder alone.
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(site.join(".public.dvk-lock"))
        .unwrap();
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor we own.
    assert_eq!(
        unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let live_staging = site.join(".public.dvk-staging-999999");
    fs::create_dir_all(live_staging.join("half")).unwrap();
    let r = build(&site, &["--base-url", "https://a.example/"], limit(60));
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(
        r.stderr
            .contains("another dvk build is writing this output folder right now"),
        "{}",
        r.describe()
    );
    assert!(
        live_staging.join("half").exists(),
        "a refused build removed the running build's staging folder"
    );
    assert_eq!(tree_hash(&out), reference[1]);
    let message = r.stderr.trim().to_string();
    drop(lock);
    fs::remove_dir_all(&live_staging).unwrap();

    // 2. Two real builds started together: one wins the lock, the other is refused or runs
    //    after it; public/ is always one complete site.
    let (mut refused, mut both_ok) = (0, 0);
    for round in 0..6 {
        let spawn = |url: &str| {
            Command::new(dvk())
                .env("DVK_LANG", "en")
                .args(["build", "-q", "--base-url", url])
                .arg(&site)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("https://a.example/"), spawn("https://b.example/"));
        let (ra, rb) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let now = tree_hash(&out);
        assert!(
            now == reference[0] || now == reference[1],
            "round {round}: public/ mixes the two builds: {}",
            tree_diff(&reference[0], &now)
        );
        match (ra.status.code(), rb.status.code()) {
            (Some(0), Some(0)) => both_ok += 1,
            (Some(0), Some(2)) | (Some(2), Some(0)) => {
                refused += 1;
                let loser = if ra.status.code() == Some(2) {
                    &ra
                } else {
                    &rb
                };
                let msg = String::from_utf8_lossy(&loser.stderr);
                assert!(
                    msg.contains("another dvk build is writing this output folder"),
                    "round {round}: unclear message: {msg}"
                );
            }
            other => panic!(
                "round {round}: exit codes {other:?}\n{}\n{}",
                String::from_utf8_lossy(&ra.stderr),
                String::from_utf8_lossy(&rb.stderr)
            ),
        }
        let left = leftovers(&site, "public");
        assert!(left.is_empty(), "round {round}: {left:?}");
    }
    println!(
        "two builds at once: with the lock held, exit 2 and \"{message}\"; 6 rounds of two builds started together: \
         {refused} refused by the lock, {both_ok} ran one after the other; public/ never mixed"
    );
}

/// A mounted file system for one test, unmounted when dropped.
struct Mount(std::path::PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output();
        match out {
            Ok(o) if o.status.success() => Ok(Mount(at.to_path_buf())),
            Ok(o) => Err(String::from_utf8_lossy(&o.stderr).trim().to_string()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn remount(&self, opts: &str) {
        let o = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn unwritable_output_is_a_clear_error_and_the_previous_site_is_kept() {
    let site = empty_site();
    for i in 0..5 {
        write(
            &site.path().join(format!("content/models/m{i}.md")),
            model_md(&format!("Mô hình {i}"), "", "Nội dung."),
        );
    }
    let parent = tempfile::tempdir().unwrap();
    let how;
    let _mount;
    let out = parent.path().join("mnt/public");
    if is_root() {
        // Root writes through file modes, so make the file system itself read-only.
        match Mount::tmpfs(&parent.path().join("mnt"), "16m") {
            Ok(m) => _mount = m,
            Err(e) => {
                eprintln!("SKIP: read-only output: cannot mount a tmpfs ({e})");
                return;
            }
        }
        let r = build(site.path(), &["-o", out.to_str().unwrap()], limit(60));
        assert!(r.ok(), "{}", r.describe());
        _mount.remount("ro");
        how = "tmpfs remounted read-only";
    } else {
        fs::create_dir_all(parent.path().join("mnt")).unwrap();
        let r = build(site.path(), &["-o", out.to_str().unwrap()], limit(60));
        assert!(r.ok(), "{}", r.describe());
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(parent.path().join("mnt"), fs::Permissions::from_mode(0o555)).unwrap();
        how = "parent folder mode 555";
    }
    let before = tree_hash(&out);
    write(
        &site.path().join("content/models/new.md"),
        model_md("Mô hình mới", "", "Mới."),
    );
    let r = build(site.path(), &["-o", out.to_str().unwrap()], limit(60));
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(!r.stderr.contains("panicked"), "{}", r.describe());
    assert!(
        r.stderr.contains("Read-only file system") || r.stderr.contains("Permission denied"),
        "the error should say why: {}",
        r.describe()
    );
    assert!(
        r.stderr
            .contains(&*parent.path().join("mnt").to_string_lossy()),
        "the error should name the folder: {}",
        r.describe()
    );
    assert_eq!(tree_hash(&out), before, "the previous site changed");
    println!(
        "unwritable output ({how}): exit 2, \"{}\"; previous site kept",
        r.stderr.trim()
    );
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(parent.path().join("mnt"), fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn full_disk_is_a_clear_error_and_the_previous_site_is_kept() {
    if !is_root() {
        eprintln!("SKIP: full disk: mounting a small tmpfs needs root");
        return;
    }
    let site = empty_site();
    for i in 0..3 {
        write(
            &site.path().join(format!("content/models/m{i}.md")),
            model_md(&format!("Mô hình {i}"), "", "Nội dung."),
        );
    }
    let parent = tempfile::tempdir().unwrap();
    let mnt = parent.path().join("mnt");
    let _mount = match Mount::tmpfs(&mnt, "2m") {
        Ok(m) => m,
        Err(e) => {
            eprintln!("SKIP: full disk: cannot mount a tmpfs ({e})");
            return;
        }
    };
    let out = mnt.join("public");
    let r = build(site.path(), &["-o", out.to_str().unwrap()], limit(60));
    assert!(
        r.ok(),
        "the small site should fit in 2 MB: {}",
        r.describe()
    );
    let before = tree_hash(&out);
    // Many more models: far more than 2 MB of pages.
    let body = "Vận động nhân dân hiến đất, làm đường giao thông nông thôn. ".repeat(300);
    for i in 0..400 {
        write(
            &site.path().join(format!("content/models/lon/m{i}.md")),
            model_md(&format!("Mô hình lớn {i}"), "", &body),
        );
    }
    let r = build(site.path(), &["-o", out.to_str().unwrap()], limit(120));
    assert!(!r.ok(), "the build cannot fit in 2 MB: {}", r.describe());
    assert!(!r.stderr.contains("panicked"), "{}", r.describe());
    assert!(
        r.stderr.contains("No space left on device"),
        "the error should say the disk is full: {}",
        r.describe()
    );
    assert_eq!(
        r.stderr.matches("No space left on device").count(),
        1,
        "a full disk is reported once, not once per file: {}",
        r.describe()
    );
    assert!(r.stderr.contains("The disk is full"), "{}", r.describe());
    assert!(
        r.stderr.contains("previous site is unchanged"),
        "{}",
        r.describe()
    );
    // A full disk is the machine's problem, not the content's: exit 2, like other I/O errors.
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert_eq!(tree_hash(&out), before, "the previous site changed");
    let left = leftovers(&mnt, "public");
    assert!(
        left.is_empty(),
        "the failed build left {left:?} on the full disk"
    );
    let first = r
        .stderr
        .lines()
        .find(|l| l.contains("No space"))
        .unwrap_or_default()
        .to_string();
    println!(
        "full disk (2 MB tmpfs): exit {:?}, e.g. \"{first}\"; previous site kept, staging removed",
        r.code
    );
    // And once there is room again, the build goes through.
    for i in 0..400 {
        fs::remove_file(site.path().join(format!("content/models/lon/m{i}.md"))).unwrap();
    }
    let r = build(site.path(), &["-o", out.to_str().unwrap()], limit(60));
    assert!(r.ok(), "{}", r.describe());
}

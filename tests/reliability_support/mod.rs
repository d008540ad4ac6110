//! Helpers shared by the `reliability_*` integration tests: fixture sites, running the
//! `dvk` binary with a time limit while measuring its peak memory, hashing output trees.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The `dvk` binary under test.
pub fn dvk() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dvk"))
}

/// The repository (the sample site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// True when the tests run as root (tmpfs and read-only mounts are possible).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Copies a folder recursively (files and folders; symbolic links are copied as links).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = fs::read_dir(from).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let target = to.join(e.file_name());
        let ft = e.file_type().unwrap();
        if ft.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(e.path()).unwrap(), &target).unwrap();
        } else if ft.is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A fresh site folder with the repository's theme and an empty `content/models/`.
pub fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("dvk-rel-")
        .tempdir()
        .unwrap();
    copy_dir(&repo().join("themes"), &dir.path().join("themes"));
    fs::create_dir_all(dir.path().join("content/models")).unwrap();
    dir
}

/// Writes a file, creating its folders.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

/// A valid model write-up with `extra` front matter lines and a body.
pub fn model_md(title: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: {}\nyear: 2024\nprovince: \"Bến Tre\"\ndistrict: \"Châu Thành\"\nfield: \"Kinh tế\"\nhost: \"Hội Nông dân\"\n{extra}---\n\n{body}\n",
        serde_json::to_string(title).unwrap()
    )
}

/// What a finished (or killed) run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// Exit code (None when killed by a signal).
    pub code: Option<i32>,
    /// Terminating signal, if any.
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident memory, in KiB (what `/usr/bin/time -f %M` prints: wait4's ru_maxrss).
    pub max_rss_kb: u64,
    pub elapsed: Duration,
    /// True when the time limit ran out and the process was killed.
    pub timed_out: bool,
}

impl Run {
    /// Exit code 0.
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Panics with the run's output.
    pub fn describe(&self) -> String {
        format!(
            "exit {:?} signal {:?} after {:.2} s, {} MB peak\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            self.signal,
            self.elapsed.as_secs_f64(),
            self.max_rss_kb / 1024,
            tail(&self.stdout, 3000),
            tail(&self.stderr, 3000)
        )
    }
}

/// The last `n` bytes of a text (on a character boundary).
pub fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Runs `cmd` to the end or until `limit` and measures its peak resident memory: with
/// `/usr/bin/time -f %M` when it is installed (`apt-get install -y time`), else from the
/// kernel's high-water mark (`VmHWM` in /proc/PID/status, read every few milliseconds).
/// (wait4's own ru_maxrss would count the test process's size at fork.) Output goes through
/// files, so a chatty child never blocks; on timeout the whole process group is killed.
pub fn run_measured(cmd: &mut Command, limit: Duration) -> Run {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path, rss_path) = (
        dir.path().join("out"),
        dir.path().join("err"),
        dir.path().join("rss"),
    );
    let time = Path::new("/usr/bin/time");
    let wrapped = time.exists();
    let mut real = if wrapped {
        let mut c = Command::new(time);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss_path)
            .arg(cmd.get_program());
        c
    } else {
        Command::new(cmd.get_program())
    };
    real.args(cmd.get_args());
    // Messages in English (what these tests check), unless the test chose a language.
    real.env("DVK_LANG", "en");
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => real.env(k, v),
            None => real.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        real.current_dir(d);
    }
    let child = real
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("cannot start the dvk binary");
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut status = 0;
    let mut hwm_kb = 0u64;
    let mut timed_out = false;
    loop {
        // SAFETY: pid is our own child; status is a valid out-pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            break;
        }
        assert!(
            r == 0,
            "waitpid failed: {}",
            std::io::Error::last_os_error()
        );
        if !wrapped {
            if let Ok(st) = fs::read_to_string(format!("/proc/{pid}/status")) {
                let kb = st
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
                hwm_kb = hwm_kb.max(kb.unwrap_or(0));
            }
        }
        if started.elapsed() > limit && !timed_out {
            timed_out = true;
            // SAFETY: killing the process group we created for this child.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let elapsed = started.elapsed();
    std::mem::forget(child); // already reaped
    let read = |p: &Path| {
        let mut s = Vec::new();
        if let Ok(mut f) = fs::File::open(p) {
            f.read_to_end(&mut s).unwrap();
        }
        String::from_utf8_lossy(&s).into_owned()
    };
    let (mut code, mut signal) = if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else {
        (None, Some(libc::WTERMSIG(status)))
    };
    let mut max_rss_kb = hwm_kb;
    if wrapped {
        let report = read(&rss_path);
        max_rss_kb = report
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .next_back()
            .unwrap_or(0);
        // GNU time exits with the command's status, and says when a signal ended it.
        if let Some(sig) = report
            .lines()
            .find_map(|l| l.strip_prefix("Command terminated by signal "))
        {
            signal = sig.trim().parse().ok();
            code = None;
        }
    }
    Run {
        code,
        signal,
        stdout: read(&out_path),
        stderr: read(&err_path),
        max_rss_kb,
        elapsed,
        timed_out,
    }
}

/// `dvk <args>` with a time limit, in English (these tests were written against English
/// texts; [`dvk_run_vi`] checks the Vietnamese ones).
pub fn dvk_run(args: &[&str], limit: Duration) -> Run {
    run_measured(Command::new(dvk()).env("DVK_LANG", "en").args(args), limit)
}

/// `dvk <args>` with a time limit, in Vietnamese (the default language).
pub fn dvk_run_vi(args: &[&str], limit: Duration) -> Run {
    run_measured(Command::new(dvk()).env("DVK_LANG", "vi").args(args), limit)
}

/// `dvk build SITE -q [more]` with a time limit.
pub fn build(site: &Path, more: &[&str], limit: Duration) -> Run {
    let site = site.to_str().unwrap();
    let mut args = vec!["build", site, "-q"];
    args.extend_from_slice(more);
    dvk_run(&args, limit)
}

/// Every file under `dir` (relative path → hash of its bytes), symbolic links and folders
/// included by kind, so two trees compare equal only when they are byte-for-byte the same.
pub fn tree_hash(dir: &Path) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name().min_depth(1) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let ft = e.file_type();
        if ft.is_symlink() {
            ("link", fs::read_link(e.path()).unwrap()).hash(&mut h);
        } else if ft.is_dir() {
            "dir".hash(&mut h);
        } else {
            fs::read(e.path()).unwrap().hash(&mut h);
        }
        out.insert(rel, h.finish());
    }
    out
}

/// One number for a whole tree.
pub fn tree_digest(tree: &BTreeMap<String, u64>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    tree.hash(&mut h);
    h.finish()
}

/// A short description of how two trees differ (for failure messages).
pub fn tree_diff(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> String {
    let mut lines = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => lines.push(format!("only in first: {k}")),
            Some(w) if w != v => lines.push(format!("differs: {k}")),
            _ => {}
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            lines.push(format!("only in second: {k}"));
        }
    }
    let n = lines.len();
    lines.truncate(15);
    format!("{n} difference(s): {}", lines.join("; "))
}

/// Entries of `dir` whose names start with `.{name}.dvk-` but are not the lock file, the spare, the stamps, the folders' record or the pool:
/// staging folders and other leftovers of a build of the output folder `name`.
pub fn leftovers(dir: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.");
    let lock = format!(".{name}.dvk-lock");
    // The spare folder is kept on purpose: the next build brings it up to date (src/output).
    let (spare, stamps) = (format!(".{name}.dvk-spare"), format!(".{name}.dvk-stamps"));
    let (looks, pool) = (format!(".{name}.dvk-folders"), format!(".{name}.dvk-pool"));
    fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    n.starts_with(&prefix)
                        && *n != lock
                        && *n != spare
                        && *n != stamps
                        && *n != looks
                        && *n != pool
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The generator of benchmark corpora (`bench/gen_corpus.py`, or `DVK_GEN_CORPUS`).
pub fn gen_corpus_script() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("DVK_GEN_CORPUS").map(PathBuf::from),
        Some(repo().join("bench/gen_corpus.py")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// A site of `n` generated models (with the repository's theme) in `dir`: from
/// gen_corpus.py when python3 and the script are there, else from a small built-in generator.
pub fn corpus_site(n: usize, dir: &Path) -> &'static str {
    copy_dir(&repo().join("themes"), &dir.join("themes"));
    if let Some(script) = gen_corpus_script() {
        let ok = Command::new("python3")
            .arg(&script)
            .args(["--flavor", "dvk", "--n", &n.to_string(), "--out"])
            .arg(dir)
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok && dir.join("content/models").is_dir() {
            return "gen_corpus.py --flavor dvk";
        }
    }
    let provinces = [
        "Bến Tre",
        "Lâm Đồng",
        "Nghệ An",
        "Quảng Nam",
        "Đắk Lắk",
        "Hà Giang",
        "Cà Mau",
        "Gia Lai",
    ];
    let districts = [
        "Châu Thành",
        "Lâm Hà",
        "Đạ M'Rông",
        "Diễn Châu",
        "Núi Thành",
        "Ea H'leo",
        "Đồng Văn",
        "Cái Nước",
    ];
    let fields = [
        "Kinh tế",
        "Văn hóa - xã hội",
        "Quốc phòng - an ninh",
        "Xây dựng hệ thống chính trị",
    ];
    let words = "vận động nhân dân hiến đất làm đường giao thông nông thôn xây dựng nhà đại đoàn kết hỗ trợ sinh kế phụ nữ nghèo thanh niên tình nguyện bảo vệ môi trường an ninh trật tự";
    let words: Vec<&str> = words.split(' ').collect();
    for i in 0..n {
        let year = 2019 + (i % 6);
        let title = format!(
            "Mô hình {} {} số {i}",
            words[i % words.len()],
            words[(i * 7) % words.len()]
        );
        let mut body = String::new();
        for p in 0..6 {
            for w in 0..90 {
                body.push_str(words[(i * 31 + p * 17 + w * 13) % words.len()]);
                body.push(' ');
            }
            body.push_str(".\n\n");
        }
        let extra = format!(
            "exemplary: {}\nresults:\n  - {{ label: \"Đất hiến\", value: {}, unit: \"m²\" }}\ntags: [\"{}\", \"{}\"]\n",
            i % 10 == 0,
            100 + i * 3,
            words[i % 11],
            words[i % 13]
        );
        let text = format!(
            "---\ntitle: \"{title}\"\nyear: {year}\nprovince: \"{}\"\n{}field: \"{}\"\nhost: \"Hội Nông dân\"\n{extra}---\n\n{body}",
            provinces[i % provinces.len()],
            if year < 2025 { format!("district: \"{}\"\n", districts[(i / 3) % districts.len()]) } else { String::new() },
            fields[i % fields.len()],
        );
        write(&dir.join(format!("content/models/{year}/m{i:05}.md")), text);
    }
    "built-in generator (gen_corpus.py not found)"
}

/// Reads every file under `dir` and returns the paths of those containing `needle`.
pub fn grep_tree(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            if let Ok(bytes) = fs::read(e.path()) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(e.path().to_path_buf());
                }
            }
        }
    }
    hits
}

/// Time limit for one `dvk` run in these tests: generous, as debug builds are slower.
pub fn limit(release_secs: u64) -> Duration {
    let factor = if cfg!(debug_assertions) { 8 } else { 1 };
    Duration::from_secs(release_secs * factor)
}

/// A tiny seeded random number generator (xorshift), so failures can be replayed with the
/// printed seed.
pub struct Rng(pub u64);

impl Rng {
    /// Seeded from `DVK_SEED` or the clock.
    pub fn from_env() -> Rng {
        let seed = std::env::var("DVK_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        eprintln!("random seed {seed} (replay with DVK_SEED={seed})");
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

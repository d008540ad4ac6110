//! Skipping a build that has nothing to do: a fingerprint of everything a build reads (the
//! paths, sizes and modification times of `content/` and `themes/`, the options and the dvk
//! binary) and of the output it left (every path, size, inode and time under `public/`).
//!
//! After a successful build the two fingerprints are saved in `.dvk-cache/last-build.json`
//! with the build's counts and warnings (the output's made from the stamps of the files the
//! build wrote, [`output_of_files`], equal to what a walk of the folder gives). The next
//! `dvk build` computes them again (a walk of the folders, no file is read); when both
//! match, nothing is rendered and nothing is written, and the same warnings are shown again.
//! Any change (an edit, a new or removed file, a touched theme, a file changed or deleted in
//! `public/`, another dvk) makes a full build.
//!
//! Like git's index, a fingerprint taken while a file is newer than [`RACY_WINDOW`] is not
//! saved: a second edit within the file system's time granularity could keep size and time.

use crate::diag::Diagnostic;
use rayon::prelude::*;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Files modified this recently make a fingerprint "racy" (not trusted for the next build).
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

/// Where the state of the last build is kept, under the site folder.
const STATE_FILE: &str = ".dvk-cache/last-build.json";

/// A hash of a tree, and whether some file in it was modified within [`RACY_WINDOW`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHash {
    /// The hash of every entry (path, kind, size, time, inode) in name order.
    pub hash: u64,
    /// The newest modification time seen, for the racy check.
    pub newest: Option<SystemTime>,
}

/// What the last successful build saw and made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// Fingerprint of the inputs and options (hex).
    pub inputs: String,
    /// Fingerprint of the output folder after publishing (hex).
    pub output: String,
    /// The output folder.
    pub out: PathBuf,
    /// Models built.
    pub models: usize,
    /// Pages written.
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// Warnings of that build.
    pub warnings: Vec<Diagnostic>,
}

/// The stamps of the files under a site's `content/` as a fingerprint's walk saw them
/// ([`inputs_seeing`]): the path and the stamp of each.
pub type Seen = std::sync::Mutex<Vec<(PathBuf, Stamp)>>;

/// The fingerprint of everything a build of `root` into `out` reads: `content/`, `themes/`,
/// `key` (the options) and the running dvk. `None` when it is racy or cannot be taken.
pub fn inputs(root: &Path, out: &Path, key: &str) -> Option<String> {
    inputs_seeing(root, out, key, None)
}

/// [`inputs`], also putting in `seen` the stamp of each file under `content/` the walk
/// looked at: the load then need not ask for them again ([`crate::content::ParseCache`]).
pub fn inputs_seeing(root: &Path, out: &Path, key: &str, seen: Option<&Seen>) -> Option<String> {
    let started = SystemTime::now();
    let mut h = Fx64::default();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    key.hash(&mut h);
    out.hash(&mut h);
    let exe = std::env::current_exe().ok()?;
    entry_hash(&fs::metadata(exe).ok()?).hash(&mut h);
    let mut newest = None;
    for dir in ["content", "themes"] {
        let seen = seen.filter(|_| dir == "content");
        match tree(&root.join(dir), seen) {
            Ok(t) => {
                t.hash.hash(&mut h);
                newest = newest.max(t.newest);
            }
            // A site without its own themes uses the built-in one: an absent folder is an
            // input like any other (it hashes as absent), not a reason to rebuild always.
            Err(e) if e.kind() == io::ErrorKind::NotFound => "absent".hash(&mut h),
            Err(_) => return None,
        }
    }
    if is_racy(newest, started) {
        return None;
    }
    Some(format!("{:016x}", h.finish()))
}

/// A number that changes whenever the running dvk does: its version and the stamp of its
/// program file (a rebuilt dvk may analyse or render otherwise). Salts the caches a build
/// keeps for the next ([`crate::render`]'s search state).
pub fn program_salt() -> u64 {
    // Read once per run: the program does not change while it runs, and every page's key
    // and search document's key takes it.
    static SALT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *SALT.get_or_init(|| {
        let mut h = Fx64::default();
        env!("CARGO_PKG_VERSION").hash(&mut h);
        let exe = std::env::current_exe().and_then(fs::metadata);
        exe.map(|m| entry_hash(&m)).unwrap_or(0).hash(&mut h);
        h.finish()
    })
}

/// The fingerprint of the output folder `out` (`None` if it is missing). Not subject to the
/// racy rule: the build itself has just written these files.
pub fn output(out: &Path) -> Option<String> {
    tree(out, None).ok().map(|t| format!("{:016x}", t.hash))
}

fn is_racy(newest: Option<SystemTime>, now: SystemTime) -> bool {
    newest.is_some_and(|t| t + RACY_WINDOW > now)
}

/// The state saved by the last successful build of `root`, if any and readable.
pub fn load(root: &Path) -> Option<State> {
    let text = fs::read(root.join(STATE_FILE)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Saves `state` for the next build (atomically; failures only cost a full build next time).
pub fn save(root: &Path, state: &State) {
    let path = root.join(STATE_FILE);
    let Some(dir) = path.parent() else { return };
    if fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(".last-build.{}.tmp", std::process::id()));
    let Ok(bytes) = serde_json::to_vec(state) else {
        return;
    };
    if fs::write(&tmp, bytes).is_ok() && put_cache(&tmp, &path).is_err() {
        let _ = fs::remove_file(&tmp);
    }
}

/// Saves a cache file of `.dvk-cache/` (`target`): the bytes `fill` writes, with a hash of
/// them appended, written beside it as `tmp` and renamed over it (a failure only costs the
/// next build the use of the cache; a file cut short or changed fails [`checked`]). The
/// error is the write's or the rename's.
pub fn save_checked(
    target: &Path,
    tmp: &Path,
    fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    use std::io::Write;
    let written = target
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::File::create(tmp))
        .and_then(|f| {
            let mut w = Hashing::new(io::BufWriter::with_capacity(1 << 20, f));
            fill(&mut w)?;
            let sum = w.hasher.digest();
            w.inner.write_all(&sum.to_le_bytes())?;
            w.inner.flush()
        })
        .and_then(|()| put_cache(tmp, target));
    if written.is_err() {
        let _ = fs::remove_file(tmp);
    }
    written
}

/// Puts the cache file written at `tmp` in place of `target`: the old one removed first, then
/// `tmp` renamed. Not one atomic step, on purpose: ext4 (its `auto_da_alloc`) starts writing a
/// file renamed over another to disk at once, and the flush before an edit's swap then waited
/// behind the tens of MB of caches a build rewrites (58 ms of a 30k edit's flush). A cache lost
/// to a crash between the two steps costs the next build its use; one whose bytes did not
/// reach the disk fails its check ([`checked`]).
pub fn put_cache(tmp: &Path, target: &Path) -> io::Result<()> {
    let _ = fs::remove_file(target);
    fs::rename(tmp, target)
}

/// A writer that hashes (xxh3) and counts what goes through it.
pub(crate) struct Hashing<W> {
    pub(crate) inner: W,
    pub(crate) hasher: xxhash_rust::xxh3::Xxh3,
    pub(crate) len: u64,
}

impl<W> Hashing<W> {
    pub(crate) fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
            len: 0,
        }
    }
}

impl<W: io::Write> io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The bytes [`save_checked`] saved, when the file is whole.
pub fn checked(bytes: &[u8]) -> Option<&[u8]> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    (xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() == sum).then_some(body)
}

/// Removes the saved state (before a build changes the output).
pub fn forget(root: &Path) {
    let _ = fs::remove_file(root.join(STATE_FILE));
}

/// Hash of a folder: every entry below it (links to files followed, as the build does), in
/// name order; subfolders are walked in parallel. A link to a folder is an error (the site
/// then always gets a full build).
fn tree(dir: &Path, seen: Option<&Seen>) -> io::Result<TreeHash> {
    let mut entries: Vec<(std::ffi::OsString, fs::Metadata, PathBuf)> = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        let path = e.path();
        let meta = match e.file_type()?.is_symlink() {
            true => fs::metadata(&path)?,
            false => e.metadata()?,
        };
        if meta.is_dir() && e.file_type()?.is_symlink() {
            // A linked folder may loop or lead anywhere: no fingerprint, always a full build.
            return Err(io::Error::other("linked folder"));
        }
        entries.push((e.file_name(), meta, path));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(seen) = seen {
        let files = entries.iter().filter(|(_, meta, _)| !meta.is_dir());
        let files = files.map(|(_, meta, path)| (path.clone(), Stamp::of(meta)));
        let files: Vec<_> = files.collect();
        seen.lock().unwrap_or_else(|e| e.into_inner()).extend(files);
    }
    let parts: Vec<io::Result<TreeHash>> = entries
        .par_iter()
        .map(|(name, meta, path)| {
            let mut h = Fx64::default();
            name.hash(&mut h);
            entry_hash(meta).hash(&mut h);
            // Folders' times change as entries come and go, which the walk sees anyway.
            let mut newest = meta.is_file().then(|| meta.modified().ok()).flatten();
            if meta.is_dir() {
                let sub = tree(path, seen)?;
                sub.hash.hash(&mut h);
                newest = newest.max(sub.newest);
            }
            Ok(TreeHash {
                hash: h.finish(),
                newest,
            })
        })
        .collect();
    let mut h = Fx64::default();
    let mut newest = None;
    for p in parts {
        let p = p?;
        p.hash.hash(&mut h);
        newest = newest.max(p.newest);
    }
    Ok(TreeHash {
        hash: h.finish(),
        newest,
    })
}

/// What a fingerprint records of one entry: kind, and for a file its size, modification
/// time and inode (folders: kind only, since their times change when entries come and go,
/// which the walk sees anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stamp {
    /// A folder.
    Dir,
    /// A file (or anything else that is not a folder).
    File {
        /// Size in bytes.
        len: u64,
        /// Modification time, seconds.
        mtime: i64,
        /// Modification time, nanoseconds.
        mtime_nsec: i64,
        /// Inode number.
        ino: u64,
        /// Device.
        dev: u64,
    },
}

impl Stamp {
    /// The stamp of an entry with metadata `meta`.
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        if meta.is_dir() {
            Stamp::Dir
        } else {
            Stamp::File {
                len: meta.len(),
                mtime: meta.mtime(),
                mtime_nsec: meta.mtime_nsec(),
                ino: meta.ino(),
                dev: meta.dev(),
            }
        }
    }

    /// The stamp of an entry with metadata `meta`. Without Unix metadata, the modification
    /// time comes from [`fs::Metadata::modified`] and there is no inode or device number
    /// (0): a file replaced by another of the same size and time is then not noticed.
    #[cfg(not(unix))]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        if meta.is_dir() {
            return Stamp::Dir;
        }
        let since_epoch = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        Stamp::File {
            len: meta.len(),
            mtime: i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX),
            mtime_nsec: i64::from(since_epoch.subsec_nanos()),
            ino: 0,
            dev: 0,
        }
    }

    fn hash_u64(&self) -> u64 {
        let mut h = Fx64::default();
        match *self {
            Stamp::Dir => 1u8.hash(&mut h),
            Stamp::File {
                len,
                mtime,
                mtime_nsec,
                ino,
                dev,
            } => {
                2u8.hash(&mut h);
                len.hash(&mut h);
                mtime.hash(&mut h);
                mtime_nsec.hash(&mut h);
                ino.hash(&mut h);
                dev.hash(&mut h);
            }
        }
        h.finish()
    }
}

fn entry_hash(meta: &fs::Metadata) -> u64 {
    Stamp::of(meta).hash_u64()
}

/// The fingerprint [`output`] would compute for a folder holding exactly `files` (paths
/// relative to it, `/`-separated, with their stamps; a path ending in `/` is a folder),
/// without walking it: a build knows what it wrote.
pub fn output_of_files(files: &[(String, Stamp)]) -> String {
    #[derive(Default)]
    struct Folder(std::collections::BTreeMap<String, Entry>);
    enum Entry {
        File(Stamp),
        Folder(Folder),
    }
    fn hash(folder: &Folder) -> u64 {
        let mut h = Fx64::default();
        for (name, entry) in &folder.0 {
            let mut e = Fx64::default();
            std::ffi::OsString::from(name).hash(&mut e);
            match entry {
                Entry::File(stamp) => stamp.hash_u64().hash(&mut e),
                Entry::Folder(sub) => {
                    Stamp::Dir.hash_u64().hash(&mut e);
                    hash(sub).hash(&mut e);
                }
            }
            e.finish().hash(&mut h);
        }
        h.finish()
    }
    let mut root = Folder::default();
    'files: for (rel, stamp) in files {
        let mut parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
        // `dir/`: an empty folder (one carried over from the previous output).
        let is_folder = rel.ends_with('/');
        let Some(file) = parts.pop() else { continue };
        let mut folder = &mut root;
        for part in parts {
            let entry = folder
                .0
                .entry(part.to_string())
                .or_insert_with(|| Entry::Folder(Folder::default()));
            // A file where a folder should be cannot be on disk: such a path is not counted.
            let Entry::Folder(sub) = entry else {
                continue 'files;
            };
            folder = sub;
        }
        if is_folder {
            folder
                .0
                .entry(file.to_string())
                .or_insert_with(|| Entry::Folder(Folder::default()));
        } else {
            folder.0.insert(file.to_string(), Entry::File(*stamp));
        }
    }
    format!("{:016x}", hash(&root))
}

/// A small fast hasher (the same every run, unlike std's seeded one).
#[derive(Default)]
struct Fx64(u64);

impl Hasher for Fx64 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/models/2024")).unwrap();
        fs::create_dir_all(dir.path().join("themes/default")).unwrap();
        fs::write(dir.path().join("content/models/2024/a.md"), "a").unwrap();
        fs::write(dir.path().join("themes/default/base.html"), "b").unwrap();
        dir
    }

    fn age(path: &Path) {
        let old = SystemTime::now() - Duration::from_secs(60);
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }

    fn age_all(root: &Path) {
        for e in walkdir::WalkDir::new(root) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                age(e.path());
            }
        }
    }

    #[test]
    fn any_change_to_an_input_changes_the_fingerprint() {
        let dir = site();
        let root = dir.path();
        let out = root.join("public");
        assert_eq!(inputs(root, &out, ""), None, "fresh files are racy");
        age_all(root);
        let first = inputs(root, &out, "").expect("old files give a fingerprint");
        assert_eq!(inputs(root, &out, "").as_ref(), Some(&first));
        assert_ne!(inputs(root, &out, "drafts").as_ref(), Some(&first));
        assert_ne!(
            inputs(root, &root.join("elsewhere"), "").as_ref(),
            Some(&first)
        );

        let a = root.join("content/models/2024/a.md");
        fs::write(&a, "A").unwrap();
        age(&a);
        assert_ne!(
            inputs(root, &out, "").as_ref(),
            Some(&first),
            "same size, new time"
        );

        let b = root.join("themes/default/new.html");
        fs::write(&b, "").unwrap();
        age(&b);
        let with_b = inputs(root, &out, "").unwrap();
        fs::remove_file(&b).unwrap();
        assert_ne!(inputs(root, &out, "").unwrap(), with_b, "a removed file");
    }

    #[test]
    fn a_site_without_themes_has_a_fingerprint_that_sees_themes_come() {
        let dir = site();
        let root = dir.path();
        let out = root.join("public");
        fs::remove_dir_all(root.join("themes")).unwrap();
        age_all(root);
        let without = inputs(root, &out, "").expect("no themes folder: the built-in theme");
        assert_eq!(inputs(root, &out, "").as_ref(), Some(&without));
        fs::create_dir_all(root.join("themes")).unwrap();
        assert_ne!(inputs(root, &out, "").as_ref(), Some(&without));
    }

    #[test]
    fn a_file_changed_or_removed_in_the_output_changes_its_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("mo-hinh/a")).unwrap();
        fs::write(out.join("mo-hinh/a/index.html"), "x").unwrap();
        fs::write(out.join("index.html"), "y").unwrap();
        let first = output(&out).unwrap();
        fs::remove_file(out.join("mo-hinh/a/index.html")).unwrap();
        assert_ne!(output(&out), Some(first));
        assert_eq!(output(&dir.path().join("missing")), None);
    }

    #[test]
    fn the_fingerprint_of_written_files_equals_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let rels = [
            "index.html",
            "mo-hinh/a/index.html",
            "mo-hinh/b/index.html",
            "mo-hinh/b-c/index.html",
            "nam/2024/trang/2/index.html",
            "tim-kiem/i/ab/w/0.bin",
            ".dvk-output",
            "Z.txt",
            "đ/ả.html",
        ];
        for (i, rel) in rels.iter().enumerate() {
            let p = out.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "x".repeat(i)).unwrap();
        }
        let stamps = |rels: &[&str]| -> Vec<(String, Stamp)> {
            rels.iter()
                .map(|r| {
                    (
                        r.to_string(),
                        Stamp::of(&fs::metadata(out.join(r)).unwrap()),
                    )
                })
                .collect()
        };
        let walked = output(&out).unwrap();
        assert_eq!(output_of_files(&stamps(&rels)), walked);
        // Any order of the list gives the same fingerprint; a missing file changes it.
        let mut reversed = rels;
        reversed.reverse();
        assert_eq!(output_of_files(&stamps(&reversed)), walked);
        assert_ne!(output_of_files(&stamps(&rels[1..])), walked);
    }

    #[test]
    #[cfg(unix)]
    fn a_linked_folder_gives_no_fingerprint() {
        let dir = site();
        let root = dir.path();
        age_all(root);
        std::os::unix::fs::symlink(root.join("content"), root.join("content/models/loop")).unwrap();
        assert_eq!(inputs(root, &root.join("public"), ""), None);
    }

    #[test]
    fn state_round_trips_and_can_be_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let state = State {
            inputs: "1".into(),
            output: "2".into(),
            out: dir.path().join("public"),
            models: 3,
            pages: 4,
            files: 5,
            warnings: vec![Diagnostic::warning(Path::new("content/a.md"), 2, 3, "w")],
        };
        save(dir.path(), &state);
        assert_eq!(load(dir.path()), Some(state));
        forget(dir.path());
        assert_eq!(load(dir.path()), None);
    }

    #[test]
    fn a_cache_saved_again_replaces_the_old_and_one_cut_short_or_changed_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("c/cache.bin");
        let tmp = dir.path().join("c/.cache.tmp");
        for bytes in [&b"first state"[..], b"the second, longer state"] {
            save_checked(&target, &tmp, &mut |w| w.write_all(bytes)).unwrap();
            assert_eq!(checked(&fs::read(&target).unwrap()), Some(bytes));
            assert!(!tmp.exists());
        }
        let whole = fs::read(&target).unwrap();
        assert_eq!(checked(&whole[..whole.len() - 1]), None);
        let mut changed = whole.clone();
        changed[0] ^= 1;
        assert_eq!(checked(&changed), None);
        // A write that fails leaves no temporary file behind.
        let failed = save_checked(&target, &tmp, &mut |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert!(!tmp.exists());
    }
}

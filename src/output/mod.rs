//! Writing the built site safely: everything goes into a staging folder next to the output
//! folder, which is swapped in only when the whole build succeeded (atomically on Linux).
//! A lock keeps two builds of the same output apart; leftovers of killed builds are removed;
//! a file whose bytes did not change is hard-linked from the previous build, so it keeps
//! its modification time and is not rewritten.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Marker file that says a folder was made by dvk (so it may be replaced).
pub const MARKER: &str = ".dvk-build";

/// Why the output could not be prepared or published.
#[derive(Debug)]
pub enum OutputError {
    /// The output folder is in a place dvk refuses to write to.
    Refused(String),
    /// Another build holds the lock.
    Locked(PathBuf),
    /// The file system said no.
    Io(String, io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused(m) => write!(f, "{m}"),
            OutputError::Locked(p) => {
                write!(f, "{}", crate::msg!("output.locked", lock = p.display()))
            }
            OutputError::Io(what, e) => write!(f, "{what}: {e}"),
        }
    }
}

impl std::error::Error for OutputError {}

/// A build in progress: a staging folder, the lock, and the previous output.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    previous: Option<PathBuf>,
    /// Files identical to the previous output's: linked in at commit, only if something changed.
    unchanged: std::sync::Mutex<Vec<String>>,
    changed: std::sync::atomic::AtomicUsize,
    /// Every file of the new output with its stamp, for the output fingerprint.
    written: std::sync::Mutex<Vec<(String, crate::fresh::Stamp)>>,
    /// What the previous output's marker lists as written by dvk (None: no list, an output
    /// of an older dvk, or no previous output).
    manifest: Option<HashSet<String>>,
    _lock: File,
    committed: bool,
}

/// What [`Staging::commit`] did.
#[derive(Debug, Default)]
pub struct Published {
    /// Fingerprint of the published folder ([`crate::fresh::output`]) from what was written,
    /// or None when the previous output was left untouched (nothing changed).
    pub fingerprint: Option<String>,
    /// Files and folders dvk did not write that were carried over from the previous output
    /// untouched (a folder holding only such files is named once, with a trailing `/`).
    pub carried: Vec<String>,
}

impl Staging {
    /// Prepares to write `out` for the site at `site_root`: checks the place, takes the
    /// lock, removes leftovers of interrupted builds and creates the staging folder.
    pub fn begin(site_root: &Path, out: &Path) -> Result<Staging, OutputError> {
        let io_err = |what: String| move |e| OutputError::Io(what, e);
        let root = site_root.canonicalize().map_err(io_err(crate::msg!(
            "output.cannot_open_site",
            path = site_root.display()
        )))?;
        let out = absolute(out).map_err(io_err(crate::msg!(
            "output.cannot_resolve",
            path = out.display()
        )))?;
        let parent = out
            .parent()
            .ok_or_else(|| OutputError::Refused(crate::msg!("output.root")))?
            .to_path_buf();
        // Refuse before creating anything: a refused output must not leave folders in content/.
        let planned = resolve_existing_prefix(&out).map_err(io_err(crate::msg!(
            "output.cannot_resolve",
            path = out.display()
        )))?;
        check_place(&root, &planned)?;
        fs::create_dir_all(&parent).map_err(io_err(crate::msg!(
            "output.cannot_create",
            path = parent.display()
        )))?;
        let parent = parent.canonicalize().map_err(io_err(crate::msg!(
            "output.cannot_open",
            path = parent.display()
        )))?;
        let name = out
            .file_name()
            .ok_or_else(|| OutputError::Refused(crate::msg!("output.no_name")))?
            .to_string_lossy()
            .into_owned();
        let out = parent.join(&name);
        if fs::symlink_metadata(&out)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            return Err(OutputError::Refused(crate::msg!(
                "output.symlink",
                path = out.display()
            )));
        }
        check_place(&root, &out)?;
        if out.exists() && !out.is_dir() {
            return Err(OutputError::Refused(crate::msg!(
                "output.not_a_folder",
                path = out.display()
            )));
        }
        // A folder dvk did not make is refused, unless it holds only what a GitHub Pages
        // checkout holds (`.git/`, `.nojekyll`, `CNAME`): those are kept.
        let unmarked = out.is_dir() && !out.join(MARKER).exists();
        let pages_checkout = unmarked
            && fs::read_dir(&out).is_ok_and(|d| {
                d.flatten().all(|e| {
                    let n = e.file_name();
                    let n = n.to_string_lossy();
                    n.starts_with('.') || n == "CNAME"
                })
            });
        if unmarked
            && !pages_checkout
            && fs::read_dir(&out)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false)
        {
            return Err(OutputError::Refused(crate::msg!(
                "output.foreign_folder",
                path = out.display()
            )));
        }
        let lock_path = parent.join(format!(".{name}.dvk-lock"));
        let lock = File::create(&lock_path).map_err(io_err(crate::msg!(
            "output.cannot_create",
            path = lock_path.display()
        )))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(OutputError::Locked(lock_path)),
            Err(fs::TryLockError::Error(e)) => {
                return Err(OutputError::Io(
                    crate::msg!("output.cannot_lock", path = lock_path.display()),
                    e,
                ))
            }
        }
        // Leftovers of builds that were killed: safe to remove while we hold the lock.
        let prefix = format!(".{name}.dvk-staging-");
        if let Ok(entries) = fs::read_dir(&parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        let staging = parent.join(format!("{prefix}{}", std::process::id()));
        fs::create_dir(&staging).map_err(io_err(crate::msg!(
            "output.cannot_create",
            path = staging.display()
        )))?;
        let marker = write_file(&staging.join(MARKER), b"built by dvk\n").map_err(io_err(
            crate::msg!("output.cannot_create", path = staging.display()),
        ))?;
        let previous = out.is_dir().then(|| out.clone());
        let manifest = if unmarked {
            // Nothing in it is dvk's.
            Some(HashSet::new())
        } else {
            previous.as_deref().and_then(read_manifest)
        };
        Ok(Staging {
            manifest,
            written: std::sync::Mutex::new(vec![(MARKER.to_string(), marker)]),
            unchanged: std::sync::Mutex::new(Vec::new()),
            changed: std::sync::atomic::AtomicUsize::new(0),
            previous,
            out,
            staging,
            _lock: lock,
            committed: false,
        })
    }

    /// The final output folder.
    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// Writes one file (path relative to the output root, `/` separators). Safe to call
    /// from many threads. A file identical to the previous build's is not written: it is
    /// hard-linked at commit, and only when something else changed.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.staging.join(checked_rel(rel)?);
        if let Some(prev) = &self.previous {
            let old = prev.join(rel);
            if let Ok(meta) = fs::symlink_metadata(&old) {
                if meta.is_file()
                    && meta.len() == bytes.len() as u64
                    && fs::read(&old).map(|b| b == bytes).unwrap_or(false)
                {
                    if let Ok(mut u) = self.unchanged.lock() {
                        u.push(rel.to_string());
                        return Ok(());
                    }
                }
            }
        }
        self.changed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        let stamp = write_file(&target, bytes)?;
        self.record(rel, stamp);
        Ok(())
    }

    /// [`Staging::write`] for a file that `fill` makes piece by piece: it goes straight to
    /// disk, then is compared with the previous build's file there.
    pub fn write_stream(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let target = self.staging.join(checked_rel(rel)?);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut w = io::BufWriter::with_capacity(1 << 20, File::create(&target)?);
        fill(&mut w)?;
        let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        let stamp = crate::fresh::Stamp::of(&file.metadata()?);
        drop(file);
        if let Some(prev) = &self.previous {
            if same_file_contents(&prev.join(rel), &target) {
                fs::remove_file(&target)?;
                if let Ok(mut u) = self.unchanged.lock() {
                    u.push(rel.to_string());
                }
                return Ok(());
            }
        }
        self.changed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.record(rel, stamp);
        Ok(())
    }

    /// The files of the output so far, for passes that add files made from others
    /// (precompression, `crate::precompress`): each one's path relative to the output and
    /// where its bytes are now (the staging folder, or the previous output for a file
    /// unchanged since the last build, linked in at commit).
    pub fn files_so_far(&self) -> Vec<BuiltFile> {
        let mut files = Vec::new();
        if let Ok(w) = self.written.lock() {
            files.extend(w.iter().map(|(rel, _)| BuiltFile {
                rel: rel.clone(),
                path: self.staging.join(rel),
                unchanged: false,
            }));
        }
        if let (Some(prev), Ok(u)) = (&self.previous, self.unchanged.lock()) {
            files.extend(u.iter().map(|rel| BuiltFile {
                rel: rel.clone(),
                path: prev.join(rel),
                unchanged: true,
            }));
        }
        files
    }

    /// Keeps the previous output's regular file `rel` in the new output, unchanged (linked in
    /// at commit, as [`Staging::write`] does for identical bytes). False when there is none.
    pub fn keep_previous(&self, rel: &str) -> bool {
        let Some(prev) = &self.previous else {
            return false;
        };
        if checked_rel(rel).is_err()
            || !fs::symlink_metadata(prev.join(rel)).is_ok_and(|m| m.is_file())
        {
            return false;
        }
        match self.unchanged.lock() {
            Ok(mut u) => {
                u.push(rel.to_string());
                true
            }
            Err(_) => false,
        }
    }

    fn record(&self, rel: &str, stamp: crate::fresh::Stamp) {
        if let Ok(mut w) = self.written.lock() {
            w.push((rel.to_string(), stamp));
        }
    }

    /// True when the build wrote exactly the files of the previous output, byte for byte.
    fn nothing_changed(&self) -> bool {
        let Some(prev) = &self.previous else {
            return false;
        };
        if self.changed.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            return false;
        }
        let unchanged = self.unchanged.lock().map(|u| u.len()).unwrap_or(0);
        if let Some(manifest) = &self.manifest {
            // Files dvk did not write stay where they are.
            return unchanged == manifest.len();
        }
        let previous_files = walkdir::WalkDir::new(prev)
            .into_iter()
            .flatten()
            .filter(|e| !e.file_type().is_dir())
            .count();
        // The previous output also holds the marker file, which is not written again.
        unchanged + 1 == previous_files
    }

    /// Copies a source file (photo, linked file) into the output.
    pub fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        let bytes = fs::read(source)?;
        self.write(rel, &bytes)
    }

    /// Publishes the staging folder as the output folder, in one step where the system
    /// can swap two folders atomically, and removes the previous output. Returns the
    /// fingerprint of the published folder ([`crate::fresh::output`]) from what was written,
    /// or None when the previous output was left untouched (nothing changed).
    pub fn commit(self) -> io::Result<Option<String>> {
        self.publish().map(|p| p.fingerprint)
    }

    /// [`Staging::commit`], also saying which files dvk did not write were carried over.
    ///
    /// A file of the previous output that dvk did not write (a `CNAME`, a `.git/` of a GitHub
    /// Pages checkout, a file an editor put there) is never deleted: it is hard-linked into
    /// the new output before the swap, untouched. When the new build writes a different file
    /// at the same path, nothing is published and the error names it. Everything is flushed
    /// to disk before the swap, so that a power loss leaves either output whole.
    pub fn publish(mut self) -> io::Result<Published> {
        if self.nothing_changed() {
            // Leave the published site untouched: same files, same modification times.
            let _ = fs::remove_dir_all(&self.staging);
            self.committed = true;
            return Ok(Published::default());
        }
        let mut carried = Vec::new();
        if let Some(prev) = &self.previous {
            let unchanged = std::mem::take(
                &mut *self
                    .unchanged
                    .lock()
                    .map_err(|_| io::Error::other("poisoned"))?,
            );
            use rayon::prelude::*;
            unchanged.par_iter().try_for_each(|rel| {
                let target = self.staging.join(rel);
                if let Some(dir) = target.parent() {
                    fs::create_dir_all(dir)?;
                }
                fs::hard_link(prev.join(rel), &target)
                    .or_else(|_| fs::copy(prev.join(rel), &target).map(|_| ()))?;
                self.record(rel, crate::fresh::Stamp::of(&fs::metadata(&target)?));
                Ok::<(), io::Error>(())
            })?;
            let foreign = foreign_entries(prev, self.manifest.as_ref());
            self.carry_foreign(prev, &foreign)?;
            carried = summarise_foreign(&foreign, self.manifest.as_ref());
            self.write_manifest(&foreign)?;
        } else {
            self.write_manifest(&[])?;
        }
        // `DVK_NO_SYNC=1` skips the flush (for measuring its cost; not for real sites).
        if std::env::var_os("DVK_NO_SYNC").is_none() {
            sync_tree(&self.staging)?;
        }
        if self.previous.is_some() {
            if exchange(&self.staging, &self.out).is_err() {
                // No atomic exchange: two renames, the old output kept until the new one is in.
                let old = fallback_old_path(&self.staging);
                fs::rename(&self.out, &old)?;
                if let Err(e) = fs::rename(&self.staging, &self.out) {
                    let _ = fs::rename(&old, &self.out);
                    return Err(e);
                }
                let _ = fs::rename(&old, &self.staging);
            }
            sync_dir(self.out.parent().unwrap_or(&self.out));
            // The staging path now holds the previous output.
            remove_tree(&self.staging);
        } else {
            fs::rename(&self.staging, &self.out)?;
            sync_dir(self.out.parent().unwrap_or(&self.out));
        }
        self.committed = true;
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?,
        );
        Ok(Published {
            fingerprint: Some(crate::fresh::output_of_files(&written)),
            carried,
        })
    }

    /// Hard-links every file of the previous output that dvk did not write into the staging
    /// folder (empty folders are made, links copied as links); returns them for the report.
    fn carry_foreign(&self, prev: &Path, foreign: &[(PathBuf, Foreign)]) -> io::Result<()> {
        let mut clashes = Vec::new();
        for (rel, kind) in foreign {
            let from = prev.join(rel);
            let target = self.staging.join(rel);
            let rel_text = rel.to_string_lossy().replace('\\', "/");
            match kind {
                Foreign::Folder => {
                    fs::create_dir_all(&target)?;
                    self.record(&format!("{rel_text}/"), crate::fresh::Stamp::Dir);
                    continue;
                }
                _ if fs::symlink_metadata(&target).is_ok() => {
                    // dvk wrote the same path: fine when the bytes are the same.
                    if !same_file_contents(&from, &target) {
                        clashes.push(rel_text);
                    }
                    continue;
                }
                Foreign::File => {
                    if let Some(dir) = target.parent() {
                        fs::create_dir_all(dir)?;
                    }
                    fs::hard_link(&from, &target)
                        .or_else(|_| fs::copy(&from, &target).map(|_| ()))?;
                }
                Foreign::Link => {
                    if let Some(dir) = target.parent() {
                        fs::create_dir_all(dir)?;
                    }
                    std::os::unix::fs::symlink(fs::read_link(&from)?, &target)?;
                }
            }
            if let Ok(meta) = fs::metadata(&target) {
                self.record(&rel_text, crate::fresh::Stamp::of(&meta));
            }
        }
        if !clashes.is_empty() {
            return Err(io::Error::other(crate::msg!(
                "output.clash",
                files = clashes.join(", ")
            )));
        }
        Ok(())
    }

    /// Rewrites the marker with the list of files dvk wrote, for the next build to tell them
    /// from files it did not write.
    fn write_manifest(&self, foreign: &[(PathBuf, Foreign)]) -> io::Result<()> {
        let mut written = self
            .written
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?;
        let carried: HashSet<String> = foreign
            .iter()
            .map(|(rel, _)| rel.to_string_lossy().replace('\\', "/"))
            .collect();
        let mut files: Vec<&str> = written
            .iter()
            .map(|(rel, _)| rel.as_str())
            .filter(|rel| *rel != MARKER && !rel.ends_with('/') && !carried.contains(*rel))
            .collect();
        files.sort_unstable();
        let mut text = String::from(MARKER_HEAD);
        for f in files {
            text.push_str(f);
            text.push('\n');
        }
        let stamp = write_file(&self.staging.join(MARKER), text.as_bytes())?;
        if let Some(entry) = written.iter_mut().find(|(rel, _)| rel == MARKER) {
            entry.1 = stamp;
        }
        Ok(())
    }
}

/// The marker's first lines; the lines after them list the files dvk wrote.
const MARKER_HEAD: &str = "built by dvk\nfiles written by dvk (any other file here is kept):\n";

/// The files the marker of `out` says dvk wrote; None for a marker without a list.
fn read_manifest(out: &Path) -> Option<HashSet<String>> {
    let text = fs::read_to_string(out.join(MARKER)).ok()?;
    let list = text.strip_prefix(MARKER_HEAD)?;
    Some(
        list.lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
    )
}

/// What kind of entry dvk did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Foreign {
    File,
    Link,
    /// An empty folder.
    Folder,
}

/// Entries of the previous output `prev` that dvk did not write: files and links not in
/// `manifest`, and empty folders. Without a list (an output of an older dvk), the entries
/// under a top-level name starting with `.` and a top-level `CNAME`: what a GitHub Pages
/// checkout holds.
fn foreign_entries(prev: &Path, manifest: Option<&HashSet<String>>) -> Vec<(PathBuf, Foreign)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(prev)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let Ok(rel) = e.path().strip_prefix(prev) else {
            continue;
        };
        let text = rel.to_str();
        if text == Some(MARKER) {
            continue;
        }
        let ours = match (manifest, text) {
            (_, None) => false,
            (Some(m), Some(t)) => m.contains(t),
            (None, Some(t)) => {
                let first = t.split('/').next().unwrap_or("");
                !(first.starts_with('.') || first == "CNAME")
            }
        };
        let kind = if e.file_type().is_dir() {
            let empty = fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_none());
            if !empty {
                continue;
            }
            Foreign::Folder
        } else if e.file_type().is_symlink() {
            Foreign::Link
        } else {
            Foreign::File
        };
        if !ours {
            out.push((rel.to_path_buf(), kind));
        }
    }
    out
}

/// The carried entries for a report: a top-level folder that holds no file of dvk's is
/// named once (`.git/`), other entries one by one.
fn summarise_foreign(
    foreign: &[(PathBuf, Foreign)],
    manifest: Option<&HashSet<String>>,
) -> Vec<String> {
    let ours_top: HashSet<&str> = manifest
        .map(|m| {
            m.iter()
                .filter_map(|f| f.split_once('/').map(|(d, _)| d))
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for (rel, _) in foreign {
        let text = rel.to_string_lossy().replace('\\', "/");
        let shown = match text.split_once('/') {
            Some((top, _)) if !ours_top.contains(top) => format!("{top}/"),
            _ => text,
        };
        if out.last() != Some(&shown) {
            out.push(shown);
        }
    }
    out
}

/// Flushes everything written under `dir` to disk: one `syncfs` for its file system, which
/// costs less than an `fsync` per file (see RELIABILITY.md for the measured cost).
#[cfg(target_os = "linux")]
fn sync_tree(dir: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let d = File::open(dir)?;
    // SAFETY: `d` is an open descriptor for the duration of the call.
    if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_tree(dir: &Path) -> io::Result<()> {
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        File::open(e.path())?.sync_all()?;
    }
    Ok(())
}

/// Makes a rename in `dir` durable (best effort: some file systems cannot sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// A file of the output being built ([`Staging::files_so_far`]).
#[derive(Debug, Clone)]
pub struct BuiltFile {
    /// Path relative to the output folder, `/` separators.
    pub rel: String,
    /// Where its bytes are now.
    pub path: PathBuf,
    /// Unchanged since the previous build (its bytes are the previous output's file).
    pub unchanged: bool,
}

/// True when `old` is a regular file with the same bytes as `new` (read a block at a time).
fn same_file_contents(old: &Path, new: &Path) -> bool {
    use std::io::Read;
    let (Ok(old_meta), Ok(new_meta)) = (fs::symlink_metadata(old), fs::metadata(new)) else {
        return false;
    };
    if !old_meta.is_file() || old_meta.len() != new_meta.len() {
        return false;
    }
    let (Ok(mut a), Ok(mut b)) = (File::open(old), File::open(new)) else {
        return false;
    };
    let (mut x, mut y) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = match a.read(&mut x) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return b.read(&mut y[..1]).is_ok_and(|m| m == 0);
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}

/// Writes a new file and returns its stamp (one `fstat` on the open file, no path lookup).
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<crate::fresh::Stamp> {
    use std::io::Write;
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    Ok(crate::fresh::Stamp::of(&f.metadata()?))
}

/// Removes a folder tree, files in parallel (file removal dominates on slow disks).
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        let _ = fs::remove_file(f);
    });
    let _ = fs::remove_dir_all(dir);
}

/// Where the fallback publish parks the previous output between its two renames: named like
/// a staging folder, so that the next build removes it if this one is killed in between
/// (`with_extension("old")` gave `.public.old`, which nothing removed and which made every
/// later fallback publish fail).
fn fallback_old_path(staging: &Path) -> PathBuf {
    PathBuf::from(format!("{}-old", staging.display()))
}

/// Swaps two folders atomically (Linux renameat2 RENAME_EXCHANGE).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them as given.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// `p` (absolute, normalised) with its longest existing ancestor resolved through symbolic
/// links and the rest appended: where `p` will be once its folders are created.
fn resolve_existing_prefix(p: &Path) -> io::Result<PathBuf> {
    let mut existing = p.to_path_buf();
    let mut rest = Vec::new();
    while fs::symlink_metadata(&existing).is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize()?;
    out.extend(rest.iter().rev());
    Ok(out)
}

/// Refuses output folders that would overwrite the site itself.
fn check_place(root: &Path, out: &Path) -> Result<(), OutputError> {
    if root.starts_with(out) {
        return Err(OutputError::Refused(crate::msg!(
            "output.is_site",
            path = out.display()
        )));
    }
    for inner in ["content", "themes"] {
        let dir = root.join(inner);
        if out.starts_with(&dir) {
            return Err(OutputError::Refused(crate::msg!(
                "output.inside",
                path = out.display(),
                inner = inner
            )));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> io::Result<PathBuf> {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A relative output path that cannot climb out of the output folder.
fn checked_rel(rel: &str) -> io::Result<&Path> {
    let p = Path::new(rel);
    if p.components().all(|c| matches!(c, Component::Normal(_))) && !rel.is_empty() {
        Ok(p)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refused output path {rel:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_inside_content_or_equal_to_site_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content")).unwrap();
        for bad in [dir.path().to_path_buf(), dir.path().join("content/public")] {
            let e = Staging::begin(dir.path(), &bad).err().unwrap();
            assert!(matches!(e, OutputError::Refused(_)), "{e}");
        }
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_failed_builds_leave_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b.txt", b"two").unwrap();
        // The fingerprint made from what was written is the one a walk of the output finds.
        let fp = s.commit().unwrap();
        assert_eq!(fp, crate::fresh::output(&out));
        use std::os::unix::fs::MetadataExt;
        let ino = fs::metadata(out.join("a/index.html")).unwrap().ino();

        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b.txt", b"changed").unwrap();
        drop(s); // a failed build: nothing changes
        assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"two");

        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b.txt", b"changed").unwrap();
        // Also with a hard-linked unchanged file.
        let fp = s.commit().unwrap();
        assert_eq!(fp, crate::fresh::output(&out));
        assert_eq!(fs::metadata(out.join("a/index.html")).unwrap().ino(), ino);

        // Nothing changed: the output folder itself is left alone.
        let dir_ino = fs::metadata(&out).unwrap().ino();
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b.txt", b"changed").unwrap();
        assert_eq!(s.commit().unwrap(), None);
        assert_eq!(fs::metadata(&out).unwrap().ino(), dir_ino);

        // A file no longer built disappears even though every written file is unchanged.
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert!(!out.join("b.txt").exists());
        assert_eq!(fs::metadata(out.join("a/index.html")).unwrap().ino(), ino);
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("staging"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn refused_output_inside_content_creates_no_folder_there() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/models")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("content"), dir.path().join("link")).unwrap();
        for bad in ["content/models/new/public", "link/new/public"] {
            let e = Staging::begin(dir.path(), &dir.path().join(bad))
                .err()
                .unwrap();
            assert!(matches!(e, OutputError::Refused(_)), "{bad}: {e}");
        }
        assert!(!dir.path().join("content/models/new").exists());
        assert!(!dir.path().join("content/new").exists());
    }

    #[test]
    fn fallback_publish_leftover_is_removed_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(dir.path(), &out).unwrap();
        let parked = fallback_old_path(&s.staging);
        drop(s);
        fs::create_dir_all(parked.join("old-site")).unwrap();
        let _next = Staging::begin(dir.path(), &out).unwrap();
        assert!(!parked.exists(), "{} was left behind", parked.display());
    }

    #[test]
    fn a_second_build_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let _first = Staging::begin(dir.path(), &out).unwrap();
        assert!(matches!(
            Staging::begin(dir.path(), &out),
            Err(OutputError::Locked(_))
        ));
    }

    #[test]
    fn foreign_folders_are_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("precious.txt"), "x").unwrap();
        assert!(matches!(
            Staging::begin(dir.path(), &out),
            Err(OutputError::Refused(_))
        ));
    }

    #[test]
    fn files_dvk_did_not_write_are_carried_over_untouched_and_listed() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("index.html", b"one").unwrap();
        s.write("mo-hinh/a/index.html", b"a").unwrap();
        s.commit().unwrap();
        fs::write(out.join("CNAME"), "danvan.example.vn\n").unwrap();
        fs::create_dir_all(out.join(".git/refs/tags")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        fs::write(out.join("mo-hinh/a/note.txt"), "x").unwrap();
        let ino = fs::metadata(out.join("CNAME")).unwrap().ino();

        // Nothing dvk writes changed: the output is left as it is, extra files included.
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("index.html", b"one").unwrap();
        s.write("mo-hinh/a/index.html", b"a").unwrap();
        assert_eq!(s.publish().unwrap().fingerprint, None);

        // A change: a new output is swapped in, carrying the extra files.
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("index.html", b"two").unwrap();
        let p = s.publish().unwrap();
        assert_eq!(p.fingerprint, crate::fresh::output(&out));
        assert_eq!(p.carried, vec![".git/", "CNAME", "mo-hinh/a/note.txt"]);
        assert_eq!(fs::metadata(out.join("CNAME")).unwrap().ino(), ino);
        assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
        assert!(out.join(".git/refs/tags").is_dir());
        assert!(out.join("mo-hinh/a/note.txt").exists());
        // The page dvk no longer writes is gone; its folder stays for the note.
        assert!(!out.join("mo-hinh/a/index.html").exists());

        // A new file of dvk's at the path of one it did not write: refused, nothing changes.
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("index.html", b"three").unwrap();
        s.write("CNAME", b"other").unwrap();
        let e = s.publish().unwrap_err();
        assert!(e.to_string().contains("CNAME"), "{e}");
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"two");
        assert_eq!(
            fs::read_to_string(out.join("CNAME")).unwrap(),
            "danvan.example.vn\n"
        );
    }

    #[test]
    fn a_github_pages_checkout_is_accepted_as_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        fs::write(out.join("CNAME"), "x.example\n").unwrap();
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("index.html", b"one").unwrap();
        let p = s.publish().unwrap();
        assert_eq!(p.carried, vec![".git/", "CNAME"]);
        assert!(out.join(".git/HEAD").exists() && out.join("index.html").exists());
    }
}

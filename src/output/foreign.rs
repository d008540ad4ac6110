//! Files an output folder holds that dvk did not write (a `CNAME`, a `.git/` of a GitHub
//! Pages checkout, a note an editor put there): found, carried into the next output
//! untouched, and named in the build's report.

use super::disk::same_file_contents;
use super::manifest::Manifest;
use super::MARKER;
use crate::fresh::Stamp;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What kind of entry dvk did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Foreign {
    File,
    Link,
    /// An empty folder.
    Folder,
}

/// One entry dvk did not write, relative to its output folder.
#[derive(Debug, Clone)]
pub(super) struct ForeignEntry {
    pub rel: PathBuf,
    pub kind: Foreign,
}

impl ForeignEntry {
    /// The entry as the marker lists it: `/` separators, a folder with a trailing `/`.
    pub fn listed(&self) -> String {
        let t = self.rel.to_string_lossy().replace('\\', "/");
        match self.kind {
            Foreign::Folder => format!("{t}/"),
            _ => t,
        }
    }
}

/// Entries of the previous output `prev` that dvk did not write: files and links not in
/// `manifest`, and empty folders. Without a list (an output of an older dvk), the entries
/// under a top-level name starting with `.` and a top-level `CNAME`: what a GitHub Pages
/// checkout holds.
pub(super) fn entries(prev: &Path, manifest: Option<&Manifest>) -> Vec<ForeignEntry> {
    let mut walked = Vec::new();
    walk(prev, PathBuf::new(), &mut walked);
    let mut out = Vec::new();
    for (rel, kind) in walked {
        let text = rel.to_str();
        if text == Some(MARKER) {
            continue;
        }
        let ours = match (manifest, text) {
            (_, None) => false,
            (Some(m), Some(t)) => m.files.contains_key(t),
            (None, Some(t)) => {
                let first = t.split('/').next().unwrap_or("");
                !(first.starts_with('.') || first == "CNAME")
            }
        };
        if !ours {
            out.push(ForeignEntry { rel, kind });
        }
    }
    out
}

/// Every file and link below `dir` (whose path relative to the output is `rel`), and every
/// empty folder, in name order with a folder's entries after it (as a sorted walk gives
/// them); subfolders are read in parallel. A folder that cannot be read is left out, with
/// what it holds.
fn walk(dir: &Path, rel: PathBuf, out: &mut Vec<(PathBuf, Foreign)>) {
    use rayon::prelude::*;
    let Ok(read) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::ffi::OsString, fs::FileType)> = read
        .flatten()
        .filter_map(|e| Some((e.file_name(), e.file_type().ok()?)))
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Each subfolder's own list, read in parallel, then put in order.
    let subs: Vec<Vec<(PathBuf, Foreign)>> = entries
        .par_iter()
        .map(|(name, t)| {
            let rel = rel.join(name);
            if t.is_dir() {
                let path = dir.join(name);
                let mut below = Vec::new();
                walk(&path, rel.clone(), &mut below);
                if below.is_empty() && fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
                    below.push((rel, Foreign::Folder));
                }
                below
            } else if t.is_symlink() {
                vec![(rel, Foreign::Link)]
            } else {
                vec![(rel, Foreign::File)]
            }
        })
        .collect();
    out.extend(subs.into_iter().flatten());
}

/// Brings the entries dvk did not write from `prev` into `work`: files hard-linked (kept
/// when `work` already holds the same file), links copied as links, empty folders made.
/// `written` holds the paths dvk writes in the new output: one of them at the path of a
/// foreign file with other bytes is a clash, and the error names every clash. Entries carried
/// into `work` by an earlier build (`before`, as its marker listed them) that `prev` no
/// longer has are removed. Returns each carried entry's path and stamp.
pub(super) fn carry(
    prev: &Path,
    work: &Path,
    foreign: &[ForeignEntry],
    before: &[String],
    written: &HashSet<&str>,
) -> io::Result<Vec<(String, Stamp)>> {
    let now: HashSet<String> = foreign.iter().map(ForeignEntry::listed).collect();
    for old in before.iter().filter(|b| !now.contains(*b)) {
        if written.contains(old.as_str()) {
            continue;
        }
        let path = work.join(old.trim_end_matches('/'));
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {
                let _ = fs::remove_dir(&path);
            }
            Ok(_) => {
                let _ = fs::remove_file(&path);
            }
            Err(_) => {}
        }
    }
    let mut clashes = Vec::new();
    let mut stamps = Vec::new();
    for f in foreign {
        let from = prev.join(&f.rel);
        let target = work.join(&f.rel);
        let rel_text = f.rel.to_string_lossy().replace('\\', "/");
        match f.kind {
            Foreign::Folder => {
                fs::create_dir_all(&target)?;
                stamps.push((format!("{rel_text}/"), Stamp::Dir));
                continue;
            }
            _ if written.contains(rel_text.as_str()) => {
                // dvk wrote the same path: fine when the bytes are the same.
                if !same_file_contents(&from, &target) {
                    clashes.push(rel_text);
                }
                continue;
            }
            Foreign::File => {
                let same = match (fs::symlink_metadata(&from), fs::symlink_metadata(&target)) {
                    (Ok(a), Ok(b)) => b.is_file() && Stamp::of(&a) == Stamp::of(&b),
                    _ => false,
                };
                if !same {
                    super::clear(&target)?;
                    super::ensure_parent(work, &target)?;
                    fs::hard_link(&from, &target)
                        .or_else(|_| fs::copy(&from, &target).map(|_| ()))?;
                }
            }
            Foreign::Link => {
                let to = fs::read_link(&from)?;
                if fs::read_link(&target).ok().as_ref() != Some(&to) {
                    super::clear(&target)?;
                    super::ensure_parent(work, &target)?;
                    #[cfg(unix)]
                    std::os::unix::fs::symlink(&to, &target)?;
                    // Without links: the file it points to.
                    #[cfg(not(unix))]
                    fs::copy(&from, &target)?;
                }
            }
        }
        if let Ok(meta) = fs::metadata(&target) {
            stamps.push((rel_text, Stamp::of(&meta)));
        }
    }
    if !clashes.is_empty() {
        return Err(io::Error::other(crate::msg!(
            "output.clash",
            files = clashes.join(", ")
        )));
    }
    Ok(stamps)
}

/// The carried entries for a report: a top-level folder that holds no file of dvk's is
/// named once (`.git/`), other entries one by one.
pub(super) fn summarise(foreign: &[ForeignEntry], manifest: Option<&Manifest>) -> Vec<String> {
    let ours_top: HashSet<&str> = manifest
        .map(|m| {
            m.files
                .keys()
                .filter_map(|f| f.split_once('/').map(|(d, _)| d))
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for f in foreign {
        let text = f.rel.to_string_lossy().replace('\\', "/");
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

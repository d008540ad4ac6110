//! File-system steps of publishing: where an output folder may be, flushing to disk, swapping
//! two folders, removing a tree, writing one file, comparing two files.

use super::OutputError;
use std::fs::{self, File};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Flushes everything written under `dir` to disk: one `syncfs` for its file system, which
/// costs less than an `fsync` per file (see RELIABILITY.md for the measured cost).
#[cfg(target_os = "linux")]
pub(super) fn sync_tree(dir: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let d = File::open(dir)?;
    // SAFETY: `d` is an open descriptor for the duration of the call.
    if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere: an `fsync` per file, and per folder where the system allows it (Windows opens no
/// folder as a file, so there [`sync_dir`] does nothing and only the files are flushed).
#[cfg(not(target_os = "linux"))]
pub(super) fn sync_tree(dir: &Path) -> io::Result<()> {
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            File::open(e.path())?.sync_all()?;
        } else if e.file_type().is_dir() {
            sync_dir(e.path());
        }
    }
    Ok(())
}

/// Flushes the files `rels` (paths relative to `dir`) to disk, one `fsync` each, in parallel.
pub(super) fn sync_files(dir: &Path, rels: &[&str]) -> io::Result<()> {
    use rayon::prelude::*;
    rels.par_iter()
        .try_for_each(|rel| File::open(dir.join(rel))?.sync_all())
}

/// Makes a rename in `dir` durable (best effort: some file systems cannot sync a folder).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// True when `old` is a regular file with the same bytes as `new` (read a block at a time).
pub(super) fn same_file_contents(old: &Path, new: &Path) -> bool {
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
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> io::Result<crate::fresh::Stamp> {
    use std::io::Write;
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    Ok(crate::fresh::Stamp::of(&f.metadata()?))
}

/// What stands at a path of the spare folder that a build is about to write.
pub(super) enum Standing {
    /// A regular file no other path links to, open for writing: its bytes can be replaced in
    /// place ([`overwrite`]), reusing its inode and blocks.
    Own(File, u64),
    /// Nothing (any link to a file the published output also holds was just removed, which
    /// frees nothing).
    Free,
    /// Something else (a folder, a symbolic link, a file that cannot be opened): to be moved
    /// out of the way.
    Other,
}

/// Looks at what stands at `path` before a file is written there ([`Standing`]).
///
/// Why: on Linux's ext4 without a journal, a new file takes an inode that was not freed in the
/// last minutes, and after a build freed thousands of them each `open(O_CREAT)` scanned past
/// them (72 µs a file at 30,000 models); removing a file and writing a new one also frees
/// blocks to allocate them again (truncating a 20 KB file to nothing and writing it: 150 µs;
/// writing over it and cutting what is left: 14 µs). A file of the spare that only the spare
/// holds is the build's own to change: its old bytes are in no published output.
#[cfg(unix)]
pub(super) fn standing(path: &Path) -> Standing {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    // Not through a symbolic link; not waiting on a pipe someone put there.
    let f = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let f = match f {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Standing::Free,
        Err(_) => return Standing::Other,
    };
    match f.metadata() {
        Ok(m) if m.is_file() && m.nlink() == 1 => Standing::Own(f, m.len()),
        Ok(m) if m.is_file() => {
            drop(f);
            match fs::remove_file(path) {
                Ok(()) => Standing::Free,
                Err(e) if e.kind() == io::ErrorKind::NotFound => Standing::Free,
                Err(_) => Standing::Other,
            }
        }
        _ => Standing::Other,
    }
}

/// Without Unix link counts a file may be a link to a published one: it is always moved away.
#[cfg(not(unix))]
pub(super) fn standing(_path: &Path) -> Standing {
    Standing::Other
}

/// Replaces the bytes of `f` (a file [`Standing::Own`] found holding `old_len` bytes) by
/// `bytes`: written over from the start, then cut to length; given modification time
/// `modified` when it is a copy of a file that has it. Returns its stamp.
pub(super) fn overwrite(
    mut f: File,
    old_len: u64,
    bytes: &[u8],
    modified: Option<std::time::SystemTime>,
) -> io::Result<crate::fresh::Stamp> {
    use std::io::Write;
    f.write_all(bytes)?;
    if old_len > bytes.len() as u64 {
        f.set_len(bytes.len() as u64)?;
    }
    if let Some(t) = modified {
        f.set_modified(t)?;
    }
    Ok(crate::fresh::Stamp::of(&f.metadata()?))
}

/// Removes a folder tree, files in parallel (file removal dominates on slow disks).
pub(super) fn remove_tree(dir: &Path) {
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
pub(super) fn fallback_old_path(staging: &Path) -> PathBuf {
    PathBuf::from(format!("{}-old", staging.display()))
}

/// Swaps two folders atomically (Linux renameat2 RENAME_EXCHANGE).
#[cfg(target_os = "linux")]
pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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
pub(super) fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// `p` (absolute, normalised) with its longest existing ancestor resolved through symbolic
/// links and the rest appended: where `p` will be once its folders are created.
pub(super) fn resolve_existing_prefix(p: &Path) -> io::Result<PathBuf> {
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
pub(super) fn check_place(root: &Path, out: &Path) -> Result<(), OutputError> {
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

pub(super) fn absolute(p: &Path) -> io::Result<PathBuf> {
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
pub(super) fn checked_rel(rel: &str) -> io::Result<&Path> {
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

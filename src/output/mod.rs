//! Writing the built site safely and cheaply. Two folders take turns: the published output
//! (`public/`) and a spare beside it (`.public.dvk-spare/`, the output before it). A build
//! brings the spare up to date, changing only what differs, then swaps the two folders in one
//! step (atomically on Linux); the old output becomes the next build's spare. So the published
//! folder is always one complete site, old or new, whenever the build is stopped, and an edit
//! costs the files it changes, not a copy of the site.
//!
//! Each folder's marker ([`manifest`]) lists the files dvk wrote there with their hashes and
//! stamps: a file the spare already holds with the wanted bytes is left alone; one the
//! published output holds (unchanged since the last build) is hard-linked from it, so it keeps
//! its modification time; only new bytes are written, over a file only the spare holds when
//! there is one, else into a file of the [`pool`] or a new file. A lock keeps two builds of the same
//! output apart; files dvk did not write are carried over ([`foreign`]).

mod catch_up;
mod disk;
mod foreign;
pub mod manifest;
mod pool;
mod trash;

pub use manifest::MARKER;

use crate::fresh::Stamp;
use disk::{
    absolute, check_place, checked_rel, exchange, fallback_old_path, remove_tree,
    resolve_existing_prefix, sync_dir, sync_tree, write_file,
};
use manifest::{Entry, Manifest, PathSet, Stamps};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Where the bytes of a file the build places come from.
enum Source<'a> {
    /// In memory.
    Bytes(&'a [u8]),
    /// A file of the scratch folder, with its stamp, moved into place.
    Scratch(&'a Path, Stamp),
    /// Only the outputs before (kept, or not placed at all).
    Previous,
}

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

/// One file of the new output.
#[derive(Debug, Clone)]
struct Placed {
    rel: String,
    entry: Entry,
    /// Same bytes as the published output's file.
    unchanged: bool,
    /// Written or linked by this build (not found in the work folder already): flushed
    /// before the swap.
    touched: bool,
}

/// A build in progress: the folder being brought up to date, the lock, and the published
/// output.
pub struct Staging {
    out: PathBuf,
    /// The folder brought up to date and swapped in (the spare).
    work: PathBuf,
    /// Scratch folder of this build (files being streamed, the fallback swap's parking place).
    staging: PathBuf,
    previous: Option<PathBuf>,
    /// The published output's marker: None when it has no list (older dvk) or there is none.
    prev: Option<Manifest>,
    /// What the work folder held when the build began (its marker).
    work_had: Manifest,
    /// The work folder was made empty by this build: nothing stands at a path before this
    /// build writes it, so nothing needs removing first.
    work_empty: bool,
    files: Mutex<Vec<Placed>>,
    /// Files of the work folder this build replaces, deleted beside the rendering
    /// ([`trash::Trash`]).
    trash: trash::Trash,
    /// Files to write new files into instead of making new ones ([`pool::Pool`]).
    pool: pool::Pool,
    /// The hash of each path written so far: the same bytes written twice at one path (two
    /// models with the same photo) are placed once.
    claimed: Mutex<manifest::PathMap<u64>>,
    /// Files whose bytes differ from the published output's.
    changed: AtomicUsize,
    scratch: AtomicUsize,
    /// Streamed files (the open data, tens of MB) being flushed to disk from when they were
    /// placed, on threads of their own, so that the flush before the swap does not wait for
    /// their bytes: joined by [`Staging::flush`].
    early_syncs: Mutex<Vec<std::thread::JoinHandle<io::Result<()>>>>,
    /// Where the stamps of both folders' files are kept ([`Stamps`]).
    stamps: PathBuf,
    /// Where what the last walks of both folders saw is kept ([`foreign::Looks`]).
    looks: PathBuf,
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

impl Staging {
    /// Whether `out` holds an output a build of dvk published (its marker is there).
    pub fn was_published(out: &Path) -> bool {
        out.join(MARKER).is_file()
    }

    /// Prepares to write `out` for the site at `site_root`: checks the place, takes the
    /// lock, removes leftovers of interrupted builds and readies the spare folder.
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
        // The spare: trusted through its marker; without one (a build was killed while
        // bringing it up to date) it is emptied.
        let stamps_path = parent.join(format!(".{name}.dvk-stamps"));
        let stamps = Stamps::read(&stamps_path);
        let work = parent.join(spare_name(&name));
        let work_had = match fs::symlink_metadata(&work) {
            Ok(m) if m.is_dir() => match Manifest::read(&work, &stamps) {
                Some(m) => m,
                None => {
                    remove_tree(&work);
                    Manifest::default()
                }
            },
            Ok(_) => {
                let _ = fs::remove_file(&work);
                Manifest::default()
            }
            Err(_) => Manifest::default(),
        };
        let work_empty = !work.is_dir();
        if work_empty {
            fs::create_dir(&work).map_err(io_err(crate::msg!(
                "output.cannot_create",
                path = work.display()
            )))?;
        }
        // Until it is published or put down, the spare's marker does not describe it.
        match fs::remove_file(work.join(MARKER)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(OutputError::Io(
                    crate::msg!("output.cannot_create", path = work.display()),
                    e,
                ))
            }
        }
        let previous = out.is_dir().then(|| out.clone());
        let prev = if unmarked {
            // Nothing in it is dvk's.
            Some(Manifest::default())
        } else {
            previous.as_deref().and_then(|p| Manifest::read(p, &stamps))
        };
        let trash = trash::Trash::new(staging.join("trash")).map_err(io_err(crate::msg!(
            "output.cannot_create",
            path = staging.display()
        )))?;
        Ok(Staging {
            prev,
            trash,
            work_had,
            work_empty,
            files: Mutex::new(Vec::new()),
            claimed: Mutex::new(manifest::PathMap::default()),
            changed: AtomicUsize::new(0),
            scratch: AtomicUsize::new(0),
            early_syncs: Mutex::new(Vec::new()),
            stamps: stamps_path,
            looks: parent.join(format!(".{name}.dvk-folders")),
            pool: pool::Pool::open(parent.join(format!(".{name}.dvk-pool"))),
            previous,
            out,
            work,
            staging,
            _lock: lock,
            committed: false,
        })
    }

    /// The final output folder.
    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// The published output's entry for `rel` when its file there holds the bytes `want`
    /// describes (checked by its stamp: a file removed or changed there since is not).
    fn unchanged(&self, rel: &str, want: &Entry) -> Option<(Entry, PathBuf)> {
        let prev = self.previous.as_ref()?;
        let e = self.prev.as_ref()?.entry(rel)?;
        let source = prev.join(rel);
        (e.same_bytes(want) && e.still_at(&source)).then(|| (*e, source))
    }

    /// [`Staging::unchanged`] by the published output's marker alone, without reading the
    /// file's stamp: for a file the work folder holds already, which is what is published
    /// (a file changed by hand in the published output since is then noticed only when
    /// nothing else changed; see [`Staging::publish`]).
    fn listed(&self, rel: &str, want: &Entry) -> Option<(Entry, PathBuf)> {
        let prev = self.previous.as_ref()?;
        let e = self.prev.as_ref()?.entry(rel)?;
        e.same_bytes(want).then(|| (*e, prev.join(rel)))
    }

    /// Puts the file `rel` with the bytes `want` describes into the work folder: left as it
    /// is when the work folder holds them, linked from the published output when that holds
    /// them, else written from `source`.
    fn place(&self, rel: &str, want: Entry, source: Source) -> io::Result<()> {
        let target = self.work.join(checked_rel(rel)?);
        let Some(again) = self.claim(rel, want.hash) else {
            return Ok(());
        };
        let in_work = self.in_work(rel, &want, &target);
        let published = match in_work {
            Some(_) if !again => self.listed(rel, &want),
            _ => self.unchanged(rel, &want),
        };
        self.place_claimed(rel, &target, want, published, in_work, again, source)
    }

    /// Claims `rel` for bytes of hash `hash`: None when this build already put those bytes
    /// there, else whether it put other bytes there (which go first).
    fn claim(&self, rel: &str, hash: u64) -> Option<bool> {
        let Ok(mut c) = self.claimed.lock() else {
            return Some(false);
        };
        match c.insert(rel.to_string(), hash) {
            Some(h) if h == hash => None,
            Some(_) => Some(true),
            None => Some(false),
        }
    }

    /// The work folder's entry for `rel` when its file at `target` still holds the bytes
    /// `want` describes.
    fn in_work(&self, rel: &str, want: &Entry, target: &Path) -> Option<Entry> {
        self.work_had
            .entry(rel)
            .filter(|e| e.same_bytes(want) && e.still_at(target))
            .copied()
    }

    /// [`Staging::place`] once `rel` is claimed and the published and work folders looked
    /// at (each file's stamp read once).
    #[allow(clippy::too_many_arguments)]
    fn place_claimed(
        &self,
        rel: &str,
        target: &Path,
        want: Entry,
        published: Option<(Entry, PathBuf)>,
        in_work: Option<Entry>,
        again: bool,
        source: Source,
    ) -> io::Result<()> {
        let unchanged = published.is_some();
        if !unchanged {
            self.changed.fetch_add(1, Ordering::Relaxed);
        }
        if let (Some(e), false) = (in_work, again) {
            self.record(rel, e, unchanged, false);
            return Ok(());
        }
        // Written before in this build with other bytes, or the spare's file with other
        // bytes: a file only the spare holds is written over; anything else goes first (a
        // link to the published file must not be written through).
        if again || !self.work_empty {
            match (disk::standing(target), &source, &published) {
                // (Where the published file has these bytes, it is linked: it keeps its time.)
                (disk::Standing::Own(f, len), Source::Bytes(bytes), None) => {
                    let stamp = disk::overwrite(f, len, bytes, None)?;
                    self.record(rel, Entry { stamp, ..want }, unchanged, true);
                    return Ok(());
                }
                (disk::Standing::Free, _, _) => {}
                _ => self.trash.discard(target)?,
            }
        }
        if let Some((e, source)) = published {
            ensure_parent(&self.work, target)?;
            if fs::hard_link(&source, target).is_ok() {
                self.record(rel, e, true, true);
                return Ok(());
            }
        }
        ensure_parent(&self.work, target)?;
        let stamp = match source {
            Source::Bytes(bytes) => match self.pool.write_at(target, bytes) {
                Some(written) => written?,
                None => write_file(target, bytes)?,
            },
            Source::Scratch(tmp, stamp) => {
                fs::rename(tmp, target)?;
                stamp
            }
            Source::Previous => return Err(io::Error::other("not in the previous output")),
        };
        self.record(rel, Entry { stamp, ..want }, unchanged, true);
        Ok(())
    }

    /// Writes one file (path relative to the output root, `/` separators). Safe to call
    /// from many threads. Bytes the output already has are not written again.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let want = Entry {
            len: bytes.len() as u64,
            hash: manifest::hash(bytes),
            stamp: Stamp::Dir,
        };
        self.place(rel, want, Source::Bytes(bytes))
    }

    /// [`Staging::write`] for a file that `fill` makes piece by piece: it goes to disk in the
    /// scratch folder while its hash is taken, then into the output when its bytes are new.
    pub fn write_stream(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        checked_rel(rel)?;
        let n = self.scratch.fetch_add(1, Ordering::Relaxed);
        let tmp = self.staging.join(format!("stream-{n}"));
        let result = (|| {
            let mut w = crate::fresh::Hashing::new(io::BufWriter::with_capacity(
                1 << 20,
                File::create(&tmp)?,
            ));
            fill(&mut w)?;
            let (hash, len) = (w.hasher.digest(), w.len);
            let file = w
                .inner
                .into_inner()
                .map_err(io::IntoInnerError::into_error)?;
            let stamp = Stamp::of(&file.metadata()?);
            let want = Entry { len, hash, stamp };
            self.place(rel, want, Source::Scratch(&tmp, stamp))?;
            // Moved into the output (new bytes): its flush begins now.
            if !tmp.exists() {
                let sync = std::thread::spawn(move || file.sync_all());
                if let Ok(mut s) = self.early_syncs.lock() {
                    s.push(sync);
                }
            }
            Ok(())
        })();
        let _ = fs::remove_file(&tmp);
        result
    }

    /// The files of the output so far, for passes that add files made from others
    /// (precompression, `crate::precompress`): each one's path relative to the output and
    /// where its bytes are now.
    pub fn files_so_far(&self) -> Vec<BuiltFile> {
        self.files
            .lock()
            .map(|f| {
                f.iter()
                    .map(|p| BuiltFile {
                        rel: p.rel.clone(),
                        path: self.work.join(&p.rel),
                        unchanged: p.unchanged,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Keeps the previous output's file `rel` in the new output, unchanged. False when there
    /// is none (or it changed since the previous build wrote it): nothing is then recorded,
    /// and the caller writes the file.
    pub fn keep_previous(&self, rel: &str) -> bool {
        let Some(e) = self.prev.as_ref().and_then(|m| m.entry(rel)).copied() else {
            return false;
        };
        let Ok(target) = checked_rel(rel).map(|r| self.work.join(r)) else {
            return false;
        };
        let in_work = self.in_work(rel, &e, &target);
        let published = match in_work {
            Some(_) => self.listed(rel, &e),
            None => self.unchanged(rel, &e),
        };
        if in_work.is_none() && published.is_none() {
            return false;
        }
        let Some(again) = self.claim(rel, e.hash) else {
            return true;
        };
        // Written before in this build with other bytes: the published file is linked.
        let published = match (again, in_work) {
            (true, Some(_)) => self.unchanged(rel, &e),
            _ => published,
        };
        let kept = self
            .place_claimed(rel, &target, e, published, in_work, again, Source::Previous)
            .is_ok();
        if !kept {
            // Not placed after all (the link failed): the path is free for the write.
            if let Ok(mut c) = self.claimed.lock() {
                c.remove(rel);
            }
        }
        kept
    }

    /// Keeps the previous output's file `rel` when its bytes have hash `hash` (see
    /// [`Staging::keep_previous`]).
    pub fn keep(&self, rel: &str, hash: u64) -> bool {
        self.prev
            .as_ref()
            .and_then(|m| m.entry(rel))
            .is_some_and(|e| e.hash == hash)
            && self.keep_previous(rel)
    }

    /// The published output's file `rel`, open, when the marker says it holds the bytes of
    /// hash `hash` and its stamp is the one the marker lists (unchanged since).
    pub fn earlier(&self, rel: &str, hash: u64) -> Option<File> {
        let e = self.prev.as_ref()?.entry(rel)?;
        let path = self.previous.as_ref()?.join(checked_rel(rel).ok()?);
        let file = File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        (e.hash == hash && meta.is_file() && Stamp::of(&meta) == e.stamp).then_some(file)
    }

    fn record(&self, rel: &str, entry: Entry, unchanged: bool, touched: bool) {
        if let Ok(mut f) = self.files.lock() {
            f.push(Placed {
                rel: rel.to_string(),
                entry,
                unchanged,
                touched,
            });
        }
    }

    /// Copies a source file (photo, linked file) into the output.
    pub fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        let bytes = fs::read(source)?;
        self.write(rel, &bytes)
    }

    /// Publishes the work folder as the output folder, in one step where the system can swap
    /// two folders atomically. Returns the fingerprint of the published folder
    /// ([`crate::fresh::output`]) from what was written, or None when the previous output was
    /// left untouched (nothing changed).
    #[cfg(test)]
    pub fn commit(self) -> io::Result<Option<String>> {
        self.publish().map(|p| p.fingerprint)
    }

    /// Publishes the work folder (see `commit`), also saying which files dvk did not write
    /// were carried over.
    ///
    /// A file of the previous output that dvk did not write (a `CNAME`, a `.git/` of a GitHub
    /// Pages checkout, a file an editor put there) is never deleted: it is hard-linked into
    /// the new output before the swap, untouched. When the new build writes a different file
    /// at the same path, nothing is published and the error names it. Everything is flushed
    /// to disk before the swap, so that a power loss leaves either output whole.
    pub fn publish(mut self) -> io::Result<Published> {
        let files = std::mem::take(
            &mut *self
                .files
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?,
        );
        // A path written twice with other bytes: the last write is the file.
        let files = last_of_each(files);
        let written: PathSet = files.iter().map(|p| p.rel.as_str()).collect();
        // Files of the work folder's earlier state that the new output does not have.
        let mut gone: Vec<&str> = self
            .work_had
            .files
            .keys()
            .map(String::as_str)
            .filter(|rel| !written.contains(rel))
            .collect();
        gone.sort_unstable();
        for rel in &gone {
            let _ = fs::remove_file(self.work.join(rel));
        }
        prune_empty_parents(&self.work, &gone);
        let nothing_changed = self.previous.is_some()
            && self.changed.load(Ordering::Relaxed) == 0
            && self
                .prev
                .as_ref()
                .is_some_and(|m| m.files.len() == files.len())
            && self.published_intact(&files);
        if nothing_changed {
            // Leave the published site untouched (same files, same modification times); the
            // work folder now holds the same files and is kept for the next build.
            let carried = self.work_had.carried.clone();
            self.write_marker(&files, &carried)?;
            self.write_stamps(&self.out, &self.work, &files)?;
            self.committed = true;
            self.trash.empty();
            let _ = fs::remove_dir_all(&self.staging);
            return Ok(Published::default());
        }
        let mut carried = Vec::new();
        let mut stamps: Vec<(String, Stamp)> = Vec::with_capacity(files.len() + 1);
        let mut listed = Vec::new();
        let mut seen = None;
        let mut work_seen = None;
        if let Some(prev) = &self.previous {
            let mut looks = foreign::Looks::read(&self.looks);
            let before = looks.take(prev);
            work_seen = looks.take(&self.work);
            let walked = self.prev.as_ref().and(before.as_ref());
            let (foreign, now_seen) = foreign::entries(prev, self.prev.as_ref(), walked);
            seen = Some(now_seen);
            stamps.extend(foreign::carry(
                prev,
                &self.work,
                &foreign,
                &self.work_had.carried,
                &written,
            )?);
            carried = foreign::summarise(&foreign, self.prev.as_ref());
            listed = foreign.iter().map(foreign::ForeignEntry::listed).collect();
        }
        let (marker_stamp, marker) = self.write_marker(&files, &listed)?;
        stamps.push((MARKER.to_string(), marker_stamp));
        stamps.extend(files.iter().map(|p| (p.rel.clone(), p.entry.stamp)));
        // The new output's fingerprint is made on another thread while this one waits on the
        // disk (the flush, the swap, the spare brought up to date).
        let stamps = &stamps;
        // Owned: `gone` borrows what the work folder held, of `self`.
        let gone: Vec<String> = gone.iter().map(|rel| rel.to_string()).collect();
        let gone: Vec<&str> = gone.iter().map(String::as_str).collect();
        std::thread::scope(|scope| {
            let fingerprint = scope.spawn(move || crate::fresh::output_of_files(stamps));
            self.swap_in(&files, &gone, &listed, &marker, work_seen, seen)?;
            Ok(Published {
                fingerprint: fingerprint.join().ok(),
                carried,
            })
        })
    }

    /// Flushes the work folder and swaps it in as the output (`files` written, `gone`
    /// deleted, `listed` the entries dvk did not write, `marker` the marker's text; the
    /// folders the walks saw), then brings the spare up to date and records the stamps.
    fn swap_in(
        &mut self,
        files: &[Placed],
        gone: &[&str],
        listed: &[String],
        marker: &str,
        work_seen: Option<foreign::Walked>,
        seen: Option<foreign::Walked>,
    ) -> io::Result<()> {
        // `DVK_NO_SYNC=1` skips the flush (for measuring its cost; not for real sites).
        if std::env::var_os("DVK_NO_SYNC").is_none() {
            let touched: Vec<&str> = files
                .iter()
                .filter(|p| p.touched)
                .map(|p| p.rel.as_str())
                .collect();
            self.flush(&touched, gone, listed)?;
        }
        if self.previous.is_some() {
            if exchange(&self.work, &self.out).is_err() {
                // No atomic exchange: three renames, the old output kept until the new one is in.
                let old = fallback_old_path(&self.staging);
                fs::rename(&self.out, &old)?;
                if let Err(e) = fs::rename(&self.work, &self.out) {
                    let _ = fs::rename(&old, &self.out);
                    return Err(e);
                }
                let _ = fs::rename(&old, &self.work);
            }
            sync_dir(self.out.parent().unwrap_or(&self.out));
            self.committed = true;
            let this = &*self;
            std::thread::scope(|scope| {
                // What the walks saw is kept (under each folder's identity) beside the rest.
                scope.spawn(|| {
                    foreign::Looks::write(
                        &this.looks,
                        &[(&this.out, work_seen.as_ref()), (&this.work, seen.as_ref())],
                    )
                });
                // The old output is the next build's spare, brought up to date now; its
                // marker also names what it holds that dvk did not write.
                let spare = this.catch_up(files, listed, marker);
                let mut spare = spare.iter().map(|(rel, s)| (rel.as_str(), *s));
                let mut new = files.iter().map(|p| (p.rel.as_str(), p.entry.stamp));
                let _ = Stamps::write(
                    &this.stamps,
                    &mut [(&this.out, &mut new), (&this.work, &mut spare)],
                );
            });
        } else {
            fs::rename(&self.work, &self.out)?;
            sync_dir(self.out.parent().unwrap_or(&self.out));
            self.committed = true;
            let _ = self.write_stamps(&self.work, &self.out, files);
        }
        self.trash.empty();
        let _ = fs::remove_dir_all(&self.staging);
        Ok(())
    }

    /// Whether the published output still holds each of `files` as its marker lists it
    /// (files the work folder held were taken as unchanged by the marker alone).
    fn published_intact(&self, files: &[Placed]) -> bool {
        use rayon::prelude::*;
        let (Some(prev), Some(m)) = (&self.previous, &self.prev) else {
            return false;
        };
        files.par_iter().all(|p| {
            m.entry(&p.rel)
                .is_some_and(|e| e.same_bytes(&p.entry) && e.still_at(&prev.join(&p.rel)))
        })
    }

    /// Makes what this build changed in the work folder durable before the swap: the files it
    /// wrote or linked and the folders whose entries changed, one `fsync` each, when they are
    /// few (an edit); the whole file system at once (`syncfs`) when they are many (a full
    /// build). `syncfs` also waits for every other program's writes to the disk, which an
    /// edit should not pay for.
    fn flush(&self, touched: &[&str], gone: &[&str], carried: &[String]) -> io::Result<()> {
        use rayon::prelude::*;
        let early = self
            .early_syncs
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        for sync in early {
            sync.join()
                .map_err(|_| io::Error::other("flush thread panicked"))??;
        }
        if touched.len() + gone.len() > FSYNC_EACH_MAX {
            return sync_tree(&self.work);
        }
        let mut files = touched.to_vec();
        files.push(MARKER);
        disk::sync_files(&self.work, &files)?;
        let mut dirs: HashSet<&str> = HashSet::from([""]);
        let all = touched
            .iter()
            .copied()
            .chain(gone.iter().copied())
            .chain(carried.iter().map(|c| c.trim_end_matches('/')))
            .chain([MARKER]);
        for rel in all {
            let mut at = rel;
            while let Some((up, _)) = at.rsplit_once('/') {
                if !dirs.insert(up) {
                    break;
                }
                at = up;
            }
        }
        dirs.par_iter().for_each(|d| sync_dir(&self.work.join(d)));
        Ok(())
    }

    /// Records the stamps of the published output's files (as its marker lists them) for the
    /// folder now at `published`, and those of `files` for the folder now at `placed`.
    fn write_stamps(&self, published: &Path, placed: &Path, files: &[Placed]) -> io::Result<()> {
        let mut old = self.prev.iter().flat_map(|m| {
            m.files
                .iter()
                .filter_map(|(rel, e)| e.map(|e| (rel.as_str(), e.stamp)))
        });
        let mut new = files.iter().map(|p| (p.rel.as_str(), p.entry.stamp));
        Stamps::write(
            &self.stamps,
            &mut [(published, &mut old), (placed, &mut new)],
        )
    }

    /// Writes the work folder's marker: `files` and the `carried` entries. Returns its stamp
    /// and its text.
    fn write_marker(&self, files: &[Placed], carried: &[String]) -> io::Result<(Stamp, String)> {
        let text = manifest::text(
            files.iter().map(|p| (p.rel.as_str(), &p.entry)),
            carried.iter().map(String::as_str),
        );
        let path = self.work.join(MARKER);
        clear(&path)?;
        write_file(&path, text.as_bytes()).map(|stamp| (stamp, text))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // A failed build: the work folder holds what this build put there and what it held
        // before (each entry checked by its stamp when next used); its marker says so.
        let mut files = std::mem::take(self.files.get_mut().unwrap_or_else(|e| e.into_inner()));
        let placed: HashSet<String> = files.iter().map(|p| p.rel.clone()).collect();
        for (rel, e) in &self.work_had.files {
            if let (Some(e), false) = (e, placed.contains(rel)) {
                files.push(Placed {
                    rel: rel.clone(),
                    entry: *e,
                    unchanged: false,
                    touched: false,
                });
            }
        }
        let carried = self.work_had.carried.clone();
        let _ = self.write_marker(&files, &carried);
        let _ = self.write_stamps(&self.out, &self.work, &files);
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// `files` with one entry per path, the last recorded.
fn last_of_each(files: Vec<Placed>) -> Vec<Placed> {
    let mut seen = PathSet::with_capacity_and_hasher(files.len(), Default::default());
    // From the end: the last write of each path is kept.
    let mut keep: Vec<bool> = files
        .iter()
        .rev()
        .map(|p| seen.insert(p.rel.as_str()))
        .collect();
    drop(seen);
    if keep.iter().all(|&k| k) {
        return files;
    }
    keep.reverse();
    files
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Above this many files changed, a build flushes the whole file system at once (Linux's
/// `syncfs`). Measured on a 1,000-model build from nothing (1,884 files): an `fsync` per file
/// took 510 ms, one `sync` 43 ms; an edit touches a few dozen files. Elsewhere the whole-tree
/// flush syncs every file of the output, so the files changed are always synced one by one.
const FSYNC_EACH_MAX: usize = if cfg!(target_os = "linux") {
    128
} else {
    usize::MAX
};

/// The name of the spare folder beside the output folder `name`.
fn spare_name(name: &str) -> String {
    format!(".{name}.dvk-spare")
}

/// Removes whatever is at `path` (a file, a link, a folder), if anything (also when another
/// thread removes it first).
fn clear(path: &Path) -> io::Result<()> {
    let result = match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Makes the folders above `target` inside `root`, removing a file that stands where a
/// folder must be (a page of an earlier build whose path is now a folder's).
fn ensure_parent(root: &Path, target: &Path) -> io::Result<()> {
    let Some(dir) = target.parent() else {
        return Ok(());
    };
    if fs::create_dir_all(dir).is_ok() {
        return Ok(());
    }
    let rel = dir.strip_prefix(root).map_err(io::Error::other)?;
    let mut at = root.to_path_buf();
    for c in rel.components() {
        at.push(c);
        if fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&at)?;
        }
    }
    fs::create_dir_all(dir)
}

/// Removes the folders left empty by removing the files `gone` (paths relative to `root`).
fn prune_empty_parents(root: &Path, gone: &[&str]) {
    let mut dirs: Vec<&str> = gone
        .iter()
        .filter_map(|rel| rel.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.dedup();
    // Deepest first, so that a folder emptied by its subfolders' removal goes too.
    let mut seen = HashSet::new();
    let mut all: Vec<&str> = Vec::new();
    for d in dirs {
        let mut d = d;
        loop {
            if !seen.insert(d) {
                break;
            }
            all.push(d);
            match d.rsplit_once('/') {
                Some((up, _)) => d = up,
                None => break,
            }
        }
    }
    all.sort_unstable_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    for d in all {
        let _ = fs::remove_dir(root.join(d));
    }
}

// The tests look at inodes and Unix permissions.
#[cfg(all(test, unix))]
mod tests;

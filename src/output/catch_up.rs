//! The spare brought up to date right after the swap. The folder swapped out (the output
//! before) becomes the next build's spare; what it holds that the new output does not is
//! replaced now: a changed file only the spare holds gets the new bytes written over it
//! (with the new file's time), a new file is a hard link to the new output's, and a file the
//! new output lacks goes to the [`super::pool`]. So after a change to every page (a
//! template, `site.yaml`) the next small edit finds a spare that differs from the output only
//! in what it changes, and a file edited again is written over, never deleted and made anew.

use super::disk::{checked_rel, overwrite, standing, sync_files, sync_tree, write_file, Standing};
use super::manifest::{self, Entry};
use super::{ensure_parent, prune_empty_parents, Placed, Staging, FSYNC_EACH_MAX, MARKER};
use crate::fresh::Stamp;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};

/// Largest file the catch-up copies into the spare's own file; larger ones are linked.
const COPY_MAX: u64 = 1 << 20;

impl Staging {
    /// After the swap (`self.work` is now the output before, `self.out` the new one made of
    /// `files`, whose marker's text is `marker_text`): makes the spare hold `files` too and writes
    /// its marker, with `carried` (what it holds that dvk did not write). Returns the
    /// spare's files with their stamps, for the stamps file. Best effort: a file that cannot
    /// be linked is left out of the spare's marker, and the next build puts it there.
    pub(super) fn catch_up(
        &self,
        files: &[Placed],
        carried: &[String],
        marker_text: &str,
    ) -> Vec<(String, Stamp)> {
        // Until its marker is written again, the spare's marker does not describe it (a build
        // killed here leaves a spare without one, which the next build empties).
        let marker = self.work.join(MARKER);
        if fs::remove_file(&marker).is_err() && marker.exists() {
            return Vec::new();
        }
        let had = self.prev.as_ref();
        // Each file with its entry in the spare, and whether its bytes were written here.
        let spare: Vec<Option<(&str, Entry, bool)>> = files
            .par_iter()
            .filter(|p| p.rel != MARKER)
            .map(|p| {
                let before = had.and_then(|m| m.entry(&p.rel));
                match before {
                    // The same file (linked into the new output) or the same bytes.
                    Some(e) if e.stamp == p.entry.stamp => Some((p.rel.as_str(), p.entry, false)),
                    Some(e) if e.same_bytes(&p.entry) => Some((p.rel.as_str(), *e, false)),
                    _ => self.refresh(&p.rel).ok().map(|written| match written {
                        Some(stamp) => (p.rel.as_str(), Entry { stamp, ..p.entry }, true),
                        None => (p.rel.as_str(), p.entry, false),
                    }),
                }
            })
            .collect();
        let spare: Vec<(&str, Entry, bool)> = spare.into_iter().flatten().collect();
        // Bytes written over the spare's own files reach the disk before its marker says
        // they are there. A link needs no flush: one lost to a power cut leaves another file
        // or none at its path, which the recorded stamp (its inode) tells apart.
        let written: Vec<&str> = spare.iter().filter(|s| s.2).map(|s| s.0).collect();
        if self.flush_written(&written).is_err() {
            return Vec::new();
        }
        let spare: Vec<(&str, Entry)> = spare.into_iter().map(|(rel, e, _)| (rel, e)).collect();
        // What the new output does not have.
        let now: HashSet<&str> = files.iter().map(|p| p.rel.as_str()).collect();
        let mut gone: Vec<&str> = had
            .map(|m| {
                m.files
                    .keys()
                    .map(String::as_str)
                    .filter(|rel| !now.contains(rel) && *rel != MARKER)
                    .collect()
            })
            .unwrap_or_default();
        gone.sort_unstable();
        // The spare's files the output no longer has wait for the next build's new files.
        gone.par_iter().for_each(|rel| {
            if let Ok(r) = checked_rel(rel) {
                let path = self.work.join(r);
                if !self.pool.put(&path) {
                    let _ = self.trash.discard(&path);
                }
            }
        });
        prune_empty_parents(&self.work, &gone);
        // The output's own marker (a marker's text has no stamps), unless a file is left out.
        let left_out = spare.len() < files.iter().filter(|p| p.rel != MARKER).count();
        let written = if left_out {
            let text = manifest::text(
                spare.iter().map(|(rel, e)| (*rel, e)),
                carried.iter().map(String::as_str),
            );
            write_file(&marker, text.as_bytes())
        } else {
            write_file(&marker, marker_text.as_bytes())
        };
        if written.is_err() {
            return Vec::new();
        }
        spare
            .into_iter()
            .map(|(rel, e)| (rel.to_string(), e.stamp))
            .collect()
    }

    /// Makes the bytes written over the spare's files (`written`) durable: one `fsync` each
    /// when they are few, the file system at once when many (as [`Staging::flush`]).
    fn flush_written(&self, written: &[&str]) -> io::Result<()> {
        if written.len() > FSYNC_EACH_MAX {
            return sync_tree(&self.work);
        }
        sync_files(&self.work, written)
    }

    /// Gives the spare's file `rel` the new output's bytes: written over it when only the
    /// spare holds it (its new stamp returned; see [`standing`] for why), else by a hard link
    /// to the new output's file (None: the same stamp).
    fn refresh(&self, rel: &str) -> io::Result<Option<Stamp>> {
        let r = checked_rel(rel)?;
        let (from, to) = (self.out.join(r), self.work.join(r));
        match standing(&to) {
            Standing::Own(f, len) => {
                // A copy with the output file's time, which it keeps when it is published
                // again unchanged (a web server's `Last-Modified` and `ETag`, a deploy's
                // comparison, see the file as the same). A large file (the open data) is
                // linked: copying it costs more than making one file.
                let mut source = fs::File::open(&from)?;
                let meta = source.metadata()?;
                if meta.len() <= COPY_MAX {
                    let mut bytes = Vec::with_capacity(meta.len() as usize);
                    source.read_to_end(&mut bytes)?;
                    return overwrite(f, len, &bytes, Some(meta.modified()?)).map(Some);
                }
                drop(f);
                self.trash.discard(&to)?;
            }
            Standing::Free => {}
            Standing::Other => self.trash.discard(&to)?,
        }
        ensure_parent(&self.work, &to)?;
        fs::hard_link(from, to).map(|()| None)
    }
}

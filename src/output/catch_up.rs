//! The spare brought up to date right after the swap. The folder swapped out (the output
//! before) becomes the next build's spare; what it holds that the new output does not is
//! replaced now, by hard links to the new output's files, and what the new output lacks is
//! removed. So the files a build replaces are freed by that build, not by the next one: after
//! a change to every page (a template, `site.yaml`) the next small edit finds a spare that
//! differs from the output only in what it changes, instead of paying for every page again
//! (on a file system that discards freed blocks, each freed file costs a wait on the disk).

use super::disk::{checked_rel, write_file};
use super::manifest::{self, Entry};
use super::{ensure_parent, prune_empty_parents, Placed, Staging, MARKER};
use crate::fresh::Stamp;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;

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
        let spare: Vec<Option<(&str, Entry)>> = files
            .par_iter()
            .filter(|p| p.rel != MARKER)
            .map(|p| {
                let before = had.and_then(|m| m.entry(&p.rel));
                match before {
                    // The same file (linked into the new output) or the same bytes.
                    Some(e) if e.stamp == p.entry.stamp => Some((p.rel.as_str(), p.entry)),
                    Some(e) if e.same_bytes(&p.entry) => Some((p.rel.as_str(), *e)),
                    _ => self
                        .link_from_out(&p.rel)
                        .ok()
                        .map(|()| (p.rel.as_str(), p.entry)),
                }
            })
            .collect();
        let spare: Vec<(&str, Entry)> = spare.into_iter().flatten().collect();
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
        gone.par_iter().for_each(|rel| {
            if let Ok(r) = checked_rel(rel) {
                let _ = self.trash.discard(&self.work.join(r));
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

    /// Replaces the spare's file `rel` by a hard link to the new output's.
    fn link_from_out(&self, rel: &str) -> io::Result<()> {
        let r = checked_rel(rel)?;
        let (from, to) = (self.out.join(r), self.work.join(r));
        self.trash.discard(&to)?;
        ensure_parent(&self.work, &to)?;
        fs::hard_link(from, to)
    }
}

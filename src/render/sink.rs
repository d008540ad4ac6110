//! Where rendered files go: the build's output folder, memory (`dvk serve`), or nowhere
//! (`dvk check`).

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Mutex;

/// Where rendered files go.
pub trait Sink: Sync {
    /// Writes a file at a path relative to the output root.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copies a source file to a path relative to the output root.
    fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        self.write(rel, &std::fs::read(source)?)
    }
    /// Writes a file that `fill` makes piece by piece (the open data: hundreds of MB on a
    /// national site). This default collects it in memory; a sink that writes to disk
    /// streams it instead.
    fn write_stream(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.write(rel, &bytes)
    }
    /// Keeps the file the previous output has at `rel` when it holds the bytes of hash
    /// `hash` (as [`crate::output::manifest::hash`] makes it) and is unchanged since; false
    /// when it cannot, and the file must be written. This default never keeps.
    fn keep(&self, _rel: &str, _hash: u64) -> bool {
        false
    }
    /// The file the previous output has at `rel`, open, when it holds the bytes of hash
    /// `hash` and is unchanged since (a file made by copying most of the last one's bytes:
    /// the open data, [`super::open_data`]). This default has no previous output.
    fn earlier(&self, _rel: &str, _hash: u64) -> Option<std::fs::File> {
        None
    }
    /// Whether this is a build's output folder: only a build saves what the next one can
    /// reuse (`.dvk-cache/`); `dvk check` and the preview write nothing there.
    fn is_output(&self) -> bool {
        false
    }
}

impl Sink for crate::output::Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        crate::output::Staging::write(self, rel, bytes)
    }
    fn write_stream(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        crate::output::Staging::write_stream(self, rel, fill)
    }
    fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        crate::output::Staging::copy(self, rel, source)
    }
    fn keep(&self, rel: &str, hash: u64) -> bool {
        crate::output::Staging::keep(self, rel, hash)
    }
    fn earlier(&self, rel: &str, hash: u64) -> Option<std::fs::File> {
        crate::output::Staging::earlier(self, rel, hash)
    }
    fn is_output(&self) -> bool {
        true
    }
}

/// A sink that keeps nothing (for `dvk check`).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _rel: &str, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn copy(&self, _rel: &str, source: &Path) -> io::Result<()> {
        std::fs::metadata(source).map(|_| ())
    }
}

/// A sink that keeps every file in memory (for `serve` and tests).
#[derive(Default)]
pub struct MemorySink(pub Mutex<HashMap<String, Vec<u8>>>);

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

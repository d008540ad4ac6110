//! The search index in `serve`: documents are kept up to date at every change (a patched
//! model's document is redone at once); the index files are encoded again only when the
//! search page asks for them after a change.

use super::Shared;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The index file at site path `key` (`tim-kiem/…`) for the served site of `generation`,
/// building the index when the documents changed since it was last built. `None` when the
/// index has no such file.
pub(crate) fn file(
    shared: &Shared,
    generation: u64,
    abbreviations: &dvk_search::Abbreviations,
    key: &str,
) -> Option<Arc<Vec<u8>>> {
    let mut s = shared.search.lock().unwrap_or_else(|e| e.into_inner());
    // Shards are content-addressed: an older one still answers a page that loaded before a change.
    if key.starts_with(crate::routes::SEARCH_INDEX) {
        if let Some(b) = s.files.get(key).or_else(|| s.prev_shards.get(key)) {
            return Some(b.clone());
        }
    }
    if s.files_generation != Some(generation) || !s.files.contains_key(key) {
        // Wait for the documents of this generation (the background check makes them).
        let mut waited = 0;
        while !(s.ready && s.generation >= generation) && waited < 1200 {
            let (g, _) = shared
                .search_ready
                .wait_timeout(s, Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner());
            s = g;
            waited += 1;
        }
        if !s.ready {
            return None;
        }
        if s.files_generation != Some(s.generation) {
            let mut docs = s.models.clone();
            docs.extend(s.extra.iter().cloned());
            let built = dvk_search::build_index_with(&docs, abbreviations);
            s.prev_shards = std::mem::take(&mut s.files)
                .into_iter()
                .filter(|(k, _)| k.starts_with(crate::routes::SEARCH_INDEX))
                .collect();
            let mut files: HashMap<String, Arc<Vec<u8>>> = HashMap::new();
            for f in built {
                files.insert(f.path, Arc::new(f.bytes));
            }
            s.files = files;
            s.files_generation = Some(s.generation);
        }
    }
    s.files.get(key).cloned()
}

//! Builds the index files from the documents.

use std::hash::Hasher;
use std::sync::Mutex;

use rayon::prelude::*;
use serde_json::json;

use crate::abbrev::{Abbreviations, Matcher};
use crate::carry::{self, Carried};
use crate::codec::{
    encode_payload, shard, Payload, LIST_BODY, LIST_BODY_HIGH, LIST_META, LIST_PLACE, LIST_TITLE,
};
use crate::files::{compact_js, excerpt_source, runs, shard_path, shard_tag};
use crate::intern::{Fx, FxMap, Interner};
pub use crate::order::{doc_order, OrderKey};
use crate::order::{DocFacets, Facets};
use crate::postings::Packed;
use crate::reuse::{self, Payloads};
use crate::text::TermScanner;
use crate::{IndexFile, SearchDoc};

/// Body occurrences from which a doc is in a term's "high" body list.
pub const HIGH_TF: u16 = 3;
/// A term's high list is written only when the term is in at most 1/`HIGH_MAX_SHARE` of docs.
const HIGH_MAX_SHARE: usize = 4;
/// Marker appended to a prefix to make the key of its prefix entry (sorts right after the term).
pub const PREFIX_MARK: char = '\u{1}';
/// Docs per metadata shard.
pub const META_DOCS: usize = 8;
/// Docs analysed at a time (bounds the memory of per-doc intermediate results).
const CHUNK: usize = 512;

/// The terms of one doc, with global ids, in no particular order.
struct DocTerms {
    /// (term id, list mask), each term once.
    terms: Vec<(u32, u8)>,
    /// (first term id << 32 | second term id, list mask), a pair as often as it occurs.
    pairs: Vec<(u64, u8)>,
}

/// One analysing thread's reusable state.
#[derive(Default)]
struct Worker {
    scanner: TermScanner,
    /// Global term id → local number + 1 within the doc being analysed (0: not seen).
    slot_of: Vec<u32>,
}

fn analyse(doc: &SearchDoc, analysis: &Analysis, worker: &mut Worker) -> DocTerms {
    let interner = &analysis.interner;
    let matcher = &analysis.matcher;
    let mut texts: Vec<(&str, u8)> =
        Vec::with_capacity(8 + doc.tags.len() + doc.place_aliases.len());
    texts.push((&doc.title, LIST_TITLE));
    texts.push((&doc.place, LIST_PLACE));
    if let Some(p) = &doc.province {
        texts.push((p, LIST_PLACE));
    }
    if let Some(d) = &doc.district {
        texts.push((d, LIST_PLACE));
    }
    for a in doc.place_aliases.iter() {
        texts.push((a, LIST_PLACE));
    }
    texts.push((&doc.host, LIST_META));
    for t in &doc.tags {
        texts.push((t, LIST_META));
    }
    if let Some(f) = &doc.field {
        texts.push((f, LIST_META));
    }
    texts.push((&doc.summary, LIST_META));
    texts.push((&doc.body, LIST_BODY));
    // A model's year is searchable ("heo đất 2023").
    let year = doc.year.map(|y| y.to_string()).unwrap_or_default();
    texts.push((&year, LIST_META));

    // Each distinct term of the doc gets a local number, found through the worker's dense
    // table (global id → local number + 1), which is cleared again for the next doc.
    let Worker { scanner, slot_of } = worker;
    let mut global: Vec<u32> = Vec::with_capacity(512);
    let mut masks: Vec<u8> = Vec::with_capacity(512);
    let mut tf: Vec<u16> = Vec::with_capacity(512);
    // Adjacent pairs as (first id << 32 | second id, list).
    let mut pairs: Vec<(u64, u8)> = Vec::with_capacity(1024);
    // Abbreviation groups found, with the list they were found in.
    let mut found: Vec<(u32, u8)> = Vec::new();
    let window = matcher.window();
    let mut recent: Vec<u32> = Vec::with_capacity(window + 1);
    let mut intern = |term: &str| interner.intern(term);
    let mut add_term = |gid: u32, bit: u8, count: bool| {
        let g = gid as usize;
        if g >= slot_of.len() {
            slot_of.resize(g + 1, 0);
        }
        let id = match slot_of[g] {
            0 => {
                global.push(gid);
                masks.push(0);
                tf.push(0);
                slot_of[g] = global.len() as u32;
                global.len() - 1
            }
            n => n as usize - 1,
        };
        masks[id] |= bit;
        if count && bit == LIST_BODY {
            tf[id] = tf[id].saturating_add(1);
        }
    };
    for (text, bit) in texts {
        let mut prev: Option<u32> = None;
        recent.clear();
        scanner.scan(text, &mut intern, |gid, follows| {
            add_term(gid, bit, true);
            if let (Some(p), true) = (prev, follows) {
                pairs.push(((u64::from(p) << 32) | u64::from(gid), bit));
            }
            prev = Some(gid);
            if window > 0 {
                // Forms are matched on consecutive terms, across commas too ("cán bộ,
                // công chức, viên chức").
                if recent.len() == window {
                    recent.remove(0);
                }
                recent.push(gid);
                matcher.at_end(&recent, |g| {
                    if !found.contains(&(g, bit)) {
                        found.push((g, bit));
                    }
                });
            }
        });
    }
    // Every form of each group found, as if the text had it too.
    for &(g, bit) in &found {
        for form in matcher.forms_of(g) {
            for (i, &gid) in form.iter().enumerate() {
                add_term(gid, bit, false);
                if i > 0 {
                    pairs.push(((u64::from(form[i - 1]) << 32) | u64::from(gid), bit));
                }
            }
        }
    }
    for &g in &global {
        slot_of[g as usize] = 0;
    }
    let terms: Vec<(u32, u8)> = global
        .iter()
        .zip(masks.iter().zip(tf.iter()))
        .map(|(&g, (&m, &f))| (g, if f >= HIGH_TF { m | LIST_BODY_HIGH } else { m }))
        .collect();
    // Neither list is sorted (that was 7 % of a build's instructions): the terms are distinct
    // already, and a pair seen again is merged into the doc's posting when merging.
    // Kept until the chunk is merged: hold no spare capacity.
    pairs.shrink_to_fit();
    DocTerms { terms, pairs }
}

/// The doc lists of `bits` (in that order) from (doc, list mask) postings in doc order;
/// empty lists are left out.
fn lists_of(postings: impl Iterator<Item = (u32, u8)>, bits: &[u8]) -> Vec<(u8, Vec<u32>)> {
    let mut lists: Vec<(u8, Vec<u32>)> = bits.iter().map(|&bit| (bit, Vec::new())).collect();
    for (d, m) in postings {
        for (bit, docs) in lists.iter_mut() {
            if m & *bit != 0 {
                docs.push(d);
            }
        }
    }
    lists.retain(|(_, docs)| !docs.is_empty());
    lists
}

const BASE_LISTS: [u8; 4] = [LIST_TITLE, LIST_PLACE, LIST_META, LIST_BODY];

/// The analysing side of a build: the shared vocabulary and each thread's scratch state.
struct Analysis {
    interner: Interner,
    workers: Vec<Mutex<Worker>>,
    matcher: Matcher,
}

impl Analysis {
    /// The metadata row (JSON) of each doc of `chunk`, and the terms and pairs of those
    /// `analyse` marks, numbered from `first`.
    fn run(
        &self,
        chunk: &[SearchDoc],
        first: usize,
        analyse_it: &[bool],
    ) -> (Vec<Box<[u8]>>, Vec<(u32, DocTerms)>) {
        let made: Vec<(Box<[u8]>, Option<DocTerms>)> = chunk
            .par_iter()
            .zip(analyse_it.par_iter())
            .map(|(d, &analyse_it)| {
                let terms = analyse_it.then(|| {
                    let slot = rayon::current_thread_index().unwrap_or(0) % self.workers.len();
                    let mut worker = self.workers[slot].lock().unwrap_or_else(|e| e.into_inner());
                    analyse(d, self, &mut worker)
                });
                if !analyse_it {
                    // A doc carried over: its row comes from the earlier build.
                    return (Box::default(), None);
                }
                let row = json!([
                    d.url.trim_start_matches('/'),
                    vntext::nfc(d.title.trim()),
                    vntext::nfc(d.place.trim()),
                    excerpt_source(d)
                ]);
                (serde_json::to_vec(&row).unwrap_or_default().into(), terms)
            })
            .collect();
        let mut rows = Vec::with_capacity(made.len());
        let mut terms = Vec::new();
        for (i, (row, t)) in made.into_iter().enumerate() {
            rows.push(row);
            terms.extend(t.map(|t| ((first + i) as u32, t)));
        }
        (rows, terms)
    }
}

/// The merging side of a build: postings by term id and by pair key, in doc order.
#[derive(Default)]
struct Merged {
    term_postings: Vec<Packed>,
    pair_postings: FxMap<u64, Packed>,
    time: std::time::Duration,
}

impl Merged {
    /// Adds the postings of `analysed` docs (with their numbers, increasing).
    fn merge(&mut self, analysed: Vec<(u32, DocTerms)>) {
        let t = std::time::Instant::now();
        for (doc, dt) in analysed {
            for (id, m) in dt.terms {
                let id = id as usize;
                if id >= self.term_postings.len() {
                    self.term_postings.resize_with(id + 1, Packed::default);
                }
                self.term_postings[id].push(doc, m);
            }
            for (key, m) in dt.pairs {
                self.pair_postings
                    .entry(key)
                    .or_default()
                    .push_or_merge(doc, m);
            }
        }
        self.time += t.elapsed();
    }
}

/// Builds the index from docs added in [`doc_order`], a chunk at a time. Each chunk's terms
/// are merged into packed postings while the next chunk is analysed, and its texts are
/// dropped, so the texts of a whole site are never in memory together.
pub struct IndexBuilder {
    analysis: Analysis,
    merged: Merged,
    /// The last chunk analysed, not merged yet: its docs' numbers and terms.
    pending: Option<Vec<(u32, DocTerms)>>,
    /// The postings of an earlier build, for the docs that did not change ([`crate::carry`]).
    carried: Option<Carried>,
    /// (number, earlier number) of each doc taken from `carried`.
    reused: Vec<(u32, u32)>,
    /// Each doc's key ([`crate::carry::doc_key`]), in doc order.
    keys: Vec<u64>,
    /// What the saved state must match to be used again.
    salt: u64,
    facets: Vec<DocFacets<String>>,
    /// Each doc's row of the metadata shards, as JSON.
    meta_rows: Vec<Box<[u8]>>,
    /// Docs with other names of their place ([`SearchDoc::place_aliases`]).
    aliased: usize,
    started: std::time::Instant,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl IndexBuilder {
    /// An empty index, with the built-in abbreviations.
    pub fn new() -> Self {
        Self::with_abbreviations(&Abbreviations::builtin())
    }

    /// An empty index that finds each form of `abbreviations` by every other form of its
    /// group (see [`crate::abbrev`]).
    pub fn with_abbreviations(abbreviations: &Abbreviations) -> Self {
        Self::resume(abbreviations, 0, None)
    }

    /// [`IndexBuilder::with_abbreviations`], going on from the state an earlier build saved
    /// ([`IndexBuilder::finish_saving`]) with the same `salt` (which the caller makes
    /// different whenever the analysis may be: another program, say): the docs that did not
    /// change are not analysed again. A state of another salt or abbreviations, or one that
    /// cannot be read, is ignored.
    pub fn resume(abbreviations: &Abbreviations, salt: u64, earlier: Option<&[u8]>) -> Self {
        let salt = {
            let mut h = Fx::default();
            h.write_u64(salt);
            abbreviations.hash_into(&mut h);
            h.finish()
        };
        let mut carried = earlier.and_then(|b| Carried::read(b, salt));
        let seeded = carried
            .as_mut()
            .and_then(|c| Interner::seeded(std::mem::take(&mut c.vocab)));
        if seeded.is_none() {
            carried = None;
        }
        let interner = seeded.unwrap_or_else(Interner::new);
        let matcher = Matcher::new(abbreviations, &mut |t: &str| interner.intern(t));
        IndexBuilder {
            analysis: Analysis {
                interner,
                // One scratch state per worker thread, dropped with the build.
                workers: (0..rayon::current_num_threads().max(1))
                    .map(|_| Mutex::new(Worker::default()))
                    .collect(),
                matcher,
            },
            merged: Merged::default(),
            pending: None,
            carried,
            reused: Vec::new(),
            keys: Vec::new(),
            salt,
            facets: Vec::new(),
            meta_rows: Vec::new(),
            aliased: 0,
            started: std::time::Instant::now(),
        }
    }

    /// Docs added so far whose postings were taken from the earlier build
    /// ([`IndexBuilder::resume`]) instead of analysing them.
    pub fn carried(&self) -> usize {
        self.reused.len()
    }

    /// Whether the earlier build's state has a doc of key `key` not added yet: added with
    /// that key, it is not analysed ([`IndexBuilder::add_keyed`]).
    pub fn carries(&self, key: u64) -> bool {
        self.carried.as_ref().is_some_and(|c| c.has(key))
    }

    /// The keys of the earlier build's docs not added yet ([`IndexBuilder::carries`]).
    pub fn carried_keys(&self) -> std::collections::HashSet<u64> {
        self.carried.as_ref().map(Carried::keys).unwrap_or_default()
    }

    /// Docs added so far.
    pub fn len(&self) -> usize {
        self.facets.len()
    }

    /// Whether no doc was added.
    pub fn is_empty(&self) -> bool {
        self.facets.is_empty()
    }

    /// Adds `docs`, numbered after those added before: they must come in [`doc_order`] of
    /// the whole set, after every doc added before them.
    pub fn add(&mut self, docs: Vec<SearchDoc>) {
        self.add_keyed(docs.into_iter().map(|d| (d, None)).collect());
    }

    /// [`IndexBuilder::add`], each doc with the caller's key for it, or `None` for a key
    /// made from all of its fields. Equal keys must mean equal docs (a key made from what
    /// the doc is made of, say). A doc whose key the earlier build has
    /// ([`IndexBuilder::carries`]) is not analysed: its body may be left empty.
    pub fn add_keyed(&mut self, mut docs: Vec<(SearchDoc, Option<u64>)>) {
        for keyed in docs.chunks_mut(CHUNK) {
            let keys: Vec<u64> = keyed
                .par_iter()
                .map(|(d, key)| key.unwrap_or_else(|| carry::doc_key(d)))
                .collect();
            let mut chunk: Vec<SearchDoc> =
                keyed.iter_mut().map(|(d, _)| std::mem::take(d)).collect();
            let chunk = &mut chunk[..];
            let first = self.facets.len();
            self.facets.extend(chunk.iter().map(DocFacets::of));
            self.aliased += chunk.iter().filter(|d| !d.place_aliases.is_empty()).count();
            let mut carried_rows = Vec::new();
            let analyse_it: Vec<bool> = keys
                .iter()
                .enumerate()
                .map(
                    |(i, &key)| match self.carried.as_mut().and_then(|c| c.take(key)) {
                        Some((old, row)) => {
                            self.reused.push(((first + i) as u32, old));
                            carried_rows.push((i, row));
                            false
                        }
                        None => true,
                    },
                )
                .collect();
            self.keys.extend(keys);
            let pending = self.pending.take();
            let (analysis, merged) = (&self.analysis, &mut self.merged);
            // A pipeline: the (serial) merge of one chunk runs while the next is analysed.
            let ((rows, terms), ()) = rayon::join(
                || analysis.run(chunk, first, &analyse_it),
                || {
                    if let Some(terms) = pending {
                        merged.merge(terms);
                    }
                },
            );
            let mut rows = rows;
            for (i, row) in carried_rows {
                rows[i] = row;
            }
            self.meta_rows.extend(rows);
            self.pending = Some(terms);
            for d in chunk.iter_mut() {
                d.body = String::new();
            }
        }
    }

    /// Every file of the index (see the crate docs for the layout), the manifest first.
    pub fn finish(self) -> Vec<IndexFile> {
        let mut files = Vec::new();
        self.finish_into(&mut |f| files.push(f));
        // Handed on last (it names every shard before it).
        files.rotate_right(1);
        files
    }

    /// Hands every file of the index to `out` as it is made (the shards are never all in
    /// memory), the manifest last.
    pub fn finish_into(self, out: &mut dyn FnMut(IndexFile)) {
        let _ = self.finish_writing(None, out);
    }

    /// [`IndexBuilder::finish_into`], also writing to `state` what the next build of the same
    /// site can go on from ([`IndexBuilder::resume`]). A failed write is not an error of
    /// the build (the state is a cache): it is returned, for the caller to throw away what
    /// it wrote.
    pub fn finish_saving(
        self,
        state: &mut dyn std::io::Write,
        out: &mut dyn FnMut(IndexFile),
    ) -> std::io::Result<()> {
        self.finish_writing(Some(state), out)
    }

    fn finish_writing(
        self,
        state: Option<&mut dyn std::io::Write>,
        out: &mut dyn FnMut(IndexFile),
    ) -> std::io::Result<()> {
        let IndexBuilder {
            analysis,
            mut merged,
            pending,
            carried,
            reused,
            keys,
            salt,
            facets: doc_facets,
            meta_rows,
            aliased,
            started,
        } = self;
        // DVK_SEARCH_TIMING=1 prints the time spent so far at each stage (for profiling).
        let timing = std::env::var_os("DVK_SEARCH_TIMING").is_some();
        let lap = |stage: &str| {
            if timing {
                // The resident memory now, where the system tells it (Linux).
                let rss = std::fs::read_to_string("/proc/self/statm")
                    .ok()
                    .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .map(|pages| format!(", {} MiB", (pages * 4096) >> 20))
                    .unwrap_or_default();
                eprintln!(
                    "search index: {stage} at {:.3} s{rss}",
                    started.elapsed().as_secs_f64()
                );
            }
        };
        lap("finish begins");
        if let Some(terms) = pending {
            merged.merge(terms);
        }
        let mut payloads = Payloads::default();
        if let Some(mut c) = carried {
            payloads = std::mem::take(&mut c.payloads);
            c.fold_into(
                &reused,
                &mut merged.term_postings,
                &mut merged.pair_postings,
            );
            lap("postings of the unchanged docs carried over");
        }
        if timing {
            let sizes = |p: &mut dyn Iterator<Item = &Packed>| {
                p.fold((0, 0, 0), |(n, l, b), p| {
                    (n + 1, l + p.len(), b + p.heap_bytes())
                })
            };
            let (terms, term_postings, term_bytes) = sizes(&mut merged.term_postings.iter());
            let (pairs, pair_postings, pair_bytes) = sizes(&mut merged.pair_postings.values());
            eprintln!(
                "search index: merging took {:.3} s; {terms} terms, {term_postings} postings in {} MB; {pairs} pairs, {pair_postings} postings in {} MB; pair table {} MB",
                merged.time.as_secs_f64(),
                term_bytes >> 20,
                pair_bytes >> 20,
                (merged.pair_postings.capacity() * std::mem::size_of::<(u64, Packed)>()) >> 20,
            );
        }
        lap("terms and pairs of every doc");
        // The postings go to the state first, and are freed as the entries are made from
        // them; the entries' payloads end the state ([`carry::Writing`]).
        let mut saved = Ok(());
        let mut writing = match state {
            Some(out) => carry::write(
                out,
                &carry::State {
                    salt,
                    keys: &keys,
                    rows: &meta_rows,
                    vocab: &analysis.interner.entries(),
                    terms: &merged.term_postings,
                    pairs: &merged.pair_postings,
                },
            )
            .map_err(|e| saved = Err(e))
            .ok(),
            None => None,
        };
        drop(keys);
        lap("state for the next build");
        let Merged {
            term_postings,
            pair_postings,
            ..
        } = merged;
        let n = doc_facets.len();
        // 3. The vocabulary in key order.
        let mut vocab = analysis.interner.into_vec();
        vocab.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Terms interned but found in no doc (those of abbreviations no text has).
        vocab.retain(|(_, id)| {
            term_postings
                .get(*id as usize)
                .is_some_and(|p| !p.is_empty())
        });
        let mut names: Vec<&str> = vec![""; term_postings.len()];
        for (s, id) in &vocab {
            names[*id as usize] = s;
        }
        lap("vocabulary");
        // 4. Term and prefix entries; 5. phrase (adjacent pair) entries: each payload
        // made, or taken from the earlier build when its lists are the same ([`reuse`]).
        let hashes: Vec<u64> = term_postings.par_iter().map(reuse::list_hash).collect();
        let lens: Vec<usize> = term_postings.iter().map(Packed::len).collect();
        // The postings are handed to the entries' groups, each freed when its group is done.
        let mut entries = term_entries(&vocab, term_postings, n, &hashes, &payloads);
        lap("term and prefix entries");
        let mut vocab_shards = Named::new("vocab");
        let vocab_firsts = shard(
            vocabulary_entries(&vocab, |id| lens[id as usize]),
            &mut |bytes| vocab_shards.put(bytes, out),
        );
        // The state ends with every keyed entry's payload: the terms' and prefixes' now, so
        // that they are sharded (and their entries freed) before the phrases' are made, and
        // the phrases' after (every phrase entry is keyed).
        // Each entry freed as it is copied into its shard.
        let without_keys = |e: Vec<(String, Vec<u8>, u64)>| e.into_iter().map(|(k, p, _)| (k, p));
        if let Some(w) = writing.as_mut() {
            let keyed = entries.iter().filter(|e| e.2 != reuse::NONE).count();
            let r = w
                .begin_payloads(keyed + pair_postings.len())
                .and_then(|()| w.put(entries.iter().map(|(_, p, k)| (*k, p.as_slice()))));
            if let Err(e) = r {
                saved = Err(e);
                writing = None;
            }
        }
        lap("term and prefix payloads to the state");
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut word_shards = Named::new("w");
        let word_firsts = shard(without_keys(entries), &mut |bytes| {
            word_shards.put(bytes, out)
        });
        lap("term shards");
        let pair_postings: Vec<(u64, Packed)> = pair_postings.into_iter().collect();
        let mut pair_entries: Vec<(String, Vec<u8>, u64)> = pair_postings
            .into_par_iter()
            .map(|(key, postings)| {
                let a = names[(key >> 32) as usize];
                let b = names[(key & 0xffff_ffff) as usize];
                let cache = reuse::key(reuse::Kind::Pair, 0, [reuse::list_hash(&postings)]);
                let payload = payloads.get_or(cache, || {
                    let mut payload = Vec::new();
                    encode_payload(
                        &mut payload,
                        &Payload::Lists(lists_of(postings.iter(), &BASE_LISTS)),
                    );
                    payload
                });
                (format!("{a} {b}"), payload, cache)
            })
            .collect();
        drop(payloads);
        lap("phrase entries");
        if let Some(mut w) = writing {
            saved = w
                .put(pair_entries.iter().map(|(_, p, k)| (*k, p.as_slice())))
                .and_then(|()| w.finish());
        }
        lap("state's payloads");
        pair_entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut pair_shards = Named::new("p");
        let pair_firsts = shard(without_keys(pair_entries), &mut |bytes| {
            pair_shards.put(bytes, out)
        });

        lap("phrase shards");
        // 6. Doc metadata shards.
        // Each row is freed once copied into its shard.
        let mut meta_shards = Named::new("m");
        let mut rows = meta_rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut shard = vec![b'['];
            for (i, row) in rows.by_ref().take(META_DOCS).enumerate() {
                if i > 0 {
                    shard.push(b',');
                }
                shard.extend_from_slice(&row);
            }
            shard.push(b']');
            meta_shards.put(shard, out);
        }

        lap("metadata shards");
        // 7. The manifest: each space's first keys and shard tags.
        let facets = Facets::new(&doc_facets);
        let facet_rows: Vec<[usize; 6]> = doc_facets.iter().map(|d| facets.row(d)).collect();
        let col = |c: usize| runs(facet_rows.iter().map(move |r| r[c]));
        let manifest = json!({
            "v": 1,
            "n": n,
            "meta": META_DOCS,
            "optional": crate::query::OPTIONAL_WORDS,
            "w": word_firsts,
            "p": pair_firsts,
            "vocab": vocab_firsts,
            "tags": {
                "w": word_shards.tags, "p": pair_shards.tags,
                "m": meta_shards.tags, "vocab": vocab_shards.tags,
            },
            "aliased": aliased,
            "years": facets.years,
            "provinces": facets.provinces.iter().map(|p| json!([vntext::nfc(p), vntext::slugify(p)])).collect::<Vec<_>>(),
            "districts": facets.districts.iter().map(|(p, d)| json!([p, vntext::nfc(d), vntext::slugify(d)])).collect::<Vec<_>>(),
            "fields": facets.fields.iter().map(|f| json!([vntext::nfc(f), vntext::slugify(f)])).collect::<Vec<_>>(),
            "runs": {
                "kind": col(0), "year": col(1), "province": col(2),
                "district": col(3), "field": col(4), "exemplary": col(5),
            },
        });
        out(IndexFile {
            path: "tim-kiem/search.js".into(),
            bytes: compact_js(crate::CLIENT_JS).into_bytes(),
        });
        out(IndexFile {
            path: "tim-kiem/search.css".into(),
            bytes: crate::CLIENT_CSS.as_bytes().to_vec(),
        });
        out(IndexFile {
            path: MANIFEST.into(),
            bytes: serde_json::to_vec(&manifest).unwrap_or_default(),
        });
        lap("files");
        saved
    }
}

/// The path of an index's manifest.
const MANIFEST: &str = "tim-kiem/index.json";

/// The shards of one space (`w`, `p`, `m`, `vocab`) as they are handed on: each named by
/// its number and tag ([`shard_path`]), the tags kept in order for the manifest.
struct Named {
    space: &'static str,
    count: usize,
    tags: String,
}

impl Named {
    fn new(space: &'static str) -> Named {
        Named {
            space,
            count: 0,
            tags: String::new(),
        }
    }

    /// Hands the next shard of this space to `out`.
    fn put(&mut self, bytes: Vec<u8>, out: &mut dyn FnMut(IndexFile)) {
        let tag = shard_tag(&bytes);
        out(IndexFile {
            path: shard_path(self.space, self.count, &tag),
            bytes,
        });
        self.tags.push_str(&tag);
        self.count += 1;
    }
}

/// Shortest term (in characters) a typo is corrected in: shorter words have too many
/// neighbours one letter away.
pub const FUZZY_MIN_CHARS: usize = 5;
/// Most terms listed per first letter for typo correction (the most frequent are kept).
const VOCAB_MAX: usize = 3000;

/// The entry of each term of `vocab` (in key order) and of each prefix of its terms, for
/// `n` docs. A prefix belongs to the terms starting with its first character: each such
/// group is made on its own, in parallel.
fn term_entries(
    vocab: &[(Box<str>, u32)],
    mut term_postings: Vec<Packed>,
    n: usize,
    hashes: &[u64],
    payloads: &Payloads,
) -> Vec<(String, Vec<u8>, u64)> {
    let mut starts: Vec<usize> = (0..vocab.len())
        .filter(|&i| i == 0 || vocab[i].0.chars().next() != vocab[i - 1].0.chars().next())
        .collect();
    starts.push(vocab.len());
    // Each group owns its terms' postings (in its order), freed when its entries are made:
    // the entries grow as the postings go.
    let groups: Vec<(&[(Box<str>, u32)], Vec<Packed>)> = starts
        .windows(2)
        .map(|w| {
            let terms = &vocab[w[0]..w[1]];
            let postings = terms
                .iter()
                .map(|(_, id)| std::mem::take(&mut term_postings[*id as usize]))
                .collect();
            (terms, postings)
        })
        .collect();
    drop(term_postings);
    groups
        .into_par_iter()
        .map(|(terms, postings)| group_entries(terms, postings, n, hashes, payloads))
        .flatten_iter()
        .collect()
}

/// [`term_entries`] of one group of terms, `postings` theirs in the same order.
fn group_entries(
    vocab: &[(Box<str>, u32)],
    postings: Vec<Packed>,
    n: usize,
    hashes: &[u64],
    payloads: &Payloads,
) -> Vec<(String, Vec<u8>, u64)> {
    let high_max = n / HIGH_MAX_SHARE;
    let mut entries: Vec<(String, Vec<u8>, u64)> = Vec::with_capacity(vocab.len() * 2);
    for ((s, id), postings) in vocab.iter().zip(&postings) {
        let cache = reuse::key(reuse::Kind::Term, n, [hashes[*id as usize]]);
        let payload = payloads.get_or(cache, || {
            let body_df = postings.iter().filter(|(_, m)| m & LIST_BODY != 0).count();
            let bits: &[u8] = if body_df <= high_max {
                &[LIST_TITLE, LIST_PLACE, LIST_META, LIST_BODY, LIST_BODY_HIGH]
            } else {
                &BASE_LISTS
            };
            let mut payload = Vec::new();
            encode_payload(
                &mut payload,
                &Payload::Lists(lists_of(postings.iter(), bits)),
            );
            payload
        });
        entries.push((s.to_string(), payload, cache));
    }
    let mut acc: Vec<u8> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    let mut union: Vec<(u32, u8)> = Vec::new();
    for (i, (term, _)) in vocab.iter().enumerate() {
        let prev = if i > 0 { Some(&*vocab[i - 1].0) } else { None };
        for (end, c) in term.char_indices() {
            let p = &term[..end + c.len_utf8()];
            if prev.is_some_and(|pr| pr.starts_with(p)) {
                continue; // already done for an earlier term
            }
            let hi = i + vocab[i..].partition_point(|(t, _)| t.starts_with(p));
            let key = format!("{p}{PREFIX_MARK}");
            if hi - i == 1 {
                if &**term != p {
                    let mut payload = Vec::new();
                    encode_payload(&mut payload, &Payload::Alias(term.to_string()));
                    entries.push((key, payload, reuse::NONE));
                }
                continue;
            }
            let members = vocab[i..hi].iter().map(|(_, id)| hashes[*id as usize]);
            let cache = reuse::key(reuse::Kind::Prefix, n, members);
            let payload = payloads.get_or(cache, || {
                if acc.is_empty() {
                    acc = vec![0; n];
                }
                touched.clear();
                for list in &postings[i..hi] {
                    for (d, m) in list.iter() {
                        let slot = &mut acc[d as usize];
                        if *slot == 0 {
                            touched.push(d);
                        }
                        *slot |= m & 0x0f;
                    }
                }
                union.clear();
                if touched.len() > n / 16 {
                    for (d, slot) in acc.iter_mut().enumerate() {
                        if *slot != 0 {
                            union.push((d as u32, *slot));
                            *slot = 0;
                        }
                    }
                } else {
                    touched.sort_unstable();
                    for &d in &touched {
                        union.push((d, acc[d as usize]));
                        acc[d as usize] = 0;
                    }
                }
                let mut payload = Vec::new();
                encode_payload(
                    &mut payload,
                    &Payload::Lists(lists_of(union.iter().copied(), &BASE_LISTS)),
                );
                payload
            });
            entries.push((key, payload, cache));
        }
    }
    entries
}

/// The entries of the vocabulary space (`vocab`): key = a first letter, payload = the terms
/// of at least [`FUZZY_MIN_CHARS`] letters starting with it, most frequent first, joined by
/// `\n` (an alias payload). The client fetches one when a query word is found nowhere and
/// corrects it to the terms one edit away (see `query.rs`, `fuzzy`).
fn vocabulary_entries(
    vocab: &[(Box<str>, u32)],
    df: impl Fn(u32) -> usize,
) -> Vec<(String, Vec<u8>)> {
    let mut by_first: std::collections::BTreeMap<char, Vec<(usize, &str)>> = Default::default();
    for (term, id) in vocab {
        let mut chars = term.chars();
        let Some(first) = chars.next() else { continue };
        if term.chars().count() >= FUZZY_MIN_CHARS && term.chars().all(char::is_alphabetic) {
            by_first.entry(first).or_default().push((df(*id), term));
        }
    }
    by_first
        .into_iter()
        .map(|(first, mut terms)| {
            terms.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            terms.truncate(VOCAB_MAX);
            let list: Vec<&str> = terms.iter().map(|(_, t)| *t).collect();
            let mut payload = Vec::new();
            encode_payload(&mut payload, &Payload::Alias(list.join("\n")));
            (first.to_string(), payload)
        })
        .collect()
}

/// Builds every file of the index from docs in any order (see the crate docs).
pub fn build(docs: Vec<SearchDoc>, abbreviations: &Abbreviations) -> Vec<IndexFile> {
    let keys: Vec<OrderKey> = docs.iter().map(OrderKey::of).collect();
    let order = doc_order(&keys);
    drop(keys);
    let mut slots: Vec<Option<SearchDoc>> = docs.into_iter().map(Some).collect();
    let mut builder = IndexBuilder::with_abbreviations(abbreviations);
    for chunk in order.chunks(CHUNK) {
        builder.add(chunk.iter().filter_map(|&i| slots[i].take()).collect());
    }
    builder.finish()
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;

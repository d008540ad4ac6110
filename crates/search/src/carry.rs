//! Carrying an index build's postings to the next build, so that a site rebuilt after one
//! edit analyses only the docs that changed.
//!
//! After a build, [`write`] saves what the analysis made: each doc's key ([`doc_key`], a
//! hash of every field of the doc, body included), the numbered vocabulary, and the packed
//! postings of every term and pair. The next build reads it back ([`Carried::read`]): a doc
//! whose key is listed is not analysed again; its postings are taken from the earlier build,
//! renumbered to the doc's place in the new order ([`Carried::fold_into`]), beside those of
//! the docs analysed anew. The files made from them are the same bytes a build from nothing
//! makes: the index's files depend on the terms' strings, never on their numbers.
//!
//! The saved state is only a cache. It is used only when its `salt` (the caller's, e.g. the
//! program's identity, and the abbreviations) is the one of this build; anything unreadable
//! or inconsistent is ignored and the index is built from nothing.

use std::hash::Hasher;
use std::io::{self, Write};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::intern::FxMap;
use crate::postings::Packed;
use crate::reuse::Payloads;
use crate::SearchDoc;

/// First bytes of a saved state (and its format's version).
const MAGIC: &[u8; 8] = b"dvkidx02";

/// The key of a doc: a hash of every field the index reads, each with its length, so that
/// two docs with the same key are indexed alike.
pub fn doc_key(d: &SearchDoc) -> u64 {
    let mut h = Xxh3::new();
    let mut text = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    text(&d.url);
    text(&d.title);
    text(&d.place);
    for a in d.place_aliases.iter() {
        text(a);
    }
    text("\u{0}aliases");
    text(d.province.as_deref().unwrap_or("\u{0}"));
    text(d.district.as_deref().unwrap_or("\u{0}"));
    text(d.field.as_deref().unwrap_or("\u{0}"));
    text(&d.host);
    for t in &d.tags {
        text(t);
    }
    text("\u{0}tags");
    text(&d.summary);
    text(&d.body);
    let kind = match d.kind {
        crate::DocKind::Model => 0u8,
        crate::DocKind::Article => 1,
        crate::DocKind::Page => 2,
    };
    h.update(&[kind, u8::from(d.exemplary), u8::from(d.year.is_some())]);
    h.update(&d.year.unwrap_or(0).to_le_bytes());
    h.finish()
}

/// The postings of an earlier build, read back.
pub(crate) struct Carried {
    /// Doc key → the doc's number in the earlier build; taken out as docs are matched.
    docs: FxMap<u64, u32>,
    /// How many docs the earlier build had.
    count: usize,
    /// The earlier build's vocabulary with its numbers.
    pub(crate) vocab: Vec<(Box<str>, u32)>,
    /// Term postings by term number.
    terms: Vec<Packed>,
    /// Pair postings by pair key.
    pairs: Vec<(u64, Packed)>,
    /// Each doc's row of the metadata shards (its excerpt comes from its body, which a
    /// doc carried over may come without).
    rows: Vec<Box<[u8]>>,
    /// The payloads of the earlier build's entries ([`crate::reuse`]).
    pub(crate) payloads: Payloads,
}

/// Reads a saved state: a cursor over its bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(8)?.try_into().ok()?))
    }
    fn packed(&mut self) -> Option<Packed> {
        let (last, len, n) = (self.u32()?, self.u32()?, self.u32()?);
        Some(Packed::from_parts(
            self.bytes(n as usize)?.to_vec(),
            last,
            len,
        ))
    }
}

impl Carried {
    /// The state `bytes` saved by [`write`] with the same `salt`, or `None`.
    pub(crate) fn read(bytes: &[u8], salt: u64) -> Option<Carried> {
        // The last 8 bytes: a hash of all the others (a damaged state is not used).
        let (bytes, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
        if xxhash_rust::xxh3::xxh3_64(bytes).to_le_bytes() != sum {
            return None;
        }
        let mut r = Reader(bytes);
        if r.bytes(MAGIC.len())? != MAGIC || r.u64()? != salt {
            return None;
        }
        let count = r.u32()? as usize;
        let mut docs = FxMap::default();
        docs.reserve(count.min(bytes.len() / 8));
        for i in 0..count {
            docs.insert(r.u64()?, i as u32);
        }
        let terms_n = r.u32()? as usize;
        let mut vocab = Vec::with_capacity(terms_n.min(bytes.len() / 8));
        for _ in 0..terms_n {
            let id = r.u32()?;
            let n = r.u32()? as usize;
            let s = std::str::from_utf8(r.bytes(n)?).ok()?;
            vocab.push((Box::from(s), id));
        }
        let lists = r.u32()? as usize;
        let mut terms = Vec::with_capacity(lists.min(bytes.len() / 12));
        for _ in 0..lists {
            terms.push(r.packed()?);
        }
        let mut rows = Vec::with_capacity(count.min(bytes.len() / 8));
        for _ in 0..count {
            let n = r.u32()? as usize;
            rows.push(Box::from(r.bytes(n)?));
        }
        let pairs_n = r.u32()? as usize;
        let mut pairs = Vec::with_capacity(pairs_n.min(bytes.len() / 20));
        for _ in 0..pairs_n {
            let key = r.u64()?;
            pairs.push((key, r.packed()?));
        }
        let payloads_n = r.u32()? as usize;
        let (payloads, used) = Payloads::read(r.0, payloads_n)?;
        r.bytes(used)?;
        // Docs increase along a list (the state's hash vouches for its bytes), so its last
        // doc is its largest.
        let in_range = |p: &Packed| p.is_empty() || (p.last() as usize) < count;
        let sound = r.0.is_empty()
            && docs.len() == count
            && terms.par_iter().all(in_range)
            && pairs.par_iter().all(|(_, p)| in_range(p));
        sound.then_some(Carried {
            docs,
            count,
            vocab,
            terms,
            pairs,
            rows,
            payloads,
        })
    }

    /// The keys of the docs not taken yet.
    pub(crate) fn keys(&self) -> std::collections::HashSet<u64> {
        self.docs.keys().copied().collect()
    }

    /// Whether a doc of key `key` is there, not taken yet.
    pub(crate) fn has(&self, key: u64) -> bool {
        self.docs.contains_key(&key)
    }

    /// The earlier number of the doc with key `key`, if it had one not taken yet, and its
    /// metadata row.
    pub(crate) fn take(&mut self, key: u64) -> Option<(u32, Box<[u8]>)> {
        let old = self.docs.remove(&key)?;
        Some((old, std::mem::take(&mut self.rows[old as usize])))
    }

    /// Adds the carried postings to `terms` and `pairs` (those of the docs analysed in this
    /// build, numbered in the new order): each carried doc as `reused` (new number, earlier
    /// number) numbers it, the others left out.
    pub(crate) fn fold_into(
        self,
        reused: &[(u32, u32)],
        terms: &mut Vec<Packed>,
        pairs: &mut FxMap<u64, Packed>,
    ) {
        let mut renumber = vec![u32::MAX; self.count];
        for &(new, old) in reused {
            renumber[old as usize] = new;
        }
        // The earlier numbers of the docs left out or numbered otherwise now (a doc deleted,
        // added, or moved to other facets moves those after it, or between its two places):
        // a list with none of them and no posting added is carried as it is, without
        // repacking.
        let moved: Vec<u32> = (0..self.count as u32)
            .filter(|&d| renumber[d as usize] != d)
            .collect();
        // Which terms' lists hold a moved doc. A pair is two terms of the doc it is found in
        // (the analysis adds both terms wherever it adds a pair), so only the lists of pairs
        // of two such terms are looked through for the moved docs.
        let term_holds: Vec<bool> = self
            .terms
            .par_iter()
            .map(|t| t.contains_any(&moved))
            .collect();
        let pair_holds = |key: u64, old: &Packed| {
            let term = |id: u64| term_holds.get(id as usize).copied().unwrap_or(true);
            term(key >> 32) && term(key & 0xffff_ffff) && old.contains_any(&moved)
        };
        // When the docs kept keep their order (an edit, a deletion, a new doc), each list is
        // renumbered as it is read, and from the doc on which every doc moves by the same
        // shift (`tail`) its bytes are copied ([`Packed::renumbered`]).
        let mut kept = renumber.iter().filter(|&&n| n != u32::MAX);
        let in_order = kept
            .next()
            .is_none_or(|&first| kept.try_fold(first, |a, &b| (a < b).then_some(b)).is_some());
        let (tail, shift) = crate::postings::shifted_tail(&renumber);
        let combine = |old: Packed, new: Option<&Packed>, holds: bool| -> Packed {
            if new.is_none_or(Packed::is_empty) && !holds {
                return old;
            }
            if in_order {
                return old.renumbered(&renumber, tail, shift, new);
            }
            let mut kept: Vec<(u32, u8)> = old
                .iter()
                .filter_map(|(d, m)| {
                    let n = renumber[d as usize];
                    (n != u32::MAX).then_some((n, m))
                })
                .collect();
            if !kept.windows(2).all(|w| w[0].0 < w[1].0) {
                kept.sort_unstable_by_key(|p| p.0);
            }
            let mut out = Packed::default();
            let mut added = new.into_iter().flat_map(Packed::iter).peekable();
            for (d, m) in kept {
                while let Some(&(a, am)) = added.peek().filter(|(a, _)| *a < d) {
                    out.push(a, am);
                    added.next();
                }
                out.push(d, m);
            }
            for (a, am) in added {
                out.push(a, am);
            }
            out
        };
        if terms.len() < self.terms.len() {
            terms.resize_with(self.terms.len(), Packed::default);
        }
        terms
            .par_iter_mut()
            .zip(self.terms.into_par_iter())
            .enumerate()
            .for_each(|(id, (new, old))| {
                if !old.is_empty() {
                    *new = combine(old, Some(new), term_holds[id]);
                }
            });
        let combined: Vec<(u64, Packed)> = self
            .pairs
            .into_par_iter()
            .map(|(key, old)| {
                let holds = pair_holds(key, &old);
                (key, combine(old, pairs.get(&key), holds))
            })
            .collect();
        pairs.extend(combined);
        pairs.retain(|_, p| !p.is_empty());
    }
}

/// A writer that hashes what goes through it.
struct Summing<'a> {
    out: &'a mut dyn Write,
    sum: Xxh3,
}

impl Write for Summing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// [`Summing`] behind a buffer: the state is written a few bytes at a time, and each small
/// write is then a copy, not a call through `dyn Write` and a hash update of its own.
type Summed<'a> = io::BufWriter<Summing<'a>>;

fn summed(out: &mut dyn Write) -> Summed<'_> {
    io::BufWriter::with_capacity(
        1 << 16,
        Summing {
            out,
            sum: Xxh3::new(),
        },
    )
}

/// Passes everything on, then writes the hash of all of it (not itself hashed).
fn finish_summed(out: Summed) -> io::Result<()> {
    let inner = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    let sum = inner.sum.digest();
    inner.out.write_all(&sum.to_le_bytes())?;
    inner.out.flush()
}

/// What a build saves for the next (see the module's docs): the docs' `keys` and metadata
/// `rows` in their order, the `vocab` with its numbers, and the postings.
pub(crate) struct State<'a> {
    pub(crate) salt: u64,
    pub(crate) keys: &'a [u64],
    pub(crate) rows: &'a [Box<[u8]>],
    pub(crate) vocab: &'a [(Box<str>, u32)],
    pub(crate) terms: &'a [Packed],
    pub(crate) pairs: &'a FxMap<u64, Packed>,
}

/// A state being written: its postings are, its entries' payloads come next, announced
/// ([`Writing::begin_payloads`]) and given in batches ([`Writing::put`]) as the entries are
/// made, so that the postings, then each batch's entries, can be freed in between.
pub(crate) struct Writing<'a> {
    out: Summed<'a>,
    /// Payloads announced and not yet written.
    left: usize,
}

/// Starts writing `state` (all but the payloads of its entries).
pub(crate) fn write<'a>(out: &'a mut dyn Write, state: &State) -> io::Result<Writing<'a>> {
    let mut out = summed(out);
    write_parts(&mut out, state)?;
    Ok(Writing { out, left: 0 })
}

impl Writing<'_> {
    /// Announces the `count` keyed entries ([`crate::reuse`]) whose payloads end the state.
    pub(crate) fn begin_payloads(&mut self, count: usize) -> io::Result<()> {
        crate::reuse::write_count(&mut self.out, count)?;
        self.left = count;
        Ok(())
    }

    /// Writes the key and payload of each keyed entry of `entries`.
    pub(crate) fn put<'p>(
        &mut self,
        entries: impl Iterator<Item = (u64, &'p [u8])>,
    ) -> io::Result<()> {
        let n = crate::reuse::write_entries(&mut self.out, entries)?;
        self.left = self
            .left
            .checked_sub(n)
            .ok_or_else(|| io::Error::other("more payloads than announced"))?;
        Ok(())
    }

    /// Ends the state with a hash of all of it, once every announced payload is written.
    pub(crate) fn finish(self) -> io::Result<()> {
        if self.left != 0 {
            return Err(io::Error::other("fewer payloads than announced"));
        }
        finish_summed(self.out)
    }
}

fn write_parts(out: &mut Summed, state: &State) -> io::Result<()> {
    let State {
        salt,
        keys,
        rows,
        vocab,
        terms,
        pairs,
    } = *state;
    let len = |n: usize| u32::try_from(n).map_err(|_| io::Error::other("too large"));
    let packed = |out: &mut Summed, p: &Packed| -> io::Result<()> {
        let (bytes, last, count) = p.parts();
        out.write_all(&last.to_le_bytes())?;
        out.write_all(&count.to_le_bytes())?;
        out.write_all(&len(bytes.len())?.to_le_bytes())?;
        out.write_all(bytes)
    };
    out.write_all(MAGIC)?;
    out.write_all(&salt.to_le_bytes())?;
    out.write_all(&len(keys.len())?.to_le_bytes())?;
    for k in keys {
        out.write_all(&k.to_le_bytes())?;
    }
    out.write_all(&len(vocab.len())?.to_le_bytes())?;
    for (s, id) in vocab {
        out.write_all(&id.to_le_bytes())?;
        out.write_all(&len(s.len())?.to_le_bytes())?;
        out.write_all(s.as_bytes())?;
    }
    out.write_all(&len(terms.len())?.to_le_bytes())?;
    for p in terms {
        packed(out, p)?;
    }
    for row in rows {
        out.write_all(&len(row.len())?.to_le_bytes())?;
        out.write_all(row)?;
    }
    out.write_all(&len(pairs.len())?.to_le_bytes())?;
    for (key, p) in pairs {
        out.write_all(&key.to_le_bytes())?;
        packed(out, p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{doc_order, Abbreviations, IndexBuilder, IndexFile, OrderKey, SearchDoc};

    const WORDS: &[&str] = &[
        "heo",
        "đất",
        "đường",
        "bê",
        "tông",
        "nông",
        "thôn",
        "mới",
        "phụ",
        "nữ",
        "nghèo",
        "cựu",
        "chiến",
        "binh",
        "hiến",
        "ubnd",
        "mttq",
    ];

    fn doc(i: usize, edit: &str) -> SearchDoc {
        SearchDoc {
            url: format!("mo-hinh/m{i}/"),
            title: format!("Mô hình {} số {i}{edit}", WORDS[i % WORDS.len()]),
            place: format!("Xã {}, Tỉnh {}", i % 13, i % 5),
            province: Some(format!("Tỉnh {}", i % 5)),
            year: Some(2020 + (i % 6) as i32),
            tags: vec![WORDS[(i * 3) % WORDS.len()].into()],
            summary: format!("tóm tắt {i} {edit}"),
            body: (0..80)
                .map(|k| format!("{}{}", WORDS[(i * 7 + k) % WORDS.len()], (i * k) % 50))
                .collect::<Vec<_>>()
                .join(" "),
            ..Default::default()
        }
    }

    /// Builds `docs` in doc order, going on from `earlier`: the files, the saved state, and
    /// how many docs were carried instead of analysed.
    fn build(docs: &[SearchDoc], earlier: Option<&[u8]>) -> (Vec<IndexFile>, Vec<u8>, usize) {
        let abbreviations = Abbreviations::builtin();
        let keys: Vec<OrderKey> = docs.iter().map(OrderKey::of).collect();
        let ordered: Vec<SearchDoc> = doc_order(&keys)
            .into_iter()
            .map(|i| docs[i].clone())
            .collect();
        let mut b = IndexBuilder::resume(&abbreviations, 7, earlier);
        // In several calls, as a site build adds them.
        for part in ordered.chunks(300) {
            b.add(part.to_vec());
        }
        let carried = b.carried();
        let mut state = Vec::new();
        let mut files = Vec::new();
        b.finish_saving(&mut state, &mut |f| files.push(f)).unwrap();
        (files, state, carried)
    }

    #[test]
    fn a_term_whose_docs_stay_is_made_again_when_the_doc_count_changes_its_lists() {
        // 12 of 40 docs have a word three times (a high list's posting): more than a quarter
        // of the docs, so it has no high list. 20 docs added after them in the order (an
        // older year) leave its postings as they were but make it rare enough for one: its
        // payload must be made again, not reused.
        let with_word = |i: usize, year: i32| {
            let mut d = doc(i, "");
            d.year = Some(year);
            if i < 12 {
                d.body.push_str(" hiếmhoi hiếmhoi hiếmhoi");
            }
            d
        };
        let before: Vec<SearchDoc> = (0..40).map(|i| with_word(i, 2020)).collect();
        let (_, state, _) = build(&before, None);
        let mut after = before.clone();
        after.extend((40..60).map(|i| with_word(i, 2010)));
        let (going_on, _, carried) = build(&after, Some(&state));
        assert_eq!(carried, before.len());
        let (from_nothing, _, _) = build(&after, None);
        assert!(going_on == from_nothing, "docs added after, other files");
    }

    #[test]
    fn a_build_going_on_from_the_last_makes_the_same_files_as_one_from_nothing() {
        let before: Vec<SearchDoc> = (0..2000).map(|i| doc(i, "")).collect();
        let (first, state, carried) = build(&before, None);
        assert_eq!(carried, 0);
        // The same docs again: everything carried, same files.
        let (again, state, carried) = build(&before, Some(&state));
        assert_eq!(carried, before.len());
        assert!(again == first, "unchanged docs, other files");
        // The same docs under their keys, without their bodies (a caller that kept the
        // pages): the same files again, metadata rows (excerpts from the bodies) included.
        let abbreviations = Abbreviations::builtin();
        let keys: Vec<OrderKey> = before.iter().map(OrderKey::of).collect();
        let mut b = IndexBuilder::resume(&abbreviations, 7, Some(&state));
        let keyed: Vec<(SearchDoc, Option<u64>)> = doc_order(&keys)
            .into_iter()
            .map(|i| {
                let d = &before[i];
                (
                    SearchDoc {
                        body: String::new(),
                        ..d.clone()
                    },
                    Some(super::doc_key(d)),
                )
            })
            .collect();
        assert!(keyed.iter().all(|(_, k)| b.carries(k.unwrap())));
        b.add_keyed(keyed);
        assert_eq!(b.carried(), before.len());
        let mut state = Vec::new();
        let mut bodiless = Vec::new();
        b.finish_saving(&mut state, &mut |f| bodiless.push(f))
            .unwrap();
        assert!(
            bodiless == first,
            "docs carried without their bodies, other files"
        );
        // Edits that move no doc (a summary, a body cut short: words gone from it): the
        // lists they leave alone are carried as they were, the others made again.
        let mut in_place = before.clone();
        in_place[10].summary.push_str(" đã bổ sung");
        in_place[77].body = "chỉ còn một câu".into();
        let (going_on, in_place_state, carried) = build(&in_place, Some(&state));
        assert_eq!(carried, in_place.len() - 2);
        let (from_nothing, _, _) = build(&in_place, None);
        assert!(going_on == from_nothing, "edits in place, other files");
        // Edits one after the other, each build going on from the last (whose postings were
        // partly the one before's): a year edited (the doc moves in the order, the count of
        // docs stays), a body losing its words, two gaining new words, then one losing its
        // new word again (gone from the index, its prefix's other terms unchanged).
        let mut chain = in_place.clone();
        let mut state_now = in_place_state;
        for (step, edited) in [1, 1, 2, 1].into_iter().enumerate() {
            match step {
                0 => chain[300].year = Some(2019),
                1 => chain[1500].body = "ngắn".into(),
                2 => {
                    chain[900].body.push_str(" zzqa1");
                    chain[5].body.push_str(" zzqa2 zzqa3");
                }
                _ => chain[900] = in_place[900].clone(),
            }
            let (going_on, next, carried) = build(&chain, Some(&state_now));
            assert_eq!(carried, chain.len() - edited, "step {step}");
            let (from_nothing, _, _) = build(&chain, None);
            for (a, b) in going_on.iter().zip(&from_nothing) {
                assert!(a.bytes == b.bytes, "step {step}: {} differs", a.path);
            }
            assert_eq!(going_on.len(), from_nothing.len(), "step {step}");
            state_now = next;
        }
        // A summary edited, a title and summary edited, one deleted, one added in the
        // middle of the order, one with new words never seen before.
        let mut after = before.clone();
        after[10].summary.push_str(" đã bổ sung");
        after[500] = doc(500, " mới hẳn");
        after.remove(1200);
        after.push(doc(5000, ""));
        after[42].body.push_str(" từngữchưacó zzzyyy");
        let (going_on, _, carried) = build(&after, Some(&state));
        let (from_nothing, _, _) = build(&after, None);
        assert_eq!(
            carried,
            after.len() - 4,
            "only the changed docs are analysed"
        );
        assert_eq!(going_on.len(), from_nothing.len());
        for (a, b) in going_on.iter().zip(&from_nothing) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{} differs", a.path);
        }
        // And it finds the new word.
        let index = crate::query::Index::from_files(&going_on).unwrap();
        assert_eq!(index.search("zzzyyy").len(), 1);
    }

    #[test]
    fn a_state_of_other_abbreviations_or_salt_or_damaged_is_ignored() {
        let docs: Vec<SearchDoc> = (0..300).map(|i| doc(i, "")).collect();
        let (files, state, _) = build(&docs, None);
        for (abbreviations, salt) in [(Abbreviations::none(), 7), (Abbreviations::builtin(), 8)] {
            let mut b = IndexBuilder::resume(&abbreviations, salt, Some(&state));
            b.add(docs.clone());
            assert_eq!(b.carried(), 0);
        }
        let mut same = IndexBuilder::resume(&Abbreviations::builtin(), 7, Some(&state));
        same.add(docs.clone());
        assert_eq!(same.carried(), docs.len());
        let mut cut = state.clone();
        cut.truncate(state.len() - 3);
        let (files_cut, _, carried) = build(&docs, Some(&cut));
        assert_eq!(carried, 0);
        assert!(files_cut == files);
        // A byte changed anywhere (its magic, a key, a posting, the hash itself): refused,
        // not used. The byte is flipped, never set, so it always differs from the saved one.
        for at in [0, 20, state.len() / 2, state.len() - 9, state.len() - 1] {
            let mut bad = state.clone();
            bad[at] ^= 0x5a;
            let (files_bad, _, carried) = build(&docs, Some(&bad));
            assert_eq!(carried, 0, "byte {at} of {} changed", state.len());
            assert!(files_bad == files, "byte {at} changed");
        }
    }

    /// A state whose hash is right but whose postings name a doc it has no key for (written
    /// by a faulty build, not damaged since) is refused, not used to number docs.
    #[test]
    fn a_posting_of_a_doc_out_of_range_is_refused_even_with_a_right_hash() {
        let pairs = crate::intern::FxMap::default();
        let keys = [11u64, 12, 13];
        let rows: Vec<Box<[u8]>> = keys.iter().map(|_| Box::from(&b"r"[..])).collect();
        let vocab = [(Box::from("heo"), 0u32)];
        let saved = |last_doc: u32| {
            let mut list = crate::postings::Packed::default();
            list.push(0, 1);
            list.push(last_doc, 1);
            let terms = [list];
            let state = super::State {
                salt: 7,
                keys: &keys,
                rows: &rows,
                vocab: &vocab,
                terms: &terms,
                pairs: &pairs,
            };
            let mut out = Vec::new();
            let mut w = super::write(&mut out, &state).unwrap();
            w.begin_payloads(0).unwrap();
            w.finish().unwrap();
            out
        };
        assert!(
            super::Carried::read(&saved(2), 7).is_some(),
            "the last doc, 2"
        );
        assert!(super::Carried::read(&saved(3), 7).is_none(), "doc 3 of 3");
        assert!(super::Carried::read(&saved(2), 8).is_none(), "another salt");
    }

    /// The payloads end the state in batches after their count: a state whose batches do
    /// not add up to the count announced is refused when it is written, not saved wrong.
    #[test]
    fn payloads_written_in_batches_must_add_up_to_the_count_announced() {
        let pairs = crate::intern::FxMap::default();
        let state = super::State {
            salt: 7,
            keys: &[],
            rows: &[],
            vocab: &[],
            terms: &[],
            pairs: &pairs,
        };
        let payloads: [(u64, &[u8]); 3] = [(5, b"five"), (crate::reuse::NONE, b"none"), (6, b"")];
        for (announced, batches, ok) in [(2, 2, true), (3, 2, false), (1, 2, false), (2, 1, false)]
        {
            let mut out = Vec::new();
            let mut w = super::write(&mut out, &state).unwrap();
            w.begin_payloads(announced).unwrap();
            let mut result = Ok(());
            for batch in payloads.chunks(2).take(batches) {
                result = result.and_then(|()| w.put(batch.iter().copied()));
            }
            let result = result.and_then(|()| w.finish());
            assert_eq!(
                result.is_ok(),
                ok,
                "{announced} announced, {batches} batches"
            );
        }
        // The state written right is read back, with its two payloads.
        let mut out = Vec::new();
        let mut w = super::write(&mut out, &state).unwrap();
        w.begin_payloads(2).unwrap();
        w.put(payloads[..2].iter().copied()).unwrap();
        w.put(payloads[2..].iter().copied()).unwrap();
        w.finish().unwrap();
        let carried = super::Carried::read(&out, 7).expect("read back");
        assert_eq!(carried.payloads.len(), 2);
    }
}

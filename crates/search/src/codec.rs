//! Binary encoding of the index shards (`.bin`), shared by the writer and the test reader,
//! and where each shard ends ([`shard`]).
//!
//! All integers are unsigned LEB128 varints. A **doc set** (sorted, distinct doc numbers) is
//! `varint(count << 1 | form)` then, for `form = 0` (gaps), `count` varints: the first doc,
//! then each difference to the previous one; for `form = 1` (bitmap), `varint(first)`,
//! `varint(nbytes)`, then `nbytes` bytes where bit `b` (LSB first) of byte `j` means doc
//! `first + 8 j + b`. The writer picks the shorter form.
//!
//! A **shard** is `varint(entry_count)` then the entries in key order. An entry is
//! `varint(shared)`, `varint(suffix_len)`, the suffix bytes (its key is the previous key's
//! first `shared` bytes + suffix, UTF-8), `varint(payload_len)`, then the payload:
//! `u8 tag`; tag `0` = alias: the rest is the UTF-8 key of the entry to use instead; otherwise
//! `tag` is a bit mask of lists ([`LIST_TITLE`] …) followed by one doc set per set bit,
//! lowest bit first.

/// Doc numbers where the term is in the title.
pub const LIST_TITLE: u8 = 1;
/// … in the place (commune, district, province).
pub const LIST_PLACE: u8 = 2;
/// … in host, tags, field or summary.
pub const LIST_META: u8 = 4;
/// … in the body.
pub const LIST_BODY: u8 = 8;
/// … at least [`crate::build::HIGH_TF`] times in the body.
pub const LIST_BODY_HIGH: u8 = 16;

/// Appends `v` as an unsigned LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*pos`, advancing it. `None` when the input ends early.
pub fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

fn varint_len(v: u64) -> usize {
    let mut n = 1;
    let mut v = v >> 7;
    while v > 0 {
        n += 1;
        v >>= 7;
    }
    n
}

/// Appends the doc set `docs` (sorted ascending, distinct) in its shorter form.
pub fn put_doc_set(out: &mut Vec<u8>, docs: &[u32]) {
    let count = docs.len() as u64;
    if docs.is_empty() {
        put_varint(out, 0);
        return;
    }
    let mut gaps_len = 0usize;
    let mut prev = 0u32;
    for (i, &d) in docs.iter().enumerate() {
        gaps_len += varint_len(u64::from(if i == 0 { d } else { d - prev }));
        prev = d;
    }
    let first = docs[0];
    let last = docs[docs.len() - 1];
    let nbytes = ((last - first) / 8 + 1) as usize;
    let bitmap_len = varint_len(u64::from(first)) + varint_len(nbytes as u64) + nbytes;
    if bitmap_len < gaps_len {
        put_varint(out, count << 1 | 1);
        put_varint(out, u64::from(first));
        put_varint(out, nbytes as u64);
        let start = out.len();
        out.resize(start + nbytes, 0);
        for &d in docs {
            let off = (d - first) as usize;
            out[start + off / 8] |= 1 << (off % 8);
        }
    } else {
        put_varint(out, count << 1);
        let mut prev = 0u32;
        for (i, &d) in docs.iter().enumerate() {
            put_varint(out, u64::from(if i == 0 { d } else { d - prev }));
            prev = d;
        }
    }
}

/// Reads a doc set written by [`put_doc_set`].
pub fn get_doc_set(buf: &[u8], pos: &mut usize) -> Option<Vec<u32>> {
    let head = get_varint(buf, pos)?;
    let count = (head >> 1) as usize;
    let mut docs = Vec::with_capacity(count);
    if head & 1 == 1 {
        let first = get_varint(buf, pos)? as u32;
        let nbytes = get_varint(buf, pos)? as usize;
        let bytes = buf.get(*pos..*pos + nbytes)?;
        *pos += nbytes;
        for (j, &b) in bytes.iter().enumerate() {
            for bit in 0..8 {
                if b & (1 << bit) != 0 {
                    docs.push(first + (j * 8 + bit) as u32);
                }
            }
        }
        if docs.len() != count {
            return None;
        }
    } else {
        let mut prev = 0u32;
        for i in 0..count {
            let v = get_varint(buf, pos)? as u32;
            prev = if i == 0 { v } else { prev + v };
            docs.push(prev);
        }
    }
    Some(docs)
}

/// What an entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Doc sets by list bit ([`LIST_TITLE`] …); empty sets are left out.
    Lists(Vec<(u8, Vec<u32>)>),
    /// Use the entry with this key instead.
    Alias(String),
}

/// Writes one shard's entries into bytes. `entries` must be sorted by key bytes.
pub struct ShardWriter {
    buf: Vec<u8>,
    count: usize,
    prev_key: Vec<u8>,
    first_key: Option<String>,
}

impl ShardWriter {
    /// An empty shard.
    pub fn new() -> Self {
        ShardWriter {
            buf: Vec::new(),
            count: 0,
            prev_key: Vec::new(),
            first_key: None,
        }
    }

    /// Bytes written so far (without the entry count).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when no entry was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The key of the first entry.
    pub fn first_key(&self) -> Option<&str> {
        self.first_key.as_deref()
    }

    /// Adds an entry whose payload is already encoded with [`encode_payload`].
    pub fn push(&mut self, key: &str, payload: &[u8]) {
        let kb = key.as_bytes();
        debug_assert!(
            self.count == 0 || kb > &self.prev_key[..],
            "keys out of order"
        );
        let shared = kb
            .iter()
            .zip(self.prev_key.iter())
            .take_while(|(a, b)| a == b)
            .count();
        put_varint(&mut self.buf, shared as u64);
        put_varint(&mut self.buf, (kb.len() - shared) as u64);
        self.buf.extend_from_slice(&kb[shared..]);
        put_varint(&mut self.buf, payload.len() as u64);
        self.buf.extend_from_slice(payload);
        self.prev_key.clear();
        self.prev_key.extend_from_slice(kb);
        if self.first_key.is_none() {
            self.first_key = Some(key.to_owned());
        }
        self.count += 1;
    }

    /// The finished shard.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buf.len() + 4);
        put_varint(&mut out, self.count as u64);
        out.extend_from_slice(&self.buf);
        out
    }
}

impl Default for ShardWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// Encodes a payload: lists must be in ascending bit order, each set sorted.
pub fn encode_payload(out: &mut Vec<u8>, payload: &Payload) {
    match payload {
        Payload::Alias(target) => {
            out.push(0);
            out.extend_from_slice(target.as_bytes());
        }
        Payload::Lists(lists) => {
            let mask = lists.iter().fold(0u8, |m, (bit, _)| m | bit);
            debug_assert!(mask != 0);
            out.push(mask);
            for (_, docs) in lists {
                put_doc_set(out, docs);
            }
        }
    }
}

/// Reads every entry of a shard (for tests and tools; the browser reads lazily).
pub fn read_shard(buf: &[u8]) -> Option<Vec<(String, Payload)>> {
    let mut pos = 0;
    let count = get_varint(buf, &mut pos)? as usize;
    let mut out = Vec::with_capacity(count);
    let mut key: Vec<u8> = Vec::new();
    for _ in 0..count {
        let shared = get_varint(buf, &mut pos)? as usize;
        let suffix = get_varint(buf, &mut pos)? as usize;
        key.truncate(shared);
        key.extend_from_slice(buf.get(pos..pos + suffix)?);
        pos += suffix;
        let plen = get_varint(buf, &mut pos)? as usize;
        let payload = buf.get(pos..pos + plen)?;
        pos += plen;
        let tag = *payload.first()?;
        let p = if tag == 0 {
            Payload::Alias(String::from_utf8(payload[1..].to_vec()).ok()?)
        } else {
            let mut lists = Vec::new();
            let mut ppos = 1;
            for bit in 0..8 {
                let b = 1u8 << bit;
                if tag & b != 0 {
                    lists.push((b, get_doc_set(payload, &mut ppos)?));
                }
            }
            Payload::Lists(lists)
        };
        out.push((String::from_utf8(key.clone()).ok()?, p));
    }
    Some(out)
}

/// Least size of a term or phrase shard, in bytes, before it may end ([`shard`]).
pub const SHARD_MIN: usize = 8 * 1024;
/// Mean size of a shard beyond [`SHARD_MIN`]: shards are about 12 KB.
const SHARD_EXTRA: usize = 4 * 1024;
/// Most size of a shard, in bytes, unless one entry alone is larger.
pub const SHARD_MAX: usize = 24 * 1024;

/// Splits sorted (key, payload) entries into shards of about 12 KB, each handed to `emit`
/// as soon as it is whole (so the shards of an index are never all in memory). Returns the
/// shards' first keys. Takes the entries, each freed once copied into its shard.
///
/// Where a shard ends is decided by its entries, not by a running count from the first
/// shard: past [`SHARD_MIN`] bytes, a shard ends before an entry with a chance proportional to
/// the entry's size, drawn from a hash of its key (so about [`SHARD_EXTRA`] bytes more on
/// average). An edit that changes a few entries changes their shards; the shards after them
/// end where they ended before, so they keep their bytes and their names.
pub(crate) fn shard(
    entries: impl IntoIterator<Item = (String, Vec<u8>)>,
    emit: &mut dyn FnMut(Vec<u8>),
) -> Vec<String> {
    let mut firsts = Vec::new();
    let mut w = ShardWriter::new();
    for (key, payload) in entries {
        if !w.is_empty() && ends_before(w.len(), &key, payload.len()) {
            firsts.push(w.first_key().unwrap_or_default().to_owned());
            emit(std::mem::take(&mut w).finish());
        }
        w.push(&key, &payload);
    }
    if !w.is_empty() {
        firsts.push(w.first_key().unwrap_or_default().to_owned());
        emit(w.finish());
    }
    firsts
}

/// Whether a shard of `len` bytes ends before the entry `key` with a payload of
/// `payload_len` bytes ([`shard`]).
fn ends_before(len: usize, key: &str, payload_len: usize) -> bool {
    if len < SHARD_MIN {
        return false;
    }
    if len + payload_len / 2 >= SHARD_MAX {
        return true;
    }
    // FNV-1a of the key, its high bits: a number in 0..2^20 that depends on the key alone.
    let mut h = crate::files::FNV_OFFSET;
    crate::files::fnv1a(&mut h, key.as_bytes());
    let draw = (h >> 44) as usize;
    let size = key.len() + payload_len + 4;
    draw < (size << 20) / SHARD_EXTRA
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut buf = Vec::new();
        let values = [0u64, 1, 127, 128, 300, 16_383, 16_384, u32::MAX as u64];
        for &v in &values {
            put_varint(&mut buf, v);
        }
        let mut pos = 0;
        for &v in &values {
            assert_eq!(get_varint(&buf, &mut pos), Some(v));
        }
        assert_eq!(pos, buf.len());
        assert_eq!(get_varint(&[0x80], &mut 0), None);
    }

    #[test]
    fn doc_sets_round_trip_in_both_forms() {
        let sparse: Vec<u32> = vec![3, 900, 70_000];
        let dense: Vec<u32> = (100..400).filter(|d| d % 3 != 0).collect();
        for set in [sparse.clone(), dense.clone(), vec![], vec![0], vec![7, 8]] {
            let mut buf = Vec::new();
            put_doc_set(&mut buf, &set);
            let mut pos = 0;
            assert_eq!(get_doc_set(&buf, &mut pos).as_ref(), Some(&set));
            assert_eq!(pos, buf.len());
        }
        // The dense set uses the bitmap: about one bit per doc in its range.
        let mut buf = Vec::new();
        put_doc_set(&mut buf, &dense);
        assert!(buf.len() < 45, "{}", buf.len());
        assert_eq!(buf[0] & 1, 1);
        let mut buf = Vec::new();
        put_doc_set(&mut buf, &sparse);
        assert_eq!(buf[0] & 1, 0);
    }

    #[test]
    fn shards_round_trip_with_front_coding() {
        let entries = vec![
            (
                "dan".to_string(),
                Payload::Lists(vec![
                    (LIST_TITLE, vec![1, 5]),
                    (LIST_BODY, vec![1, 2, 5, 9]),
                ]),
            ),
            ("dan\u{1}".to_string(), Payload::Alias("danh".into())),
            (
                "dang".to_string(),
                Payload::Lists(vec![(LIST_META, vec![4])]),
            ),
        ];
        let mut w = ShardWriter::new();
        for (k, p) in &entries {
            let mut buf = Vec::new();
            encode_payload(&mut buf, p);
            w.push(k, &buf);
        }
        assert_eq!(w.first_key(), Some("dan"));
        let bytes = w.finish();
        assert_eq!(read_shard(&bytes), Some(entries));
    }
}

//! The vocabulary of an index build: a thread-safe interner giving each term a number, and
//! the fast deterministic hasher its tables (and the text scanner's) use. Numbers depend only
//! on the strings and the order they first came in, so an interner can be started again
//! from the numbers of an earlier build ([`Interner::seeded`], see [`crate::carry`]).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

/// FxHash-style hasher: fast, deterministic; keys here are short strings and integers.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut v = [0u8; 8];
            v.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(v));
        }
        // The last bytes as a zero-padded word, put together without a variable-length
        // copy (a `memcpy` call per hashed string).
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let v = rest
                .iter()
                .enumerate()
                .fold(0u64, |v, (i, &b)| v | u64::from(b) << (8 * i));
            self.write_u64(v);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

const INTERN_SHARDS: usize = 64;

/// The shard of the interner that holds `s`.
fn shard_of(s: &str) -> usize {
    let mut h = Fx::default();
    h.write(s.as_bytes());
    (h.finish() >> 58) as usize % INTERN_SHARDS
}

/// Thread-safe string interner; ids are `local << 6 | shard`.
pub(crate) struct Interner {
    shards: Vec<Mutex<FxMap<Box<str>, u32>>>,
}

impl Interner {
    pub(crate) fn new() -> Self {
        Interner {
            shards: (0..INTERN_SHARDS)
                .map(|_| Mutex::new(FxMap::default()))
                .collect(),
        }
    }

    pub(crate) fn intern(&self, s: &str) -> u32 {
        let mut h = Fx::default();
        h.write(s.as_bytes());
        let shard = (h.finish() >> 58) as usize % INTERN_SHARDS;
        let mut map = self.shards[shard].lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = map.get(s) {
            return id;
        }
        let id = ((map.len() as u32) << 6) | shard as u32;
        map.insert(s.into(), id);
        id
    }

    /// An interner holding `terms` with their numbers from an earlier build, which go on
    /// from there: `None` unless each number is the one this interner would have given (the
    /// numbers of each shard run from 0 without a gap).
    pub(crate) fn seeded(terms: Vec<(Box<str>, u32)>) -> Option<Self> {
        let mut shards: Vec<FxMap<Box<str>, u32>> =
            (0..INTERN_SHARDS).map(|_| FxMap::default()).collect();
        for (s, id) in terms {
            let shard = shard_of(&s);
            if id as usize % INTERN_SHARDS != shard || shards[shard].insert(s, id).is_some() {
                return None;
            }
        }
        for m in &shards {
            if m.values().any(|&id| (id >> 6) as usize >= m.len()) {
                return None;
            }
        }
        Some(Interner {
            shards: shards.into_iter().map(Mutex::new).collect(),
        })
    }

    /// Every (string, id), in no particular order, keeping the interner.
    pub(crate) fn entries(&self) -> Vec<(Box<str>, u32)> {
        let mut out = Vec::new();
        for m in &self.shards {
            let m = m.lock().unwrap_or_else(|e| e.into_inner());
            out.extend(m.iter().map(|(s, &id)| (s.clone(), id)));
        }
        out
    }

    /// Every (string, id), in no particular order.
    pub(crate) fn into_vec(self) -> Vec<(Box<str>, u32)> {
        let mut out = Vec::new();
        for m in self.shards {
            out.extend(m.into_inner().unwrap_or_else(|e| e.into_inner()));
        }
        out
    }
}

//! The postings of one index key while the index is built, packed: a national site has
//! 150 million (doc, list mask) postings, which as plain `(u32, u8)` pairs took 8 bytes each
//! (12 with the growth slack of their vectors) and most of a 200,000-model build's memory.
//!
//! Each posting is one LEB128 varint of `(doc − previous doc) << 5 | mask`: 1–3 bytes for
//! the gaps of real posting lists.

/// Bits a list mask may use ([`crate::codec::LIST_TITLE`] … [`crate::codec::LIST_BODY_HIGH`]).
const MASK_BITS: u32 = 5;

/// For a renumbering of docs (`renumber[d]`, `u32::MAX`: left out), the first doc from which
/// every doc is renumbered by the same shift, none left out, and that shift (as
/// [`Packed::renumbered`] takes them; `renumber.len()` when the last doc is left out).
pub(crate) fn shifted_tail(renumber: &[u32]) -> (u32, i64) {
    let count = renumber.len() as u32;
    let Some(&l) = renumber.last().filter(|&&l| l != u32::MAX) else {
        return (count, 0);
    };
    let shift = i64::from(l) - i64::from(count - 1);
    let mut tail = count - 1;
    while tail > 0 && {
        let n = renumber[tail as usize - 1];
        n != u32::MAX && i64::from(n) - i64::from(tail - 1) == shift
    } {
        tail -= 1;
    }
    (tail, shift)
}

/// (doc, list mask) postings in increasing doc order, packed.
#[derive(Debug, Default, Clone)]
pub struct Packed {
    bytes: Vec<u8>,
    last: u32,
    len: u32,
}

impl Packed {
    /// Appends a posting; `doc` must be greater than the last one pushed, and `mask` must fit
    /// in five bits.
    pub fn push(&mut self, doc: u32, mask: u8) {
        debug_assert!(self.len == 0 || doc > self.last, "docs out of order");
        debug_assert!(u32::from(mask) < 1 << MASK_BITS, "mask too wide");
        let mut v = (u64::from(doc - self.last) << MASK_BITS) | u64::from(mask);
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
        self.last = doc;
        self.len += 1;
    }

    /// Appends a posting, or adds `mask` to the last posting when it is for `doc` already
    /// (so a doc's repeated keys need no grouping first); otherwise as [`Packed::push`].
    pub fn push_or_merge(&mut self, doc: u32, mask: u8) {
        if self.len == 0 || doc != self.last {
            return self.push(doc, mask);
        }
        // The last posting's varint starts after the previous posting's last byte (the
        // only bytes below 0x80 end a varint); its first byte holds the mask bits.
        let end = self.bytes.len() - 1;
        let start = self.bytes[..end]
            .iter()
            .rposition(|&b| b < 0x80)
            .map_or(0, |i| i + 1);
        self.bytes[start] |= mask;
    }

    /// The packed bytes, the last doc and the count: what [`Packed::from_parts`] takes back.
    pub(crate) fn parts(&self) -> (&[u8], u32, u32) {
        (&self.bytes, self.last, self.len)
    }

    /// The list [`Packed::parts`] gave.
    pub(crate) fn from_parts(bytes: Vec<u8>, last: u32, len: u32) -> Self {
        Packed { bytes, last, len }
    }

    /// The last doc with a posting (0 when there is none).
    pub(crate) fn last(&self) -> u32 {
        self.last
    }

    /// Bytes the packed postings take on the heap (capacity, not length).
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }

    /// How many postings.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether any of `docs` (in increasing order) has a posting here. Reads the list only
    /// up to the last of them, without making the postings.
    pub fn contains_any(&self, docs: &[u32]) -> bool {
        let Some(&first) = docs.first() else {
            return false;
        };
        if self.len == 0 || first > self.last {
            return false;
        }
        let mut want = docs.iter().copied().peekable();
        let mut doc: u32 = 0;
        let mut v: u64 = 0;
        let mut shift = 0;
        for &b in &self.bytes {
            v |= u64::from(b & 0x7f) << shift;
            if b >= 0x80 {
                shift += 7;
                continue;
            }
            doc += (v >> MASK_BITS) as u32;
            v = 0;
            shift = 0;
            while want.next_if(|&w| w < doc).is_some() {}
            match want.peek() {
                Some(&w) if w == doc => return true,
                Some(_) => {}
                None => return false,
            }
        }
        false
    }

    /// The list with each doc `d` renumbered to `renumber[d]` (`u32::MAX`: left out) and the
    /// postings of `added` merged in. `renumber` must keep the order of the docs it keeps, and
    /// from doc `tail` on add `shift` to every doc, leaving none out: past the first such doc
    /// after the last added posting, the gaps are the same and the rest of the bytes are
    /// copied as they are (a deletion renumbers every doc after it, but one gap changes).
    pub(crate) fn renumbered(
        &self,
        renumber: &[u32],
        tail: u32,
        shift: i64,
        added: Option<&Packed>,
    ) -> Packed {
        let mut out = Packed::default();
        out.bytes
            .reserve(self.bytes.len() + added.map_or(0, |a| a.bytes.len()));
        let added_last = added.filter(|a| !a.is_empty()).map(|a| a.last);
        let mut add = added.into_iter().flat_map(Packed::iter).peekable();
        let (mut doc, mut read) = (0u32, 0u32);
        let (mut v, mut bits) = (0u64, 0);
        for (i, &b) in self.bytes.iter().enumerate() {
            v |= u64::from(b & 0x7f) << bits;
            if b >= 0x80 {
                bits += 7;
                continue;
            }
            doc += (v >> MASK_BITS) as u32;
            let mask = (v & ((1 << MASK_BITS) - 1)) as u8;
            (v, bits) = (0, 0);
            read += 1;
            let n = renumber[doc as usize];
            if n == u32::MAX {
                continue;
            }
            while let Some((a, am)) = add.next_if(|&(a, _)| a < n) {
                out.push(a, am);
            }
            out.push(n, mask);
            if doc >= tail && added_last.is_none_or(|l| l < n) {
                out.bytes.extend_from_slice(&self.bytes[i + 1..]);
                out.len += self.len - read;
                out.last = (i64::from(self.last) + shift) as u32;
                return out;
            }
        }
        for (a, am) in add {
            out.push(a, am);
        }
        out
    }

    /// The postings in doc order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            doc: 0,
        }
    }
}

/// Iterator over a [`Packed`] list's (doc, mask) postings.
pub struct Iter<'a> {
    bytes: &'a [u8],
    doc: u32,
}

impl Iterator for Iter<'_> {
    type Item = (u32, u8);

    fn next(&mut self) -> Option<(u32, u8)> {
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        self.doc += (v >> MASK_BITS) as u32;
        Some((self.doc, (v & ((1 << MASK_BITS) - 1)) as u8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Packed::renumbered`] the slow way: every posting renumbered and merged.
    fn renumbered_slowly(old: &Packed, renumber: &[u32], added: &Packed) -> Vec<(u32, u8)> {
        let mut all: Vec<(u32, u8)> = old
            .iter()
            .filter(|&(d, _)| renumber[d as usize] != u32::MAX)
            .map(|(d, m)| (renumber[d as usize], m))
            .chain(added.iter())
            .collect();
        all.sort_unstable();
        all
    }

    #[test]
    fn a_renumbered_list_copying_its_tail_is_the_list_renumbered_one_by_one() {
        let mut seed = 7u64;
        let mut rand = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..400 {
            let count = 1 + rand(300) as u32;
            // Docs left out (deleted, or analysed again) anywhere; the others keep their order;
            // docs added (new or analysed again) take numbers between them.
            let mut renumber = vec![u32::MAX; count as usize];
            let mut next = 0u32;
            let mut added_docs = Vec::new();
            for d in 0..count {
                while rand(10) == 0 {
                    added_docs.push(next);
                    next += 1;
                }
                if rand(12) != 0 || d + 1 == count && round % 2 == 0 {
                    renumber[d as usize] = next;
                    next += 1;
                }
            }
            let (tail, shift) = shifted_tail(&renumber);
            let mut old = Packed::default();
            for d in 0..count {
                if rand(3) == 0 {
                    old.push(d, 1 + rand(31) as u8);
                }
            }
            let mut added = Packed::default();
            for &a in &added_docs {
                if rand(2) == 0 {
                    added.push(a, 1 + rand(31) as u8);
                }
            }
            let got = old.renumbered(&renumber, tail, shift, Some(&added));
            let want = renumbered_slowly(&old, &renumber, &added);
            assert_eq!(got.iter().collect::<Vec<_>>(), want, "round {round}");
            assert_eq!(got.len(), want.len());
            assert_eq!(got.last(), want.last().map_or(0, |p| p.0), "round {round}");
            // The same bytes as the list packed anew.
            let mut anew = Packed::default();
            for &(d, m) in &want {
                anew.push(d, m);
            }
            assert_eq!(got.bytes, anew.bytes, "round {round}");
        }
    }

    #[test]
    fn round_trips_gaps_of_every_size() {
        let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for _ in 0..200 {
            let mut want = Vec::new();
            let mut doc: u32 = (next() % 3) as u32; // doc 0 as a first posting too
            for _ in 0..next() % 300 {
                want.push((doc, (next() % 32) as u8));
                // Gaps of 1 to 2^28 (several varint bytes).
                doc += 1 + (next() % (1 << (next() % 28))) as u32;
            }
            let mut p = Packed::default();
            for &(d, m) in &want {
                p.push(d, m);
            }
            assert_eq!(p.len(), want.len());
            assert_eq!(p.is_empty(), want.is_empty());
            assert_eq!(p.iter().collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn contains_any_finds_exactly_the_docs_listed() {
        let mut p = Packed::default();
        let docs = [0u32, 3, 200, 70_000, 70_001, 3_000_000];
        for &d in &docs {
            p.push(d, 1);
        }
        for probe in [
            vec![0],
            vec![1, 3],
            vec![199, 200, 201],
            vec![70_001],
            vec![3_000_000],
            vec![5, 70_000, 4_000_000],
        ] {
            assert!(p.contains_any(&probe), "{probe:?}");
        }
        for probe in [
            vec![],
            vec![1],
            vec![2, 4, 199, 201],
            vec![69_999, 70_002],
            vec![2_999_999, 3_000_001],
            vec![4_000_000],
        ] {
            assert!(!p.contains_any(&probe), "{probe:?}");
        }
        assert!(!Packed::default().contains_any(&[0]));
    }

    #[test]
    fn repeated_docs_merge_their_masks() {
        let mut p = Packed::default();
        let mut want = Vec::new();
        // First posting at doc 0, gaps of one to three varint bytes, each doc pushed 1-3 times.
        for (i, doc) in [0u32, 1, 200, 70_000, 70_001, 3_000_000]
            .into_iter()
            .enumerate()
        {
            let masks = [1u8, 4, 16];
            let n = 1 + i % 3;
            for &m in &masks[..n] {
                p.push_or_merge(doc, m);
            }
            want.push((doc, masks[..n].iter().fold(0, |a, m| a | m)));
        }
        assert_eq!(p.len(), want.len());
        assert_eq!(p.iter().collect::<Vec<_>>(), want);
    }

    #[test]
    fn dense_lists_take_about_a_byte_a_posting() {
        let mut p = Packed::default();
        for d in 0..10_000 {
            p.push(d, 8);
        }
        // A gap of 1 with a mask is one byte, except the first posting (doc 0).
        assert_eq!(p.bytes.len(), 10_000);
        assert_eq!(p.iter().last(), Some((9_999, 8)));
    }
}

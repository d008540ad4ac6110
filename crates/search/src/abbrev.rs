//! Abbreviations of Vietnamese public life (`MTTQ` = `Mặt trận Tổ quốc`), applied when the
//! index is built so that the reader's download stays small.
//!
//! A *group* holds forms that mean the same (`HLHPN`, `Hội LHPN`, `Hội Liên hiệp Phụ nữ`).
//! Each form is kept as its folded terms ([`crate::text::terms_of`]). When a doc's text has
//! every term of a form one after the other, the doc is also indexed under the terms (and the
//! adjacent pairs) of every other form of its group, in the same list (title, place, …). So
//! `mttq` finds a write-up that says "Mặt trận Tổ quốc", `ủy ban nhân dân` one that says
//! "UBND xã", and the query needs no expansion: the client is unchanged.
//!
//! The built-in list ([`Abbreviations::builtin`], file `abbreviations.txt`) is extended by a
//! site's `site.yaml` (`search: { abbreviations: { "HTX": "hợp tác xã" } }`) through
//! [`Abbreviations::add`]; a form already known joins its group.

use std::collections::HashMap;

/// The built-in groups: one per line, forms separated by ` = `, `#` comments.
pub const BUILTIN: &str = include_str!("abbreviations.txt");

/// Longest form kept, in terms (longer ones are ignored).
pub const MAX_FORM_TERMS: usize = 12;

/// Groups of equivalent forms, each form as its folded terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Abbreviations {
    groups: Vec<Vec<Vec<String>>>,
    /// Form (terms joined by a space) → its group.
    group_of: HashMap<String, usize>,
}

impl Abbreviations {
    /// Feeds every form of every group, in order, to `h` (two sets of abbreviations that
    /// hash alike index alike).
    pub(crate) fn hash_into(&self, h: &mut impl std::hash::Hasher) {
        for group in &self.groups {
            h.write_usize(group.len());
            for form in group {
                h.write_usize(form.len());
                for term in form {
                    h.write_usize(term.len());
                    h.write(term.as_bytes());
                }
            }
        }
    }

    /// No abbreviations at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// The built-in list.
    pub fn builtin() -> Self {
        let mut a = Self::default();
        for line in BUILTIN.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let forms: Vec<&str> = line.split(" = ").collect();
            a.add_group(&forms);
        }
        a
    }

    /// Adds `short` as an abbreviation of each of `long` (and the reverse). A form that is
    /// already known (built in, or added before) merges the groups.
    pub fn add(&mut self, short: &str, long: &[&str]) {
        let mut forms = vec![short];
        forms.extend_from_slice(long);
        self.add_group(&forms);
    }

    fn add_group(&mut self, forms: &[&str]) {
        let forms: Vec<Vec<String>> = forms
            .iter()
            .map(|f| crate::text::terms_of(f))
            .filter(|t| !t.is_empty() && t.len() <= MAX_FORM_TERMS)
            .collect();
        if forms.len() < 2 {
            return;
        }
        // Groups these forms already belong to are merged into the first of them.
        let mut known: Vec<usize> = forms
            .iter()
            .filter_map(|f| self.group_of.get(&f.join(" ")).copied())
            .collect();
        known.sort_unstable();
        known.dedup();
        let target = match known.first() {
            Some(&g) => g,
            None => {
                self.groups.push(Vec::new());
                self.groups.len() - 1
            }
        };
        for &g in known.iter().skip(1).rev() {
            let moved = std::mem::take(&mut self.groups[g]);
            for f in moved {
                self.group_of.insert(f.join(" "), target);
                self.groups[target].push(f);
            }
        }
        for f in forms {
            let key = f.join(" ");
            if self.group_of.get(&key) != Some(&target) {
                self.group_of.insert(key, target);
                self.groups[target].push(f);
            }
        }
    }

    /// The groups (empty ones left by merging are skipped).
    pub fn groups(&self) -> impl Iterator<Item = &Vec<Vec<String>>> {
        self.groups.iter().filter(|g| !g.is_empty())
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups().count()
    }

    /// True when there is no group.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every other form of the group of `text` (a form, as written), folded; empty when
    /// `text` is not a known form.
    pub fn expansions(&self, text: &str) -> Vec<String> {
        let key = crate::text::terms_of(text).join(" ");
        match self.group_of.get(&key) {
            Some(&g) => self.groups[g]
                .iter()
                .map(|f| f.join(" "))
                .filter(|f| *f != key)
                .collect(),
            None => Vec::new(),
        }
    }
}

/// The groups as term ids, to find forms in a doc's stream of term ids.
pub(crate) struct Matcher {
    /// Each form: its term ids and its group.
    forms: Vec<(Box<[u32]>, u32)>,
    /// Group → its forms' indexes.
    groups: Vec<Vec<u32>>,
    /// Term id → forms ending with it (indexes into `forms`); dense, for the term ids seen
    /// when the matcher was made (the forms' terms are interned first, so their ids are small).
    by_last: Vec<Vec<u32>>,
    longest: usize,
}

impl Matcher {
    pub(crate) fn new(abbr: &Abbreviations, intern: &mut dyn FnMut(&str) -> u32) -> Self {
        let mut forms = Vec::new();
        let mut groups = Vec::new();
        for (g, group) in abbr.groups().enumerate() {
            let mut ids = Vec::new();
            for f in group {
                ids.push(forms.len() as u32);
                let terms: Box<[u32]> = f.iter().map(|t| intern(t)).collect();
                forms.push((terms, g as u32));
            }
            groups.push(ids);
        }
        let mut by_last: Vec<Vec<u32>> = Vec::new();
        let mut longest = 0;
        for (i, (terms, _)) in forms.iter().enumerate() {
            longest = longest.max(terms.len());
            let last = *terms.last().unwrap_or(&0) as usize;
            if last >= by_last.len() {
                by_last.resize_with(last + 1, Vec::new);
            }
            by_last[last].push(i as u32);
        }
        Matcher {
            forms,
            groups,
            by_last,
            longest,
        }
    }

    /// Terms kept in the window a form is matched against.
    pub(crate) fn window(&self) -> usize {
        self.longest
    }

    /// Calls `found(group)` for every form that ends the `recent` terms (oldest first; the
    /// last is the term just read).
    pub(crate) fn at_end(&self, recent: &[u32], mut found: impl FnMut(u32)) {
        let Some(&last) = recent.last() else { return };
        let Some(candidates) = self.by_last.get(last as usize) else {
            return;
        };
        for &f in candidates {
            let (terms, g) = &self.forms[f as usize];
            if recent.ends_with(terms) {
                found(*g);
            }
        }
    }

    /// The term ids of every form of `group`.
    pub(crate) fn forms_of(&self, group: u32) -> impl Iterator<Item = &[u32]> {
        self.groups[group as usize]
            .iter()
            .map(|&f| &*self.forms[f as usize].0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_has_the_official_abbreviations() {
        let a = Abbreviations::builtin();
        assert!(a.len() >= 60, "{}", a.len());
        let has = |short: &str, long: &str| {
            assert!(
                a.expansions(short)
                    .contains(&crate::text::terms_of(long).join(" ")),
                "{short} → {long}: {:?}",
                a.expansions(short)
            );
        };
        has("MTTQ", "Mặt trận Tổ quốc");
        has("UBND", "Ủy ban nhân dân");
        has("HĐND", "Hội đồng nhân dân");
        has("HĐND–UBND", "Hội đồng nhân dân và Ủy ban nhân dân");
        has("Hội LHPN", "Hội Liên hiệp Phụ nữ");
        has("HLHPN", "Hội LHPN");
        has("LHPN", "Liên hiệp Phụ nữ");
        has("CCB", "Cựu chiến binh");
        has("ĐTN", "Đoàn Thanh niên");
        has("Đoàn TNCS", "Đoàn Thanh niên Cộng sản");
        has("HND", "Hội Nông dân");
        has("BHXH", "bảo hiểm xã hội");
        has("BHYT", "bảo hiểm y tế");
        has("NTM", "nông thôn mới");
        has("DTTS", "dân tộc thiểu số");
        has("CCHC", "cải cách hành chính");
        has("KT-XH", "kinh tế - xã hội");
        has("QP-AN", "quốc phòng - an ninh");
        has("VH-XH", "văn hóa - xã hội");
        has("XDHTCT", "xây dựng hệ thống chính trị");
        has("ANTT", "an ninh trật tự");
        has("TTATXH", "trật tự an toàn xã hội");
        has("MTQG", "mục tiêu quốc gia");
        has("CĐS", "chuyển đổi số");
        has("BCĐ", "Ban Chỉ đạo");
        has("BDV", "Ban Dân vận");
        has("mặt trận tổ quốc", "mttq");
    }

    #[test]
    fn short_forms_are_not_vietnamese_syllables() {
        // A one-word short form that is also a word would add its long form to every text
        // with that word. None of these folded syllables may be a short form.
        let words = [
            "tu", "dan", "ban", "hoi", "xa", "van", "an", "cu", "do", "ta", "ma", "me", "tin",
            "cong", "hoa", "nam", "thu", "de",
        ];
        let a = Abbreviations::builtin();
        for w in words {
            assert!(a.expansions(w).is_empty(), "{w}: {:?}", a.expansions(w));
        }
    }

    #[test]
    fn a_site_entry_joins_the_group_of_a_known_form() {
        let mut a = Abbreviations::builtin();
        a.add("HTX NN", &["hợp tác xã nông nghiệp"]);
        a.add("HTXNN", &["HTX NN"]);
        assert!(a
            .expansions("htxnn")
            .contains(&"hop tac xa nong nghiep".to_string()));
        let n = a.len();
        // A site entry that repeats a built-in one adds nothing.
        a.add("HTX", &["Hợp tác xã"]);
        assert_eq!(a.len(), n);
        // One that links two built-in groups merges them.
        a.add("UBND", &["chính quyền"]);
        assert!(a.expansions("cq").contains(&"ubnd".to_string()));
        assert_eq!(a.len(), n - 1);
    }

    #[test]
    fn blank_or_single_forms_are_ignored() {
        let mut a = Abbreviations::none();
        a.add("", &["hợp tác xã"]);
        a.add("HTX", &[]);
        a.add("...", &["hợp tác xã"]);
        assert!(a.is_empty());
    }
}

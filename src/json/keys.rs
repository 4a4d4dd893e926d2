//! The keys of one object with many of them, to refuse a repeated one in O(log² n) per key.
//!
//! Sorted runs whose lengths are distinct powers of two, longest first — the binary digits of
//! the count. A new key is a run of one; two runs of the same length are merged, so n keys cost
//! O(n log n) moves in all, and a lookup is a binary search in each of at most log₂ n runs.
//! A `BTreeSet` did this with a large body of code of its own for this one use.

use std::borrow::Cow;

#[derive(Default)]
pub(super) struct KeySet<'a> {
    keys: Vec<Cow<'a, str>>,
    runs: Vec<usize>,
}

impl<'a> KeySet<'a> {
    fn contains(&self, key: &str) -> bool {
        let mut rest = self.keys.as_slice();
        for &len in &self.runs {
            let Some((run, after)) = rest.split_at_checked(len) else { return false };
            if run.binary_search_by(|k| k.as_ref().cmp(key)).is_ok() {
                return true;
            }
            rest = after;
        }
        false
    }

    /// Adds `key`; `false` when it was there already.
    pub(super) fn insert(&mut self, key: Cow<'a, str>) -> bool {
        if self.contains(&key) {
            return false;
        }
        self.keys.push(key);
        self.runs.push(1);
        while let [.., a, b] = self.runs[..] {
            if a != b {
                break;
            }
            self.runs.pop();
            if let Some(last) = self.runs.last_mut() {
                *last = a.saturating_add(b);
            }
            // Merges the last two runs: moved out of the tail (an emptied key is left
            // behind), each in order, back onto the end.
            let from = self.keys.len().saturating_sub(a.saturating_add(b));
            let mut tail = self.keys.split_off(from);
            let (mut l, mut r) = (0, a);
            loop {
                let next = match (tail.get(l), tail.get(r)) {
                    (Some(x), Some(y)) if l < a && x > y => &mut r,
                    (Some(_), _) if l < a => &mut l,
                    (_, Some(_)) => &mut r,
                    _ => break,
                };
                let at = *next;
                *next = at.saturating_add(1);
                if let Some(k) = tail.get_mut(at) {
                    self.keys.push(std::mem::take(k));
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::KeySet;
    use proptest::prelude::*;
    use std::borrow::Cow;
    use std::collections::BTreeSet;

    proptest! {
        /// Agrees with `BTreeSet::insert` on every insert, across many merges, for keys from a
        /// small alphabet (many repeats, the empty key, prefixes of one another).
        #[test]
        fn agrees_with_a_btreeset(keys in prop::collection::vec("[ab\u{4e2d}]{0,4}", 0..400)) {
            let mut set = KeySet::default();
            let mut model = BTreeSet::new();
            for (i, k) in keys.iter().enumerate() {
                prop_assert_eq!(set.insert(Cow::Borrowed(k.as_str())), model.insert(k.clone()), "{:?} at {}", k, i);
            }
        }
    }

    #[test]
    fn every_key_of_many_is_found_again() {
        let keys: Vec<String> = (0..5000).map(|i| format!("k{}", (i * 7919) % 5000)).collect();
        let mut set = KeySet::default();
        assert!(keys.iter().all(|k| set.insert(Cow::Borrowed(k))));
        assert!(keys.iter().all(|k| !set.insert(Cow::Borrowed(k))));
    }
}

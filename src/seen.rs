//! The order ids a call has met, to find repeats among up to 100,000s of orders.
//!
//! An open-addressing table of `u64`s (linear probing, kept at most half full): std's
//! `HashSet` brought hashbrown's generic table and SipHash into the module for this one use,
//! and a `BTreeSet` is several times slower on the planning path. Ids are spread by
//! splitmix64's finaliser, so ids that differ only in a few digits land apart.

/// A set of order ids.
pub(crate) struct Seen {
    /// A power of two long (or empty); 0 marks a free slot, so id 0 is kept in `zero`.
    slots: Vec<u64>,
    len: usize,
    zero: bool,
}

impl Seen {
    /// Room for about `n` ids before the table grows.
    pub(crate) fn with_capacity(n: usize) -> Seen {
        let mut s = Seen { slots: Vec::new(), len: 0, zero: false };
        s.reserve(n);
        s
    }

    /// Adds `id`; `false` when it was there already.
    pub(crate) fn insert(&mut self, id: u64) -> bool {
        if id == 0 {
            return !std::mem::replace(&mut self.zero, true);
        }
        self.reserve(self.len.saturating_add(1));
        let added = place(&mut self.slots, id);
        if added {
            self.len = self.len.saturating_add(1);
        }
        added
    }

    pub(crate) fn clear(&mut self) {
        self.slots.fill(0);
        self.len = 0;
        self.zero = false;
    }

    /// Makes the table at least twice as long as `n` (and at least 16).
    fn reserve(&mut self, n: usize) {
        if n.saturating_mul(2) <= self.slots.len() {
            return;
        }
        let want = n.saturating_mul(2).max(16).checked_next_power_of_two().unwrap_or(usize::MAX);
        let old = std::mem::replace(&mut self.slots, vec![0; want]);
        for id in old.into_iter().filter(|&id| id != 0) {
            place(&mut self.slots, id);
        }
    }
}

/// Puts a non-zero `id` into `slots` (a power of two long, with a free slot); `false` when it
/// is there already.
fn place(slots: &mut [u64], id: u64) -> bool {
    let mask = slots.len().wrapping_sub(1);
    let mut z = id;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    #[allow(clippy::cast_possible_truncation)] // only the low bits are wanted
    let mut i = (z as usize) & mask;
    while let Some(slot) = slots.get_mut(i) {
        if *slot == id {
            return false;
        }
        if *slot == 0 {
            *slot = id;
            return true;
        }
        i = i.wrapping_add(1) & mask;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::Seen;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// Agrees with `BTreeSet::insert` on every insert, across growth and `clear`, for
        /// ids drawn from a small range (many repeats, id 0 included) and from all of u64.
        #[test]
        fn agrees_with_a_btreeset(
            ids in prop::collection::vec(prop_oneof![0u64..64, any::<u64>()], 0..600),
            cap in 0usize..40,
            clear_at in 0usize..600,
        ) {
            let mut seen = Seen::with_capacity(cap);
            let mut model = BTreeSet::new();
            for (i, &id) in ids.iter().enumerate() {
                if i == clear_at {
                    seen.clear();
                    model.clear();
                }
                prop_assert_eq!(seen.insert(id), model.insert(id), "id {} at {}", id, i);
            }
        }
    }

    #[test]
    fn ids_in_one_slot_run_still_all_count() {
        // Ids a table size apart share their first slot before mixing; all must be kept.
        let mut seen = Seen::with_capacity(0);
        let ids: Vec<u64> = (1..=5000u64).map(|k| k << 32).collect();
        assert!(ids.iter().all(|&id| seen.insert(id)));
        assert!(ids.iter().all(|&id| !seen.insert(id)));
        assert!(seen.insert(1) && !seen.insert(1) && seen.insert(0) && !seen.insert(0));
    }
}

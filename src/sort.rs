//! A small heapsort, for the two places that sort: the signed parameters and the prohibited
//! keywords' first characters.
//!
//! `slice::sort_unstable_by` brought in its full pattern-defeating quicksort once per element
//! type (about 7 KB of wasm each) for lists that are a dozen entries long. This is O(n log n)
//! in every case, so a hostile input with 100,000 parameters is still cheap, in a few hundred
//! bytes. Both callers sort by a total order in which equal elements are interchangeable, so
//! the result is the same as before.

use std::cmp::Ordering;

/// Sorts `v` ascending by `cmp` (not stable).
pub(crate) fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let less = |v: &[T], a: usize, b: usize| match (v.get(a), v.get(b)) {
        (Some(x), Some(y)) => cmp(x, y) == Ordering::Less,
        _ => false,
    };
    // Moves the element at `root` down the max-heap `v[..end]`.
    let sift_down = |v: &mut [T], mut root: usize, end: usize| loop {
        let left = root.saturating_mul(2).saturating_add(1);
        if left >= end {
            break;
        }
        let right = left.saturating_add(1);
        let child = if right < end && less(v, left, right) { right } else { left };
        if !less(v, root, child) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_sort(mut v in proptest::collection::vec((0u8..20, 0u32..1000), 0..300)) {
            let mut want = v.clone();
            want.sort_unstable();
            sort_by(&mut v, Ord::cmp);
            prop_assert_eq!(v, want);
        }
    }
}

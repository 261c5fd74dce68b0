//! Stable sorting with one sorting routine for the whole program.
//!
//! The standard library's stable sort is instantiated for every element type and
//! comparison it is called with, about 6 KB of WebAssembly each; the playground had 26 of
//! them. These functions sort the positions `0..n` once, with the comparison behind a
//! `dyn` call, then move the elements into that order: one instance of the sort itself, and
//! a few dozen bytes for each caller. The order is the standard library's: stable, elements
//! that compare equal keep their order.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = items;
        sorted_positions(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    permute(items, order);
}

/// Sorts `items` by the key `key` gives each, stably (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in ascending order, stably (as `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The positions `0..n`, ordered stably by `compare` on positions.
#[inline(never)]
fn sorted_positions(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    // The one instance of the standard library's stable sort (see the module's comment).
    #[allow(clippy::disallowed_methods)]
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves `items[order[i]]` to position `i`, following each cycle of the permutation with
/// swaps. `order` must be a permutation of `0..items.len()`.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    /// Marks a position whose element is in place.
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut current = start;
        while order[current] != DONE {
            let next = order[current];
            order[current] = DONE;
            if next == start {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::disallowed_methods)] // the standard library's sorts, to compare with
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sort, ties included.
        #[test]
        fn sorts_as_the_standard_library_does(items in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut expected = items.clone();
            expected.sort_by_key(|&(key, _)| key);
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(key, _)| key);
            prop_assert_eq!(&ours, &expected);
            let mut expected = items.clone();
            expected.sort();
            let mut ours = items;
            sort(&mut ours);
            prop_assert_eq!(ours, expected);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_owned_values_without_cloning_them() {
        let mut names: Vec<String> = ["worker-2", "control-plane-1", "worker-10", "gpu-1"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        sort_by(&mut names, |a, b| b.cmp(a));
        assert_eq!(names, ["worker-2", "worker-10", "gpu-1", "control-plane-1"]);
    }
}

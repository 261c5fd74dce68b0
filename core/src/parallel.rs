//! Mapping over a slice on every available core (natively; WebAssembly has one thread),
//! keeping the order of the input.

/// `items.iter().map(f).collect()`, split over up to 8 threads when there are at least
/// `min_items` items and more than one core. Falls back to one thread if a worker fails.
pub fn map<'a, T: Sync, R: Send>(
    items: &'a [T],
    min_items: usize,
    f: impl Fn(&'a T) -> R + Sync,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, 8);
        if threads > 1 && items.len() >= min_items.max(2) {
            let chunk = items.len().div_ceil(threads);
            let f = &f;
            let results: Option<Vec<Vec<R>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = items
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
                    .collect();
                handles.into_iter().map(|h| h.join().ok()).collect()
            });
            if let Some(results) = results {
                return results.into_iter().flatten().collect();
            }
        }
    }
    let _ = min_items;
    items.iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_whatever_the_split() {
        let items: Vec<u32> = (0..1001).collect();
        assert_eq!(
            super::map(&items, 1, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert_eq!(super::map(&items[..1], 1, |x| x + 1), vec![1]);
        assert!(super::map(&[] as &[u32], 1, |x| *x).is_empty());
    }
}

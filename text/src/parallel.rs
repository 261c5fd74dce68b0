//! Mapping over a slice on every available core (natively; WebAssembly has one thread),
//! keeping the order of the input.

/// Results of consecutive items, each block tagged with the index of its first item.
#[cfg(not(target_arch = "wasm32"))]
type Blocks<R> = Vec<(usize, Vec<R>)>;

/// `items.iter().map(f).collect()`, spread over up to 8 threads when there are at least
/// `min_items` items and more than one core. Threads take small blocks of items in turn,
/// so uneven items still share the work evenly. Falls back to one thread if a worker fails.
pub fn map<'a, T: Sync, R: Send>(
    items: &'a [T],
    min_items: usize,
    f: impl Fn(&'a T) -> R + Sync,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, 8);
        if threads > 1 && items.len() >= min_items.max(2) {
            let block = (items.len() / (threads * 8)).max(1);
            let next = AtomicUsize::new(0);
            let (f, next) = (&f, &next);
            let parts: Option<Vec<Blocks<R>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(move || {
                            let mut done = Vec::new();
                            loop {
                                let start = next.fetch_add(block, Ordering::Relaxed);
                                if start >= items.len() {
                                    return done;
                                }
                                let end = (start + block).min(items.len());
                                done.push((start, items[start..end].iter().map(f).collect()));
                            }
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().ok()).collect()
            });
            if let Some(parts) = parts {
                let mut blocks: Vec<(usize, Vec<R>)> = parts.into_iter().flatten().collect();
                blocks.sort_unstable_by_key(|(start, _)| *start);
                return blocks
                    .into_iter()
                    .flat_map(|(_, results)| results)
                    .collect();
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

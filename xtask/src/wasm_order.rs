//! The last step of every shipped module: order its functions so that gzip compresses it
//! well, then strip the names.
//!
//! Gzip finds repeats only within the last 32 KB, so a module compresses better when
//! functions that look alike sit next to each other. Rust emits many such functions (the
//! instances of one generic function, the decoding code of each Kubernetes type) but not
//! together. [`order`] walks the functions greedily, each time to the unvisited function
//! whose body is most alike (by MinHash over 6-byte pieces of the bodies, with candidates
//! from locality-sensitive hashing), falling back to symbol-name order. `wasm-opt` then
//! applies that order (the module's functions renamed to their rank, and
//! `--reorder-functions-by-name`), with the few passes of [`PASSES`], and strips the names.
//! The ordering alone takes the playground's first load from 631 to 576 KB gzipped and the
//! npm module from 459 to 417 KB; the passes take about 2 KB more.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::site::relative;
use crate::wasm_binary::{self, Module};
use crate::{cmd, tools, Context, Result};

/// The length of the pieces of a body that are compared.
const PIECE: usize = 6;
/// How many MinHash values a body's signature has.
const HASHES: usize = 48;
/// How many bands the signature is cut into for candidate buckets.
const BANDS: usize = 12;
/// The values of a signature in one band.
const PER_BAND: usize = HASHES / BANDS;
/// At most this many unvisited functions of one bucket are compared at each step, so that
/// a bucket of thousands of alike small functions costs no quadratic time.
const CANDIDATES_PER_BUCKET: usize = 64;

/// What `wasm-opt` does to the renamed module: merge identical functions, number locals by
/// use, a few local clean-ups that shorten code without moving it between functions (its
/// `-O` levels inline, which makes the module larger gzipped: 553 KB instead of 459 KB for
/// the npm module), then apply the order and strip the names.
const PASSES: [&str; 11] = [
    "--duplicate-function-elimination",
    "--reorder-locals",
    "--merge-blocks",
    "--remove-unused-brs",
    "--optimize-instructions",
    "--code-folding",
    "--rse",
    "--vacuum",
    "--reorder-functions-by-name",
    "--strip-debug",
    "--strip-producers",
];

/// Orders the functions of the module at `wasm` (wasm-bindgen's output, with the function
/// names cargo kept) for gzip, and strips the names, in place.
pub fn finish(wasm: &Path) -> Result<()> {
    let wasm_opt = tools::ensure_wasm_opt()?;
    let data = fs::read(wasm).context(|| format!("reading {}", wasm.display()))?;
    let module = wasm_binary::parse(&data).context(|| format!("parsing {}", wasm.display()))?;
    let ranked = ranked_names(&module);
    let renamed = wasm.with_extension("ranked.wasm");
    fs::write(&renamed, wasm_binary::with_function_names(&module, &ranked))
        .context(|| format!("writing {}", renamed.display()))?;
    let run = cmd::run(
        Command::new(relative(&wasm_opt))
            .args(tools::WASM_FEATURES)
            .args(PASSES)
            .arg(relative(&renamed))
            .arg("-o")
            .arg(relative(wasm)),
    );
    fs::remove_file(&renamed).context(|| format!("removing {}", renamed.display()))?;
    run
}

/// Each defined function's index and a name whose byte order is its place in [`order`].
fn ranked_names(module: &Module<'_>) -> Vec<(u32, String)> {
    let by_name = name_order(module);
    let order = order(&module.bodies, &by_name);
    let width = order.len().to_string().len();
    let mut ranked: Vec<(u32, String)> = order
        .iter()
        .enumerate()
        .filter_map(|(rank, &position)| {
            let index = u32::try_from(position)
                .ok()?
                .checked_add(module.imported_functions)?;
            Some((index, format!("{rank:0width$}")))
        })
        .collect();
    ranked.sort();
    ranked
}

/// The positions of the defined functions by their symbol names (which keeps the
/// functions of one module, and a generic function's instances, together); functions
/// without a name last, by position.
fn name_order(module: &Module<'_>) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..module.bodies.len()).collect();
    positions.sort_by(|&a, &b| {
        match (module.body_name(a), module.body_name(b)) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(a.cmp(&b))
    });
    positions
}

/// A greedy order of `bodies` (positions into it) in which each body is followed by the
/// unvisited one most alike, starting from the first of `by_name`; when no candidate is
/// alike, the next unvisited function of `by_name` follows. Ties go to the function
/// nearest in `by_name`, so alike functions keep their name order.
pub fn order(bodies: &[&[u8]], by_name: &[usize]) -> Vec<usize> {
    let n = bodies.len();
    let signatures: Vec<[u64; HASHES]> = bodies.iter().map(|b| signature(b)).collect();
    let mut rank = vec![0; n];
    for (r, &p) in by_name.iter().enumerate() {
        rank[p] = r;
    }
    // Each band's buckets: functions whose signatures agree on that band, in name order.
    let mut buckets: BTreeMap<(usize, [u64; PER_BAND]), Vec<usize>> = BTreeMap::new();
    for &p in by_name {
        for band in 0..BANDS {
            buckets
                .entry(band_key(&signatures[p], band))
                .or_default()
                .push(p);
        }
    }
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut next_by_name = 0;
    let mut current = by_name.first().copied();
    while let Some(p) = current {
        visited[p] = true;
        order.push(p);
        let mut best: Option<(usize, usize)> = None; // (score, position)
        for band in 0..BANDS {
            let Some(bucket) = buckets.get_mut(&band_key(&signatures[p], band)) else {
                continue;
            };
            bucket.retain(|&c| !visited[c]);
            for &c in bucket.iter().take(CANDIDATES_PER_BUCKET) {
                let score = alike(&signatures[p], &signatures[c]);
                let better = match best {
                    None => true,
                    Some((s, b)) => {
                        score > s
                            || (score == s && rank[c].abs_diff(rank[p]) < rank[b].abs_diff(rank[p]))
                    }
                };
                if better {
                    best = Some((score, c));
                }
            }
        }
        current = match best {
            Some((_, c)) => Some(c),
            None => {
                while next_by_name < n && visited[by_name[next_by_name]] {
                    next_by_name += 1;
                }
                by_name.get(next_by_name).copied()
            }
        };
    }
    order
}

/// The bucket key of `signature`'s band `band`.
fn band_key(signature: &[u64; HASHES], band: usize) -> (usize, [u64; PER_BAND]) {
    let mut key = [0; PER_BAND];
    key.copy_from_slice(&signature[band * PER_BAND..(band + 1) * PER_BAND]);
    (band, key)
}

/// How many values two signatures share: an estimate of how alike the bodies are.
fn alike(a: &[u64; HASHES], b: &[u64; HASHES]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

/// A body's MinHash signature: for each of [`HASHES`] hash functions, the least hash of
/// its [`PIECE`]-byte pieces (the whole body when it is shorter).
fn signature(body: &[u8]) -> [u64; HASHES] {
    let mut signature = [u64::MAX; HASHES];
    let pieces = body.windows(PIECE.min(body.len()).max(1));
    for piece in pieces {
        let h = piece.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        for (k, slot) in signature.iter_mut().enumerate() {
            let v = mix(h ^ SEEDS[k]);
            if v < *slot {
                *slot = v;
            }
        }
    }
    signature
}

/// SplitMix64's finalizer: a fast, well-spread permutation of 64-bit values.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One seed per hash function: SplitMix64's sequence from a fixed start, so every build
/// orders the same module the same way.
const SEEDS: [u64; HASHES] = {
    let mut seeds = [0; HASHES];
    let mut state: u64 = 0x5eed;
    let mut i = 0;
    while i < HASHES {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        seeds[i] = mix(state);
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alike_bodies_follow_each_other() {
        let a1 = b"\x20\x00\x20\x01\x6a\x21\x02\x20\x02\x41\x07\x71\x0b\x20\x00".to_vec();
        let b1 = b"\x41\x80\x80\x04\x10\x05\x1a\x41\x00\x28\x02\x10\x36\x02\x0c".to_vec();
        let mut a2 = a1.clone();
        a2.push(0x0b);
        let mut b2 = b1.clone();
        b2.insert(0, 0x01);
        let bodies: Vec<&[u8]> = vec![&a1, &b1, &a2, &b2];
        // By name the order would be a1, b1, a2, b2; alike bodies pair up instead.
        assert_eq!(order(&bodies, &[0, 1, 2, 3]), [0, 2, 1, 3]);
    }

    #[test]
    fn unlike_bodies_keep_name_order() {
        // Pseudo-random bytes: no two bodies share a piece.
        let bodies: Vec<Vec<u8>> = (0..40u64)
            .map(|i| {
                (0..30u64)
                    .map(|j| mix(i * 1000 + j).to_le_bytes()[0])
                    .collect()
            })
            .collect();
        let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
        let by_name: Vec<usize> = (0..40).rev().collect();
        assert_eq!(order(&refs, &by_name), by_name);
    }

    #[test]
    fn ranks_name_the_functions_in_order() {
        let wasm = crate::wasm_binary::tests::module();
        let module = wasm_binary::parse(&wasm).expect("the test module parses");
        // By name `_ZN13daemonset_sim…` sorts before `_ZN4core…`: function 1, then 2.
        assert_eq!(
            ranked_names(&module),
            [(1, "0".to_owned()), (2, "1".to_owned())]
        );
    }
}

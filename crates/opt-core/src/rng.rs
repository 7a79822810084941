//! Seeded random streams and thread-count-independent parallel helpers.
//!
//! Every random draw in optlab comes from [`stream`]`(seed, domain, index)`: a ChaCha8 generator
//! whose key is derived from `(seed, domain)` by SplitMix64 and whose ChaCha stream number is
//! `index`. One stream per *work item* (seed, agent, chain, Monte Carlo batch), never per thread,
//! so results do not depend on how rayon schedules the items.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

/// The one random generator type used across optlab.
pub type Rng = ChaCha8Rng;

/// Re-exported so crates can call `next_u64`, `random`, `sample` without naming `rand` versions.
pub use rand::{Rng as RngCore, RngExt};

/// SplitMix64 finaliser: a bijective 64-bit mixer (Steele, Lea, Flood 2014).
pub const fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a hash of a domain label, so `stream(seed, "zo/directions", t)` and
/// `stream(seed, "zo/init", t)` never share a key.
pub const fn domain_hash(domain: &str) -> u64 {
    let bytes = domain.as_bytes();
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01B3);
        i += 1;
    }
    h
}

/// The seeded stream for work item `index` of `domain` under the experiment seed `seed`.
///
/// Key = four SplitMix64 outputs of `seed ^ hash(domain)`; ChaCha stream id = `index`.
pub fn stream(seed: u64, domain: &str, index: u64) -> Rng {
    let mut state = seed ^ domain_hash(domain);
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        state = splitmix64(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(index);
    rng
}

/// One standard normal draw.
pub fn standard_normal(rng: &mut Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// Fills `out` with independent standard normal draws.
pub fn fill_standard_normal(rng: &mut Rng, out: &mut [f64]) {
    for v in out {
        *v = StandardNormal.sample(rng);
    }
}

/// Maps `f(i, &mut stream(seed, domain, i))` over `0..n` in parallel, in index order.
///
/// The output is bit-identical for any rayon thread count, because each item owns its stream.
pub fn par_map_streams<T, F>(seed: u64, domain: &str, n: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, &mut Rng) -> T + Sync + Send,
{
    (0..n)
        .into_par_iter()
        .map(|i| {
            let mut rng = stream(seed, domain, i as u64);
            f(i, &mut rng)
        })
        .collect()
}

/// Default chunk length of [`par_chunked_sum`].
pub const SUM_CHUNK: usize = 1024;

/// `sum_{i<n} f(i)` computed in parallel over fixed chunks of `chunk` indices, each summed left to
/// right, then the chunk sums added in chunk order: the same bits on 1 or 16 threads.
pub fn par_chunked_sum<F>(n: usize, chunk: usize, f: F) -> f64
where
    F: Fn(usize) -> f64 + Sync + Send,
{
    let chunk = chunk.max(1);
    let n_chunks = n.div_ceil(chunk);
    let partial: Vec<f64> = (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let end = ((c + 1) * chunk).min(n);
            (c * chunk..end).map(&f).sum::<f64>()
        })
        .collect();
    partial.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_triple_same_draws_and_distinct_streams() {
        let a: Vec<u64> = (0..8).map(|_| stream(7, "d", 3).next_u64()).collect();
        let mut r1 = stream(7, "d", 3);
        let mut r2 = stream(7, "d", 3);
        let x1: Vec<u64> = (0..16).map(|_| r1.next_u64()).collect();
        let x2: Vec<u64> = (0..16).map(|_| r2.next_u64()).collect();
        assert_eq!(x1, x2);
        assert!(a.iter().all(|v| *v == a[0]));
        let mut other_index = stream(7, "d", 4);
        let mut other_domain = stream(7, "e", 3);
        let mut other_seed = stream(8, "d", 3);
        let y1: Vec<u64> = (0..16).map(|_| other_index.next_u64()).collect();
        let y2: Vec<u64> = (0..16).map(|_| other_domain.next_u64()).collect();
        let y3: Vec<u64> = (0..16).map(|_| other_seed.next_u64()).collect();
        assert_ne!(x1, y1);
        assert_ne!(x1, y2);
        assert_ne!(x1, y3);
    }

    #[test]
    fn standard_normal_moments() {
        let mut rng = stream(1, "normal", 0);
        let mut xs = vec![0.0; 200_000];
        fill_standard_normal(&mut rng, &mut xs);
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64;
        assert!(m.abs() < 0.01, "mean {m}");
        assert!((v - 1.0).abs() < 0.02, "var {v}");
    }

    fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(f)
    }

    #[test]
    fn parallel_streams_bit_identical_across_thread_counts() {
        let work = || {
            par_map_streams(42, "test/par", 100_000, |i, rng| {
                standard_normal(rng) * (i as f64).sqrt() + rng.random::<f64>()
            })
        };
        let one = in_pool(1, work);
        let four = in_pool(4, work);
        assert_eq!(one.len(), 100_000);
        assert!(
            one.iter()
                .zip(&four)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }

    #[test]
    fn chunked_sum_bit_identical_across_thread_counts() {
        let xs: Vec<f64> =
            par_map_streams(3, "test/sum", 100_000, |_, rng| standard_normal(rng) * 1e6);
        let sum = || par_chunked_sum(xs.len(), SUM_CHUNK, |i| xs[i]);
        let one = in_pool(1, sum);
        let four = in_pool(4, sum);
        assert_eq!(one.to_bits(), four.to_bits());
        let naive: f64 = xs.iter().sum();
        assert!((one - naive).abs() <= 1e-6 * xs.iter().map(|x| x.abs()).sum::<f64>());
    }
}

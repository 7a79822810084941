//! Small dense kernels that nalgebra lacks or that several crates need on raw slices.

/// `Σ a_i b_i` over the common length, with eight independent accumulators: vectorisable, and
/// the summation order is fixed, so the result is the same on every run and thread count.
///
/// Accumulator `k` sums the products at indices `≡ k (mod 8)`; they are combined as
/// `((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))`, then the tail is added.
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len(), "dot: length mismatch");
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_naive_sum(v in proptest::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 0..50)) {
            let (a, b): (Vec<f64>, Vec<f64>) = v.into_iter().unzip();
            let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let scale: f64 = a.iter().zip(&b).map(|(x, y)| (x * y).abs()).sum::<f64>().max(1.0);
            prop_assert!((dot(&a, &b) - naive).abs() <= 1e-12 * scale);
        }
    }

    #[test]
    fn exact_on_small_integers() {
        let a: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(dot(&a, &a), 506.0);
        assert_eq!(dot(&[], &[]), 0.0);
    }
}

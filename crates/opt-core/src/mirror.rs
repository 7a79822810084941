//! Stable log-sum-exp and softmax, the entropy mirror map on the simplex, and KL projections.

use crate::error::{Error, Result, ensure_finite, ensure_len, ensure_positive, ensure_probability};

/// `log Σ exp(z_i)`, computed as `m + log Σ exp(z_i − m)` with `m = max z` (no overflow at 1e4).
/// Returns −∞ for an empty slice or all entries −∞.
pub fn log_sum_exp(z: &[f64]) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// Replaces logits `z` by `softmax(z)_i = exp(z_i − lse(z))`, returning `lse(z)`.
pub fn softmax_in_place(z: &mut [f64]) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for v in z.iter_mut() {
        *v = (*v - m).exp();
        s += *v;
    }
    for v in z.iter_mut() {
        *v /= s;
    }
    m + s.ln()
}

/// Writes `softmax(z)` into `out` (same length), returning `lse(z)`.
pub fn softmax_into(z: &[f64], out: &mut [f64]) -> f64 {
    out.copy_from_slice(z);
    softmax_in_place(out)
}

/// Shannon entropy `−Σ p_i log p_i` (with `0 log 0 = 0`).
pub fn entropy(p: &[f64]) -> f64 {
    -p.iter()
        .filter(|v| **v > 0.0)
        .map(|v| v * v.ln())
        .sum::<f64>()
}

/// `KL(p ‖ q) = Σ p_i log(p_i / q_i)`; +∞ when `p_i > 0 = q_i`.
pub fn kl_divergence(p: &[f64], q: &[f64]) -> f64 {
    p.iter()
        .zip(q)
        .filter(|(a, _)| **a > 0.0)
        .map(|(a, b)| {
            if *b > 0.0 {
                a * (a / b).ln()
            } else {
                f64::INFINITY
            }
        })
        .sum()
}

/// One entropic mirror-descent (exponentiated-gradient) step on the simplex:
/// `p_i ← p_i exp(−η g_i) / Σ_j p_j exp(−η g_j)`, computed in log space so large `η g` is safe.
pub fn entropy_mirror_step(p: &mut [f64], grad: &[f64], eta: f64) -> Result<()> {
    ensure_len("grad", p.len(), grad.len())?;
    ensure_positive("eta", eta)?;
    ensure_finite("grad", grad)?;
    ensure_probability("p", p, 1e-9)?;
    for (pi, gi) in p.iter_mut().zip(grad) {
        *pi = if *pi > 0.0 {
            pi.ln() - eta * gi
        } else {
            f64::NEG_INFINITY
        };
    }
    softmax_in_place(p);
    Ok(())
}

/// KL (I-) projection onto the box-constrained simplex
/// `{p : Σ p_i = 1, lo_i ≤ p_i ≤ hi_i}`: `argmin_p KL(p ‖ q)`.
///
/// The KKT conditions give `p_i = clip(c q_i, lo_i, hi_i)` with the scalar `c > 0` chosen so the
/// entries sum to 1; `c` is found by bisection on the monotone map `c ↦ Σ clip(c q_i, lo_i, hi_i)`.
/// `q` must be positive (entries with `q_i = 0` get `lo_i`).
pub fn kl_project_box_simplex(q: &[f64], lo: &[f64], hi: &[f64], out: &mut [f64]) -> Result<()> {
    let n = q.len();
    ensure_len("lo", n, lo.len())?;
    ensure_len("hi", n, hi.len())?;
    ensure_len("out", n, out.len())?;
    ensure_finite("q", q)?;
    ensure_finite("lo", lo)?;
    ensure_finite("hi", hi)?;
    if n == 0 {
        return Err(Error::invalid("q", "empty vector"));
    }
    if let Some(i) = q.iter().position(|v| *v < 0.0) {
        return Err(Error::invalid("q", format!("entry {i} is negative")));
    }
    if let Some(i) = (0..n).find(|&i| lo[i] < 0.0 || lo[i] > hi[i]) {
        return Err(Error::invalid(
            "lo",
            format!("need 0 <= lo <= hi, violated at entry {i}"),
        ));
    }
    let (slo, shi): (f64, f64) = (lo.iter().sum(), hi.iter().sum());
    if slo > 1.0 + 1e-12 || shi < 1.0 - 1e-12 {
        return Err(Error::invalid(
            "lo, hi",
            format!("box is incompatible with the simplex (sum lo = {slo}, sum hi = {shi})"),
        ));
    }
    let total = |c: f64| -> f64 { (0..n).map(|i| (c * q[i]).clamp(lo[i], hi[i])).sum() };
    let (mut a, mut b) = (0.0f64, 1.0f64);
    while total(b) < 1.0 && b < 1e300 {
        b *= 2.0;
    }
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if total(m) < 1.0 {
            a = m
        } else {
            b = m
        }
        if b - a <= 1e-15 * b {
            break;
        }
    }
    for i in 0..n {
        out[i] = (b * q[i]).clamp(lo[i], hi[i]);
    }
    // distribute the bisection residual over the free coordinates so Σ p = 1 to rounding
    let resid = 1.0 - out.iter().sum::<f64>();
    let free: Vec<usize> = (0..n)
        .filter(|&i| out[i] > lo[i] && out[i] < hi[i])
        .collect();
    let free_mass: f64 = free.iter().map(|&i| out[i]).sum();
    if free_mass > 0.0 {
        for &i in &free {
            out[i] += resid * out[i] / free_mass;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn large_logits_do_not_overflow() {
        let z = [1e4, 1e4 - 1.0, -1e4];
        let lse = log_sum_exp(&z);
        assert!((lse - (1e4 + (1.0 + (-1.0f64).exp()).ln())).abs() < 1e-9);
        let mut p = z;
        softmax_in_place(&mut p);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert!((p[0] - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-15);
        assert_eq!(log_sum_exp(&[]), f64::NEG_INFINITY);
    }

    #[test]
    fn mirror_step_matches_closed_form() {
        let mut p = [0.2, 0.3, 0.5];
        let g = [1.0, -1.0, 0.0];
        entropy_mirror_step(&mut p, &g, 0.5).unwrap();
        let w = [0.2 * (-0.5f64).exp(), 0.3 * 0.5f64.exp(), 0.5];
        let s: f64 = w.iter().sum();
        for i in 0..3 {
            assert!((p[i] - w[i] / s).abs() < 1e-15);
        }
        assert!(entropy_mirror_step(&mut p, &g, 0.0).is_err());
        assert!(entropy_mirror_step(&mut [0.5, 0.6], &[0.0, 0.0], 1.0).is_err());
    }

    #[test]
    fn kl_projection_with_inactive_box_is_normalisation() {
        let q = [1.0, 2.0, 1.0];
        let mut out = [0.0; 3];
        kl_project_box_simplex(&q, &[0.0; 3], &[1.0; 3], &mut out).unwrap();
        for (o, e) in out.iter().zip([0.25, 0.5, 0.25]) {
            assert!((o - e).abs() < 1e-12);
        }
        kl_project_box_simplex(&q, &[0.0; 3], &[0.4; 3], &mut out).unwrap();
        assert!((out[1] - 0.4).abs() < 1e-12 && (out[0] - 0.3).abs() < 1e-12);
        assert!(kl_project_box_simplex(&q, &[0.5; 3], &[1.0; 3], &mut out).is_err());
    }

    proptest! {
        #[test]
        fn softmax_is_a_distribution(z in proptest::collection::vec(-1e4f64..1e4, 1..40)) {
            let mut p = z.clone();
            let lse = softmax_in_place(&mut p);
            prop_assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            prop_assert!(p.iter().all(|v| *v >= 0.0));
            prop_assert!((lse - log_sum_exp(&z)).abs() <= 1e-9 * lse.abs().max(1.0));
        }

        #[test]
        fn kl_projection_is_feasible_and_optimal(
            q in proptest::collection::vec(0.01f64..1.0, 2..12),
            cap in 0.2f64..1.0,
        ) {
            let n = q.len();
            let hi = vec![cap.max(1.0 / n as f64 + 1e-3); n];
            let lo = vec![0.0; n];
            let mut p = vec![0.0; n];
            kl_project_box_simplex(&q, &lo, &hi, &mut p).unwrap();
            prop_assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-10);
            prop_assert!(p.iter().zip(&hi).all(|(a, b)| *a <= b + 1e-12 && *a >= 0.0));
            // optimality: a feasible perturbation does not decrease KL(p||q)
            let (i, j) = (0, n - 1);
            let d = 1e-4;
            if p[i] + d <= hi[i] && p[j] - d >= 0.0 {
                let mut r = p.clone();
                r[i] += d;
                r[j] -= d;
                prop_assert!(kl_divergence(&r, &q) >= kl_divergence(&p, &q) - 1e-12);
            }
        }
    }
}

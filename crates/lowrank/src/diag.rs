//! Diagnostics of convergence traces and the scalar map behind theorem (i).
//!
//! With the Nyström start and exact rank, `X_t = U S_t`, `Z_t = Σ^{-1/2} S_t` follows
//! `Z_{t+1} = (1−η)Z_t + ηZ_t^{-ᵀ}`: each singular value of `Z_t` follows `g_η(d) = (1−η)d + η/d`
//! (spec, "Why it works", derived). `η = ½` is Heron's iteration, `d_{t+1} − 1 = (d_t − 1)²/(2d_t)`.

use crate::problem::top_eigen;
use nalgebra::DMatrix;

/// `g_η(d) = (1−η)d + η/d`.
pub fn scalar_map(eta: f64, d: f64) -> f64 {
    (1.0 - eta) * d + eta / d
}

/// First index `t` with `errors[t] < tol` (the number of steps when `errors[0]` is the start).
pub fn iterations_to(errors: &[f64], tol: f64) -> Option<usize> {
    errors.iter().position(|&e| e < tol)
}

/// Geometric-mean ratio `e_{t+1}/e_t` over consecutive pairs with both errors in `(lo, hi)`;
/// `None` when there is no such pair.
pub fn tail_ratio(errors: &[f64], lo: f64, hi: f64) -> Option<f64> {
    let logs: Vec<f64> = errors
        .windows(2)
        .filter(|w| w[0] > lo && w[0] < hi && w[1] > lo && w[1] < hi)
        .map(|w| (w[1] / w[0]).ln())
        .collect();
    if logs.is_empty() {
        None
    } else {
        Some((logs.iter().sum::<f64>() / logs.len() as f64).exp())
    }
}

/// Largest `e_{t+1} / e_t²` over steps with `e_t ∈ (lo, hi)` (the quadratic-rate constant);
/// `None` when no step qualifies.
pub fn quadratic_constant(errors: &[f64], lo: f64, hi: f64) -> Option<f64> {
    errors
        .windows(2)
        .filter(|w| w[0] > lo && w[0] < hi)
        .map(|w| w[1] / (w[0] * w[0]))
        .reduce(f64::max)
}

/// True when every step with `e_t ∈ (lo, hi)` has `e_{t+1} <= c·e_t²` (and at least one step does).
pub fn is_quadratic(errors: &[f64], lo: f64, hi: f64, c: f64) -> bool {
    quadratic_constant(errors, lo, hi).is_some_and(|k| k <= c)
}

/// The exact-rank structure of a PSD `A`: `Σ^{-1/2}Uᵀ` for its top-`r_A` eigenpairs, so that
/// `Z = Σ^{-1/2}UᵀX` is the scalar-map variable.
pub fn whitener(a: &DMatrix<f64>, r_a: usize) -> DMatrix<f64> {
    let (u, s) = top_eigen(a, r_a);
    let mut w = u.transpose();
    for (i, si) in s.iter().enumerate() {
        w.row_mut(i).scale_mut(1.0 / si.sqrt());
    }
    w
}

/// `w = ‖ZZᵀ − I‖_F`, `Z = whitener · X` (the κ-free quadratic-tail quantity of the spec box).
pub fn whitened_error(whitener: &DMatrix<f64>, x: &DMatrix<f64>) -> f64 {
    let z = whitener * x;
    let k = z.nrows();
    (&z * z.transpose() - DMatrix::<f64>::identity(k, k)).norm()
}

/// Sorted (decreasing) singular values of `whitener · X`.
pub fn whitened_singular_values(whitener: &DMatrix<f64>, x: &DMatrix<f64>) -> Vec<f64> {
    let mut s: Vec<f64> = (whitener * x).singular_values().iter().copied().collect();
    s.sort_by(|a, b| b.total_cmp(a));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_helpers() {
        let e = [1.0, 0.5, 0.25, 0.125, 1e-3];
        assert_eq!(iterations_to(&e, 0.2), Some(3));
        assert!((tail_ratio(&e[..4], 0.1, 2.0).unwrap() - 0.5).abs() < 1e-15);
        let q = [1e-1, 1e-2, 1e-4, 1e-8];
        assert!((quadratic_constant(&q, 1e-9, 1.0).unwrap() - 1.0).abs() < 1e-12);
        assert!(is_quadratic(&q, 1e-9, 1.0, 1.0));
        assert!(!is_quadratic(&e, 0.1, 2.0, 1.0));
        // Heron: g_{1/2}(d) − 1 = (d − 1)² / (2d)
        let d = 3.0;
        assert!((scalar_map(0.5, d) - 1.0 - (d - 1.0f64).powi(2) / (2.0 * d)).abs() < 1e-15);
        assert_eq!(scalar_map(1.0, 4.0), 0.25);
    }
}

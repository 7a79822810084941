//! Finite-difference checkers for gradients, Hessian–vector products and vector–Jacobian products.
//!
//! Public so every crate's tests use the same checkers: each analytic derivative in optlab is
//! compared with central differences `(f(x + h e_i) − f(x − h e_i)) / 2h`.

use crate::problem::{Gradient, HessianVector};
use nalgebra::DVector;

/// Relative error `|a − b| / max(|a|, |b|, floor)`; `floor` keeps near-zero entries meaningful.
pub fn relative_error(a: f64, b: f64, floor: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(floor)
}

/// Largest entrywise [`relative_error`] between two vectors (floor `1e-8 · max(‖a‖∞, ‖b‖∞, 1)`).
pub fn max_relative_error(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "max_relative_error: length mismatch");
    let scale = a.iter().chain(b).fold(1.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .map(|(x, y)| relative_error(*x, *y, 1e-8 * scale))
        .fold(0.0, f64::max)
}

/// Outcome of a derivative check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// The analytic derivative.
    pub analytic: Vec<f64>,
    /// The central-difference estimate.
    pub numeric: Vec<f64>,
    /// [`max_relative_error`] of the two.
    pub max_rel_error: f64,
}

impl CheckReport {
    fn new(analytic: Vec<f64>, numeric: Vec<f64>) -> Self {
        let max_rel_error = max_relative_error(&analytic, &numeric);
        Self {
            analytic,
            numeric,
            max_rel_error,
        }
    }
}

/// Central-difference gradient of a scalar function at `x` with step `h`.
pub fn numeric_gradient(
    f: impl Fn(&DVector<f64>) -> f64,
    x: &DVector<f64>,
    h: f64,
) -> DVector<f64> {
    let mut xp = x.clone();
    DVector::from_fn(x.len(), |i, _| {
        let xi = xp[i];
        xp[i] = xi + h;
        let fp = f(&xp);
        xp[i] = xi - h;
        let fm = f(&xp);
        xp[i] = xi;
        (fp - fm) / (2.0 * h)
    })
}

/// Central-difference Jacobian (`m × n`) of `f: R^n -> R^m`.
pub fn numeric_jacobian(
    f: impl Fn(&DVector<f64>) -> DVector<f64>,
    x: &DVector<f64>,
    h: f64,
) -> nalgebra::DMatrix<f64> {
    let mut xp = x.clone();
    let m = f(x).len();
    let mut jac = nalgebra::DMatrix::zeros(m, x.len());
    for i in 0..x.len() {
        let xi = xp[i];
        xp[i] = xi + h;
        let fp = f(&xp);
        xp[i] = xi - h;
        let fm = f(&xp);
        xp[i] = xi;
        jac.set_column(i, &((fp - fm) / (2.0 * h)));
    }
    jac
}

/// Compares a [`Gradient`] implementation with central differences of its value.
pub fn check_gradient<P: Gradient + ?Sized>(p: &P, x: &DVector<f64>, h: f64) -> CheckReport {
    let mut g = DVector::zeros(x.len());
    p.gradient(x, &mut g);
    let num = numeric_gradient(|y| p.value(y), x, h);
    CheckReport::new(g.as_slice().to_vec(), num.as_slice().to_vec())
}

/// Compares `∇²f(x) v` with central differences of the gradient along `v`.
pub fn check_hvp<P: HessianVector + ?Sized>(
    p: &P,
    x: &DVector<f64>,
    v: &DVector<f64>,
    h: f64,
) -> CheckReport {
    let mut hv = DVector::zeros(x.len());
    p.hessian_vector(x, v, &mut hv);
    let mut gp = DVector::zeros(x.len());
    let mut gm = DVector::zeros(x.len());
    p.gradient(&(x + h * v), &mut gp);
    p.gradient(&(x - h * v), &mut gm);
    let num = (gp - gm) / (2.0 * h);
    CheckReport::new(hv.as_slice().to_vec(), num.as_slice().to_vec())
}

/// Compares a vector–Jacobian product `vᵀ J_f(x)` with central differences of `x ↦ vᵀ f(x)`.
///
/// `vjp(x, v)` must return `J_f(x)ᵀ v` (length `n`).
pub fn check_vjp(
    f: impl Fn(&DVector<f64>) -> DVector<f64>,
    vjp: impl Fn(&DVector<f64>, &DVector<f64>) -> DVector<f64>,
    x: &DVector<f64>,
    v: &DVector<f64>,
    h: f64,
) -> CheckReport {
    let analytic = vjp(x, v);
    let num = numeric_gradient(|y| f(y).dot(v), x, h);
    CheckReport::new(analytic.as_slice().to_vec(), num.as_slice().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vjp_of_a_known_map() {
        // f(x) = (x0 x1, sin x0), J^T v = (v0 x1 + v1 cos x0, v0 x0)
        let f = |x: &DVector<f64>| DVector::from_vec(vec![x[0] * x[1], x[0].sin()]);
        let vjp = |x: &DVector<f64>, v: &DVector<f64>| {
            DVector::from_vec(vec![v[0] * x[1] + v[1] * x[0].cos(), v[0] * x[0]])
        };
        let x = DVector::from_vec(vec![0.7, -1.3]);
        let v = DVector::from_vec(vec![0.4, 2.0]);
        let r = check_vjp(f, vjp, &x, &v, 1e-6);
        assert!(r.max_rel_error < 1e-8, "{r:?}");
        // a wrong VJP is caught
        let bad =
            |x: &DVector<f64>, v: &DVector<f64>| DVector::from_vec(vec![v[0] * x[1], v[0] * x[0]]);
        assert!(check_vjp(f, bad, &x, &v, 1e-6).max_rel_error > 0.1);
        let j = numeric_jacobian(f, &x, 1e-6);
        assert!((j[(0, 1)] - 0.7).abs() < 1e-8);
    }

    #[test]
    fn relative_error_floor() {
        assert_eq!(relative_error(1.0, 1.0, 1e-12), 0.0);
        assert!((relative_error(1e-20, 0.0, 1e-8) - 1e-12).abs() < 1e-24);
    }
}

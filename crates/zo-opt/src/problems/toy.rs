//! The scale-invariant toy `h(y, z) = ½ (yᵀz − 1)²` (arXiv 2506.05454, Example 1, Figs 1/4).
//!
//! With `r = yᵀz − 1`: `∇h = (r z, r y)`, `tr ∇²h = ‖y‖² + ‖z‖²` everywhere, balancedness
//! `B = ½(‖y‖² − ‖z‖²)`; the two-point estimate has the closed form
//! `g_λ = (r + λ² vᵀw)(yᵀw + zᵀv) u` for `u = (v, w)`, and `f_λ = h + λ²/2 (‖y‖² + ‖z‖²) + λ⁴ d/2`.

use super::dot;
use nalgebra::DVector;
use opt_core::problem::{Gradient, HessianVector, Objective};

/// `h(y, z) = ½(yᵀz − 1)²` on `R^{2d}`, `x = (y, z)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleInvariantToy {
    /// Block dimension `d` (the argument has `2d` entries).
    pub d: usize,
}

impl ScaleInvariantToy {
    /// The toy with blocks of size `d`.
    pub fn new(d: usize) -> Self {
        Self { d }
    }
    fn split<'a>(&self, x: &'a DVector<f64>) -> (&'a [f64], &'a [f64]) {
        x.as_slice().split_at(self.d)
    }
    /// The residual `r = yᵀz − 1`.
    pub fn residual(&self, x: &DVector<f64>) -> f64 {
        let (y, z) = self.split(x);
        dot(y, z) - 1.0
    }
    /// Exact `tr ∇²h = ‖y‖² + ‖z‖²`.
    pub fn trace(&self, x: &DVector<f64>) -> f64 {
        x.norm_squared()
    }
    /// Balancedness `B = ½(‖y‖² − ‖z‖²)`.
    pub fn balancedness(&self, x: &DVector<f64>) -> f64 {
        let (y, z) = self.split(x);
        0.5 * (dot(y, y) - dot(z, z))
    }
    /// Closed-form two-point estimate `(r + λ² vᵀw)(yᵀw + zᵀv) u` (written into `out`).
    pub fn closed_form_estimate(
        &self,
        x: &DVector<f64>,
        u: &DVector<f64>,
        lambda: f64,
        out: &mut DVector<f64>,
    ) {
        let (y, z) = self.split(x);
        let (v, w) = u.as_slice().split_at(self.d);
        let c = (self.residual(x) + lambda * lambda * dot(v, w)) * (dot(y, w) + dot(z, v));
        out.copy_from(u);
        *out *= c;
    }
    /// Closed-form smoothed loss `f_λ = h + λ²/2 ‖x‖² + λ⁴ d / 2`.
    pub fn smoothed(&self, x: &DVector<f64>, lambda: f64) -> f64 {
        let l2 = lambda * lambda;
        self.value(x) + 0.5 * l2 * x.norm_squared() + 0.5 * l2 * l2 * self.d as f64
    }
}

impl Objective for ScaleInvariantToy {
    fn dim(&self) -> usize {
        2 * self.d
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        let r = self.residual(x);
        0.5 * r * r
    }
}

impl Gradient for ScaleInvariantToy {
    fn gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) {
        let r = self.residual(x);
        let d = self.d;
        for i in 0..d {
            g[i] = r * x[d + i];
            g[d + i] = r * x[i];
        }
    }
}

impl HessianVector for ScaleInvariantToy {
    fn hessian_vector(&self, x: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) {
        let (y, z) = self.split(x);
        let (vy, vz) = v.as_slice().split_at(self.d);
        let r = self.residual(x);
        let (zvy, yvz) = (dot(z, vy), dot(y, vz));
        let d = self.d;
        for i in 0..d {
            out[i] = z[i] * zvy + r * vz[i] + z[i] * yvz;
            out[d + i] = y[i] * yvz + r * vy[i] + y[i] * zvy;
        }
    }
}

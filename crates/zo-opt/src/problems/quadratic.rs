//! Quadratics `f(x) = ½ xᵀAx + bᵀx` (symmetric `A`): `f_λ = f + λ²/2 tr A` exactly, and the
//! two-point estimate equals `(uᵀ∇f) u` exactly (the even-order terms cancel).

use crate::error::{Result, ZoOptError};
use nalgebra::{DMatrix, DVector};
use opt_core::problem::{Gradient, HessianVector, Objective};

/// `½ xᵀAx + bᵀx`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quadratic {
    /// Symmetric matrix `A`.
    pub a: DMatrix<f64>,
    /// Linear term `b`.
    pub b: DVector<f64>,
}

impl Quadratic {
    /// Checks shapes and symmetry (to 1e-12 relative).
    pub fn new(a: DMatrix<f64>, b: DVector<f64>) -> Result<Self> {
        opt_core::error::ensure_shape("A", (b.len(), b.len()), a.shape())?;
        let scale = a.amax().max(1e-300);
        if (&a - a.transpose()).amax() > 1e-12 * scale {
            return Err(ZoOptError::invalid("A", "must be symmetric"));
        }
        Ok(Self { a, b })
    }
    /// `A = Q diag(eigs) Qᵀ` with a random orthogonal `Q` from `rng` and `b = −A x*`.
    pub fn with_spectrum(
        eigs: &[f64],
        x_star: &DVector<f64>,
        rng: &mut opt_core::rng::Rng,
    ) -> Result<Self> {
        let d = eigs.len();
        opt_core::error::ensure_len("x_star", d, x_star.len())?;
        let mut g = DMatrix::zeros(d, d);
        opt_core::rng::fill_standard_normal(rng, g.as_mut_slice());
        let q = g.qr().q();
        let a = &q * DMatrix::from_diagonal(&DVector::from_row_slice(eigs)) * q.transpose();
        let a = (&a + a.transpose()) * 0.5;
        let b = -(&a * x_star);
        Self::new(a, b)
    }
    /// `tr A` (the Hessian trace, constant).
    pub fn trace(&self) -> f64 {
        self.a.trace()
    }
    /// Closed-form smoothed loss `f_λ = f + λ²/2 tr A` (Gaussian directions).
    pub fn smoothed(&self, x: &DVector<f64>, lambda: f64) -> f64 {
        self.value(x) + 0.5 * lambda * lambda * self.trace()
    }
}

impl Objective for Quadratic {
    fn dim(&self) -> usize {
        self.b.len()
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        let mut s = 0.0;
        for (j, col) in self.a.column_iter().enumerate() {
            s += x[j] * (0.5 * super::dot(col.as_slice(), x.as_slice()) + self.b[j]);
        }
        s
    }
}

impl Gradient for Quadratic {
    fn gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) {
        g.copy_from(&self.b);
        g.gemv(1.0, &self.a, x, 1.0);
    }
}

impl HessianVector for Quadratic {
    fn hessian_vector(&self, _x: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) {
        self.a.mul_to(v, out);
    }
}

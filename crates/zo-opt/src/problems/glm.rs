//! Binary generalised linear models on (random) features, with exact Hessian traces and the
//! Gauss–Hermite smoothing oracle (arXiv 2506.05454, Sec. 5 "SVM and logistic regression").
//!
//! `f(w) = (1/N) Σ_i ℓ(m_i)`, margins `m_i = y_i φ_iᵀw`, labels `y_i ∈ {−1, +1}`:
//! - logistic `ℓ(m) = log(1 + e^{−m})`, `tr ∇²f = (1/N) Σ p_i(1 − p_i) ‖φ_i‖²`;
//! - squared hinge `ℓ(m) = max(0, 1 − m)²`, `tr ∇²f = (2/N) Σ_{m_i < 1} ‖φ_i‖²` (generalised Hessian).
//!
//! Smoothing oracle (spec E-ZO-4): `f_λ(w) = (1/N) Σ_i E_z ℓ(m_i + λ‖φ_i‖ z)`, `z ~ N(0, 1)`, by
//! Gauss–Hermite quadrature (exact for the law of `φ_iᵀu`, `u ~ N(0, I)`).
//!
//! Features are stored one sample per **column** (`phi_t` is `D × N`) so every margin is a
//! contiguous dot product and evaluations allocate nothing.

use super::dot;
use crate::error::{Result, ZoOptError};
use nalgebra::{DMatrix, DVector};
use opt_core::problem::{Gradient, HessianVector, Objective};
use opt_core::rng::{Rng, fill_standard_normal};

/// The per-sample loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum GlmLoss {
    /// `log(1 + e^{−m})`.
    Logistic,
    /// `max(0, 1 − m)²`.
    SquaredHinge,
}

impl GlmLoss {
    /// `ℓ(m)`.
    #[inline]
    pub fn value(self, m: f64) -> f64 {
        match self {
            GlmLoss::Logistic => {
                if m > 0.0 {
                    (-m).exp().ln_1p()
                } else {
                    -m + m.exp().ln_1p()
                }
            }
            GlmLoss::SquaredHinge => {
                let h = (1.0 - m).max(0.0);
                h * h
            }
        }
    }
    /// `ℓ'(m)`.
    #[inline]
    pub fn d1(self, m: f64) -> f64 {
        match self {
            GlmLoss::Logistic => -sigmoid(-m),
            GlmLoss::SquaredHinge => -2.0 * (1.0 - m).max(0.0),
        }
    }
    /// `ℓ''(m)` (generalised for the hinge: `2·[m < 1]`).
    #[inline]
    pub fn d2(self, m: f64) -> f64 {
        match self {
            GlmLoss::Logistic => sigmoid(m) * sigmoid(-m),
            GlmLoss::SquaredHinge => {
                if m < 1.0 {
                    2.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// `1 / (1 + e^{−v})`.
#[inline]
pub fn sigmoid(v: f64) -> f64 {
    if v >= 0.0 {
        1.0 / (1.0 + (-v).exp())
    } else {
        let e = v.exp();
        e / (1.0 + e)
    }
}

/// A binary GLM `f(w) = (1/N) Σ ℓ(y_i φ_iᵀ w)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Glm {
    phi_t: DMatrix<f64>,
    y: Vec<f64>,
    norms2: Vec<f64>,
    loss: GlmLoss,
}

impl Glm {
    /// Features `phi_t` (`D × N`, one sample per column) and labels `y_i ∈ {−1, +1}`.
    pub fn new(phi_t: DMatrix<f64>, y: Vec<f64>, loss: GlmLoss) -> Result<Self> {
        opt_core::error::ensure_len("labels", phi_t.ncols(), y.len())?;
        opt_core::error::ensure_at_least("samples", y.len(), 1)?;
        opt_core::error::ensure_finite("features", phi_t.as_slice())?;
        if y.iter().any(|v| *v != 1.0 && *v != -1.0) {
            return Err(ZoOptError::invalid("labels", "must be -1 or +1"));
        }
        let norms2 = phi_t.column_iter().map(|c| c.norm_squared()).collect();
        Ok(Self {
            phi_t,
            y,
            norms2,
            loss,
        })
    }
    /// Number of samples `N`.
    pub fn samples(&self) -> usize {
        self.y.len()
    }
    /// The features, one sample per column (`D × N`).
    pub fn features_t(&self) -> &DMatrix<f64> {
        &self.phi_t
    }
    /// The labels `±1`.
    pub fn labels(&self) -> &[f64] {
        &self.y
    }
    /// The loss.
    pub fn loss(&self) -> GlmLoss {
        self.loss
    }
    /// The margin `m_i = y_i φ_iᵀ w`.
    #[inline]
    pub fn margin(&self, w: &DVector<f64>, i: usize) -> f64 {
        self.y[i] * dot(self.phi_t.column(i).as_slice(), w.as_slice())
    }
    /// Writes all margins `m_i = y_i φ_iᵀw` into `m`.
    pub fn margins_into(&self, w: &DVector<f64>, m: &mut [f64]) {
        for (i, mi) in m.iter_mut().enumerate() {
            *mi = self.margin(w, i);
        }
    }
    /// `‖φ_i‖²` per sample.
    pub fn feature_norms2(&self) -> &[f64] {
        &self.norms2
    }
    /// `f` from precomputed margins: `(1/N) Σ ℓ(m_i)`.
    pub fn loss_from_margins(&self, m: &[f64]) -> f64 {
        m.iter().map(|v| self.loss.value(*v)).sum::<f64>() / m.len() as f64
    }
    /// `tr ∇²f` from precomputed margins: `(1/N) Σ ℓ''(m_i) ‖φ_i‖²`.
    pub fn trace_from_margins(&self, m: &[f64]) -> f64 {
        m.iter()
            .zip(&self.norms2)
            .map(|(v, n2)| self.loss.d2(*v) * n2)
            .sum::<f64>()
            / m.len() as f64
    }
    /// Exact `tr ∇²f(w) = (1/N) Σ ℓ''(m_i) ‖φ_i‖²`.
    pub fn exact_trace(&self, w: &DVector<f64>) -> f64 {
        let s: f64 = (0..self.samples())
            .map(|i| self.loss.d2(self.margin(w, i)) * self.norms2[i])
            .sum();
        s / self.samples() as f64
    }
    /// Fraction of samples with positive margin.
    pub fn accuracy(&self, w: &DVector<f64>) -> f64 {
        let ok = (0..self.samples())
            .filter(|&i| self.margin(w, i) > 0.0)
            .count();
        ok as f64 / self.samples() as f64
    }
    /// `f_λ(w)` and `∇f_λ(w)` (into `grad`) by Gauss–Hermite quadrature with `(nodes, weights)`.
    pub fn smoothed_value_and_gradient(
        &self,
        w: &DVector<f64>,
        lambda: f64,
        gh: &(Vec<f64>, Vec<f64>),
        grad: &mut DVector<f64>,
    ) -> f64 {
        grad.fill(0.0);
        let n = self.samples() as f64;
        let mut f = 0.0;
        for i in 0..self.samples() {
            let m = self.margin(w, i);
            let s = lambda * self.norms2[i].sqrt();
            let (mut v, mut d) = (0.0, 0.0);
            for (z, wt) in gh.0.iter().zip(&gh.1) {
                v += wt * self.loss.value(m + s * z);
                d += wt * self.loss.d1(m + s * z);
            }
            f += v;
            grad.axpy(d * self.y[i] / n, &self.phi_t.column(i), 1.0);
        }
        f / n
    }
}

impl Objective for Glm {
    fn dim(&self) -> usize {
        self.phi_t.nrows()
    }
    fn value(&self, w: &DVector<f64>) -> f64 {
        let s: f64 = (0..self.samples())
            .map(|i| self.loss.value(self.margin(w, i)))
            .sum();
        s / self.samples() as f64
    }
}

impl Gradient for Glm {
    fn gradient(&self, w: &DVector<f64>, g: &mut DVector<f64>) {
        self.value_and_gradient(w, g);
    }
    fn value_and_gradient(&self, w: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        g.fill(0.0);
        let n = self.samples() as f64;
        let mut f = 0.0;
        for i in 0..self.samples() {
            let m = self.margin(w, i);
            f += self.loss.value(m);
            g.axpy(self.loss.d1(m) * self.y[i] / n, &self.phi_t.column(i), 1.0);
        }
        f / n
    }
}

impl HessianVector for Glm {
    fn hessian_vector(&self, w: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) {
        out.fill(0.0);
        let n = self.samples() as f64;
        for i in 0..self.samples() {
            let c = self.phi_t.column(i);
            let k = self.loss.d2(self.margin(w, i)) * dot(c.as_slice(), v.as_slice()) / n;
            out.axpy(k, &c, 1.0);
        }
    }
}

/// Nodes and weights of the `n`-point Gauss–Hermite rule for `E f(z)`, `z ~ N(0, 1)`
/// (Golub–Welsch: eigen-decomposition of the Jacobi matrix with off-diagonal `√k`).
pub fn gauss_hermite(n: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    opt_core::error::ensure_at_least("gauss-hermite nodes", n, 1)?;
    let mut j = DMatrix::zeros(n, n);
    for k in 1..n {
        let b = (k as f64).sqrt();
        j[(k, k - 1)] = b;
        j[(k - 1, k)] = b;
    }
    let eig = j.symmetric_eigen();
    let mut pairs: Vec<(f64, f64)> = (0..n)
        .map(|i| (eig.eigenvalues[i], eig.eigenvectors[(0, i)].powi(2)))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(pairs.into_iter().unzip())
}

/// Random features as in FlatZero's `svm_logreg`: `H = A W` (`W_{jk} ~ N(0, 1)`, `A` already
/// standardised, one sample per row), optionally `ReLU(H)`, columns standardised with the training
/// statistics, then a bias feature 1 prepended. Returns `(train, test)` as `(D + 1) × N` matrices.
pub fn random_features(
    train: &DMatrix<f64>,
    test: &DMatrix<f64>,
    features: usize,
    relu: bool,
    rng: &mut Rng,
) -> Result<(DMatrix<f64>, DMatrix<f64>)> {
    opt_core::error::ensure_at_least("features", features, 1)?;
    opt_core::error::ensure_len("test columns", train.ncols(), test.ncols())?;
    let mut w = DMatrix::zeros(train.ncols(), features);
    fill_standard_normal(rng, w.as_mut_slice());
    let map = |a: &DMatrix<f64>| {
        let h = a * &w;
        if relu { h.map(|v| v.max(0.0)) } else { h }
    };
    let (htr, hte) = (map(train), map(test));
    let n = htr.nrows() as f64;
    let build = |h: &DMatrix<f64>| {
        let mut out = DMatrix::from_element(features + 1, h.nrows(), 1.0);
        for k in 0..features {
            let col = htr.column(k);
            let mean = col.sum() / n;
            let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
            for i in 0..h.nrows() {
                out[(k + 1, i)] = (h[(i, k)] - mean) / sd;
            }
        }
        out
    };
    Ok((build(&htr), build(&hte)))
}

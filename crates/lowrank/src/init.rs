//! Initialisations (arXiv 2410.18965, §3 "Nyström initialisation").
//!
//! * Nyström, symmetric: `X_0 = AΩ`, `Ω ∈ ℝ^{n×r}`, `Ω_ij ~ N(0, ξ²)` (`xi` = ξ).
//! * Nyström, asymmetric: `X_0 = AΩ`, `Ω ∈ ℝ^{n×r}`, `Y_0 = 0`.
//! * Small random: i.i.d. `N(0, scale²)` entries (both factors in the asymmetric case).
//! * Perturbed Nyström (Fig. 1(b) negative control): `X_0 = AΩ + N`, `N_ij ~ scale·N(0,1)/√n`.
//! * Spectral (ground truth): `X_0 = U_r Σ_r^{1/2}` (and `Y_0 = V_r Σ_r^{1/2}`).

use crate::error::Result;
use crate::linalg::gaussian;
use crate::problem::{AsymProblem, SymProblem, top_eigen, top_svd};
use nalgebra::DMatrix;
use opt_core::error::ensure_positive;
use opt_core::rng::Rng;

/// How to start a factorisation.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Init {
    /// Gaussian sketch `X_0 = AΩ`, `Ω_ij ~ N(0, ξ²)` (asymmetric: `Y_0 = 0`).
    Nystrom {
        /// Sketch scale ξ > 0.
        xi: f64,
    },
    /// Nyström plus an off-subspace perturbation `N_ij ~ noise·N(0,1)/√rows`.
    PerturbedNystrom {
        /// Sketch scale ξ > 0.
        xi: f64,
        /// Perturbation scale > 0.
        noise: f64,
    },
    /// i.i.d. `N(0, scale²)` entries.
    SmallRandom {
        /// Entry scale > 0.
        scale: f64,
    },
    /// Top-`r` eigen/singular factors (`X_0X_0ᵀ = A_r`): the ground-truth start.
    Spectral,
}

impl Init {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Init::Nystrom { xi } => ensure_positive("xi", xi)?,
            Init::PerturbedNystrom { xi, noise } => {
                ensure_positive("xi", xi)?;
                ensure_positive("noise", noise)?;
            }
            Init::SmallRandom { scale } => ensure_positive("scale", scale)?,
            Init::Spectral => {}
        }
        Ok(())
    }

    /// `X_0` for a symmetric problem.
    pub fn sym(&self, p: &SymProblem, rng: &mut Rng) -> Result<DMatrix<f64>> {
        self.validate()?;
        let (n, r) = (p.n(), p.rank());
        Ok(match *self {
            Init::Nystrom { xi } => nystrom_sketch(p.a(), r, xi, rng),
            Init::PerturbedNystrom { xi, noise } => {
                let x = nystrom_sketch(p.a(), r, xi, rng);
                perturbed(&x, noise, rng)?
            }
            Init::SmallRandom { scale } => gaussian(n, r, scale, rng),
            Init::Spectral => {
                let (u, s) = top_eigen(p.a(), r);
                DMatrix::from_fn(n, r, |i, j| u[(i, j)] * s[j].max(0.0).sqrt())
            }
        })
    }

    /// `(X_0, Y_0)` for an asymmetric problem.
    pub fn asym(&self, p: &AsymProblem, rng: &mut Rng) -> Result<(DMatrix<f64>, DMatrix<f64>)> {
        self.validate()?;
        let ((m, n), r) = (p.shape(), p.rank());
        Ok(match *self {
            Init::Nystrom { xi } => (nystrom_sketch(p.a(), r, xi, rng), DMatrix::zeros(n, r)),
            Init::PerturbedNystrom { xi, noise } => {
                let x = nystrom_sketch(p.a(), r, xi, rng);
                (
                    x + gaussian(m, r, noise / (m as f64).sqrt(), rng),
                    DMatrix::zeros(n, r),
                )
            }
            Init::SmallRandom { scale } => (gaussian(m, r, scale, rng), gaussian(n, r, scale, rng)),
            Init::Spectral => {
                let (u, s, v) = top_svd(p.a(), r);
                (
                    DMatrix::from_fn(m, r, |i, j| u[(i, j)] * s[j].sqrt()),
                    DMatrix::from_fn(n, r, |i, j| v[(i, j)] * s[j].sqrt()),
                )
            }
        })
    }
}

/// The sketch `AΩ`, `Ω ∈ ℝ^{ncols(A) × r}` with `N(0, ξ²)` entries (one GEMM).
pub fn nystrom_sketch(a: &DMatrix<f64>, r: usize, xi: f64, rng: &mut Rng) -> DMatrix<f64> {
    let omega = gaussian(a.ncols(), r, xi, rng);
    let mut x = DMatrix::zeros(a.nrows(), r);
    nystrom_sketch_into(a, &omega, &mut x);
    x
}

/// `out ← AΩ` into a preallocated buffer (the allocation-free Nyström init used in the bench).
pub fn nystrom_sketch_into(a: &DMatrix<f64>, omega: &DMatrix<f64>, out: &mut DMatrix<f64>) {
    out.gemm(1.0, a, omega, 0.0);
}

/// `X_0 + N` with `N_ij ~ noise·N(0,1)/√rows`: the perturbed-Nyström negative control applied to a
/// given start (Fig. 1(b)).
pub fn perturbed(x0: &DMatrix<f64>, noise: f64, rng: &mut Rng) -> Result<DMatrix<f64>> {
    ensure_positive("noise", noise)?;
    opt_core::error::ensure_finite("x0", x0.as_slice())?;
    let (n, r) = x0.shape();
    Ok(x0 + gaussian(n, r, noise / (n as f64).sqrt(), rng))
}

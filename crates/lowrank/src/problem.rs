//! The factorisation problems (arXiv 2410.18965, §2).
//!
//! * Symmetric PSD: `f(X) = ¼‖XXᵀ − A‖_F²`, `X ∈ ℝ^{n×r}`, `∇f(X) = (XXᵀ − A)X`. With the ¼
//!   constant, ScaledGD's quadratic step is `η = ½` (spec, "Loss constant").
//! * Asymmetric: `f(X, Y) = ½‖XYᵀ − A‖_F²`, `∇_X f = (XYᵀ − A)Y`, `∇_Y f = (XYᵀ − A)ᵀX`.
//!
//! Paper symbols: `A` → [`SymProblem::a`], `r` → `rank`, the reference `A_r` (best rank-`r`
//! approximation, the target when under-parameterised) → [`SymProblem::with_best_rank_target`].

use crate::error::{LowrankError, Result};
use nalgebra::{DMatrix, SymmetricEigen};
use opt_core::error::ensure_finite;

/// Relative tolerance of the symmetry check (`max |A − Aᵀ| <= SYM_TOL · max |A_ij|`).
pub const SYM_TOL: f64 = 1e-10;
/// Relative tolerance of the PSD check (`λ_min >= −PSD_TOL · λ_max`).
pub const PSD_TOL: f64 = 1e-10;

fn check_rank(r: usize, max: usize) -> Result<()> {
    if r == 0 || r > max {
        Err(LowrankError::InvalidRank { r, max })
    } else {
        Ok(())
    }
}

/// `min_X ¼‖XXᵀ − A‖_F²` for a symmetric PSD `A` (`n × n`) and rank `r`.
#[derive(Debug, Clone, PartialEq)]
pub struct SymProblem {
    a: DMatrix<f64>,
    rank: usize,
    target: Option<DMatrix<f64>>,
    target_norm: f64,
}

impl SymProblem {
    /// Validates `A` (square, finite, symmetric to [`SYM_TOL`], PSD to [`PSD_TOL`] by a symmetric
    /// eigendecomposition, `O(n³)` once) and `1 <= r <= n`.
    pub fn new(a: DMatrix<f64>, rank: usize) -> Result<Self> {
        let p = Self::new_unchecked_psd(a, rank)?;
        let eig = SymmetricEigen::new(p.a.clone()).eigenvalues;
        let (lo, hi) = eig.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
            (lo.min(v), hi.max(v.abs()))
        });
        if lo < -PSD_TOL * hi.max(f64::MIN_POSITIVE) {
            return Err(LowrankError::NotPsd { min_eig: lo });
        }
        Ok(p)
    }

    /// Like [`SymProblem::new`] but skips the `O(n³)` PSD check (symmetry and finiteness are still
    /// checked). Documented behaviour on an indefinite `A`: ScaledGD from a Nyström start then
    /// fits negative eigen-directions with `XXᵀ ⪰ 0` and does not converge.
    pub fn new_unchecked_psd(a: DMatrix<f64>, rank: usize) -> Result<Self> {
        let (rows, cols) = a.shape();
        if rows != cols || rows == 0 {
            return Err(LowrankError::NotSquare { rows, cols });
        }
        ensure_finite("A", a.as_slice())?;
        check_rank(rank, rows)?;
        let scale = a.amax();
        let mut max_asym = 0.0f64;
        for j in 0..cols {
            for i in 0..j {
                max_asym = max_asym.max((a[(i, j)] - a[(j, i)]).abs());
            }
        }
        if max_asym > SYM_TOL * scale {
            return Err(LowrankError::NotSymmetric {
                max_asym,
                tol: SYM_TOL,
            });
        }
        let target_norm = a.norm();
        Ok(Self {
            a,
            rank,
            target: None,
            target_norm,
        })
    }

    /// Measures errors against the best rank-`r` approximation `A_r` instead of `A` (the
    /// under-parameterised reference, theorem (ii)).
    #[must_use]
    pub fn with_best_rank_target(mut self) -> Self {
        let t = self.best_rank_r(self.rank);
        self.target_norm = t.norm();
        self.target = Some(t);
        self
    }

    /// `A`.
    pub fn a(&self) -> &DMatrix<f64> {
        &self.a
    }
    /// `n`.
    pub fn n(&self) -> usize {
        self.a.nrows()
    }
    /// The factorisation rank `r`.
    pub fn rank(&self) -> usize {
        self.rank
    }
    /// The reference matrix errors are measured against (`A`, or `A_r`).
    pub fn target(&self) -> &DMatrix<f64> {
        self.target.as_ref().unwrap_or(&self.a)
    }
    /// `‖target‖_F`.
    pub fn target_norm(&self) -> f64 {
        self.target_norm
    }

    /// `f(X) = ¼‖XXᵀ − A‖_F²`.
    pub fn loss(&self, x: &DMatrix<f64>) -> Result<f64> {
        self.check_x(x)?;
        Ok(0.25 * (x * x.transpose() - &self.a).norm_squared())
    }

    /// `∇f(X) = (XXᵀ − A)X`, computed as `X(XᵀX) − AX`.
    pub fn grad(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        self.check_x(x)?;
        Ok(x * (x.transpose() * x) - &self.a * x)
    }

    /// `‖XXᵀ − target‖_F / ‖target‖_F`.
    pub fn relative_error(&self, x: &DMatrix<f64>) -> Result<f64> {
        self.check_x(x)?;
        Ok((x * x.transpose() - self.target()).norm() / self.target_norm)
    }

    /// Best rank-`k` approximation `A_k = U_k Σ_k U_kᵀ` (top-`k` eigenpairs).
    pub fn best_rank_r(&self, k: usize) -> DMatrix<f64> {
        let (u, s) = top_eigen(&self.a, k);
        let us = DMatrix::from_fn(u.nrows(), k, |i, j| u[(i, j)] * s[j]);
        us * u.transpose()
    }

    /// Checks an iterate's shape and entries.
    pub fn check_x(&self, x: &DMatrix<f64>) -> Result<()> {
        opt_core::error::ensure_shape("X", (self.n(), self.rank), x.shape())?;
        ensure_finite("X", x.as_slice())?;
        Ok(())
    }
}

/// The top-`k` eigenpairs `(U_k, σ_1..σ_k)` of a symmetric matrix, in decreasing order.
pub fn top_eigen(a: &DMatrix<f64>, k: usize) -> (DMatrix<f64>, Vec<f64>) {
    let eig = SymmetricEigen::new(a.clone());
    let mut idx: Vec<usize> = (0..a.nrows()).collect();
    idx.sort_by(|&i, &j| eig.eigenvalues[j].total_cmp(&eig.eigenvalues[i]));
    let u = DMatrix::from_fn(a.nrows(), k, |i, j| eig.eigenvectors[(i, idx[j])]);
    let s = idx[..k].iter().map(|&i| eig.eigenvalues[i]).collect();
    (u, s)
}

/// The top-`k` singular triplets `(U_k, σ, V_k)` of a matrix, in decreasing order.
pub fn top_svd(a: &DMatrix<f64>, k: usize) -> (DMatrix<f64>, Vec<f64>, DMatrix<f64>) {
    let svd = a.clone().svd(true, true);
    let (u, vt) = (svd.u.expect("requested U"), svd.v_t.expect("requested Vᵀ"));
    let mut idx: Vec<usize> = (0..svd.singular_values.len()).collect();
    idx.sort_by(|&i, &j| svd.singular_values[j].total_cmp(&svd.singular_values[i]));
    let uk = DMatrix::from_fn(a.nrows(), k, |i, j| u[(i, idx[j])]);
    let vk = DMatrix::from_fn(a.ncols(), k, |i, j| vt[(idx[j], i)]);
    let s = idx[..k].iter().map(|&i| svd.singular_values[i]).collect();
    (uk, s, vk)
}

/// `min_{X,Y} ½‖XYᵀ − A‖_F²` for `A` (`m × n`) and rank `r`.
#[derive(Debug, Clone, PartialEq)]
pub struct AsymProblem {
    a: DMatrix<f64>,
    a_t: DMatrix<f64>,
    rank: usize,
    target: Option<DMatrix<f64>>,
    target_norm: f64,
}

impl AsymProblem {
    /// Validates `A` (finite, non-empty) and `1 <= r <= min(m, n)`. Keeps a copy of `Aᵀ` so both
    /// products of an iteration are plain GEMMs.
    pub fn new(a: DMatrix<f64>, rank: usize) -> Result<Self> {
        let (m, n) = a.shape();
        if m == 0 || n == 0 {
            return Err(opt_core::Error::invalid("A", "empty matrix").into());
        }
        ensure_finite("A", a.as_slice())?;
        check_rank(rank, m.min(n))?;
        let target_norm = a.norm();
        Ok(Self {
            a_t: a.transpose(),
            a,
            rank,
            target: None,
            target_norm,
        })
    }

    /// Measures errors against the best rank-`r` approximation `A_r` (theorem (iv)).
    #[must_use]
    pub fn with_best_rank_target(mut self) -> Self {
        let t = self.best_rank_r(self.rank);
        self.target_norm = t.norm();
        self.target = Some(t);
        self
    }

    /// `A`.
    pub fn a(&self) -> &DMatrix<f64> {
        &self.a
    }
    /// `Aᵀ`.
    pub fn a_t(&self) -> &DMatrix<f64> {
        &self.a_t
    }
    /// `(m, n)`.
    pub fn shape(&self) -> (usize, usize) {
        self.a.shape()
    }
    /// The factorisation rank `r`.
    pub fn rank(&self) -> usize {
        self.rank
    }
    /// The reference matrix (`A` or `A_r`).
    pub fn target(&self) -> &DMatrix<f64> {
        self.target.as_ref().unwrap_or(&self.a)
    }
    /// `‖target‖_F`.
    pub fn target_norm(&self) -> f64 {
        self.target_norm
    }

    /// `f(X, Y) = ½‖XYᵀ − A‖_F²`.
    pub fn loss(&self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<f64> {
        self.check_xy(x, y)?;
        Ok(0.5 * (x * y.transpose() - &self.a).norm_squared())
    }

    /// `(∇_X f, ∇_Y f) = ((XYᵀ − A)Y, (XYᵀ − A)ᵀX)`.
    pub fn grad(&self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<(DMatrix<f64>, DMatrix<f64>)> {
        self.check_xy(x, y)?;
        let res = x * y.transpose() - &self.a;
        Ok((&res * y, res.transpose() * x))
    }

    /// `‖XYᵀ − target‖_F / ‖target‖_F`.
    pub fn relative_error(&self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<f64> {
        self.check_xy(x, y)?;
        Ok((x * y.transpose() - self.target()).norm() / self.target_norm)
    }

    /// Best rank-`k` approximation `A_k = U_k Σ_k V_kᵀ`.
    pub fn best_rank_r(&self, k: usize) -> DMatrix<f64> {
        let (u, s, v) = top_svd(&self.a, k);
        let us = DMatrix::from_fn(u.nrows(), k, |i, j| u[(i, j)] * s[j]);
        us * v.transpose()
    }

    /// Checks the factors' shapes and entries.
    pub fn check_xy(&self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<()> {
        let (m, n) = self.shape();
        opt_core::error::ensure_shape("X", (m, self.rank), x.shape())?;
        opt_core::error::ensure_shape("Y", (n, self.rank), y.shape())?;
        ensure_finite("X", x.as_slice())?;
        ensure_finite("Y", y.as_slice())?;
        Ok(())
    }
}

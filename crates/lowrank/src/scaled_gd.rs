//! ScaledGD (Tong, Ma & Chi, JMLR 2021) and ScaledGD(λ) (Xu et al., ICML 2023), as analysed with
//! the Nyström initialisation in arXiv 2410.18965 (theorems (i)–(iv)).
//!
//! Symmetric: `X ← X − η(XXᵀ − A)X(XᵀX)^{-1}`. Asymmetric, simultaneous:
//! `X ← X − η(XYᵀ − A)Y(YᵀY)^{-1}`, `Y ← Y − η(XYᵀ − A)ᵀX(XᵀX)^{-1}`.
//!
//! Numerics (spec, "Read this first"): the Gram inverse is never formed. With the thin QR
//! `Y = QR` and `R = U diag(s) Vᵀ`, `Y(YᵀY)^† = Q U diag(1/s) Vᵀ` and `YᵀY(YᵀY)^† = V 1{s>0} Vᵀ`, so
//!
//! `X ← X − η X V ψ(S) Vᵀ + η (A Q) U φ(S) Vᵀ`
//!
//! with `φ(s) = 1/s, ψ = 1` ([`GramSolve::Qr`], done by a triangular solve `(AQ)R^{-ᵀ}` and
//! `X ← (1−η)X + η(AQ)R^{-ᵀ}`), `φ(s) = 1/s` above `rcond·s_max` and 0 below ([`GramSolve::Pinv`]),
//! or `φ(s) = s/(s²+λ)`, `ψ = s²/(s²+λ)` ([`GramSolve::Damped`]). The product `AQ` (for the
//! asymmetric `Y` update: `AᵀQ_X`) is computed before any solve, as the spec requires.
//! [`GramSolve::Cholesky`] is the normal-equation form `G(XᵀX)^{-1}`, `G = X(XᵀX) − AX`, kept as the
//! documented failure mode (it loses ~κ² accuracy).
//!
//! Paper symbols: η → `eta`, λ → `Damped { lambda }`, the pseudo-inverse threshold → `Pinv { rcond }`
//! (relative to the largest singular value of the factor).

use crate::error::{LowrankError, Result};
use crate::linalg::{
    QrWork, SmallSvd, cholesky_in_place, solve_right_cholesky, solve_right_upper_transpose,
};
use nalgebra::DMatrix;
use opt_core::error::{ensure_non_negative, ensure_positive};

/// Condition estimate above which [`GramSolve::Qr`] reports a singular Gram matrix.
pub const QR_MAX_COND: f64 = 1e13;

/// How the Gram pseudo-inverse in the ScaledGD direction is applied.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum GramSolve {
    /// Thin QR + triangular solve: exact inverse, stable (error `≈ eps·cond`, not `eps·cond²`).
    /// An identically zero factor (e.g. `Y_0 = 0`) contributes a zero pseudo-inverse; a rank-deficient
    /// nonzero factor is an error ([`LowrankError::SingularGram`]).
    Qr,
    /// Rank-revealing pseudo-inverse: singular values of the factor below `rcond · s_max` are dropped
    /// (over-parameterised ranks).
    Pinv {
        /// Relative threshold, > 0 (the spec uses 1e-10).
        rcond: f64,
    },
    /// Damping `(XᵀX + λI)^{-1}` (ScaledGD(λ)).
    Damped {
        /// λ >= 0 (absolute; relative to `σ_1 = 1` in the experiments).
        lambda: f64,
    },
    /// Normal equations with a Cholesky solve of `XᵀX` (documented failure mode at large κ).
    Cholesky,
}

impl GramSolve {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        match *self {
            GramSolve::Pinv { rcond } => ensure_positive("rcond", rcond)?,
            GramSolve::Damped { lambda } => ensure_non_negative("lambda", lambda)?,
            GramSolve::Qr | GramSolve::Cholesky => {}
        }
        Ok(())
    }
}

/// ScaledGD with step `eta` and a Gram solve.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScaledGd {
    /// Step size η > 0 (symmetric: ½ is the quadratic step; asymmetric from `Y_0 = 0`: 1 is the
    /// one-step choice).
    pub eta: f64,
    /// Gram solve.
    pub gram: GramSolve,
}

impl ScaledGd {
    /// Validated ScaledGD.
    pub fn new(eta: f64, gram: GramSolve) -> Result<Self> {
        let s = Self { eta, gram };
        s.validate()?;
        Ok(s)
    }
    /// Checks `η > 0` and the Gram solve.
    pub fn validate(&self) -> Result<()> {
        ensure_positive("eta", self.eta)?;
        self.gram.validate()
    }
}

/// Buffers for one factor's share of the update (`rows × r`).
#[derive(Debug, Clone)]
pub(crate) struct Side {
    pub qr: QrWork,
    pub b: Bufs,
}

/// The non-QR buffers of a [`Side`].
#[derive(Debug, Clone)]
pub(crate) struct Bufs {
    pub svd: SmallSvd,
    pub k: DMatrix<f64>,
    pub p: DMatrix<f64>,
    /// `A·Q` of the *other* factor (or `A·X` for GD/Cholesky).
    pub m: DMatrix<f64>,
    pub next: DMatrix<f64>,
    pub gram: DMatrix<f64>,
}

impl Side {
    pub fn new(rows: usize, r: usize) -> Self {
        Self {
            qr: QrWork::new(rows, r),
            b: Bufs {
                svd: SmallSvd::new(r),
                k: DMatrix::zeros(r, r),
                p: DMatrix::zeros(r, r),
                m: DMatrix::zeros(rows, r),
                next: DMatrix::zeros(rows, r),
                gram: DMatrix::zeros(r, r),
            },
        }
    }
}

/// Condition estimate `max|R_kk| / min|R_kk|` of a triangular factor (`inf` if singular, `NaN` if zero).
fn diag_cond(r: &DMatrix<f64>) -> f64 {
    let (lo, hi) = (0..r.nrows()).fold((f64::INFINITY, 0.0f64), |(lo, hi), k| {
        let d = r[(k, k)].abs();
        (lo.min(d), hi.max(d))
    });
    if hi == 0.0 { f64::NAN } else { hi / lo }
}

/// `next ← own − η own V ψ Vᵀ + η M U φ Vᵀ`, where `M = A Q_other` is in `out.m` and
/// `R_other` the other factor's triangular factor. Returns the other factor's condition estimate.
pub(crate) fn scaled_update(
    mode: GramSolve,
    eta: f64,
    own: &DMatrix<f64>,
    r_other: &DMatrix<f64>,
    out: &mut Bufs,
) -> Result<f64> {
    let svd = &mut out.svd;
    match mode {
        GramSolve::Qr => {
            let cond = diag_cond(r_other);
            if cond.is_nan() {
                // zero factor: its pseudo-inverse is zero, the step leaves `own` unchanged
                out.next.copy_from(own);
                return Ok(f64::INFINITY);
            }
            if cond.is_nan() || cond > QR_MAX_COND {
                return Err(LowrankError::SingularGram { cond });
            }
            solve_right_upper_transpose(&mut out.m, r_other);
            out.next.copy_from(&out.m);
            axpby(&mut out.next, 1.0 - eta, own, eta);
            Ok(cond)
        }
        GramSolve::Pinv { .. } | GramSolve::Damped { .. } => {
            svd.compute(r_other);
            let smax = svd.max();
            match mode {
                GramSolve::Pinv { rcond } => {
                    let cut = rcond * smax;
                    let keep = move |s: f64| s > cut && s > 0.0;
                    svd.spectral_into(|s| if keep(s) { 1.0 / s } else { 0.0 }, false, &mut out.k);
                    svd.spectral_into(|s| if keep(s) { 1.0 } else { 0.0 }, true, &mut out.p);
                }
                GramSolve::Damped { lambda } => {
                    svd.spectral_into(
                        |s| if s > 0.0 { s / (s * s + lambda) } else { 0.0 },
                        false,
                        &mut out.k,
                    );
                    svd.spectral_into(
                        |s| {
                            if s > 0.0 {
                                s * s / (s * s + lambda)
                            } else {
                                0.0
                            }
                        },
                        true,
                        &mut out.p,
                    );
                }
                _ => unreachable!(),
            }
            out.next.gemm(eta, &out.m, &out.k, 0.0);
            out.next.gemm(-eta, own, &out.p, 1.0);
            out.next += own;
            let smin = svd.s.iter().copied().fold(f64::INFINITY, f64::min);
            Ok(if smax == 0.0 {
                f64::INFINITY
            } else {
                smax / smin
            })
        }
        GramSolve::Cholesky => unreachable!("handled by the callers"),
    }
}

/// Normal-equation step `next ← own − η (own·G − M) G^{-1}`, `G = otherᵀother`, `M = A·other` in
/// `out.m`. A zero gradient (e.g. `other = 0`) leaves `own` unchanged.
pub(crate) fn cholesky_update(
    eta: f64,
    own: &DMatrix<f64>,
    other: &DMatrix<f64>,
    out: &mut Bufs,
) -> Result<f64> {
    out.gram.gemm_tr(1.0, other, other, 0.0);
    out.next.gemm(1.0, own, &out.gram, 0.0);
    out.next -= &out.m;
    if out.next.iter().all(|v| *v == 0.0) {
        out.next.copy_from(own);
        return Ok(f64::INFINITY);
    }
    if !cholesky_in_place(&mut out.gram) {
        return Err(LowrankError::SingularGram {
            cond: f64::INFINITY,
        });
    }
    let cond = {
        let (lo, hi) = (0..out.gram.nrows()).fold((f64::INFINITY, 0.0f64), |(lo, hi), k| {
            let d = out.gram[(k, k)];
            (lo.min(d), hi.max(d))
        });
        (hi / lo).powi(2)
    };
    solve_right_cholesky(&mut out.next, &out.gram);
    out.next *= -eta;
    out.next += own;
    Ok(cond)
}

/// `‖a − b‖_F` without allocating (non-finite when `a` has a non-finite entry and `b` is finite).
pub(crate) fn diff_norm(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let (a, b) = (a.as_slice(), b.as_slice());
    let mut acc = [0.0f64; 4];
    let chunks = a.len() / 4;
    for c in 0..chunks {
        for l in 0..4 {
            let d = a[4 * c + l] - b[4 * c + l];
            acc[l] += d * d;
        }
    }
    let tail: f64 = (4 * chunks..a.len())
        .map(|i| (a[i] - b[i]) * (a[i] - b[i]))
        .sum();
    ((acc[0] + acc[1]) + (acc[2] + acc[3]) + tail).sqrt()
}

/// Errors unless every entry is finite.
pub(crate) fn ensure_finite_iter(what: &str, m: &DMatrix<f64>, iter: usize) -> Result<()> {
    if m.as_slice().iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(opt_core::Error::NonFinite {
            what: what.to_string(),
            iter: Some(iter),
        }
        .into())
    }
}

/// `y ← a·x + b·y` for matrices, in place.
pub(crate) fn axpby(y: &mut DMatrix<f64>, a: f64, x: &DMatrix<f64>, b: f64) {
    y.zip_apply(x, |yi, xi| *yi = a * xi + b * *yi);
}

//! The two-point (and one-point) zeroth-order gradient estimator, explicit-direction form.
//!
//! Paper (arXiv 2506.05454, Algorithm 1 / Eq. (2)), with `q` directions averaged:
//!
//! ```text
//! two-sided:  g = (1/q) Σ_j [f(x + λu_j) − f(x − λu_j)] / (2λ) · u_j        (2q evaluations)
//! one-sided:  g = (1/q) Σ_j [f(x + λu_j) − f(x)] / λ · u_j                  (q + 1 evaluations)
//! ```
//!
//! Both are unbiased for `∇f_λ(x)`, `f_λ(x) = E_u f(x + λu)`, when `E[uuᵀ] = I` and `u` is Gaussian
//! (for the sphere and Rademacher laws the smoothing measure changes; the O(λ²) term
//! `λ²/2 · tr ∇²f` is the same). Paper symbols: `λ` → `lambda`, `u` → [`Direction`], `q` → `q`.
//!
//! The perturbed points are `x ± δ` with `δ_i = Q(λ u_i)` and `Q` the [`Arithmetic`] rounding, so the
//! explicit path computes bit for bit what the in-place path ([`crate::inplace`]) computes.

use crate::direction::{Arithmetic, Direction, MAX_DIRECTIONS};
use crate::error::{Result, Side, ZoOptError};
use nalgebra::DVector;
use opt_core::error::{ensure_at_least, ensure_len, ensure_positive};
use opt_core::problem::Objective;

/// Two-sided (antithetic) or one-sided differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Sided {
    /// `[f(x+λu) − f(x−λu)] / (2λ)`.
    Two,
    /// `[f(x+λu) − f(x)] / λ`.
    One,
}

/// The zeroth-order gradient estimator: direction law, number of directions, sidedness.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TwoPointEstimator {
    /// Law of `u`.
    pub direction: Direction,
    /// Number of directions averaged per estimate, `q ≥ 1`.
    pub q: usize,
    /// Two- or one-sided differences.
    pub sided: Sided,
}

/// Buffers of the explicit path (two vectors of length `d`).
#[derive(Debug, Clone)]
pub struct EstimatorWorkspace {
    /// The current direction.
    pub u: DVector<f64>,
    /// The perturbed point.
    pub point: DVector<f64>,
}

impl EstimatorWorkspace {
    /// Buffers for dimension `d`.
    pub fn new(d: usize) -> Self {
        Self {
            u: DVector::zeros(d),
            point: DVector::zeros(d),
        }
    }
}

/// What one estimate cost and saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean of the evaluated function values (an unbiased estimate of `f_λ(x)` for two-sided).
    pub loss: f64,
    /// Mean projected derivative `(1/q) Σ_j c_j`.
    pub projection: f64,
    /// Function evaluations used.
    pub evals: u64,
}

impl TwoPointEstimator {
    /// The paper's estimator: one Gaussian direction, two-sided.
    pub fn gaussian() -> Self {
        Self {
            direction: Direction::Gaussian,
            q: 1,
            sided: Sided::Two,
        }
    }

    /// A validated estimator (`1 ≤ q ≤ 2^20`).
    pub fn new(direction: Direction, q: usize, sided: Sided) -> Result<Self> {
        let e = Self {
            direction,
            q,
            sided,
        };
        e.validate()?;
        Ok(e)
    }

    /// Checks `q`.
    pub fn validate(&self) -> Result<()> {
        ensure_at_least("q", self.q, 1)?;
        if self.q > MAX_DIRECTIONS {
            return Err(ZoOptError::invalid("q", "at most 2^20 directions"));
        }
        Ok(())
    }

    /// Evaluations per estimate: `2q` (two-sided) or `q + 1` (one-sided).
    pub fn evals_per_estimate(&self) -> u64 {
        match self.sided {
            Sided::Two => 2 * self.q as u64,
            Sided::One => self.q as u64 + 1,
        }
    }

    /// Writes the estimate `g` at `x` into `out`, using directions `(seed, t, j)`, `j < q`.
    ///
    /// Errors: λ not positive and finite, length mismatches, and
    /// [`ZoOptError::NonFiniteValue`] when `f` returns NaN/∞ (then `out` is unspecified).
    #[allow(clippy::too_many_arguments)]
    pub fn estimate<P: Objective + ?Sized>(
        &self,
        f: &P,
        x: &DVector<f64>,
        lambda: f64,
        arithmetic: Arithmetic,
        seed: u64,
        t: u64,
        ws: &mut EstimatorWorkspace,
        out: &mut DVector<f64>,
    ) -> Result<Estimate> {
        self.validate()?;
        ensure_positive("lambda", lambda)?;
        let d = f.dim();
        ensure_len("x", d, x.len())?;
        ensure_len("out", d, out.len())?;
        ensure_len("workspace", d, ws.u.len())?;
        ensure_len("workspace", d, ws.point.len())?;
        out.fill(0.0);
        let q = self.q as f64;
        let center = match self.sided {
            Sided::One => {
                let f0 = f.value(x);
                if !f0.is_finite() {
                    return Err(ZoOptError::NonFiniteValue {
                        t,
                        side: Side::Center,
                    });
                }
                Some(f0)
            }
            Sided::Two => None,
        };
        let (mut loss, mut proj) = (center.unwrap_or(0.0), 0.0);
        for j in 0..self.q {
            self.direction.fill(seed, t, j, ws.u.as_mut_slice());
            perturbed(x, &ws.u, lambda, arithmetic, 1.0, &mut ws.point);
            let fp = f.value(&ws.point);
            if !fp.is_finite() {
                return Err(ZoOptError::NonFiniteValue {
                    t,
                    side: Side::Plus,
                });
            }
            let c = match center {
                Some(f0) => {
                    loss += fp;
                    (fp - f0) / lambda
                }
                None => {
                    perturbed(x, &ws.u, lambda, arithmetic, -1.0, &mut ws.point);
                    let fm = f.value(&ws.point);
                    if !fm.is_finite() {
                        return Err(ZoOptError::NonFiniteValue {
                            t,
                            side: Side::Minus,
                        });
                    }
                    loss += fp + fm;
                    (fp - fm) / (2.0 * lambda)
                }
            };
            proj += c;
            let w = c / q;
            for (o, u) in out.iter_mut().zip(ws.u.iter()) {
                *o += w * u;
            }
        }
        let n_vals = self.evals_per_estimate();
        Ok(Estimate {
            loss: loss / n_vals as f64,
            projection: proj / q,
            evals: n_vals,
        })
    }
}

/// `point = x + sign · Q(λu)` (exact on the grid).
fn perturbed(
    x: &DVector<f64>,
    u: &DVector<f64>,
    lambda: f64,
    a: Arithmetic,
    sign: f64,
    point: &mut DVector<f64>,
) {
    for ((p, xi), ui) in point.iter_mut().zip(x.iter()).zip(u.iter()) {
        *p = xi + sign * a.round(lambda * ui);
    }
}

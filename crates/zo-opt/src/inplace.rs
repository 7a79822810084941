//! The MeZO-style in-place step: one parameter vector, directions regenerated from their seeds.
//!
//! MeZO (Malladi et al. 2023, Algorithm 1) perturbs `x ← x + λu`, evaluates, `x ← x − 2λu`,
//! evaluates, `x ← x + λu`, and then updates `x ← x − η c u`, regenerating `u` from its seed each
//! time. In floating point `x + λu − 2λu + λu ≠ x` in general, and the loss of `x`'s low bits is
//! unavoidable whenever `|x_i| ≪ |λu_i|` (the map `x_i ↦ fl(x_i + λu_i)` is not injective), so no
//! restore can be exact without storing something of size `d`.
//!
//! Our choice: run the step on the dyadic grid `2^k ℤ` ([`Arithmetic::Grid`]). The perturbation is
//! `δ_i = Q(λu_i)` and the update is `x_i ← Q(x_i − η g_i)`; sums of grid points below `2^(53+k)`
//! are exact, so perturb / un-perturb is exact and the step equals the explicit-direction step
//! ([`crate::TwoPointEstimator::estimate`] with the same arithmetic) bit for bit. Memory: the
//! parameter vector plus `q` generator states and `q` coefficients, i.e. O(1) for fixed `q`.

use crate::direction::{Arithmetic, DirectionGen};
use crate::error::{Result, Side, ZoOptError};
use crate::estimator::{Estimate, Sided, TwoPointEstimator};
use nalgebra::DVector;
use opt_core::problem::Objective;

/// Reusable O(q) storage of the in-place step.
#[derive(Debug, Clone, Default)]
pub struct InPlaceWorkspace {
    gens: Vec<DirectionGen>,
    coeffs: Vec<f64>,
}

/// Adds `sign · Q(λu)` to `x` for the direction replayed from `g`; checks the exact range when
/// `check` and rolls back (exactly) on overflow.
fn shift(
    x: &mut DVector<f64>,
    g: &DirectionGen,
    lambda: f64,
    a: Arithmetic,
    sign: f64,
    check: bool,
) -> Result<()> {
    let limit = a.exact_limit();
    let mut gen_ = g.clone();
    for i in 0..x.len() {
        let d = a.round(lambda * gen_.next_value());
        let xi = x[i];
        if check && xi.abs() + d.abs() > limit {
            let mut back = g.clone();
            for k in 0..i {
                let dk = a.round(lambda * back.next_value());
                x[k] -= sign * dk;
            }
            return Err(ZoOptError::GridOverflow {
                index: i,
                magnitude: xi.abs() + d.abs(),
                limit,
            });
        }
        x[i] = xi + sign * d;
    }
    Ok(())
}

/// One in-place step `x ← Q(x − η g)`; on a non-finite evaluation `x` is restored exactly and
/// [`ZoOptError::NonFiniteValue`] is returned.
#[allow(clippy::too_many_arguments)]
pub(crate) fn step<P: Objective + ?Sized>(
    f: &P,
    x: &mut DVector<f64>,
    est: &TwoPointEstimator,
    lambda: f64,
    eta: f64,
    a: Arithmetic,
    seed: u64,
    t: u64,
    ws: &mut InPlaceWorkspace,
) -> Result<Estimate> {
    let d = x.len();
    let q = est.q;
    ws.gens.clear();
    ws.coeffs.clear();
    let center = match est.sided {
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
    let mut loss = center.unwrap_or(0.0);
    let mut proj = 0.0;
    for j in 0..q {
        let g = DirectionGen::new(est.direction, seed, t, j, d);
        shift(x, &g, lambda, a, 1.0, true)?;
        let fp = f.value(x);
        let last = j + 1 == q;
        let c = match center {
            Some(f0) => {
                shift(x, &g, lambda, a, -1.0, false)?;
                if !fp.is_finite() {
                    return Err(ZoOptError::NonFiniteValue {
                        t,
                        side: Side::Plus,
                    });
                }
                loss += fp;
                (fp - f0) / lambda
            }
            None => {
                if !fp.is_finite() {
                    shift(x, &g, lambda, a, -1.0, false)?;
                    return Err(ZoOptError::NonFiniteValue {
                        t,
                        side: Side::Plus,
                    });
                }
                shift(x, &g, lambda, a, -2.0, false)?;
                let fm = f.value(x);
                if !fm.is_finite() {
                    shift(x, &g, lambda, a, 1.0, false)?;
                    return Err(ZoOptError::NonFiniteValue {
                        t,
                        side: Side::Minus,
                    });
                }
                if !last {
                    shift(x, &g, lambda, a, 1.0, false)?;
                }
                loss += fp + fm;
                (fp - fm) / (2.0 * lambda)
            }
        };
        proj += c;
        ws.coeffs.push(c / q as f64);
        ws.gens.push(g);
    }
    // Update pass: replay all q directions in lockstep; for two-sided, the last direction's
    // restore `x − δ + δ` is fused here (exact on the grid).
    let fuse = est.sided == Sided::Two;
    for xi in x.iter_mut() {
        let mut acc = 0.0;
        let mut restore = 0.0;
        for (k, (g, w)) in ws.gens.iter_mut().zip(ws.coeffs.iter()).enumerate() {
            let u = g.next_value();
            acc += w * u;
            if fuse && k + 1 == q {
                restore = a.round(lambda * u);
            }
        }
        let base = if fuse { *xi + restore } else { *xi };
        *xi = a.round(base - eta * acc);
    }
    let n_vals = est.evals_per_estimate();
    Ok(Estimate {
        loss: loss / n_vals as f64,
        projection: proj / q as f64,
        evals: n_vals,
    })
}

//! Radial reduction for rotation-invariant V(x) = V(|x|) on R^d (spec B2.1).
//!
//! In polar coordinates μ_ε has radial density r^{d−1} e^{−V(r)/ε}; an angular harmonic of
//! degree ℓ adds εℓ(ℓ+d−2)/r² to −L. On the cell-centred nodes r_i = (i + ½)h of (0, R) the SqRA
//! matrix uses the log-weight lw = −V/ε + (d−1) ln r. The gap is min(2nd eigenvalue of ℓ = 0,
//! 1st eigenvalue of ℓ = 1), and ρ = gap/ε is the Poincaré constant in the paper's convention
//! (arXiv:2501.00429: ρ(μ) Var f ≤ ∫|∇f|² dμ).

use super::tridiag::{sqra_1d, tridiag_eigs_bisection};
use super::{Warnings, check_resolution, estimate_curvature};
use crate::error::{LangevinError, Result, positive};

/// Gap of a rotation-invariant potential with its ingredients.
#[derive(Debug, Clone, PartialEq)]
pub struct GapReport {
    /// Spectral gap of −L_ε: min(`l0_second`, `l1_first`).
    pub gap: f64,
    /// Poincaré constant ρ = gap/ε.
    pub rho: f64,
    /// Second eigenvalue of the ℓ = 0 (radial) block: the normal relaxation rate.
    pub l0_second: f64,
    /// First eigenvalue of the ℓ = 1 block: the angular mode.
    pub l1_first: f64,
    /// The Rayleigh upper bound on ρ from the test function x₁/|x|: (d−1) E_μ[1/|x|²].
    pub rayleigh_bound: f64,
    /// Warnings (box too small, exponentials too large).
    pub warnings: Warnings,
}

/// Gap of V(|x|) on R^d (d ≥ 2) at temperature `eps`, radial box (0, `r_max`), `n` cells.
///
/// Errors: ε ≤ 0, R ≤ 0, N < 3, d < 2, or [`LangevinError::GridTooCoarse`] when the spacing
/// exceeds a quarter of the tube width √(ε/V''(r*)) at the grid minimiser r*.
pub fn radial_gap(
    v: impl Fn(f64) -> f64,
    d: usize,
    eps: f64,
    r_max: f64,
    n: usize,
) -> Result<GapReport> {
    positive("eps", eps)?;
    positive("r_max", r_max)?;
    if d < 2 {
        return Err(LangevinError::invalid(
            "d",
            "the radial reduction needs d >= 2",
        ));
    }
    if n < 3 {
        return Err(LangevinError::invalid(
            "n",
            format!("needs N >= 3 nodes, got {n}"),
        ));
    }
    let h = r_max / n as f64;
    let r: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) * h).collect();
    let vr: Vec<f64> = r.iter().map(|&ri| v(ri)).collect();
    opt_core::error::ensure_finite("V(r)", &vr)?;
    let imin = (0..n).min_by(|a, b| vr[*a].total_cmp(&vr[*b])).unwrap_or(0);
    check_resolution(h, eps, estimate_curvature(&v, r[imin], h))?;
    let dm1 = (d - 1) as f64;
    let lw: Vec<f64> = r
        .iter()
        .zip(&vr)
        .map(|(ri, vi)| -vi / eps + dm1 * ri.ln())
        .collect();
    let mut warnings = Warnings::default();
    warnings.box_edge(vr[n - 1], vr[imin], eps);
    warnings.exponentials(&lw);
    let l0 = tridiag_eigs_bisection(&sqra_1d(&lw, h, eps, &[])?, 2)?[1];
    let extra: Vec<f64> = r.iter().map(|ri| eps * dm1 / (ri * ri)).collect();
    let l1 = tridiag_eigs_bisection(&sqra_1d(&lw, h, eps, &extra)?, 1)?[0];
    let lmax = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut m0, mut m2) = (0.0, 0.0);
    for (l, ri) in lw.iter().zip(&r) {
        let p = (l - lmax).exp();
        m0 += p;
        m2 += p / (ri * ri);
    }
    let gap = l0.min(l1);
    Ok(GapReport {
        gap,
        rho: gap / eps,
        l0_second: l0,
        l1_first: l1,
        rayleigh_bound: dm1 * m2 / m0,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radial_ou_gap_is_a() {
        // V = a r²/2 in R^d: gap = a (the ℓ = 1 mode x₁ is an exact eigenfunction).
        for d in [2, 3] {
            let a = 2.0;
            let eps = 0.1;
            let g = radial_gap(|r| 0.5 * a * r * r, d, eps, 10.0 * (eps / a).sqrt(), 3000).unwrap();
            assert!((g.gap - a).abs() < 1e-3 * a, "d={d}: {}", g.gap);
            assert!((g.l0_second - 2.0 * a).abs() < 2e-3 * a, "{}", g.l0_second);
        }
    }

    #[test]
    fn coarse_grid_is_a_typed_error() {
        let e = radial_gap(|r| (r * r - 1.0).powi(2), 2, 0.01, 1.8, 100).unwrap_err();
        assert!(matches!(e, LangevinError::GridTooCoarse { .. }), "{e}");
        assert!(radial_gap(|r| r * r, 1, 0.1, 1.0, 100).is_err());
        assert!(radial_gap(|r| r * r, 2, 0.0, 1.0, 100).is_err());
        assert!(radial_gap(|r| r * r, 2, 0.1, 1.0, 2).is_err());
    }
}

//! Deterministic spectral gaps of −L_ε = −(εΔ − ∇V·∇) by reversible finite volumes (SqRA), the
//! primary tool of the reproduction (spec B2): 1-D/radial tridiagonal solvers, a 2-D grid
//! operator with deflated inverse iteration (PCG inside), and the axisymmetric 3-D reduction.
//!
//! All solvers accept tabulated log-weights, so potentials without closed forms work too.
//! The gap of −L_ε is ε·ρ(μ_ε) (arXiv:2501.00429's Poincaré constant ρ).

mod axisym;
mod grid2d;
mod radial;
mod tridiag;

pub use axisym::{GridGap, axisym_mode, grid_gap_2d, torus_mode_gap};
pub use grid2d::{
    Eig, Grid2d, GridOperator, InverseIteration, deflated_inverse_iteration_pcg, null_vector, pcg,
    sqra_2d,
};
pub use radial::{GapReport, radial_gap};
pub use tridiag::{Gap1d, SymTridiag, reversible_1d_gap, sqra_1d, tridiag_eigs_bisection};

use crate::error::{LangevinError, Result};

/// Non-fatal diagnostics of a grid solve (the spec's warnings).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Warnings(pub Vec<String>);

impl Warnings {
    /// Records "box too small" when the smallest V on the box edge is below V_min + 30ε.
    pub fn box_edge(&mut self, v_edge_min: f64, v_min: f64, eps: f64) {
        if v_edge_min < v_min + 30.0 * eps {
            self.0.push(format!(
                "box too small: V on the box edge reaches {v_edge_min:.4} < V_min + 30 eps = {:.4}; \
                 the no-flux boundary truncates mass and shifts the gap",
                v_min + 30.0 * eps
            ));
        }
    }
    /// Records large SqRA exponentials: max |lw_j − lw_i|/2 = h|∇V|/(2ε) over edges > 5.
    pub fn exponentials(&mut self, lw: &[f64]) {
        let m = lw
            .windows(2)
            .map(|w| 0.5 * (w[1] - w[0]).abs())
            .fold(0.0, f64::max);
        self.half_jump(m);
    }
    pub(crate) fn half_jump(&mut self, m: f64) {
        if m > 5.0 {
            self.0.push(format!(
                "h|grad V|/(2 eps) reaches {m:.2} > 5: SqRA exponentials are large, refine the grid"
            ));
        }
    }
    /// True when nothing was flagged.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Checks that the spacing `h` resolves the tube of width √(ε/curvature) around the minimisers
/// (h ≤ width/4); `curvature` is the largest normal Hessian eigenvalue on S. A non-positive or
/// non-finite curvature (degenerate minimum) skips the check.
pub fn check_resolution(h: f64, eps: f64, curvature: f64) -> Result<()> {
    if !(curvature.is_finite() && curvature > 0.0) {
        return Ok(());
    }
    let tube_width = (eps / curvature).sqrt();
    let max_h = tube_width / 4.0;
    if h > max_h {
        return Err(LangevinError::GridTooCoarse {
            h,
            eps,
            tube_width,
            max_h,
        });
    }
    Ok(())
}

/// Second difference V''(r) ≈ (V(r+δ) − 2V(r) + V(r−δ))/δ², δ = min(h, 1e−3).
pub(crate) fn estimate_curvature(v: &impl Fn(f64) -> f64, r: f64, h: f64) -> f64 {
    let d = h.min(1e-3);
    (v(r + d) - 2.0 * v(r) + v(r - d)) / (d * d)
}

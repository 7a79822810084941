//! Axisymmetric 3-D reduction (spec B2.3) and the high-level 2-D gap solver.
//!
//! For V(x) = V(ρ, z) with ρ = √(x² + y²), a Fourier mode f = u(ρ, z)e^{ikφ} of −L_ε is the
//! meridian-plane SqRA operator with log-weight ln ρ − V/ε plus εk²/ρ² on the diagonal. For k ≥ 1
//! the operator is SPD (no deflation); k = 0 has kernel √π and needs deflation.

use super::grid2d::{
    Grid2d, GridOperator, InverseIteration, deflated_inverse_iteration_pcg, null_vector, sqra_2d,
};
use super::{Warnings, check_resolution};
use crate::error::{LangevinError, Result, positive, same_len};
use crate::potential::Potential;
use crate::potentials::TorusRev;

/// The k-th Fourier-mode operator on a meridian grid (abscissa ρ > 0, ordinate z) with V tabulated
/// on the grid.
pub fn axisym_mode(k: usize, grid: &Grid2d, v: &[f64], eps: f64) -> Result<GridOperator> {
    positive("eps", eps)?;
    same_len("v", grid.len(), v.len())?;
    if grid.x0 <= 0.0 {
        return Err(LangevinError::invalid(
            "grid",
            "the radial coordinate must be > 0 at every node",
        ));
    }
    let logw: Vec<f64> = (0..grid.len())
        .map(|m| grid.point(m).0.ln() - v[m] / eps)
        .collect();
    let mut op = sqra_2d(grid, &logw, eps)?;
    if k > 0 {
        let kk = (k * k) as f64;
        let extra: Vec<f64> = (0..grid.len())
            .map(|m| eps * kk / grid.point(m).0.powi(2))
            .collect();
        op.add_diag(&extra)?;
    }
    Ok(op)
}

/// A gap from a grid solve with its diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct GridGap {
    /// Eigenvalue of −L_ε (the gap, or the mode's lowest eigenvalue).
    pub gap: f64,
    /// gap / ε.
    pub rho: f64,
    /// Inverse iterations.
    pub iters: usize,
    /// Total CG iterations.
    pub cg_iters: usize,
    /// Grid nodes.
    pub nodes: usize,
    /// Spec warnings (box too small, large exponentials).
    pub warnings: Warnings,
}

fn edge_and_jump_warnings(grid: &Grid2d, v: &[f64], logw: &[f64], eps: f64) -> Warnings {
    let mut w = Warnings::default();
    let vmin = v.iter().copied().fold(f64::INFINITY, f64::min);
    let vedge = grid.boundary().map(|k| v[k]).fold(f64::INFINITY, f64::min);
    w.box_edge(vedge, vmin, eps);
    let mut jump: f64 = 0.0;
    for k in 0..grid.len() {
        if k % grid.nx + 1 < grid.nx {
            jump = jump.max(0.5 * (logw[k + 1] - logw[k]).abs());
        }
        if k + grid.nx < grid.len() {
            jump = jump.max(0.5 * (logw[k + grid.nx] - logw[k]).abs());
        }
    }
    w.half_jump(jump);
    w
}

/// Smallest non-zero eigenvalue of −L_ε for a 2-D potential on `grid`: tabulates V, checks the
/// resolution against the normal `curvature` (largest normal Hessian eigenvalue on S), and runs
/// the deflated inverse iteration from `init(x, y)·√π` (the expected slow mode's shape).
pub fn grid_gap_2d<P: Potential + ?Sized>(
    pot: &P,
    eps: f64,
    grid: &Grid2d,
    curvature: f64,
    init: impl Fn(f64, f64) -> f64,
    settings: InverseIteration,
) -> Result<GridGap> {
    positive("eps", eps)?;
    same_len("potential dimension", 2, pot.dim())?;
    check_resolution(grid.h, eps, curvature)?;
    let v = grid.tabulate(|x, y| pot.value(&[x, y]));
    let logw: Vec<f64> = v.iter().map(|vi| -vi / eps).collect();
    let warnings = edge_and_jump_warnings(grid, &v, &logw, eps);
    let op = sqra_2d(grid, &logw, eps)?;
    let nv = null_vector(&logw);
    let start: Vec<f64> = (0..grid.len())
        .map(|k| {
            let (x, y) = grid.point(k);
            init(x, y) * nv[k]
        })
        .collect();
    let e = deflated_inverse_iteration_pcg(&op, Some(&nv), &start, settings)?;
    Ok(GridGap {
        gap: e.value,
        rho: e.value / eps,
        iters: e.iters,
        cg_iters: e.cg_iters,
        nodes: grid.len(),
        warnings,
    })
}

/// Lowest eigenvalue of the k-th Fourier mode of the torus of revolution (k ≥ 1), or the smallest
/// non-zero one of k = 0, on the cell-centred meridian grid ρ ∈ (0, R + 2r], z ∈ [−2r, 2r] with
/// spacing `h` (spec L5: R = 2, r = 1 gives (0, 4] × [−2, 2]).
pub fn torus_mode_gap(
    torus: &TorusRev,
    k: usize,
    eps: f64,
    h: f64,
    settings: InverseIteration,
) -> Result<GridGap> {
    positive("eps", eps)?;
    check_resolution(h, eps, torus.normal_curvature())?;
    let (big_r, r) = (torus.big_r, torus.small_r);
    let grid = Grid2d::cell_centred(0.0, big_r + 2.0 * r, -2.0 * r, 2.0 * r, h)?;
    let v = grid.tabulate(|rho, z| torus.meridian(rho, z));
    let logw: Vec<f64> = (0..grid.len())
        .map(|m| grid.point(m).0.ln() - v[m] / eps)
        .collect();
    let warnings = edge_and_jump_warnings(&grid, &v, &logw, eps);
    let op = axisym_mode(k, &grid, &v, eps)?;
    let nv = null_vector(&logw);
    // k ≥ 1: the positive ground state, start from √π. k = 0: the grid is symmetric in z, so the
    // z-even and z-odd sectors are solved separately (one inverse iteration would crawl at the
    // ratio of their nearly equal eigenvalues) and the smaller value is returned.
    let shapes: Vec<fn(f64, f64, f64) -> f64> = if k == 0 {
        vec![|rho, _z, big_r| rho - big_r, |_rho, z, _| z]
    } else {
        vec![|_, _, _| 1.0]
    };
    let null = (k == 0).then_some(nv.as_slice());
    let mut best: Option<super::grid2d::Eig> = None;
    let mut cg = 0;
    for shape in shapes {
        let start: Vec<f64> = (0..grid.len())
            .map(|m| {
                let (rho, z) = grid.point(m);
                shape(rho, z, big_r) * nv[m]
            })
            .collect();
        let e = deflated_inverse_iteration_pcg(&op, null, &start, settings)?;
        cg += e.cg_iters;
        if best.as_ref().is_none_or(|b| e.value < b.value) {
            best = Some(e);
        }
    }
    let e = best.ok_or_else(|| LangevinError::invalid("k", "no start vector"))?;
    Ok(GridGap {
        gap: e.value,
        rho: e.value / eps,
        iters: e.iters,
        cg_iters: cg,
        nodes: grid.len(),
        warnings,
    })
}

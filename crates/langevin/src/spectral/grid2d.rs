//! The 2-D SqRA generator on a uniform grid (5-point stencil, no-flux boundary) and the deflated
//! inverse iteration with Jacobi-preconditioned CG for its smallest non-zero eigenvalue
//! (spec B2.2).
//!
//! Symmetrised operator: (A u)_i = diag_i u_i − (ε/h²) Σ_{j ~ i} u_j with
//! diag_i = (ε/h²) Σ_{j ~ i} exp((lw_j − lw_i)/2) (+ extra terms); √π = exp(lw/2) spans its
//! kernel. Inverse iteration solves A y = v with v ⊥ √π by CG whose preconditioned residuals are
//! projected onto √π^⊥, warm-started at v/λ, and returns the Rayleigh quotient vᵀAv/vᵀv.

use crate::error::{LangevinError, Result, positive, same_len};
use opt_core::linalg::dot;

/// A uniform grid: node (i, j) sits at (x0 + i·h, y0 + j·h), flat index j·nx + i.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid2d {
    /// First abscissa.
    pub x0: f64,
    /// First ordinate.
    pub y0: f64,
    /// Spacing h in both directions.
    pub h: f64,
    /// Nodes along x.
    pub nx: usize,
    /// Nodes along y.
    pub ny: usize,
}

impl Grid2d {
    /// Validated constructor (h > 0, nx, ny ≥ 3).
    pub fn new(x0: f64, y0: f64, h: f64, nx: usize, ny: usize) -> Result<Self> {
        positive("h", h)?;
        if nx < 3 || ny < 3 {
            return Err(LangevinError::invalid(
                "nx, ny",
                format!("need >= 3 nodes, got {nx} x {ny}"),
            ));
        }
        if !(x0.is_finite() && y0.is_finite()) {
            return Err(LangevinError::invalid("x0, y0", "must be finite"));
        }
        Ok(Self { x0, y0, h, nx, ny })
    }
    /// Vertex grid x_i = x_lo + i·h covering [x_lo, x_hi] × [y_lo, y_hi] (round(len/h) + 1 nodes).
    pub fn vertex(x_lo: f64, x_hi: f64, y_lo: f64, y_hi: f64, h: f64) -> Result<Self> {
        positive("h", h)?;
        let nx = ((x_hi - x_lo) / h).round() as usize + 1;
        let ny = ((y_hi - y_lo) / h).round() as usize + 1;
        Self::new(x_lo, y_lo, h, nx, ny)
    }
    /// Cell-centred grid x_i = x_lo + (i + ½)h on [x_lo, x_hi] × [y_lo, y_hi] (round(len/h) cells).
    pub fn cell_centred(x_lo: f64, x_hi: f64, y_lo: f64, y_hi: f64, h: f64) -> Result<Self> {
        positive("h", h)?;
        let nx = ((x_hi - x_lo) / h).round() as usize;
        let ny = ((y_hi - y_lo) / h).round() as usize;
        Self::new(x_lo + 0.5 * h, y_lo + 0.5 * h, h, nx, ny)
    }
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nx * self.ny
    }
    /// Always false (a grid has ≥ 9 nodes).
    pub fn is_empty(&self) -> bool {
        false
    }
    /// Coordinates of flat node `k`.
    pub fn point(&self, k: usize) -> (f64, f64) {
        let (i, j) = (k % self.nx, k / self.nx);
        (self.x0 + i as f64 * self.h, self.y0 + j as f64 * self.h)
    }
    /// `f` at every node.
    pub fn tabulate(&self, f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
        (0..self.len())
            .map(|k| {
                let (x, y) = self.point(k);
                f(x, y)
            })
            .collect()
    }
    /// Indices of the boundary nodes.
    pub fn boundary(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|k| {
            let (i, j) = (k % self.nx, k / self.nx);
            i == 0 || j == 0 || i == self.nx - 1 || j == self.ny - 1
        })
    }
}

/// A symmetric 5-point operator A = diag − coupling·(adjacency) on an nx × ny grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridOperator {
    nx: usize,
    ny: usize,
    coupling: f64,
    diag: Vec<f64>,
}

impl GridOperator {
    /// Order n = nx·ny.
    pub fn n(&self) -> usize {
        self.diag.len()
    }
    /// The diagonal.
    pub fn diag(&self) -> &[f64] {
        &self.diag
    }
    /// The off-diagonal coupling ε/h² (entries are −coupling).
    pub fn coupling(&self) -> f64 {
        self.coupling
    }
    /// Adds `extra` to the diagonal (e.g. εk²/ρ² for a Fourier mode).
    pub fn add_diag(&mut self, extra: &[f64]) -> Result<()> {
        same_len("extra", self.n(), extra.len())?;
        self.diag.iter_mut().zip(extra).for_each(|(d, e)| *d += e);
        Ok(())
    }
    /// y = A x (no allocation). Rows are processed as slices so the interior loop has no
    /// branches and vectorises.
    pub fn apply(&self, x: &[f64], y: &mut [f64]) {
        let (nx, ny, c) = (self.nx, self.ny, self.coupling);
        for j in 0..ny {
            let row = j * nx;
            let xr = &x[row..row + nx];
            let dr = &self.diag[row..row + nx];
            let yr = &mut y[row..row + nx];
            // horizontal neighbours
            yr[0] = dr[0] * xr[0] - c * xr[1];
            for i in 1..nx - 1 {
                yr[i] = dr[i] * xr[i] - c * (xr[i - 1] + xr[i + 1]);
            }
            yr[nx - 1] = dr[nx - 1] * xr[nx - 1] - c * xr[nx - 2];
            // vertical neighbours
            if j > 0 {
                let below = &x[row - nx..row];
                yr.iter_mut().zip(below).for_each(|(y, b)| *y -= c * b);
            }
            if j + 1 < ny {
                let above = &x[row + nx..row + 2 * nx];
                yr.iter_mut().zip(above).for_each(|(y, a)| *y -= c * a);
            }
        }
    }
}

/// The symmetrised SqRA operator of log-weights `logw` (lw = −V/ε + extra log-weight) on `grid`.
pub fn sqra_2d(grid: &Grid2d, logw: &[f64], eps: f64) -> Result<GridOperator> {
    positive("eps", eps)?;
    same_len("logw", grid.len(), logw.len())?;
    opt_core::error::ensure_finite("logw", logw)?;
    let (nx, ny) = (grid.nx, grid.ny);
    let c = eps / (grid.h * grid.h);
    let mut diag = vec![0.0; grid.len()];
    for j in 0..ny {
        for i in 0..nx {
            let k = j * nx + i;
            let mut s = 0.0;
            let mut add = |m: usize| s += (0.5 * (logw[m] - logw[k])).exp();
            if i > 0 {
                add(k - 1);
            }
            if i + 1 < nx {
                add(k + 1);
            }
            if j > 0 {
                add(k - nx);
            }
            if j + 1 < ny {
                add(k + nx);
            }
            diag[k] = c * s;
        }
    }
    opt_core::error::ensure_finite("SqRA diagonal (exponentials overflow)", &diag)?;
    Ok(GridOperator {
        nx,
        ny,
        coupling: c,
        diag,
    })
}

/// The unit null vector √π/‖√π‖ of a SqRA operator, from its log-weights.
pub fn null_vector(logw: &[f64]) -> Vec<f64> {
    let m = logw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut v: Vec<f64> = logw.iter().map(|l| (0.5 * (l - m)).exp()).collect();
    let n = v.iter().map(|a| a * a).sum::<f64>().sqrt();
    v.iter_mut().for_each(|a| *a /= n);
    v
}

fn project(v: &mut [f64], null: Option<&[f64]>) {
    if let Some(n) = null {
        let c = dot(v, n);
        v.iter_mut().zip(n).for_each(|(a, b)| *a -= c * b);
    }
}

/// Solves A x = b by Jacobi-preconditioned CG, started from `x`, restricted to null^⊥ when a
/// (unit) null vector is given. Stops when ‖r‖ ≤ tol·‖b‖; returns (iterations, relative residual).
pub fn pcg(
    op: &GridOperator,
    b: &[f64],
    x: &mut [f64],
    null: Option<&[f64]>,
    tol: f64,
    max_iter: usize,
) -> Result<(usize, f64)> {
    positive("tol", tol)?;
    let n = op.n();
    same_len("b", n, b.len())?;
    same_len("x", n, x.len())?;
    let (mut r, mut z, mut p, mut q) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    project(x, null);
    op.apply(x, &mut q);
    r.iter_mut()
        .zip(b)
        .zip(&q)
        .for_each(|((r, b), q)| *r = b - q);
    project(&mut r, null);
    let bnorm = dot(b, b).sqrt().max(f64::MIN_POSITIVE);
    let precond = |r: &[f64], z: &mut [f64]| {
        z.iter_mut()
            .zip(r)
            .zip(op.diag())
            .for_each(|((z, r), d)| *z = r / d);
        project(z, null);
    };
    precond(&r, &mut z);
    p.copy_from_slice(&z);
    let mut rz = dot(&r, &z);
    let mut res = dot(&r, &r).sqrt() / bnorm;
    for it in 0..max_iter {
        if res <= tol {
            return Ok((it, res));
        }
        op.apply(&p, &mut q);
        let alpha = rz / dot(&p, &q);
        x.iter_mut().zip(&p).for_each(|(x, p)| *x += alpha * p);
        r.iter_mut().zip(&q).for_each(|(r, q)| *r -= alpha * q);
        res = dot(&r, &r).sqrt() / bnorm;
        precond(&r, &mut z);
        let rz_new = dot(&r, &z);
        let beta = rz_new / rz;
        rz = rz_new;
        p.iter_mut().zip(&z).for_each(|(p, z)| *p = z + beta * *p);
    }
    if res <= tol {
        Ok((max_iter, res))
    } else {
        Err(LangevinError::NotConverged {
            iters: max_iter,
            residual: res,
        })
    }
}

/// Settings of [`deflated_inverse_iteration_pcg`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InverseIteration {
    /// Relative CG residual (spec: 1e−10).
    pub cg_tol: f64,
    /// Stop when successive Rayleigh quotients differ by ≤ `eig_tol`·λ.
    pub eig_tol: f64,
    /// Most inverse iterations.
    pub max_outer: usize,
    /// Most CG iterations per solve.
    pub max_cg: usize,
}

impl Default for InverseIteration {
    fn default() -> Self {
        Self {
            cg_tol: 1e-10,
            eig_tol: 1e-9,
            max_outer: 50,
            max_cg: 50_000,
        }
    }
}

/// An eigenpair from inverse iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct Eig {
    /// The eigenvalue (Rayleigh quotient).
    pub value: f64,
    /// The unit eigenvector.
    pub vector: Vec<f64>,
    /// Inverse iterations.
    pub iters: usize,
    /// Total CG iterations.
    pub cg_iters: usize,
}

/// Smallest eigenvalue of `op` on null^⊥ (the smallest non-zero one when `null` spans the
/// kernel; the smallest one when `null` is `None` and `op` is SPD), by inverse iteration from
/// `init`.
pub fn deflated_inverse_iteration_pcg(
    op: &GridOperator,
    null: Option<&[f64]>,
    init: &[f64],
    settings: InverseIteration,
) -> Result<Eig> {
    let n = op.n();
    same_len("init", n, init.len())?;
    if let Some(nv) = null {
        same_len("null", n, nv.len())?;
    }
    positive("eig_tol", settings.eig_tol)?;
    let mut v = init.to_vec();
    project(&mut v, null);
    let norm = dot(&v, &v).sqrt();
    if !(norm.is_finite() && norm > 0.0) {
        return Err(LangevinError::invalid(
            "init",
            "must not vanish on null^perp",
        ));
    }
    v.iter_mut().for_each(|a| *a /= norm);
    let mut av = vec![0.0; n];
    op.apply(&v, &mut av);
    let mut lambda = dot(&v, &av);
    let mut y = vec![0.0; n];
    let mut cg_total = 0;
    let mut change = f64::NAN;
    for it in 1..=settings.max_outer {
        y.iter_mut().zip(&v).for_each(|(y, v)| *y = v / lambda);
        let (k, _) = pcg(op, &v, &mut y, null, settings.cg_tol, settings.max_cg)?;
        cg_total += k;
        let ny = dot(&y, &y).sqrt();
        v.iter_mut().zip(&y).for_each(|(v, y)| *v = y / ny);
        project(&mut v, null);
        op.apply(&v, &mut av);
        let new = dot(&v, &av) / dot(&v, &v);
        change = (new - lambda).abs() / new.abs();
        if change <= settings.eig_tol {
            return Ok(Eig {
                value: new,
                vector: v,
                iters: it,
                cg_iters: cg_total,
            });
        }
        lambda = new;
    }
    Err(LangevinError::NotConverged {
        iters: settings.max_outer,
        residual: change,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_is_symmetric_and_annihilates_sqrt_pi() {
        let g = Grid2d::vertex(-1.5, 1.5, -1.0, 1.0, 0.1).unwrap();
        let eps = 0.3;
        let lw = g.tabulate(|x, y| -((x * x + y * y - 1.0f64).powi(2)) / eps);
        let op = sqra_2d(&g, &lw, eps).unwrap();
        let s = null_vector(&lw);
        let mut y = vec![0.0; op.n()];
        op.apply(&s, &mut y);
        let norm_a = op.diag().iter().copied().fold(0.0, f64::max) + 4.0 * op.coupling();
        assert!(y.iter().map(|v| v.abs()).fold(0.0, f64::max) <= 1e-10 * norm_a);
        // symmetry: uᵀ(Av) = vᵀ(Au)
        let u: Vec<f64> = (0..op.n()).map(|k| (k as f64 * 0.37).sin()).collect();
        let v: Vec<f64> = (0..op.n()).map(|k| (k as f64 * 0.11).cos()).collect();
        let (mut au, mut av) = (vec![0.0; op.n()], vec![0.0; op.n()]);
        op.apply(&u, &mut au);
        op.apply(&v, &mut av);
        assert!((dot(&u, &av) - dot(&v, &au)).abs() <= 1e-12 * dot(&u, &av).abs().max(1.0));
    }

    #[test]
    fn inverse_iteration_finds_the_2d_ou_gap() {
        // V = (a x² + b y²)/2: gap = min(a, b) independent of ε.
        let (a, b, eps) = (1.0f64, 3.0f64, 0.2f64);
        let s = (eps / a).sqrt() * 7.0;
        let g = Grid2d::cell_centred(-s, s, -s, s, 2.0 * s / 120.0).unwrap();
        let lw = g.tabulate(|x, y| -(a * x * x + b * y * y) / (2.0 * eps));
        let op = sqra_2d(&g, &lw, eps).unwrap();
        let nv = null_vector(&lw);
        let init: Vec<f64> = (0..g.len())
            .map(|k| g.point(k).0 * nv[k] + 1e-3 * nv[k])
            .collect();
        let e = deflated_inverse_iteration_pcg(&op, Some(&nv), &init, InverseIteration::default())
            .unwrap();
        assert!((e.value - a).abs() < 2e-3, "{}", e.value);
    }

    #[test]
    fn bad_grids_are_rejected() {
        assert!(Grid2d::new(0.0, 0.0, 0.1, 2, 5).is_err());
        assert!(Grid2d::new(0.0, 0.0, -0.1, 5, 5).is_err());
        let g = Grid2d::new(0.0, 0.0, 0.1, 5, 5).unwrap();
        assert!(sqra_2d(&g, &[0.0; 24], 1.0).is_err());
        assert!(sqra_2d(&g, &[0.0; 25], 0.0).is_err());
    }
}

//! Shared pieces of the experiments: test matrices with a prescribed spectrum and trace runners.

use crate::asym::AsymState;
use crate::error::{LowrankError, Result};
use crate::linalg::gaussian;
use crate::problem::{AsymProblem, SymProblem};
use crate::sym::SymState;
use nalgebra::DMatrix;
use opt_core::algorithm::Algorithm;
use opt_core::rng::Rng;

/// `k` points from `a` to `b`, equally spaced on a log scale.
pub fn geomspace(a: f64, b: f64, k: usize) -> Vec<f64> {
    if k == 1 {
        return vec![a];
    }
    (0..k)
        .map(|i| (a.ln() + (b.ln() - a.ln()) * i as f64 / (k - 1) as f64).exp())
        .collect()
}

/// An `n × k` matrix with orthonormal columns (Q of a Gaussian matrix).
pub fn orthonormal(n: usize, k: usize, rng: &mut Rng) -> DMatrix<f64> {
    let g = gaussian(n, k, 1.0, rng);
    let mut w = crate::linalg::QrWork::new(n, k);
    w.factor(&g);
    w.q
}

/// `A = U diag(σ) Uᵀ` with a random orthonormal `U` (`n × len(σ)`), symmetrised exactly.
pub fn psd_with_spectrum(n: usize, sigma: &[f64], rng: &mut Rng) -> (DMatrix<f64>, DMatrix<f64>) {
    let u = orthonormal(n, sigma.len(), rng);
    let us = DMatrix::from_fn(n, sigma.len(), |i, j| u[(i, j)] * sigma[j]);
    let a = &us * u.transpose();
    let a = (&a + a.transpose()) * 0.5;
    (a, u)
}

/// `A = U diag(σ) Vᵀ` (`m × n`) with random orthonormal `U`, `V`.
pub fn rect_with_spectrum(m: usize, n: usize, sigma: &[f64], rng: &mut Rng) -> DMatrix<f64> {
    let u = orthonormal(m, sigma.len(), rng);
    let v = orthonormal(n, sigma.len(), rng);
    let us = DMatrix::from_fn(m, sigma.len(), |i, j| u[(i, j)] * sigma[j]);
    us * v.transpose()
}

/// Runs `iters` steps (stopping once `rel_error < tol`), calling `per_iter(x_t)` on the start and
/// after every step; returns the relative errors `e_0, e_1, ...`.
pub fn sym_trace<A>(
    p: &SymProblem,
    algo: &A,
    x0: DMatrix<f64>,
    iters: usize,
    tol: f64,
    mut per_iter: impl FnMut(&DMatrix<f64>),
) -> Result<Vec<f64>>
where
    A: Algorithm<SymProblem, State = SymState, Error = LowrankError>,
{
    let mut errors = vec![p.relative_error(&x0)?];
    per_iter(&x0);
    let mut st = SymState::new(p, x0)?;
    let mut rng = opt_core::rng::stream(0, "lowrank/unused", 0);
    for _ in 0..iters {
        let info = algo.step(p, &mut st, &mut rng)?;
        let e = info.get("rel_error").unwrap_or(f64::NAN);
        errors.push(e);
        per_iter(&st.x);
        if e < tol {
            break;
        }
    }
    Ok(errors)
}

/// Runs `iters` untracked steps, measuring the relative error every `every` steps (and at the
/// start); returns `(iteration, error)` pairs, stopping once the error is below `tol`.
pub fn sym_trace_sparse<A>(
    p: &SymProblem,
    algo: &A,
    x0: DMatrix<f64>,
    iters: usize,
    every: usize,
    tol: f64,
) -> Result<Vec<(usize, f64)>>
where
    A: Algorithm<SymProblem, State = SymState, Error = LowrankError>,
{
    let mut out = vec![(0, p.relative_error(&x0)?)];
    let mut st = SymState::new(p, x0)?.without_error_tracking();
    let mut rng = opt_core::rng::stream(0, "lowrank/unused", 0);
    for t in 1..=iters {
        algo.step(p, &mut st, &mut rng)?;
        if t % every == 0 {
            let e = p.relative_error(&st.x)?;
            out.push((t, e));
            if e < tol {
                break;
            }
        }
    }
    Ok(out)
}

/// Asymmetric analogue of [`sym_trace`] (`per_iter(x_t, y_t)`).
pub fn asym_trace<A>(
    p: &AsymProblem,
    algo: &A,
    x0: DMatrix<f64>,
    y0: DMatrix<f64>,
    iters: usize,
    tol: f64,
    mut per_iter: impl FnMut(&DMatrix<f64>, &DMatrix<f64>),
) -> Result<Vec<f64>>
where
    A: Algorithm<AsymProblem, State = AsymState, Error = LowrankError>,
{
    let mut errors = vec![p.relative_error(&x0, &y0)?];
    per_iter(&x0, &y0);
    let mut st = AsymState::new(p, x0, y0)?;
    let mut rng = opt_core::rng::stream(0, "lowrank/unused", 0);
    for _ in 0..iters {
        let info = algo.step(p, &mut st, &mut rng)?;
        let e = info.get("rel_error").unwrap_or(f64::NAN);
        errors.push(e);
        per_iter(&st.x, &st.y);
        if e < tol {
            break;
        }
    }
    Ok(errors)
}

/// Asymmetric analogue of [`sym_trace_sparse`].
pub fn asym_trace_sparse<A>(
    p: &AsymProblem,
    algo: &A,
    x0: DMatrix<f64>,
    y0: DMatrix<f64>,
    iters: usize,
    every: usize,
    tol: f64,
) -> Result<Vec<(usize, f64)>>
where
    A: Algorithm<AsymProblem, State = AsymState, Error = LowrankError>,
{
    let mut out = vec![(0, p.relative_error(&x0, &y0)?)];
    let mut st = AsymState::new(p, x0, y0)?.without_error_tracking();
    let mut rng = opt_core::rng::stream(0, "lowrank/unused", 0);
    for t in 1..=iters {
        algo.step(p, &mut st, &mut rng)?;
        if t % every == 0 {
            let e = p.relative_error(&st.x, &st.y)?;
            out.push((t, e));
            if e < tol {
                break;
            }
        }
    }
    Ok(out)
}

/// Floors values for log plots (zeros and NaN become `1e-300`... `floor`).
pub fn for_log(v: &[f64], floor: f64) -> Vec<f64> {
    v.iter()
        .map(|x| if x.is_finite() { x.max(floor) } else { floor })
        .collect()
}

/// Median of a non-empty slice (NaN-free).
pub fn median(v: &[f64]) -> f64 {
    opt_core::stats::median(v).unwrap_or(f64::NAN)
}

/// A series of `(iteration, value)` pairs.
pub fn series_xy(name: &str, pts: &[(usize, f64)], floor: f64) -> opt_core::report::Series {
    opt_core::report::Series::new(
        name,
        pts.iter().map(|p| p.0 as f64).collect(),
        for_log(&pts.iter().map(|p| p.1).collect::<Vec<_>>(), floor),
    )
}

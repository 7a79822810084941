//! Hessian-trace estimators (spec "ALG TRACE-ESTIMATORS").
//!
//! - exact: closed forms on the problems that have them ([`crate::problems`]);
//! - [`hutchinson`]: `(1/K) Σ_k u_kᵀ ∇²f(x) u_k` with Hessian–vector products;
//! - [`antithetic`] (black boxes, recommended): `(1/K) Σ_k [f(x+δu_k) + f(x−δu_k) − 2f(x)] / δ²`,
//!   equal to `u_kᵀ∇²f u_k + O(δ²)`: the symmetric pair cancels the first-order term;
//! - [`expected_sharpness`] (FlatZero's one-sided probe): `(2/δ²) |(1/K) Σ_k f(x+δu_k) − f(x)|`.
//!   Its first-order term `δ uᵀ∇f` does not cancel, so its standard deviation is
//!   `≈ 2‖∇f‖ / (δ √K)` (≈ 2000 ‖∇f‖ at δ = 1e-4, K = 100): provided for comparison only.
//!
//! All directions come from `stream(seed, "zo-opt/trace", k)`.

use crate::direction::{Direction, DirectionGen};
use crate::error::{Result, Side, ZoOptError};
use nalgebra::DVector;
use opt_core::error::{ensure_at_least, ensure_len, ensure_positive};
use opt_core::problem::{HessianVector, Objective};

/// Domain of the trace-probe streams (directions `(seed, k, 0)` under this domain's seed mix).
pub const TRACE_DOMAIN: &str = "zo-opt/trace";

/// A Monte-Carlo trace estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceEstimate {
    /// Sample mean.
    pub mean: f64,
    /// Standard error of the mean (NaN for `K = 1`).
    pub std_error: f64,
    /// Oracle calls used (values or Hessian–vector products).
    pub evals: u64,
}

fn probe(kind: Direction, seed: u64, k: usize, out: &mut DVector<f64>) {
    let mut g = DirectionGen::new(
        kind,
        seed ^ opt_core::rng::domain_hash(TRACE_DOMAIN),
        k as u64,
        0,
        out.len(),
    );
    for v in out.iter_mut() {
        *v = g.next_value();
    }
}

fn summarise(samples: &[f64], evals: u64) -> TraceEstimate {
    let k = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / k;
    let var = samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (k - 1.0);
    TraceEstimate {
        mean,
        std_error: (var / k).sqrt(),
        evals,
    }
}

fn check(d: usize, x: &DVector<f64>, k: usize) -> Result<()> {
    ensure_len("x", d, x.len())?;
    ensure_at_least("K", k, 1)?;
    Ok(())
}

/// Hutchinson's estimator `(1/K) Σ u_kᵀ H u_k` (variance `2‖H‖_F²/K` for Gaussian `u`).
pub fn hutchinson<P: HessianVector + ?Sized>(
    p: &P,
    x: &DVector<f64>,
    k: usize,
    kind: Direction,
    seed: u64,
) -> Result<TraceEstimate> {
    check(p.dim(), x, k)?;
    let mut u = DVector::zeros(x.len());
    let mut hu = DVector::zeros(x.len());
    let samples: Vec<f64> = (0..k)
        .map(|i| {
            probe(kind, seed, i, &mut u);
            p.hessian_vector(x, &u, &mut hu);
            u.dot(&hu)
        })
        .collect();
    Ok(summarise(&samples, k as u64))
}

/// The antithetic second difference `(1/K) Σ [f(x+δu) + f(x−δu) − 2f(x)]/δ²` (2K + 1 values).
pub fn antithetic<P: Objective + ?Sized>(
    p: &P,
    x: &DVector<f64>,
    delta: f64,
    k: usize,
    kind: Direction,
    seed: u64,
) -> Result<TraceEstimate> {
    check(p.dim(), x, k)?;
    ensure_positive("delta", delta)?;
    let f0 = finite(p.value(x), Side::Center)?;
    let mut u = DVector::zeros(x.len());
    let mut pt = DVector::zeros(x.len());
    let mut samples = Vec::with_capacity(k);
    for i in 0..k {
        probe(kind, seed, i, &mut u);
        pt.zip_zip_apply(x, &u, |q, xi, ui| *q = xi + delta * ui);
        let fp = finite(p.value(&pt), Side::Plus)?;
        pt.zip_zip_apply(x, &u, |q, xi, ui| *q = xi - delta * ui);
        let fm = finite(p.value(&pt), Side::Minus)?;
        samples.push((fp + fm - 2.0 * f0) / (delta * delta));
    }
    Ok(summarise(&samples, 2 * k as u64 + 1))
}

/// FlatZero's one-sided expected sharpness `(2/δ²)|(1/K) Σ f(x+δu_k) − f(x)|` (K + 1 values).
pub fn expected_sharpness<P: Objective + ?Sized>(
    p: &P,
    x: &DVector<f64>,
    delta: f64,
    k: usize,
    kind: Direction,
    seed: u64,
) -> Result<TraceEstimate> {
    check(p.dim(), x, k)?;
    ensure_positive("delta", delta)?;
    let f0 = finite(p.value(x), Side::Center)?;
    let mut u = DVector::zeros(x.len());
    let mut pt = DVector::zeros(x.len());
    let mut samples = Vec::with_capacity(k);
    for i in 0..k {
        probe(kind, seed, i, &mut u);
        pt.zip_zip_apply(x, &u, |q, xi, ui| *q = xi + delta * ui);
        samples.push(2.0 * (finite(p.value(&pt), Side::Plus)? - f0) / (delta * delta));
    }
    let mut e = summarise(&samples, k as u64 + 1);
    e.mean = e.mean.abs();
    Ok(e)
}

fn finite(v: f64, side: Side) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ZoOptError::NonFiniteValue { t: 0, side })
    }
}

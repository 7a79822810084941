//! A small hyper-parameter search over a solver's step sizes (MFGLib users rely on its Optuna
//! tuner): every candidate runs a fixed number of iterations from its initial state (in
//! parallel over candidates, deterministic), and the setting with the lowest final exploitability
//! wins (ties: the first). Candidates that fail or end non-finite score `+∞`.

use super::{HasPolicy, run_for};
use crate::error::{MfgCoreError, Result, invalid};
use crate::model::FiniteMfg;
use crate::policy::Policy;
use opt_core::algorithm::Algorithm;
use opt_core::rng::{RngExt, stream};
use rayon::prelude::*;

/// Outcome of [`search`].
#[derive(Debug, Clone)]
pub struct SearchResult<A> {
    /// The best candidate.
    pub best: A,
    /// Its final exploitability.
    pub best_exploitability: f64,
    /// Its final policy.
    pub best_policy: Policy,
    /// Every candidate's final exploitability (`+∞` for failures), in candidate order.
    pub scores: Vec<f64>,
}

/// `n ≥ 2` log-spaced values from `lo` to `hi` (both > 0).
pub fn log_grid(lo: f64, hi: f64, n: usize) -> Result<Vec<f64>> {
    if !(lo > 0.0 && hi >= lo && hi.is_finite()) {
        return Err(invalid("lo/hi", lo, "need 0 < lo <= hi < inf"));
    }
    if n < 2 {
        return Err(invalid("n", n as f64, "must be >= 2"));
    }
    let (a, b) = (lo.ln(), hi.ln());
    Ok((0..n)
        .map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp())
        .collect())
}

/// `n` log-uniform draws in `[lo, hi]` from `stream(seed, "mfg-core/tune", 0)` (random search).
pub fn log_uniform(seed: u64, lo: f64, hi: f64, n: usize) -> Result<Vec<f64>> {
    if !(lo > 0.0 && hi >= lo && hi.is_finite()) {
        return Err(invalid("lo/hi", lo, "need 0 < lo <= hi < inf"));
    }
    let mut rng = stream(seed, "mfg-core/tune", 0);
    let (a, b) = (lo.ln(), hi.ln());
    Ok((0..n)
        .map(|_| (a + (b - a) * rng.random::<f64>()).exp())
        .collect())
}

/// Runs every candidate for `iters` steps from `init(model, candidate)` and returns the best.
pub fn search<M, A, F>(
    model: &M,
    candidates: &[A],
    iters: usize,
    init: F,
) -> Result<SearchResult<A>>
where
    M: FiniteMfg + Sync + ?Sized,
    A: Algorithm<M, Error = MfgCoreError> + Clone + Send + Sync,
    A::State: HasPolicy + Send,
    F: Fn(&M, &A) -> Result<A::State> + Sync,
{
    if candidates.is_empty() {
        return Err(invalid("candidates", 0.0, "need at least one"));
    }
    if iters == 0 {
        return Err(invalid("iters", 0.0, "must be >= 1"));
    }
    let runs: Vec<(f64, Option<Policy>)> = candidates
        .par_iter()
        .map(|c| {
            let Ok(mut st) = init(model, c) else {
                return (f64::INFINITY, None);
            };
            match run_for(model, c, &mut st, iters) {
                Ok(t) => match t.last() {
                    Some(e) if e.is_finite() => (*e, Some(st.policy())),
                    _ => (f64::INFINITY, None),
                },
                Err(_) => (f64::INFINITY, None),
            }
        })
        .collect();
    let mut best = 0;
    for (i, r) in runs.iter().enumerate() {
        if r.0 < runs[best].0 {
            best = i;
        }
    }
    let scores: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let Some(policy) = runs[best].1.clone() else {
        return Err(MfgCoreError::NonFinite {
            what: "exploitability of every candidate",
            h: None,
            index: 0,
        });
    };
    Ok(SearchResult {
        best: candidates[best].clone(),
        best_exploitability: scores[best],
        best_policy: policy,
        scores,
    })
}

//! Equilibrium solvers, each an opt-core [`Algorithm`] (immutable validated config, plain-data
//! state with preallocated workspaces, one `step` per iteration) reporting `"exploitability"`
//! of the new policy (every iteration unless a monitoring period is set) and `"iter"`.
//!
//! | solver | update | source |
//! |---|---|---|
//! | [`OnlineMirrorDescent`] | `ζ ← (1−ητ)ζ + η q^τ(Λ(π), π)`, `π = softmax ζ` | spec A4; AMID F_omd; MFGLib OMD at τ = 0 |
//! | [`FictitiousPlay`] | mean-field-weighted mix of `π` and `BR(Λ(π))` with weight `1/(n+2)` | Perrin et al. 2020 (MFGLib) |
//! | [`FictitiousPlay::damped`] | the same with a constant weight α (α = 1: plain fixed point) | damped fixed-point iteration |
//! | [`PriorDescent`] | `π ∝ q·exp(Q*/η)`, prior `q ← π` every `n_inner` steps | Cui & Koeppl 2021 (MFGLib) |
//! | [`MfOmo`] | projected Adam on the MF-OMO objective in `(L, z, y)` | Guo, Hu, Zhang 2022, arXiv 2206.09608 |

mod fictitious;
mod mf_omo;
mod omd;
mod prior_descent;
pub mod tune;

pub use fictitious::{FictitiousPlay, FictitiousPlayState};
pub use mf_omo::{MfOmo, MfOmoConfig, MfOmoState};
pub use omd::{
    OmdConfig, OmdReport, OmdState, OmdStatus, OnlineMirrorDescent, omd_solve, omd_step,
};
pub use prior_descent::{PriorDescent, PriorDescentState};

use crate::error::{MfgCoreError, Result, invalid};
use crate::model::FiniteMfg;
use crate::policy::Policy;
use opt_core::algorithm::Algorithm;

/// States that hold a current policy.
pub trait HasPolicy {
    /// The current policy.
    fn policy(&self) -> Policy;
}

/// Runs `iters` steps and returns the reported exploitability of every step that reported one
/// (NaN-free: a solver error is returned as the error).
pub fn run_for<M, A>(model: &M, algo: &A, state: &mut A::State, iters: usize) -> Result<Vec<f64>>
where
    M: FiniteMfg + ?Sized,
    A: Algorithm<M, Error = MfgCoreError>,
{
    let mut rng = opt_core::rng::stream(0, "mfg-core/unused", 0);
    let mut trace = Vec::with_capacity(iters);
    for _ in 0..iters {
        let info = algo.step(model, state, &mut rng)?;
        if let Some(e) = info.get("exploitability") {
            trace.push(e);
        }
    }
    Ok(trace)
}

pub(crate) fn check_tau(tau: f64) -> Result<()> {
    if tau.is_finite() && tau >= 0.0 {
        Ok(())
    } else {
        Err(invalid("tau", tau, "must be finite and >= 0"))
    }
}

/// `μ_h(s)` of a flow, `H·|S|` entries.
pub(crate) fn flow_marginals(flow: &[f64], na: usize, out: &mut [f64]) {
    for (o, row) in out.iter_mut().zip(flow.chunks_exact(na)) {
        *o = row.iter().sum();
    }
}

//! Fictitious play and damped fixed-point iteration (Perrin et al. 2020; MFGLib's
//! `FictitiousPlay`, whose constant-α variant is the damped fixed point, α = 1 plain fixed point).
//!
//! With `L = Λ(π)`, the best response `π_br = BR(L)` (greedy ties split uniformly for τ = 0,
//! `softmax(Q*/τ)` for τ > 0), `μ`, `μ_br` the state marginals of `Λ(π)`, `Λ(π_br)` and weight
//! `α_n` (`1/(n+2)` for fictitious play, constant α when damped):
//! `π_{n+1}(a|s) = [(1−α_n) μ_h(s) π_h(a|s) + α_n μ_br,h(s) π_br,h(a|s)] / [(1−α_n) μ_h(s) + α_n μ_br,h(s)]`
//! (uniform where the denominator is 0): the policy of the averaged mean field.

use super::{HasPolicy, check_tau, flow_marginals};
use crate::error::{MfgCoreError, Result, invalid};
use crate::eval::Workspace;
use crate::model::FiniteMfg;
use crate::policy::Policy;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::rng::Rng;

/// Fictitious play (`alpha = None`: weight `1/(n+2)`) or damped fixed point (`Some(α)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FictitiousPlay {
    alpha: Option<f64>,
    tau: f64,
}

impl FictitiousPlay {
    /// Classical fictitious play with entropy weight τ (τ = 0: MFGLib's greedy best responses).
    pub fn new(tau: f64) -> Result<Self> {
        check_tau(tau)?;
        Ok(Self { alpha: None, tau })
    }
    /// Damped fixed-point iteration with constant weight `α ∈ (0, 1]`.
    pub fn damped(alpha: f64, tau: f64) -> Result<Self> {
        check_tau(tau)?;
        if !(alpha > 0.0 && alpha <= 1.0) {
            return Err(invalid("alpha", alpha, "must lie in (0, 1]"));
        }
        Ok(Self {
            alpha: Some(alpha),
            tau,
        })
    }
    /// τ.
    pub fn tau(&self) -> f64 {
        self.tau
    }
}

/// Policy iterate and buffers of [`FictitiousPlay`].
#[derive(Debug, Clone)]
pub struct FictitiousPlayState {
    /// Current policy probabilities.
    pub probs: Vec<f64>,
    /// Steps taken.
    pub iter: usize,
    ws: Workspace,
    br: Vec<f64>,
    mu: Vec<f64>,
    mu_br: Vec<f64>,
}

impl FictitiousPlayState {
    /// Starts from the uniform policy.
    pub fn new<M: FiniteMfg + ?Sized>(model: &M) -> Result<Self> {
        let ws = Workspace::new(model)?;
        let n = ws.horizon * ws.n_states * ws.n_actions;
        Ok(Self {
            probs: vec![1.0 / ws.n_actions as f64; n],
            iter: 0,
            br: vec![0.0; n],
            mu: vec![0.0; ws.horizon * ws.n_states],
            mu_br: vec![0.0; ws.horizon * ws.n_states],
            ws,
        })
    }
}

impl HasPolicy for FictitiousPlayState {
    fn policy(&self) -> Policy {
        Policy {
            horizon: self.ws.horizon,
            n_states: self.ws.n_states,
            n_actions: self.ws.n_actions,
            probs: self.probs.clone(),
        }
    }
}

impl<M: FiniteMfg + ?Sized> Algorithm<M> for FictitiousPlay {
    type State = FictitiousPlayState;
    type Error = MfgCoreError;

    fn step(&self, model: &M, st: &mut FictitiousPlayState, _: &mut Rng) -> Result<StepInfo> {
        let na = st.ws.n_actions;
        st.ws.compute_flow(model, &st.probs)?;
        st.ws.optimal_q(self.tau);
        st.ws.best_response_into(self.tau, &mut st.br);
        flow_marginals(&st.ws.flow, na, &mut st.mu);
        st.ws.compute_flow(model, &st.br)?;
        flow_marginals(&st.ws.flow, na, &mut st.mu_br);
        let alpha = self.alpha.unwrap_or(1.0 / (st.iter as f64 + 2.0));
        for (i, (prow, brow)) in st
            .probs
            .chunks_exact_mut(na)
            .zip(st.br.chunks_exact(na))
            .enumerate()
        {
            let (wa, wb) = ((1.0 - alpha) * st.mu[i], alpha * st.mu_br[i]);
            let den = wa + wb;
            if den > 0.0 && den.is_finite() {
                for (p, b) in prow.iter_mut().zip(brow) {
                    *p = (wa * *p + wb * b) / den;
                }
            } else {
                prow.fill(1.0 / na as f64);
            }
        }
        st.iter += 1;
        let e = st.ws.exploitability(model, &st.probs, self.tau)?;
        Ok(StepInfo::new()
            .with("iter", st.iter as f64)
            .with("alpha", alpha)
            .with("exploitability", e))
    }
}

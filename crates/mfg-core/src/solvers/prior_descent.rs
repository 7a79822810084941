//! Prior descent (Cui & Koeppl 2021; MFGLib's `PriorDescent`; GMF-V when the prior is never
//! updated): `π_{n+1,h}(a|s) ∝ q_h(a|s) · exp(Q*_h(s,a|Λ(π_n))/η)`, with the prior `q ← π` every
//! `n_inner` steps (MFGLib's schedule: when `(n + 2) mod n_inner = 0`). Computed in log space.
//! Symbols: η = `eta` (temperature), `n_inner`, τ = entropy weight of Q* and of the reported
//! exploitability (τ = 0 is MFGLib's).

use super::{HasPolicy, check_tau};
use crate::error::{MfgCoreError, Result, invalid};
use crate::eval::Workspace;
use crate::model::FiniteMfg;
use crate::policy::Policy;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::rng::Rng;

/// Prior descent with temperature η and optional prior refresh period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorDescent {
    eta: f64,
    n_inner: Option<usize>,
    tau: f64,
}

impl PriorDescent {
    /// Validated: η > 0, `n_inner ≥ 1` when given, τ ≥ 0.
    pub fn new(eta: f64, n_inner: Option<usize>, tau: f64) -> Result<Self> {
        if !(eta.is_finite() && eta > 0.0) {
            return Err(invalid("eta", eta, "must be finite and > 0"));
        }
        if n_inner == Some(0) {
            return Err(invalid("n_inner", 0.0, "must be >= 1"));
        }
        check_tau(tau)?;
        Ok(Self { eta, n_inner, tau })
    }
}

/// Policy, log-prior and workspace of [`PriorDescent`].
#[derive(Debug, Clone)]
pub struct PriorDescentState {
    /// Current policy probabilities.
    pub probs: Vec<f64>,
    /// `log q`.
    pub log_prior: Vec<f64>,
    /// Steps taken.
    pub iter: usize,
    ws: Workspace,
}

impl PriorDescentState {
    /// Uniform policy and prior.
    pub fn new<M: FiniteMfg + ?Sized>(model: &M) -> Result<Self> {
        let ws = Workspace::new(model)?;
        let n = ws.horizon * ws.n_states * ws.n_actions;
        let u = 1.0 / ws.n_actions as f64;
        Ok(Self {
            probs: vec![u; n],
            log_prior: vec![u.ln(); n],
            iter: 0,
            ws,
        })
    }
}

impl HasPolicy for PriorDescentState {
    fn policy(&self) -> Policy {
        Policy {
            horizon: self.ws.horizon,
            n_states: self.ws.n_states,
            n_actions: self.ws.n_actions,
            probs: self.probs.clone(),
        }
    }
}

impl<M: FiniteMfg + ?Sized> Algorithm<M> for PriorDescent {
    type State = PriorDescentState;
    type Error = MfgCoreError;

    fn step(&self, model: &M, st: &mut PriorDescentState, _: &mut Rng) -> Result<StepInfo> {
        let na = st.ws.n_actions;
        st.ws.compute_flow(model, &st.probs)?;
        st.ws.optimal_q(self.tau);
        for ((p, lq), q) in st.probs.iter_mut().zip(&st.log_prior).zip(&st.ws.q_star) {
            *p = lq + q / self.eta;
        }
        crate::policy::softmax_rows(&mut st.probs, na);
        if let Some(index) = st.probs.iter().position(|v| !v.is_finite()) {
            return Err(MfgCoreError::NonFinite {
                what: "policy",
                h: Some(st.iter),
                index,
            });
        }
        if self
            .n_inner
            .is_some_and(|k| (st.iter + 2).is_multiple_of(k))
        {
            for (lq, p) in st.log_prior.iter_mut().zip(&st.probs) {
                *lq = p.ln();
            }
        }
        st.iter += 1;
        let e = st.ws.exploitability(model, &st.probs, self.tau)?;
        Ok(StepInfo::new()
            .with("iter", st.iter as f64)
            .with("exploitability", e))
    }
}

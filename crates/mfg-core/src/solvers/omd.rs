//! Entropy-regularised online mirror descent in logit space (spec `mfg-core.md` A4; the AMID
//! paper's equilibrium operator F_omd, arXiv 2510.21442 Sec. 3 / Alg. 1; MFGLib's
//! `OnlineMirrorDescent` is the τ = 0 case `y ← y + αQ`).
//!
//! One step: `F(ζ_t) = q^τ(·|Λ(softmax ζ_t), softmax ζ_t)` (A1 then A2), then
//! `ζ_{t+1} = (1 − ητ)ζ_t + η F(ζ_t)`. Fixed points satisfy `ζ* = q^τ/τ`, i.e.
//! `π* = softmax(q^τ/τ)`: exactly the entropy-regularised MFG-NE. Symbols: η = `eta`,
//! τ = `tau`, ζ = `OmdState::logits`.
//!
//! When a step monitors exploitability, the flow and Q-values of the new policy it computes are
//! reused by the next step, so monitoring every step costs one extra optimal-Q pass.

use super::{HasPolicy, check_tau};
use crate::error::{MfgCoreError, Result, ensure_shape, invalid};
use crate::eval::Workspace;
use crate::model::FiniteMfg;
use crate::policy::{Logits, Policy, softmax_rows};
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::rng::Rng;

/// Online mirror descent with step η and entropy weight τ (validated: η > 0, τ ≥ 0, ητ ≤ 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnlineMirrorDescent {
    eta: f64,
    tau: f64,
    monitor_every: usize,
}

impl OnlineMirrorDescent {
    /// Monitors exploitability every step.
    pub fn new(eta: f64, tau: f64) -> Result<Self> {
        if !(eta.is_finite() && eta > 0.0) {
            return Err(invalid("eta", eta, "must be finite and > 0"));
        }
        check_tau(tau)?;
        if eta * tau > 1.0 {
            return Err(invalid(
                "eta*tau",
                eta * tau,
                "must be <= 1 (the factor 1 − ητ flips sign)",
            ));
        }
        Ok(Self {
            eta,
            tau,
            monitor_every: 1,
        })
    }
    /// Reports exploitability only every `k` steps (`k = 0`: never).
    #[must_use]
    pub fn monitor_every(mut self, k: usize) -> Self {
        self.monitor_every = k;
        self
    }
    /// η.
    pub fn eta(&self) -> f64 {
        self.eta
    }
    /// τ.
    pub fn tau(&self) -> f64 {
        self.tau
    }
}

/// OMD iterate `ζ_t`, its policy, and the workspace.
#[derive(Debug, Clone)]
pub struct OmdState {
    /// ζ, `H·|S|·|A|`.
    pub logits: Vec<f64>,
    /// softmax ζ.
    pub probs: Vec<f64>,
    /// Steps taken.
    pub iter: usize,
    ws: Workspace,
    fresh_tau: Option<f64>,
}

impl OmdState {
    /// ζ_0 = 0 (uniform policy).
    pub fn new<M: FiniteMfg + ?Sized>(model: &M) -> Result<Self> {
        let z = Logits::zeros(model.horizon(), model.n_states(), model.n_actions())?;
        Self::from_logits(model, &z)
    }
    /// Starts from given logits.
    pub fn from_logits<M: FiniteMfg + ?Sized>(model: &M, z: &Logits) -> Result<Self> {
        let ws = Workspace::new(model)?;
        ensure_shape(
            "logits",
            ws.horizon * ws.n_states * ws.n_actions,
            z.values.len(),
        )?;
        crate::error::ensure_finite("logit", None, &z.values)?;
        let mut probs = z.values.clone();
        softmax_rows(&mut probs, ws.n_actions);
        Ok(Self {
            logits: z.values.clone(),
            probs,
            iter: 0,
            ws,
            fresh_tau: None,
        })
    }
    /// The workspace (flow and Q-values of the last evaluation).
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }
    /// ζ as [`Logits`].
    pub fn to_logits(&self) -> Logits {
        Logits {
            horizon: self.ws.horizon,
            n_states: self.ws.n_states,
            n_actions: self.ws.n_actions,
            values: self.logits.clone(),
        }
    }
}

impl HasPolicy for OmdState {
    fn policy(&self) -> Policy {
        Policy {
            horizon: self.ws.horizon,
            n_states: self.ws.n_states,
            n_actions: self.ws.n_actions,
            probs: self.probs.clone(),
        }
    }
}

impl<M: FiniteMfg + ?Sized> Algorithm<M> for OnlineMirrorDescent {
    type State = OmdState;
    type Error = MfgCoreError;

    fn step(&self, model: &M, st: &mut OmdState, _: &mut Rng) -> Result<StepInfo> {
        if st.fresh_tau != Some(self.tau) {
            st.ws.compute_flow(model, &st.probs)?;
            st.ws.evaluate_policy(&st.probs, self.tau);
        }
        let decay = 1.0 - self.eta * self.tau;
        for (z, q) in st.logits.iter_mut().zip(&st.ws.q) {
            *z = decay * *z + self.eta * q;
        }
        if let Some(index) = st.logits.iter().position(|v| !v.is_finite()) {
            return Err(MfgCoreError::NonFinite {
                what: "logit",
                h: Some(st.iter),
                index,
            });
        }
        st.probs.copy_from_slice(&st.logits);
        softmax_rows(&mut st.probs, st.ws.n_actions);
        st.iter += 1;
        st.fresh_tau = None;
        let mut info = StepInfo::new().with("iter", st.iter as f64);
        if self.monitor_every > 0 && st.iter.is_multiple_of(self.monitor_every) {
            let e = st.ws.exploitability(model, &st.probs, self.tau)?;
            st.fresh_tau = Some(self.tau);
            info.push("exploitability", e);
        }
        Ok(info)
    }
}

/// One OMD step from `z` (A4): returns `ζ' = (1 − ητ)ζ + η q^τ(Λ(π), π)`.
pub fn omd_step<M: FiniteMfg + ?Sized>(
    model: &M,
    z: &Logits,
    eta: f64,
    tau: f64,
) -> Result<Logits> {
    let algo = OnlineMirrorDescent::new(eta, tau)?.monitor_every(0);
    let mut st = OmdState::from_logits(model, z)?;
    let mut rng = opt_core::rng::stream(0, "mfg-core/unused", 0);
    algo.step(model, &mut st, &mut rng)?;
    Ok(st.to_logits())
}

/// Configuration of [`omd_solve`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OmdConfig {
    /// Step size η > 0.
    pub eta: f64,
    /// Entropy weight τ ≥ 0 (ητ ≤ 1).
    pub tau: f64,
    /// Number of steps T ≥ 1.
    pub steps: usize,
    /// Exploitability is recorded every this many steps (≥ 1).
    pub monitor_every: usize,
    /// `Converged` when the last monitored exploitability is ≤ `tol` (> 0).
    pub tol: f64,
}

/// Outcome status of [`omd_solve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OmdStatus {
    /// The last monitored exploitability is ≤ tol.
    Converged,
    /// It is not: the returned policy is *not* an equilibrium.
    NotConverged,
    /// An iterate or value became NaN/∞ (the returned policy is the last finite one).
    NonFinite,
}

/// Result of [`omd_solve`].
#[derive(Debug, Clone)]
pub struct OmdReport {
    /// softmax ζ_T.
    pub policy: Policy,
    /// ζ_T.
    pub logits: Logits,
    /// `(t, E^τ(π_t))` at every monitored t.
    pub trace: Vec<(usize, f64)>,
    /// Convergence status (non-convergence is reported, never silent).
    pub status: OmdStatus,
}

/// Runs T OMD steps from ζ_0 = 0 and reports the exploitability trace and a status.
pub fn omd_solve<M: FiniteMfg + ?Sized>(model: &M, cfg: &OmdConfig) -> Result<OmdReport> {
    if cfg.steps == 0 {
        return Err(invalid("steps", 0.0, "must be >= 1"));
    }
    if cfg.monitor_every == 0 {
        return Err(invalid("monitor_every", 0.0, "must be >= 1"));
    }
    if !(cfg.tol.is_finite() && cfg.tol > 0.0) {
        return Err(invalid("tol", cfg.tol, "must be finite and > 0"));
    }
    let algo = OnlineMirrorDescent::new(cfg.eta, cfg.tau)?.monitor_every(cfg.monitor_every);
    let mut st = OmdState::new(model)?;
    let mut rng = opt_core::rng::stream(0, "mfg-core/unused", 0);
    let mut trace = Vec::new();
    let mut status = OmdStatus::NotConverged;
    let mut last_finite = (st.logits.clone(), st.probs.clone());
    for _ in 0..cfg.steps {
        match algo.step(model, &mut st, &mut rng) {
            Ok(info) => {
                if let Some(e) = info.get("exploitability") {
                    trace.push((st.iter, e));
                }
                last_finite.0.copy_from_slice(&st.logits);
                last_finite.1.copy_from_slice(&st.probs);
            }
            Err(MfgCoreError::NonFinite { .. }) => {
                status = OmdStatus::NonFinite;
                st.logits.copy_from_slice(&last_finite.0);
                st.probs.copy_from_slice(&last_finite.1);
                break;
            }
            Err(e) => return Err(e),
        }
    }
    if status != OmdStatus::NonFinite && trace.last().is_some_and(|(_, e)| *e <= cfg.tol) {
        status = OmdStatus::Converged;
    }
    Ok(OmdReport {
        policy: st.policy(),
        logits: st.to_logits(),
        trace,
        status,
    })
}

//! Population flow Λ(π), regularised Q-functions, best responses and exploitability.
//!
//! Spec `mfg-core.md` A1–A3 (AMID paper arXiv 2510.21442, Sec. 2 and App. D):
//! - A1 flow: `L_0(s,a) = μ0(s)π_0(a|s)`, `L_{h+1}(s',a') = [Σ_{s,a} L_h(s,a)P_h(s'|s,a,L_h)]·π_{h+1}(a'|s')`;
//! - A2 policy evaluation: `q_h = R_h(·,·,L_h) + P_h V_{h+1}`,
//!   `V_h(s) = Σ_a π_h(a|s)[q_h(s,a) − τ log π_h(a|s)]`, `V_H = 0`;
//! - A3 optimal (soft) values: `Q*_h = R_h + P_h V*_{h+1}`, `V*_h = τ log Σ_a exp(Q*_h/τ)` (τ > 0)
//!   or `max_a Q*_h` (τ = 0); exploitability `E^τ(π) = Σ_s μ0(s)[V*_0(s) − V_0(s)]` with the
//!   model's own μ0 (OpenSpiel #675).
//!
//! [`Workspace`] preallocates every buffer, caches density-independent kernels, and performs no
//! allocation per call; the free functions are convenient one-shot wrappers.

use crate::error::{Result, ensure_finite, ensure_shape, invalid};
use crate::kernel::Kernel;
use crate::model::{FiniteMfg, validate};
use crate::policy::{Policy, validate_probs};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KernelMode {
    /// One kernel for every step (density-independent and time-homogeneous).
    Stationary,
    /// One kernel per step, computed once (density-independent).
    PerStep,
    /// Recomputed at the current flow.
    PopulationDependent,
}

/// Preallocated buffers for flows, Q-values and exploitability of one model.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// `|S|`.
    pub n_states: usize,
    /// `|A|`.
    pub n_actions: usize,
    /// `H`.
    pub horizon: usize,
    mu0: Vec<f64>,
    mode: KernelMode,
    kernels: Vec<Kernel>,
    /// Flow `L[(h·|S| + s)·|A| + a]` of the last [`Workspace::compute_flow`].
    pub flow: Vec<f64>,
    /// Rewards `R_h(s,a,L_h)` at that flow.
    pub reward: Vec<f64>,
    /// Policy Q-values `q^τ_h(s,a)` of the last [`Workspace::evaluate_policy`].
    pub q: Vec<f64>,
    /// Policy values `V_h(s)`, `(H+1)·|S|` entries (`V_H = 0`).
    pub v: Vec<f64>,
    /// Optimal Q-values `Q*_h(s,a)` of the last [`Workspace::optimal_q`].
    pub q_star: Vec<f64>,
    /// Optimal values `V*_h(s)`, `(H+1)·|S|` entries.
    pub v_star: Vec<f64>,
    m: Vec<f64>,
}

impl Workspace {
    /// Validates `model` (sizes, μ0, kernel rows and rewards at the uniform state–action
    /// distribution) and allocates; density-independent kernels are evaluated here once.
    pub fn new<M: FiniteMfg + ?Sized>(model: &M) -> Result<Self> {
        let (ns, na, hz) = (model.n_states(), model.n_actions(), model.horizon());
        let probe = vec![1.0 / (ns.max(1) * na.max(1)) as f64; ns * na];
        validate(model, &probe)?;
        let mode = match (model.density_independent(), model.time_homogeneous()) {
            (true, true) => KernelMode::Stationary,
            (true, false) => KernelMode::PerStep,
            _ => KernelMode::PopulationDependent,
        };
        let n_kernels = if mode == KernelMode::Stationary {
            1
        } else {
            hz
        };
        let mut kernels: Vec<Kernel> = (0..n_kernels).map(|_| model.new_kernel()).collect();
        if mode != KernelMode::PopulationDependent {
            for (h, k) in kernels.iter_mut().enumerate() {
                model.transition(h, &probe, k);
            }
        }
        let n = hz * ns * na;
        Ok(Self {
            n_states: ns,
            n_actions: na,
            horizon: hz,
            mu0: model.initial_distribution().to_vec(),
            mode,
            kernels,
            flow: vec![0.0; n],
            reward: vec![0.0; n],
            q: vec![0.0; n],
            v: vec![0.0; (hz + 1) * ns],
            q_star: vec![0.0; n],
            v_star: vec![0.0; (hz + 1) * ns],
            m: vec![0.0; ns],
        })
    }

    /// The kernel `P_h` in use (at the last computed flow for population-dependent models).
    pub fn kernel(&self, h: usize) -> &Kernel {
        match self.mode {
            KernelMode::Stationary => &self.kernels[0],
            _ => &self.kernels[h],
        }
    }

    /// μ0.
    pub fn mu0(&self) -> &[f64] {
        &self.mu0
    }

    fn sa(&self) -> usize {
        self.n_states * self.n_actions
    }

    /// The flow's step `h`, `L_h`.
    pub fn flow_at(&self, h: usize) -> &[f64] {
        let n = self.sa();
        &self.flow[h * n..(h + 1) * n]
    }

    /// A1: computes `Λ(π)` into [`Workspace::flow`], the kernels `P_h(L_h)` (h < H−1) and the
    /// rewards `R_h(L_h)`. `pi` is `H·|S|·|A|` probabilities (not re-validated here).
    pub fn compute_flow<M: FiniteMfg + ?Sized>(&mut self, model: &M, pi: &[f64]) -> Result<()> {
        let (ns, na, hz, n) = (self.n_states, self.n_actions, self.horizon, self.sa());
        ensure_shape("policy", hz * n, pi.len())?;
        for s in 0..ns {
            for a in 0..na {
                self.flow[s * na + a] = self.mu0[s] * pi[s * na + a];
            }
        }
        for h in 0..hz {
            let (done, rest) = self.flow.split_at_mut((h + 1) * n);
            let l = &done[h * n..];
            model.reward(h, l, &mut self.reward[h * n..(h + 1) * n]);
            ensure_finite("reward", Some(h), &self.reward[h * n..(h + 1) * n])?;
            if h + 1 == hz {
                break;
            }
            let k = match self.mode {
                KernelMode::Stationary => &self.kernels[0],
                KernelMode::PerStep => &self.kernels[h],
                KernelMode::PopulationDependent => {
                    model.transition(h, l, &mut self.kernels[h]);
                    &self.kernels[h]
                }
            };
            k.push_forward(l, &mut self.m);
            let next = &mut rest[..n];
            let pi_next = &pi[(h + 1) * n..(h + 2) * n];
            for s in 0..ns {
                let ms = self.m[s];
                for a in 0..na {
                    next[s * na + a] = ms * pi_next[s * na + a];
                }
            }
        }
        Ok(())
    }

    /// A2: policy Q-values `q^τ` and values `V` of `pi` at the current flow (call
    /// [`Workspace::compute_flow`] first). Uses `0·log 0 = 0`.
    pub fn evaluate_policy(&mut self, pi: &[f64], tau: f64) {
        let (ns, na, hz, n) = (self.n_states, self.n_actions, self.horizon, self.sa());
        self.v[hz * ns..].fill(0.0);
        for h in (0..hz).rev() {
            let q = &mut self.q[h * n..(h + 1) * n];
            q.copy_from_slice(&self.reward[h * n..(h + 1) * n]);
            if h + 1 < hz {
                let k = match self.mode {
                    KernelMode::Stationary => &self.kernels[0],
                    _ => &self.kernels[h],
                };
                k.expect_add(&self.v[(h + 1) * ns..(h + 2) * ns], q);
            }
            let p = &pi[h * n..(h + 1) * n];
            for s in 0..ns {
                self.v[h * ns + s] =
                    policy_value_row(&p[s * na..(s + 1) * na], &q[s * na..(s + 1) * na], tau);
            }
        }
    }

    /// A3: optimal (soft, τ > 0; hard, τ = 0) Q-values `Q*` and values `V*` at the current flow.
    pub fn optimal_q(&mut self, tau: f64) {
        let (ns, na, hz, n) = (self.n_states, self.n_actions, self.horizon, self.sa());
        self.v_star[hz * ns..].fill(0.0);
        for h in (0..hz).rev() {
            let q = &mut self.q_star[h * n..(h + 1) * n];
            q.copy_from_slice(&self.reward[h * n..(h + 1) * n]);
            if h + 1 < hz {
                let k = match self.mode {
                    KernelMode::Stationary => &self.kernels[0],
                    _ => &self.kernels[h],
                };
                k.expect_add(&self.v_star[(h + 1) * ns..(h + 2) * ns], q);
            }
            for s in 0..ns {
                self.v_star[h * ns + s] = soft_max_row(&q[s * na..(s + 1) * na], tau);
            }
        }
    }

    /// [`Workspace::evaluate_policy`] and [`Workspace::optimal_q`] fused into one backward sweep
    /// (one pass over each kernel for both recursions; same results).
    pub fn evaluate_both(&mut self, pi: &[f64], tau: f64) {
        let (ns, na, hz, n) = (self.n_states, self.n_actions, self.horizon, self.sa());
        self.v[hz * ns..].fill(0.0);
        self.v_star[hz * ns..].fill(0.0);
        for h in (0..hz).rev() {
            let q = &mut self.q[h * n..(h + 1) * n];
            let qs = &mut self.q_star[h * n..(h + 1) * n];
            q.copy_from_slice(&self.reward[h * n..(h + 1) * n]);
            qs.copy_from_slice(&self.reward[h * n..(h + 1) * n]);
            if h + 1 < hz {
                let k = match self.mode {
                    KernelMode::Stationary => &self.kernels[0],
                    _ => &self.kernels[h],
                };
                k.expect_add2(
                    &self.v[(h + 1) * ns..(h + 2) * ns],
                    &self.v_star[(h + 1) * ns..(h + 2) * ns],
                    q,
                    qs,
                );
            }
            let p = &pi[h * n..(h + 1) * n];
            for s in 0..ns {
                self.v[h * ns + s] =
                    policy_value_row(&p[s * na..(s + 1) * na], &q[s * na..(s + 1) * na], tau);
                self.v_star[h * ns + s] = soft_max_row(&qs[s * na..(s + 1) * na], tau);
            }
        }
    }

    /// `Σ_s μ0(s) V_0(s)` of the last policy evaluation.
    pub fn policy_value(&self) -> f64 {
        self.mu0.iter().zip(&self.v).map(|(m, v)| m * v).sum()
    }

    /// `Σ_s μ0(s)[V*_0(s) − V_0(s)]` from the last [`Workspace::evaluate_policy`] and
    /// [`Workspace::optimal_q`] (both at the same flow).
    pub fn exploitability_value(&self) -> f64 {
        self.mu0
            .iter()
            .zip(self.v_star.iter().zip(&self.v))
            .map(|(m, (vs, v))| m * (vs - v))
            .sum()
    }

    /// Flow, policy evaluation and optimal values of `pi`: returns `E^τ(π)`.
    pub fn exploitability<M: FiniteMfg + ?Sized>(
        &mut self,
        model: &M,
        pi: &[f64],
        tau: f64,
    ) -> Result<f64> {
        self.compute_flow(model, pi)?;
        self.evaluate_both(pi, tau);
        let e = self.exploitability_value();
        if !e.is_finite() {
            return Err(crate::error::MfgCoreError::NonFinite {
                what: "exploitability",
                h: None,
                index: 0,
            });
        }
        Ok(e)
    }

    /// The best response to the current flow (after [`Workspace::optimal_q`]):
    /// `softmax(Q*_h/τ)` for τ > 0, else the uniform mixture over exact maximisers (MFGLib's
    /// greedy policy). Writes `H·|S|·|A|` probabilities into `out`.
    pub fn best_response_into(&self, tau: f64, out: &mut [f64]) {
        let na = self.n_actions;
        for (row, qrow) in out.chunks_exact_mut(na).zip(self.q_star.chunks_exact(na)) {
            let mx = qrow.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if tau > 0.0 {
                let mut z = 0.0;
                for (o, q) in row.iter_mut().zip(qrow) {
                    *o = ((q - mx) / tau).exp();
                    z += *o;
                }
                row.iter_mut().for_each(|o| *o /= z);
            } else {
                let cnt = qrow.iter().filter(|q| **q == mx).count() as f64;
                for (o, q) in row.iter_mut().zip(qrow) {
                    *o = if *q == mx { 1.0 / cnt } else { 0.0 };
                }
            }
        }
    }
}

/// `Σ_a π(a)[q(a) − τ log π(a)]` with `0·log 0 = 0`.
fn policy_value_row(p: &[f64], q: &[f64], tau: f64) -> f64 {
    let mut acc = 0.0;
    if tau > 0.0 {
        for (pa, qa) in p.iter().zip(q) {
            if *pa > 0.0 {
                acc += pa * (qa - tau * pa.ln());
            }
        }
    } else {
        for (pa, qa) in p.iter().zip(q) {
            if *pa > 0.0 {
                acc += pa * qa;
            }
        }
    }
    acc
}

/// `τ log Σ_a exp(q(a)/τ)` (max-shifted) for τ > 0, `max_a q(a)` for τ = 0.
fn soft_max_row(q: &[f64], tau: f64) -> f64 {
    let mx = q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if tau > 0.0 {
        mx + tau * q.iter().map(|x| ((x - mx) / tau).exp()).sum::<f64>().ln()
    } else {
        mx
    }
}

fn check_tau(tau: f64) -> Result<()> {
    if tau.is_finite() && tau >= 0.0 {
        Ok(())
    } else {
        Err(invalid("tau", tau, "must be finite and >= 0"))
    }
}

fn checked_policy<M: FiniteMfg + ?Sized>(model: &M, pi: &Policy) -> Result<()> {
    ensure_shape("policy horizon", model.horizon(), pi.horizon)?;
    ensure_shape("policy states", model.n_states(), pi.n_states)?;
    ensure_shape("policy actions", model.n_actions(), pi.n_actions)?;
    validate_probs(&pi.probs, pi.horizon, pi.n_states, pi.n_actions)
}

/// Λ(π): the population flow, `H·|S|·|A|` entries.
pub fn population_flow<M: FiniteMfg + ?Sized>(model: &M, pi: &Policy) -> Result<Vec<f64>> {
    checked_policy(model, pi)?;
    let mut ws = Workspace::new(model)?;
    ws.compute_flow(model, &pi.probs)?;
    Ok(ws.flow)
}

/// Q-values and values of `pi` against the flow `Λ(π)`: `(q^τ, V)` (A2).
pub fn q_values<M: FiniteMfg + ?Sized>(
    model: &M,
    pi: &Policy,
    tau: f64,
) -> Result<(Vec<f64>, Vec<f64>)> {
    check_tau(tau)?;
    checked_policy(model, pi)?;
    let mut ws = Workspace::new(model)?;
    ws.compute_flow(model, &pi.probs)?;
    ws.evaluate_policy(&pi.probs, tau);
    Ok((ws.q, ws.v))
}

/// The (soft) best response to `Λ(π)` and its value `Σ μ0 V*_0` (A3).
pub fn best_response<M: FiniteMfg + ?Sized>(
    model: &M,
    pi: &Policy,
    tau: f64,
) -> Result<(Policy, f64)> {
    check_tau(tau)?;
    checked_policy(model, pi)?;
    let mut ws = Workspace::new(model)?;
    ws.compute_flow(model, &pi.probs)?;
    ws.optimal_q(tau);
    let mut out = vec![0.0; pi.probs.len()];
    ws.best_response_into(tau, &mut out);
    let value = ws.mu0.iter().zip(&ws.v_star).map(|(m, v)| m * v).sum();
    Ok((
        Policy {
            probs: out,
            ..pi.clone()
        },
        value,
    ))
}

/// `E^τ(π) = max_π' V^τ(Λ(π), π') − V^τ(Λ(π), π)` with the model's μ0 (A3).
pub fn exploitability<M: FiniteMfg + ?Sized>(model: &M, pi: &Policy, tau: f64) -> Result<f64> {
    check_tau(tau)?;
    checked_policy(model, pi)?;
    let mut ws = Workspace::new(model)?;
    ws.exploitability(model, &pi.probs, tau)
}

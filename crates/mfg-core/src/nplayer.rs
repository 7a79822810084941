//! The N-player game of a mean-field model and the finite-N evaluation of MF policies
//! (spec `mfg-core.md` A5; AMID paper arXiv 2510.21442, Theorem 1; OpenSpiel #629).
//!
//! N agents start i.i.d. from μ0; at each step every agent draws `a_i ~ π_h(·|s_i)`, the
//! empirical state–action distribution `σ_h = L̂_h` is formed, agent `i` earns
//! `R_h(s_i, a_i, σ_h)` and moves to `s_i' ~ P_h(·|s_i, a_i, σ_h)` independently
//! ([`FiniteNDynamics`]'s default; coupled mechanisms such as batched auctions override it).
//!
//! Randomness: agent `i` of episode `e` owns `stream(seed, "mfg-core/nplayer", e·2³² + i)`, so an
//! episode's outcome depends only on `(seed, e)`. Episodes run in parallel (rayon, order
//! preserving): results are bit-identical for any thread count.

use crate::error::{MfgCoreError, Result, ensure_shape, invalid};
use crate::kernel::Kernel;
use crate::model::{FiniteMfg, validate};
use crate::policy::{Policy, validate_probs};
use opt_core::rng::{Rng, RngExt, stream};
use rayon::prelude::*;

/// Buffers of one N-player step (kernel and rewards at σ).
#[derive(Debug, Clone)]
pub struct StepScratch {
    /// `P_h(σ)`.
    pub kernel: Kernel,
    /// `R_h(·,·,σ)`.
    pub reward: Vec<f64>,
    cached_h: Option<usize>,
}

/// Finite-N mechanics of a model. The default is the independent symmetric sampling of A5;
/// implement the trait with an empty body to use it.
pub trait FiniteNDynamics: FiniteMfg {
    /// Pays `rewards[i] = R_h(s_i, a_i, σ)` and draws `next[i] ~ P_h(·|s_i, a_i, σ)` with agent
    /// `i`'s stream `rngs[i]`.
    #[allow(clippy::too_many_arguments)]
    fn step_agents(
        &self,
        h: usize,
        states: &[usize],
        actions: &[usize],
        sigma: &[f64],
        rngs: &mut [Rng],
        scratch: &mut StepScratch,
        rewards: &mut [f64],
        next: &mut [usize],
    ) {
        let na = self.n_actions();
        let reuse = self.density_independent()
            && match scratch.cached_h {
                Some(c) => self.time_homogeneous() || c == h,
                None => false,
            };
        if !reuse {
            self.transition(h, sigma, &mut scratch.kernel);
            scratch.cached_h = Some(h);
        }
        self.reward(h, sigma, &mut scratch.reward);
        for i in 0..states.len() {
            let r = states[i] * na + actions[i];
            rewards[i] = scratch.reward[r];
            let u: f64 = rngs[i].random();
            next[i] = sample_row(&scratch.kernel, r, u);
        }
    }
}

/// Inverse-CDF draw from kernel row `r` with uniform `u`.
pub fn sample_row(k: &Kernel, r: usize, u: f64) -> usize {
    match k {
        Kernel::Dense { n_next, p } => sample_probs(&p[r * n_next..(r + 1) * n_next], u),
        Kernel::Sparse(sk) => {
            let (cols, vals) = sk.row(r);
            let mut acc = 0.0;
            for (c, v) in cols.iter().zip(vals) {
                acc += v;
                if u < acc {
                    return *c as usize;
                }
            }
            // rounding: the last positive entry
            cols.iter()
                .zip(vals)
                .rev()
                .find(|(_, v)| **v > 0.0)
                .map(|(c, _)| *c as usize)
                .unwrap_or(0)
        }
    }
}

/// Inverse-CDF draw from a probability vector.
pub fn sample_probs(p: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, v) in p.iter().enumerate() {
        acc += v;
        if u < acc {
            return i;
        }
    }
    p.iter().rposition(|v| *v > 0.0).unwrap_or(0)
}

/// One episode's empirical flow and returns.
#[derive(Debug, Clone, PartialEq)]
pub struct EmpiricalFlow {
    /// `L̂_h(s,a) = σ_h(s,a)`, `H·|S|·|A|` entries.
    pub flow: Vec<f64>,
    /// Each agent's total reward.
    pub returns: Vec<f64>,
}

/// Mean and standard error of a statistic over episodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The per-episode values.
    pub values: Vec<f64>,
    /// Their mean.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_err: f64,
}

impl Estimate {
    /// `mean |value − reference|` (e.g. the mean absolute error against the MF value).
    pub fn mean_abs_err_vs(&self, reference: f64) -> f64 {
        self.values
            .iter()
            .map(|v| (v - reference).abs())
            .sum::<f64>()
            / self.values.len() as f64
    }
}

/// The N-player simulator of a model.
#[derive(Debug, Clone)]
pub struct NPlayerSim<'a, M: ?Sized> {
    model: &'a M,
    n_agents: usize,
    seed: u64,
}

impl<'a, M: FiniteNDynamics + Sync + ?Sized> NPlayerSim<'a, M> {
    /// Validates the model and `N ≥ 1`.
    pub fn new(model: &'a M, n_agents: usize, seed: u64) -> Result<Self> {
        if n_agents == 0 {
            return Err(invalid("n_agents", 0.0, "must be >= 1"));
        }
        let nsa = model.n_states() * model.n_actions();
        validate(model, &vec![1.0 / nsa.max(1) as f64; nsa])?;
        Ok(Self {
            model,
            n_agents,
            seed,
        })
    }

    fn check_policy(&self, pi: &Policy) -> Result<()> {
        let m = self.model;
        ensure_shape("policy horizon", m.horizon(), pi.horizon)?;
        ensure_shape("policy states", m.n_states(), pi.n_states)?;
        ensure_shape("policy actions", m.n_actions(), pi.n_actions)?;
        validate_probs(&pi.probs, pi.horizon, pi.n_states, pi.n_actions)
    }

    /// Episode `episode` of all agents playing `pi`.
    pub fn rollout(&self, pi: &Policy, episode: u64) -> Result<EmpiricalFlow> {
        self.check_policy(pi)?;
        Ok(self.rollout_unchecked(pi, episode))
    }

    fn rollout_unchecked(&self, pi: &Policy, episode: u64) -> EmpiricalFlow {
        let m = self.model;
        let (ns, na, hz, n) = (m.n_states(), m.n_actions(), m.horizon(), self.n_agents);
        let mut rngs: Vec<Rng> = (0..n)
            .map(|i| stream(self.seed, "mfg-core/nplayer", (episode << 32) | i as u64))
            .collect();
        let mu0 = m.initial_distribution();
        let mut states: Vec<usize> = rngs
            .iter_mut()
            .map(|r| sample_probs(mu0, r.random()))
            .collect();
        let mut actions = vec![0usize; n];
        let mut next = vec![0usize; n];
        let mut rewards = vec![0.0; n];
        let mut returns = vec![0.0; n];
        let mut flow = vec![0.0; hz * ns * na];
        let mut scratch = StepScratch {
            kernel: m.new_kernel(),
            reward: vec![0.0; ns * na],
            cached_h: None,
        };
        let w = 1.0 / n as f64;
        for h in 0..hz {
            let sigma = &mut flow[h * ns * na..(h + 1) * ns * na];
            for i in 0..n {
                actions[i] = sample_probs(pi.row(h, states[i]), rngs[i].random());
                sigma[states[i] * na + actions[i]] += w;
            }
            m.step_agents(
                h,
                &states,
                &actions,
                sigma,
                &mut rngs,
                &mut scratch,
                &mut rewards,
                &mut next,
            );
            for (r, x) in returns.iter_mut().zip(&rewards) {
                *r += x;
            }
            std::mem::swap(&mut states, &mut next);
        }
        EmpiricalFlow { flow, returns }
    }

    /// Runs episodes `0..runs` in parallel and maps each through `f` (order preserved).
    pub fn par_rollouts<T: Send>(
        &self,
        pi: &Policy,
        runs: usize,
        f: impl Fn(&EmpiricalFlow) -> T + Sync,
    ) -> Result<Vec<T>> {
        if runs == 0 {
            return Err(invalid("runs", 0.0, "must be >= 1"));
        }
        self.check_policy(pi)?;
        Ok((0..runs as u64)
            .into_par_iter()
            .map(|e| f(&self.rollout_unchecked(pi, e)))
            .collect())
    }

    /// Mean and standard error of `g(L̂)` over `runs` episodes.
    pub fn estimate(
        &self,
        pi: &Policy,
        runs: usize,
        g: impl Fn(&[f64]) -> f64 + Sync,
    ) -> Result<Estimate> {
        let values = self.par_rollouts(pi, runs, |ef| g(&ef.flow))?;
        let mean = opt_core::stats::mean(&values).map_err(MfgCoreError::from)?;
        let std_err = opt_core::stats::std_error(&values).map_err(MfgCoreError::from)?;
        Ok(Estimate {
            values,
            mean,
            std_err,
        })
    }
}

macro_rules! independent {
    ($($t:ty),*) => { $(impl FiniteNDynamics for $t {})* };
}
independent!(
    crate::envs::BeachBar,
    crate::envs::MfglibBeachBar,
    crate::envs::CrowdMotion,
    crate::envs::BuildingEvacuation,
    crate::envs::LeftRight,
    crate::envs::RockPaperScissors,
    crate::envs::SusceptibleInfected,
    crate::envs::EquilibriumPrice,
    crate::envs::ConservativeTreasureHunting,
    crate::envs::LinearQuadratic,
    crate::envs::RandomLinear,
    crate::envs::RandomMfg
);

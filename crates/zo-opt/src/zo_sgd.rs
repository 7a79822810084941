//! Zeroth-order SGD: `x_{t+1} = x_t − η_t g_{λ_t}(x_t, u_t)` (arXiv 2506.05454, Algorithm 1).
//!
//! Paper symbols → fields: `η` → [`ZoSgdConfig::eta`] (× [`ZoSgdConfig::eta_schedule`]),
//! `λ` → [`ZoSgdConfig::lambda`] (× [`ZoSgdConfig::lambda_schedule`]), `u_t` → directions of
//! [`TwoPointEstimator`] drawn from `(seed, t, j)`, `T` → the driver's budget. The output is the last
//! iterate (what the paper's experiments use).
//!
//! Two memory modes give the same iterates bit for bit under [`Arithmetic::Grid`]:
//! [`Memory::Explicit`] (direction, perturbed point and gradient buffers) and [`Memory::InPlace`]
//! (one parameter vector, directions regenerated, see [`crate::inplace`]).
//!
//! Each step reports `loss` (mean of the evaluated values, an estimate of `f_λ(x_t)`), `projection`
//! (the mean directional difference `c`), `eta`, `lambda` and the cumulative `evals`. When the
//! objective returns NaN/∞ the iterate is left at its last finite value, `loss` is reported as NaN
//! (so [`opt_core::algorithm::run`] stops with `Termination::NonFinite`) and
//! [`ZoSgdState::non_finite`] records the side.

use crate::direction::Arithmetic;
use crate::error::{Result, Side, ZoOptError};
use crate::estimator::{EstimatorWorkspace, TwoPointEstimator};
use crate::inplace::{self, InPlaceWorkspace};
use nalgebra::DVector;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::error::{ensure_finite, ensure_len, ensure_positive};
use opt_core::optim::Schedule;
use opt_core::problem::Objective;
use opt_core::rng::Rng;

/// Where the perturbed points live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Memory {
    /// Buffers for `u`, `x ± λu` and `g` (3 extra vectors).
    Explicit,
    /// MeZO-style: perturb `x` in place and regenerate `u` (requires [`Arithmetic::Grid`]).
    InPlace,
}

/// Hyper-parameters of [`ZoSgd`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ZoSgdConfig {
    /// Base step size `η > 0`.
    pub eta: f64,
    /// `η_t = eta · eta_schedule.factor(t)`.
    pub eta_schedule: Schedule,
    /// Base smoothing radius `λ > 0`.
    pub lambda: f64,
    /// `λ_t = lambda · lambda_schedule.factor(t)` (must stay positive).
    pub lambda_schedule: Schedule,
    /// Direction law, `q`, sidedness.
    pub estimator: TwoPointEstimator,
    /// Explicit buffers or in-place.
    pub memory: Memory,
    /// Plain floats or the exact grid.
    pub arithmetic: Arithmetic,
}

impl ZoSgdConfig {
    /// The paper's method: constant `η`, `λ`, one Gaussian direction, two-sided, explicit, f64.
    pub fn new(eta: f64, lambda: f64) -> Self {
        Self {
            eta,
            eta_schedule: Schedule::Constant,
            lambda,
            lambda_schedule: Schedule::Constant,
            estimator: TwoPointEstimator::gaussian(),
            memory: Memory::Explicit,
            arithmetic: Arithmetic::Float,
        }
    }

    /// The MeZO-style in-place variant on the default exact grid (`2^-40`).
    #[must_use]
    pub fn in_place(mut self) -> Self {
        self.memory = Memory::InPlace;
        if self.arithmetic == Arithmetic::Float {
            self.arithmetic = Arithmetic::DEFAULT_GRID;
        }
        self
    }

    /// Replaces the estimator.
    #[must_use]
    pub fn with_estimator(mut self, estimator: TwoPointEstimator) -> Self {
        self.estimator = estimator;
        self
    }

    /// Replaces the schedules.
    #[must_use]
    pub fn with_schedules(mut self, eta: Schedule, lambda: Schedule) -> Self {
        self.eta_schedule = eta;
        self.lambda_schedule = lambda;
        self
    }

    /// Replaces the arithmetic.
    #[must_use]
    pub fn with_arithmetic(mut self, arithmetic: Arithmetic) -> Self {
        self.arithmetic = arithmetic;
        self
    }

    /// Checks every field.
    pub fn validate(&self) -> Result<()> {
        ensure_positive("eta", self.eta)?;
        ensure_positive("lambda", self.lambda)?;
        self.eta_schedule.validate()?;
        self.lambda_schedule.validate()?;
        match self.lambda_schedule {
            Schedule::Cosine { floor, .. } if floor <= 0.0 => {
                return Err(ZoOptError::invalid("lambda_schedule", "floor must be > 0"));
            }
            Schedule::LinearDecay { end, .. } if end <= 0.0 => {
                return Err(ZoOptError::invalid("lambda_schedule", "end must be > 0"));
            }
            _ => {}
        }
        self.estimator.validate()?;
        self.arithmetic.validate()?;
        if self.memory == Memory::InPlace && self.arithmetic == Arithmetic::Float {
            return Err(ZoOptError::invalid(
                "arithmetic",
                "the in-place step needs Arithmetic::Grid to restore x exactly",
            ));
        }
        Ok(())
    }
}

/// Zeroth-order SGD (validated configuration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoSgd {
    cfg: ZoSgdConfig,
}

/// Iterate, counters and workspaces of [`ZoSgd`].
#[derive(Debug, Clone)]
pub struct ZoSgdState {
    /// Current iterate (the last finite one after a non-finite evaluation).
    pub x: DVector<f64>,
    /// Steps taken.
    pub t: u64,
    /// Seed of the direction streams.
    pub seed: u64,
    /// Function evaluations so far.
    pub evals: u64,
    /// Set when an evaluation returned NaN/∞ (the step was not applied).
    pub non_finite: Option<Side>,
    grad: DVector<f64>,
    ws: Option<EstimatorWorkspace>,
    inplace: InPlaceWorkspace,
}

impl ZoSgdState {
    /// Starts at `x0` (rounded onto the grid under [`Arithmetic::Grid`]); directions from `seed`.
    pub fn new(algo: &ZoSgd, x0: DVector<f64>, seed: u64) -> Result<Self> {
        ensure_finite("x0", x0.as_slice())?;
        let a = algo.cfg.arithmetic;
        let x = x0.map(|v| a.round(v));
        let d = x.len();
        let (grad, ws) = match algo.cfg.memory {
            Memory::Explicit => (DVector::zeros(d), Some(EstimatorWorkspace::new(d))),
            Memory::InPlace => (DVector::zeros(0), None),
        };
        Ok(Self {
            x,
            t: 0,
            seed,
            evals: 0,
            non_finite: None,
            grad,
            ws,
            inplace: InPlaceWorkspace::default(),
        })
    }

    /// Number of `f64`s held in vectors of length `d` besides `x` (0 for the in-place mode).
    pub fn extra_vector_floats(&self) -> usize {
        self.grad.len() + self.ws.as_ref().map_or(0, |w| w.u.len() + w.point.len())
    }
}

impl ZoSgd {
    /// Validates `cfg`.
    pub fn new(cfg: ZoSgdConfig) -> Result<Self> {
        cfg.validate()?;
        Ok(Self { cfg })
    }

    /// The configuration.
    pub fn config(&self) -> &ZoSgdConfig {
        &self.cfg
    }

    /// `(η_t, λ_t)`.
    pub fn rates(&self, t: u64) -> (f64, f64) {
        let t = t as usize;
        (
            self.cfg.eta_schedule.at(self.cfg.eta, t),
            self.cfg.lambda_schedule.at(self.cfg.lambda, t),
        )
    }

    /// One step (the `rng` of [`Algorithm::step`] is not used: directions come from the state's seed).
    pub fn step_state<P: Objective + ?Sized>(&self, f: &P, s: &mut ZoSgdState) -> Result<StepInfo> {
        ensure_len("x", f.dim(), s.x.len())?;
        let (eta, lambda) = self.rates(s.t);
        let c = &self.cfg;
        let res = match (&mut s.ws, c.memory) {
            (Some(ws), Memory::Explicit) => {
                let r = c.estimator.estimate(
                    f,
                    &s.x,
                    lambda,
                    c.arithmetic,
                    s.seed,
                    s.t,
                    ws,
                    &mut s.grad,
                );
                if r.is_ok() {
                    for (xi, gi) in s.x.iter_mut().zip(s.grad.iter()) {
                        *xi = c.arithmetic.round(*xi - eta * gi);
                    }
                }
                r
            }
            _ => inplace::step(
                f,
                &mut s.x,
                &c.estimator,
                lambda,
                eta,
                c.arithmetic,
                s.seed,
                s.t,
                &mut s.inplace,
            ),
        };
        let info = StepInfo::new().with("eta", eta).with("lambda", lambda);
        match res {
            Ok(e) => {
                s.t += 1;
                s.evals += e.evals;
                Ok(info
                    .with("loss", e.loss)
                    .with("projection", e.projection)
                    .with("evals", s.evals as f64))
            }
            Err(ZoOptError::NonFiniteValue { side, .. }) => {
                s.non_finite = Some(side);
                s.evals += c.estimator.evals_per_estimate();
                Ok(info
                    .with("loss", f64::NAN)
                    .with("projection", f64::NAN)
                    .with("evals", s.evals as f64))
            }
            Err(e) => Err(e),
        }
    }
}

impl<P: Objective + ?Sized> Algorithm<P> for ZoSgd {
    type State = ZoSgdState;
    type Error = ZoOptError;

    fn step(&self, problem: &P, state: &mut ZoSgdState, _rng: &mut Rng) -> Result<StepInfo> {
        self.step_state(problem, state)
    }
}

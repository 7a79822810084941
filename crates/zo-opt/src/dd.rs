//! The exact directional-derivative method `x ← x − η (uᵀ∇f(x)) u`, the "ZO (λ → 0)" control of the
//! paper's toy figure (FlatZero `run_toy.py`, method `dd`). It needs a gradient oracle and has the
//! same noise as two-point ZO but no smoothing bias.

use crate::direction::Direction;
use crate::error::{Result, ZoOptError};
use nalgebra::DVector;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::error::{ensure_finite, ensure_len, ensure_positive};
use opt_core::problem::Gradient;
use opt_core::rng::Rng;

/// Directional-derivative descent with constant step `eta`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DirectionalDerivative {
    eta: f64,
    direction: Direction,
}

/// Iterate and buffers of [`DirectionalDerivative`].
#[derive(Debug, Clone)]
pub struct DdState {
    /// Current iterate.
    pub x: DVector<f64>,
    /// Steps taken.
    pub t: u64,
    /// Direction seed.
    pub seed: u64,
    /// Gradient calls so far.
    pub evals: u64,
    grad: DVector<f64>,
    u: DVector<f64>,
}

impl DirectionalDerivative {
    /// Validated `eta > 0`.
    pub fn new(eta: f64, direction: Direction) -> Result<Self> {
        ensure_positive("eta", eta)?;
        Ok(Self { eta, direction })
    }
}

impl DdState {
    /// Starts at `x0` with directions from `seed` (the same streams as [`crate::ZoSgd`]).
    pub fn new(x0: DVector<f64>, seed: u64) -> Result<Self> {
        ensure_finite("x0", x0.as_slice())?;
        let d = x0.len();
        Ok(Self {
            x: x0,
            t: 0,
            seed,
            evals: 0,
            grad: DVector::zeros(d),
            u: DVector::zeros(d),
        })
    }
}

impl<P: Gradient + ?Sized> Algorithm<P> for DirectionalDerivative {
    type State = DdState;
    type Error = ZoOptError;

    fn step(&self, p: &P, s: &mut DdState, _: &mut Rng) -> Result<StepInfo> {
        ensure_len("x", p.dim(), s.x.len())?;
        let f = p.value_and_gradient(&s.x, &mut s.grad);
        s.evals += 1;
        self.direction.fill(s.seed, s.t, 0, s.u.as_mut_slice());
        let c = s.u.dot(&s.grad);
        if f.is_finite() && c.is_finite() {
            s.x.axpy(-self.eta * c, &s.u, 1.0);
            s.t += 1;
        }
        Ok(StepInfo::new()
            .with("loss", f)
            .with("projection", c)
            .with("evals", s.evals as f64))
    }
}

//! Unadjusted Langevin algorithm (Euler–Maruyama discretisation of dX = −∇V dt + √(2ε) dW):
//!
//! x⁺ = x − h ∇V(x) + √(2εh) ξ,  ξ ~ N(0, I)   (spec B1; fields `h`, `eps`).
//!
//! Its invariant law is μ_ε up to an O(h) bias; stability needs h < 2/λ_max(∇²V).

use super::{Chains, Ensemble, Kernel, StepFailure};
use crate::error::Result;
use crate::potential::Potential;
use opt_core::rng::{Rng, standard_normal};

/// ULA with step `h` at temperature `eps`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ula {
    h: f64,
    eps: f64,
    noise: f64,
}

impl Ula {
    /// Validates h > 0 and ε > 0.
    pub fn new(h: f64, eps: f64) -> Result<Self> {
        crate::error::positive("h", h)?;
        crate::error::positive("eps", eps)?;
        Ok(Self {
            h,
            eps,
            noise: (2.0 * eps * h).sqrt(),
        })
    }
    /// Step size h.
    pub fn h(&self) -> f64 {
        self.h
    }
    /// Temperature ε.
    pub fn eps(&self) -> f64 {
        self.eps
    }
    /// Runs `steps` steps from `init` with seed `seed`, observing after every step; returns the
    /// engine (final ensemble, warnings).
    pub fn run<P: Potential + Sync + ?Sized>(
        &self,
        pot: &P,
        init: &Ensemble,
        steps: usize,
        seed: u64,
        observe: impl FnMut(usize, &Ensemble),
    ) -> Result<Chains<Ula>> {
        Chains::start(*self, pot, init, steps, seed, observe)
    }
}

impl Kernel for Ula {
    fn aux_len(&self, _dim: usize) -> usize {
        0
    }
    fn scratch_len(&self, dim: usize) -> usize {
        2 * dim
    }
    fn prepare<P: Potential + ?Sized>(
        &self,
        _pot: &P,
        _x: &[f64],
        _aux: &mut [f64],
        _rng: &mut Rng,
        _first: bool,
    ) -> Option<StepFailure> {
        None
    }
    #[inline]
    fn step<P: Potential + ?Sized>(
        &self,
        pot: &P,
        _t: usize,
        x: &mut [f64],
        _aux: &mut [f64],
        scratch: &mut [f64],
        rng: &mut Rng,
    ) -> Option<StepFailure> {
        let d = x.len();
        let (g, y) = scratch.split_at_mut(d);
        pot.grad(x, g);
        let mut acc = 0.0;
        for i in 0..d {
            let yi = x[i] - self.h * g[i] + self.noise * standard_normal(rng);
            y[i] = yi;
            acc += yi;
        }
        if !acc.is_finite() {
            return Some(if g[..d].iter().all(|v| v.is_finite()) {
                "state"
            } else {
                "gradient"
            });
        }
        x.copy_from_slice(&y[..d]);
        None
    }
    fn step_size(&self, _aux: &[f64]) -> f64 {
        self.h
    }
}

//! Underdamped (kinetic) Langevin dynamics at temperature ε with friction γ and unit mass:
//!
//! dX = P dt,  dP = −∇V(X) dt − γP dt + √(2γε) dW,  invariant law ∝ exp(−V(x)/ε − |p|²/(2ε)),
//!
//! integrated with the BAOAB splitting (Leimkuhler–Matthews 2013): half kick, half drift, exact
//! Ornstein–Uhlenbeck on p (p ← e^{−γh}p + √(ε(1 − e^{−2γh})) ξ), half drift, half kick.
//! One gradient per step (the last kick's gradient is cached). Velocities start from N(0, εI).

use super::{Chains, Ensemble, Kernel, StepFailure};
use crate::error::Result;
use crate::potential::Potential;
use opt_core::rng::{Rng, standard_normal};

/// BAOAB kinetic Langevin with step `h`, temperature `eps`, friction `gamma`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kinetic {
    h: f64,
    eps: f64,
    gamma: f64,
    c1: f64,
    c2: f64,
}

impl Kinetic {
    /// Validates h, ε, γ > 0.
    pub fn new(h: f64, eps: f64, gamma: f64) -> Result<Self> {
        crate::error::positive("h", h)?;
        crate::error::positive("eps", eps)?;
        crate::error::positive("gamma", gamma)?;
        let c1 = (-gamma * h).exp();
        Ok(Self {
            h,
            eps,
            gamma,
            c1,
            c2: (eps * (1.0 - c1 * c1)).sqrt(),
        })
    }
    /// Friction γ.
    pub fn gamma(&self) -> f64 {
        self.gamma
    }
    /// Runs `steps` steps from `init` with seed `seed`, observing after every step.
    pub fn run<P: Potential + Sync + ?Sized>(
        &self,
        pot: &P,
        init: &Ensemble,
        steps: usize,
        seed: u64,
        observe: impl FnMut(usize, &Ensemble),
    ) -> Result<Chains<Kinetic>> {
        Chains::start(*self, pot, init, steps, seed, observe)
    }
}

impl Kernel for Kinetic {
    fn aux_len(&self, dim: usize) -> usize {
        2 * dim
    }
    fn scratch_len(&self, _dim: usize) -> usize {
        0
    }
    fn prepare<P: Potential + ?Sized>(
        &self,
        pot: &P,
        x: &[f64],
        aux: &mut [f64],
        rng: &mut Rng,
        first: bool,
    ) -> Option<StepFailure> {
        let d = x.len();
        let (p, g) = aux.split_at_mut(d);
        if first {
            let s = self.eps.sqrt();
            p.iter_mut().for_each(|v| *v = s * standard_normal(rng));
        }
        pot.grad(x, g);
        (!g.iter().all(|v| v.is_finite())).then_some("gradient")
    }
    #[inline]
    fn step<P: Potential + ?Sized>(
        &self,
        pot: &P,
        _t: usize,
        x: &mut [f64],
        aux: &mut [f64],
        _scratch: &mut [f64],
        rng: &mut Rng,
    ) -> Option<StepFailure> {
        let d = x.len();
        let (p, g) = aux.split_at_mut(d);
        let hh = 0.5 * self.h;
        for i in 0..d {
            let pi = p[i] - hh * g[i]; // B
            let xi = x[i] + hh * pi; // A
            let pi = self.c1 * pi + self.c2 * standard_normal(rng); // O
            x[i] = xi + hh * pi; // A
            p[i] = pi;
        }
        pot.grad(x, g);
        let mut acc = 0.0;
        for i in 0..d {
            p[i] -= hh * g[i]; // B
            acc += p[i] + x[i];
        }
        (!acc.is_finite()).then_some("state")
    }
    fn step_size(&self, _aux: &[f64]) -> f64 {
        self.h
    }
}

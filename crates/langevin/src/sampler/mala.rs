//! Metropolis-adjusted Langevin algorithm (spec B1; fields `h`, `eps`):
//!
//! y = x − h∇V(x) + √(2εh) ξ,
//! log α = −(V(y) − V(x))/ε − |x − y + h∇V(y)|²/(4εh) + |y − x + h∇V(x)|²/(4εh),
//! accept y with probability min(1, α).
//!
//! MALA leaves μ_ε exactly invariant. Optional per-chain step-size adaptation during the first
//! `steps` steps (Robbins–Monro on log h: log h ← log h + t^{−0.6}(min(1, α) − target), capped at
//! `h_max`) targets an acceptance rate; the acceptance counters cover only the steps after it,
//! during which h is frozen so each chain is an exact MALA chain.

use super::{Chains, Ensemble, Kernel, StepFailure};
use crate::error::{LangevinError, Result};
use crate::potential::Potential;
use opt_core::rng::{Rng, RngExt, standard_normal};

/// Step-size adaptation towards a target acceptance rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MalaAdaptation {
    /// Target acceptance rate in (0, 1) (0.574 is the classical optimum in high dimension).
    pub target: f64,
    /// Number of adaptation (warm-up) steps.
    pub steps: usize,
    /// Upper cap on h (stability: h < 2/λ_max(∇²V)).
    pub h_max: f64,
}

/// MALA with step `h` at temperature `eps`, optionally adapting h.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mala {
    h: f64,
    eps: f64,
    adapt: Option<MalaAdaptation>,
}

const ACC: usize = 0;
const PROP: usize = 1;
const LOG_H: usize = 2;
const VAL: usize = 3;
const GRAD: usize = 4;

impl Mala {
    /// Validates h > 0 and ε > 0.
    pub fn new(h: f64, eps: f64) -> Result<Self> {
        crate::error::positive("h", h)?;
        crate::error::positive("eps", eps)?;
        Ok(Self {
            h,
            eps,
            adapt: None,
        })
    }
    /// Adds step-size adaptation (validated: target in (0, 1), h_max > 0, h ≤ h_max).
    pub fn with_adaptation(mut self, a: MalaAdaptation) -> Result<Self> {
        if !(a.target > 0.0 && a.target < 1.0) {
            return Err(LangevinError::invalid("target", "must lie in (0, 1)"));
        }
        crate::error::positive("h_max", a.h_max)?;
        self.h = self.h.min(a.h_max);
        self.adapt = Some(a);
        Ok(self)
    }
    /// Initial step size h.
    pub fn h(&self) -> f64 {
        self.h
    }
    /// Temperature ε.
    pub fn eps(&self) -> f64 {
        self.eps
    }
    /// Runs `steps` steps from `init` with seed `seed`, observing after every step.
    pub fn run<P: Potential + Sync + ?Sized>(
        &self,
        pot: &P,
        init: &Ensemble,
        steps: usize,
        seed: u64,
        observe: impl FnMut(usize, &Ensemble),
    ) -> Result<Chains<Mala>> {
        Chains::start(*self, pot, init, steps, seed, observe)
    }
}

fn check_vg(v: f64, g: &[f64]) -> Option<StepFailure> {
    if v.is_nan() || v == f64::NEG_INFINITY {
        Some("potential")
    } else if v.is_finite() && !g.iter().all(|x| x.is_finite()) {
        Some("gradient")
    } else {
        None
    }
}

impl Kernel for Mala {
    fn aux_len(&self, dim: usize) -> usize {
        GRAD + dim
    }
    fn scratch_len(&self, dim: usize) -> usize {
        2 * dim
    }
    fn prepare<P: Potential + ?Sized>(
        &self,
        pot: &P,
        x: &[f64],
        aux: &mut [f64],
        _rng: &mut Rng,
        first: bool,
    ) -> Option<StepFailure> {
        let _ = first;
        let v = pot.value_grad(x, &mut aux[GRAD..]);
        aux[VAL] = v;
        if !v.is_finite() {
            return Some("potential");
        }
        check_vg(v, &aux[GRAD..])
    }
    #[inline]
    fn step<P: Potential + ?Sized>(
        &self,
        pot: &P,
        t: usize,
        x: &mut [f64],
        aux: &mut [f64],
        scratch: &mut [f64],
        rng: &mut Rng,
    ) -> Option<StepFailure> {
        let d = x.len();
        let h = aux[LOG_H].exp();
        let (y, gy) = scratch.split_at_mut(d);
        let noise = (2.0 * self.eps * h).sqrt();
        let mut xi2 = 0.0;
        for i in 0..d {
            let xi = standard_normal(rng);
            xi2 += xi * xi;
            y[i] = x[i] - h * aux[GRAD + i] + noise * xi;
        }
        let vy = pot.value_grad(y, &mut gy[..d]);
        if let Some(w) = check_vg(vy, &gy[..d]) {
            return Some(w);
        }
        let log_alpha = if vy == f64::INFINITY {
            f64::NEG_INFINITY
        } else {
            // |x − y + h∇V(y)|² / (4εh) (reverse move) and |y − x + h∇V(x)|²/(4εh) = |ξ|²/2
            let mut rev = 0.0;
            for i in 0..d {
                let r = x[i] - y[i] + h * gy[i];
                rev += r * r;
            }
            -(vy - aux[VAL]) / self.eps - rev / (4.0 * self.eps * h) + 0.5 * xi2
        };
        let u: f64 = rng.random();
        let accept = u.ln() < log_alpha;
        if accept {
            x.copy_from_slice(&y[..d]);
            aux[VAL] = vy;
            aux[GRAD..GRAD + d].copy_from_slice(&gy[..d]);
        }
        match self.adapt {
            Some(a) if t < a.steps => {
                let alpha = log_alpha.min(0.0).exp();
                let gain = 1.0 / ((t + 1) as f64).powf(0.6);
                aux[LOG_H] = (aux[LOG_H] + gain * (alpha - a.target)).clamp(-40.0, a.h_max.ln());
            }
            _ => {
                aux[PROP] += 1.0;
                if accept {
                    aux[ACC] += 1.0;
                }
            }
        }
        None
    }
    fn counts(&self, aux: &[f64]) -> Option<(f64, f64)> {
        Some((aux[ACC], aux[PROP]))
    }
    fn step_size(&self, aux: &[f64]) -> f64 {
        aux[LOG_H].exp()
    }
    fn init_aux(&self, aux: &mut [f64]) {
        aux[LOG_H] = self.h.ln();
    }
}

//! The perspective function `f(x, t) = x²/t` on `t ∈ [lo, hi]` (spec E-ZO-2, a derived construction).
//!
//! Convex for `t > 0`; minimisers `{x = 0}`; `tr ∇²f = 2/t + 2x²/t³`, so the flattest minimiser is
//! `(0, hi)`. Gradient flow conserves `t² + x²/2`.

use crate::error::{Result, ZoOptError};
use nalgebra::DVector;
use opt_core::problem::{Gradient, Objective};

/// `x²/t` with `t` projected onto `[lo, hi]` after each step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Perspective {
    /// Lower bound of `t`.
    pub lo: f64,
    /// Upper bound of `t`.
    pub hi: f64,
}

impl Perspective {
    /// Validated bounds `0 < lo ≤ hi`.
    pub fn new(lo: f64, hi: f64) -> Result<Self> {
        opt_core::error::ensure_positive("lo", lo)?;
        opt_core::error::ensure_positive("hi", hi)?;
        if lo > hi {
            return Err(ZoOptError::invalid("bounds", "lo must not exceed hi"));
        }
        Ok(Self { lo, hi })
    }
    /// Projects `t` onto `[lo, hi]`.
    pub fn project(&self, p: &mut DVector<f64>) {
        p[1] = p[1].clamp(self.lo, self.hi);
    }
    /// `tr ∇²f = 2/t + 2x²/t³`.
    pub fn trace(&self, p: &DVector<f64>) -> f64 {
        let (x, t) = (p[0], p[1]);
        2.0 / t + 2.0 * x * x / (t * t * t)
    }
}

impl Objective for Perspective {
    fn dim(&self) -> usize {
        2
    }
    fn value(&self, p: &DVector<f64>) -> f64 {
        p[0] * p[0] / p[1]
    }
}

impl Gradient for Perspective {
    fn gradient(&self, p: &DVector<f64>, g: &mut DVector<f64>) {
        let (x, t) = (p[0], p[1]);
        g[0] = 2.0 * x / t;
        g[1] = -x * x / (t * t);
    }
}

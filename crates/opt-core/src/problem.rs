//! Capability traits over `DVector<f64>` and the oracle-call counting wrapper.
//!
//! A problem implements only what it can offer: [`Objective`] (value), [`Gradient`],
//! [`StochasticGradient`], [`HessianVector`]. Closures become problems through [`FnObjective`]
//! and [`FnGradient`]; [`Counted`] counts every oracle call so zeroth-order, SAM and Langevin
//! methods can be compared at equal evaluation budgets.

use crate::rng::Rng;
use nalgebra::DVector;
use std::sync::atomic::{AtomicU64, Ordering};

/// A function `f: R^d -> R` that can be evaluated.
pub trait Objective {
    /// The dimension `d` of the argument.
    fn dim(&self) -> usize;
    /// `f(x)`. May return a non-finite value; algorithms detect and report it.
    fn value(&self, x: &DVector<f64>) -> f64;
}

/// An objective with a gradient oracle.
pub trait Gradient: Objective {
    /// Writes `∇f(x)` into `grad` (same length as `x`).
    fn gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>);

    /// Returns `f(x)` and writes `∇f(x)`; override when both share work.
    fn value_and_gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> f64 {
        self.gradient(x, grad);
        self.value(x)
    }
}

/// A stochastic first-order oracle: an unbiased estimate of `∇f(x)` from a random minibatch or noise.
pub trait StochasticGradient {
    /// The dimension of the argument.
    fn dim(&self) -> usize;
    /// Writes a gradient estimate into `grad` and returns the matching loss estimate.
    fn stochastic_gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>, rng: &mut Rng) -> f64;
}

/// Hessian–vector products `∇²f(x) v`.
pub trait HessianVector: Gradient {
    /// Writes `∇²f(x) v` into `out`.
    fn hessian_vector(&self, x: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>);
}

impl<P: Objective + ?Sized> Objective for &P {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        (**self).value(x)
    }
}

impl<P: Gradient + ?Sized> Gradient for &P {
    fn gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>) {
        (**self).gradient(x, grad)
    }
    fn value_and_gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> f64 {
        (**self).value_and_gradient(x, grad)
    }
}

/// A value-only objective from a closure: `FnObjective::new(d, |x| x.norm_squared())`.
#[derive(Clone)]
pub struct FnObjective<F> {
    dim: usize,
    f: F,
}

impl<F: Fn(&DVector<f64>) -> f64> FnObjective<F> {
    /// Wraps `f` as an objective on `R^dim`.
    pub fn new(dim: usize, f: F) -> Self {
        Self { dim, f }
    }
}

impl<F: Fn(&DVector<f64>) -> f64> Objective for FnObjective<F> {
    fn dim(&self) -> usize {
        self.dim
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        (self.f)(x)
    }
}

/// An objective with gradient from two closures.
#[derive(Clone)]
pub struct FnGradient<F, G> {
    dim: usize,
    f: F,
    g: G,
}

impl<F, G> FnGradient<F, G>
where
    F: Fn(&DVector<f64>) -> f64,
    G: Fn(&DVector<f64>, &mut DVector<f64>),
{
    /// Wraps value `f` and gradient `g` (which writes into its second argument).
    pub fn new(dim: usize, f: F, g: G) -> Self {
        Self { dim, f, g }
    }
}

impl<F, G> Objective for FnGradient<F, G>
where
    F: Fn(&DVector<f64>) -> f64,
    G: Fn(&DVector<f64>, &mut DVector<f64>),
{
    fn dim(&self) -> usize {
        self.dim
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        (self.f)(x)
    }
}

impl<F, G> Gradient for FnGradient<F, G>
where
    F: Fn(&DVector<f64>) -> f64,
    G: Fn(&DVector<f64>, &mut DVector<f64>),
{
    fn gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>) {
        (self.g)(x, grad)
    }
}

/// How many times each oracle of a [`Counted`] problem was called.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvalCounts {
    /// Calls of `value` (including the value part of `value_and_gradient`).
    pub values: u64,
    /// Calls of `gradient` / `value_and_gradient`.
    pub gradients: u64,
    /// Calls of `stochastic_gradient`.
    pub stochastic_gradients: u64,
    /// Calls of `hessian_vector`.
    pub hessian_vectors: u64,
}

impl EvalCounts {
    /// Function evaluations plus gradient evaluations (the usual "oracle calls" budget).
    pub fn total(&self) -> u64 {
        self.values + self.gradients + self.stochastic_gradients + self.hessian_vectors
    }
}

/// Wraps a problem and counts oracle calls (thread-safe: atomics, so it is `Sync`).
#[derive(Debug, Default)]
pub struct Counted<P> {
    inner: P,
    values: AtomicU64,
    gradients: AtomicU64,
    stochastic_gradients: AtomicU64,
    hessian_vectors: AtomicU64,
}

impl<P> Counted<P> {
    /// Starts counting calls to `inner` from zero.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            values: AtomicU64::new(0),
            gradients: AtomicU64::new(0),
            stochastic_gradients: AtomicU64::new(0),
            hessian_vectors: AtomicU64::new(0),
        }
    }
    /// The counts so far.
    pub fn counts(&self) -> EvalCounts {
        EvalCounts {
            values: self.values.load(Ordering::Relaxed),
            gradients: self.gradients.load(Ordering::Relaxed),
            stochastic_gradients: self.stochastic_gradients.load(Ordering::Relaxed),
            hessian_vectors: self.hessian_vectors.load(Ordering::Relaxed),
        }
    }
    /// Resets all counts to zero.
    pub fn reset(&self) {
        for c in [
            &self.values,
            &self.gradients,
            &self.stochastic_gradients,
            &self.hessian_vectors,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
    /// The wrapped problem.
    pub fn inner(&self) -> &P {
        &self.inner
    }
    /// Unwraps the problem.
    pub fn into_inner(self) -> P {
        self.inner
    }
}

impl<P: Objective> Objective for Counted<P> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        self.values.fetch_add(1, Ordering::Relaxed);
        self.inner.value(x)
    }
}

impl<P: Gradient> Gradient for Counted<P> {
    fn gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>) {
        self.gradients.fetch_add(1, Ordering::Relaxed);
        self.inner.gradient(x, grad)
    }
    fn value_and_gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> f64 {
        self.values.fetch_add(1, Ordering::Relaxed);
        self.gradients.fetch_add(1, Ordering::Relaxed);
        self.inner.value_and_gradient(x, grad)
    }
}

impl<P: HessianVector> HessianVector for Counted<P> {
    fn hessian_vector(&self, x: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) {
        self.hessian_vectors.fetch_add(1, Ordering::Relaxed);
        self.inner.hessian_vector(x, v, out)
    }
}

impl<P: StochasticGradient> StochasticGradient for Counted<P> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn stochastic_gradient(&self, x: &DVector<f64>, grad: &mut DVector<f64>, rng: &mut Rng) -> f64 {
        self.stochastic_gradients.fetch_add(1, Ordering::Relaxed);
        self.inner.stochastic_gradient(x, grad, rng)
    }
}

/// The 2-D Rosenbrock function `f(x, y) = (a − x)² + b (y − x²)²` (a = 1, b = 100), minimum 0 at (1, 1).
/// Used by the self-check experiment and optimiser tests.
#[derive(Debug, Clone, Copy)]
pub struct Rosenbrock;

impl Objective for Rosenbrock {
    fn dim(&self) -> usize {
        2
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
    }
}

impl Gradient for Rosenbrock {
    fn gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) {
        let r = x[1] - x[0] * x[0];
        g[0] = -2.0 * (1.0 - x[0]) - 400.0 * x[0] * r;
        g[1] = 200.0 * r;
    }
}

impl HessianVector for Rosenbrock {
    fn hessian_vector(&self, x: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) {
        let h00 = 2.0 - 400.0 * (x[1] - x[0] * x[0]) + 800.0 * x[0] * x[0];
        let h01 = -400.0 * x[0];
        out[0] = h00 * v[0] + h01 * v[1];
        out[1] = h01 * v[0] + 200.0 * v[1];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_gradient, check_hvp};

    #[test]
    fn closures_and_counting() {
        let p = Counted::new(FnGradient::new(
            3,
            |x: &DVector<f64>| x.norm_squared(),
            |x: &DVector<f64>, g: &mut DVector<f64>| g.copy_from(&(2.0 * x)),
        ));
        let x = DVector::from_vec(vec![1.0, 2.0, 3.0]);
        let mut g = DVector::zeros(3);
        assert_eq!(p.value(&x), 14.0);
        let v = p.value_and_gradient(&x, &mut g);
        assert_eq!(v, 14.0);
        assert_eq!(g, DVector::from_vec(vec![2.0, 4.0, 6.0]));
        let c = p.counts();
        assert_eq!((c.values, c.gradients), (2, 1));
        assert_eq!(c.total(), 3);
        p.reset();
        assert_eq!(p.counts().total(), 0);
        let f = FnObjective::new(2, |x: &DVector<f64>| x[0] - x[1]);
        assert_eq!(f.dim(), 2);
        fn by_value<P: Objective>(p: P, x: &DVector<f64>) -> f64 {
            p.value(x)
        }
        assert_eq!(by_value(&f, &DVector::from_vec(vec![3.0, 1.0])), 2.0);
    }

    #[test]
    fn rosenbrock_derivatives_match_finite_differences() {
        for pt in [[-1.2, 1.0], [0.3, -0.7], [1.1, 0.9]] {
            let x = DVector::from_row_slice(&pt);
            let r = check_gradient(&Rosenbrock, &x, 1e-5);
            assert!(r.max_rel_error < 1e-7, "{r:?}");
            let v = DVector::from_vec(vec![0.3, -1.1]);
            let r = check_hvp(&Rosenbrock, &x, &v, 1e-5);
            assert!(r.max_rel_error < 1e-7, "{r:?}");
        }
    }
}

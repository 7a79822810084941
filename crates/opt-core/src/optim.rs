//! First-order optimisers over flat parameter slices, and step-size schedules.
//!
//! Optimisers own their moment buffers (allocated once, at construction, for a fixed dimension)
//! and update `params` in place from `grad`: no allocation per step. Use them on `DVector`s with
//! `as_mut_slice()`, or on an [`crate::nn::Mlp`]'s flat parameters.

use crate::error::{
    Result, ensure_finite, ensure_in_range, ensure_len, ensure_non_negative, ensure_positive,
};

/// A step-size schedule `η_t = base · s(t)`, `t = 0, 1, ...`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Schedule {
    /// `s(t) = 1`.
    Constant,
    /// `s(t) = 1 / sqrt(1 + t / t0)`.
    InverseSqrt {
        /// Time scale `t0 > 0`.
        t0: f64,
    },
    /// Cosine decay to `floor` over `total` steps: `s(t) = floor + (1 − floor)(1 + cos(π min(t,T)/T))/2`.
    Cosine {
        /// Decay length `T >= 1`.
        total: usize,
        /// Final multiplier in `[0, 1]`.
        floor: f64,
    },
    /// Linear decay from 1 to `end` over `total` steps, then constant `end`.
    LinearDecay {
        /// Decay length `T >= 1`.
        total: usize,
        /// Final multiplier in `[0, 1]`.
        end: f64,
    },
}

impl Schedule {
    /// Checks the schedule's parameters.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Schedule::Constant => Ok(()),
            Schedule::InverseSqrt { t0 } => ensure_positive("t0", t0),
            Schedule::Cosine { total, floor } => {
                crate::error::ensure_at_least("total", total, 1)?;
                ensure_in_range("floor", floor, 0.0, 1.0)
            }
            Schedule::LinearDecay { total, end } => {
                crate::error::ensure_at_least("total", total, 1)?;
                ensure_in_range("end", end, 0.0, 1.0)
            }
        }
    }

    /// The multiplier `s(t)`.
    pub fn factor(&self, t: usize) -> f64 {
        match *self {
            Schedule::Constant => 1.0,
            Schedule::InverseSqrt { t0 } => 1.0 / (1.0 + t as f64 / t0).sqrt(),
            Schedule::Cosine { total, floor } => {
                let x = t.min(total) as f64 / total as f64;
                floor + (1.0 - floor) * 0.5 * (1.0 + (std::f64::consts::PI * x).cos())
            }
            Schedule::LinearDecay { total, end } => {
                let x = t.min(total) as f64 / total as f64;
                1.0 + (end - 1.0) * x
            }
        }
    }

    /// `base · s(t)`.
    pub fn at(&self, base: f64, t: usize) -> f64 {
        base * self.factor(t)
    }
}

/// An in-place first-order optimiser.
pub trait Optimizer {
    /// Applies one update `params ← params − (step from grad)`.
    /// Errors on a length mismatch or a non-finite gradient (params are then untouched).
    fn step(&mut self, params: &mut [f64], grad: &[f64]) -> Result<()>;
    /// Steps taken so far.
    fn iterations(&self) -> usize;
}

fn check_step(dim: usize, params: &[f64], grad: &[f64]) -> Result<()> {
    ensure_len("params", dim, params.len())?;
    ensure_len("grad", dim, grad.len())?;
    ensure_finite("grad", grad)
}

/// Plain gradient descent `x ← x − η_t g`.
#[derive(Debug, Clone)]
pub struct Sgd {
    lr: f64,
    schedule: Schedule,
    dim: usize,
    t: usize,
}

impl Sgd {
    /// SGD on `dim` parameters with base step `lr` and a schedule.
    pub fn new(dim: usize, lr: f64, schedule: Schedule) -> Result<Self> {
        ensure_positive("lr", lr)?;
        schedule.validate()?;
        Ok(Self {
            lr,
            schedule,
            dim,
            t: 0,
        })
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, params: &mut [f64], grad: &[f64]) -> Result<()> {
        check_step(self.dim, params, grad)?;
        let lr = self.schedule.at(self.lr, self.t);
        params.iter_mut().zip(grad).for_each(|(p, g)| *p -= lr * g);
        self.t += 1;
        Ok(())
    }
    fn iterations(&self) -> usize {
        self.t
    }
}

/// Heavy-ball momentum `v ← β v + g; x ← x − η_t v` (Nesterov: `x ← x − η_t (g + β v)`).
#[derive(Debug, Clone)]
pub struct Momentum {
    lr: f64,
    beta: f64,
    nesterov: bool,
    schedule: Schedule,
    velocity: Vec<f64>,
    t: usize,
}

impl Momentum {
    /// Momentum with coefficient `beta ∈ [0, 1)`.
    pub fn new(dim: usize, lr: f64, beta: f64, nesterov: bool, schedule: Schedule) -> Result<Self> {
        ensure_positive("lr", lr)?;
        ensure_in_range("beta", beta, 0.0, 1.0 - f64::EPSILON)?;
        schedule.validate()?;
        Ok(Self {
            lr,
            beta,
            nesterov,
            schedule,
            velocity: vec![0.0; dim],
            t: 0,
        })
    }
}

impl Optimizer for Momentum {
    fn step(&mut self, params: &mut [f64], grad: &[f64]) -> Result<()> {
        check_step(self.velocity.len(), params, grad)?;
        let lr = self.schedule.at(self.lr, self.t);
        for ((p, g), v) in params.iter_mut().zip(grad).zip(&mut self.velocity) {
            *v = self.beta * *v + g;
            *p -= lr
                * if self.nesterov {
                    g + self.beta * *v
                } else {
                    *v
                };
        }
        self.t += 1;
        Ok(())
    }
    fn iterations(&self) -> usize {
        self.t
    }
}

/// Adam hyper-parameters; `weight_decay > 0` gives AdamW (decoupled decay `x ← x − η_t λ x`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdamConfig {
    /// Base step size η.
    pub lr: f64,
    /// First-moment decay β1 ∈ [0, 1).
    pub beta1: f64,
    /// Second-moment decay β2 ∈ [0, 1).
    pub beta2: f64,
    /// Denominator floor ε > 0.
    pub eps: f64,
    /// Decoupled weight decay λ >= 0 (AdamW; 0 = Adam).
    pub weight_decay: f64,
    /// Step-size schedule.
    pub schedule: Schedule,
}

impl AdamConfig {
    /// Kingma & Ba defaults (β1 = 0.9, β2 = 0.999, ε = 1e-8) with step `lr`.
    pub fn new(lr: f64) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            schedule: Schedule::Constant,
        }
    }
    /// AdamW with decoupled weight decay `wd`.
    pub fn adamw(lr: f64, wd: f64) -> Self {
        Self {
            weight_decay: wd,
            ..Self::new(lr)
        }
    }
    /// Checks every field.
    pub fn validate(&self) -> Result<()> {
        ensure_positive("lr", self.lr)?;
        ensure_in_range("beta1", self.beta1, 0.0, 1.0 - f64::EPSILON)?;
        ensure_in_range("beta2", self.beta2, 0.0, 1.0 - f64::EPSILON)?;
        ensure_positive("eps", self.eps)?;
        ensure_non_negative("weight_decay", self.weight_decay)?;
        self.schedule.validate()
    }
}

/// Adam / AdamW (Kingma & Ba 2015, Alg. 1; Loshchilov & Hutter 2019 for decoupled decay):
/// `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, `x ← x − η_t (m̂ / (sqrt(v̂) + ε) + λ x)`.
#[derive(Debug, Clone)]
pub struct Adam {
    cfg: AdamConfig,
    m: Vec<f64>,
    v: Vec<f64>,
    t: usize,
}

impl Adam {
    /// Adam on `dim` parameters.
    pub fn new(dim: usize, cfg: AdamConfig) -> Result<Self> {
        cfg.validate()?;
        Ok(Self {
            cfg,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
            t: 0,
        })
    }
}

impl Optimizer for Adam {
    fn step(&mut self, params: &mut [f64], grad: &[f64]) -> Result<()> {
        check_step(self.m.len(), params, grad)?;
        let c = &self.cfg;
        let lr = c.schedule.at(c.lr, self.t);
        self.t += 1;
        let b1t = 1.0 - c.beta1.powi(self.t as i32);
        let b2t = 1.0 - c.beta2.powi(self.t as i32);
        for i in 0..params.len() {
            let g = grad[i];
            self.m[i] = c.beta1 * self.m[i] + (1.0 - c.beta1) * g;
            self.v[i] = c.beta2 * self.v[i] + (1.0 - c.beta2) * g * g;
            let mhat = self.m[i] / b1t;
            let vhat = self.v[i] / b2t;
            params[i] -= lr * (mhat / (vhat.sqrt() + c.eps) + c.weight_decay * params[i]);
        }
        Ok(())
    }
    fn iterations(&self) -> usize {
        self.t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Gradient, Objective, Rosenbrock};
    use nalgebra::DVector;

    #[test]
    fn adam_solves_rosenbrock() {
        let mut x = DVector::from_vec(vec![-1.2, 1.0]);
        let mut g = DVector::zeros(2);
        let cfg = AdamConfig {
            schedule: Schedule::Cosine {
                total: 20_000,
                floor: 1e-3,
            },
            ..AdamConfig::new(0.02)
        };
        let mut opt = Adam::new(2, cfg).unwrap();
        for _ in 0..20_000 {
            Rosenbrock.gradient(&x, &mut g);
            opt.step(x.as_mut_slice(), g.as_slice()).unwrap();
        }
        let f = Rosenbrock.value(&x);
        assert!(f < 1e-8, "f = {f}, x = {x}");
    }

    #[test]
    fn sgd_contracts_at_the_closed_form_rate() {
        // f = ½ Σ a_i x_i²: x_i(t) = (1 − η a_i)^t x_i(0)
        let a = [1.0, 4.0, 10.0];
        let eta = 0.05;
        let mut x = vec![1.0, -2.0, 0.5];
        let x0 = x.clone();
        let mut opt = Sgd::new(3, eta, Schedule::Constant).unwrap();
        for _ in 0..50 {
            let g: Vec<f64> = x.iter().zip(&a).map(|(xi, ai)| ai * xi).collect();
            opt.step(&mut x, &g).unwrap();
        }
        for i in 0..3 {
            let expect = (1.0 - eta * a[i]).powi(50) * x0[i];
            assert!(
                (x[i] - expect).abs() <= 1e-14 * x0[i].abs(),
                "{i}: {} vs {expect}",
                x[i]
            );
        }
    }

    #[test]
    fn momentum_and_adamw_decrease_a_quadratic() {
        let grad = |x: &[f64]| x.iter().map(|v| 2.0 * v).collect::<Vec<_>>();
        let mut m = Momentum::new(2, 0.05, 0.9, true, Schedule::Constant).unwrap();
        let mut w = Adam::new(2, AdamConfig::adamw(0.05, 0.01)).unwrap();
        let (mut x1, mut x2) = (vec![1.0, -1.0], vec![1.0, -1.0]);
        for _ in 0..300 {
            let g1 = grad(&x1);
            m.step(&mut x1, &g1).unwrap();
            let g2 = grad(&x2);
            w.step(&mut x2, &g2).unwrap();
        }
        assert!(x1.iter().all(|v| v.abs() < 1e-6), "{x1:?}");
        assert!(x2.iter().all(|v| v.abs() < 1e-2), "{x2:?}");
        assert_eq!(w.iterations(), 300);
    }

    #[test]
    fn schedules() {
        assert_eq!(Schedule::Constant.at(0.1, 99), 0.1);
        assert!((Schedule::InverseSqrt { t0: 1.0 }.factor(3) - 0.5).abs() < 1e-15);
        let c = Schedule::Cosine {
            total: 10,
            floor: 0.0,
        };
        assert!(
            (c.factor(0) - 1.0).abs() < 1e-15
                && c.factor(10).abs() < 1e-15
                && (c.factor(5) - 0.5).abs() < 1e-15
        );
        let l = Schedule::LinearDecay { total: 4, end: 0.2 };
        assert!((l.factor(2) - 0.6).abs() < 1e-15 && (l.factor(100) - 0.2).abs() < 1e-15);
        assert!(
            Schedule::Cosine {
                total: 0,
                floor: 0.0
            }
            .validate()
            .is_err()
        );
        assert!(Schedule::InverseSqrt { t0: -1.0 }.validate().is_err());
    }

    #[test]
    fn bad_input() {
        assert!(Sgd::new(2, 0.0, Schedule::Constant).is_err());
        assert!(Sgd::new(2, f64::NAN, Schedule::Constant).is_err());
        assert!(Momentum::new(2, 0.1, 1.0, false, Schedule::Constant).is_err());
        assert!(
            Adam::new(
                2,
                AdamConfig {
                    beta2: 1.0,
                    ..AdamConfig::new(0.1)
                }
            )
            .is_err()
        );
        let mut s = Sgd::new(2, 0.1, Schedule::Constant).unwrap();
        let mut x = vec![1.0, 2.0];
        assert!(s.step(&mut x, &[1.0]).is_err());
        assert!(s.step(&mut x, &[1.0, f64::INFINITY]).is_err());
        assert_eq!(x, vec![1.0, 2.0]);
    }
}

/// Deterministic first-order minimisation as an [`crate::algorithm::Algorithm`]: each step evaluates
/// `f(x), ∇f(x)` once and hands the gradient to the optimiser in the state.
///
/// Reports `f` (at the iterate before the update), `grad_norm` and the cumulative `evals`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FirstOrder<O>(std::marker::PhantomData<fn() -> O>);

impl<O: Optimizer> FirstOrder<O> {
    /// The algorithm for optimiser type `O` (the optimiser itself lives in the state).
    pub fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

/// State of [`FirstOrder`]: the iterate, a gradient buffer and the optimiser's moments.
#[derive(Debug, Clone)]
pub struct FirstOrderState<O> {
    /// Current iterate.
    pub x: nalgebra::DVector<f64>,
    /// Gradient workspace.
    pub grad: nalgebra::DVector<f64>,
    /// The optimiser (owns its moment buffers).
    pub optimizer: O,
    /// Oracle calls so far (one value-and-gradient call per step).
    pub evals: u64,
}

impl<O: Optimizer> FirstOrderState<O> {
    /// Starts at `x0`.
    pub fn new(x0: nalgebra::DVector<f64>, optimizer: O) -> Result<Self> {
        ensure_finite("x0", x0.as_slice())?;
        let grad = nalgebra::DVector::zeros(x0.len());
        Ok(Self {
            x: x0,
            grad,
            optimizer,
            evals: 0,
        })
    }
}

impl<P, O> crate::algorithm::Algorithm<P> for FirstOrder<O>
where
    P: crate::problem::Gradient + ?Sized,
    O: Optimizer,
{
    type State = FirstOrderState<O>;
    type Error = crate::Error;

    fn step(
        &self,
        p: &P,
        s: &mut FirstOrderState<O>,
        _: &mut crate::rng::Rng,
    ) -> Result<crate::algorithm::StepInfo> {
        ensure_len("x", p.dim(), s.x.len())?;
        let f = p.value_and_gradient(&s.x, &mut s.grad);
        s.evals += 1;
        let info = crate::algorithm::StepInfo::new()
            .with("f", f)
            .with("grad_norm", s.grad.norm())
            .with("evals", s.evals as f64);
        if f.is_finite() && s.grad.iter().all(|g| g.is_finite()) {
            s.optimizer.step(s.x.as_mut_slice(), s.grad.as_slice())?;
        }
        Ok(info)
    }
}

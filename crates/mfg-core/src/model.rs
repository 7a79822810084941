//! The model trait: any finite-horizon discrete mean-field game with a state–action mean field.
//!
//! A game is `M = (S, A, H, μ0, {P_h}, {R_h})` (spec `mfg-core.md`, "Model and notation"; the
//! AMID paper arXiv 2510.21442, Sec. 2): finite states and actions, horizon `H`, transitions
//! `P_h(s'|s,a,L_h)` and rewards `R_h(s,a,L_h)` that depend on the **state–action** mean field
//! `L_h ∈ Δ(S×A)` (a slice of length `|S|·|A|`, entry `s·|A| + a`). The state marginal is
//! `μ_h(s) = Σ_a L_h(s,a)` ([`state_marginal`]).
//!
//! Reverse-mode derivatives w.r.t. `L` (`*_vjp_l`) are what `incentive-amid`'s adjoint and this
//! crate's MF-OMO need; [`ParametricMfg`] adds a design parameter θ with VJPs w.r.t. θ. Every
//! built-in model passes [`check_vjp`] (central finite differences) in its tests.
//!
//! Extensions that need no change of the trait: steering rewards are a wrapper model adding
//! `r^st_h(s,a)` to `reward`; unknown transitions are an estimated model implementing the trait.

use crate::error::{MfgCoreError, PROB_TOL, Result, ensure_distribution, ensure_finite};
use crate::kernel::Kernel;
use opt_core::rng::{RngExt, stream};

/// A finite-horizon discrete MFG. Time steps are `h = 0..horizon()`.
pub trait FiniteMfg {
    /// `|S|`.
    fn n_states(&self) -> usize;
    /// `|A|`.
    fn n_actions(&self) -> usize;
    /// `H ≥ 1`, the number of decision steps.
    fn horizon(&self) -> usize;
    /// `μ0 ∈ Δ(S)`.
    fn initial_distribution(&self) -> &[f64];
    /// A kernel buffer of this model's storage (dense by default; sparse models override).
    fn new_kernel(&self) -> Kernel {
        Kernel::dense_zeros(self.n_states() * self.n_actions(), self.n_states())
    }
    /// Writes `P_h(·|·,·,L)` into `out` (which came from [`FiniteMfg::new_kernel`]).
    fn transition(&self, h: usize, l: &[f64], out: &mut Kernel);
    /// Writes `R_h(s,a,L)` into `out[s·|A| + a]`.
    fn reward(&self, h: usize, l: &[f64], out: &mut [f64]);
    /// True when `P_h` does not depend on `L` (solvers then evaluate it once per `h`).
    fn density_independent(&self) -> bool {
        false
    }
    /// True when `P_h` does not depend on `h` either (one kernel is stored for all steps).
    fn time_homogeneous(&self) -> bool {
        false
    }
    /// A bound on `|R|` (MFGLib's `r_max`, used by MF-OMO's constraint radii), if known.
    fn reward_bound(&self) -> Option<f64> {
        None
    }
    /// Accumulates `l_bar += (∂P_h/∂L)ᵀ p_bar`; `p_bar` has this model's kernel structure.
    fn transition_vjp_l(
        &self,
        h: usize,
        l: &[f64],
        p_bar: &Kernel,
        l_bar: &mut [f64],
    ) -> Result<()> {
        let _ = (h, l, p_bar, l_bar);
        Err(MfgCoreError::NotDifferentiable {
            what: "transition w.r.t. L",
        })
    }
    /// Accumulates `l_bar += (∂R_h/∂L)ᵀ r_bar`.
    fn reward_vjp_l(&self, h: usize, l: &[f64], r_bar: &[f64], l_bar: &mut [f64]) -> Result<()> {
        let _ = (h, l, r_bar, l_bar);
        Err(MfgCoreError::NotDifferentiable {
            what: "reward w.r.t. L",
        })
    }
}

/// A model whose rewards and transitions depend on a design parameter θ (incentive design:
/// `incentive-amid`'s PMFG). The model is evaluated at its current θ through [`FiniteMfg`].
pub trait ParametricMfg: FiniteMfg {
    /// `dim θ`.
    fn n_params(&self) -> usize;
    /// The current θ.
    fn params(&self) -> &[f64];
    /// Sets θ (validated: length and finiteness).
    fn set_params(&mut self, theta: &[f64]) -> Result<()>;
    /// Accumulates `theta_bar += (∂P_h/∂θ)ᵀ p_bar` at the current θ.
    fn transition_vjp_theta(
        &self,
        h: usize,
        l: &[f64],
        p_bar: &Kernel,
        theta_bar: &mut [f64],
    ) -> Result<()>;
    /// Accumulates `theta_bar += (∂R_h/∂θ)ᵀ r_bar` at the current θ.
    fn reward_vjp_theta(
        &self,
        h: usize,
        l: &[f64],
        r_bar: &[f64],
        theta_bar: &mut [f64],
    ) -> Result<()>;
}

/// `μ(s) = Σ_a L(s,a)` written into `mu` (length `|S|`).
pub fn state_marginal(l: &[f64], n_actions: usize, mu: &mut [f64]) {
    for (m, row) in mu.iter_mut().zip(l.chunks_exact(n_actions)) {
        *m = row.iter().sum();
    }
}

/// Checks sizes (`|S|, |A|, H ≥ 1`), `μ0`, and at the mean field `probe` (length `|S|·|A|`)
/// every kernel row and every reward of every step. Errors name the step and index.
pub fn validate<M: FiniteMfg + ?Sized>(m: &M, probe: &[f64]) -> Result<()> {
    let (ns, na, hz) = (m.n_states(), m.n_actions(), m.horizon());
    if ns == 0 || na == 0 {
        return Err(crate::error::invalid(
            "n_states/n_actions",
            ns.min(na) as f64,
            "must be >= 1",
        ));
    }
    if hz == 0 {
        return Err(crate::error::invalid("horizon", 0.0, "must be >= 1"));
    }
    crate::error::ensure_shape("probe mean field", ns * na, probe.len())?;
    validate_mu0(m.initial_distribution(), ns)?;
    let mut k = m.new_kernel();
    let mut r = vec![0.0; ns * na];
    for h in 0..hz {
        m.transition(h, probe, &mut k);
        k.validate(h, ns * na, ns)?;
        m.reward(h, probe, &mut r);
        ensure_finite("reward", Some(h), &r)?;
    }
    Ok(())
}

/// Checks `μ0` has length `n_states`, non-negative entries and sum 1 (±1e-9).
pub fn validate_mu0(mu0: &[f64], n_states: usize) -> Result<()> {
    crate::error::ensure_shape("mu0", n_states, mu0.len())?;
    ensure_distribution("mu0", None, 0, 0, mu0, PROB_TOL)
}

/// A random interior mean field (entries ≥ 0.2/(|S||A|), summing to 1) from a seeded stream.
pub fn random_mean_field(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = stream(seed, "mfg-core/random-mean-field", 0);
    let mut l: Vec<f64> = (0..n).map(|_| 0.2 + rng.random::<f64>()).collect();
    let s: f64 = l.iter().sum();
    l.iter_mut().for_each(|v| *v /= s);
    l
}

/// Result of [`check_vjp`]: the worst relative errors of each VJP against central differences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VjpCheck {
    /// Max relative error of `reward_vjp_l`.
    pub reward: f64,
    /// Max relative error of `transition_vjp_l`.
    pub transition: f64,
}

impl VjpCheck {
    /// Both errors are at most `tol`.
    pub fn passes(&self, tol: f64) -> bool {
        self.reward <= tol && self.transition <= tol
    }
}

/// Central finite-difference check of both L-VJPs of `m` at step `h` and mean field `l`, with
/// random cotangents from `seed` and FD step `step` (uses `opt_core::check::check_vjp`).
pub fn check_vjp<M: FiniteMfg + ?Sized>(
    m: &M,
    h: usize,
    l: &[f64],
    seed: u64,
    step: f64,
) -> Result<VjpCheck> {
    let (ns, na) = (m.n_states(), m.n_actions());
    let n = ns * na;
    crate::error::ensure_shape("mean field", n, l.len())?;
    let x = nalgebra::DVector::from_column_slice(l);
    let mut rng = stream(seed, "mfg-core/check-vjp", h as u64);
    let r_bar = nalgebra::DVector::from_fn(n, |_, _| rng.random::<f64>() - 0.5);
    let p_bar_dense = nalgebra::DVector::from_fn(n * ns, |_, _| rng.random::<f64>() - 0.5);
    let err = std::cell::RefCell::new(None);
    let reward = opt_core::check::check_vjp(
        |y| {
            let mut r = vec![0.0; n];
            m.reward(h, y.as_slice(), &mut r);
            nalgebra::DVector::from_vec(r)
        },
        |y, v| {
            let mut lb = vec![0.0; n];
            if let Err(e) = m.reward_vjp_l(h, y.as_slice(), v.as_slice(), &mut lb) {
                *err.borrow_mut() = Some(e);
            }
            nalgebra::DVector::from_vec(lb)
        },
        &x,
        &r_bar,
        step,
    );
    if let Some(e) = err.borrow_mut().take() {
        return Err(e);
    }
    // The cotangent is restricted to the kernel's own structure (a sparse pattern).
    let mut k0 = m.new_kernel();
    m.transition(h, l, &mut k0);
    let mut p_bar = k0.zeros_like();
    p_bar.gather_from_dense(p_bar_dense.as_slice());
    let p_bar_restricted = nalgebra::DVector::from_vec(p_bar.to_dense());
    let transition = opt_core::check::check_vjp(
        |y| {
            let mut k = m.new_kernel();
            m.transition(h, y.as_slice(), &mut k);
            nalgebra::DVector::from_vec(k.to_dense())
        },
        |y, _| {
            let mut lb = vec![0.0; n];
            if let Err(e) = m.transition_vjp_l(h, y.as_slice(), &p_bar, &mut lb) {
                *err.borrow_mut() = Some(e);
            }
            nalgebra::DVector::from_vec(lb)
        },
        &x,
        &p_bar_restricted,
        step,
    );
    if let Some(e) = err.into_inner() {
        return Err(e);
    }
    Ok(VjpCheck {
        reward: reward.max_rel_error,
        transition: transition.max_rel_error,
    })
}

/// Central finite-difference check of both θ-VJPs of a [`ParametricMfg`] at step `h`, mean
/// field `l` and the model's current θ; returns `(reward error, transition error)`.
pub fn check_vjp_theta<M: ParametricMfg + Clone>(
    m: &M,
    h: usize,
    l: &[f64],
    seed: u64,
    step: f64,
) -> Result<VjpCheck> {
    let (ns, na, np) = (m.n_states(), m.n_actions(), m.n_params());
    let n = ns * na;
    let theta0 = nalgebra::DVector::from_column_slice(m.params());
    let mut rng = stream(seed, "mfg-core/check-vjp-theta", h as u64);
    let r_bar = nalgebra::DVector::from_fn(n, |_, _| rng.random::<f64>() - 0.5);
    let p_dense = nalgebra::DVector::from_fn(n * ns, |_, _| rng.random::<f64>() - 0.5);
    let mut k0 = m.new_kernel();
    m.transition(h, l, &mut k0);
    let mut p_bar = k0.zeros_like();
    p_bar.gather_from_dense(p_dense.as_slice());
    let p_restricted = nalgebra::DVector::from_vec(p_bar.to_dense());
    let at = |theta: &nalgebra::DVector<f64>| {
        let mut mm = m.clone();
        mm.set_params(theta.as_slice()).map(|_| mm)
    };
    let err = std::cell::RefCell::new(None);
    let reward = opt_core::check::check_vjp(
        |t| {
            let mut r = vec![0.0; n];
            if let Ok(mm) = at(t) {
                mm.reward(h, l, &mut r);
            }
            nalgebra::DVector::from_vec(r)
        },
        |_, v| {
            let mut tb = vec![0.0; np];
            if let Err(e) = m.reward_vjp_theta(h, l, v.as_slice(), &mut tb) {
                *err.borrow_mut() = Some(e);
            }
            nalgebra::DVector::from_vec(tb)
        },
        &theta0,
        &r_bar,
        step,
    );
    let transition = opt_core::check::check_vjp(
        |t| {
            let mut k = m.new_kernel();
            if let Ok(mm) = at(t) {
                mm.transition(h, l, &mut k);
            }
            nalgebra::DVector::from_vec(k.to_dense())
        },
        |_, _| {
            let mut tb = vec![0.0; np];
            if let Err(e) = m.transition_vjp_theta(h, l, &p_bar, &mut tb) {
                *err.borrow_mut() = Some(e);
            }
            nalgebra::DVector::from_vec(tb)
        },
        &theta0,
        &p_restricted,
        step,
    );
    if let Some(e) = err.into_inner() {
        return Err(e);
    }
    Ok(VjpCheck {
        reward: reward.max_rel_error,
        transition: transition.max_rel_error,
    })
}

//! The [`Potential`] trait: a user's V: R^d → R with its gradient (and optionally its Hessian),
//! and the closure adapter [`FnPotential`].
//!
//! The Gibbs measure sampled at temperature ε is μ_ε ∝ exp(−V/ε) (arXiv:2501.00429, §1); every
//! sampler and solver of this crate only needs `value` and `grad`. Slices rather than `DVector`s
//! keep the per-step cost of a 2-D chain at a few nanoseconds.

use crate::error::{LangevinError, Result};

/// A potential V on R^d.
pub trait Potential {
    /// The dimension d.
    fn dim(&self) -> usize;
    /// V(x).
    fn value(&self, x: &[f64]) -> f64;
    /// Writes ∇V(x) into `out` (length d).
    fn grad(&self, x: &[f64], out: &mut [f64]);
    /// V(x), writing ∇V(x) into `out`; override when the two share work.
    fn value_grad(&self, x: &[f64], out: &mut [f64]) -> f64 {
        self.grad(x, out);
        self.value(x)
    }
    /// Writes the Hessian ∇²V(x) row-major into `out` (length d²), or [`LangevinError::NoHessian`].
    fn hessian(&self, _x: &[f64], _out: &mut [f64]) -> Result<()> {
        Err(LangevinError::NoHessian)
    }
}

impl<P: Potential + ?Sized> Potential for &P {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn value(&self, x: &[f64]) -> f64 {
        (**self).value(x)
    }
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        (**self).grad(x, out)
    }
    fn value_grad(&self, x: &[f64], out: &mut [f64]) -> f64 {
        (**self).value_grad(x, out)
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        (**self).hessian(x, out)
    }
}

/// Placeholder Hessian type of an [`FnPotential`] without a Hessian.
pub type NoHessianFn = fn(&[f64], &mut [f64]);

/// A potential from closures: `value(x)`, `grad(x, out)` and optionally `hessian(x, out)`.
///
/// ```
/// use langevin::{FnPotential, Potential};
/// // V(x) = (x² − 1)², the 1-D double well
/// let v = FnPotential::new(1, |x: &[f64]| (x[0] * x[0] - 1.0).powi(2), |x: &[f64], g: &mut [f64]| {
///     g[0] = 4.0 * x[0] * (x[0] * x[0] - 1.0)
/// });
/// let mut g = [0.0];
/// v.grad(&[2.0], &mut g);
/// assert_eq!(g[0], 24.0);
/// ```
#[derive(Clone)]
pub struct FnPotential<F, G, H = NoHessianFn> {
    dim: usize,
    f: F,
    g: G,
    h: Option<H>,
}

impl<F, G> FnPotential<F, G>
where
    F: Fn(&[f64]) -> f64,
    G: Fn(&[f64], &mut [f64]),
{
    /// A potential on R^`dim` with value `f` and gradient `g`.
    pub fn new(dim: usize, f: F, g: G) -> Self {
        Self { dim, f, g, h: None }
    }
}

impl<F, G, H> FnPotential<F, G, H> {
    /// Adds a Hessian closure writing ∇²V(x) row-major.
    pub fn with_hessian<H2>(self, h: H2) -> FnPotential<F, G, H2>
    where
        H2: Fn(&[f64], &mut [f64]),
    {
        FnPotential {
            dim: self.dim,
            f: self.f,
            g: self.g,
            h: Some(h),
        }
    }
}

impl<F, G, H> Potential for FnPotential<F, G, H>
where
    F: Fn(&[f64]) -> f64,
    G: Fn(&[f64], &mut [f64]),
    H: Fn(&[f64], &mut [f64]),
{
    fn dim(&self) -> usize {
        self.dim
    }
    fn value(&self, x: &[f64]) -> f64 {
        (self.f)(x)
    }
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        (self.g)(x, out)
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        match &self.h {
            Some(h) => {
                h(x, out);
                Ok(())
            }
            None => Err(LangevinError::NoHessian),
        }
    }
}

/// Relative error `max_i |g_i − ĝ_i| / max(1, max_i |ĝ_i|)` between ∇V(x) and central differences
/// `ĝ_i = (V(x + s e_i) − V(x − s e_i)) / (2s)` with step `s`.
pub fn check_gradient<P: Potential + ?Sized>(pot: &P, x: &[f64], step: f64) -> Result<f64> {
    crate::error::positive("step", step)?;
    crate::error::same_len("x", pot.dim(), x.len())?;
    let mut g = vec![0.0; x.len()];
    pot.grad(x, &mut g);
    let mut xp = x.to_vec();
    let (mut err, mut scale) = (0.0_f64, 1.0_f64);
    for i in 0..x.len() {
        xp[i] = x[i] + step;
        let vp = pot.value(&xp);
        xp[i] = x[i] - step;
        let vm = pot.value(&xp);
        xp[i] = x[i];
        let fd = (vp - vm) / (2.0 * step);
        err = err.max((fd - g[i]).abs());
        scale = scale.max(fd.abs());
    }
    Ok(err / scale)
}

/// Relative error of the Hessian against central differences of the gradient (same convention
/// as [`check_gradient`]).
pub fn check_hessian<P: Potential + ?Sized>(pot: &P, x: &[f64], step: f64) -> Result<f64> {
    crate::error::positive("step", step)?;
    let d = pot.dim();
    crate::error::same_len("x", d, x.len())?;
    let mut h = vec![0.0; d * d];
    pot.hessian(x, &mut h)?;
    let (mut gp, mut gm, mut xp) = (vec![0.0; d], vec![0.0; d], x.to_vec());
    let (mut err, mut scale) = (0.0_f64, 1.0_f64);
    for j in 0..d {
        xp[j] = x[j] + step;
        pot.grad(&xp, &mut gp);
        xp[j] = x[j] - step;
        pot.grad(&xp, &mut gm);
        xp[j] = x[j];
        for i in 0..d {
            let fd = (gp[i] - gm[i]) / (2.0 * step);
            err = err.max((fd - h[i * d + j]).abs());
            scale = scale.max(fd.abs());
        }
    }
    Ok(err / scale)
}

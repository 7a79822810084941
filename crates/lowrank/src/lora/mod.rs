//! LoRA adapters on opt-core MLPs with the LoRA, PiSSA, NoRA and NoRA+ initialisations
//! (arXiv 2410.18965, §5; official code `BingcongLi/NoRA`, `peft/.../lora.py`, `my_trainer.py`).
//!
//! A LoRA layer computes `h = W_0 x + b + s·B A x` with `s = α/r`, `A ∈ ℝ^{r×d_in}`, `B ∈ ℝ^{d_out×r}`;
//! `W_0` and `b` are frozen. Initialisations ([`LoraInit`]):
//! * `Kaiming`: `A_ij ~ U(−1/√d_in, 1/√d_in)` (PyTorch's `kaiming_uniform_(a = √5)`), `B = 0`;
//! * `Pissa`: `W_0 = USVᵀ`, `B = U_r S_r^{1/2}/√s`, `A = S_r^{1/2}V_rᵀ/√s`, base replaced by the
//!   residual `W_0 − sBA`;
//! * `Nora { sigma }`: `A = (σ/s) ΩᵀW_0`, `Ω ∈ ℝ^{d_out×r}`, `Ω_ij ~ N(0,1)`, `B = 0` (the intended
//!   semantics of `sketchy_A_init`; the released code assigns the sketch to the wrong attribute);
//! * `NoraPlus { sigma }`: the NoRA init, trained with the NoRA+ preconditioner
//!   ([`LoraMlp::precondition`]): `g_A ← P_A g_A/‖P_A‖_F` (skipped at step 0), `g_B ← g_B P_B/‖P_B‖_F`,
//!   `P_A = (BᵀB + λI)^{-1}`, `P_B = (AAᵀ + λI)^{-1}`, λ = 1e-6.
//!
//! [`grad_sketch`] (spec L6, an extension, not the paper) sketches the gradient instead of `W_0`.
//!
//! Paper symbols: `W_0` → base weights of [`LoraMlp::base`], `A`, `B` → [`LoraMlp::a`], [`LoraMlp::b`],
//! `s = α/r` → [`LoraMlp::scale`], σ → `sigma`, λ → `lambda`.

mod mlp;

pub use mlp::{LoraMlp, LoraWorkspace};

use crate::error::Result;
use crate::problem::top_svd;
use nalgebra::DMatrix;
use opt_core::error::ensure_positive;
use opt_core::rng::{Rng, RngExt, fill_standard_normal};

/// NoRA's default σ in the released scripts.
pub const NORA_SIGMA: f64 = 0.02;
/// NoRA+'s damping λ in `my_trainer.py`.
pub const NORA_PLUS_LAMBDA: f64 = 1e-6;

/// How the adapters start.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LoraInit {
    /// Kaiming-uniform `A`, `B = 0` (PEFT's default).
    Kaiming,
    /// Top-`r` SVD of `W_0` into `(B, A)`; the base keeps the residual.
    Pissa,
    /// Nyström sketch `A = (σ/s)ΩᵀW_0`, `B = 0`.
    Nora {
        /// Sketch scale σ > 0 (0.02 in the scripts).
        sigma: f64,
    },
    /// The NoRA init plus the NoRA+ gradient preconditioner during training.
    NoraPlus {
        /// Sketch scale σ > 0.
        sigma: f64,
    },
}

impl LoraInit {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if let LoraInit::Nora { sigma } | LoraInit::NoraPlus { sigma } = *self {
            ensure_positive("sigma", sigma)?;
        }
        Ok(())
    }
    /// True for [`LoraInit::NoraPlus`]: train with [`LoraMlp::precondition`].
    pub fn uses_preconditioner(&self) -> bool {
        matches!(self, LoraInit::NoraPlus { .. })
    }
    /// A short name for tables.
    pub fn name(&self) -> &'static str {
        match self {
            LoraInit::Kaiming => "LoRA (Kaiming)",
            LoraInit::Pissa => "PiSSA",
            LoraInit::Nora { .. } => "NoRA",
            LoraInit::NoraPlus { .. } => "NoRA+",
        }
    }
}

/// Initial `(A, B, W_base)` for a layer with weight `w0` (`d_out × d_in`), rank `r`, scale `s`.
pub fn init_factors(
    w0: &DMatrix<f64>,
    r: usize,
    s: f64,
    init: LoraInit,
    rng: &mut Rng,
) -> Result<(DMatrix<f64>, DMatrix<f64>, DMatrix<f64>)> {
    init.validate()?;
    let (d_out, d_in) = w0.shape();
    Ok(match init {
        LoraInit::Kaiming => {
            let bound = 1.0 / (d_in as f64).sqrt();
            let a = DMatrix::from_fn(r, d_in, |_, _| bound * (2.0 * rng.random::<f64>() - 1.0));
            (a, DMatrix::zeros(d_out, r), w0.clone())
        }
        LoraInit::Pissa => {
            let (u, sv, v) = top_svd(w0, r);
            let b = DMatrix::from_fn(d_out, r, |i, j| u[(i, j)] * (sv[j] / s).sqrt());
            let a = DMatrix::from_fn(r, d_in, |i, j| v[(j, i)] * (sv[i] / s).sqrt());
            let residual = w0 - (&b * &a) * s;
            (a, b, residual)
        }
        LoraInit::Nora { sigma } | LoraInit::NoraPlus { sigma } => {
            let mut omega = DMatrix::zeros(d_out, r);
            fill_standard_normal(rng, omega.as_mut_slice());
            let a = omega.transpose() * w0 * (sigma / s);
            (a, DMatrix::zeros(d_out, r), w0.clone())
        }
    })
}

/// Gradient-sketch init (spec L6, extension): `A = (σ/s) Ωᵀ(−∇_W L(W_0))`, `B = 0`; the exact
/// matrix-factorisation analogue of Nyström when the loss is `½‖W − W*‖²`.
pub fn grad_sketch(
    grad_w0: &DMatrix<f64>,
    r: usize,
    s: f64,
    sigma: f64,
    rng: &mut Rng,
) -> Result<(DMatrix<f64>, DMatrix<f64>)> {
    ensure_positive("sigma", sigma)?;
    ensure_positive("s", s)?;
    let mut omega = DMatrix::zeros(grad_w0.nrows(), r);
    fill_standard_normal(rng, omega.as_mut_slice());
    let a = omega.transpose() * grad_w0 * (-sigma / s);
    Ok((a, DMatrix::zeros(grad_w0.nrows(), r)))
}

/// Population loss of a linear layer under `x ~ N(0, diag(σ_x))`:
/// `½ E‖(W − W*)x‖² = ½ Σ_j σ_x[j] ‖(W − W*)_{:,j}‖²`.
pub fn population_loss(w: &DMatrix<f64>, w_star: &DMatrix<f64>, sigma_x: &[f64]) -> Result<f64> {
    opt_core::error::ensure_shape("W*", w.shape(), w_star.shape())?;
    opt_core::error::ensure_len("sigma_x", w.ncols(), sigma_x.len())?;
    Ok(0.5
        * (0..w.ncols())
            .map(|j| sigma_x[j] * (w.column(j) - w_star.column(j)).norm_squared())
            .sum::<f64>())
}

#[cfg(test)]
mod tests;

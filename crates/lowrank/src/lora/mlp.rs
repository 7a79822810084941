//! [`LoraMlp`]: a frozen opt-core [`Mlp`] with a rank-`r` adapter on every dense layer.
//!
//! Forward (one sample per column): `U_l = A_l H_{l−1}`, `Z_l = W_l H_{l−1} + b_l 1ᵀ + s B_l U_l`,
//! `H_l = σ_l(Z_l)`. Backward with `Δ_l = ∂L/∂Z_l`: `∂L/∂B_l = s Δ_l U_lᵀ`, `∂L/∂A_l = s (B_lᵀΔ_l) H_{l−1}ᵀ`,
//! `∂L/∂H_{l−1} = W_lᵀΔ_l + s A_lᵀ(B_lᵀΔ_l)`. Adapter parameters live in one flat vector (per layer:
//! `A_l` column-major, then `B_l`) that opt-core optimisers update.

use super::{LoraInit, init_factors};
use crate::error::Result;
use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut, DVector};
use opt_core::error::{Error, ensure_len, ensure_shape};
use opt_core::nn::Mlp;
use opt_core::optim::Optimizer;
use opt_core::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    fan_in: usize,
    fan_out: usize,
    a_off: usize,
    b_off: usize,
}

/// An MLP with frozen base weights and trainable LoRA adapters.
#[derive(Debug, Clone)]
pub struct LoraMlp {
    base: Mlp,
    rank: usize,
    scale: f64,
    init: LoraInit,
    layers: Vec<Layout>,
    params: DVector<f64>,
}

/// Buffers of one forward/backward pass.
#[derive(Debug, Clone, Default)]
pub struct LoraWorkspace {
    post: Vec<DMatrix<f64>>,
    pre: Vec<DMatrix<f64>>,
    u: Vec<DMatrix<f64>>,
    u_t: Vec<DMatrix<f64>>,
    post_t: Vec<DMatrix<f64>>,
    delta: Vec<DMatrix<f64>>,
    btd: Vec<DMatrix<f64>>,
    grad_out: DMatrix<f64>,
}

impl LoraWorkspace {
    /// The output of the last forward pass.
    pub fn output(&self) -> &DMatrix<f64> {
        self.post.last().expect("workspace used before forward")
    }
}

impl LoraMlp {
    /// Adapters of rank `rank` and scale `s = alpha / rank` on every layer of `base`.
    pub fn new(base: &Mlp, rank: usize, alpha: f64, init: LoraInit, rng: &mut Rng) -> Result<Self> {
        opt_core::error::ensure_positive("alpha", alpha)?;
        init.validate()?;
        let sizes = base.sizes();
        let max = sizes.iter().copied().min().unwrap_or(0);
        if rank == 0 || rank > max {
            return Err(crate::LowrankError::InvalidRank { r: rank, max });
        }
        let scale = alpha / rank as f64;
        let mut base = base.clone();
        let mut layers = Vec::new();
        let mut off = 0;
        for w in sizes.windows(2) {
            let (fan_in, fan_out) = (w[0], w[1]);
            layers.push(Layout {
                fan_in,
                fan_out,
                a_off: off,
                b_off: off + rank * fan_in,
            });
            off += rank * (fan_in + fan_out);
        }
        let mut params = DVector::zeros(off);
        for (l, y) in layers.iter().enumerate() {
            let w0 = base.weight(l).clone_owned();
            let (a, b, w_base) = init_factors(&w0, rank, scale, init, rng)?;
            params.as_mut_slice()[y.a_off..y.b_off].copy_from_slice(a.as_slice());
            params.as_mut_slice()[y.b_off..y.b_off + rank * y.fan_out]
                .copy_from_slice(b.as_slice());
            base.weight_mut(l).copy_from(&w_base);
        }
        Ok(Self {
            base,
            rank,
            scale,
            init,
            layers,
            params,
        })
    }

    /// The frozen base network (for PiSSA: with the residual weights).
    pub fn base(&self) -> &Mlp {
        &self.base
    }
    /// Adapter rank `r`.
    pub fn rank(&self) -> usize {
        self.rank
    }
    /// `s = α / r`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// The initialisation used.
    pub fn init(&self) -> LoraInit {
        self.init
    }
    /// Flat adapter parameters.
    pub fn params(&self) -> &DVector<f64> {
        &self.params
    }
    /// Mutable flat adapter parameters (for optimisers).
    pub fn params_mut(&mut self) -> &mut DVector<f64> {
        &mut self.params
    }
    /// Number of adapter parameters.
    pub fn num_params(&self) -> usize {
        self.params.len()
    }
    /// `A_l` (`r × fan_in`).
    pub fn a(&self, l: usize) -> DMatrixView<'_, f64> {
        let y = &self.layers[l];
        DMatrixView::from_slice(
            &self.params.as_slice()[y.a_off..y.b_off],
            self.rank,
            y.fan_in,
        )
    }
    /// `B_l` (`fan_out × r`).
    pub fn b(&self, l: usize) -> DMatrixView<'_, f64> {
        let y = &self.layers[l];
        DMatrixView::from_slice(
            &self.params.as_slice()[y.b_off..y.b_off + self.rank * y.fan_out],
            y.fan_out,
            self.rank,
        )
    }
    /// Mutable `A_l`.
    pub fn a_mut(&mut self, l: usize) -> DMatrixViewMut<'_, f64> {
        let y = self.layers[l];
        DMatrixViewMut::from_slice(
            &mut self.params.as_mut_slice()[y.a_off..y.b_off],
            self.rank,
            y.fan_in,
        )
    }
    /// Mutable `B_l`.
    pub fn b_mut(&mut self, l: usize) -> DMatrixViewMut<'_, f64> {
        let y = self.layers[l];
        let r = self.rank;
        DMatrixViewMut::from_slice(
            &mut self.params.as_mut_slice()[y.b_off..y.b_off + r * y.fan_out],
            y.fan_out,
            r,
        )
    }
    /// `ΔW_l = s B_l A_l`.
    pub fn delta(&self, l: usize) -> DMatrix<f64> {
        (self.b(l) * self.a(l)) * self.scale
    }

    /// The merged network: `W_l ← W_l + s B_l A_l` (forward outputs equal this model's).
    pub fn merged(&self) -> Mlp {
        let mut m = self.base.clone();
        for l in 0..self.layers.len() {
            let d = self.delta(l);
            let mut w = m.weight_mut(l);
            w += &d;
        }
        m
    }

    fn prepare(&self, ws: &mut LoraWorkspace, batch: usize) {
        let nl = self.layers.len();
        if ws.post.len() == nl + 1 && ws.post[0].ncols() == batch {
            return;
        }
        let r = self.rank;
        ws.post = std::iter::once(DMatrix::zeros(self.layers[0].fan_in, batch))
            .chain(self.layers.iter().map(|y| DMatrix::zeros(y.fan_out, batch)))
            .collect();
        ws.pre = self
            .layers
            .iter()
            .map(|y| DMatrix::zeros(y.fan_out, batch))
            .collect();
        ws.delta = ws.pre.clone();
        ws.u = vec![DMatrix::zeros(r, batch); nl];
        ws.btd = ws.u.clone();
        ws.u_t = vec![DMatrix::zeros(batch, r); nl];
        ws.post_t = self
            .layers
            .iter()
            .map(|y| DMatrix::zeros(batch, y.fan_in))
            .collect();
        ws.grad_out = DMatrix::zeros(self.layers[nl - 1].fan_out, batch);
    }

    /// Forward pass on `x` (`n_0 × B`); returns the output (kept in `ws` for backward).
    pub fn forward<'w>(
        &self,
        x: &DMatrix<f64>,
        ws: &'w mut LoraWorkspace,
    ) -> Result<&'w DMatrix<f64>> {
        ensure_len("x.nrows()", self.layers[0].fan_in, x.nrows())?;
        if x.ncols() == 0 {
            return Err(Error::invalid("x", "empty batch (0 columns)").into());
        }
        opt_core::error::ensure_finite("x", x.as_slice())?;
        self.prepare(ws, x.ncols());
        ws.post[0].copy_from(x);
        for l in 0..self.layers.len() {
            let (before, after) = ws.post.split_at_mut(l + 1);
            let h = &before[l];
            let z = &mut ws.pre[l];
            z.gemm(1.0, &self.base.weight(l), h, 0.0);
            let b = self.base.bias(l);
            for mut col in z.column_iter_mut() {
                col += &b;
            }
            ws.u[l].gemm(1.0, &self.a(l), h, 0.0);
            z.gemm(self.scale, &self.b(l), &ws.u[l], 1.0);
            let act = self.base.activation(l);
            after[0].zip_apply(z, |o, zv| *o = act.apply(zv));
        }
        Ok(ws.output())
    }

    /// Backward pass after [`LoraMlp::forward`]: writes `∂L/∂(adapters)` into `grad` and, when
    /// asked, `∂L/∂x` into `grad_input`.
    pub fn backward(
        &self,
        ws: &mut LoraWorkspace,
        grad_output: &DMatrix<f64>,
        grad: &mut DVector<f64>,
        grad_input: Option<&mut DMatrix<f64>>,
    ) -> Result<()> {
        let nl = self.layers.len();
        if ws.post.len() != nl + 1 {
            return Err(Error::invalid("ws", "backward called before forward").into());
        }
        let batch = ws.post[0].ncols();
        ensure_shape(
            "grad_output",
            (self.layers[nl - 1].fan_out, batch),
            grad_output.shape(),
        )?;
        ensure_len("grad", self.params.len(), grad.len())?;
        let r = self.rank;
        for l in (0..nl).rev() {
            let y = self.layers[l];
            let act = self.base.activation(l);
            if l == nl - 1 {
                ws.delta[l].copy_from(grad_output);
            } else {
                let (lo, hi) = ws.delta.split_at_mut(l + 1);
                lo[l].gemm_tr(1.0, &self.base.weight(l + 1), &hi[0], 0.0);
                lo[l].gemm_tr(self.scale, &self.a(l + 1), &ws.btd[l + 1], 1.0);
            }
            ws.delta[l].zip_apply(&ws.pre[l], |d, z| *d *= act.derivative(z));
            ws.btd[l].gemm_tr(1.0, &self.b(l), &ws.delta[l], 0.0);
            let g = grad.as_mut_slice();
            let (ga, gb) = g[y.a_off..y.b_off + r * y.fan_out].split_at_mut(r * y.fan_in);
            let mut ga = DMatrixViewMut::from_slice(ga, r, y.fan_in);
            let mut gb = DMatrixViewMut::from_slice(gb, y.fan_out, r);
            ws.u[l].transpose_to(&mut ws.u_t[l]);
            gb.gemm(self.scale, &ws.delta[l], &ws.u_t[l], 0.0);
            ws.post[l].transpose_to(&mut ws.post_t[l]);
            ga.gemm(self.scale, &ws.btd[l], &ws.post_t[l], 0.0);
        }
        if let Some(gi) = grad_input {
            ensure_shape("grad_input", (self.layers[0].fan_in, batch), gi.shape())?;
            gi.gemm_tr(1.0, &self.base.weight(0), &ws.delta[0], 0.0);
            gi.gemm_tr(self.scale, &self.a(0), &ws.btd[0], 1.0);
        }
        Ok(())
    }

    /// The NoRA+ preconditioner on a gradient (`step` = optimiser steps taken so far):
    /// `g_A ← P_A g_A / ‖P_A‖_F` (skipped at step 0, where `B = 0`), `g_B ← g_B P_B / ‖P_B‖_F`,
    /// `P_A = (BᵀB + λI)^{-1}`, `P_B = (AAᵀ + λI)^{-1}`. With `normalise = false` it is the
    /// ScaledGD(λ) / Riemannian preconditioner (oracle 9). Allocates `r × r` matrices per layer.
    pub fn precondition(
        &self,
        grad: &mut DVector<f64>,
        step: usize,
        lambda: f64,
        normalise: bool,
    ) -> Result<()> {
        opt_core::error::ensure_non_negative("lambda", lambda)?;
        ensure_len("grad", self.params.len(), grad.len())?;
        let r = self.rank;
        for (l, y) in self.layers.iter().enumerate() {
            let inv = |m: DMatrix<f64>| -> Result<DMatrix<f64>> {
                let p = (m + DMatrix::<f64>::identity(r, r) * lambda)
                    .cholesky()
                    .ok_or(crate::LowrankError::SingularGram {
                        cond: f64::INFINITY,
                    })?
                    .inverse();
                let n = if normalise { p.norm() } else { 1.0 };
                Ok(p / n)
            };
            let b = self.b(l);
            let a = self.a(l);
            let pb = inv(a * a.transpose())?;
            let pa = if step > 0 {
                Some(inv(b.transpose() * b)?)
            } else {
                None
            };
            let g = grad.as_mut_slice();
            let (ga, gb) = g[y.a_off..y.b_off + r * y.fan_out].split_at_mut(r * y.fan_in);
            let mut gb = DMatrixViewMut::from_slice(gb, y.fan_out, r);
            let new_b = &gb * &pb;
            gb.copy_from(&new_b);
            if let Some(pa) = pa {
                let mut ga = DMatrixViewMut::from_slice(ga, r, y.fan_in);
                let new_a = &pa * &ga;
                ga.copy_from(&new_a);
            }
        }
        Ok(())
    }

    /// One training step on a labelled batch with softmax cross-entropy: forward, backward,
    /// optional NoRA+ preconditioning ([`LoraInit::NoraPlus`], λ = 1e-6), then `opt.step`.
    /// Returns the batch loss before the update.
    pub fn train_step_classification(
        &mut self,
        x: &DMatrix<f64>,
        labels: &[usize],
        opt: &mut dyn Optimizer,
        ws: &mut LoraWorkspace,
        grad: &mut DVector<f64>,
    ) -> Result<f64> {
        self.forward(x, ws)?;
        let mut g_out = std::mem::take(&mut ws.grad_out);
        let loss = opt_core::nn::loss::softmax_cross_entropy(ws.output(), labels, &mut g_out)?;
        let res = self.backward(ws, &g_out, grad, None);
        ws.grad_out = g_out;
        res?;
        if self.init.uses_preconditioner() {
            self.precondition(grad, opt.iterations(), super::NORA_PLUS_LAMBDA, true)?;
        }
        opt.step(self.params.as_mut_slice(), grad.as_slice())?;
        Ok(loss)
    }
}

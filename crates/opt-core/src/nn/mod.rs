//! Small dense MLPs with hand-written backprop, checked by finite differences.
//!
//! An [`Mlp`] with layer sizes `n_0, ..., n_L` computes, on a batch `X` (`n_0 × B`, one sample per
//! column), `A_0 = X`, `Z_l = W_l A_{l−1} + b_l 1ᵀ`, `A_l = σ_l(Z_l)`. All weights and biases live in
//! one flat parameter vector (layer by layer: `W_l` column-major, then `b_l`), which is what the
//! optimisers in [`crate::optim`] update. Forward and backward write into an [`MlpWorkspace`]
//! allocated once per batch size.

mod activation;
pub mod loss;

pub use activation::Activation;

use crate::error::{Error, Result, ensure_at_least, ensure_len, ensure_shape};
use crate::rng::{Rng, RngExt, standard_normal};
use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut, DVector, DVectorView};

/// Weight initialisation (biases start at zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Init {
    /// Glorot/Xavier uniform: `W_ij ~ U(−a, a)`, `a = sqrt(6 / (fan_in + fan_out))`.
    XavierUniform,
    /// Glorot/Xavier normal: `W_ij ~ N(0, 2 / (fan_in + fan_out))`.
    XavierNormal,
    /// He/Kaiming normal: `W_ij ~ N(0, 2 / fan_in)` (for ReLU-like activations).
    KaimingNormal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LayerLayout {
    fan_in: usize,
    fan_out: usize,
    w_offset: usize,
    b_offset: usize,
}

/// A dense multilayer perceptron.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    layers: Vec<LayerLayout>,
    activations: Vec<Activation>,
    params: DVector<f64>,
}

/// Buffers of one forward/backward pass (`pre[l] = Z_{l+1}`, `post[l] = A_l`).
#[derive(Debug, Clone, Default)]
pub struct MlpWorkspace {
    pre: Vec<DMatrix<f64>>,
    post: Vec<DMatrix<f64>>,
    delta: Vec<DMatrix<f64>>,
    post_t: Vec<DMatrix<f64>>,
}

impl MlpWorkspace {
    /// The output `A_L` of the last forward pass.
    pub fn output(&self) -> &DMatrix<f64> {
        self.post.last().expect("workspace used before forward")
    }
}

impl Mlp {
    /// A network with layer sizes `sizes` (input first), `hidden` activation on every hidden layer
    /// and `output` on the last, initialised from `rng`.
    pub fn new(
        sizes: &[usize],
        hidden: Activation,
        output: Activation,
        init: Init,
        rng: &mut Rng,
    ) -> Result<Self> {
        ensure_at_least("sizes.len()", sizes.len(), 2)?;
        if let Some(i) = sizes.iter().position(|&s| s == 0) {
            return Err(Error::invalid("sizes", format!("layer {i} has width 0")));
        }
        let mut layers = Vec::with_capacity(sizes.len() - 1);
        let mut off = 0;
        for w in sizes.windows(2) {
            let (fan_in, fan_out) = (w[0], w[1]);
            layers.push(LayerLayout {
                fan_in,
                fan_out,
                w_offset: off,
                b_offset: off + fan_in * fan_out,
            });
            off += fan_in * fan_out + fan_out;
        }
        let mut activations = vec![hidden; layers.len()];
        *activations.last_mut().expect("at least one layer") = output;
        let mut params = DVector::zeros(off);
        for l in &layers {
            let (fi, fo) = (l.fan_in as f64, l.fan_out as f64);
            let w = &mut params.as_mut_slice()[l.w_offset..l.b_offset];
            match init {
                Init::XavierUniform => {
                    let a = (6.0 / (fi + fo)).sqrt();
                    w.iter_mut()
                        .for_each(|v| *v = a * (2.0 * rng.random::<f64>() - 1.0));
                }
                Init::XavierNormal => {
                    let s = (2.0 / (fi + fo)).sqrt();
                    w.iter_mut().for_each(|v| *v = s * standard_normal(rng));
                }
                Init::KaimingNormal => {
                    let s = (2.0 / fi).sqrt();
                    w.iter_mut().for_each(|v| *v = s * standard_normal(rng));
                }
            }
        }
        Ok(Self {
            layers,
            activations,
            params,
        })
    }

    /// Layer sizes, input first.
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.layers[0].fan_in)
            .chain(self.layers.iter().map(|l| l.fan_out))
            .collect()
    }
    /// Number of dense layers `L`.
    pub fn num_layers(&self) -> usize {
        self.layers.len()
    }
    /// Input width `n_0`.
    pub fn input_dim(&self) -> usize {
        self.layers[0].fan_in
    }
    /// Output width `n_L`.
    pub fn output_dim(&self) -> usize {
        self.layers[self.layers.len() - 1].fan_out
    }
    /// Activation of layer `l` (0-based).
    pub fn activation(&self, l: usize) -> Activation {
        self.activations[l]
    }
    /// The flat parameter vector.
    pub fn params(&self) -> &DVector<f64> {
        &self.params
    }
    /// Mutable flat parameters (for optimisers).
    pub fn params_mut(&mut self) -> &mut DVector<f64> {
        &mut self.params
    }
    /// Replaces all parameters.
    pub fn set_params(&mut self, p: &DVector<f64>) -> Result<()> {
        ensure_len("params", self.params.len(), p.len())?;
        crate::error::ensure_finite("params", p.as_slice())?;
        self.params.copy_from(p);
        Ok(())
    }
    /// Number of parameters.
    pub fn num_params(&self) -> usize {
        self.params.len()
    }
    /// `W_l` (`fan_out × fan_in`).
    pub fn weight(&self, l: usize) -> DMatrixView<'_, f64> {
        let y = &self.layers[l];
        DMatrixView::from_slice(
            &self.params.as_slice()[y.w_offset..y.b_offset],
            y.fan_out,
            y.fan_in,
        )
    }
    /// Mutable `W_l`.
    pub fn weight_mut(&mut self, l: usize) -> DMatrixViewMut<'_, f64> {
        let y = self.layers[l];
        DMatrixViewMut::from_slice(
            &mut self.params.as_mut_slice()[y.w_offset..y.b_offset],
            y.fan_out,
            y.fan_in,
        )
    }
    /// `b_l`.
    pub fn bias(&self, l: usize) -> DVectorView<'_, f64> {
        let y = &self.layers[l];
        DVectorView::from_slice(
            &self.params.as_slice()[y.b_offset..y.b_offset + y.fan_out],
            y.fan_out,
        )
    }
    /// The range of layer `l`'s parameters (`W_l` then `b_l`) in the flat vector.
    pub fn layer_range(&self, l: usize) -> std::ops::Range<usize> {
        let y = &self.layers[l];
        y.w_offset..y.b_offset + y.fan_out
    }

    fn prepare(&self, ws: &mut MlpWorkspace, batch: usize) {
        let l = self.layers.len();
        let fits = ws.post.len() == l + 1 && ws.post[0].ncols() == batch;
        if !fits {
            ws.post = std::iter::once(DMatrix::zeros(self.input_dim(), batch))
                .chain(self.layers.iter().map(|y| DMatrix::zeros(y.fan_out, batch)))
                .collect();
            ws.pre = self
                .layers
                .iter()
                .map(|y| DMatrix::zeros(y.fan_out, batch))
                .collect();
            ws.delta = ws.pre.clone();
            ws.post_t = ws.post[..l]
                .iter()
                .map(|a| DMatrix::zeros(batch, a.nrows()))
                .collect();
        }
    }

    /// Forward pass on `x` (`n_0 × B`, `B >= 1`); returns `A_L` (also kept in `ws` for backward).
    pub fn forward<'w>(
        &self,
        x: &DMatrix<f64>,
        ws: &'w mut MlpWorkspace,
    ) -> Result<&'w DMatrix<f64>> {
        ensure_len("x.nrows()", self.input_dim(), x.nrows())?;
        if x.ncols() == 0 {
            return Err(Error::invalid("x", "empty batch (0 columns)"));
        }
        self.prepare(ws, x.ncols());
        ws.post[0].copy_from(x);
        for (l, y) in self.layers.iter().enumerate() {
            let w = self.weight(l);
            let b = self.bias(l);
            let (before, after) = ws.post.split_at_mut(l + 1);
            let z = &mut ws.pre[l];
            z.gemm(1.0, &w, &before[l], 0.0);
            for mut col in z.column_iter_mut() {
                col += &b;
            }
            let act = self.activations[l];
            after[0].zip_apply(z, |a, zv| *a = act.apply(zv));
            debug_assert_eq!(after[0].nrows(), y.fan_out);
        }
        Ok(ws.output())
    }

    /// Allocating forward pass (evaluation, not hot loops).
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        let mut ws = MlpWorkspace::default();
        Ok(self.forward(x, &mut ws)?.clone())
    }

    /// Backward pass after [`Mlp::forward`] on the same workspace.
    ///
    /// Given `grad_output = ∂L/∂A_L`, writes (overwrites) `∂L/∂θ` into `grad_params` and, when
    /// asked, `∂L/∂X` into `grad_input`: `Δ_l = (W_{l+1}ᵀ Δ_{l+1}) ⊙ σ_l'(Z_l)`, `∂L/∂W_l = Δ_l A_{l−1}ᵀ`,
    /// `∂L/∂b_l = Δ_l 1`.
    pub fn backward(
        &self,
        ws: &mut MlpWorkspace,
        grad_output: &DMatrix<f64>,
        grad_params: &mut DVector<f64>,
        grad_input: Option<&mut DMatrix<f64>>,
    ) -> Result<()> {
        let nl = self.layers.len();
        if ws.post.len() != nl + 1 {
            return Err(Error::invalid("ws", "backward called before forward"));
        }
        let batch = ws.post[0].ncols();
        ensure_shape(
            "grad_output",
            (self.output_dim(), batch),
            grad_output.shape(),
        )?;
        ensure_len("grad_params", self.params.len(), grad_params.len())?;
        for l in (0..nl).rev() {
            let y = self.layers[l];
            let act = self.activations[l];
            if l == nl - 1 {
                ws.delta[l].copy_from(grad_output);
            } else {
                let (lo, hi) = ws.delta.split_at_mut(l + 1);
                lo[l].gemm_tr(1.0, &self.weight(l + 1), &hi[0], 0.0);
            }
            ws.delta[l].zip_zip_apply(&ws.pre[l], &ws.post[l + 1], |d, z, a| {
                *d *= act.derivative_from(z, a)
            });
            let gp = grad_params.as_mut_slice();
            let (gw, gb) =
                gp[y.w_offset..y.b_offset + y.fan_out].split_at_mut(y.fan_in * y.fan_out);
            let mut gw = DMatrixViewMut::from_slice(gw, y.fan_out, y.fan_in);
            ws.post[l].transpose_to(&mut ws.post_t[l]);
            gw.gemm(1.0, &ws.delta[l], &ws.post_t[l], 0.0);
            for (i, g) in gb.iter_mut().enumerate() {
                *g = ws.delta[l].row(i).sum();
            }
        }
        if let Some(gi) = grad_input {
            ensure_shape("grad_input", (self.input_dim(), batch), gi.shape())?;
            gi.gemm_tr(1.0, &self.weight(0), &ws.delta[0], 0.0);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

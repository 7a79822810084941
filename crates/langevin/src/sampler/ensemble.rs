//! A flat ensemble of chains: chain `i` is `x[i·d .. (i+1)·d]`.

use crate::error::{LangevinError, Result, same_len};
use opt_core::rng::{Rng, stream};

/// M chains in R^d stored in one flat buffer (chain-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    dim: usize,
    x: Vec<f64>,
}

impl Ensemble {
    /// An ensemble from a flat buffer of `n_chains · dim` values.
    pub fn new(dim: usize, x: Vec<f64>) -> Result<Self> {
        if dim == 0 {
            return Err(LangevinError::invalid("dim", "must be >= 1"));
        }
        if x.is_empty() || !x.len().is_multiple_of(dim) {
            return Err(LangevinError::invalid(
                "x",
                format!("length {} is not a positive multiple of dim {dim}", x.len()),
            ));
        }
        opt_core::error::ensure_finite("x", &x)?;
        Ok(Self { dim, x })
    }
    /// `n_chains` copies of `point` (a point mass, e.g. x₀ = (1, 0) on the ring).
    pub fn from_point(point: &[f64], n_chains: usize) -> Result<Self> {
        if n_chains == 0 {
            return Err(LangevinError::invalid("n_chains", "must be >= 1"));
        }
        Self::new(point.len(), point.repeat(n_chains))
    }
    /// Chain `i` initialised by `init(i, &mut stream(seed, "langevin/init", i), x_i)`.
    pub fn from_fn(
        dim: usize,
        n_chains: usize,
        seed: u64,
        init: impl Fn(usize, &mut Rng, &mut [f64]),
    ) -> Result<Self> {
        if n_chains == 0 || dim == 0 {
            return Err(LangevinError::invalid(
                "n_chains",
                "n_chains and dim must be >= 1",
            ));
        }
        let mut x = vec![0.0; dim * n_chains];
        for (i, c) in x.chunks_mut(dim).enumerate() {
            init(i, &mut stream(seed, "langevin/init", i as u64), c);
        }
        Self::new(dim, x)
    }
    /// Dimension d of each chain.
    pub fn dim(&self) -> usize {
        self.dim
    }
    /// Number of chains M.
    pub fn n_chains(&self) -> usize {
        self.x.len() / self.dim
    }
    /// Chain `i`'s state.
    pub fn chain(&self, i: usize) -> &[f64] {
        &self.x[i * self.dim..(i + 1) * self.dim]
    }
    /// Iterator over the chains' states.
    pub fn chains(&self) -> std::slice::ChunksExact<'_, f64> {
        self.x.chunks_exact(self.dim)
    }
    /// The flat buffer.
    pub fn as_slice(&self) -> &[f64] {
        &self.x
    }
    pub(crate) fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.x
    }
    /// Ensemble average (1/M) Σ_i f(x_i), summed in chain order (deterministic).
    pub fn mean_of(&self, f: impl Fn(&[f64]) -> f64) -> f64 {
        self.chains().map(f).sum::<f64>() / self.n_chains() as f64
    }
    /// Checks that the chains live in the potential's dimension.
    pub fn check_dim(&self, pot_dim: usize) -> Result<()> {
        same_len("chain dimension (potential dim)", pot_dim, self.dim)
    }
}

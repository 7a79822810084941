//! Plain gradient descent, the baseline of arXiv 2410.18965 Fig. 1(a).
//!
//! Symmetric: `X ← X − η(XXᵀ − A)X`; asymmetric: `X ← X − η(XYᵀ − A)Y`, `Y ← Y − η(XYᵀ − A)ᵀX`
//! (simultaneous). The experiments use `η = 0.5/σ_1` (symmetric) and `η = 0.3/σ_1` (asymmetric).

use crate::error::Result;
use opt_core::error::ensure_positive;

/// Gradient descent with constant step `eta`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Gd {
    /// Step size η > 0.
    pub eta: f64,
}

impl Gd {
    /// Validated GD.
    pub fn new(eta: f64) -> Result<Self> {
        ensure_positive("eta", eta)?;
        Ok(Self { eta })
    }
    /// Checks `η > 0`.
    pub fn validate(&self) -> Result<()> {
        ensure_positive("eta", self.eta)?;
        Ok(())
    }
}

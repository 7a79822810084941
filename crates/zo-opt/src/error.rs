//! The crate's error type.

/// Which evaluation of a zeroth-order step returned a non-finite value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    /// `f(x + λu)`.
    Plus,
    /// `f(x − λu)`.
    Minus,
    /// `f(x)` (one-sided estimator, sharpness estimators).
    Center,
}

/// Errors of the `zo-opt` crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZoOptError {
    /// A validation or numerical error from opt-core (invalid λ, η, q, dimension mismatch, ...).
    #[error(transparent)]
    Core(#[from] opt_core::Error),
    /// The objective returned NaN or ±∞ at step `t` (the iterate is left at its last finite value).
    #[error("objective returned a non-finite value at step {t} ({side:?} side)")]
    NonFiniteValue {
        /// Step index.
        t: u64,
        /// Which evaluation.
        side: Side,
    },
    /// The exact (grid) in-place perturbation would leave the range where additions on the grid are
    /// exact: `|x_i| + |λ u_i|` exceeded `2^(52 + grid exponent)`.
    #[error(
        "grid overflow at coordinate {index}: |x_i| + |lambda u_i| = {magnitude} exceeds {limit}; use a larger grid exponent"
    )]
    GridOverflow {
        /// Coordinate.
        index: usize,
        /// `|x_i| + |λ u_i|`.
        magnitude: f64,
        /// `2^(52 + exponent)`.
        limit: f64,
    },
}

/// Result alias.
pub type Result<T, E = ZoOptError> = std::result::Result<T, E>;

impl ZoOptError {
    /// Shorthand for an invalid argument.
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        ZoOptError::Core(opt_core::Error::invalid(name, reason))
    }
}

//! The crate's error type.

/// Errors of the `langevin` crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LangevinError {
    /// A validation or numerical error from opt-core.
    #[error(transparent)]
    Core(#[from] opt_core::Error),
    /// V or ∇V returned NaN/∞, or a chain blew up. `chain` names the first such chain (lowest
    /// step, then lowest chain index, so the report does not depend on the thread count).
    #[error("non-finite {what} in chain {chain} at step {step}")]
    NonFinite {
        /// What became non-finite (`"potential"`, `"gradient"`, `"state"`).
        what: &'static str,
        /// The step (counted from the ensemble's creation) at which it happened.
        step: usize,
        /// The chain index.
        chain: usize,
    },
    /// The potential provides no Hessian.
    #[error("this potential provides no Hessian")]
    NoHessian,
    /// The grid spacing does not resolve the low-temperature tube around the minimisers.
    #[error(
        "grid spacing {h} is too coarse for eps = {eps}: the tube width sqrt(eps / curvature) = {tube_width} needs h <= {max_h}"
    )]
    GridTooCoarse {
        /// The grid spacing given.
        h: f64,
        /// The temperature requested.
        eps: f64,
        /// Estimated tube width √(ε/λ_max(H_N)).
        tube_width: f64,
        /// Largest admissible spacing (tube width / 4).
        max_h: f64,
    },
    /// PCG or inverse iteration did not reach its tolerance.
    #[error("not converged after {iters} iterations (residual {residual:e})")]
    NotConverged {
        /// Iterations performed.
        iters: usize,
        /// Final (relative) residual.
        residual: f64,
    },
}

impl LangevinError {
    /// A parameter outside its domain (ε ≤ 0, h ≤ 0, N < 3, no chains, ...): opt-core's
    /// [`opt_core::Error::InvalidArgument`].
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Self::Core(opt_core::Error::invalid(name, reason))
    }
}

/// `Ok` when `value` is finite and > 0 (opt-core's validator).
pub fn positive(name: &'static str, value: f64) -> Result<()> {
    Ok(opt_core::error::ensure_positive(name, value)?)
}

/// `Ok` when `expected == got`, else opt-core's [`opt_core::Error::DimensionMismatch`].
pub fn same_len(what: &'static str, expected: usize, got: usize) -> Result<()> {
    Ok(opt_core::error::ensure_len(what, expected, got)?)
}

/// Result alias.
pub type Result<T, E = LangevinError> = std::result::Result<T, E>;

//! The crate's error type.

/// Errors of the `langevin` crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LangevinError {
    /// A validation or numerical error from opt-core.
    #[error(transparent)]
    Core(#[from] opt_core::Error),
    /// A parameter is outside its domain (ε ≤ 0, h ≤ 0, N < 3, no chains, a tolerance ≤ 0, ...).
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Lengths of states, grids or log-weights disagree (e.g. chains in R^3, potential on R^2).
    #[error("shape mismatch for `{what}`: expected {expected}, got {got}")]
    ShapeMismatch {
        /// Which quantity.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Given length.
        got: usize,
    },
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
    /// Shorthand for [`LangevinError::InvalidParameter`].
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidParameter {
            name,
            reason: reason.into(),
        }
    }
}

/// `Ok` when `value` is finite and > 0, else [`LangevinError::InvalidParameter`].
pub fn positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(LangevinError::invalid(
            name,
            format!("must be finite and > 0, got {value}"),
        ))
    }
}

/// `Ok` when `expected == got`, else [`LangevinError::ShapeMismatch`].
pub fn same_len(what: &'static str, expected: usize, got: usize) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(LangevinError::ShapeMismatch {
            what,
            expected,
            got,
        })
    }
}

/// Result alias.
pub type Result<T, E = LangevinError> = std::result::Result<T, E>;

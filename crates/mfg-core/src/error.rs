//! The crate's error type: every variant names the offending quantity and index.

/// Errors of the `mfg-core` crate.
///
/// Indices follow the crate's flat layouts: a kernel row is `s·|A| + a`, a policy or reward entry
/// of step `h` is `s·|A| + a`, a state entry is `s`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MfgCoreError {
    /// A validation or numerical error from opt-core.
    #[error(transparent)]
    Core(#[from] opt_core::Error),
    /// A length or size does not match the model.
    #[error("shape mismatch for {what}: expected {expected}, got {got}")]
    ShapeMismatch {
        /// Which input.
        what: &'static str,
        /// Expected size.
        expected: usize,
        /// Given size.
        got: usize,
    },
    /// A probability vector (μ0, a kernel row, a policy row) does not sum to 1.
    #[error("{what} at step {h:?}, index {index} sums to {sum}, not 1")]
    NotADistribution {
        /// Which distribution.
        what: &'static str,
        /// Time step, when the quantity has one.
        h: Option<usize>,
        /// Offending index (state for μ0, row `s·|A| + a` for kernels, state for policies).
        index: usize,
        /// The sum found.
        sum: f64,
    },
    /// A probability is negative.
    #[error("{what} at step {h:?}, index {index} is negative ({value})")]
    NegativeProbability {
        /// Which distribution.
        what: &'static str,
        /// Time step, when the quantity has one.
        h: Option<usize>,
        /// Offending flat index.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// A NaN or infinity in an input, a reward, a logit or a value.
    #[error("non-finite {what} at step {h:?}, index {index}")]
    NonFinite {
        /// Which quantity.
        what: &'static str,
        /// Time step (or iteration for solver iterates), when it has one.
        h: Option<usize>,
        /// Offending flat index.
        index: usize,
    },
    /// A hyper-parameter or size outside its domain.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Its value.
        value: f64,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// A VJP was requested from a model that does not provide it.
    #[error("{what} is not differentiable (the model provides no VJP)")]
    NotDifferentiable {
        /// Which derivative.
        what: &'static str,
    },
}

/// Result alias.
pub type Result<T, E = MfgCoreError> = std::result::Result<T, E>;

/// Shorthand for [`MfgCoreError::InvalidParameter`].
pub(crate) fn invalid(name: &'static str, value: f64, reason: &'static str) -> MfgCoreError {
    MfgCoreError::InvalidParameter {
        name,
        value,
        reason,
    }
}

/// Checks `got == expected` for `what`.
pub(crate) fn ensure_shape(what: &'static str, expected: usize, got: usize) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(MfgCoreError::ShapeMismatch {
            what,
            expected,
            got,
        })
    }
}

/// Checks every entry is finite, naming the first bad index.
pub(crate) fn ensure_finite(what: &'static str, h: Option<usize>, xs: &[f64]) -> Result<()> {
    match xs.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(index) => Err(MfgCoreError::NonFinite { what, h, index }),
    }
}

/// Checks that `p` (one distribution) has finite non-negative entries summing to 1 within `tol`.
/// `index` names the distribution (e.g. the kernel row); `offset` is added to entry indices.
pub(crate) fn ensure_distribution(
    what: &'static str,
    h: Option<usize>,
    index: usize,
    offset: usize,
    p: &[f64],
    tol: f64,
) -> Result<()> {
    let mut sum = 0.0;
    for (i, v) in p.iter().enumerate() {
        if !v.is_finite() {
            return Err(MfgCoreError::NonFinite {
                what,
                h,
                index: offset + i,
            });
        }
        if *v < 0.0 {
            return Err(MfgCoreError::NegativeProbability {
                what,
                h,
                index: offset + i,
                value: *v,
            });
        }
        sum += v;
    }
    if (sum - 1.0).abs() > tol {
        return Err(MfgCoreError::NotADistribution {
            what,
            h,
            index,
            sum,
        });
    }
    Ok(())
}

/// Tolerance on sums of probabilities at the API boundary (μ0, kernel rows, policies).
pub const PROB_TOL: f64 = 1e-9;

//! The shared error type and the boundary validators every crate uses.
//!
//! Each algorithm crate wraps [`Error`] in its own `#[non_exhaustive]` enum with `#[from]`, so a
//! user sees one error type per crate while the validation logic lives here once.

/// Errors raised by opt-core's validators, algorithms and decompositions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument is outside its domain (non-positive step size, empty batch, unknown name, ...).
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The argument's name as the caller knows it.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A vector or matrix has the wrong size.
    #[error("dimension mismatch for `{name}`: expected {expected}, got {got}")]
    DimensionMismatch {
        /// The argument's name.
        name: &'static str,
        /// The size that was expected (e.g. `"3"` or `"4x5"`).
        expected: String,
        /// The size that was given.
        got: String,
    },
    /// A NaN or infinity appeared in an input or during an iteration.
    #[error("non-finite value in {what}{}", iter.map(|i| format!(" at iteration {i}")).unwrap_or_default())]
    NonFinite {
        /// Which quantity became non-finite.
        what: String,
        /// The iteration at which it happened, when inside an algorithm.
        iter: Option<usize>,
    },
    /// A matrix decomposition failed (not positive definite, singular, no convergence).
    #[error("decomposition failed: {0}")]
    Decomposition(String),
}

/// Result alias with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::DimensionMismatch`].
    pub fn dimension(
        name: &'static str,
        expected: impl std::fmt::Display,
        got: impl std::fmt::Display,
    ) -> Self {
        Error::DimensionMismatch {
            name,
            expected: expected.to_string(),
            got: got.to_string(),
        }
    }
}

/// Checks that `value` is finite and strictly positive (step sizes, temperatures, scales).
pub fn ensure_positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            name,
            format!("must be finite and > 0, got {value}"),
        ))
    }
}

/// Checks that `value` is finite and non-negative (regularisation strengths, damping).
pub fn ensure_non_negative(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            name,
            format!("must be finite and >= 0, got {value}"),
        ))
    }
}

/// Checks that `value` lies in the closed interval `[lo, hi]` (and is not NaN).
pub fn ensure_in_range(name: &'static str, value: f64, lo: f64, hi: f64) -> Result<()> {
    if value >= lo && value <= hi {
        Ok(())
    } else {
        Err(Error::invalid(
            name,
            format!("must lie in [{lo}, {hi}], got {value}"),
        ))
    }
}

/// Checks that a count is at least `min` (ranks, batch sizes, iteration counts).
pub fn ensure_at_least(name: &'static str, value: usize, min: usize) -> Result<()> {
    if value >= min {
        Ok(())
    } else {
        Err(Error::invalid(
            name,
            format!("must be >= {min}, got {value}"),
        ))
    }
}

/// Checks that a length matches the expected one.
pub fn ensure_len(name: &'static str, expected: usize, got: usize) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::dimension(name, expected, got))
    }
}

/// Checks that a matrix has the expected shape.
pub fn ensure_shape(
    name: &'static str,
    expected: (usize, usize),
    got: (usize, usize),
) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::dimension(
            name,
            format!("{}x{}", expected.0, expected.1),
            format!("{}x{}", got.0, got.1),
        ))
    }
}

/// Checks that every entry is finite; the error names the first offending index.
pub fn ensure_finite(name: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::NonFinite {
            what: format!("`{name}` at index {i} (value {})", values[i]),
            iter: None,
        }),
    }
}

/// Checks that `p` is a probability vector: entries finite and >= 0, summing to 1 within `tol`.
pub fn ensure_probability(name: &'static str, p: &[f64], tol: f64) -> Result<()> {
    if p.is_empty() {
        return Err(Error::invalid(name, "probability vector is empty"));
    }
    if let Some(i) = p.iter().position(|v| !v.is_finite() || *v < 0.0) {
        return Err(Error::invalid(
            name,
            format!("entry {i} is {} (must be finite and >= 0)", p[i]),
        ));
    }
    let sum: f64 = p.iter().sum();
    if (sum - 1.0).abs() > tol {
        return Err(Error::invalid(
            name,
            format!("entries sum to {sum}, not 1 (tolerance {tol})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_accept_and_reject() {
        assert!(ensure_positive("eta", 0.1).is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = ensure_positive("eta", bad).unwrap_err();
            assert!(err.to_string().contains("`eta`"), "{err}");
        }
        assert!(ensure_non_negative("tau", 0.0).is_ok());
        assert!(ensure_non_negative("tau", -1e-12).is_err());
        assert!(ensure_in_range("beta", 0.5, 0.0, 1.0).is_ok());
        assert!(ensure_in_range("beta", f64::NAN, 0.0, 1.0).is_err());
        assert!(ensure_len("x", 3, 4).is_err());
        assert!(
            ensure_shape("A", (2, 3), (3, 2))
                .unwrap_err()
                .to_string()
                .contains("2x3")
        );
        let e = ensure_finite("x", &[1.0, f64::NAN]).unwrap_err();
        assert!(e.to_string().contains("index 1"), "{e}");
        assert!(ensure_probability("mu0", &[0.25, 0.75], 1e-12).is_ok());
        assert!(ensure_probability("mu0", &[0.25, 0.7], 1e-9).is_err());
        assert!(ensure_probability("mu0", &[-0.1, 1.1], 1e-9).is_err());
        assert!(ensure_probability("mu0", &[], 1e-9).is_err());
    }
}

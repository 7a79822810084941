//! The crate's error type.

/// Errors of the `lowrank` crate. Every public constructor and `step` validates its input and
/// returns one of these instead of panicking.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LowrankError {
    /// A validation or numerical error from opt-core (invalid parameter such as `η <= 0`, shape
    /// mismatch, NaN/inf input).
    #[error(transparent)]
    Core(#[from] opt_core::Error),
    /// The symmetric API got a matrix that is not symmetric.
    #[error("matrix is not symmetric: max |A − Aᵀ| = {max_asym:e} (tolerance {tol:e})")]
    NotSymmetric {
        /// Largest entry of `|A − Aᵀ|`.
        max_asym: f64,
        /// The tolerance used (relative to `max |A_ij|`).
        tol: f64,
    },
    /// The symmetric PSD API got an indefinite matrix.
    #[error("matrix is not positive semidefinite: smallest eigenvalue {min_eig:e}")]
    NotPsd {
        /// The smallest eigenvalue.
        min_eig: f64,
    },
    /// A matrix is not square where it must be.
    #[error("matrix must be square, got {rows}x{cols}")]
    NotSquare {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
    /// The factorisation rank is 0 or larger than the matrix allows.
    #[error("invalid rank {r}: must lie in 1..={max}")]
    InvalidRank {
        /// The requested rank.
        r: usize,
        /// The largest admissible rank (`n`, or `min(m, n)`).
        max: usize,
    },
    /// `GramSolve::Qr` or `GramSolve::Cholesky` met a singular or numerically singular Gram matrix.
    #[error(
        "singular Gram matrix (condition estimate {cond:e}); use GramSolve::Pinv or GramSolve::Damped"
    )]
    SingularGram {
        /// Condition-number estimate of the factor (`inf` when exactly singular).
        cond: f64,
    },
    /// An observed entry lies outside the matrix.
    #[error("observed entry {index} = ({row}, {col}) is outside a {rows}x{cols} matrix")]
    IndexOutOfRange {
        /// Position in the observation list.
        index: usize,
        /// Row index.
        row: usize,
        /// Column index.
        col: usize,
        /// Matrix rows.
        rows: usize,
        /// Matrix columns.
        cols: usize,
    },
    /// The same entry was observed twice.
    #[error("entry ({row}, {col}) is observed more than once")]
    DuplicateEntry {
        /// Row index.
        row: usize,
        /// Column index.
        col: usize,
    },
}

/// Result alias.
pub type Result<T, E = LowrankError> = std::result::Result<T, E>;

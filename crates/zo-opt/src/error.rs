//! The crate's error type.

/// Errors of the `zo-opt` crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZoOptError {
    /// A validation or numerical error from opt-core.
    #[error(transparent)]
    Core(#[from] opt_core::Error),
}

/// Result alias.
pub type Result<T, E = ZoOptError> = std::result::Result<T, E>;

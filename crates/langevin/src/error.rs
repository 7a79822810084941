//! The crate's error type.

/// Errors of the `langevin` crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LangevinError {
    /// A validation or numerical error from opt-core.
    #[error(transparent)]
    Core(#[from] opt_core::Error),
}

/// Result alias.
pub type Result<T, E = LangevinError> = std::result::Result<T, E>;

//! The crate's error type.

/// Errors of the `lowrank` crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LowrankError {
    /// A validation or numerical error from opt-core.
    #[error(transparent)]
    Core(#[from] opt_core::Error),
}

/// Result alias.
pub type Result<T, E = LowrankError> = std::result::Result<T, E>;

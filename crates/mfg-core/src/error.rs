//! The crate's error type.

/// Errors of the `mfg-core` crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MfgCoreError {
    /// A validation or numerical error from opt-core.
    #[error(transparent)]
    Core(#[from] opt_core::Error),
}

/// Result alias.
pub type Result<T, E = MfgCoreError> = std::result::Result<T, E>;

//! # mfg-core
//!
//! Work in progress: see `../shared/specs/mfg-core.md` and the crate's issue.

pub mod error;
pub mod repro;

pub use error::MfgCoreError;

//! # langevin
//!
//! Work in progress: see `../shared/specs/langevin.md` and the crate's issue.

pub mod error;
pub mod repro;

pub use error::LangevinError;

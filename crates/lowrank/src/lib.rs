//! # lowrank
//!
//! Work in progress: see `../shared/specs/lowrank.md` and the crate's issue.

pub mod error;
pub mod repro;

pub use error::LowrankError;

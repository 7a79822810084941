//! # zo-opt
//!
//! Work in progress: see `../shared/specs/zo-opt.md` and the crate's issue.

pub mod error;
pub mod repro;

pub use error::ZoOptError;

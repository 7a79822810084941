//! The paper's experiments (spec `zo-opt.md`, "Reproduction experiments").

use opt_core::report::Experiment;

/// Every experiment of this crate, run by `cargo xtask reproduce zo-opt`.
pub fn experiments() -> Vec<Experiment> {
    Vec::new()
}

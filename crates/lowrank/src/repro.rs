//! The paper's experiments.

use opt_core::report::Experiment;

/// Every experiment of this crate, run by `cargo xtask reproduce lowrank`.
pub fn experiments() -> Vec<Experiment> {
    Vec::new()
}

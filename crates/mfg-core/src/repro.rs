//! The paper's experiments.

use opt_core::report::Experiment;

/// Every experiment of this crate, run by `cargo xtask reproduce mfg-core`.
pub fn experiments() -> Vec<Experiment> {
    Vec::new()
}

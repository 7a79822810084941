//! The reproduction experiments L1–L7 (spec `langevin.md`; thresholds from its corrections box).

use opt_core::report::Experiment;

/// Every experiment of this crate, run by `cargo xtask reproduce langevin`.
pub fn experiments() -> Vec<Experiment> {
    Vec::new()
}

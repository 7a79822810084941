//! Every crate's experiments, in report order.

use opt_core::report::Experiment;

/// All registered experiments: opt-core's self-check first, then the algorithm crates.
pub fn all() -> Vec<Experiment> {
    let mut v = opt_core::selfcheck::experiments();
    v.extend(lowrank::repro::experiments());
    v.extend(zo_opt::repro::experiments());
    v.extend(langevin::repro::experiments());
    v.extend(mfg_core::repro::experiments());
    v
}

/// The crates in report order (including those with no experiment yet).
pub const CRATES: &[&str] = &["opt-core", "lowrank", "zo-opt", "langevin", "mfg-core"];

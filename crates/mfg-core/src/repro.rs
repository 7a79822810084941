//! placeholder
use opt_core::report::Experiment;
/// Every experiment of this crate.
pub fn experiments() -> Vec<Experiment> {
    Vec::new()
}

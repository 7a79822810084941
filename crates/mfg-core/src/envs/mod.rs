//! The ten MFGLib environments (MFGLib 0.3.0, `mfglib/env/examples/*.py`, MIT; re-implemented from
//! their definitions, not copied), the AMID beach-bar calibration instance, and a random
//! density-dependent model.
//!
//! MFGLib's `T` counts time *indices* `0..=T`, so an MFGLib environment with `T` has our horizon
//! `H = T + 1`. MFGLib's random environments (crowd motion's bar moves, random linear) draw from
//! torch's generator; ours draw from `opt_core::rng::stream`, so the instances differ in their
//! random parts but follow the same definitions.

mod beach_bar;
mod grid;
mod nonlinear;
mod random;
mod small;

pub use beach_bar::{BeachBar, MfglibBeachBar};
pub use grid::{BuildingEvacuation, CrowdMotion};
pub use nonlinear::{ConservativeTreasureHunting, LinearQuadratic};
pub use random::{RandomLinear, RandomMfg};
pub use small::{EquilibriumPrice, LeftRight, RockPaperScissors, SusceptibleInfected};

use crate::kernel::{Kernel, SparseKernel};
use crate::model::FiniteMfg;

/// Storage of a density-independent kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KernelFormat {
    /// Dense `|S|·|A|·|S|` storage.
    Dense,
    /// Compressed sparse rows (the default: these games move to a few neighbours).
    #[default]
    Sparse,
}

/// A fixed kernel built once from `next(s, a, push)`, stored in the chosen format.
pub(crate) fn build_kernel(
    n_states: usize,
    n_actions: usize,
    format: KernelFormat,
    mut next: impl FnMut(usize, usize, &mut dyn FnMut(usize, f64)),
) -> Kernel {
    let mut k = SparseKernel::new(n_states);
    for s in 0..n_states {
        for a in 0..n_actions {
            next(s, a, &mut |sn, p| k.push(sn, p));
            k.end_row();
        }
    }
    let k = Kernel::Sparse(k);
    match format {
        KernelFormat::Sparse => k,
        KernelFormat::Dense => Kernel::Dense {
            n_next: n_states,
            p: k.to_dense(),
        },
    }
}

/// `l_bar(s, ·) += −coef · Σ_a r_bar(s,a) / (μ(s) + eps)`: the VJP of a reward term
/// `−coef·log(μ(s) + eps)` (the crowd-aversion term of the beach bar and crowd motion).
pub(crate) fn log_crowd_vjp(
    l: &[f64],
    na: usize,
    eps: f64,
    coef: f64,
    r_bar: &[f64],
    l_bar: &mut [f64],
) {
    for ((lrow, rrow), brow) in l
        .chunks_exact(na)
        .zip(r_bar.chunks_exact(na))
        .zip(l_bar.chunks_exact_mut(na))
    {
        let mu: f64 = lrow.iter().sum();
        let g = -coef * rrow.iter().sum::<f64>() / (mu + eps);
        brow.iter_mut().for_each(|b| *b += g);
    }
}

/// A boxed model usable across threads.
pub type DynMfg = Box<dyn FiniteMfg + Send + Sync>;

/// MFGLib's ten environments with their default parameters (sparse kernels where fixed), as
/// `(MFGLib name, model)`.
pub fn mfglib_suite(seed: u64) -> Vec<(&'static str, DynMfg)> {
    vec![
        ("beach_bar", Box::new(MfglibBeachBar::default())),
        (
            "building_evacuation",
            Box::new(BuildingEvacuation::default()),
        ),
        (
            "conservative_treasure_hunting",
            Box::new(ConservativeTreasureHunting::default()),
        ),
        ("crowd_motion", Box::new(CrowdMotion::new(3, 20, 20, seed))),
        ("equilibrium_price", Box::new(EquilibriumPrice::default())),
        ("left_right", Box::new(LeftRight::default())),
        ("linear_quadratic", Box::new(LinearQuadratic::default())),
        (
            "random_linear",
            Box::new(RandomLinear::new(3, 5, 10.0, seed)),
        ),
        (
            "rock_paper_scissors",
            Box::new(RockPaperScissors::default()),
        ),
        (
            "susceptible_infected",
            Box::new(SusceptibleInfected::default()),
        ),
    ]
}

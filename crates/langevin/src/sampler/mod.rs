//! Ensembles of Langevin chains: [`Ula`], [`Mala`], [`Kinetic`] and the parallel engine [`Chains`].
//!
//! Each chain owns its random stream `opt_core::rng::stream(seed, "langevin/chain", i)`, so an
//! ensemble evolves identically on 1 or N threads. Chains are advanced in parallel blocks of
//! [`BLOCK`]; between two observations every block advances `every` steps without
//! synchronisation, then the observer sees the whole [`Ensemble`]. Workspaces are allocated once
//! in [`Chains::new`]: a step allocates nothing.

mod engine;
mod ensemble;
mod kinetic;
mod mala;
mod ula;

pub use engine::{BLOCK, Chains, Kernel, StepFailure};
pub use ensemble::Ensemble;
pub use kinetic::Kinetic;
pub use mala::{Mala, MalaAdaptation};
pub use ula::Ula;

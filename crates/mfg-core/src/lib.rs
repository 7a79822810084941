#![doc = include_str!("../README.md")]
//!
//! ## Module map
//! - [`model`]: the [`FiniteMfg`] trait (sizes, μ0, `reward(h, L)`, `transition(h, L)`, VJPs
//!   w.r.t. `L`), [`ParametricMfg`] (θ and its VJPs), [`model::validate`], [`model::check_vjp`].
//! - [`kernel`]: dense and sparse transition kernels.
//! - [`policy`]: [`Policy`] and [`Logits`].
//! - [`eval`]: flow Λ(π), regularised Q-values, best responses, exploitability ([`Workspace`]).
//! - [`solvers`]: online mirror descent, fictitious play, damped fixed point, prior descent,
//!   MF-OMO, all as opt-core [`opt_core::algorithm::Algorithm`]s reporting `"exploitability"`;
//!   [`solvers::tune`] searches step sizes.
//! - [`nplayer`]: the finite-N simulator.
//! - [`envs`]: MFGLib's ten environments and the AMID beach bar.
//! - [`repro`]: the reproduction experiments.

pub mod envs;
pub mod error;
pub mod eval;
pub mod kernel;
pub mod model;
pub mod nplayer;
pub mod policy;
pub mod repro;
pub mod solvers;

pub use error::{MfgCoreError, Result};
pub use eval::{Workspace, best_response, exploitability, population_flow, q_values};
pub use kernel::{Kernel, SparseKernel};
pub use model::{FiniteMfg, ParametricMfg, check_vjp, validate};
pub use policy::{Logits, Policy};

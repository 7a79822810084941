#![doc = include_str!("../README.md")]
//!
//! ## Module map
//!
//! | module | what |
//! |---|---|
//! | [`problem`] | [`SymProblem`] `¼‖XXᵀ − A‖²`, [`AsymProblem`] `½‖XYᵀ − A‖²`, validation, best rank-r |
//! | [`init`] | [`Init`]: Nyström, perturbed Nyström, small random, spectral |
//! | [`scaled_gd`] | [`ScaledGd`] with [`GramSolve`] (QR, pseudo-inverse, damping, normal equations) |
//! | [`gd`] | [`Gd`], the baseline |
//! | [`sym`], [`asym`] | the iterations as opt-core [`Algorithm`](opt_core::algorithm::Algorithm)s with their states |
//! | [`completion`] | matrix completion from observed entries |
//! | [`lora`] | LoRA adapters on opt-core MLPs: Kaiming/PiSSA/NoRA/NoRA+ inits, forward/backward, merge, NoRA+ preconditioner |
//! | [`diag`] | tail ratios, quadratic-rate checks, the scalar map `g_η` |
//! | [`linalg`] | allocation-free thin QR, small Jacobi SVD, triangular/Cholesky solves |
//! | [`repro`] | the paper's experiments E1–E7 and the digits runs |
//!
//! Paper: B. Li, L. Zhang, A. Mokhtari, N. He, *On the Crucial Role of Initialization for Matrix
//! Factorization*, arXiv 2410.18965 (ICLR 2025).

pub mod asym;
pub mod completion;
pub mod diag;
pub mod error;
pub mod gd;
pub mod init;
pub mod linalg;
pub mod lora;
pub mod problem;
pub mod repro;
pub mod scaled_gd;
pub mod sym;

pub use asym::AsymState;
pub use error::{LowrankError, Result};
pub use gd::Gd;
pub use init::Init;
pub use problem::{AsymProblem, SymProblem};
pub use scaled_gd::{GramSolve, ScaledGd};
pub use sym::SymState;

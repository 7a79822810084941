#![doc = include_str!("../README.md")]
//!
//! ## Module map
//!
//! | module | what |
//! |---|---|
//! | [`potential`] | the [`Potential`] trait, closure adapter [`FnPotential`], finite-difference checks |
//! | [`potentials`] | quadratic/OU, ring/sphere, ellipse, torus of revolution, Clifford torus, double wells |
//! | [`sampler`] | [`Ula`], [`Mala`] (acceptance, step-size adaptation), [`Kinetic`] (BAOAB) over ensembles of chains |
//! | [`spectral`] | SqRA generators: 1-D tridiagonal, radial reduction, 2-D grid + deflated PCG inverse iteration, axisymmetric 3-D |
//! | [`geometry`] | Laplace–Beltrami eigenvalues λ₁(S) and weighted limits λ₁^w(S) of the reference manifolds |
//! | [`estimate`] | exponential-decay fits, Sokal τ_int, Eyring–Kramers gap, mixing times |
//! | [`repro`] | experiments L1–L7 for `cargo xtask reproduce langevin` |
//!
//! Paper: Y. Gong, N. He, Z. Shen, *Poincaré Inequality for Local Log-Polyak-Łojasiewicz Measures:
//! Non-asymptotic Analysis in Low-temperature Regime*, arXiv:2501.00429. Symbols: ε → `eps`,
//! step h → `h`, V → [`Potential`], ρ(μ_ε) (Poincaré constant, larger is better) → `rho`,
//! gap = ε·ρ → `gap`, λ₁(S) → [`geometry`], λ₁^w(S) → [`geometry::ellipse_lb`]`(.., true)`.

pub mod error;
pub mod estimate;
pub mod geometry;
pub mod potential;
pub mod potentials;
pub mod repro;
pub mod sampler;
pub mod spectral;

pub use error::{LangevinError, Result};
pub use potential::{FnPotential, Potential, check_gradient};
pub use potentials::{Clifford, DoubleWell1d, DoubleWell2d, Ellipse, Quadratic, Ring, TorusRev};
pub use sampler::{Chains, Ensemble, Kinetic, Mala, MalaAdaptation, Ula};

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::LangevinError>();
        assert_send_sync::<crate::Chains<crate::Ula>>();
        assert_send_sync::<crate::Chains<crate::Mala>>();
        assert_send_sync::<crate::Chains<crate::Kinetic>>();
        assert_send_sync::<crate::Ensemble>();
        assert_send_sync::<crate::Quadratic>();
        assert_send_sync::<crate::Ring>();
        assert_send_sync::<crate::TorusRev>();
        assert_send_sync::<crate::spectral::GridOperator>();
        assert_send_sync::<crate::spectral::SymTridiag>();
        assert_send_sync::<crate::spectral::GapReport>();
    }
}

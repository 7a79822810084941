#![doc = include_str!("../README.md")]
//!
//! ## Module map
//!
//! | module | what | paper (arXiv 2506.05454) |
//! |---|---|---|
//! | [`direction`] | Gaussian / sphere / Rademacher directions from `(seed, t, j)`; exact grid arithmetic | Sec. 2, Alg. 1 line 3 |
//! | [`estimator`] | [`TwoPointEstimator`]: q directions, two- or one-sided | Alg. 1, Eq. (2) |
//! | [`zo_sgd`] | [`ZoSgd`]: constant or scheduled η, λ; explicit or MeZO-style in-place | Alg. 1 |
//! | [`inplace`] | the exact in-place step (one parameter vector) | MeZO Alg. 1 |
//! | [`dd`] | exact directional-derivative control `(uᵀ∇f)u` | Fig. 1 "ZO (λ→0)" |
//! | [`trace`] | Hutchinson, antithetic and one-sided (FlatZero) trace estimators | Sec. 5, App. |
//! | [`problems`] | toy `(yᵀz−1)²/2`, perspective `x²/t`, quadratics, random-feature GLMs, Gauss–Hermite | Example 1, Sec. 5 |
//! | [`repro`] | the experiments E-ZO-1 … E-ZO-6 | Figs 1–6, Prop. 1, Thm 1 |
//! | [`error`] | [`ZoOptError`] | |

pub mod dd;
pub mod direction;
pub mod error;
pub mod estimator;
pub mod inplace;
pub mod problems;
pub mod repro;
pub mod trace;
pub mod zo_sgd;

pub use dd::{DdState, DirectionalDerivative};
pub use direction::{Arithmetic, Direction};
pub use error::{Side, ZoOptError};
pub use estimator::{Sided, TwoPointEstimator};
pub use zo_sgd::{Memory, ZoSgd, ZoSgdConfig, ZoSgdState};

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn public_types_are_send_sync() {
        assert_send_sync::<crate::ZoSgd>();
        assert_send_sync::<crate::ZoSgdState>();
        assert_send_sync::<crate::TwoPointEstimator>();
        assert_send_sync::<crate::DirectionalDerivative>();
        assert_send_sync::<crate::DdState>();
        assert_send_sync::<crate::problems::Glm>();
        assert_send_sync::<crate::problems::Quadratic>();
        assert_send_sync::<crate::ZoOptError>();
    }
}

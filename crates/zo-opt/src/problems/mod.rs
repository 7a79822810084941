//! Test problems: the scale-invariant toy, the perspective function, quadratics, random-feature GLMs.

pub mod glm;
pub mod perspective;
pub mod quadratic;
pub mod toy;

pub use glm::{Glm, GlmLoss, gauss_hermite, random_features};
pub use perspective::Perspective;
pub use quadratic::Quadratic;
pub use toy::ScaleInvariantToy;

/// `Σ a_i b_i` with a fixed summation order (shared with the other crates).
pub use opt_core::linalg::dot;

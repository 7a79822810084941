//! Test problems: the scale-invariant toy, the perspective function, quadratics, random-feature GLMs.

pub mod glm;
pub mod perspective;
pub mod quadratic;
pub mod toy;

pub use glm::{Glm, GlmLoss, gauss_hermite, random_features};
pub use perspective::Perspective;
pub use quadratic::Quadratic;
pub use toy::ScaleInvariantToy;

/// `Σ a_i b_i` with four interleaved accumulators (deterministic, vectorisable).
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0; 4];
    let (ca, ra) = a.split_at(a.len() - a.len() % 4);
    let (cb, rb) = b.split_at(ca.len());
    for (x, y) in ca.chunks_exact(4).zip(cb.chunks_exact(4)) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

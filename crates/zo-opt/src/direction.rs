//! Random directions `u` with `E[u uᵀ] = I`, regenerated from `(seed, step, direction index)`.
//!
//! The direction of step `t`, index `j` is a pure function of `(seed, t, j)`: it is read from
//! `opt_core::rng::stream(seed, "zo-opt/direction", t · 2^20 + j)`. Nothing about it needs to be
//! stored: the MeZO-style in-place step ([`crate::ZoSgd`] with [`crate::Memory::InPlace`]) regenerates
//! it coordinate by coordinate as often as it needs it, and the explicit path fills a buffer with the
//! very same numbers (test oracle 7, "replaying the seed reproduces u exactly").
//!
//! Laws (arXiv 2506.05454, Sec. 2 and Remark on general estimators, all with `E[uuᵀ] = I`):
//! - [`Direction::Gaussian`]: `u ~ N(0, I_d)`;
//! - [`Direction::Sphere`]: `u = √d z/‖z‖`, uniform on the sphere of radius `√d`;
//! - [`Direction::Rademacher`]: independent `±1` entries.

use opt_core::rng::{Rng, RngCore, standard_normal, stream};

/// Largest number of directions per step (the stream index is `t · MAX_DIRECTIONS + j`).
pub const MAX_DIRECTIONS: usize = 1 << 20;

/// Domain label of the direction streams.
pub const DIRECTION_DOMAIN: &str = "zo-opt/direction";

/// The law of the random directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Direction {
    /// Standard Gaussian `N(0, I)` (the paper's Algorithm 1).
    Gaussian,
    /// Uniform on the sphere of radius `√d`.
    Sphere,
    /// Independent Rademacher `±1` entries.
    Rademacher,
}

impl Direction {
    /// Fills `out` with the direction of step `t`, index `j` (bit-identical to [`DirectionGen`]).
    pub fn fill(self, seed: u64, t: u64, j: usize, out: &mut [f64]) {
        let mut g = DirectionGen::new(self, seed, t, j, out.len());
        for v in out.iter_mut() {
            *v = g.next_value();
        }
    }
}

/// A coordinate-by-coordinate generator of one direction; clone it to replay the direction.
#[derive(Debug, Clone)]
pub struct DirectionGen {
    rng: Rng,
    kind: Direction,
    scale: f64,
    bits: u64,
    nbits: u32,
}

impl DirectionGen {
    /// The generator of direction `(seed, t, j)` in dimension `d`.
    ///
    /// For [`Direction::Sphere`] this makes one extra pass over the stream to compute `‖z‖`.
    pub fn new(kind: Direction, seed: u64, t: u64, j: usize, d: usize) -> Self {
        let index = t.wrapping_mul(MAX_DIRECTIONS as u64).wrapping_add(j as u64);
        let rng = stream(seed, DIRECTION_DOMAIN, index);
        let scale = match kind {
            Direction::Sphere => {
                let mut r = rng.clone();
                let mut s = 0.0;
                for _ in 0..d {
                    let z = standard_normal(&mut r);
                    s += z * z;
                }
                if s > 0.0 { (d as f64 / s).sqrt() } else { 1.0 }
            }
            _ => 1.0,
        };
        Self {
            rng,
            kind,
            scale,
            bits: 0,
            nbits: 0,
        }
    }

    /// The next coordinate `u_i`.
    #[inline]
    pub fn next_value(&mut self) -> f64 {
        match self.kind {
            Direction::Gaussian => standard_normal(&mut self.rng),
            Direction::Sphere => standard_normal(&mut self.rng) * self.scale,
            Direction::Rademacher => {
                if self.nbits == 0 {
                    self.bits = self.rng.next_u64();
                    self.nbits = 64;
                }
                let b = self.bits & 1;
                self.bits >>= 1;
                self.nbits -= 1;
                if b == 1 { 1.0 } else { -1.0 }
            }
        }
    }
}

/// How perturbed points and updates are rounded.
///
/// `Float` is plain IEEE arithmetic (`x ± λu` rounded to nearest). `Grid { exponent: k }` keeps the
/// iterate and the perturbation `δ = Q(λu)` on the dyadic grid `2^k ℤ`, where `Q` rounds to the
/// nearest grid point. Sums of grid points of magnitude below `2^(53+k)` are exact in f64, so
/// `x + δ − 2δ + δ = x` holds bit for bit: this is what makes the in-place step exact (see
/// `docs/zo-opt.md`, "Exact in-place perturbation"). With the default `k = −40` the grid spacing is
/// `9.1e-13` and the exact range is `|x_i| + |λu_i| < 2^12 = 4096`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Arithmetic {
    /// Plain floating point.
    Float,
    /// Dyadic grid `2^exponent ℤ`.
    Grid {
        /// Grid exponent `k` (spacing `2^k`), in `[-1000, 900]`.
        exponent: i32,
    },
}

impl Arithmetic {
    /// The default exact grid, spacing `2^-40`.
    pub const DEFAULT_GRID: Arithmetic = Arithmetic::Grid { exponent: -40 };

    /// Validates the exponent range.
    pub fn validate(&self) -> opt_core::Result<()> {
        match *self {
            Arithmetic::Float => Ok(()),
            Arithmetic::Grid { exponent } if (-1000..=900).contains(&exponent) => Ok(()),
            Arithmetic::Grid { .. } => Err(opt_core::Error::invalid(
                "grid exponent",
                "must lie in [-1000, 900]",
            )),
        }
    }

    /// The rounding `Q`: identity for `Float`, nearest multiple of `2^k` for `Grid`.
    #[inline]
    pub fn round(&self, v: f64) -> f64 {
        match *self {
            Arithmetic::Float => v,
            Arithmetic::Grid { exponent } => {
                let (up, down) = (pow2(-exponent), pow2(exponent));
                // `+ 0.0` maps −0 to +0, so grid values never carry a negative zero.
                (v * up).round() * down + 0.0
            }
        }
    }

    /// The largest `|x_i| + |δ_i|` for which grid sums are exact (`2^(52+k)`; ∞ for `Float`).
    pub fn exact_limit(&self) -> f64 {
        match *self {
            Arithmetic::Float => f64::INFINITY,
            Arithmetic::Grid { exponent } => pow2(52 + exponent),
        }
    }
}

/// `2^e` as an f64 (exact for `e` in the normal range).
pub fn pow2(e: i32) -> f64 {
    2f64.powi(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_reproduces_directions_exactly() {
        for kind in [
            Direction::Gaussian,
            Direction::Sphere,
            Direction::Rademacher,
        ] {
            let mut a = vec![0.0; 37];
            let mut b = vec![0.0; 37];
            kind.fill(5, 3, 2, &mut a);
            let g = DirectionGen::new(kind, 5, 3, 2, 37);
            let mut g2 = g.clone();
            for v in b.iter_mut() {
                *v = g2.next_value();
            }
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            let mut c = vec![0.0; 37];
            kind.fill(5, 3, 3, &mut c);
            assert_ne!(a, c);
        }
    }

    #[test]
    fn sphere_has_radius_sqrt_d_and_rademacher_is_pm_one() {
        let mut u = vec![0.0; 50];
        Direction::Sphere.fill(1, 0, 0, &mut u);
        let n: f64 = u.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((n - 50f64.sqrt()).abs() < 1e-12);
        Direction::Rademacher.fill(1, 0, 0, &mut u);
        assert!(u.iter().all(|v| v.abs() == 1.0));
    }

    #[test]
    fn grid_rounding_is_exact_and_reversible() {
        let a = Arithmetic::DEFAULT_GRID;
        let x = a.round(0.123_456_789_012_345);
        let d = a.round(0.1 * -1.234_567_890_123);
        assert_eq!(((x + d) - 2.0 * d) + d, x);
        assert_eq!(a.round(x), x);
        assert_eq!(Arithmetic::Float.round(0.1), 0.1);
    }
}

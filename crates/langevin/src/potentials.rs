//! The spec's built-in potentials (arXiv:2501.00429 examples and the contrast cases).
//!
//! | type | V(x) | minimiser set S |
//! |---|---|---|
//! | [`Quadratic`] | ½ xᵀAx (Ornstein–Uhlenbeck) | {0} |
//! | [`Ring`] | (\|x\|² − R²)² on R^d | sphere S^{d−1} of radius R |
//! | [`Ellipse`] | (x²/a² + y² − 1)² | ellipse x = a cos t, y = sin t |
//! | [`TorusRev`] | ((ρ − R)² + z² − r²)², ρ = √(x² + y²) | torus of revolution |
//! | [`Clifford`] | (x₁² + x₂² − 1)² + (x₃² + x₄² − 1)² | Clifford torus S¹ × S¹ ⊂ R⁴ |
//! | [`DoubleWell1d`] | (x² − 1)² | {−1, +1} |
//! | [`DoubleWell2d`] | (x₁² − 1)² + κ x₂²/2 | {(−1, 0), (1, 0)} |
//!
//! `normal_curvature()` returns the largest eigenvalue of the normal Hessian H_N on S, which fixes
//! the low-temperature tube width √(ε/λ) the grid solvers must resolve.

use crate::error::{LangevinError, Result};
use crate::potential::Potential;
use nalgebra::DMatrix;

/// V(x) = ½ xᵀ A x with A symmetric positive definite: the OU process, gap = λ_min(A) for every ε.
#[derive(Debug, Clone, PartialEq)]
pub struct Quadratic {
    a: DMatrix<f64>,
}

impl Quadratic {
    /// Validates that `a` is square, finite, symmetric and positive definite.
    pub fn new(a: DMatrix<f64>) -> Result<Self> {
        if a.nrows() != a.ncols() || a.nrows() == 0 {
            return Err(opt_core::Error::dimension(
                "A (must be square, non-empty)",
                format!("{0}x{0}", a.nrows().max(1)),
                format!("{}x{}", a.nrows(), a.ncols()),
            )
            .into());
        }
        opt_core::error::ensure_finite("A", a.as_slice())?;
        let asym = (&a - a.transpose()).abs().max();
        if asym > 1e-12 * a.abs().max().max(1.0) {
            return Err(LangevinError::invalid("A", "must be symmetric"));
        }
        if a.clone().cholesky().is_none() {
            return Err(LangevinError::invalid("A", "must be positive definite"));
        }
        Ok(Self { a })
    }
    /// V(x) = (a/2)|x|² on R^d.
    pub fn isotropic(d: usize, a: f64) -> Result<Self> {
        crate::error::positive("a", a)?;
        if d == 0 {
            return Err(LangevinError::invalid("d", "must be >= 1"));
        }
        Self::new(DMatrix::from_diagonal_element(d, d, a))
    }
    /// The matrix A.
    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.a
    }
}

impl Potential for Quadratic {
    fn dim(&self) -> usize {
        self.a.nrows()
    }
    fn value(&self, x: &[f64]) -> f64 {
        let d = self.dim();
        let mut s = 0.0;
        for i in 0..d {
            for j in 0..d {
                s += x[i] * self.a[(i, j)] * x[j];
            }
        }
        0.5 * s
    }
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        let d = self.dim();
        for (i, o) in out.iter_mut().enumerate().take(d) {
            *o = (0..d).map(|j| self.a[(i, j)] * x[j]).sum();
        }
    }
    fn hessian(&self, _x: &[f64], out: &mut [f64]) -> Result<()> {
        let d = self.dim();
        for i in 0..d {
            for j in 0..d {
                out[i * d + j] = self.a[(i, j)];
            }
        }
        Ok(())
    }
}

/// The ring/sphere V(x) = (|x|² − R²)² on R^d; S is the sphere of radius R, H_N = 8R².
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ring {
    /// Dimension d ≥ 1.
    pub dim: usize,
    /// Radius R > 0.
    pub radius: f64,
}

impl Ring {
    /// Validated constructor.
    pub fn new(dim: usize, radius: f64) -> Result<Self> {
        crate::error::positive("radius", radius)?;
        if dim == 0 {
            return Err(LangevinError::invalid("dim", "must be >= 1"));
        }
        Ok(Self { dim, radius })
    }
    /// The radial profile V(r) = (r² − R²)².
    pub fn radial(&self, r: f64) -> f64 {
        (r * r - self.radius * self.radius).powi(2)
    }
    /// Normal curvature on S: V''(R) = 8R².
    pub fn normal_curvature(&self) -> f64 {
        8.0 * self.radius * self.radius
    }
}

impl Potential for Ring {
    fn dim(&self) -> usize {
        self.dim
    }
    #[inline]
    fn value(&self, x: &[f64]) -> f64 {
        let r2: f64 = x.iter().map(|v| v * v).sum();
        (r2 - self.radius * self.radius).powi(2)
    }
    #[inline]
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        let r2: f64 = x.iter().map(|v| v * v).sum();
        let c = 4.0 * (r2 - self.radius * self.radius);
        for (o, v) in out.iter_mut().zip(x) {
            *o = c * v;
        }
    }
    #[inline]
    fn value_grad(&self, x: &[f64], out: &mut [f64]) -> f64 {
        let r2: f64 = x.iter().map(|v| v * v).sum();
        let q = r2 - self.radius * self.radius;
        for (o, v) in out.iter_mut().zip(x) {
            *o = 4.0 * q * v;
        }
        q * q
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        let d = self.dim;
        let r2: f64 = x.iter().map(|v| v * v).sum();
        let c = 4.0 * (r2 - self.radius * self.radius);
        for i in 0..d {
            for j in 0..d {
                out[i * d + j] = 8.0 * x[i] * x[j] + if i == j { c } else { 0.0 };
            }
        }
        Ok(())
    }
}

/// The ellipse V(x, y) = (x²/a² + y² − 1)² = g²; H_N = 2|∇g|² varies along S (between 8/a² and 8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipse {
    /// Semi-axis a > 0 along x (the y semi-axis is 1).
    pub a: f64,
}

impl Ellipse {
    /// Validated constructor.
    pub fn new(a: f64) -> Result<Self> {
        crate::error::positive("a", a)?;
        Ok(Self { a })
    }
    /// Largest normal curvature on S: 8·max(1, 1/a²).
    pub fn normal_curvature(&self) -> f64 {
        8.0 * (1.0_f64).max(1.0 / (self.a * self.a))
    }
}

impl Potential for Ellipse {
    fn dim(&self) -> usize {
        2
    }
    fn value(&self, x: &[f64]) -> f64 {
        let a2 = self.a * self.a;
        (x[0] * x[0] / a2 + x[1] * x[1] - 1.0).powi(2)
    }
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        let a2 = self.a * self.a;
        let g = x[0] * x[0] / a2 + x[1] * x[1] - 1.0;
        out[0] = 2.0 * g * 2.0 * x[0] / a2;
        out[1] = 2.0 * g * 2.0 * x[1];
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        let a2 = self.a * self.a;
        let g = x[0] * x[0] / a2 + x[1] * x[1] - 1.0;
        let dg = [2.0 * x[0] / a2, 2.0 * x[1]];
        let d2g = [2.0 / a2, 2.0];
        for i in 0..2 {
            for j in 0..2 {
                out[i * 2 + j] = 2.0 * dg[i] * dg[j] + if i == j { 2.0 * g * d2g[i] } else { 0.0 };
            }
        }
        Ok(())
    }
}

/// Torus of revolution in R³: V = q², q = (ρ − R)² + z² − r², ρ = √(x² + y²); H_N = 8r² on S.
/// On the axis ρ = 0 (where V is not differentiable) the x, y gradient components are set to 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TorusRev {
    /// Distance R of the tube's centre circle from the axis.
    pub big_r: f64,
    /// Tube radius r < R.
    pub small_r: f64,
}

impl TorusRev {
    /// Validated constructor (0 < r < R).
    pub fn new(big_r: f64, small_r: f64) -> Result<Self> {
        crate::error::positive("big_r", big_r)?;
        crate::error::positive("small_r", small_r)?;
        if small_r >= big_r {
            return Err(LangevinError::invalid("small_r", "must be < big_r"));
        }
        Ok(Self { big_r, small_r })
    }
    /// V as a function of the meridian coordinates (ρ, z).
    pub fn meridian(&self, rho: f64, z: f64) -> f64 {
        ((rho - self.big_r).powi(2) + z * z - self.small_r * self.small_r).powi(2)
    }
    /// Normal curvature on S: 8r².
    pub fn normal_curvature(&self) -> f64 {
        8.0 * self.small_r * self.small_r
    }
}

impl Potential for TorusRev {
    fn dim(&self) -> usize {
        3
    }
    fn value(&self, x: &[f64]) -> f64 {
        self.meridian(x[0].hypot(x[1]), x[2])
    }
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        let rho = x[0].hypot(x[1]);
        let q = (rho - self.big_r).powi(2) + x[2] * x[2] - self.small_r * self.small_r;
        let radial = if rho > 0.0 {
            2.0 * (rho - self.big_r) / rho
        } else {
            0.0
        };
        out[0] = 2.0 * q * radial * x[0];
        out[1] = 2.0 * q * radial * x[1];
        out[2] = 2.0 * q * 2.0 * x[2];
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        let rho = x[0].hypot(x[1]);
        if rho == 0.0 {
            return Err(LangevinError::invalid(
                "x",
                "V is not twice differentiable on the axis",
            ));
        }
        let (big_r, r) = (self.big_r, self.small_r);
        let q = (rho - big_r).powi(2) + x[2] * x[2] - r * r;
        let dq = [
            2.0 * (rho - big_r) * x[0] / rho,
            2.0 * (rho - big_r) * x[1] / rho,
            2.0 * x[2],
        ];
        for i in 0..3 {
            for j in 0..3 {
                let d2q = match (i, j) {
                    (2, 2) => 2.0,
                    (2, _) | (_, 2) => 0.0,
                    _ => {
                        2.0 * (if i == j { 1.0 - big_r / rho } else { 0.0 })
                            + 2.0 * big_r * x[i] * x[j] / rho.powi(3)
                    }
                };
                out[i * 3 + j] = 2.0 * dq[i] * dq[j] + 2.0 * q * d2q;
            }
        }
        Ok(())
    }
}

/// Clifford torus potential on R⁴: V = (x₁² + x₂² − 1)² + (x₃² + x₄² − 1)², a sum of two 2-D
/// rings, so its generator is a Kronecker sum and its gap equals the 2-D ring's gap.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Clifford;

impl Potential for Clifford {
    fn dim(&self) -> usize {
        4
    }
    fn value(&self, x: &[f64]) -> f64 {
        (x[0] * x[0] + x[1] * x[1] - 1.0).powi(2) + (x[2] * x[2] + x[3] * x[3] - 1.0).powi(2)
    }
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        let q1 = 4.0 * (x[0] * x[0] + x[1] * x[1] - 1.0);
        let q2 = 4.0 * (x[2] * x[2] + x[3] * x[3] - 1.0);
        out[0] = q1 * x[0];
        out[1] = q1 * x[1];
        out[2] = q2 * x[2];
        out[3] = q2 * x[3];
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        out.iter_mut().for_each(|v| *v = 0.0);
        let ring = Ring {
            dim: 2,
            radius: 1.0,
        };
        let mut block = [0.0; 4];
        for (k, off) in [0usize, 2].into_iter().enumerate() {
            ring.hessian(&x[off..off + 2], &mut block)?;
            for i in 0..2 {
                for j in 0..2 {
                    out[(2 * k + i) * 4 + 2 * k + j] = block[i * 2 + j];
                }
            }
        }
        Ok(())
    }
}

/// V(x) = (x² − 1)²: barrier ΔV = 1, V''(±1) = 8, V''(0) = −4.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DoubleWell1d;

impl Potential for DoubleWell1d {
    fn dim(&self) -> usize {
        1
    }
    #[inline]
    fn value(&self, x: &[f64]) -> f64 {
        (x[0] * x[0] - 1.0).powi(2)
    }
    #[inline]
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        out[0] = 4.0 * x[0] * (x[0] * x[0] - 1.0);
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        out[0] = 12.0 * x[0] * x[0] - 4.0;
        Ok(())
    }
}

/// V(x) = (x₁² − 1)² + κ x₂²/2: two wells at (±1, 0), saddle at 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoubleWell2d {
    /// Transverse stiffness κ > 0.
    pub stiffness: f64,
}

impl DoubleWell2d {
    /// Validated constructor.
    pub fn new(stiffness: f64) -> Result<Self> {
        crate::error::positive("stiffness", stiffness)?;
        Ok(Self { stiffness })
    }
}

impl Potential for DoubleWell2d {
    fn dim(&self) -> usize {
        2
    }
    fn value(&self, x: &[f64]) -> f64 {
        (x[0] * x[0] - 1.0).powi(2) + 0.5 * self.stiffness * x[1] * x[1]
    }
    fn grad(&self, x: &[f64], out: &mut [f64]) {
        out[0] = 4.0 * x[0] * (x[0] * x[0] - 1.0);
        out[1] = self.stiffness * x[1];
    }
    fn hessian(&self, x: &[f64], out: &mut [f64]) -> Result<()> {
        out.copy_from_slice(&[12.0 * x[0] * x[0] - 4.0, 0.0, 0.0, self.stiffness]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::potential::{check_gradient, check_hessian};

    fn points(d: usize) -> Vec<Vec<f64>> {
        let base = [0.7, -1.3, 0.4, 2.1, -0.2];
        (0..4)
            .map(|k| {
                (0..d)
                    .map(|i| base[(i + k) % 5] * (1.0 + 0.3 * k as f64))
                    .collect()
            })
            .collect()
    }

    fn check_all<P: Potential>(p: &P) {
        for x in points(p.dim()) {
            let e = check_gradient(p, &x, 1e-5).unwrap();
            assert!(e <= 1e-7, "gradient rel err {e} at {x:?}");
            let e = check_hessian(p, &x, 1e-5).unwrap();
            assert!(e <= 1e-7, "hessian rel err {e} at {x:?}");
        }
    }

    #[test]
    fn gradients_and_hessians_match_finite_differences() {
        check_all(&Quadratic::new(DMatrix::from_row_slice(2, 2, &[2.0, 0.5, 0.5, 1.0])).unwrap());
        for d in [1, 2, 3, 5] {
            check_all(&Ring::new(d, 1.3).unwrap());
        }
        check_all(&Ellipse::new(2.0).unwrap());
        check_all(&TorusRev::new(2.0, 1.0).unwrap());
        check_all(&Clifford);
        check_all(&DoubleWell1d);
        check_all(&DoubleWell2d::new(3.0).unwrap());
    }

    #[test]
    fn minimisers_and_normal_curvatures() {
        let ring = Ring::new(3, 1.5).unwrap();
        let x = [0.0, 1.5, 0.0];
        assert_eq!(ring.value(&x), 0.0);
        let mut h = [0.0; 9];
        ring.hessian(&x, &mut h).unwrap();
        assert!((h[4] - ring.normal_curvature()).abs() < 1e-12);
        let t = TorusRev::new(2.0, 1.0).unwrap();
        assert!(t.value(&[3.0, 0.0, 0.0]).abs() < 1e-15 && t.value(&[0.0, 2.0, 1.0]).abs() < 1e-15);
        let e = Ellipse::new(2.0).unwrap();
        assert_eq!(e.value(&[2.0, 0.0]), 0.0);
        let mut h = [0.0; 4];
        e.hessian(&[0.0, 1.0], &mut h).unwrap();
        assert!((h[3] - e.normal_curvature()).abs() < 1e-12);
        e.hessian(&[2.0, 0.0], &mut h).unwrap();
        assert!((h[0] - 2.0).abs() < 1e-12); // 8 / a² at the far vertex
    }

    #[test]
    fn clifford_is_a_sum_of_two_rings() {
        // separability: the generator is a Kronecker sum, so its gap is the 2-D ring's gap
        let ring = Ring::new(2, 1.0).unwrap();
        let x = [0.3, -1.1, 0.8, 0.5];
        let (mut g, mut g1, mut g2) = ([0.0; 4], [0.0; 2], [0.0; 2]);
        Clifford.grad(&x, &mut g);
        ring.grad(&x[..2], &mut g1);
        ring.grad(&x[2..], &mut g2);
        assert_eq!(
            Clifford.value(&x),
            ring.value(&x[..2]) + ring.value(&x[2..])
        );
        assert_eq!(g, [g1[0], g1[1], g2[0], g2[1]]);
    }

    #[test]
    fn bad_construction_is_a_typed_error() {
        assert!(Quadratic::new(DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 0.0, 1.0])).is_err());
        assert!(Quadratic::new(DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, -1.0])).is_err());
        assert!(Quadratic::new(DMatrix::zeros(2, 3)).is_err());
        assert!(Ring::new(2, 0.0).is_err() && Ring::new(0, 1.0).is_err());
        assert!(TorusRev::new(1.0, 2.0).is_err() && Ellipse::new(f64::NAN).is_err());
    }
}

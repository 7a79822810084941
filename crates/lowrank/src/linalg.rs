//! Allocation-free dense kernels the iterations need: a thin Householder QR, a one-sided Jacobi
//! SVD for the small `r × r` factor, triangular solves and a small Cholesky.
//!
//! nalgebra's decompositions allocate their outputs; the per-iteration work of ScaledGD must not,
//! so these kernels write into buffers the caller preallocates (see [`QrWork`], [`SmallSvd`]).
//! All matrices are column-major (`DMatrix`).

use nalgebra::DMatrix;

pub use opt_core::linalg::dot;

/// Buffers of a thin QR `X = QR` of an `n × r` matrix (`n >= r`).
#[derive(Debug, Clone)]
pub struct QrWork {
    /// Householder vectors below the diagonal (scratch copy of `X`).
    h: DMatrix<f64>,
    tau: Vec<f64>,
    /// The orthonormal factor `Q` (`n × r`).
    pub q: DMatrix<f64>,
    /// The upper-triangular factor `R` (`r × r`).
    pub r: DMatrix<f64>,
}

impl QrWork {
    /// Buffers for `n × r` inputs.
    pub fn new(n: usize, r: usize) -> Self {
        Self {
            h: DMatrix::zeros(n, r),
            tau: vec![0.0; r],
            q: DMatrix::zeros(n, r),
            r: DMatrix::zeros(r, r),
        }
    }

    /// Computes `X = QR` by Householder reflections (Golub & Van Loan, Alg. 5.2.1), writing `Q`
    /// and `R` into `self.q`, `self.r`. A zero column gives a zero diagonal entry of `R` (and an
    /// arbitrary orthonormal column of `Q`). No allocation.
    pub fn factor(&mut self, x: &DMatrix<f64>) {
        let (n, r) = x.shape();
        debug_assert_eq!(self.h.shape(), (n, r));
        self.h.copy_from(x);
        self.r.fill(0.0);
        let h = self.h.as_mut_slice();
        for k in 0..r {
            let col = &h[k * n + k..(k + 1) * n];
            let norm = dot(col, col).sqrt();
            let alpha = col[0];
            if norm == 0.0 {
                self.tau[k] = 0.0;
                self.r[(k, k)] = 0.0;
                for j in k + 1..r {
                    self.r[(k, j)] = h[j * n + k];
                }
                continue;
            }
            let beta = if alpha >= 0.0 { -norm } else { norm };
            let denom = alpha - beta;
            for v in &mut h[k * n + k + 1..(k + 1) * n] {
                *v /= denom;
            }
            h[k * n + k] = 1.0;
            let tau = (beta - alpha) / beta;
            self.tau[k] = tau;
            for j in k + 1..r {
                let (left, right) = h.split_at_mut(j * n);
                let v = &left[k * n + k..(k + 1) * n];
                let c = &mut right[k..n];
                let w = dot(v, c);
                let tw = tau * w;
                c.iter_mut().zip(v).for_each(|(ci, vi)| *ci -= tw * vi);
            }
            self.r[(k, k)] = beta;
            for j in k + 1..r {
                self.r[(k, j)] = h[j * n + k];
            }
        }
        // Q = H_0 ⋯ H_{r−1} [I_r; 0], accumulated backwards.
        self.q.fill(0.0);
        let q = self.q.as_mut_slice();
        for k in 0..r {
            q[k * n + k] = 1.0;
        }
        for k in (0..r).rev() {
            let tau = self.tau[k];
            if tau == 0.0 {
                continue;
            }
            let v = &h[k * n + k..(k + 1) * n];
            for j in k..r {
                let c = &mut q[j * n + k..(j + 1) * n];
                let w = dot(v, c);
                let tw = tau * w;
                c.iter_mut().zip(v).for_each(|(ci, vi)| *ci -= tw * vi);
            }
        }
    }
}

/// One-sided Jacobi SVD `M = U diag(s) Vᵀ` of a small square matrix, in preallocated buffers.
///
/// Hestenes' method (Demmel & Veselić 1992): rotate column pairs of `W = M V` until they are
/// orthogonal; then `s_j = ‖w_j‖`, `u_j = w_j / s_j`. It has high relative accuracy, which the
/// scalar-map check (E2) relies on. Singular values are not sorted.
#[derive(Debug, Clone)]
pub struct SmallSvd {
    /// Left singular vectors (columns; zero where `s_j = 0`).
    pub u: DMatrix<f64>,
    /// Singular values (unsorted).
    pub s: Vec<f64>,
    /// Right singular vectors (columns).
    pub v: DMatrix<f64>,
}

impl SmallSvd {
    /// Buffers for `r × r` inputs.
    pub fn new(r: usize) -> Self {
        Self {
            u: DMatrix::zeros(r, r),
            s: vec![0.0; r],
            v: DMatrix::identity(r, r),
        }
    }

    /// Decomposes `m` (`r × r`). No allocation.
    pub fn compute(&mut self, m: &DMatrix<f64>) {
        let r = m.nrows();
        self.u.copy_from(m);
        self.v.fill_with_identity();
        let w = self.u.as_mut_slice();
        let v = self.v.as_mut_slice();
        for _sweep in 0..60 {
            let mut rotated = false;
            for p in 0..r {
                for q in p + 1..r {
                    let (mut a, mut b, mut g) = (0.0, 0.0, 0.0);
                    for i in 0..r {
                        let (wp, wq) = (w[p * r + i], w[q * r + i]);
                        a += wp * wp;
                        b += wq * wq;
                        g += wp * wq;
                    }
                    if g == 0.0 || g.abs() <= 1e-15 * (a * b).sqrt() {
                        continue;
                    }
                    rotated = true;
                    let zeta = (b - a) / (2.0 * g);
                    let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                    let c = 1.0 / (1.0 + t * t).sqrt();
                    let s = c * t;
                    for mat in [&mut *w, &mut *v] {
                        for i in 0..r {
                            let (xp, xq) = (mat[p * r + i], mat[q * r + i]);
                            mat[p * r + i] = c * xp - s * xq;
                            mat[q * r + i] = s * xp + c * xq;
                        }
                    }
                }
            }
            if !rotated {
                break;
            }
        }
        for j in 0..r {
            let norm = w[j * r..(j + 1) * r]
                .iter()
                .map(|x| x * x)
                .sum::<f64>()
                .sqrt();
            self.s[j] = norm;
            if norm > 0.0 {
                w[j * r..(j + 1) * r].iter_mut().for_each(|x| *x /= norm);
            }
        }
    }

    /// Largest singular value.
    pub fn max(&self) -> f64 {
        self.s.iter().copied().fold(0.0, f64::max)
    }

    /// `out = U diag(f(s)) Vᵀ` (`transpose = false`) or `V diag(f(s)) Vᵀ` (`left_is_v = true`).
    pub fn spectral_into(&self, f: impl Fn(f64) -> f64, left_is_v: bool, out: &mut DMatrix<f64>) {
        let r = self.s.len();
        out.fill(0.0);
        let left = if left_is_v { &self.v } else { &self.u };
        for k in 0..r {
            let fk = f(self.s[k]);
            if fk == 0.0 {
                continue;
            }
            for j in 0..r {
                let c = fk * self.v[(j, k)];
                if c == 0.0 {
                    continue;
                }
                for i in 0..r {
                    out[(i, j)] += left[(i, k)] * c;
                }
            }
        }
    }
}

/// `M ← M R⁻ᵀ` in place for upper-triangular nonsingular `R` (`M` is `n × r`): column `j` of
/// `M = Y Rᵀ` is `Σ_{k ≥ j} y_k R[j, k]`, solved from the last column backwards.
pub fn solve_right_upper_transpose(m: &mut DMatrix<f64>, r: &DMatrix<f64>) {
    let (n, k) = m.shape();
    let s = m.as_mut_slice();
    for j in (0..k).rev() {
        for l in j + 1..k {
            let c = r[(j, l)];
            if c != 0.0 {
                let (left, right) = s.split_at_mut(l * n);
                let yj = &mut left[j * n..(j + 1) * n];
                let yl = &right[..n];
                yj.iter_mut().zip(yl).for_each(|(a, b)| *a -= c * b);
            }
        }
        let d = r[(j, j)];
        s[j * n..(j + 1) * n].iter_mut().for_each(|a| *a /= d);
    }
}

/// In-place Cholesky `G = LLᵀ` of a small symmetric matrix (lower triangle of `g` overwritten with
/// `L`). Returns `false` when a pivot is not positive (the matrix is not numerically PD).
pub fn cholesky_in_place(g: &mut DMatrix<f64>) -> bool {
    let r = g.nrows();
    for j in 0..r {
        let mut d = g[(j, j)];
        for k in 0..j {
            d -= g[(j, k)] * g[(j, k)];
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        g[(j, j)] = d;
        for i in j + 1..r {
            let mut v = g[(i, j)];
            for k in 0..j {
                v -= g[(i, k)] * g[(j, k)];
            }
            g[(i, j)] = v / d;
        }
    }
    true
}

/// `M ← M G⁻¹` in place with `G = LLᵀ` given by [`cholesky_in_place`] (`G` symmetric, so each row
/// `m_i` solves `G m_iᵀ = m_iᵀ`).
pub fn solve_right_cholesky(m: &mut DMatrix<f64>, l: &DMatrix<f64>) {
    let (n, r) = m.shape();
    for i in 0..n {
        // forward: L z = m_i
        for j in 0..r {
            let mut v = m[(i, j)];
            for k in 0..j {
                v -= l[(j, k)] * m[(i, k)];
            }
            m[(i, j)] = v / l[(j, j)];
        }
        // backward: Lᵀ y = z
        for j in (0..r).rev() {
            let mut v = m[(i, j)];
            for k in j + 1..r {
                v -= l[(k, j)] * m[(i, k)];
            }
            m[(i, j)] = v / l[(j, j)];
        }
    }
}

/// `‖X Yᵀ − T‖_F` using the buffer `work` (`m × n`): `work ← T − X Yᵀ` by one GEMM.
pub fn residual_norm(
    x: &DMatrix<f64>,
    y_t: &DMatrix<f64>,
    target: &DMatrix<f64>,
    work: &mut DMatrix<f64>,
) -> f64 {
    work.copy_from(target);
    work.gemm(1.0, x, y_t, -1.0);
    work.norm()
}

/// A matrix with i.i.d. `N(0, scale²)` entries from `rng`.
pub fn gaussian(
    rows: usize,
    cols: usize,
    scale: f64,
    rng: &mut opt_core::rng::Rng,
) -> DMatrix<f64> {
    let mut m = DMatrix::zeros(rows, cols);
    opt_core::rng::fill_standard_normal(rng, m.as_mut_slice());
    m *= scale;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> opt_core::rng::Rng {
        opt_core::rng::stream(1, "lowrank/linalg-test", 0)
    }

    #[test]
    fn qr_reconstructs_and_is_orthonormal() {
        let mut g = rng();
        let x = gaussian(30, 5, 1.0, &mut g);
        let mut w = QrWork::new(30, 5);
        w.factor(&x);
        let rec = &w.q * &w.r;
        assert!((rec - &x).norm() < 1e-13 * x.norm());
        let qtq = w.q.transpose() * &w.q;
        assert!((qtq - DMatrix::<f64>::identity(5, 5)).norm() < 1e-14);
        for i in 0..5 {
            for j in 0..i {
                assert_eq!(w.r[(i, j)], 0.0);
            }
        }
        // rank-deficient input: a zero column
        let mut x2 = x.clone();
        x2.column_mut(2).fill(0.0);
        w.factor(&x2);
        assert!((&w.q * &w.r - &x2).norm() < 1e-13 * x2.norm());
    }

    #[test]
    fn jacobi_svd_matches_nalgebra() {
        let mut g = rng();
        let m = gaussian(6, 6, 1.0, &mut g);
        let mut s = SmallSvd::new(6);
        s.compute(&m);
        let mut rec = DMatrix::zeros(6, 6);
        s.spectral_into(|x| x, false, &mut rec);
        assert!((rec - &m).norm() < 1e-13 * m.norm());
        let mut ours = s.s.clone();
        ours.sort_by(|a, b| b.total_cmp(a));
        let theirs = m.clone().svd(false, false).singular_values;
        for (a, b) in ours.iter().zip(theirs.iter()) {
            assert!((a - b).abs() < 1e-13 * theirs[0]);
        }
    }

    #[test]
    fn triangular_and_cholesky_solves() {
        let mut g = rng();
        let x = gaussian(20, 4, 1.0, &mut g);
        let mut w = QrWork::new(20, 4);
        w.factor(&x);
        let m = gaussian(7, 4, 1.0, &mut g);
        let mut y = m.clone();
        solve_right_upper_transpose(&mut y, &w.r);
        assert!((&y * w.r.transpose() - &m).norm() < 1e-12 * m.norm());
        let gram = x.transpose() * &x;
        let mut l = gram.clone();
        assert!(cholesky_in_place(&mut l));
        let mut z = m.clone();
        solve_right_cholesky(&mut z, &l);
        assert!((&z * &gram - &m).norm() < 1e-11 * m.norm());
        let mut bad = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0]);
        assert!(!cholesky_in_place(&mut bad));
    }
}

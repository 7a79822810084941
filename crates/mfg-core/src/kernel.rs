//! Transition kernels `P_h(s' | s, a, L)`: dense rows or compressed sparse rows.
//!
//! A kernel has `|S|·|A|` rows (row `r = s·|A| + a`), each a distribution over the `|S|` next
//! states. Most games move to a few neighbours, so [`Kernel::Sparse`] stores only the non-zeros
//! of each row (CSR); [`Kernel::Dense`] stores `P[r·|S| + s']`. The two operations every solver
//! needs are the push-forward `m(s') = Σ_{s,a} L(s,a) P(s'|s,a)` (population flow, A1) and the
//! expectation `q(s,a) += Σ_{s'} P(s'|s,a) V(s')` (Bellman backup, A2).

use crate::error::{MfgCoreError, PROB_TOL, Result, ensure_distribution, ensure_shape};
use opt_core::linalg::dot;

/// Compressed sparse rows of a transition kernel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SparseKernel {
    n_next: usize,
    row_ptr: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f64>,
}

impl SparseKernel {
    /// An empty kernel over `n_next` next states (rows are appended with [`SparseKernel::push`]
    /// and closed with [`SparseKernel::end_row`]).
    pub fn new(n_next: usize) -> Self {
        Self {
            n_next,
            row_ptr: vec![0],
            cols: Vec::new(),
            vals: Vec::new(),
        }
    }
    /// Removes all rows, keeping the capacity (no allocation when rebuilt with the same size).
    pub fn clear(&mut self) {
        self.row_ptr.clear();
        self.row_ptr.push(0);
        self.cols.clear();
        self.vals.clear();
    }
    /// Adds `p` to entry `s_next` of the row being built (merging with an existing entry).
    pub fn push(&mut self, s_next: usize, p: f64) {
        debug_assert!(s_next < self.n_next);
        let start = *self.row_ptr.last().unwrap_or(&0);
        if let Some(j) = self.cols[start..]
            .iter()
            .position(|c| *c as usize == s_next)
        {
            self.vals[start + j] += p;
        } else {
            self.cols.push(s_next as u32);
            self.vals.push(p);
        }
    }
    /// Closes the current row.
    pub fn end_row(&mut self) {
        self.row_ptr.push(self.cols.len());
    }
    /// Number of closed rows.
    pub fn n_rows(&self) -> usize {
        self.row_ptr.len() - 1
    }
    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.vals.len()
    }
    /// Row `r` as `(next states, probabilities)`.
    pub fn row(&self, r: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.row_ptr[r], self.row_ptr[r + 1]);
        (&self.cols[a..b], &self.vals[a..b])
    }
    /// Mutable values of row `r` (the sparsity pattern is fixed).
    pub fn row_values_mut(&mut self, r: usize) -> &mut [f64] {
        let (a, b) = (self.row_ptr[r], self.row_ptr[r + 1]);
        &mut self.vals[a..b]
    }
    /// All stored values (row-major, pattern order).
    pub fn values(&self) -> &[f64] {
        &self.vals
    }
    /// All stored values, mutable.
    pub fn values_mut(&mut self) -> &mut [f64] {
        &mut self.vals
    }
}

/// A row-stochastic kernel `P(s' | s, a)` with `|S|·|A|` rows over `|S|` next states.
#[derive(Debug, Clone, PartialEq)]
pub enum Kernel {
    /// Dense storage `P[(s·|A| + a)·|S| + s']`.
    Dense {
        /// Number of next states `|S|`.
        n_next: usize,
        /// The entries.
        p: Vec<f64>,
    },
    /// Compressed sparse rows.
    Sparse(SparseKernel),
}

impl Kernel {
    /// A dense all-zero kernel with `n_rows` rows over `n_next` states.
    pub fn dense_zeros(n_rows: usize, n_next: usize) -> Self {
        Kernel::Dense {
            n_next,
            p: vec![0.0; n_rows * n_next],
        }
    }
    /// Number of next states.
    pub fn n_next(&self) -> usize {
        match self {
            Kernel::Dense { n_next, .. } => *n_next,
            Kernel::Sparse(k) => k.n_next,
        }
    }
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        match self {
            Kernel::Dense { n_next, p } => p.len() / (*n_next).max(1),
            Kernel::Sparse(k) => k.n_rows(),
        }
    }
    /// A kernel of the same structure with all stored values zero (a cotangent buffer).
    pub fn zeros_like(&self) -> Self {
        let mut k = self.clone();
        k.fill_zero();
        k
    }
    /// Sets every stored value to 0 (keeps the structure).
    pub fn fill_zero(&mut self) {
        match self {
            Kernel::Dense { p, .. } => p.fill(0.0),
            Kernel::Sparse(k) => k.vals.fill(0.0),
        }
    }
    /// The stored values in storage order (dense entries, or the sparse pattern's values).
    pub fn values(&self) -> &[f64] {
        match self {
            Kernel::Dense { p, .. } => p,
            Kernel::Sparse(k) => &k.vals,
        }
    }
    /// Stored values, mutable.
    pub fn values_mut(&mut self) -> &mut [f64] {
        match self {
            Kernel::Dense { p, .. } => p,
            Kernel::Sparse(k) => &mut k.vals,
        }
    }

    /// The dense matrix `P[r·|S| + s']` (zeros outside a sparse pattern).
    pub fn to_dense(&self) -> Vec<f64> {
        match self {
            Kernel::Dense { p, .. } => p.clone(),
            Kernel::Sparse(k) => {
                let mut out = vec![0.0; k.n_rows() * k.n_next];
                for r in 0..k.n_rows() {
                    let (c, v) = k.row(r);
                    for (j, p) in c.iter().zip(v) {
                        out[r * k.n_next + *j as usize] += p;
                    }
                }
                out
            }
        }
    }

    /// Overwrites this kernel's stored values with `dense[r·|S| + s']` read on its own structure
    /// (the restriction of a dense cotangent to a sparse pattern).
    pub fn gather_from_dense(&mut self, dense: &[f64]) {
        match self {
            Kernel::Dense { p, .. } => p.copy_from_slice(dense),
            Kernel::Sparse(k) => {
                let n = k.n_next;
                for r in 0..k.n_rows() {
                    let (a, b) = (k.row_ptr[r], k.row_ptr[r + 1]);
                    for i in a..b {
                        k.vals[i] = dense[r * n + k.cols[i] as usize];
                    }
                }
            }
        }
    }

    /// Push-forward `m(s') = Σ_r l[r] P[r, s']` (overwrites `m`).
    pub fn push_forward(&self, l: &[f64], m: &mut [f64]) {
        m.fill(0.0);
        match self {
            Kernel::Dense { n_next, p } => {
                // four rows per sweep over m: one load/store of m per four multiply-adds
                let n = *n_next;
                let blocks = l.len() / 4;
                for b in 0..blocks {
                    let w = &l[4 * b..4 * b + 4];
                    let rows = &p[4 * b * n..(4 * b + 4) * n];
                    let (r0, rest) = rows.split_at(n);
                    let (r1, rest) = rest.split_at(n);
                    let (r2, r3) = rest.split_at(n);
                    for ((((mi, a), b_), c), d) in m.iter_mut().zip(r0).zip(r1).zip(r2).zip(r3) {
                        *mi += (w[0] * a + w[1] * b_) + (w[2] * c + w[3] * d);
                    }
                }
                for r in 4 * blocks..l.len() {
                    let w = l[r];
                    if w != 0.0 {
                        for (mi, pi) in m.iter_mut().zip(&p[r * n..(r + 1) * n]) {
                            *mi += w * pi;
                        }
                    }
                }
            }
            Kernel::Sparse(k) => {
                for (r, w) in l.iter().enumerate() {
                    let (a, b) = (k.row_ptr[r], k.row_ptr[r + 1]);
                    for i in a..b {
                        m[k.cols[i] as usize] += w * k.vals[i];
                    }
                }
            }
        }
    }

    /// Expectation `q[r] += Σ_{s'} P[r, s'] v[s']`.
    pub fn expect_add(&self, v: &[f64], q: &mut [f64]) {
        match self {
            Kernel::Dense { n_next, p } => {
                let n = *n_next;
                let base = (q.len() / 4) * 4;
                let mut rows = p.chunks_exact(4 * n);
                let mut qs = q.chunks_exact_mut(4);
                for (block, qb) in (&mut rows).zip(&mut qs) {
                    let d = dot4(block, n, v);
                    for (qi, di) in qb.iter_mut().zip(d) {
                        *qi += di;
                    }
                }
                for (k, qr) in qs.into_remainder().iter_mut().enumerate() {
                    let r = base + k;
                    *qr += dot(&p[r * n..(r + 1) * n], v);
                }
            }
            Kernel::Sparse(k) => {
                for (r, qr) in q.iter_mut().enumerate() {
                    let (a, b) = (k.row_ptr[r], k.row_ptr[r + 1]);
                    let mut acc = 0.0;
                    for i in a..b {
                        acc += k.vals[i] * v[k.cols[i] as usize];
                    }
                    *qr += acc;
                }
            }
        }
    }

    /// Two expectations in one pass over the kernel: `q1[r] += Σ P[r,s'] v1[s']`,
    /// `q2[r] += Σ P[r,s'] v2[s']` (halves the memory traffic of [`Kernel::expect_add`] twice).
    pub fn expect_add2(&self, v1: &[f64], v2: &[f64], q1: &mut [f64], q2: &mut [f64]) {
        match self {
            Kernel::Dense { n_next, p } => {
                for ((row, a), b) in p
                    .chunks_exact(*n_next)
                    .zip(q1.iter_mut())
                    .zip(q2.iter_mut())
                {
                    *a += dot(row, v1);
                    *b += dot(row, v2);
                }
            }
            Kernel::Sparse(_) => {
                self.expect_add(v1, q1);
                self.expect_add(v2, q2);
            }
        }
    }

    /// Adds the rank-one cotangent `P̄[r, s'] += u[r] · w[s']` on this kernel's structure
    /// (the reverse of [`Kernel::push_forward`] and [`Kernel::expect_add`] w.r.t. `P`).
    pub fn add_outer(&mut self, u: &[f64], w: &[f64]) {
        match self {
            Kernel::Dense { n_next, p } => {
                for (row, ur) in p.chunks_exact_mut(*n_next).zip(u) {
                    if *ur != 0.0 {
                        for (pi, wi) in row.iter_mut().zip(w) {
                            *pi += ur * wi;
                        }
                    }
                }
            }
            Kernel::Sparse(k) => {
                for (r, ur) in u.iter().enumerate() {
                    let (a, b) = (k.row_ptr[r], k.row_ptr[r + 1]);
                    for i in a..b {
                        k.vals[i] += ur * w[k.cols[i] as usize];
                    }
                }
            }
        }
    }

    /// Checks the shape (`n_rows × n_next`) and that every row is a distribution within
    /// [`PROB_TOL`]; errors name step `h` and the row `s·|A| + a`.
    pub fn validate(&self, h: usize, n_rows: usize, n_next: usize) -> Result<()> {
        ensure_shape("kernel next states", n_next, self.n_next())?;
        ensure_shape("kernel rows", n_rows, self.n_rows())?;
        match self {
            Kernel::Dense { p, .. } => {
                for (r, row) in p.chunks_exact(n_next).enumerate() {
                    ensure_distribution("kernel row", Some(h), r, r * n_next, row, PROB_TOL)?;
                }
            }
            Kernel::Sparse(k) => {
                for r in 0..k.n_rows() {
                    let (_, v) = k.row(r);
                    ensure_distribution("kernel row", Some(h), r, k.row_ptr[r], v, PROB_TOL)?;
                }
                if let Some(i) = k.cols.iter().position(|c| *c as usize >= n_next) {
                    return Err(MfgCoreError::ShapeMismatch {
                        what: "sparse kernel column",
                        expected: n_next,
                        got: k.cols[i] as usize,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Four dot products `Σ_j rows[k·n + j] v[j]`, k = 0..4, in one pass over `v` (each `v_j` loaded
/// once for four rows; fixed summation order per row).
fn dot4(rows: &[f64], n: usize, v: &[f64]) -> [f64; 4] {
    let (r0, rest) = rows.split_at(n);
    let (r1, rest) = rest.split_at(n);
    let (r2, r3) = rest.split_at(n);
    let mut acc = [[0.0f64; 4]; 4];
    let chunks = n / 4;
    for c in 0..chunks {
        let j = 4 * c;
        for t in 0..4 {
            let vj = v[j + t];
            acc[0][t] += r0[j + t] * vj;
            acc[1][t] += r1[j + t] * vj;
            acc[2][t] += r2[j + t] * vj;
            acc[3][t] += r3[j + t] * vj;
        }
    }
    let mut out = [0.0; 4];
    for (k, row) in [r0, r1, r2, r3].iter().enumerate() {
        let mut tail = 0.0;
        for j in 4 * chunks..n {
            tail += row[j] * v[j];
        }
        out[k] = (acc[k][0] + acc[k][2]) + (acc[k][1] + acc[k][3]) + tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sparse_example() -> Kernel {
        // 2 rows over 3 states
        let mut k = SparseKernel::new(3);
        k.push(0, 0.25);
        k.push(2, 0.75);
        k.end_row();
        k.push(1, 1.0);
        k.end_row();
        Kernel::Sparse(k)
    }

    #[test]
    fn dense_and_sparse_agree() {
        let s = sparse_example();
        let d = Kernel::Dense {
            n_next: 3,
            p: s.to_dense(),
        };
        let l = [0.4, 0.6];
        let (mut m1, mut m2) = ([0.0; 3], [0.0; 3]);
        s.push_forward(&l, &mut m1);
        d.push_forward(&l, &mut m2);
        assert_eq!(m1, m2);
        assert!(
            m1.iter()
                .zip([0.1, 0.6, 0.3])
                .all(|(a, b)| (a - b).abs() < 1e-15)
        );
        let v = [1.0, 2.0, 3.0];
        let (mut q1, mut q2) = ([0.0; 2], [0.0; 2]);
        s.expect_add(&v, &mut q1);
        d.expect_add(&v, &mut q2);
        assert_eq!(q1, q2);
        assert_eq!(q1, [2.5, 2.0]);
        assert!(s.validate(0, 2, 3).is_ok());
        let mut g = s.zeros_like();
        g.gather_from_dense(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(g.values(), &[1.0, 3.0, 5.0]);
    }

    #[test]
    fn blocked_dense_kernels_match_naive_sums() {
        for (rows, n) in [(7usize, 9usize), (8, 4), (13, 17), (3, 2)] {
            let p: Vec<f64> = (0..rows * n)
                .map(|i| ((i * 37 % 11) as f64) / 7.0 - 0.5)
                .collect();
            let k = Kernel::Dense {
                n_next: n,
                p: p.clone(),
            };
            let l: Vec<f64> = (0..rows).map(|i| (i as f64).sin()).collect();
            let v: Vec<f64> = (0..n).map(|j| (j as f64 * 0.3).cos()).collect();
            let mut m = vec![0.0; n];
            k.push_forward(&l, &mut m);
            for j in 0..n {
                let naive: f64 = (0..rows).map(|r| l[r] * p[r * n + j]).sum();
                assert!((m[j] - naive).abs() < 1e-12);
            }
            let mut q = vec![1.0; rows];
            let mut q2 = vec![0.0; rows];
            let mut q3 = vec![0.0; rows];
            k.expect_add(&v, &mut q);
            k.expect_add2(&v, &v, &mut q2, &mut q3);
            for r in 0..rows {
                let naive: f64 = (0..n).map(|j| p[r * n + j] * v[j]).sum();
                assert!((q[r] - 1.0 - naive).abs() < 1e-12);
                assert!((q2[r] - naive).abs() < 1e-12 && (q3[r] - naive).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn bad_rows_are_named() {
        let d = Kernel::Dense {
            n_next: 2,
            p: vec![0.5, 0.5, 0.7, 0.2],
        };
        match d.validate(3, 2, 2) {
            Err(MfgCoreError::NotADistribution { h, index, .. }) => {
                assert_eq!((h, index), (Some(3), 1))
            }
            other => panic!("{other:?}"),
        }
        let d = Kernel::Dense {
            n_next: 2,
            p: vec![1.5, -0.5, 0.5, 0.5],
        };
        assert!(matches!(
            d.validate(0, 2, 2),
            Err(MfgCoreError::NegativeProbability { index: 1, .. })
        ));
    }
}

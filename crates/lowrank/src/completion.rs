//! Matrix completion from observed entries with ScaledGD (Tong, Ma & Chi 2021, §3.2) and a spectral
//! or Nyström start (arXiv 2410.18965's sketch applied to the rescaled observed matrix).
//!
//! Loss `f(X, Y) = ½‖P_Ω(XYᵀ − M)‖_F²`, `p = |Ω|/(mn)`. ScaledGD:
//! `X ← X − (η/p) P_Ω(XYᵀ − M) Y (YᵀY)^†`, `Y ← Y − (η/p) P_Ω(XYᵀ − M)ᵀ X (XᵀX)^†` (simultaneous).
//! Starts: spectral `(U_rΣ_r^{1/2}, V_rΣ_r^{1/2})` of `p^{-1}P_Ω(M)`; Nyström `(p^{-1}P_Ω(M)Ω, 0)`.
//! Each step reports `rel_residual = ‖P_Ω(XYᵀ − M)‖/‖P_Ω(M)‖` at the new iterate and, when a full
//! reference matrix is attached ([`CompletionProblem::with_truth`]), `rel_error` on all entries.

use crate::error::{LowrankError, Result};
use crate::linalg::{QrWork, SmallSvd, gaussian};
use crate::scaled_gd::{GramSolve, QR_MAX_COND, ScaledGd, ensure_finite_iter};
use nalgebra::DMatrix;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::rng::{Rng, RngExt};

/// Observed entries `(i, j, M_ij)` of an `m × n` matrix (validated: in range, finite, no duplicates).
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    rows: usize,
    cols: usize,
    entries: Vec<(usize, usize, f64)>,
}

impl Observed {
    /// Validates and stores the entries (sorted by row, then column).
    pub fn new(rows: usize, cols: usize, mut entries: Vec<(usize, usize, f64)>) -> Result<Self> {
        if rows == 0 || cols == 0 {
            return Err(opt_core::Error::invalid("shape", "matrix has no rows or columns").into());
        }
        if entries.is_empty() {
            return Err(opt_core::Error::invalid("entries", "no observed entries").into());
        }
        for (index, &(row, col, v)) in entries.iter().enumerate() {
            if row >= rows || col >= cols {
                return Err(LowrankError::IndexOutOfRange {
                    index,
                    row,
                    col,
                    rows,
                    cols,
                });
            }
            if !v.is_finite() {
                return Err(opt_core::Error::NonFinite {
                    what: format!("observed entry ({row}, {col})"),
                    iter: None,
                }
                .into());
            }
        }
        entries.sort_by_key(|e| (e.0, e.1));
        if let Some(w) = entries
            .windows(2)
            .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
        {
            return Err(LowrankError::DuplicateEntry {
                row: w[0].0,
                col: w[0].1,
            });
        }
        Ok(Self {
            rows,
            cols,
            entries,
        })
    }

    /// Splits a dense matrix into observed (each entry with probability `fraction`) and held-out
    /// entries, from `rng`.
    pub fn sample(m: &DMatrix<f64>, fraction: f64, rng: &mut Rng) -> Result<(Self, Self)> {
        opt_core::error::ensure_in_range("fraction", fraction, f64::MIN_POSITIVE, 1.0)?;
        let (mut obs, mut held) = (Vec::new(), Vec::new());
        for j in 0..m.ncols() {
            for i in 0..m.nrows() {
                let e = (i, j, m[(i, j)]);
                if rng.random::<f64>() < fraction {
                    obs.push(e)
                } else {
                    held.push(e)
                }
            }
        }
        let held = if held.is_empty() { vec![obs[0]] } else { held };
        Ok((
            Self::new(m.nrows(), m.ncols(), obs)?,
            Self::new(m.nrows(), m.ncols(), held)?,
        ))
    }

    /// `(m, n)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }
    /// The entries.
    pub fn entries(&self) -> &[(usize, usize, f64)] {
        &self.entries
    }
    /// `P_Ω(M)` as a dense matrix (zeros elsewhere).
    pub fn to_dense(&self) -> DMatrix<f64> {
        let mut d = DMatrix::zeros(self.rows, self.cols);
        for &(i, j, v) in &self.entries {
            d[(i, j)] = v;
        }
        d
    }
    /// `‖P_Ω(XYᵀ − M)‖_F / ‖P_Ω(M)‖_F`.
    pub fn relative_error(&self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for &(i, j, v) in &self.entries {
            let pred = x.row(i).dot(&y.row(j));
            num += (pred - v) * (pred - v);
            den += v * v;
        }
        (num / den.max(f64::MIN_POSITIVE)).sqrt()
    }
}

/// Completion of an `m × n` matrix of rank `r` from [`Observed`] entries.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionProblem {
    obs: Observed,
    rank: usize,
    p: f64,
    truth: Option<DMatrix<f64>>,
}

impl CompletionProblem {
    /// Validates `1 <= r <= min(m, n)`.
    pub fn new(obs: Observed, rank: usize) -> Result<Self> {
        let (m, n) = obs.shape();
        if rank == 0 || rank > m.min(n) {
            return Err(LowrankError::InvalidRank {
                r: rank,
                max: m.min(n),
            });
        }
        let p = obs.entries.len() as f64 / (m * n) as f64;
        Ok(Self {
            obs,
            rank,
            p,
            truth: None,
        })
    }
    /// Attaches the full matrix so steps report `rel_error` on every entry.
    pub fn with_truth(mut self, m: DMatrix<f64>) -> Result<Self> {
        opt_core::error::ensure_shape("truth", self.obs.shape(), m.shape())?;
        opt_core::error::ensure_finite("truth", m.as_slice())?;
        self.truth = Some(m);
        Ok(self)
    }
    /// The observations.
    pub fn observed(&self) -> &Observed {
        &self.obs
    }
    /// Rank `r`.
    pub fn rank(&self) -> usize {
        self.rank
    }
    /// Sampling rate `p = |Ω|/(mn)`.
    pub fn p(&self) -> f64 {
        self.p
    }
    /// Spectral start: top-`r` SVD of `p^{-1}P_Ω(M)`.
    pub fn spectral_init(&self) -> (DMatrix<f64>, DMatrix<f64>) {
        let d = self.obs.to_dense() / self.p;
        let (u, s, v) = crate::problem::top_svd(&d, self.rank);
        let r = self.rank;
        (
            DMatrix::from_fn(u.nrows(), r, |i, j| u[(i, j)] * s[j].sqrt()),
            DMatrix::from_fn(v.nrows(), r, |i, j| v[(i, j)] * s[j].sqrt()),
        )
    }
    /// Nyström start: `X_0 = p^{-1}P_Ω(M)Ω` (`Ω_ij ~ N(0, ξ²)`), `Y_0 = 0`; costs `O(|Ω| r)`.
    pub fn nystrom_init(&self, xi: f64, rng: &mut Rng) -> Result<(DMatrix<f64>, DMatrix<f64>)> {
        opt_core::error::ensure_positive("xi", xi)?;
        let (m, n) = self.obs.shape();
        let omega = gaussian(n, self.rank, xi, rng);
        let mut x = DMatrix::zeros(m, self.rank);
        for &(i, j, v) in &self.obs.entries {
            for k in 0..self.rank {
                x[(i, k)] += v / self.p * omega[(j, k)];
            }
        }
        Ok((x, DMatrix::zeros(n, self.rank)))
    }
    fn check(&self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<()> {
        let (m, n) = self.obs.shape();
        opt_core::error::ensure_shape("X", (m, self.rank), x.shape())?;
        opt_core::error::ensure_shape("Y", (n, self.rank), y.shape())?;
        opt_core::error::ensure_finite("X", x.as_slice())?;
        opt_core::error::ensure_finite("Y", y.as_slice())?;
        Ok(())
    }
}

/// Iterates and workspaces of a completion run.
#[derive(Debug, Clone)]
pub struct CompletionState {
    /// `X_t` (`m × r`).
    pub x: DMatrix<f64>,
    /// `Y_t` (`n × r`).
    pub y: DMatrix<f64>,
    /// Steps taken.
    pub iter: usize,
    resid: Vec<f64>,
    gx: DMatrix<f64>,
    gy: DMatrix<f64>,
    qx: QrWork,
    qy: QrWork,
    svd: SmallSvd,
    k: DMatrix<f64>,
    nx: DMatrix<f64>,
    ny: DMatrix<f64>,
}

impl CompletionState {
    /// Starts at `(x0, y0)`.
    pub fn new(p: &CompletionProblem, x0: DMatrix<f64>, y0: DMatrix<f64>) -> Result<Self> {
        p.check(&x0, &y0)?;
        let ((m, n), r) = (p.obs.shape(), p.rank);
        Ok(Self {
            x: x0,
            y: y0,
            iter: 0,
            resid: vec![0.0; p.obs.entries.len()],
            gx: DMatrix::zeros(m, r),
            gy: DMatrix::zeros(n, r),
            qx: QrWork::new(m, r),
            qy: QrWork::new(n, r),
            svd: SmallSvd::new(r),
            k: DMatrix::zeros(r, r),
            nx: DMatrix::zeros(m, r),
            ny: DMatrix::zeros(n, r),
        })
    }
}

/// `out ← g (FᵀF)^†` through `F = QR`, `R = U S Vᵀ`: `(FᵀF)^† = V φ(S) Vᵀ`.
fn gram_apply(
    mode: GramSolve,
    f_r: &DMatrix<f64>,
    svd: &mut SmallSvd,
    k: &mut DMatrix<f64>,
    g: &DMatrix<f64>,
    out: &mut DMatrix<f64>,
) -> Result<()> {
    svd.compute(f_r);
    let smax = svd.max();
    if smax == 0.0 {
        out.fill(0.0);
        return Ok(());
    }
    match mode {
        GramSolve::Pinv { rcond } => svd.spectral_into(
            |s| if s > rcond * smax { 1.0 / (s * s) } else { 0.0 },
            true,
            k,
        ),
        GramSolve::Damped { lambda } => svd.spectral_into(|s| 1.0 / (s * s + lambda), true, k),
        GramSolve::Qr | GramSolve::Cholesky => {
            let smin = svd.s.iter().copied().fold(f64::INFINITY, f64::min);
            if smax / smin > QR_MAX_COND {
                return Err(LowrankError::SingularGram { cond: smax / smin });
            }
            svd.spectral_into(|s| 1.0 / (s * s), true, k)
        }
    }
    out.gemm(1.0, g, k, 0.0);
    Ok(())
}

impl Algorithm<CompletionProblem> for ScaledGd {
    type State = CompletionState;
    type Error = LowrankError;

    fn step(
        &self,
        p: &CompletionProblem,
        s: &mut CompletionState,
        _: &mut Rng,
    ) -> Result<StepInfo> {
        self.validate()?;
        p.check(&s.x, &s.y)?;
        let r = p.rank;
        s.gx.fill(0.0);
        s.gy.fill(0.0);
        for (e, &(i, j, v)) in p.obs.entries.iter().enumerate() {
            let res = s.x.row(i).dot(&s.y.row(j)) - v;
            s.resid[e] = res;
            for k in 0..r {
                s.gx[(i, k)] += res * s.y[(j, k)];
                s.gy[(j, k)] += res * s.x[(i, k)];
            }
        }
        s.qx.factor(&s.x);
        s.qy.factor(&s.y);
        gram_apply(self.gram, &s.qy.r, &mut s.svd, &mut s.k, &s.gx, &mut s.nx)?;
        gram_apply(self.gram, &s.qx.r, &mut s.svd, &mut s.k, &s.gy, &mut s.ny)?;
        let c = self.eta / p.p;
        s.x.zip_apply(&s.nx, |xi, d| *xi -= c * d);
        s.y.zip_apply(&s.ny, |yi, d| *yi -= c * d);
        ensure_finite_iter("X", &s.x, s.iter + 1)?;
        ensure_finite_iter("Y", &s.y, s.iter + 1)?;
        s.iter += 1;
        let mut info = StepInfo::new().with("rel_residual", p.obs.relative_error(&s.x, &s.y));
        if let Some(t) = &p.truth {
            let e = (&s.x * s.y.transpose() - t).norm() / t.norm();
            info.push("rel_error", e);
        }
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_low_rank_matrix_from_half_of_its_entries() {
        let mut rng = opt_core::rng::stream(11, "lowrank/completion-test", 0);
        let m = gaussian(100, 3, 1.0, &mut rng) * gaussian(3, 80, 1.0, &mut rng);
        let (obs, held) = Observed::sample(&m, 0.5, &mut rng).unwrap();
        let p = CompletionProblem::new(obs, 3)
            .unwrap()
            .with_truth(m.clone())
            .unwrap();
        let algo = ScaledGd::new(0.5, GramSolve::Pinv { rcond: 1e-12 }).unwrap();
        for start in [p.spectral_init(), p.nystrom_init(1.0, &mut rng).unwrap()] {
            let mut st = CompletionState::new(&p, start.0, start.1).unwrap();
            let mut last = f64::NAN;
            for _ in 0..300 {
                last = algo
                    .step(&p, &mut st, &mut rng)
                    .unwrap()
                    .get("rel_error")
                    .unwrap();
                if last < 1e-10 {
                    break;
                }
            }
            assert!(last < 1e-10, "final error {last}");
            assert!(held.relative_error(&st.x, &st.y) < 1e-9);
        }
    }

    #[test]
    fn bad_observations_are_typed_errors() {
        assert!(matches!(
            Observed::new(2, 2, vec![(2, 0, 1.0)]),
            Err(LowrankError::IndexOutOfRange { .. })
        ));
        assert!(matches!(
            Observed::new(2, 2, vec![(1, 0, 1.0), (1, 0, 2.0)]),
            Err(LowrankError::DuplicateEntry { row: 1, col: 0 })
        ));
        assert!(Observed::new(2, 2, vec![(0, 0, f64::NAN)]).is_err());
        assert!(Observed::new(2, 2, vec![]).is_err());
        let o = Observed::new(2, 2, vec![(0, 0, 1.0)]).unwrap();
        assert!(matches!(
            CompletionProblem::new(o.clone(), 3),
            Err(LowrankError::InvalidRank { r: 3, max: 2 })
        ));
        assert!(CompletionProblem::new(o, 0).is_err());
    }
}

//! The asymmetric iterations on [`AsymProblem`]: [`ScaledGd`] and [`Gd`] as opt-core algorithms.
//!
//! From the Nyström start `(X_0, Y_0) = (AΩ, 0)`, one ScaledGD step with `η = 1` gives
//! `X_1Y_1ᵀ = P_{col(AΩ)} A` (theorem (iii); exact when `r >= rank A`, the randomized range finder
//! otherwise). Step reports: `step_norm`, `cond_x`, `cond_y` (when finite) and `rel_error` when
//! tracking is on.

use crate::error::Result;
use crate::gd::Gd;
use crate::linalg::residual_norm;
use crate::problem::AsymProblem;
use crate::scaled_gd::{
    GramSolve, ScaledGd, Side, axpby, cholesky_update, diff_norm, ensure_finite_iter, scaled_update,
};
use nalgebra::DMatrix;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::rng::Rng;

/// Iterates and preallocated workspaces of an asymmetric run.
#[derive(Debug, Clone)]
pub struct AsymState {
    /// `X_t` (`m × r`).
    pub x: DMatrix<f64>,
    /// `Y_t` (`n × r`).
    pub y: DMatrix<f64>,
    /// Steps taken.
    pub iter: usize,
    sx: Side,
    sy: Side,
    yt: DMatrix<f64>,
    err: Option<DMatrix<f64>>,
}

impl AsymState {
    /// Starts at `(x0, y0)`.
    pub fn new(p: &AsymProblem, x0: DMatrix<f64>, y0: DMatrix<f64>) -> Result<Self> {
        p.check_xy(&x0, &y0)?;
        let ((m, n), r) = (p.shape(), p.rank());
        Ok(Self {
            x: x0,
            y: y0,
            iter: 0,
            sx: Side::new(m, r),
            sy: Side::new(n, r),
            yt: DMatrix::zeros(r, n),
            err: Some(DMatrix::zeros(m, n)),
        })
    }

    /// Stops computing `rel_error` each step.
    #[must_use]
    pub fn without_error_tracking(mut self) -> Self {
        self.err = None;
        self
    }

    fn finish(&mut self, p: &AsymProblem, cx: f64, cy: f64) -> Result<StepInfo> {
        // the step norm is non-finite iff a new iterate is (the current ones are finite)
        let step = (diff_norm(&self.sx.b.next, &self.x).powi(2)
            + diff_norm(&self.sy.b.next, &self.y).powi(2))
        .sqrt();
        if !step.is_finite() {
            ensure_finite_iter("X", &self.sx.b.next, self.iter + 1)?;
            ensure_finite_iter("Y", &self.sy.b.next, self.iter + 1)?;
        }
        std::mem::swap(&mut self.x, &mut self.sx.b.next);
        std::mem::swap(&mut self.y, &mut self.sy.b.next);
        self.iter += 1;
        let mut info = StepInfo::new().with("step_norm", step);
        if cx.is_finite() {
            info.push("cond_x", cx);
        }
        if cy.is_finite() {
            info.push("cond_y", cy);
        }
        if let Some(work) = self.err.as_mut() {
            self.y.transpose_to(&mut self.yt);
            let e = residual_norm(&self.x, &self.yt, p.target(), work) / p.target_norm();
            info.push("rel_error", e);
        }
        Ok(info)
    }
}

impl Algorithm<AsymProblem> for ScaledGd {
    type State = AsymState;
    type Error = crate::LowrankError;

    fn step(&self, p: &AsymProblem, s: &mut AsymState, _: &mut Rng) -> Result<StepInfo> {
        self.validate()?;
        p.check_xy(&s.x, &s.y)?;
        let (cx, cy) = if self.gram == GramSolve::Cholesky {
            s.sx.b.m.gemm(1.0, p.a(), &s.y, 0.0);
            s.sy.b.m.gemm(1.0, p.a_t(), &s.x, 0.0);
            let cy = cholesky_update(self.eta, &s.x, &s.y, &mut s.sx.b)?;
            let cx = cholesky_update(self.eta, &s.y, &s.x, &mut s.sy.b)?;
            (cx, cy)
        } else {
            s.sx.qr.factor(&s.x);
            s.sy.qr.factor(&s.y);
            // products first: A Q_Y and Aᵀ Q_X
            s.sx.b.m.gemm(1.0, p.a(), &s.sy.qr.q, 0.0);
            s.sy.b.m.gemm(1.0, p.a_t(), &s.sx.qr.q, 0.0);
            let cy = scaled_update(self.gram, self.eta, &s.x, &s.sy.qr.r, &mut s.sx.b)?;
            let cx = scaled_update(self.gram, self.eta, &s.y, &s.sx.qr.r, &mut s.sy.b)?;
            (cx, cy)
        };
        s.finish(p, cx, cy)
    }
}

impl Algorithm<AsymProblem> for Gd {
    type State = AsymState;
    type Error = crate::LowrankError;

    /// `X ← X − η(X(YᵀY) − AY)`, `Y ← Y − η(Y(XᵀX) − AᵀX)`.
    fn step(&self, p: &AsymProblem, s: &mut AsymState, _: &mut Rng) -> Result<StepInfo> {
        self.validate()?;
        p.check_xy(&s.x, &s.y)?;
        for (own, other, a, side) in [
            (&s.x, &s.y, p.a(), &mut s.sx),
            (&s.y, &s.x, p.a_t(), &mut s.sy),
        ] {
            let b = &mut side.b;
            b.m.gemm(1.0, a, other, 0.0);
            b.gram.gemm_tr(1.0, other, other, 0.0);
            b.next.copy_from(own);
            b.next.gemm(-self.eta, own, &b.gram, 1.0);
            axpby(&mut b.next, self.eta, &b.m, 1.0);
        }
        s.finish(p, f64::NAN, f64::NAN)
    }
}

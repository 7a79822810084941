//! The symmetric iterations on [`SymProblem`]: [`ScaledGd`] and [`Gd`] as opt-core algorithms.
//!
//! Each step reports `step_norm = ‖X_{t+1} − X_t‖_F`, `cond` (condition estimate of `X_t`) and, when
//! error tracking is on (the default), `rel_error = ‖X_{t+1}X_{t+1}ᵀ − A‖_F / ‖A‖_F` (or against
//! `A_r`, see [`SymProblem::with_best_rank_target`]). Error tracking costs one extra `n × n × r` GEMM;
//! turn it off with [`SymState::without_error_tracking`] when only the iterate matters.

use crate::error::Result;
use crate::gd::Gd;
use crate::linalg::residual_norm;
use crate::problem::SymProblem;
use crate::scaled_gd::{
    GramSolve, ScaledGd, Side, axpby, cholesky_update, diff_norm, ensure_finite_iter, scaled_update,
};
use nalgebra::DMatrix;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::rng::Rng;

/// Iterate and preallocated workspaces of a symmetric run.
#[derive(Debug, Clone)]
pub struct SymState {
    /// The factor `X_t` (`n × r`).
    pub x: DMatrix<f64>,
    /// Steps taken.
    pub iter: usize,
    side: Side,
    xt: DMatrix<f64>,
    err: Option<DMatrix<f64>>,
}

impl SymState {
    /// Starts at `x0` (checked against the problem's shape; must be finite).
    pub fn new(p: &SymProblem, x0: DMatrix<f64>) -> Result<Self> {
        p.check_x(&x0)?;
        let (n, r) = x0.shape();
        Ok(Self {
            x: x0,
            iter: 0,
            side: Side::new(n, r),
            xt: DMatrix::zeros(r, n),
            err: Some(DMatrix::zeros(n, n)),
        })
    }

    /// Stops computing `rel_error` each step (saves one `n × n × r` GEMM and the `n × n` buffer).
    #[must_use]
    pub fn without_error_tracking(mut self) -> Self {
        self.err = None;
        self
    }

    fn finish(&mut self, p: &SymProblem, cond: f64) -> Result<StepInfo> {
        // the step norm is non-finite iff the new iterate is (the current one is finite)
        let step_norm = diff_norm(&self.side.b.next, &self.x);
        if !step_norm.is_finite() {
            ensure_finite_iter("X", &self.side.b.next, self.iter + 1)?;
        }
        std::mem::swap(&mut self.x, &mut self.side.b.next);
        self.iter += 1;
        let mut info = StepInfo::new().with("step_norm", step_norm);
        if cond.is_finite() {
            info.push("cond", cond);
        }
        if let Some(work) = self.err.as_mut() {
            self.x.transpose_to(&mut self.xt);
            let e = residual_norm(&self.x, &self.xt, p.target(), work) / p.target_norm();
            info.push("rel_error", e);
        }
        Ok(info)
    }
}

impl Algorithm<SymProblem> for ScaledGd {
    type State = SymState;
    type Error = crate::LowrankError;

    fn step(&self, p: &SymProblem, s: &mut SymState, _: &mut Rng) -> Result<StepInfo> {
        self.validate()?;
        p.check_x(&s.x)?;
        let cond = if self.gram == GramSolve::Cholesky {
            s.side.b.m.gemm(1.0, p.a(), &s.x, 0.0);
            cholesky_update(self.eta, &s.x, &s.x, &mut s.side.b)?
        } else {
            s.side.qr.factor(&s.x);
            s.side.b.m.gemm(1.0, p.a(), &s.side.qr.q, 0.0);
            scaled_update(self.gram, self.eta, &s.x, &s.side.qr.r, &mut s.side.b)?
        };
        s.finish(p, cond)
    }
}

impl Algorithm<SymProblem> for Gd {
    type State = SymState;
    type Error = crate::LowrankError;

    /// `X ← X − η(X(XᵀX) − AX)`.
    fn step(&self, p: &SymProblem, s: &mut SymState, _: &mut Rng) -> Result<StepInfo> {
        self.validate()?;
        p.check_x(&s.x)?;
        let side = &mut s.side.b;
        side.m.gemm(1.0, p.a(), &s.x, 0.0);
        side.gram.gemm_tr(1.0, &s.x, &s.x, 0.0);
        side.next.copy_from(&s.x);
        side.next.gemm(-self.eta, &s.x, &side.gram, 1.0);
        axpby(&mut side.next, self.eta, &side.m, 1.0);
        s.finish(p, f64::NAN)
    }
}

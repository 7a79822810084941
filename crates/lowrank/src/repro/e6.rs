//! E6: asymmetric under-parameterised (theorem (iv)): rank-10 `A` (`120 × 80`), `σ_6/σ_5 = 0.5`,
//! `r = 5`, η = 1. Step 1 is the HMT range-finder approximation `QQᵀA`; then linear convergence to
//! `A_5` at rate `σ_6/σ_5` (interleaved subspace iteration).

use super::common::{asym_trace, for_log, rect_with_spectrum};
use crate::diag::tail_ratio;
use crate::repro::e4::spectrum;
use crate::{AsymProblem, GramSolve, Init, ScaledGd};
use nalgebra::DMatrix;
use opt_core::report::{
    Claim, ExperimentError, ExperimentOutput, Figure, RunContext, Series, Table,
};

/// Runs E6.
pub fn run(ctx: &RunContext<'_>) -> Result<ExperimentOutput, ExperimentError> {
    let seeds = ctx.pick(4, 10);
    let mut hmt_diff = 0.0f64;
    let (mut tmin, mut tmax) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut trace = Table::with_columns(&["seed", "hmt_rel_diff", "tail_ratio"]);
    let mut fig = Figure::new(
        "e6-error",
        "E6: asymmetric under-parameterised, r = 5, sigma_6/sigma_5 = 0.5",
        "iteration",
        "||XY^T - A_5|| / ||A_5||",
    )
    .log_axes(false, true);
    for seed in 0..seeds {
        let mut rng = opt_core::rng::stream(ctx.seed, "lowrank/e6", seed as u64);
        let a = rect_with_spectrum(120, 80, &spectrum(0.5), &mut rng);
        let p = AsymProblem::new(a.clone(), 5)?.with_best_rank_target();
        let (x0, y0) = Init::Nystrom { xi: 1.0 }.asym(&p, &mut rng)?;
        let q = {
            let mut w = crate::linalg::QrWork::new(120, 5);
            w.factor(&x0);
            w.q
        };
        let hmt: DMatrix<f64> = &q * (q.transpose() * &a);
        let mut first = None;
        let e = asym_trace(
            &p,
            &ScaledGd::new(1.0, GramSolve::Qr)?,
            x0,
            y0,
            200,
            1e-13,
            |x, y| {
                if first.is_none() && y.iter().any(|v| *v != 0.0) {
                    first = Some(x * y.transpose());
                }
            },
        )?;
        let d = first
            .map(|f| (f - &hmt).norm() / hmt.norm())
            .unwrap_or(f64::INFINITY);
        hmt_diff = hmt_diff.max(d);
        let t = tail_ratio(&e, 1e-12, 1e-4).unwrap_or(f64::NAN);
        tmin = tmin.min(t);
        tmax = tmax.max(t);
        trace.push(vec![seed as f64, d, t]);
        if seed < 3 {
            fig = fig.with(Series::indexed(format!("seed {seed}"), for_log(&e, 1e-17)));
        }
    }
    Ok(ExperimentOutput {
        claims: vec![
            Claim::at_most(
                "hmt-step",
                "max relative difference between X_1 Y_1^T and the HMT range finder QQ^T A",
                "step 1 equals QQ^T A to 1e-12",
                hmt_diff,
                1e-12,
            ),
            Claim::within(
                "tail-min",
                "min over seeds of the tail ratio to A_5",
                "linear at sigma_{r+1}/sigma_r = 0.5: in [0.45, 0.55]",
                tmin,
                0.45,
                0.55,
            ),
            Claim::within(
                "tail-max",
                "max over seeds of the tail ratio to A_5",
                "in [0.45, 0.55]",
                tmax,
                0.45,
                0.55,
            ),
        ],
        figures: vec![fig],
        trace,
        config: serde_json::json!({"m": 120, "n": 80, "rank_A": 10, "r": 5, "gap": 0.5, "eta": 1.0, "seeds": seeds}),
        notes: vec![],
    })
}

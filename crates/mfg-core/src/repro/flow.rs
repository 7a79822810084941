//! M1: on random density-dependent models and random policies every `L_h` is a distribution, and
//! adding `c(h,s)` to the logits changes nothing downstream (spec test oracle 3).

use crate::envs::RandomMfg;
use crate::eval::Workspace;
use crate::policy::softmax_rows;
use opt_core::report::{Claim, ExperimentError, ExperimentOutput, RunContext, Table};
use opt_core::rng::{RngExt, standard_normal, stream};

pub(super) fn run(ctx: &RunContext<'_>) -> Result<ExperimentOutput, ExperimentError> {
    let trials = ctx.pick(50, 500);
    let (mut worst_sum, mut min_entry, mut worst_shift) = (0.0f64, f64::INFINITY, 0.0f64);
    let mut trace = Table::with_columns(&[
        "trial",
        "S",
        "A",
        "H",
        "max_sum_err",
        "min_entry",
        "shift_err_scaled",
    ]);
    for t in 0..trials {
        let mut rng = stream(ctx.seed, "mfg-core/m1", t as u64);
        let (ns, na, hz) = (
            rng.random_range(2..12),
            rng.random_range(2..5),
            rng.random_range(1..8),
        );
        let m = RandomMfg::new(ns, na, hz, 3.0, 0.5, rng.random());
        let mut ws = Workspace::new(&m)?;
        let n = hz * ns * na;
        let z: Vec<f64> = (0..n).map(|_| 2.0 * standard_normal(&mut rng)).collect();
        let mut pi = z.clone();
        softmax_rows(&mut pi, na);
        let e = ws.exploitability(&m, &pi, 0.3)?;
        let (flow, q) = (ws.flow.clone(), ws.q.clone());
        let mut sum_err = 0.0f64;
        let mut mn = f64::INFINITY;
        for h in 0..hz {
            let l = ws.flow_at(h);
            sum_err = sum_err.max((l.iter().sum::<f64>() - 1.0).abs());
            mn = l.iter().copied().fold(mn, f64::min);
        }
        // shift invariance
        let c: Vec<f64> = (0..hz * ns)
            .map(|_| 10.0 * standard_normal(&mut rng))
            .collect();
        let cmax = c.iter().fold(1.0f64, |a, v| a.max(v.abs()));
        let mut pi2: Vec<f64> = z.iter().enumerate().map(|(i, v)| v + c[i / na]).collect();
        softmax_rows(&mut pi2, na);
        let e2 = ws.exploitability(&m, &pi2, 0.3)?;
        let d = flow
            .iter()
            .zip(&ws.flow)
            .chain(q.iter().zip(&ws.q))
            .chain(pi.iter().zip(&pi2))
            .map(|(a, b)| (a - b).abs())
            .fold((e - e2).abs(), f64::max);
        let scaled = d / cmax;
        worst_sum = worst_sum.max(sum_err);
        min_entry = min_entry.min(mn);
        worst_shift = worst_shift.max(scaled);
        trace.push(vec![
            t as f64, ns as f64, na as f64, hz as f64, sum_err, mn, scaled,
        ]);
    }
    Ok(ExperimentOutput {
        claims: vec![
            Claim::at_most(
                "flow-sums",
                "max_h |Σ L_h − 1| over random models and policies",
                "each L_h sums to 1 (±1e-12)",
                worst_sum,
                1e-12,
            ),
            Claim::at_least(
                "flow-nonneg",
                "min entry of every L_h",
                "entries >= 0",
                min_entry,
                0.0,
            ),
            Claim::at_most(
                "shift-invariance",
                "max |Δ(policy, flow, q, E)| / max(1, max|c|) after ζ += c(h,s)",
                "oracle 3: <= 1e-12 · max(1, max|c|)",
                worst_shift,
                1e-12,
            ),
        ],
        figures: vec![],
        trace,
        config: serde_json::json!({"trials": trials, "kappa": 3.0, "lambda": 0.5, "tau": 0.3, "logit_sd": 2.0, "shift_sd": 10.0}),
        notes: vec![],
    })
}

//! E4: symmetric under-parameterised (theorem (ii)): rank-10 PSD target, `r = 5`,
//! gap `g = σ_6/σ_5 ∈ {0.5, 0.9}`, error against `A_5`. ScaledGD(η) converges linearly at
//! `(1−η) + η g` for both inits (spec box); the best step is `η* = 2/(3 − g)`.

use super::common::{for_log, geomspace, median, psd_with_spectrum, sym_trace};
use crate::diag::{iterations_to, tail_ratio};
use crate::{GramSolve, Init, ScaledGd, SymProblem};
use opt_core::report::{
    Claim, ExperimentError, ExperimentOutput, Figure, RunContext, Series, Table,
};

/// The rank-10 spectrum: `geomspace(1, 0.5, 5)` then `g·σ_5 · geomspace(1, 0.5, 5)`.
pub fn spectrum(gap: f64) -> Vec<f64> {
    let top = geomspace(1.0, 0.5, 5);
    let s5 = top[4];
    top.iter()
        .copied()
        .chain(geomspace(gap * s5, gap * s5 * 0.5, 5))
        .collect()
}

/// Runs E4.
pub fn run(ctx: &RunContext<'_>) -> Result<ExperimentOutput, ExperimentError> {
    let seeds = ctx.pick(4, 10);
    let mut claims = Vec::new();
    let mut trace = Table::with_columns(&[
        "gap",
        "seed",
        "init",
        "tail_ratio",
        "iters_to_1e-10",
        "error_at_30",
    ]);
    let mut fig = Figure::new(
        "e4-error",
        "E4: under-parameterised, r = 5, rank 10 (seed 0)",
        "iteration",
        "||XX^T - A_5|| / ||A_5||",
    )
    .log_axes(false, true);
    let mut notes = Vec::new();
    for gap in [0.5, 0.9] {
        let predicted = 0.5 + 0.5 * gap;
        let mut dev = 0.0f64;
        let mut nys_wins = 0;
        let mut star_speedup = Vec::new();
        for seed in 0..seeds {
            let mut rng = opt_core::rng::stream(
                ctx.seed,
                if gap == 0.5 {
                    "lowrank/e4/0.5"
                } else {
                    "lowrank/e4/0.9"
                },
                seed as u64,
            );
            let (a, _) = psd_with_spectrum(100, &spectrum(gap), &mut rng);
            let p = SymProblem::new(a, 5)?.with_best_rank_target();
            let half = ScaledGd::new(0.5, GramSolve::Qr)?;
            let mut at30 = [0.0; 2];
            for (k, init) in [Init::Nystrom { xi: 1.0 }, Init::SmallRandom { scale: 1e-3 }]
                .iter()
                .enumerate()
            {
                let x0 = init.sym(&p, &mut rng)?;
                let e = sym_trace(&p, &half, x0.clone(), 3000, 1e-13, |_| {})?;
                let tail = tail_ratio(&e, 1e-13, 1e-9).unwrap_or(f64::NAN);
                dev = dev.max(if tail.is_nan() {
                    f64::INFINITY
                } else {
                    (tail - predicted).abs()
                });
                at30[k] = e.get(30).copied().unwrap_or(0.0);
                let it = iterations_to(&e, 1e-10).unwrap_or(usize::MAX);
                trace.push(vec![gap, seed as f64, k as f64, tail, it as f64, at30[k]]);
                if seed == 0 {
                    fig = fig.with(Series::indexed(
                        format!(
                            "{} , gap {gap}",
                            if k == 0 { "Nystrom" } else { "small random" }
                        ),
                        for_log(&e, 1e-17),
                    ));
                }
                if k == 0 {
                    let eta_star = 2.0 / (3.0 - gap);
                    let es = sym_trace(
                        &p,
                        &ScaledGd::new(eta_star, GramSolve::Qr)?,
                        x0,
                        2000,
                        1e-10,
                        |_| {},
                    )?;
                    star_speedup
                        .push(it as f64 / iterations_to(&es, 1e-10).unwrap_or(usize::MAX) as f64);
                }
            }
            if at30[0] <= at30[1] {
                nys_wins += 1;
            }
        }
        claims.push(Claim::at_most(
            if gap == 0.5 { "tail-ratio-gap0.5" } else { "tail-ratio-gap0.9" },
            "max over inits and seeds of |tail ratio - ((1 - eta) + eta g)|, eta = 1/2 (asymptotic: errors in (1e-13, 1e-9))",
            "linear convergence degrading as the gap closes; rate (1-eta) + eta sigma_{r+1}/sigma_r (0.75 / 0.95), +- 0.01",
            dev,
            0.01,
        ));
        notes.push(format!(
            "gap {gap}: tails {:?}",
            trace
                .rows
                .iter()
                .filter(|r| r[0] == gap)
                .map(|r| r[3])
                .collect::<Vec<_>>()
        ));
        notes.push(format!("gap {gap}: Nystrom error <= small-init error at iteration 30 in {nys_wins}/{seeds} seeds (report only; spec: fails on 20-46% of seeds)"));
        notes.push(format!("gap {gap}: eta* = 2/(3-g) = {:.3} needs {:.2}x fewer iterations to 1e-10 than eta = 1/2 (median)", 2.0 / (3.0 - gap), median(&star_speedup)));
    }
    Ok(ExperimentOutput {
        claims,
        figures: vec![fig],
        trace,
        config: serde_json::json!({"n": 100, "r": 5, "rank_A": 10, "gaps": [0.5, 0.9], "seeds": seeds, "spectrum": "geomspace(1,0.5,5) ++ g*s5*geomspace(1,0.5,5)"}),
        notes,
    })
}

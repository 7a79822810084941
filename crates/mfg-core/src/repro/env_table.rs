//! The per-environment solver table: on each of MFGLib's ten environments (default
//! parameters, τ = 0 as MFGLib), every solver family runs with a small step-size search
//! ([`crate::solvers::tune::search`]) and we record the final exploitability of its best setting.
//! Claims assert that the best solver reaches the stated exploitability where solvers converge;
//! the known non-convergent case (MFGLib's OMD with α = 1 on rock–paper–scissors) is reported.

use crate::envs::{DynMfg, mfglib_suite};
use crate::solvers::tune::{SearchResult, log_grid, search};
use crate::solvers::*;
use opt_core::report::{
    Claim, ExperimentError, ExperimentOutput, Figure, RunContext, Series, Table,
};

/// Solver families in table order.
pub const SOLVERS: [&str; 5] = [
    "omd",
    "fictitious-play",
    "damped-fixed-point",
    "prior-descent",
    "mf-omo",
];

/// Exploitability the best solver must reach per environment after the quick budget (200
/// iterations). Our calibration, not a paper value (MFGLib states none): 1e-6 where some solver
/// converges to rounding; about 3–10× above the value measured on seeds 0–2 where the best solver
/// is still converging at 200 iterations (crowd motion, building evacuation: OMD; RPS: MF-OMO).
/// See docs/mfg-core.md.
fn threshold(env: &str) -> f64 {
    match env {
        "building_evacuation" => 5e-3,
        "crowd_motion" => 1e-3,
        "rock_paper_scissors" => 1e-4,
        _ => 1e-6,
    }
}

fn best_of<A: Clone + std::fmt::Debug>(r: &SearchResult<A>) -> (f64, String) {
    (r.best_exploitability, format!("{:?}", r.best))
}

fn family(m: &DynMfg, k: usize, iters: usize, full: bool) -> crate::Result<(f64, String)> {
    let m = m.as_ref();
    let etas = if full {
        log_grid(0.01, 10.0, 7)?
    } else {
        vec![0.1, 0.3, 1.0, 3.0, 10.0]
    };
    match k {
        0 => {
            let c: Vec<_> = etas
                .iter()
                .map(|e| OnlineMirrorDescent::new(*e, 0.0))
                .collect::<crate::Result<_>>()?;
            Ok(best_of(&search(m, &c, iters, |m, _| OmdState::new(m))?))
        }
        1 => {
            let c = [FictitiousPlay::new(0.0)?];
            Ok(best_of(&search(m, &c, iters, |m, _| {
                FictitiousPlayState::new(m)
            })?))
        }
        2 => {
            let alphas: &[f64] = if full {
                &[0.01, 0.03, 0.1, 0.3, 1.0]
            } else {
                &[0.1, 0.3, 1.0]
            };
            let c: Vec<_> = alphas
                .iter()
                .map(|a| FictitiousPlay::damped(*a, 0.0))
                .collect::<crate::Result<_>>()?;
            Ok(best_of(&search(m, &c, iters, |m, _| {
                FictitiousPlayState::new(m)
            })?))
        }
        3 => {
            let inner: &[Option<usize>] = if full {
                &[None, Some(10), Some(50)]
            } else {
                &[Some(10)]
            };
            let pe: &[f64] = if full { &etas } else { &[0.3, 1.0, 3.0] };
            let c: Vec<_> = pe
                .iter()
                .flat_map(|e| inner.iter().map(|n| PriorDescent::new(*e, *n, 0.0)))
                .collect::<crate::Result<_>>()?;
            Ok(best_of(&search(m, &c, iters, |m, _| {
                PriorDescentState::new(m)
            })?))
        }
        _ => {
            let lrs: &[f64] = if full {
                &[0.01, 0.1, 1.0]
            } else {
                &[0.01, 0.1]
            };
            let c: Vec<_> = lrs
                .iter()
                .map(|lr| {
                    MfOmo::new(MfOmoConfig {
                        lr: *lr,
                        ..Default::default()
                    })
                })
                .collect::<crate::Result<_>>()?;
            Ok(best_of(&search(m, &c, iters, MfOmoState::new)?))
        }
    }
}

pub(super) fn run(ctx: &RunContext<'_>) -> Result<ExperimentOutput, ExperimentError> {
    let full = ctx.pick(false, true);
    let iters = ctx.pick(200, 1000);
    let suite = mfglib_suite(ctx.seed);
    let mut trace = Table::with_columns(&["env", "solver", "final_exploitability"]);
    let mut claims = Vec::new();
    let mut notes = Vec::new();
    let mut per_solver: Vec<Vec<f64>> = vec![Vec::new(); SOLVERS.len()];
    for (i, (name, m)) in suite.iter().enumerate() {
        let mut best = (f64::INFINITY, String::new());
        let mut line = format!("{name}:");
        for (k, sname) in SOLVERS.iter().enumerate() {
            let (e, setting) = family(m, k, iters, full)?;
            trace.push(vec![i as f64, k as f64, e]);
            per_solver[k].push(e.abs().max(1e-17));
            line += &format!(" {sname} {e:.2e} [{setting}];");
            if e < best.0 {
                best = (e, format!("{sname} {setting}"));
            }
        }
        notes.push(line);
        claims.push(Claim::at_most(
            &format!("{name}-best"),
            &format!("{name}: final exploitability (τ = 0) of the best solver after {iters} iterations ({})", best.1),
            "issue 6: the best solver reaches a stated exploitability (threshold: our calibration)",
            best.0,
            threshold(name),
        ));
        ctx.progress(i as u64 + 1, suite.len() as u64 + 1);
    }
    // MFGLib's own OMD (α = 1) on rock–paper–scissors: reported, and asserted to be non-convergent.
    let rps = &suite
        .iter()
        .find(|(n, _)| *n == "rock_paper_scissors")
        .ok_or("missing RPS")?
        .1;
    let mut st = OmdState::new(rps.as_ref())?;
    let tr = run_for(
        rps.as_ref(),
        &OnlineMirrorDescent::new(1.0, 0.0)?,
        &mut st,
        iters,
    )?;
    let tail_min = tr[tr.len() / 2..]
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    claims.push(Claim::at_least(
        "rps-omd-alpha1-nonconvergent",
        "rock-paper-scissors, OMD alpha = 1 (MFGLib default): min exploitability over the second half of the run",
        "issue 6: MFGLib's own OMD on RPS with alpha = 1 does not converge",
        tail_min,
        0.1,
    ));
    notes.push(format!(
        "RPS OMD alpha = 1: final exploitability {:.3}, min over second half {tail_min:.3}",
        tr[tr.len() - 1]
    ));
    let x: Vec<f64> = (0..suite.len()).map(|i| i as f64).collect();
    let mut fig = Figure::new(
        "best-exploitability",
        "Best final exploitability per solver (x: environment index in mfglib_suite order)",
        "environment",
        "final exploitability",
    )
    .log_axes(false, true);
    for (k, s) in SOLVERS.iter().enumerate() {
        fig = fig.with(Series::new(*s, x.clone(), per_solver[k].clone()));
    }
    Ok(ExperimentOutput {
        claims,
        figures: vec![fig],
        trace,
        config: serde_json::json!({
            "iterations": iters,
            "environments": suite.iter().map(|s| s.0).collect::<Vec<_>>(),
            "solvers": SOLVERS,
            "grid": if full { "omd eta log-grid 0.01..10 (7); damped alpha {0.01,0.03,0.1,0.3,1}; prior descent eta log-grid x n_inner {None,10,50}; MF-OMO lr {0.01,0.1,1}" } else { "omd eta {0.1,0.3,1,3,10}; damped alpha {0.1,0.3,1}; prior descent eta {0.3,1,3}, n_inner 10; MF-OMO lr {0.01,0.1}" },
            "tau": 0.0,
        }),
        notes,
    })
}

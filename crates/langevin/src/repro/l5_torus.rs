//! L5: torus of revolution V = ((ρ − 2)² + z² − 1)² in R³ by the axisymmetric reduction
//! (cell-centred meridian grid on (0, 4] × [−2, 2]). |∇g| is constant on S, so λ₁^w = λ₁(S) =
//! 0.24937 (the k = 1 Fourier mode). Claims: |ρ_{k=1}(ε) − 0.24937| ≤ 0.05ε; the LB references
//! (k = 1: 0.24937, k = 0: 0.97673, k = 2: 0.79457). At full scale the k = 0 (deflated) and k = 2
//! Langevin modes are solved and the k = 1 mode is checked to be the bottleneck.

use crate::geometry::torus_modes;
use crate::potentials::TorusRev;
use crate::spectral::{GridGap, InverseIteration, torus_mode_gap};
use opt_core::report::{Claim, ExperimentError, ExperimentOutput, RunContext, Table};
use rayon::prelude::*;

fn spacing(eps: f64) -> f64 {
    if eps >= 0.1 { 0.02 } else { 4.0 / 240.0 }
}

pub(super) fn run(ctx: &RunContext<'_>) -> Result<ExperimentOutput, ExperimentError> {
    let torus = TorusRev::new(2.0, 1.0)?;
    let eps_list = [0.2, 0.1, 0.05];
    let modes: Vec<usize> = ctx.pick(vec![1], vec![1, 0, 2]);
    let jobs: Vec<(usize, f64)> = modes
        .iter()
        .flat_map(|&k| eps_list.iter().map(move |&e| (k, e)))
        .collect();
    let res: Vec<crate::Result<GridGap>> = jobs
        .par_iter()
        .map(|&(k, eps)| torus_mode_gap(&torus, k, eps, spacing(eps), InverseIteration::default()))
        .collect();
    let res = res.into_iter().collect::<crate::Result<Vec<_>>>()?;
    let mut trace =
        Table::with_columns(&["k", "eps", "h", "rho", "nodes", "inverse_iters", "cg_iters"]);
    let mut claims = Vec::new();
    for ((k, eps), g) in jobs.iter().zip(&res) {
        trace.push(vec![
            *k as f64,
            *eps,
            spacing(*eps),
            g.rho,
            g.nodes as f64,
            g.iters as f64,
            g.cg_iters as f64,
        ]);
        if *k == 1 {
            claims.push(Claim::close_to(
                &format!("k1-eps{eps}"),
                &format!("rho of the k = 1 mode at eps = {eps}: |rho - 0.24937| <= 0.05 eps"),
                "rho -> lambda_1(S) = 0.24937 (measured 0.25470, 0.25176, 0.25051 in the spec box)",
                g.rho,
                0.24937,
                0.05 * eps,
            ));
        }
    }
    let t1 = torus_modes(2.0, 1.0, 1, 1024)?;
    let t0 = torus_modes(2.0, 1.0, 0, 1024)?;
    let t2 = torus_modes(2.0, 1.0, 2, 1024)?;
    claims.push(Claim::close_to(
        "lb-k1",
        "LB eigenvalue, k = 1 lowest",
        "0.24937 = lambda_1(S)",
        t1[0],
        0.24937,
        1e-4,
    ));
    claims.push(Claim::close_to(
        "lb-k0",
        "LB eigenvalue, k = 0 first non-zero (poloidal)",
        "0.97673",
        t0[1],
        0.97673,
        1e-4,
    ));
    claims.push(Claim::close_to(
        "lb-k2",
        "LB eigenvalue, k = 2 lowest",
        "0.79457",
        t2[0],
        0.79457,
        1e-4,
    ));
    let mut notes = vec![];
    if modes.len() > 1 {
        let rho_of = |k: usize, e: f64| {
            jobs.iter()
                .zip(&res)
                .find(|((kk, ee), _)| *kk == k && *ee == e)
                .map(|(_, g)| g.rho)
                .unwrap_or(f64::NAN)
        };
        let worst = eps_list
            .iter()
            .map(|&e| rho_of(1, e) / rho_of(0, e).min(rho_of(2, e)))
            .fold(0.0, f64::max);
        claims.push(Claim::at_most(
            "k1-is-bottleneck",
            "max over eps of rho_{k=1} / min(rho_{k=0, 2nd}, rho_{k=2})",
            "gap = eps rho_{k=1} (k = 0 second values 1.1312, 1.0373, 1.0035 in the spec)",
            worst,
            1.0,
        ));
    } else {
        notes.push(
            "quick scale: only k = 1 is solved; the k = 0 (deflated) and k = 2 modes run at --scale full"
                .into(),
        );
    }
    Ok(ExperimentOutput {
        claims,
        figures: vec![],
        trace,
        config: serde_json::json!({"big_r": 2.0, "small_r": 1.0, "box": [[0.0, 4.0], [-2.0, 2.0]], "grid": "cell-centred", "h": "0.02 (eps >= 0.1), 1/60 (eps = 0.05)", "modes": modes}),
        notes,
    })
}

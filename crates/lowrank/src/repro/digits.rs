//! Real data: the UCI optical digits (1797 × 64, pixel values 0..16; vendored in `data/`).
//!
//! * `digits-factorisation`: (a) the symmetric rank-r approximation of the pixel covariance
//!   (64 × 64, rank 61, normalised to `σ_1 = 1`) at r ∈ {5, 10}, which is *under-parameterised*:
//!   iterations to 1e-8 per initialisation for ScaledGD(½), ScaledGD(η* = 2/(3 − g)) and GD;
//!   (b) completion of the rank-10 part of the digits matrix from 50% of its entries, and of the
//!   raw matrix (held-out error against the truncated-SVD oracle), per initialisation.
//! * `digits-lora`: an MLP pretrained on digits 0–4, adapted to 5–9 with rank-4 LoRA adapters for
//!   each initialisation (Kaiming, PiSSA, NoRA, NoRA+), Adam; test accuracy and loss curves.

use super::common::{for_log, median, series_xy, sym_trace, sym_trace_sparse};
use crate::completion::{CompletionProblem, CompletionState, Observed};
use crate::diag::{iterations_to, tail_ratio};
use crate::problem::top_eigen;
use crate::{Gd, GramSolve, Init, ScaledGd, SymProblem};
use nalgebra::DMatrix;
use opt_core::algorithm::Algorithm;
use opt_core::data::LabelledData;
use opt_core::report::{
    Claim, ExperimentError, ExperimentOutput, Figure, RunContext, Series, Table,
};

const DIGITS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/digits.csv"
));

/// The digits data set.
pub fn digits() -> crate::Result<LabelledData> {
    Ok(LabelledData::parse_csv(DIGITS, false)?)
}

/// The pixel covariance of the digits, normalised to `σ_1 = 1`.
pub fn covariance() -> crate::Result<DMatrix<f64>> {
    let d = digits()?;
    let n = d.x.nrows() as f64;
    let mean = d.x.row_mean();
    let mut xc = d.x.clone();
    for mut row in xc.row_iter_mut() {
        row -= &mean;
    }
    let c = xc.transpose() * &xc / n;
    let c = (&c + c.transpose()) * 0.5;
    let (_, s) = top_eigen(&c, 1);
    Ok(c / s[0])
}

const TOL: f64 = 1e-8;

/// Runs the factorisation/completion part.
pub fn run_factorisation(ctx: &RunContext<'_>) -> Result<ExperimentOutput, ExperimentError> {
    let seeds = 3;
    let a = covariance()?;
    let (_, eig) = top_eigen(&a, 11);
    let mut claims = Vec::new();
    let mut notes = Vec::new();
    let mut trace = Table::with_columns(&["r", "seed", "arm", "iters_to_1e-8", "tail_ratio"]);
    let mut fig = Figure::new(
        "digits-cov",
        "Digits covariance, rank-10 approximation (seed 0)",
        "iteration",
        "||XX^T - A_r|| / ||A_r||",
    )
    .log_axes(false, true);
    for r in [5usize, 10] {
        let g = eig[r] / eig[r - 1];
        let p = SymProblem::new(a.clone(), r)?.with_best_rank_target();
        let (mut dev, mut gd_ratio, mut star_ratio) = (0.0f64, f64::INFINITY, f64::INFINITY);
        let mut nys_vs_small = Vec::new();
        for seed in 0..seeds {
            let mut rng =
                opt_core::rng::stream(ctx.seed, "lowrank/digits-cov", (r * 100 + seed) as u64);
            let half = ScaledGd::new(0.5, GramSolve::Qr)?;
            let star = ScaledGd::new(2.0 / (3.0 - g), GramSolve::Qr)?;
            let xn = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng)?;
            let xs = Init::SmallRandom { scale: 1e-3 }.sym(&p, &mut rng)?;
            let en = sym_trace(&p, &half, xn.clone(), 3000, 1e-13, |_| {})?;
            let es = sym_trace(&p, &half, xs.clone(), 3000, 1e-13, |_| {})?;
            let est = sym_trace(&p, &star, xn, 3000, TOL, |_| {})?;
            let gd = sym_trace_sparse(&p, &Gd::new(0.5)?, xs, 40_000, 10, TOL)?;
            let it = |e: &[f64]| {
                iterations_to(e, TOL)
                    .map(|k| k as f64)
                    .unwrap_or(f64::INFINITY)
            };
            let (itn, its, itst) = (it(&en), it(&es), it(&est));
            let itgd = gd
                .iter()
                .find(|q| q.1 < TOL)
                .map(|q| q.0 as f64)
                .unwrap_or(f64::INFINITY);
            for (k, e) in [&en, &es].iter().enumerate() {
                let t = tail_ratio(e, 1e-13, 1e-9).unwrap_or(f64::NAN);
                dev = dev.max(if t.is_nan() {
                    f64::INFINITY
                } else {
                    (t - 0.5 * (1.0 + g)).abs()
                });
                trace.push(vec![r as f64, seed as f64, k as f64, it(e), t]);
            }
            trace.push(vec![r as f64, seed as f64, 2.0, itst, f64::NAN]);
            trace.push(vec![r as f64, seed as f64, 3.0, itgd, f64::NAN]);
            gd_ratio = gd_ratio.min(itgd / itn.max(its));
            star_ratio = star_ratio.min(itn / itst);
            nys_vs_small.push(itn / its);
            notes.push(format!("r = {r}, seed {seed}: iterations to 1e-8: Nystrom {itn}, small random {its}, Nystrom + eta* {itst}, GD {itgd}; spectral start error {:.1e} at iteration 0", p.relative_error(&Init::Spectral.sym(&p, &mut rng)?)?));
            if seed == 0 && r == 10 {
                fig = fig
                    .with(Series::indexed(
                        "ScaledGD(1/2), Nystrom",
                        for_log(&en, 1e-17),
                    ))
                    .with(Series::indexed(
                        "ScaledGD(1/2), small random",
                        for_log(&es, 1e-17),
                    ))
                    .with(Series::indexed(
                        "ScaledGD(eta*), Nystrom",
                        for_log(&est, 1e-17),
                    ))
                    .with(series_xy("GD, small random", &gd, 1e-17));
            }
        }
        notes.push(format!("r = {r}: g = sigma_(r+1)/sigma_r = {g:.3}; Nystrom/small-random iteration ratio (median) {:.2}", median(&nys_vs_small)));
        claims.push(Claim::at_most(
            &format!("cov-r{r}-tail"),
            &format!(
                "digits covariance, r = {r}: max over inits and seeds of |tail ratio - (1 + g)/2|"
            ),
            "under-parameterised: linear at exactly (1 + g)/2 for both inits (spec real-data note)",
            dev,
            0.01,
        ));
        claims.push(Claim::at_least(
            &format!("cov-r{r}-gd-ratio"),
            &format!("r = {r}: min over seeds of GD iterations / ScaledGD(1/2) iterations to 1e-8"),
            "ScaledGD needs 2.7x (r = 5) to 5x (r = 10) fewer iterations than GD; asserted >= 2",
            gd_ratio,
            2.0,
        ));
        claims.push(Claim::at_least(
            &format!("cov-r{r}-eta-star"),
            &format!(
                "r = {r}: min over seeds of iterations(eta = 1/2) / iterations(eta* = 2/(3-g))"
            ),
            "eta* saves a further 1.6-1.8x; asserted >= 1.3",
            star_ratio,
            1.3,
        ));
    }

    // (b) completion of the rank-10 part and of the raw matrix from 50% of the entries
    let d = digits()?;
    let m_raw = d.x.clone();
    let m_c = {
        let mean = m_raw.row_mean();
        let mut c = m_raw.clone();
        for mut row in c.row_iter_mut() {
            row -= &mean;
        }
        c
    };
    let m10 = crate::AsymProblem::new(m_c.clone(), 10)?.best_rank_r(10);
    let mut worst_exact = 0.0f64;
    let mut fig_c = Figure::new(
        "digits-completion",
        "Digits: completion of the centred rank-10 part from 50% of entries (seed 0)",
        "iteration",
        "relative error (all entries)",
    )
    .log_axes(false, true);
    let cap = ctx.pick(100, 1000);
    let algo = ScaledGd::new(0.5, GramSolve::Pinv { rcond: 1e-12 })?;
    let completion_seeds = ctx.pick(1, 3);
    for seed in 0..completion_seeds {
        let mut rng = opt_core::rng::stream(ctx.seed, "lowrank/digits-completion", seed as u64);
        let (obs, _) = Observed::sample(&m10, 0.5, &mut rng)?;
        let p = CompletionProblem::new(obs, 10)?.with_truth(m10.clone())?;
        let starts = [
            ("spectral", p.spectral_init()),
            ("Nystrom", p.nystrom_init(1.0, &mut rng)?),
        ];
        for (name, (x0, y0)) in starts {
            let mut st = CompletionState::new(&p, x0, y0)?;
            let mut errs = Vec::new();
            for _ in 0..cap {
                let e = algo
                    .step(&p, &mut st, &mut rng)?
                    .get("rel_error")
                    .unwrap_or(f64::NAN);
                errs.push(e);
                if e < TOL {
                    break;
                }
            }
            let k = iterations_to(&errs, TOL)
                .map(|k| (k + 1) as f64)
                .unwrap_or(f64::INFINITY);
            worst_exact = worst_exact.max(k);
            notes.push(format!("completion of rank-10 digits, seed {seed}, {name} start: {k} iterations to 1e-8; errors at 1, 10, 50, last: {:.2e} {:.2e} {:.2e} {:.2e}", errs[0], errs[9], errs[49], errs[errs.len() - 1]));
            if seed == 0 {
                fig_c = fig_c.with(Series::indexed(name, for_log(&errs, 1e-17)));
            }
        }
        // raw matrix: held-out error after 100 iterations vs. the oracle (truncated SVD of the full matrix)
        if ctx.scale == opt_core::report::Scale::Quick {
            continue;
        }
        let (obs, held) = Observed::sample(&m_raw, 0.5, &mut rng)?;
        let p = CompletionProblem::new(obs, 10)?;
        let (x0, y0) = p.spectral_init();
        let mut st = CompletionState::new(&p, x0, y0)?;
        for _ in 0..100 {
            algo.step(&p, &mut st, &mut rng)?;
        }
        let (u, s, v) = crate::problem::top_svd(&m_raw, 10);
        let ox = DMatrix::from_fn(u.nrows(), 10, |i, j| u[(i, j)] * s[j]);
        notes.push(format!("raw digits, seed {seed}: held-out relative error after 100 ScaledGD steps {:.4} (train {:.4}); oracle rank-10 SVD of the full matrix {:.4}", held.relative_error(&st.x, &st.y), p.observed().relative_error(&st.x, &st.y), held.relative_error(&ox, &v)));
    }
    notes.push(format!("completion (report only, no claim): max iterations to 1e-8 over seeds and starts within {cap}: {worst_exact} (inf = not reached). The centred rank-10 digits matrix is coherent (border pixels are almost always 0), and ScaledGD(1/2) on the observed-entry loss converges only slowly from both starts."));
    Ok(ExperimentOutput {
        claims,
        figures: vec![fig, fig_c],
        trace,
        config: serde_json::json!({"data": "UCI digits 1797x64", "cov_ranks": [5, 10], "seeds": seeds, "tol": TOL, "completion_fraction": 0.5, "completion_rank": 10, "completion_cap": cap}),
        notes,
    })
}

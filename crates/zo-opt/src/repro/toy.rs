//! E-ZO-1, 1b, 1c: the scale-invariant toy `h(y, z) = ½(yᵀz − 1)²` (arXiv 2506.05454, Example 1,
//! Figs 1/4, Proposition 1).

use super::{pos, sub_seed};
use crate::dd::{DdState, DirectionalDerivative};
use crate::direction::Direction;
use crate::problems::ScaleInvariantToy;
use crate::{ZoSgd, ZoSgdConfig, ZoSgdState};
use nalgebra::DVector;
use opt_core::algorithm::Algorithm;
use opt_core::problem::{Gradient, Objective};
use opt_core::report::{
    Claim, ExperimentError, ExperimentOutput, Figure, RunContext, Series, Table,
};
use opt_core::rng::{fill_standard_normal, par_map_streams, stream};
use opt_core::stats::{mean, median, std_error};

type Res = Result<ExperimentOutput, ExperimentError>;

/// One trajectory: trace every `every` iterations (first entry at t = 0), and extras.
struct Traj {
    trace: Vec<f64>,
    loss: Vec<f64>,
    /// `h(x_t)` over the last `tail` iterations.
    tail_loss: Vec<f64>,
    /// Trace over the last `tail` iterations.
    tail_trace: Vec<f64>,
    /// Trace at t = 1000.
    at_1000: f64,
}

impl Traj {
    fn final_trace(&self) -> f64 {
        *self.trace.last().unwrap_or(&f64::NAN)
    }
}

enum Method {
    Gd(f64),
    Dd(f64),
    Zo(f64, f64),
}

fn run_toy(
    p: &ScaleInvariantToy,
    x0: &DVector<f64>,
    m: &Method,
    iters: usize,
    every: usize,
    tail: usize,
    seed: u64,
) -> Result<Traj, ExperimentError> {
    let mut tr = Traj {
        trace: vec![p.trace(x0)],
        loss: vec![p.value(x0)],
        tail_loss: Vec::with_capacity(tail),
        tail_trace: Vec::with_capacity(tail),
        at_1000: f64::NAN,
    };
    let mut rng = stream(seed, "zo-opt/unused", 0);
    let mut g = DVector::zeros(x0.len());
    let mut x_gd = x0.clone();
    let mut dd = (DirectionalDerivative::new(1.0, Direction::Gaussian)?, None);
    let mut zo = None;
    match *m {
        Method::Gd(_) => {}
        Method::Dd(eta) => {
            dd = (
                DirectionalDerivative::new(eta, Direction::Gaussian)?,
                Some(DdState::new(x0.clone(), seed)?),
            )
        }
        Method::Zo(eta, lambda) => {
            let a = ZoSgd::new(ZoSgdConfig::new(eta, lambda))?;
            let s = ZoSgdState::new(&a, x0.clone(), seed)?;
            zo = Some((a, s));
        }
    }
    for t in 1..=iters {
        let x: &DVector<f64> = match (m, &mut dd.1, &mut zo) {
            (Method::Gd(eta), _, _) => {
                p.gradient(&x_gd, &mut g);
                x_gd.axpy(-eta, &g, 1.0);
                &x_gd
            }
            (Method::Dd(_), Some(s), _) => {
                dd.0.step(p, s, &mut rng)?;
                &s.x
            }
            (Method::Zo(..), _, Some((a, s))) => {
                a.step_state(p, s)?;
                &s.x
            }
            _ => unreachable!("state matches method"),
        };
        if t % every == 0 {
            tr.trace.push(p.trace(x));
            tr.loss.push(p.value(x));
        }
        if t == 1000 {
            tr.at_1000 = p.trace(x);
        }
        if t + tail > iters {
            tr.tail_loss.push(p.value(x));
            tr.tail_trace.push(p.trace(x));
        }
    }
    Ok(tr)
}

fn gaussian_init(seed: u64, domain: &str, i: u64, n: usize) -> DVector<f64> {
    let mut x = DVector::zeros(n);
    fill_standard_normal(&mut stream(seed, domain, i), x.as_mut_slice());
    x
}

/// E-ZO-1: d = 100, GD η = .01, DD/ZO η = 1e-3, λ ∈ {.1, .05, .01}.
pub(super) fn e1(ctx: &RunContext<'_>) -> Res {
    let d = 100;
    let iters = 100_000;
    let seeds = ctx.pick(1, 5);
    let every = 100;
    let lambdas = [0.1, 0.05, 0.01];
    let p = ScaleInvariantToy::new(d);
    let (eta_gd, eta_zo) = (0.01, 1e-3);
    // 5 methods per seed, parallel over (seed, method).
    let jobs = seeds * 5;
    let done = std::sync::atomic::AtomicU64::new(0);
    let runs = par_map_streams(ctx.seed, "zo-opt/e1/job", jobs, |i, _| {
        let (s, k) = ((i / 5) as u64, i % 5);
        let x0 = gaussian_init(ctx.seed, "zo-opt/e1/init", s, 2 * d);
        let m = match k {
            0 => Method::Gd(eta_gd),
            1 => Method::Dd(eta_zo),
            k => Method::Zo(eta_zo, lambdas[k - 2]),
        };
        let r = run_toy(
            &p,
            &x0,
            &m,
            iters,
            every,
            1000,
            sub_seed(ctx.seed, "zo-opt/e1/dir", s),
        );
        ctx.progress(
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
            jobs as u64,
        );
        r.map_err(|e| e.to_string()).map(|t| (p.trace(&x0), t))
    });
    let runs = runs.into_iter().collect::<Result<Vec<_>, String>>()?;
    let kappa = eta_zo * 0.01 * ((d + 2) * (d + 3)) as f64;
    let (mut ratio01, mut pred_ratio, mut frozen, mut order_ok, mut r001, mut tail_loss) =
        (vec![], vec![], 0.0f64, true, vec![], vec![]);
    let mut notes = vec![];
    for s in 0..seeds {
        let run = &runs[s * 5..s * 5 + 5];
        let tr0 = run[0].0;
        let fin: Vec<f64> = run.iter().map(|(_, t)| t.final_trace()).collect();
        ratio01.push(fin[2] / tr0);
        let pred = 2.0 + (tr0 - 2.0) * (-2.0 * eta_zo * 0.01 * iters as f64 * (1.0 - kappa)).exp();
        pred_ratio.push(fin[2] / pred);
        for (_, t) in run.iter().take(2) {
            frozen = frozen.max((t.final_trace() - t.at_1000).abs() / t.at_1000);
        }
        order_ok &= fin[2] < fin[3] && fin[3] < fin[4];
        r001.push(fin[4] / tr0);
        tail_loss.push(median(&run[2].1.tail_loss)?);
        notes.push(format!(
            "seed {s}: tr0 {tr0:.1}; final trace GD {:.1}, DD {:.1}, ZO(.1) {:.1} (pred {pred:.1}), ZO(.05) {:.1}, ZO(.01) {:.1}",
            fin[0], fin[1], fin[2], fin[3], fin[4]
        ));
    }
    let worst = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let r001_in = r001.iter().all(|r| (0.9..=1.3).contains(r));
    let mut claims = vec![
        Claim::at_most(
            "zo01-median-trace-ratio",
            "ZO (λ = .1): median over seeds of final tr / tr₀",
            "trace falls 155 → ≈ 30 at 1e5 (Fig. 1)",
            median(&ratio01)?,
            0.25,
        ),
        Claim::at_most(
            "zo01-worst-trace-ratio",
            "ZO (λ = .1): worst seed's final tr / tr₀",
            "trace falls 155 → ≈ 30 at 1e5 (Fig. 1)",
            worst(&ratio01),
            0.3,
        ),
        Claim::within(
            "zo01-vs-corrected-prediction-min",
            "ZO (λ = .1): smallest ratio final tr / (2 + (tr₀−2) e^{−2ηλ²T(1−κ)}) over seeds",
            "Prop. 1 flow with the O(η²λ⁴d²) noise correction",
            best(&pred_ratio),
            0.8,
            1.35,
        ),
        Claim::within(
            "zo01-vs-corrected-prediction-max",
            "ZO (λ = .1): largest ratio final tr / corrected prediction over seeds",
            "Prop. 1 flow with the O(η²λ⁴d²) noise correction",
            worst(&pred_ratio),
            0.8,
            1.35,
        ),
        Claim::at_most(
            "gd-dd-trace-frozen",
            "GD and DD: max relative change of the trace from t = 10³ to T",
            "GD and DD keep the trace flat (Fig. 1)",
            frozen,
            1e-6,
        ),
        Claim::check(
            "zo-lambda-ordering",
            "final trace ZO(.1) < ZO(.05) < ZO(.01) on every seed",
            "≈ 30 < ≈ 97 < ≈ 150 (Fig. 4)",
            order_ok,
        ),
        Claim::at_most(
            "zo01-tail-loss",
            "ZO (λ = .1): median over seeds of the median loss h over the last 1000 iterates",
            "ZO loss oscillates in 1e-9 … 1e-5 (Fig. 1)",
            median(&tail_loss)?,
            1e-3,
        ),
    ];
    if r001_in {
        claims.push(Claim::within(
            "zo001-trace-ratio",
            "ZO (λ = .01): worst-case final tr / tr₀ over seeds (no visible effect)",
            "≈ 150 from 155 (Fig. 4)",
            worst(&r001),
            0.9,
            1.3,
        ));
    } else {
        notes.push(format!(
            "report only (spec: do not gate when a seed shows the noise-driven rise): ZO(λ=.01) final tr/tr₀ per seed {r001:?}"
        ));
    }
    let x: Vec<f64> = (0..runs[0].1.trace.len())
        .map(|i| (i * every) as f64)
        .collect();
    let names = [
        "GD (η=.01)",
        "DD (η=1e-3)",
        "ZO λ=.1",
        "ZO λ=.05",
        "ZO λ=.01",
    ];
    let mut fig = Figure::new(
        "trace",
        "Toy (yᵀz−1)²/2, d = 100: Hessian trace vs iteration (seed 0)",
        "iteration",
        "tr ∇²h",
    );
    let mut lfig = Figure::new(
        "loss",
        "Toy: loss h vs iteration (seed 0)",
        "iteration",
        "h",
    )
    .log_axes(false, true);
    let mut table =
        Table::with_columns(&["iter", "tr_gd", "tr_dd", "tr_zo01", "tr_zo005", "tr_zo001"]);
    for (k, name) in names.iter().enumerate() {
        fig = fig.with(Series::new(*name, x.clone(), runs[k].1.trace.clone()));
        lfig = lfig.with(Series::new(
            *name,
            x.clone(),
            runs[k].1.loss.iter().map(|v| pos(*v)).collect(),
        ));
    }
    for (i, xi) in x.iter().enumerate() {
        let mut row = vec![*xi];
        row.extend((0..5).map(|k| runs[k].1.trace[i]));
        table.push(row);
    }
    Ok(ExperimentOutput {
        claims,
        figures: vec![fig, lfig],
        trace: table,
        config: serde_json::json!({"d": d, "iters": iters, "seeds": seeds, "eta_gd": eta_gd,
            "eta_zo_dd": eta_zo, "lambdas": lambdas, "kappa": kappa, "direction": "gaussian",
            "init": "y, z ~ N(0, I) from stream(seed, zo-opt/e1/init, s)"}),
        notes,
    })
}

/// E-ZO-1b: d = 10, λ = .3, η = .01, T = 5000.
pub(super) fn e1b(ctx: &RunContext<'_>) -> Res {
    let (d, lambda, eta, iters) = (10, 0.3, 0.01, 5000);
    let p = ScaleInvariantToy::new(d);
    let x0 = gaussian_init(ctx.seed, "zo-opt/e1b/init", 0, 2 * d);
    let dir_seed = sub_seed(ctx.seed, "zo-opt/e1b/dir", 0);
    let zo = run_toy(&p, &x0, &Method::Zo(eta, lambda), iters, 10, 500, dir_seed)?;
    let gd = run_toy(&p, &x0, &Method::Gd(eta), iters, 10, 500, dir_seed)?;
    let tail_mean = mean(&zo.tail_trace)?;
    let frozen = (gd.final_trace() - gd.at_1000).abs() / gd.at_1000;
    let x: Vec<f64> = (0..zo.trace.len()).map(|i| (i * 10) as f64).collect();
    let fig = Figure::new(
        "trace",
        "Small toy d = 10, λ = .3: Hessian trace vs iteration",
        "iteration",
        "tr ∇²h",
    )
    .with(Series::new("ZO", x.clone(), zo.trace.clone()))
    .with(Series::new("GD", x.clone(), gd.trace.clone()))
    .with(Series::new(
        "flat value 2(1−λ²)",
        x.clone(),
        vec![2.0 * (1.0 - lambda * lambda); x.len()],
    ));
    let mut table = Table::with_columns(&["iter", "tr_zo", "tr_gd"]);
    for (i, xi) in x.iter().enumerate() {
        table.push(vec![*xi, zo.trace[i], gd.trace[i]]);
    }
    Ok(ExperimentOutput {
        claims: vec![
            Claim::within(
                "zo-tail-mean-trace",
                "mean ZO trace over the last 500 iterates",
                "flat minimum of F: trace 2(1 − λ²) = 1.82",
                tail_mean,
                1.7,
                2.25,
            ),
            Claim::at_most(
                "gd-trace-frozen",
                "GD: relative change of the trace from t = 10³ to T",
                "GD conserves balancedness, so its trace freezes",
                frozen,
                1e-6,
            ),
        ],
        figures: vec![fig],
        trace: table,
        config: serde_json::json!({"d": d, "lambda": lambda, "eta": eta, "iters": iters}),
        notes: vec![format!(
            "initial trace {:.3}; ZO final {:.3}; GD final {:.3}",
            zo.trace[0],
            zo.final_trace(),
            gd.final_trace()
        )],
    })
}

/// E-ZO-1c: Proposition 1, `E[B_T]/B_0` against the exact discrete factor.
pub(super) fn e1c(ctx: &RunContext<'_>) -> Res {
    let (d, lambda, eta, iters, runs) = (10usize, 0.3, 0.01, 500usize, 400usize);
    let p = ScaleInvariantToy::new(d);
    let a = 4.0f64;
    let c = 0.75f64.sqrt();
    let mut x0 = DVector::zeros(2 * d);
    x0[0] = a.sqrt();
    x0[d] = 1.0 / a.sqrt();
    x0[d + 1] = c;
    let b0 = p.balancedness(&x0);
    let algo = ZoSgd::new(ZoSgdConfig::new(eta, lambda))?;
    let ratios = par_map_streams(ctx.seed, "zo-opt/e1c/run", runs, |i, _| {
        let mut s = ZoSgdState::new(
            &algo,
            x0.clone(),
            sub_seed(ctx.seed, "zo-opt/e1c/dir", i as u64),
        )
        .map_err(|e| e.to_string())?;
        for _ in 0..iters {
            algo.step_state(&p, &mut s).map_err(|e| e.to_string())?;
        }
        Ok::<f64, String>(p.balancedness(&s.x) / b0)
    })
    .into_iter()
    .collect::<Result<Vec<_>, String>>()?;
    let m = mean(&ratios)?;
    let se = std_error(&ratios)?;
    let l2 = lambda * lambda;
    let exact = (1.0 - 2.0 * eta * l2 * (1.0 + eta * (d + 2) as f64 * l2)).powi(iters as i32);
    let flow = (-2.0 * l2 * eta * iters as f64).exp();
    let z = (m - exact) / se;
    let mut table = Table::with_columns(&["run", "b_ratio"]);
    for (i, r) in ratios.iter().enumerate() {
        table.push(vec![i as f64, *r]);
    }
    Ok(ExperimentOutput {
        claims: vec![Claim::within(
            "balancing-z-score",
            "(mean B_T/B_0 − exact discrete factor) / standard error over 400 runs",
            "Prop. 1: dE[B]/dt = −2λ² E[B]; exact discrete factor 0.4023",
            z,
            -3.0,
            3.0,
        )],
        figures: vec![],
        trace: table,
        config: serde_json::json!({"d": d, "lambda": lambda, "eta": eta, "iters": iters, "runs": runs,
            "y0": "2 e1", "z0": "e1/2 + sqrt(.75) e2"}),
        notes: vec![format!(
            "mean B_T/B_0 = {m:.5} ± {se:.5}; exact discrete {exact:.5}; flow e^(-2λ²ηT) = {flow:.5} (z = {:.2})",
            (m - flow) / se
        )],
    })
}

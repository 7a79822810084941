//! Criterion benches of zo-opt's hot paths.
//!
//! `zo_step_vs_eval`: one in-place `ZoSgd` step (MeZO-style, exact grid, one Gaussian direction,
//! two-sided) on a logistic loss with d = 10^5 parameters and N = 1000 samples, next to one loss
//! evaluation of the same problem. Target (issue 4): step ≤ 2.3 × evaluation (two evaluations plus
//! regenerating the direction three times), memory one parameter vector + O(1).
//! The feature matrix is 10^5 × 1000 f64 (800 MB), built once.

use criterion::{Criterion, criterion_group, criterion_main};
use nalgebra::{DMatrix, DVector};
use opt_core::problem::Objective;
use opt_core::rng::{fill_standard_normal, stream};
use std::hint::black_box;
use zo_opt::problems::{Glm, GlmLoss};
use zo_opt::{ZoSgd, ZoSgdConfig, ZoSgdState};

fn zo_step_vs_eval(c: &mut Criterion) {
    let (d, n) = (100_000usize, 1000usize);
    let mut phi = DMatrix::zeros(d, n);
    fill_standard_normal(&mut stream(0, "bench/zo/phi", 0), phi.as_mut_slice());
    phi /= (d as f64).sqrt();
    let y: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let p = Glm::new(phi, y, GlmLoss::Logistic).expect("valid problem");
    let mut x0 = DVector::zeros(d);
    fill_standard_normal(&mut stream(0, "bench/zo/x0", 0), x0.as_mut_slice());
    x0 *= 0.1;
    let algo = ZoSgd::new(ZoSgdConfig::new(1e-3, 1e-3).in_place()).expect("valid config");
    let mut state = ZoSgdState::new(&algo, x0.clone(), 1).expect("valid state");
    assert_eq!(
        state.extra_vector_floats(),
        0,
        "in-place step holds no second vector"
    );
    // Interleaved measurement (robust to the slow load drift of a shared machine): per round, time
    // one evaluation and one in-place step back to back; report the median of the per-round ratios.
    let mut ratios = Vec::new();
    for _ in 0..15 {
        let t0 = std::time::Instant::now();
        black_box(p.value(black_box(&x0)));
        let te = t0.elapsed().as_secs_f64();
        let t1 = std::time::Instant::now();
        algo.step_state(&p, &mut state).expect("finite");
        let ts = t1.elapsed().as_secs_f64();
        ratios.push(ts / te);
    }
    ratios.sort_by(f64::total_cmp);
    eprintln!(
        "interleaved step/evaluation ratio over 15 rounds: median {:.3}, min {:.3}, max {:.3}",
        ratios[7], ratios[0], ratios[14]
    );
    let mut g = c.benchmark_group("zo_opt/logistic_d1e5_n1000");
    g.sample_size(10);
    g.measurement_time(std::time::Duration::from_secs(15));
    g.bench_function("loss_evaluation", |b| {
        b.iter(|| black_box(p.value(black_box(&x0))))
    });
    g.bench_function("zo_sgd_step_inplace", |b| {
        b.iter(|| algo.step_state(&p, &mut state).expect("finite"))
    });
    let explicit = ZoSgd::new(ZoSgdConfig::new(1e-3, 1e-3)).expect("valid config");
    let mut es = ZoSgdState::new(&explicit, x0.clone(), 1).expect("valid state");
    g.bench_function("zo_sgd_step_explicit", |b| {
        b.iter(|| explicit.step_state(&p, &mut es).expect("finite"))
    });
    g.finish();
}

criterion_group!(benches, zo_step_vs_eval);
criterion_main!(benches);

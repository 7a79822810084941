//! Criterion benches of lowrank's hot paths: one ScaledGD iteration at n = 1000, r = 10
//! (symmetric and asymmetric) and the Nyström init, each next to the bare GEMMs it contains.
//!
//! Target (issue 3): an iteration costs at most 1.3x its `n × n` by `n × r` product(s). The
//! symmetric iteration has one such product (`A·Q`), the asymmetric one has two (`A·Q_Y`, `Aᵀ·Q_X`).
//! Error tracking is off (it is a separate `n × n × r` GEMM by design).

use criterion::{Criterion, criterion_group, criterion_main};
use lowrank::init::nystrom_sketch_into;
use lowrank::linalg::gaussian;
use lowrank::{AsymProblem, AsymState, GramSolve, Init, ScaledGd, SymProblem, SymState};
use nalgebra::DMatrix;
use opt_core::algorithm::Algorithm;
use std::hint::black_box;

const N: usize = 1000;
const R: usize = 10;

fn setup() -> (DMatrix<f64>, DMatrix<f64>) {
    let mut rng = opt_core::rng::stream(0, "bench/lowrank", 0);
    let b = gaussian(N, R, 1.0, &mut rng);
    let a = &b * b.transpose();
    let a = (&a + a.transpose()) * 0.5;
    let q = gaussian(N, R, 1.0, &mut rng);
    (a, q)
}

fn bench(c: &mut Criterion) {
    let (a, q) = setup();
    let mut out = DMatrix::zeros(N, R);
    let mut rng = opt_core::rng::stream(1, "bench/lowrank", 0);
    let p = SymProblem::new_unchecked_psd(a.clone(), R).expect("problem");
    let pa = AsymProblem::new(a.clone(), R).expect("problem");
    let mut g = c.benchmark_group("lowrank n=1000 r=10");
    g.sample_size(30);
    // the bare products use the problems' own copies of A (same memory as the iterations)
    g.bench_function("bare gemm A*Q (n x n by n x r)", |bch| {
        bch.iter(|| {
            out.gemm(1.0, black_box(p.a()), black_box(&q), 0.0);
        })
    });
    let mut out2 = DMatrix::zeros(N, R);
    g.bench_function("bare gemm x2 (A*Q and A^T*Q)", |bch| {
        bch.iter(|| {
            out.gemm(1.0, black_box(pa.a()), black_box(&q), 0.0);
            out2.gemm(1.0, black_box(pa.a_t()), black_box(&q), 0.0);
        })
    });

    let x0 = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng).expect("init");
    let mut st = SymState::new(&p, x0)
        .expect("state")
        .without_error_tracking();
    let algo = ScaledGd::new(0.5, GramSolve::Qr).expect("algo");
    g.bench_function("ScaledGD symmetric step (Qr)", |bch| {
        bch.iter(|| algo.step(&p, &mut st, &mut rng).expect("step"))
    });
    let algo_p = ScaledGd::new(0.5, GramSolve::Pinv { rcond: 1e-10 }).expect("algo");
    g.bench_function("ScaledGD symmetric step (Pinv)", |bch| {
        bch.iter(|| algo_p.step(&p, &mut st, &mut rng).expect("step"))
    });

    let (x0, _) = Init::Nystrom { xi: 1.0 }.asym(&pa, &mut rng).expect("init");
    let y0 = gaussian(N, R, 1.0, &mut rng);
    let mut sa = AsymState::new(&pa, x0, y0)
        .expect("state")
        .without_error_tracking();
    let algo1 = ScaledGd::new(0.5, GramSolve::Qr).expect("algo");
    g.bench_function("ScaledGD asymmetric step (Qr)", |bch| {
        bch.iter(|| algo1.step(&pa, &mut sa, &mut rng).expect("step"))
    });

    let omega = gaussian(N, R, 1.0, &mut rng);
    g.bench_function("Nystrom init into buffer (A*Omega)", |bch| {
        bch.iter(|| nystrom_sketch_into(black_box(p.a()), black_box(&omega), &mut out))
    });
    g.bench_function("Nystrom init incl. Gaussian draw + alloc", |bch| {
        bch.iter(|| Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng).expect("init"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

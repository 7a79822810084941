//! Criterion benches of langevin's hot paths.
//!
//! - ULA on the 2-D ring with 4096 chains: time per ensemble step, reported per chain-step
//!   (throughput = 4096 chain-steps), on 1- and 2-thread rayon pools, both with one
//!   observation per step (`every = 1`, a parallel join per step) and with unobserved segments
//!   of 50 steps. Targets: ≤ 25 ns per chain-step on one thread, ≥ 1.7× on two.
//! - The ellipse grid solve of L4 at ε = 0.05 (h = 0.015, 74 472 nodes). Target < 5 s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use langevin::spectral::{Grid2d, InverseIteration, grid_gap_2d};
use langevin::{Chains, Ellipse, Ensemble, Ring, Ula};
use std::hint::black_box;

const CHAINS: usize = 4096;

fn ula_ring(c: &mut Criterion) {
    let ring = Ring::new(2, 1.0).expect("ring");
    let mut g = c.benchmark_group("ula_ring2d_4096_chains");
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        for (label, steps, every) in [
            ("observe_every_step", 1usize, 1usize),
            ("segment_50_steps", 50, 50),
        ] {
            g.throughput(Throughput::Elements((CHAINS * steps) as u64));
            let init = Ensemble::from_point(&[1.0, 0.0], CHAINS).expect("ensemble");
            let mut chains = Chains::new(Ula::new(0.005, 0.1).expect("ula"), init, 7);
            g.bench_function(format!("{label}/{threads}_threads"), |b| {
                pool.install(|| {
                    b.iter(|| {
                        chains
                            .run(&ring, steps, every, |_, e| {
                                black_box(e.as_slice()[0]);
                            })
                            .expect("run")
                    })
                })
            });
        }
    }
    g.finish();
}

fn ellipse_solve(c: &mut Criterion) {
    let e = Ellipse::new(2.0).expect("ellipse");
    let grid = Grid2d::vertex(-2.6, 2.6, -1.6, 1.6, 0.015).expect("grid");
    let mut g = c.benchmark_group("ellipse_grid_solve");
    g.sample_size(10);
    g.bench_function("eps0.05_h0.015", |b| {
        b.iter(|| {
            let r = grid_gap_2d(
                &e,
                0.05,
                &grid,
                e.normal_curvature(),
                |x, y| x / x.hypot(y).max(1e-12),
                InverseIteration::default(),
            )
            .expect("solve");
            black_box(r.rho)
        })
    });
    g.finish();
}

criterion_group!(benches, ula_ring, ellipse_solve);
criterion_main!(benches);

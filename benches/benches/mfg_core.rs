//! Criterion benches of mfg-core's hot paths (issue 6): one OMD iteration (flow Λ(π), policy
//! Q-values, logit update) and one exploitability evaluation (flow, policy Q, optimal Q) on
//! MFGLib's default crowd motion (20×20 grid, 5 actions) and building evacuation (5×10×10,
//! 6 actions), with MFGLib's `T = 3` (time steps 0..=3, our `H = 4`), dense and sparse kernels.
//! Single-threaded (no rayon inside one iteration). MFGLib 0.3.0 reference (issue 6, one core):
//! 70 ms (crowd motion) and 133 ms (building evacuation) per OMD iteration.

use criterion::{Criterion, criterion_group, criterion_main};
use mfg_core::envs::{BuildingEvacuation, CrowdMotion, KernelFormat};
use mfg_core::solvers::{OmdState, OnlineMirrorDescent};
use mfg_core::{FiniteMfg, Workspace};
use opt_core::algorithm::Algorithm;
use std::hint::black_box;

fn bench_model<M: FiniteMfg>(c: &mut Criterion, name: &str, m: &M) {
    let algo = OnlineMirrorDescent::new(1.0, 0.0)
        .expect("valid")
        .monitor_every(0);
    let mut st = OmdState::new(m).expect("valid model");
    let mut rng = opt_core::rng::stream(0, "bench", 0);
    // a non-uniform policy: a few OMD steps from uniform
    for _ in 0..3 {
        algo.step(m, &mut st, &mut rng).expect("step");
    }
    c.bench_function(&format!("{name}/omd_iteration"), |b| {
        b.iter(|| algo.step(black_box(m), &mut st, &mut rng).expect("step"))
    });
    let mut ws = Workspace::new(m).expect("valid model");
    let pi = st.probs.clone();
    c.bench_function(&format!("{name}/exploitability"), |b| {
        b.iter(|| {
            ws.exploitability(black_box(m), black_box(&pi), 0.0)
                .expect("finite")
        })
    });
}

fn benches(c: &mut Criterion) {
    for (fmt, label) in [
        (KernelFormat::Sparse, "sparse"),
        (KernelFormat::Dense, "dense"),
    ] {
        let crowd = CrowdMotion::with_options(4, 20, 20, 2, 10.0, 1e-10, 0.5, 0, fmt);
        bench_model(c, &format!("crowd_motion_20x20_T3/{label}"), &crowd);
        let evac = BuildingEvacuation::new(4, 5, 10, 10, fmt);
        bench_model(c, &format!("building_evacuation_5x10x10_T3/{label}"), &evac);
    }
}

criterion_group! {
    name = mfg;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(mfg);

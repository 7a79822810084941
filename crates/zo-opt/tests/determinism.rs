//! Same seed → same trajectory; parallel experiments give identical bits on 1 and 2 threads;
//! equal-budget accounting through opt-core's `Counted`.

use nalgebra::DVector;
use opt_core::algorithm::{Budget, Termination, run};
use opt_core::observer::Recorder;
use opt_core::problem::Counted;
use opt_core::report::{RunContext, Scale};
use zo_opt::problems::ScaleInvariantToy;
use zo_opt::{Direction, Sided, TwoPointEstimator, ZoSgd, ZoSgdConfig, ZoSgdState};

fn trajectory(seed: u64) -> Vec<u64> {
    let p = ScaleInvariantToy::new(4);
    let algo = ZoSgd::new(ZoSgdConfig::new(0.01, 0.1)).unwrap();
    let mut s = ZoSgdState::new(&algo, DVector::from_element(8, 0.4), seed).unwrap();
    for _ in 0..100 {
        algo.step_state(&p, &mut s).unwrap();
    }
    s.x.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn same_seed_same_output() {
    assert_eq!(trajectory(3), trajectory(3));
    assert_ne!(trajectory(3), trajectory(4));
}

fn in_pool<T: Send>(k: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(k)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn parallel_experiment_is_thread_count_independent() {
    let e = zo_opt::repro::experiments()
        .into_iter()
        .find(|e| e.id == "e-zo-1c-balancing")
        .unwrap();
    let go = || (e.run)(&RunContext::quiet(Scale::Quick, 5)).unwrap();
    let one = in_pool(1, go);
    let two = in_pool(2, go);
    let col = |o: &opt_core::report::ExperimentOutput| -> Vec<u64> {
        o.trace
            .column("b_ratio")
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect()
    };
    assert_eq!(col(&one), col(&two));
    assert_eq!(
        one.claims[0].measured.to_bits(),
        two.claims[0].measured.to_bits()
    );
}

#[test]
fn evaluation_budget_through_counted() {
    let p = Counted::new(ScaleInvariantToy::new(5));
    for (q, sided, per_step) in [(1, Sided::Two, 2), (3, Sided::Two, 6), (2, Sided::One, 3)] {
        p.reset();
        let est = TwoPointEstimator::new(Direction::Gaussian, q, sided).unwrap();
        let algo = ZoSgd::new(ZoSgdConfig::new(1e-3, 0.1).with_estimator(est).in_place()).unwrap();
        let mut s = ZoSgdState::new(&algo, DVector::from_element(10, 0.3), 1).unwrap();
        let mut rec = Recorder::new();
        let mut rng = opt_core::rng::stream(0, "unused", 0);
        let r = run(
            &p,
            &algo,
            &mut s,
            &Budget::iters(1000).evals(60),
            &mut rng,
            &mut rec,
        )
        .unwrap();
        assert!(matches!(r.termination, Termination::EvalBudget { .. }));
        assert_eq!(p.counts().values, s.evals);
        assert_eq!(s.evals, r.iters as u64 * per_step);
        assert!(s.evals >= 60 && s.evals < 60 + per_step);
    }
}

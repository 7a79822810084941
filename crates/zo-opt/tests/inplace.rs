//! The in-place (MeZO-style) step equals the explicit-direction step bit for bit, restores exactly,
//! and keeps the last finite iterate on NaN.

use nalgebra::DVector;
use opt_core::algorithm::{Budget, Termination, run};
use opt_core::observer::NoObserver;
use opt_core::optim::Schedule;
use opt_core::problem::{Counted, FnObjective, Objective};
use opt_core::rng::{fill_standard_normal, stream};
use zo_opt::direction::Arithmetic;
use zo_opt::problems::ScaleInvariantToy;
use zo_opt::{Direction, Sided, TwoPointEstimator, ZoOptError, ZoSgd, ZoSgdConfig, ZoSgdState};

fn bits(x: &DVector<f64>) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

fn run_pair(
    cfg: ZoSgdConfig,
    p: &impl Objective,
    x0: &DVector<f64>,
    steps: usize,
) -> (ZoSgdState, ZoSgdState) {
    let explicit = ZoSgd::new(cfg).unwrap();
    let inplace = ZoSgd::new(ZoSgdConfig {
        memory: zo_opt::Memory::InPlace,
        ..cfg
    })
    .unwrap();
    let mut a = ZoSgdState::new(&explicit, x0.clone(), 11).unwrap();
    let mut b = ZoSgdState::new(&inplace, x0.clone(), 11).unwrap();
    for _ in 0..steps {
        let ia = explicit.step_state(p, &mut a).unwrap();
        let ib = inplace.step_state(p, &mut b).unwrap();
        assert_eq!(
            ia.get("loss").map(f64::to_bits),
            ib.get("loss").map(f64::to_bits)
        );
        assert_eq!(bits(&a.x), bits(&b.x), "iterates differ at step {}", a.t);
    }
    (a, b)
}

#[test]
fn inplace_equals_explicit_bit_for_bit() {
    let p = ScaleInvariantToy::new(25);
    let mut x0 = DVector::zeros(50);
    fill_standard_normal(&mut stream(1, "t", 0), x0.as_mut_slice());
    for direction in [
        Direction::Gaussian,
        Direction::Sphere,
        Direction::Rademacher,
    ] {
        for q in [1, 3] {
            for sided in [Sided::Two, Sided::One] {
                let cfg = ZoSgdConfig::new(1e-3, 0.1)
                    .with_estimator(TwoPointEstimator::new(direction, q, sided).unwrap())
                    .with_arithmetic(Arithmetic::DEFAULT_GRID)
                    .with_schedules(
                        Schedule::InverseSqrt { t0: 10.0 },
                        Schedule::Cosine {
                            total: 50,
                            floor: 0.1,
                        },
                    );
                let (a, b) = run_pair(cfg, &p, &x0, 60);
                assert!(
                    p.value(&a.x) < p.value(&x0),
                    "{direction:?} {q} {sided:?} made progress"
                );
                assert_eq!(a.evals, b.evals);
                assert_eq!(b.extra_vector_floats(), 0);
                assert_eq!(a.extra_vector_floats(), 150);
            }
        }
    }
}

#[test]
fn grid_iterates_stay_close_to_float_iterates() {
    let p = ScaleInvariantToy::new(10);
    let mut x0 = DVector::zeros(20);
    fill_standard_normal(&mut stream(2, "t", 0), x0.as_mut_slice());
    let float = ZoSgd::new(ZoSgdConfig::new(1e-2, 0.1)).unwrap();
    let grid = ZoSgd::new(ZoSgdConfig::new(1e-2, 0.1).in_place()).unwrap();
    let mut a = ZoSgdState::new(&float, x0.clone(), 5).unwrap();
    let mut b = ZoSgdState::new(&grid, x0, 5).unwrap();
    for _ in 0..200 {
        float.step_state(&p, &mut a).unwrap();
        grid.step_state(&p, &mut b).unwrap();
    }
    assert!((&a.x - &b.x).amax() < 1e-8, "{}", (&a.x - &b.x).amax());
}

/// An objective that is NaN once a chosen coordinate exceeds a level.
fn nan_above(d: usize, level: f64) -> FnObjective<impl Fn(&DVector<f64>) -> f64> {
    FnObjective::new(d, move |x: &DVector<f64>| {
        if x[0] > level {
            f64::NAN
        } else {
            -x[0] + 0.5 * x.norm_squared() * 1e-3
        }
    })
}

#[test]
fn nan_stops_with_non_finite_and_keeps_last_finite_iterate() {
    for cfg in [
        ZoSgdConfig::new(0.5, 0.3),
        ZoSgdConfig::new(0.5, 0.3).in_place(),
    ] {
        let f = Counted::new(nan_above(4, 2.0));
        let algo = ZoSgd::new(cfg).unwrap();
        let mut s = ZoSgdState::new(&algo, DVector::zeros(4), 3).unwrap();
        let mut rng = stream(0, "unused", 0);
        let report = run(
            &f,
            &algo,
            &mut s,
            &Budget::iters(10_000),
            &mut rng,
            &mut NoObserver,
        )
        .unwrap();
        assert!(
            matches!(report.termination, Termination::NonFinite { entry: "loss" }),
            "{report:?}"
        );
        assert!(s.non_finite.is_some());
        assert!(f.inner().value(&s.x).is_finite());
        // replay the successful steps: the state's x is the last finite iterate, bit for bit
        let mut r = ZoSgdState::new(&algo, DVector::zeros(4), 3).unwrap();
        for _ in 0..report.iters - 1 {
            algo.step_state(f.inner(), &mut r).unwrap();
        }
        assert_eq!(bits(&r.x), bits(&s.x));
        assert_eq!(r.t, s.t);
    }
}

#[test]
fn grid_overflow_is_a_typed_error_and_restores_exactly() {
    let algo = ZoSgd::new(
        ZoSgdConfig::new(0.1, 1.0)
            .with_arithmetic(Arithmetic::Grid { exponent: -50 })
            .in_place(),
    )
    .unwrap();
    let f = FnObjective::new(3, |x: &DVector<f64>| x.norm_squared());
    // exact range 2^2 = 4: the last coordinate sits just below it
    let mut s = ZoSgdState::new(&algo, DVector::from_vec(vec![0.5, -0.25, 3.9]), 0).unwrap();
    let mut hit = false;
    for _ in 0..50 {
        let before = bits(&s.x);
        match algo.step_state(&f, &mut s) {
            Err(ZoOptError::GridOverflow { .. }) => {
                assert_eq!(before, bits(&s.x));
                hit = true;
                break;
            }
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(hit);
}

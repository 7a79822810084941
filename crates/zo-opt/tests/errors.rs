//! Bad input gives typed errors (never a panic); invariants as proptests.

use nalgebra::DVector;
use opt_core::optim::Schedule;
use opt_core::problem::FnObjective;
use proptest::prelude::*;
use zo_opt::direction::Arithmetic;
use zo_opt::estimator::EstimatorWorkspace;
use zo_opt::problems::{Glm, GlmLoss, Perspective, ScaleInvariantToy};
use zo_opt::{Direction, Sided, TwoPointEstimator, ZoOptError, ZoSgd, ZoSgdConfig, ZoSgdState};

fn is_core(e: &ZoOptError) -> bool {
    matches!(e, ZoOptError::Core(_))
}

#[test]
fn invalid_configurations_are_typed_errors() {
    for (eta, lambda) in [
        (0.0, 0.1),
        (-1.0, 0.1),
        (f64::NAN, 0.1),
        (0.1, 0.0),
        (0.1, -0.5),
        (0.1, f64::INFINITY),
        (0.1, f64::NAN),
    ] {
        assert!(is_core(
            &ZoSgd::new(ZoSgdConfig::new(eta, lambda)).unwrap_err()
        ));
    }
    assert!(TwoPointEstimator::new(Direction::Gaussian, 0, Sided::Two).is_err());
    let cfg = ZoSgdConfig::new(0.1, 0.1).with_schedules(
        Schedule::Constant,
        Schedule::Cosine {
            total: 10,
            floor: 0.0,
        },
    );
    assert!(ZoSgd::new(cfg).is_err());
    let cfg = ZoSgdConfig {
        memory: zo_opt::Memory::InPlace,
        ..ZoSgdConfig::new(0.1, 0.1)
    };
    assert!(ZoSgd::new(cfg).is_err(), "in-place needs the grid");
    assert!(
        ZoSgd::new(ZoSgdConfig::new(0.1, 0.1).with_arithmetic(Arithmetic::Grid { exponent: 5000 }))
            .is_err()
    );
    assert!(Perspective::new(2.0, 1.0).is_err());
    assert!(
        Glm::new(
            nalgebra::DMatrix::zeros(3, 2),
            vec![1.0, 0.0],
            GlmLoss::Logistic
        )
        .is_err()
    );
    assert!(Glm::new(nalgebra::DMatrix::zeros(3, 2), vec![1.0], GlmLoss::Logistic).is_err());
}

#[test]
fn dimension_mismatch_is_a_typed_error() {
    let p = ScaleInvariantToy::new(3);
    for cfg in [
        ZoSgdConfig::new(0.1, 0.1),
        ZoSgdConfig::new(0.1, 0.1).in_place(),
    ] {
        let algo = ZoSgd::new(cfg).unwrap();
        let mut s = ZoSgdState::new(&algo, DVector::zeros(5), 0).unwrap();
        assert!(is_core(&algo.step_state(&p, &mut s).unwrap_err()));
    }
    let mut ws = EstimatorWorkspace::new(6);
    let mut out = DVector::zeros(6);
    let e = TwoPointEstimator::gaussian().estimate(
        &p,
        &DVector::zeros(4),
        0.1,
        Arithmetic::Float,
        0,
        0,
        &mut ws,
        &mut out,
    );
    assert!(is_core(&e.unwrap_err()));
    let algo = ZoSgd::new(ZoSgdConfig::new(0.1, 0.1)).unwrap();
    assert!(ZoSgdState::new(&algo, DVector::from_vec(vec![f64::NAN]), 0).is_err());
}

#[test]
fn estimator_reports_the_non_finite_side() {
    let f = FnObjective::new(
        2,
        |x: &DVector<f64>| if x[0] > 0.0 { f64::INFINITY } else { 0.0 },
    );
    let mut ws = EstimatorWorkspace::new(2);
    let mut out = DVector::zeros(2);
    let r = TwoPointEstimator::gaussian().estimate(
        &f,
        &DVector::zeros(2),
        0.1,
        Arithmetic::Float,
        1,
        0,
        &mut ws,
        &mut out,
    );
    assert!(matches!(r, Err(ZoOptError::NonFiniteValue { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bad_step_sizes_never_panic(eta in prop::num::f64::ANY, lambda in prop::num::f64::ANY) {
        let r = ZoSgd::new(ZoSgdConfig::new(eta, lambda));
        let ok = eta.is_finite() && eta > 0.0 && lambda.is_finite() && lambda > 0.0;
        prop_assert_eq!(r.is_ok(), ok);
    }

    #[test]
    fn bad_dimensions_never_panic(d in 1usize..8, n in 0usize..12, q in 0usize..4) {
        let p = ScaleInvariantToy::new(d);
        match TwoPointEstimator::new(Direction::Rademacher, q, Sided::One) {
            Err(_) => prop_assert_eq!(q, 0),
            Ok(est) => {
                let algo = ZoSgd::new(ZoSgdConfig::new(0.01, 0.1).with_estimator(est).in_place()).unwrap();
                let mut s = ZoSgdState::new(&algo, DVector::from_element(n, 0.5), 0).unwrap();
                let r = algo.step_state(&p, &mut s);
                prop_assert_eq!(r.is_ok(), n == 2 * d);
            }
        }
    }

    #[test]
    fn grid_perturbation_round_trips_exactly(x in -1000.0f64..1000.0, u in -10.0f64..10.0, lambda in 1e-6f64..1.0, k in -60i32..-20) {
        let a = Arithmetic::Grid { exponent: k };
        let x = a.round(x);
        let d = a.round(lambda * u);
        prop_assume!(x.abs() + d.abs() <= a.exact_limit());
        prop_assert_eq!((((x + d) - 2.0 * d) + d).to_bits(), x.to_bits());
        prop_assert_eq!((x - d).to_bits(), ((x + d) - 2.0 * d).to_bits());
    }

    #[test]
    fn inplace_matches_explicit_for_random_seeds(seed in any::<u64>(), d in 1usize..20, q in 1usize..4, two in any::<bool>()) {
        let sided = if two { Sided::Two } else { Sided::One };
        let est = TwoPointEstimator::new(Direction::Gaussian, q, sided).unwrap();
        let cfg = ZoSgdConfig::new(0.01, 0.05).with_estimator(est).with_arithmetic(Arithmetic::DEFAULT_GRID);
        let f = FnObjective::new(d, |x: &DVector<f64>| x.iter().enumerate().map(|(i, v)| (i as f64 + 1.0) * (v - 0.3).powi(2)).sum::<f64>());
        let a = ZoSgd::new(cfg).unwrap();
        let b = ZoSgd::new(cfg.in_place()).unwrap();
        let x0 = DVector::from_fn(d, |i, _| (i as f64 * 0.37).sin());
        let mut sa = ZoSgdState::new(&a, x0.clone(), seed).unwrap();
        let mut sb = ZoSgdState::new(&b, x0, seed).unwrap();
        for _ in 0..5 {
            a.step_state(&f, &mut sa).unwrap();
            b.step_state(&f, &mut sb).unwrap();
        }
        let ba: Vec<u64> = sa.x.iter().map(|v| v.to_bits()).collect();
        let bb: Vec<u64> = sb.x.iter().map(|v| v.to_bits()).collect();
        prop_assert_eq!(ba, bb);
    }

    #[test]
    fn sphere_directions_have_radius_sqrt_d(seed in any::<u64>(), d in 1usize..64, t in 0u64..1000) {
        let mut u = vec![0.0; d];
        Direction::Sphere.fill(seed, t, 0, &mut u);
        let n: f64 = u.iter().map(|v| v * v).sum::<f64>().sqrt();
        prop_assert!((n - (d as f64).sqrt()).abs() < 1e-12 * (d as f64).sqrt());
    }

    #[test]
    fn exact_traces_are_non_negative(seed in any::<u64>(), scale in 0.0f64..5.0) {
        let mut phi = nalgebra::DMatrix::zeros(4, 9);
        opt_core::rng::fill_standard_normal(&mut opt_core::rng::stream(seed, "p", 0), phi.as_mut_slice());
        let y: Vec<f64> = (0..9).map(|i| if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
        let w = DVector::from_element(4, scale);
        for loss in [GlmLoss::Logistic, GlmLoss::SquaredHinge] {
            let g = Glm::new(phi.clone(), y.clone(), loss).unwrap();
            prop_assert!(g.exact_trace(&w) >= 0.0);
        }
    }
}

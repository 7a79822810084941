//! Bad input gets a typed error naming the argument, never a panic.

use nalgebra::{DMatrix, DVector};
use opt_core::Error;
use opt_core::nn::{Activation, Init, Mlp, MlpWorkspace};
use opt_core::optim::{Adam, AdamConfig, Momentum, Optimizer, Schedule, Sgd};
use opt_core::rng::stream;
use proptest::prelude::*;

fn bad_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        -1e6f64..0.0
    ]
}

fn names(e: &Error, name: &str) -> bool {
    e.to_string().contains(name)
}

proptest! {
    #[test]
    fn non_positive_or_non_finite_step_sizes(lr in bad_float()) {
        prop_assert!(names(&Sgd::new(3, lr, Schedule::Constant).unwrap_err(), "lr"));
        prop_assert!(names(&Momentum::new(3, lr, 0.9, false, Schedule::Constant).unwrap_err(), "lr"));
        prop_assert!(names(&Adam::new(3, AdamConfig::new(lr)).unwrap_err(), "lr"));
    }

    #[test]
    fn optimiser_dimension_mismatch(dim in 1usize..20, other in 1usize..20) {
        prop_assume!(dim != other);
        let mut opt = Adam::new(dim, AdamConfig::new(0.1)).unwrap();
        let mut p = vec![0.0; other];
        let g = vec![1.0; other];
        let e = opt.step(&mut p, &g).unwrap_err();
        let is_dimension_error = matches!(e, Error::DimensionMismatch { .. });
        prop_assert!(is_dimension_error);
    }

    #[test]
    fn mlp_rejects_wrong_input_rows(rows in 1usize..10, batch in 0usize..5) {
        let net = Mlp::new(&[4, 3, 2], Activation::Tanh, Activation::Identity, Init::XavierNormal, &mut stream(0, "t", 0)).unwrap();
        let mut ws = MlpWorkspace::default();
        let r = net.forward(&DMatrix::zeros(rows, batch), &mut ws);
        prop_assert_eq!(r.is_ok(), rows == 4 && batch > 0);
    }

    #[test]
    fn unknown_activation_names(name in "[a-z]{1,8}") {
        let known = ["identity", "linear", "tanh", "relu", "silu", "swish", "gelu"];
        let parsed = name.parse::<Activation>();
        prop_assert_eq!(parsed.is_ok(), known.contains(&name.as_str()));
        if let Err(e) = parsed {
            prop_assert!(names(&e, "activation"));
        }
    }

    #[test]
    fn probability_vectors(p in proptest::collection::vec(-0.5f64..1.5, 1..8)) {
        let sum: f64 = p.iter().sum();
        let valid = p.iter().all(|v| *v >= 0.0) && (sum - 1.0).abs() <= 1e-9;
        prop_assert_eq!(opt_core::error::ensure_probability("mu0", &p, 1e-9).is_ok(), valid);
        if !valid {
            let mut q = p.clone();
            prop_assert!(opt_core::mirror::entropy_mirror_step(&mut q, &vec![0.0; p.len()], 0.1).is_err());
        }
    }

    #[test]
    fn stats_reject_non_finite(xs in proptest::collection::vec(-1e3f64..1e3, 0..6), bad in bad_float()) {
        prop_assume!(!bad.is_finite());
        let mut v = xs.clone();
        v.push(bad);
        prop_assert!(opt_core::stats::mean(&v).is_err());
        prop_assert!(opt_core::stats::quantile(&v, 0.5).is_err());
    }
}

#[test]
fn first_order_state_rejects_non_finite_start() {
    let x0 = DVector::from_vec(vec![1.0, f64::NAN]);
    let e =
        opt_core::optim::FirstOrderState::new(x0, Sgd::new(2, 0.1, Schedule::Constant).unwrap())
            .unwrap_err();
    assert!(e.to_string().contains("x0"), "{e}");
}

#[test]
fn empty_batches_are_errors() {
    let mut g = DMatrix::zeros(3, 0);
    assert!(opt_core::nn::loss::softmax_cross_entropy(&DMatrix::zeros(3, 0), &[], &mut g).is_err());
    assert!(opt_core::nn::loss::mse(&DMatrix::zeros(3, 0), &DMatrix::zeros(3, 0), &mut g).is_err());
}

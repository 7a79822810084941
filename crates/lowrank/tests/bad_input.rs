//! Bad input gets a typed error, never a panic (proptests), and reproducibility checks.

use lowrank::completion::{CompletionProblem, Observed};
use lowrank::lora::{LoraInit, LoraMlp};
use lowrank::{
    AsymProblem, AsymState, Gd, GramSolve, Init, LowrankError, ScaledGd, SymProblem, SymState,
};
use nalgebra::DMatrix;
use opt_core::algorithm::Algorithm;
use proptest::prelude::*;

fn spd(n: usize) -> DMatrix<f64> {
    DMatrix::from_fn(n, n, |i, j| {
        if i == j {
            2.0
        } else {
            1.0 / (1.0 + (i + j) as f64)
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn non_square_is_rejected(m in 1usize..8, n in 1usize..8, r in 1usize..4) {
        prop_assume!(m != n);
        let e = SymProblem::new(DMatrix::zeros(m, n), r).unwrap_err();
        prop_assert!(matches!(e, LowrankError::NotSquare { .. }), "{}", "failed");
    }

    #[test]
    fn non_symmetric_is_rejected(n in 2usize..8, i in 0usize..8, j in 0usize..8, d in 1e-3f64..10.0) {
        let (i, j) = (i % n, j % n);
        prop_assume!(i != j);
        let mut a = spd(n);
        a[(i, j)] += d;
        prop_assert!(matches!(SymProblem::new(a, 1).unwrap_err(), LowrankError::NotSymmetric { .. }), "{}", "failed");
    }

    #[test]
    fn indefinite_is_rejected(n in 2usize..8, k in 0usize..8, neg in 0.1f64..5.0) {
        let mut a = DMatrix::<f64>::identity(n, n);
        a[(k % n, k % n)] = -neg;
        let e = SymProblem::new(a, 1).unwrap_err();
        prop_assert!(matches!(e, LowrankError::NotPsd { min_eig } if min_eig < 0.0), "{}", "failed");
    }

    #[test]
    fn bad_rank_is_rejected(n in 1usize..8, extra in 1usize..4) {
        prop_assert!(matches!(SymProblem::new(spd(n), 0).unwrap_err(), LowrankError::InvalidRank { r: 0, .. }), "{}", "failed");
        prop_assert!(matches!(SymProblem::new(spd(n), n + extra).unwrap_err(), LowrankError::InvalidRank { .. }), "{}", "failed");
        let a = DMatrix::from_element(n, n + 2, 1.0);
        prop_assert!(matches!(AsymProblem::new(a, n + extra).unwrap_err(), LowrankError::InvalidRank { .. }), "{}", "failed");
    }

    #[test]
    fn non_finite_entries_are_rejected(n in 2usize..7, i in 0usize..49, which in 0usize..3) {
        let v = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY][which];
        let mut a = spd(n);
        let k = i % (n * n);
        a[k] = v;
        prop_assert!(matches!(SymProblem::new(a.clone(), 1).unwrap_err(), LowrankError::Core(_)), "{}", "failed");
        prop_assert!(matches!(AsymProblem::new(a, 1).unwrap_err(), LowrankError::Core(_)), "{}", "failed");
        // a non-finite iterate is also rejected
        let p = SymProblem::new(spd(n), 1).unwrap();
        let mut x = DMatrix::from_element(n, 1, 1.0);
        x[0] = v;
        prop_assert!(SymState::new(&p, x).is_err(), "{}", "failed");
    }

    #[test]
    fn bad_step_sizes_and_parameters_are_rejected(eta in -10.0f64..=0.0, lam in -10.0f64..-1e-12) {
        prop_assert!(ScaledGd::new(eta, GramSolve::Qr).is_err(), "{}", "failed");
        prop_assert!(Gd::new(eta).is_err(), "{}", "failed");
        prop_assert!(ScaledGd::new(0.5, GramSolve::Damped { lambda: lam }).is_err(), "{}", "failed");
        prop_assert!(ScaledGd::new(0.5, GramSolve::Pinv { rcond: eta }).is_err(), "{}", "failed");
        prop_assert!(Init::Nystrom { xi: eta }.validate().is_err(), "{}", "failed");
        prop_assert!(Init::SmallRandom { scale: eta }.validate().is_err(), "{}", "failed");
        // a config built by hand is validated in step
        let p = SymProblem::new(spd(3), 1).unwrap();
        let mut st = SymState::new(&p, DMatrix::from_element(3, 1, 1.0)).unwrap();
        let bad = ScaledGd { eta, gram: GramSolve::Qr };
        prop_assert!(bad.step(&p, &mut st, &mut opt_core::rng::stream(0, "t", 0)).is_err(), "{}", "failed");
    }

    #[test]
    fn bad_observations_are_rejected(m in 1usize..6, n in 1usize..6, i in 0usize..10, j in 0usize..10) {
        let r = Observed::new(m, n, vec![(i, j, 1.0)]);
        if i >= m || j >= n {
            let is_range = matches!(r, Err(LowrankError::IndexOutOfRange { .. }));
            prop_assert!(is_range, "{}", "failed");
        } else {
            prop_assert!(r.is_ok(), "{}", "failed");
            let is_dup = matches!(Observed::new(m, n, vec![(i, j, 1.0), (i, j, 2.0)]), Err(LowrankError::DuplicateEntry { .. }));
            prop_assert!(is_dup, "{}", "failed");
            prop_assert!(CompletionProblem::new(r.unwrap(), m.min(n) + 1).is_err(), "{}", "failed");
        }
    }

    #[test]
    fn shape_mismatches_are_rejected(m in 2usize..6, n in 2usize..6) {
        let p = AsymProblem::new(DMatrix::from_element(m, n, 1.0), 1).unwrap();
        prop_assert!(AsymState::new(&p, DMatrix::zeros(m + 1, 1), DMatrix::zeros(n, 1)).is_err(), "{}", "failed");
        prop_assert!(AsymState::new(&p, DMatrix::zeros(m, 1), DMatrix::zeros(n, 2)).is_err(), "{}", "failed");
        prop_assert!(p.loss(&DMatrix::zeros(m, 2), &DMatrix::zeros(n, 2)).is_err(), "{}", "failed");
    }

    #[test]
    fn qr_and_jacobi_svd_reconstruct(n in 3usize..30, r in 1usize..6, seed in 0u64..1000) {
        let r = r.min(n);
        let mut rng = opt_core::rng::stream(seed, "lowrank/prop", 0);
        let x = lowrank::linalg::gaussian(n, r, 1.0, &mut rng);
        let mut w = lowrank::linalg::QrWork::new(n, r);
        w.factor(&x);
        prop_assert!((&w.q * &w.r - &x).norm() <= 1e-12 * x.norm(), "{}", "failed");
        prop_assert!((w.q.transpose() * &w.q - DMatrix::<f64>::identity(r, r)).norm() <= 1e-12, "{}", "failed");
        let mut s = lowrank::linalg::SmallSvd::new(r);
        s.compute(&w.r);
        let mut rec = DMatrix::zeros(r, r);
        s.spectral_into(|v| v, false, &mut rec);
        prop_assert!((rec - &w.r).norm() <= 1e-12 * w.r.norm(), "{}", "failed");
    }

    #[test]
    fn nystrom_scaled_gd_keeps_symmetric_psd_products(seed in 0u64..1000) {
        // invariant: X Xᵀ stays symmetric PSD and the iterate stays in range(A)
        let mut rng = opt_core::rng::stream(seed, "lowrank/prop-sym", 0);
        let (a, u) = lowrank::repro::common::psd_with_spectrum(12, &[1.0, 0.4, 0.05], &mut rng);
        let p = SymProblem::new(a, 3).unwrap();
        let x0 = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng).unwrap();
        let mut st = SymState::new(&p, x0).unwrap();
        let algo = ScaledGd::new(0.5, GramSolve::Qr).unwrap();
        for _ in 0..5 {
            algo.step(&p, &mut st, &mut rng).unwrap();
        }
        let off = (DMatrix::<f64>::identity(12, 12) - &u * u.transpose()) * &st.x;
        prop_assert!(off.norm() <= 1e-11 * st.x.norm(), "{}", "failed");
    }
}

#[test]
fn lora_rejects_bad_input_without_panicking() {
    let mut rng = opt_core::rng::stream(1, "lowrank/bad-lora", 0);
    let base = opt_core::nn::Mlp::new(
        &[4, 3],
        opt_core::nn::Activation::Tanh,
        opt_core::nn::Activation::Identity,
        opt_core::nn::Init::XavierNormal,
        &mut rng,
    )
    .unwrap();
    assert!(matches!(
        LoraMlp::new(&base, 4, 1.0, LoraInit::Pissa, &mut rng),
        Err(LowrankError::InvalidRank { .. })
    ));
    assert!(LoraMlp::new(&base, 1, f64::NAN, LoraInit::Kaiming, &mut rng).is_err());
}

#[test]
fn same_seed_same_output() {
    let ctx = opt_core::report::RunContext::quiet(opt_core::report::Scale::Quick, 3);
    let a = lowrank::repro::e7::run_a(&ctx).unwrap();
    let b = lowrank::repro::e7::run_a(&ctx).unwrap();
    assert_eq!(a.trace, b.trace);
    let c = lowrank::repro::e7::run_a(&opt_core::report::RunContext::quiet(
        opt_core::report::Scale::Quick,
        4,
    ))
    .unwrap();
    assert_ne!(a.trace, c.trace);
}

#[test]
fn parallel_experiment_is_bit_identical_on_one_and_two_threads() {
    let go = || {
        lowrank::repro::digits_lora::run(&opt_core::report::RunContext::quiet(
            opt_core::report::Scale::Quick,
            0,
        ))
        .unwrap()
        .trace
    };
    let pool = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
    };
    let one = pool(1).install(go);
    let two = pool(2).install(go);
    assert_eq!(one.rows.len(), two.rows.len());
    assert!(
        one.rows
            .iter()
            .flatten()
            .zip(two.rows.iter().flatten())
            .all(|(a, b)| a.to_bits() == b.to_bits())
    );
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<SymProblem>();
    check::<AsymProblem>();
    check::<SymState>();
    check::<AsymState>();
    check::<ScaledGd>();
    check::<Gd>();
    check::<Init>();
    check::<LowrankError>();
    check::<CompletionProblem>();
    check::<lowrank::completion::CompletionState>();
    check::<LoraMlp>();
    check::<lowrank::lora::LoraWorkspace>();
}

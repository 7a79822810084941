//! Property tests: bad input gives typed errors; SqRA invariants hold for random log-weights.

use langevin::spectral::{
    Grid2d, InverseIteration, null_vector, radial_gap, sqra_1d, sqra_2d, torus_mode_gap,
    tridiag_eigs_bisection,
};
use langevin::{Ensemble, FnPotential, Kinetic, LangevinError, Mala, Ring, TorusRev, Ula};
use proptest::prelude::*;

fn bad_positive() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        -1e6..=0.0f64,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn non_positive_eps_or_step_is_rejected(bad in bad_positive(), good in 1e-4..1.0f64) {
        for e in [
            Ula::new(bad, good).unwrap_err(), Ula::new(good, bad).unwrap_err(),
            Mala::new(bad, good).unwrap_err(), Mala::new(good, bad).unwrap_err(),
            Kinetic::new(bad, good, 1.0).unwrap_err(), Kinetic::new(good, bad, 1.0).unwrap_err(),
        ] {
            prop_assert!(matches!(e, LangevinError::Core(opt_core::Error::InvalidArgument { .. })), "{}", e);
        }
        prop_assert!(radial_gap(|r| r * r, 2, bad, 1.0, 100).is_err());
        prop_assert!(sqra_1d(&[0.0; 10], good, bad, &[]).is_err());
        prop_assert!(sqra_1d(&[0.0; 10], bad, good, &[]).is_err());
    }

    #[test]
    fn chain_and_potential_dimensions_must_agree(dp in 1usize..6, de in 1usize..6, m in 1usize..50) {
        prop_assume!(dp != de);
        let ring = Ring::new(dp, 1.0).unwrap();
        let init = Ensemble::from_point(&vec![0.5; de], m).unwrap();
        let e = Ula::new(0.01, 0.1).unwrap().run(&ring, &init, 3, 0, |_, _| {}).unwrap_err();
        prop_assert_eq!(e, LangevinError::Core(opt_core::Error::dimension("chain dimension (potential dim)", dp, de)));
        let mala = Mala::new(0.01, 0.1).unwrap().run(&ring, &init, 3, 0, |_, _| ());
        prop_assert!(mala.is_err());
    }

    #[test]
    fn the_nan_chain_is_named(m in 2usize..300, bad in 0usize..300, threads in 1usize..3) {
        let bad = bad % m;
        let mut x = vec![0.0; m];
        x[bad] = 10.0;
        let pot = FnPotential::new(1, |x: &[f64]| if x[0] > 5.0 { f64::NAN } else { x[0] * x[0] },
            |x: &[f64], g: &mut [f64]| g[0] = if x[0] > 5.0 { f64::NAN } else { 2.0 * x[0] });
        let init = Ensemble::new(1, x).unwrap();
        let e = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
            Ula::new(0.01, 0.1).unwrap().run(&pot, &init, 5, 0, |_, _| {}).unwrap_err()
        });
        prop_assert_eq!(e, LangevinError::NonFinite { what: "gradient", step: 0, chain: bad });
    }

    #[test]
    fn grids_too_coarse_for_eps_are_typed_errors(eps in 1e-4..0.05f64, frac in 1.05..20.0f64) {
        // ring: tube width sqrt(eps/8); choose N so that h = frac · width/4 > width/4
        let width = (eps / 8.0).sqrt();
        let n = (1.8 / (frac * width / 4.0)).floor().max(3.0) as usize;
        prop_assume!(1.8 / n as f64 > width / 4.0);
        let e = radial_gap(|r| (r * r - 1.0).powi(2), 2, eps, 1.8, n).unwrap_err();
        prop_assert!(matches!(e, LangevinError::GridTooCoarse { .. }), "{}", e);
        let torus = TorusRev::new(2.0, 1.0).unwrap();
        let e = torus_mode_gap(&torus, 1, eps, frac * width / 4.0 * 1.0001, InverseIteration::default()).unwrap_err();
        prop_assert!(matches!(e, LangevinError::GridTooCoarse { .. }), "{}", e);
    }

    #[test]
    fn too_few_nodes_are_rejected(n in 0usize..3) {
        prop_assert!(sqra_1d(&vec![0.0; n], 0.1, 1.0, &[]).is_err());
        prop_assert!(Grid2d::new(0.0, 0.0, 0.1, n, 10).is_err());
        prop_assert!(radial_gap(|r| r * r, 2, 1.0, 1.0, n).is_err());
    }

    #[test]
    fn sqra_1d_is_psd_with_null_vector_sqrt_pi(lw in prop::collection::vec(-8.0..8.0f64, 3..60), eps in 0.05..2.0f64) {
        let a = sqra_1d(&lw, 0.1, eps, &[]).unwrap();
        let s = null_vector(&lw);
        let mut y = vec![0.0; s.len()];
        a.apply(&s, &mut y);
        let scale = a.gershgorin().1;
        prop_assert!(y.iter().all(|v| v.abs() <= 1e-10 * scale));
        let ev = tridiag_eigs_bisection(&a, 2).unwrap();
        prop_assert!(ev[0].abs() <= 1e-9 * scale && ev[1] > 0.0);
        // Sturm counts are monotone
        prop_assert!(a.count_below(ev[1] * 0.5) <= a.count_below(ev[1] * 1.5));
    }

    #[test]
    fn sqra_2d_is_symmetric_with_null_vector(lw in prop::collection::vec(-6.0..6.0f64, 20), eps in 0.1..2.0f64) {
        let g = Grid2d::new(0.0, 0.0, 0.2, 5, 4).unwrap();
        let op = sqra_2d(&g, &lw, eps).unwrap();
        let s = null_vector(&lw);
        let mut y = vec![0.0; 20];
        op.apply(&s, &mut y);
        let scale = op.diag().iter().copied().fold(0.0, f64::max) + 4.0 * op.coupling();
        prop_assert!(y.iter().all(|v| v.abs() <= 1e-10 * scale));
        let mut col_i = vec![0.0; 20];
        let mut col_j = vec![0.0; 20];
        for i in 0..20 {
            for j in 0..20 {
                let (mut ei, mut ej) = (vec![0.0; 20], vec![0.0; 20]);
                ei[i] = 1.0;
                ej[j] = 1.0;
                op.apply(&ei, &mut col_i);
                op.apply(&ej, &mut col_j);
                prop_assert!((col_i[j] - col_j[i]).abs() <= 1e-12 * scale);
            }
        }
    }
}

//! The spec's test oracles (1–6) and closed forms for the factorisation algorithms.

use lowrank::linalg::{QrWork, gaussian};
use lowrank::repro::common::{psd_with_spectrum, rect_with_spectrum};
use lowrank::{AsymProblem, AsymState, Gd, GramSolve, Init, ScaledGd, SymProblem, SymState};
use nalgebra::{DMatrix, DVector};
use opt_core::algorithm::{Algorithm, Budget, Termination, run};
use opt_core::check::{max_relative_error, numeric_gradient};
use opt_core::observer::{NoObserver, Recorder};

fn rng(i: u64) -> opt_core::rng::Rng {
    opt_core::rng::stream(42, "lowrank/tests/oracles", i)
}

fn sym(n: usize, sigma: &[f64], r: usize, i: u64) -> (SymProblem, DMatrix<f64>) {
    let (a, u) = psd_with_spectrum(n, sigma, &mut rng(i));
    (SymProblem::new(a, r).unwrap(), u)
}

#[test]
fn gradients_match_finite_differences() {
    // oracle 5: ¼‖XXᵀ − A‖² and ½‖XYᵀ − A‖²
    let (p, _) = sym(8, &[2.0, 1.0, 0.5], 3, 0);
    let x = gaussian(8, 3, 0.7, &mut rng(1));
    let g = p.grad(&x).unwrap();
    let f = |v: &DVector<f64>| {
        p.loss(&DMatrix::from_column_slice(8, 3, v.as_slice()))
            .unwrap()
    };
    let num = numeric_gradient(f, &DVector::from_column_slice(x.as_slice()), 1e-6);
    assert!(max_relative_error(g.as_slice(), num.as_slice()) < 1e-6);

    let a = gaussian(7, 5, 1.0, &mut rng(2));
    let q = AsymProblem::new(a, 2).unwrap();
    let (x, y) = (
        gaussian(7, 2, 1.0, &mut rng(3)),
        gaussian(5, 2, 1.0, &mut rng(4)),
    );
    let (gx, gy) = q.grad(&x, &y).unwrap();
    let fx = |v: &DVector<f64>| {
        q.loss(&DMatrix::from_column_slice(7, 2, v.as_slice()), &y)
            .unwrap()
    };
    let fy = |v: &DVector<f64>| {
        q.loss(&x, &DMatrix::from_column_slice(5, 2, v.as_slice()))
            .unwrap()
    };
    let nx = numeric_gradient(fx, &DVector::from_column_slice(x.as_slice()), 1e-6);
    let ny = numeric_gradient(fy, &DVector::from_column_slice(y.as_slice()), 1e-6);
    assert!(max_relative_error(gx.as_slice(), nx.as_slice()) < 1e-6);
    assert!(max_relative_error(gy.as_slice(), ny.as_slice()) < 1e-6);
}

fn one_sym_step<A: Algorithm<SymProblem, State = SymState, Error = lowrank::LowrankError>>(
    p: &SymProblem,
    algo: &A,
    x: &DMatrix<f64>,
) -> DMatrix<f64> {
    let mut st = SymState::new(p, x.clone()).unwrap();
    algo.step(p, &mut st, &mut rng(99)).unwrap();
    st.x
}

#[test]
fn scaled_gd_step_matches_the_textbook_formula_for_every_gram_solve() {
    let (p, _) = sym(20, &[1.0, 0.5, 0.1], 3, 5);
    let x = gaussian(20, 3, 1.0, &mut rng(6));
    let eta = 0.4;
    let gram = x.transpose() * &x;
    let expected = &x - (p.grad(&x).unwrap() * gram.clone().try_inverse().unwrap()) * eta;
    for g in [
        GramSolve::Qr,
        GramSolve::Pinv { rcond: 1e-12 },
        GramSolve::Damped { lambda: 0.0 },
        GramSolve::Cholesky,
    ] {
        let got = one_sym_step(&p, &ScaledGd::new(eta, g).unwrap(), &x);
        assert!((&got - &expected).norm() < 1e-11 * expected.norm(), "{g:?}");
    }
    // damping λ: X − η∇f (XᵀX + λI)^{-1}
    let lambda = 0.3;
    let damped = &x
        - (p.grad(&x).unwrap()
            * (&gram + DMatrix::identity(3, 3) * lambda)
                .try_inverse()
                .unwrap())
            * eta;
    let got = one_sym_step(
        &p,
        &ScaledGd::new(eta, GramSolve::Damped { lambda }).unwrap(),
        &x,
    );
    assert!((&got - &damped).norm() < 1e-11 * damped.norm());
    // GD: X − η∇f
    let gd = one_sym_step(&p, &Gd::new(eta).unwrap(), &x);
    assert!((&gd - (&x - p.grad(&x).unwrap() * eta)).norm() < 1e-12 * x.norm());
}

#[test]
fn fixed_point_and_equivariance() {
    // oracle 2: X* = UΣ^{1/2}Q gives a zero step; X_tQ gives the same X_tX_tᵀ trajectory
    let sigma = [3.0, 1.0, 0.2];
    let (p, u) = sym(15, &sigma, 3, 7);
    let q = {
        let mut w = QrWork::new(3, 3);
        w.factor(&gaussian(3, 3, 1.0, &mut rng(8)));
        w.q
    };
    let xstar = DMatrix::from_fn(15, 3, |i, j| u[(i, j)] * sigma[j].sqrt()) * &q;
    let algo = ScaledGd::new(0.5, GramSolve::Qr).unwrap();
    let next = one_sym_step(&p, &algo, &xstar);
    assert!((&next - &xstar).norm() < 1e-13 * xstar.norm());
    let x0 = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng(9)).unwrap();
    let (mut a, mut b) = (x0.clone(), &x0 * &q);
    for _ in 0..6 {
        a = one_sym_step(&p, &algo, &a);
        b = one_sym_step(&p, &algo, &b);
        let (pa, pb) = (&a * a.transpose(), &b * b.transpose());
        assert!((&pa - &pb).norm() < 1e-10 * pa.norm());
    }
}

#[test]
fn nystrom_iterates_stay_in_the_range_of_a() {
    // oracle 3: (I − UUᵀ)X_t = 0 to round-off
    let (p, u) = sym(30, &[1.0, 0.3, 0.01], 3, 10);
    let proj = DMatrix::<f64>::identity(30, 30) - &u * u.transpose();
    let mut x = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng(11)).unwrap();
    let algo = ScaledGd::new(0.5, GramSolve::Qr).unwrap();
    for _ in 0..10 {
        x = one_sym_step(&p, &algo, &x);
        assert!((&proj * &x).norm() < 1e-12 * x.norm());
    }
}

#[test]
fn asymmetric_one_step_is_eta_times_the_range_projection() {
    // oracle 4: X_1Y_1ᵀ = η·QQᵀA, Q from the QR of AΩ (here under-parameterised: rank 6, r = 3)
    let a = rect_with_spectrum(25, 18, &[1.0, 0.8, 0.5, 0.3, 0.2, 0.1], &mut rng(12));
    let p = AsymProblem::new(a.clone(), 3).unwrap();
    let (x0, y0) = Init::Nystrom { xi: 1.0 }.asym(&p, &mut rng(13)).unwrap();
    let mut w = QrWork::new(25, 3);
    w.factor(&x0);
    for eta in [1.0, 0.5] {
        let mut st = AsymState::new(&p, x0.clone(), y0.clone()).unwrap();
        ScaledGd::new(eta, GramSolve::Qr)
            .unwrap()
            .step(&p, &mut st, &mut rng(0))
            .unwrap();
        let expect = &w.q * (w.q.transpose() * &a) * eta;
        assert!((&st.x * st.y.transpose() - &expect).norm() < 1e-12 * expect.norm());
    }
}

#[test]
fn scaled_gd_direction_is_a_descent_direction_in_the_gram_metric() {
    // oracle 6: ⟨∇f, D⟩ = tr(∇f (XᵀX)^{-1} ∇fᵀ) >= 0 for D = ∇f (XᵀX)^{-1}
    let (p, _) = sym(12, &[1.0, 0.5, 0.25], 3, 14);
    for i in 0..5 {
        let x = gaussian(12, 3, 1.0, &mut rng(20 + i));
        let g = p.grad(&x).unwrap();
        let d = &g * (x.transpose() * &x).try_inverse().unwrap();
        let inner = g.dot(&d);
        assert!(inner >= 0.0);
        let one = one_sym_step(&p, &ScaledGd::new(1.0, GramSolve::Qr).unwrap(), &x);
        assert!(((&x - one) - &d).norm() < 1e-10 * d.norm());
    }
}

#[test]
fn driver_reaches_machine_precision_and_reports_through_observers() {
    let (p, _) = sym(40, &[1.0, 0.1, 0.01], 3, 15);
    let x0 = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng(16)).unwrap();
    let mut st = SymState::new(&p, x0).unwrap();
    let mut rec = Recorder::new();
    let algo = ScaledGd::new(0.5, GramSolve::Qr).unwrap();
    let rep = run(
        &p,
        &algo,
        &mut st,
        &Budget::iters(60).until("rel_error", 1e-13),
        &mut rng(0),
        &mut rec,
    )
    .unwrap();
    assert!(
        matches!(rep.termination, Termination::Tolerance { .. }),
        "{rep:?}"
    );
    assert!(rep.iters <= 25);
    assert_eq!(rec.column("rel_error").unwrap().len(), rep.iters);
    // asymmetric, exact rank, one step
    let a = rect_with_spectrum(30, 20, &[1.0, 1e-3, 1e-6], &mut rng(17));
    let q = AsymProblem::new(a, 3).unwrap();
    let (x0, y0) = Init::Nystrom { xi: 1.0 }.asym(&q, &mut rng(18)).unwrap();
    let mut st = AsymState::new(&q, x0, y0).unwrap();
    let rep = run(
        &q,
        &ScaledGd::new(1.0, GramSolve::Qr).unwrap(),
        &mut st,
        &Budget::iters(5).until("rel_error", 1e-12),
        &mut rng(0),
        &mut NoObserver,
    )
    .unwrap();
    assert_eq!(rep.iters, 1);
}

#[test]
fn over_parameterised_qr_is_a_typed_error_and_pinv_converges() {
    let (p, _) = sym(20, &[1.0, 0.5], 4, 19);
    let x0 = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng(20)).unwrap();
    let mut st = SymState::new(&p, x0.clone()).unwrap();
    let err = ScaledGd::new(0.5, GramSolve::Qr)
        .unwrap()
        .step(&p, &mut st, &mut rng(0))
        .unwrap_err();
    assert!(
        matches!(err, lowrank::LowrankError::SingularGram { .. }),
        "{err}"
    );
    let mut st = SymState::new(&p, x0).unwrap();
    let algo = ScaledGd::new(0.5, GramSolve::Pinv { rcond: 1e-10 }).unwrap();
    let rep = run(
        &p,
        &algo,
        &mut st,
        &Budget::iters(40).until("rel_error", 1e-12),
        &mut rng(0),
        &mut NoObserver,
    )
    .unwrap();
    assert!(matches!(rep.termination, Termination::Tolerance { .. }));
}

#[test]
fn best_rank_and_spectral_init_agree() {
    let (p, _) = sym(25, &[1.0, 0.5, 0.2, 0.1], 2, 21);
    let x = Init::Spectral.sym(&p, &mut rng(0)).unwrap();
    assert!((&x * x.transpose() - p.best_rank_r(2)).norm() < 1e-12);
    let a = rect_with_spectrum(10, 7, &[2.0, 1.0, 0.5], &mut rng(22));
    let q = AsymProblem::new(a, 2).unwrap();
    let (x, y) = Init::Spectral.asym(&q, &mut rng(0)).unwrap();
    assert!((&x * y.transpose() - q.best_rank_r(2)).norm() < 1e-12);
}

//! Spec test oracles 1–6 and 9: closed forms, Monte-Carlo moments, derivative checks.

use nalgebra::{DMatrix, DVector};
use opt_core::check::{check_gradient, check_hvp, numeric_gradient};
use opt_core::problem::{FnObjective, Gradient, Objective};
use opt_core::rng::{fill_standard_normal, stream};
use zo_opt::direction::Arithmetic;
use zo_opt::estimator::EstimatorWorkspace;
use zo_opt::problems::{Glm, GlmLoss, Perspective, Quadratic, ScaleInvariantToy, gauss_hermite};
use zo_opt::trace::{antithetic, hutchinson};
use zo_opt::{Direction, Sided, TwoPointEstimator};

fn randn(seed: u64, n: usize) -> DVector<f64> {
    let mut x = DVector::zeros(n);
    fill_standard_normal(&mut stream(seed, "test", 0), x.as_mut_slice());
    x
}

fn quadratic(d: usize) -> Quadratic {
    let eigs: Vec<f64> = (0..d).map(|i| 0.2 + i as f64 * 0.3).collect();
    Quadratic::with_spectrum(&eigs, &randn(7, d), &mut stream(8, "q", 0)).unwrap()
}

#[test]
fn quadratic_estimate_is_the_directional_derivative() {
    let p = quadratic(8);
    let x = randn(1, 8);
    let mut g = DVector::zeros(8);
    p.gradient(&x, &mut g);
    let est = TwoPointEstimator::gaussian();
    let mut ws = EstimatorWorkspace::new(8);
    let mut out = DVector::zeros(8);
    for lambda in [1e-3, 0.1, 3.0] {
        est.estimate(&p, &x, lambda, Arithmetic::Float, 4, 0, &mut ws, &mut out)
            .unwrap();
        let mut u = vec![0.0; 8];
        Direction::Gaussian.fill(4, 0, 0, &mut u);
        let u = DVector::from_vec(u);
        let expect = &u * u.dot(&g);
        let err = (&out - &expect).amax() / expect.amax();
        assert!(err < 1e-9 / lambda.min(1.0), "λ = {lambda}: {err}");
    }
}

#[test]
fn quadratic_monte_carlo_mean_and_second_moment() {
    let d = 10;
    let p = quadratic(d);
    let x = randn(2, d);
    let mut g = DVector::zeros(d);
    p.gradient(&x, &mut g);
    let m = 100_000;
    let est = TwoPointEstimator::gaussian();
    let mut ws = EstimatorWorkspace::new(d);
    let mut out = DVector::zeros(d);
    let mut mean = DVector::zeros(d);
    let mut sq = 0.0;
    for t in 0..m {
        est.estimate(
            &p,
            &x,
            0.05,
            Arithmetic::Float,
            9,
            t as u64,
            &mut ws,
            &mut out,
        )
        .unwrap();
        mean += &out;
        sq += out.norm_squared();
    }
    mean /= m as f64;
    let env = 4.0 * ((d + 2) as f64 / m as f64).sqrt() * g.norm();
    assert!(
        (&mean - &g).amax() < env,
        "{} vs {env}",
        (&mean - &g).amax()
    );
    let ratio = sq / m as f64 / ((d + 2) as f64 * g.norm_squared());
    assert!((ratio - 1.0).abs() < 0.05, "E|g|² ratio {ratio}");
}

#[test]
fn smoothed_closed_forms_by_monte_carlo() {
    let d = 6;
    let (lambda, m) = (0.3, 400_000);
    let x = randn(3, d);
    let p = quadratic(d);
    let quartic = |v: &DVector<f64>| v.norm_squared().powi(2);
    let mut u = vec![0.0; d];
    let (mut fq, mut f4) = (0.0, 0.0);
    for t in 0..m {
        Direction::Gaussian.fill(1, t, 0, &mut u);
        let xp = &x + DVector::from_column_slice(&u) * lambda;
        fq += p.value(&xp);
        f4 += quartic(&xp);
    }
    let (fq, f4) = (fq / m as f64, f4 / m as f64);
    assert!((fq - p.smoothed(&x, lambda)).abs() < 0.02 * p.trace() * lambda * lambda + 5e-3);
    // ‖x‖⁴: F = f + λ²/2 tr∇²f with tr∇²f = 4(d+2)‖x‖², f_λ = F + λ⁴ d(d+2)
    let big_f = quartic(&x) + 0.5 * lambda * lambda * 4.0 * (d + 2) as f64 * x.norm_squared();
    let exact = big_f + lambda.powi(4) * (d * (d + 2)) as f64;
    assert!((f4 - exact).abs() / exact < 5e-3, "{f4} vs {exact}");
    // Lemma 1 bound with L3 = 24 dominates |f_λ − F|
    assert!(lambda.powi(4) * (d * (d + 2)) as f64 <= lambda.powi(4) * ((d + 4) * (d + 4)) as f64);
}

#[test]
fn cubic_monte_carlo_mean_is_grad_of_regularised_loss() {
    // f = (1/6) Σ T_ijk x_i x_j x_k with a symmetric tensor: E g_λ = ∇f + λ²/2 ∇tr∇²f exactly.
    let d = 4;
    let mut t = vec![0.0; d * d * d];
    let raw = randn(5, d * d * d);
    for i in 0..d {
        for j in 0..d {
            for k in 0..d {
                let perms = [
                    (i, j, k),
                    (i, k, j),
                    (j, i, k),
                    (j, k, i),
                    (k, i, j),
                    (k, j, i),
                ];
                t[(i * d + j) * d + k] = perms
                    .iter()
                    .map(|&(a, b, c)| raw[(a * d + b) * d + c])
                    .sum::<f64>()
                    / 6.0;
            }
        }
    }
    let tt = t.clone();
    let f = FnObjective::new(d, move |x: &DVector<f64>| {
        let mut s = 0.0;
        for i in 0..d {
            for j in 0..d {
                for k in 0..d {
                    s += tt[(i * d + j) * d + k] * x[i] * x[j] * x[k];
                }
            }
        }
        s / 6.0
    });
    let x = randn(6, d);
    let lambda = 0.5;
    let mut target = DVector::zeros(d);
    for i in 0..d {
        let mut g = 0.0;
        for j in 0..d {
            for k in 0..d {
                g += 0.5 * t[(i * d + j) * d + k] * x[j] * x[k];
            }
        }
        let grad_tr: f64 = (0..d).map(|a| t[(a * d + a) * d + i]).sum();
        target[i] = g + 0.5 * lambda * lambda * grad_tr;
    }
    let est = TwoPointEstimator::new(Direction::Gaussian, 1, Sided::Two).unwrap();
    let mut ws = EstimatorWorkspace::new(d);
    let mut out = DVector::zeros(d);
    let mut mean = DVector::zeros(d);
    let mut sq = 0.0;
    let m = 200_000;
    for s in 0..m {
        est.estimate(&f, &x, lambda, Arithmetic::Float, 2, s, &mut ws, &mut out)
            .unwrap();
        mean += &out;
        sq += out.norm_squared();
    }
    mean /= m as f64;
    let se = (sq / m as f64 / m as f64).sqrt();
    assert!((&mean - &target).amax() < 5.0 * se, "{mean} vs {target}");
}

#[test]
fn toy_closed_forms() {
    let p = ScaleInvariantToy::new(5);
    let x = randn(4, 10);
    let est = TwoPointEstimator::gaussian();
    let mut ws = EstimatorWorkspace::new(10);
    let mut out = DVector::zeros(10);
    let mut closed = DVector::zeros(10);
    let mut u = vec![0.0; 10];
    let lambda = 0.2;
    let mut mean = DVector::zeros(10);
    let m = 200_000;
    for t in 0..m {
        est.estimate(&p, &x, lambda, Arithmetic::Float, 3, t, &mut ws, &mut out)
            .unwrap();
        if t < 20 {
            Direction::Gaussian.fill(3, t, 0, &mut u);
            p.closed_form_estimate(&x, &DVector::from_column_slice(&u), lambda, &mut closed);
            assert!((&out - &closed).amax() < 1e-10 * closed.amax().max(1.0));
        }
        mean += &out;
    }
    mean /= m as f64;
    let mut g = DVector::zeros(10);
    p.gradient(&x, &mut g);
    let target = &g + &x * (lambda * lambda);
    assert!(
        (&mean - &target).amax() < 0.05 * target.amax(),
        "{mean} vs {target}"
    );
    // f_λ = h + λ²/2 ‖x‖² + λ⁴ d/2 (Monte Carlo)
    let mut fl = 0.0;
    for t in 0..m {
        Direction::Gaussian.fill(8, t, 0, &mut u);
        fl += p.value(&(&x + DVector::from_column_slice(&u) * lambda));
    }
    let fl = fl / m as f64;
    assert!((fl - p.smoothed(&x, lambda)).abs() < 0.02 * p.smoothed(&x, lambda));
    // derivatives
    assert!(check_gradient(&p, &x, 1e-6).max_rel_error < 1e-6);
    assert!(check_hvp(&p, &x, &randn(9, 10), 1e-6).max_rel_error < 1e-6);
    assert!(
        (hutchinson(&p, &x, 20_000, Direction::Rademacher, 1)
            .unwrap()
            .mean
            - p.trace(&x))
        .abs()
            < 0.05 * p.trace(&x)
    );
}

#[test]
fn toy_balancedness_under_gd_and_zo() {
    let p = ScaleInvariantToy::new(5);
    let x = randn(10, 10);
    let eta = 1e-3;
    let mut g = DVector::zeros(10);
    p.gradient(&x, &mut g);
    let x1 = &x - &g * eta;
    let (gy, gz) = (g.rows(0, 5).norm_squared(), g.rows(5, 5).norm_squared());
    let db = p.balancedness(&x1) - p.balancedness(&x);
    assert!((db - 0.5 * eta * eta * (gy - gz)).abs() < 1e-12);
    // one ZO step: E[B_{t+1} − B_t | x] = −2ηλ²B − 2η²(r² + (d+2)λ⁴)B (spec, exact)
    let lambda = 0.3;
    let algo = zo_opt::ZoSgd::new(zo_opt::ZoSgdConfig::new(eta, lambda)).unwrap();
    let m = 200_000;
    let mut acc = vec![];
    for s in 0..m {
        let mut st = zo_opt::ZoSgdState::new(&algo, x.clone(), s).unwrap();
        algo.step_state(&p, &mut st).unwrap();
        acc.push(p.balancedness(&st.x) - p.balancedness(&x));
    }
    let mean = opt_core::stats::mean(&acc).unwrap();
    let se = opt_core::stats::std_error(&acc).unwrap();
    let b = p.balancedness(&x);
    let r = p.residual(&x);
    let exact =
        -2.0 * eta * lambda * lambda * b - 2.0 * eta * eta * (r * r + 7.0 * lambda.powi(4)) * b;
    assert!((mean - exact).abs() < 4.0 * se, "{mean} ± {se} vs {exact}");
}

#[test]
fn isserlis_and_sphere_moments() {
    let d = 5;
    let m = 200_000;
    let mut u = vec![0.0; d];
    let (mut m4, mut m6, mut m1122) = (0.0, 0.0, 0.0);
    let mut cov = DMatrix::zeros(d, d);
    for t in 0..m {
        Direction::Gaussian.fill(0, t, 0, &mut u);
        let n2: f64 = u.iter().map(|v| v * v).sum();
        m4 += n2 * n2;
        m6 += n2 * n2 * n2;
        m1122 += u[0] * u[0] * u[1] * u[1];
        Direction::Sphere.fill(0, t, 1, &mut u);
        let v = DVector::from_column_slice(&u);
        assert!((v.norm() - (d as f64).sqrt()).abs() < 1e-12);
        cov += &v * v.transpose();
    }
    let mf = m as f64;
    assert!((m4 / mf / (d * (d + 2)) as f64 - 1.0).abs() < 0.02);
    assert!((m6 / mf / (d * (d + 2) * (d + 4)) as f64 - 1.0).abs() < 0.04);
    assert!((m1122 / mf - 1.0).abs() < 0.03);
    assert!((cov / mf - DMatrix::identity(d, d)).amax() < 0.02);
}

fn small_glm(loss: GlmLoss) -> Glm {
    let (d, n) = (6, 15);
    let phi = DMatrix::from_column_slice(d, n, randn(11, d * n).as_slice());
    let y = (0..n)
        .map(|i| if i % 3 == 0 { 1.0 } else { -1.0 })
        .collect();
    Glm::new(phi, y, loss).unwrap()
}

#[test]
fn glm_derivatives_and_exact_traces() {
    for loss in [GlmLoss::Logistic, GlmLoss::SquaredHinge] {
        let p = small_glm(loss);
        let w = randn(12, 6) * 0.3;
        assert!(check_gradient(&p, &w, 1e-6).max_rel_error < 1e-5);
        // finite-difference Hessian from the gradient: its trace equals the exact formula
        let mut tr = 0.0;
        for j in 0..6 {
            let h = 1e-6;
            let (mut gp, mut gm) = (DVector::zeros(6), DVector::zeros(6));
            let mut wp = w.clone();
            wp[j] += h;
            p.gradient(&wp, &mut gp);
            wp[j] -= 2.0 * h;
            p.gradient(&wp, &mut gm);
            tr += (gp[j] - gm[j]) / (2.0 * h);
        }
        assert!(
            (tr - p.exact_trace(&w)).abs() < 1e-5 * tr.abs().max(1.0),
            "{loss:?}: {tr} vs {}",
            p.exact_trace(&w)
        );
        assert!(check_hvp(&p, &w, &randn(13, 6), 1e-6).max_rel_error < 1e-4);
        // Gauss–Hermite smoothed gradient against finite differences of the smoothed value
        let gh = gauss_hermite(32).unwrap();
        let mut g = DVector::zeros(6);
        p.smoothed_value_and_gradient(&w, 0.3, &gh, &mut g);
        let num = numeric_gradient(
            |v: &DVector<f64>| {
                let mut tmp = DVector::zeros(6);
                p.smoothed_value_and_gradient(v, 0.3, &gh, &mut tmp)
            },
            &w,
            1e-6,
        );
        assert!((&g - &num).amax() < 1e-6, "{loss:?}");
    }
}

#[test]
fn gauss_hermite_integrates_normal_moments() {
    let (z, w) = gauss_hermite(32).unwrap();
    let moment = |k: i32| z.iter().zip(&w).map(|(z, w)| w * z.powi(k)).sum::<f64>();
    assert!((moment(0) - 1.0).abs() < 1e-12);
    assert!(moment(1).abs() < 1e-12);
    assert!((moment(2) - 1.0).abs() < 1e-12);
    assert!((moment(4) - 3.0).abs() < 1e-11);
    assert!((moment(6) - 15.0).abs() < 1e-10);
    assert!(gauss_hermite(0).is_err());
}

#[test]
fn trace_estimators_on_a_quadratic() {
    let p = quadratic(12);
    let x = randn(14, 12);
    // antithetic second difference = uᵀAu to 1e-8 (K = 1, explicit direction)
    let one = antithetic(&p, &x, 1e-2, 1, Direction::Gaussian, 3).unwrap();
    let hut = hutchinson(&p, &x, 1, Direction::Gaussian, 3).unwrap();
    assert!(
        (one.mean - hut.mean).abs() < 1e-8 * hut.mean.abs(),
        "{} vs {}",
        one.mean,
        hut.mean
    );
    let many = hutchinson(&p, &x, 50_000, Direction::Gaussian, 4).unwrap();
    assert!((many.mean - p.trace()).abs() < 4.0 * many.std_error);
    let anti = antithetic(&p, &x, 1e-2, 20_000, Direction::Rademacher, 5).unwrap();
    assert!((anti.mean - p.trace()).abs() < 4.0 * anti.std_error.max(1e-9));
    // one-sided sharpness is much noisier than the antithetic pair at the same K and δ
    let one_sided =
        zo_opt::trace::expected_sharpness(&p, &x, 1e-3, 100, Direction::Gaussian, 6).unwrap();
    let anti100 = antithetic(&p, &x, 1e-3, 100, Direction::Gaussian, 6).unwrap();
    assert!(one_sided.std_error > 20.0 * anti100.std_error);
}

#[test]
fn perspective_closed_forms() {
    let p = Perspective::new(1.0, 4.0).unwrap();
    let x = DVector::from_vec(vec![0.7, 1.9]);
    assert!(check_gradient(&p, &x, 1e-6).max_rel_error < 1e-7);
    let hv = |v: &DVector<f64>| {
        let mut g = DVector::zeros(2);
        p.gradient(v, &mut g);
        g
    };
    let mut tr = 0.0;
    for j in 0..2 {
        let mut a = x.clone();
        a[j] += 1e-6;
        let mut b = x.clone();
        b[j] -= 1e-6;
        tr += (hv(&a)[j] - hv(&b)[j]) / 2e-6;
    }
    assert!((tr - p.trace(&x)).abs() < 1e-6);
    assert!(Perspective::new(4.0, 1.0).is_err());
    let mut q = DVector::from_vec(vec![0.0, 7.0]);
    p.project(&mut q);
    assert_eq!(q[1], 4.0);
}

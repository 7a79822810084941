use super::*;
use crate::linalg::gaussian;
use nalgebra::DVector;
use opt_core::check::{max_relative_error, numeric_gradient};
use opt_core::nn::{Activation, Init, Mlp};

fn net(rng: &mut Rng) -> Mlp {
    let mut m = Mlp::new(
        &[6, 5, 4],
        Activation::Tanh,
        Activation::Identity,
        Init::XavierNormal,
        rng,
    )
    .unwrap();
    // non-zero biases so the bias path is exercised
    let n = m.num_params();
    let mut p = m.params().clone();
    for i in 0..n {
        p[i] += 0.01 * (i as f64).sin();
    }
    m.set_params(&p).unwrap();
    m
}

fn all_inits() -> [LoraInit; 4] {
    [
        LoraInit::Kaiming,
        LoraInit::Pissa,
        LoraInit::Nora { sigma: 0.5 },
        LoraInit::NoraPlus { sigma: 0.5 },
    ]
}

#[test]
fn backward_matches_finite_differences() {
    let mut rng = opt_core::rng::stream(3, "lowrank/lora-test", 0);
    let base = net(&mut rng);
    let x = gaussian(6, 3, 1.0, &mut rng);
    let v = gaussian(4, 3, 1.0, &mut rng);
    for init in all_inits() {
        let mut lm = LoraMlp::new(&base, 2, 4.0, init, &mut rng).unwrap();
        // move away from B = 0 so every gradient block is non-trivial
        let p0 = lm.params().clone()
            + DVector::from_fn(lm.num_params(), |i, _| {
                0.1 * ((i * 7 % 11) as f64 - 5.0) / 5.0
            });
        *lm.params_mut() = p0.clone();
        let mut ws = LoraWorkspace::default();
        lm.forward(&x, &mut ws).unwrap();
        let mut g = DVector::zeros(lm.num_params());
        let mut gx = DMatrix::zeros(6, 3);
        lm.backward(&mut ws, &v, &mut g, Some(&mut gx)).unwrap();
        let f = |p: &DVector<f64>| {
            let mut m = lm.clone();
            *m.params_mut() = p.clone();
            let mut w = LoraWorkspace::default();
            m.forward(&x, &mut w).unwrap().component_mul(&v).sum()
        };
        let num = numeric_gradient(f, &p0, 1e-6);
        let err = max_relative_error(g.as_slice(), num.as_slice());
        assert!(err < 1e-6, "{init:?}: params rel err {err}");
        let fx = |xv: &DVector<f64>| {
            let xm = DMatrix::from_column_slice(6, 3, xv.as_slice());
            let mut w = LoraWorkspace::default();
            lm.forward(&xm, &mut w).unwrap().component_mul(&v).sum()
        };
        let numx = numeric_gradient(fx, &DVector::from_column_slice(x.as_slice()), 1e-6);
        let errx = max_relative_error(gx.as_slice(), numx.as_slice());
        assert!(errx < 1e-6, "{init:?}: input rel err {errx}");
    }
}

#[test]
fn init_preserves_the_function_and_merge_is_exact() {
    let mut rng = opt_core::rng::stream(4, "lowrank/lora-test", 0);
    let base = net(&mut rng);
    let x = gaussian(6, 5, 1.0, &mut rng);
    let y0 = base.predict(&x).unwrap();
    for init in all_inits() {
        let mut lm = LoraMlp::new(&base, 3, 6.0, init, &mut rng).unwrap();
        let mut ws = LoraWorkspace::default();
        let y = lm.forward(&x, &mut ws).unwrap().clone();
        assert!(
            (&y - &y0).norm() < 1e-12 * y0.norm(),
            "{init:?}: output changed at init"
        );
        if !matches!(init, LoraInit::Pissa) {
            for l in 0..2 {
                assert_eq!(lm.delta(l).norm(), 0.0, "{init:?}: BA != 0 at init");
            }
        }
        // after a perturbation the merged network reproduces the adapted one
        let n = lm.num_params();
        for i in 0..n {
            lm.params_mut()[i] += 0.05 * ((i % 5) as f64 - 2.0);
        }
        let y1 = lm.forward(&x, &mut ws).unwrap().clone();
        let ym = lm.merged().predict(&x).unwrap();
        assert!(
            (&y1 - &ym).norm() < 1e-12 * y1.norm().max(1.0),
            "{init:?}: merge mismatch"
        );
    }
}

#[test]
fn nora_is_deterministic_given_the_seed_and_is_a_sketch_of_w0() {
    let mut rng = opt_core::rng::stream(5, "lowrank/lora-test", 0);
    let base = net(&mut rng);
    let make = || {
        LoraMlp::new(
            &base,
            2,
            4.0,
            LoraInit::Nora { sigma: 0.02 },
            &mut opt_core::rng::stream(9, "x", 0),
        )
        .unwrap()
    };
    assert_eq!(make().params(), make().params());
    // row space of A_0 lies in the row space of W_0: A_0 = (σ/s) Ωᵀ W_0
    let lm = make();
    let w0 = base.weight(0).clone_owned();
    let a0 = lm.a(0).clone_owned();
    let proj = &a0 * w0.transpose() * (&w0 * w0.transpose()).try_inverse().unwrap() * &w0;
    assert!((proj - &a0).norm() < 1e-10 * a0.norm());
}

#[test]
fn population_loss_is_matrix_factorisation_with_identity_covariance() {
    // oracle 8: with Σ_x = I, ½E‖(W_0 + sBA − W*)x‖² = ½‖sBA − ΔW‖²
    let mut rng = opt_core::rng::stream(6, "lowrank/lora-test", 0);
    let w0 = gaussian(4, 7, 1.0, &mut rng);
    let dw = gaussian(4, 7, 0.3, &mut rng);
    let b = gaussian(4, 2, 1.0, &mut rng);
    let a = gaussian(2, 7, 1.0, &mut rng);
    let s = 1.5;
    let w = &w0 + (&b * &a) * s;
    let lp = population_loss(&w, &(&w0 + &dw), &[1.0; 7]).unwrap();
    let mf = 0.5 * ((&b * &a) * s - &dw).norm_squared();
    assert!((lp - mf).abs() < 1e-12 * mf);
    assert!(population_loss(&w, &w0, &[1.0; 3]).is_err());
}

#[test]
fn unnormalised_preconditioned_sgd_is_scaled_gd() {
    // oracle 9: one-layer linear LoRA, loss ½‖(W_0 + sBA − W*)‖² (batch = identity), SGD with
    // lr = η/s² on the λ→0 un-normalised preconditioned gradient equals asymmetric ScaledGD(η) on
    // (X, Y) = (B, s Aᵀ) with target ΔW.
    let mut rng = opt_core::rng::stream(7, "lowrank/lora-test", 0);
    let mut base = Mlp::new(
        &[6, 5],
        Activation::Identity,
        Activation::Identity,
        Init::XavierNormal,
        &mut rng,
    )
    .unwrap();
    let w0 = base.weight(0).clone_owned();
    let dw = gaussian(5, 6, 0.3, &mut rng);
    let mut lm = LoraMlp::new(&base, 2, 4.0, LoraInit::Kaiming, &mut rng).unwrap();
    let s = lm.scale();
    lm.b_mut(0).copy_from(&gaussian(5, 2, 0.5, &mut rng));
    let (a, b) = (lm.a(0).clone_owned(), lm.b(0).clone_owned());
    let x = DMatrix::<f64>::identity(6, 6);
    let mut ws = LoraWorkspace::default();
    let out = lm.forward(&x, &mut ws).unwrap().clone();
    let target = &w0 + &dw;
    let mut g = DVector::zeros(lm.num_params());
    lm.backward(&mut ws, &(out - &target), &mut g, None)
        .unwrap();
    lm.precondition(&mut g, 1, 0.0, false).unwrap();
    let eta = 0.7;
    let lr = eta / (s * s);
    let p = lm.params() - g * lr;
    *lm.params_mut() = p;
    // ScaledGD on (X, Y) = (B, s Aᵀ)
    let (x0, y0) = (b.clone(), a.transpose() * s);
    let r = &x0 * y0.transpose() - &dw;
    let x1 = &x0 - (&r * &y0 * (y0.transpose() * &y0).try_inverse().unwrap()) * eta;
    let y1 = &y0 - (r.transpose() * &x0 * (x0.transpose() * &x0).try_inverse().unwrap()) * eta;
    assert!((lm.b(0) - &x1).norm() < 1e-10 * x1.norm());
    assert!((lm.a(0).transpose() * s - &y1).norm() < 1e-10 * y1.norm());
    base.weight_mut(0).copy_from(&w0);
}

#[test]
fn bad_input_is_rejected() {
    let mut rng = opt_core::rng::stream(8, "lowrank/lora-test", 0);
    let base = net(&mut rng);
    assert!(LoraMlp::new(&base, 0, 1.0, LoraInit::Kaiming, &mut rng).is_err());
    assert!(LoraMlp::new(&base, 5, 1.0, LoraInit::Kaiming, &mut rng).is_err());
    assert!(LoraMlp::new(&base, 2, -1.0, LoraInit::Kaiming, &mut rng).is_err());
    assert!(LoraMlp::new(&base, 2, 1.0, LoraInit::Nora { sigma: 0.0 }, &mut rng).is_err());
    let lm = LoraMlp::new(&base, 2, 1.0, LoraInit::Kaiming, &mut rng).unwrap();
    let mut ws = LoraWorkspace::default();
    assert!(lm.forward(&DMatrix::zeros(5, 2), &mut ws).is_err());
    let mut bad = DMatrix::zeros(6, 2);
    bad[(0, 0)] = f64::NAN;
    assert!(lm.forward(&bad, &mut ws).is_err());
    let mut g = DVector::zeros(3);
    assert!(
        lm.backward(
            &mut LoraWorkspace::default(),
            &DMatrix::zeros(4, 2),
            &mut g,
            None
        )
        .is_err()
    );
}

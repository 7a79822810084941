use super::*;
use crate::check::max_relative_error;
use crate::rng::{fill_standard_normal, stream};

/// L = Σ c ⊙ A_L (a fixed random linear functional), so ∂L/∂A_L = c.
fn check_net(sizes: &[usize], hidden: Activation, output: Activation, seed: u64) {
    let mut rng = stream(seed, "nn-test", 0);
    let mut net = Mlp::new(sizes, hidden, output, Init::XavierNormal, &mut rng).unwrap();
    // non-zero biases so every parameter is exercised
    for l in 0..net.num_layers() {
        let r = net.layer_range(l);
        let nb = net.bias(l).len();
        let p = net.params_mut().as_mut_slice();
        fill_standard_normal(&mut rng, &mut p[r.end - nb..r.end]);
    }
    let batch = 5;
    let mut x = DMatrix::zeros(sizes[0], batch);
    fill_standard_normal(&mut rng, x.as_mut_slice());
    let mut c = DMatrix::zeros(*sizes.last().unwrap(), batch);
    fill_standard_normal(&mut rng, c.as_mut_slice());
    let loss = |n: &Mlp, x: &DMatrix<f64>| n.predict(x).unwrap().component_mul(&c).sum();

    let mut ws = MlpWorkspace::default();
    net.forward(&x, &mut ws).unwrap();
    let mut gp = DVector::zeros(net.num_params());
    let mut gx = DMatrix::zeros(sizes[0], batch);
    net.backward(&mut ws, &c, &mut gp, Some(&mut gx)).unwrap();

    let h = 1e-5;
    let mut num_p = DVector::zeros(net.num_params());
    for i in 0..net.num_params() {
        let orig = net.params()[i];
        net.params_mut()[i] = orig + h;
        let lp = loss(&net, &x);
        net.params_mut()[i] = orig - h;
        let lm = loss(&net, &x);
        net.params_mut()[i] = orig;
        num_p[i] = (lp - lm) / (2.0 * h);
    }
    let mut num_x = DMatrix::zeros(sizes[0], batch);
    for i in 0..x.len() {
        let mut xp = x.clone();
        xp[i] += h;
        let lp = loss(&net, &xp);
        xp[i] -= 2.0 * h;
        let lm = loss(&net, &xp);
        num_x[i] = (lp - lm) / (2.0 * h);
    }
    let ep = max_relative_error(gp.as_slice(), num_p.as_slice());
    let ex = max_relative_error(gx.as_slice(), num_x.as_slice());
    assert!(ep < 1e-6, "{sizes:?} {hidden:?}: param rel err {ep}");
    assert!(ex < 1e-6, "{sizes:?} {hidden:?}: input rel err {ex}");
}

#[test]
fn backprop_matches_finite_differences() {
    // ReLU has a kink at 0; with Gaussian inputs no pre-activation lands within h of it.
    for (i, act) in [
        Activation::Tanh,
        Activation::Silu,
        Activation::Gelu,
        Activation::Relu,
        Activation::Identity,
    ]
    .into_iter()
    .enumerate()
    {
        check_net(&[3, 7, 4, 2], act, Activation::Identity, i as u64);
        check_net(&[4, 6, 3], act, Activation::Tanh, 10 + i as u64);
    }
    check_net(&[2, 1], Activation::Tanh, Activation::Identity, 99);
}

#[test]
fn forward_matches_explicit_formula() {
    let mut rng = stream(1, "nn-test", 1);
    let net = Mlp::new(
        &[2, 3, 1],
        Activation::Tanh,
        Activation::Identity,
        Init::KaimingNormal,
        &mut rng,
    )
    .unwrap();
    let x = DMatrix::from_column_slice(2, 1, &[0.5, -1.0]);
    let y = net.predict(&x).unwrap();
    let h = (net.weight(0) * &x + net.bias(0)).map(f64::tanh);
    let expect = net.weight(1) * h + net.bias(1);
    assert!((y[0] - expect[0]).abs() < 1e-14);
    assert_eq!(net.sizes(), vec![2, 3, 1]);
    assert_eq!(net.num_params(), 2 * 3 + 3 + 3 + 1);
}

#[test]
fn workspace_survives_batch_size_changes() {
    let mut rng = stream(2, "nn-test", 0);
    let net = Mlp::new(
        &[2, 4, 1],
        Activation::Relu,
        Activation::Identity,
        Init::XavierUniform,
        &mut rng,
    )
    .unwrap();
    let mut ws = MlpWorkspace::default();
    for b in [3, 1, 8, 3] {
        let x = DMatrix::from_element(2, b, 0.3);
        let out = net.forward(&x, &mut ws).unwrap().clone();
        assert_eq!(out.shape(), (1, b));
        let mut gp = DVector::zeros(net.num_params());
        net.backward(&mut ws, &DMatrix::from_element(1, b, 1.0), &mut gp, None)
            .unwrap();
    }
}

#[test]
fn same_seed_same_network() {
    let a = Mlp::new(
        &[3, 5, 2],
        Activation::Gelu,
        Activation::Identity,
        Init::XavierNormal,
        &mut stream(5, "nn", 0),
    )
    .unwrap();
    let b = Mlp::new(
        &[3, 5, 2],
        Activation::Gelu,
        Activation::Identity,
        Init::XavierNormal,
        &mut stream(5, "nn", 0),
    )
    .unwrap();
    assert_eq!(a, b);
}

#[test]
fn bad_input_is_an_error() {
    let mut rng = stream(3, "nn-test", 0);
    assert!(
        Mlp::new(
            &[3],
            Activation::Tanh,
            Activation::Identity,
            Init::XavierNormal,
            &mut rng
        )
        .is_err()
    );
    assert!(
        Mlp::new(
            &[3, 0, 1],
            Activation::Tanh,
            Activation::Identity,
            Init::XavierNormal,
            &mut rng
        )
        .is_err()
    );
    let net = Mlp::new(
        &[3, 2],
        Activation::Tanh,
        Activation::Identity,
        Init::XavierNormal,
        &mut rng,
    )
    .unwrap();
    let mut ws = MlpWorkspace::default();
    assert!(net.forward(&DMatrix::zeros(2, 4), &mut ws).is_err());
    assert!(net.forward(&DMatrix::zeros(3, 0), &mut ws).is_err());
    let mut gp = DVector::zeros(net.num_params());
    assert!(
        net.backward(&mut ws, &DMatrix::zeros(2, 4), &mut gp, None)
            .is_err()
    );
    net.forward(&DMatrix::zeros(3, 4), &mut ws).unwrap();
    assert!(
        net.backward(&mut ws, &DMatrix::zeros(2, 3), &mut gp, None)
            .is_err()
    );
    assert!(
        net.backward(&mut ws, &DMatrix::zeros(2, 4), &mut DVector::zeros(1), None)
            .is_err()
    );
}

//! MF-OMO's objective gradient (including the model VJPs w.r.t. L) against central differences.

use mfg_core::FiniteMfg;
use mfg_core::envs::*;
use mfg_core::solvers::{MfOmo, MfOmoConfig, MfOmoState};
use nalgebra::DVector;
use opt_core::rng::{RngExt, stream};

fn check<M: FiniteMfg + ?Sized>(name: &str, m: &M) {
    let algo = MfOmo::new(MfOmoConfig {
        c3: 0.7,
        c2: 1.3,
        ..Default::default()
    })
    .unwrap();
    let mut st = MfOmoState::new(m, &algo).unwrap();
    // move to a random interior point (L on the simplex, z > 0, y random)
    let n = m.horizon() * m.n_states() * m.n_actions();
    let nsa = m.n_states() * m.n_actions();
    let mut rng = stream(5, "test/mfomo", 0);
    for h in 0..m.horizon() {
        let l = &mut st.x[h * nsa..(h + 1) * nsa];
        l.iter_mut().for_each(|v| *v = 0.2 + rng.random::<f64>());
        let s: f64 = l.iter().sum();
        l.iter_mut().for_each(|v| *v /= s);
    }
    for v in st.x[n..].iter_mut() {
        *v = rng.random::<f64>() - 0.3;
    }
    algo.objective_and_gradient(m, &mut st).unwrap();
    let g = st.gradient().to_vec();
    let x0 = DVector::from_column_slice(&st.x);
    let f = |x: &DVector<f64>| {
        let mut s2 = st.clone();
        s2.x.copy_from_slice(x.as_slice());
        algo.objective_and_gradient(m, &mut s2).unwrap()
    };
    let num = opt_core::check::numeric_gradient(f, &x0, 1e-6);
    // entrywise error relative to the gradient's scale (FD round-off is ~1e-16·|f|/h per entry)
    let scale = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let err = g
        .iter()
        .zip(num.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
        / scale;
    assert!(
        err < 1e-7,
        "{name}: MF-OMO gradient error {err} (scale {scale})"
    );
}

#[test]
fn mf_omo_gradient_matches_finite_differences() {
    check("beach_bar", &MfglibBeachBar::default());
    check("left_right", &LeftRight::default());
    check("rps", &RockPaperScissors::default());
    check("equilibrium_price", &EquilibriumPrice::default());
    check("treasure", &ConservativeTreasureHunting::default());
    check("sis", &SusceptibleInfected::new(4, vec![0.4, 0.6]));
    check("random_linear", &RandomLinear::new(3, 3, 2.0, 1));
    check("random_mfg", &RandomMfg::new(4, 2, 3, 2.0, 0.5, 3));
    check(
        "calibration beach bar",
        &BeachBar::new(5, 3, KernelFormat::Dense),
    );
}

//! Every built-in model's VJPs w.r.t. L (and θ) pass the finite-difference checker.

use mfg_core::envs::*;
use mfg_core::model::{check_vjp, check_vjp_theta, random_mean_field};
use mfg_core::{FiniteMfg, ParametricMfg};

fn all_steps<M: FiniteMfg + ?Sized>(name: &str, m: &M, tol: f64) {
    let n = m.n_states() * m.n_actions();
    for h in 0..m.horizon().min(4) {
        for seed in 0..2 {
            let l = random_mean_field(n, seed * 31 + h as u64);
            let r = check_vjp(m, h, &l, seed, 1e-6).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(r.passes(tol), "{name} h={h} seed={seed}: {r:?}");
        }
    }
}

#[test]
fn mfglib_environments_pass_check_vjp() {
    for (name, m) in mfglib_suite(0) {
        if name == "crowd_motion" || name == "building_evacuation" {
            continue; // large; small instances below
        }
        all_steps(name, m.as_ref(), 1e-6);
    }
    all_steps("crowd_motion 4x3", &CrowdMotion::new(3, 4, 3, 1), 1e-6);
    all_steps(
        "building 2x3x3",
        &BuildingEvacuation::new(3, 2, 3, 3, KernelFormat::Dense),
        1e-6,
    );
    all_steps(
        "beach bar calibration",
        &BeachBar::new(7, 3, KernelFormat::Sparse),
        1e-6,
    );
    all_steps("random mfg", &RandomMfg::new(4, 3, 3, 3.0, 0.5, 9), 1e-6);
}

#[test]
fn beach_bar_prices_pass_check_vjp_theta() {
    let mut m = BeachBar::new(7, 3, KernelFormat::Sparse);
    m.set_params(&[0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2])
        .unwrap();
    let l = random_mean_field(21, 4);
    let r = check_vjp_theta(&m, 1, &l, 2, 1e-6).unwrap();
    assert!(r.passes(1e-8), "{r:?}");
    assert!(m.set_params(&[0.0; 3]).is_err());
    assert!(m.set_params(&[f64::NAN; 7]).is_err());
}

#[test]
fn a_wrong_vjp_is_caught() {
    // a model whose reward VJP has a wrong sign must fail the checker
    struct Bad(LeftRight);
    impl FiniteMfg for Bad {
        fn n_states(&self) -> usize {
            3
        }
        fn n_actions(&self) -> usize {
            2
        }
        fn horizon(&self) -> usize {
            2
        }
        fn initial_distribution(&self) -> &[f64] {
            self.0.initial_distribution()
        }
        fn transition(&self, h: usize, l: &[f64], out: &mut mfg_core::Kernel) {
            self.0.transition(h, l, out)
        }
        fn reward(&self, h: usize, l: &[f64], out: &mut [f64]) {
            self.0.reward(h, l, out)
        }
        fn reward_vjp_l(
            &self,
            h: usize,
            l: &[f64],
            r: &[f64],
            lb: &mut [f64],
        ) -> mfg_core::Result<()> {
            let mut tmp = vec![0.0; lb.len()];
            self.0.reward_vjp_l(h, l, r, &mut tmp)?;
            lb.iter_mut().zip(tmp).for_each(|(b, t)| *b -= t);
            Ok(())
        }
        fn transition_vjp_l(
            &self,
            h: usize,
            l: &[f64],
            p: &mfg_core::Kernel,
            lb: &mut [f64],
        ) -> mfg_core::Result<()> {
            self.0.transition_vjp_l(h, l, p, lb)
        }
    }
    let r = check_vjp(
        &Bad(LeftRight::default()),
        0,
        &random_mean_field(6, 1),
        0,
        1e-6,
    )
    .unwrap();
    assert!(r.reward > 0.5 && r.transition < 1e-6, "{r:?}");
    // a model without VJPs reports NotDifferentiable
    struct NoVjp;
    impl FiniteMfg for NoVjp {
        fn n_states(&self) -> usize {
            1
        }
        fn n_actions(&self) -> usize {
            1
        }
        fn horizon(&self) -> usize {
            1
        }
        fn initial_distribution(&self) -> &[f64] {
            &[1.0]
        }
        fn transition(&self, _: usize, _: &[f64], out: &mut mfg_core::Kernel) {
            out.values_mut()[0] = 1.0
        }
        fn reward(&self, _: usize, _: &[f64], out: &mut [f64]) {
            out[0] = 0.0
        }
    }
    assert!(matches!(
        check_vjp(&NoVjp, 0, &[1.0], 0, 1e-6),
        Err(mfg_core::MfgCoreError::NotDifferentiable { .. })
    ));
}

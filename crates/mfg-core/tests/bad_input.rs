//! Bad input gets typed errors naming the offending index (proptests).

use mfg_core::envs::*;
use mfg_core::nplayer::NPlayerSim;
use mfg_core::solvers::*;
use mfg_core::*;
use proptest::prelude::*;

/// A 3-state, 2-action model with user-chosen μ0, one kernel row and one reward.
struct Custom {
    mu0: Vec<f64>,
    row: (usize, [f64; 3]),
    bad_reward: Option<(usize, usize, f64)>,
    horizon: usize,
}

impl FiniteMfg for Custom {
    fn n_states(&self) -> usize {
        3
    }
    fn n_actions(&self) -> usize {
        2
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn transition(&self, _: usize, _: &[f64], out: &mut Kernel) {
        let p = out.values_mut();
        for r in 0..6 {
            p[r * 3..r * 3 + 3].copy_from_slice(&[0.2, 0.3, 0.5]);
        }
        p[self.row.0 * 3..self.row.0 * 3 + 3].copy_from_slice(&self.row.1);
    }
    fn reward(&self, h: usize, _: &[f64], out: &mut [f64]) {
        out.fill(0.5);
        if let Some((hb, i, v)) = self.bad_reward
            && hb == h
        {
            out[i] = v;
        }
    }
}

fn ok_model() -> Custom {
    Custom {
        mu0: vec![0.2, 0.3, 0.5],
        row: (0, [0.2, 0.3, 0.5]),
        bad_reward: None,
        horizon: 3,
    }
}

proptest! {
    #[test]
    fn mu0_not_summing_to_one_is_named(d in 1e-8f64..0.5, i in 0usize..3) {
        let mut m = ok_model();
        m.mu0[i] += d;
        let err = Workspace::new(&m).unwrap_err();
        prop_assert!(matches!(err, MfgCoreError::NotADistribution { what: "mu0", .. }), "{err}");
    }

    #[test]
    fn negative_mu0_entry_is_named(i in 0usize..3, v in 1e-6f64..1.0) {
        let mut m = ok_model();
        let j = (i + 1) % 3;
        m.mu0[i] = -v;
        m.mu0[j] += v + (m.mu0[i] + v);
        let err = Workspace::new(&m).unwrap_err();
        let is_named = matches!(err, MfgCoreError::NegativeProbability { index, .. } if index == i);
        prop_assert!(is_named, "{}", err);
    }

    #[test]
    fn bad_kernel_rows_are_named(r in 0usize..6, d in 1e-8f64..0.3) {
        let mut m = ok_model();
        m.row = (r, [0.2 + d, 0.3, 0.5]);
        let err = Workspace::new(&m).unwrap_err();
        let is_named = matches!(err, MfgCoreError::NotADistribution { what: "kernel row", h: Some(0), index, .. } if index == r);
        prop_assert!(is_named, "{}", err);
        m.row = (r, [-d, 0.5 + d, 0.5]);
        let err = Workspace::new(&m).unwrap_err();
        let is_named = matches!(err, MfgCoreError::NegativeProbability { index, .. } if index == r * 3);
        prop_assert!(is_named, "{}", err);
    }

    #[test]
    fn non_finite_rewards_are_named(h in 0usize..3, i in 0usize..6, which in 0usize..3) {
        let mut m = ok_model();
        m.bad_reward = Some((h, i, [f64::NAN, f64::INFINITY, f64::NEG_INFINITY][which]));
        let err = Workspace::new(&m).unwrap_err();
        let is_named = matches!(err, MfgCoreError::NonFinite { what: "reward", h: Some(hh), index } if hh == h && index == i);
        prop_assert!(is_named, "{}", err);
    }

    #[test]
    fn invalid_parameters_are_rejected(tau in -10.0f64..-1e-12, eta in -5.0f64..=0.0) {
        let m = ok_model();
        let u = Policy::uniform(3, 3, 2).unwrap();
        let tau_err = matches!(exploitability(&m, &u, tau), Err(MfgCoreError::InvalidParameter { name: "tau", .. }));
        prop_assert!(tau_err);
        prop_assert!(OnlineMirrorDescent::new(0.1, tau).is_err());
        prop_assert!(OnlineMirrorDescent::new(eta, 0.1).is_err());
        prop_assert!(OnlineMirrorDescent::new(3.0, 1.0).is_err()); // eta*tau > 1
        prop_assert!(FictitiousPlay::damped(1.0 - eta + 1e-9, 0.0).is_err() || eta == 0.0);
        prop_assert!(PriorDescent::new(eta, None, 0.0).is_err());
        let cfg = MfOmoConfig { lr: eta, ..Default::default() };
        prop_assert!(MfOmo::new(cfg).is_err());
    }

    #[test]
    fn policies_off_the_simplex_are_named(h in 0usize..3, s in 0usize..3, d in 1e-8f64..0.5) {
        let mut p = vec![0.5; 18];
        p[(h * 3 + s) * 2] += d;
        let err = Policy::from_probs(3, 3, 2, p).unwrap_err();
        let is_named = matches!(err, MfgCoreError::NotADistribution { h: Some(hh), index, .. } if hh == h && index == s);
        prop_assert!(is_named, "{}", err);
    }
}

#[test]
fn sizes_and_counts_are_validated() {
    let mut m = ok_model();
    m.horizon = 0;
    assert!(matches!(
        Workspace::new(&m),
        Err(MfgCoreError::InvalidParameter {
            name: "horizon",
            ..
        })
    ));
    assert!(Policy::uniform(0, 3, 2).is_err());
    let b = BeachBar::new(5, 3, KernelFormat::Sparse);
    assert!(matches!(
        NPlayerSim::new(&b, 0, 1),
        Err(MfgCoreError::InvalidParameter {
            name: "n_agents",
            ..
        })
    ));
    let sim = NPlayerSim::new(&b, 3, 1).unwrap();
    let u = Policy::uniform(3, 5, 3).unwrap();
    assert!(sim.par_rollouts(&u, 0, |_| ()).is_err());
    let wrong = Policy::uniform(2, 5, 3).unwrap();
    assert!(matches!(
        sim.rollout(&wrong, 0),
        Err(MfgCoreError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        exploitability(&b, &wrong, 0.0),
        Err(MfgCoreError::ShapeMismatch { .. })
    ));
    assert!(
        omd_solve(
            &b,
            &OmdConfig {
                eta: 0.1,
                tau: 0.1,
                steps: 0,
                monitor_every: 1,
                tol: 1e-6
            }
        )
        .is_err()
    );
    assert!(
        omd_solve(
            &b,
            &OmdConfig {
                eta: 0.1,
                tau: 0.1,
                steps: 5,
                monitor_every: 1,
                tol: 0.0
            }
        )
        .is_err()
    );
    assert!(Logits::from_values(3, 5, 3, vec![f64::NAN; 45]).is_err());
    assert!(Policy::deterministic(1, 2, 2, &[0, 2]).is_err());
}

#[test]
fn non_finite_iterates_surface_as_status() {
    // rewards overflow to ±inf inside the flow: OMD reports NonFinite instead of a silent policy
    struct Blow;
    impl FiniteMfg for Blow {
        fn n_states(&self) -> usize {
            1
        }
        fn n_actions(&self) -> usize {
            2
        }
        fn horizon(&self) -> usize {
            1
        }
        fn initial_distribution(&self) -> &[f64] {
            &[1.0]
        }
        fn transition(&self, _: usize, _: &[f64], out: &mut Kernel) {
            out.values_mut().fill(1.0)
        }
        fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
            out[0] = 1.0 / (1.0 - l[0]); // finite at the uniform probe, +inf once pi(0) rounds to 1
            out[1] = 0.0;
        }
    }
    let r = omd_solve(
        &Blow,
        &OmdConfig {
            eta: 1.0,
            tau: 0.0,
            steps: 50,
            monitor_every: 1,
            tol: 1e-6,
        },
    )
    .unwrap();
    assert_eq!(r.status, OmdStatus::NonFinite);
    assert!(r.policy.probs.iter().all(|p| p.is_finite()));
}

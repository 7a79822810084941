//! Proptests of invariants: flows are distributions, exploitability is non-negative, the
//! best response is optimal, logit shifts change nothing, ζ-VJP-free checks of the policy map.

use mfg_core::envs::RandomMfg;
use mfg_core::policy::softmax_rows;
use mfg_core::*;
use proptest::prelude::*;

fn policy(h: usize, s: usize, a: usize, raw: &[f64]) -> Policy {
    let mut z: Vec<f64> = (0..h * s * a)
        .map(|i| raw[i % raw.len()] * (1.0 + (i % 7) as f64))
        .collect();
    softmax_rows(&mut z, a);
    Policy::from_probs(h, s, a, z).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn flows_are_distributions_and_exploitability_is_nonnegative(
        ns in 1usize..7, na in 1usize..4, hz in 1usize..6, seed in 0u64..1000,
        raw in proptest::collection::vec(-3.0f64..3.0, 1..20), tau in 0.0f64..2.0,
    ) {
        let m = RandomMfg::new(ns, na, hz, 3.0, 0.5, seed);
        let pi = policy(hz, ns, na, &raw);
        let flow = population_flow(&m, &pi).unwrap();
        for h in 0..hz {
            let l = &flow[h * ns * na..(h + 1) * ns * na];
            prop_assert!((l.iter().sum::<f64>() - 1.0).abs() <= 1e-12);
            prop_assert!(l.iter().all(|v| *v >= 0.0));
        }
        let e = exploitability(&m, &pi, tau).unwrap();
        prop_assert!(e >= -1e-12, "E = {}", e);
        // the (soft) best response to the frozen flow attains V* (its value equals the BR value)
        let (br, v_star) = best_response(&m, &pi, tau).unwrap();
        let mut ws = Workspace::new(&m).unwrap();
        ws.compute_flow(&m, &pi.probs).unwrap();
        ws.evaluate_policy(&br.probs, tau);
        prop_assert!((ws.policy_value() - v_star).abs() <= 1e-10 * v_star.abs().max(1.0));
    }

    #[test]
    fn logit_shifts_change_nothing(
        seed in 0u64..1000, raw in proptest::collection::vec(-3.0f64..3.0, 1..20),
        shift in proptest::collection::vec(-50.0f64..50.0, 12),
    ) {
        let (ns, na, hz) = (4, 3, 3);
        let m = RandomMfg::new(ns, na, hz, 3.0, 0.5, seed);
        let z: Vec<f64> = (0..hz * ns * na).map(|i| raw[i % raw.len()]).collect();
        let z2: Vec<f64> = z.iter().enumerate().map(|(i, v)| v + shift[i / na]).collect();
        let p1 = Policy::from_logits(&Logits::from_values(hz, ns, na, z).unwrap()).unwrap();
        let p2 = Policy::from_logits(&Logits::from_values(hz, ns, na, z2).unwrap()).unwrap();
        let cmax = shift.iter().fold(1.0f64, |a, v| a.max(v.abs()));
        let (e1, e2) = (exploitability(&m, &p1, 0.2).unwrap(), exploitability(&m, &p2, 0.2).unwrap());
        prop_assert!((e1 - e2).abs() <= 1e-12 * cmax);
        let (q1, _) = q_values(&m, &p1, 0.2).unwrap();
        let (q2, _) = q_values(&m, &p2, 0.2).unwrap();
        prop_assert!(q1.iter().zip(&q2).all(|(a, b)| (a - b).abs() <= 1e-12 * cmax));
    }
}

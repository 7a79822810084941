//! Sampler correctness: determinism, thread-count invariance, per-chain NaN reports, OU moments,
//! MALA exactness (χ² test) and adaptation, kinetic Langevin invariance.

use langevin::sampler::Kernel;
use langevin::{
    Chains, Ensemble, FnPotential, Kinetic, LangevinError, Mala, MalaAdaptation, Quadratic, Ring,
    Ula,
};
use opt_core::rng::{RngExt, standard_normal};

fn pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(f)
}

fn ring_init(m: usize) -> Ensemble {
    Ensemble::from_fn(2, m, 3, |_, rng, x| {
        let th = std::f64::consts::TAU * rng.random::<f64>();
        x[0] = th.cos();
        x[1] = th.sin();
    })
    .unwrap()
}

fn final_bits<K: Kernel + Clone + Send>(k: K, threads: usize, every: usize) -> Vec<u64> {
    let ring = Ring::new(2, 1.0).unwrap();
    pool(threads, || {
        let mut c = Chains::new(k, ring_init(300), 11);
        c.run(&ring, 200, every, |_, _| {}).unwrap();
        c.ensemble()
            .as_slice()
            .iter()
            .map(|v| v.to_bits())
            .collect()
    })
}

#[test]
fn same_seed_same_output_and_different_seed_differs() {
    let ring = Ring::new(2, 1.0).unwrap();
    let init = ring_init(64);
    let ula = Ula::new(0.01, 0.1).unwrap();
    let a = ula.run(&ring, &init, 100, 5, |_, _| {}).unwrap();
    let b = ula.run(&ring, &init, 100, 5, |_, _| {}).unwrap();
    let c = ula.run(&ring, &init, 100, 6, |_, _| {}).unwrap();
    assert_eq!(a.ensemble(), b.ensemble());
    assert_ne!(a.ensemble(), c.ensemble());
}

#[test]
fn one_and_two_threads_give_identical_bits_for_every_sampler() {
    let ula = Ula::new(0.01, 0.1).unwrap();
    let mala = Mala::new(0.05, 0.1).unwrap();
    let kin = Kinetic::new(0.02, 0.1, 1.0).unwrap();
    assert_eq!(final_bits(ula, 1, 1), final_bits(ula, 2, 1));
    assert_eq!(final_bits(ula, 1, 1), final_bits(ula, 2, 37)); // segmenting is invisible too
    assert_eq!(final_bits(mala, 1, 1), final_bits(mala, 2, 50));
    assert_eq!(final_bits(kin, 1, 1), final_bits(kin, 2, 13));
}

fn nan_beyond_five() -> impl langevin::Potential + Sync {
    FnPotential::new(
        1,
        |x: &[f64]| {
            if x[0] > 5.0 {
                f64::NAN
            } else {
                0.5 * x[0] * x[0]
            }
        },
        |x: &[f64], g: &mut [f64]| g[0] = if x[0] > 5.0 { f64::NAN } else { x[0] },
    )
}

#[test]
fn a_nan_potential_is_reported_with_its_chain_and_step() {
    let mut x = vec![0.0; 200];
    x[137] = 6.0;
    x[150] = 7.0;
    let init = Ensemble::new(1, x).unwrap();
    for threads in [1, 2] {
        let e = pool(threads, || {
            Ula::new(0.01, 0.1)
                .unwrap()
                .run(&nan_beyond_five(), &init, 10, 1, |_, _| {})
                .unwrap_err()
        });
        assert_eq!(
            e,
            LangevinError::NonFinite {
                what: "gradient",
                step: 0,
                chain: 137
            }
        );
        let e = pool(threads, || {
            Mala::new(0.01, 0.1)
                .unwrap()
                .run(&nan_beyond_five(), &init, 10, 1, |_, _| {})
                .unwrap_err()
        });
        assert!(
            matches!(e, LangevinError::NonFinite { chain: 137, .. }),
            "{e}"
        );
    }
    // a chain that drifts into the NaN region is reported at the step it gets there: V = −x for
    // x ≤ 5 pushes right by h = 0.05 per step, so chain 1 (from 4.9) passes 5 after 3 steps
    // and fails at step 3 while chains 0 and 2 (from 0) are still fine.
    let init = Ensemble::new(1, vec![0.0, 4.9, 0.0]).unwrap();
    let push = FnPotential::new(
        1,
        |x: &[f64]| if x[0] > 5.0 { f64::NAN } else { -x[0] },
        |x: &[f64], g: &mut [f64]| g[0] = if x[0] > 5.0 { f64::NAN } else { -1.0 },
    );
    let mut c = Chains::new(Ula::new(0.05, 1e-12).unwrap(), init, 1);
    let err = c.run(&push, 100, 10, |_, _| {}).unwrap_err();
    assert_eq!(
        err,
        LangevinError::NonFinite {
            what: "gradient",
            step: 3,
            chain: 1
        }
    );
}

#[test]
fn dimension_mismatch_is_a_typed_error() {
    let ring = Ring::new(2, 1.0).unwrap();
    let init = Ensemble::from_point(&[1.0, 0.0, 0.0], 4).unwrap();
    let e = Ula::new(0.01, 0.1)
        .unwrap()
        .run(&ring, &init, 1, 0, |_, _| {})
        .unwrap_err();
    assert!(
        matches!(
            e,
            LangevinError::Core(opt_core::Error::DimensionMismatch { ref expected, ref got, .. })
                if expected == "2" && got == "3"
        ),
        "{e}"
    );
}

#[test]
fn ula_matches_the_ou_transition_moments() {
    // V = a x²/2 from x0 = 1: mean e^{−at}, variance (ε/a)(1 − e^{−2at}).
    let (a, eps, h, t) = (1.0f64, 0.1f64, 0.001f64, 1.0f64);
    let m = 20_000;
    let ou = Quadratic::isotropic(1, a).unwrap();
    let c = Ula::new(h, eps)
        .unwrap()
        .run(
            &ou,
            &Ensemble::from_point(&[1.0], m).unwrap(),
            (t / h) as usize,
            9,
            |_, _| {},
        )
        .unwrap();
    let xs = c.ensemble().as_slice();
    let mean = xs.iter().sum::<f64>() / m as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1) as f64;
    let (m_exact, v_exact) = ((-a * t).exp(), eps / a * (1.0 - (-2.0 * a * t).exp()));
    let se = (v_exact / m as f64).sqrt();
    assert!(
        (mean - m_exact).abs() < 4.0 * se + 2.0 * h,
        "mean {mean} vs {m_exact}"
    );
    assert!(
        (var - v_exact).abs() < 4.0 * v_exact * (2.0 / m as f64).sqrt() + 2.0 * h * v_exact,
        "var {var} vs {v_exact}"
    );
}

/// χ² statistic of samples against N(0, 1) over 24 bins of width 0.25 on [−3, 3] plus two tails.
fn chi2_standard_normal(xs: &[f64]) -> f64 {
    let density = |x: f64| (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let cdf = |x: f64| {
        // Simpson from −8
        let n = 4000;
        let h = (x + 8.0) / n as f64;
        let mut s = density(-8.0) + density(x);
        for i in 1..n {
            s += density(-8.0 + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0
    };
    let edges: Vec<f64> = (0..=24).map(|i| -3.0 + 0.25 * i as f64).collect();
    let mut probs = vec![cdf(edges[0])];
    for w in edges.windows(2) {
        probs.push(cdf(w[1]) - cdf(w[0]));
    }
    probs.push(1.0 - cdf(edges[24]));
    let mut counts = vec![0.0; probs.len()];
    for &x in xs {
        let k = if x < -3.0 {
            0
        } else if x >= 3.0 {
            25
        } else {
            1 + (((x + 3.0) / 0.25) as usize).min(23)
        };
        counts[k] += 1.0;
    }
    let n = xs.len() as f64;
    counts
        .iter()
        .zip(&probs)
        .map(|(c, p)| (c - n * p).powi(2) / (n * p))
        .sum()
}

#[test]
fn mala_is_exactly_invariant_on_a_gaussian_and_ula_is_not() {
    // 1e6 independent chains started from N(0, 1): if the kernel leaves N(0, 1) invariant, the
    // state after 5 steps is exactly N(0, 1). 25 bins + tails: 26 − 1 = 25 dof, χ²_{0.999} ≈ 52.6.
    let m = 1_000_000;
    let init = Ensemble::from_fn(1, m, 21, |_, rng, x| x[0] = standard_normal(rng)).unwrap();
    let gauss = Quadratic::isotropic(1, 1.0).unwrap();
    let mala = Mala::new(0.5, 1.0)
        .unwrap()
        .run(&gauss, &init, 5, 4, |_, _| {})
        .unwrap();
    let chi2 = chi2_standard_normal(mala.ensemble().as_slice());
    assert!(chi2 < 52.6, "MALA chi2 {chi2}");
    let acc = mala.acceptance_rate().unwrap();
    assert!(acc > 0.5 && acc < 1.0, "{acc}");
    let ula = Ula::new(0.5, 1.0)
        .unwrap()
        .run(&gauss, &init, 5, 4, |_, _| {})
        .unwrap();
    let chi2_ula = chi2_standard_normal(ula.ensemble().as_slice());
    assert!(
        chi2_ula > 1000.0,
        "ULA at h = 0.5 is biased (variance 4/3): chi2 {chi2_ula}"
    );
}

#[test]
fn mala_acceptance_tends_to_one_and_adaptation_hits_or_caps() {
    let gauss = Quadratic::isotropic(1, 1.0).unwrap();
    let init = Ensemble::from_fn(1, 500, 2, |_, rng, x| x[0] = standard_normal(rng)).unwrap();
    let small = Mala::new(1e-3, 1.0)
        .unwrap()
        .run(&gauss, &init, 200, 1, |_, _| {})
        .unwrap();
    assert!(small.acceptance_rate().unwrap() > 0.999);
    let adapt = MalaAdaptation {
        target: 0.57,
        steps: 1000,
        h_max: 10.0,
    };
    let mut c = Chains::new(
        Mala::new(0.1, 1.0).unwrap().with_adaptation(adapt).unwrap(),
        init.clone(),
        3,
    );
    c.run(&gauss, 3000, 100, |_, _| {}).unwrap();
    let acc = c.acceptance_rate().unwrap();
    assert!(
        (acc - 0.57).abs() < 0.05,
        "adapted acceptance {acc}, h {}",
        c.mean_step_size()
    );
    // on the ring at eps = 0.05 the target is unreachable below the cap: h stops at h_max
    let ring = Ring::new(2, 1.0).unwrap();
    let capped = MalaAdaptation {
        target: 0.57,
        steps: 500,
        h_max: 0.1,
    };
    let mut c = Chains::new(
        Mala::new(0.05, 0.05)
            .unwrap()
            .with_adaptation(capped)
            .unwrap(),
        ring_init(200),
        3,
    );
    c.run(&ring, 1500, 100, |_, _| {}).unwrap();
    assert!(c.mean_step_size() <= 0.1 + 1e-12);
    assert!(c.acceptance_rate().unwrap() > 0.57);
    assert!(
        Mala::new(0.1, 1.0)
            .unwrap()
            .with_adaptation(MalaAdaptation {
                target: 1.5,
                steps: 1,
                h_max: 1.0
            })
            .is_err()
    );
}

#[test]
fn kinetic_langevin_samples_the_gaussian() {
    let (eps, m) = (0.5, 4000);
    let gauss = Quadratic::isotropic(2, 2.0).unwrap();
    let init = Ensemble::from_point(&[1.0, -1.0], m).unwrap();
    let c = Kinetic::new(0.05, eps, 1.0)
        .unwrap()
        .run(&gauss, &init, 400, 8, |_, _| {})
        .unwrap();
    let xs = c.ensemble().as_slice();
    let var = xs.iter().map(|x| x * x).sum::<f64>() / xs.len() as f64;
    // target variance ε/a = 0.25; se ≈ 0.25·sqrt(2/8000) ≈ 0.004
    assert!((var - 0.25).abs() < 0.02, "{var}");
}

#[test]
fn ula_warns_when_the_step_is_unstable() {
    let ring = Ring::new(2, 1.0).unwrap();
    let c = Ula::new(0.3, 0.1)
        .unwrap()
        .run(
            &ring,
            &Ensemble::from_point(&[1.0, 0.0], 2).unwrap(),
            1,
            0,
            |_, _| {},
        )
        .unwrap();
    assert!(
        c.warnings().iter().any(|w| w.contains("unstable")),
        "{:?}",
        c.warnings()
    );
    let c = Ula::new(0.01, 0.1)
        .unwrap()
        .run(
            &ring,
            &Ensemble::from_point(&[1.0, 0.0], 2).unwrap(),
            1,
            0,
            |_, _| {},
        )
        .unwrap();
    assert!(c.warnings().is_empty());
}

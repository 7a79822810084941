//! Closed forms, exploitability with non-uniform μ0 (against brute force), τ → ∞, dense = sparse,
//! determinism, thread-count independence, Send + Sync.

use mfg_core::envs::*;
use mfg_core::nplayer::NPlayerSim;
use mfg_core::solvers::tune::{log_grid, log_uniform, search};
use mfg_core::solvers::*;
use mfg_core::*;

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn left_right_closed_forms() {
    let m = LeftRight::default();
    let u = Policy::uniform(2, 3, 2).unwrap();
    // uniform: mu1 = mu2 = 1/2, V = 0.5(−0.5) + 0.5(−1) = −0.75, best −0.5
    assert!((exploitability(&m, &u, 0.0).unwrap() - 0.25).abs() < 1e-15);
    // equilibrium: mu1 = 2 mu2 => pi(left | 0) = 2/3
    let r = omd_solve(
        &m,
        &OmdConfig {
            eta: 0.3,
            tau: 0.0,
            steps: 300,
            monitor_every: 10,
            tol: 1e-10,
        },
    )
    .unwrap();
    assert_eq!(r.status, OmdStatus::Converged);
    assert!(
        (r.policy.prob(0, 0, 0) - 2.0 / 3.0).abs() < 1e-6,
        "{}",
        r.policy.prob(0, 0, 0)
    );
}

/// Exploitability by brute force over deterministic deviations against the frozen flow.
fn brute_force_exploitability<M: FiniteMfg>(m: &M, pi: &Policy) -> f64 {
    let (ns, na, hz) = (m.n_states(), m.n_actions(), m.horizon());
    let nsa = ns * na;
    let flow = population_flow(m, pi).unwrap();
    let mut kernels = Vec::new();
    let mut rewards = Vec::new();
    for h in 0..hz {
        let mut k = m.new_kernel();
        m.transition(h, &flow[h * nsa..(h + 1) * nsa], &mut k);
        kernels.push(k.to_dense());
        let mut r = vec![0.0; nsa];
        m.reward(h, &flow[h * nsa..(h + 1) * nsa], &mut r);
        rewards.push(r);
    }
    let value = |probs: &[f64]| -> f64 {
        let mut v_next = vec![0.0; ns];
        for h in (0..hz).rev() {
            let mut v = vec![0.0; ns];
            for s in 0..ns {
                for a in 0..na {
                    let mut q = rewards[h][s * na + a];
                    if h + 1 < hz {
                        for sn in 0..ns {
                            q += kernels[h][(s * na + a) * ns + sn] * v_next[sn];
                        }
                    }
                    v[s] += probs[h * nsa + s * na + a] * q;
                }
            }
            v_next = v;
        }
        m.initial_distribution()
            .iter()
            .zip(&v_next)
            .map(|(a, b)| a * b)
            .sum()
    };
    let own = value(&pi.probs);
    let n_det = na.pow((ns * hz) as u32);
    let mut best = f64::NEG_INFINITY;
    for code in 0..n_det {
        let mut c = code;
        let acts: Vec<usize> = (0..ns * hz)
            .map(|_| {
                let a = c % na;
                c /= na;
                a
            })
            .collect();
        let det = Policy::deterministic(hz, ns, na, &acts).unwrap();
        best = best.max(value(&det.probs));
    }
    best - own
}

#[test]
fn exploitability_uses_the_models_non_uniform_mu0() {
    for seed in 0..5 {
        let m = RandomMfg::new(3, 2, 3, 2.0, 0.7, seed).with_mu0(vec![0.7, 0.25, 0.05]);
        let mut z = vec![0.0; 3 * 3 * 2];
        for (i, v) in z.iter_mut().enumerate() {
            *v = ((i * 7 + seed as usize) % 5) as f64 * 0.4 - 0.8;
        }
        let pi = Policy::from_logits(&Logits::from_values(3, 3, 2, z).unwrap()).unwrap();
        let ours = exploitability(&m, &pi, 0.0).unwrap();
        let brute = brute_force_exploitability(&m, &pi);
        assert!(
            (ours - brute).abs() < 1e-12,
            "seed {seed}: {ours} vs {brute}"
        );
        // the same model with a uniform mu0 gives a different number
        let mu = RandomMfg::new(3, 2, 3, 2.0, 0.7, seed).with_mu0(vec![1.0 / 3.0; 3]);
        assert!((exploitability(&mu, &pi, 0.0).unwrap() - ours).abs() > 1e-6);
    }
    // left-right starts in state 0 only (mu0 = (1, 0, 0))
    let m = LeftRight::default();
    let pi = Policy::deterministic(2, 3, 2, &[1, 0, 0, 0, 0, 0]).unwrap();
    assert!(
        (exploitability(&m, &pi, 0.0).unwrap() - brute_force_exploitability(&m, &pi)).abs() < 1e-15
    );
}

#[test]
fn regularised_values_closed_form_and_large_tau() {
    // one step, one state: V^τ = Σ_a π(a)(r(a) − τ log π(a)); V* = τ log Σ exp(r/τ)
    let m = RockPaperScissors::new(1, vec![0.0, 0.0, 0.0, 1.0]);
    let pi = Policy::from_probs(1, 4, 3, vec![1.0 / 3.0; 12]).unwrap();
    let e = exploitability(&m, &pi, 0.5).unwrap();
    assert!(
        e.abs() < 1e-14,
        "all actions pay the same: uniform is soft-optimal, E = {e}"
    );
    // tau -> infinity: the soft best response is uniform
    let m = RandomMfg::new(4, 3, 3, 1.0, 0.5, 2);
    let p0 = Policy::deterministic(3, 4, 3, &[0; 12]).unwrap();
    let (br, _) = best_response(&m, &p0, 1e7).unwrap();
    assert!(br.probs.iter().all(|p| (p - 1.0 / 3.0).abs() < 1e-6));
}

#[test]
fn omd_step_at_tau_zero_is_mfglibs_update() {
    let m = MfglibBeachBar::default();
    let z = Logits::from_values(3, 4, 3, (0..36).map(|i| (i % 5) as f64 * 0.1).collect()).unwrap();
    let pi = Policy::from_logits(&z).unwrap();
    let (q, _) = q_values(&m, &pi, 0.0).unwrap();
    let z1 = omd_step(&m, &z, 0.7, 0.0).unwrap();
    for ((a, b), qi) in z1.values.iter().zip(&z.values).zip(&q) {
        assert!((a - (b + 0.7 * qi)).abs() < 1e-13);
    }
}

#[test]
fn dense_and_sparse_kernels_agree() {
    let d = BuildingEvacuation::new(3, 2, 4, 3, KernelFormat::Dense);
    let s = BuildingEvacuation::new(3, 2, 4, 3, KernelFormat::Sparse);
    let mut ad = OmdState::new(&d).unwrap();
    let mut as_ = OmdState::new(&s).unwrap();
    let algo = OnlineMirrorDescent::new(0.5, 0.0).unwrap();
    let td = run_for(&d, &algo, &mut ad, 20).unwrap();
    let ts = run_for(&s, &algo, &mut as_, 20).unwrap();
    for (a, b) in td.iter().zip(&ts) {
        assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0));
    }
    let cd = CrowdMotion::with_options(3, 5, 4, 2, 10.0, 1e-10, 0.5, 3, KernelFormat::Dense);
    let cs = CrowdMotion::with_options(3, 5, 4, 2, 10.0, 1e-10, 0.5, 3, KernelFormat::Sparse);
    let u = Policy::uniform(3, 20, 5).unwrap();
    let (a, b) = (
        exploitability(&cd, &u, 0.1).unwrap(),
        exploitability(&cs, &u, 0.1).unwrap(),
    );
    assert!((a - b).abs() < 1e-12);
}

#[test]
fn n_player_simulator_is_seeded_and_thread_count_independent() {
    let m = BeachBar::new(7, 4, KernelFormat::Sparse);
    let u = Policy::uniform(4, 7, 3).unwrap();
    let sim = NPlayerSim::new(&m, 50, 11).unwrap();
    let a = sim.rollout(&u, 3).unwrap();
    let b = sim.rollout(&u, 3).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, sim.rollout(&u, 4).unwrap());
    let one = in_pool(1, || sim.par_rollouts(&u, 40, |e| e.clone()).unwrap());
    let two = in_pool(2, || sim.par_rollouts(&u, 40, |e| e.clone()).unwrap());
    assert_eq!(one, two);
    assert_eq!(one[3], a);
    // empirical flows are distributions on the 1/N grid
    for h in 0..4 {
        let s: f64 = a.flow[h * 21..(h + 1) * 21].iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
    }
    let est = sim.estimate(&u, 30, |f| f[0]).unwrap();
    assert!(est.std_err >= 0.0 && est.mean_abs_err_vs(est.mean) >= 0.0);
}

#[test]
fn tuner_is_deterministic_and_picks_the_minimum() {
    let m = MfglibBeachBar::default();
    let etas = log_grid(0.1, 10.0, 4).unwrap();
    let c: Vec<_> = etas
        .iter()
        .map(|e| OnlineMirrorDescent::new(*e, 0.0).unwrap())
        .collect();
    let r1 = in_pool(1, || search(&m, &c, 50, |m, _| OmdState::new(m)).unwrap());
    let r2 = in_pool(2, || search(&m, &c, 50, |m, _| OmdState::new(m)).unwrap());
    assert_eq!(r1.scores, r2.scores);
    let min = r1.scores.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(r1.best_exploitability, min);
    assert_eq!(
        log_uniform(3, 0.1, 1.0, 5).unwrap(),
        log_uniform(3, 0.1, 1.0, 5).unwrap()
    );
    assert!(log_grid(0.0, 1.0, 3).is_err() && log_grid(1.0, 2.0, 1).is_err());
    assert!(search(&m, &c[..0], 5, |m, _| OmdState::new(m)).is_err());
}

#[test]
fn public_types_are_send_and_sync() {
    fn ok<T: Send + Sync>() {}
    ok::<Policy>();
    ok::<Logits>();
    ok::<Kernel>();
    ok::<Workspace>();
    ok::<MfgCoreError>();
    ok::<OmdState>();
    ok::<FictitiousPlayState>();
    ok::<PriorDescentState>();
    ok::<MfOmoState>();
    ok::<OnlineMirrorDescent>();
    ok::<MfOmo>();
    ok::<BeachBar>();
    ok::<CrowdMotion>();
    ok::<BuildingEvacuation>();
    ok::<RandomMfg>();
    ok::<NPlayerSim<'static, BeachBar>>();
}

#[test]
fn solvers_run_under_the_opt_core_driver() {
    use opt_core::algorithm::{Budget, Termination, run};
    use opt_core::observer::Recorder;
    let m = LeftRight::default();
    let algo = OnlineMirrorDescent::new(0.3, 0.0).unwrap();
    let mut st = OmdState::new(&m).unwrap();
    let mut rec = Recorder::new();
    let mut rng = opt_core::rng::stream(0, "test", 0);
    let r = run(
        &m,
        &algo,
        &mut st,
        &Budget::iters(500).until("exploitability", 1e-9),
        &mut rng,
        &mut rec,
    )
    .unwrap();
    assert!(
        matches!(r.termination, Termination::Tolerance { .. }),
        "{r:?}"
    );
    let e = rec.into_table().column("exploitability").unwrap();
    assert_eq!(e.len(), r.iters);
    assert!(e[e.len() - 1] <= 1e-9);
}

//! Development aid: interleaved timing of one ScaledGD step against its bare GEMM(s) at
//! n = 1000, r = 10 (interleaving makes the ratio robust to load on a shared machine).
use lowrank::linalg::gaussian;
use lowrank::{AsymProblem, AsymState, GramSolve, Init, ScaledGd, SymProblem, SymState};
use nalgebra::DMatrix;
use opt_core::algorithm::Algorithm;
use std::time::Instant;

fn med(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut rng = opt_core::rng::stream(0, "profile", 0);
    let (n, r) = (1000, 10);
    let b = gaussian(n, r, 1.0, &mut rng);
    let a = &b * b.transpose();
    let a = (&a + a.transpose()) * 0.5;
    let q = gaussian(n, r, 1.0, &mut rng);
    let at = a.transpose();
    let mut m = DMatrix::zeros(n, r);
    let mut m2 = DMatrix::zeros(n, r);
    let p = SymProblem::new_unchecked_psd(a.clone(), r).unwrap();
    let x0 = Init::Nystrom { xi: 1.0 }.sym(&p, &mut rng).unwrap();
    let mut st = SymState::new(&p, x0).unwrap().without_error_tracking();
    let algo = ScaledGd::new(0.5, GramSolve::Qr).unwrap();
    let pa = AsymProblem::new(a.clone(), r).unwrap();
    let (x0, _) = Init::Nystrom { xi: 1.0 }.asym(&pa, &mut rng).unwrap();
    let mut sa = AsymState::new(&pa, x0, gaussian(n, r, 1.0, &mut rng))
        .unwrap()
        .without_error_tracking();
    let omega = gaussian(n, r, 1.0, &mut rng);
    let (mut tg, mut ts, mut tg2, mut ta, mut tn) = (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..300 {
        let t = Instant::now();
        m.gemm(1.0, &a, &q, 0.0);
        tg.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        algo.step(&p, &mut st, &mut rng).unwrap();
        ts.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        m.gemm(1.0, &a, &q, 0.0);
        m2.gemm(1.0, &at, &q, 0.0);
        tg2.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        algo.step(&pa, &mut sa, &mut rng).unwrap();
        ta.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        lowrank::init::nystrom_sketch_into(&a, &omega, &mut m);
        tn.push(t.elapsed().as_secs_f64());
    }
    let mut w = lowrank::linalg::QrWork::new(n, r);
    let (mut tq, mut tqg, mut tpg, mut tst) = (vec![], vec![], vec![], vec![]);
    for _ in 0..300 {
        let t = Instant::now();
        algo.step(&p, &mut st, &mut rng).unwrap();
        tst.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        w.factor(&st.x);
        tq.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        m.gemm(1.0, p.a(), &w.q, 0.0);
        tqg.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        m.gemm(1.0, p.a(), &q, 0.0);
        tpg.push(t.elapsed().as_secs_f64());
    }
    println!(
        "same-cache loop: step {:.3} ms, qr {:.3} ms, gemm(p.a, Q) {:.3} ms, gemm(p.a, q) {:.3} ms, step/gemm {:.3}",
        med(tst.clone()) * 1e3,
        med(tq) * 1e3,
        med(tqg) * 1e3,
        med(tpg.clone()) * 1e3,
        med(tst) / med(tpg)
    );
    let (g, s, g2, aa, nn) = (med(tg), med(ts), med(tg2), med(ta), med(tn));
    println!(
        "median: gemm {:.3} ms | sym step {:.3} ms (ratio {:.3}) | 2 gemms {:.3} ms | asym step {:.3} ms (ratio {:.3} vs 2 gemms) | nystrom {:.3} ms (ratio {:.3})",
        g * 1e3,
        s * 1e3,
        s / g,
        g2 * 1e3,
        aa * 1e3,
        aa / g2,
        nn * 1e3,
        nn / g
    );
}

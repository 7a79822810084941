//! Development aid: times the parts of one symmetric ScaledGD step at n = 1000, r = 10.
use lowrank::linalg::{QrWork, gaussian, solve_right_upper_transpose};
use nalgebra::DMatrix;
use std::time::Instant;

fn main() {
    let mut rng = opt_core::rng::stream(0, "profile", 0);
    let (n, r) = (1000, 10);
    let b = gaussian(n, r, 1.0, &mut rng);
    let a = &b * b.transpose();
    let x = gaussian(n, r, 1.0, &mut rng);
    let mut w = QrWork::new(n, r);
    let mut m = DMatrix::zeros(n, r);
    let reps = 200;
    let t = Instant::now();
    for _ in 0..reps {
        w.factor(&x);
    }
    let qr = t.elapsed().as_secs_f64() / reps as f64;
    let t = Instant::now();
    for _ in 0..reps {
        m.gemm(1.0, &a, &w.q, 0.0);
    }
    let gemm = t.elapsed().as_secs_f64() / reps as f64;
    let t = Instant::now();
    for _ in 0..reps {
        solve_right_upper_transpose(&mut m, &w.r);
    }
    let tri = t.elapsed().as_secs_f64() / reps as f64;
    let t = Instant::now();
    for _ in 0..reps {
        assert!(x.iter().all(|v| v.is_finite()));
    }
    let fin = t.elapsed().as_secs_f64() / reps as f64;
    println!(
        "qr {:.3} ms, gemm {:.3} ms, tri {:.3} ms, finite {:.4} ms",
        qr * 1e3,
        gemm * 1e3,
        tri * 1e3,
        fin * 1e3
    );
}

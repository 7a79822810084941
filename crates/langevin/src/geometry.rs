//! Laplace–Beltrami references λ₁(S) and the weighted limit λ₁^w(S) (spec B2.4).
//!
//! arXiv:2501.00429 bounds ρ(μ_ε) ≥ c·λ₁(S), λ₁(S) the first non-zero eigenvalue of the
//! Laplace–Beltrami operator of the minimiser manifold S. The sharp small-ε limit (our
//! derivation, spec "Sharp small-ε limit") is λ₁^w(S) of −(1/w) div_S(w ∇_S ·) with
//! w = det H_N^{−1/2}; the two coincide when the normal Hessian is constant along S.
//!
//! Curves and the torus reduce to periodic Sturm–Liouville problems −(c u')' + q u = λ m u on a
//! parameter circle, discretised by centred finite differences (c at half nodes) and solved as
//! a dense symmetric eigenproblem of M^{−1/2} K M^{−1/2}.

use crate::error::{LangevinError, Result, positive};
use nalgebra::DMatrix;
use std::f64::consts::PI;

/// λ₁ of a circle of radius R: 1/R².
pub fn circle(radius: f64) -> Result<f64> {
    positive("radius", radius)?;
    Ok(1.0 / (radius * radius))
}

/// λ₁ of the sphere S^{d−1} ⊂ R^d of radius R: (d − 1)/R².
pub fn sphere(d: usize, radius: f64) -> Result<f64> {
    positive("radius", radius)?;
    if d < 2 {
        return Err(LangevinError::invalid("d", "S^{d-1} needs d >= 2"));
    }
    Ok((d - 1) as f64 / (radius * radius))
}

/// λ₁ of the Clifford torus S¹(R₁) × S¹(R₂) (weighted = unweighted): min(1/R₁², 1/R₂²).
pub fn clifford(r1: f64, r2: f64) -> Result<f64> {
    Ok(circle(r1)?.min(circle(r2)?))
}

/// Smallest `k` eigenvalues of the periodic problem −(c u')' + q u = λ m u on [0, 2π) with n
/// nodes t_i = 2πi/n; `c(t)` is sampled at half nodes, `q`, `m` at nodes.
pub fn periodic_sturm_liouville(
    c: impl Fn(f64) -> f64,
    q: impl Fn(f64) -> f64,
    m: impl Fn(f64) -> f64,
    n: usize,
    k: usize,
) -> Result<Vec<f64>> {
    if n < 8 {
        return Err(LangevinError::invalid(
            "n",
            format!("needs >= 8 nodes, got {n}"),
        ));
    }
    if k == 0 || k > n {
        return Err(LangevinError::invalid("k", format!("must lie in 1..={n}")));
    }
    let dt = 2.0 * PI / n as f64;
    let t = |i: usize| i as f64 * dt;
    let ch: Vec<f64> = (0..n).map(|i| c(t(i) + 0.5 * dt) / (dt * dt)).collect();
    let ms: Vec<f64> = (0..n).map(|i| m(t(i)).sqrt()).collect();
    if ch.iter().chain(&ms).any(|v| !(v.is_finite() && *v > 0.0)) {
        return Err(LangevinError::invalid("c, m", "must be finite and > 0"));
    }
    let mut a = DMatrix::<f64>::zeros(n, n);
    for i in 0..n {
        let (ip, im) = ((i + 1) % n, (i + n - 1) % n);
        a[(i, i)] += (ch[i] + ch[im] + q(t(i))) / (ms[i] * ms[i]);
        a[(i, ip)] -= ch[i] / (ms[i] * ms[ip]);
        a[(ip, i)] -= ch[i] / (ms[i] * ms[ip]);
    }
    let mut ev: Vec<f64> = a.symmetric_eigenvalues().iter().copied().collect();
    ev.sort_by(f64::total_cmp);
    ev.truncate(k);
    Ok(ev)
}

/// Perimeter of the ellipse x = a cos t, y = sin t (periodic trapezoid rule, spectrally accurate).
pub fn ellipse_perimeter(a: f64, n: usize) -> Result<f64> {
    positive("a", a)?;
    let n = n.max(8);
    let dt = 2.0 * PI / n as f64;
    Ok((0..n)
        .map(|i| {
            let t = i as f64 * dt;
            (a * a * t.sin().powi(2) + t.cos().powi(2)).sqrt()
        })
        .sum::<f64>()
        * dt)
}

/// The first non-zero eigenvalues (ascending, up to 4) of the ellipse x = a cos t, y = sin t.
/// `weighted = true`: the limit operator −(c u')' = λu with c = 1/(a² sin²t + cos²t) (the
/// limit measure is uniform in t since w ∝ 1/|γ'|); `false`: the unweighted Laplace–Beltrami
/// operator, −(u'/|γ'|)' = λ|γ'|u, whose eigenvalues are (2πj/L)².
pub fn ellipse_lb(a: f64, n: usize, weighted: bool) -> Result<Vec<f64>> {
    positive("a", a)?;
    let speed = move |t: f64| (a * a * t.sin().powi(2) + t.cos().powi(2)).sqrt();
    let ev = if weighted {
        periodic_sturm_liouville(|t| 1.0 / speed(t).powi(2), |_| 0.0, |_| 1.0, n, 5)?
    } else {
        periodic_sturm_liouville(|t| 1.0 / speed(t), |_| 0.0, speed, n, 5)?
    };
    Ok(ev[1..].to_vec())
}

/// The lowest eigenvalues (ascending, up to 3) of the Laplace–Beltrami operator of the torus of
/// revolution (tube radius r around a circle of radius R) restricted to the Fourier mode
/// u(θ)e^{ikφ}: K = ∫ (w/r) u'² + k² r u²/w dθ, M = ∫ r w u² dθ, w = R + r cos θ. For k = 0 the
/// constant (eigenvalue 0) is included.
pub fn torus_modes(big_r: f64, small_r: f64, k: usize, n: usize) -> Result<Vec<f64>> {
    positive("big_r", big_r)?;
    positive("small_r", small_r)?;
    if small_r >= big_r {
        return Err(LangevinError::invalid("small_r", "must be < big_r"));
    }
    let w = move |t: f64| big_r + small_r * t.cos();
    let kk = (k * k) as f64;
    periodic_sturm_liouville(
        |t| w(t) / small_r,
        |t| kk * small_r / w(t),
        |t| small_r * w(t),
        n,
        3,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        assert_eq!(circle(2.0).unwrap(), 0.25);
        assert_eq!(sphere(3, 1.0).unwrap(), 2.0);
        assert_eq!(clifford(1.0, 2.0).unwrap(), 0.25);
        // the unit circle as an ellipse with a = 1: eigenvalues 1, 1, 4, 4
        let ev = ellipse_lb(1.0, 256, false).unwrap();
        assert!(
            (ev[0] - 1.0).abs() < 1e-4 && (ev[2] - 4.0).abs() < 1e-3,
            "{ev:?}"
        );
        assert!(sphere(1, 1.0).is_err() && circle(0.0).is_err());
    }

    #[test]
    fn ellipse_and_torus_references_of_the_spec() {
        let l = ellipse_perimeter(2.0, 4096).unwrap();
        assert!((l - 9.68845).abs() < 1e-5, "{l}");
        let unw = ellipse_lb(2.0, 512, false).unwrap();
        assert!((unw[0] - (2.0 * PI / l).powi(2)).abs() < 1e-4, "{unw:?}");
        assert!((unw[0] - 0.42058).abs() < 1e-4);
        let w = ellipse_lb(2.0, 512, true).unwrap();
        assert!(
            (w[0] - 0.30573).abs() < 1e-4 && (w[1] - 0.55824).abs() < 1e-4,
            "{w:?}"
        );
        let t1 = torus_modes(2.0, 1.0, 1, 512).unwrap();
        let t0 = torus_modes(2.0, 1.0, 0, 512).unwrap();
        let t2 = torus_modes(2.0, 1.0, 2, 512).unwrap();
        assert!((t1[0] - 0.24937).abs() < 1e-4, "{t1:?}");
        assert!(
            t0[0].abs() < 1e-10 && (t0[1] - 0.97673).abs() < 1e-4,
            "{t0:?}"
        );
        assert!((t2[0] - 0.79457).abs() < 1e-4, "{t2:?}");
    }
}

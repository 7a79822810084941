//! 1-D square-root-approximation (SqRA) generators, Sturm bisection, and the flux-integration
//! inverse iteration that computes exponentially small gaps to full relative accuracy.
//!
//! SqRA (Lie–Fackeldey–Weber): rates between neighbours Q_ij = (ε/h²) exp((lw_j − lw_i)/2),
//! where lw = −V/ε + (extra log-weight). Symmetrised with π^{1/2}, −L becomes the symmetric
//! tridiagonal matrix with off-diagonal −ε/h² and diagonal (ε/h²) Σ_nbrs exp((lw_nbr − lw_i)/2)
//! (+ `extra_diag`, e.g. εℓ(ℓ+d−2)/r² for angular modes). Its exact null vector is √π.
//! Missing neighbours at the ends are dropped (no-flux boundary).

use crate::error::{LangevinError, Result, positive, same_len};

/// A symmetric tridiagonal matrix: `diag` (n) and `off` (n − 1).
#[derive(Debug, Clone, PartialEq)]
pub struct SymTridiag {
    /// Diagonal entries.
    pub diag: Vec<f64>,
    /// Sub/super-diagonal entries.
    pub off: Vec<f64>,
}

impl SymTridiag {
    /// Validated constructor.
    pub fn new(diag: Vec<f64>, off: Vec<f64>) -> Result<Self> {
        if diag.is_empty() {
            return Err(LangevinError::invalid("diag", "must be non-empty"));
        }
        same_len("off", diag.len() - 1, off.len())?;
        opt_core::error::ensure_finite("diag", &diag)?;
        opt_core::error::ensure_finite("off", &off)?;
        Ok(Self { diag, off })
    }
    /// Order n.
    pub fn n(&self) -> usize {
        self.diag.len()
    }
    /// y = A x.
    pub fn apply(&self, x: &[f64], y: &mut [f64]) {
        let n = self.n();
        for i in 0..n {
            let mut s = self.diag[i] * x[i];
            if i > 0 {
                s += self.off[i - 1] * x[i - 1];
            }
            if i + 1 < n {
                s += self.off[i] * x[i + 1];
            }
            y[i] = s;
        }
    }
    /// Number of eigenvalues strictly below `lambda` (Sturm sequence of the LDLᵀ pivots).
    pub fn count_below(&self, lambda: f64) -> usize {
        let mut count = 0;
        let mut q = 1.0;
        for i in 0..self.n() {
            let e2 = if i == 0 {
                0.0
            } else {
                self.off[i - 1] * self.off[i - 1]
            };
            q = self.diag[i] - lambda - if i == 0 { 0.0 } else { e2 / q };
            if q == 0.0 {
                q = -f64::EPSILON * (self.diag[i].abs() + lambda.abs()).max(f64::MIN_POSITIVE);
            }
            if q < 0.0 {
                count += 1;
            }
        }
        count
    }
    /// Gershgorin interval containing every eigenvalue.
    pub fn gershgorin(&self) -> (f64, f64) {
        let n = self.n();
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..n {
            let r = if i > 0 { self.off[i - 1].abs() } else { 0.0 }
                + if i + 1 < n { self.off[i].abs() } else { 0.0 };
            lo = lo.min(self.diag[i] - r);
            hi = hi.max(self.diag[i] + r);
        }
        (lo, hi)
    }
}

/// The symmetrised SqRA matrix −S of a 1-D chain with log-weights `logw`, spacing `h`,
/// temperature `eps`, plus `extra_diag` (empty slice for none).
pub fn sqra_1d(logw: &[f64], h: f64, eps: f64, extra_diag: &[f64]) -> Result<SymTridiag> {
    positive("h", h)?;
    positive("eps", eps)?;
    let n = logw.len();
    if n < 3 {
        return Err(LangevinError::invalid(
            "logw",
            format!("needs N >= 3 nodes, got {n}"),
        ));
    }
    if !extra_diag.is_empty() {
        same_len("extra_diag", n, extra_diag.len())?;
    }
    opt_core::error::ensure_finite("logw", logw)?;
    let c = eps / (h * h);
    let diag = (0..n)
        .map(|i| {
            let mut s = 0.0;
            if i > 0 {
                s += (0.5 * (logw[i - 1] - logw[i])).exp();
            }
            if i + 1 < n {
                s += (0.5 * (logw[i + 1] - logw[i])).exp();
            }
            c * s + extra_diag.get(i).copied().unwrap_or(0.0)
        })
        .collect();
    SymTridiag::new(diag, vec![-c; n - 1])
}

/// The `k` smallest eigenvalues (ascending) by Sturm bisection, each to ~2 ulps of the spectral
/// radius. The error is absolute (≈ machine ε·‖A‖): use [`reversible_1d_gap`] for tiny gaps.
pub fn tridiag_eigs_bisection(t: &SymTridiag, k: usize) -> Result<Vec<f64>> {
    if k == 0 || k > t.n() {
        return Err(LangevinError::invalid(
            "k",
            format!("must lie in 1..={}", t.n()),
        ));
    }
    let (glo, ghi) = t.gershgorin();
    let scale = glo.abs().max(ghi.abs()).max(f64::MIN_POSITIVE);
    let mut out = Vec::with_capacity(k);
    for j in 0..k {
        // smallest lambda with count_below(lambda) > j
        let (mut lo, mut hi) = (glo - 1e-12 * scale, ghi + 1e-12 * scale);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if t.count_below(mid) > j {
                hi = mid;
            } else {
                lo = mid;
            }
            if hi - lo <= 2.0 * f64::EPSILON * scale.min(lo.abs().max(hi.abs()).max(1e-300)) {
                break;
            }
        }
        out.push(0.5 * (lo + hi));
    }
    Ok(out)
}

/// The smallest non-zero eigenvalue of a 1-D reversible chain and its eigenfunction.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap1d {
    /// The spectral gap of −L.
    pub gap: f64,
    /// The eigenfunction f (π-mean zero, Σπf² = Σπ), on the retained nodes.
    pub f: Vec<f64>,
    /// First retained node (nodes whose weight underflows, lw − max lw < −700, are dropped).
    pub first_node: usize,
    /// Inverse iterations performed.
    pub iters: usize,
}

/// Gap of the SqRA chain with log-weights `logw` by inverse iteration with flux integration
/// (spec corrections box, L2): with conductances C_e = (ε/h²)√(π_iπ_{i+1}), the equation
/// −L f = g is solved exactly by the fluxes J_e = Σ_{k≤e} π_k g_k (summed from the left up to
/// the edge where |J| peaks — the bottleneck, where f changes sign — and from the right beyond
/// it, so no cancellation occurs) and
/// f_{e+1} = f_e − J_e/C_e; the eigenvalue is the Rayleigh quotient Σ_e J_e²/C_e / Σ π f²
/// (the Dirichlet form, never xᵀAx). Weights are taken relative to max lw (log domain), so
/// gaps of 1e−20 keep full relative accuracy.
pub fn reversible_1d_gap(
    logw: &[f64],
    h: f64,
    eps: f64,
    tol: f64,
    max_iter: usize,
) -> Result<Gap1d> {
    positive("h", h)?;
    positive("eps", eps)?;
    positive("tol", tol)?;
    opt_core::error::ensure_finite("logw", logw)?;
    let lmax = logw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let keep = |l: &f64| *l - lmax >= -700.0;
    let first = logw.iter().position(keep).unwrap_or(0);
    let last = logw.iter().rposition(keep).unwrap_or(0);
    let n = last + 1 - first;
    if n < 3 {
        return Err(LangevinError::invalid(
            "logw",
            format!("needs N >= 3 nodes, got {n}"),
        ));
    }
    let pi: Vec<f64> = logw[first..=last]
        .iter()
        .map(|l| (l - lmax).exp())
        .collect();
    let c = eps / (h * h);
    let cond: Vec<f64> = (0..n - 1)
        .map(|e| c * (0.5 * (logw[first + e] + logw[first + e + 1]) - lmax).exp())
        .collect();
    if cond.iter().any(|v| *v <= 0.0) {
        return Err(LangevinError::invalid(
            "logw",
            "weights underflow inside the domain",
        ));
    }
    let mass: f64 = pi.iter().sum();
    let centre = |f: &mut [f64]| {
        let m = f.iter().zip(&pi).map(|(a, p)| a * p).sum::<f64>() / mass;
        f.iter_mut().for_each(|v| *v -= m);
    };
    let mut g: Vec<f64> = (0..n).map(|i| i as f64 - 0.5 * n as f64).collect();
    let mut f = vec![0.0; n];
    let mut flux = vec![0.0; n - 1];
    let mut lambda = f64::NAN;
    for it in 1..=max_iter {
        centre(&mut g);
        let mut acc = 0.0;
        for e in 0..n - 1 {
            acc += pi[e] * g[e];
            flux[e] = acc;
        }
        // the running sum peaks where g changes sign (the bottleneck); beyond it, sum from the
        // right so the fluxes in the far tail carry no cancellation error
        let split = (0..n - 1)
            .max_by(|a, b| flux[*a].abs().total_cmp(&flux[*b].abs()))
            .unwrap_or(0);
        acc = 0.0;
        for e in (split + 1..n - 1).rev() {
            acc -= pi[e + 1] * g[e + 1];
            flux[e] = acc;
        }
        f[0] = 0.0;
        for e in 0..n - 1 {
            f[e + 1] = f[e] - flux[e] / cond[e];
        }
        centre(&mut f);
        let dirichlet: f64 = flux.iter().zip(&cond).map(|(j, ce)| j * j / ce).sum();
        let norm2: f64 = f.iter().zip(&pi).map(|(a, p)| a * a * p).sum();
        let new = dirichlet / norm2;
        let s = (mass / norm2).sqrt();
        g.iter_mut().zip(&f).for_each(|(gi, fi)| *gi = fi * s);
        if (new - lambda).abs() <= tol * new {
            return Ok(Gap1d {
                gap: new,
                f: g,
                first_node: first,
                iters: it,
            });
        }
        lambda = new;
    }
    Err(LangevinError::NotConverged {
        iters: max_iter,
        residual: f64::NAN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqrt_pi_is_an_exact_null_vector_and_detailed_balance_holds() {
        let h = 0.01;
        let eps = 0.1;
        let lw: Vec<f64> = (0..300)
            .map(|i| {
                let x = -1.5 + (i as f64 + 0.5) * h;
                -(x * x - 1.0f64).powi(2) / eps
            })
            .collect();
        let a = sqra_1d(&lw, h, eps, &[]).unwrap();
        let m = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let s: Vec<f64> = lw.iter().map(|l| (0.5 * (l - m)).exp()).collect();
        let mut y = vec![0.0; s.len()];
        a.apply(&s, &mut y);
        let norm_a = a.gershgorin().1;
        let r = y.iter().map(|v| v.abs()).fold(0.0, f64::max);
        assert!(r <= 1e-10 * norm_a, "{r}");
        // detailed balance π_i Q_ij = π_j Q_ji with Q_ij = (ε/h²) exp((lw_j − lw_i)/2)
        for i in 0..lw.len() - 1 {
            let q_ij = (eps / (h * h)) * (0.5 * (lw[i + 1] - lw[i])).exp();
            let q_ji = (eps / (h * h)) * (0.5 * (lw[i] - lw[i + 1])).exp();
            let (pi_i, pi_j) = ((lw[i] - m).exp(), (lw[i + 1] - m).exp());
            assert!((pi_i * q_ij - pi_j * q_ji).abs() <= 1e-14 * pi_i * q_ij);
        }
    }

    #[test]
    fn bisection_matches_a_dense_solver() {
        let diag: Vec<f64> = (0..40).map(|i| 2.0 + (i as f64 * 0.7).sin()).collect();
        let off: Vec<f64> = (0..39).map(|i| -0.5 - 0.1 * (i as f64).cos()).collect();
        let t = SymTridiag::new(diag.clone(), off.clone()).unwrap();
        let mut m = nalgebra::DMatrix::from_diagonal(&nalgebra::DVector::from_vec(diag));
        for i in 0..39 {
            m[(i, i + 1)] = off[i];
            m[(i + 1, i)] = off[i];
        }
        let mut ev: Vec<f64> = m.symmetric_eigenvalues().iter().copied().collect();
        ev.sort_by(f64::total_cmp);
        let bis = tridiag_eigs_bisection(&t, 5).unwrap();
        for k in 0..5 {
            assert!((bis[k] - ev[k]).abs() < 1e-12, "{} vs {}", bis[k], ev[k]);
        }
    }

    #[test]
    fn flux_inverse_iteration_agrees_with_bisection_where_both_are_accurate() {
        let (n, eps) = (800, 0.5);
        let h = 4.4 / n as f64;
        let lw: Vec<f64> = (0..n)
            .map(|i| {
                let x = -2.2 + (i as f64 + 0.5) * h;
                -(x * x - 1.0f64).powi(2) / eps
            })
            .collect();
        let flux = reversible_1d_gap(&lw, h, eps, 1e-13, 200).unwrap();
        let bis = tridiag_eigs_bisection(&sqra_1d(&lw, h, eps, &[]).unwrap(), 2).unwrap();
        assert!(
            (flux.gap - bis[1]).abs() <= 1e-9 * bis[1],
            "{} {}",
            flux.gap,
            bis[1]
        );
    }

    #[test]
    fn bad_input_is_rejected() {
        assert!(sqra_1d(&[0.0, 0.0], 0.1, 1.0, &[]).is_err());
        assert!(sqra_1d(&[0.0; 5], 0.0, 1.0, &[]).is_err());
        assert!(sqra_1d(&[0.0; 5], 0.1, -1.0, &[]).is_err());
        assert!(sqra_1d(&[0.0; 5], 0.1, 1.0, &[0.0; 4]).is_err());
        assert!(reversible_1d_gap(&[0.0, f64::NAN, 0.0], 0.1, 1.0, 1e-10, 10).is_err());
        let t = SymTridiag::new(vec![1.0; 3], vec![0.0; 2]).unwrap();
        assert!(tridiag_eigs_bisection(&t, 4).is_err());
    }
}

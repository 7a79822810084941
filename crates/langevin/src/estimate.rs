//! Sampling-based and closed-form gap estimators (spec B3): exponential-decay fits of ensemble
//! observables, Sokal's integrated autocorrelation time, the Eyring–Kramers gap and mixing times.

use crate::error::{LangevinError, Result, positive, same_len};

/// A fitted exponential decay value(t) ≈ A e^{−rate·t}.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DecayFit {
    /// Fitted rate r (minus the slope of ln value against t).
    pub rate: f64,
    /// ln A.
    pub intercept: f64,
    /// R² of the log-linear fit.
    pub r2: f64,
    /// Points used.
    pub points: usize,
}

/// Least-squares fit of ln(values) on ts over the window t ∈ [t0, t1]. Every value inside the
/// window must be > 0 (a decaying mean that crossed zero is reported, not silently skipped).
pub fn decay_rate_fit(ts: &[f64], values: &[f64], window: (f64, f64)) -> Result<DecayFit> {
    same_len("values", ts.len(), values.len())?;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (t, v) in ts.iter().zip(values) {
        if *t >= window.0 && *t <= window.1 {
            if !(*v > 0.0 && v.is_finite()) {
                return Err(LangevinError::invalid(
                    "values",
                    format!("must be > 0 inside the fit window, got {v} at t = {t}"),
                ));
            }
            x.push(*t);
            y.push(v.ln());
        }
    }
    if x.len() < 3 {
        return Err(LangevinError::invalid(
            "window",
            format!("holds {} < 3 points", x.len()),
        ));
    }
    let fit = opt_core::stats::linear_fit(&x, &y)?;
    Ok(DecayFit {
        rate: -fit.slope,
        intercept: fit.intercept,
        r2: fit.r2,
        points: x.len(),
    })
}

/// Integrated autocorrelation time with Sokal's window.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TauInt {
    /// τ_int = 1 + 2 Σ_{k=1}^{W} ρ_k, in units of the series' spacing.
    pub tau: f64,
    /// The window W: the smallest lag with W ≥ c·τ(W).
    pub window: usize,
}

/// τ_int of a scalar series by Sokal's automatic windowing with constant `c` (5 is usual).
pub fn tau_int_sokal(series: &[f64], c: f64) -> Result<TauInt> {
    positive("c", c)?;
    let n = series.len();
    if n < 16 {
        return Err(LangevinError::invalid("series", "needs at least 16 values"));
    }
    opt_core::error::ensure_finite("series", series)?;
    let m = series.iter().sum::<f64>() / n as f64;
    let dev: Vec<f64> = series.iter().map(|v| v - m).collect();
    let c0 = dev.iter().map(|v| v * v).sum::<f64>() / n as f64;
    if c0 == 0.0 {
        return Err(LangevinError::invalid("series", "is constant"));
    }
    let mut tau = 1.0;
    for k in 1..n / 2 {
        let ck = dev[..n - k]
            .iter()
            .zip(&dev[k..])
            .map(|(a, b)| a * b)
            .sum::<f64>()
            / n as f64;
        tau += 2.0 * ck / c0;
        if k as f64 >= c * tau {
            return Ok(TauInt { tau, window: k });
        }
    }
    Err(LangevinError::NotConverged {
        iters: n / 2,
        residual: tau,
    })
}

/// Eyring–Kramers gap: n_wells · √(V''(min)·|V''(saddle)|)/(2π) · e^{−ΔV/ε}, i.e. `n_wells` times
/// the Kramers escape rate; `n_wells = 2` is the symmetric double well (√32/π e^{−1/ε} for
/// (x² − 1)²), `n_wells = 1` the escape rate of a single well.
pub fn kramers_gap(
    v_min_curv: f64,
    v_saddle_curv: f64,
    barrier: f64,
    eps: f64,
    n_wells: usize,
) -> Result<f64> {
    positive("v_min_curv", v_min_curv)?;
    positive("eps", eps)?;
    positive("barrier", barrier)?;
    if !(v_saddle_curv.is_finite() && v_saddle_curv != 0.0) || n_wells == 0 {
        return Err(LangevinError::invalid(
            "v_saddle_curv, n_wells",
            "must be non-zero",
        ));
    }
    let k = (v_min_curv * v_saddle_curv.abs()).sqrt() / (2.0 * std::f64::consts::PI);
    Ok(n_wells as f64 * k * (-barrier / eps).exp())
}

/// Mixing time from a point mass (spec corrections box): t_mix = ln(1/δ)/gap.
pub fn mixing_time(gap: f64, delta: f64) -> Result<f64> {
    positive("gap", gap)?;
    opt_core::error::ensure_in_range("delta", delta, f64::MIN_POSITIVE, 1.0 - f64::EPSILON)?;
    Ok((1.0 / delta).ln() / gap)
}

/// χ² mixing time: the smallest t with e^{−2·gap·t} χ²₀ ≤ δ, i.e. ln(χ²₀/δ)/(2·gap).
pub fn mixing_time_chi2(gap: f64, chi2_0: f64, delta: f64) -> Result<f64> {
    positive("gap", gap)?;
    positive("chi2_0", chi2_0)?;
    positive("delta", delta)?;
    Ok(((chi2_0 / delta).ln() / (2.0 * gap)).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_fit_recovers_a_rate() {
        let ts: Vec<f64> = (0..100).map(|i| i as f64 * 0.1).collect();
        let v: Vec<f64> = ts.iter().map(|t| 2.0 * (-0.7 * t).exp()).collect();
        let f = decay_rate_fit(&ts, &v, (1.0, 8.0)).unwrap();
        assert!((f.rate - 0.7).abs() < 1e-12 && (f.intercept - 2f64.ln()).abs() < 1e-10);
        let mut bad = v.clone();
        bad[50] = -1.0;
        assert!(decay_rate_fit(&ts, &bad, (1.0, 8.0)).is_err());
        assert!(decay_rate_fit(&ts, &v, (100.0, 200.0)).is_err());
    }

    #[test]
    fn tau_int_of_an_ar1_process() {
        // x_{t+1} = φ x_t + ξ: τ_int = (1 + φ)/(1 − φ) = 9 for φ = 0.8.
        let mut rng = opt_core::rng::stream(5, "test/ar1", 0);
        let mut x = 0.0;
        let s: Vec<f64> = (0..200_000)
            .map(|_| {
                x = 0.8 * x + opt_core::rng::standard_normal(&mut rng);
                x
            })
            .collect();
        let t = tau_int_sokal(&s, 5.0).unwrap();
        assert!((t.tau - 9.0).abs() < 0.6, "{t:?}");
    }

    #[test]
    fn kramers_prefactor_and_mixing_times() {
        let g = kramers_gap(8.0, -4.0, 1.0, 0.1, 2).unwrap();
        assert!((g - 32f64.sqrt() / std::f64::consts::PI * (-10f64).exp()).abs() < 1e-18);
        assert!((mixing_time(0.5, 0.05).unwrap() - 20f64.ln() / 0.5).abs() < 1e-12);
        assert!(mixing_time(0.0, 0.05).is_err() && mixing_time(1.0, 1.5).is_err());
        assert!((mixing_time_chi2(1.0, 100.0, 0.01).unwrap() - 1e4f64.ln() / 2.0).abs() < 1e-12);
    }
}

//! Summary statistics and the least-squares fits used by rate claims.

use crate::error::{Error, Result};

fn non_empty(name: &'static str, xs: &[f64]) -> Result<()> {
    if xs.is_empty() {
        return Err(Error::invalid(name, "needs at least one value"));
    }
    crate::error::ensure_finite(name, xs)
}

/// Arithmetic mean.
pub fn mean(xs: &[f64]) -> Result<f64> {
    non_empty("xs", xs)?;
    Ok(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Sample standard deviation `sqrt(Σ (x − x̄)² / (n − 1))` (0 for one value).
pub fn sd(xs: &[f64]) -> Result<f64> {
    let m = mean(xs)?;
    if xs.len() == 1 {
        return Ok(0.0);
    }
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Ok((ss / (xs.len() - 1) as f64).sqrt())
}

/// Standard error of the mean `sd / sqrt(n)`.
pub fn std_error(xs: &[f64]) -> Result<f64> {
    Ok(sd(xs)? / (xs.len() as f64).sqrt())
}

/// Quantile `q ∈ [0, 1]` with linear interpolation between order statistics (type 7, NumPy's default).
pub fn quantile(xs: &[f64], q: f64) -> Result<f64> {
    non_empty("xs", xs)?;
    crate::error::ensure_in_range("q", q, 0.0, 1.0)?;
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let h = q * (s.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Ok(s[lo] + (h - lo as f64) * (s[hi] - s[lo]))
}

/// Median (`quantile(xs, 0.5)`).
pub fn median(xs: &[f64]) -> Result<f64> {
    quantile(xs, 0.5)
}

/// A least-squares line `y ≈ intercept + slope · x` with its coefficient of determination.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LineFit {
    /// Slope.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
    /// R² = 1 − SS_res / SS_tot (1 when `y` is constant and fitted exactly).
    pub r2: f64,
}

/// Ordinary least-squares line through `(x_i, y_i)`.
pub fn linear_fit(x: &[f64], y: &[f64]) -> Result<LineFit> {
    crate::error::ensure_len("y", x.len(), y.len())?;
    if x.len() < 2 {
        return Err(Error::invalid("x", "a line fit needs at least two points"));
    }
    crate::error::ensure_finite("x", x)?;
    crate::error::ensure_finite("y", y)?;
    let mx = mean(x)?;
    let my = mean(y)?;
    let sxx: f64 = x.iter().map(|v| (v - mx) * (v - mx)).sum();
    if sxx == 0.0 {
        return Err(Error::invalid("x", "all abscissae are equal"));
    }
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let ss_tot: f64 = y.iter().map(|v| (v - my) * (v - my)).sum();
    let ss_res: f64 = x
        .iter()
        .zip(y)
        .map(|(a, b)| (b - intercept - slope * a).powi(2))
        .sum();
    let r2 = if ss_tot == 0.0 {
        1.0
    } else {
        1.0 - ss_res / ss_tot
    };
    Ok(LineFit {
        slope,
        intercept,
        r2,
    })
}

/// Fit of `log y = intercept + slope · log x` (rate claims: `y ∝ x^slope`). Needs `x, y > 0`.
pub fn loglog_fit(x: &[f64], y: &[f64]) -> Result<LineFit> {
    if let Some(i) = x.iter().chain(y).position(|v| *v <= 0.0) {
        return Err(Error::invalid(
            "x, y",
            format!("log-log fit needs positive values (entry {i} is not)"),
        ));
    }
    let lx: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let ly: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    linear_fit(&lx, &ly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn closed_forms() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(mean(&xs).unwrap(), 2.5);
        assert!((sd(&xs).unwrap() - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert!((std_error(&xs).unwrap() - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
        assert_eq!(quantile(&xs, 0.5).unwrap(), 2.5);
        assert_eq!(quantile(&xs, 0.25).unwrap(), 1.75); // numpy.quantile([1,2,3,4], .25)
        assert_eq!(median(&[3.0, 1.0, 2.0]).unwrap(), 2.0);
        let x: Vec<f64> = (1..=10).map(|i| i as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| 3.0 * v.powf(-0.5)).collect();
        let f = loglog_fit(&x, &y).unwrap();
        assert!((f.slope + 0.5).abs() < 1e-12 && (f.intercept - 3f64.ln()).abs() < 1e-12);
        assert!((f.r2 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(mean(&[]).is_err());
        assert!(mean(&[1.0, f64::NAN]).is_err());
        assert!(quantile(&[1.0], 1.5).is_err());
        assert!(linear_fit(&[1.0], &[1.0]).is_err());
        assert!(linear_fit(&[1.0, 1.0], &[1.0, 2.0]).is_err());
        assert!(linear_fit(&[1.0, 2.0], &[1.0]).is_err());
        assert!(loglog_fit(&[1.0, 2.0], &[0.0, 1.0]).is_err());
    }

    proptest! {
        #[test]
        fn quantiles_are_monotone_and_bounded(xs in proptest::collection::vec(-1e6f64..1e6, 1..50), q in 0.0f64..1.0) {
            let lo = quantile(&xs, 0.0).unwrap();
            let hi = quantile(&xs, 1.0).unwrap();
            let v = quantile(&xs, q).unwrap();
            prop_assert!(lo <= v && v <= hi);
            prop_assert!(quantile(&xs, q * 0.5).unwrap() <= v);
        }

        #[test]
        fn fit_recovers_exact_lines(a in -10.0f64..10.0, b in -10.0f64..10.0) {
            let x: Vec<f64> = (0..7).map(|i| i as f64).collect();
            let y: Vec<f64> = x.iter().map(|v| a + b * v).collect();
            let f = linear_fit(&x, &y).unwrap();
            prop_assert!((f.slope - b).abs() < 1e-9 && (f.intercept - a).abs() < 1e-9);
        }
    }
}

//! Batch losses with their gradients with respect to the network output (one sample per column).

use crate::error::{Error, Result, ensure_shape};
use nalgebra::DMatrix;

/// Mean squared error `L = (1/2B) Σ_b ‖y_b − t_b‖²`; writes `∂L/∂y` into `grad`.
pub fn mse(output: &DMatrix<f64>, target: &DMatrix<f64>, grad: &mut DMatrix<f64>) -> Result<f64> {
    ensure_shape("target", output.shape(), target.shape())?;
    ensure_shape("grad", output.shape(), grad.shape())?;
    let b = output.ncols();
    if b == 0 {
        return Err(Error::invalid("output", "empty batch"));
    }
    grad.copy_from(output);
    *grad -= target;
    let loss = grad.norm_squared() / (2.0 * b as f64);
    *grad /= b as f64;
    Ok(loss)
}

/// Softmax cross-entropy `L = (1/B) Σ_b (lse(z_b) − z_b[y_b])` of logits `z` (classes × B) against
/// labels; writes `∂L/∂z = (softmax(z) − onehot(y)) / B` into `grad`.
pub fn softmax_cross_entropy(
    logits: &DMatrix<f64>,
    labels: &[usize],
    grad: &mut DMatrix<f64>,
) -> Result<f64> {
    let (k, b) = logits.shape();
    ensure_shape("grad", (k, b), grad.shape())?;
    crate::error::ensure_len("labels", b, labels.len())?;
    if b == 0 {
        return Err(Error::invalid("logits", "empty batch"));
    }
    if let Some(i) = labels.iter().position(|&y| y >= k) {
        return Err(Error::invalid(
            "labels",
            format!("label {} at {i} is not below {k} classes", labels[i]),
        ));
    }
    let mut loss = 0.0;
    for (j, &y) in labels.iter().enumerate() {
        let mut col = grad.column_mut(j);
        col.copy_from(&logits.column(j));
        let lse = crate::mirror::softmax_in_place(col.as_mut_slice());
        loss += lse - logits[(y, j)];
        col[y] -= 1.0;
    }
    *grad /= b as f64;
    Ok(loss / b as f64)
}

/// Fraction of columns whose arg-max equals the label.
pub fn accuracy(logits: &DMatrix<f64>, labels: &[usize]) -> f64 {
    let correct = labels
        .iter()
        .enumerate()
        .filter(|&(j, &y)| logits.column(j).argmax().0 == y)
        .count();
    correct as f64 / labels.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::max_relative_error;

    #[test]
    fn cross_entropy_gradient_matches_finite_differences() {
        let z = DMatrix::from_row_slice(3, 2, &[0.2, -1.0, 1.5, 0.3, -0.7, 2.0]);
        let y = [1, 2];
        let mut g = DMatrix::zeros(3, 2);
        let l = softmax_cross_entropy(&z, &y, &mut g).unwrap();
        let mut num = DMatrix::zeros(3, 2);
        let mut scratch = DMatrix::zeros(3, 2);
        let h = 1e-6;
        for i in 0..6 {
            let mut zp = z.clone();
            zp[i] += h;
            let lp = softmax_cross_entropy(&zp, &y, &mut scratch).unwrap();
            zp[i] -= 2.0 * h;
            let lm = softmax_cross_entropy(&zp, &y, &mut scratch).unwrap();
            num[i] = (lp - lm) / (2.0 * h);
        }
        assert!(max_relative_error(g.as_slice(), num.as_slice()) < 1e-7);
        assert!(l > 0.0);
        assert_eq!(accuracy(&z, &y), 1.0);
        assert_eq!(accuracy(&z, &[0, 2]), 0.5);
        assert!(softmax_cross_entropy(&z, &[0, 3], &mut g).is_err());
    }

    #[test]
    fn mse_closed_form() {
        let y = DMatrix::from_row_slice(1, 2, &[1.0, 3.0]);
        let t = DMatrix::from_row_slice(1, 2, &[0.0, 1.0]);
        let mut g = DMatrix::zeros(1, 2);
        assert_eq!(mse(&y, &t, &mut g).unwrap(), 1.25);
        assert_eq!(g, DMatrix::from_row_slice(1, 2, &[0.5, 1.0]));
    }
}

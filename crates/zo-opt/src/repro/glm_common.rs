//! Shared pieces of the GLM experiments (E-ZO-3, E-ZO-3 on breast cancer, E-ZO-4): data, random
//! features, and the GD / ZO runs with the exact trace recorded along the way.

use crate::problems::{Glm, GlmLoss, random_features};
#[cfg(test)]
use crate::{ZoSgd, ZoSgdConfig, ZoSgdState};
use nalgebra::{DMatrix, DVector};
use opt_core::data::LabelledData;
#[cfg(test)]
use opt_core::problem::Gradient;
use opt_core::rng::{Rng, fill_standard_normal, standard_normal, stream};

/// The vendored UCI breast-cancer data (569 × 30, label last, header line).
pub(crate) const BREAST_CANCER: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/breast_cancer.csv"
));

/// A train/test pair of GLMs sharing the feature map.
pub(crate) struct Cell {
    pub train: Glm,
    pub test: Glm,
}

/// One method's trajectory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Curve {
    pub trace: Vec<f64>,
    pub loss: Vec<f64>,
    pub test_acc: f64,
    pub w: DVector<f64>,
}

impl Curve {
    pub fn final_trace(&self) -> f64 {
        *self.trace.last().unwrap_or(&f64::NAN)
    }
    pub fn final_loss(&self) -> f64 {
        *self.loss.last().unwrap_or(&f64::NAN)
    }
}

fn standardize_with(train: &mut DMatrix<f64>, test: &mut DMatrix<f64>) {
    let n = train.nrows() as f64;
    for j in 0..train.ncols() {
        let m = train.column(j).sum() / n;
        let v = train
            .column(j)
            .iter()
            .map(|x| (x - m) * (x - m))
            .sum::<f64>()
            / n;
        let sd = if v > 0.0 { v.sqrt() } else { 1.0 };
        train.column_mut(j).apply(|x| *x = (*x - m) / sd);
        test.column_mut(j).apply(|x| *x = (*x - m) / sd);
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    mut a_tr: DMatrix<f64>,
    mut a_te: DMatrix<f64>,
    y_tr: Vec<f64>,
    y_te: Vec<f64>,
    features: usize,
    relu: bool,
    loss: GlmLoss,
    rng: &mut Rng,
) -> Result<Cell, crate::ZoOptError> {
    standardize_with(&mut a_tr, &mut a_te);
    let (f_tr, f_te) = random_features(&a_tr, &a_te, features, relu, rng)?;
    Ok(Cell {
        train: Glm::new(f_tr, y_tr, loss)?,
        test: Glm::new(f_te, y_te, loss)?,
    })
}

/// Two Gaussian classes `N(±μ, I)` in `raw` dimensions, `‖μ‖ = 1.2`, `n` train and `n` test points.
pub(crate) fn synthetic(
    seed: u64,
    raw: usize,
    n: usize,
    features: usize,
    relu: bool,
    loss: GlmLoss,
) -> Result<Cell, crate::ZoOptError> {
    let mut rng = stream(seed, "zo-opt/glm/data", 0);
    let mu = 1.2 / (raw as f64).sqrt();
    let sample = |rng: &mut Rng| {
        let mut a = DMatrix::zeros(n, raw);
        let mut y = vec![0.0; n];
        for i in 0..n {
            y[i] = if i % 2 == 0 { 1.0 } else { -1.0 };
            for j in 0..raw {
                a[(i, j)] = y[i] * mu + standard_normal(rng);
            }
        }
        (a, y)
    };
    let (a_tr, y_tr) = sample(&mut rng);
    let (a_te, y_te) = sample(&mut rng);
    let mut frng = stream(seed, "zo-opt/glm/features", 0);
    build(a_tr, a_te, y_tr, y_te, features, relu, loss, &mut frng)
}

/// The breast-cancer data: seeded 70/30 split (398/171), standardised with training statistics.
pub(crate) fn breast_cancer(
    seed: u64,
    features: usize,
    relu: bool,
    loss: GlmLoss,
) -> Result<Cell, crate::ZoOptError> {
    let data = LabelledData::parse_csv(BREAST_CANCER, true)?;
    let (tr, te) = data.split(0.3, &mut stream(seed, "zo-opt/bc/split", 0))?;
    let lab = |d: &LabelledData| {
        d.labels
            .iter()
            .map(|&l| if l == 1 { 1.0 } else { -1.0 })
            .collect::<Vec<_>>()
    };
    let mut frng = stream(seed, "zo-opt/bc/features", 0);
    build(
        tr.x.clone(),
        te.x.clone(),
        lab(&tr),
        lab(&te),
        features,
        relu,
        loss,
        &mut frng,
    )
}

/// `w₀ ~ 0.1 N(0, I)`.
pub(crate) fn init(seed: u64, d: usize) -> DVector<f64> {
    let mut w = DVector::zeros(d);
    fill_standard_normal(&mut stream(seed, "zo-opt/glm/init", 0), w.as_mut_slice());
    w * 0.1
}

/// Full-batch GD `w ← w − η∇f(w)`; trace and loss every `every` steps.
///
/// Run in sample space (an exact reformulation for linear models, different rounding): with
/// `r_t = ℓ'(m_t) ∘ y / N`, `w_t = w₀ − η Φ Σ_{τ<t} r_τ` and the scores `s = Φᵀw` follow
/// `s ← s − η K r` with the Gram matrix `K = ΦᵀΦ` (`N²` per step instead of `2ND`). Scores are
/// re-synchronised from `w` at every record (`every` steps), so rounding cannot accumulate.
pub(crate) fn gd(cell: &Cell, w0: &DVector<f64>, eta: f64, iters: usize, every: usize) -> Curve {
    let p = &cell.train;
    let phi = p.features_t();
    let n = p.samples();
    let y = p.labels();
    let k = phi.tr_mul(phi);
    let mut acc = DVector::zeros(n);
    let mut s = DVector::zeros(n);
    let mut m = vec![0.0; n];
    let mut r = DVector::zeros(n);
    let mut w = w0.clone();
    phi.tr_mul_to(&w, &mut s);
    let margins = |s: &DVector<f64>, m: &mut [f64]| {
        for i in 0..n {
            m[i] = y[i] * s[i];
        }
    };
    margins(&s, &mut m);
    let mut c = Curve {
        trace: vec![p.trace_from_margins(&m)],
        loss: vec![p.loss_from_margins(&m)],
        ..Curve::default()
    };
    for t in 1..=iters {
        for i in 0..n {
            r[i] = p.loss().d1(m[i]) * y[i] / n as f64;
        }
        acc += &r;
        s.gemv(-eta, &k, &r, 1.0);
        if t % every == 0 || t == iters {
            w.copy_from(w0);
            w.gemv(-eta, phi, &acc, 1.0);
            phi.tr_mul_to(&w, &mut s);
        }
        margins(&s, &mut m);
        if t % every == 0 {
            c.trace.push(p.trace_from_margins(&m));
            c.loss.push(p.loss_from_margins(&m));
        }
    }
    c.test_acc = cell.test.accuracy(&w);
    c.w = w;
    c
}

/// Two-point ZO (the paper's Algorithm 1 with Gaussian directions from the same `(seed, t, 0)`
/// streams as [`ZoSgd`]), evaluated through the margins: `f(w ± λu) = (1/N) Σ ℓ(m_i ± λ y_i φ_iᵀu)`,
/// one pass `Φᵀu` per step instead of two evaluations (an exact reformulation, different rounding;
/// margins re-synchronised from `w` every `every` steps). A unit test checks it against [`ZoSgd`].
pub(crate) fn zo(
    cell: &Cell,
    w0: &DVector<f64>,
    eta: f64,
    lambda: f64,
    iters: usize,
    every: usize,
    seed: u64,
) -> Result<Curve, crate::ZoOptError> {
    let p = &cell.train;
    let phi = p.features_t();
    let n = p.samples();
    let y = p.labels();
    let loss = p.loss();
    let mut w = w0.clone();
    let mut u = DVector::zeros(w.len());
    let mut pu = DVector::zeros(n);
    let mut m = vec![0.0; n];
    p.margins_into(&w, &mut m);
    let mut c = Curve {
        trace: vec![p.trace_from_margins(&m)],
        loss: vec![p.loss_from_margins(&m)],
        ..Curve::default()
    };
    for t in 1..=iters {
        crate::Direction::Gaussian.fill(seed, (t - 1) as u64, 0, u.as_mut_slice());
        phi.tr_mul_to(&u, &mut pu);
        let (mut fp, mut fm) = (0.0, 0.0);
        for i in 0..n {
            let d = lambda * y[i] * pu[i];
            fp += loss.value(m[i] + d);
            fm += loss.value(m[i] - d);
        }
        let cdir = (fp / n as f64 - fm / n as f64) / (2.0 * lambda);
        if !cdir.is_finite() {
            return Err(crate::ZoOptError::NonFiniteValue {
                t: t as u64,
                side: crate::Side::Plus,
            });
        }
        w.axpy(-eta * cdir, &u, 1.0);
        if t % every == 0 {
            p.margins_into(&w, &mut m);
            c.trace.push(p.trace_from_margins(&m));
            c.loss.push(p.loss_from_margins(&m));
        } else {
            for i in 0..n {
                m[i] -= eta * cdir * y[i] * pu[i];
            }
        }
    }
    c.test_acc = cell.test.accuracy(&w);
    c.w = w;
    Ok(c)
}

/// The same ZO run through the generic [`ZoSgd`] (two full evaluations per step), for the test that
/// the margin form above is the same algorithm.
#[cfg(test)]
pub(crate) fn zo_generic(
    cell: &Cell,
    w0: &DVector<f64>,
    eta: f64,
    lambda: f64,
    iters: usize,
    seed: u64,
) -> DVector<f64> {
    let algo = ZoSgd::new(ZoSgdConfig::new(eta, lambda)).expect("valid");
    let mut s = ZoSgdState::new(&algo, w0.clone(), seed).expect("valid");
    for _ in 0..iters {
        algo.step_state(&cell.train, &mut s).expect("finite");
    }
    s.x
}

/// Plain GD through the gradient oracle, for the test of the sample-space form.
#[cfg(test)]
pub(crate) fn gd_generic(cell: &Cell, w0: &DVector<f64>, eta: f64, iters: usize) -> DVector<f64> {
    let mut w = w0.clone();
    let mut g = DVector::zeros(w.len());
    for _ in 0..iters {
        cell.train.gradient(&w, &mut g);
        w.axpy(-eta, &g, 1.0);
    }
    w
}

/// ZO trace / GD trace at matched training loss: the method with the lower final loss is read at the
/// first recorded iterate whose loss is at or below the other's final loss.
pub(crate) fn matched_loss_ratio(gd: &Curve, zo: &Curve) -> f64 {
    let first_below = |c: &Curve, level: f64| {
        c.loss
            .iter()
            .position(|l| *l <= level)
            .map(|i| c.trace[i])
            .unwrap_or_else(|| c.final_trace())
    };
    if zo.final_loss() < gd.final_loss() {
        first_below(zo, gd.final_loss()) / gd.final_trace()
    } else {
        zo.final_trace() / first_below(gd, zo.final_loss())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_forms_match_generic_runs() {
        let cell = synthetic(3, 5, 40, 30, true, GlmLoss::Logistic).expect("data");
        let w0 = init(3, 31);
        let a = zo(&cell, &w0, 0.05, 0.1, 250, 100, 9).expect("run").w;
        let b = zo_generic(&cell, &w0, 0.05, 0.1, 250, 9);
        assert!(
            (&a - &b).amax() < 1e-9 * b.amax().max(1.0),
            "{}",
            (&a - &b).amax()
        );
        let a = gd(&cell, &w0, 0.05, 250, 100).w;
        let b = gd_generic(&cell, &w0, 0.05, 250);
        assert!(
            (&a - &b).amax() < 1e-9 * b.amax().max(1.0),
            "{}",
            (&a - &b).amax()
        );
        assert!(
            (cell.train.exact_trace(&b)
                - cell.train.trace_from_margins(&{
                    let mut m = vec![0.0; 40];
                    cell.train.margins_into(&b, &mut m);
                    m
                }))
            .abs()
                < 1e-12
        );
    }
}

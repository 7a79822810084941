//! Labelled tabular data sets (the vendored UCI files in `data/`) and the usual preprocessing.

use crate::error::{Error, Result, ensure_in_range};
use crate::rng::{Rng, RngExt};
use nalgebra::DMatrix;

/// A labelled data set: `x` is `n × d` (one sample per **row**, as in the file), `labels[i]` the
/// class of row `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledData {
    /// Features, one sample per row.
    pub x: DMatrix<f64>,
    /// Class labels `0..num_classes`.
    pub labels: Vec<usize>,
}

impl LabelledData {
    /// Parses comma-separated rows `f_1, ..., f_d, label`. With `header = true` the first line is
    /// skipped (the UCI files here carry `rows,features,class names...`). Blank lines are ignored.
    pub fn parse_csv(text: &str, header: bool) -> Result<Self> {
        let mut rows: Vec<Vec<f64>> = Vec::new();
        let mut labels = Vec::new();
        let mut width = None;
        for (lineno, line) in text.lines().enumerate().skip(usize::from(header)) {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split(',').collect();
            if fields.len() < 2 {
                return Err(Error::invalid(
                    "csv",
                    format!("line {}: needs features and a label", lineno + 1),
                ));
            }
            if *width.get_or_insert(fields.len()) != fields.len() {
                return Err(Error::invalid(
                    "csv",
                    format!(
                        "line {}: {} fields, expected {}",
                        lineno + 1,
                        fields.len(),
                        width.unwrap_or(0)
                    ),
                ));
            }
            let parse = |s: &str| -> Result<f64> {
                s.trim()
                    .parse::<f64>()
                    .map_err(|e| Error::invalid("csv", format!("line {}: {s:?}: {e}", lineno + 1)))
            };
            let feats = fields[..fields.len() - 1]
                .iter()
                .map(|s| parse(s))
                .collect::<Result<Vec<_>>>()?;
            crate::error::ensure_finite("csv features", &feats)?;
            let label = parse(fields[fields.len() - 1])?;
            if label < 0.0 || label.fract() != 0.0 {
                return Err(Error::invalid(
                    "csv",
                    format!("line {}: label {label} is not a class index", lineno + 1),
                ));
            }
            rows.push(feats);
            labels.push(label as usize);
        }
        if rows.is_empty() {
            return Err(Error::invalid("csv", "no data rows"));
        }
        let d = rows[0].len();
        let x = DMatrix::from_fn(rows.len(), d, |i, j| rows[i][j]);
        Ok(Self { x, labels })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Number of features.
    pub fn dim(&self) -> usize {
        self.x.ncols()
    }
    /// `1 + max label`.
    pub fn num_classes(&self) -> usize {
        self.labels.iter().max().map_or(0, |m| m + 1)
    }

    /// Centres each feature to mean 0 and scales it to unit variance (constant features keep scale 1).
    /// Returns the per-feature `(mean, sd)` so a test set can be transformed the same way.
    pub fn standardize(&mut self) -> Vec<(f64, f64)> {
        let n = self.x.nrows() as f64;
        let mut stats = Vec::with_capacity(self.x.ncols());
        for mut col in self.x.column_iter_mut() {
            let m = col.sum() / n;
            let sd = (col.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt();
            let s = if sd > 0.0 { sd } else { 1.0 };
            col.apply(|v| *v = (*v - m) / s);
            stats.push((m, s));
        }
        stats
    }

    /// The rows whose label satisfies `keep`.
    pub fn filter_labels(&self, keep: impl Fn(usize) -> bool) -> Self {
        let idx: Vec<usize> = (0..self.len()).filter(|&i| keep(self.labels[i])).collect();
        self.select(&idx)
    }

    /// The rows `idx`, in that order.
    pub fn select(&self, idx: &[usize]) -> Self {
        Self {
            x: self.x.select_rows(idx),
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
        }
    }

    /// A seeded random split into `(train, test)` with `test_fraction` of the rows in the test part.
    pub fn split(&self, test_fraction: f64, rng: &mut Rng) -> Result<(Self, Self)> {
        ensure_in_range("test_fraction", test_fraction, 0.0, 1.0)?;
        let mut idx: Vec<usize> = (0..self.len()).collect();
        for i in (1..idx.len()).rev() {
            let j = rng.random_range(0..=i);
            idx.swap(i, j);
        }
        let n_test = (test_fraction * self.len() as f64).round() as usize;
        let (test, train) = idx.split_at(n_test);
        Ok((self.select(train), self.select(test)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_preprocess() {
        let text = "3,2,a,b\n1,2,0\n3,4,1\n\n5,9,1\n";
        let mut d = LabelledData::parse_csv(text, true).unwrap();
        assert_eq!((d.len(), d.dim(), d.num_classes()), (3, 2, 2));
        assert_eq!(d.x[(2, 1)], 9.0);
        let stats = d.standardize();
        assert!((stats[0].0 - 3.0).abs() < 1e-15);
        assert!(d.x.column(0).sum().abs() < 1e-12);
        let ones = d.filter_labels(|y| y == 1);
        assert_eq!(ones.len(), 2);
        let (tr, te) = d
            .split(1.0 / 3.0, &mut crate::rng::stream(0, "split", 0))
            .unwrap();
        assert_eq!((tr.len(), te.len()), (2, 1));
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(LabelledData::parse_csv("", false).is_err());
        assert!(LabelledData::parse_csv("1,2,0\n1,0\n", false).is_err());
        assert!(LabelledData::parse_csv("1,x,0\n", false).is_err());
        assert!(LabelledData::parse_csv("1,2,0.5\n", false).is_err());
        assert!(LabelledData::parse_csv("1,nan,0\n", false).is_err());
    }
}

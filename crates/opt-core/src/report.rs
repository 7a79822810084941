//! The reproduction contract shared by every crate and `xtask`.
//!
//! Each crate's `repro` module exposes `experiments() -> Vec<Experiment>`. An [`Experiment`] is a
//! plain record with a `run` function pointer; running it at a [`Scale`] with a seed yields an
//! [`ExperimentOutput`]: the paper's [`Claim`]s with our measurements, [`Figure`]s to plot, a
//! [`Table`] written as `trace.csv`, and the configuration used. `xtask` only lists, runs, plots
//! and writes files; crates' tests run the `Quick` scale and assert every claim holds.

use serde::{Deserialize, Serialize};

/// How big a reproduction run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// CPU scale, seconds per experiment; what tests and CI run.
    Quick,
    /// Closer to the paper; minutes.
    Full,
}

impl std::str::FromStr for Scale {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "quick" => Ok(Scale::Quick),
            "full" => Ok(Scale::Full),
            other => Err(crate::Error::invalid(
                "scale",
                format!("unknown scale {other:?} (expected \"quick\" or \"full\")"),
            )),
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scale::Quick => "quick",
            Scale::Full => "full",
        })
    }
}

/// One claim of a paper, with our measurement and whether it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Short stable id, e.g. `"E1.rate"`.
    pub id: String,
    /// What is claimed, in words.
    pub statement: String,
    /// The paper's figure or value (text, since papers state ranges, orders and limits).
    pub paper: String,
    /// Our measured value.
    pub measured: f64,
    /// The pass condition on `measured`, in words (`"<= 1e-6"`, `"in [-0.6, -0.4]"`).
    pub threshold: String,
    /// Whether `measured` satisfies the threshold.
    pub holds: bool,
}

/// Formats a threshold number compactly: `1e-8`, `0.25`, `3e5`.
pub fn fmt_number(v: f64) -> String {
    if v != 0.0 && v.is_finite() && (v.abs() < 1e-3 || v.abs() >= 1e5) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

impl Claim {
    fn new(
        id: &str,
        statement: &str,
        paper: &str,
        measured: f64,
        threshold: String,
        holds: bool,
    ) -> Self {
        Self {
            id: id.into(),
            statement: statement.into(),
            paper: paper.into(),
            measured,
            threshold,
            holds: holds && measured.is_finite(),
        }
    }
    /// Holds when `measured <= max` (and finite).
    pub fn at_most(id: &str, statement: &str, paper: &str, measured: f64, max: f64) -> Self {
        Self::new(
            id,
            statement,
            paper,
            measured,
            format!("<= {}", fmt_number(max)),
            measured <= max,
        )
    }
    /// Holds when `measured >= min` (and finite).
    pub fn at_least(id: &str, statement: &str, paper: &str, measured: f64, min: f64) -> Self {
        Self::new(
            id,
            statement,
            paper,
            measured,
            format!(">= {}", fmt_number(min)),
            measured >= min,
        )
    }
    /// Holds when `lo <= measured <= hi`.
    pub fn within(id: &str, statement: &str, paper: &str, measured: f64, lo: f64, hi: f64) -> Self {
        Self::new(
            id,
            statement,
            paper,
            measured,
            format!("in [{}, {}]", fmt_number(lo), fmt_number(hi)),
            (lo..=hi).contains(&measured),
        )
    }
    /// Holds when `|measured − target| <= tol`.
    pub fn close_to(
        id: &str,
        statement: &str,
        paper: &str,
        measured: f64,
        target: f64,
        tol: f64,
    ) -> Self {
        Self::new(
            id,
            statement,
            paper,
            measured,
            format!("within {} of {}", fmt_number(tol), fmt_number(target)),
            (measured - target).abs() <= tol,
        )
    }
    /// A boolean claim (`measured` is 1 or 0): holds when `ok`.
    pub fn check(id: &str, statement: &str, paper: &str, ok: bool) -> Self {
        Self::new(
            id,
            statement,
            paper,
            if ok { 1.0 } else { 0.0 },
            "true".into(),
            ok,
        )
    }
}

/// A named curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// Abscissae.
    pub x: Vec<f64>,
    /// Ordinates (same length as `x`).
    pub y: Vec<f64>,
}

impl Series {
    /// A series from paired columns.
    pub fn new(name: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Self {
        debug_assert_eq!(x.len(), y.len());
        Self {
            name: name.into(),
            x,
            y,
        }
    }
    /// `y` against `0, 1, 2, ...` (iteration curves).
    pub fn indexed(name: impl Into<String>, y: Vec<f64>) -> Self {
        let x = (0..y.len()).map(|i| i as f64).collect();
        Self::new(name, x, y)
    }
}

/// A plot: several series on shared axes; rendered to SVG by `xtask`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// File stem (`<id>.svg`).
    pub id: String,
    /// Title above the plot.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Logarithmic x axis.
    pub log_x: bool,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// The curves.
    pub series: Vec<Series>,
}

impl Figure {
    /// A figure with linear axes and no series yet.
    pub fn new(id: &str, title: &str, x_label: &str, y_label: &str) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            log_x: false,
            log_y: false,
            series: Vec::new(),
        }
    }
    /// Sets the axis scales.
    #[must_use]
    pub fn log_axes(mut self, log_x: bool, log_y: bool) -> Self {
        self.log_x = log_x;
        self.log_y = log_y;
        self
    }
    /// Adds a curve.
    #[must_use]
    pub fn with(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }
}

/// A numeric table written as CSV (`trace.csv`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, each with one value per column.
    pub rows: Vec<Vec<f64>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn with_columns(columns: &[&str]) -> Self {
        Self {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }
    /// Appends a row (debug-checked to have one value per column).
    pub fn push(&mut self, row: Vec<f64>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }
    /// One column by name.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let j = self.columns.iter().position(|c| c == name)?;
        Some(self.rows.iter().map(|r| r[j]).collect())
    }
    /// CSV text: header line, then rows (shortest round-trip float formatting, scientific
    /// notation for very small or large magnitudes).
    pub fn to_csv(&self) -> String {
        let mut s = self.columns.join(",");
        s.push('\n');
        for r in &self.rows {
            let line: Vec<String> = r.iter().map(|v| format!("{v:?}")).collect();
            s.push_str(&line.join(","));
            s.push('\n');
        }
        s
    }
}

/// Everything one experiment run produces.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExperimentOutput {
    /// The paper's claims with our measurements.
    pub claims: Vec<Claim>,
    /// Plots.
    pub figures: Vec<Figure>,
    /// The main trace (written as `trace.csv`).
    pub trace: Table,
    /// The configuration actually used (written into `summary.json`).
    pub config: serde_json::Value,
    /// Free-text remarks (deviations, report-only numbers).
    pub notes: Vec<String>,
}

impl ExperimentOutput {
    /// The claims that do not hold.
    pub fn failed_claims(&self) -> Vec<&Claim> {
        self.claims.iter().filter(|c| !c.holds).collect()
    }
}

/// Error type of experiment runs (each crate's error converts into it with `?`).
pub type ExperimentError = Box<dyn std::error::Error + Send + Sync>;

/// What a run gets: the scale, the seed, and a progress callback.
pub struct RunContext<'a> {
    /// Quick or full.
    pub scale: Scale,
    /// The experiment seed; derive every stream from it with [`crate::rng::stream`].
    pub seed: u64,
    progress: &'a (dyn Fn(u64, u64) + Sync),
}

impl<'a> RunContext<'a> {
    /// A context reporting progress to `progress(done, total)`.
    pub fn new(scale: Scale, seed: u64, progress: &'a (dyn Fn(u64, u64) + Sync)) -> Self {
        Self {
            scale,
            seed,
            progress,
        }
    }
    /// A context that ignores progress (tests).
    pub fn quiet(scale: Scale, seed: u64) -> RunContext<'static> {
        RunContext {
            scale,
            seed,
            progress: &|_, _| {},
        }
    }
    /// Reports that `done` of `total` units of work are finished.
    pub fn progress(&self, done: u64, total: u64) {
        (self.progress)(done, total)
    }
    /// `quick` at [`Scale::Quick`], else `full`.
    pub fn pick<T>(&self, quick: T, full: T) -> T {
        match self.scale {
            Scale::Quick => quick,
            Scale::Full => full,
        }
    }
}

/// One reproducible experiment of a paper.
#[derive(Clone, Copy)]
pub struct Experiment {
    /// Unique id within the crate, e.g. `"e1-quadratic-rate"`.
    pub id: &'static str,
    /// The crate it belongs to, e.g. `"lowrank"`.
    pub crate_name: &'static str,
    /// The paper and item reproduced, e.g. `"arXiv:2410.xxxxx, Fig. 2"`.
    pub paper_ref: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Runs it.
    pub run: fn(&RunContext<'_>) -> Result<ExperimentOutput, ExperimentError>,
}

impl Experiment {
    /// `crate/id`, the name `xtask` uses.
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.crate_name, self.id)
    }
}

impl std::fmt::Debug for Experiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Experiment")
            .field("id", &self.id)
            .field("crate_name", &self.crate_name)
            .field("paper_ref", &self.paper_ref)
            .field("title", &self.title)
            .finish()
    }
}

/// Runs every experiment at quick scale with `seed` and panics with the failed claims, if any.
/// Crates call this from `tests/claims.rs`.
pub fn assert_quick_claims_hold(experiments: &[Experiment], seed: u64) {
    let mut failures = Vec::new();
    for e in experiments {
        let out = (e.run)(&RunContext::quiet(Scale::Quick, seed))
            .unwrap_or_else(|err| panic!("{} failed to run: {err}", e.full_id()));
        assert!(!out.claims.is_empty(), "{} asserts no claim", e.full_id());
        for c in out.failed_claims() {
            failures.push(format!(
                "{} {}: measured {} (threshold {}; paper {})",
                e.full_id(),
                c.id,
                c.measured,
                c.threshold,
                c.paper
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "claims failed:\n{}",
        failures.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_judge_their_thresholds() {
        assert!(Claim::at_most("a", "", "", 1.0, 1.0).holds);
        assert!(!Claim::at_most("a", "", "", f64::NAN, 1.0).holds);
        assert!(!Claim::at_least("a", "", "", 0.5, 1.0).holds);
        assert!(Claim::within("a", "", "", -0.5, -0.6, -0.4).holds);
        assert!(!Claim::within("a", "", "", -0.3, -0.6, -0.4).holds);
        assert!(Claim::close_to("a", "", "", 0.3057, 0.3, 0.01).holds);
        assert!(!Claim::check("a", "", "", false).holds);
    }

    #[test]
    fn table_csv_and_serde_roundtrip() {
        let mut t = Table::with_columns(&["iter", "loss"]);
        t.push(vec![1.0, 0.5]);
        t.push(vec![2.0, 1e-10]);
        assert_eq!(t.to_csv(), "iter,loss\n1.0,0.5\n2.0,1e-10\n");
        assert_eq!(fmt_number(1e-8), "1e-8");
        assert_eq!(fmt_number(0.25), "0.25");
        assert_eq!(t.column("loss"), Some(vec![0.5, 1e-10]));
        let f = Figure::new("f", "t", "x", "y")
            .log_axes(false, true)
            .with(Series::indexed("s", vec![1.0, 0.1]));
        let back: Figure = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
        assert_eq!("quick".parse::<Scale>().unwrap(), Scale::Quick);
        assert!("medium".parse::<Scale>().is_err());
    }
}

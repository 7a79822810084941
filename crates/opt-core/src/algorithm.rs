//! The shape every optlab algorithm takes, and the thin driver that runs it.
//!
//! An algorithm is an immutable, validated configuration implementing [`Algorithm`]; its mutable
//! iterate and workspaces live in a plain-data `State`. One call of [`Algorithm::step`] performs one
//! iteration, querying the problem as often as the method needs (SAM, ZO and Langevin query it more
//! than once), and returns a [`StepInfo`]: ordered `(name, value)` pairs such as `("loss", 0.3)`.
//!
//! [`run`] loops `step` until a [`Budget`] is exhausted and tells each step to an [`Observer`].
//! Convention: an algorithm that counts oracle calls reports the cumulative count as `"evals"`, which
//! [`Budget::max_evals`] reads.

use crate::observer::{Control, Observer};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Most entries a [`StepInfo`] holds (fixed so a step allocates nothing).
pub const STEP_INFO_CAPACITY: usize = 12;

/// What one step reports: up to [`STEP_INFO_CAPACITY`] ordered `(name, value)` pairs, no allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepInfo {
    len: usize,
    entries: [(&'static str, f64); STEP_INFO_CAPACITY],
}

impl Default for StepInfo {
    fn default() -> Self {
        Self {
            len: 0,
            entries: [("", 0.0); STEP_INFO_CAPACITY],
        }
    }
}

impl StepInfo {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder form of [`StepInfo::push`]: `StepInfo::new().with("loss", l).with("evals", n)`.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: f64) -> Self {
        self.push(name, value);
        self
    }

    /// Sets `name` to `value` (overwriting an existing entry of that name, else appending).
    ///
    /// # Panics
    /// When more than [`STEP_INFO_CAPACITY`] distinct names are pushed: a programming error.
    pub fn push(&mut self, name: &'static str, value: f64) {
        if let Some(e) = self.entries[..self.len].iter_mut().find(|e| e.0 == name) {
            e.1 = value;
            return;
        }
        assert!(
            self.len < STEP_INFO_CAPACITY,
            "StepInfo holds at most {STEP_INFO_CAPACITY} entries"
        );
        self.entries[self.len] = (name, value);
        self.len += 1;
    }

    /// The value named `name`, if reported.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The entries in the order they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        self.entries[..self.len].iter().copied()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first entry whose value is NaN or infinite.
    pub fn first_non_finite(&self) -> Option<&'static str> {
        self.iter().find(|(_, v)| !v.is_finite()).map(|(n, _)| n)
    }
}

/// One iterative method. `P` is the problem type it works on (it may be unsized, e.g. `dyn Objective`).
pub trait Algorithm<P: ?Sized> {
    /// The plain-data iterate and preallocated workspaces.
    type State;
    /// The crate's error type.
    type Error: std::error::Error + From<crate::Error>;

    /// Performs one iteration in place.
    fn step(
        &self,
        problem: &P,
        state: &mut Self::State,
        rng: &mut Rng,
    ) -> Result<StepInfo, Self::Error>;
}

/// When [`run`] stops.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Maximum number of steps.
    pub max_iters: usize,
    /// Stop once the entry `.0` of a step report is `<= .1` (e.g. `("grad_norm", 1e-8)`).
    #[serde(skip)]
    pub tolerance: Option<(&'static str, f64)>,
    /// Stop once the reported cumulative `"evals"` reaches this many oracle calls.
    pub max_evals: Option<u64>,
}

impl Budget {
    /// At most `n` steps, no other criterion.
    pub fn iters(n: usize) -> Self {
        Self {
            max_iters: n,
            tolerance: None,
            max_evals: None,
        }
    }
    /// Adds a tolerance on the step-report entry `key`.
    #[must_use]
    pub fn until(mut self, key: &'static str, below: f64) -> Self {
        self.tolerance = Some((key, below));
        self
    }
    /// Adds an oracle-call budget (read from the `"evals"` entry).
    #[must_use]
    pub fn evals(mut self, max: u64) -> Self {
        self.max_evals = Some(max);
        self
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Termination {
    /// `max_iters` steps were taken.
    MaxIters,
    /// The tolerance entry fell to or below its threshold.
    Tolerance {
        /// The entry's value at the stop.
        value: f64,
    },
    /// The evaluation budget was used up.
    EvalBudget {
        /// Evaluations used.
        evals: u64,
    },
    /// A reported value became NaN/inf; the algorithm's state holds its last finite iterate if the
    /// algorithm guarantees it (see its docs).
    NonFinite {
        /// Which entry was non-finite.
        #[serde(skip)]
        entry: &'static str,
    },
    /// The observer asked to stop.
    Observer,
}

/// The result of [`run`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunReport {
    /// Steps taken.
    pub iters: usize,
    /// Why it stopped.
    pub termination: Termination,
    /// The last step's report (empty when no step was taken).
    pub last: StepInfo,
}

/// Runs `algo` from `state` until `budget` or the observer stops it.
///
/// Each step's report goes to `observer` with its 1-based iteration number. A non-finite entry
/// ends the run with [`Termination::NonFinite`] (not an error: the state is returned to the caller).
pub fn run<P, A>(
    problem: &P,
    algo: &A,
    state: &mut A::State,
    budget: &Budget,
    rng: &mut Rng,
    observer: &mut dyn Observer,
) -> Result<RunReport, A::Error>
where
    P: ?Sized,
    A: Algorithm<P> + ?Sized,
{
    let mut last = StepInfo::new();
    let mut iters = 0;
    let mut termination = Termination::MaxIters;
    while iters < budget.max_iters {
        last = algo.step(problem, state, rng)?;
        iters += 1;
        let control = observer.on_step(iters, &last);
        if let Some(entry) = last.first_non_finite() {
            termination = Termination::NonFinite { entry };
            break;
        }
        if let Some(v) = budget
            .tolerance
            .and_then(|(key, below)| last.get(key).filter(|v| *v <= below))
        {
            termination = Termination::Tolerance { value: v };
            break;
        }
        if let Some(evals) = budget
            .max_evals
            .and_then(|max| last.get("evals").filter(|e| *e >= max as f64))
        {
            termination = Termination::EvalBudget {
                evals: evals as u64,
            };
            break;
        }
        if control == Control::Stop {
            termination = Termination::Observer;
            break;
        }
    }
    Ok(RunReport {
        iters,
        termination,
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observer::{NoObserver, Recorder};
    use crate::rng::stream;

    /// x <- x / 2 each step; reports x and a running evaluation count.
    struct Halve;
    impl Algorithm<()> for Halve {
        type State = (f64, u64);
        type Error = crate::Error;
        fn step(&self, _: &(), s: &mut (f64, u64), _: &mut Rng) -> crate::Result<StepInfo> {
            s.0 /= 2.0;
            s.1 += 2;
            Ok(StepInfo::new().with("x", s.0).with("evals", s.1 as f64))
        }
    }

    #[test]
    fn step_info_is_ordered_and_overwrites() {
        let mut s = StepInfo::new().with("a", 1.0).with("b", 2.0);
        s.push("a", 3.0);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![("a", 3.0), ("b", 2.0)]);
        assert_eq!(s.get("b"), Some(2.0));
        assert_eq!(s.get("c"), None);
        s.push("c", f64::NAN);
        assert_eq!(s.first_non_finite(), Some("c"));
    }

    #[test]
    fn driver_terminations() {
        let mut rng = stream(0, "t", 0);
        let mut st = (1.0, 0);
        let r = run(
            &(),
            &Halve,
            &mut st,
            &Budget::iters(5),
            &mut rng,
            &mut NoObserver,
        )
        .unwrap();
        assert_eq!((r.iters, r.termination), (5, Termination::MaxIters));
        let mut st = (1.0, 0);
        let b = Budget::iters(100).until("x", 1e-3);
        let r = run(&(), &Halve, &mut st, &b, &mut rng, &mut NoObserver).unwrap();
        assert_eq!(r.iters, 10);
        assert!(matches!(r.termination, Termination::Tolerance { .. }));
        let mut st = (1.0, 0);
        let b = Budget::iters(100).evals(7);
        let r = run(&(), &Halve, &mut st, &b, &mut rng, &mut NoObserver).unwrap();
        assert_eq!(r.iters, 4);
        assert_eq!(r.termination, Termination::EvalBudget { evals: 8 });
        let mut st = (f64::INFINITY, 0);
        let mut rec = Recorder::new();
        let r = run(&(), &Halve, &mut st, &Budget::iters(9), &mut rng, &mut rec).unwrap();
        assert_eq!(r.termination, Termination::NonFinite { entry: "x" });
        assert_eq!(rec.len(), 1);
    }
}

//! # opt-core
//!
//! The shared machinery of optlab. Everything two algorithm crates would otherwise write twice
//! lives here, and nothing paper-specific does.
//!
//! | module | what |
//! |---|---|
//! | [`rng`] | `Rng = ChaCha8Rng`, `stream(seed, domain, index)`, thread-count-independent parallel maps and sums |
//! | [`problem`] | `Objective`, `Gradient`, `StochasticGradient`, `HessianVector`; closure adapters; `Counted` |
//! | [`algorithm`] | the `Algorithm` (config + state + step) shape, `StepInfo`, `Budget`, `Termination`, `run` |
//! | [`observer`] | `Observer`, `Recorder`, `CsvWriter`, `JsonLinesWriter`, `every(n, ..)` |
//! | [`optim`] | SGD, momentum, Adam/AdamW, schedules, `FirstOrder` driver adaptor |
//! | [`linalg`] | slice kernels several crates need (`dot` with a fixed summation order) |
//! | [`mirror`] | log-sum-exp, softmax, entropy mirror step, KL projection on a box-constrained simplex |
//! | [`nn`] | dense MLPs with backprop, losses |
//! | [`stats`] | mean, sd, standard error, quantiles, line and log-log fits |
//! | [`check`] | finite-difference checkers for gradients, HVPs and VJPs |
//! | [`report`] | `Experiment`, `Scale`, `Claim`, `Series`, `Figure`, `Table`: the reproduction contract |
//! | [`data`] | labelled CSV data sets (the vendored UCI files), standardisation, seeded splits |
//! | [`error`] | `Error` and boundary validators |
//!
//! ```
//! use opt_core::algorithm::{run, Budget};
//! use opt_core::observer::NoObserver;
//! use opt_core::optim::{Adam, AdamConfig, FirstOrder, FirstOrderState};
//! use opt_core::problem::FnGradient;
//! use nalgebra::DVector;
//!
//! // minimise f(x) = ‖x − 1‖² with Adam
//! let f = FnGradient::new(
//!     3,
//!     |x: &DVector<f64>| x.map(|v| (v - 1.0).powi(2)).sum(),
//!     |x: &DVector<f64>, g: &mut DVector<f64>| g.copy_from(&x.map(|v| 2.0 * (v - 1.0))),
//! );
//! let mut state = FirstOrderState::new(DVector::zeros(3), Adam::new(3, AdamConfig::new(0.05))?)?;
//! let mut rng = opt_core::rng::stream(42, "example", 0);
//! let report = run(&f, &FirstOrder::new(), &mut state, &Budget::iters(5000).until("f", 1e-12), &mut rng, &mut NoObserver)?;
//! assert!(report.last.get("f").unwrap() <= 1e-12);
//! # Ok::<(), opt_core::Error>(())
//! ```

pub mod algorithm;
pub mod check;
pub mod data;
pub mod error;
pub mod linalg;
pub mod mirror;
pub mod nn;
pub mod observer;
pub mod optim;
pub mod problem;
pub mod report;
pub mod rng;
pub mod selfcheck;
pub mod stats;

pub use error::{Error, Result};

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::nn::Mlp>();
        assert_send_sync::<crate::nn::MlpWorkspace>();
        assert_send_sync::<crate::optim::Adam>();
        assert_send_sync::<crate::report::Experiment>();
        assert_send_sync::<crate::report::ExperimentOutput>();
        assert_send_sync::<crate::problem::Counted<crate::problem::Rosenbrock>>();
        assert_send_sync::<crate::algorithm::StepInfo>();
        assert_send_sync::<crate::rng::Rng>();
    }
}

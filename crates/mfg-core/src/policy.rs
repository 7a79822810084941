//! Markov policies `π_h(a|s)` (H×S×A probabilities) and logits `ζ` with `π = softmax_a(ζ)`.

use crate::error::{PROB_TOL, Result, ensure_distribution, ensure_finite, ensure_shape};

/// A Markov policy: `probs[(h·|S| + s)·|A| + a] = π_h(a|s)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `H`.
    pub horizon: usize,
    /// `|S|`.
    pub n_states: usize,
    /// `|A|`.
    pub n_actions: usize,
    /// The probabilities, rows over actions.
    pub probs: Vec<f64>,
}

/// Logits `ζ ∈ R^{H×S×A}` (same layout as [`Policy::probs`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Logits {
    /// `H`.
    pub horizon: usize,
    /// `|S|`.
    pub n_states: usize,
    /// `|A|`.
    pub n_actions: usize,
    /// The logits.
    pub values: Vec<f64>,
}

fn check_sizes(horizon: usize, n_states: usize, n_actions: usize) -> Result<()> {
    if horizon == 0 {
        return Err(crate::error::invalid("horizon", 0.0, "must be >= 1"));
    }
    if n_states == 0 || n_actions == 0 {
        return Err(crate::error::invalid(
            "n_states/n_actions",
            0.0,
            "must be >= 1",
        ));
    }
    Ok(())
}

impl Policy {
    /// The uniform policy `π_h(a|s) = 1/|A|`.
    pub fn uniform(horizon: usize, n_states: usize, n_actions: usize) -> Result<Self> {
        check_sizes(horizon, n_states, n_actions)?;
        Ok(Self {
            horizon,
            n_states,
            n_actions,
            probs: vec![1.0 / n_actions as f64; horizon * n_states * n_actions],
        })
    }
    /// A deterministic policy from `actions[h·|S| + s]`.
    pub fn deterministic(
        horizon: usize,
        n_states: usize,
        n_actions: usize,
        actions: &[usize],
    ) -> Result<Self> {
        check_sizes(horizon, n_states, n_actions)?;
        ensure_shape("actions", horizon * n_states, actions.len())?;
        let mut probs = vec![0.0; horizon * n_states * n_actions];
        for (i, a) in actions.iter().enumerate() {
            if *a >= n_actions {
                return Err(crate::error::invalid(
                    "action",
                    *a as f64,
                    "must be < n_actions",
                ));
            }
            probs[i * n_actions + a] = 1.0;
        }
        Ok(Self {
            horizon,
            n_states,
            n_actions,
            probs,
        })
    }
    /// A validated policy from probabilities (each row sums to 1 within 1e-9, entries ≥ 0).
    pub fn from_probs(
        horizon: usize,
        n_states: usize,
        n_actions: usize,
        probs: Vec<f64>,
    ) -> Result<Self> {
        check_sizes(horizon, n_states, n_actions)?;
        ensure_shape("policy", horizon * n_states * n_actions, probs.len())?;
        for (i, row) in probs.chunks_exact(n_actions).enumerate() {
            ensure_distribution(
                "policy row",
                Some(i / n_states),
                i % n_states,
                i * n_actions,
                row,
                PROB_TOL,
            )?;
        }
        Ok(Self {
            horizon,
            n_states,
            n_actions,
            probs,
        })
    }
    /// `π = softmax_a(ζ)` per `(h, s)`, max-shifted.
    pub fn from_logits(z: &Logits) -> Result<Self> {
        ensure_finite("logit", None, &z.values)?;
        let mut probs = z.values.clone();
        softmax_rows(&mut probs, z.n_actions);
        Ok(Self {
            horizon: z.horizon,
            n_states: z.n_states,
            n_actions: z.n_actions,
            probs,
        })
    }
    /// `π_h(a|s)`.
    pub fn prob(&self, h: usize, s: usize, a: usize) -> f64 {
        self.probs[(h * self.n_states + s) * self.n_actions + a]
    }
    /// `log π_h(a|s)` (−∞ for a zero probability).
    pub fn log_prob(&self, h: usize, s: usize, a: usize) -> f64 {
        self.prob(h, s, a).ln()
    }
    /// The row `π_h(·|s)`.
    pub fn row(&self, h: usize, s: usize) -> &[f64] {
        let i = (h * self.n_states + s) * self.n_actions;
        &self.probs[i..i + self.n_actions]
    }
}

impl Logits {
    /// All-zero logits (the uniform policy), OMD's `ζ_0`.
    pub fn zeros(horizon: usize, n_states: usize, n_actions: usize) -> Result<Self> {
        check_sizes(horizon, n_states, n_actions)?;
        Ok(Self {
            horizon,
            n_states,
            n_actions,
            values: vec![0.0; horizon * n_states * n_actions],
        })
    }
    /// Validated logits from values.
    pub fn from_values(
        horizon: usize,
        n_states: usize,
        n_actions: usize,
        values: Vec<f64>,
    ) -> Result<Self> {
        check_sizes(horizon, n_states, n_actions)?;
        ensure_shape("logits", horizon * n_states * n_actions, values.len())?;
        ensure_finite("logit", None, &values)?;
        Ok(Self {
            horizon,
            n_states,
            n_actions,
            values,
        })
    }
}

/// In-place max-shifted softmax of every row of length `n_actions`.
pub fn softmax_rows(x: &mut [f64], n_actions: usize) {
    for row in x.chunks_exact_mut(n_actions) {
        opt_core::mirror::softmax_in_place(row);
    }
}

/// Checks that `probs` is a valid policy for `(H, S, A)`.
pub(crate) fn validate_probs(
    probs: &[f64],
    horizon: usize,
    n_states: usize,
    n_actions: usize,
) -> Result<()> {
    ensure_shape("policy", horizon * n_states * n_actions, probs.len())?;
    for (i, row) in probs.chunks_exact(n_actions).enumerate() {
        ensure_distribution(
            "policy row",
            Some(i / n_states),
            i % n_states,
            i * n_actions,
            row,
            PROB_TOL,
        )?;
    }
    Ok(())
}

impl From<Policy> for Vec<f64> {
    fn from(p: Policy) -> Self {
        p.probs
    }
}

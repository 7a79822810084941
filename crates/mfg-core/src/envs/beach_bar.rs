//! Beach bars: MFGLib's `beach_bar` and the AMID calibration instance (spec `mfg-core.md`,
//! "Reference environment: beach bar"; `incentive-amid.md`, beach-bar PMFG).

use super::{KernelFormat, build_kernel, log_crowd_vjp};
use crate::error::{Result, ensure_finite, ensure_shape};
use crate::kernel::Kernel;
use crate::model::{FiniteMfg, ParametricMfg};

/// MFGLib's beach bar (`Environment.beach_bar`): states `0..n` on a line, actions `{0,1,2}` move
/// by `a − 1`, then noise `ε ∈ {−1,0,1}` with probabilities `((1−p)/2, p, (1−p)/2)`, clipped to
/// `[0, n−1]`. Reward `R(s,a,μ) = −d(s, bar) − |a−1|/n − log(μ(s) + ε_log)` with `d` the
/// **torus** distance (MFGLib's `roll` construction; it rewards closeness to the bar).
#[derive(Debug, Clone)]
pub struct MfglibBeachBar {
    n: usize,
    horizon: usize,
    bar: usize,
    log_eps: f64,
    mu0: Vec<f64>,
    kernel: Kernel,
}

impl Default for MfglibBeachBar {
    /// MFGLib defaults: `T = 2` (H = 3), `n = 4`, `bar_loc = 2`, `log_eps = 1e-20`, `p_still = 0.5`.
    fn default() -> Self {
        Self::new(3, 4, 2, 1e-20, 0.5, KernelFormat::Sparse)
    }
}

impl MfglibBeachBar {
    /// The environment with horizon `H` (MFGLib's `T + 1`) and uniform μ0.
    pub fn new(
        horizon: usize,
        n: usize,
        bar: usize,
        log_eps: f64,
        p_still: f64,
        format: KernelFormat,
    ) -> Self {
        let prs = [(1.0 - p_still) / 2.0, p_still, (1.0 - p_still) / 2.0];
        let kernel = build_kernel(n, 3, format, |s, a, push| {
            for (e, pr) in prs.iter().enumerate() {
                let sn = (s as i64 + a as i64 - 1 + e as i64 - 1).clamp(0, n as i64 - 1);
                push(sn as usize, *pr);
            }
        });
        Self {
            n,
            horizon,
            bar,
            log_eps,
            mu0: vec![1.0 / n as f64; n],
            kernel,
        }
    }
    fn dist(&self, s: usize) -> f64 {
        let d = s.abs_diff(self.bar);
        d.min(self.n - d) as f64
    }
}

impl FiniteMfg for MfglibBeachBar {
    fn n_states(&self) -> usize {
        self.n
    }
    fn n_actions(&self) -> usize {
        3
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn new_kernel(&self) -> Kernel {
        self.kernel.clone()
    }
    fn transition(&self, _: usize, _: &[f64], out: &mut Kernel) {
        out.clone_from(&self.kernel);
    }
    fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
        for s in 0..self.n {
            let mu: f64 = l[s * 3..s * 3 + 3].iter().sum();
            for a in 0..3 {
                let mv = if a == 1 { 0.0 } else { 1.0 / self.n as f64 };
                out[s * 3 + a] = -self.dist(s) - mv - (mu + self.log_eps).ln();
            }
        }
    }
    fn density_independent(&self) -> bool {
        true
    }
    fn time_homogeneous(&self) -> bool {
        true
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(self.n as f64)
    }
    fn transition_vjp_l(&self, _: usize, _: &[f64], _: &Kernel, _: &mut [f64]) -> Result<()> {
        Ok(())
    }
    fn reward_vjp_l(&self, _: usize, l: &[f64], r_bar: &[f64], l_bar: &mut [f64]) -> Result<()> {
        log_crowd_vjp(l, 3, self.log_eps, 1.0, r_bar, l_bar);
        Ok(())
    }
}

/// The AMID calibration beach bar with per-spot prices θ: `K` spots, actions `{−1, 0, 1}`
/// (index `a` moves by `a − 1`), deterministic clipped moves, μ0 uniform, bar at `(K−1)/2`, and
/// `R_h(s,a,L) = −|s − bar|/K − log(μ_h(s) + 1e-3) − θ_s − 0.1·|a−1|/K`.
#[derive(Debug, Clone)]
pub struct BeachBar {
    k: usize,
    horizon: usize,
    crowd_eps: f64,
    move_cost: f64,
    theta: Vec<f64>,
    mu0: Vec<f64>,
    kernel: Kernel,
}

impl BeachBar {
    /// The calibration instance: `K = 21`, `H = 10`, crowd ε = 1e-3, move cost 0.1, θ = 0.
    pub fn calibration() -> Self {
        Self::new(21, 10, KernelFormat::Sparse)
    }
    /// `K` spots (odd `K` puts the bar at the centre), horizon `H`, θ = 0.
    pub fn new(k: usize, horizon: usize, format: KernelFormat) -> Self {
        let kernel = build_kernel(k, 3, format, |s, a, push| {
            push(
                (s as i64 + a as i64 - 1).clamp(0, k as i64 - 1) as usize,
                1.0,
            )
        });
        Self {
            k,
            horizon,
            crowd_eps: 1e-3,
            move_cost: 0.1,
            theta: vec![0.0; k],
            mu0: vec![1.0 / k as f64; k],
            kernel,
        }
    }
    /// The bar's spot `(K−1)/2`.
    pub fn bar(&self) -> usize {
        (self.k - 1) / 2
    }
}

impl FiniteMfg for BeachBar {
    fn n_states(&self) -> usize {
        self.k
    }
    fn n_actions(&self) -> usize {
        3
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn new_kernel(&self) -> Kernel {
        self.kernel.clone()
    }
    fn transition(&self, _: usize, _: &[f64], out: &mut Kernel) {
        out.clone_from(&self.kernel);
    }
    fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
        let kf = self.k as f64;
        let bar = self.bar();
        for s in 0..self.k {
            let mu: f64 = l[s * 3..s * 3 + 3].iter().sum();
            let base = -(s.abs_diff(bar) as f64) / kf - (mu + self.crowd_eps).ln() - self.theta[s];
            for a in 0..3 {
                let mv = if a == 1 { 0.0 } else { self.move_cost / kf };
                out[s * 3 + a] = base - mv;
            }
        }
    }
    fn density_independent(&self) -> bool {
        true
    }
    fn time_homogeneous(&self) -> bool {
        true
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(
            1.0 + (1.0 / self.crowd_eps).ln()
                + self.theta.iter().fold(0.0f64, |m, t| m.max(t.abs())),
        )
    }
    fn transition_vjp_l(&self, _: usize, _: &[f64], _: &Kernel, _: &mut [f64]) -> Result<()> {
        Ok(())
    }
    fn reward_vjp_l(&self, _: usize, l: &[f64], r_bar: &[f64], l_bar: &mut [f64]) -> Result<()> {
        log_crowd_vjp(l, 3, self.crowd_eps, 1.0, r_bar, l_bar);
        Ok(())
    }
}

impl ParametricMfg for BeachBar {
    fn n_params(&self) -> usize {
        self.k
    }
    fn params(&self) -> &[f64] {
        &self.theta
    }
    fn set_params(&mut self, theta: &[f64]) -> Result<()> {
        ensure_shape("theta", self.k, theta.len())?;
        ensure_finite("theta", None, theta)?;
        self.theta.copy_from_slice(theta);
        Ok(())
    }
    fn transition_vjp_theta(&self, _: usize, _: &[f64], _: &Kernel, _: &mut [f64]) -> Result<()> {
        Ok(())
    }
    /// `∂R(s,a)/∂θ_s = −1`.
    fn reward_vjp_theta(
        &self,
        _: usize,
        _: &[f64],
        r_bar: &[f64],
        theta_bar: &mut [f64],
    ) -> Result<()> {
        for (t, row) in theta_bar.iter_mut().zip(r_bar.chunks_exact(3)) {
            *t -= row.iter().sum::<f64>();
        }
        Ok(())
    }
}

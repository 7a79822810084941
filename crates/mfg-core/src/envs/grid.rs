//! Grid worlds: MFGLib's `crowd_motion` (2-D beach bar with a moving bar) and
//! `building_evacuation` (multi-floor building, staircases at opposite corners).

use super::{KernelFormat, build_kernel, log_crowd_vjp};
use crate::error::Result;
use crate::kernel::Kernel;
use crate::model::FiniteMfg;
use opt_core::rng::{RngExt, stream};

/// MFGLib's crowd motion on an `l × w` grid (clipped, despite MFGLib's "torus" naming), state
/// `s = x·w + y`. Actions `(+1,0), (−1,0), (0,+1), (0,−1), (0,0)`; after the move, a noise move
/// from the same list with probabilities `((1−p)/4 ×4, p)`. Reward
/// `R_h(s,a,μ) = c·(1 − d_1(s, bar_h)/(l + w)) − log(μ(s) + ε_log)`; the bar starts at
/// `(l/2, w/2)` and every `loc_change_freq` steps tries a random diagonal move (kept if inside).
#[derive(Debug, Clone)]
pub struct CrowdMotion {
    l: usize,
    w: usize,
    horizon: usize,
    c: f64,
    log_eps: f64,
    bars: Vec<(usize, usize)>,
    mu0: Vec<f64>,
    kernel: Kernel,
}

impl CrowdMotion {
    /// MFGLib defaults (`loc_change_freq = 2`, `c = 10`, `log_eps = 1e-10`, `p_still = 0.5`)
    /// with horizon `H`, an `l × w` grid, sparse kernel, bar moves drawn from `seed`.
    pub fn new(horizon: usize, l: usize, w: usize, seed: u64) -> Self {
        Self::with_options(
            horizon,
            l,
            w,
            2,
            10.0,
            1e-10,
            0.5,
            seed,
            KernelFormat::Sparse,
        )
    }
    /// Every MFGLib option plus the kernel storage.
    #[allow(clippy::too_many_arguments)]
    pub fn with_options(
        horizon: usize,
        l: usize,
        w: usize,
        loc_change_freq: usize,
        c: f64,
        log_eps: f64,
        p_still: f64,
        seed: u64,
        format: KernelFormat,
    ) -> Self {
        let x = (1.0 - p_still) / 4.0;
        let probs = [x, x, x, x, p_still];
        let moves: [(i64, i64); 5] = [(1, 0), (-1, 0), (0, 1), (0, -1), (0, 0)];
        let kernel = build_kernel(l * w, 5, format, |s, a, push| {
            let (s0, s1) = ((s / w) as i64, (s % w) as i64);
            for (d, pr) in moves.iter().zip(probs) {
                let n0 = (s0 + moves[a].0 + d.0).clamp(0, l as i64 - 1) as usize;
                let n1 = (s1 + moves[a].1 + d.1).clamp(0, w as i64 - 1) as usize;
                push(n0 * w + n1, pr);
            }
        });
        let mut rng = stream(seed, "mfg-core/crowd-motion/bar", 0);
        let mut bar = (l / 2, w / 2);
        let mut bars = vec![bar];
        for i in 0..horizon {
            if (i + 1) % loc_change_freq.max(1) == 0 {
                let dx = if rng.random_range(0..2) == 0 { -1 } else { 1 };
                let dy = if rng.random_range(0..2) == 0 { -1 } else { 1 };
                let nb = (bar.0 as i64 + dx, bar.1 as i64 + dy);
                if nb.0 >= 0 && (nb.0 as usize) < l && nb.1 >= 0 && (nb.1 as usize) < w {
                    bar = (nb.0 as usize, nb.1 as usize);
                }
            }
            bars.push(bar);
        }
        Self {
            l,
            w,
            horizon,
            c,
            log_eps,
            bars,
            mu0: vec![1.0 / (l * w) as f64; l * w],
            kernel,
        }
    }
}

impl FiniteMfg for CrowdMotion {
    fn n_states(&self) -> usize {
        self.l * self.w
    }
    fn n_actions(&self) -> usize {
        5
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
    fn reward(&self, h: usize, l: &[f64], out: &mut [f64]) {
        let bar = self.bars[h];
        let scale = (self.l + self.w) as f64;
        for s in 0..self.l * self.w {
            let d = (s / self.w).abs_diff(bar.0) + (s % self.w).abs_diff(bar.1);
            let mu: f64 = l[s * 5..s * 5 + 5].iter().sum();
            let r = self.c * (1.0 - d as f64 / scale) - (mu + self.log_eps).ln();
            out[s * 5..s * 5 + 5].fill(r);
        }
    }
    fn density_independent(&self) -> bool {
        true
    }
    fn time_homogeneous(&self) -> bool {
        true
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(self.c - self.log_eps.ln())
    }
    fn transition_vjp_l(&self, _: usize, _: &[f64], _: &Kernel, _: &mut [f64]) -> Result<()> {
        Ok(())
    }
    fn reward_vjp_l(&self, _: usize, l: &[f64], r_bar: &[f64], l_bar: &mut [f64]) -> Result<()> {
        log_crowd_vjp(l, 5, self.log_eps, 1.0, r_bar, l_bar);
        Ok(())
    }
}

/// MFGLib's building evacuation: `n_floor` floors of `floor_l × floor_w` tiles, state
/// `s = (f·floor_l + x)·floor_w + y`. Actions: 0 `x+1`, 1 `x−1`, 2 `y−1`, 3 `y+1` (clipped),
/// 4 downstairs (only at `(0,0)`), 5 upstairs (only at `(floor_l−1, floor_w−1)`); deterministic.
/// Reward `R(s,a,μ) = −η log(max(μ(s), ε_log)) + evac_r·1[f = 0]`.
#[derive(Debug, Clone)]
pub struct BuildingEvacuation {
    dims: (usize, usize, usize),
    horizon: usize,
    log_eps: f64,
    eta: f64,
    evac_r: f64,
    mu0: Vec<f64>,
    kernel: Kernel,
}

impl Default for BuildingEvacuation {
    fn default() -> Self {
        Self::new(4, 5, 10, 10, KernelFormat::Sparse)
    }
}

impl BuildingEvacuation {
    /// MFGLib defaults (`log_eps = 1e-20`, `eta = 1`, `evac_r = 10`) with horizon `H`
    /// (MFGLib's default `T = 3` is `H = 4`) and the given sizes and kernel storage.
    pub fn new(
        horizon: usize,
        n_floor: usize,
        floor_l: usize,
        floor_w: usize,
        format: KernelFormat,
    ) -> Self {
        let (nf, fl, fw) = (n_floor, floor_l, floor_w);
        let kernel = build_kernel(nf * fl * fw, 6, format, |s, a, push| {
            let (f, x, y) = (s / (fl * fw), (s / fw) % fl, s % fw);
            let (mut f2, mut x2, mut y2) = (f, x, y);
            match a {
                0 => x2 = (x + 1).min(fl - 1),
                1 => x2 = x.saturating_sub(1),
                2 => y2 = y.saturating_sub(1),
                3 => y2 = (y + 1).min(fw - 1),
                4 => {
                    if x == 0 && y == 0 {
                        f2 = f.saturating_sub(1)
                    }
                }
                _ => {
                    if x == fl - 1 && y == fw - 1 {
                        f2 = (f + 1).min(nf - 1)
                    }
                }
            }
            push((f2 * fl + x2) * fw + y2, 1.0)
        });
        let n = nf * fl * fw;
        Self {
            dims: (nf, fl, fw),
            horizon,
            log_eps: 1e-20,
            eta: 1.0,
            evac_r: 10.0,
            mu0: vec![1.0 / n as f64; n],
            kernel,
        }
    }
}

impl FiniteMfg for BuildingEvacuation {
    fn n_states(&self) -> usize {
        self.dims.0 * self.dims.1 * self.dims.2
    }
    fn n_actions(&self) -> usize {
        6
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
        let per_floor = self.dims.1 * self.dims.2;
        for s in 0..self.n_states() {
            let mu: f64 = l[s * 6..s * 6 + 6].iter().sum();
            let bonus = if s < per_floor { self.evac_r } else { 0.0 };
            out[s * 6..s * 6 + 6].fill(-self.eta * mu.max(self.log_eps).ln() + bonus);
        }
    }
    fn density_independent(&self) -> bool {
        true
    }
    fn time_homogeneous(&self) -> bool {
        true
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(-self.eta * self.log_eps.ln() + self.evac_r)
    }
    fn transition_vjp_l(&self, _: usize, _: &[f64], _: &Kernel, _: &mut [f64]) -> Result<()> {
        Ok(())
    }
    /// `∂/∂L(s,·)` of `−η log max(μ(s), ε)` is `−η/μ(s)` above the clamp and 0 below it.
    fn reward_vjp_l(&self, _: usize, l: &[f64], r_bar: &[f64], l_bar: &mut [f64]) -> Result<()> {
        for ((lrow, rrow), brow) in l
            .chunks_exact(6)
            .zip(r_bar.chunks_exact(6))
            .zip(l_bar.chunks_exact_mut(6))
        {
            let mu: f64 = lrow.iter().sum();
            if mu > self.log_eps {
                let g = -self.eta * rrow.iter().sum::<f64>() / mu;
                brow.iter_mut().for_each(|b| *b += g);
            }
        }
        Ok(())
    }
}

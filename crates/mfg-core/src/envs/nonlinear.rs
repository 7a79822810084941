//! Population-dependent MFGLib games: conservative treasure hunting and linear–quadratic.

use crate::error::Result;
use crate::kernel::{Kernel, SparseKernel};
use crate::model::FiniteMfg;

pub(crate) fn dense_mut(out: &mut Kernel, n_rows: usize, n_next: usize) -> &mut [f64] {
    let ok = matches!(out, Kernel::Dense { p, n_next: nn } if p.len() == n_rows * n_next && *nn == n_next);
    if !ok {
        *out = Kernel::dense_zeros(n_rows, n_next);
    }
    match out {
        Kernel::Dense { p, .. } => p,
        Kernel::Sparse(_) => unreachable!("just made dense"),
    }
}

/// MFGLib's conservative treasure hunting (Guo et al. 2022): `S = A = {0..n}`. At `h = 0` action
/// `a` moves to `a`; for `h ≥ 1`, with `d_s = ‖L − e_s e_sᵀ‖²_F` and `c = c_{h−1}`:
/// `P(s'|s,a) = c d_s/(1 + n c d_s) + 1[s' = a]/(1 + n c d_s)`, `R(s,s) = r_s(1 − d_s/2)`,
/// other rewards 0 (and all rewards 0 at `h = 0`).
#[derive(Debug, Clone)]
pub struct ConservativeTreasureHunting {
    n: usize,
    r: Vec<f64>,
    c: Vec<f64>,
    mu0: Vec<f64>,
}

impl Default for ConservativeTreasureHunting {
    /// MFGLib defaults: `T = 5` (H = 6), `n = 3`, `r = (1,1,1)`, `c = (1,1,1,1,1)`.
    fn default() -> Self {
        Self::new(vec![1.0; 3], vec![1.0; 5])
    }
}

impl ConservativeTreasureHunting {
    /// `n = r.len()` treasures, horizon `H = c.len() + 1`, uniform μ0.
    pub fn new(r: Vec<f64>, c: Vec<f64>) -> Self {
        let n = r.len();
        Self {
            n,
            r,
            c,
            mu0: vec![1.0 / n as f64; n],
        }
    }
    fn dist(&self, l: &[f64], s: usize) -> f64 {
        let sq: f64 = l.iter().map(|v| v * v).sum();
        sq - 2.0 * l[s * self.n + s] + 1.0
    }
}

impl FiniteMfg for ConservativeTreasureHunting {
    fn n_states(&self) -> usize {
        self.n
    }
    fn n_actions(&self) -> usize {
        self.n
    }
    fn horizon(&self) -> usize {
        self.c.len() + 1
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn transition(&self, h: usize, l: &[f64], out: &mut Kernel) {
        let n = self.n;
        let p = dense_mut(out, n * n, n);
        p.fill(0.0);
        for s in 0..n {
            let (k, g) = if h == 0 {
                (0.0, 1.0)
            } else {
                let (c, d) = (self.c[h - 1], self.dist(l, s));
                let den = 1.0 + n as f64 * c * d;
                (c * d / den, 1.0 / den)
            };
            for a in 0..n {
                let row = &mut p[(s * n + a) * n..(s * n + a + 1) * n];
                row.fill(k);
                row[a] += g;
            }
        }
    }
    fn reward(&self, h: usize, l: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        if h > 0 {
            for s in 0..self.n {
                out[s * self.n + s] = self.r[s] * (1.0 - self.dist(l, s) / 2.0);
            }
        }
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(self.r.iter().fold(0.0f64, |m, v| m.max(*v)))
    }
    fn transition_vjp_l(&self, h: usize, l: &[f64], p_bar: &Kernel, lb: &mut [f64]) -> Result<()> {
        if h == 0 {
            return Ok(());
        }
        let n = self.n;
        let pb = p_bar.values();
        let c = self.c[h - 1];
        for s in 0..n {
            let d = self.dist(l, s);
            let den = 1.0 + n as f64 * c * d;
            let (dk, dg) = (c / (den * den), -(n as f64) * c / (den * den));
            let mut d_bar = 0.0;
            for a in 0..n {
                let row = &pb[(s * n + a) * n..(s * n + a + 1) * n];
                d_bar += dk * row.iter().sum::<f64>() + dg * row[a];
            }
            for (i, b) in lb.iter_mut().enumerate() {
                *b += d_bar * 2.0 * l[i];
            }
            lb[s * n + s] -= 2.0 * d_bar;
        }
        Ok(())
    }
    fn reward_vjp_l(&self, h: usize, l: &[f64], r_bar: &[f64], lb: &mut [f64]) -> Result<()> {
        if h == 0 {
            return Ok(());
        }
        let n = self.n;
        for s in 0..n {
            let d_bar = -self.r[s] / 2.0 * r_bar[s * n + s];
            for (i, b) in lb.iter_mut().enumerate() {
                *b += d_bar * 2.0 * l[i];
            }
            lb[s * n + s] -= 2.0 * d_bar;
        }
        Ok(())
    }
}

/// MFGLib's linear–quadratic game (Perrin et al. 2020): positions `x ∈ {−el..el}`, actions
/// `u ∈ {−m..m}`, mean position `m̄ = Σ x μ(x)`. Next position
/// `round(x + (k(m̄ − x) + u)δ + σ ε √δ)` (clipped; `ε ∈ σ·{−3..3}` with Gaussian weights; round
/// half to even as torch). Reward `δ(−u²/2 + q u (m̄ − x) − κ(m̄ − x)²/2)`, terminal step
/// `−c_term (m̄ − x)²/2`. The kernel is piecewise constant in `L` (its VJP is 0 a.e.).
#[derive(Debug, Clone)]
pub struct LinearQuadratic {
    horizon: usize,
    el: usize,
    m: usize,
    sigma: f64,
    delta: f64,
    k: f64,
    q: f64,
    kappa: f64,
    c_term: f64,
    eps: Vec<(f64, f64)>,
    mu0: Vec<f64>,
}

impl Default for LinearQuadratic {
    /// MFGLib defaults: `T = 3` (H = 4), `el = 5`, `m = 2`, `σ = 3`, `δ = 0.1`, `k = 1`,
    /// `q = 0.01`, `κ = 0.5`, `c_term = 1`.
    fn default() -> Self {
        Self::new(4, 5, 2, 3.0, 0.1, 1.0, 0.01, 0.5, 1.0)
    }
}

impl LinearQuadratic {
    /// Every MFGLib option, horizon `H = T + 1`, uniform μ0.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        horizon: usize,
        el: usize,
        m: usize,
        sigma: f64,
        delta: f64,
        k: f64,
        q: f64,
        kappa: f64,
        c_term: f64,
    ) -> Self {
        let raw: Vec<(f64, f64)> = (-3..=3)
            .map(|i| {
                let e = i as f64 * sigma;
                (e, (-0.5 * e * e).exp())
            })
            .collect();
        let z: f64 = raw.iter().map(|p| p.1).sum();
        Self {
            horizon,
            el,
            m,
            sigma,
            delta,
            k,
            q,
            kappa,
            c_term,
            eps: raw.into_iter().map(|(e, p)| (e, p / z)).collect(),
            mu0: vec![1.0 / (2 * el + 1) as f64; 2 * el + 1],
        }
    }
    fn mean(&self, l: &[f64]) -> f64 {
        let na = 2 * self.m + 1;
        l.chunks_exact(na)
            .enumerate()
            .map(|(s, row)| (s as f64 - self.el as f64) * row.iter().sum::<f64>())
            .sum()
    }
    fn dr_dm(&self, h: usize, s: usize, a: usize, mbar: f64) -> (f64, f64) {
        let x = s as f64 - self.el as f64;
        let u = a as f64 - self.m as f64;
        let gap = mbar - x;
        if h + 1 == self.horizon {
            (-0.5 * self.c_term * gap * gap, -self.c_term * gap)
        } else {
            (
                self.delta * (-0.5 * u * u + self.q * u * gap - 0.5 * self.kappa * gap * gap),
                self.delta * (self.q * u - self.kappa * gap),
            )
        }
    }
}

impl FiniteMfg for LinearQuadratic {
    fn n_states(&self) -> usize {
        2 * self.el + 1
    }
    fn n_actions(&self) -> usize {
        2 * self.m + 1
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn new_kernel(&self) -> Kernel {
        Kernel::Sparse(SparseKernel::new(self.n_states()))
    }
    fn transition(&self, _: usize, l: &[f64], out: &mut Kernel) {
        let (ns, na) = (self.n_states(), self.n_actions());
        if !matches!(out, Kernel::Sparse(_)) {
            *out = self.new_kernel();
        }
        let Kernel::Sparse(k) = out else { return };
        k.clear();
        let mbar = self.mean(l);
        let el = self.el as f64;
        for s in 0..ns {
            let x = s as f64 - el;
            for a in 0..na {
                let u = a as f64 - self.m as f64;
                for (e, p) in &self.eps {
                    let v = x
                        + (self.k * (mbar - x) + u) * self.delta
                        + self.sigma * e * self.delta.sqrt();
                    let sn = v.round_ties_even().clamp(-el, el) + el;
                    k.push(sn as usize, *p);
                }
                k.end_row();
            }
        }
    }
    fn reward(&self, h: usize, l: &[f64], out: &mut [f64]) {
        let na = self.n_actions();
        let mbar = self.mean(l);
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.dr_dm(h, i / na, i % na, mbar).0;
        }
    }
    fn reward_bound(&self) -> Option<f64> {
        let (m, el) = (self.m as f64, self.el as f64);
        Some((0.5 * m * m + 2.0 * self.q * m * el + 2.0 * self.kappa * el * el) * self.delta)
    }
    fn transition_vjp_l(&self, _: usize, _: &[f64], _: &Kernel, _: &mut [f64]) -> Result<()> {
        Ok(())
    }
    fn reward_vjp_l(&self, h: usize, l: &[f64], r_bar: &[f64], lb: &mut [f64]) -> Result<()> {
        let na = self.n_actions();
        let mbar = self.mean(l);
        let m_bar: f64 = r_bar
            .iter()
            .enumerate()
            .map(|(i, rb)| rb * self.dr_dm(h, i / na, i % na, mbar).1)
            .sum();
        for (i, b) in lb.iter_mut().enumerate() {
            *b += m_bar * ((i / na) as f64 - self.el as f64);
        }
        Ok(())
    }
}

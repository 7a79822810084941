//! Population-dependent MFGLib games (conservative treasure hunting, linear–quadratic, random
//! linear) and a random density-dependent model for propagation-of-chaos checks.

use crate::error::Result;
use crate::kernel::{Kernel, SparseKernel};
use crate::model::FiniteMfg;
use opt_core::rng::{RngExt, standard_normal, stream};

fn dense_mut(out: &mut Kernel, n_rows: usize, n_next: usize) -> &mut [f64] {
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

/// Shared softmax-kernel VJP: `z̄(s') = P(s')(P̄(s') − ⟨P, P̄⟩)` for every row.
fn softmax_rows_vjp(p: &[f64], p_bar: &[f64], n_next: usize, z_bar: &mut [f64]) {
    for ((row, brow), zrow) in p
        .chunks_exact(n_next)
        .zip(p_bar.chunks_exact(n_next))
        .zip(z_bar.chunks_exact_mut(n_next))
    {
        let dot: f64 = row.iter().zip(brow).map(|(a, b)| a * b).sum();
        for ((z, pi), bi) in zrow.iter_mut().zip(row).zip(brow) {
            *z = pi * (bi - dot);
        }
    }
}

/// MFGLib's random linear game (`S = A = {0..n}`): with random `p1, p2 ∈ U(−m, m)^{n×n×n}` and
/// `r1, r2 ∈ U(−m, m)^{n×n}`, `P(s'|s,a) = softmax_{s'}(Σ_k p1[s',s,k] L(k,a) + p2[s',s,a])`
/// and `R(s,a) = Σ_k r1[s,k] L(k,a) + r2[s,a]` (MFGLib's batched `p1 @ L`).
#[derive(Debug, Clone)]
pub struct RandomLinear {
    n: usize,
    horizon: usize,
    m: f64,
    p1: Vec<f64>,
    p2: Vec<f64>,
    r1: Vec<f64>,
    r2: Vec<f64>,
    mu0: Vec<f64>,
}

impl RandomLinear {
    /// Horizon `H` (MFGLib default `T = 3`: `H = 4`), size `n` (5), scale `m` (10), from `seed`.
    pub fn new(horizon: usize, n: usize, m: f64, seed: u64) -> Self {
        let mut rng = stream(seed, "mfg-core/random-linear", 0);
        let mut draw = |len: usize| -> Vec<f64> {
            (0..len)
                .map(|_| 2.0 * m * rng.random::<f64>() - m)
                .collect()
        };
        let r1 = draw(n * n);
        let r2 = draw(n * n);
        let p1 = draw(n * n * n);
        let p2 = draw(n * n * n);
        Self {
            n,
            horizon,
            m,
            p1,
            p2,
            r1,
            r2,
            mu0: vec![1.0 / n as f64; n],
        }
    }
}

impl FiniteMfg for RandomLinear {
    fn n_states(&self) -> usize {
        self.n
    }
    fn n_actions(&self) -> usize {
        self.n
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn transition(&self, _: usize, l: &[f64], out: &mut Kernel) {
        let n = self.n;
        let p = dense_mut(out, n * n, n);
        for s in 0..n {
            for a in 0..n {
                let row = &mut p[(s * n + a) * n..(s * n + a + 1) * n];
                for (sn, z) in row.iter_mut().enumerate() {
                    let base = (sn * n + s) * n;
                    *z = self.p2[base + a]
                        + (0..n)
                            .map(|k| self.p1[base + k] * l[k * n + a])
                            .sum::<f64>();
                }
                opt_core::mirror::softmax_in_place(row);
            }
        }
    }
    fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
        let n = self.n;
        for s in 0..n {
            for a in 0..n {
                out[s * n + a] = self.r2[s * n + a]
                    + (0..n)
                        .map(|k| self.r1[s * n + k] * l[k * n + a])
                        .sum::<f64>();
            }
        }
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(2.0 * self.m)
    }
    fn transition_vjp_l(&self, h: usize, l: &[f64], p_bar: &Kernel, lb: &mut [f64]) -> Result<()> {
        let n = self.n;
        let mut k = Kernel::dense_zeros(n * n, n);
        self.transition(h, l, &mut k);
        let mut z_bar = vec![0.0; n * n * n];
        softmax_rows_vjp(k.values(), &p_bar.to_dense(), n, &mut z_bar);
        for s in 0..n {
            for a in 0..n {
                for sn in 0..n {
                    let zb = z_bar[(s * n + a) * n + sn];
                    let base = (sn * n + s) * n;
                    for kk in 0..n {
                        lb[kk * n + a] += zb * self.p1[base + kk];
                    }
                }
            }
        }
        Ok(())
    }
    fn reward_vjp_l(&self, _: usize, _: &[f64], r_bar: &[f64], lb: &mut [f64]) -> Result<()> {
        let n = self.n;
        for s in 0..n {
            for a in 0..n {
                for k in 0..n {
                    lb[k * n + a] += self.r1[s * n + k] * r_bar[s * n + a];
                }
            }
        }
        Ok(())
    }
}

/// A random density-dependent game: `P_h(s'|s,a,L) = softmax_{s'}(W0[s,a,s'] + κ Σ_k W1[s,a,s',k] μ(k))`
/// with standard normal `W0, W1`, reward `R(s,a,L) = r0(s,a) − λ μ(s)` with `r0 ~ U(0,1)`, a random
/// non-uniform μ0. Used for propagation-of-chaos (M3b) and invariant tests.
#[derive(Debug, Clone)]
pub struct RandomMfg {
    ns: usize,
    na: usize,
    horizon: usize,
    kappa: f64,
    lambda: f64,
    w0: Vec<f64>,
    w1: Vec<f64>,
    r0: Vec<f64>,
    mu0: Vec<f64>,
}

impl RandomMfg {
    /// `|S| = ns`, `|A| = na`, horizon, coupling strength `κ`, crowd aversion `λ`, from `seed`.
    pub fn new(ns: usize, na: usize, horizon: usize, kappa: f64, lambda: f64, seed: u64) -> Self {
        let mut rng = stream(seed, "mfg-core/random-mfg", 0);
        let w0 = (0..ns * na * ns)
            .map(|_| standard_normal(&mut rng))
            .collect();
        let w1 = (0..ns * na * ns * ns)
            .map(|_| standard_normal(&mut rng))
            .collect();
        let r0 = (0..ns * na).map(|_| rng.random::<f64>()).collect();
        let mut mu0: Vec<f64> = (0..ns).map(|_| 0.1 + rng.random::<f64>()).collect();
        let z: f64 = mu0.iter().sum();
        mu0.iter_mut().for_each(|v| *v /= z);
        Self {
            ns,
            na,
            horizon,
            kappa,
            lambda,
            w0,
            w1,
            r0,
            mu0,
        }
    }
    /// Replaces μ0 (not validated here; `Workspace::new` validates it).
    pub fn with_mu0(mut self, mu0: Vec<f64>) -> Self {
        self.mu0 = mu0;
        self
    }
}

impl FiniteMfg for RandomMfg {
    fn n_states(&self) -> usize {
        self.ns
    }
    fn n_actions(&self) -> usize {
        self.na
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn transition(&self, _: usize, l: &[f64], out: &mut Kernel) {
        let (ns, na) = (self.ns, self.na);
        let mut mu = vec![0.0; ns];
        crate::model::state_marginal(l, na, &mut mu);
        let p = dense_mut(out, ns * na, ns);
        for (r, row) in p.chunks_exact_mut(ns).enumerate() {
            for (sn, z) in row.iter_mut().enumerate() {
                let i = r * ns + sn;
                let w = &self.w1[i * ns..(i + 1) * ns];
                *z = self.w0[i] + self.kappa * w.iter().zip(&mu).map(|(a, b)| a * b).sum::<f64>();
            }
            opt_core::mirror::softmax_in_place(row);
        }
    }
    fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
        let na = self.na;
        for (s, (orow, lrow)) in out.chunks_exact_mut(na).zip(l.chunks_exact(na)).enumerate() {
            let mu: f64 = lrow.iter().sum();
            for (a, o) in orow.iter_mut().enumerate() {
                *o = self.r0[s * na + a] - self.lambda * mu;
            }
        }
    }
    fn transition_vjp_l(&self, h: usize, l: &[f64], p_bar: &Kernel, lb: &mut [f64]) -> Result<()> {
        let (ns, na) = (self.ns, self.na);
        let mut k = Kernel::dense_zeros(ns * na, ns);
        self.transition(h, l, &mut k);
        let mut z_bar = vec![0.0; ns * na * ns];
        softmax_rows_vjp(k.values(), &p_bar.to_dense(), ns, &mut z_bar);
        let mut mu_bar = vec![0.0; ns];
        for (i, zb) in z_bar.iter().enumerate() {
            for (m, w) in mu_bar.iter_mut().zip(&self.w1[i * ns..(i + 1) * ns]) {
                *m += self.kappa * zb * w;
            }
        }
        for (brow, mb) in lb.chunks_exact_mut(na).zip(&mu_bar) {
            brow.iter_mut().for_each(|b| *b += mb);
        }
        Ok(())
    }
    fn reward_vjp_l(&self, _: usize, _: &[f64], r_bar: &[f64], lb: &mut [f64]) -> Result<()> {
        let na = self.na;
        for (brow, rrow) in lb.chunks_exact_mut(na).zip(r_bar.chunks_exact(na)) {
            let g = -self.lambda * rrow.iter().sum::<f64>();
            brow.iter_mut().for_each(|b| *b += g);
        }
        Ok(())
    }
}

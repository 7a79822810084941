//! Random games: MFGLib's random linear game and a random density-dependent model for
//! propagation-of-chaos checks (M3b) and invariant tests.

use super::nonlinear::dense_mut;
use crate::error::Result;
use crate::kernel::Kernel;
use crate::model::FiniteMfg;
use opt_core::rng::{RngExt, standard_normal, stream};

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
        // state marginal without a per-call allocation for |S| <= 64
        let (mut stack, mut heap) = ([0.0f64; 64], Vec::new());
        let mu: &mut [f64] = if ns <= 64 {
            &mut stack[..ns]
        } else {
            heap.resize(ns, 0.0);
            &mut heap
        };
        crate::model::state_marginal(l, na, mu);
        let mu: &[f64] = mu;
        let p = dense_mut(out, ns * na, ns);
        for (r, row) in p.chunks_exact_mut(ns).enumerate() {
            for (sn, z) in row.iter_mut().enumerate() {
                let i = r * ns + sn;
                let w = &self.w1[i * ns..(i + 1) * ns];
                *z = self.w0[i] + self.kappa * w.iter().zip(mu).map(|(a, b)| a * b).sum::<f64>();
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

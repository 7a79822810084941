//! Small MFGLib games: left–right, rock–paper–scissors, susceptible–infected (SIS), equilibrium
//! price.

use super::{KernelFormat, build_kernel};
use crate::error::Result;
use crate::kernel::Kernel;
use crate::model::FiniteMfg;

macro_rules! fixed_kernel_methods {
    () => {
        fn new_kernel(&self) -> Kernel {
            self.kernel.clone()
        }
        fn transition(&self, _: usize, _: &[f64], out: &mut Kernel) {
            out.clone_from(&self.kernel);
        }
        fn density_independent(&self) -> bool {
            true
        }
        fn time_homogeneous(&self) -> bool {
            true
        }
        fn transition_vjp_l(&self, _: usize, _: &[f64], _: &Kernel, _: &mut [f64]) -> Result<()> {
            Ok(())
        }
    };
}

fn marginal(l: &[f64], na: usize, s: usize) -> f64 {
    l[s * na..(s + 1) * na].iter().sum()
}

/// MFGLib's left–right: from the start state 0 (μ0 = (1,0,0)), action `a` leads to state
/// `1 + a`; `R(1,·) = −μ(1)`, `R(2,·) = −2μ(2)`, `R(0,·) = 0`. MFGLib `T = 1`, i.e. `H = 2`.
#[derive(Debug, Clone)]
pub struct LeftRight {
    mu0: Vec<f64>,
    kernel: Kernel,
}

impl Default for LeftRight {
    fn default() -> Self {
        Self::new(vec![1.0, 0.0, 0.0])
    }
}

impl LeftRight {
    /// With initial distribution `mu0` (length 3).
    pub fn new(mu0: Vec<f64>) -> Self {
        Self {
            mu0,
            kernel: build_kernel(3, 2, KernelFormat::Sparse, |_, a, push| push(1 + a, 1.0)),
        }
    }
}

impl FiniteMfg for LeftRight {
    fn n_states(&self) -> usize {
        3
    }
    fn n_actions(&self) -> usize {
        2
    }
    fn horizon(&self) -> usize {
        2
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        let (m1, m2) = (marginal(l, 2, 1), marginal(l, 2, 2));
        out[2..4].fill(-m1);
        out[4..6].fill(-2.0 * m2);
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(2.0)
    }
    fn reward_vjp_l(&self, _: usize, _: &[f64], r: &[f64], lb: &mut [f64]) -> Result<()> {
        let g1 = -(r[2] + r[3]);
        let g2 = -2.0 * (r[4] + r[5]);
        lb[2] += g1;
        lb[3] += g1;
        lb[4] += g2;
        lb[5] += g2;
        Ok(())
    }
    fixed_kernel_methods!();
}

/// MFGLib's rock–paper–scissors (Shapley-style): from state 0 (μ0 = (1,0,0,0)), action `a`
/// leads to state `1 + a` (1 rock, 2 paper, 3 scissors);
/// `R(1,·) = 2μ(3) − μ(2)`, `R(2,·) = 4μ(1) − 2μ(3)`, `R(3,·) = 6μ(2) − 3μ(1)`. `H = T + 1`.
#[derive(Debug, Clone)]
pub struct RockPaperScissors {
    horizon: usize,
    mu0: Vec<f64>,
    kernel: Kernel,
}

impl Default for RockPaperScissors {
    fn default() -> Self {
        Self::new(2, vec![1.0, 0.0, 0.0, 0.0])
    }
}

impl RockPaperScissors {
    /// With horizon `H` and initial distribution `mu0` (length 4).
    pub fn new(horizon: usize, mu0: Vec<f64>) -> Self {
        Self {
            horizon,
            mu0,
            kernel: build_kernel(4, 3, KernelFormat::Sparse, |_, a, push| push(1 + a, 1.0)),
        }
    }
}

/// `(state, coefficient on μ(1), μ(2), μ(3))` of the RPS reward rows.
const RPS: [[f64; 3]; 3] = [[0.0, -1.0, 2.0], [4.0, 0.0, -2.0], [-3.0, 6.0, 0.0]];

impl FiniteMfg for RockPaperScissors {
    fn n_states(&self) -> usize {
        4
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
    fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        let mu = [marginal(l, 3, 1), marginal(l, 3, 2), marginal(l, 3, 3)];
        for (i, c) in RPS.iter().enumerate() {
            let r = c[0] * mu[0] + c[1] * mu[1] + c[2] * mu[2];
            out[(i + 1) * 3..(i + 2) * 3].fill(r);
        }
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(6.0)
    }
    fn reward_vjp_l(&self, _: usize, _: &[f64], r: &[f64], lb: &mut [f64]) -> Result<()> {
        for (i, c) in RPS.iter().enumerate() {
            let g: f64 = r[(i + 1) * 3..(i + 2) * 3].iter().sum();
            for (j, cj) in c.iter().enumerate() {
                lb[(j + 1) * 3..(j + 2) * 3]
                    .iter_mut()
                    .for_each(|b| *b += g * cj);
            }
        }
        Ok(())
    }
    fixed_kernel_methods!();
}

/// MFGLib's susceptible–infected: states S = 0, I = 1; actions 0 = go out, 1 = distance.
/// `P(I|S,out) = 0.81·μ(I)`, `P(S|S,distance) = 1`, `P(S|I,·) = 0.3`; rewards
/// `R(S,distance) = −0.5`, `R(I,out) = −1`, `R(I,distance) = −1.5`. MFGLib `T = 50` (H = 51),
/// μ0 = (0.4, 0.6).
#[derive(Debug, Clone)]
pub struct SusceptibleInfected {
    horizon: usize,
    mu0: Vec<f64>,
}

impl Default for SusceptibleInfected {
    fn default() -> Self {
        Self {
            horizon: 51,
            mu0: vec![0.4, 0.6],
        }
    }
}

impl SusceptibleInfected {
    /// With horizon `H` and `mu0` (length 2).
    pub fn new(horizon: usize, mu0: Vec<f64>) -> Self {
        Self { horizon, mu0 }
    }
}

impl FiniteMfg for SusceptibleInfected {
    fn n_states(&self) -> usize {
        2
    }
    fn n_actions(&self) -> usize {
        2
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn transition(&self, _: usize, l: &[f64], out: &mut Kernel) {
        let inf = 0.81 * (l[2] + l[3]);
        // rows (s, a) over next (S, I)
        let p = [1.0 - inf, inf, 1.0, 0.0, 0.3, 0.7, 0.3, 0.7];
        match out {
            Kernel::Dense { p: dst, .. } if dst.len() == 8 => dst.copy_from_slice(&p),
            _ => {
                *out = Kernel::Dense {
                    n_next: 2,
                    p: p.to_vec(),
                }
            }
        }
    }
    fn reward(&self, _: usize, _: &[f64], out: &mut [f64]) {
        out.copy_from_slice(&[0.0, -0.5, -1.0, -1.5]);
    }
    fn reward_bound(&self) -> Option<f64> {
        Some(1.5)
    }
    fn transition_vjp_l(&self, _: usize, _: &[f64], p_bar: &Kernel, lb: &mut [f64]) -> Result<()> {
        let pb = p_bar.values();
        let g = 0.81 * (pb[1] - pb[0]);
        lb[2] += g;
        lb[3] += g;
        Ok(())
    }
    fn reward_vjp_l(&self, _: usize, _: &[f64], _: &[f64], _: &mut [f64]) -> Result<()> {
        Ok(())
    }
}

/// MFGLib's equilibrium price: inventory `s ∈ 0..=s_inv`, action `(q, b)` (consume `q ≤ Q`,
/// buy `b ≤ B`; index `q·(B+1) + b`), `s' = min(s − min(q,s) + b, s_inv)`. With the price
/// `p = (d / (Σ L(s,(q,b))·q + e0))^{1/σ}`,
/// `R = (p − c0)q − c1 q² − c2 b − (c2 + c3) max(q − s, 0) − c4 s`.
#[derive(Debug, Clone)]
pub struct EquilibriumPrice {
    horizon: usize,
    s_inv: usize,
    q_max: usize,
    b_max: usize,
    d: f64,
    e0: f64,
    sigma: f64,
    c: [f64; 5],
    mu0: Vec<f64>,
    kernel: Kernel,
}

impl Default for EquilibriumPrice {
    /// MFGLib defaults: `T = 4` (H = 5), `s_inv = 3`, `Q = 2`, `H = 2` (here `b_max`), `d = e0 =
    /// σ = 1`, `c = (1,1,1,1,1)`, uniform μ0.
    fn default() -> Self {
        Self::new(5, 3, 2, 2, 1.0, 1.0, 1.0, [1.0; 5])
    }
}

impl EquilibriumPrice {
    /// Every MFGLib option (MFGLib's `H` is `b_max`; `horizon` is our `H = T + 1`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        horizon: usize,
        s_inv: usize,
        q_max: usize,
        b_max: usize,
        d: f64,
        e0: f64,
        sigma: f64,
        c: [f64; 5],
    ) -> Self {
        let na = (q_max + 1) * (b_max + 1);
        let kernel = build_kernel(s_inv + 1, na, KernelFormat::Sparse, |s, a, push| {
            let (q, b) = (a / (b_max + 1), a % (b_max + 1));
            push((s - q.min(s) + b).min(s_inv), 1.0)
        });
        Self {
            horizon,
            s_inv,
            q_max,
            b_max,
            d,
            e0,
            sigma,
            c,
            mu0: vec![1.0 / (s_inv + 1) as f64; s_inv + 1],
            kernel,
        }
    }
    fn q_of(&self, a: usize) -> f64 {
        (a / (self.b_max + 1)) as f64
    }
    fn demand(&self, l: &[f64]) -> f64 {
        let na = self.n_actions();
        l.iter()
            .enumerate()
            .map(|(i, v)| v * self.q_of(i % na))
            .sum()
    }
}

impl FiniteMfg for EquilibriumPrice {
    fn n_states(&self) -> usize {
        self.s_inv + 1
    }
    fn n_actions(&self) -> usize {
        (self.q_max + 1) * (self.b_max + 1)
    }
    fn horizon(&self) -> usize {
        self.horizon
    }
    fn initial_distribution(&self) -> &[f64] {
        &self.mu0
    }
    fn reward(&self, _: usize, l: &[f64], out: &mut [f64]) {
        let [c0, c1, c2, c3, c4] = self.c;
        let p = (self.d / (self.demand(l) + self.e0)).powf(1.0 / self.sigma);
        let na = self.n_actions();
        for (i, o) in out.iter_mut().enumerate() {
            let (s, a) = ((i / na) as f64, i % na);
            let q = self.q_of(a);
            let b = (a % (self.b_max + 1)) as f64;
            *o = (p - c0) * q - c1 * q * q - c2 * b - (c2 + c3) * (q - s).max(0.0) - c4 * s;
        }
    }
    fn reward_bound(&self) -> Option<f64> {
        let (q, b, si) = (self.q_max as f64, self.b_max as f64, self.s_inv as f64);
        let [c0, c1, c2, c3, c4] = self.c;
        Some(
            (self.d / self.e0).powf(1.0 / self.sigma) * q
                + c0 * q
                + c1 * q * q
                + c2 * b
                + (c2 + c3) * q
                + c4 * si,
        )
    }
    /// `∂R(s,a)/∂L(s',a') = q(a)·dp/dX·q(a')` with `dp/dX = −p/(σ(X + e0))`.
    fn reward_vjp_l(&self, _: usize, l: &[f64], r: &[f64], lb: &mut [f64]) -> Result<()> {
        let x = self.demand(l);
        let p = (self.d / (x + self.e0)).powf(1.0 / self.sigma);
        let dp = -p / (self.sigma * (x + self.e0));
        let na = self.n_actions();
        let p_bar: f64 = r
            .iter()
            .enumerate()
            .map(|(i, v)| v * self.q_of(i % na))
            .sum();
        for (i, b) in lb.iter_mut().enumerate() {
            *b += p_bar * dp * self.q_of(i % na);
        }
        Ok(())
    }
    fixed_kernel_methods!();
}

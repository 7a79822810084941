//! MF-OMO: mean-field occupation-measure optimisation (Guo, Hu, Zhang 2022, arXiv 2206.09608;
//! MFGLib's `MFOMO` with its defaults: loss `l1_l2`, projected Adam with lr 0.1, hat
//! initialisation).
//!
//! Variables: the flow `L` (H×S×A), the slack `z ≥ 0` (H×S×A) and the dual `y` (H×S). With
//! `e1_h(s') = Σ_{s,a} P_h(s'|s,a,L_h) L_h(s,a) − Σ_a L_{h+1}(s',a)` (h < H−1),
//! `e1_{H−1}(s) = Σ_a L_0(s,a) − μ0(s)`, and
//! `e2_h(s,a) = Σ_{s'} P_h(s'|s,a,L_h) y_h(s') [h < H−1] − y_{h−1}(s) [h ≥ 1] + y_{H−1}(s) [h = 0]
//!   + z_h(s,a) + R_h(s,a,L_h)`,
//! the objective is `c1‖e1‖² + c2‖e2‖² + c3⟨z, L⟩`. Its gradient in `L` includes the model's
//! VJPs of `P` and `R` w.r.t. `L` ([`crate::FiniteMfg::transition_vjp_l`], `reward_vjp_l`).
//! After each Adam step: `L_h` is projected on the simplex, `z` on `{z ≥ 0, Σz ≤ c_z}` with
//! `c_z = |S||A|(T² + T + 2) r_max`, `y` on the ball of radius `c_y = |S|(T+1)(T+2) r_max / 2`
//! (T = H − 1, `r_max` from [`crate::FiniteMfg::reward_bound`]). The policy is `π = L/μ`
//! (uniform where `μ = 0`).

use super::{HasPolicy, check_tau};
use crate::error::{MfgCoreError, Result, invalid};
use crate::eval::Workspace;
use crate::kernel::Kernel;
use crate::model::FiniteMfg;
use crate::policy::Policy;
use opt_core::algorithm::{Algorithm, StepInfo};
use opt_core::optim::{Adam, AdamConfig, Optimizer};
use opt_core::rng::Rng;

/// MF-OMO hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MfOmoConfig {
    /// Adam learning rate (MFGLib default 0.1).
    pub lr: f64,
    /// Weight of `‖e1‖²`.
    pub c1: f64,
    /// Weight of `‖e2‖²`.
    pub c2: f64,
    /// Weight of `⟨z, L⟩`.
    pub c3: f64,
    /// Hat initialisation of `(z, y)` from `L_0` (MFGLib default true).
    pub hat_init: bool,
    /// τ of the reported exploitability (0 = MFGLib's).
    pub tau: f64,
}

impl Default for MfOmoConfig {
    fn default() -> Self {
        Self {
            lr: 0.1,
            c1: 1.0,
            c2: 1.0,
            c3: 1.0,
            hat_init: true,
            tau: 0.0,
        }
    }
}

/// The MF-OMO solver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MfOmo {
    cfg: MfOmoConfig,
}

impl MfOmo {
    /// Validated: lr > 0, c1, c2, c3 ≥ 0, τ ≥ 0.
    pub fn new(cfg: MfOmoConfig) -> Result<Self> {
        if !(cfg.lr.is_finite() && cfg.lr > 0.0) {
            return Err(invalid("lr", cfg.lr, "must be finite and > 0"));
        }
        for (n, v) in [("c1", cfg.c1), ("c2", cfg.c2), ("c3", cfg.c3)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(invalid(n, v, "must be finite and >= 0"));
            }
        }
        check_tau(cfg.tau)?;
        Ok(Self { cfg })
    }

    /// Evaluates the MF-OMO objective at `st.x` into `st.objective` and its gradient into the
    /// state's gradient buffer (returned).
    pub fn objective_and_gradient<M: FiniteMfg + ?Sized>(
        &self,
        model: &M,
        st: &mut MfOmoState,
    ) -> Result<f64> {
        let c = &self.cfg;
        let (ns, na, hz) = (st.ws.n_states, st.ws.n_actions, st.ws.horizon);
        let (n, nsa) = (hz * ns * na, ns * na);
        let (lz, y) = st.x.split_at(2 * n);
        let (l, z) = lz.split_at(n);
        let mu0 = st.ws.mu0();
        // model at L
        for h in 0..hz {
            let lh = &l[h * nsa..(h + 1) * nsa];
            if h + 1 < hz && !model.density_independent() {
                model.transition(h, lh, &mut st.kernels[h]);
            }
            model.reward(h, lh, &mut st.rewards[h * nsa..(h + 1) * nsa]);
        }
        crate::error::ensure_finite("reward", None, &st.rewards)?;
        // residuals
        for h in 0..hz {
            let e1 = &mut st.e1[h * ns..(h + 1) * ns];
            if h + 1 < hz {
                st.kernels[h].push_forward(&l[h * nsa..(h + 1) * nsa], &mut st.m);
                for s in 0..ns {
                    e1[s] = st.m[s]
                        - l[(h + 1) * nsa + s * na..(h + 1) * nsa + (s + 1) * na]
                            .iter()
                            .sum::<f64>();
                }
            } else {
                for s in 0..ns {
                    e1[s] = l[s * na..(s + 1) * na].iter().sum::<f64>() - mu0[s];
                }
            }
            let e2 = &mut st.e2[h * nsa..(h + 1) * nsa];
            e2.fill(0.0);
            if h + 1 < hz {
                st.kernels[h].expect_add(&y[h * ns..(h + 1) * ns], e2);
            }
            for s in 0..ns {
                let mut shift = 0.0;
                if h >= 1 {
                    shift -= y[(h - 1) * ns + s];
                }
                if h == 0 {
                    shift += y[(hz - 1) * ns + s];
                }
                for a in 0..na {
                    let i = s * na + a;
                    e2[i] += shift + z[h * nsa + i] + st.rewards[h * nsa + i];
                }
            }
        }
        let zl: f64 = z.iter().zip(l).map(|(a, b)| a * b).sum();
        st.objective = c.c1 * st.e1.iter().map(|v| v * v).sum::<f64>()
            + c.c2 * st.e2.iter().map(|v| v * v).sum::<f64>()
            + c.c3 * zl;
        // gradient
        let g = &mut st.grad;
        g.fill(0.0);
        let (gl, gzy) = g.split_at_mut(n);
        let (gz, gy) = gzy.split_at_mut(n);
        for v in st.e1.iter_mut() {
            *v *= 2.0 * c.c1;
        }
        for v in st.e2.iter_mut() {
            *v *= 2.0 * c.c2;
        }
        let (e1b, e2b) = (&st.e1, &st.e2);
        for h in 0..hz {
            let lh = &l[h * nsa..(h + 1) * nsa];
            let glh = &mut gl[h * nsa..(h + 1) * nsa];
            let e2h = &e2b[h * nsa..(h + 1) * nsa];
            if h + 1 < hz {
                st.kernels[h].expect_add(&e1b[h * ns..(h + 1) * ns], glh);
                let pb = &mut st.p_bar[h];
                pb.fill_zero();
                pb.add_outer(lh, &e1b[h * ns..(h + 1) * ns]);
                pb.add_outer(e2h, &y[h * ns..(h + 1) * ns]);
                if !model.density_independent() {
                    model.transition_vjp_l(h, lh, pb, glh)?;
                }
                // y_h gets P_h^T e2_h
                st.kernels[h].push_forward(e2h, &mut st.m);
                for s in 0..ns {
                    gy[h * ns + s] += st.m[s];
                }
            }
            model.reward_vjp_l(h, lh, e2h, glh)?;
            for s in 0..ns {
                let e2sum: f64 = e2h[s * na..(s + 1) * na].iter().sum();
                let e1_link = if h >= 1 {
                    -e1b[(h - 1) * ns + s]
                } else {
                    e1b[(hz - 1) * ns + s]
                };
                for a in 0..na {
                    glh[s * na + a] += e1_link + c.c3 * z[h * nsa + s * na + a];
                }
                if h >= 1 {
                    gy[(h - 1) * ns + s] -= e2sum;
                } else {
                    gy[(hz - 1) * ns + s] += e2sum;
                }
            }
            for (gzi, (e, li)) in gz[h * nsa..(h + 1) * nsa]
                .iter_mut()
                .zip(e2h.iter().zip(lh))
            {
                *gzi = e + c.c3 * li;
            }
        }
        if let Some(index) = st.grad.iter().position(|v| !v.is_finite()) {
            return Err(MfgCoreError::NonFinite {
                what: "MF-OMO gradient",
                h: Some(st.iter),
                index,
            });
        }
        Ok(st.objective)
    }
}

/// MF-OMO variables `x = [L, z, y]`, Adam state and buffers.
#[derive(Debug, Clone)]
pub struct MfOmoState {
    /// `[L (H·S·A), z (H·S·A), y (H·S)]`.
    pub x: Vec<f64>,
    /// The policy `L/μ` of the current `L`.
    pub probs: Vec<f64>,
    /// Steps taken.
    pub iter: usize,
    /// Last objective value.
    pub objective: f64,
    grad: Vec<f64>,
    adam: Adam,
    ws: Workspace,
    kernels: Vec<Kernel>,
    p_bar: Vec<Kernel>,
    rewards: Vec<f64>,
    e1: Vec<f64>,
    e2: Vec<f64>,
    m: Vec<f64>,
    scratch: Vec<f64>,
    r_max: f64,
}

impl MfOmoState {
    /// MFGLib's start: `L_h = 1/(|S||A|)` (the uniform policy divided by |S|), then hat
    /// initialisation `y_h = V*_{h+1}`, `y_{H−1} = −V*_0`, `z = max(V* − Q*, 0)` at that `L`.
    pub fn new<M: FiniteMfg + ?Sized>(model: &M, algo: &MfOmo) -> Result<Self> {
        let ws = Workspace::new(model)?;
        let (ns, na, hz) = (ws.n_states, ws.n_actions, ws.horizon);
        let (n, nsa) = (hz * ns * na, ns * na);
        let mut x = vec![0.0; 2 * n + hz * ns];
        x[..n].fill(1.0 / nsa as f64);
        let mut kernels: Vec<Kernel> = (0..hz).map(|_| model.new_kernel()).collect();
        let mut rewards = vec![0.0; n];
        for h in 0..hz {
            let l = &x[h * nsa..(h + 1) * nsa];
            model.transition(h, l, &mut kernels[h]);
            model.reward(h, l, &mut rewards[h * nsa..(h + 1) * nsa]);
        }
        let r_max = match model.reward_bound() {
            Some(r) if r.is_finite() && r > 0.0 => r,
            _ => rewards.iter().fold(1e-12f64, |m, v| m.max(v.abs())),
        };
        if algo.cfg.hat_init {
            // optimal values at the fixed L
            let mut v_next = vec![0.0; ns];
            let mut q = vec![0.0; nsa];
            let mut v0 = vec![0.0; ns];
            for h in (0..hz).rev() {
                q.copy_from_slice(&rewards[h * nsa..(h + 1) * nsa]);
                if h + 1 < hz {
                    kernels[h].expect_add(&v_next, &mut q);
                }
                let mut v = vec![0.0; ns];
                for s in 0..ns {
                    v[s] = q[s * na..(s + 1) * na]
                        .iter()
                        .copied()
                        .fold(f64::NEG_INFINITY, f64::max);
                    for a in 0..na {
                        x[n + h * nsa + s * na + a] = (v[s] - q[s * na + a]).max(0.0);
                    }
                }
                if h >= 1 {
                    x[2 * n + (h - 1) * ns..2 * n + h * ns].copy_from_slice(&v);
                }
                if h == 0 {
                    v0.copy_from_slice(&v);
                }
                v_next = v;
            }
            for s in 0..ns {
                x[2 * n + (hz - 1) * ns + s] = -v0[s];
            }
        }
        let dim = x.len();
        let p_bar = kernels.iter().map(|k| k.zeros_like()).collect();
        let mut st = Self {
            grad: vec![0.0; dim],
            adam: Adam::new(dim, AdamConfig::new(algo.cfg.lr))?,
            probs: vec![0.0; n],
            iter: 0,
            objective: f64::NAN,
            ws,
            kernels,
            p_bar,
            rewards,
            e1: vec![0.0; hz * ns],
            e2: vec![0.0; n],
            m: vec![0.0; ns],
            scratch: vec![0.0; dim],
            r_max,
            x,
        };
        st.update_policy();
        Ok(st)
    }

    fn update_policy(&mut self) {
        let na = self.ws.n_actions;
        let n = self.probs.len();
        for (prow, lrow) in self
            .probs
            .chunks_exact_mut(na)
            .zip(self.x[..n].chunks_exact(na))
        {
            let mu: f64 = lrow.iter().sum();
            if mu > 0.0 {
                for (p, l) in prow.iter_mut().zip(lrow) {
                    *p = l / mu;
                }
            } else {
                prow.fill(1.0 / na as f64);
            }
        }
    }
}

impl MfOmoState {
    /// The gradient of the last [`MfOmo::objective_and_gradient`].
    pub fn gradient(&self) -> &[f64] {
        &self.grad
    }
}

impl HasPolicy for MfOmoState {
    fn policy(&self) -> Policy {
        Policy {
            horizon: self.ws.horizon,
            n_states: self.ws.n_states,
            n_actions: self.ws.n_actions,
            probs: self.probs.clone(),
        }
    }
}

/// Euclidean projection of `x` onto `{v ≥ 0, Σv = r}` (Duchi et al. 2008, sort-based).
pub(crate) fn project_simplex(x: &mut [f64], r: f64, scratch: &mut [f64]) {
    let s = &mut scratch[..x.len()];
    s.copy_from_slice(x);
    s.sort_unstable_by(|a, b| b.total_cmp(a));
    let (mut cum, mut theta) = (0.0, 0.0);
    for (i, v) in s.iter().enumerate() {
        cum += v;
        let t = (cum - r) / (i + 1) as f64;
        if v - t > 0.0 {
            theta = t;
        }
    }
    x.iter_mut().for_each(|v| *v = (*v - theta).max(0.0));
}

impl<M: FiniteMfg + ?Sized> Algorithm<M> for MfOmo {
    type State = MfOmoState;
    type Error = MfgCoreError;

    fn step(&self, model: &M, st: &mut MfOmoState, _: &mut Rng) -> Result<StepInfo> {
        let c = &self.cfg;
        let (ns, na, hz) = (st.ws.n_states, st.ws.n_actions, st.ws.horizon);
        let (n, nsa) = (hz * ns * na, ns * na);
        self.objective_and_gradient(model, st)?;
        st.adam.step(&mut st.x, &st.grad)?;
        // projections
        let tt = (hz - 1) as f64;
        for h in 0..hz {
            project_simplex(&mut st.x[h * nsa..(h + 1) * nsa], 1.0, &mut st.scratch);
        }
        let c_z = nsa as f64 * (tt * tt + tt + 2.0) * st.r_max;
        let zs = &mut st.x[n..2 * n];
        zs.iter_mut().for_each(|v| *v = v.max(0.0));
        if zs.iter().sum::<f64>() > c_z {
            project_simplex(zs, c_z, &mut st.scratch);
        }
        let c_y = ns as f64 * (tt + 1.0) * (tt + 2.0) * st.r_max / 2.0;
        let ys = &mut st.x[2 * n..];
        let norm = ys.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > c_y {
            ys.iter_mut().for_each(|v| *v *= c_y / norm);
        }
        st.update_policy();
        st.iter += 1;
        let e = st.ws.exploitability(model, &st.probs, c.tau)?;
        Ok(StepInfo::new()
            .with("iter", st.iter as f64)
            .with("objective", st.objective)
            .with("exploitability", e))
    }
}

#[cfg(test)]
mod tests {
    use super::project_simplex;

    #[test]
    fn simplex_projection_closed_forms() {
        let mut s = [0.0; 4];
        let mut x = [0.5, 0.5, 0.5, 0.5];
        project_simplex(&mut x, 1.0, &mut s);
        assert!(x.iter().all(|v| (v - 0.25).abs() < 1e-15));
        let mut x = [2.0, 0.0, -1.0, 0.1];
        project_simplex(&mut x, 1.0, &mut s);
        assert_eq!(x, [1.0, 0.0, 0.0, 0.0]);
        let mut x = [0.3, 0.6, 0.1, 0.0];
        project_simplex(&mut x, 1.0, &mut s);
        assert!((x[0] - 0.3).abs() < 1e-15 && (x[1] - 0.6).abs() < 1e-15);
        let mut x = [3.0, 1.0];
        project_simplex(&mut x, 2.0, &mut s);
        assert!((x[0] - 2.0).abs() < 1e-15 && x[1] == 0.0);
    }
}

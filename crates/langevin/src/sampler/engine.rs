//! The chain-parallel engine shared by every sampler.

use super::Ensemble;
use crate::error::{LangevinError, Result};
use crate::potential::Potential;
use opt_core::rng::{Rng, stream};
use rayon::prelude::*;

/// Chains per parallel work item.
pub const BLOCK: usize = 64;
// failed chains of a block are tracked in a u64 bit mask
const _: () = assert!(BLOCK <= 64);

/// What went wrong in one chain step (reported as [`LangevinError::NonFinite`]).
pub type StepFailure = &'static str;

/// One Markov kernel acting on a single chain. Per-chain persistent state (cached gradient,
/// velocity, acceptance counters, adapted step size) lives in `aux` (length [`Kernel::aux_len`]),
/// scratch space shared by the chains of a block in `scratch` (length [`Kernel::scratch_len`]).
pub trait Kernel: Sync {
    /// Length of the persistent per-chain state.
    fn aux_len(&self, dim: usize) -> usize;
    /// Length of the scratch workspace.
    fn scratch_len(&self, dim: usize) -> usize;
    /// Called once per chain before its first step (`first = true`) and at the start of every
    /// later [`Chains::run`] (`first = false`, to refresh caches against the potential).
    fn prepare<P: Potential + ?Sized>(
        &self,
        pot: &P,
        x: &[f64],
        aux: &mut [f64],
        rng: &mut Rng,
        first: bool,
    ) -> Option<StepFailure>;
    /// Advances one chain by one step; `t` is the chain's global step index.
    fn step<P: Potential + ?Sized>(
        &self,
        pot: &P,
        t: usize,
        x: &mut [f64],
        aux: &mut [f64],
        scratch: &mut [f64],
        rng: &mut Rng,
    ) -> Option<StepFailure>;
    /// (accepted, proposed) counts of a chain, for Metropolis-adjusted kernels.
    fn counts(&self, _aux: &[f64]) -> Option<(f64, f64)> {
        None
    }
    /// The chain's current step size h.
    fn step_size(&self, aux: &[f64]) -> f64;
    /// Initialises a chain's persistent state when the engine is built (before any potential is
    /// seen); the default leaves it zero.
    fn init_aux(&self, _aux: &mut [f64]) {}
}

/// An ensemble of chains evolving under kernel `K`, each with its own seeded stream.
#[derive(Debug, Clone)]
pub struct Chains<K> {
    kernel: K,
    ens: Ensemble,
    rngs: Vec<Rng>,
    aux: Vec<f64>,
    aux_len: usize,
    scratch: Vec<f64>,
    scratch_len: usize,
    step: usize,
    prepared: bool,
    warnings: Vec<String>,
}

impl<K: Kernel> Chains<K> {
    /// Chains started at `init`, chain `i` drawing from `stream(seed, "langevin/chain", i)`.
    pub fn new(kernel: K, init: Ensemble, seed: u64) -> Self {
        let (m, d) = (init.n_chains(), init.dim());
        let aux_len = kernel.aux_len(d).max(1);
        let scratch_len = kernel.scratch_len(d).max(1);
        let mut aux = vec![0.0; m * aux_len];
        aux.chunks_mut(aux_len).for_each(|a| kernel.init_aux(a));
        let rngs = (0..m)
            .map(|i| stream(seed, "langevin/chain", i as u64))
            .collect();
        Self {
            kernel,
            ens: init,
            rngs,
            aux,
            aux_len,
            scratch: vec![0.0; m.div_ceil(BLOCK) * scratch_len],
            scratch_len,
            step: 0,
            prepared: false,
            warnings: Vec::new(),
        }
    }

    /// The current ensemble.
    pub fn ensemble(&self) -> &Ensemble {
        &self.ens
    }
    /// Consumes the engine, returning the ensemble.
    pub fn into_ensemble(self) -> Ensemble {
        self.ens
    }
    /// The kernel.
    pub fn kernel(&self) -> &K {
        &self.kernel
    }
    /// Steps taken so far.
    pub fn steps_done(&self) -> usize {
        self.step
    }
    /// Warnings collected at the first run (e.g. h ≥ 2/λ_max(∇²V) at chain 0's start).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    /// Pooled acceptance rate Σ accepted / Σ proposed (Metropolis-adjusted kernels only).
    pub fn acceptance_rate(&self) -> Option<f64> {
        let (mut a, mut p) = (0.0, 0.0);
        for aux in self.aux.chunks(self.aux_len) {
            let (ai, pi) = self.kernel.counts(aux)?;
            a += ai;
            p += pi;
        }
        (p > 0.0).then(|| a / p)
    }
    /// Per-chain acceptance rates (Metropolis-adjusted kernels only).
    pub fn chain_acceptance(&self) -> Option<Vec<f64>> {
        self.aux
            .chunks(self.aux_len)
            .map(|aux| {
                self.kernel
                    .counts(aux)
                    .map(|(a, p)| if p > 0.0 { a / p } else { f64::NAN })
            })
            .collect()
    }
    /// Mean step size over chains (differs from the configured h after MALA adaptation).
    pub fn mean_step_size(&self) -> f64 {
        let s: f64 = self
            .aux
            .chunks(self.aux_len)
            .map(|a| self.kernel.step_size(a))
            .sum();
        s / self.ens.n_chains() as f64
    }

    fn stability_warning<P: Potential + ?Sized>(&mut self, pot: &P) {
        let d = pot.dim();
        let mut h = vec![0.0; d * d];
        if pot.hessian(self.ens.chain(0), &mut h).is_ok() && h.iter().all(|v| v.is_finite()) {
            let m = nalgebra::DMatrix::from_row_slice(d, d, &h);
            let lmax = m.symmetric_eigenvalues().max();
            let step = self.kernel.step_size(&self.aux[..self.aux_len]);
            if lmax > 0.0 && step >= 2.0 / lmax {
                self.warnings.push(format!(
                    "step size {step} >= 2/lambda_max(Hess V) = {} at chain 0's start: the \
                     discretisation is unstable there",
                    2.0 / lmax
                ));
            }
        }
    }

    /// Starts chains of `kernel` from a copy of `init` with seed `seed` and runs `steps` steps,
    /// observing after every step: the one-call form behind `Ula::run`, `Mala::run`, `Kinetic::run`.
    pub fn start<P: Potential + Sync + ?Sized>(
        kernel: K,
        pot: &P,
        init: &Ensemble,
        steps: usize,
        seed: u64,
        observe: impl FnMut(usize, &Ensemble),
    ) -> Result<Self> {
        let mut c = Self::new(kernel, init.clone(), seed);
        c.run(pot, steps, 1, observe)?;
        Ok(c)
    }

    /// Advances every chain `steps` steps, calling `observe(step, &ensemble)` after every `every`
    /// steps (and after the last). A non-finite potential, gradient or state stops the run with
    /// [`LangevinError::NonFinite`] naming the earliest (step, chain); other chains have then
    /// completed the current segment.
    pub fn run<P: Potential + Sync + ?Sized>(
        &mut self,
        pot: &P,
        steps: usize,
        every: usize,
        mut observe: impl FnMut(usize, &Ensemble),
    ) -> Result<()> {
        self.ens.check_dim(pot.dim())?;
        if every == 0 {
            return Err(LangevinError::invalid("every", "must be >= 1"));
        }
        let (d, al, sl) = (self.ens.dim(), self.aux_len, self.scratch_len);
        let kernel = &self.kernel;
        let first = !self.prepared;
        let fail = self
            .ens
            .as_slice()
            .par_chunks(d)
            .zip(self.aux.par_chunks_mut(al))
            .zip(self.rngs.par_iter_mut())
            .enumerate()
            .filter_map(|(i, ((x, aux), rng))| {
                kernel
                    .prepare(pot, x, aux, rng, first)
                    .map(|w| (self.step, i, w))
            })
            .min_by_key(|f| (f.0, f.1));
        if let Some((step, chain, what)) = fail {
            return Err(LangevinError::NonFinite { what, step, chain });
        }
        if first {
            self.prepared = true;
            self.stability_warning(pot);
        }
        let mut done = 0;
        while done < steps {
            let seg = every.min(steps - done);
            let t0 = self.step;
            let kernel = &self.kernel;
            let fail = self
                .ens
                .as_mut_slice()
                .par_chunks_mut(BLOCK * d)
                .zip(self.rngs.par_chunks_mut(BLOCK))
                .zip(self.aux.par_chunks_mut(BLOCK * al))
                .zip(self.scratch.par_chunks_mut(sl))
                .enumerate()
                .filter_map(|(b, (((xb, rb), ab), sb))| {
                    // step-major order inside a block: consecutive chains are independent, so
                    // the CPU overlaps their latency chains; `failed` marks stopped chains
                    let mut failed: u64 = 0;
                    let mut first_fail: Option<(usize, usize, StepFailure)> = None;
                    for s in 0..seg {
                        for (c, ((x, rng), aux)) in xb
                            .chunks_exact_mut(d)
                            .zip(rb.iter_mut())
                            .zip(ab.chunks_exact_mut(al))
                            .enumerate()
                        {
                            if failed & (1 << c) != 0 {
                                continue;
                            }
                            if let Some(w) = kernel.step(pot, t0 + s, x, aux, sb, rng) {
                                failed |= 1 << c;
                                if first_fail.is_none() {
                                    first_fail = Some((t0 + s, b * BLOCK + c, w));
                                }
                            }
                        }
                    }
                    first_fail
                })
                .min_by_key(|f| (f.0, f.1));
            self.step += seg;
            done += seg;
            if let Some((step, chain, what)) = fail {
                return Err(LangevinError::NonFinite { what, step, chain });
            }
            observe(self.step, &self.ens);
        }
        Ok(())
    }
}

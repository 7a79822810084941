//! The reproduction experiments L1–L7 (spec `langevin.md`; thresholds and conventions from its
//! corrections box, which supersedes its table). arXiv:2501.00429 is a theory paper without
//! experiments: these are the spec's own checks of its claims.

mod l1_ring;
mod l2_double_well;
mod l3_ou;
mod l4_ellipse;
mod l5_torus;
mod l6_sampling;
mod l7_bias;

use crate::error::Result;
use crate::spectral::{GapReport, radial_gap, reversible_1d_gap};
use opt_core::report::Experiment;

const CRATE: &str = "langevin";

/// Every experiment of this crate, run by `cargo xtask reproduce langevin`.
pub fn experiments() -> Vec<Experiment> {
    vec![
        Experiment {
            id: "l1-ring-radial",
            crate_name: CRATE,
            paper_ref: "arXiv:2501.00429, main theorem (rho >= c lambda_1(S)); spec L1",
            title: "Ring in R^d: rho(eps) -> d - 1 = lambda_1(S^{d-1}), gap proportional to eps",
            run: l1_ring::run,
        },
        Experiment {
            id: "l2-double-well-kramers",
            crate_name: CRATE,
            paper_ref: "arXiv:2501.00429 contrast case (disconnected minima); Eyring-Kramers; spec L2",
            title: "Double well: ln gap ~ -1/eps with the Kramers prefactor, to full relative accuracy",
            run: l2_double_well::run,
        },
        Experiment {
            id: "l3-ou-exact",
            crate_name: CRATE,
            paper_ref: "Ornstein-Uhlenbeck sanity check (isolated minimum); spec L3",
            title: "OU: gap = a for every eps, higher eigenvalues k a",
            run: l3_ou::run,
        },
        Experiment {
            id: "l4-ellipse-weighted-limit",
            crate_name: CRATE,
            paper_ref: "arXiv:2501.00429 'lambda_1(S) times an eps-independent constant'; spec L4",
            title: "Ellipse: rho(eps) -> weighted limit 0.3057, not the unweighted lambda_1(S) = 0.4206",
            run: l4_ellipse::run,
        },
        Experiment {
            id: "l5-torus-revolution",
            crate_name: CRATE,
            paper_ref: "arXiv:2501.00429, non-contractible S (torus); spec L5",
            title: "Torus of revolution: k = 1 mode rho -> lambda_1(S) = 0.24937",
            run: l5_torus::run,
        },
        Experiment {
            id: "l6-ula-decay-rates",
            crate_name: CRATE,
            paper_ref: "arXiv:2501.00429, O~(1/eps) mixing vs exp(1/eps); spec L6",
            title: "ULA ensembles: fitted decay rates vs solver gaps; t_mix eps for ring vs double well",
            run: l6_sampling::run,
        },
        Experiment {
            id: "l7-mala-vs-ula-bias",
            crate_name: CRATE,
            paper_ref: "sampler correctness (not in the paper); spec L7",
            title: "MALA vs ULA bias of E|x|^2 on the ring at eps = 0.05",
            run: l7_bias::run,
        },
    ]
}

/// The L1 ring solve: V = (r² − 1)² in R^d, radial box (0, 1.8), N = 2500 (5000 below ε = 0.005).
pub(crate) fn ring_gap(d: usize, eps: f64) -> Result<GapReport> {
    let n = if eps < 0.005 { 5000 } else { 2500 };
    radial_gap(|r| (r * r - 1.0f64).powi(2), d, eps, 1.8, n)
}

/// The L2 double-well gap: V = (x² − 1)² on the cell-centred grid of [−2.2, 2.2], N = 4000, by
/// flux-integration inverse iteration (full relative accuracy).
pub(crate) fn double_well_gap(eps: f64) -> Result<f64> {
    let n = 4000;
    let h = 4.4 / n as f64;
    let lw: Vec<f64> = (0..n)
        .map(|i| {
            let x = -2.2 + (i as f64 + 0.5) * h;
            -(x * x - 1.0f64).powi(2) / eps
        })
        .collect();
    Ok(reversible_1d_gap(&lw, h, eps, 1e-12, 200)?.gap)
}

/// (√32/π) e^{−1/ε}: the Eyring–Kramers gap of the symmetric double well.
pub(crate) fn kramers(eps: f64) -> f64 {
    32f64.sqrt() / std::f64::consts::PI * (-1.0 / eps).exp()
}

//! The paper's experiments (spec `zo-opt.md`, "Reproduction experiments"; the spec's independent
//! 5-/10-seed checks are the thresholds' source).

mod glm;
mod glm_common;
mod mlp;
mod perspective;
mod theorem;
mod toy;

use opt_core::report::Experiment;

const CRATE: &str = "zo-opt";

/// Every experiment of this crate, run by `cargo xtask reproduce zo-opt`.
pub fn experiments() -> Vec<Experiment> {
    vec![
        Experiment {
            id: "e-zo-1-toy",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Figs 1/4 (toy (yᵀz−1)²/2, d = 100)",
            title: "ZO drives the Hessian trace of the scale-invariant toy down; GD and DD freeze it",
            run: toy::e1,
        },
        Experiment {
            id: "e-zo-1b-small-toy",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Corollary 1 (qualitative), toy with d = 10",
            title: "ZO reaches the flat value 2(1 − λ²) of the small toy; GD freezes its trace",
            run: toy::e1b,
        },
        Experiment {
            id: "e-zo-1c-balancing",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Proposition 1",
            title: "Balancedness decays at the exact discrete rate (1 − 2ηλ²(1 + η(d+2)λ²))^T",
            run: toy::e1c,
        },
        Experiment {
            id: "e-zo-2-perspective",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Theorem 1 / Corollary 1 (derived convex construction x²/t)",
            title: "GD freezes on the minimiser set of x²/t; ZO walks to the flattest minimiser (0, 4)",
            run: perspective::e2,
        },
        Experiment {
            id: "e-zo-3-rf-glm",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Figs 2/5 (synthetic stand-in for a5a/w5a)",
            title: "Random-feature logistic and squared-hinge GLMs: ZO ends at a smaller Hessian trace than GD",
            run: glm::e3,
        },
        Experiment {
            id: "e-zo-3-breast-cancer",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Figs 2/5 on UCI breast cancer (569 x 30)",
            title: "Breast-cancer random-feature logistic regression: GD vs ZO trace, loss, test accuracy",
            run: glm::e3_real,
        },
        Experiment {
            id: "e-zo-4-smoothing-oracle",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Sec. 3 (E g_λ = ∇f_λ), spec E-ZO-4",
            title: "ZO endpoint trace against the trace at argmin f_λ (Gauss–Hermite oracle)",
            run: glm::e4,
        },
        Experiment {
            id: "e-zo-5-theorem1",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Theorem 1 (convex quadratic, L2 = L3 = 0)",
            title: "Averaged suboptimality of F against the Theorem 1 bound 8(d+6)L1‖x0−x*‖²/T",
            run: theorem::e5,
        },
        Experiment {
            id: "e-zo-6-mlp",
            crate_name: CRATE,
            paper_ref: "arXiv:2506.05454, Figs 3/6 (RoBERTa fine-tuning), scaled to a tiny MLP; report only",
            title: "Tiny MLP fine-tuned by GD vs ZO: antithetic Hessian-trace estimate along the way",
            run: mlp::e6,
        },
    ]
}

/// `stream`-derived seed for sub-runs (directions of run `i` under experiment seed `seed`).
pub(crate) fn sub_seed(seed: u64, domain: &str, i: u64) -> u64 {
    use opt_core::rng::RngCore;
    opt_core::rng::stream(seed, domain, i).next_u64()
}

/// The value `v` clamped away from 0 for log plots.
pub(crate) fn pos(v: f64) -> f64 {
    v.max(1e-300)
}

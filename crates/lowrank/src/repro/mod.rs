//! The paper's experiments (arXiv 2410.18965), run by `cargo xtask reproduce lowrank`.
//!
//! Thresholds come from the spec's correction box where it differs from its table.

pub mod common;
pub mod digits;
pub mod digits_lora;
pub mod e1;
pub mod e2;
pub mod e3;
pub mod e4;
pub mod e5;
pub mod e6;
pub mod e7;

use opt_core::report::Experiment;

/// Every experiment of this crate.
pub fn experiments() -> Vec<Experiment> {
    vec![
        Experiment {
            id: "e1-symmetric-exact",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, Fig. 1(a)-(c), theorem (i)",
            title: "Symmetric exact rank: Nystrom + ScaledGD is quadratic; other arms linear; GD slow",
            run: e1::run,
        },
        Experiment {
            id: "e2-scalar-map",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, mechanism of theorem (i) (spec oracle 1)",
            title: "Singular values of Sigma^{-1/2} U^T X_t follow g_eta(d) = (1-eta) d + eta/d",
            run: e2::run,
        },
        Experiment {
            id: "e3-symmetric-over",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, theorem (i), over-parameterised",
            title: "Over-parameterised: Nystrom + pinv ScaledGD stays quadratic; small init and GD do not",
            run: e3::run,
        },
        Experiment {
            id: "e4-symmetric-under",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, theorem (ii)",
            title: "Under-parameterised: linear convergence to A_r at (1 - eta) + eta g",
            run: e4::run,
        },
        Experiment {
            id: "e5-asymmetric-exact",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, theorem (iii)",
            title: "Asymmetric exact/over-parameterised: one ScaledGD step from (A Omega, 0) is exact",
            run: e5::run,
        },
        Experiment {
            id: "e6-asymmetric-under",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, theorem (iv)",
            title: "Asymmetric under-parameterised: HMT first step, then linear at sigma_{r+1}/sigma_r",
            run: e6::run,
        },
        Experiment {
            id: "e7a-lora-scaledgd",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, Sec. 5 (NoRA), toy under ScaledGD-preconditioned steps",
            title: "LoRA toy: NoRA's one-step advantage when dW is aligned with W_0 (and none when random)",
            run: e7::run_a,
        },
        Experiment {
            id: "e7b-lora-adam",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965, Sec. 5 (NoRA vs LoRA/PiSSA), toy under Adam",
            title: "LoRA toy under Adam: small early advantage when aligned, parity when random",
            run: e7::run_b,
        },
        Experiment {
            id: "digits-factorisation",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965 methods on real data (UCI digits)",
            title: "Digits: covariance rank-r approximation (under-parameterised) and completion, per initialisation",
            run: digits::run_factorisation,
        },
        Experiment {
            id: "digits-lora",
            crate_name: "lowrank",
            paper_ref: "arXiv:2410.18965 Sec. 5 (NoRA/NoRA+) on real data (UCI digits)",
            title: "Digits: LoRA adaptation of a 0-4 MLP to 5-9 per initialisation (Kaiming, PiSSA, NoRA, NoRA+)",
            run: digits_lora::run,
        },
    ]
}

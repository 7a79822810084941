//! The reproduction experiments (`cargo xtask reproduce mfg-core`), spec `mfg-core.md` M1–M3b,
//! `incentive-amid.md` E2 (beach-bar half) and E9 (= M3), and the per-environment solver
//! table against MFGLib's environments.

mod beach_omd;
mod env_table;
mod finite_n;
mod flow;

use opt_core::report::Experiment;

/// Every experiment of this crate, run by `cargo xtask reproduce mfg-core`.
pub fn experiments() -> Vec<Experiment> {
    vec![
        Experiment {
            id: "m1-flow-invariants",
            crate_name: "mfg-core",
            paper_ref: "arXiv:2510.21442 (AMID), population operator Γ and flow Λ; spec M1",
            title: "Flow invariants and logit-shift invariance on random density-dependent models",
            run: flow::run,
        },
        Experiment {
            id: "e2-beach-bar-omd",
            crate_name: "mfg-core",
            paper_ref: "arXiv:2510.21442 (AMID), equilibrium operator F_omd; spec M2 = incentive-amid E2 (beach bar)",
            title: "Regularised OMD on the beach bar: eta = 0.1 converges, eta = 1 does not",
            run: beach_omd::run,
        },
        Experiment {
            id: "m3-finite-n",
            crate_name: "mfg-core",
            paper_ref: "arXiv:2510.21442 (AMID), Theorem 1; spec M3 = incentive-amid E9",
            title: "N agents playing the beach-bar MF-NE: O(1/sqrt N) flow error, O(1/N) bias of a smooth objective",
            run: finite_n::run_m3,
        },
        Experiment {
            id: "m3b-density-dependent",
            crate_name: "mfg-core",
            paper_ref: "arXiv:2510.21442 (AMID), Theorem 1's geometric constant; spec M3b",
            title: "Propagation of chaos with population-dependent transitions",
            run: finite_n::run_m3b,
        },
        Experiment {
            id: "env-solver-table",
            crate_name: "mfg-core",
            paper_ref: "MFGLib 0.3.0 (arXiv:2304.08630) environments and solvers; issue 6",
            title: "Final exploitability of every solver on MFGLib's ten environments",
            run: env_table::run,
        },
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_experiment_has_a_unique_id() {
        let e = super::experiments();
        let mut ids: Vec<_> = e.iter().map(|x| x.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), e.len());
    }
}

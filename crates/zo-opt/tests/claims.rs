//! Every quick-scale claim of every zo-opt experiment holds (seed 0).

#[test]
fn quick_claims_hold() {
    opt_core::report::assert_quick_claims_hold(&zo_opt::repro::experiments(), 0);
}

//! Every quick-scale claim of every experiment holds (seed 0).

#[test]
fn quick_claims_hold() {
    opt_core::report::assert_quick_claims_hold(&lowrank::repro::experiments(), 0);
}

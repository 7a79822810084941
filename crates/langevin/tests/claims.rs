//! Every quick-scale claim of L1–L7 holds (seed 0).

#[test]
fn quick_claims_hold() {
    opt_core::report::assert_quick_claims_hold(&langevin::repro::experiments(), 0);
}

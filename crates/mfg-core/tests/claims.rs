//! Every quick-scale claim of `repro::experiments()` holds.

#[test]
fn quick_claims_hold() {
    opt_core::report::assert_quick_claims_hold(&mfg_core::repro::experiments(), 0);
}

//! Criterion benches of optlab hot paths live in `benches/`; this library is empty.

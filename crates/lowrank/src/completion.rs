//! Matrix completion (placeholder during development).

//! Criterion benchmarks of hyperforge-crypto (placeholder).
fn main() {}

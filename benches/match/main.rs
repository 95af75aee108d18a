//! Matching-core benches: library index vs brute force (`index`), class rules (`rules`).
//!
//! `cargo bench --bench match -- index` (add `SYNTHWATCH_INDEX_SIZES=10000,100000`
//! to skip the 10⁶ library) and `cargo bench --bench match -- rules`.
use criterion::{criterion_group, criterion_main};

mod index;
mod rules;
mod synthetic;

criterion_group!(benches, rules::bench, index::bench);
criterion_main!(benches);

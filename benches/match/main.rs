//! Matching-core benches: library index vs brute force (`index`), class rules (`rules`).
use criterion::{criterion_group, criterion_main};

mod rules;

criterion_group!(benches, rules::bench);
criterion_main!(benches);

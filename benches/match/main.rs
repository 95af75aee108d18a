//! Matching-core benches: library index vs brute force (`index`), class rules (`rules`).
use criterion::{criterion_group, criterion_main, Criterion};

fn placeholder(_c: &mut Criterion) {}

criterion_group!(benches, placeholder);
criterion_main!(benches);

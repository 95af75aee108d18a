//! Matching-core benches: library index vs brute force (`index`), class rules (`rules`).
use criterion::{criterion_group, criterion_main};

mod index;
mod synthetic;

criterion_group!(benches, index::bench);
criterion_main!(benches);

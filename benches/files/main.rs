//! Export-file reader throughput (MB/s), one criterion group per format
//! family; every group asserts its spectrum and peak counts inside the timed
//! loop, so a broken reader cannot post a fast number.
//!
//! `cargo bench --bench files -- --noplot` runs them all; a group name
//! filters (`-- jcamp`). The peers in `benches/peers/` time matchms,
//! pyteomics and the Python `jcamp` package on the same inputs.

use criterion::{criterion_group, criterion_main};

mod binary;
mod jcamp;
mod mzml;
mod text;

criterion_group!(
    benches,
    text::text_spectra,
    jcamp::bench,
    binary::bench,
    mzml::bench
);
criterion_main!(benches);

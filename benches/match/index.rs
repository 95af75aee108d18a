//! Library index benches: µs per query, single-threaded, identity / open /
//! hybrid search on synthetic libraries of 10⁴, 10⁵ and 10⁶ spectra × 20 peaks
//! (see `synthetic.rs`; `benches/peers/flash_peer.py` times ms_entropy's
//! FlashEntropySearch on the same data and reads our criterion estimates).
//!
//! `cargo bench --bench match -- index` runs all sizes; set
//! `SYNTHWATCH_INDEX_SIZES=10000,100000` to pick sizes. Each iteration is one
//! query (cycling through 1000 perturbed library spectra). Before timing, every
//! query must find its source spectrum as the top hit in identity and open mode.

use crate::synthetic;
use criterion::{black_box, Criterion};
use std::time::{Duration, Instant};
use synthwatch::matching::clean::{clean_ms2, CleanParams};
use synthwatch::matching::index::{IndexBuilder, LibraryIndex, SearchParams, Searcher, SpectrumId};
use synthwatch::matching::CleanSpectrum;

/// Seed shared with `flash_peer.py`.
pub const SEED: u64 = 42;
const QUERIES: usize = 1000;

fn sizes() -> Vec<usize> {
    std::env::var("SYNTHWATCH_INDEX_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000])
}

/// Skip building libraries when a criterion filter on the command line
/// cannot select any index bench.
fn selected() -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty()
        || filters
            .iter()
            .any(|f| f.contains("index") || "index".contains(f.as_str()))
}

fn setup(n: usize) -> (LibraryIndex, Vec<(usize, CleanSpectrum)>) {
    let clean = CleanParams::default();
    let t = Instant::now();
    let mut b = IndexBuilder::new();
    for i in 0..n {
        let r = synthetic::library_spectrum(SEED, i);
        b.add(&clean_ms2(r.peaks, Some(r.precursor), &clean))
            .expect("add");
    }
    let cleaned = t.elapsed();
    let t = Instant::now();
    let index = b.build();
    eprintln!(
        "index/{n}: {} peaks, clean {:.2?}, build {:.2?}, memory {} B = {:.2} B/peak",
        index.n_peaks(),
        cleaned,
        t.elapsed(),
        index.memory_bytes(),
        index.memory_bytes() as f64 / index.n_peaks() as f64
    );
    let queries = (0..QUERIES)
        .map(|k| {
            let (src, r) = synthetic::query(SEED, n, k);
            (src, clean_ms2(r.peaks, Some(r.precursor), &clean))
        })
        .collect();
    (index, queries)
}

/// Register the index benches.
pub fn bench(c: &mut Criterion) {
    if !selected() {
        return;
    }
    for n in sizes() {
        let (index, queries) = setup(n);
        assert!(
            index.memory_bytes() <= 16 * index.n_peaks(),
            "memory over 16 B/peak"
        );
        let modes = [
            ("identity", SearchParams::identity()),
            ("open", SearchParams::open()),
            ("hybrid", SearchParams::hybrid()),
        ];
        for (name, params) in &modes[..2] {
            for (src, q) in &queries {
                let hits = index.search(q, params);
                assert_eq!(
                    hits.first().map(|h| h.id),
                    Some(SpectrumId(*src as u32)),
                    "{name} {n}"
                );
            }
        }
        let mut group = c.benchmark_group(format!("index/{n}"));
        if n >= 1_000_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
        }
        let mut scratch = index.scratch();
        for (name, params) in &modes {
            let mut k = 0usize;
            group.bench_function(*name, |b| {
                b.iter(|| {
                    let q = &queries[k % QUERIES].1;
                    k += 1;
                    black_box(index.search_with(q, params, &mut scratch))
                })
            });
        }
        group.finish();
    }
}
